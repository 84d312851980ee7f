//! CIDR blocks (`{"cidr": "10.0.0.0/8"}`) as inclusive integer ranges of addresses.
//!
//! Host bits in the base are ignored (the range is floored), as event-ruler does. Following
//! event-ruler, a mask of 32 (IPv4) or 128 (IPv6) is rejected: such a block is one address, and the
//! plain string value says that better. Event values are matched by parsing them as addresses, so
//! `2001:DB8:0:0:0:0:0:1` is inside `2001:db8::/32`; a string that is not an address never matches.

use std::net::{Ipv4Addr, Ipv6Addr};

/// An inclusive range of IPv4 or IPv6 addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IpRange {
    source: String,
    v6: bool,
    low: u128,
    high: u128,
}

impl IpRange {
    /// Parses `a.b.c.d/n` or `v6addr/n`; the error is event-ruler's wording.
    pub(crate) fn parse(source: &str) -> Result<IpRange, String> {
        let mut parts = source.split('/');
        let (Some(addr), Some(bits), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err("Malformed CIDR, one '/' required".to_string());
        };
        let bits: i64 = match bits.parse() {
            Ok(b) => b,
            Err(_)
                if bits.starts_with('-')
                    && bits[1..].bytes().all(|b| b.is_ascii_digit())
                    && bits.len() > 1 =>
            {
                return Err("Malformed CIDR, mask bits must not be negative".to_string())
            }
            Err(_) => return Err("Malformed CIDR, mask bits must be an integer".to_string()),
        };
        if bits < 0 {
            return Err("Malformed CIDR, mask bits must not be negative".to_string());
        }
        let (v6, base, width) = match parse_ip(addr) {
            Some(Ip::V4(a)) => (false, a as u128, 32),
            Some(Ip::V6(a)) => (true, a, 128),
            None => return Err(format!("Nonstandard IP address: {addr}")),
        };
        if bits >= width {
            let family = if v6 { "IPv6" } else { "IPv4" };
            return Err(format!("{family} mask bits must be < {width}"));
        }
        let host_bits = (width - bits) as u32;
        let host_mask: u128 = if host_bits >= 128 {
            u128::MAX
        } else {
            (1u128 << host_bits) - 1
        };
        let low = base & !host_mask;
        Ok(IpRange {
            source: source.to_string(),
            v6,
            low,
            high: low | host_mask,
        })
    }

    /// The block as written in the pattern.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Whether this is an IPv6 block.
    pub fn is_v6(&self) -> bool {
        self.v6
    }

    /// The first and last address of the block, as integers.
    pub fn bounds(&self) -> (u128, u128) {
        (self.low, self.high)
    }

    /// Whether the string `value` is an address inside the block.
    pub fn contains_str(&self, value: &[u8]) -> bool {
        match std::str::from_utf8(value).ok().and_then(parse_ip) {
            Some(Ip::V4(a)) => !self.v6 && (self.low..=self.high).contains(&(a as u128)),
            Some(Ip::V6(a)) => self.v6 && (self.low..=self.high).contains(&a),
            None => false,
        }
    }
}

/// An address parsed from text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ip {
    V4(u32),
    V6(u128),
}

/// [`parse_ip`] on bytes that may not be UTF-8.
pub(crate) fn parse_ip_bytes(s: &[u8]) -> Option<Ip> {
    std::str::from_utf8(s).ok().and_then(parse_ip)
}

/// Parses an IPv4 dotted quad or an IPv6 address (any case, `::` compression allowed).
pub(crate) fn parse_ip(s: &str) -> Option<Ip> {
    if s.contains(':') {
        s.parse::<Ipv6Addr>().ok().map(|a| Ip::V6(u128::from(a)))
    } else {
        s.parse::<Ipv4Addr>().ok().map(|a| Ip::V4(u32::from(a)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        let r = IpRange::parse("10.0.0.77/24").unwrap();
        assert!(r.contains_str(b"10.0.0.1"));
        assert!(r.contains_str(b"10.0.0.255"));
        assert!(!r.contains_str(b"10.0.1.0"));
        assert!(IpRange::parse("0.0.0.0/0")
            .unwrap()
            .contains_str(b"198.51.100.23"));
        let v6 = IpRange::parse("2001:db8::/32").unwrap();
        assert!(v6.contains_str(b"2001:DB8:0:0:0:0:0:1"));
        assert!(!v6.contains_str(b"10.0.0.1"));
        assert!(IpRange::parse("::/0").unwrap().contains_str(b"2001:db8::1"));
        assert!(!r.contains_str(b"10.0.0.1/32"));
    }

    #[test]
    fn errors() {
        let e = |s: &str| IpRange::parse(s).unwrap_err();
        assert_eq!(e("10.0.0.0"), "Malformed CIDR, one '/' required");
        assert_eq!(
            e("10.0.0.0/eight"),
            "Malformed CIDR, mask bits must be an integer"
        );
        assert_eq!(
            e("10.0.0.0/-1"),
            "Malformed CIDR, mask bits must not be negative"
        );
        assert!(e("10.0.0/8").starts_with("Nonstandard IP address"));
        assert_eq!(e("1.2.3.4/32"), "IPv4 mask bits must be < 32");
        assert_eq!(e("::1/128"), "IPv6 mask bits must be < 128");
        assert_eq!(e("a/b/c"), "Malformed CIDR, one '/' required");
    }
}
