//! Duplicate keys. In an event, every occurrence of a key counts as a value of that field (as if the
//! values were in one array, but each occurrence its own array for array consistency). In a
//! pattern, the last occurrence of a field wins, as in EventBridge; a dotted key is a different
//! spelling of the nested path and counts as the same field.

use crate::{hit, matches};

#[test]
fn every_occurrence_in_an_event_counts() {
    let event = r#"{"a": "y", "a": "x", "a": 3}"#;
    assert!(hit(r#"{"a": ["x"]}"#, event));
    assert!(hit(r#"{"a": ["y"]}"#, event));
    assert!(hit(r#"{"a": [3]}"#, event));
    // anything-but holds if some occurrence is not excluded.
    assert!(hit(r#"{"a": [{"anything-but": ["x", "y"]}]}"#, event));
    assert!(!hit(
        r#"{"a": [{"anything-but": ["x", "y"]}]}"#,
        r#"{"a": "y", "a": "x"}"#
    ));
    // `exists: false` fails if any occurrence has a value.
    assert!(!hit(
        r#"{"a": [{"exists": false}]}"#,
        r#"{"a": [], "a": 1}"#
    ));
    assert!(hit(
        r#"{"a": [{"exists": false}]}"#,
        r#"{"a": [], "a": {}}"#
    ));
}

#[test]
fn a_hundred_thousand_duplicates() {
    let mut event = String::from("{");
    for i in 0..100_000 {
        event.push_str(&format!("\"d\": {i},"));
    }
    event.push_str("\"e\": 1}");
    let rules = [
        r#"{"d": [99999]}"#,
        r#"{"d": [100000]}"#,
        r#"{"d": [0], "e": [1]}"#,
    ];
    assert_eq!(matches(&rules, &event), Ok(vec![0, 2]));
}

#[test]
fn duplicate_and_dotted_keys_keep_array_consistency_defined() {
    let rule = r#"{"x": {"a": [1], "b": [2]}}"#;
    // One array: the values sit in different elements, so no.
    assert!(!hit(rule, r#"{"x": [{"a": 1}, {"b": 2}]}"#));
    // Two occurrences of x are two arrays: a value from each may be combined.
    assert!(hit(rule, r#"{"x": [{"a": 1}], "x": [{"b": 2}]}"#));
    // A dotted key reaches x.b outside the array.
    assert!(hit(rule, r#"{"x": [{"a": 1}, {"b": 3}], "x.b": 2}"#));
    // Duplicates inside one element are values of that element.
    assert!(hit(rule, r#"{"x": [{"a": 1, "a": 3, "b": 2}]}"#));
    assert!(!hit(
        rule,
        r#"{"x": [{"a": 3, "b": 2}, {"a": 1, "b": 4, "b": 5}]}"#
    ));
}

#[test]
fn the_last_duplicate_in_a_pattern_wins() {
    let rule = r#"{"a": ["y"], "a": ["x"]}"#;
    assert!(hit(rule, r#"{"a": "x"}"#));
    assert!(!hit(rule, r#"{"a": "y"}"#));
    // The whole later value replaces the earlier one, nested fields included...
    let nested = r#"{"a": {"b": ["y"]}, "a": {"c": ["x"]}}"#;
    assert!(hit(nested, r#"{"a": {"c": "x"}}"#));
    // ...but a dotted key names a different field path, so both conditions stay.
    let dotted = r#"{"a": {"b": ["y"]}, "a.c": ["x"]}"#;
    assert!(!hit(dotted, r#"{"a": {"c": "x"}}"#));
    assert!(hit(dotted, r#"{"a": {"b": "y", "c": "x"}}"#));
    // The same path spelt twice: the later wins.
    let respelt = r#"{"a": {"c": ["y"]}, "a.c": ["x"]}"#;
    assert!(hit(respelt, r#"{"a": {"c": "x"}}"#));
    assert!(!hit(respelt, r#"{"a": {"c": "y"}}"#));
}

/// Three arrays reached through one duplicated key, under a three-condition rule whose
/// `exists: false` fails every combination. The answer is exact; the time is not linear (the
/// aliased-path search tries every combination, see the `aliased-arrays` bench family and
/// docs/hardening.md), so the size here stays small.
#[test]
fn aliased_arrays_under_a_three_condition_rule() {
    let rule = r#"{"x": {"a": [1], "b": [1], "c": [1]}, "z": [{"exists": false}]}"#;
    let array = |k: &str| format!("[{}]", vec![format!(r#"{{"{k}": 1}}"#); 20].join(","));
    let (a, b, c) = (array("a"), array("b"), array("c"));
    assert!(!hit(
        rule,
        format!(r#"{{"x": {a}, "x": {b}, "x": {c}, "z": 1}}"#)
    ));
    assert!(hit(rule, format!(r#"{{"x": {a}, "x": {b}, "x": {c}}}"#)));
    // In one array the three values never share an element.
    let one = format!(
        "[{}]",
        [&a[1..a.len() - 1], &b[1..b.len() - 1], &c[1..c.len() - 1]].join(",")
    );
    assert!(!hit(rule, format!(r#"{{"x": {one}}}"#)));
}
