//! Skipping a value no rule reads, 64 bytes at a time.
//!
//! Most of a typical event is in values no rule looks at (CityLots events are ~80% coordinates),
//! so finding where such a value ends is the matcher's hottest loop. This does it the way simdjson
//! finds structure: for each 64-byte block, build bit masks of quotes, opening and closing
//! brackets; drop quotes escaped by a backslash; turn the quote mask into an "inside a string"
//! mask with a prefix XOR; and count the brackets outside strings. A block whose closing brackets
//! cannot bring the depth to zero (fewer of them than the brackets open when it starts) costs two
//! population counts, however many brackets it holds; in a block where the value may end, only
//! its closing brackets are visited. Brackets are walked one by one only where the nesting limit
//! may be passed.
//!
//! The loop is kept to what most blocks need (about 45 instructions for a block of coordinates):
//! - Backslashes are rare, so one vector test tells whether a block has any, and their mask is
//!   built only if it has. Nor do blocks without backslashes look at an escape carried from the
//!   previous block: a block ending with an escaping backslash peeks at the next byte and, if it
//!   is a quote, cancels its flip of the in-string state in advance; if it is a backslash, the
//!   next block has one, and reads the carry.
//! - Each byte opens at most one bracket, so the blocks within `depth_left` bytes of where the
//!   depth was last known cannot pass the nesting limit: the loop over those has no test for it,
//!   only its bound, which it needs anyway. Then one block is checked and the bound recomputed.
//! - The last block, under 64 bytes, is classified as the text's last 64 bytes with the masks
//!   shifted past those already seen, rather than copied into a padded buffer (a call to
//!   `memcpy` per value skipped to the end of the text).
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
            // SAFETY: the CPU supports AVX2, BMI1, POPCNT and PCLMULQDQ, checked just above.
            return unsafe { fast::skip_container(text, start, depth_left) };
        }
    }
    baseline(text, start, depth_left)
}

/// Out of line on x86_64, where it only runs on processors without AVX2: inlined into
/// [`skip_container`], it made every call save registers that the fast path does not use.
#[cfg_attr(target_arch = "x86_64", cold, inline(never))]
fn baseline(text: &[u8], start: usize, depth_left: usize) -> Skipped {
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
    // `[` + 2 is `]` and `{` + 2 is `}`.
    let closer = text[start].wrapping_add(2);
    if depth_left == 0 {
        return Err(("nested", start));
    }
    let len = text.len();
    // Blocks start after the opening bracket, so that the first one is not taken for one where
    // the value may end.
    let mut walk = Walk {
        depth: 1,
        in_string: 0,
        closer,
        escape_carry: false,
    };
    let mut pos = start + 1;
    loop {
        // Each byte opens at most one bracket, so no block ending by `safe_end` can pass the
        // nesting limit: the loop over those has no test for it beyond its bound, which it needs
        // anyway.
        let safe_end = len.min(pos.saturating_add(depth_left - walk.depth));
        // The last start of a block ending by `safe_end`: negative when there is none, which
        // `text.len() <= isize::MAX` leaves room for.
        let last_safe = safe_end as isize - 64;
        while pos as isize <= last_safe {
            // SAFETY: `pos + 64 <= safe_end <= len`, so the 64 bytes are inside `text`.
            let block = unsafe { &*(text.as_ptr().add(pos) as *const [u8; 64]) };
            if let Some(result) = walk.block::<C, false>(C::masks(block), text, pos, depth_left) {
                return result;
            }
            pos += 64;
        }
        if pos + 64 > len {
            break;
        }
        // Near the nesting limit: a block checked against it.
        // SAFETY: `pos + 64 <= len`, just checked.
        let block = unsafe { &*(text.as_ptr().add(pos) as *const [u8; 64]) };
        if let Some(result) = walk.block::<C, true>(C::masks(block), text, pos, depth_left) {
            return result;
        }
        pos += 64;
    }
    if pos < len {
        // Fewer than 64 bytes are left. Unless the text is that short, classify its last 64 bytes
        // and shift out those already seen: the same masks as for the rest padded with spaces,
        // without copying it.
        let masks = if len >= 64 {
            let from = len - 64;
            // SAFETY: `from + 64 == len`.
            let block = unsafe { &*(text.as_ptr().add(from) as *const [u8; 64]) };
            C::masks(block).shifted(pos - from)
        } else {
            let mut padded = [b' '; 64];
            padded[..len - pos].copy_from_slice(&text[pos..]);
            C::masks(&padded)
        };
        if let Some(result) = walk.block::<C, true>(masks, text, pos, depth_left) {
            return result;
        }
    }
    if walk.in_string != 0 {
        Err(("Unterminated string", len))
    } else {
        Err(("unexpected end of input inside an array or object", len))
    }
}

