//! Ferruler matches JSON events against [Amazon EventBridge event patterns], with EventBridge's
//! semantics, many rules at once.
//!
//! Rules are compiled into one [`Machine`]; an event is scanned once, reading only the fields some
//! rule uses, and comes out with the names of every rule it matches. Finding the conditions a value
//! satisfies (exact, prefix, suffix, ignore-case, wildcard, numeric, CIDR, exists) does not get
//! slower as rules are added; the work after that is proportional to the conditions the event does
//! satisfy, not to the rules the machine holds.
//!
//! ```
//! use ferruler::Machine;
//!
//! let mut machine = Machine::new();
//! machine.add_rule("big-orders", r#"{"detail-type": ["Order Placed"], "detail": {"total": [{"numeric": [">=", 1000]}]}}"#)?;
//! machine.add_rule("from-eu", r#"{"region": [{"prefix": "eu-"}]}"#)?;
//!
//! let event = r#"{"detail-type": "Order Placed", "region": "us-east-1", "detail": {"total": 1250.5}}"#;
//! assert_eq!(machine.matches_for_event(event)?, vec!["big-orders"]);
//!
//! // One-shot, like EventBridge's TestEventPattern:
//! assert!(ferruler::matches_rule(event, r#"{"detail": {"total": [{"numeric": [">", 1000]}]}}"#)?);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # How it is built
//!
//! * [`pattern`]: parsing and validation (EventBridge's error messages, with positions), `$or`
//!   expansion; the result is a typed [`Pattern`].
//! * `compile`: the path trie and, per path, one merged value index of every matcher.
//! * `event`: a single-pass byte scanner that skips whatever no rule reads.
//! * `matching`: turns condition hits into matched rules, enforcing array consistency.
//! * [`Machine`]: the rule registry tying it together.
//!
//! [Amazon EventBridge event patterns]: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html

#![warn(missing_docs)]

mod casefold;
mod compile;
pub mod dialect;
mod error;
mod event;
pub mod explain;
mod limits;
mod machine;
mod matching;
mod number;
pub mod pattern;

/// EventBridge's rule for ignoring case (`equals-ignore-case`, and `prefix`, `suffix` and
/// `anything-but` with `equals-ignore-case`): each character of the *pattern* accepts exactly its
/// own lower case or its own upper case (Unicode's full mappings), so the rule is not symmetric:
/// `ß` accepts `ß` or `SS` but not `ss`, and `S` never accepts `ß`.
pub mod ignore_case {
    pub use crate::casefold::{ends_with, equals, starts_with};
}
mod shared;
mod stack;

pub use error::{Error, EventError, PatternError};
pub use limits::Limits;
pub use machine::{Machine, Stats};
pub use matching::Scratch;
pub use pattern::Pattern;
pub use shared::SharedMachine;

/// Whether `event` matches `pattern` (both JSON text), like EventBridge's `TestEventPattern`.
pub fn matches_rule(event: impl AsRef<[u8]>, pattern: impl AsRef<[u8]>) -> Result<bool, Error> {
    let mut machine: Machine<()> = Machine::new();
    machine.add_rule((), pattern)?;
    Ok(!machine.matches_for_event(event)?.is_empty())
}

/// Validates `pattern` (JSON text) with the default [`Limits`], as adding it to a machine would.
pub fn check_pattern(pattern: impl AsRef<[u8]>) -> Result<(), PatternError> {
    Pattern::parse(pattern).map(drop)
}

/// The wildcard complexity of `pattern` (JSON text), EventBridge's measure behind "Rule is too
/// complex": on each field, the most wildcard rule prefixes (of all the pattern's `$or`
/// alternatives, wildcards and anything-but wildcards) that one value could be matching at
/// once; the largest over the fields. A machine refuses a pattern above
/// [`Limits::max_complexity`] (10 by default, as EventBridge). Counted exactly up to 100; a
/// larger complexity is reported as some number above 100. 0 without wildcards.
///
/// ```
/// assert_eq!(ferruler::pattern_complexity(r#"{"key": [{"wildcard": "*/*/*/*/*.json"}]}"#), Ok(9));
/// ```
pub fn pattern_complexity(pattern: impl AsRef<[u8]>) -> Result<usize, PatternError> {
    let (parsed, _) = Pattern::parse_measured(pattern.as_ref(), &Limits::default(), 100)?;
    Ok(parsed.complexity())
}

/// The README's Rust examples, compiled and run as doctests so that they stay true.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;
