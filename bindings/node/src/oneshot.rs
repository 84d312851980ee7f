//! One-shot functions that need no machine, like EventBridge's `TestEventPattern`.

use crate::failure::Failure;
use crate::input::bytes_of;
use napi::bindgen_prelude::Either;
use napi_derive::napi;

/// Whether `event` matches `pattern`.
#[napi(catch_unwind)]
pub fn matches_rule(
    event: Either<String, &[u8]>,
    pattern: Either<String, &[u8]>,
) -> Either<bool, Failure> {
    let event = bytes_of(&event);
    match ferruler::matches_rule(event, bytes_of(&pattern)) {
        Ok(matched) => Either::A(matched),
        Err(ferruler::Error::Pattern(e)) => Either::B(e.into()),
        Err(ferruler::Error::Event(e)) => Either::B(Failure::event(e, event)),
    }
}

/// Validates `pattern` with the default limits; `null` if it is valid.
#[napi(catch_unwind)]
pub fn check_pattern(pattern: Either<String, &[u8]>) -> Option<Failure> {
    ferruler::check_pattern(bytes_of(&pattern))
        .err()
        .map(Failure::from)
}
