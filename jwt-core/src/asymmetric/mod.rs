//! RSA, ECDSA and Ed25519 keys on aws-lc-rs (feature `asymmetric`).
//!
//! Nothing cryptographic is written here: parsing DER, signing and verifying are aws-lc-rs's
//! (AWS-LC, BoringSSL's lineage: constant-time ECDSA and Ed25519, blinded RSA; chosen over ring,
//! which has no ES512 and reads no SPKI RSA keys, and over RustCrypto `rsa`, whose Marvin
//! advisory RUSTSEC-2023-0071 is still open — `docs/design/keys.md` §1). What is written here is
//! what no crate decides for a JWT library:
//!
//! - a key is bound at construction to algorithms of **one family** matching its material, and
//!   every sign or verify matches on `(key, alg)`, so no token can pick another kind of key;
//! - RSA moduli from 2048 to 8192 bits only (RFC 7518 §3.3), checked with a named error;
//! - ECDSA signatures exactly JWS's fixed-size `R || S` (RFC 7518 §3.4): a DER signature, or any
//!   other length, is refused before the backend sees it; the backend refuses `r` or `s` outside
//!   `[1, n-1]` (CVE-2022-21449);
//! - each key's public half is kept as its JWK parameters (for thumbprints and JWKS publishing)
//!   and parsed once per allowed algorithm for verification; private parameters are never kept
//!   outside the backend's key object, which AWS-LC clears when it is freed.

pub(crate) mod jwk;
pub(crate) mod pem;

use std::fmt;

use aws_lc_rs::rsa::{KeyPairComponents, PublicKeyComponents};
use aws_lc_rs::signature::{
    self as sig, EcdsaKeyPair, EcdsaSigningAlgorithm, Ed25519KeyPair, KeyPair, ParsedPublicKey,
    RsaKeyPair, RsaSubjectPublicKey, VerificationAlgorithm,
};
use zeroize::Zeroizing;

use crate::{Algorithm, Curve, Family, KeyError};

/// The public parameters of a key, base64url-free (raw big-endian bytes).
#[derive(Clone, PartialEq, Eq)]
pub(crate) enum PublicParts {
    /// Modulus and exponent without leading zero bytes.
    Rsa { n: Vec<u8>, e: Vec<u8> },
    /// Affine coordinates, each exactly the curve's field length.
    Ec {
        curve: Curve,
        x: Vec<u8>,
        y: Vec<u8>,
    },
    /// The 32-byte public key.
    Ed25519 { x: Vec<u8> },
}

impl PublicParts {
    fn family(&self) -> Family {
        match self {
            PublicParts::Rsa { .. } => Family::Rsa,
            PublicParts::Ec { curve, .. } => Family::Ec(*curve),
            PublicParts::Ed25519 { .. } => Family::Ed25519,
        }
    }

    /// What the key is, for error messages ("a 2048-bit RSA key", "a P-384 EC key").
    pub(crate) fn describe(&self) -> String {
        match self {
            PublicParts::Rsa { n, .. } => format!("a {}-bit RSA key", rsa_bits(n)),
            PublicParts::Ec { curve, .. } => format!("a {} EC key", curve.name()),
            PublicParts::Ed25519 { .. } => "an Ed25519 key".to_owned(),
        }
    }

    /// The uncompressed point `04 || x || y` of an EC key.
    fn ec_point(x: &[u8], y: &[u8]) -> Vec<u8> {
        let mut point = Vec::with_capacity(1 + x.len() + y.len());
        point.push(4);
        point.extend_from_slice(x);
        point.extend_from_slice(y);
        point
    }
}

/// Bits of a big-endian modulus without leading zero bytes.
fn rsa_bits(n: &[u8]) -> usize {
    match n.first() {
        Some(first) => n.len() * 8 - first.leading_zeros() as usize,
        None => 0,
    }
}

/// The signing half, when the key is private.
enum Signer {
    Rsa(RsaKeyPair),
    Ec(EcdsaKeyPair),
    Ed25519(Ed25519KeyPair),
}

