//! Big events: a million array elements under array-consistent rules, 10 MB strings on and off a
//! rule's path, 100k keys in one object. The answers must be exact (array consistency included);
//! the time they take is measured by the adversarial bench.

use crate::{hit, matches, matching, room_for};
use std::fmt::Write;

/// The issue's sizes in optimised builds (`cargo test --release`); a tenth of them in debug builds,
/// where the same code is ~30 times slower, so that `cargo test` stays quick.
const SCALE: usize = if cfg!(debug_assertions) { 10 } else { 1 };
const ELEMENTS: usize = 1_000_000 / SCALE;
const TEN_MB: usize = (10 << 20) / SCALE;

/// `{"items": [{"sku": "A", "qty": 1}, {"sku": "B", "qty": 2}, ...], "n": 0}` with `pairs` pairs
/// (2 × `pairs` elements), then `tail` as one more element if given.
fn items(pairs: usize, tail: Option<&str>) -> String {
    let mut s = String::with_capacity(pairs * 48);
    s.push_str(r#"{"items": ["#);
    for i in 0..pairs {
        if i > 0 {
            s.push(',');
        }
        s.push_str(r#"{"sku":"A","qty":1},{"sku":"B","qty":2,"gift":true}"#);
    }
    if let Some(t) = tail {
        s.push(',');
        s.push_str(t);
    }
    s.push_str(r#"], "n": 0}"#);
    s
}

#[test]
fn a_million_elements_keep_array_consistency() {
    let rules = [
        r#"{"items": {"sku": ["A"], "qty": [2]}}"#,
        r#"{"items": {"sku": ["B"], "gift": [{"exists": false}]}}"#,
        r#"{"items": {"sku": ["A"]}, "n": [0]}"#,
        r#"{"items": {"sku": ["B"], "qty": [2], "gift": [true]}}"#,
    ];
    // A and 2 occur, but never in one element; every B has a gift.
    let event = items(ELEMENTS / 2, None);
    assert_eq!(matches(&rules, &event), Ok(vec![2, 3]));
    // One more element at the very end changes both answers.
    let event = items(ELEMENTS / 2, Some(r#"{"sku":"A","qty":2},{"sku":"B"}"#));
    assert_eq!(matches(&rules, &event), Ok(vec![0, 1, 2, 3]));
}

#[test]
fn a_million_scalars_in_one_array() {
    let mut event = String::from(r#"{"tags": ["#);
    for i in 0..ELEMENTS {
        if i > 0 {
            event.push(',');
        }
        write!(event, "\"t{i}\"").unwrap();
    }
    event.push_str("]}");
    let last = format!(r#"{{"tags": ["t{}"]}}"#, ELEMENTS - 1);
    let past = format!(r#"{{"tags": ["t{ELEMENTS}"]}}"#);
    let rules = [
        &last,
        &past,
        r#"{"tags": [{"prefix": "t9999"}], "x": [{"exists": false}]}"#,
        r#"{"tags": [{"anything-but": {"prefix": "t"}}]}"#,
    ];
    let rules: Vec<&str> = rules.to_vec();
    assert_eq!(matches(&rules, &event), Ok(vec![0, 2]));
}

fn long_string_event(value: &str, elsewhere: bool) -> String {
    if elsewhere {
        format!(r#"{{"big": "{value}", "s": "small"}}"#)
    } else {
        format!(r#"{{"s": "{value}"}}"#)
    }
}

#[test]
fn ten_megabyte_strings_on_the_rule_path() {
    let mut value = "a".repeat(TEN_MB);
    value.push('b');
    let event = long_string_event(&value, false);
    for (rule, want) in [
        (r#"{"s": [{"prefix": "aaa"}]}"#, true),
        (r#"{"s": [{"suffix": "aab"}]}"#, true),
        (r#"{"s": [{"suffix": "aaa"}]}"#, false),
        (r#"{"s": [{"wildcard": "a*ab"}]}"#, true),
        (r#"{"s": [{"wildcard": "*b*a"}]}"#, false),
        (r#"{"s": [{"wildcard": "*a*a*a*a*c"}]}"#, false),
        (
            r#"{"s": [{"prefix": {"equals-ignore-case": "AAAA"}}]}"#,
            true,
        ),
        (r#"{"s": [{"suffix": {"equals-ignore-case": "AB"}}]}"#, true),
        (r#"{"s": [{"equals-ignore-case": "AAB"}]}"#, false),
        (r#"{"s": [{"anything-but": "aab"}]}"#, true),
        (r#"{"s": [{"anything-but": {"wildcard": "*b"}}]}"#, false),
        (r#"{"s": [{"exists": true}]}"#, true),
        (r#"{"s": [{"cidr": "10.0.0.0/8"}]}"#, false),
        (r#"{"s": [{"numeric": [">", 0]}]}"#, false),
    ] {
        assert_eq!(hit(rule, &event), want, "{rule}");
    }
}

#[test]
fn ten_megabyte_strings_of_escapes_and_off_the_path() {
    // 10 MB of `\u00e9` escapes decode to é repeated.
    let escaped = "\\u00e9".repeat(TEN_MB / 6);
    let event = long_string_event(&escaped, false);
    assert!(hit(r#"{"s": [{"suffix": "éé"}]}"#, &event));
    assert!(hit(
        r#"{"s": [{"prefix": {"equals-ignore-case": "ÉÉ"}}]}"#,
        &event
    ));
    assert!(!hit(r#"{"s": [{"wildcard": "*e*"}]}"#, &event));
    // Off the path, 10 MB (with escaped quotes) is skipped.
    let skipped = "x\\\"".repeat(TEN_MB / 3);
    let event = long_string_event(&skipped, true);
    assert!(hit(r#"{"s": ["small"]}"#, &event));
    // An event larger than max_event_bytes is refused up front; raising the limit admits it.
    let big = long_string_event(&"a".repeat(65 << 20), true);
    assert!(matches(&[r#"{"s": ["small"]}"#], &big).is_err());
    assert_eq!(
        matching(&[r#"{"s": ["small"]}"#], &big, room_for(big.len())),
        Ok(vec![0])
    );
}

#[test]
fn a_hundred_thousand_keys() {
    let mut event = String::from("{");
    for i in 0..100_000 {
        if i > 0 {
            event.push(',');
        }
        write!(event, "\"k{i}\": {i}").unwrap();
    }
    event.push('}');
    let rules = [
        r#"{"k99999": [99999]}"#,
        r#"{"k0": [0], "k50000": [{"numeric": [">", 49999]}]}"#,
        r#"{"k100000": [{"exists": false}], "k1": [1]}"#,
        r#"{"k100000": [{"exists": true}]}"#,
    ];
    assert_eq!(matches(&rules, &event), Ok(vec![0, 1, 2]));
}
