//! Ignoring case, for the `equals-ignore-case` family: the service's rule, and a fold that
//! filters for it.
//!
//! **The rule.** Ignoring case is character by character and not symmetric: each character `c`
//! of the *pattern* accepts exactly two spellings in the event, the lower case and the upper case
//! of that one character (Unicode's full mappings, as Java's `toLowerCase`/`toUpperCase` with
//! `Locale.ROOT` give them for a one-character string, so either may be several characters
//! long). So `ß` accepts `ß` or `SS` but not `ss`, `S` accepts `s` or `S` but never `ß`, `Σ`
//! accepts `σ` or `Σ` but not `ς`, `ς` accepts `ς` or `Σ`, and `ẞ` accepts `ß` or `ẞ`. This is
//! how event-ruler's `EqualsIgnoreCaseParser` builds its machine. [`equals`], [`starts_with`] and
//! [`ends_with`] are the rule, written once, and the machine, `explain` and the tests' reference
//! interpreter all use them. No two spellings of one character are a prefix of each other (a unit
//! test checks every character), so the walk never backtracks.
//!
//! **The filter.** The value indexes cannot look a value up by the rule, so they look up its
//! folded form among the folded forms of the patterns, then check each hit by the rule. The fold
//! maps each character to the lower case of its upper case (and `ẞ` to `ss`), which is
//! Unicode's full case folding for the letters users meet; it is an over-approximation: a value
//! the rule accepts for a pattern folds as the pattern does, because every character's two
//! spellings fold as the character does (a unit test checks every character). For an ASCII
//! pattern and an ASCII value the filter is exact, so the check is skipped there. Accents are
//! never removed and no normalisation is applied: `é` and `e` + U+0301 stay different.

/// Whether `bytes` is ASCII. Matching asks it of every string value on a path that ignores case,
/// and such values are short: up to 16 bytes are tested with two overlapping loads and one mask,
/// where the standard library's aligned word loop (or, below 8 bytes, its byte loop) costs two to
/// three times the instructions.
#[inline]
pub(crate) fn is_ascii(bytes: &[u8]) -> bool {
    let n = bytes.len();
    match n {
        0 => true,
        1..=3 => (bytes[0] | bytes[n / 2] | bytes[n - 1]) < 0x80,
        4..=7 => {
            let word = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4"));
            (word(0) | word(n - 4)) & 0x8080_8080 == 0
        }
        8..=16 => {
            let word = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8"));
            (word(0) | word(n - 8)) & 0x8080_8080_8080_8080 == 0
        }
        _ => bytes.is_ascii(),
    }
}

