//! JSON numbers: recognising their spelling and comparing them by value.
//!
//! EventBridge compares numbers by value, as IEEE-754 doubles: `35`, `35.0` and `3.5e1` are equal,
//! and a numeric range compares doubles. So a number is parsed once, from its original spelling,
//! with correct rounding (Rust's `f64::from_str`), and everything after that works on the double.
//! A number too large for a double becomes an infinity in an event (it is still greater than every
//! finite bound); in a pattern it is rejected, because a rule about infinity is surely a mistake.

/// Length of the JSON number at the start of `s` (RFC 8259 grammar), or `None` if `s` does not start
/// with a valid number.
pub(crate) fn json_number_len(s: &[u8]) -> Option<usize> {
    let digits = |from: usize| {
        let mut end = from;
        while end < s.len() && s[end].is_ascii_digit() {
            end += 1;
        }
        end - from
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
    // A number must not run straight into more number-like characters ("01", "1.2.3").
    if matches!(
        s.get(i),
        Some(b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-')
    ) {
        return None;
    }
    Some(i)
}

/// The value of a number whose spelling `json_number_len` accepted, correctly rounded (numbers
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

/// A cheap approximation of a validated number's value, within 2^-52 of it relative to its size
/// (two roundings: the digits to a double, then one multiplication or division by an exact power
/// of ten), or `None` when the number has more than 19 significant digits or its decimal exponent
/// is beyond +/-22. Comparisons far from every bound can use it instead of a correctly rounded
/// parse; see `ValueIndex::match_number`.
#[inline]
pub(crate) fn approximate(text: &[u8]) -> Option<f64> {
    let (negative, s) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    };
    let digits_in = |t: &[u8]| {
        t.iter()
            .position(|b| !b.is_ascii_digit())
            .unwrap_or(t.len())
    };
    let integer = &s[..digits_in(s)];
    let after = &s[integer.len()..];
    let fraction = match after.split_first() {
        Some((b'.', f)) => &f[..digits_in(f)],
        _ => &[][..],
    };
    if integer.len() + fraction.len() > 19 {
        return None; // (leading zeros could make it fit; such numbers just take the exact path)
    }
    let mut mantissa: u64 = 0;
    for &d in integer {
        mantissa = mantissa * 10 + u64::from(d - b'0');
    }
    for &d in fraction {
        mantissa = mantissa * 10 + u64::from(d - b'0');
    }
    let mut exponent = -(fraction.len() as i32);
    let rest = &after[if fraction.is_empty() && after.first() != Some(&b'.') {
        0
    } else {
        1 + fraction.len()
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
        for bad in ["", "-", "01", "1.", ".5", "1e", "+1", "1.2.3", "--1"] {
            assert_eq!(json_number_len(bad.as_bytes()), None, "{bad}");
        }
        assert_eq!(json_number_len(b"12,"), Some(2));
        assert_eq!(json_number_len(b"0x10"), Some(1)); // the caller rejects the "x"
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
}
