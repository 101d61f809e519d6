//! The manager's keys: the one it signs with and what it verifies with, chosen once, when the
//! manager is built, as flask-jwt-extended chooses them on every call.
//!
//! flask-jwt-extended lets `JWT_ALGORITHM` decide: an HMAC algorithm signs and verifies with
//! `JWT_SECRET_KEY`; an asymmetric one signs with `JWT_PRIVATE_KEY` and verifies with
//! `JWT_PUBLIC_KEY`, and every algorithm of `JWT_DECODE_ALGORITHMS` is verified with that one
//! key. Here the same choice is made once, and a configuration that can never verify or sign
//! what it is asked to is a [`ConfigError`] naming the option:
//!
//! - every decode algorithm must be servable by the verification key (an RSA key serves
//!   `RS256` and `PS256`; `HS256` next to an RSA public key is refused: an HMAC key is never
//!   built from PEM text);
//! - a missing `JWT_SECRET_KEY` is an error only for an HMAC algorithm;
//! - with an asymmetric algorithm, a service with only `JWT_PUBLIC_KEY` builds (it verifies;
//!   creating a token fails with flask's `JWT_PRIVATE_KEY must be set ...`, a 500); one with
//!   only `JWT_PRIVATE_KEY` verifies with the private key's public half (flask-jwt-extended
//!   raises `JWT_PUBLIC_KEY must be set ...` there); one with neither, and no key loader to
//!   make up for it, is refused.
//!
//! [`VerifyKeys`] is the seam for other ways of finding a verification key (a remote JWKS):
//! `decode.rs` calls [`VerifyKeys::decode`] and knows nothing of the variants.

use std::fmt;
use std::sync::Arc;

use jwt_core::{Algorithm, Claims, Family, Key, KeyError, KeySet, TokenData, UnixTime, Validation};

use crate::{ConfigError, JwtConfig, JwtError};

/// The keys of a built manager.
#[derive(Clone, Debug)]
pub(crate) struct Keys {
    /// Signs new tokens, unless an `encode_key_loader` gives another key. `None` when only a
    /// verification key is configured (a verify-only service): creating a token without an
    /// `encode_key_loader` then fails with [`JwtError::MissingSigningKey`].
    pub(crate) signing: Option<Key>,
    /// Verifies tokens, unless a `decode_key_loader` gives another key.
    pub(crate) verify: VerifyKeys,
}

/// What verifies a token's signature when no `decode_key_loader` is registered.
///
/// The per-request path is one `match` and a borrow: no allocation, no reference-count change.
/// `Single` holds the key inline (an HMAC key's prepared states are several hundred bytes): the
/// enum lives once, inside the manager's `Arc`, and a `Box` would add a pointer chase to every
/// verification.
#[derive(Clone)]
#[allow(clippy::large_enum_variant)]
pub(crate) enum VerifyKeys {
    /// One key: the HMAC secret, `JWT_PUBLIC_KEY`, the public half of `JWT_PRIVATE_KEY`, or a
    /// key given to the builder. A token's `kid` is not looked at (flask-jwt-extended's tokens
    /// have none).
    Single(Key),
    /// Keys by `kid` ([`KeySet::select`]): an unknown `kid` is a 422 with jwt-core's message.
    Set(Arc<KeySet>),
    /// No verification key (an asymmetric algorithm with neither `JWT_PUBLIC_KEY` nor
    /// `JWT_PRIVATE_KEY`, in a service whose `encode_key_loader` signs): verification fails
    /// with [`JwtError::MissingVerificationKey`], a 500, as flask-jwt-extended raises.
    Missing,
    /// An issuer's JWK Set fetched from its URL and cached ([`RemoteJwks`](crate::jwks::RemoteJwks)):
    /// the cached set verifies; an unknown `kid` or an unusable cache also starts a
    /// background fetch, which the async request paths wait for ([`VerifyKeys::awaits_fetch`]).
    #[cfg(feature = "remote-jwks")]
    Remote(crate::jwks::RemoteJwks),
}