/// An asymmetric key bound to its algorithms: the public parameters, one parsed public key per
/// algorithm, and the private key pair when there is one.
pub(crate) struct AsymmetricKey {
    public: PublicParts,
    verifiers: Vec<(Algorithm, ParsedPublicKey)>,
    signer: Option<Signer>,
}

impl fmt::Debug for AsymmetricKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.public.describe())?;
        f.write_str(if self.signer.is_some() {
            " (private)"
        } else {
            " (public)"
        })
    }
}

/// A private key read from DER, before it is bound to algorithms.
pub(crate) enum PrivateDer<'a> {
    /// PKCS#8 `PrivateKeyInfo` (`-----BEGIN PRIVATE KEY-----`), any of the three kinds.
    Pkcs8(&'a [u8]),
    /// PKCS#1 `RSAPrivateKey` (`-----BEGIN RSA PRIVATE KEY-----`).
    Pkcs1(&'a [u8]),
    /// SEC1 / RFC 5915 `ECPrivateKey` (`-----BEGIN EC PRIVATE KEY-----`).
    Sec1(&'a [u8]),
}

/// A public key read from DER, before it is bound to algorithms.
pub(crate) enum PublicDer<'a> {
    /// `SubjectPublicKeyInfo` (`-----BEGIN PUBLIC KEY-----`), any of the three kinds.
    Spki(&'a [u8]),
    /// PKCS#1 `RSAPublicKey` (`-----BEGIN RSA PUBLIC KEY-----`).
    Pkcs1(&'a [u8]),
}

const CURVES: [Curve; 3] = [Curve::P256, Curve::P384, Curve::P521];

fn ecdsa_signing(curve: Curve) -> &'static EcdsaSigningAlgorithm {
    match curve {
        Curve::P256 => &sig::ECDSA_P256_SHA256_FIXED_SIGNING,
        Curve::P384 => &sig::ECDSA_P384_SHA384_FIXED_SIGNING,
        Curve::P521 => &sig::ECDSA_P521_SHA512_FIXED_SIGNING,
    }
}

/// The verifier of an ECDSA or EdDSA algorithm (RSA keys are parsed from their components with
/// [`rsa_parameters`]).
fn verification(alg: Algorithm) -> Option<&'static dyn VerificationAlgorithm> {
    Some(match alg {
        Algorithm::ES256 => &sig::ECDSA_P256_SHA256_FIXED,
        Algorithm::ES384 => &sig::ECDSA_P384_SHA384_FIXED,
        Algorithm::ES512 => &sig::ECDSA_P521_SHA512_FIXED,
        Algorithm::EdDSA => &sig::ED25519,
        _ => return None,
    })
}

/// The RSA verification parameters of an RS/PS algorithm: 2048 to 8192-bit moduli.
fn rsa_parameters(alg: Algorithm) -> Option<&'static sig::RsaParameters> {
    Some(match alg {
        Algorithm::RS256 => &sig::RSA_PKCS1_2048_8192_SHA256,
        Algorithm::RS384 => &sig::RSA_PKCS1_2048_8192_SHA384,
        Algorithm::RS512 => &sig::RSA_PKCS1_2048_8192_SHA512,
        Algorithm::PS256 => &sig::RSA_PSS_2048_8192_SHA256,
        Algorithm::PS384 => &sig::RSA_PSS_2048_8192_SHA384,
        Algorithm::PS512 => &sig::RSA_PSS_2048_8192_SHA512,
        _ => return None,
    })
}

fn rsa_encoding(alg: Algorithm) -> Option<&'static dyn sig::RsaEncoding> {
    Some(match alg {
        Algorithm::RS256 => &sig::RSA_PKCS1_SHA256,
        Algorithm::RS384 => &sig::RSA_PKCS1_SHA384,
        Algorithm::RS512 => &sig::RSA_PKCS1_SHA512,
        Algorithm::PS256 => &sig::RSA_PSS_SHA256,
        Algorithm::PS384 => &sig::RSA_PSS_SHA384,
        Algorithm::PS512 => &sig::RSA_PSS_SHA512,
        _ => return None,
    })
}

