//! Standard base64 (RFC 4648, with padding), as Kinesis, Kafka and Amazon MQ records carry their
//! payloads, decoded by the `base64` crate.

use base64::alphabet::STANDARD;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine;

/// The standard alphabet with its `=` padding required, as the services' records are written;
/// unused bits of the last character are not checked.
const RECORD_PAYLOAD: GeneralPurpose = GeneralPurpose::new(
    &STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::RequireCanonical)
        .with_decode_allow_trailing_bits(true),
);

/// The bytes `text` encodes, or `None` if it is not base64.
pub(super) fn decode(text: &str) -> Option<Vec<u8>> {
    RECORD_PAYLOAD.decode(text).ok()
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

    #[test]
    fn padding_is_required_and_only_at_the_end() {
        assert!(decode("QQ").is_none());
        assert!(decode("QQ=").is_none());
        assert!(decode("QQ===").is_none());
        assert!(decode("A===").is_none());
        assert!(decode("====").is_none());
        assert!(decode("QQ==QQ==").is_none());
        assert!(decode("SGVs bG8=").is_none());
        assert!(decode("SGVs\nbG8=").is_none());
        // The URL-safe alphabet is another encoding.
        assert!(decode("-_==").is_none());
        assert_eq!(decode("+/8=").unwrap(), [0xfb, 0xff]);
        // Unused low bits of the last character are ignored, as before.
        assert_eq!(decode("QR==").unwrap(), b"A");
    }
}
