//! JSON numbers: recognising their spelling and comparing them by value.
//!
//! EventBridge compares numbers by value, as IEEE-754 doubles: `35`, `35.0` and `3.5e1` are equal,
//! and a numeric range compares doubles. So a number is parsed once, from its original spelling,
//! with correct rounding (fast-float's parser), and everything after that works on the double.
//! A number too large for a double becomes an infinity in an event (it is still greater than every
//! finite bound); in a pattern it is rejected, because a rule about infinity is surely a mistake.
//!
//! Event numbers on a rule path are on the hot path of numeric rule sets: coordinates like
//! `-122.35771102002066` have 17 digits. The scanner reads each one once: [`spelling`] checks the
//! grammar and notes where the integer, fraction and exponent digits lie (numbers of the common
//! shape from a 32-byte array, with no bounds to check; anything else by the general reader), and
//! [`Spelling::coarse`] turns the first eight digits into a double without looking for them again,
//! in the event's own text (so eight-byte loads run past the number's end into the rest of the
//! event). That value decides almost every comparison; a number too close to a value the rules
//! compare with is read again, by [`approximate`] (all its digits) and, closer still, by
//! [`value_of`] (correctly rounded). Digits are taken eight at a time (SWAR, as fast-float does):
//! one 64-bit load finds the end of a run of digits, and one multiply-shift sequence converts eight
//! digits to an integer.

/// `0x01` in every byte of a word.
const ONES: u64 = 0x0101_0101_0101_0101;
/// The high bit of every byte of a word.
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// Eight bytes from `s` at `i` (which the caller knows are there), first byte lowest.
#[inline(always)]
fn word(s: &[u8], i: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&s[i..i + 8]);
    u64::from_le_bytes(w)
}

/// The high bit of the bytes of `w` that are not ASCII digits. Exact up to and including the first
/// such byte: carries and borrows only ever move towards later bytes, and the earlier ones are
/// digits, which produce none.
#[inline(always)]
fn non_digits(w: u64) -> u64 {
    // A byte is a digit iff adding 0x46 leaves it below 0x80 and subtracting 0x30 does not wrap.
    (w.wrapping_add(0x46 * ONES) | w.wrapping_sub(0x30 * ONES)) & HIGHS
}

