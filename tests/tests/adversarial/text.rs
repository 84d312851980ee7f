//! Bytes that are not what they seem: invalid UTF-8, lone surrogate escapes, byte order marks.
//!
//! Defined behaviour: a string a rule reads (a value on a rule's path, or a key leading to one)
//! must be valid UTF-8 and its `\u` escapes must pair surrogates, or the event is an error; strings
//! no rule reads are only delimited, so damage there cannot change an answer and is not reported. A
//! UTF-8 byte order mark before an event is ignored; anywhere else it is an error. Pattern text
//! gets no such tolerance: a byte order mark before a pattern is an error.

use crate::{hit, matches};
use ferruler::Pattern;

const RULE: &str = r#"{"a": ["x"]}"#;

#[test]
fn invalid_utf8_on_a_rule_path_is_an_error() {
    for event in [
        &b"{\"a\": \"x\xff\"}"[..],
        b"{\"a\": \"\xc3\"}",
        b"{\"a\": \"\xed\xa0\x80\"}", // a surrogate encoded as UTF-8
        b"{\"a\": \"\xc0\xaf\"}",     // an overlong encoding
        b"{\"a\": [\"x\", \"\xf8\x88\x80\x80\x80\"]}",
    ] {
        let err = matches(&[RULE], event).expect_err("invalid UTF-8 accepted");
        assert!(err.message().contains("UTF-8"), "{err}");
    }
}

#[test]
fn invalid_utf8_no_rule_reads_is_skipped() {
    assert!(hit(RULE, b"{\"b\": \"\xff\xfe\", \"a\": \"x\"}"));
    assert!(hit(RULE, b"{\"\xff\": \"y\", \"a\": \"x\"}"));
    assert!(hit(
        RULE,
        b"{\"b\": [\"\xc3\", {\"c\": \"\xed\xa0\x80\"}], \"a\": \"x\"}"
    ));
}

#[test]
fn lone_surrogate_escapes_on_a_rule_path_are_errors() {
    for event in [
        r#"{"a": "\ud800"}"#,
        r#"{"a": "\udc00"}"#,
        r#"{"a": "x\ud83d"}"#,
        r#"{"a": "\ud83dx"}"#,
        r#"{"a": "\ud83d\u0041"}"#,
        r#"{"a": "\ude00\ud83d"}"#,
        r#"{"a": ["x", "\udfff"]}"#,
    ] {
        let err = matches(&[RULE], event).expect_err(event);
        assert!(err.message().contains("surrogate"), "{event}: {err}");
    }
    // In a key on the way to a rule's path as well.
    assert!(matches(&[RULE], r#"{"\ud800": 1, "a": "x"}"#).is_err());
}

#[test]
fn surrogates_no_rule_reads_are_skipped_and_pairs_decode() {
    assert!(hit(RULE, r#"{"b": "\ud800", "a": "x"}"#));
    assert!(hit(RULE, r#"{"b": ["\udc00", {"c": "\ud800"}], "a": "x"}"#));
    assert!(hit(r#"{"a": ["😀"]}"#, r#"{"a": "\ud83d\ude00"}"#));
    assert!(hit(r#"{"a": ["😀"]}"#, r#"{"a": "\uD83D\uDE00"}"#));
    assert!(hit(
        r#"{"a": [{"prefix": "\ud83d\ude00"}]}"#,
        "{\"a\": \"😀!\"}"
    ));
}

#[test]
fn a_byte_order_mark_is_ignored_only_before_an_event() {
    assert!(hit(RULE, b"\xEF\xBB\xBF{\"a\": \"x\"}"));
    assert!(hit(RULE, b"\xEF\xBB\xBF \n{\"a\": \"x\"}"));
    for event in [
        &b"\xEF\xBB\xBF\xEF\xBB\xBF{\"a\": \"x\"}"[..],
        b" \xEF\xBB\xBF{\"a\": \"x\"}",
        b"{\"a\": \"x\"}\xEF\xBB\xBF",
        b"{\xEF\xBB\xBF\"a\": \"x\"}",
        b"\xEF\xBB{\"a\": \"x\"}",
        b"\xFE\xFF{\"a\": \"x\"}",
    ] {
        assert!(matches(&[RULE], event).is_err(), "{event:?} accepted");
    }
    // Inside a string it is just U+FEFF.
    assert!(hit(
        "{\"a\": [\"\u{feff}x\"]}",
        b"{\"a\": \"\xEF\xBB\xBFx\"}"
    ));
    assert!(Pattern::parse(b"\xEF\xBB\xBF{\"a\": [\"x\"]}").is_err());
}

#[test]
fn control_characters_and_nul_bytes() {
    assert!(matches(&[RULE], b"{\"a\": \"x\x00\"}").is_err());
    assert!(matches(&[RULE], b"{\"a\": \"x\n\"}").is_err());
    assert!(matches(&[RULE], b"{\"a\": \"x\"}\x00").is_err());
    // A string directly under a key is checked even when no rule reads it.
    assert!(matches(&[RULE], b"{\"b\": \"x\n\", \"a\": \"x\"}").is_err());
    assert!(matches(&[RULE], b"{\"b\": \"\\q\", \"a\": \"x\"}").is_err());
    assert!(hit(r#"{"a": ["\u0000"]}"#, r#"{"a": "\u0000"}"#));
    assert!(!hit(r#"{"a": ["x"]}"#, r#"{"a": "x\u0000"}"#));
}
