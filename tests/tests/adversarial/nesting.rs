//! Deep nesting: 100k levels of arrays or objects must be refused with the depth-limit error, on a
//! rule's path, off it, and inside a skipped value, without exhausting the stack (these tests run
//! on the 2 MiB stack of a test thread). Nesting within the limit is read correctly.

use crate::{matches, matching};
use ferruler::Limits;

const DEEP: usize = 100_000;

fn nested(open: &str, inner: &str, close: &str, levels: usize) -> String {
    let mut s = String::with_capacity((open.len() + close.len()) * levels + inner.len());
    for _ in 0..levels {
        s.push_str(open);
    }
    s.push_str(inner);
    for _ in 0..levels {
        s.push_str(close);
    }
    s
}

fn assert_too_deep(rules: &[&str], event: &str) {
    let err = matches(rules, event).expect_err("100k levels must be refused");
    assert!(
        err.message().contains("max_event_depth"),
        "not the depth limit: {err}"
    );
}

#[test]
fn arrays_100k_deep_are_refused_on_and_off_the_rule_path() {
    let arrays = nested("[", "1", "]", DEEP);
    assert_too_deep(&[r#"{"a": [1]}"#], &format!(r#"{{"a": {arrays}}}"#));
    assert_too_deep(&[r#"{"b": [1]}"#], &format!(r#"{{"a": {arrays}, "b": 1}}"#));
    // Skipped by a rule-less machine too.
    assert_too_deep(&[], &format!(r#"{{"a": {arrays}}}"#));
}

#[test]
fn objects_100k_deep_are_refused_on_and_off_the_rule_path() {
    let objects = nested(r#"{"a":"#, "1", "}", DEEP);
    assert_too_deep(&[r#"{"a": {"a": [1]}}"#], &objects);
    assert_too_deep(
        &[r#"{"b": [1]}"#],
        &format!(r#"{{"x": {objects}, "b": 1}}"#),
    );
    let mixed = nested(r#"[{"a":"#, "1", "}]", DEEP / 2);
    assert_too_deep(&[r#"{"a": {"a": [1]}}"#], &format!(r#"{{"a": {mixed}}}"#));
}

#[test]
fn unclosed_deep_nesting_is_an_error_not_a_hang() {
    let open = "[".repeat(DEEP);
    assert!(matches(&[r#"{"a": [1]}"#], format!(r#"{{"a": {open}"#)).is_err());
    let limits = Limits {
        max_event_depth: 10,
        ..Limits::default()
    };
    assert!(matching(&[r#"{"a": [1]}"#], format!(r#"{{"a": {open}"#), limits).is_err());
}

#[test]
fn nesting_at_the_limit_is_read_and_one_more_level_is_refused() {
    let limit = Limits::default().max_event_depth;
    // The event object is level 1, so `limit - 1` arrays fit.
    let fits = format!(r#"{{"a": {}}}"#, nested("[", r#""x""#, "]", limit - 1));
    assert_eq!(matches(&[r#"{"a": ["x"]}"#], &fits), Ok(vec![0]));
    assert_eq!(matches(&[r#"{"b": ["x"]}"#], &fits), Ok(vec![]));
    let over = format!(r#"{{"a": {}}}"#, nested("[", r#""x""#, "]", limit));
    assert!(matches(&[r#"{"a": ["x"]}"#], &over).is_err());
    assert!(matches(&[r#"{"b": ["x"]}"#], &over).is_err());
}

#[test]
fn a_rule_path_1000_fields_deep_matches_the_nested_event() {
    // A dotted key spells a deep path inside a small pattern. Objects on a rule's path are walked
    // recursively; this runs on a test thread's 2 MiB stack, in debug builds too.
    let path = vec!["k"; 1000].join(".");
    let rule = format!(r#"{{"{path}": ["deep"]}}"#);
    let event = nested(r#"{"k":"#, r#""deep""#, "}", 1000);
    assert_eq!(matches(&[&rule], &event), Ok(vec![0]));
    let shallower = nested(r#"{"k":"#, r#""deep""#, "}", 999);
    assert_eq!(matches(&[&rule], &shallower), Ok(vec![]));
}

#[test]
fn a_raised_depth_limit_reads_100k_levels_without_overflowing_the_stack() {
    let limits = Limits {
        max_event_depth: DEEP + 10,
        ..Limits::default()
    };
    let arrays = nested("[", r#""x""#, "]", DEEP);
    let event = format!(r#"{{"a": {arrays}, "b": {arrays}}}"#);
    assert_eq!(
        matching(
            &[r#"{"a": ["x"]}"#, r#"{"a": ["y"]}"#],
            &event,
            limits.clone()
        ),
        Ok(vec![0])
    );
    let path = vec!["k"; 2000].join(".");
    let rule = format!(r#"{{"{path}": ["deep"]}}"#);
    let objects = nested(r#"{"k":"#, r#""deep""#, "}", 2000);
    assert_eq!(matching(&[&rule], &objects, limits), Ok(vec![0]));
}
