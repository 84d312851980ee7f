//! `match_event`: any bytes as an event, against one fixed machine of varied rules.
//!
//! Properties: matching never panics; each name comes out once; `matches_for_event` and
//! `for_each_match` with a long-lived `Scratch` (stale state from earlier inputs would show) agree;
//! an error's offset lies inside the input; and the engine errs *only* on invalid JSON: whenever
//! serde_json reads the input as an object (duplicate keys allowed) the engine must accept it, with
//! or without a byte order mark before it, and, when the event has few enough leaves for the
//! brute-force reference, it must give the reference interpreter's answer for every rule (see
//! `duplicates::verdicts`).

use super::duplicates::{self, Tree};
use ferruler::{Machine, Pattern, Scratch};
use std::cell::RefCell;
use std::sync::OnceLock;

/// The rules: every matcher kind, nested and dotted paths, `$or`, `exists: false`, and rules with
/// several conditions under one array (array consistency).
pub const RULES: &[&str] = &[
    r#"{"source": ["aws.ec2", "com.shop"]}"#,
    r#"{"detail-type": [{"prefix": "Order"}]}"#,
    r#"{"detail": {"state": [{"anything-but": ["running", "pending"]}]}}"#,
    r#"{"detail": {"total": [{"numeric": [">", 0, "<=", 1000]}]}}"#,
    r#"{"detail": {"total": [{"numeric": ["=", 0]}]}}"#,
    r#"{"detail": {"count": [5, 1e2, -0]}}"#,
    r#"{"detail": {"ip": [{"cidr": "10.0.0.0/8"}, {"cidr": "2001:db8::/32"}]}}"#,
    r#"{"detail": {"name": [{"wildcard": "*.jp*g"}]}}"#,
    r#"{"detail": {"name": [{"suffix": {"equals-ignore-case": ".PNG"}}]}}"#,
    r#"{"detail": {"name": [{"equals-ignore-case": "straße"}]}}"#,
    r#"{"detail": {"name": [{"anything-but": {"prefix": "tmp"}}], "size": [{"exists": true}]}}"#,
    r#"{"detail": {"flag": [true, null]}}"#,
    r#"{"detail": {"missing": [{"exists": false}]}}"#,
    r#"{"detail": {"items": {"sku": ["A"], "qty": [{"numeric": [">=", 2]}]}}}"#,
    r#"{"detail": {"items": {"sku": ["B"], "gone": [{"exists": false}]}}}"#,
    r#"{"a": {"b": {"c": [1]}}, "a.b.d": [2]}"#,
    r#"{"a.b": {"c": ["x"]}}"#,
    r#"{"$or": [{"source": ["aws.s3"]}, {"detail": {"bucket": [{"prefix": {"equals-ignore-case": "LOG"}}]}}]}"#,
    r#"{"resources": [{"wildcard": "arn:aws:*:us-*"}], "region": [{"anything-but": {"suffix": "-1"}}]}"#,
    r#"{"version": ["0"], "id": [{"exists": true}], "time": [{"prefix": "20"}]}"#,
    r#"{"x": [{"anything-but": {"equals-ignore-case": ["A", "ß"]}}]}"#,
    r#"{"x": [{"anything-but": {"wildcard": ["*z", "é*"]}}], "y": [""]}"#,
    r#"{"": [""], "k": {"": [0]}}"#,
    r#"{"n": [{"numeric": ["<", -1e308]}, {"numeric": [">=", 1.7976931348623157e308]}]}"#,
    r#"{"s": ["😀", "é", "\u0000"]}"#,
];

fn machine() -> &'static (Machine<usize>, Vec<Pattern>) {
    static MACHINE: OnceLock<(Machine<usize>, Vec<Pattern>)> = OnceLock::new();
    MACHINE.get_or_init(|| {
        let mut m = Machine::new();
        let mut parsed = Vec::new();
        for (i, text) in RULES.iter().enumerate() {
            m.add_rule(i, text)
                .unwrap_or_else(|e| panic!("rule {text}: {e}"));
            parsed.push(Pattern::parse(text).expect("added above"));
        }
        (m, parsed)
    })
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// The target body.
pub fn run(data: &[u8]) {
    let (machine, patterns) = machine();
    let result = machine.matches_for_event(data);
    let mut again = Vec::new();
    let again_result =
        SCRATCH.with(|s| machine.for_each_match(data, &mut s.borrow_mut(), |n| again.push(*n)));
    match &result {
        Ok(names) => {
            assert!(again_result.is_ok());
            let mut sorted = names.clone();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(sorted.len(), names.len(), "a name twice: {names:?}");
            again.sort_unstable();
            assert_eq!(sorted, again, "for_each_match with a used Scratch differs");
        }
        Err(e) => {
            assert_eq!(again_result.as_ref().err(), Some(e));
            assert!(e.offset() <= data.len(), "offset past the end: {e:?}");
        }
    }
    if !Tree::read(data).is_some_and(|t| matches!(t, Tree::Obj(_))) {
        return;
    }
    let names = match result {
        Ok(names) => names,
        Err(e) => panic!("valid JSON rejected: {e}"),
    };
    let mut with_bom = b"\xEF\xBB\xBF".to_vec();
    with_bom.extend_from_slice(data);
    assert_eq!(
        machine.matches_for_event(&with_bom).as_ref(),
        Ok(&names),
        "a byte order mark changed the answer"
    );
    let all: Vec<&Pattern> = patterns.iter().collect();
    let Some(wanted) = duplicates::verdicts(&all, data) else {
        return;
    };
    for (i, want) in wanted.into_iter().enumerate() {
        assert_eq!(
            names.contains(&i),
            want,
            "rule {} on this event: reference says {want}",
            RULES[i]
        );
    }
}