/// The backend's reason, kept (it names no key material), or our own for a size refusal.
fn rejected(what: &str, error: aws_lc_rs::error::KeyRejected) -> KeyError {
    match error.description_() {
        "TooSmall" | "TooLarge" => KeyError::RsaKeySize { bits: None },
        reason => KeyError::Invalid(format!("{what}: {reason}")),
    }
}

fn rsa_parts(public: &RsaSubjectPublicKey) -> PublicParts {
    PublicParts::Rsa {
        n: public.modulus().big_endian_without_leading_zero().to_vec(),
        e: public.exponent().big_endian_without_leading_zero().to_vec(),
    }
}

fn ec_parts(curve: Curve, point: &[u8]) -> Result<PublicParts, KeyError> {
    let len = curve.field_len();
    match point.split_first() {
        Some((4, xy)) if xy.len() == 2 * len => Ok(PublicParts::Ec {
            curve,
            x: xy[..len].to_vec(),
            y: xy[len..].to_vec(),
        }),
        _ => Err(KeyError::Invalid(
            "EC public key: not an uncompressed point".into(),
        )),
    }
}

/// The trailing bytes of an SPKI written by aws-lc for a key of a known kind: the BIT STRING's
/// contents (the point, or Ed25519's 32 bytes) are the last member of the structure.
fn spki_tail(parsed: &ParsedPublicKey, len: usize) -> Result<Vec<u8>, KeyError> {
    use aws_lc_rs::encoding::AsDer;
    let der = parsed
        .as_der()
        .map_err(|_| KeyError::Invalid("public key: cannot be re-encoded".into()))?;
    let der = der.as_ref();
    der.get(der.len().saturating_sub(len)..)
        .filter(|tail| tail.len() == len)
        .map(<[u8]>::to_vec)
        .ok_or_else(|| KeyError::Invalid("public key: unexpected encoding".into()))
}

impl AsymmetricKey {
    /// Reads a private key, whatever its kind, and binds it to `algorithms`.
    pub(crate) fn from_private_der(
        algorithms: &[Algorithm],
        der: PrivateDer<'_>,
    ) -> Result<Self, KeyError> {
        let signer = match der {
            PrivateDer::Pkcs1(der) => {
                Signer::Rsa(RsaKeyPair::from_der(der).map_err(|e| rejected("RSA key", e))?)
            }
            PrivateDer::Sec1(der) => CURVES
                .iter()
                .find_map(|curve| {
                    EcdsaKeyPair::from_private_key_der(ecdsa_signing(*curve), der).ok()
                })
                .map(Signer::Ec)
                .ok_or_else(|| {
                    KeyError::Invalid("EC private key: not a P-256, P-384 or P-521 key".into())
                })?,
            PrivateDer::Pkcs8(der) => match RsaKeyPair::from_pkcs8(der) {
                Ok(pair) => Signer::Rsa(pair),
                Err(e) if matches!(e.description_(), "TooSmall" | "TooLarge") => {
                    return Err(KeyError::RsaKeySize { bits: None })
                }
                Err(_) => CURVES
                    .iter()
                    .find_map(|curve| EcdsaKeyPair::from_pkcs8(ecdsa_signing(*curve), der).ok())
                    .map(Signer::Ec)
                    .or_else(|| {
                        Ed25519KeyPair::from_pkcs8_maybe_unchecked(der)
                            .ok()
                            .map(Signer::Ed25519)
                    })
                    .ok_or_else(|| {
                        KeyError::Invalid(
                            "PKCS#8 private key: not an RSA, P-256, P-384, P-521 or Ed25519 key"
                                .into(),
                        )
                    })?,
            },
        };
        Self::from_signer(algorithms, signer)
    }

