//! What the machine remembers of each pattern it holds, and the code conditions are known by.
//!
//! A pattern must be uninstalled exactly as it was installed, and `delete_rule(name, pattern)`
//! must recognise it by meaning (equal parsed forms). Both go through the conditions, which are
//! interned by their path and the *code* of their matcher list: an encoding that is injective and
//! canonical for the parsed form's equality, so two conditions are equal exactly when their paths
//! and codes are (numbers are encoded by value, as `Number` compares them: `35`, `35.0` and
//! `3.5e1` have one code; wildcards and CIDR blocks by their source, from which the rest of them
//! follows). A condition keeps its code, from which its matchers are read back to uninstall it;
//! a pattern is recognised by the conditions of its sub-rules.
//!
//! So a pattern's *record* holds only the slots of its sub-rules and its wildcard complexity, a
//! few bytes. The records of a rule's patterns are concatenated in one arena, each prefixed by
//! its length.

use crate::number;
use crate::pattern::Wildcard;
use crate::pattern::{AnythingBut, Bound, IpRange, Matcher, Number, NumericRange};
#[cfg(test)]
use crate::pattern::{Pattern, Test};
use smallvec::SmallVec;
use std::ops::Range;

/// One pattern's record, read from a rule's concatenated records.
pub(super) struct Record {
    /// The slots of the pattern's sub-rules, in the order of `Pattern::sub_rules`.
    pub subs: SmallVec<[u32; 4]>,
    /// The pattern's wildcard complexity (see `pattern::complexity`).
    pub complexity: u32,
    /// Where the record lies in the concatenation.
    pub span: Range<usize>,
}

/// The record of a pattern installed at sub-rule slots `subs`, with wildcard complexity
/// `complexity`.
pub(super) fn record(subs: &[u32], complexity: u32) -> SmallVec<[u8; 16]> {
    let mut body: SmallVec<[u8; 16]> = SmallVec::new();
    put_varint(&mut body, subs.len() as u64);
    for &s in subs {
        put_varint(&mut body, s.into());
    }
    put_varint(&mut body, complexity.into());
    let mut out = SmallVec::new();
    put_varint(&mut out, body.len() as u64);
    out.extend_from_slice(&body);
    out
}

/// The records in a concatenation of [`record`]s.
pub(super) fn records(bytes: &[u8]) -> impl Iterator<Item = Record> + '_ {
    let mut at = 0;
    std::iter::from_fn(move || {
        if at == bytes.len() {
            return None;
        }
        let start = at;
        let mut r = Reader { bytes, at };
        let len = r.varint() as usize;
        let end = r.at + len;
        let n = r.varint() as usize;
        let subs = (0..n).map(|_| r.varint() as u32).collect();
        let complexity = r.varint() as u32;
        at = end;
        Some(Record {
            subs,
            complexity,
            span: start..end,
        })
    })
}

/// Appends the code of `pattern`'s tests: per sub-rule its number of conditions, then each
/// condition's test (what the tests below compare by meaning).
#[cfg(test)]
pub(super) fn encode(pattern: &Pattern, out: &mut Vec<u8>) {
    for sub_rule in pattern.sub_rules() {
        put_varint(out, sub_rule.conditions().len() as u64);
        for condition in sub_rule.conditions() {
            match condition.test() {
                Test::Absent => put_varint(out, 0),
                Test::AnyOf(matchers) => {
                    put_varint(out, matchers.len() as u64 + 1);
                    for m in matchers {
                        put_matcher(out, m);
                    }
                }
            }
        }
    }
}

/// The tests of each sub-rule, read back from a code made by `encode` for `sub_rules` sub-rules.
/// Numbers come back with their value but not their spelling (which uninstalling does not use).
#[cfg(test)]
pub(super) fn decode(code: &[u8], sub_rules: usize) -> Vec<Vec<Test>> {
    let mut r = Reader { bytes: code, at: 0 };
    let decoded = (0..sub_rules)
        .map(|_| {
            let conditions = r.varint() as usize;
            (0..conditions)
                .map(|_| match r.varint() {
                    0 => Test::Absent,
                    n => Test::AnyOf((1..n).map(|_| r.matcher()).collect()),
                })
                .collect()
        })
        .collect();
    debug_assert_eq!(r.at, code.len());
    decoded
}

