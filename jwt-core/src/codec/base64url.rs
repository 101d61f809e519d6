//! Strict unpadded base64url (RFC 7515 §2): one spelling per byte string.
//!
//! A thin wrapper over the `base64` crate, so that every segment of every token is read and
//! written with one engine, configured once and spelled out here rather than inherited from a
//! preset: the URL-safe alphabet, no padding written, padding refused
//! (`DecodePaddingMode::RequireNone`) and non-zero trailing bits refused
//! (`decode_allow_trailing_bits(false)`), so that no two texts decode to the same bytes. It is
//! the configuration of the crate's `URL_SAFE_NO_PAD`. Whitespace, the standard alphabet's `+`
//! and `/`, and a length of 1 mod 4 are refused too.

use base64::alphabet::URL_SAFE;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine;

/// The engine of every segment.
const ENGINE: GeneralPurpose = GeneralPurpose::new(
    &URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::RequireNone)
        .with_decode_allow_trailing_bits(false),
);

/// The length of the unpadded encoding of `n` bytes.
pub(crate) const fn encoded_len(n: usize) -> usize {
    n / 3 * 4 + [0, 2, 3][n % 3]
}

/// Decodes strictly: alphabet `[A-Za-z0-9_-]` only, no `=`, no whitespace, a length that is not
/// 1 mod 4 and zero trailing bits. `None` on any deviation.
pub(crate) fn decode(text: &[u8]) -> Option<Vec<u8>> {
    ENGINE.decode(text).ok()
}

/// Appends the unpadded base64url form of `bytes` to `out`, as ASCII bytes.
pub(crate) fn encode_into_vec(bytes: &[u8], out: &mut Vec<u8>) {
    let start = out.len();
    out.resize(start + encoded_len(bytes.len()), 0);
    // The slice has exactly the encoded length, so this cannot fail; were it to, the segment
    // would be left empty and the token would not verify.
    let written = ENGINE.encode_slice(bytes, &mut out[start..]).unwrap_or(0);
    out.truncate(start + written);
}

/// Appends the unpadded base64url form of `bytes` to `out` (JWK members, tests).
#[cfg(any(test, feature = "asymmetric"))]
pub(crate) fn encode_into(bytes: &[u8], out: &mut String) {
    ENGINE.encode_string(bytes, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_length() {
        for len in 0..100 {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 89 + 5) as u8).collect();
            let mut text = b"prefix.".to_vec();
            encode_into_vec(&bytes, &mut text);
            let text = text.strip_prefix(b"prefix.").unwrap();
            assert_eq!(text.len(), encoded_len(len));
            let mut string = String::new();
            encode_into(&bytes, &mut string);
            assert_eq!(string.as_bytes(), text);
            assert_eq!(decode(text).as_deref(), Some(&bytes[..]));
        }
        assert_eq!(decode(b"-_-_").as_deref(), Some(&[0xFB, 0xFF, 0xBF][..]));
    }

    #[test]
    fn non_canonical_trailing_bits_are_refused() {
        // "QQ" is "A" (010000 01|0000); "QR" to "Q_" set some of the four bits past the byte.
        // "QUI" is "AB" (010000 010100 0010|00); "QUJ" to "QUL" set one of the two bits past.
        let cases: [(&str, &[u8], &[&str]); 4] = [
            ("QQ", b"A", &["QR", "QS", "QT", "QU", "QV", "Qf", "Q_"]),
            ("QUI", b"AB", &["QUJ", "QUK", "QUL"]),
            ("AAAAQQ", b"\0\0\0A", &["AAAAQR", "AAAAQ_"]),
            (
                "AAAAAAAAAAAAAAAAAAAAQUI",
                b"\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0AB",
                &["AAAAAAAAAAAAAAAAAAAAQUJ"],
            ),
        ];
        for (canonical, bytes, others) in cases {
            assert_eq!(
                decode(canonical.as_bytes()).as_deref(),
                Some(bytes),
                "{canonical}"
            );
            for other in others {
                assert_eq!(decode(other.as_bytes()), None, "{other}");
            }
        }
    }

    #[test]
    fn padding_whitespace_and_other_alphabets_are_refused() {
        for text in [
            "QQ==",
            "QUI=",
            "QUJD=",
            "QQ=",
            "=",
            "====",
            "QUJD====",
            " QUJD",
            "QUJD ",
            "QU JD",
            "QUJD\n",
            "QUJD\r\n",
            "Q+/D",
            "QUJ/",
            "QUJ+",
            "Q",
            "QUJDR",
            "QUJDRE.G",
            "QUJD\0",
            "QUJ\u{e9}",
        ] {
            assert_eq!(decode(text.as_bytes()), None, "{text:?}");
        }
        assert_eq!(decode(b"").as_deref(), Some(&b""[..]));
    }
}
