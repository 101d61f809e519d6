//! Rotating the keys of a running manager: [`JwtManager::update_keys`] changes the key set a
//! manager was built with ([`key_set`](crate::JwtManagerBuilder::key_set)), for every clone of
//! the manager at once; [`JwtManager::public_jwks`] is what the manager's JWKS route serves.
//!
//! An update is applied to a copy of the published set, checked as the builder checks a set
//! (every algorithm of `JWT_ALGORITHM`/`JWT_DECODE_ALGORITHMS` still has a key; the active key
//! signs `JWT_ALGORITHM`), and published with one pointer swap ([`LiveKeySet`]): a request
//! verifies with the set before the update or the one after, never with half of one.

use std::fmt;

use jwt_core::{Algorithm, KeySet, KeySetError};

use super::keys::{
    algorithm_option, signing_defect, unverifiable, LiveKeySet, Signing, SigningDefect, VerifyKeys,
};
use crate::JwtManager;

/// Why [`JwtManager::update_keys`] did not change the keys. The keys in use are unchanged.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyRotationError {
    /// The manager was not built with a key set
    /// ([`key_set`](crate::JwtManagerBuilder::key_set)): its keys are fixed; build a new
    /// manager to change them.
    NotAKeySet,
    /// The update function refused the change (a duplicate or unknown `kid`, an HMAC key
    /// without `kid`, a public key made active, ...).
    KeySet(KeySetError),
    /// No key of the updated set supports `algorithm`, which `option` allows: tokens of it
    /// could never verify (the builder refuses such a set too).
    NoVerificationKey {
        /// The algorithm left without a key.
        algorithm: Algorithm,
        /// `JWT_ALGORITHM` or `JWT_DECODE_ALGORITHMS`.
        option: &'static str,
    },
    /// The updated set's active key cannot sign `JWT_ALGORITHM` (a key of another family).
    ActiveKeyMismatch {
        /// The active key's `kid`.
        kid: String,
        /// `JWT_ALGORITHM`.
        algorithm: Algorithm,
        /// What the key is (`a P-256 EC key`, `an Ed25519 key`, ...).
        found: String,
    },
    /// The update leaves the set without an active key, where it had one: every token
    /// creation would fail. Activate the next key in the same update.
    NoActiveKey {
        /// The `kid` of the key that was active.
        previous: String,
    },
}

impl fmt::Display for KeyRotationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyRotationError::NotAKeySet => f.write_str(
                "the manager was not built with JwtManagerBuilder::key_set; its keys cannot be \
                 updated",
            ),
            KeyRotationError::KeySet(error) => write!(f, "key set update refused: {error}"),
            KeyRotationError::NoVerificationKey { algorithm, option } => write!(
                f,
                "{option} has {algorithm}, which no key of the updated key set supports; the \
                 update was not applied"
            ),
            KeyRotationError::ActiveKeyMismatch {
                kid,
                algorithm,
                found,
            } => write!(
                f,
                "the updated key set's active key {kid:?} ({found}) cannot sign JWT_ALGORITHM \
                 {algorithm}; the update was not applied"
            ),
            KeyRotationError::NoActiveKey { previous } => write!(
                f,
                "the update leaves no active key (the key {previous:?} was active), so no \
                 token could be created; activate another key in the same update; the update \
                 was not applied"
            ),
        }
    }
}

impl std::error::Error for KeyRotationError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            KeyRotationError::KeySet(error) => Some(error),
            _ => None,
        }
    }
}

