//! proptest strategies for patterns and events over a small shared vocabulary, so that generated
//! events often hit generated patterns: a few field names (one of them dotted), values that sit on
//! the edges of the generated matchers, and arrays of objects that exercise array consistency.

use proptest::prelude::*;
use serde_json::{json, Map, Value};

/// Field names used by both patterns and events.
const KEYS: &[&str] = &["a", "b", "c", "b.c"];

/// Strings events carry; chosen to sit on the edges of the pattern strings below.
const STRINGS: &[&str] = &[
    "",
    "x",
    "xy",
    "Xy",
    "XY",
    "ab",
    "abc",
    "a*b",
    "a\\b",
    "é",
    "É",
    "ÉCOLE",
    "école",
    "straße",
    "10.0.0.1",
    "10.0.0.200",
    "10.1.0.1",
    "::1",
    "2001:db8::7",
    "0",
];

fn string() -> impl Strategy<Value = String> {
    prop::sample::select(STRINGS).prop_map(str::to_string)
}

fn number() -> impl Strategy<Value = Value> {
    prop_oneof![
        prop::sample::select(&[0i64, -1, 1, 5, 10, 100, 123456789012][..]).prop_map(Value::from),
        prop::sample::select(&[1.5f64, -2.25, 10.0, 0.000001, 1e9, 5.000001][..])
            .prop_map(Value::from),
    ]
}

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => string().prop_map(Value::String),
        3 => number(),
        1 => any::<bool>().prop_map(Value::Bool),
        1 => Just(Value::Null),
    ]
}

/// An event: an object over the shared keys, with nested objects and arrays (of scalars, of
/// objects, of arrays).
pub fn event() -> impl Strategy<Value = Value> {
    let leaf = scalar();
    let tree = leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(prop::sample::select(KEYS), inner, 0..4).prop_map(|m| {
                Value::Object(
                    m.into_iter()
                        .map(|(k, v)| (k.to_string(), v))
                        .collect::<Map<_, _>>(),
                )
            }),
        ]
    });
    prop::collection::btree_map(prop::sample::select(KEYS), tree, 0..4)
        .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_string(), v)).collect()))
}

fn numeric() -> impl Strategy<Value = Value> {
    const BOUNDS: &[f64] = &[-1.0, 0.0, 1.5, 5.0, 10.0, 100.0];
    let n = prop::sample::select(BOUNDS);
    prop_oneof![
        (prop::sample::select(&["=", "<", "<=", ">", ">="][..]), n)
            .prop_map(|(op, v)| json!([op, v])),
        (
            prop::sample::select(&[">", ">="][..]),
            prop::sample::subsequence(BOUNDS, 2),
            prop::sample::select(&["<", "<="][..])
        )
            .prop_map(|(o1, ab, o2)| json!([o1, ab[0], o2, ab[1]])),
    ]
}

const WILDCARDS: &[&str] = &[
    "*", "x*", "*y", "a*b", "*b*", "a\\*b", "a\\\\b", "*é*", "X*Y", "10.*",
];
const AFFIXES: &[&str] = &["", "x", "X", "a", "ab", "é", "É", "10.", "0"];

/// One alternative of a value list.
fn alternative() -> impl Strategy<Value = Value> {
    let affix = || prop::sample::select(AFFIXES).prop_map(str::to_string);
    let wildcard = || prop::sample::select(WILDCARDS).prop_map(str::to_string);
    let nonempty = || prop::sample::select(&AFFIXES[1..]).prop_map(str::to_string);
    prop_oneof![
        3 => scalar(),
        1 => affix().prop_map(|s| json!({"prefix": s})),
        1 => affix().prop_map(|s| json!({"suffix": s})),
        1 => affix().prop_map(|s| json!({"prefix": {"equals-ignore-case": s}})),
        1 => affix().prop_map(|s| json!({"suffix": {"equals-ignore-case": s}})),
        1 => string().prop_map(|s| json!({"equals-ignore-case": s})),
        1 => wildcard().prop_map(|s| json!({"wildcard": s})),
        2 => numeric().prop_map(|r| json!({"numeric": r})),
        1 => prop::sample::select(&["10.0.0.0/8", "10.0.0.0/31", "::/0", "2001:db8::/32", "0.0.0.0/0"][..])
            .prop_map(|s| json!({"cidr": s})),
        2 => any::<bool>().prop_map(|b| json!({"exists": b})),
        1 => string().prop_map(|s| json!({"anything-but": s})),
        1 => prop::collection::vec(string(), 1..3).prop_map(|v| json!({"anything-but": v})),
        1 => number().prop_map(|n| json!({"anything-but": n})),
        1 => nonempty().prop_map(|s| json!({"anything-but": {"prefix": s}})),
        1 => prop::collection::vec(nonempty(), 1..3).prop_map(|v| json!({"anything-but": {"suffix": v}})),
        1 => string().prop_map(|s| json!({"anything-but": {"equals-ignore-case": s}})),
        1 => wildcard().prop_map(|s| json!({"anything-but": {"wildcard": s}})),
    ]
}

fn value_list() -> impl Strategy<Value = Value> {
    prop::collection::vec(alternative(), 1..4).prop_map(Value::Array)
}

fn fields(depth: u32) -> BoxedStrategy<Map<String, Value>> {
    let value: BoxedStrategy<Value> = if depth == 0 {
        value_list().boxed()
    } else {
        prop_oneof![3 => value_list(), 1 => fields(depth - 1).prop_map(Value::Object)].boxed()
    };
    prop::collection::btree_map(prop::sample::select(KEYS), value, 1..4)
        .prop_map(|m| m.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
        .boxed()
}

/// A pattern: nested fields over the shared keys, sometimes with a `$or` of two or three branches.
pub fn pattern() -> impl Strategy<Value = Value> {
    prop_oneof![
        3 => fields(2).prop_map(Value::Object),
        1 => (fields(1), prop::collection::vec(fields(1), 2..4)).prop_map(|(mut base, branches)| {
            base.insert("$or".to_string(), Value::Array(branches.into_iter().map(Value::Object).collect()));
            Value::Object(base)
        }),
    ]
}
