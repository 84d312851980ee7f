//! Adds, matches and deletes rules in a loop, for leak checkers (`scripts/leakcheck.sh` runs it
//! under valgrind): every allocation the machine makes must be freed when rules go and machines are
//! dropped. It covers every matcher kind, `$or`, wildcard automata, array-consistent rules, events
//! that take the aliased-path search, rejected patterns and events, clones, a `SharedMachine` used
//! from several threads (each with its thread-local scratch), and it checks that deleting every
//! rule leaves the machine empty.
//!
//! `cargo run --release -p ferruler-benches --bin churn [ROUNDS]` (default 20).

use ferruler::{Machine, Scratch, SharedMachine, Stats};
use std::sync::Arc;

const RULES: &[&str] = &[
    r#"{"source": ["aws.ec2", "com.shop"], "detail": {"state": ["running"]}}"#,
    r#"{"detail": {"name": [{"prefix": "i-"}, {"suffix": ".png"}, {"equals-ignore-case": "ÉCOLE"}]}}"#,
    r#"{"detail": {"name": [{"wildcard": "*.jp*g"}, {"prefix": {"equals-ignore-case": "TMP"}}]}}"#,
    r#"{"detail": {"total": [{"numeric": [">", 0, "<=", 1000]}], "ip": [{"cidr": "10.0.0.0/8"}]}}"#,
    r#"{"detail": {"state": [{"anything-but": {"wildcard": ["*ing", "x*"]}}], "gone": [{"exists": false}]}}"#,
    r#"{"$or": [{"source": ["aws.s3"]}, {"detail": {"bucket": [{"suffix": {"equals-ignore-case": "LOG"}}]}}]}"#,
    r#"{"items": {"sku": ["A"], "qty": [{"numeric": [">=", 2]}], "gift": [{"exists": false}]}}"#,
    r#"{"x": {"a": [1], "b": [2]}}"#,
];

const EVENTS: &[&str] = &[
    r#"{"source": "aws.ec2", "detail": {"state": "running", "name": "i-123.png", "total": 5, "ip": "10.1.2.3"}}"#,
    r#"{"source": "aws.s3", "detail": {"bucket": "app-log", "name": "cat.jpeg", "state": "stopped"}}"#,
    r#"{"items": [{"sku": "A", "qty": 1}, {"sku": "A", "qty": 3}], "x": [{"a": 1}], "x": [{"b": 2}]}"#,
    r#"{"x": [{"a": 1}, {"b": 2}], "x.b": 2, "detail": {"name": "école"}}"#,
    r#"{"detail": {"name": "\ud800"}}"#,
    r#"{"detail": "#,
];

fn rule(i: usize) -> String {
    // Vary the literals so that every round builds fresh value indexes.
    RULES[i % RULES.len()].replace("running", &format!("running{}", i % 17))
}

fn churn(round: usize) {
    let mut m: Machine<String> = Machine::new();
    for i in 0..200 {
        m.add_rule(format!("r{}", i % 50), rule(i + round)).unwrap();
    }
    assert!(m
        .add_rule("bad".into(), r#"{"a": [{"prefix": 1}]}"#)
        .is_err());
    let mut scratch = Scratch::default();
    let mut hits = 0;
    for e in EVENTS {
        let _ = m.matches_for_event(e);
        let _ = m.for_each_match(e, &mut scratch, |_| hits += 1);
    }
    let copy = m.clone();
    for i in 0..100 {
        m.delete_rule(&format!("r{}", i % 50), rule(i + round))
            .unwrap();
    }
    for i in 0..50 {
        m.delete_rules_named(&format!("r{i}"));
    }
    assert_eq!(
        m.stats(),
        Stats::default(),
        "deleting every rule empties the machine"
    );
    drop(copy);

    let shared = Arc::new(SharedMachine::new());
    std::thread::scope(|s| {
        for t in 0..3 {
            let shared = Arc::clone(&shared);
            s.spawn(move || {
                for i in 0..40 {
                    if t == 0 {
                        shared.add_rule(i % 10, rule(i + round)).unwrap();
                        shared.delete_rules_named(&((i + 5) % 10));
                    } else {
                        for e in EVENTS {
                            let _ = shared.matches_for_event(e);
                        }
                    }
                }
            });
        }
    });
}

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse().expect("ROUNDS must be a number"))
        .unwrap_or(20);
    for round in 0..rounds {
        churn(round);
    }
    println!("churn: {rounds} rounds done");
}
