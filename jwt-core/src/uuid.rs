//! Random version-4 UUIDs for `jti` and `csrf`.

use crate::Error;

/// A random UUID (version 4, RFC 9562) in lowercase hyphenated form, 122 random bits from the
/// operating system's generator: what Python's `str(uuid4())` gives.
///
/// ```
/// let id = jwt_core::uuid4()?;
/// assert_eq!(id.len(), 36);
/// assert_eq!(&id[14..15], "4");
/// # Ok::<(), jwt_core::Error>(())
/// ```
pub fn uuid4() -> Result<String, Error> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|_| Error::Random)?;
    Ok(format_uuid4(bytes))
}

/// Sets the version and variant bits of 16 random bytes and formats them.
pub(crate) fn format_uuid4(mut bytes: [u8; 16]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let mut out = String::with_capacity(36);
    for (i, b) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.push(HEX[usize::from(b >> 4)] as char);
        out.push(HEX[usize::from(b & 0x0f)] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_python() {
        assert_eq!(
            format_uuid4([0xff; 16]),
            "ffffffff-ffff-4fff-bfff-ffffffffffff"
        );
        assert_eq!(
            format_uuid4([0; 16]),
            "00000000-0000-4000-8000-000000000000"
        );
    }

    #[test]
    fn ids_differ() {
        assert_ne!(uuid4().unwrap(), uuid4().unwrap());
    }
}
