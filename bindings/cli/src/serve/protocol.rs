//! EventBridge's wire protocol, AWS JSON 1.1, for `TestEventPattern`.
//!
//! The SDKs and the AWS CLI send `POST /` with `Content-Type: application/x-amz-json-1.1`,
//! `X-Amz-Target: AWSEvents.<Action>` and the input as a JSON object, and read back either the
//! output object or an error object whose `__type` names the error shape (with the HTTP status);
//! botocore raises `ClientError` with that code, and a client generated from the service model
//! raises the modelled exception of that name (`InvalidEventPatternException`). So that code
//! written against the service runs unchanged here, requests and answers follow the service:
//!
//! | request | status | `__type` | `message` |
//! | --- | --- | --- | --- |
//! | matches / does not match | 200 | | `{"Result": true/false}` |
//! | invalid pattern | 400 | `InvalidEventPatternException` | `Event pattern is not valid. Reason: ...` |
//! | invalid event, or no envelope | 400 | `ValidationException` | `Parameter Event is not valid.` |
//! | a member missing | 400 | `ValidationException` | `1 validation error detected: ...` |
//! | body not a JSON object of strings | 400 | `SerializationException` | |
//! | other action, no target, other content type | 400 | `UnknownOperationException` | |
//! | body over the limit | 413 | `SerializationException` | |
//! | over the time limit | 500 | `InternalException` | |
//!
//! The signature (`Authorization`, `X-Amz-Date`) is not checked: any credentials do.

use super::Server;
use crate::envelope;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use ferruler::{Machine, PatternError};
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// The only action served.
const TEST_EVENT_PATTERN: &str = "AWSEvents.TestEventPattern";
const CONTENT_TYPE_1_1: &str = "application/x-amz-json-1.1";
/// Jackson, whose message the service passes on, quotes at most this many characters of the
/// pattern.
const QUOTED_CHARACTERS: usize = 500;

