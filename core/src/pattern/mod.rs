//! Event patterns: the typed form of a pattern, after parsing and validation.
//!
//! All validation happens in [`Pattern::parse`], once, with EventBridge's wording and a position;
//! nothing after it can fail on a pattern. The parsed form is already expanded: every `$or` has been
//! multiplied out, so a [`Pattern`] is a disjunction of [`SubRule`]s, each a conjunction of
//! [`Condition`]s on distinct paths, each condition a disjunction of [`Matcher`]s (the value list).
//! That shape is what the compiler wants, and it is small enough that tests can evaluate it directly
//! (the reference interpreter in `tests/` does exactly that).

mod cidr;
pub(crate) mod complexity;
pub(crate) mod json;
mod parse;
mod wildcard;

pub use cidr::IpRange;
pub(crate) use cidr::{parse_ip_bytes, Ip};
pub(crate) use json::error_at;
pub use wildcard::Wildcard;
pub(crate) use wildcard::{joined_match, STAR};

use crate::error::PatternError;
use crate::limits::Limits;
use std::fmt;

/// A validated, `$or`-expanded event pattern.
#[derive(Debug, Clone, PartialEq)]
pub struct Pattern {
    sub_rules: Vec<SubRule>,
    /// The wildcard complexity (see [`crate::pattern_complexity`]).
    complexity: usize,
}

impl Pattern {
    /// Parses and validates pattern text with the default [`Limits`].
    pub fn parse(text: impl AsRef<[u8]>) -> Result<Pattern, PatternError> {
        Self::parse_with_limits(text, &Limits::default())
    }

    /// Parses and validates pattern text, enforcing `limits` (the wildcard complexity among
    /// them: a pattern above `Limits::max_complexity` is "too complex", as in EventBridge).
    pub fn parse_with_limits(
        text: impl AsRef<[u8]>,
        limits: &Limits,
    ) -> Result<Pattern, PatternError> {
        let text = text.as_ref();
        let (pattern, path) = Self::parse_measured(text, limits, limits.max_complexity)?;
        if pattern.complexity > limits.max_complexity {
            return Err(complexity::too_complex(
                text,
                path.as_deref().unwrap_or(&[]),
            ));
        }
        Ok(pattern)
    }

    /// Parses pattern text under `limits` but for the complexity, which is counted up to `cap`
    /// (beyond, some number above it), with the path of the field that has it.
    pub(crate) fn parse_measured(
        text: &[u8],
        limits: &Limits,
        cap: usize,
    ) -> Result<(Pattern, Option<Vec<String>>), PatternError> {
        let mut pattern = Pattern {
            sub_rules: parse::parse(text, limits)?,
            complexity: 0,
        };
        let (n, path) = complexity::of_pattern(&pattern, cap);
        let path = path.map(<[String]>::to_vec);
        pattern.complexity = n;
        Ok((pattern, path))
    }

    /// The wildcard complexity, EventBridge's measure behind "Rule is too complex" (see
    /// [`crate::pattern_complexity`]); 0 without wildcards.
    pub fn complexity(&self) -> usize {
        self.complexity
    }

    /// The alternatives this pattern expands to; the pattern matches when any of them does.
    pub fn sub_rules(&self) -> &[SubRule] {
        &self.sub_rules
    }
}

/// One alternative of a pattern: every condition must hold (on array-consistent values).
#[derive(Debug, Clone, PartialEq)]
pub struct SubRule {
    conditions: Vec<Condition>,
}

impl SubRule {
    pub(crate) fn new(mut conditions: Vec<Condition>) -> Self {
        conditions.sort_by(|a, b| a.path.cmp(&b.path));
        SubRule { conditions }
    }

    /// The conditions, sorted by path; no two share a path.
    pub fn conditions(&self) -> &[Condition] {
        &self.conditions
    }
}

/// What one field of the event must satisfy.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    path: Vec<String>,
    test: Test,
}

impl Condition {
    pub(crate) fn new(path: Vec<String>, test: Test) -> Self {
        Condition { path, test }
    }

    /// The field's path, split into segments at every `.` (so `{"a": {"b.c": ..}}` is `a`, `b`, `c`:
    /// EventBridge joins names with dots, and a dotted key matches the nested fields it spells).
    pub fn path(&self) -> &[String] {
        &self.path
    }

    /// The path as EventBridge writes it, joined with dots.
    pub fn dotted_path(&self) -> String {
        self.path.join(".")
    }

    /// What the field's values must satisfy.
    pub fn test(&self) -> &Test {
        &self.test
    }
}

