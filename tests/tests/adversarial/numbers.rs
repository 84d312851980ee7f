//! Numbers are compared as doubles: every spelling of a value is that value, `-0` is `0`, numbers
//! past double range are ±infinity in events (and refused as `numeric` bounds in patterns), and
//! strings that look like numbers are strings.

use crate::{hit, matches};
use ferruler::Pattern;

#[test]
fn negative_zero_is_zero() {
    for event in [
        r#"{"a": -0}"#,
        r#"{"a": -0.0}"#,
        r#"{"a": -0e5}"#,
        r#"{"a": 0}"#,
    ] {
        assert!(hit(r#"{"a": [0]}"#, event), "{event}");
        assert!(hit(r#"{"a": [-0]}"#, event), "{event}");
        assert!(hit(r#"{"a": [{"numeric": ["=", 0]}]}"#, event), "{event}");
        assert!(!hit(r#"{"a": [{"numeric": ["<", 0]}]}"#, event), "{event}");
        assert!(!hit(r#"{"a": [{"anything-but": 0}]}"#, event), "{event}");
    }
}

#[test]
fn exponents_and_spellings_are_values() {
    for event in [
        r#"{"a": 100}"#,
        r#"{"a": 1e2}"#,
        r#"{"a": 1E2}"#,
        r#"{"a": 1e+2}"#,
        r#"{"a": 100.000}"#,
        r#"{"a": 10000e-2}"#,
        r#"{"a": 0.1e3}"#,
    ] {
        assert!(hit(r#"{"a": [100]}"#, event), "{event}");
        assert!(hit(r#"{"a": [1e2]}"#, event), "{event}");
        assert!(
            hit(
                r#"{"a": [{"numeric": [">=", 100, "<", 100.0000001]}]}"#,
                event
            ),
            "{event}"
        );
    }
    // Integers past 2^53 compare as their nearest doubles.
    assert!(hit(
        r#"{"a": [9007199254740993]}"#,
        r#"{"a": 9007199254740992}"#
    ));
    assert!(!hit(
        r#"{"a": [9007199254740995]}"#,
        r#"{"a": 9007199254740992}"#
    ));
    // A 400-digit integer is a (finite) double too.
    let long = format!("1{}", "0".repeat(300));
    assert!(hit(r#"{"a": [1e300]}"#, format!(r#"{{"a": {long}}}"#)));
}

#[test]
fn at_and_past_double_range() {
    let max = "1.7976931348623157e308";
    assert!(hit(
        &format!(r#"{{"a": [{max}]}}"#),
        format!(r#"{{"a": {max}}}"#)
    ));
    assert!(hit(
        r#"{"a": [{"numeric": [">", 1e308]}]}"#,
        r#"{"a": 1e309}"#
    ));
    assert!(hit(
        r#"{"a": [{"numeric": [">", 1e308]}]}"#,
        r#"{"a": 1e99999999999999999999}"#
    ));
    assert!(hit(
        r#"{"a": [{"numeric": ["<", -1e308]}]}"#,
        r#"{"a": -1e400}"#
    ));
    assert!(!hit(
        r#"{"a": [{"numeric": ["<", 1e308]}]}"#,
        r#"{"a": 1e400}"#
    ));
    // Underflow is zero; the smallest subnormal is not.
    assert!(hit(r#"{"a": [0]}"#, r#"{"a": 1e-400}"#));
    assert!(!hit(r#"{"a": [0]}"#, r#"{"a": 5e-324}"#));
    assert!(hit(r#"{"a": [{"numeric": [">", 0]}]}"#, r#"{"a": 5e-324}"#));
    // A numeric bound past double range is refused; the message says why.
    let err = Pattern::parse(r#"{"a": [{"numeric": [">", 1e400]}]}"#).unwrap_err();
    assert!(err.message().contains("range of a double"), "{err}");
    // An exact or anything-but number past double range is +infinity.
    assert!(hit(r#"{"a": [1e400]}"#, r#"{"a": 1e999}"#));
    assert!(!hit(
        r#"{"a": [1e400]}"#,
        r#"{"a": 1.7976931348623157e308}"#
    ));
    assert!(!hit(
        r#"{"a": [{"anything-but": 1e400}]}"#,
        r#"{"a": 2e308}"#
    ));
    assert!(hit(
        r#"{"a": [{"anything-but": 1e400}]}"#,
        r#"{"a": 1e308}"#
    ));
}

#[test]
fn malformed_numbers_on_a_rule_path_are_errors() {
    for bad in [
        "01", "1.", ".5", "+1", "1e", "1e+", "-", "0x10", "NaN", "Infinity", "1_000",
    ] {
        let event = format!(r#"{{"a": {bad}}}"#);
        assert!(
            matches(&[r#"{"a": [1]}"#], &event).is_err(),
            "{event} accepted"
        );
    }
}

#[test]
fn strings_that_look_like_numbers_are_strings() {
    assert!(!hit(r#"{"a": [100]}"#, r#"{"a": "100"}"#));
    assert!(!hit(r#"{"a": ["100"]}"#, r#"{"a": 100}"#));
    assert!(hit(r#"{"a": ["1e2"]}"#, r#"{"a": "1e2"}"#));
    assert!(!hit(r#"{"a": ["1e2"]}"#, r#"{"a": "100"}"#));
    assert!(!hit(r#"{"a": [{"numeric": [">", 5]}]}"#, r#"{"a": "6"}"#));
    assert!(!hit(
        r#"{"a": [{"numeric": [">", 5]}]}"#,
        r#"{"a": "Infinity"}"#
    ));
    assert!(hit(r#"{"a": [{"anything-but": 6}]}"#, r#"{"a": "6"}"#));
    assert!(hit(r#"{"a": [{"prefix": "1"}]}"#, r#"{"a": "100"}"#));
    assert!(!hit(r#"{"a": [{"prefix": "1"}]}"#, r#"{"a": 100}"#));
    assert!(!hit(r#"{"a": [true]}"#, r#"{"a": "true"}"#));
    assert!(!hit(r#"{"a": [null]}"#, r#"{"a": "null"}"#));
}