/// `POST /`.
pub async fn handle(
    State(server): State<Arc<Server>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    match test_event_pattern(&server, &headers, body) {
        Ok(result) => respond(StatusCode::OK, &TestEventPatternResponse { result }),
        Err(error) => error.into_response(),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct TestEventPatternRequest {
    event_pattern: Option<String>,
    event: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct TestEventPatternResponse {
    result: bool,
}

fn test_event_pattern(
    server: &Server,
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<bool, AwsError> {
    let content_type = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok());
    let essence = content_type.map(|t| t.split(';').next().unwrap_or(t).trim());
    if !essence.is_some_and(|t| t.eq_ignore_ascii_case(CONTENT_TYPE_1_1)) {
        return Err(AwsError::unknown_operation(format!(
            "expected Content-Type: {CONTENT_TYPE_1_1}, got {}",
            content_type.unwrap_or("none")
        )));
    }
    match headers.get("x-amz-target").and_then(|v| v.to_str().ok()) {
        Some(TEST_EVENT_PATTERN) => {}
        Some(other) => {
            return Err(AwsError::unknown_operation(format!(
                "ferruler serve answers only {TEST_EVENT_PATTERN}, not {other}"
            )))
        }
        None => {
            return Err(AwsError::unknown_operation(
                "no X-Amz-Target header".to_string(),
            ))
        }
    }
    let body = body.map_err(|e| match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => AwsError {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            kind: "SerializationException",
            message: format!(
                "the request body is larger than {} bytes (see --body-limit)",
                server.body_limit
            ),
        },
        _ => AwsError::serialization(e.body_text()),
    })?;
    // An empty body is an empty input, as in the protocol's reference tests.
    let input: TestEventPatternRequest = if body.iter().all(u8::is_ascii_whitespace) {
        TestEventPatternRequest {
            event_pattern: None,
            event: None,
        }
    } else {
        serde_json::from_slice(&body).map_err(|e| AwsError::serialization(e.to_string()))?
    };
    let (pattern, event) = match (input.event_pattern, input.event) {
        (Some(pattern), Some(event)) => (pattern, event),
        (pattern, event) => return Err(AwsError::missing(pattern.is_none(), event.is_none())),
    };
    // The same steps, in the same order, as `ferruler test-event-pattern --envelope aws`.
    let mut machine = Machine::new();
    machine
        .add_rule((), &pattern)
        .map_err(|e| AwsError::invalid_pattern(&pattern, &e))?;
    let matched = !machine
        .matches_for_event(&event)
        .map_err(|_| AwsError::invalid_event())?
        .is_empty();
    if envelope::problem(&event).is_some() {
        return Err(AwsError::invalid_event());
    }
    Ok(matched)
}

/// An error answer: the status and the `__type` the SDKs map to an exception.
pub struct AwsError {
    status: StatusCode,
    kind: &'static str,
    message: String,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    #[serde(rename = "__type")]
    kind: &'a str,
    message: &'a str,
}

impl IntoResponse for AwsError {
    fn into_response(self) -> Response {
        respond(
            self.status,
            &ErrorBody {
                kind: self.kind,
                message: &self.message,
            },
        )
    }
}

impl AwsError {
    fn unknown_operation(message: String) -> AwsError {
        AwsError {
            status: StatusCode::BAD_REQUEST,
            kind: "UnknownOperationException",
            message,
        }
    }

    fn serialization(message: String) -> AwsError {
        AwsError {
            status: StatusCode::BAD_REQUEST,
            kind: "SerializationException",
            message,
        }
    }

    /// The service's answer to a request without `EventPattern` or `Event`.
    fn missing(pattern: bool, event: bool) -> AwsError {
        let problems: Vec<String> = [("eventPattern", pattern), ("event", event)]
            .iter()
            .filter(|(_, missing)| *missing)
            .map(|(member, _)| {
                format!("Value null at '{member}' failed to satisfy constraint: Member must not be null")
            })
            .collect();
        let count = match problems.len() {
            1 => "1 validation error".to_string(),
            n => format!("{n} validation errors"),
        };
        AwsError {
            status: StatusCode::BAD_REQUEST,
            kind: "ValidationException",
            message: format!("{count} detected: {}", problems.join("; ")),
        }
    }

    fn invalid_event() -> AwsError {
        AwsError {
            status: StatusCode::BAD_REQUEST,
            kind: "ValidationException",
            message: envelope::SERVICE_ERROR.to_string(),
        }
    }

    /// The service's message: the reason, then where, as the Jackson parser behind it says it.
    fn invalid_pattern(pattern: &str, e: &PatternError) -> AwsError {
        let quoted: String = pattern.chars().take(QUOTED_CHARACTERS).collect();
        let rest = pattern.chars().count().saturating_sub(QUOTED_CHARACTERS);
        let truncated = match rest {
            0 => String::new(),
            n => format!("[truncated {n} chars]"),
        };
        AwsError {
            status: StatusCode::BAD_REQUEST,
            kind: "InvalidEventPatternException",
            message: format!(
                "Event pattern is not valid. Reason: {}\n at [Source: (String)\"{quoted}\"{truncated}; line: {}, column: {}]",
                e.message(),
                e.line(),
                e.column()
            ),
        }
    }

    /// What a request that ran out of time gets.
    pub fn timeout(limit: std::time::Duration) -> AwsError {
        AwsError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            kind: "InternalException",
            message: format!("the request took longer than {limit:?} (see --timeout)"),
        }
    }
}

/// A JSON 1.1 answer, with a request id as the service sends.
fn respond(status: StatusCode, body: &impl Serialize) -> Response {
    let body = serde_json::to_string(body).expect("answers always serialise");
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE_1_1));
    headers.insert(
        "x-amzn-requestid",
        HeaderValue::from_str(&request_id()).expect("request ids are ASCII"),
    );
    response
}

/// A fresh id in the service's UUID layout: the process id and a counter, so ids differ across
/// requests and across servers.
fn request_id() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let pid = std::process::id();
    format!(
        "{:08x}-{:04x}-4000-8000-{:012x}",
        pid,
        (n >> 48) & 0xffff,
        n & 0xffff_ffff_ffff
    )
}
