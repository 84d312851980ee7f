//! Property tests of EventBridge's ignore-case rule over non-ASCII alphabets: each character of
//! the *pattern* accepts exactly its own lower case or upper case (full mappings), and nothing
//! else. The machine (through its folded-key filter and the check beside it) and the reference
//! interpreter are compared with a definition written here from scratch: a search over every way
//! of spelling the pattern, character by character, that does not share the engine's walk.

use ferruler::{Machine, Pattern};
use ferruler_tests::reference;
use proptest::prelude::*;
use serde_json::json;

/// Letters whose cases are unusual: `ß`/`ẞ` (`SS`), Greek sigma in its three forms, Turkish
/// dotted and dotless i, Armenian ligatures (`և` -> `ԵՒ`, `ﬓ` -> `ՄՆ`), letters whose two cases
/// differ in UTF-8 length (`ȿ`/`Ȿ`, `ɐ`/`Ɐ`, `ſ`, the Kelvin and Ohm signs), `ﬀ` (`FF`), and
/// plain ASCII.
const ALPHABET: &[char] = &[
    'a', 'A', 's', 'S', 'k', 'K', 'i', 'I', 'f', 'F', 'e', 'E', 'ß', 'ẞ', 'σ', 'ς', 'Σ', 'İ', 'ı',
    '\u{307}', 'և', 'Ե', 'Ւ', 'ե', 'ւ', 'ﬓ', 'Մ', 'Ն', 'ȿ', 'Ȿ', 'ɐ', 'Ɐ', 'ſ', '\u{212A}', 'Ω',
    'ω', '\u{2126}', 'ﬀ', 'é', 'É',
];

/// Every way the event may spell pattern character `c`.
fn spellings(c: char) -> Vec<String> {
    vec![c.to_lowercase().collect(), c.to_uppercase().collect()]
}

/// The byte offsets of `value` where some spelling of `pattern` that starts at 0 can end.
fn ends(pattern: &str, value: &str) -> Vec<bool> {
    let n = value.len();
    let mut at = vec![false; n + 1];
    at[0] = true;
    for c in pattern.chars() {
        let mut next = vec![false; n + 1];
        for i in (0..=n).filter(|&i| at[i]) {
            for s in spellings(c) {
                if value[i..].starts_with(&s) {
                    next[i + s.len()] = true;
                }
            }
        }
        at = next;
    }
    at
}

fn equals(p: &str, v: &str) -> bool {
    ends(p, v)[v.len()]
}

fn starts_with(p: &str, v: &str) -> bool {
    ends(p, v).contains(&true)
}

fn ends_with(p: &str, v: &str) -> bool {
    (0..=v.len())
        .filter(|&i| v.is_char_boundary(i))
        .any(|i| equals(p, &v[i..]))
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(ALPHABET), 0..6)
        .prop_map(|v| v.into_iter().collect())
}

/// A value for `pattern`: each character spelt one of its ways or replaced (by its fold, its
/// other spelling's fold, or any letter of the alphabet), with text around it.
fn value_for(pattern: String) -> impl Strategy<Value = (String, String)> {
    let n = pattern.chars().count();
    (
        prop::collection::vec((0u8..6, prop::sample::select(ALPHABET)), n),
        text(),
        text(),
        0u8..4,
    )
        .prop_map(move |(choices, before, after, around)| {
            let mut v = String::new();
            for (c, (how, other)) in pattern.chars().zip(choices) {
                match how {
                    0 | 1 => v.extend(c.to_lowercase()),
                    2 | 3 => v.extend(c.to_uppercase()),
                    4 => v.extend(c.to_uppercase().flat_map(char::to_lowercase)),
                    _ => v.push(other),
                }
            }
            let v = match around {
                0 => v,
                1 => before + &v,
                2 => v + &after,
                _ => before + &v + &after,
            };
            (pattern.clone(), v)
        })
}

