//! JSON string literals: finding where they end, and decoding their escapes.
//!
//! Shared by the pattern reader and the event scanner so that both decode `\u00e9` and `é` to the
//! same bytes. The event scanner finds the end of every string, most of them with one 16-byte SSE2
//! test ([`short_plain`]: short strings with no escape, the usual key or value), and only decodes
//! strings whose value or key some rule looks at, into a reused buffer.

/// Where the string whose contents start at `start` (just after the opening quote) ends: returns the
/// offset of the closing quote and whether the contents contain escapes. Checks escape syntax and
/// that no raw control character appears; does not check UTF-8 (the caller does that where needed).
#[inline(always)]
pub(crate) fn string_end(
    text: &[u8],
    start: usize,
) -> Result<(usize, bool), (&'static str, usize)> {
    // Most keys and values are short and plain: one 16-byte test, inline, settles them.
    match short_plain(text, start) {
        Some((_, len)) => Ok((start + len, false)),
        None => string_end_general(text, start),
    }
}

/// A string of fewer than 16 bytes with no escape or control character, whose contents start at
/// `start`: the 16 bytes from `start` (the contents, the closing quote, and what follows) and the
/// contents' length, from one SSE2 test. `None` for any other string, or near the end of the
/// text, or without SSE2 (the x86_64 baseline): then [`string_end`] takes the general path.
#[inline(always)]
pub(crate) fn short_plain(text: &[u8], start: usize) -> Option<(&[u8; 16], usize)> {
    #[cfg(target_arch = "x86_64")]
    {
        let chunk: &[u8; 16] = text.get(start..)?.get(..16)?.try_into().ok()?;
        // The closing quote is found from the quote mask alone, and the string checked for
        // escapes and control characters beside it: the offset of the next string depends on
        // this one's end, so the shorter that chain of dependent operations, the better.
        let (quotes, others) = sse2_quotes_and_others(chunk);
        let len = quotes.trailing_zeros() as usize;
        if len < 16 && others & ((1 << len) - 1) == 0 {
            return Some((chunk, len));
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (text, start);
    None
}

/// [`string_end`] for a string that [`short_plain`] did not settle: one more 16-byte test settles
/// plain strings of 16 to 31 bytes (a key like `firstCoordinates`), the general search the rest.
#[inline(always)]
pub(crate) fn string_end_past_16(
    text: &[u8],
    start: usize,
) -> Result<(usize, bool), (&'static str, usize)> {
    #[cfg(target_arch = "x86_64")]
    if let Some(chunk) = text.get(start..).and_then(|t| t.first_chunk::<32>()) {
        let (low, high) = chunk.split_at(16);
        if sse2_special(low.try_into().expect("16 bytes")) == 0 {
            let high: &[u8; 16] = high.try_into().expect("16 bytes");
            let j = sse2_special(high).trailing_zeros() as usize;
            if j < 16 && high[j] == b'"' {
                return Ok((start + 16 + j, false));
            }
        }
    }
    string_end_general(text, start)
}

/// [`string_end`] for strings that are long, escaped, malformed or near the end of the text.
#[inline(never)]
fn string_end_general(text: &[u8], start: usize) -> Result<(usize, bool), (&'static str, usize)> {
    let mut i = start;
    let mut escaped = false;
    loop {
        let j = i + special_byte(&text[i..]).ok_or(("Unterminated string", text.len()))?;
        match text[j] {
            b'"' => return Ok((j, escaped)),
            b'\\' => {}
            _ => return Err(("Control character in string (escape it)", j)),
        }
        escaped = true;
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

/// Offset of the first `"`, `\\` or control character (below 0x20) in `s`. Event strings are
/// mostly short, so this tests 16 bytes per step with SSE2 (8 with word arithmetic elsewhere)
/// instead of calling a general vectorised search whose setup would cost more than the string.
#[inline(always)]
fn special_byte(s: &[u8]) -> Option<usize> {
    let mut offset = 0;
    #[cfg(target_arch = "x86_64")]
    {
        while let Some(chunk) = s.get(offset..offset + 16) {
            let mask = sse2_special(chunk.try_into().expect("16 bytes"));
            if mask != 0 {
                return Some(offset + mask.trailing_zeros() as usize);
            }
            offset += 16;
        }
    }
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    while let Some(chunk) = s.get(offset..offset + 8) {
        let x = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
        // A byte equal to 0 after XOR with the target, or below 0x20, sets its high bit; the
        // lowest flagged byte is exact (borrows only flag bytes above a true one).
        let quote = x ^ (ONES * b'"' as u64);
        let backslash = x ^ (ONES * b'\\' as u64);
        let flagged = ((quote.wrapping_sub(ONES) & !quote)
            | (backslash.wrapping_sub(ONES) & !backslash)
            | (x.wrapping_sub(ONES * 0x20) & !x))
            & HIGHS;
        if flagged != 0 {
            return Some(offset + (flagged.trailing_zeros() / 8) as usize);
        }
        offset += 8;
    }
    s[offset..]
        .iter()
        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
        .map(|p| offset + p)
}

/// The quotes of the chunk, and its backslashes and control characters, as bit masks.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn sse2_quotes_and_others(chunk: &[u8; 16]) -> (u32, u32) {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_min_epu8, _mm_movemask_epi8, _mm_or_si128,
        _mm_set1_epi8,
    };
    // SAFETY: SSE2 is part of the x86_64 baseline; the load reads exactly the 16 bytes of `chunk`.
    unsafe {
        let v = _mm_loadu_si128(chunk.as_ptr() as *const __m128i);
        let quote = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'"' as i8));
        let backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\\' as i8));
        let control = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1f)), v);
        (
            _mm_movemask_epi8(quote) as u32,
            _mm_movemask_epi8(_mm_or_si128(backslash, control)) as u32,
        )
    }
}

