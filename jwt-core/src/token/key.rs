//! Keys: HMAC secrets prepared once and cloned per operation, on RustCrypto `hmac` + `sha2`
//! (whose `zeroize` features zero the keyed states when a [`Key`] or a per-token clone is
//! dropped), and with the `asymmetric` feature RSA, ECDSA and Ed25519 keys
//! ([`crate::asymmetric`]). A key belongs to one family and is bound to its algorithms when it is
//! made; that binding, not the token's header, decides what it can verify.

use std::fmt;
use std::sync::Arc;

use hmac::{KeyInit, Mac};
use zeroize::ZeroizeOnDrop;

use crate::{Algorithm, Error, Family};

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
    /// The HMAC secret is a PEM block or an SSH public key: the text of an asymmetric key used
    /// as a shared secret is the classic algorithm-confusion attack (CVE-2017-11424), so it is
    /// refused, as PyJWT refuses it.
    AsymmetricKeyAsSecret,
    /// An algorithm of another family than the key's material (an RSA key for ES256, an HMAC
    /// secret for RS256, a P-384 key for ES256, algorithms of two families for one key).
    WrongKeyType {
        /// The algorithm asked for.
        algorithm: Algorithm,
        /// What the key is ("a P-384 EC key", "an HMAC secret").
        found: String,
    },
    /// An RSA modulus outside 2048..=8192 bits (RFC 7518 §3.3 asks for at least 2048).
    RsaKeySize {
        /// The modulus size, when it could be read.
        bits: Option<usize>,
    },
    /// The PEM text is not one block of a supported kind.
    InvalidPem(String),
    /// The JWK is malformed or of an unsupported kind.
    InvalidJwk(String),
    /// The key material was refused by the cryptographic backend (the reason names no key
    /// material).
    Invalid(String),
    /// This build has no asymmetric algorithms: enable jwt-core's `asymmetric` feature.
    AsymmetricUnavailable,
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
            KeyError::AsymmetricKeyAsSecret => f.write_str(
                "The specified key is an asymmetric key or x509 certificate and should not be \
                 used as an HMAC secret.",
            ),
            KeyError::WrongKeyType { algorithm, found } => {
                write!(f, "{algorithm} cannot be used with this key: it is {found}")
            }
            KeyError::RsaKeySize { bits: Some(bits) } => write!(
                f,
                "the RSA key has {bits} bits; 2048 to 8192 are accepted (RFC 7518 §3.3)"
            ),
            KeyError::RsaKeySize { bits: None } => {
                f.write_str("the RSA key is outside 2048 to 8192 bits (RFC 7518 §3.3)")
            }
            KeyError::InvalidPem(why) => write!(f, "invalid PEM key: {why}"),
            KeyError::InvalidJwk(why) => write!(f, "invalid JWK: {why}"),
            KeyError::Invalid(why) => write!(f, "invalid key: {why}"),
            KeyError::AsymmetricUnavailable => f.write_str(
                "asymmetric keys need jwt-core's `asymmetric` feature \
                 (jwt-extended: feature `asymmetric`)",
            ),
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

/// A signature: an HMAC tag on the stack, or an asymmetric signature (up to 1,024 bytes for
/// RSA-8192).
pub(crate) enum Signature {
    Mac(Tag),
    #[cfg_attr(not(feature = "asymmetric"), allow(dead_code))]
    Bytes(Vec<u8>),
}

impl Signature {
    pub(crate) fn as_slice(&self) -> &[u8] {
        match self {
            Signature::Mac(tag) => &tag.bytes[..tag.len],
            Signature::Bytes(bytes) => bytes,
        }
    }
}

// The HMAC states stay inline (no indirection per token on the HMAC path); an asymmetric key
// is one `Arc`, so the size difference is the point, not an accident.
#[allow(clippy::large_enum_variant)]
#[derive(Clone)]
enum Inner {
    Hmac(Prepared),
    #[cfg(feature = "asymmetric")]
    Asymmetric(Arc<crate::asymmetric::AsymmetricKey>),
}

/// The prefixes that mark the text of an asymmetric key (PyJWT's `is_pem_format` and
/// `is_ssh_key`); such text is never accepted as an HMAC secret.
fn looks_asymmetric(secret: &[u8]) -> bool {
    let trimmed = secret.trim_ascii_start();
    const MARKERS: [&[u8]; 5] = [
        b"-----BEGIN ",
        b"ssh-rsa",
        b"ssh-ed25519",
        b"ssh-dss",
        b"ecdsa-sha2-nistp",
    ];
    MARKERS.iter().any(|marker| trimmed.starts_with(marker))
        || secret.windows(11).any(|w| w == b"-----BEGIN ")
        || is_jwk_text(trimmed)
}

