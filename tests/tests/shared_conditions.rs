//! Router-shaped rule sets against the reference interpreter: thousands of rules that share a few
//! sources and detail types, each with a generated detail part, so that sub-rules are filed under
//! one condition and verified against the rest (see `compile::items` in the engine). Every
//! rule's verdict on every event must be the reference's, after adding, and after deleting rules
//! in an arbitrary order (which reorders the trigger lists).

use ferruler::{Machine, Pattern};
use ferruler_tests::{generate, reference};
use proptest::prelude::*;
use serde_json::{json, Value};

const SOURCES: &[&str] = &["com.shop", "com.bank", "aws.ec2"];
const TYPES: &[&str] = &["Order Placed", "Payment Failed"];
const ACCOUNTS: &[&str] = &["111", "222"];

/// A rule: a shared source and detail type, sometimes an account, and a generated detail part
/// (which may hold `$or`, arrays' consistency conditions and every matcher kind).
fn rule() -> impl Strategy<Value = Value> {
    (
        0..SOURCES.len(),
        0..TYPES.len(),
        prop::option::of(0..ACCOUNTS.len()),
        generate::pattern(),
    )
        .prop_map(|(s, t, a, detail)| {
            let mut rule =
                json!({"source": [SOURCES[s]], "detail-type": [TYPES[t]], "detail": detail});
            if let Some(a) = a {
                rule["account"] = json!([ACCOUNTS[a]]);
            }
            rule
        })
}

/// An event with a shared source, detail type and account, and a generated detail (an object,
/// or an array of them).
fn event() -> impl Strategy<Value = Value> {
    (
        0..SOURCES.len(),
        0..TYPES.len(),
        0..ACCOUNTS.len(),
        generate::event(),
        prop::collection::vec(generate::event(), 0..3),
    )
        .prop_map(|(s, t, a, detail, more)| {
            let detail = if more.is_empty() {
                detail
            } else {
                Value::Array(std::iter::once(detail).chain(more).collect())
            };
            json!({"source": SOURCES[s], "detail-type": TYPES[t], "account": ACCOUNTS[a], "detail": detail})
        })
}

fn parse(p: &Value) -> Option<(String, Pattern)> {
    let text = p.to_string();
    Pattern::parse(&text).ok().map(|parsed| (text, parsed))
}

/// The rules (by index) the machine says `event` matches, and those the reference says.
fn verdicts(
    machine: &Machine<usize>,
    rules: &[(String, Pattern)],
    live: &[bool],
    event: &Value,
) -> (Vec<usize>, Vec<usize>) {
    let mut got = machine.matches_for_event(event.to_string()).unwrap();
    got.sort_unstable();
    let want = (0..rules.len())
        .filter(|&i| live[i] && reference::matches(&rules[i].1, event))
        .collect();
    (got, want)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn shared_conditions_agree_with_the_reference(
        ps in prop::collection::vec(rule(), 1500..2500),
        events in prop::collection::vec(event(), 20..40),
        order in any::<u64>(),
    ) {
        let rules: Vec<(String, Pattern)> = ps.iter().filter_map(parse).collect();
        let mut machine = Machine::new();
        for (i, (text, _)) in rules.iter().enumerate() {
            machine.add_rule(i, text).unwrap();
        }
        let mut live = vec![true; rules.len()];
        for e in &events {
            let (got, want) = verdicts(&machine, &rules, &live, e);
            prop_assert_eq!(got, want, "event {}", e);
        }
        // Delete about half, in an order of their own, and ask again.
        let mut x = order | 1;
        for (i, (text, _)) in rules.iter().enumerate() {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            if x % 2 == 0 {
                prop_assert!(machine.delete_rule(&i, text).unwrap());
                live[i] = false;
            }
        }
        for e in &events {
            let (got, want) = verdicts(&machine, &rules, &live, e);
            prop_assert_eq!(got, want, "event {} after deleting", e);
        }
    }
}

/// 100,000 distinct wildcards with a star in the middle on one field load (no machine-wide limit
/// refuses them), match exactly the rules they should, and delete back to an empty machine.
#[test]
fn a_hundred_thousand_middle_star_wildcards_on_one_field() {
    let pattern =
        |i: usize| format!(r#"{{"detail": {{"path": [{{"wildcard": "/srv/{i}/*/in/*"}}]}}}}"#);
    let mut machine: Machine<usize> = Machine::new();
    for i in 0..100_000 {
        machine.add_rule(i, pattern(i)).unwrap();
    }
    for (path, want) in [
        ("/srv/0/a/in/b", vec![0]),
        ("/srv/99999/x/y/in/z.csv", vec![99_999]),
        ("/srv/4242//in/", vec![4242]),
        ("/srv/4242/in/", vec![]),
        ("/srv/100000/a/in/b", vec![]),
        ("srv/7/a/in/b", vec![]),
    ] {
        let event = format!(r#"{{"detail": {{"path": "{path}"}}}}"#);
        assert_eq!(machine.matches_for_event(&event).unwrap(), want, "{path}");
    }
    for i in 0..100_000 {
        assert!(machine.delete_rule(&i, pattern(i)).unwrap());
    }
    assert_eq!(machine.stats(), ferruler::Stats::default());
}
