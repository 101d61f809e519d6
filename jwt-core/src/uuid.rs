//! Random version-4 UUIDs for `jti` and `csrf`.

use crate::Error;

/// A random UUID (version 4, RFC 9562) in lowercase hyphenated form: what Python's
/// `str(uuid4())` gives. The 122 random bits come from a per-thread ChaCha20 generator seeded
/// from the operating system and reseeded after `fork` (see the `random` module), which saves
/// a system call per UUID.
///
/// ```
/// let id = jwt_core::uuid4()?;
/// assert_eq!(id.len(), 36);
/// assert_eq!(&id[14..15], "4");
/// # Ok::<(), jwt_core::Error>(())
/// ```
pub fn uuid4() -> Result<String, Error> {
    let mut bytes = [0u8; 16];
    crate::random::fill(&mut bytes)?;
    Ok(format_uuid4(bytes))
}

/// Two random UUIDs from one draw: `jti` and `csrf` of a new token.
pub fn uuid4_pair() -> Result<(String, String), Error> {
    let mut bytes = [0u8; 32];
    crate::random::fill(&mut bytes)?;
    let mut first = [0u8; 16];
    let mut second = [0u8; 16];
    first.copy_from_slice(&bytes[..16]);
    second.copy_from_slice(&bytes[16..]);
    bytes.fill(0);
    Ok((format_uuid4(first), format_uuid4(second)))
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