/// Whether `text` is a JSON object with a `kty` or `keys` member: a JWK or a JWK Set, however
/// it is spaced or ordered.
fn is_jwk_text(text: &[u8]) -> bool {
    if !text.starts_with(b"{") {
        return false;
    }
    match crate::strict_json::parse(text) {
        Ok(serde_json::Value::Object(members)) => {
            members.contains_key("kty") || members.contains_key("keys")
        }
        _ => false,
    }
}

/// A key bound to the algorithms it may be used with: an HMAC secret, or (feature
/// `asymmetric`) an RSA, EC or Ed25519 key, private or public.
///
/// The key's family is fixed when it is made: an HMAC key holds no asymmetric state and an
/// asymmetric key no secret, and every sign or verify matches the token's algorithm against the
/// algorithms the key was built for. A token can therefore never make a public key act as an
/// HMAC secret, or an HMAC key verify an RS/ES/EdDSA signature. An HMAC secret that is itself
/// the text of a PEM block or an SSH key is refused ([`KeyError::AsymmetricKeyAsSecret`]).
///
/// For HMAC the keyed state (the hash states after the inner and outer padded key blocks) is
/// computed once here; every sign or verify clones it, which saves two compression rounds per
/// token. The secret itself is not kept. Those states are as good as the key, so they are zeroed
/// when the `Key` and each clone are dropped ([`ZeroizeOnDrop`]); asymmetric key objects are
/// AWS-LC's, which clears them when freed. `Debug` shows only the algorithms and the `kid`.
///
/// A secret shorter than the hash output (32, 48 or 64 bytes) is refused unless built with
/// [`Key::insecure_short_secret`], the explicit opt-out for applications migrating from
/// flask-jwt-extended, which only warns about short secrets.
///
/// A key may carry a key ID ([`Key::with_kid`]): [`encode`](crate::encode) writes it into the
/// header, and a [`KeySet`](crate::KeySet) picks keys by it.
///
/// ```
/// use jwt_core::{Algorithm, Key, KeyError};
/// let key = Key::new(Algorithm::HS256, "a secret of at least thirty-two bytes!!")?;
/// assert!(key.supports(Algorithm::HS256));
/// assert!(!key.supports(Algorithm::HS512));
/// assert!(matches!(Key::new(Algorithm::HS256, "short"), Err(KeyError::TooShort { .. })));
/// let pem = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n-----END PUBLIC KEY-----";
/// assert_eq!(Key::new(Algorithm::HS256, pem).unwrap_err(), KeyError::AsymmetricKeyAsSecret);
/// # Ok::<(), KeyError>(())
/// ```
#[derive(Clone)]
pub struct Key {
    inner: Inner,
    kid: Option<Arc<str>>,
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
        Self::check_hmac(algorithms, secret)?;
        if let Some((alg, min)) = algorithms
            .iter()
            .filter_map(|alg| Some((*alg, alg.hmac_output_len()?)))
            .find(|(_, min)| secret.len() < *min)
        {
            return Err(KeyError::TooShort {
                algorithm: alg,
                len: secret.len(),
                min,
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
        Self::check_hmac(algorithms, secret)?;
        Self::build(algorithms, secret)
    }

    /// The rules every HMAC secret meets, short or not.
    fn check_hmac(algorithms: &[Algorithm], secret: &[u8]) -> Result<(), KeyError> {
        if algorithms.is_empty() {
            return Err(KeyError::NoAlgorithm);
        }
        if let Some(alg) = algorithms.iter().find(|alg| !alg.is_hmac()) {
            return Err(KeyError::WrongKeyType {
                algorithm: *alg,
                found: "an HMAC secret".into(),
            });
        }
        if secret.is_empty() {
            return Err(KeyError::Empty);
        }
        if looks_asymmetric(secret) {
            return Err(KeyError::AsymmetricKeyAsSecret);
        }
        Ok(())
    }

    fn build(algorithms: &[Algorithm], secret: &[u8]) -> Result<Self, KeyError> {
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
        Ok(Key {
            inner: Inner::Hmac(prepared),
            kid: None,
        })
    }

    /// This key with `kid` as its key ID: written into the header of every token it signs and
    /// used by a [`KeySet`](crate::KeySet) to find it.
    pub fn with_kid(mut self, kid: impl Into<Arc<str>>) -> Key {
        self.kid = Some(kid.into());
        self
    }

    /// The key ID, if one was given (or read from a JWK).
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// The key's family: HMAC, RSA, EC on a curve, or Ed25519.
    pub fn family(&self) -> Family {
        match &self.inner {
            Inner::Hmac(_) => Family::Hmac,
            #[cfg(feature = "asymmetric")]
            Inner::Asymmetric(key) => key.family(),
        }
    }

    /// Whether this key can sign: an HMAC key or a private asymmetric key.
    pub fn can_sign(&self) -> bool {
        match &self.inner {
            Inner::Hmac(_) => true,
            #[cfg(feature = "asymmetric")]
            Inner::Asymmetric(key) => key.can_sign(),
        }
    }

    /// Whether this key was built for `algorithm`.
    pub fn supports(&self, algorithm: Algorithm) -> bool {
        match &self.inner {
            Inner::Hmac(prepared) => match algorithm {
                Algorithm::HS256 => prepared.hs256.is_some(),
                Algorithm::HS384 => prepared.hs384.is_some(),
                Algorithm::HS512 => prepared.hs512.is_some(),
                _ => false,
            },
            #[cfg(feature = "asymmetric")]
            Inner::Asymmetric(key) => key.supports(algorithm),
        }
    }

    /// The algorithms this key may be used with.
    pub fn algorithms(&self) -> impl Iterator<Item = Algorithm> + '_ {
        Algorithm::ALL.into_iter().filter(|alg| self.supports(*alg))
    }

    /// Length in bytes of this key's signatures under `algorithm` (for buffer sizes).
    pub(crate) fn signature_len(&self, algorithm: Algorithm) -> usize {
        match &self.inner {
            Inner::Hmac(_) => algorithm.hmac_output_len().unwrap_or(64),
            #[cfg(feature = "asymmetric")]
            Inner::Asymmetric(key) => key.signature_len(),
        }
    }

    /// The signature of `message`. [`Error::KeyAlgorithmMismatch`] when the key is not for
    /// `algorithm`, [`Error::KeyCannotSign`] for a public key.
    pub(crate) fn sign(&self, algorithm: Algorithm, message: &[u8]) -> Result<Signature, Error> {
        fn run<M: Mac + Clone>(mac: &M, message: &[u8]) -> Signature {
            let mut mac = mac.clone();
            mac.update(message);
            let out = mac.finalize().into_bytes();
            let mut tag = Tag {
                bytes: [0; 64],
                len: out.len(),
            };
            tag.bytes[..out.len()].copy_from_slice(&out);
            Signature::Mac(tag)
        }
        let signed = match &self.inner {
            Inner::Hmac(prepared) => match algorithm {
                Algorithm::HS256 => prepared.hs256.as_ref().map(|m| run(m, message)),
                Algorithm::HS384 => prepared.hs384.as_ref().map(|m| run(m, message)),
                Algorithm::HS512 => prepared.hs512.as_ref().map(|m| run(m, message)),
                _ => None,
            },
            #[cfg(feature = "asymmetric")]
            Inner::Asymmetric(key) => {
                if !key.supports(algorithm) {
                    None
                } else if !key.can_sign() {
                    return Err(Error::KeyCannotSign);
                } else {
                    match key.sign(algorithm, message) {
                        Some(Ok(bytes)) => Some(Signature::Bytes(bytes)),
                        Some(Err(())) => return Err(Error::SigningFailed),
                        None => None,
                    }
                }
            }
        };
        signed.ok_or(Error::KeyAlgorithmMismatch)
    }

    /// Checks `signature` over `data`: for HMAC at full length in constant time. `None` when
    /// the key is not for `algorithm`.
    pub(crate) fn verify(
        &self,
        algorithm: Algorithm,
        data: &[u8],
        signature: &[u8],
    ) -> Option<bool> {
        fn run<M: Mac + Clone>(mac: &M, data: &[u8], tag: &[u8]) -> bool {
            let mut mac = mac.clone();
            mac.update(data);
            // `verify_slice` rejects truncated, extended and empty tags and compares with `subtle`.
            mac.verify_slice(tag).is_ok()
        }
        match &self.inner {
            Inner::Hmac(prepared) => match algorithm {
                Algorithm::HS256 => prepared.hs256.as_ref().map(|m| run(m, data, signature)),
                Algorithm::HS384 => prepared.hs384.as_ref().map(|m| run(m, data, signature)),
                Algorithm::HS512 => prepared.hs512.as_ref().map(|m| run(m, data, signature)),
                _ => None,
            },
            #[cfg(feature = "asymmetric")]
            Inner::Asymmetric(key) => key.verify(algorithm, data, signature),
        }
    }

    /// Signs a raw message (no JWS framing): for test vectors that must reproduce a known
    /// signature byte for byte (RFC 7515 A.2, RFC 8037 A.4). Not part of the stable API.
    #[doc(hidden)]
    pub fn sign_raw(&self, algorithm: Algorithm, message: &[u8]) -> Result<Vec<u8>, Error> {
        self.sign(algorithm, message).map(|s| s.as_slice().to_vec())
    }

    /// Verifies a raw signature over `message` (no JWS framing): for test vectors that sign
    /// bare messages (Wycheproof). Not part of the stable API.
    #[doc(hidden)]
    pub fn verify_raw(&self, algorithm: Algorithm, message: &[u8], signature: &[u8]) -> bool {
        self.verify(algorithm, message, signature) == Some(true)
    }
}

#[cfg(feature = "asymmetric")]
mod asymmetric_constructors {
    use super::*;
    use crate::asymmetric::{jwk, pem, AsymmetricKey, PrivateDer, PublicDer};
    use crate::Jwk;