/// Bit i is set when byte i of the chunk is `"`, `\\` or below 0x20.
#[cfg(target_arch = "x86_64")]
#[inline]
fn sse2_special(chunk: &[u8; 16]) -> u32 {
    let (quotes, others) = sse2_quotes_and_others(chunk);
    quotes | others
}

/// Bit i is set when byte i of the chunk is `byte`.
#[inline(always)]
pub(crate) fn byte_mask(chunk: &[u8; 16], byte: u8) -> u32 {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{
            __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8,
        };
        // SAFETY: SSE2 is part of the x86_64 baseline; the load reads exactly the 16 bytes of
        // `chunk`.
        unsafe {
            let v = _mm_loadu_si128(chunk.as_ptr() as *const __m128i);
            _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(byte as i8))) as u32
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        chunk
            .iter()
            .enumerate()
            .fold(0, |m, (i, &b)| m | u32::from(b == byte) << i)
    }
}

/// `bytes` as UTF-8 text. Most strings events carry are short and ASCII: for those, one look at
/// the high bits of a word or two settles it without the general validator's call.
#[inline(always)]
pub(crate) fn utf8(bytes: &[u8]) -> Result<&str, std::str::Utf8Error> {
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // Overlapping loads cover every byte without copying the contents into a word (a copy of a
    // variable length is a call to `memcpy`).
    let n = bytes.len();
    let ascii = match n {
        0 => true,
        1..=3 => (bytes[0] | bytes[n / 2] | bytes[n - 1]) < 0x80,
        4..=7 => {
            let word =
                |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes"));
            (word(0) | word(n - 4)) & 0x8080_8080 == 0
        }
        8..=16 => {
            let word =
                |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"));
            (word(0) | word(n - 8)) & HIGHS == 0
        }
        _ => false,
    };
    if ascii {
        // SAFETY: every byte is below 0x80, so the bytes are ASCII, which is valid UTF-8.
        Ok(unsafe { std::str::from_utf8_unchecked(bytes) })
    } else {
        std::str::from_utf8(bytes)
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

    #[test]
    fn utf8_agrees_with_std_at_every_length_and_offset() {
        for len in 0..40 {
            let plain = vec![b'a'; len];
            assert_eq!(utf8(&plain), std::str::from_utf8(&plain));
            for at in 0..len {
                for odd in [&[0xc3u8, 0xa9][..], &[0xff], &[0xe2, 0x82], &[0x80]] {
                    let mut s = plain.clone();
                    s.splice(at..(at + odd.len()).min(len), odd.iter().copied());
                    assert_eq!(utf8(&s), std::str::from_utf8(&s), "{s:?}");
                }
            }
        }
    }

    #[test]
    fn short_plain_strings_agree_with_the_general_search() {
        // Strings of every length around the 16- and 32-byte tests, plain or with a stop byte
        // inside, at several offsets, and texts ending just after them.
        for len in 0..40 {
            for stop in [None, Some(b'\\'), Some(0x01)] {
                for offset in 0..3 {
                    let mut text = vec![b'x'; offset];
                    let mut contents = vec![b'a'; len];
                    match stop {
                        Some(b'\\') => {
                            contents.splice(len / 2..len / 2, *b"\\n"); // a valid escape
                        }
                        Some(b) if len > 0 => contents[len / 2] = b,
                        _ => {}
                    }
                    text.extend_from_slice(&contents);
                    text.extend_from_slice(b"\",\"k\":1,\"rest of the event\"}");
                    for cut in [text.len(), offset + contents.len() + 1] {
                        let t = &text[..cut];
                        let general = string_end_general(t, offset);
                        match short_plain(t, offset) {
                            Some((chunk, n)) => {
                                assert_eq!(general, Ok((offset + n, false)), "{len} {stop:?}");
                                assert_eq!(&chunk[..n], &t[offset..offset + n]);
                                assert!(n < 16);
                            }
                            None => assert!(
                                long_or_special(&contents) || cut < offset + 16,
                                "{len} {stop:?} {offset}"
                            ),
                        }
                        assert_eq!(string_end(t, offset), general);
                        assert_eq!(string_end_past_16(t, offset), general);
                    }
                }
            }
        }

        fn long_or_special(contents: &[u8]) -> bool {
            contents.len() >= 16 || contents.iter().any(|&b| b == b'\\' || b < 0x20)
        }
    }

    #[test]
    fn special_bytes_found_at_every_offset() {
        for len in 0..40 {
            for (special, _) in [(b'"', ()), (b'\\', ()), (0x1f, ()), (0x00, ())] {
                let mut s = vec![b'a'; len];
                s.push(special);
                s.extend_from_slice(b"\"zz");
                assert_eq!(special_byte(&s), Some(len), "len {len} byte {special}");
            }
            // Bytes just above the thresholds and high bytes are not special.
            let plain: Vec<u8> = (0..len)
                .map(|k| [0x20, 0x21, 0x5d, 0x80, 0xff, 0x23][k % 6])
                .collect();
            assert_eq!(special_byte(&plain), None);
        }
    }
}
