//! Key sets: several keys by `kid`, one of them active for signing, for rotation.
//!
//! Hand-written: the selection rule is the security decision. A token's `kid` is untrusted
//! input; it selects among the application's own keys only (never `jwk`/`jku`/`x5u`/`x5c`,
//! RFC 8725 §3.10), and a token without `kid` is accepted only where exactly one key could have
//! signed it, or by a key named for that purpose ([`MissingKid`]).

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use serde::Serialize;

use crate::{decode, Algorithm, Claims, Error, Header, Key, TokenData, UnixTime, Validation};

/// The longest `kid` looked up; a longer one is refused as unknown without a lookup.
pub const MAX_KID_LEN: usize = 256;

/// What a [`KeySet`] does with a token that has no `kid`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum MissingKid {
    /// Verify it only when exactly one key of the set supports its `alg` (the default; PyJWT's
    /// `PyJWKClient` rule and OpenID Connect Core §10.1). A single-key set keeps accepting the
    /// kid-less tokens flask-jwt-extended writes; a set with several candidate keys refuses
    /// them, rather than try each key (which multiplies an attacker's signature work) or
    /// silently pick the active one (whose meaning changes at every rotation).
    #[default]
    OnlyKey,
    /// Verify it with the key of this `kid`: the key tokens were signed with before kids were
    /// written. Retiring that key ends kid-less acceptance.
    Legacy(Arc<str>),
    /// Refuse every token without `kid`.
    Refuse,
}

/// Why a key could not be added to, activated in, or found in a [`KeySet`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeySetError {
    /// Another key of the set has this `kid`.
    DuplicateKid(String),
    /// An HMAC key needs an explicit `kid` ([`Key::with_kid`]): it has no thumbprint.
    KidRequired,
    /// No key of the set has this `kid`.
    UnknownKid(String),
    /// The key cannot sign (a public key), so it cannot be the active key.
    CannotSign(String),
    /// The `kid` is empty or longer than [`MAX_KID_LEN`] bytes.
    InvalidKid,
}

impl fmt::Display for KeySetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeySetError::DuplicateKid(kid) => write!(f, "the key set already has kid {kid:?}"),
            KeySetError::KidRequired => {
                f.write_str("an HMAC key needs a kid (Key::with_kid) to join a key set")
            }
            KeySetError::UnknownKid(kid) => write!(f, "the key set has no key with kid {kid:?}"),
            KeySetError::CannotSign(kid) => {
                write!(
                    f,
                    "the key {kid:?} is a public key and cannot be the signing key"
                )
            }
            KeySetError::InvalidKid => write!(f, "a kid is 1 to {MAX_KID_LEN} bytes"),
        }
    }
}

impl std::error::Error for KeySetError {}

/// Keys by `kid`, one of them active for signing.
///
/// Rotation: [`insert`](KeySet::insert) the new key (publish it, if others verify from your
/// JWKS), [`activate`](KeySet::activate) it, and [`retire`](KeySet::retire) the old one once
/// the longest-lived token it signed has expired. Until then tokens of both verify; after, the
/// old key's tokens are refused with [`Error::UnknownKeyId`] (422).
///
/// ```
/// use jwt_core::{decode_with, encode_with, Algorithm, Error, Header, Key, KeySet, Validation};
/// let old = Key::new(Algorithm::HS256, [1u8; 32])?.with_kid("2026-11");
/// let new = Key::new(Algorithm::HS256, [2u8; 32])?.with_kid("2026-12");
/// let mut keys = KeySet::new();
/// keys.insert(old)?;
/// keys.activate("2026-11")?;
/// let claims = serde_json::json!({"sub": "alice"});
/// let before = encode_with(&Header::new(Algorithm::HS256), &claims, &keys)?;
///
/// keys.insert(new)?;
/// keys.activate("2026-12")?;
/// let after = encode_with(&Header::new(Algorithm::HS256), &claims, &keys)?;
/// let validation = Validation::new(Algorithm::HS256);
/// assert!(decode_with(&before, &keys, &validation).is_ok());
/// assert!(decode_with(&after, &keys, &validation).is_ok());
///
/// keys.retire("2026-11");
/// assert!(matches!(decode_with(&before, &keys, &validation), Err(Error::UnknownKeyId(_))));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Default)]
pub struct KeySet {
    keys: Vec<Key>,
    by_kid: HashMap<Arc<str>, usize>,
    active: Option<Arc<str>>,
    missing_kid: MissingKid,
}

impl fmt::Debug for KeySet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeySet")
            .field("keys", &self.keys)
            .field("active", &self.active)
            .field("missing_kid", &self.missing_kid)
            .finish()
    }
}

impl KeySet {
    /// An empty set.
    pub fn new() -> Self {
        KeySet::default()
    }

    /// Adds `key`. Its `kid` is the one it carries or, for an asymmetric key without one, its
    /// RFC 7638 thumbprint. The first key that can sign becomes the active one.
    pub fn insert(&mut self, key: Key) -> Result<&mut Self, KeySetError> {
        let key = match key.kid() {
            Some(_) => key,
            None => match thumbprint(&key) {
                Some(kid) => key.with_kid(kid),
                None => return Err(KeySetError::KidRequired),
            },
        };
        let kid: Arc<str> = Arc::from(key.kid().unwrap_or_default());
        if kid.is_empty() || kid.len() > MAX_KID_LEN {
            return Err(KeySetError::InvalidKid);
        }
        if self.by_kid.contains_key(&kid) {
            return Err(KeySetError::DuplicateKid(kid.to_string()));
        }
        if self.active.is_none() && key.can_sign() {
            self.active = Some(kid.clone());
        }
        self.by_kid.insert(kid, self.keys.len());
        self.keys.push(key);
        Ok(self)
    }