/// The test a condition applies to its field.
#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    /// Some leaf value of the field (a scalar, or an element of an array) matches one of these.
    AnyOf(Vec<Matcher>),
    /// The field has no leaf value (`{"exists": false}`): it is missing, an object, or an empty array.
    Absent,
}

/// One alternative in a value list.
#[derive(Debug, Clone, PartialEq)]
pub enum Matcher {
    /// A string value, compared exactly (no case folding, no Unicode normalisation).
    String(String),
    /// A number value, compared by value as a double (`35` matches `35.0` and `3.5e1`).
    Number(Number),
    /// `true` or `false`.
    Bool(bool),
    /// `null`.
    Null,
    /// `{"prefix": "..."}`.
    Prefix(String),
    /// `{"prefix": {"equals-ignore-case": "..."}}`.
    PrefixIgnoreCase(String),
    /// `{"suffix": "..."}`.
    Suffix(String),
    /// `{"suffix": {"equals-ignore-case": "..."}}`.
    SuffixIgnoreCase(String),
    /// `{"equals-ignore-case": "..."}`.
    EqualsIgnoreCase(String),
    /// `{"wildcard": "..."}`.
    Wildcard(Wildcard),
    /// `{"numeric": [...]}`; only JSON numbers match.
    Numeric(NumericRange),
    /// `{"cidr": "..."}`; only strings holding an IP address of the same family match.
    Cidr(IpRange),
    /// `{"exists": true}`: any leaf value.
    Exists,
    /// `{"anything-but": ...}`: any leaf value not excluded.
    AnythingBut(AnythingBut),
}

/// What an `anything-but` excludes.
#[derive(Debug, Clone, PartialEq)]
pub enum AnythingBut {
    /// These strings (a value of any other type is not excluded).
    Strings(Vec<String>),
    /// These numbers, by value.
    Numbers(Vec<Number>),
    /// Strings starting with any of these.
    Prefixes(Vec<String>),
    /// Strings ending with any of these.
    Suffixes(Vec<String>),
    /// Strings equal to any of these, ignoring case.
    IgnoreCase(Vec<String>),
    /// Strings matching any of these wildcards.
    Wildcards(Vec<Wildcard>),
}

/// A number in a pattern: its spelling and its value. Numbers are equal when their values are
/// (`35`, `35.0` and `3.5e1` are the same number).
#[derive(Debug, Clone)]
pub struct Number {
    /// As written in the pattern.
    pub text: String,
    /// The value, correctly rounded to a double.
    pub value: f64,
}

impl PartialEq for Number {
    fn eq(&self, other: &Number) -> bool {
        crate::number::key_of(self.value) == crate::number::key_of(other.value)
    }
}

/// One end of a numeric range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bound {
    /// No limit on this side.
    Unbounded,
    /// The limit is part of the range (`>=`, `<=`, `=`).
    Inclusive(f64),
    /// The limit is not part of the range (`>`, `<`).
    Exclusive(f64),
}

/// A numeric range (`=` is a range whose ends are the same inclusive value).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NumericRange {
    /// The lower end.
    pub lower: Bound,
    /// The upper end.
    pub upper: Bound,
}

impl NumericRange {
    /// Whether `v` lies in the range.
    pub fn contains(&self, v: f64) -> bool {
        let above = match self.lower {
            Bound::Unbounded => true,
            Bound::Inclusive(b) => v >= b,
            Bound::Exclusive(b) => v > b,
        };
        let below = match self.upper {
            Bound::Unbounded => true,
            Bound::Inclusive(b) => v <= b,
            Bound::Exclusive(b) => v < b,
        };
        above && below
    }

    /// The single value of an `=` range.
    pub fn equals_value(&self) -> Option<f64> {
        match (self.lower, self.upper) {
            (Bound::Inclusive(a), Bound::Inclusive(b)) if a == b => Some(a),
            _ => None,
        }
    }
}

impl fmt::Display for NumericRange {
    /// The operand of `numeric` in pattern syntax, e.g. `[">", 0, "<=", 5]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(v) = self.equals_value() {
            return write!(f, "[\"=\", {v:?}]");
        }
        let mut parts = Vec::new();
        match self.lower {
            Bound::Unbounded => {}
            Bound::Inclusive(b) => parts.push(format!("\">=\", {b:?}")),
            Bound::Exclusive(b) => parts.push(format!("\">\", {b:?}")),
        }
        match self.upper {
            Bound::Unbounded => {}
            Bound::Inclusive(b) => parts.push(format!("\"<=\", {b:?}")),
            Bound::Exclusive(b) => parts.push(format!("\"<\", {b:?}")),
        }
        write!(f, "[{}]", parts.join(", "))
    }
}

