//! The Sandbox page: pattern and event editors with the result and explanation as you type, in
//! the spirit of the EventBridge console's Sandbox, but local and with the reasons.
//!
//! Plain HTML, CSS and JavaScript compiled into the binary, so the page works with no network and
//! no build step; it talks only to this server's JSON API (`/v1/explain`, `/v1/match`,
//! `/v1/rules`).

use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::IntoResponse;

const PAGE: &str = include_str!("sandbox/index.html");
const CSS: &str = include_str!("sandbox/sandbox.css");
const JS: &str = include_str!("sandbox/sandbox.js");

fn asset(content_type: &'static str, body: &'static str) -> impl IntoResponse {
    (
        [(CONTENT_TYPE, content_type), (CACHE_CONTROL, "no-cache")],
        body,
    )
}

pub async fn page() -> impl IntoResponse {
    asset("text/html; charset=utf-8", PAGE)
}

pub async fn css() -> impl IntoResponse {
    asset("text/css; charset=utf-8", CSS)
}

pub async fn js() -> impl IntoResponse {
    asset("text/javascript; charset=utf-8", JS)
}