/// The code of one condition's matcher list (as `encode` writes a positive test), by which the
/// machine interns conditions.
pub(super) fn matchers_code(matchers: &[Matcher], out: &mut Vec<u8>) {
    put_varint(out, matchers.len() as u64 + 1);
    for m in matchers {
        put_matcher(out, m);
    }
}

/// The matchers of a code made by `matchers_code`.
pub(super) fn decode_matchers(code: &[u8]) -> Vec<Matcher> {
    let mut r = Reader { bytes: code, at: 0 };
    let n = r.varint() as usize;
    (1..n).map(|_| r.matcher()).collect()
}

// Matcher tags.
const STRING: u8 = 0;
const NUMBER: u8 = 1;
const TRUE: u8 = 2;
const FALSE: u8 = 3;
const NULL: u8 = 4;
const PREFIX: u8 = 5;
const PREFIX_IGNORE_CASE: u8 = 6;
const SUFFIX: u8 = 7;
const SUFFIX_IGNORE_CASE: u8 = 8;
const EQUALS_IGNORE_CASE: u8 = 9;
const WILDCARD: u8 = 10;
const NUMERIC: u8 = 11;
const CIDR: u8 = 12;
const EXISTS: u8 = 13;
const BUT_STRINGS: u8 = 14;
const BUT_NUMBERS: u8 = 15;
const BUT_PREFIXES: u8 = 16;
const BUT_SUFFIXES: u8 = 17;
const BUT_IGNORE_CASE: u8 = 18;
const BUT_WILDCARDS: u8 = 19;

// Bound tags.
const UNBOUNDED: u8 = 0;
const INCLUSIVE: u8 = 1;
const EXCLUSIVE: u8 = 2;

/// Integers up to this magnitude are written as varints; other numbers as their 8 bytes.
const EXACT_INTEGERS: f64 = (1u64 << 53) as f64;

fn put_matcher(out: &mut Vec<u8>, m: &Matcher) {
    let strings = |out: &mut Vec<u8>, tag: u8, v: &mut dyn Iterator<Item = &str>, n: usize| {
        out.push(tag);
        put_varint(out, n as u64);
        v.for_each(|s| put_bytes(out, s.as_bytes()));
    };
    match m {
        Matcher::String(s) => put_tagged(out, STRING, s),
        Matcher::Number(n) => {
            out.push(NUMBER);
            put_number(out, n.value);
        }
        Matcher::Bool(true) => out.push(TRUE),
        Matcher::Bool(false) => out.push(FALSE),
        Matcher::Null => out.push(NULL),
        Matcher::Prefix(s) => put_tagged(out, PREFIX, s),
        Matcher::PrefixIgnoreCase(s) => put_tagged(out, PREFIX_IGNORE_CASE, s),
        Matcher::Suffix(s) => put_tagged(out, SUFFIX, s),
        Matcher::SuffixIgnoreCase(s) => put_tagged(out, SUFFIX_IGNORE_CASE, s),
        Matcher::EqualsIgnoreCase(s) => put_tagged(out, EQUALS_IGNORE_CASE, s),
        Matcher::Wildcard(w) => put_tagged(out, WILDCARD, w.source()),
        Matcher::Numeric(r) => {
            out.push(NUMERIC);
            put_bound(out, r.lower);
            put_bound(out, r.upper);
        }
        Matcher::Cidr(c) => put_tagged(out, CIDR, c.source()),
        Matcher::Exists => out.push(EXISTS),
        Matcher::AnythingBut(a) => match a {
            AnythingBut::Strings(v) => {
                strings(out, BUT_STRINGS, &mut v.iter().map(|s| s.as_str()), v.len())
            }
            AnythingBut::Numbers(v) => {
                out.push(BUT_NUMBERS);
                put_varint(out, v.len() as u64);
                v.iter().for_each(|n| put_number(out, n.value));
            }
            AnythingBut::Prefixes(v) => strings(
                out,
                BUT_PREFIXES,
                &mut v.iter().map(|s| s.as_str()),
                v.len(),
            ),
            AnythingBut::Suffixes(v) => strings(
                out,
                BUT_SUFFIXES,
                &mut v.iter().map(|s| s.as_str()),
                v.len(),
            ),
            AnythingBut::IgnoreCase(v) => strings(
                out,
                BUT_IGNORE_CASE,
                &mut v.iter().map(|s| s.as_str()),
                v.len(),
            ),
            AnythingBut::Wildcards(v) => strings(
                out,
                BUT_WILDCARDS,
                &mut v.iter().map(|w| w.source()),
                v.len(),
            ),
        },
    }
}