impl fmt::Display for Matcher {
    /// The matcher in pattern syntax, e.g. `{"prefix": "eu-"}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let q = |s: &str| json_quote(s);
        let list = |v: &[String]| {
            if v.len() == 1 {
                q(&v[0])
            } else {
                format!(
                    "[{}]",
                    v.iter().map(|s| q(s)).collect::<Vec<_>>().join(", ")
                )
            }
        };
        match self {
            Matcher::String(s) => write!(f, "{}", q(s)),
            Matcher::Number(n) => write!(f, "{}", n.text),
            Matcher::Bool(b) => write!(f, "{b}"),
            Matcher::Null => write!(f, "null"),
            Matcher::Prefix(s) => write!(f, "{{\"prefix\": {}}}", q(s)),
            Matcher::PrefixIgnoreCase(s) => {
                write!(f, "{{\"prefix\": {{\"equals-ignore-case\": {}}}}}", q(s))
            }
            Matcher::Suffix(s) => write!(f, "{{\"suffix\": {}}}", q(s)),
            Matcher::SuffixIgnoreCase(s) => {
                write!(f, "{{\"suffix\": {{\"equals-ignore-case\": {}}}}}", q(s))
            }
            Matcher::EqualsIgnoreCase(s) => write!(f, "{{\"equals-ignore-case\": {}}}", q(s)),
            Matcher::Wildcard(w) => write!(f, "{{\"wildcard\": {}}}", q(w.source())),
            Matcher::Numeric(r) => write!(f, "{{\"numeric\": {r}}}"),
            Matcher::Cidr(c) => write!(f, "{{\"cidr\": {}}}", q(c.source())),
            Matcher::Exists => write!(f, "{{\"exists\": true}}"),
            Matcher::AnythingBut(a) => match a {
                AnythingBut::Strings(v) => write!(f, "{{\"anything-but\": {}}}", list(v)),
                AnythingBut::Numbers(v) => {
                    let texts: Vec<&str> = v.iter().map(|n| n.text.as_str()).collect();
                    if texts.len() == 1 {
                        write!(f, "{{\"anything-but\": {}}}", texts[0])
                    } else {
                        write!(f, "{{\"anything-but\": [{}]}}", texts.join(", "))
                    }
                }
                AnythingBut::Prefixes(v) => {
                    write!(f, "{{\"anything-but\": {{\"prefix\": {}}}}}", list(v))
                }
                AnythingBut::Suffixes(v) => {
                    write!(f, "{{\"anything-but\": {{\"suffix\": {}}}}}", list(v))
                }
                AnythingBut::IgnoreCase(v) => {
                    write!(
                        f,
                        "{{\"anything-but\": {{\"equals-ignore-case\": {}}}}}",
                        list(v)
                    )
                }
                AnythingBut::Wildcards(v) => {
                    let s: Vec<String> = v.iter().map(|w| w.source().to_string()).collect();
                    write!(f, "{{\"anything-but\": {{\"wildcard\": {}}}}}", list(&s))
                }
            },
        }
    }
}

/// `s` as a JSON string literal.
pub(crate) fn json_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every matcher prints as pattern syntax that parses back to itself.
    #[test]
    fn display_round_trips() {
        let text = r#"{"v": ["s", 3.5e1, true, null, {"prefix": "p"}, {"prefix": {"equals-ignore-case": "P"}},
            {"suffix": "s"}, {"suffix": {"equals-ignore-case": "S"}}, {"equals-ignore-case": "E"},
            {"wildcard": "a*\\*b"}, {"numeric": [">", 0, "<=", 5.5]}, {"numeric": ["=", -1]}, {"numeric": ["<", 1e3]},
            {"cidr": "10.0.0.0/8"}, {"exists": true}, {"anything-but": ["a", "b"]}, {"anything-but": 7},
            {"anything-but": {"prefix": ["x", "y"]}}, {"anything-but": {"suffix": "z"}},
            {"anything-but": {"equals-ignore-case": ["Q"]}}, {"anything-but": {"wildcard": "*.tmp"}}]}"#;
        let parsed = Pattern::parse(text).unwrap();
        let Test::AnyOf(matchers) = parsed.sub_rules()[0].conditions()[0].test() else {
            panic!()
        };
        let list: Vec<String> = matchers.iter().map(|m| m.to_string()).collect();
        let again = Pattern::parse(format!("{{\"v\": [{}]}}", list.join(", "))).unwrap();
        assert_eq!(again, parsed);
    }
}