    impl Key {
        fn asymmetric(key: AsymmetricKey) -> Key {
            Key {
                inner: Inner::Asymmetric(Arc::new(key)),
                kid: None,
            }
        }

        /// A private key from PEM text (`PRIVATE KEY` = PKCS#8 of any kind, `RSA PRIVATE
        /// KEY` = PKCS#1, `EC PRIVATE KEY` = SEC1), bound to `algorithms`, which must all be
        /// of the key's family (an RSA key may serve `[RS256, PS256]`). It signs and verifies.
        ///
        /// ```
        /// use jwt_core::{Algorithm, Key};
        /// let pem = "-----BEGIN PRIVATE KEY-----
        /// MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g
        /// -----END PRIVATE KEY-----";
        /// let key = Key::private_pem(&[Algorithm::EdDSA], pem)?;
        /// assert!(key.can_sign());
        /// assert!(Key::private_pem(&[Algorithm::ES256], pem).is_err()); // not an EC key
        /// # Ok::<(), jwt_core::KeyError>(())
        /// ```
        pub fn private_pem(algorithms: &[Algorithm], pem: &str) -> Result<Key, KeyError> {
            let block = pem::decode(pem)?;
            AsymmetricKey::from_private_der(algorithms, block.private()?).map(Key::asymmetric)
        }

