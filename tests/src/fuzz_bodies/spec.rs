//! Structured inputs for the `differential` and `machine_ops` targets, drawn with `arbitrary`.
//!
//! Leaves (strings, numbers, keys, matchers) are `#[derive(Arbitrary)]` enums that mostly pick from
//! a small vocabulary, so that generated events often hit generated patterns, and sometimes take
//! free values from the fuzzer, so that nothing is out of reach. Trees (event objects and pattern
//! fields) are drawn by hand with budgets for depth, width and leaf count: the reference
//! interpreter is exponential in the number of leaves on one path, and unbounded recursion would
//! crash the harness rather than the engine.
//!
//! The vocabulary adds to the property tests' one the values where implementations usually slip:
//! case folding that changes length (`ß`, `ﬀ`, `İ`), the Kelvin sign, final sigma, titlecase
//! letters, astral characters, `-0`, the ends of double range, integers past 2^53, and numbers
//! spelled in unusual ways.

use super::json::Json;
use arbitrary::{Arbitrary, Result, Unstructured};

/// Keys shared by patterns and events (dotted ones alias nested paths).
pub const KEYS: &[&str] = &["a", "b", "c", "b.c", "a.b", ""];

/// Strings shared by patterns and events.
pub const STRINGS: &[&str] = &[
    "",
    "x",
    "xy",
    "Xy",
    "XY",
    "ab",
    "abc",
    "a*b",
    "a\\b",
    "*",
    "a.b",
    "é",
    "É",
    "école",
    "ÉCOLE",
    "straße",
    "STRASSE",
    "ß",
    "ẞ",
    "ﬀ",
    "FF",
    "İ",
    "i̇",
    "K",
    "k",
    "Σ",
    "σ",
    "ς",
    "ǅ",
    "ǆ",
    "😀",
    "10.0.0.1",
    "10.0.0.200",
    "10.1.0.1",
    "::1",
    "2001:db8::7",
    "::ffff:10.0.0.1",
    "0",
    "100",
    "1e2",
    "-0",
    "true",
    "null",
    "\u{0}",
    "a\u{0}b",
];

/// Wildcard sources (some invalid on purpose: the parser must reject them cleanly).
pub const WILDCARDS: &[&str] = &[
    "*", "x*", "*y", "a*b", "*b*", "a\\*b", "a\\\\b", "*é*", "X*Y", "10.*", "**", "a\\", "*ß*",
    "*😀", "a*b*c*", "",
];

/// CIDR blocks (some invalid on purpose).
pub const CIDRS: &[&str] = &[
    "10.0.0.0/8",
    "10.0.0.0/31",
    "10.0.0.1/32",
    "0.0.0.0/0",
    "::/0",
    "2001:db8::/32",
    "::ffff:10.0.0.0/104",
    "10.0.0.0/33",
    "10.0.0.0",
];

/// Numbers as spelled: the value's usual spelling is not the only one an event may use.
pub const NUMBERS: &[&str] = &[
    "0",
    "-0",
    "0.0",
    "-0.0",
    "1",
    "-1",
    "5",
    "10",
    "100",
    "1.5",
    "-2.25",
    "0.000001",
    "1e9",
    "5.000001",
    "123456789012",
    "1E2",
    "1e+2",
    "100.000",
    "10e1",
    "0e5",
    "9007199254740993",
    "9007199254740992",
    "18446744073709551616",
    "123456789012345678901234567890",
    "1.7976931348623157e308",
    "-1.7976931348623157e308",
    "5e-324",
    "2.2250738585072014e-308",
    "1e-400",
    "0.30000000000000004",
    "1e21",
];

/// A string: from the vocabulary or free (truncated to 12 characters).
#[derive(Debug, Clone, Arbitrary)]
pub enum Str {
    /// `STRINGS[i % len]`.
    Vocab(u8),
    /// Anything.
    Free(String),
}

impl Str {
    /// The string.
    pub fn get(&self) -> String {
        match self {
            Str::Vocab(i) => STRINGS[*i as usize % STRINGS.len()].to_string(),
            Str::Free(s) => s.chars().take(12).collect(),
        }
    }
}

/// A number, as text that is valid JSON.
#[derive(Debug, Clone, Arbitrary)]
pub enum Num {
    /// `NUMBERS[i % len]`.
    Vocab(u8),
    /// An integer.
    Int(i64),
    /// A double in one of four notations (`Display`, `{:e}`, `{:E}` with `+`, `Debug`); a
    /// non-finite one becomes `0`.
    Float(f64, u8),
}