impl JwtManager {
    /// Changes the key set of a running manager (one built with
    /// [`key_set`](crate::JwtManagerBuilder::key_set)): `f` gets a copy of the current set, and
    /// the changed copy replaces it atomically once checked. Signing (the set's active key) and
    /// verification follow at once, in every clone of this manager, the process-wide default
    /// installed with [`install_default`](Self::install_default) included: they share the
    /// keys. A request being verified finishes with the set it started with.
    ///
    /// Rotation, as [`KeySet`] describes it: insert the new key (and publish it, if others
    /// verify from your JWKS: [`public_jwks`](Self::public_jwks)), activate it, and retire the
    /// old one once the longest-lived token it signed has expired. Until then tokens of both
    /// verify; after, the old key's tokens are refused with 422 `Unable to find a signing key
    /// that matches: "<kid>"`.
    ///
    /// Refused, leaving the keys unchanged:
    /// - a manager without a key set: [`KeyRotationError::NotAKeySet`];
    /// - an error of `f`: [`KeyRotationError::KeySet`];
    /// - a set with no key for an algorithm of `JWT_ALGORITHM`/`JWT_DECODE_ALGORITHMS`, as the
    ///   builder refuses it: [`KeyRotationError::NoVerificationKey`];
    /// - an active key that cannot sign `JWT_ALGORITHM`: [`KeyRotationError::ActiveKeyMismatch`];
    /// - a set left without an active key when it had one: [`KeyRotationError::NoActiveKey`]
    ///   (a live service would fail every token creation with a 500). A set that had no active
    ///   key (a verifier's: public keys only) may stay without one; creating a token then fails
    ///   with [`JwtError::MissingSigningKey`](crate::JwtError::MissingSigningKey), as with only a
    ///   public key.
    ///
    /// When a [`signing_key`](crate::JwtManagerBuilder::signing_key) was given after the key
    /// set, that key keeps signing and the update changes verification only.
    ///
    /// Updates are serialized; `f` runs without holding up requests (only the final pointer
    /// swap does), so it may be slow, but generate keys before calling, not inside `f`, to keep
    /// concurrent updates short. A panic in `f` changes nothing. `f` must not call
    /// `update_keys` on this manager (or a clone): the update lock is held while it runs, so
    /// that would wait for itself.
    ///
    /// ```
    /// use jwt_core::{Algorithm, Key, KeySet};
    /// use jwt_http::JwtManager;
    /// let mut keys = KeySet::new();
    /// keys.insert(Key::new(Algorithm::HS256, [1u8; 32])?.with_kid("2026-11"))?;
    /// let manager = JwtManager::builder().key_set(keys).build()?;
    /// let old = manager.create_access_token("alice")?;
    ///
    /// // Rotate: the new key signs from now on, the old one still verifies.
    /// let next = Key::new(Algorithm::HS256, [2u8; 32])?.with_kid("2026-12");
    /// manager.update_keys(|keys| {
    ///     keys.insert(next)?;
    ///     keys.activate("2026-12")
    /// })?;
    /// let new = manager.create_access_token("alice")?;
    /// assert_eq!(manager.decode_token(&new, false)?.header.kid(), Some("2026-12"));
    /// assert!(manager.decode_token(&old, false).is_ok());
    ///
    /// // Once the old key's tokens have expired: retire it.
    /// manager.update_keys(|keys| {
    ///     keys.retire("2026-11");
    ///     Ok(())
    /// })?;
    /// assert_eq!(
    ///     manager.decode_token(&old, false).unwrap_err().to_string(),
    ///     "Unable to find a signing key that matches: \"2026-11\""
    /// );
    /// // Retiring the active key without activating another is refused.
    /// assert!(manager.update_keys(|keys| { keys.retire("2026-12"); Ok(()) }).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn update_keys(
        &self,
        f: impl FnOnce(&mut KeySet) -> Result<(), KeySetError>,
    ) -> Result<(), KeyRotationError> {
        let keys = &self.inner.keys;
        let VerifyKeys::Set(live) = &keys.verify else {
            return Err(KeyRotationError::NotAKeySet);
        };
        let signs_with_set = matches!(keys.signing, Signing::ActiveOfSet);
        let config = &self.inner.config;
        let algorithms = &self.inner.validation.algorithms;
        update(live, f, |current, next| {
            if let Some(algorithm) = unverifiable(next, algorithms) {
                return Err(KeyRotationError::NoVerificationKey {
                    algorithm,
                    option: algorithm_option(config, algorithm),
                });
            }
            if !signs_with_set {
                return Ok(());
            }
            match (current.active(), next.active()) {
                (_, Some(key)) => match signing_defect(key, config.algorithm) {
                    None => Ok(()),
                    Some(defect) => Err(KeyRotationError::ActiveKeyMismatch {
                        kid: key.kid().unwrap_or_default().to_owned(),
                        algorithm: config.algorithm,
                        found: match defect {
                            // A set's active key always signs; kept for completeness.
                            SigningDefect::CannotSign => "a public key".to_owned(),
                            SigningDefect::WrongFamily(found) => found,
                        },
                    }),
                },
                (Some(previous), None) => Err(KeyRotationError::NoActiveKey {
                    previous: previous.kid().unwrap_or_default().to_owned(),
                }),
                (None, None) => Ok(()),
            }
        })
    }

    /// The public JWK Set (RFC 7517) of the keys this manager verifies with now, for an auth
    /// service's `/.well-known/jwks.json` (serve it as `application/jwk-set+json`; read it on
    /// each request, or after each [`update_keys`](Self::update_keys), so a rotation shows up
    /// there). Feature `asymmetric`.
    ///
    /// - a key set: [`KeySet::public_jwks`], the public halves of its asymmetric keys (HMAC
    ///   keys are left out; a set of HMAC keys only gives an empty set);
    /// - one asymmetric verification key (`JWT_PUBLIC_KEY`, `JWT_PRIVATE_KEY`'s public half,
    ///   [`verification_key`](crate::JwtManagerBuilder::verification_key)): that key's public
    ///   JWK (its `kid` only if it has one; its tokens carry none either);
    /// - an HMAC secret, keys fetched from a remote JWKS, or no verification key: `None`.
    ///
    /// No private member is ever written.
    ///
    /// ```
    /// # #[cfg(feature = "asymmetric")] {
    /// use jwt_core::{Algorithm, Key, KeySet};
    /// use jwt_http::JwtManager;
    /// let mut keys = KeySet::new();
    /// keys.insert(Key::generate(Algorithm::ES256)?)?;
    /// let manager = JwtManager::builder().algorithm(Algorithm::ES256).key_set(keys).build()?;
    /// let before = manager.public_jwks().expect("a key set");
    /// assert_eq!(before.keys.len(), 1);
    ///
    /// let next = Key::generate(Algorithm::ES256)?;
    /// let kid = next.thumbprint().expect("an asymmetric key");
    /// manager.update_keys(|keys| {
    ///     keys.insert(next)?;
    ///     keys.activate(&kid)
    /// })?;
    /// let after = manager.public_jwks().expect("a key set");
    /// assert_eq!(after.keys.len(), 2);
    /// assert!(after.to_json().contains(&kid));
    /// # }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[cfg(feature = "asymmetric")]
    pub fn public_jwks(&self) -> Option<jwt_core::JwkSet> {
        match &self.inner.keys.verify {
            VerifyKeys::Set(live) => Some(live.read().public_jwks()),
            VerifyKeys::Single(key) => key.to_public_jwk().map(|jwk| jwt_core::JwkSet {
                keys: vec![jwk],
                skipped: 0,
            }),
            _ => None,
        }
    }
}

