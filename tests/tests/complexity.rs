//! EventBridge's wildcard complexity (`ferruler::pattern_complexity`) against a brute-force count
//! on small wildcards: every input value up to a length, and for each, the wildcard rule prefixes
//! it is matching, written from the definition rather than from an automaton.
//!
//! A *rule prefix* is the first `k >= 1` tokens (literal bytes and stars) of a wildcard; it weighs
//! the number of distinct wildcards that start with it. After a value `w`, a prefix ending in a
//! literal is being matched when `w` matches it in full; a prefix ending in a star when `w` minus
//! its last byte matches it (the star took that byte). A prefix ending in a literal that a star
//! follows in some wildcard also counts that star's prefix, when that one is not matched already
//! (a value matching `foo` is on its way to `foo*`). The complexity is the largest total over all
//! values.

use proptest::prelude::*;
use serde_json::json;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Token {
    Byte(u8),
    Star,
}

fn tokens(w: &str) -> Vec<Token> {
    w.bytes()
        .map(|b| {
            if b == b'*' {
                Token::Star
            } else {
                Token::Byte(b)
            }
        })
        .collect()
}

/// Whether `value` matches the tokens in full (a star matches any run of bytes).
fn glob(t: &[Token], value: &[u8]) -> bool {
    match t.split_first() {
        None => value.is_empty(),
        Some((Token::Star, rest)) => (0..=value.len()).any(|i| glob(rest, &value[i..])),
        Some((Token::Byte(b), rest)) => value.first() == Some(b) && glob(rest, &value[1..]),
    }
}

fn brute_force(wildcards: &[String], alphabet: &[u8], longest: usize) -> usize {
    let mut distinct: Vec<Vec<Token>> = wildcards.iter().map(|w| tokens(w)).collect();
    distinct.sort_by_key(|t| format!("{t:?}"));
    distinct.dedup();
    let mut prefixes: Vec<Vec<Token>> = distinct
        .iter()
        .flat_map(|t| (1..=t.len()).map(move |k| t[..k].to_vec()))
        .collect();
    prefixes.sort_by_key(|t| format!("{t:?}"));
    prefixes.dedup();
    let weight = |p: &[Token]| distinct.iter().filter(|t| t.starts_with(p)).count();
    let matched = |p: &[Token], w: &[u8]| match p.last() {
        Some(Token::Star) => !w.is_empty() && glob(p, &w[..w.len() - 1]),
        _ => glob(p, w),
    };
    let mut most = 0;
    let mut values: Vec<Vec<u8>> = vec![Vec::new()];
    for _ in 0..longest {
        values = values
            .iter()
            .flat_map(|v| {
                alphabet.iter().map(move |&b| {
                    let mut v = v.clone();
                    v.push(b);
                    v
                })
            })
            .collect();
        for w in &values {
            let mut total = 0;
            for p in prefixes.iter().filter(|p| matched(p, w)) {
                total += weight(p);
                if !matches!(p.last(), Some(Token::Star)) {
                    let mut starred = p.clone();
                    starred.push(Token::Star);
                    if prefixes.contains(&starred) && !matched(&starred, w) {
                        total += weight(&starred);
                    }
                }
            }
            most = most.max(total);
        }
    }
    most
}

/// A small wildcard over `a`, `/` and stars, never two stars in a row.
fn wildcard() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(vec!['a', '/', '*']), 1..5).prop_filter_map(
        "two stars in a row",
        |cs| {
            let s: String = cs.into_iter().collect();
            (!s.contains("**")).then_some(s)
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 150, ..ProptestConfig::default() })]

    #[test]
    fn complexity_is_the_brute_force_count(ws in prop::collection::vec(wildcard(), 1..3)) {
        let pattern = json!({"f": ws.iter().map(|w| json!({"wildcard": w})).collect::<Vec<_>>()});
        let got = ferruler::pattern_complexity(pattern.to_string()).unwrap();
        // `z` stands for every byte no wildcard names.
        let want = brute_force(&ws, b"a/z", 8);
        prop_assert_eq!(got, want, "{:?}", ws);
        // The machine refuses exactly the rules above its limit, and reports the rest.
        let mut machine = ferruler::Machine::with_limits(ferruler::Limits { max_complexity: 4, ..Default::default() });
        match machine.add_rule(0u8, pattern.to_string()) {
            Ok(()) => prop_assert!(got <= 4 && machine.complexity() == got),
            Err(e) => prop_assert!(got > 4 && e.message().starts_with("Rule is too complex - try")),
        }
    }
}

/// The public data points the measure was fitted to (EventBridge's documented refusals).
#[test]
fn eventbridge_data_points() {
    let of = |ws: &[&str]| {
        let p = json!({"f": ws.iter().map(|w| json!({"wildcard": w})).collect::<Vec<_>>()});
        ferruler::pattern_complexity(p.to_string()).unwrap()
    };
    assert_eq!(of(&["*:stack/a/*", "*:stack/b/*", "*:stack/c/*"]), 9);
    assert_eq!(
        of(&["*:stack/a/*", "*:stack/b/*", "*:stack/c/*", "*:stack/d/*"]),
        12
    );
    assert_eq!(of(&["*/*/*/*/*.json"]), 9);
    assert_eq!(of(&["*/*/*/*/*/*.json"]), 11);
    assert_eq!(brute_force(&["*/*/*/*/*.json".into()], b"/.jsonz", 6), 9);
    // (The stack ARNs need a value of twenty bytes to reach 9, too long to enumerate.)
    // `explain` and a machine report it; a machine reports its most complex rule.
    let nine = r#"{"key": [{"wildcard": "*/*/*/*/*.json"}]}"#;
    let explained = ferruler::explain::explain(nine, r#"{"key": "a/b/c/d/e.json"}"#).unwrap();
    assert!(explained.matched);
    assert_eq!(explained.complexity, 9);
    let mut machine = ferruler::Machine::new();
    machine.add_rule(1, nine).unwrap();
    machine
        .add_rule(2, r#"{"key": [{"wildcard": "*.json"}]}"#)
        .unwrap();
    assert_eq!(machine.complexity(), 9);
    let err = machine
        .add_rule(3, r#"{"key": [{"wildcard": "*/*/*/*/*/*.json"}]}"#)
        .unwrap_err();
    assert!(err
        .message()
        .starts_with("Rule is too complex - try using fewer"));
    assert_eq!(machine.complexity(), 9);
}
