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
pub(crate) fn skip_container(
    text: &[u8],
    start: usize,
    depth_left: usize,
    stack: &mut Vec<u64>,
) -> Skipped {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2, checked just above.
            return unsafe { avx2::skip_container(text, start, depth_left, stack) };
        }
    }
    skip_with::<Baseline>(text, start, depth_left, stack)
}

/// Computes the masks of a 64-byte block.
trait Classify {
    fn masks(block: &[u8; 64]) -> Masks;
}

/// SSE2 on x86_64 (part of its baseline), a byte loop elsewhere.
struct Baseline;

impl Classify for Baseline {
    #[inline(always)]
    fn masks(block: &[u8; 64]) -> Masks {
        Masks::of(block)
    }
}

#[inline(always)]
fn skip_with<C: Classify>(
    text: &[u8],
    start: usize,
    depth_left: usize,
    stack: &mut Vec<u64>,
) -> Skipped {
    let mut open = OpenBrackets {
        depth: 0,
        kinds: stack,
    };
    open.kinds.clear();
    let mut state = BlockState::default();
    let mut pos = start;
    let mut padded = [b' '; 64];
    while pos < text.len() {
        let block: &[u8; 64] = match text.get(pos..pos + 64) {
            Some(b) => b.try_into().expect("64 bytes"),
            None => {
                let rest = &text[pos..];
                padded[..rest.len()].copy_from_slice(rest);
                &padded
            }
        };
        let masks = C::masks(block);
        let mut brackets = state.outside_strings(&masks);
        while brackets != 0 {
            let i = brackets.trailing_zeros() as usize;
            brackets &= brackets - 1;
            match block[i] {
                b'{' => open.push(true),
                b'[' => open.push(false),
                b => {
                    if !open.pop(b == b'}') {
                        return Err(("unexpected closing bracket", pos + i));
                    }
                    if open.depth == 0 {
                        return Ok(pos + i + 1);
                    }
                    continue;
                }
            }
            if open.depth > depth_left {
                return Err(("nested", pos + i));
            }
        }
        pos += 64;
    }
    if state.in_string != 0 {
        Err(("Unterminated string", text.len()))
    } else {
        Err((
            "unexpected end of input inside an array or object",
            text.len(),
        ))
    }
}

/// The kinds of the brackets still open, one bit each (1 for `{`), 64 to a word.
struct OpenBrackets<'a> {
    depth: usize,
    kinds: &'a mut Vec<u64>,
}

impl OpenBrackets<'_> {
    #[inline]
    fn push(&mut self, brace: bool) {
        let (word, bit) = (self.depth / 64, self.depth % 64);
        if word == self.kinds.len() {
            self.kinds.push(0);
        }
        let w = &mut self.kinds[word];
        *w = (*w & !(1 << bit)) | (u64::from(brace) << bit);
        self.depth += 1;
    }

    /// Closes the innermost bracket; false if none is open or it is of the other kind.
    #[inline]
    fn pop(&mut self, brace: bool) -> bool {
        if self.depth == 0 {
            return false;
        }
        self.depth -= 1;
        let (word, bit) = (self.depth / 64, self.depth % 64);
        (self.kinds[word] >> bit) & 1 == u64::from(brace)
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
            let mut m = Masks {
                quote: 0,
                backslash: 0,
                bracket: 0,
            };
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
        let mut m = Masks {
            quote: 0,
            backslash: 0,
            bracket: 0,
        };
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

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use super::{skip_with, Classify, Masks, Skipped};
    use std::arch::x86_64::{
        __m256i, _mm256_cmpeq_epi8, _mm256_loadu_si256, _mm256_movemask_epi8, _mm256_or_si256,
        _mm256_set1_epi8,
    };

    struct Avx2;

    impl Classify for Avx2 {
        #[inline(always)]
        fn masks(block: &[u8; 64]) -> Masks {
            let mut m = Masks {
                quote: 0,
                backslash: 0,
                bracket: 0,
            };
            for half in 0..2 {
                // SAFETY: only reached from `skip_container` below, which runs when the CPU has
                // AVX2; `block` is 64 bytes, so both 32-byte loads are in bounds.
                unsafe {
                    let v = _mm256_loadu_si256(block.as_ptr().add(half * 32) as *const __m256i);
                    let eq = |c: u8| _mm256_cmpeq_epi8(v, _mm256_set1_epi8(c as i8));
                    let bits = |x: __m256i| (_mm256_movemask_epi8(x) as u32 as u64) << (half * 32);
                    m.quote |= bits(eq(b'"'));
                    m.backslash |= bits(eq(b'\\'));
                    let open = _mm256_or_si256(eq(b'['), eq(b'{'));
                    let close = _mm256_or_si256(eq(b']'), eq(b'}'));
                    m.bracket |= bits(_mm256_or_si256(open, close));
                }
            }
            m
        }
    }

    /// # Safety
    /// The CPU must support AVX2.
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn skip_container(
        text: &[u8],
        start: usize,
        depth_left: usize,
        stack: &mut Vec<u64>,
    ) -> Skipped {
        skip_with::<Avx2>(text, start, depth_left, stack)
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
        let escaped = if m.backslash == 0 && !self.escape_carry {
            0
        } else {
            self.escaped(m.backslash)
        };
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

    /// Skips with the dispatched implementation, checking that the baseline one agrees.
    fn skip(s: &str) -> Skipped {
        let dispatched = skip_container(s.as_bytes(), 0, 100, &mut Vec::new());
        assert_eq!(
            dispatched,
            skip_with::<Baseline>(s.as_bytes(), 0, 100, &mut Vec::new()),
            "{s}"
        );
        dispatched
    }

    #[test]
    fn finds_the_end() {
        assert_eq!(skip("[1, 2]  "), Ok(6));
        assert_eq!(skip(r#"{"a": "]}", "b": [[]]} x"#), Ok(22));
        assert_eq!(skip(r#"["\"]", "\\", "\\\"]"] "#), Ok(22));
        let long = format!(
            "[{}\"{}\\\"\", {}]",
            "1,".repeat(70),
            "x".repeat(61),
            "{\"k\": [\"}\"]}"
        );
        assert_eq!(skip(&long), Ok(long.len()));
    }

    #[test]
    fn escapes_across_block_boundaries() {
        for pad in 50..70 {
            let s = format!(
                "[\"{}\\\\\", \"{}\\\"]\"]",
                "a".repeat(pad),
                "b".repeat(pad)
            );
            assert_eq!(skip(&s), Ok(s.len()), "pad {pad}: {s}");
        }
    }

    #[test]
    fn errors() {
        assert!(skip("[1, 2").is_err());
        assert!(skip("[1, 2}").is_err());
        assert!(skip("[\"abc]").is_err());
        assert_eq!(
            skip_container(b"[[[[1]]]]", 0, 3, &mut Vec::new())
                .unwrap_err()
                .0,
            "nested"
        );
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200)).into_bytes();
        assert_eq!(skip_container(&deep, 0, 1000, &mut Vec::new()), Ok(400));
        assert_eq!(
            skip_with::<Baseline>(&deep, 0, 1000, &mut Vec::new()),
            Ok(400)
        );
        assert_eq!(
            skip_container(&deep, 0, 150, &mut Vec::new())
                .unwrap_err()
                .0,
            "nested"
        );
    }
}
