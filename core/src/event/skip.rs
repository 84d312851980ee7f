//! Skipping a value no rule reads, 64 bytes at a time.
//!
//! Most of a typical event is in values no rule looks at (CityLots events are ~80% coordinates),
//! so finding where such a value ends is the matcher's hottest loop. This does it the way simdjson
//! finds structure: for each 64-byte block, build bit masks of quotes, backslashes, opening and
//! closing brackets; drop quotes escaped by a backslash; turn the quote mask into an "inside a
//! string" mask with a prefix XOR; and count the brackets outside strings. A block whose closing
//! brackets cannot bring the depth to zero (fewer of them than the brackets open when it starts)
//! costs two population counts, however many brackets it holds; in a block where the value may
//! end, only its closing brackets are visited. Brackets are walked one by one only where the
//! nesting limit may be passed.
//!
//! What is checked inside a skipped value: that strings end, that brackets balance, and that the
//! bracket closing the value is of the kind that opened it. Escapes, control characters, numbers,
//! literals, commas and colons inside it are not looked at, nor whether each inner `]` or `}`
//! matches the kind of its opening bracket (keeping a stack of kinds would cost work per bracket
//! on every block, for damage that cannot change any answer).

/// The result of skipping: the offset just past the container, or an error message and offset.
pub(crate) type Skipped = Result<usize, (&'static str, usize)>;

/// Skips the array or object starting at `text[start]` (`[` or `{`), whose nesting may go at most
/// `depth_left` levels.
#[inline]
pub(crate) fn skip_container(text: &[u8], start: usize, depth_left: usize) -> Skipped {
    #[cfg(target_arch = "x86_64")]
    {
        if fast::available() {
            // SAFETY: the CPU supports AVX2, POPCNT and PCLMULQDQ, checked just above.
            return unsafe { fast::skip_container(text, start, depth_left) };
        }
    }
    skip_with::<Baseline>(text, start, depth_left)
}

/// Computes the masks of a 64-byte block, and the prefix XOR of a mask.
trait Classify {
    fn masks(block: &[u8; 64]) -> Masks;

    /// Bit i of the result is the XOR of bits 0..=i of `x`: 1 between an opening quote
    /// (inclusive) and its closing quote (exclusive).
    #[inline(always)]
    fn prefix_xor(mut x: u64) -> u64 {
        x ^= x << 1;
        x ^= x << 2;
        x ^= x << 4;
        x ^= x << 8;
        x ^= x << 16;
        x ^= x << 32;
        x
    }
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
fn skip_with<C: Classify>(text: &[u8], start: usize, depth_left: usize) -> Skipped {
    let opener = text[start];
    let mut state = BlockState::default();
    // Brackets open (outside strings) when the current block starts.
    let mut depth = 0usize;
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
        let outside = !state.inside_strings::<C>(&masks);
        let open = masks.open & outside;
        let close = masks.close & outside;
        let opens = open.count_ones() as usize;
        let closes = close.count_ones() as usize;
        if depth + opens <= depth_left {
            // Within the nesting limit all through the block. The value cannot end here unless
            // there are as many closing brackets as brackets open when the block starts; if
            // there are, it ends at the first closing bracket that brings the depth back to
            // zero. Only closing brackets are visited, with the opening ones before each
            // counted, so the loop has no branch on which kind of bracket comes next (a
            // processor mispredicts those on every block of coordinates).
            if closes >= depth {
                let mut rest = close;
                let mut closed = 0;
                while rest != 0 {
                    let i = rest.trailing_zeros() as usize;
                    let opened = (open & ((1u64 << i) - 1)).count_ones() as usize;
                    if depth + opened == closed + 1 {
                        // `[` + 2 is `]` and `{` + 2 is `}`.
                        if block[i] != opener + 2 {
                            return Err(("unexpected closing bracket", pos + i));
                        }
                        return Ok(pos + i + 1);
                    }
                    closed += 1;
                    rest &= rest - 1;
                }
            }
            depth = depth + opens - closes;
            pos += 64;
            continue;
        }
        // The nesting limit may be passed in this block: walk every bracket to find where.
        let mut brackets = open | close;
        while brackets != 0 {
            let i = brackets.trailing_zeros() as usize;
            brackets &= brackets - 1;
            if open >> i & 1 == 1 {
                depth += 1;
                if depth > depth_left {
                    return Err(("nested", pos + i));
                }
            } else {
                depth -= 1;
                if depth == 0 {
                    // `[` + 2 is `]` and `{` + 2 is `}`.
                    if block[i] != opener + 2 {
                        return Err(("unexpected closing bracket", pos + i));
                    }
                    return Ok(pos + i + 1);
                }
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

/// Bit i of each mask describes byte i of a 64-byte block.
struct Masks {
    quote: u64,
    backslash: u64,
    /// `[` and `{`.
    open: u64,
    /// `]` and `}`.
    close: u64,
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
                open: 0,
                close: 0,
            };
            for (i, &b) in block.iter().enumerate() {
                let bit = 1u64 << i;
                match b {
                    b'"' => m.quote |= bit,
                    b'\\' => m.backslash |= bit,
                    b'[' | b'{' => m.open |= bit,
                    b']' | b'}' => m.close |= bit,
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
            open: 0,
            close: 0,
        };
        for chunk in 0..4 {
            // SAFETY: `block` is 64 bytes, so each of the four 16-byte unaligned loads is in bounds;
            // the other intrinsics only operate on registers.
            unsafe {
                let v = _mm_loadu_si128(block.as_ptr().add(chunk * 16) as *const __m128i);
                let eq = |x: __m128i, c: u8| _mm_cmpeq_epi8(x, _mm_set1_epi8(c as i8));
                let bits = |x: __m128i| (_mm_movemask_epi8(x) as u32 as u64) << (chunk * 16);
                m.quote |= bits(eq(v, b'"'));
                m.backslash |= bits(eq(v, b'\\'));
                // `[`/`{` and `]`/`}` differ only in bit 0x20, and no other byte maps to them.
                let lower = _mm_or_si128(v, _mm_set1_epi8(0x20));
                m.open |= bits(eq(lower, b'{'));
                m.close |= bits(eq(lower, b'}'));
            }
        }
        m
    }
}

#[cfg(target_arch = "x86_64")]
mod fast {
    use super::{skip_with, Classify, Masks, Skipped};
    use std::arch::x86_64::{
        __m256i, _mm256_cmpeq_epi8, _mm256_loadu_si256, _mm256_movemask_epi8, _mm256_or_si256,
        _mm256_set1_epi8, _mm_clmulepi64_si128, _mm_cvtsi128_si64, _mm_set_epi64x,
    };

    /// Whether the CPU has what [`skip_container`] needs (detected once, then cached by std).
    #[inline]
    pub(super) fn available() -> bool {
        std::arch::is_x86_feature_detected!("avx2")
            && std::arch::is_x86_feature_detected!("pclmulqdq")
            && std::arch::is_x86_feature_detected!("popcnt")
    }

    struct Avx2;

    impl Classify for Avx2 {
        #[inline(always)]
        fn masks(block: &[u8; 64]) -> Masks {
            let mut m = Masks {
                quote: 0,
                backslash: 0,
                open: 0,
                close: 0,
            };
            for half in 0..2 {
                // SAFETY: only reached from `skip_container` below, which runs when the CPU has
                // AVX2; `block` is 64 bytes, so both 32-byte loads are in bounds.
                unsafe {
                    let v = _mm256_loadu_si256(block.as_ptr().add(half * 32) as *const __m256i);
                    let eq = |x: __m256i, c: u8| _mm256_cmpeq_epi8(x, _mm256_set1_epi8(c as i8));
                    let bits = |x: __m256i| (_mm256_movemask_epi8(x) as u32 as u64) << (half * 32);
                    m.quote |= bits(eq(v, b'"'));
                    m.backslash |= bits(eq(v, b'\\'));
                    let lower = _mm256_or_si256(v, _mm256_set1_epi8(0x20));
                    m.open |= bits(eq(lower, b'{'));
                    m.close |= bits(eq(lower, b'}'));
                }
            }
            m
        }

        /// A carry-less multiplication by all ones is a prefix XOR in one instruction.
        #[inline(always)]
        fn prefix_xor(x: u64) -> u64 {
            // SAFETY: only reached from `skip_container` below, which runs when the CPU has
            // PCLMULQDQ; the intrinsics only operate on registers.
            unsafe {
                let product =
                    _mm_clmulepi64_si128(_mm_set_epi64x(0, x as i64), _mm_set_epi64x(0, -1), 0);
                _mm_cvtsi128_si64(product) as u64
            }
        }
    }

    /// # Safety
    /// The CPU must support AVX2, POPCNT and PCLMULQDQ.
    #[target_feature(enable = "avx2,popcnt,pclmulqdq")]
    pub(super) unsafe fn skip_container(text: &[u8], start: usize, depth_left: usize) -> Skipped {
        skip_with::<Avx2>(text, start, depth_left)
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
    /// The bytes of the block inside strings (opening quotes included); updates the carried
    /// state.
    #[inline(always)]
    fn inside_strings<C: Classify>(&mut self, m: &Masks) -> u64 {
        let escaped = if m.backslash == 0 && !self.escape_carry {
            0
        } else {
            self.escaped(m.backslash)
        };
        let quotes = m.quote & !escaped;
        let inside = C::prefix_xor(quotes) ^ self.in_string;
        self.in_string = ((inside as i64) >> 63) as u64;
        inside
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Skips with the dispatched implementation, checking that the baseline one agrees.
    fn skip(s: &str) -> Skipped {
        let dispatched = skip_container(s.as_bytes(), 0, 100);
        assert_eq!(
            dispatched,
            skip_with::<Baseline>(s.as_bytes(), 0, 100),
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
    fn inner_bracket_kinds_are_not_checked() {
        // Only the bracket closing the value must match the one opening it (see the module docs).
        assert_eq!(skip("[{]]"), Ok(4));
        assert_eq!(skip("[{]}").unwrap_err().0, "unexpected closing bracket");
    }

    /// A byte-at-a-time definition of the same checks.
    fn reference(s: &[u8], depth_left: usize) -> Skipped {
        // As in the masks, a backslash escapes the next byte wherever it is (outside a string,
        // where JSON has none, that only matters for quotes).
        let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
        for (i, &b) in s.iter().enumerate() {
            let this_escaped = escaped;
            escaped = b == b'\\' && !this_escaped;
            if b == b'"' && !this_escaped {
                in_string = !in_string;
                continue;
            }
            if in_string {
                continue;
            }
            match b {
                b'[' | b'{' => {
                    depth += 1;
                    if depth > depth_left {
                        return Err(("nested", i));
                    }
                }
                b']' | b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        if b != s[0] + 2 {
                            return Err(("unexpected closing bracket", i));
                        }
                        return Ok(i + 1);
                    }
                }
                _ => {}
            }
        }
        if in_string {
            Err(("Unterminated string", s.len()))
        } else {
            Err(("unexpected end of input inside an array or object", s.len()))
        }
    }

    #[test]
    fn agrees_with_a_byte_loop_on_random_text() {
        // A small linear congruential generator keeps the test deterministic and dependency-free.
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 33) as usize
        };
        let alphabet = b"[]{}\"\\ax";
        for _ in 0..20_000 {
            let len = 1 + next() % 300;
            let mut s = vec![if next() % 2 == 0 { b'[' } else { b'{' }];
            s.extend((1..len).map(|_| alphabet[next() % alphabet.len()]));
            let depth_left = 1 + next() % 12;
            assert_eq!(
                skip_container(&s, 0, depth_left),
                reference(&s, depth_left),
                "{}",
                String::from_utf8_lossy(&s)
            );
            assert_eq!(
                skip_with::<Baseline>(&s, 0, depth_left),
                reference(&s, depth_left)
            );
        }
    }

    #[test]
    fn errors() {
        assert!(skip("[1, 2").is_err());
        assert!(skip("[1, 2}").is_err());
        assert!(skip("[\"abc]").is_err());
        assert!(skip("{\"a\": [1]]").is_err());
        assert_eq!(skip_container(b"[[[[1]]]]", 0, 3).unwrap_err().0, "nested");
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200)).into_bytes();
        assert_eq!(skip_container(&deep, 0, 1000), Ok(400));
        assert_eq!(skip_with::<Baseline>(&deep, 0, 1000), Ok(400));
        assert_eq!(skip_container(&deep, 0, 150).unwrap_err().0, "nested");
    }
}
