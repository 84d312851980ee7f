//! Skipping a value no rule reads, 64 bytes at a time.
//!
//! Most of a typical event is in values no rule looks at (CityLots events are ~80% coordinates),
//! so finding where such a value ends is the matcher's hottest loop. This does it the way simdjson
//! finds structure: for each 64-byte block, build bit masks of quotes, backslashes and brackets;
//! drop quotes escaped by a backslash; turn the quote mask into an "inside a string" mask with a
//! prefix XOR; and walk only the brackets outside strings, keeping a stack to check that each
//! closing bracket matches its opening one. Only brackets cost work proportional to their number;
//! everything else costs a few instructions per 64 bytes.
//!
//! What is checked inside a skipped value: that strings end and brackets nest and match. Escapes,
//! control characters, numbers, literals, commas and colons inside it are not looked at.

/// The result of skipping: the offset just past the container, or an error message and offset.
pub(crate) type Skipped = Result<usize, (&'static str, usize)>;

/// Skips the array or object starting at `text[start]` (`[` or `{`), whose nesting may go at most
/// `depth_left` levels. `stack` is reused working memory.
pub(crate) fn skip_container(text: &[u8], start: usize, depth_left: usize, stack: &mut Vec<u8>) -> Skipped {
    stack.clear();
    let mut state = BlockState::default();
    let mut pos = start;
    let mut padded = [b' '; 64];
    while pos < text.len() {
        let block: &[u8; 64] = match text.get(pos..pos + 64) {
            Some(b) => b.try_into().expect("64 bytes"),
            None => {
                let rest = &text[pos..];
                padded = [b' '; 64];
                padded[..rest.len()].copy_from_slice(rest);
                &padded
            }
        };
        let masks = Masks::of(block);
        let mut brackets = state.outside_strings(&masks);
        while brackets != 0 {
            let i = brackets.trailing_zeros() as usize;
            brackets &= brackets - 1;
            let b = block[i];
            match b {
                b'{' => stack.push(b'}'),
                b'[' => stack.push(b']'),
                _ => {
                    if stack.pop() != Some(b) {
                        return Err(("unexpected closing bracket", pos + i));
                    }
                    if stack.is_empty() {
                        return Ok(pos + i + 1);
                    }
                    continue;
                }
            }
            if stack.len() > depth_left {
                return Err(("nested", pos + i));
            }
        }
        pos += 64;
    }
    if state.in_string != 0 {
        Err(("Unterminated string", text.len()))
    } else {
        Err(("unexpected end of input inside an array or object", text.len()))
    }
}

/// Bit i of each mask describes byte i of a 64-byte block.
struct Masks {
    quote: u64,
    backslash: u64,
    bracket: u64,
}

impl Masks {
    #[inline]
    fn of(block: &[u8; 64]) -> Masks {
        #[cfg(target_arch = "x86_64")]
        {
            sse2::masks(block)
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            let mut m = Masks { quote: 0, backslash: 0, bracket: 0 };
            for (i, &b) in block.iter().enumerate() {
                let bit = 1u64 << i;
                match b {
                    b'"' => m.quote |= bit,
                    b'\\' => m.backslash |= bit,
                    b'[' | b']' | b'{' | b'}' => m.bracket |= bit,
                    _ => {}
                }
            }
            m
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod sse2 {
    use super::Masks;
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
    };

    /// SSE2 is part of the x86_64 baseline, so no runtime detection is needed.
    #[inline]
    pub(super) fn masks(block: &[u8; 64]) -> Masks {
        let mut m = Masks { quote: 0, backslash: 0, bracket: 0 };
        for chunk in 0..4 {
            // SAFETY: `block` is 64 bytes, so each of the four 16-byte unaligned loads is in bounds;
            // the other intrinsics only operate on registers.
            unsafe {
                let v = _mm_loadu_si128(block.as_ptr().add(chunk * 16) as *const __m128i);
                let eq = |c: u8| _mm_cmpeq_epi8(v, _mm_set1_epi8(c as i8));
                let bits = |x: __m128i| (_mm_movemask_epi8(x) as u32 as u64) << (chunk * 16);
                m.quote |= bits(eq(b'"'));
                m.backslash |= bits(eq(b'\\'));
                let open = _mm_or_si128(eq(b'['), eq(b'{'));
                let close = _mm_or_si128(eq(b']'), eq(b'}'));
                m.bracket |= bits(_mm_or_si128(open, close));
            }
        }
        m
    }
}

/// What carries from one block to the next.
#[derive(Default)]
struct BlockState {
    /// All ones when the previous block ended inside a string.
    in_string: u64,
    /// Whether the first byte of this block is escaped by a backslash ending the previous one.
    escape_carry: bool,
}

impl BlockState {
    /// The brackets of the block that are outside strings; updates the carried state.
    #[inline]
    fn outside_strings(&mut self, m: &Masks) -> u64 {
        let escaped = if m.backslash == 0 && !self.escape_carry { 0 } else { self.escaped(m.backslash) };
        let quotes = m.quote & !escaped;
        let inside = prefix_xor(quotes) ^ self.in_string;
        self.in_string = ((inside as i64) >> 63) as u64;
        m.bracket & !inside
    }

    /// Bytes escaped by a backslash: each backslash not itself escaped escapes the next byte.
    /// Backslashes are rare, so a loop over them is cheaper than the branch-free carry arithmetic.
    fn escaped(&mut self, backslash: u64) -> u64 {
        let mut escaped = 0;
        let mut starts = backslash;
        if self.escape_carry {
            escaped |= 1;
            starts &= !1;
        }
        self.escape_carry = false;
        while starts != 0 {
            let i = starts.trailing_zeros();
            starts &= starts - 1;
            if i == 63 {
                self.escape_carry = true;
            } else {
                escaped |= 1 << (i + 1);
                starts &= !(1 << (i + 1));
            }
        }
        escaped
    }
}

/// Bit i of the result is the XOR of bits 0..=i of `x`: 1 between an opening quote (inclusive)
/// and its closing quote (exclusive).
#[inline]
fn prefix_xor(mut x: u64) -> u64 {
    x ^= x << 1;
    x ^= x << 2;
    x ^= x << 4;
    x ^= x << 8;
    x ^= x << 16;
    x ^= x << 32;
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    fn skip(s: &str) -> Skipped {
        skip_container(s.as_bytes(), 0, 100, &mut Vec::new())
    }

    #[test]
    fn finds_the_end() {
        assert_eq!(skip("[1, 2]  "), Ok(6));
        assert_eq!(skip(r#"{"a": "]}", "b": [[]]} x"#), Ok(22));
        assert_eq!(skip(r#"["\"]", "\\", "\\\"]"] "#), Ok(22));
        let long = format!("[{}\"{}\\\"\", {}]", "1,".repeat(70), "x".repeat(61), "{\"k\": [\"}\"]}");
        assert_eq!(skip(&long), Ok(long.len()));
    }

    #[test]
    fn escapes_across_block_boundaries() {
        for pad in 50..70 {
            let s = format!("[\"{}\\\\\", \"{}\\\"]\"]", "a".repeat(pad), "b".repeat(pad));
            assert_eq!(skip(&s), Ok(s.len()), "pad {pad}: {s}");
        }
    }

    #[test]
    fn errors() {
        assert!(skip("[1, 2").is_err());
        assert!(skip("[1, 2}").is_err());
        assert!(skip("[\"abc]").is_err());
        assert_eq!(skip_container(b"[[[[1]]]]", 0, 3, &mut Vec::new()).unwrap_err().0, "nested");
    }
}