fn put_tagged(out: &mut Vec<u8>, tag: u8, s: &str) {
    out.push(tag);
    put_bytes(out, s.as_bytes());
}

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    put_varint(out, b.len() as u64);
    out.extend_from_slice(b);
}

fn put_bound(out: &mut Vec<u8>, b: Bound) {
    match b {
        Bound::Unbounded => out.push(UNBOUNDED),
        Bound::Inclusive(v) => {
            out.push(INCLUSIVE);
            put_number(out, v);
        }
        Bound::Exclusive(v) => {
            out.push(EXCLUSIVE);
            put_number(out, v);
        }
    }
}

/// A number by value (so equal values, -0 and 0 included, have one code): small integers as a
/// zigzag varint after a 0, anything else as a 1 and the 8 bytes of its key.
fn put_number(out: &mut Vec<u8>, v: f64) {
    let v = f64::from_bits(number::key_of(v));
    if v.fract() == 0.0 && v.abs() < EXACT_INTEGERS {
        out.push(0);
        let i = v as i64;
        put_varint(out, ((i << 1) ^ (i >> 63)) as u64);
    } else {
        out.push(1);
        out.extend_from_slice(&number::key_of(v).to_le_bytes());
    }
}

fn put_varint(out: &mut impl Extend<u8>, mut v: u64) {
    while v >= 0x80 {
        out.extend([v as u8 | 0x80]);
        v >>= 7;
    }
    out.extend([v as u8]);
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> u8 {
        self.at += 1;
        self.bytes[self.at - 1]
    }

    fn varint(&mut self) -> u64 {
        let mut v = 0;
        let mut shift = 0;
        loop {
            let b = self.byte();
            v |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return v;
            }
            shift += 7;
        }
    }

    fn string(&mut self) -> String {
        let len = self.varint() as usize;
        self.at += len;
        String::from_utf8(self.bytes[self.at - len..self.at].to_vec())
            .expect("encoded from a String")
    }

    fn strings(&mut self) -> Vec<String> {
        let n = self.varint();
        (0..n).map(|_| self.string()).collect()
    }

    fn number(&mut self) -> f64 {
        if self.byte() == 0 {
            let z = self.varint();
            ((z >> 1) as i64 ^ -((z & 1) as i64)) as f64
        } else {
            self.at += 8;
            let bytes = self.bytes[self.at - 8..self.at]
                .try_into()
                .expect("8 bytes");
            f64::from_bits(u64::from_le_bytes(bytes))
        }
    }

    fn value(&mut self) -> Number {
        let value = self.number();
        Number {
            text: String::new(),
            value,
        }
    }

    fn bound(&mut self) -> Bound {
        match self.byte() {
            UNBOUNDED => Bound::Unbounded,
            INCLUSIVE => Bound::Inclusive(self.number()),
            _ => Bound::Exclusive(self.number()),
        }
    }

    fn wildcard(&mut self) -> Wildcard {
        Wildcard::parse(&self.string()).expect("encoded from a valid wildcard")
    }

    fn matcher(&mut self) -> Matcher {
        match self.byte() {
            STRING => Matcher::String(self.string()),
            NUMBER => Matcher::Number(self.value()),
            TRUE => Matcher::Bool(true),
            FALSE => Matcher::Bool(false),
            NULL => Matcher::Null,
            PREFIX => Matcher::Prefix(self.string()),
            PREFIX_IGNORE_CASE => Matcher::PrefixIgnoreCase(self.string()),
            SUFFIX => Matcher::Suffix(self.string()),
            SUFFIX_IGNORE_CASE => Matcher::SuffixIgnoreCase(self.string()),
            EQUALS_IGNORE_CASE => Matcher::EqualsIgnoreCase(self.string()),
            WILDCARD => Matcher::Wildcard(self.wildcard()),
            NUMERIC => Matcher::Numeric(NumericRange {
                lower: self.bound(),
                upper: self.bound(),
            }),
            CIDR => {
                Matcher::Cidr(IpRange::parse(&self.string()).expect("encoded from a valid CIDR"))
            }
            EXISTS => Matcher::Exists,
            BUT_STRINGS => Matcher::AnythingBut(AnythingBut::Strings(self.strings())),
            BUT_NUMBERS => {
                let n = self.varint();
                Matcher::AnythingBut(AnythingBut::Numbers((0..n).map(|_| self.value()).collect()))
            }
            BUT_PREFIXES => Matcher::AnythingBut(AnythingBut::Prefixes(self.strings())),
            BUT_SUFFIXES => Matcher::AnythingBut(AnythingBut::Suffixes(self.strings())),
            BUT_IGNORE_CASE => Matcher::AnythingBut(AnythingBut::IgnoreCase(self.strings())),
            BUT_WILDCARDS => {
                let n = self.varint();
                Matcher::AnythingBut(AnythingBut::Wildcards(
                    (0..n).map(|_| self.wildcard()).collect(),
                ))
            }
            tag => unreachable!("matcher tag {tag} is not written by put_matcher"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(text: &str) -> Vec<u8> {
        let mut out = Vec::new();
        encode(&Pattern::parse(text).unwrap(), &mut out);
        out
    }

    /// Every kind of matcher decodes to what was encoded.
    #[test]
    fn decodes_what_it_encodes() {
        let text = r#"{"v": ["s", 3.5e1, -7, 0.25, 1e300, true, false, null, {"prefix": "p"},
            {"prefix": {"equals-ignore-case": "P"}}, {"suffix": "s"}, {"suffix": {"equals-ignore-case": "S"}},
            {"equals-ignore-case": "E"}, {"wildcard": "a*\\*b"}, {"numeric": [">", 0, "<=", 5.5]},
            {"numeric": ["=", -1]}, {"numeric": ["<", 1e3]}, {"cidr": "10.0.0.0/8"}, {"cidr": "2001:db8::/32"},
            {"exists": true}, {"anything-but": ["a", "b"]}, {"anything-but": [7, -0.5]},
            {"anything-but": {"prefix": ["x", "y"]}}, {"anything-but": {"suffix": "z"}},
            {"anything-but": {"equals-ignore-case": ["Q"]}}, {"anything-but": {"wildcard": "*.tmp"}}],
            "w": [{"exists": false}], "$or": [{"x": [1]}, {"y": ["é"]}]}"#;
        let pattern = Pattern::parse(text).unwrap();
        let mut out = Vec::new();
        encode(&pattern, &mut out);
        let decoded = decode(&out, pattern.sub_rules().len());
        let tests: Vec<Vec<Test>> = pattern
            .sub_rules()
            .iter()
            .map(|s| s.conditions().iter().map(|c| c.test().clone()).collect())
            .collect();
        assert_eq!(decoded, tests);
    }

    /// Codes are equal exactly when the parsed forms are.
    #[test]
    fn codes_compare_by_meaning() {
        assert_eq!(code(r#"{"a": [35]}"#), code(r#"{"a": [3.5e1]}"#));
        assert_eq!(code(r#"{"a": [0]}"#), code(r#"{"a": [-0.0]}"#));
        assert_eq!(
            code(r#"{"a": [{"numeric": [">", 0]}]}"#),
            code(r#"{"a": [{"numeric": [">", -0]}]}"#)
        );
        assert_eq!(
            code(r#"{"b": [1], "a": ["x"]}"#),
            code(r#"{"a":["x"],"b":[1.0]}"#)
        );
        assert_ne!(code(r#"{"a": ["x", "y"]}"#), code(r#"{"a": ["y", "x"]}"#));
        assert_ne!(code(r#"{"a": ["1"]}"#), code(r#"{"a": [1]}"#));
        assert_ne!(
            code(r#"{"a": [{"prefix": "x"}]}"#),
            code(r#"{"a": [{"suffix": "x"}]}"#)
        );
        assert_ne!(code(r#"{"a": [1]}"#), code(r#"{"a": [1.5]}"#));
        assert_ne!(
            code(r#"{"a": ["x"], "b": ["y"]}"#),
            code(r#"{"a": ["xy"]}"#)
        );
    }

    #[test]
    fn records_read_back() {
        let mut all = record(&[3], 0).to_vec();
        all.extend_from_slice(&record(&[300, 7], 200));
        let read: Vec<_> = records(&all)
            .map(|r| (r.subs.to_vec(), r.complexity, r.span))
            .collect();
        assert_eq!(read[0], (vec![3], 0, 0..4));
        assert_eq!(read[1], (vec![300, 7], 200, 4..11));
    }
}
