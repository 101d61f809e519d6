//! HMAC keys, prepared once and cloned per operation, on RustCrypto `hmac` + `sha2`, whose
//! `zeroize` features zero the keyed states when a [`Key`] (or a per-token clone) is dropped.

use std::fmt;

use hmac::{KeyInit, Mac};
use zeroize::ZeroizeOnDrop;

use crate::Algorithm;

type HmacSha256 = hmac::Hmac<sha2::Sha256>;
type HmacSha384 = hmac::Hmac<sha2::Sha384>;
type HmacSha512 = hmac::Hmac<sha2::Sha512>;

/// Why a secret could not become a [`Key`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyError {
    /// The secret is empty; no policy accepts that.
    Empty,
    /// The secret is shorter than the hash output of the algorithm (RFC 7518 §3.2).
    TooShort {
        /// The algorithm the key was built for.
        algorithm: Algorithm,
        /// Bytes the secret has.
        len: usize,
        /// Bytes the algorithm needs.
        min: usize,
    },
    /// No algorithm was named for the key.
    NoAlgorithm,
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyError::Empty => f.write_str("the HMAC secret is empty"),
            KeyError::TooShort {
                algorithm,
                len,
                min,
            } => write!(
                f,
                "the HMAC secret is {len} bytes, but {algorithm} needs at least {min} \
                 (RFC 7518 §3.2); use a longer random secret, or Key::insecure_short_secret \
                 while migrating an application that has one"
            ),
            KeyError::NoAlgorithm => f.write_str("a key needs at least one algorithm"),
        }
    }
}

impl std::error::Error for KeyError {}

/// One keyed HMAC state per algorithm, built when the key is made.
#[derive(Clone)]
struct Prepared {
    hs256: Option<HmacSha256>,
    hs384: Option<HmacSha384>,
    hs512: Option<HmacSha512>,
}

/// A MAC of at most 64 bytes, kept on the stack.
#[derive(Clone, Copy)]
pub(crate) struct Tag {
    bytes: [u8; 64],
    len: usize,
}