/// [`LiveKeySet::update`] with `f`'s error made a [`KeyRotationError`].
fn update(
    live: &LiveKeySet,
    f: impl FnOnce(&mut KeySet) -> Result<(), KeySetError>,
    check: impl FnOnce(&KeySet, &KeySet) -> Result<(), KeyRotationError>,
) -> Result<(), KeyRotationError> {
    live.update(|set| f(set).map_err(KeyRotationError::KeySet), check)
}

#[cfg(test)]
mod tests {
    use std::panic::{catch_unwind, AssertUnwindSafe};

    use jwt_core::Key;

    use super::*;
    use crate::JwtError;

    fn hmac(kid: &str, byte: u8) -> Key {
        Key::new(Algorithm::HS256, [byte; 32])
            .unwrap()
            .with_kid(kid)
    }

    fn manager() -> JwtManager {
        let mut keys = KeySet::new();
        keys.insert(hmac("a", 1)).unwrap();
        JwtManager::builder().key_set(keys).build().unwrap()
    }

    #[test]
    fn a_poisoned_lock_does_not_panic() {
        let manager = manager();
        let token = manager.create_access_token("alice").unwrap();
        let VerifyKeys::Set(live) = &manager.inner.keys.verify else {
            panic!("a key set");
        };
        // A panic while the write lock is held poisons it.
        let _ = catch_unwind(AssertUnwindSafe(|| {
            let _guard = live.current_for_tests().write().unwrap();
            panic!("poisoning the key set's lock");
        }));
        assert!(live.current_for_tests().is_poisoned());
        // Reads, signing and updates go on with the value under the lock.
        assert!(manager.decode_token(&token, false).is_ok());
        manager
            .update_keys(|keys| {
                keys.insert(hmac("b", 2))?;
                keys.activate("b")
            })
            .unwrap();
        let new = manager.create_access_token("alice").unwrap();
        assert_eq!(
            manager.decode_token(&new, false).unwrap().header.kid(),
            Some("b")
        );
        assert!(manager.decode_token(&token, false).is_ok());
    }

