//! The JSON API for what TestEventPattern does not answer: why (`/v1/explain`), which of the
//! loaded rules (`/v1/match`), and what is loaded (`/v1/rules`). The Sandbox page uses it too.
//!
//! A pattern or event is sent either as JSON (an object) or as a string holding its JSON text; the
//! string form keeps the user's layout, so that an error's line and column point into the text the
//! user typed. Every error is `{"error": {"kind", "message", "line"?, "column"?}}` with status 400
//! (404 for an unknown rule), `kind` one of `request`, `pattern`, `event`, `rule`.

use super::Server;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use ferruler_bindings_common::explain as render;
use ferruler_sources::failure::line_column;
use ferruler_sources::rules::Missing;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::sync::Arc;

/// `POST /v1/explain`: `{"pattern" | "rule", "event"}` → the explanation, as `explain --json`
/// prints it.
pub async fn explain(
    State(server): State<Arc<Server>>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Request<'a> {
        #[serde(borrow)]
        pattern: Option<&'a RawValue>,
        rule: Option<String>,
        #[serde(borrow)]
        event: &'a RawValue,
    }
    let answer = (|| -> Result<Response, ApiError> {
        let body = body.map_err(ApiError::body)?;
        let request: Request = parse(&body)?;
        let event = text_of(request.event)?;
        let loaded;
        let pattern = match (request.pattern, &request.rule) {
            (Some(pattern), None) => text_of(pattern)?,
            (None, Some(name)) => {
                loaded = server.rules.current();
                match loaded.set.find(name) {
                    Ok(rule) => rule.text.clone(),
                    Err(Missing::Unresolved(why) | Missing::Unknown(why)) => {
                        return Err(ApiError::new(StatusCode::NOT_FOUND, "rule", why))
                    }
                }
            }
            _ => {
                return Err(ApiError::request(
                    "give exactly one of \"pattern\" and \"rule\"",
                ))
            }
        };
        let explanation = ferruler::explain::explain(&pattern, &event).map_err(|e| match e {
            ferruler::Error::Pattern(e) => {
                ApiError::new(StatusCode::BAD_REQUEST, "pattern", e.message())
                    .at(e.line() as usize, e.column() as usize)
            }
            ferruler::Error::Event(e) => ApiError::event(&event, &e),
        })?;
        Ok(json_response(render::json(&explanation)))
    })();
    answer.unwrap_or_else(IntoResponse::into_response)
}

/// `POST /v1/match`: `{"event"}` → `{"rules": [names of the loaded rules it matches]}`.
pub async fn matching(
    State(server): State<Arc<Server>>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Request<'a> {
        #[serde(borrow)]
        event: &'a RawValue,
    }
    #[derive(Serialize)]
    struct Answer<'a> {
        rules: Vec<&'a str>,
    }
    let answer = (|| -> Result<Response, ApiError> {
        let body = body.map_err(ApiError::body)?;
        let request: Request = parse(&body)?;
        let event = text_of(request.event)?;
        let loaded = server.rules.current();
        let rules = loaded
            .matching(&event)
            .map_err(|e| ApiError::event(&event, &e))?;
        Ok(json_response(to_json(&Answer { rules })))
    })();
    answer.unwrap_or_else(IntoResponse::into_response)
}

/// `GET /v1/rules`: every loaded rule with its pattern text and where it is defined, and the
/// rules left out because they need a `--param`.
pub async fn rules(State(server): State<Arc<Server>>) -> Response {
    #[derive(Serialize)]
    struct Answer<'a> {
        rules: Vec<RuleEntry<'a>>,
        unresolved: Vec<Unresolved<'a>>,
    }
    #[derive(Serialize)]
    struct RuleEntry<'a> {
        name: &'a str,
        /// `FILE:LINE:COLUMN` of the pattern.
        defined_at: String,
        pattern: &'a str,
    }
    #[derive(Serialize)]
    struct Unresolved<'a> {
        name: &'a str,
        message: &'a str,
    }
    let loaded = server.rules.current();
    let answer = Answer {
        rules: loaded
            .set
            .rules
            .iter()
            .map(|r| RuleEntry {
                name: &r.name,
                defined_at: r.location_of(0).to_string(),
                pattern: &r.text,
            })
            .collect(),
        unresolved: loaded
            .set
            .unresolved
            .iter()
            .map(|(name, why)| Unresolved {
                name,
                message: &why.0,
            })
            .collect(),
    };
    json_response(to_json(&answer))
}

fn parse<'a, T: Deserialize<'a>>(body: &'a [u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| ApiError::request(format!("invalid request: {e}")))
}

/// The JSON text a request member stands for: a string's contents, or the member as written.
fn text_of(value: &RawValue) -> Result<String, ApiError> {
    if value.get().starts_with('"') {
        serde_json::from_str(value.get()).map_err(|e| ApiError::request(e.to_string()))
    } else {
        Ok(value.get().to_string())
    }
}

fn to_json(value: &impl Serialize) -> String {
    serde_json::to_string_pretty(value).expect("answers always serialise")
}

fn json_response(mut body: String) -> Response {
    body.push('\n');
    let mut response = body.into_response();
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// An error answer of the JSON API.
pub struct ApiError {
    status: StatusCode,
    error: ErrorDetail,
}

#[derive(Serialize)]
struct ErrorDetail {
    kind: &'static str,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<usize>,
}

impl ApiError {
    pub fn new(status: StatusCode, kind: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            error: ErrorDetail {
                kind,
                message: message.into(),
                line: None,
                column: None,
            },
        }
    }

    fn request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "request", message)
    }

    fn body(e: BytesRejection) -> ApiError {
        ApiError::new(e.status(), "request", e.body_text())
    }

    fn event(text: &str, e: &ferruler::EventError) -> ApiError {
        let (line, column) = line_column(text, e.offset());
        ApiError::new(StatusCode::BAD_REQUEST, "event", e.message()).at(line, column)
    }

    fn at(mut self, line: usize, column: usize) -> ApiError {
        self.error.line = Some(line);
        self.error.column = Some(column);
        self
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        #[derive(Serialize)]
        struct Body<'a> {
            error: &'a ErrorDetail,
        }
        let mut response = json_response(to_json(&Body { error: &self.error }));
        *response.status_mut() = self.status;
        response
    }
}