impl Tag {
    pub(crate) fn as_slice(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

/// An HMAC secret bound to the algorithms it may be used with.
///
/// The keyed HMAC state (the hash states after the inner and outer padded key blocks) is
/// computed once here; every sign or verify clones it, which saves two compression rounds per
/// token. The secret itself is not kept. Those states are as good as the key, so they are zeroed
/// when the `Key` and each clone are dropped ([`ZeroizeOnDrop`]), and `Debug` shows only the
/// algorithms.
///
/// A secret shorter than the hash output (32, 48 or 64 bytes) is refused unless built with
/// [`Key::insecure_short_secret`], the explicit opt-out for applications migrating from
/// flask-jwt-extended, which only warns about short secrets.
///
/// ```
/// use jwt_core::{Algorithm, Key, KeyError};
/// let key = Key::new(Algorithm::HS256, "a secret of at least thirty-two bytes!!")?;
/// assert!(key.supports(Algorithm::HS256));
/// assert!(!key.supports(Algorithm::HS512));
/// assert!(matches!(Key::new(Algorithm::HS256, "short"), Err(KeyError::TooShort { .. })));
/// # Ok::<(), KeyError>(())
/// ```
#[derive(Clone)]
pub struct Key {
    prepared: Prepared,
}

impl Key {
    /// A key for one algorithm, refusing a secret shorter than its hash output.
    pub fn new(algorithm: Algorithm, secret: impl AsRef<[u8]>) -> Result<Self, KeyError> {
        Self::for_algorithms(&[algorithm], secret)
    }

    /// A key usable with each of `algorithms`, refusing a secret shorter than the largest
    /// hash output among them.
    pub fn for_algorithms(
        algorithms: &[Algorithm],
        secret: impl AsRef<[u8]>,
    ) -> Result<Self, KeyError> {
        let secret = secret.as_ref();
        if let Some(alg) = algorithms
            .iter()
            .copied()
            .find(|alg| secret.len() < alg.output_len())
        {
            if secret.is_empty() {
                return Err(KeyError::Empty);
            }
            return Err(KeyError::TooShort {
                algorithm: alg,
                len: secret.len(),
                min: alg.output_len(),
            });
        }
        Self::build(algorithms, secret)
    }

    /// A key that accepts a secret shorter than the hash output: **insecure**.
    ///
    /// flask-jwt-extended and PyJWT accept short secrets (PyJWT only warns), so an application
    /// moving from Flask may hold tokens signed with one. This opt-out lets it verify them while
    /// it rotates to a long random secret. An empty secret is still refused.
    pub fn insecure_short_secret(
        algorithms: &[Algorithm],
        secret: impl AsRef<[u8]>,
    ) -> Result<Self, KeyError> {
        let secret = secret.as_ref();
        if secret.is_empty() {
            return Err(KeyError::Empty);
        }
        Self::build(algorithms, secret)
    }

    fn build(algorithms: &[Algorithm], secret: &[u8]) -> Result<Self, KeyError> {
        if algorithms.is_empty() {
            return Err(KeyError::NoAlgorithm);
        }
        let has = |alg| algorithms.contains(&alg);
        // `new_from_slice` accepts keys of any length for HMAC; it cannot fail here.
        let prepared = Prepared {
            hs256: has(Algorithm::HS256)
                .then(|| HmacSha256::new_from_slice(secret).ok())
                .flatten(),
            hs384: has(Algorithm::HS384)
                .then(|| HmacSha384::new_from_slice(secret).ok())
                .flatten(),
            hs512: has(Algorithm::HS512)
                .then(|| HmacSha512::new_from_slice(secret).ok())
                .flatten(),
        };
        Ok(Key { prepared })
    }

    /// Whether this key was built for `algorithm`.
    pub fn supports(&self, algorithm: Algorithm) -> bool {
        match algorithm {
            Algorithm::HS256 => self.prepared.hs256.is_some(),
            Algorithm::HS384 => self.prepared.hs384.is_some(),
            Algorithm::HS512 => self.prepared.hs512.is_some(),
        }
    }

    /// The algorithms this key may be used with.
    pub fn algorithms(&self) -> impl Iterator<Item = Algorithm> + '_ {
        Algorithm::ALL.into_iter().filter(|alg| self.supports(*alg))
    }

    /// HMAC of `parts` (fed in order), or `None` when the key is not for `algorithm`.
    pub(crate) fn sign(&self, algorithm: Algorithm, parts: &[&[u8]]) -> Option<Tag> {
        fn run<M: Mac + Clone>(mac: &M, parts: &[&[u8]]) -> Tag {
            let mut mac = mac.clone();
            for part in parts {
                mac.update(part);
            }
            let out = mac.finalize().into_bytes();
            let mut tag = Tag {
                bytes: [0; 64],
                len: out.len(),
            };
            tag.bytes[..out.len()].copy_from_slice(&out);
            tag
        }
        match algorithm {
            Algorithm::HS256 => self.prepared.hs256.as_ref().map(|m| run(m, parts)),
            Algorithm::HS384 => self.prepared.hs384.as_ref().map(|m| run(m, parts)),
            Algorithm::HS512 => self.prepared.hs512.as_ref().map(|m| run(m, parts)),
        }
    }

    /// Checks `tag` against the HMAC of `data` at full length in constant time.
    /// `None` when the key is not for `algorithm`.
    pub(crate) fn verify(&self, algorithm: Algorithm, data: &[u8], tag: &[u8]) -> Option<bool> {
        fn run<M: Mac + Clone>(mac: &M, data: &[u8], tag: &[u8]) -> bool {
            let mut mac = mac.clone();
            mac.update(data);
            // `verify_slice` rejects truncated, extended and empty tags and compares with `subtle`.
            mac.verify_slice(tag).is_ok()
        }
        match algorithm {
            Algorithm::HS256 => self.prepared.hs256.as_ref().map(|m| run(m, data, tag)),
            Algorithm::HS384 => self.prepared.hs384.as_ref().map(|m| run(m, data, tag)),
            Algorithm::HS512 => self.prepared.hs512.as_ref().map(|m| run(m, data, tag)),
        }
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Key")
            .field("algorithms", &self.algorithms().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

/// Each state in `Prepared` is an `hmac::Hmac` whose parts (two `sha2` cores and a block
/// buffer) zero themselves on drop with the `zeroize` features enabled in Cargo.toml; `hmac`
/// 0.13 does not mark `Hmac` itself, so the tests check the parts.
impl ZeroizeOnDrop for Key {}

#[cfg(test)]
mod tests {
    use super::*;

    fn zeroized_on_drop<T: ZeroizeOnDrop>() {}

    /// What makes `impl ZeroizeOnDrop for Key` true: the hash cores an `Hmac` keeps (the inner
    /// and outer keyed states; HS384 runs on the SHA-512 core) and its block buffer.
    #[test]
    fn keyed_states_are_zeroized_on_drop() {
        zeroized_on_drop::<<sha2::Sha256 as hmac::EagerHash>::Core>();
        zeroized_on_drop::<<sha2::Sha384 as hmac::EagerHash>::Core>();
        zeroized_on_drop::<<sha2::Sha512 as hmac::EagerHash>::Core>();
        zeroized_on_drop::<hmac::digest::block_api::Buffer<hmac::block_api::HmacCore<sha2::Sha256>>>(
        );
        zeroized_on_drop::<hmac::digest::block_api::Buffer<hmac::block_api::HmacCore<sha2::Sha512>>>(
        );
        zeroized_on_drop::<Key>();
    }

    #[test]
    fn debug_shows_no_key_material() {
        let secret = "0123456789abcdef0123456789abcdef-and-more-secret-bytes-for-hs512!!";
        let key = Key::for_algorithms(&Algorithm::ALL, secret).unwrap();
        let shown = format!("{key:?} {key:#?}");
        assert_eq!(
            format!("{key:?}"),
            "Key { algorithms: [HS256, HS384, HS512], .. }"
        );
        assert!(!shown.contains("0123"), "{shown}");
        let short = Key::insecure_short_secret(&[Algorithm::HS256], "hunter2").unwrap();
        assert!(!format!("{short:?}").contains("hunter2"));
    }
}
