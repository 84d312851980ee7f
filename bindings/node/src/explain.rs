//! `explain` and `patternComplexity`: one pattern, looked at on its own.
//!
//! `explain` hands JS the explanation already written out, as the CLI writes it
//! (`ferruler-bindings-common`): its text, which becomes the result's `toString()`, and its JSON,
//! from which `explain.js` builds the result's objects. Rendering once, in Rust, keeps the text
//! identical to `ferruler explain` without a second renderer written in JavaScript.

use crate::failure::Failure;
use crate::input::bytes_of;
use crate::machine::LimitsInput;
use napi::bindgen_prelude::Either;
use napi_derive::napi;

/// Why `pattern` does or does not match `event`: `[text, json]`, or why either is invalid.
#[napi(catch_unwind)]
pub fn explain(
    pattern: Either<String, &[u8]>,
    event: Either<String, &[u8]>,
    limits: Option<LimitsInput>,
) -> Either<Vec<String>, Failure> {
    let limits = limits.map(LimitsInput::into_limits).unwrap_or_default();
    let event = bytes_of(&event);
    match ferruler::explain::explain_with_limits(bytes_of(&pattern), event, &limits) {
        Ok(e) => Either::A(vec![
            ferruler_bindings_common::explain::text(&e),
            ferruler_bindings_common::explain::json(&e),
        ]),
        Err(ferruler::Error::Pattern(e)) => Either::B(e.into()),
        Err(ferruler::Error::Event(e)) => Either::B(Failure::event(e, event)),
    }
}

/// The wildcard complexity of `pattern`, EventBridge's measure (as `Machine#complexity()`): what
/// that would be for a machine holding this pattern alone, so a pattern above
/// `limits.maxComplexity` is refused ("Rule is too complex"), as `addRule` would.
#[napi(catch_unwind)]
pub fn pattern_complexity(
    pattern: Either<String, &[u8]>,
    limits: Option<LimitsInput>,
) -> Either<u32, Failure> {
    let limits = limits.map(LimitsInput::into_limits).unwrap_or_default();
    // A machine holding just this pattern measures it under `limits`: ferruler::pattern_complexity
    // takes no limits, and counts past max_complexity instead of refusing.
    let mut machine: ferruler::Machine<()> = ferruler::Machine::with_limits(limits);
    match machine.add_rule((), bytes_of(&pattern)) {
        Ok(()) => Either::A(crate::machine::count(machine.complexity())),
        Err(e) => Either::B(e.into()),
    }
}
