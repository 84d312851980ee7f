//! Anything-but: what a condition excludes, and the inline comparisons that test it.
//!
//! An anything-but holds for almost every value, so testing each at every leaf of its path costs
//! one step per rule that has one (a router with ten thousand `{"anything-but": [tenant]}` rules
//! would pay ten thousand per event). A path's first few are tested at each leaf (`values`), which
//! is cheapest for the usual few; beyond them, the leaves of the path are recorded and a condition
//! is tested against them only when a sub-rule that uses it is verified (see `matching`).

use crate::casefold;
use crate::number;
use crate::pattern::{AnythingBut, Wildcard};

/// The folded form of a string value, for anything-but ignoring case.
#[derive(Clone, Copy)]
pub(crate) enum Folded<'a> {
    Bytes(&'a [u8]),
    /// The value is ASCII, so its folded form is its ASCII lower case (not made: comparing
    /// ignoring ASCII case is cheaper).
    AsciiLowerCase,
}

/// What an anything-but excludes, ready for testing: 24 bytes, each variant one boxed slice (a
/// router can hold an anything-but per rule; with vectors, and the ignore-case lists inline, it
/// took 56).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Exclusion {
    Strings(Box<[Box<[u8]>]>),
    Numbers(Box<[u64]>),
    Prefixes(Box<[Box<[u8]>]>),
    Suffixes(Box<[Box<[u8]>]>),
    IgnoreCase(Box<IgnoreCase>),
    Wildcards(Box<[Wildcard]>),
}

const _: () = assert!(std::mem::size_of::<Exclusion>() == 24);

/// An anything-but ignoring case.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct IgnoreCase {
    /// The folded forms, a filter.
    folded: Box<[Box<[u8]>]>,
    /// The texts, for the rule (see `casefold`).
    texts: Box<[Box<str>]>,
    /// Whether the texts are all ASCII (then an ASCII value needs no check).
    ascii: bool,
}

impl Exclusion {
    pub(crate) fn new(a: &AnythingBut) -> Self {
        let bytes = |v: &[String]| v.iter().map(|s| s.as_bytes().into()).collect();
        match a {
            AnythingBut::Strings(v) => Exclusion::Strings(bytes(v)),
            AnythingBut::Numbers(v) => {
                Exclusion::Numbers(v.iter().map(|n| number::key_of(n.value)).collect())
            }
            AnythingBut::Prefixes(v) => Exclusion::Prefixes(bytes(v)),
            AnythingBut::Suffixes(v) => Exclusion::Suffixes(bytes(v)),
            AnythingBut::IgnoreCase(v) => Exclusion::IgnoreCase(Box::new(IgnoreCase {
                folded: v
                    .iter()
                    .map(|s| casefold::fold(s).into_bytes().into())
                    .collect(),
                texts: v.iter().map(|s| s.as_str().into()).collect(),
                ascii: v.iter().all(|s| s.is_ascii()),
            })),
            AnythingBut::Wildcards(v) => Exclusion::Wildcards(v.as_slice().into()),
        }
    }

    /// Whether it excludes prefixes, suffixes or wildcards (not only listed values).
    pub(crate) fn is_pattern(&self) -> bool {
        matches!(
            self,
            Exclusion::Prefixes(_) | Exclusion::Suffixes(_) | Exclusion::Wildcards(_)
        )
    }

    /// The strings it lists (folded when ignoring case), if it lists strings.
    pub(crate) fn listed(&self) -> &[Box<[u8]>] {
        match self {
            Exclusion::Strings(v) => v,
            Exclusion::IgnoreCase(x) => &x.folded,
            _ => &[],
        }
    }

    /// The numbers it lists (as `number::key_of` keys).
    pub(crate) fn numbers(&self) -> &[u64] {
        match self {
            Exclusion::Numbers(v) => v,
            _ => &[],
        }
    }

    #[inline]
    pub(crate) fn folds(&self) -> bool {
        matches!(self, Exclusion::IgnoreCase(..))
    }

    #[inline(always)]
    pub(crate) fn excludes_string(&self, s: &[u8], folded: Folded<'_>) -> bool {
        match self {
            Exclusion::Strings(v) => v.iter().any(|x| same_bytes(x, s)),
            Exclusion::Numbers(_) => false,
            Exclusion::Prefixes(v) => v
                .iter()
                .any(|x| s.len() >= x.len() && same_bytes(x, &s[..x.len()])),
            Exclusion::Suffixes(v) => v
                .iter()
                .any(|x| s.len() >= x.len() && same_bytes(x, &s[s.len() - x.len()..])),
            // The folded forms filter; a hit is checked by the rule, except for an ASCII value
            // and an ASCII text, where the fold is exact.
            Exclusion::IgnoreCase(x) => {
                let (v, texts) = (&x.folded, &x.texts);
                match folded {
                    Folded::Bytes(f) => v
                        .iter()
                        .zip(texts)
                        .any(|(x, t)| same_bytes(x, f) && spells(t, s)),
                    // Folded keys have no upper-case ASCII, so this is `lower(s) == x`.
                    Folded::AsciiLowerCase if x.ascii => v.iter().any(|x| same_ascii_lower(x, s)),
                    Folded::AsciiLowerCase => v
                        .iter()
                        .zip(texts)
                        .any(|(x, t)| same_ascii_lower(x, s) && (t.is_ascii() || spells(t, s))),
                }
            }
            Exclusion::Wildcards(v) => v.iter().any(|w| w.is_match(s)),
        }
    }

