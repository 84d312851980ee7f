//! Wildcard values: `*` matches any run of characters (including none); `\*` is a literal star and
//! `\\` a literal backslash; any other escape, a trailing lone backslash and two wildcard stars in
//! a row are errors. Error positions count UTF-8 bytes of the value with its opening quote, as
//! event-ruler's messages do (`"a**b"` -> `Consecutive wildcard characters at pos 2`).

/// Separates the pieces of a wildcard in its joined form (see [`Wildcard::joined`]): the byte
/// 0xFF never occurs in UTF-8, so no piece contains it.
pub(crate) const STAR: u8 = 0xFF;

/// A parsed wildcard: the literal pieces between its unescaped stars.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wildcard {
    source: String,
    pieces: Vec<String>,
}

impl Wildcard {
    /// Parses a wildcard value; the error is `(message)` with event-ruler's position convention.
    pub(crate) fn parse(source: &str) -> Result<Wildcard, String> {
        let bytes = source.as_bytes();
        let mut pieces = vec![String::new()];
        let mut literal: Vec<u8> = Vec::new();
        let mut last_was_star = false;
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'*' => {
                    if last_was_star {
                        return Err(format!("Consecutive wildcard characters at pos {i}"));
                    }
                    *pieces.last_mut().expect("never empty") = take_utf8(&mut literal);
                    pieces.push(String::new());
                    last_was_star = true;
                    i += 1;
                }
                b'\\' => {
                    match bytes.get(i + 1) {
                        Some(&c @ (b'*' | b'\\')) => literal.push(c),
                        _ => return Err(format!("Invalid escape character at pos {}", i + 1)),
                    }
                    last_was_star = false;
                    i += 2;
                }
                b => {
                    literal.push(b);
                    last_was_star = false;
                    i += 1;
                }
            }
        }
        *pieces.last_mut().expect("never empty") = take_utf8(&mut literal);
        Ok(Wildcard {
            source: source.to_string(),
            pieces,
        })
    }

    /// The wildcard as written in the pattern.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The literal pieces: the first must start the value, the last must end it, the others must
    /// appear in order in between. One piece means no star (an exact match).
    pub fn pieces(&self) -> &[String] {
        &self.pieces
    }

    /// Whether every star is at the very start or the very end (`*x`, `x*`, `*x*`, `x`). Such
    /// wildcards keep a merged automaton small; a star in the middle (`a*b`) may not.
    pub fn is_simple(&self) -> bool {
        match self.pieces.len() {
            1 => true,
            2 => self.pieces[0].is_empty() || self.pieces[1].is_empty(),
            3 => self.pieces[0].is_empty() && self.pieces[2].is_empty(),
            _ => false,
        }
    }

    /// The pieces joined by [`STAR`]: one allocation, the form in which value indexes keep a
    /// wildcard (a router can hold one per rule). It identifies the wildcard as its source does,
    /// escaping being canonical (only a star and a backslash are escaped, and both must be).
    pub(crate) fn joined(&self) -> Box<[u8]> {
        let mut joined = Vec::with_capacity(self.source.len());
        for (i, piece) in self.pieces.iter().enumerate() {
            if i > 0 {
                joined.push(STAR);
            }
            joined.extend_from_slice(piece.as_bytes());
        }
        joined.into()
    }

    /// Whether `value` matches. Greedy leftmost placement of the middle pieces is optimal for a
    /// star-only glob, so this is linear in the value (times the number of pieces), never
    /// backtracking.
    pub fn is_match(&self, value: &[u8]) -> bool {
        let n = self.pieces.len();
        let first = self.pieces[0].as_bytes();
        let middle = self.pieces[1..n.max(2) - 1].iter().map(|p| p.as_bytes());
        pieces_match(
            first,
            middle,
            (n > 1).then(|| self.pieces[n - 1].as_bytes()),
            value,
        )
    }
}