    #[test]
    fn a_panicking_update_changes_nothing_and_later_updates_work() {
        let manager = manager();
        let token = manager.create_access_token("alice").unwrap();
        let panicked = catch_unwind(AssertUnwindSafe(|| {
            manager.update_keys(|keys| {
                keys.retire("a");
                panic!("an update that panics");
            })
        }));
        assert!(panicked.is_err());
        assert!(manager.decode_token(&token, false).is_ok());
        manager
            .update_keys(|keys| keys.insert(hmac("b", 2)).map(|_| ()))
            .unwrap();
        assert!(manager.decode_token(&token, false).is_ok());
    }

    #[test]
    fn refused_updates_leave_the_keys_unchanged() {
        let manager = manager();
        let token = manager.create_access_token("alice").unwrap();
        assert_eq!(
            manager.update_keys(|keys| keys.activate("zz")),
            Err(KeyRotationError::KeySet(KeySetError::UnknownKid(
                "zz".into()
            )))
        );
        let err = manager
            .update_keys(|keys| {
                keys.retire("a");
                Ok(())
            })
            .unwrap_err();
        assert_eq!(
            err,
            KeyRotationError::NoVerificationKey {
                algorithm: Algorithm::HS256,
                option: "JWT_ALGORITHM"
            }
        );
        assert_eq!(
            err.to_string(),
            "JWT_ALGORITHM has HS256, which no key of the updated key set supports; the update \
             was not applied"
        );
        // A second key, then the active one retired without another activated.
        manager
            .update_keys(|keys| keys.insert(hmac("b", 2)).map(|_| ()))
            .unwrap();
        assert_eq!(
            manager.update_keys(|keys| {
                keys.retire("a");
                Ok(())
            }),
            Err(KeyRotationError::NoActiveKey {
                previous: "a".into()
            })
        );
        assert!(manager.decode_token(&token, false).is_ok());
        assert_eq!(
            manager
                .decode_token(manager.create_access_token("bob").unwrap(), false)
                .unwrap()
                .header
                .kid(),
            Some("a")
        );
        // Without a key set there is nothing to update.
        let single = JwtManager::builder()
            .secret_key("a long random secret, 32 bytes or more")
            .build()
            .unwrap();
        let err = single.update_keys(|_| Ok(())).unwrap_err();
        assert_eq!(err, KeyRotationError::NotAKeySet);
        assert!(err.to_string().contains("key_set"));
    }

    #[test]
    fn an_explicit_signing_key_keeps_signing() {
        let mut keys = KeySet::new();
        keys.insert(hmac("a", 1)).unwrap();
        let manager = JwtManager::builder()
            .key_set(keys)
            .signing_key(hmac("a", 1))
            .build()
            .unwrap();
        manager
            .update_keys(|keys| {
                keys.insert(hmac("b", 2))?;
                keys.activate("b")?;
                keys.retire("a");
                Ok(())
            })
            .unwrap();
        // Still signed by the builder's key, which the set no longer verifies.
        let token = manager.create_access_token("alice").unwrap();
        assert!(matches!(
            manager.decode_token(&token, false),
            Err(JwtError::InvalidToken(jwt_core::Error::UnknownKeyId(_)))
        ));
    }

    #[test]
    fn clones_share_the_update() {
        let manager = manager();
        let clone = manager.clone();
        manager
            .update_keys(|keys| {
                keys.insert(hmac("b", 2))?;
                keys.activate("b")
            })
            .unwrap();
        let token = clone.create_access_token("alice").unwrap();
        assert_eq!(
            manager.decode_token(&token, false).unwrap().header.kid(),
            Some("b")
        );
    }
}
