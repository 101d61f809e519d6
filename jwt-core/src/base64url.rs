//! Strict unpadded base64url (RFC 7515 §2): one spelling per byte string.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// Decodes strictly: alphabet `[A-Za-z0-9_-]` only, no `=`, no whitespace, a length that is not
/// 1 mod 4 and zero trailing bits. `None` on any deviation.
pub(crate) fn decode(text: &[u8]) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text).ok()
}

/// Decodes strictly into `out`, returning the decoded length; `None` on any deviation or when
/// `out` is too small.
pub(crate) fn decode_into(text: &[u8], out: &mut [u8]) -> Option<usize> {
    if text.len() / 4 * 3 + 3 > out.len() {
        return None;
    }
    URL_SAFE_NO_PAD.decode_slice(text, out).ok()
}

/// Appends the unpadded base64url form of `bytes` to `out`.
pub(crate) fn encode_into(bytes: &[u8], out: &mut String) {
    URL_SAFE_NO_PAD.encode_string(bytes, out);
}
