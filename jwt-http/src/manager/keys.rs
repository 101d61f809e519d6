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
//!
//! A key set ([`LiveKeySet`]) is the one kind of keys that changes after the build
//! ([`JwtManager::update_keys`](crate::JwtManager::update_keys)): a `RwLock<Arc<KeySet>>`
//! that verification reads under the lock and signing reads as a snapshot, both from the same
//! published set. The checks of a set ([`unverifiable`], [`signing_defect`]) are the build's
//! and the update's.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError, RwLock, RwLockReadGuard};

use jwt_core::{Algorithm, Claims, Family, Key, KeyError, KeySet, TokenData, UnixTime, Validation};

use crate::{ConfigError, JwtConfig, JwtError};

/// The keys of a built manager.
#[derive(Clone, Debug)]
pub(crate) struct Keys {
    /// Signs new tokens, unless an `encode_key_loader` gives another key.
    pub(crate) signing: Signing,
    /// Verifies tokens, unless a `decode_key_loader` gives another key.
    pub(crate) verify: VerifyKeys,
}

/// Where the key that signs new tokens comes from.
///
/// The key is inline, as in [`VerifyKeys`]: the enum lives once, inside the manager's `Arc`.
#[derive(Clone, Debug)]
#[allow(clippy::large_enum_variant)]
pub(crate) enum Signing {
    /// No key: only a verification key is configured (a verify-only service); creating a token
    /// without an `encode_key_loader` fails with [`JwtError::MissingSigningKey`].
    None,
    /// One key, fixed when the manager was built.
    Key(Key),
    /// The active key of the [`VerifyKeys::Set`], read at each signing (it follows
    /// [`JwtManager::update_keys`](crate::JwtManager::update_keys)); none active is
    /// [`JwtError::MissingSigningKey`].
    ActiveOfSet,
}

impl Keys {
    /// The key to sign with now.
    #[inline]
    pub(crate) fn signing_key(&self) -> SigningKey<'_> {
        match (&self.signing, &self.verify) {
            (Signing::Key(key), _) => SigningKey::Borrowed(key),
            (Signing::ActiveOfSet, VerifyKeys::Set(set)) => SigningKey::Active(set.snapshot()),
            _ => SigningKey::None,
        }
    }
}

/// The signing key of one token: borrowed from the manager, or the active key of the key set
/// published when signing began (a snapshot: an update during the signing does not change it).
pub(crate) enum SigningKey<'a> {
    /// A fixed key.
    Borrowed(&'a Key),
    /// The key set's active key, if it has one.
    Active(Arc<KeySet>),
    /// No signing key.
    None,
}

impl SigningKey<'_> {
    /// The key, if there is one.
    #[inline]
    pub(crate) fn get(&self) -> Option<&Key> {
        match self {
            SigningKey::Borrowed(key) => Some(key),
            SigningKey::Active(set) => set.active(),
            SigningKey::None => None,
        }
    }
}

/// A key set that can be replaced while the manager serves
/// ([`JwtManager::update_keys`](crate::JwtManager::update_keys)).
///
/// Readers take the read lock for one synchronous verification (never across an `.await`), or
/// clone the `Arc` out of it for a signing; an update copies the set, changes and checks the
/// copy without any lock readers wait on, and publishes it with one pointer swap under the
/// write lock. Updates are serialized by their own mutex, so two concurrent updates cannot
/// lose each other's change. A poisoned lock is recovered ([`PoisonError::into_inner`]): the
/// value under it is always a complete set, because the only write is the swap.
pub(crate) struct LiveKeySet {
    current: RwLock<Arc<KeySet>>,
    updates: Mutex<()>,
}

impl LiveKeySet {
    /// A live set holding `keys`.
    pub(crate) fn new(keys: KeySet) -> Self {
        LiveKeySet {
            current: RwLock::new(Arc::new(keys)),
            updates: Mutex::new(()),
        }
    }

    /// The published set, under the read lock: hold it only for synchronous work.
    #[inline]
    pub(crate) fn read(&self) -> RwLockReadGuard<'_, Arc<KeySet>> {
        self.current.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// The published set, as a snapshot that outlives the lock.
    #[inline]
    pub(crate) fn snapshot(&self) -> Arc<KeySet> {
        Arc::clone(&self.read())
    }

    /// Applies `update` to a copy of the published set and publishes the copy when `update`
    /// and then `check` (given the published set and the copy) accept it. Concurrent updates
    /// run one after the other; readers are held up only by the final swap.
    pub(crate) fn update<E>(
        &self,
        update: impl FnOnce(&mut KeySet) -> Result<(), E>,
        check: impl FnOnce(&KeySet, &KeySet) -> Result<(), E>,
    ) -> Result<(), E> {
        // Poisoned by a panicking `update`: the published set was not touched, go on.
        let _serial = self.updates.lock().unwrap_or_else(PoisonError::into_inner);
        let current = self.snapshot();
        let mut next = KeySet::clone(&current);
        update(&mut next)?;
        check(&current, &next)?;
        let next = Arc::new(next);
        let previous = {
            let mut slot = self.current.write().unwrap_or_else(PoisonError::into_inner);
            std::mem::replace(&mut *slot, next)
        };
        // The old set (its keys' memory) is freed outside the lock, or by its last reader.
        drop(previous);
        drop(current);
        Ok(())
    }
}

#[cfg(test)]
impl LiveKeySet {
    /// The lock itself, for tests that poison it.
    pub(crate) fn current_for_tests(&self) -> &RwLock<Arc<KeySet>> {
        &self.current
    }
}