impl VerifyKeys {
    /// Verifies and decodes `token` (signature, then claims against `now`). `algorithm` is
    /// `JWT_ALGORITHM`, named by the error of [`VerifyKeys::Missing`].
    #[inline]
    pub(crate) fn decode(
        &self,
        token: &[u8],
        validation: &Validation,
        now: UnixTime,
        algorithm: Algorithm,
    ) -> Result<TokenData<Claims>, JwtError> {
        match self {
            VerifyKeys::Single(key) => Ok(jwt_core::decode_at(token, key, validation, now)?),
            VerifyKeys::Set(keys) => Ok(jwt_core::decode_with_at(token, keys, validation, now)?),
            #[cfg(feature = "remote-jwks")]
            VerifyKeys::Remote(jwks) => jwks
                .verify_cached(token, validation, Some(now))
                .map_err(|miss| miss.error.into()),
            VerifyKeys::Missing => {
                // flask-jwt-extended reads the token unverified before it asks for the key, so a
                // malformed token is still a 422 there.
                if token.len() > validation.max_token_len {
                    return Err(jwt_core::Error::TokenTooLarge {
                        len: token.len(),
                        max: validation.max_token_len,
                    }
                    .into());
                }
                jwt_core::decode_unverified(token)?;
                Err(JwtError::MissingVerificationKey { algorithm })
            }
        }
    }
}

impl fmt::Debug for VerifyKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VerifyKeys::Single(key) => f.debug_tuple("Single").field(key).finish(),
            VerifyKeys::Set(keys) => f.debug_tuple("Set").field(keys).finish(),
            VerifyKeys::Missing => f.write_str("Missing"),
            #[cfg(feature = "remote-jwks")]
            VerifyKeys::Remote(jwks) => f.debug_tuple("Remote").field(jwks).finish(),
        }
    }
}

impl VerifyKeys {
    /// Whether verification may have to wait for keys to be fetched.
    #[inline]
    pub(crate) fn may_fetch(&self) -> bool {
        #[cfg(feature = "remote-jwks")]
        if let VerifyKeys::Remote(_) = self {
            return true;
        }
        false
    }
}

#[cfg(feature = "remote-jwks")]
impl VerifyKeys {
    /// The remote set and its current generation when `error` is one a fetch may resolve (an
    /// unknown `kid`, no usable set): the async request paths wait for that fetch and verify
    /// once more.
    pub(crate) fn awaits_fetch(&self, error: &JwtError) -> Option<(crate::jwks::RemoteJwks, u64)> {
        match (self, error) {
            (
                VerifyKeys::Remote(jwks),
                JwtError::InvalidToken(jwt_core::Error::UnknownKeyId(_))
                | JwtError::KeysUnavailable(_),
            ) => Some((jwks.clone(), jwks.generation())),
            _ => None,
        }
    }
}

