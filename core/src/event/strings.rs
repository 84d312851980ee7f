//! JSON string literals: finding where they end, and decoding their escapes.
//!
//! Shared by the pattern reader and the event scanner so that both decode `\u00e9` and `é` to the
//! same bytes. The event scanner calls [`string_end`] for every string (cheap: a memchr2 for `"` and
//! `\`) and only decodes strings whose value or key some rule looks at, into a reused buffer.

/// Where the string whose contents start at `start` (just after the opening quote) ends: returns the
/// offset of the closing quote and whether the contents contain escapes. Checks escape syntax and
/// that no raw control character appears; does not check UTF-8 (the caller does that where needed).
pub(crate) fn string_end(
    text: &[u8],
    start: usize,
) -> Result<(usize, bool), (&'static str, usize)> {
    let mut i = start;
    let mut escaped = false;
    loop {
        let Some(found) = memchr::memchr2(b'"', b'\\', &text[i..]) else {
            return Err(("Unterminated string", text.len()));
        };
        let j = i + found;
        if let Some(bad) = text[i..j].iter().position(|&b| b < 0x20) {
            return Err(("Control character in string (escape it)", i + bad));
        }
        if text[j] == b'"' {
            return Ok((j, escaped));
        }
        escaped = true;
        // A backslash: validate the escape and skip it.
        match text.get(j + 1) {
            Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => i = j + 2,
            Some(b'u') => {
                if text.len() < j + 6 || !text[j + 2..j + 6].iter().all(u8::is_ascii_hexdigit) {
                    return Err(("Invalid \\u escape: four hex digits expected", j));
                }
                i = j + 6;
            }
            None => return Err(("Unterminated string", text.len())),
            Some(_) => return Err(("Invalid escape in string", j)),
        }
    }
}

/// Decodes the escapes of string contents `raw` (already delimited by [`string_end`]) into `out`.
/// Fails on a lone surrogate escape, which no UTF-8 text can hold; `base` is `raw`'s offset in the
/// whole text, for the error position.
pub(crate) fn unescape_into(
    raw: &[u8],
    base: usize,
    out: &mut Vec<u8>,
) -> Result<(), (&'static str, usize)> {
    let mut i = 0;
    while i < raw.len() {
        let Some(found) = memchr::memchr(b'\\', &raw[i..]) else {
            out.extend_from_slice(&raw[i..]);
            break;
        };
        out.extend_from_slice(&raw[i..i + found]);
        i += found;
        let c = raw[i + 1];
        i += 2;
        let byte = match c {
            b'"' => b'"',
            b'\\' => b'\\',
            b'/' => b'/',
            b'b' => 0x08,
            b'f' => 0x0c,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            _ => {
                // \uXXXX, possibly the first half of a surrogate pair.
                let at = base + i - 2;
                let hi = hex4(&raw[i..i + 4]);
                i += 4;
                let code = if (0xD800..0xDC00).contains(&hi) {
                    if raw.get(i) == Some(&b'\\')
                        && raw.get(i + 1) == Some(&b'u')
                        && raw.len() >= i + 6
                    {
                        let lo = hex4(&raw[i + 2..i + 6]);
                        if !(0xDC00..0xE000).contains(&lo) {
                            return Err(("Lone surrogate in \\u escape", at));
                        }
                        i += 6;
                        0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                    } else {
                        return Err(("Lone surrogate in \\u escape", at));
                    }
                } else if (0xDC00..0xE000).contains(&hi) {
                    return Err(("Lone surrogate in \\u escape", at));
                } else {
                    hi
                };
                let ch = char::from_u32(code).ok_or(("Invalid \\u escape", at))?;
                let mut buf = [0u8; 4];
                out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                continue;
            }
        };
        out.push(byte);
    }
    Ok(())
}

fn hex4(h: &[u8]) -> u32 {
    h.iter().fold(0, |acc, &d| {
        acc * 16 + (d as char).to_digit(16).unwrap_or(0)
    })
}

/// Decodes the string starting just after an opening quote at `start`; returns the text and the
/// offset just past the closing quote. The input must already be valid UTF-8.
pub(crate) fn decode_string(
    text: &[u8],
    start: usize,
) -> Result<(String, usize), (&'static str, usize)> {
    let (end, escaped) = string_end(text, start)?;
    let raw = &text[start..end];
    let bytes = if escaped {
        let mut out = Vec::with_capacity(raw.len());
        unescape_into(raw, start, &mut out)?;
        out
    } else {
        raw.to_vec()
    };
    // Escapes only produce valid UTF-8 and the input was valid UTF-8.
    let s = String::from_utf8(bytes).map_err(|_| ("String is not valid UTF-8", start))?;
    Ok((s, end + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Result<String, &'static str> {
        decode_string(s.as_bytes(), 1)
            .map(|(d, _)| d)
            .map_err(|e| e.0)
    }

    #[test]
    fn escapes() {
        assert_eq!(dec(r#""caf\u00e9""#).unwrap(), "café");
        assert_eq!(dec(r#""a\"b\\c\/\n""#).unwrap(), "a\"b\\c/\n");
        assert_eq!(dec(r#""\ud83d\ude00""#).unwrap(), "😀");
        assert!(dec(r#""\ud83d""#).is_err());
        assert!(dec(r#""\ude00x""#).is_err());
        assert!(dec(r#""\x""#).is_err());
        assert!(dec("\"a\nb\"").is_err());
        assert!(dec(r#""abc"#).is_err());
        assert!(dec(r#""\u12""#).is_err());
    }
}