        /// A public key from PEM text (`PUBLIC KEY` = SubjectPublicKeyInfo of any kind, `RSA
        /// PUBLIC KEY` = PKCS#1), bound to `algorithms`. It verifies only.
        pub fn public_pem(algorithms: &[Algorithm], pem: &str) -> Result<Key, KeyError> {
            let block = pem::decode(pem)?;
            AsymmetricKey::from_public_der(algorithms, block.public()?).map(Key::asymmetric)
        }

        /// A private key from DER: PKCS#8 (any kind), or PKCS#1 RSA, or SEC1 EC, as `format`.
        pub fn private_der(
            algorithms: &[Algorithm],
            format: DerFormat,
            der: &[u8],
        ) -> Result<Key, KeyError> {
            let der = match format {
                DerFormat::Pkcs8 => PrivateDer::Pkcs8(der),
                DerFormat::Pkcs1 => PrivateDer::Pkcs1(der),
                DerFormat::Sec1 => PrivateDer::Sec1(der),
                DerFormat::Spki => {
                    return Err(KeyError::Invalid(
                        "SubjectPublicKeyInfo holds a public key: use Key::public_der".into(),
                    ))
                }
            };
            AsymmetricKey::from_private_der(algorithms, der).map(Key::asymmetric)
        }

        /// A public key from DER: SubjectPublicKeyInfo (any kind) or PKCS#1 RSA, as `format`.
        pub fn public_der(
            algorithms: &[Algorithm],
            format: DerFormat,
            der: &[u8],
        ) -> Result<Key, KeyError> {
            let der = match format {
                DerFormat::Spki => PublicDer::Spki(der),
                DerFormat::Pkcs1 => PublicDer::Pkcs1(der),
                DerFormat::Pkcs8 | DerFormat::Sec1 => {
                    return Err(KeyError::Invalid(
                        "PKCS#8 and SEC1 hold private keys: use Key::private_der".into(),
                    ))
                }
            };
            AsymmetricKey::from_public_der(algorithms, der).map(Key::asymmetric)
        }

