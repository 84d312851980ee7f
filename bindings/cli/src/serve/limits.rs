//! Around every request: the time limit and the access log line.
//!
//! The timeout covers reading the body too, so a client that stops sending mid-body gets an answer
//! (and frees its task) instead of holding the server, and graceful shutdown always ends. The log
//! line (method, path, action, status, microseconds) goes to standard error, one per request, so
//! that a test run's log shows what its SDK calls did.

use super::api::ApiError;
use super::protocol::AwsError;
use super::Server;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use std::time::Instant;

pub async fn bound_and_log(
    State(server): State<Arc<Server>>,
    request: Request,
    next: Next,
) -> Response {
    let start = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let action = request
        .headers()
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .to_string();
    let response = match tokio::time::timeout(server.timeout, next.run(request)).await {
        Ok(response) => response,
        // The AWS endpoint answers in its protocol's shape; the rest in the JSON API's.
        Err(_) if path == "/" => AwsError::timeout(server.timeout).into_response(),
        Err(_) => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "request",
            format!(
                "the request took longer than {:?} (see --timeout)",
                server.timeout
            ),
        )
        .into_response(),
    };
    eprintln!(
        "{method} {path} {action} {} {}us",
        response.status().as_u16(),
        start.elapsed().as_micros()
    );
    response
}