/// Whether `value` matches the wildcard whose joined form (see [`Wildcard::joined`]) is `joined`.
pub(crate) fn joined_match(joined: &[u8], value: &[u8]) -> bool {
    let Some(first_star) = memchr::memchr(STAR, joined) else {
        return value == joined;
    };
    let last_star = memchr::memrchr(STAR, joined).expect("a star");
    let middle = (first_star < last_star)
        .then(|| joined[first_star + 1..last_star].split(|&b| b == STAR))
        .into_iter()
        .flatten();
    let last = &joined[last_star + 1..];
    pieces_match(&joined[..first_star], middle, Some(last), value)
}

/// Whether `value` matches the wildcard of these pieces (`last` is `None` without a star).
#[inline]
fn pieces_match<'p>(
    first: &[u8],
    middle: impl Iterator<Item = &'p [u8]>,
    last: Option<&[u8]>,
    value: &[u8],
) -> bool {
    let Some(last) = last else {
        return value == first;
    };
    if value.len() < first.len() + last.len()
        || !same(&value[..first.len()], first)
        || !same(&value[value.len() - last.len()..], last)
    {
        return false;
    }
    let mut rest = &value[first.len()..value.len() - last.len()];
    for piece in middle {
        // (A piece of one byte, common in short wildcards such as `2*0*1*7`, is found by
        // `memchr`, without `memmem`'s setup.)
        let found = match piece {
            &[byte] => memchr::memchr(byte, rest),
            bytes => memchr::memmem::find(rest, bytes),
        };
        match found {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    true
}

/// Whether two slices of one length are equal, compared inline: a wildcard's end pieces are
/// usually a few bytes, for which slice equality's call to `bcmp` costs more than the bytes.
#[inline(always)]
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

fn take_utf8(buf: &mut Vec<u8>) -> String {
    // The bytes come from a &str, split only at ASCII characters, so they are valid UTF-8.
    String::from_utf8(std::mem::take(buf)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether `v` matches `w`, checked to be the same through the joined form.
    fn m(w: &str, v: &str) -> bool {
        let w = Wildcard::parse(w).unwrap();
        let matched = w.is_match(v.as_bytes());
        assert_eq!(
            joined_match(&w.joined(), v.as_bytes()),
            matched,
            "{w:?} on {v:?}"
        );
        matched
    }

    #[test]
    fn matching() {
        assert!(m("*.png", "a/b.png"));
        assert!(!m("*.png", "a/b.jpg"));
        assert!(m("inv-*", "inv-"));
        assert!(m("*ab*ab", "abab"));
        assert!(!m("ab*ab", "aba"));
        assert!(m("*a*b", "xaxbxb"));
        assert!(m("a\\*b", "a*b"));
        assert!(!m("a\\*b", "axb"));
        assert!(m("\\**", "*urgent"));
        assert!(!m("\\**", "urgent*"));
        assert!(m("C:\\\\temp\\\\*", "C:\\temp\\log.txt"));
        assert!(m("*", ""));
        assert!(m("exact", "exact"));
        assert!(!m("exact", "exactly"));
        assert!(m("a*b*c*d", "a-b-c-d"));
        assert!(!m("a*b*c*d", "a-c-b-d"));
        assert!(m("", ""));
        assert!(!m("", "x"));
        assert!(m("*", "\u{ff}"));
    }

    #[test]
    fn errors_and_positions() {
        assert_eq!(
            Wildcard::parse("a**b").unwrap_err(),
            "Consecutive wildcard characters at pos 2"
        );
        assert_eq!(
            Wildcard::parse("**").unwrap_err(),
            "Consecutive wildcard characters at pos 1"
        );
        assert_eq!(
            Wildcard::parse("a\\d*").unwrap_err(),
            "Invalid escape character at pos 2"
        );
        assert_eq!(
            Wildcard::parse("abc\\").unwrap_err(),
            "Invalid escape character at pos 4"
        );
    }
}