impl Num {
    /// The JSON text.
    pub fn text(&self) -> String {
        match self {
            Num::Vocab(i) => NUMBERS[*i as usize % NUMBERS.len()].to_string(),
            Num::Int(i) => i.to_string(),
            Num::Float(f, _) if !f.is_finite() => "0".to_string(),
            Num::Float(f, notation) => match notation % 4 {
                0 => format!("{f}"),
                1 => format!("{f:e}"),
                2 => {
                    let s = format!("{f:E}");
                    match s.split_once('E') {
                        Some((m, e)) if !e.starts_with('-') => format!("{m}E+{e}"),
                        _ => s,
                    }
                }
                _ => format!("{f:?}"),
            },
        }
    }
}

/// A scalar value.
#[derive(Debug, Clone, Arbitrary)]
pub enum Scalar {
    /// A string.
    Str(Str),
    /// A number.
    Num(Num),
    /// A boolean.
    Bool(bool),
    /// `null`.
    Null,
}

impl Scalar {
    /// As JSON.
    pub fn json(&self) -> Json {
        match self {
            Scalar::Str(s) => Json::Str(s.get()),
            Scalar::Num(n) => Json::Num(n.text()),
            Scalar::Bool(b) => Json::Bool(*b),
            Scalar::Null => Json::Null,
        }
    }
}

/// A field name.
#[derive(Debug, Clone, Arbitrary)]
pub enum Key {
    /// `KEYS[i % len]`.
    Vocab(u8),
    /// Anything, truncated to 4 characters.
    Free(String),
}

impl Key {
    /// The name.
    pub fn get(&self) -> String {
        match self {
            Key::Vocab(i) => KEYS[*i as usize % KEYS.len()].to_string(),
            Key::Free(s) => s.chars().take(4).collect(),
        }
    }
}

/// A wildcard source.
#[derive(Debug, Clone, Arbitrary)]
pub enum Wild {
    /// `WILDCARDS[i % len]`.
    Vocab(u8),
    /// Anything, truncated to 8 characters.
    Free(String),
}

impl Wild {
    fn json(&self) -> Json {
        Json::Str(match self {
            Wild::Vocab(i) => WILDCARDS[*i as usize % WILDCARDS.len()].to_string(),
            Wild::Free(s) => s.chars().take(8).collect(),
        })
    }
}