/// Where the run of ASCII digits that starts at `i` in `s` ends.
#[inline(always)]
fn digits_end(s: &[u8], mut i: usize) -> usize {
    while i + 8 <= s.len() {
        let m = non_digits(word(s, i));
        if m != 0 {
            return i + (m.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    if s.len() >= 8 {
        // Fewer than eight bytes left: the last eight bytes of `s`, shifted so that byte `i` comes
        // first. The zero bytes shifted in at the top are not digits, so the run ends by then.
        let start = s.len() - 8;
        let w = word(s, start)
            .checked_shr(8 * (i - start) as u32)
            .unwrap_or(0);
        return i + (non_digits(w).trailing_zeros() / 8) as usize;
    }
    while i < s.len() && s[i].is_ascii_digit() {
        i += 1;
    }
    i
}

/// The value of eight ASCII digits, the first in the lowest byte (fast-float's
/// `parse_eight_digits_unrolled`: three multiplications instead of eight).
#[inline(always)]
fn eight_digits(w: u64) -> u64 {
    const MASK: u64 = 0x0000_00FF_0000_00FF;
    const MUL1: u64 = 100 + (1_000_000 << 32);
    const MUL2: u64 = 1 + (10_000 << 32);
    let w = w.wrapping_sub(0x30 * ONES);
    let w = w.wrapping_mul(10).wrapping_add(w >> 8);
    (w & MASK)
        .wrapping_mul(MUL1)
        .wrapping_add(((w >> 16) & MASK).wrapping_mul(MUL2))
        >> 32
}

/// Powers of ten up to 10^8, as integers.
const POWERS_U64: [u64; 9] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
];

/// `m` followed by the decimal digits `s[from..to]`. The caller guarantees that they are digits and
/// that the result has at most 19 digits (so it fits a `u64`).
#[inline(always)]
fn append_digits(mut m: u64, s: &[u8], from: usize, to: usize) -> u64 {
    let mut i = from;
    while i + 8 <= to {
        m = m * POWERS_U64[8] + eight_digits(word(s, i));
        i += 8;
    }
    let n = to - i;
    if n == 0 {
        return m;
    }
    // Fewer than eight digits left: a word holding them in its top `n` bytes, with '0's (which add
    // nothing to the value) below them.
    let below = u64::MAX >> (8 * n);
    let zeros = (0x30 * ONES) & below;
    if i + 8 <= s.len() {
        return m * POWERS_U64[n] + eight_digits((word(s, i) << (8 * (8 - n))) | zeros);
    }
    if to >= 8 {
        return m * POWERS_U64[n] + eight_digits((word(s, to - 8) & !below) | zeros);
    }
    for &d in &s[i..to] {
        m = m * 10 + u64::from(d - b'0');
    }
    m
}

/// Where the parts of a JSON number lie in the text that starts with it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Spelling {
    /// The number is `text[..len]`.
    pub len: usize,
    negative: bool,
    /// The integer digits are `text[negative as usize..integer_end]`.
    integer_end: usize,
    /// The fraction digits (empty without a fraction).
    fraction: (usize, usize),
    /// The exponent's sign and digits (no digits without an exponent).
    exponent: (bool, usize, usize),
}

/// The JSON number at the start of `s` (RFC 8259 grammar), or `None` if `s` does not start with a
/// valid number.
#[inline(always)]
pub(crate) fn spelling(s: &[u8]) -> Option<Spelling> {
    if let Some(head) = s.first_chunk::<32>() {
        if let Some(spelled) = common_spelling(head) {
            return Some(spelled);
        }
    }
    general_spelling(s)
}

/// [`spelling`] for the common shape, read from 32 bytes with no bounds to check: an optional
/// minus, one to seven integer digits, and optionally a point and one to sixteen fraction digits,
/// with no exponent. `None` for anything else, valid or not, which [`general_spelling`] then
/// reads. (A number is read once per value on a rule's path, so the indexed loads and bounds
/// checks of the general reader, spilled registers included, were a third of the cost of a
/// coordinate.)
#[inline(always)]
fn common_spelling(s: &[u8; 32]) -> Option<Spelling> {
    let negative = s[0] == b'-';
    let start = usize::from(negative);
    let integer_len = (non_digits(word_at(s, start)).trailing_zeros() / 8) as usize;
    if integer_len == 0 || integer_len == 8 || (s[start] == b'0' && integer_len > 1) {
        return None;
    }
    let integer_end = start + integer_len;
    let mut end = integer_end;
    let mut fraction = (end, end);
    if s[end] == b'.' {
        let from = end + 1;
        let first = non_digits(word_at(s, from));
        end = if first != 0 {
            from + (first.trailing_zeros() / 8) as usize
        } else {
            let second = non_digits(word_at(s, from + 8));
            if second == 0 {
                return None;
            }
            from + 8 + (second.trailing_zeros() / 8) as usize
        };
        if end == from {
            return None;
        }
        fraction = (from, end);
    }
    if matches!(s[end], b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-') {
        return None;
    }
    Some(Spelling {
        len: end,
        negative,
        integer_end,
        fraction,
        exponent: (false, end, end),
    })
}

/// Eight bytes of `s` from `i` (at most 24, which the callers' arithmetic guarantees).
#[inline(always)]
fn word_at(s: &[u8; 32], i: usize) -> u64 {
    let i = i.min(24);
    u64::from_le_bytes(s[i..i + 8].try_into().expect("8 bytes"))
}

/// [`spelling`] for any text.
#[inline(never)]
fn general_spelling(s: &[u8]) -> Option<Spelling> {
    let negative = s.first() == Some(&b'-');
    let start = usize::from(negative);
    let integer_end = match s.get(start) {
        Some(b'0') => start + 1,
        Some(b'1'..=b'9') => digits_end(s, start + 1),
        _ => return None,
    };
    let mut i = integer_end;
    let mut fraction = (i, i);
    if s.get(i) == Some(&b'.') {
        let end = digits_end(s, i + 1);
        if end == i + 1 {
            return None;
        }
        fraction = (i + 1, end);
        i = end;
    }
    let mut exponent = (false, i, i);
    if matches!(s.get(i), Some(b'e' | b'E')) {
        i += 1;
        let negative = s.get(i) == Some(&b'-');
        if matches!(s.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let end = digits_end(s, i);
        if end == i {
            return None;
        }
        exponent = (negative, i, end);
        i = end;
    }
    // A number must not run straight into more number-like characters ("01", "1.2.3").
    if matches!(
        s.get(i),
        Some(b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-')
    ) {
        return None;
    }
    Some(Spelling {
        len: i,
        negative,
        integer_end,
        fraction,
        exponent,
    })
}

/// Length of the JSON number at the start of `s`, or `None` if `s` does not start with a valid
/// number.
#[inline]
pub(crate) fn json_number_len(s: &[u8]) -> Option<usize> {
    spelling(s).map(|p| p.len)
}

/// The value of a number whose spelling [`spelling`] accepted, correctly rounded (numbers
/// past the double range become infinities).
#[inline]
pub(crate) fn value_of(text: &[u8]) -> f64 {
    // The JSON grammar is a subset of what the parser accepts, so this cannot fail on validated
    // text; NaN (which no JSON number is) marks the impossible case without panicking.
    fast_float2::parse(text).unwrap_or(f64::NAN)
}

/// Powers of ten that doubles hold exactly.
const EXACT_POWERS: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

impl Spelling {
    /// A cheap approximation of the value of the number (in `text`, the text [`spelling`] read),
    /// within 2^-51 of it relative to its size (at most three roundings of 2^-53: the digits to a
    /// double, one multiplication or division by an exact power of ten, and the correctly rounded
    /// value's own), or `None` when the number has more than 19 significant digits or its decimal
    /// exponent is beyond +/-22. It is zero exactly when the value is, and has the same sign.
    /// Comparisons far from every bound can use it instead of a correctly rounded parse; see
    /// `ValueIndex::match_number`.
    #[inline]
    pub(crate) fn approximate(&self, text: &[u8]) -> Option<f64> {
        let start = usize::from(self.negative);
        let (fraction_start, fraction_end) = self.fraction;
        if (self.integer_end - start) + (fraction_end - fraction_start) > 19 {
            return None; // (leading zeros could make it fit; such numbers just take the exact path)
        }
        let mantissa = append_digits(
            append_digits(0, text, start, self.integer_end),
            text,
            fraction_start,
            fraction_end,
        );
        let mut exponent = -((fraction_end - fraction_start) as i32);
        let (negative_exponent, e_start, e_end) = self.exponent;
        if e_end - e_start > 4 {
            return None;
        }
        if e_end > e_start {
            let e = text[e_start..e_end]
                .iter()
                .fold(0i32, |acc, &d| acc * 10 + i32::from(d - b'0'));
            exponent += if negative_exponent { -e } else { e };
        }
        let power = *EXACT_POWERS.get(exponent.unsigned_abs() as usize)?;
        let magnitude = if exponent >= 0 {
            mantissa as f64 * power
        } else {
            mantissa as f64 / power
        };
        Some(if self.negative { -magnitude } else { magnitude })
    }
}

/// A number's value from its first eight significant digits (see [`Spelling::coarse`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Coarse {
    pub value: f64,
    /// No digit was dropped, so `value` is the number's correctly rounded value (one correctly
    /// rounded division of two exactly represented integers), not an approximation.
    pub exact: bool,
}

impl Spelling {
    /// The number's first eight significant digits as a double (the rest truncated), from two
    /// loads and one eight-digit conversion: within 10^-7 of the value relative to it, plus two
    /// roundings of 2^-53, of the same sign, and never zero. Enough to compare the value with
    /// anything not within 2^-20 of it, which is almost everything (see
    /// `ValueIndex::match_number`). `None` when the number has an exponent, starts with a `0`
    /// (its leading digits may not be significant), has more than eight integer digits, or lies
    /// too near the end of `text` for the loads.
    #[inline(always)]
    pub(crate) fn coarse(&self, text: &[u8]) -> Option<Coarse> {
        let start = usize::from(self.negative);
        let integer_len = self.integer_end - start;
        let (fraction_start, fraction_end) = self.fraction;
        if self.exponent.2 > self.exponent.1
            || integer_len > 8
            || fraction_start + 8 > text.len()
            || text[start] == b'0'
        {
            return None;
        }
        // The integer digits, then as many fraction digits as fit in eight, then '0's.
        let taken = (8 - integer_len).min(fraction_end - fraction_start);
        let integer = word(text, start) & low_bytes(integer_len);
        // (With eight integer digits none of the fraction is taken, so the shift by 64 that
        // wraps to 0 shifts nothing.)
        let fraction =
            (word(text, fraction_start) & low_bytes(taken)).wrapping_shl(8 * integer_len as u32);
        let digits = integer | fraction | ((0x30 * ONES) & !low_bytes(integer_len + taken));
        // The digits are the value times 10^(8 - integer_len), truncated. When digits were
        // dropped the value is approximate anyway, and a multiplication by the (rounded)
        // reciprocal of the power adds one rounding where a division would cost a dozen cycles
        // more on the path from the text to every comparison; a number known in full is divided,
        // which rounds it correctly.
        let exact = taken == fraction_end - fraction_start;
        let scaled = eight_digits(digits) as f64;
        let magnitude = if exact {
            scaled / EXACT_POWERS[8 - integer_len]
        } else {
            scaled * RECIPROCAL_POWERS[8 - integer_len]
        };
        Some(Coarse {
            value: if self.negative { -magnitude } else { magnitude },
            exact,
        })
    }
}

/// `1 / 10^k` for the `k` of [`Spelling::coarse`], each rounded once.
const RECIPROCAL_POWERS: [f64; 9] = [1e0, 1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8];

/// `LOW_BYTES[n]` has the low `n` bytes set. A table, not a shift: the lengths it is indexed by
/// vary from one key or number to the next, and a shift by them needs a guard for the full word.
pub(crate) const LOW_BYTES: [u64; 9] = {
    let mut t = [u64::MAX; 9];
    let mut n = 0;
    while n < 8 {
        t[n] = (1u64 << (8 * n)) - 1;
        n += 1;
    }
    t
};

/// A word with its low `n` bytes set (`n` at most 8).
#[inline(always)]
fn low_bytes(n: usize) -> u64 {
    LOW_BYTES[n.min(8)]
}

/// [`Spelling::approximate`] for a text holding one valid number and nothing else.
#[inline]
pub(crate) fn approximate(text: &[u8]) -> Option<f64> {
    spelling(text)?.approximate(text)
}

/// The least double greater than `x`, for a finite `x` (`f64::next_up`, which is newer than the
/// minimum Rust version). `x > b` is `x >= next_up(b)` for every double `x`.
pub(crate) fn next_up(x: f64) -> f64 {
    if x == 0.0 {
        f64::from_bits(1) // the least positive subnormal, after both zeros
    } else if x > 0.0 {
        f64::from_bits(x.to_bits() + 1)
    } else {
        f64::from_bits(x.to_bits() - 1)
    }
}

/// A key under which equal numbers hash and compare equal: the bits of the double, with -0 folded
/// into 0 (they are equal by value).
pub(crate) fn key_of(value: f64) -> u64 {
    if value == 0.0 {
        0
    } else {
        value.to_bits()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grammar() {
        for ok in [
            "0",
            "-0",
            "35",
            "35.0",
            "3.5e1",
            "1E+9",
            "-1.5e-7",
            "123456789012",
        ] {
            assert_eq!(json_number_len(ok.as_bytes()), Some(ok.len()), "{ok}");
        }
        for bad in [
            "", "-", "01", "-01", "00", "1.", ".5", "1e", "1e+", "+1", "1.2.3", "--1", "-.5",
            "0.e1", "1.5e", "1e5.0", "1ee5", "-a",
        ] {
            assert_eq!(json_number_len(bad.as_bytes()), None, "{bad}");
        }
        assert_eq!(json_number_len(b"12,"), Some(2));
        assert_eq!(json_number_len(b"0x10"), Some(1)); // the caller rejects the "x"
    }

    #[test]
    fn next_doubles() {
        assert_eq!(next_up(0.0), 5e-324);
        assert_eq!(next_up(-0.0), 5e-324);
        assert_eq!(next_up(-5e-324), -0.0);
        assert_eq!(next_up(1.0), 1.0 + f64::EPSILON);
        assert_eq!(next_up(-1.0), -1.0 + f64::EPSILON / 2.0);
        assert_eq!(next_up(f64::MAX), f64::INFINITY);
        assert_eq!(next_up(-f64::MAX), -1.7976931348623155e308);
        // Nothing lies strictly between a double and the next one.
        for x in [-122.41600944012424, 37.729900216217324, 1e-300, -1e300, 3.0] {
            let up = next_up(x);
            let mid = x + (up - x) / 2.0;
            assert!(up > x && (mid == x || mid == up), "{x}");
        }
    }

    #[test]
    fn equal_by_value() {
        let k = |s: &str| key_of(value_of(s.as_bytes()));
        assert_eq!(k("35"), k("35.0"));
        assert_eq!(k("35"), k("3.5e1"));
        assert_eq!(k("0"), k("-0"));
        assert_eq!(k("0.000001"), k("1e-6"));
        assert_ne!(k("123456789012"), k("123456789013"));
        assert_eq!(value_of(b"1e400"), f64::INFINITY);
        assert_eq!(value_of(b"-122.42916360922355"), -122.42916360922355);
        assert_eq!(value_of(b"0.1"), 0.1);
    }

    #[test]
    fn approximations_are_within_two_ulps() {
        for text in [
            "0",
            "-0",
            "35",
            "3.5e1",
            "-122.42916360922355",
            "37.729900216217324",
            "0.000001",
            "1e-6",
            "123456789012",
            "9007199254740993",
            "1.5E+3",
            "-2.25",
            "0.1",
            "5.000001",
            "99999999999999999e-3",
        ] {
            let exact = value_of(text.as_bytes());
            let approx = approximate(text.as_bytes()).expect(text);
            assert!(
                (approx - exact).abs() <= exact.abs() * f64::EPSILON * 2.0,
                "{text}: {approx} vs {exact}"
            );
        }
        assert_eq!(approximate(b"12345678901234567890"), None);
        assert_eq!(approximate(b"2.5e2"), Some(250.0));
        assert_eq!(approximate(b"7E-1"), Some(0.7));
        assert_eq!(approximate(b"1e23"), None);
        assert_eq!(approximate(b"1e-400"), None);
    }

    /// The grammar, one byte at a time (the implementation before the SWAR version).
    fn reference_len(s: &[u8]) -> Option<usize> {
        let digits = |from: usize| {
            s[from.min(s.len())..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count()
        };
        let mut i = usize::from(s.first() == Some(&b'-'));
        match s.get(i) {
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => i += digits(i),
            _ => return None,
        }
        if s.get(i) == Some(&b'.') {
            let n = digits(i + 1);
            if n == 0 {
                return None;
            }
            i += 1 + n;
        }
        if matches!(s.get(i), Some(b'e' | b'E')) {
            i += 1;
            if matches!(s.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            let n = digits(i);
            if n == 0 {
                return None;
            }
            i += n;
        }
        if matches!(
            s.get(i),
            Some(b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-')
        ) {
            return None;
        }
        Some(i)
    }

    /// The approximation digit by digit (the implementation before the SWAR version); the SWAR one
    /// must give the same bits.
    fn reference_approximate(text: &[u8]) -> Option<f64> {
        let (negative, s) = match text.split_first() {
            Some((b'-', rest)) => (true, rest),
            _ => (false, text),
        };
        let digits_in = |t: &[u8]| t.iter().take_while(|b| b.is_ascii_digit()).count();
        let integer = &s[..digits_in(s)];
        let after = &s[integer.len()..];
        let fraction = match after.split_first() {
            Some((b'.', f)) => &f[..digits_in(f)],
            _ => &[][..],
        };
        if integer.len() + fraction.len() > 19 {
            return None;
        }
        let mantissa = integer
            .iter()
            .chain(fraction)
            .fold(0u64, |m, &d| m * 10 + u64::from(d - b'0'));
        let mut exponent = -(fraction.len() as i32);
        let rest = &after[if after.first() == Some(&b'.') {
            1 + fraction.len()
        } else {
            0
        }..];
        if let Some((b'e' | b'E', e)) = rest.split_first() {
            let (sign, e) = match e.split_first() {
                Some((b'-', r)) => (-1, r),
                Some((b'+', r)) => (1, r),
                _ => (1, e),
            };
            if e.len() > 4 {
                return None;
            }
            exponent += sign
                * e.iter()
                    .fold(0i32, |acc, &d| acc * 10 + i32::from(d - b'0'));
        }
        let power = *EXACT_POWERS.get(exponent.unsigned_abs() as usize)?;
        let magnitude = if exponent >= 0 {
            mantissa as f64 * power
        } else {
            mantissa as f64 / power
        };
        Some(if negative { -magnitude } else { magnitude })
    }

    /// A small deterministic generator (xorshift64*), so that failures reproduce.
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize % n
        }

        fn digits(&mut self, out: &mut Vec<u8>, n: usize) {
            for _ in 0..n {
                out.push(b'0' + self.below(10) as u8);
            }
        }

        /// A valid JSON number: 1 to 24 integer digits (no leading zero), 0 to 24 fraction digits,
        /// maybe an exponent; some of each kind of part are zeros.
        fn number(&mut self) -> Vec<u8> {
            let mut t = Vec::new();
            if self.below(2) == 0 {
                t.push(b'-');
            }
            match self.below(4) {
                0 => t.push(b'0'),
                _ => {
                    t.push(b'1' + self.below(9) as u8);
                    let n = self.below(24);
                    self.digits(&mut t, n);
                }
            }
            if self.below(3) != 0 {
                t.push(b'.');
                let n = 1 + self.below(24);
                if self.below(4) == 0 {
                    t.extend(std::iter::repeat_n(b'0', n));
                } else {
                    self.digits(&mut t, n);
                }
            }
            if self.below(4) == 0 {
                t.push(if self.below(2) == 0 { b'e' } else { b'E' });
                match self.below(3) {
                    0 => t.push(b'+'),
                    1 => t.push(b'-'),
                    _ => {}
                }
                let n = 1 + self.below(5);
                self.digits(&mut t, n);
            }
            t
        }
    }

    #[test]
    fn swar_grammar_agrees_with_bytewise_grammar() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        const ALPHABET: &[u8] = b"0123456789-+.eE,}] x/:\x7f\xff";
        let mut text = Vec::new();
        for round in 0..200_000 {
            text.clear();
            if round % 2 == 0 {
                text.extend(rng.number());
            }
            // Random trailing (or whole) text, of every length around the 8-byte word size and
            // past the 32 bytes the common shape is read from.
            let n = rng.below(44);
            for _ in 0..n {
                text.push(ALPHABET[rng.below(ALPHABET.len())]);
            }
            for start in 0..text.len().min(3) {
                let s = &text[start..];
                assert_eq!(
                    json_number_len(s),
                    reference_len(s),
                    "{:?}",
                    String::from_utf8_lossy(s)
                );
            }
        }
    }

    #[test]
    fn coarse_values_are_within_their_bound() {
        let mut rng = Rng(0x7777_1234_5678_9abc);
        let mut coarse_ones = 0;
        for _ in 0..200_000 {
            let mut text = rng.number();
            let len = text.len();
            text.extend_from_slice(b",\"y\":37.73938866422106}");
            let spelled = spelling(&text).expect("a number");
            assert_eq!(spelled.len, len);
            let number = &text[..len];
            let Some(Coarse { value: c, exact }) = spelled.coarse(&text) else {
                continue;
            };
            coarse_ones += 1;
            let v = value_of(number);
            if exact {
                assert_eq!(
                    c.to_bits(),
                    v.to_bits(),
                    "{}",
                    String::from_utf8_lossy(number)
                );
            }
            let shown = String::from_utf8_lossy(number);
            assert!(c != 0.0 && (c < 0.0) == (v < 0.0), "{shown}: {c}");
            assert!((c - v).abs() <= v.abs() * 1.01e-7, "{shown}: {c} vs {v}");
            assert!(
                !number.contains(&b'e') && !number.contains(&b'E'),
                "{shown}"
            );
        }
        assert!(coarse_ones > 10_000, "{coarse_ones}");
        let approximate = |value| {
            Some(Coarse {
                value,
                exact: false,
            })
        };
        let exact = |value| Some(Coarse { value, exact: true });
        for (text, want) in [
            ("-122.35771102002066,", approximate(-12235771.0 * 1e-5)),
            ("37.73938866422106}", approximate(37739388.0 * 1e-6)),
            ("12345678.9,        ", approximate(12345678.0)),
            ("5,                 ", exact(5.0)),
            ("-37.125,           ", exact(-37.125)),
            ("1234.5678,         ", exact(1234.5678)),
            ("123456789,         ", None), // nine integer digits
            ("0.5,               ", None), // a leading zero
            ("1e5,               ", None), // an exponent
            ("1.5", None),                 // too near the end for the loads
        ] {
            let t = text.as_bytes();
            assert_eq!(spelling(t).unwrap().coarse(t), want, "{text}");
        }
    }

    #[test]
    fn swar_approximation_agrees_with_digit_by_digit() {
        let mut rng = Rng(0x0123_4567_89AB_CDEF);
        for _ in 0..200_000 {
            let text = rng.number();
            assert_eq!(json_number_len(&text), Some(text.len()));
            let got = approximate(&text);
            assert_eq!(
                got.map(f64::to_bits),
                reference_approximate(&text).map(f64::to_bits),
                "{}",
                String::from_utf8_lossy(&text)
            );
            // Read where the scanner reads it: followed by the rest of an event.
            let mut in_event = text.clone();
            in_event.extend_from_slice(b",\"y\":37.73938866422106}");
            let spelled = spelling(&in_event).expect("a number");
            assert_eq!(spelled.len, text.len());
            assert_eq!(
                spelled.approximate(&in_event).map(f64::to_bits),
                got.map(f64::to_bits)
            );
            if let Some(a) = got {
                let exact = value_of(&text);
                assert!(
                    (a - exact).abs() <= exact.abs() * (1.0 / (1u64 << 51) as f64),
                    "{}: {a} vs {exact}",
                    String::from_utf8_lossy(&text)
                );
                assert_eq!(a == 0.0, exact == 0.0);
                assert_eq!(a.is_sign_negative(), exact.is_sign_negative());
            }
        }
    }

    #[test]
    fn digit_runs_of_every_length() {
        // Runs ending before, at and after each 8-byte boundary, at the end of the text or not.
        for digits in 1..=30 {
            for lead in 0..10 {
                for tail in ["", ",", "}", "e5", ".5"] {
                    let mut t = vec![b' '; lead];
                    t.push(b'1');
                    t.extend(std::iter::repeat_n(b'7', digits - 1));
                    t.extend(tail.bytes());
                    let s = &t[lead..];
                    assert_eq!(
                        json_number_len(s),
                        reference_len(s),
                        "{:?}",
                        String::from_utf8_lossy(s)
                    );
                    assert_eq!(digits_end(s, 0), digits);
                }
            }
        }
        for n in 1..=19usize {
            let t: Vec<u8> = (0..n).map(|i| b'1' + (i % 9) as u8).collect();
            let want = t.iter().fold(0u64, |m, &d| m * 10 + u64::from(d - b'0'));
            assert_eq!(append_digits(0, &t, 0, n), want, "{n} digits");
            assert_eq!(approximate(&t), Some(want as f64));
        }
        assert_eq!(
            approximate(b"9999999999999999999"),
            Some(9999999999999999999u64 as f64)
        );
        assert_eq!(approximate(b"-0"), Some(-0.0));
        assert!(approximate(b"-0").unwrap().is_sign_negative());
        assert_eq!(approximate(b"0.000000000000000001"), Some(1e-18));
        assert_eq!(approximate(b"0.0000000000000000001"), None); // 20 digits with the leading 0
        assert_eq!(approximate(b"1e22"), Some(1e22));
        assert_eq!(approximate(b"1E-0022"), Some(1e-22));
        assert_eq!(approximate(b"1E-00022"), None); // more exponent digits than it reads
        assert_eq!(approximate(b"12e-3"), Some(0.012));
    }
}