/// Appends the folded form of `s` to `out`. ASCII takes a fast path.
pub(crate) fn fold_into(s: &str, out: &mut Vec<u8>) {
    if s.is_ascii() {
        out.extend(s.bytes().map(|b| b.to_ascii_lowercase()));
        return;
    }
    let mut buf = [0u8; 4];
    for c in s.chars() {
        if c.is_ascii() {
            out.push((c as u8).to_ascii_lowercase());
            continue;
        }
        if c == '\u{1E9E}' {
            // `ẞ` accepts `ß`, which folds to `ss`; its upper case is itself.
            out.extend_from_slice(b"ss");
            continue;
        }
        for u in c.to_uppercase() {
            for l in u.to_lowercase() {
                out.extend_from_slice(l.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
}

/// The folded form of `s`.
pub(crate) fn fold(s: &str) -> String {
    let mut out = Vec::with_capacity(s.len());
    fold_into(s, &mut out);
    String::from_utf8(out).expect("folding maps valid UTF-8 to valid UTF-8")
}

/// One spelling of a character: its lower or upper case, up to three characters.
struct Spelling {
    buf: [u8; 12],
    len: usize,
}

impl Spelling {
    fn of(chars: impl Iterator<Item = char>) -> Self {
        let mut s = Spelling {
            buf: [0; 12],
            len: 0,
        };
        for c in chars {
            s.len += c.encode_utf8(&mut s.buf[s.len..]).len();
        }
        s
    }

    fn bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

/// Where the spelling of pattern character `c` that `value` has at `at` ends, if it has one.
#[inline]
fn step(c: char, value: &[u8], at: usize) -> Option<usize> {
    let rest = &value[at..];
    if c.is_ascii() {
        return match rest.first() {
            Some(b) if b.eq_ignore_ascii_case(&(c as u8)) => Some(at + 1),
            _ => None,
        };
    }
    [
        Spelling::of(c.to_lowercase()),
        Spelling::of(c.to_uppercase()),
    ]
    .iter()
    .find(|s| rest.starts_with(s.bytes()))
    .map(|s| at + s.len)
}

/// Where the spelling of pattern character `c` that `value` has ending at `end` starts.
#[inline]
fn step_back(c: char, value: &[u8], end: usize) -> Option<usize> {
    let rest = &value[..end];
    if c.is_ascii() {
        return match rest.last() {
            Some(b) if b.eq_ignore_ascii_case(&(c as u8)) => Some(end - 1),
            _ => None,
        };
    }
    [
        Spelling::of(c.to_lowercase()),
        Spelling::of(c.to_uppercase()),
    ]
    .iter()
    .find(|s| rest.ends_with(s.bytes()))
    .map(|s| end - s.len)
}

/// Where a spelling of `pattern` that `value` starts with ends, if it starts with one.
fn spelled_from_start(pattern: &str, value: &[u8]) -> Option<usize> {
    pattern.chars().try_fold(0, |at, c| step(c, value, at))
}

/// Whether `value` equals `pattern` ignoring case, by the rule of the module docs.
pub fn equals(pattern: &str, value: &str) -> bool {
    if pattern.is_ascii() && value.is_ascii() {
        return pattern.eq_ignore_ascii_case(value);
    }
    spelled_from_start(pattern, value.as_bytes()) == Some(value.len())
}

/// Whether `value` starts with `pattern` ignoring case, by the rule of the module docs.
pub fn starts_with(pattern: &str, value: &str) -> bool {
    spelled_from_start(pattern, value.as_bytes()).is_some()
}

/// Whether `value` ends with `pattern` ignoring case, by the rule of the module docs.
pub fn ends_with(pattern: &str, value: &str) -> bool {
    let v = value.as_bytes();
    pattern
        .chars()
        .rev()
        .try_fold(v.len(), |end, c| step_back(c, v, end))
        .is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_of_every_length_and_place() {
        for n in 0..40 {
            let plain = vec![b'a'; n];
            assert!(is_ascii(&plain), "{n}");
            for at in 0..n {
                let mut high = plain.clone();
                high[at] = 0x80;
                assert!(!is_ascii(&high), "{n} {at}");
            }
        }
    }

    #[test]
    fn folds() {
        assert_eq!(fold("ÉCOLE"), fold("école"));
        assert_eq!(fold("МОСКВА"), fold("москва"));
        assert_eq!(fold("ΑΘΗΝΑΣ"), fold("αθηνας"));
        assert_eq!(fold("STRASSE"), fold("straße"));
        assert_eq!(fold("STRAẞE"), fold("straße"));
        assert_ne!(fold("ECOLE"), fold("école"));
        assert_eq!(fold("SEÑOR"), "señor");
    }

    #[test]
    fn the_rule_is_per_character_and_asymmetric() {
        assert!(equals("Straße", "STRASSE") && equals("Straße", "straße"));
        assert!(!equals("Straße", "strasse") && !equals("STRASSE", "Straße"));
        assert!(equals("STRAẞE", "straße") && equals("STRAẞE", "STRAẞE"));
        assert!(!equals("STRAẞE", "STRASSE"));
        assert!(equals("ΟΔΟΣ", "οδοσ") && !equals("ΟΔΟΣ", "οδος"));
        assert!(equals("οδος", "ΟΔΟΣ") && !equals("οδος", "οδοσ"));
        assert!(!equals("k", "\u{212A}") && equals("\u{212A}", "k"));
        assert!(starts_with("STRA", "straße") && !starts_with("STRASS", "straße"));
        assert!(starts_with("ß", "SSa") && !starts_with("ß", "Sa"));
        assert!(ends_with("ße", "STRASSE") && !ends_with("SSE", "Straße"));
        assert!(ends_with("", "x") && starts_with("", "") && equals("", ""));
    }

    /// What the module docs promise of every character: the fold over-approximates the rule,
    /// and its two spellings never make the walk ambiguous.
    #[test]
    fn every_character_folds_as_its_spellings_and_they_are_unambiguous() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let lower: String = c.to_lowercase().collect();
            let upper: String = c.to_uppercase().collect();
            let f = fold(c.encode_utf8(&mut [0; 4]));
            assert!(fold(&lower) == f && fold(&upper) == f, "{c:?}");
            assert!(
                lower == upper || !(lower.starts_with(&upper) || upper.starts_with(&lower)),
                "{c:?}"
            );
            let s = c.to_string();
            assert!(equals(&s, &lower) && equals(&s, &upper), "{c:?}");
        }
    }
}