/// A numeric comparison operator.
#[derive(Debug, Clone, Copy, Arbitrary)]
pub enum Op {
    /// `=`
    Eq,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

/// One alternative of a value list.
#[derive(Debug, Clone, Arbitrary)]
pub enum MatcherSpec {
    /// An exact scalar.
    Scalar(Scalar),
    /// `prefix`.
    Prefix(Str),
    /// `prefix` + `equals-ignore-case`.
    PrefixIc(Str),
    /// `suffix`.
    Suffix(Str),
    /// `suffix` + `equals-ignore-case`.
    SuffixIc(Str),
    /// `equals-ignore-case`.
    EqIc(Str),
    /// `wildcard`.
    Wildcard(Wild),
    /// `numeric` with one or two comparisons.
    Numeric(Op, Num, Option<(Op, Num)>),
    /// `cidr`, from the vocabulary or built from parts.
    Cidr(u8, Option<([u8; 4], u8)>),
    /// `exists`.
    Exists(bool),
    /// `anything-but` a scalar.
    AnythingBut(Scalar),
    /// `anything-but` a list of strings.
    AnythingButStrings(Vec<Str>),
    /// `anything-but` a list of numbers.
    AnythingButNumbers(Vec<Num>),
    /// `anything-but` `prefix`.
    AnythingButPrefix(Vec<Str>),
    /// `anything-but` `suffix`.
    AnythingButSuffix(Vec<Str>),
    /// `anything-but` `equals-ignore-case`.
    AnythingButIc(Vec<Str>),
    /// `anything-but` `wildcard`.
    AnythingButWildcard(Vec<Wild>),
}

fn obj(key: &str, v: Json) -> Json {
    Json::Obj(vec![(key.to_string(), v)])
}

fn one_or_list<T>(items: &[T], f: impl Fn(&T) -> Json) -> Json {
    match items {
        [one] => f(one),
        many => Json::Arr(many.iter().take(3).map(f).collect()),
    }
}

impl MatcherSpec {
    /// The matcher in pattern syntax.
    pub fn json(&self) -> Json {
        let s = |x: &Str| Json::Str(x.get());
        let n = |x: &Num| Json::Num(x.text());
        let op = |o: &Op| {
            Json::Str(
                match o {
                    Op::Eq => "=",
                    Op::Lt => "<",
                    Op::Le => "<=",
                    Op::Gt => ">",
                    Op::Ge => ">=",
                }
                .to_string(),
            )
        };
        match self {
            MatcherSpec::Scalar(v) => v.json(),
            MatcherSpec::Prefix(x) => obj("prefix", s(x)),
            MatcherSpec::PrefixIc(x) => obj("prefix", obj("equals-ignore-case", s(x))),
            MatcherSpec::Suffix(x) => obj("suffix", s(x)),
            MatcherSpec::SuffixIc(x) => obj("suffix", obj("equals-ignore-case", s(x))),
            MatcherSpec::EqIc(x) => obj("equals-ignore-case", s(x)),
            MatcherSpec::Wildcard(w) => obj("wildcard", w.json()),
            MatcherSpec::Numeric(o1, v1, more) => {
                let mut items = vec![op(o1), n(v1)];
                if let Some((o2, v2)) = more {
                    items.extend([op(o2), n(v2)]);
                }
                obj("numeric", Json::Arr(items))
            }
            MatcherSpec::Cidr(i, built) => obj(
                "cidr",
                Json::Str(match built {
                    Some((ip, bits)) => {
                        format!("{}.{}.{}.{}/{}", ip[0], ip[1], ip[2], ip[3], bits % 34)
                    }
                    None => CIDRS[*i as usize % CIDRS.len()].to_string(),
                }),
            ),
            MatcherSpec::Exists(b) => obj("exists", Json::Bool(*b)),
            MatcherSpec::AnythingBut(v) => obj("anything-but", v.json()),
            MatcherSpec::AnythingButStrings(v) => obj("anything-but", one_or_list(v, s)),
            MatcherSpec::AnythingButNumbers(v) => obj("anything-but", one_or_list(v, n)),
            MatcherSpec::AnythingButPrefix(v) => {
                obj("anything-but", obj("prefix", one_or_list(v, s)))
            }
            MatcherSpec::AnythingButSuffix(v) => {
                obj("anything-but", obj("suffix", one_or_list(v, s)))
            }
            MatcherSpec::AnythingButIc(v) => {
                obj("anything-but", obj("equals-ignore-case", one_or_list(v, s)))
            }
            MatcherSpec::AnythingButWildcard(v) => obj(
                "anything-but",
                obj("wildcard", one_or_list(v, |w| w.json())),
            ),
        }
    }
}

/// A pattern: fields (value lists, nested objects, `$or`s), at most three levels deep.
pub fn pattern(u: &mut Unstructured) -> Result<Json> {
    fields(u, 3)
}

fn fields(u: &mut Unstructured, depth: u32) -> Result<Json> {
    let mut members = Vec::new();
    let count = u.int_in_range(1..=3)?;
    for _ in 0..count {
        let kind: u8 = if depth == 0 {
            0
        } else {
            u.int_in_range(0..=5)?
        };
        match kind {
            // `$or` with two or three branches (one now and then, which is an error).
            5 => {
                let n = u.int_in_range(1..=3)?;
                let mut branches = Vec::new();
                for _ in 0..n {
                    branches.push(fields(u, depth - 1)?);
                }
                members.push(("$or".to_string(), Json::Arr(branches)));
            }
            4 => members.push((u.arbitrary::<Key>()?.get(), fields(u, depth - 1)?)),
            _ => {
                let n = u.int_in_range(1..=3)?;
                let mut list = Vec::new();
                for _ in 0..n {
                    list.push(u.arbitrary::<MatcherSpec>()?.json());
                }
                members.push((u.arbitrary::<Key>()?.get(), Json::Arr(list)));
            }
        }
    }
    Ok(Json::Obj(members))
}

/// An event: an object of nested objects, arrays and scalars, at most 4 levels deep and 40 leaves;
/// a key repeats in an object now and then (every occurrence counts, see `duplicates`).
pub fn event(u: &mut Unstructured) -> Result<Json> {
    let mut leaves = 40;
    object(u, 4, &mut leaves)
}

fn object(u: &mut Unstructured, depth: u32, leaves: &mut u32) -> Result<Json> {
    let mut members: Vec<(String, Json)> = Vec::new();
    let count = u.int_in_range(0..=4)?;
    for _ in 0..count {
        let key = u.arbitrary::<Key>()?.get();
        let value = value(u, depth, leaves)?;
        if !members.iter().any(|(k, _)| *k == key) || u.ratio(1, 4)? {
            members.push((key, value));
        }
    }
    Ok(Json::Obj(members))
}

fn value(u: &mut Unstructured, depth: u32, leaves: &mut u32) -> Result<Json> {
    let kind: u8 = if depth == 0 || *leaves == 0 {
        0
    } else {
        u.int_in_range(0..=5)?
    };
    match kind {
        4 => object(u, depth - 1, leaves),
        5 => {
            let n = u.int_in_range(0..=4)?;
            let mut items = Vec::new();
            for _ in 0..n {
                items.push(value(u, depth - 1, leaves)?);
            }
            Ok(Json::Arr(items))
        }
        _ => {
            *leaves = leaves.saturating_sub(1);
            Ok(u.arbitrary::<Scalar>()?.json())
        }
    }
}
