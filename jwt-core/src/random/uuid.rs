//! Random version-4 UUIDs for `jti` and `csrf`, from the generator in the `random` module.
//! Formatting is ours (36 bytes, no crate needed); the random bytes are `Zeroizing` locals.

use zeroize::Zeroizing;

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
    let mut bytes = Zeroizing::new([0u8; 16]);
    crate::random::fill(bytes.as_mut_slice())?;
    let mut text = Zeroizing::new([0u8; 36]);
    format_uuid4_into(bytes.as_slice(), &mut text);
    ascii_string(&text)
}

/// Two random UUIDs from one draw: `jti` and `csrf` of a new token.
pub fn uuid4_pair() -> Result<(String, String), Error> {
    let mut out = Zeroizing::new([[0u8; 36]; 2]);
    uuid4_pair_into(&mut out)?;
    Ok((ascii_string(&out[0])?, ascii_string(&out[1])?))
}

/// Two random UUIDs from one draw, as [`uuid4_pair`] makes them, written into `out` as ASCII
/// without allocating.
pub(crate) fn uuid4_pair_into(out: &mut [[u8; 36]; 2]) -> Result<(), Error> {
    let mut bytes = Zeroizing::new([0u8; 32]);
    crate::random::fill(bytes.as_mut_slice())?;
    let (first, second) = bytes.split_at(16);
    format_uuid4_into(first, &mut out[0]);
    format_uuid4_into(second, &mut out[1]);
    Ok(())
}

/// Writes 16 random bytes to `out` in the lowercase hyphenated form that [`uuid4`] returns
/// (36 ASCII bytes), with the version (4) and variant (RFC 4122) bits set.
fn format_uuid4_into(random: &[u8], out: &mut [u8; 36]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    /// Where each byte's two digits go: `8-4-4-4-12` digits with hyphens between.
    const AT: [usize; 16] = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];
    for (i, (&b, at)) in random.iter().zip(AT).enumerate() {
        let b = match i {
            6 => (b & 0x0f) | 0x40,
            8 => (b & 0x3f) | 0x80,
            _ => b,
        };
        out[at] = HEX[usize::from(b >> 4)];
        out[at + 1] = HEX[usize::from(b & 0x0f)];
    }
    for at in [8, 13, 18, 23] {
        out[at] = b'-';
    }
}

/// The text [`format_uuid4_into`] wrote, as a `String`. It is hex digits and hyphens, so the
/// UTF-8 check cannot fail; the error is mapped rather than unwrapped so there is no panic path.
fn ascii_string(ascii: &[u8; 36]) -> Result<String, Error> {
    String::from_utf8(ascii.to_vec()).map_err(|_| Error::Random)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn format_uuid4(bytes: [u8; 16]) -> String {
        let mut out = [0u8; 36];
        format_uuid4_into(&bytes, &mut out);
        ascii_string(&out).unwrap()
    }

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
    fn formats_every_nibble_in_place() {
        let bytes = [
            0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54,
            0x32, 0x10,
        ];
        assert_eq!(format_uuid4(bytes), "01234567-89ab-4def-bedc-ba9876543210");
        let mut out = [b'?'; 36];
        format_uuid4_into(&bytes, &mut out);
        assert_eq!(&out, b"01234567-89ab-4def-bedc-ba9876543210");
    }

    #[test]
    fn ids_differ() {
        assert_ne!(uuid4().unwrap(), uuid4().unwrap());
        let (jti, csrf) = uuid4_pair().unwrap();
        assert_ne!(jti, csrf);
    }

    #[test]
    fn pairs_are_version_4_uuids() {
        let mut out = [[0u8; 36]; 2];
        uuid4_pair_into(&mut out).unwrap();
        assert_ne!(out[0], out[1]);
        for uuid in out.iter().map(|u| std::str::from_utf8(u).unwrap()) {
            let groups: Vec<&str> = uuid.split('-').collect();
            let lengths: Vec<usize> = groups.iter().map(|g| g.len()).collect();
            assert_eq!(lengths, [8, 4, 4, 4, 12], "{uuid}");
            assert!(uuid
                .bytes()
                .all(|c| c == b'-' || c.is_ascii_digit() || (b'a'..=b'f').contains(&c)));
            assert!(groups[2].starts_with('4'), "{uuid}");
            assert!(matches!(&groups[3][..1], "8" | "9" | "a" | "b"), "{uuid}");
        }
    }
}
