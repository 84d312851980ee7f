//! A reference interpreter: the obviously-correct, slow definition of what a pattern matches.
//!
//! It evaluates a parsed [`Pattern`] against an event held as a `serde_json::Value`, by brute force
//! and without sharing any matching code with the engine:
//!
//! 1. the event is flattened into leaves: every scalar (array elements included, nested arrays
//!    flattened) with its dotted path split into segments, and its *trail*, the list of
//!    (array, element index) it lies in;
//! 2. a sub-rule matches when one leaf can be chosen for each positive condition such that the
//!    leaf satisfies the condition and no two chosen leaves sit in different elements of the same
//!    array; and every `exists: false` condition has no leaf on its path that is compatible with
//!    all the chosen leaves;
//! 3. the pattern matches when some sub-rule does.
//!
//! Matchers are evaluated directly from their definitions (wildcards by dynamic programming over
//! characters, CIDR blocks by mask arithmetic). Exponential in the worst case, which is fine for
//! the small events the property tests generate.

use ferruler::ignore_case;
use ferruler::pattern::{
    AnythingBut, Bound, Condition, Matcher, NumericRange, Pattern, SubRule, Test,
};
use serde_json::Value;
use std::net::IpAddr;

/// A scalar of the event with where it sits.
#[derive(Debug, Clone)]
pub struct Leaf<'a> {
    /// Path segments (keys split at dots).
    pub path: Vec<String>,
    /// The scalar.
    pub value: &'a Value,
    /// (array id, element index) for every array the leaf is inside, outermost first.
    pub trail: Vec<(usize, usize)>,
}

/// Every leaf of `event`.
pub fn leaves(event: &Value) -> Vec<Leaf<'_>> {
    let mut out = Vec::new();
    let mut next_array = 0;
    walk(
        event,
        &mut Vec::new(),
        &mut Vec::new(),
        &mut next_array,
        &mut out,
    );
    out
}

fn walk<'a>(
    v: &'a Value,
    path: &mut Vec<String>,
    trail: &mut Vec<(usize, usize)>,
    next_array: &mut usize,
    out: &mut Vec<Leaf<'a>>,
) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                let depth = path.len();
                path.extend(k.split('.').map(str::to_string));
                walk(child, path, trail, next_array, out);
                path.truncate(depth);
            }
        }
        Value::Array(items) => {
            let id = *next_array;
            *next_array += 1;
            for (i, item) in items.iter().enumerate() {
                trail.push((id, i));
                walk(item, path, trail, next_array, out);
                trail.pop();
            }
        }
        scalar => {
            if !path.is_empty() {
                out.push(Leaf {
                    path: path.clone(),
                    value: scalar,
                    trail: trail.clone(),
                })
            }
        }
    }
}

/// Whether two leaves may be used together: no array holds them in different elements.
pub fn compatible(a: &Leaf<'_>, b: &Leaf<'_>) -> bool {
    a.trail
        .iter()
        .all(|&(array, i)| b.trail.iter().all(|&(other, j)| array != other || i == j))
}

/// Whether `event` matches `pattern`.
pub fn matches(pattern: &Pattern, event: &Value) -> bool {
    let all = leaves(event);
    pattern
        .sub_rules()
        .iter()
        .any(|s| sub_rule_matches(s, &all))
}

fn sub_rule_matches(sub: &SubRule, all: &[Leaf<'_>]) -> bool {
    let positive: Vec<&Condition> = sub
        .conditions()
        .iter()
        .filter(|c| matches!(c.test(), Test::AnyOf(_)))
        .collect();
    let absent: Vec<&Condition> = sub
        .conditions()
        .iter()
        .filter(|c| matches!(c.test(), Test::Absent))
        .collect();
    let candidates: Vec<Vec<&Leaf<'_>>> = positive
        .iter()
        .map(|c| {
            all.iter()
                .filter(|l| l.path == c.path() && condition_holds(c, l.value))
                .collect()
        })
        .collect();
    let mut chosen = Vec::new();
    choose(&candidates, &mut chosen, &absent, all)
}

fn choose<'a>(
    candidates: &[Vec<&'a Leaf<'a>>],
    chosen: &mut Vec<&'a Leaf<'a>>,
    absent: &[&Condition],
    all: &'a [Leaf<'a>],
) -> bool {
    if chosen.len() == candidates.len() {
        return absent.iter().all(|c| {
            !all.iter()
                .any(|l| l.path == c.path() && chosen.iter().all(|x| compatible(x, l)))
        });
    }
    for &leaf in &candidates[chosen.len()] {
        if chosen.iter().all(|x| compatible(x, leaf)) {
            chosen.push(leaf);
            if choose(candidates, chosen, absent, all) {
                return true;
            }
            chosen.pop();
        }
    }
    false
}

fn condition_holds(c: &Condition, v: &Value) -> bool {
    match c.test() {
        Test::AnyOf(ms) => ms.iter().any(|m| matcher_holds(m, v)),
        Test::Absent => false,
    }
}