/// A clone is an independent live set holding the published set (a cloned builder builds a
/// manager whose updates do not reach the other's). A built manager's clones share one
/// `LiveKeySet` through the manager's `Arc` and never clone it.
impl Clone for LiveKeySet {
    fn clone(&self) -> Self {
        LiveKeySet {
            current: RwLock::new(self.snapshot()),
            updates: Mutex::new(()),
        }
    }
}

impl fmt::Debug for LiveKeySet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self.read(), f)
    }
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
    /// Replaceable while the manager serves ([`LiveKeySet`]).
    Set(LiveKeySet),
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
            // The read lock for this one synchronous verification: no `Arc` count change.
            VerifyKeys::Set(keys) => Ok(jwt_core::decode_with_at(
                token,
                &keys.read(),
                validation,
                now,
            )?),
            #[cfg(feature = "remote-jwks")]
            VerifyKeys::Remote(jwks) => jwks
                .verify_cached(token, validation, Some(now))
                .map_err(|miss| miss.error.into()),
            VerifyKeys::Missing => {
                refuse_malformed(token, validation)?;
                Err(JwtError::MissingVerificationKey { algorithm })
            }
        }
    }
}

/// When no key can verify (none configured, or remote keys not yet fetched), a token that is
/// malformed whatever the key is still the token's fault: flask-jwt-extended reads the token
/// unverified before it asks for the key, so that is a 422 there, not the 500 of the missing
/// key.
pub(crate) fn refuse_malformed(
    token: &[u8],
    validation: &Validation,
) -> Result<(), jwt_core::Error> {
    if token.len() > validation.max_token_len {
        return Err(jwt_core::Error::TokenTooLarge {
            len: token.len(),
            max: validation.max_token_len,
        });
    }
    jwt_core::decode_unverified(token).map(drop)
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
    /// Signing is the active key of the key set ([`key_set`](crate::JwtManagerBuilder::key_set)
    /// was the last to set the signing key): `signing` is then that key at build time, for the
    /// checks, and the manager signs with whatever key is active when it signs.
    pub(crate) signing_from_set: bool,
}

/// The first algorithm of `algorithms` that no key of `set` supports: an algorithm the set can
/// never verify.
pub(crate) fn unverifiable(set: &KeySet, algorithms: &[Algorithm]) -> Option<Algorithm> {
    algorithms
        .iter()
        .copied()
        .find(|&alg| !set.iter().any(|key| key.supports(alg)))
}

/// Why a key cannot be the signing key for `algorithm`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SigningDefect {
    /// A public key.
    CannotSign,
    /// A key of another family; what it is, for messages.
    WrongFamily(String),
}

/// Whether `key` can sign tokens of `algorithm`.
pub(crate) fn signing_defect(key: &Key, algorithm: Algorithm) -> Option<SigningDefect> {
    if !key.can_sign() {
        Some(SigningDefect::CannotSign)
    } else if !key.supports(algorithm) {
        Some(SigningDefect::WrongFamily(describe(key.family())))
    } else {
        None
    }
}

/// The option that names `algorithm`: `JWT_ALGORITHM` when it is the signing algorithm.
pub(crate) fn algorithm_option(config: &JwtConfig, algorithm: Algorithm) -> &'static str {
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
        let ProvidedKeys {
            signing,
            verify,
            signing_from_set,
        } = provided;
        // Signing follows the set's active key: no other key stands in when none is active.
        let from_set = signing_from_set && matches!(verify, Some((VerifyKeys::Set(_), _)));
        let (signing, verify) = if algorithm.is_hmac() {
            // JWT_SECRET_KEY, unless the builder gave keys for both roles.
            let secret = if (signing.is_none() && !from_set) || verify.is_none() {
                Some(hmac_key(config, algorithms)?)
            } else {
                None
            };
            let signing = match from_set {
                true => signing,
                false => signing.or_else(|| secret.clone().map(|key| (key, "JWT_SECRET_KEY"))),
            };
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
                None if from_set => None,
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
            match signing_defect(key, algorithm) {
                None => {}
                Some(SigningDefect::CannotSign) => {
                    return Err(ConfigError::SigningKeyCannotSign { key_option: source })
                }
                Some(SigningDefect::WrongFamily(found)) => {
                    return Err(ConfigError::AlgorithmKeyMismatch {
                        algorithm_option: "JWT_ALGORITHM",
                        algorithm,
                        key_option: source,
                        found,
                    })
                }
            }
        }
        let (verify, source) = verify;
        let mismatch = match &verify {
            VerifyKeys::Single(key) => algorithms
                .iter()
                .find(|&&alg| !key.supports(alg))
                .map(|&alg| (alg, describe(key.family()))),
            VerifyKeys::Set(keys) => unverifiable(&keys.read(), algorithms)
                .map(|alg| (alg, "a key set without a key for it".to_owned())),
            _ => None,
        };
        if let Some((alg, found)) = mismatch {
            return Err(ConfigError::AlgorithmKeyMismatch {
                algorithm_option: algorithm_option(config, alg),
                algorithm: alg,
                key_option: source,
                found,
            });
        }
        let signing = match (from_set, signing) {
            (true, _) => Signing::ActiveOfSet,
            (false, Some((key, _))) => Signing::Key(key),
            (false, None) => Signing::None,
        };
        Ok(Keys { signing, verify })
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
        let verify = VerifyKeys::Set(LiveKeySet::new(set));
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
            signing_from_set: false,
        };
        let keys = Keys::build(&config, &algs, provided, false, false).unwrap();
        assert!(matches!(keys.signing, Signing::Key(_)));
        config.secret_key = Some(SECRET.into());
        let keys = Keys::build(&config, &algs, ProvidedKeys::default(), false, false).unwrap();
        assert!(matches!(keys.verify, VerifyKeys::Single(_)));
    }
}