    #[inline]
    pub(crate) fn excludes_number(&self, value: f64) -> bool {
        match self {
            Exclusion::Numbers(v) => v.contains(&number::key_of(value)),
            _ => false,
        }
    }
}

/// Whether the value `s` spells `text` ignoring case, by the rule.
#[cold]
fn spells(text: &str, s: &[u8]) -> bool {
    (text.is_ascii() && s.is_ascii())
        || std::str::from_utf8(s).is_ok_and(|s| casefold::equals(text, s))
}

/// Whether `a == b`. Strings of up to 16 bytes (what anything-but usually lists, and the
/// prefixes and suffixes it excludes) are compared inline, in at most two overlapping loads per
/// side: the call to `bcmp` that slice equality (and `starts_with`) makes costs more than that.
#[inline(always)]
pub(crate) fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    same_words(a, b, |w| w)
}

/// Whether `x` is the ASCII lower case of `s`, which is ASCII; inline like [`same_bytes`], with
/// the upper-case letters of every word of `s` lowered at once.
#[inline(always)]
fn same_ascii_lower(x: &[u8], s: &[u8]) -> bool {
    same_words(x, s, |w| {
        // Bit 7 of each byte (all below 0x80): set in `w + 0x3f` from 'A' up, in `w + 0x25`
        // from 'Z' + 1 up. No byte carries into the next.
        let upper =
            (w + 0x3f3f_3f3f_3f3f_3f3f) & !(w + 0x2525_2525_2525_2525) & 0x8080_8080_8080_8080;
        w | upper >> 2
    })
}

/// Whether `a` equals `b` mapped bytewise by `map`, which works on eight bytes in a `u64`
/// (fewer in its low bytes, the rest zero) and maps each byte on its own.
#[inline(always)]
fn same_words(a: &[u8], b: &[u8], map: impl Fn(u64) -> u64) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let word = |s: &[u8], at: usize| u64::from_le_bytes(s[at..at + 8].try_into().expect("8 bytes"));
    let half = |s: &[u8], at: usize| {
        u64::from(u32::from_le_bytes(
            s[at..at + 4].try_into().expect("4 bytes"),
        ))
    };
    let byte = |s: &[u8], at: usize| u64::from(s[at]);
    match n {
        0 => true,
        1..=3 => [0, n / 2, n - 1]
            .into_iter()
            .all(|at| byte(a, at) == map(byte(b, at))),
        4..=7 => half(a, 0) == map(half(b, 0)) && half(a, n - 4) == map(half(b, n - 4)),
        8..=16 => word(a, 0) == map(word(b, 0)) && word(a, n - 8) == map(word(b, n - 8)),
        _ => a
            .iter()
            .zip(b)
            .all(|(&x, &y)| u64::from(x) == map(u64::from(y))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_compares_agree_with_slices() {
        // Every length up to 40, differing (or not) at each position, in every byte class the
        // lower-casing distinguishes ('@' and '[' border the upper-case letters).
        let alphabet = b"@AMZ[`amz{0~ ";
        for n in 0..40 {
            let base: Vec<u8> = (0..n).map(|i| alphabet[i % alphabet.len()]).collect();
            let lower = base.to_ascii_lowercase();
            assert!(same_bytes(&base, &base) && same_ascii_lower(&lower, &base));
            assert!(!same_bytes(&base, &[&base[..], b"a"].concat()));
            for at in 0..n {
                for &c in alphabet.iter().chain(b"\x80\xff") {
                    let mut other = base.clone();
                    other[at] = c;
                    assert_eq!(same_bytes(&base, &other), base == other);
                    if other.is_ascii() {
                        assert_eq!(
                            same_ascii_lower(&lower, &other),
                            lower.eq_ignore_ascii_case(&other)
                        );
                    }
                    let mut folded = lower.clone();
                    folded[at] = c.to_ascii_lowercase();
                    assert_eq!(
                        same_ascii_lower(&folded, &base),
                        folded.eq_ignore_ascii_case(&base),
                        "{n} {at} {c}"
                    );
                }
            }
        }
    }
}
