//! Events that reach one path by two routes, a dotted key and nested objects (`{"a.b": …, "a":
//! {"b": …}}`), under patterns with `$or`, `exists` and anything-but: the machine against the
//! reference interpreter.
//!
//! Both routes are the same path (event-ruler flattens an event into dotted names before it
//! matches, and its README describes fields by their dotted names), so a value reached either way
//! counts for the path, and `exists: false` holds only when neither route has a value. The
//! machine decides such events apart from the rest (`exact.rs`), which these tests exercise.

use ferruler::{Machine, Pattern};
use ferruler_tests::reference;
use proptest::prelude::*;
use serde_json::{json, Map, Value};

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        prop::sample::select(vec!["x", "y", "X", ""]).prop_map(|s| json!(s)),
        prop::sample::select(vec![0, 1, 5]).prop_map(|n| json!(n)),
        Just(Value::Null),
        Just(json!(true)),
    ]
}

/// A value at a leaf of the event: a scalar, or an array of scalars (possibly empty).
fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        3 => scalar(),
        1 => prop::collection::vec(scalar(), 0..3).prop_map(Value::Array),
    ]
}

/// An event whose paths `a.b`, `a.c` and `d` may be reached by a dotted key, by nested objects, or
/// both, and whose `a` may be an array of objects.
fn event() -> impl Strategy<Value = Value> {
    (
        prop::option::of(leaf()),
        prop::option::of(leaf()),
        prop::option::of(leaf()),
        prop::option::of(leaf()),
        prop::option::of(leaf()),
        0u8..3,
    )
        .prop_map(|(dotted_b, nested_b, dotted_c, nested_c, d, shape)| {
            let mut event = Map::new();
            if let Some(v) = dotted_b {
                event.insert("a.b".into(), v);
            }
            if let Some(v) = dotted_c {
                event.insert("a.c".into(), v);
            }
            let mut inner = Map::new();
            if let Some(v) = nested_b {
                inner.insert("b".into(), v);
            }
            if let Some(v) = nested_c {
                inner.insert("c".into(), v);
            }
            match shape {
                0 if !inner.is_empty() => {
                    event.insert("a".into(), Value::Object(inner));
                }
                1 if !inner.is_empty() => {
                    // The nested route inside an array of objects.
                    event.insert(
                        "a".into(),
                        json!([Value::Object(inner), {"b": "y", "c": 1}]),
                    );
                }
                _ => {}
            }
            if let Some(v) = d {
                event.insert("d".into(), v);
            }
            Value::Object(event)
        })
}

/// One condition's value list on a path.
fn matchers() -> impl Strategy<Value = Value> {
    let one = prop_oneof![
        prop::sample::select(vec!["x", "y"]).prop_map(|s| json!(s)),
        prop::sample::select(vec![0, 1]).prop_map(|n| json!(n)),
        Just(json!({"exists": true})),
        Just(json!({"exists": false})),
        prop::sample::select(vec!["x", "y"]).prop_map(|s| json!({"anything-but": s})),
        Just(json!({"anything-but": [0, 5]})),
        Just(json!({"equals-ignore-case": "x"})),
        Just(json!({"prefix": ""})),
    ];
    prop::collection::vec(one, 1..3).prop_map(Value::Array)
}

/// A pattern on `a.b`, `a.c` and `d`, written nested or dotted, possibly with a `$or`.
fn pattern() -> impl Strategy<Value = Value> {
    let fields = || {
        prop::collection::vec(
            (prop::sample::select(vec!["b", "c", "d"]), matchers()),
            1..3,
        )
    };
    (fields(), prop::option::of((fields(), fields()))).prop_map(|(fields, or)| {
        let object = |fs: Vec<(&str, Value)>| {
            let mut top = Map::new();
            let mut a = Map::new();
            for (name, list) in fs {
                if name == "d" {
                    top.insert("d".into(), list);
                } else {
                    a.insert(name.into(), list);
                }
            }
            if !a.is_empty() {
                top.insert("a".into(), Value::Object(a));
            }
            top
        };
        let mut top = object(fields);
        if let Some((x, y)) = or {
            top.insert(
                "$or".into(),
                json!([Value::Object(object(x)), Value::Object(object(y))]),
            );
        }
        Value::Object(top)
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4000, ..ProptestConfig::default() })]

    #[test]
    fn dotted_and_nested_routes_agree_with_the_reference(p in pattern(), events in prop::collection::vec(event(), 1..5)) {
        let text = p.to_string();
        let Ok(parsed) = Pattern::parse(&text) else { return Ok(()) };
        let mut machine = Machine::new();
        machine.add_rule(0u8, &text).unwrap();
        for e in &events {
            let want = reference::matches(&parsed, e);
            let got = !machine.matches_for_event(e.to_string()).unwrap().is_empty();
            prop_assert_eq!(got, want, "pattern {} event {}", text, e);
            let explained = ferruler::explain::explain(&text, e.to_string()).unwrap().matched;
            prop_assert_eq!(explained, want, "explain: pattern {} event {}", text, e);
        }
    }
}