    fn from_signer(algorithms: &[Algorithm], signer: Signer) -> Result<Self, KeyError> {
        let public = match &signer {
            Signer::Rsa(pair) => rsa_parts(pair.public_key()),
            Signer::Ec(pair) => {
                let curve = CURVES
                    .into_iter()
                    .find(|curve| pair.algorithm() == ecdsa_signing(*curve))
                    .ok_or_else(|| KeyError::Invalid("EC key: unsupported curve".into()))?;
                ec_parts(curve, pair.public_key().as_ref())?
            }
            Signer::Ed25519(pair) => PublicParts::Ed25519 {
                x: pair.public_key().as_ref().to_vec(),
            },
        };
        let mut key = Self::from_public_parts(algorithms, public)?;
        key.signer = Some(signer);
        Ok(key)
    }

    /// Reads a public key, whatever its kind, and binds it to `algorithms`.
    pub(crate) fn from_public_der(
        algorithms: &[Algorithm],
        der: PublicDer<'_>,
    ) -> Result<Self, KeyError> {
        let public = match der {
            PublicDer::Pkcs1(der) => {
                rsa_parts(&RsaSubjectPublicKey::from_der(der).map_err(|e| rejected("RSA key", e))?)
            }
            PublicDer::Spki(der) => Self::spki_parts(der)?,
        };
        Self::from_public_parts(algorithms, public)
    }

    fn spki_parts(der: &[u8]) -> Result<PublicParts, KeyError> {
        // RSA first (PKCS#1 inside SPKI), then each curve, then Ed25519; the backend checks the
        // algorithm identifier, so a P-384 key does not parse as P-256.
        if let Ok(public) = RsaSubjectPublicKey::from_der(der) {
            return Ok(rsa_parts(&public));
        }
        for (curve, alg) in [
            (Curve::P256, Algorithm::ES256),
            (Curve::P384, Algorithm::ES384),
            (Curve::P521, Algorithm::ES512),
        ] {
            if let Some(parsed) = verification(alg).and_then(|v| ParsedPublicKey::new(v, der).ok())
            {
                return ec_parts(curve, &spki_tail(&parsed, 1 + 2 * curve.field_len())?);
            }
        }
        if let Ok(parsed) = ParsedPublicKey::new(&sig::ED25519, der) {
            return Ok(PublicParts::Ed25519 {
                x: spki_tail(&parsed, 32)?,
            });
        }
        Err(KeyError::Invalid(
            "public key: not an RSA, P-256, P-384, P-521 or Ed25519 SubjectPublicKeyInfo".into(),
        ))
    }

    /// Binds public parameters to `algorithms`: one family, matching the material, RSA size in
    /// bounds; parses the key once per algorithm.
    pub(crate) fn from_public_parts(
        algorithms: &[Algorithm],
        public: PublicParts,
    ) -> Result<Self, KeyError> {
        let family = public.family();
        if algorithms.is_empty() {
            return Err(KeyError::NoAlgorithm);
        }
        if let Some(alg) = algorithms.iter().find(|alg| alg.family() != family) {
            return Err(KeyError::WrongKeyType {
                algorithm: *alg,
                found: public.describe(),
            });
        }
        if let PublicParts::Rsa { n, e } = &public {
            let bits = rsa_bits(n);
            if !(2048..=8192).contains(&bits) {
                return Err(KeyError::RsaKeySize { bits: Some(bits) });
            }
            // An RSA public exponent is odd and at least 3 (e = 1 makes every signature its
            // own message); the backend refuses such keys at verification, this says so when
            // the key is made.
            let odd = e.last().is_some_and(|last| last & 1 == 1);
            if !odd || (e.len() == 1 && e[0] < 3) {
                return Err(KeyError::Invalid(
                    "RSA public exponent must be odd and at least 3".into(),
                ));
            }
        }
        let mut verifiers = Vec::with_capacity(algorithms.len());
        for alg in algorithms {
            if verifiers.iter().any(|(seen, _)| seen == alg) {
                continue;
            }
            // The family was checked above; a missing entry would be a table out of step.
            let unsupported = || KeyError::WrongKeyType {
                algorithm: *alg,
                found: public.describe(),
            };
            let parsed = match &public {
                PublicParts::Rsa { n, e } => PublicKeyComponents { n, e }
                    .to_parsed_public_key(rsa_parameters(*alg).ok_or_else(unsupported)?)
                    .map_err(|e| rejected("RSA key", e))?,
                PublicParts::Ec { x, y, .. } => ParsedPublicKey::new(
                    verification(*alg).ok_or_else(unsupported)?,
                    PublicParts::ec_point(x, y),
                )
                .map_err(|e| rejected("EC key", e))?,
                PublicParts::Ed25519 { x } => {
                    ParsedPublicKey::new(verification(*alg).ok_or_else(unsupported)?, x)
                        .map_err(|e| rejected("Ed25519 key", e))?
                }
            };
            verifiers.push((*alg, parsed));
        }
        Ok(AsymmetricKey {
            public,
            verifiers,
            signer: None,
        })
    }