/// What carries from one block to the next.
struct Walk {
    /// Brackets open (outside strings) when the current block starts.
    depth: usize,
    /// 1 when the previous block ended inside a string, else 0.
    in_string: u64,
    /// The bracket that closes the value.
    closer: u8,
    /// Whether the current block's first byte is a backslash escaped by the previous block's
    /// last (set only then; see [`Walk::block`]).
    escape_carry: bool,
}

impl Walk {
    /// Goes through the block at `pos` whose masks are `m`: the result if the value ends in it.
    /// With `CHECKED` false the block must not be able to pass the nesting limit.
    #[inline(always)]
    fn block<C: Classify, const CHECKED: bool>(
        &mut self,
        m: Masks,
        text: &[u8],
        pos: usize,
        depth_left: usize,
    ) -> Option<Skipped> {
        let mut quote = m.quote;
        if m.backslash != 0 {
            // A backslash escaped from the previous block starts no escape.
            let starts = m.backslash & !(self.escape_carry as u64);
            let (escaped, escapes_next) = escapes(starts);
            quote &= !escaped;
            self.escape_carry = false;
            // A backslash escaping the next block's first byte matters only if that byte is a
            // quote or a backslash. Blocks without backslashes look at no carried state, so
            // neither is carried as such: the quote's flip of the in-string state is cancelled
            // here, through this block's last byte (the backslash, neither quote nor bracket);
            // the backslash makes the next block one with backslashes, which reads the carry.
            if escapes_next {
                match text.get(pos + 64) {
                    Some(b'"') => quote ^= 1 << 63,
                    Some(b'\\') => self.escape_carry = true,
                    _ => {}
                }
            }
        }
        // Starting inside a string flips every bit of the prefix XOR, as does flipping bit 0 of
        // its input: the carry needs no all-ones mask (and no register copy to build one).
        let inside = C::prefix_xor(quote ^ self.in_string);
        self.in_string = inside >> 63;
        let open = m.open & !inside;
        let close = m.close & !inside;
        let opens = open.count_ones() as usize;
        let closes = close.count_ones() as usize;
        if CHECKED && self.depth + opens > depth_left {
            // The nesting limit may be passed in this block: walk every bracket to find where.
            let mut brackets = open | close;
            while brackets != 0 {
                let i = brackets.trailing_zeros() as usize;
                brackets &= brackets - 1;
                if open >> i & 1 == 1 {
                    self.depth += 1;
                    if self.depth > depth_left {
                        return Some(Err(("nested", pos + i)));
                    }
                } else {
                    self.depth -= 1;
                    if self.depth == 0 {
                        return Some(self.closed_at(text, pos + i));
                    }
                }
            }
            return None;
        }
        // The value cannot end in the block unless it has as many closing brackets as brackets
        // open when it starts; if it has, it ends at the first closing bracket that brings the
        // depth back to zero. Only closing brackets are visited, with the opening ones before
        // each counted, so the loop has no branch on which kind of bracket comes next (a
        // processor mispredicts those on every block of coordinates).
        if closes >= self.depth {
            // The depth is at least 1 (it is 0 only once the value has ended), so there is a
            // closing bracket: testing for one only after the first keeps a branch off the blocks
            // where the value cannot end.
            let mut rest = close;
            // At the closing bracket of `rest`'s lowest bit, the depth drops to zero if the
            // opening brackets before it number `closed + 1 - depth`, where `closed` counts the
            // closing ones before it (wrapping: "negative" matches no count).
            let mut zero_at = 1usize.wrapping_sub(self.depth);
            loop {
                // The bits up to the closing bracket, itself included (it is no opening one).
                let upto = rest ^ (rest - 1);
                if (open & upto).count_ones() as usize == zero_at {
                    let i = rest.trailing_zeros() as usize;
                    return Some(self.closed_at(text, pos + i));
                }
                zero_at = zero_at.wrapping_add(1);
                rest &= rest - 1;
                if rest == 0 {
                    break;
                }
            }
        }
        self.depth = self.depth + opens - closes;
        None
    }

    /// The value ends with the closing bracket at `at`: checks that it is of the right kind.
    #[inline(always)]
    fn closed_at(&self, text: &[u8], at: usize) -> Skipped {
        if text[at] != self.closer {
            return Err(("unexpected closing bracket", at));
        }
        Ok(at + 1)
    }
}