/// Keys given to the builder ([`signing_key`](crate::JwtManagerBuilder::signing_key),
/// [`verification_key`](crate::JwtManagerBuilder::verification_key),
/// [`key_set`](crate::JwtManagerBuilder::key_set)); each replaces what the settings would give
/// for its role.
#[derive(Clone, Debug, Default)]
pub(crate) struct ProvidedKeys {
    /// The signing key and the builder method it came from.
    pub(crate) signing: Option<(Key, &'static str)>,
    /// The verification keys and the builder method they came from.
    pub(crate) verify: Option<(VerifyKeys, &'static str)>,
}

/// The option that names `algorithm`: `JWT_ALGORITHM` when it is the signing algorithm.
fn algorithm_option(config: &JwtConfig, algorithm: Algorithm) -> &'static str {
    if algorithm == config.algorithm {
        "JWT_ALGORITHM"
    } else {
        "JWT_DECODE_ALGORITHMS"
    }
}

/// What a key of `family` is, for messages.
fn describe(family: Family) -> String {
    match family {
        Family::Hmac => "an HMAC secret".to_owned(),
        Family::Rsa => "an RSA key".to_owned(),
        Family::Ec(curve) => format!("a {} EC key", curve.name()),
        Family::Ed25519 => "an Ed25519 key".to_owned(),
    }
}

/// A [`KeyError`] of the key read from `key_option`, with the algorithm's option named when
/// the key is of another family.
fn key_error(config: &JwtConfig, key_option: &'static str, error: KeyError) -> ConfigError {
    match error {
        KeyError::WrongKeyType { algorithm, found } => ConfigError::AlgorithmKeyMismatch {
            algorithm_option: algorithm_option(config, algorithm),
            algorithm,
            key_option,
            found,
        },
        other => match key_option {
            "JWT_PRIVATE_KEY" => ConfigError::PrivateKey(other),
            "JWT_PUBLIC_KEY" => ConfigError::PublicKey(other),
            _ => ConfigError::SecretKey(other),
        },
    }
}

impl Keys {
    /// Chooses and checks the keys for `config`, whose decode allow-list (with
    /// `JWT_ALGORITHM`) is `algorithms`. `encode_loader`/`decode_loader`: whether a key loader
    /// is registered for that role, which makes a missing key of that role no error.
    pub(crate) fn build(
        config: &JwtConfig,
        algorithms: &[Algorithm],
        provided: ProvidedKeys,
        encode_loader: bool,
        decode_loader: bool,
    ) -> Result<Keys, ConfigError> {
        #[cfg(not(feature = "asymmetric"))]
        {
            if let Some(alg) = algorithms.iter().find(|alg| !alg.is_hmac()) {
                return Err(ConfigError::AsymmetricUnavailable {
                    option: algorithm_option(config, *alg),
                });
            }
            if config.private_key.is_some() {
                return Err(ConfigError::AsymmetricUnavailable {
                    option: "JWT_PRIVATE_KEY",
                });
            }
            if config.public_key.is_some() {
                return Err(ConfigError::AsymmetricUnavailable {
                    option: "JWT_PUBLIC_KEY",
                });
            }
        }
        let algorithm = config.algorithm;
        let ProvidedKeys { signing, verify } = provided;
        let (signing, verify) = if algorithm.is_hmac() {
            // JWT_SECRET_KEY, unless the builder gave keys for both roles.
            let secret = if signing.is_none() || verify.is_none() {
                Some(hmac_key(config, algorithms)?)
            } else {
                None
            };
            let signing = signing.or_else(|| secret.clone().map(|key| (key, "JWT_SECRET_KEY")));
            let verify = match verify {
                Some(verify) => verify,
                None => match secret {
                    Some(key) => (VerifyKeys::Single(key), "JWT_SECRET_KEY"),
                    None => (VerifyKeys::Missing, "JWT_SECRET_KEY"),
                },
            };
            (signing, verify)
        } else {
            // The private key alone also verifies, so it is bound to every decode algorithm
            // then; next to a public key it only signs JWT_ALGORITHM.
            let derive = verify.is_none() && config.public_key.is_none();
            let sign_algorithms = if derive { algorithms } else { &[algorithm][..] };
            let signing = match signing {
                Some(signing) => Some(signing),
                None => private_key(config, sign_algorithms)?.map(|key| (key, "JWT_PRIVATE_KEY")),
            };
            let verify = match verify {
                Some(verify) => verify,
                None => match public_key(config, algorithms)? {
                    Some(key) => (VerifyKeys::Single(key), "JWT_PUBLIC_KEY"),
                    None => match &signing {
                        Some((key, source)) => (VerifyKeys::Single(public_half(key)), *source),
                        None => (VerifyKeys::Missing, "JWT_PUBLIC_KEY"),
                    },
                },
            };
            if signing.is_none()
                && !encode_loader
                && matches!(verify.0, VerifyKeys::Missing)
                && !decode_loader
            {
                return Err(ConfigError::MissingAsymmetricKey { algorithm });
            }
            (signing, verify)
        };

        if let Some((key, source)) = &signing {
            if !key.can_sign() {
                return Err(ConfigError::SigningKeyCannotSign { key_option: source });
            }
            if !key.supports(algorithm) {
                return Err(ConfigError::AlgorithmKeyMismatch {
                    algorithm_option: "JWT_ALGORITHM",
                    algorithm,
                    key_option: source,
                    found: describe(key.family()),
                });
            }
        }
        let (verify, source) = verify;
        for &alg in algorithms {
            let found = match &verify {
                VerifyKeys::Single(key) if !key.supports(alg) => describe(key.family()),
                VerifyKeys::Set(keys) if !keys.iter().any(|key| key.supports(alg)) => {
                    "a key set without a key for it".to_owned()
                }
                _ => continue,
            };
            return Err(ConfigError::AlgorithmKeyMismatch {
                algorithm_option: algorithm_option(config, alg),
                algorithm: alg,
                key_option: source,
                found,
            });
        }
        Ok(Keys {
            signing: signing.map(|(key, _)| key),
            verify,
        })
    }
}

/// The HMAC key from `JWT_SECRET_KEY`, for every algorithm of `algorithms`.
fn hmac_key(config: &JwtConfig, algorithms: &[Algorithm]) -> Result<Key, ConfigError> {
    let secret = config
        .secret_key
        .as_ref()
        .filter(|s| !s.expose_bytes().is_empty())
        .ok_or(ConfigError::MissingSecretKey)?;
    if config.insecure_allow_short_secret {
        Key::insecure_short_secret(algorithms, secret.expose_bytes())
    } else {
        Key::for_algorithms(algorithms, secret.expose_bytes())
    }
    .map_err(|e| key_error(config, "JWT_SECRET_KEY", e))
}

/// The key from `JWT_PRIVATE_KEY`, when it is set.
#[cfg(feature = "asymmetric")]
fn private_key(config: &JwtConfig, algorithms: &[Algorithm]) -> Result<Option<Key>, ConfigError> {
    let Some(pem) = &config.private_key else {
        return Ok(None);
    };
    let text = std::str::from_utf8(pem.expose_bytes())
        .map_err(|_| ConfigError::PrivateKey(KeyError::InvalidPem("not UTF-8 text".into())))?;
    Key::private_pem(algorithms, text)
        .map(Some)
        .map_err(|e| key_error(config, "JWT_PRIVATE_KEY", e))
}

/// The key from `JWT_PUBLIC_KEY`, when it is set.
#[cfg(feature = "asymmetric")]
fn public_key(config: &JwtConfig, algorithms: &[Algorithm]) -> Result<Option<Key>, ConfigError> {
    let Some(pem) = &config.public_key else {
        return Ok(None);
    };
    Key::public_pem(algorithms, pem)
        .map(Some)
        .map_err(|e| key_error(config, "JWT_PUBLIC_KEY", e))
}

/// The verify-only half of a signing key (the key itself for HMAC).
#[cfg(feature = "asymmetric")]
fn public_half(key: &Key) -> Key {
    key.to_public().unwrap_or_else(|| key.clone())
}

// Without the feature no asymmetric algorithm gets here (refused at the top of `build`).
#[cfg(not(feature = "asymmetric"))]
fn private_key(_: &JwtConfig, _: &[Algorithm]) -> Result<Option<Key>, ConfigError> {
    Ok(None)
}

#[cfg(not(feature = "asymmetric"))]
fn public_key(_: &JwtConfig, _: &[Algorithm]) -> Result<Option<Key>, ConfigError> {
    Ok(None)
}

#[cfg(not(feature = "asymmetric"))]
fn public_half(key: &Key) -> Key {
    key.clone()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jwt_core::{encode_with, Header};

    const SECRET: &str = "a long random secret, 32 bytes or more";

    #[test]
    fn statuses_of_key_failures() {
        use jwt_core::Error;
        let alg = Algorithm::RS256;
        for (error, status) in [
            (JwtError::InvalidToken(Error::UnknownKeyId("k".into())), 422),
            (JwtError::InvalidToken(Error::MissingKeyId), 422),
            (JwtError::InvalidToken(Error::AlgorithmNotAllowed), 422),
            (JwtError::Create(Error::KeyCannotSign), 500),
            (JwtError::Create(Error::SigningFailed), 500),
            (JwtError::MissingSigningKey { algorithm: alg }, 500),
            (JwtError::MissingVerificationKey { algorithm: alg }, 500),
        ] {
            assert_eq!(error.status().as_u16(), status, "{error:?}");
        }
        assert_eq!(
            JwtError::MissingVerificationKey { algorithm: alg }.to_string(),
            "JWT_PUBLIC_KEY must be set to use asymmetric cryptography algorithm \"RS256\""
        );
        assert_eq!(
            JwtError::MissingSigningKey {
                algorithm: Algorithm::HS256
            }
            .to_string(),
            "JWT_SECRET_KEY or flask SECRET_KEY must be set when using symmetric algorithm \"HS256\""
        );
    }

    #[test]
    fn a_set_selects_by_kid_and_refuses_unknown_kids() {
        let mut set = KeySet::new();
        set.insert(Key::new(Algorithm::HS256, SECRET).unwrap().with_kid("a"))
            .unwrap();
        let claims = serde_json::json!({"sub": "alice"});
        let token = encode_with(&Header::new(Algorithm::HS256), &claims, &set).unwrap();
        let verify = VerifyKeys::Set(Arc::new(set));
        let validation = Validation::new(Algorithm::HS256);
        let now = UnixTime::from_secs(0);
        let data = verify
            .decode(token.as_bytes(), &validation, now, Algorithm::HS256)
            .unwrap();
        assert_eq!(data.header.kid(), Some("a"));

        let other = Key::new(Algorithm::HS256, SECRET).unwrap().with_kid("b");
        let foreign = jwt_core::encode(&Header::new(Algorithm::HS256), &claims, &other).unwrap();
        let err = verify
            .decode(foreign.as_bytes(), &validation, now, Algorithm::HS256)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "Unable to find a signing key that matches: \"b\""
        );
        assert_eq!(err.status().as_u16(), 422);
    }