    /// Builds a private key from JWK parameters (raw bytes), checking that the public ones match.
    pub(crate) fn from_private_parts(
        algorithms: &[Algorithm],
        public: PublicParts,
        private: PrivateParts,
    ) -> Result<Self, KeyError> {
        let signer = match (&public, private) {
            (PublicParts::Rsa { n, e }, PrivateParts::Rsa(p)) => {
                let components = KeyPairComponents {
                    public_key: PublicKeyComponents {
                        n: n.as_slice(),
                        e: e.as_slice(),
                    },
                    d: p.d.as_slice(),
                    p: p.p.as_slice(),
                    q: p.q.as_slice(),
                    dP: p.dp.as_slice(),
                    dQ: p.dq.as_slice(),
                    qInv: p.qi.as_slice(),
                };
                Signer::Rsa(
                    RsaKeyPair::from_components(&components).map_err(|e| rejected("RSA JWK", e))?,
                )
            }
            (PublicParts::Ec { curve, x, y }, PrivateParts::Scalar(d)) => Signer::Ec(
                EcdsaKeyPair::from_private_key_and_public_key(
                    ecdsa_signing(*curve),
                    &d,
                    &PublicParts::ec_point(x, y),
                )
                .map_err(|e| rejected("EC JWK", e))?,
            ),
            (PublicParts::Ed25519 { x }, PrivateParts::Scalar(d)) => Signer::Ed25519(
                Ed25519KeyPair::from_seed_and_public_key(&d, x)
                    .map_err(|e| rejected("Ed25519 JWK", e))?,
            ),
            _ => {
                return Err(KeyError::Invalid(
                    "JWK: private parameters do not fit".into(),
                ))
            }
        };
        let key = Self::from_signer(algorithms, signer)?;
        if key.public != public {
            return Err(KeyError::Invalid(
                "JWK: public and private parameters do not match".into(),
            ));
        }
        Ok(key)
    }

