//! Standard base64 (RFC 4648, with padding), as Kinesis, Kafka and Amazon MQ records carry their
//! payloads. The core has no dependency for it: decoding is all that is needed, in a few lines.

/// The bytes `text` encodes, or `None` if it is not base64.
pub(super) fn decode(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    if bytes.len() % 4 != 0 {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    for (i, chunk) in bytes.chunks(4).enumerate() {
        let last = (i + 1) * 4 == bytes.len();
        let pad = chunk.iter().rev().take_while(|&&b| b == b'=').count();
        if pad > 2 || (pad > 0 && !last) {
            return None;
        }
        let mut word = 0u32;
        for &b in &chunk[..4 - pad] {
            word = (word << 6) | u32::from(value(b)?);
        }
        word <<= 6 * pad as u32;
        let decoded = [(word >> 16) as u8, (word >> 8) as u8, word as u8];
        out.extend_from_slice(&decoded[..3 - pad]);
    }
    Some(out)
}

fn value(b: u8) -> Option<u8> {
    match b {
        b'A'..=b'Z' => Some(b - b'A'),
        b'a'..=b'z' => Some(b - b'a' + 26),
        b'0'..=b'9' => Some(b - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::decode;

    #[test]
    fn decodes_standard_base64() {
        assert_eq!(decode("SGVsbG8=").unwrap(), b"Hello");
        assert_eq!(
            decode("SGVsbG8sIHRoaXMgaXMgYSB0ZXN0Lg==").unwrap(),
            b"Hello, this is a test."
        );
        assert_eq!(decode("").unwrap(), b"");
        assert!(decode("SGVsbG8").is_none());
        assert!(decode("SG=sbG8=").is_none());
        assert!(decode("SGVs*G8=").is_none());
    }
}