    /// Makes the key of `kid` the one [`encode_with`] signs with.
    pub fn activate(&mut self, kid: &str) -> Result<(), KeySetError> {
        let key = self
            .get(kid)
            .ok_or_else(|| KeySetError::UnknownKid(kid.to_owned()))?;
        if !key.can_sign() {
            return Err(KeySetError::CannotSign(kid.to_owned()));
        }
        self.active = Some(Arc::from(kid));
        Ok(())
    }

    /// Removes the key of `kid`; tokens it signed are refused from now on. Retiring the active
    /// key leaves the set without one until another is activated.
    pub fn retire(&mut self, kid: &str) -> Option<Key> {
        let index = self.by_kid.remove(kid)?;
        let key = self.keys.remove(index);
        for position in self.by_kid.values_mut() {
            if *position > index {
                *position -= 1;
            }
        }
        if self.active.as_deref() == Some(kid) {
            self.active = None;
        }
        Some(key)
    }

    /// Sets what happens to tokens without `kid` (default [`MissingKid::OnlyKey`]).
    pub fn set_missing_kid(&mut self, rule: MissingKid) -> &mut Self {
        self.missing_kid = rule;
        self
    }

    /// The rule for tokens without `kid`.
    pub fn missing_kid(&self) -> &MissingKid {
        &self.missing_kid
    }

    /// The signing key, if one is active.
    pub fn active(&self) -> Option<&Key> {
        self.get(self.active.as_deref()?)
    }

    /// The key of `kid`.
    pub fn get(&self, kid: &str) -> Option<&Key> {
        self.keys.get(*self.by_kid.get(kid)?)
    }

    /// The keys, in the order they were added.
    pub fn iter(&self) -> impl Iterator<Item = &Key> {
        self.keys.iter()
    }

    /// How many keys the set holds.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether the set holds no key.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The key that may verify a token with this header: by `kid`, or by the [`MissingKid`]
    /// rule. [`Error::UnknownKeyId`] for a `kid` the set does not hold (or longer than
    /// [`MAX_KID_LEN`]), [`Error::MissingKeyId`] when the rule refuses a kid-less token, and
    /// [`Error::AlgorithmNotAllowed`] when the key is not for the header's `alg`.
    pub fn select(&self, header: &Header) -> Result<&Key, Error> {
        let key = match header.kid() {
            // The error holds at most 65 characters: its message echoes 64, then `...`.
            Some(kid) if kid.len() > MAX_KID_LEN => {
                return Err(Error::UnknownKeyId(crate::error::bounded(kid)))
            }
            Some(kid) => self
                .get(kid)
                .ok_or_else(|| Error::UnknownKeyId(crate::error::bounded(kid)))?,
            None => self.select_without_kid(header.alg())?,
        };
        if key.supports(header.alg()) {
            Ok(key)
        } else {
            Err(Error::AlgorithmNotAllowed)
        }
    }

    fn select_without_kid(&self, alg: Algorithm) -> Result<&Key, Error> {
        match &self.missing_kid {
            MissingKid::Refuse => Err(Error::MissingKeyId),
            MissingKid::Legacy(kid) => self.get(kid).ok_or(Error::MissingKeyId),
            MissingKid::OnlyKey => {
                let mut fitting = self.keys.iter().filter(|key| key.supports(alg));
                match (fitting.next(), fitting.next()) {
                    (Some(key), None) => Ok(key),
                    (None, _) => Err(Error::AlgorithmNotAllowed),
                    (Some(_), Some(_)) => Err(Error::MissingKeyId),
                }
            }
        }
    }

    /// The public halves of the set's asymmetric keys as a JWK Set, for
    /// `/.well-known/jwks.json`. HMAC keys and every private parameter are left out.
    #[cfg(feature = "asymmetric")]
    pub fn public_jwks(&self) -> crate::JwkSet {
        crate::JwkSet {
            keys: self.keys.iter().filter_map(Key::to_public_jwk).collect(),
            skipped: 0,
        }
    }
}

#[cfg(feature = "asymmetric")]
fn thumbprint(key: &Key) -> Option<String> {
    key.thumbprint()
}

#[cfg(not(feature = "asymmetric"))]
fn thumbprint(_key: &Key) -> Option<String> {
    None
}

/// Signs `claims` with the set's active key, writing its `kid` into the header.
/// [`Error::KeyCannotSign`] when no key is active.
pub fn encode_with<C: Serialize + ?Sized>(
    header: &Header,
    claims: &C,
    keys: &KeySet,
) -> Result<String, Error> {
    let key = keys.active().ok_or(Error::KeyCannotSign)?;
    crate::encode(header, claims, key)
}

/// Verifies `token` with the key of the set its header selects ([`KeySet::select`]), then
/// decodes and validates it as [`decode`](crate::decode) does. The header is parsed once.
pub fn decode_with(
    token: impl AsRef<[u8]>,
    keys: &KeySet,
    validation: &Validation,
) -> Result<TokenData<Claims>, Error> {
    decode::decode_selecting(
        token.as_ref(),
        |header| keys.select(header),
        validation,
        None,
    )
}

/// [`decode_with`] with "now" given.
pub fn decode_with_at(
    token: impl AsRef<[u8]>,
    keys: &KeySet,
    validation: &Validation,
    now: UnixTime,
) -> Result<TokenData<Claims>, Error> {
    decode::decode_selecting(
        token.as_ref(),
        |header| keys.select(header),
        validation,
        Some(now),
    )
}