    /// A new random key for `algorithm` (RSA: 2048 bits), for tests and examples.
    pub(crate) fn generate(algorithm: Algorithm) -> Result<Self, KeyError> {
        let failed = || KeyError::Invalid("key generation failed".into());
        let signer = match algorithm.family() {
            Family::Rsa => Signer::Rsa(
                RsaKeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048).map_err(|_| failed())?,
            ),
            Family::Ec(curve) => {
                Signer::Ec(EcdsaKeyPair::generate(ecdsa_signing(curve)).map_err(|_| failed())?)
            }
            Family::Ed25519 => Signer::Ed25519(Ed25519KeyPair::generate().map_err(|_| failed())?),
            Family::Hmac => {
                return Err(KeyError::WrongKeyType {
                    algorithm,
                    found: "an HMAC algorithm, which has no generated key pairs".into(),
                })
            }
        };
        Self::from_signer(&[algorithm], signer)
    }

    pub(crate) fn public_parts(&self) -> &PublicParts {
        &self.public
    }

    pub(crate) fn family(&self) -> Family {
        self.public.family()
    }

    pub(crate) fn can_sign(&self) -> bool {
        self.signer.is_some()
    }

    pub(crate) fn supports(&self, algorithm: Algorithm) -> bool {
        self.verifiers.iter().any(|(alg, _)| *alg == algorithm)
    }

    pub(crate) fn algorithms(&self) -> impl Iterator<Item = Algorithm> + '_ {
        self.verifiers.iter().map(|(alg, _)| *alg)
    }

    /// The public half alone, bound to the same algorithms.
    pub(crate) fn to_public(&self) -> Self {
        AsymmetricKey {
            public: self.public.clone(),
            verifiers: self.verifiers.clone(),
            signer: None,
        }
    }

    /// Length of this key's signatures under `algorithm`.
    pub(crate) fn signature_len(&self) -> usize {
        match &self.public {
            PublicParts::Rsa { n, .. } => n.len(),
            PublicParts::Ec { curve, .. } => 2 * curve.field_len(),
            PublicParts::Ed25519 { .. } => 64,
        }
    }

    /// Signs `message`; `None` when the key is public or not bound to `algorithm`, `Some(Err)`
    /// when the backend fails.
    pub(crate) fn sign(&self, algorithm: Algorithm, message: &[u8]) -> Option<Result<Vec<u8>, ()>> {
        if !self.supports(algorithm) {
            return None;
        }
        Some(match self.signer.as_ref()? {
            Signer::Rsa(pair) => {
                let encoding = rsa_encoding(algorithm)?;
                let mut out = vec![0; pair.public_modulus_len()];
                let rng = aws_lc_rs::rand::SystemRandom::new();
                pair.sign(encoding, &rng, message, &mut out)
                    .map(|()| out)
                    .map_err(|_| ())
            }
            Signer::Ec(pair) => {
                let rng = aws_lc_rs::rand::SystemRandom::new();
                pair.sign(&rng, message)
                    .map(|s| s.as_ref().to_vec())
                    .map_err(|_| ())
            }
            Signer::Ed25519(pair) => Ok(pair.sign(message).as_ref().to_vec()),
        })
    }

    /// Verifies `signature` over `message`; `None` when the key is not bound to `algorithm`.
    pub(crate) fn verify(
        &self,
        algorithm: Algorithm,
        message: &[u8],
        signature: &[u8],
    ) -> Option<bool> {
        let (_, parsed) = self.verifiers.iter().find(|(alg, _)| *alg == algorithm)?;
        // JWS ECDSA signatures are R || S at exactly twice the field length (RFC 7518 §3.4);
        // anything else (DER, a byte more or less) is refused here, whatever a backend accepts.
        if let Family::Ec(curve) = algorithm.family() {
            if signature.len() != 2 * curve.field_len() {
                return Some(false);
            }
        }
        Some(parsed.verify_sig(message, signature).is_ok())
    }
}

/// Private JWK parameters, raw bytes, zeroed on drop.
pub(crate) enum PrivateParts {
    /// RSA `d`, `p`, `q`, `dp`, `dq`, `qi`.
    Rsa(Box<RsaPrivate>),
    /// EC `d` or Ed25519 `d` (the seed).
    Scalar(Zeroizing<Vec<u8>>),
}

/// The RSA private parameters of a JWK.
pub(crate) struct RsaPrivate {
    pub(crate) d: Zeroizing<Vec<u8>>,
    pub(crate) p: Zeroizing<Vec<u8>>,
    pub(crate) q: Zeroizing<Vec<u8>>,
    pub(crate) dp: Zeroizing<Vec<u8>>,
    pub(crate) dq: Zeroizing<Vec<u8>>,
    pub(crate) qi: Zeroizing<Vec<u8>>,
}