/// Whether one matcher accepts one scalar.
pub fn matcher_holds(m: &Matcher, v: &Value) -> bool {
    let s = v.as_str();
    let n = if v.is_number() { v.as_f64() } else { None };
    match m {
        Matcher::String(x) => s == Some(x.as_str()),
        Matcher::Number(x) => n == Some(x.value),
        Matcher::Bool(b) => v.as_bool() == Some(*b),
        Matcher::Null => v.is_null(),
        Matcher::Prefix(p) => s.is_some_and(|s| s.starts_with(p.as_str())),
        Matcher::Suffix(p) => s.is_some_and(|s| s.ends_with(p.as_str())),
        // EventBridge's per-character rule, written once in the engine (`ferruler::ignore_case`).
        Matcher::PrefixIgnoreCase(p) => s.is_some_and(|s| ignore_case::starts_with(p, s)),
        Matcher::SuffixIgnoreCase(p) => s.is_some_and(|s| ignore_case::ends_with(p, s)),
        Matcher::EqualsIgnoreCase(p) => s.is_some_and(|s| ignore_case::equals(p, s)),
        Matcher::Wildcard(w) => {
            s.is_some_and(|s| glob(&w.source_chars(), &s.chars().collect::<Vec<_>>()))
        }
        Matcher::Numeric(r) => n.is_some_and(|n| in_range(r, n)),
        Matcher::Cidr(c) => s.is_some_and(|s| in_cidr(c.source(), s)),
        Matcher::Exists => true,
        Matcher::AnythingBut(a) => !excluded(a, v),
    }
}

fn excluded(a: &AnythingBut, v: &Value) -> bool {
    let s = v.as_str();
    match a {
        AnythingBut::Strings(xs) => s.is_some_and(|s| xs.iter().any(|x| x == s)),
        AnythingBut::Numbers(xs) => v.is_number() && xs.iter().any(|x| Some(x.value) == v.as_f64()),
        AnythingBut::Prefixes(xs) => {
            s.is_some_and(|s| xs.iter().any(|x| s.starts_with(x.as_str())))
        }
        AnythingBut::Suffixes(xs) => s.is_some_and(|s| xs.iter().any(|x| s.ends_with(x.as_str()))),
        AnythingBut::IgnoreCase(xs) => {
            s.is_some_and(|s| xs.iter().any(|x| ignore_case::equals(x, s)))
        }
        AnythingBut::Wildcards(ws) => s.is_some_and(|s| {
            ws.iter()
                .any(|w| glob(&w.source_chars(), &s.chars().collect::<Vec<_>>()))
        }),
    }
}

fn in_range(r: &NumericRange, n: f64) -> bool {
    let low = match r.lower {
        Bound::Unbounded => true,
        Bound::Inclusive(b) => n >= b,
        Bound::Exclusive(b) => n > b,
    };
    let high = match r.upper {
        Bound::Unbounded => true,
        Bound::Inclusive(b) => n <= b,
        Bound::Exclusive(b) => n < b,
    };
    low && high
}

fn in_cidr(block: &str, value: &str) -> bool {
    let (base, bits) = block.split_once('/').expect("validated CIDR");
    let bits: u32 = bits.parse().expect("validated CIDR");
    let (Ok(base), Ok(addr)) = (base.parse::<IpAddr>(), value.parse::<IpAddr>()) else {
        return false;
    };
    match (base, addr) {
        (IpAddr::V4(b), IpAddr::V4(a)) => {
            let mask = if bits == 0 {
                0
            } else {
                u32::MAX << (32 - bits)
            };
            u32::from(b) & mask == u32::from(a) & mask
        }
        (IpAddr::V6(b), IpAddr::V6(a)) => {
            let mask = if bits == 0 {
                0
            } else {
                u128::MAX << (128 - bits)
            };
            u128::from(b) & mask == u128::from(a) & mask
        }
        _ => false,
    }
}

/// One token of a wildcard: a literal character or a star.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Glob {
    /// Matches exactly this character.
    Char(char),
    /// Matches any run of characters.
    Star,
}

/// Reads wildcard source text (`\*` literal star, `\\` literal backslash) into tokens.
pub trait SourceChars {
    /// The tokens of the wildcard.
    fn source_chars(&self) -> Vec<Glob>;
}

impl SourceChars for ferruler::pattern::Wildcard {
    fn source_chars(&self) -> Vec<Glob> {
        let mut out = Vec::new();
        let mut chars = self.source().chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => out.push(Glob::Char(chars.next().expect("validated escape"))),
                '*' => out.push(Glob::Star),
                c => out.push(Glob::Char(c)),
            }
        }
        out
    }
}

/// Glob matching by dynamic programming: `m[i][j]` = the first `i` tokens match the first `j`
/// characters.
fn glob(tokens: &[Glob], s: &[char]) -> bool {
    let mut m = vec![vec![false; s.len() + 1]; tokens.len() + 1];
    m[0][0] = true;
    for i in 1..=tokens.len() {
        for j in 0..=s.len() {
            m[i][j] = match tokens[i - 1] {
                Glob::Star => m[i - 1][j] || (j > 0 && m[i][j - 1]),
                Glob::Char(c) => j > 0 && s[j - 1] == c && m[i - 1][j - 1],
            };
        }
    }
    m[tokens.len()][s.len()]
}