fn check(pattern: serde_json::Value, value: &str, want: bool) -> Result<(), TestCaseError> {
    let text = pattern.to_string();
    let Ok(parsed) = Pattern::parse(&text) else {
        return Ok(());
    };
    let event = json!({ "f": value });
    prop_assert_eq!(
        reference::matches(&parsed, &event),
        want,
        "reference: {} {}",
        text,
        event
    );
    let mut machine = Machine::new();
    machine.add_rule(0u8, &text).unwrap();
    let got = !machine
        .matches_for_event(event.to_string())
        .unwrap()
        .is_empty();
    prop_assert_eq!(got, want, "machine: {} {}", text, event);
    let explained = ferruler::explain::explain(&text, event.to_string()).unwrap();
    prop_assert_eq!(explained.matched, want, "explain: {} {}", text, event);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn ignore_case_is_per_pattern_character((p, v) in text().prop_flat_map(value_for)) {
        check(json!({"f": [{"equals-ignore-case": p}]}), &v, equals(&p, &v))?;
        check(json!({"f": [{"prefix": {"equals-ignore-case": p}}]}), &v, starts_with(&p, &v))?;
        check(json!({"f": [{"suffix": {"equals-ignore-case": p}}]}), &v, ends_with(&p, &v))?;
        check(json!({"f": [{"anything-but": {"equals-ignore-case": [p]}}]}), &v, !equals(&p, &v))?;
        prop_assert_eq!(ferruler::ignore_case::equals(&p, &v), equals(&p, &v));
    }

    /// Several patterns on one path, some folding alike: each is checked on its own text.
    #[test]
    fn patterns_that_fold_alike_are_told_apart(ps in prop::collection::vec(text(), 1..5), (p, v) in text().prop_flat_map(value_for)) {
        let mut all = ps.clone();
        all.push(p);
        let mut machine = Machine::new();
        for (i, p) in all.iter().enumerate() {
            machine.add_rule(i, json!({"f": [{"equals-ignore-case": p}]}).to_string()).unwrap();
            machine.add_rule(100 + i, json!({"f": [{"prefix": {"equals-ignore-case": p}}]}).to_string()).unwrap();
            machine.add_rule(200 + i, json!({"f": [{"anything-but": {"equals-ignore-case": p}}]}).to_string()).unwrap();
        }
        let mut got = machine.matches_for_event(json!({"f": v}).to_string()).unwrap();
        got.sort_unstable();
        got.dedup();
        let mut want: Vec<usize> = Vec::new();
        for (i, p) in all.iter().enumerate() {
            if equals(p, &v) { want.push(i) }
            if starts_with(p, &v) { want.push(100 + i) }
            if !equals(p, &v) { want.push(200 + i) }
        }
        want.sort_unstable();
        want.dedup();
        prop_assert_eq!(got, want, "patterns {:?} value {:?}", all, v);
    }
}

/// The cases the rule spells out, pinned.
#[test]
fn the_rule_s_examples() {
    for (p, v, want) in [
        ("ß", "ß", true),
        ("ß", "SS", true),
        ("ß", "ss", false),
        ("S", "ß", false),
        ("SS", "ß", false),
        ("Σ", "σ", true),
        ("Σ", "ς", false),
        ("ς", "Σ", true),
        ("ς", "σ", false),
        ("ẞ", "ß", true),
        ("İ", "i\u{307}", true),
        ("İ", "i", false),
        ("i", "İ", false),
        ("ı", "I", true),
        ("I", "ı", false),
        ("և", "ԵՒ", true),
        ("ԵՒ", "և", false),
        ("ȿ", "Ȿ", true),
        ("k", "\u{212A}", false),
    ] {
        assert_eq!(equals(p, v), want, "{p} {v}");
        assert_eq!(ferruler::ignore_case::equals(p, v), want, "{p} {v}");
        let pattern = json!({"f": [{"equals-ignore-case": p}]}).to_string();
        assert_eq!(
            ferruler::matches_rule(json!({ "f": v }).to_string(), &pattern).unwrap(),
            want,
            "{p} {v}"
        );
    }
}