/// The bytes of a block escaped by a backslash (each backslash not itself escaped escapes the
/// next byte), and whether its last byte is a backslash that escapes the next block's first.
/// Backslashes are rare, so a loop over them is cheaper than the branch-free carry arithmetic.
fn escapes(backslash: u64) -> (u64, bool) {
    let mut escaped = 0;
    let mut starts = backslash;
    while starts != 0 {
        let i = starts.trailing_zeros();
        if i == 63 {
            return (escaped, true);
        }
        escaped |= 2 << i;
        // The escaped byte, a backslash or not, starts no escape.
        starts &= !(3 << i);
    }
    (escaped, false)
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

    /// The masks of the block starting `by` bytes later, with nothing after this one's end.
    #[inline(always)]
    fn shifted(self, by: usize) -> Masks {
        Masks {
            quote: self.quote >> by,
            backslash: self.backslash >> by,
            open: self.open >> by,
            close: self.close >> by,
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
        _mm256_set1_epi8, _mm256_testz_si256, _mm_clmulepi64_si128, _mm_cvtsi128_si64,
        _mm_set_epi64x,
    };
    use std::sync::atomic::{AtomicU8, Ordering};

    /// 0 before detection, then 1 without what [`skip_container`] needs and 2 with it.
    static DETECTED: AtomicU8 = AtomicU8::new(0);

    /// Whether the CPU has what [`skip_container`] needs. One load of a cached answer: std caches
    /// each feature too, but asking it for three cost a dozen instructions per call.
    #[inline]
    pub(super) fn available() -> bool {
        match DETECTED.load(Ordering::Relaxed) {
            0 => detect(),
            state => state == 2,
        }
    }

    #[cold]
    fn detect() -> bool {
        let yes = std::arch::is_x86_feature_detected!("avx2")
            && std::arch::is_x86_feature_detected!("bmi1")
            && std::arch::is_x86_feature_detected!("pclmulqdq")
            && std::arch::is_x86_feature_detected!("popcnt");
        DETECTED.store(if yes { 2 } else { 1 }, Ordering::Relaxed);
        yes
    }

    struct Avx2;

    impl Classify for Avx2 {
        #[inline(always)]
        fn masks(block: &[u8; 64]) -> Masks {
            // SAFETY: only reached from `skip_container` below, which runs when the CPU has
            // AVX2; `block` is 64 bytes, so both 32-byte loads are in bounds.
            unsafe {
                let lo = _mm256_loadu_si256(block.as_ptr() as *const __m256i);
                let hi = _mm256_loadu_si256(block.as_ptr().add(32) as *const __m256i);
                let eq = |x: __m256i, c: u8| _mm256_cmpeq_epi8(x, _mm256_set1_epi8(c as i8));
                let bits = |lo: __m256i, hi: __m256i| {
                    (_mm256_movemask_epi8(lo) as u32 as u64)
                        | (_mm256_movemask_epi8(hi) as u32 as u64) << 32
                };
                // `[`/`{` and `]`/`}` differ only in bit 0x20, and no other byte maps to them.
                let lower = |x: __m256i| _mm256_or_si256(x, _mm256_set1_epi8(0x20));
                let (lo_lower, hi_lower) = (lower(lo), lower(hi));
                // Backslashes are rare: one test tells whether there are any, and their mask is
                // built only if there are.
                let (lo_backslash, hi_backslash) = (eq(lo, b'\\'), eq(hi, b'\\'));
                let backslashes = _mm256_or_si256(lo_backslash, hi_backslash);
                Masks {
                    quote: bits(eq(lo, b'"'), eq(hi, b'"')),
                    backslash: if _mm256_testz_si256(backslashes, backslashes) == 1 {
                        0
                    } else {
                        bits(lo_backslash, hi_backslash)
                    },
                    open: bits(eq(lo_lower, b'{'), eq(hi_lower, b'{')),
                    close: bits(eq(lo_lower, b'}'), eq(hi_lower, b'}')),
                }
            }
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
    /// The CPU must support AVX2, BMI1, POPCNT and PCLMULQDQ.
    #[target_feature(enable = "avx2,bmi1,popcnt,pclmulqdq")]
    pub(super) unsafe fn skip_container(text: &[u8], start: usize, depth_left: usize) -> Skipped {
        skip_with::<Avx2>(text, start, depth_left)
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

    /// A small linear congruential generator: keeps the random tests deterministic and
    /// dependency-free.
    fn generator(mut seed: u64) -> impl FnMut() -> usize {
        move || {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 33) as usize
        }
    }

    #[test]
    fn agrees_with_a_byte_loop_on_random_text() {
        let mut next = generator(0x2545_f491_4f6c_dd1d);
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

    /// [`reference`] on the value at `text[start]`, with offsets into the whole text.
    fn reference_at(text: &[u8], start: usize, depth_left: usize) -> Skipped {
        match reference(&text[start..], depth_left) {
            Ok(end) => Ok(start + end),
            Err((message, at)) => Err((message, start + at)),
        }
    }

    /// Checks the dispatched and the baseline implementation against the reference.
    fn check(text: &[u8], start: usize, depth_left: usize) {
        let expected = reference_at(text, start, depth_left);
        let context = || {
            format!(
                "start {start}, depth_left {depth_left}: {}",
                String::from_utf8_lossy(text)
            )
        };
        assert_eq!(
            skip_container(text, start, depth_left),
            expected,
            "{}",
            context()
        );
        assert_eq!(
            skip_with::<Baseline>(text, start, depth_left),
            expected,
            "{}",
            context()
        );
    }

    #[test]
    fn ends_in_the_last_partial_block() {
        // Values ending (or the text ending) at every offset of the last block, whether that
        // block is read as the text's last 64 bytes shifted or, in texts under 64 bytes, padded.
        let body = r#"{"k":"]}\"},[1,{"x":-1.5}],"#.repeat(10);
        for prefix in [0, 1, 2, 31, 63, 64, 65, 100] {
            for body_len in 0..200 {
                for suffix in ["", " ", ",\"x\":1}", &" ".repeat(63), &" ".repeat(64)] {
                    let text = format!("{}[{}]{suffix}", "p".repeat(prefix), &body[..body_len]);
                    check(text.as_bytes(), prefix, 100);
                    // Cut short: the errors at the end of the text.
                    for cut in [1, 2, 40] {
                        if cut < text.len() - prefix {
                            check(&text.as_bytes()[..text.len() - cut], prefix, 100);
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn backslashes_at_every_offset() {
        // An escaped quote, an escaped backslash before a quote, and runs of backslashes, at every
        // position relative to the blocks (which start just after the opening bracket).
        for start in [0, 1, 5] {
            for at in 0..200 {
                for escape in [r#"\""#, r#"\\""#, r#"\\\""#, r#"\\\\""#] {
                    let text = format!(
                        "{}[\"{}{escape}]\"]{}]",
                        " ".repeat(start),
                        "a".repeat(at),
                        " ".repeat(at % 7)
                    );
                    check(text.as_bytes(), start, 100);
                    check(&text.as_bytes()[..text.len() - 1], start, 100);
                }
            }
        }
    }

    #[test]
    fn nesting_limit_far_into_the_value() {
        // Nesting that reaches, or passes by one, limits below, at and above a block's length,
        // with the brackets spread over many blocks.
        for start in [0, 1, 40] {
            for gap in 0..6 {
                for depth_left in [1, 2, 63, 64, 65, 100, 127, 128, 129, 200] {
                    for levels in [depth_left - 1, depth_left, depth_left + 1] {
                        let text = format!(
                            "{}{}{}",
                            " ".repeat(start),
                            format!("[{}", "x".repeat(gap)).repeat(levels.max(1)),
                            format!("]{}", "y".repeat(gap)).repeat(levels.max(1))
                        );
                        check(text.as_bytes(), start, depth_left);
                    }
                }
            }
        }
    }

    #[test]
    fn agrees_with_a_byte_loop_on_long_random_text() {
        // Long values from anywhere in a text, whose depth drifts up, with limits both far from
        // and within a block or two of the depths reached: the blocks that cannot pass the limit,
        // the ones checked against it, and the switches between them.
        let mut next = generator(0x9e37_79b9_7f4a_7c15);
        for _ in 0..4_000 {
            let start = next() % 70;
            let len = start + 1 + next() % 1500;
            let mut text: Vec<u8> = (0..start).map(|_| b'p').collect();
            text.push(if next() % 2 == 0 { b'[' } else { b'{' });
            // Out of 100 bytes: 20 to 34 opening brackets, 26 closing ones.
            let opening = 20 + next() % 15;
            while text.len() < len {
                let kind = next() % 100;
                text.push(if kind < opening {
                    b"[{"[next() % 2]
                } else if kind < opening + 26 {
                    b"]}"[next() % 2]
                } else {
                    match kind - opening - 26 {
                        0..=5 => b'"',
                        6..=8 => b'\\',
                        _ => b'x',
                    }
                });
            }
            let depth_left = 1 + next() % 150;
            check(&text, start, depth_left);
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