    #[test]
    fn missing_verification_key_reads_the_token_first() {
        let validation = Validation::new(Algorithm::ES256);
        let now = UnixTime::from_secs(0);
        let err = VerifyKeys::Missing
            .decode(b"garbage", &validation, now, Algorithm::ES256)
            .unwrap_err();
        assert_eq!(err.to_string(), "Not enough segments");
        let token = jwt_core::encode(
            &Header::new(Algorithm::HS256),
            &serde_json::json!({"sub": "a"}),
            &Key::new(Algorithm::HS256, SECRET).unwrap(),
        )
        .unwrap();
        let err = VerifyKeys::Missing
            .decode(token.as_bytes(), &validation, now, Algorithm::ES256)
            .unwrap_err();
        assert_eq!(
            err,
            JwtError::MissingVerificationKey {
                algorithm: Algorithm::ES256
            }
        );
    }

    #[test]
    fn hmac_keys_come_from_the_secret_unless_the_builder_gave_both() {
        let mut config = JwtConfig::default();
        let algs = [Algorithm::HS256];
        assert_eq!(
            Keys::build(&config, &algs, ProvidedKeys::default(), false, false).unwrap_err(),
            ConfigError::MissingSecretKey
        );
        let key = Key::new(Algorithm::HS256, SECRET).unwrap();
        let provided = ProvidedKeys {
            signing: Some((key.clone(), "signing_key")),
            verify: Some((VerifyKeys::Single(key), "verification_key")),
        };
        let keys = Keys::build(&config, &algs, provided, false, false).unwrap();
        assert!(keys.signing.is_some());
        config.secret_key = Some(SECRET.into());
        let keys = Keys::build(&config, &algs, ProvidedKeys::default(), false, false).unwrap();
        assert!(matches!(keys.verify, VerifyKeys::Single(_)));
    }
}
