//! The HMAC secret: kept out of logs, compared in constant time, zeroed when dropped.

use std::fmt;

use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// The secret key's bytes. A string secret is its UTF-8 bytes, exactly as flask-jwt-extended
/// (through PyJWT) uses `JWT_SECRET_KEY`: no base64 decoding, no normalization.
///
/// `Debug` shows only the length; equality is compared in constant time (for equal lengths);
/// the bytes are zeroed when the secret is dropped (every clone too). The bytes themselves are
/// reachable only through [`Secret::expose_bytes`], whose name says what it does.
///
/// ```
/// use jwt_http::Secret;
/// let secret = Secret::from("a long random secret, 32 bytes or more");
/// assert_eq!(format!("{secret:?}"), "Secret(38 bytes, redacted)");
/// assert_eq!(secret.expose_bytes().len(), 38);
/// ```
#[derive(Clone, Eq)]
pub struct Secret(Vec<u8>);

impl Secret {
    /// The raw bytes of the secret: anyone who has them can mint tokens. Do not log them.
    pub fn expose_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        bool::from(self.0.ct_eq(&other.0))
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl ZeroizeOnDrop for Secret {}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({} bytes, redacted)", self.0.len())
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Secret(s.as_bytes().to_vec())
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Secret(s.into_bytes())
    }
}

impl From<&[u8]> for Secret {
    fn from(b: &[u8]) -> Self {
        Secret(b.to_vec())
    }
}

impl From<Vec<u8>> for Secret {
    fn from(b: Vec<u8>) -> Self {
        Secret(b)
    }
}

#[cfg(test)]
mod tests {
    use super::Secret;

    fn zeroized_on_drop<T: zeroize::ZeroizeOnDrop>() {}

    #[test]
    fn redacted_compared_and_zeroized_on_drop() {
        zeroized_on_drop::<Secret>();
        let a = Secret::from("a long random secret, 32 bytes or more");
        assert_eq!(a, a.clone());
        assert_ne!(a, Secret::from("a long random secret, 32 bytes or mord"));
        assert_ne!(a, Secret::from("short"));
        let shown = format!("{a:?}");
        assert!(!shown.contains("random"), "{shown}");
    }
}