        /// A key from a JWK: private when it has `d`, else public; its `kid` is kept.
        ///
        /// When the JWK names an `alg`, that algorithm must be among `algorithms` and the key
        /// is bound to it alone; otherwise the key is bound to `algorithms`. Symmetric (`oct`)
        /// and multi-prime keys are refused.
        pub fn from_jwk(jwk: &Jwk, algorithms: &[Algorithm]) -> Result<Key, KeyError> {
            let named = jwk::named_algorithm(jwk)?;
            let bound: Vec<Algorithm> = match named {
                Some(alg) if algorithms.contains(&alg) => vec![alg],
                Some(alg) => {
                    return Err(KeyError::InvalidJwk(format!(
                        "the JWK is for {alg}, which is not among the algorithms asked for"
                    )))
                }
                None => algorithms.to_vec(),
            };
            let public = jwk.public_parts()?;
            let key = match jwk.private_parts()? {
                Some(private) => AsymmetricKey::from_private_parts(&bound, public, private)?,
                None => AsymmetricKey::from_public_parts(&bound, public)?,
            };
            let key = Key::asymmetric(key);
            Ok(match &jwk.kid {
                Some(kid) => key.with_kid(kid.as_str()),
                None => key,
            })
        }

        /// A new random private key for `algorithm` (RSA: 2048 bits), for tests, examples and
        /// services that keep their signing key in memory only.
        pub fn generate(algorithm: Algorithm) -> Result<Key, KeyError> {
            AsymmetricKey::generate(algorithm).map(Key::asymmetric)
        }

        /// The verify-only half of an asymmetric key (same algorithms and `kid`); `None` for
        /// HMAC, whose only half is the secret.
        pub fn to_public(&self) -> Option<Key> {
            match &self.inner {
                Inner::Hmac(_) => None,
                Inner::Asymmetric(key) => Some(Key {
                    inner: Inner::Asymmetric(Arc::new(key.to_public())),
                    kid: self.kid.clone(),
                }),
            }
        }

        /// The public JWK of an asymmetric key: `kty`, the public parameters, `kid`,
        /// `use: "sig"`, and `alg` when the key is bound to exactly one algorithm. Never any
        /// private member. `None` for HMAC keys.
        pub fn to_public_jwk(&self) -> Option<Jwk> {
            let Inner::Asymmetric(key) = &self.inner else {
                return None;
            };
            let mut out = Jwk::from_public_parts(key.public_parts());
            out.kid = self.kid.as_deref().map(str::to_owned);
            out.use_ = Some("sig".into());
            let mut algorithms = key.algorithms();
            if let (Some(alg), None) = (algorithms.next(), algorithms.next()) {
                out.alg = Some(alg.name().into());
            }
            Some(out)
        }

        /// The RFC 7638 JWK thumbprint (SHA-256, base64url) of an asymmetric key's public
        /// half; `None` for HMAC.
        pub fn thumbprint(&self) -> Option<String> {
            match &self.inner {
                Inner::Hmac(_) => None,
                Inner::Asymmetric(key) => Some(jwk::thumbprint(key.public_parts())),
            }
        }
    }

    /// The DER encodings [`Key::private_der`] and [`Key::public_der`] read.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum DerFormat {
        /// PKCS#8 `PrivateKeyInfo` (RSA, EC or Ed25519 private key).
        Pkcs8,
        /// PKCS#1: `RSAPrivateKey` or `RSAPublicKey`.
        Pkcs1,
        /// SEC1 / RFC 5915 `ECPrivateKey`.
        Sec1,
        /// X.509 `SubjectPublicKeyInfo` (RSA, EC or Ed25519 public key).
        Spki,
    }
}

#[cfg(feature = "asymmetric")]
pub use asymmetric_constructors::DerFormat;

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("Key");
        out.field("algorithms", &self.algorithms().collect::<Vec<_>>());
        if let Some(kid) = &self.kid {
            out.field("kid", kid);
        }
        #[cfg(feature = "asymmetric")]
        if let Inner::Asymmetric(key) = &self.inner {
            out.field("key", key);
        }
        out.finish_non_exhaustive()
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
        let key = Key::for_algorithms(&Algorithm::HMAC, secret).unwrap();
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
