//! What a decoded token must satisfy.

use std::sync::Arc;

use serde_json::Value;

use crate::{Algorithm, Claims, Clock, Error, NumericDate, SystemClock, UnixTime};

/// The default maximum token length: 16 KiB, well above what a cookie can carry.
pub const DEFAULT_MAX_TOKEN_LEN: usize = 16 * 1024;

/// Options for [`decode`](crate::decode). Every default is written beside its field and matches
/// flask-jwt-extended's, except where jwt-extended is stricter on purpose (noted).
///
/// ```
/// use jwt_core::{Algorithm, Validation};
/// let mut validation = Validation::new(Algorithm::HS256);
/// validation.leeway = 30;
/// validation.set_audience(["api"]);
/// assert_eq!(validation.algorithms, vec![Algorithm::HS256]);
/// ```
#[derive(Debug, Clone)]
pub struct Validation {
    /// The algorithms a token may use. Compared exactly with the header's `alg`; the token never
    /// chooses a verifier outside this list. Default: the one given to [`Validation::new`].
    pub algorithms: Vec<Algorithm>,
    /// Seconds of clock skew allowed for `exp`, `nbf` and `iat`. Default: 0.
    pub leeway: u64,
    /// Check `exp` when present. Default: true. (flask-jwt-extended's `allow_expired` turns it off.)
    pub validate_exp: bool,
    /// Check `nbf` when present. Default: true.
    pub validate_nbf: bool,
    /// Refuse an `iat` in the future, as PyJWT does. Default: true.
    pub validate_iat: bool,
    /// Claims that must be present (for example `"exp"`). Default: none; flask-jwt-extended
    /// issues tokens without `exp` when expiry is turned off.
    pub required_claims: Vec<String>,
    /// Accepted audiences. `None` (the default) means a token must carry **no** `aud`:
    /// stricter than flask-jwt-extended, which then ignores `aud` (RFC 7519 §4.1.3 says reject).
    pub audience: Option<Vec<String>>,
    /// Accepted issuers, compared exactly. Default: `None`, `iss` not checked.
    pub issuer: Option<Vec<String>>,
    /// Refuse a `sub` that is not a string (`JWT_VERIFY_SUB`). Default: true.
    pub verify_sub: bool,
    /// Require this `typ` header (case-insensitive, `application/` prefix ignored, RFC 8725
    /// §3.11). Default: `None`, not checked.
    pub typ: Option<String>,
    /// Longest token accepted, in bytes, checked before any decoding. Default:
    /// [`DEFAULT_MAX_TOKEN_LEN`] (flask-jwt-extended has no limit).
    pub max_token_len: usize,
    /// Where "now" comes from. Default: [`SystemClock`].
    pub clock: Arc<dyn Clock>,
}

impl Validation {
    /// Defaults for tokens signed with `algorithm`.
    pub fn new(algorithm: Algorithm) -> Self {
        Validation {
            algorithms: vec![algorithm],
            leeway: 0,
            validate_exp: true,
            validate_nbf: true,
            validate_iat: true,
            required_claims: Vec::new(),
            audience: None,
            issuer: None,
            verify_sub: true,
            typ: None,
            max_token_len: DEFAULT_MAX_TOKEN_LEN,
            clock: Arc::new(SystemClock),
        }
    }

    /// Accept tokens whose `aud` contains one of `audience`.
    pub fn set_audience<I, S>(&mut self, audience: I)
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.audience = Some(audience.into_iter().map(Into::into).collect());
    }

    /// Accept tokens whose `iss` is one of `issuer`.
    pub fn set_issuer<I, S>(&mut self, issuer: I)
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.issuer = Some(issuer.into_iter().map(Into::into).collect());
    }

    /// Use `clock` for "now".
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Checks the registered claims in PyJWT's order: required, `iat`, `nbf`, `exp`, `iss`,
    /// `aud`, `sub`, `jti`. The first failure wins.
    pub fn validate_claims(&self, claims: &Claims, now: UnixTime) -> Result<(), Error> {
        for name in &self.required_claims {
            if !claims.contains(name) {
                return Err(Error::MissingRequiredClaim(name.clone()));
            }
        }
        let now = now.secs();
        let leeway = i64::try_from(self.leeway).unwrap_or(i64::MAX);
        let latest = now.saturating_add(leeway);
        if let Some(iat) = claims.get("iat") {
            let iat = time_claim(iat, Error::IssuedAtInvalid)?;
            if self.validate_iat && iat > latest {
                return Err(Error::IssuedAtInFuture);
            }
        }
        if let Some(nbf) = claims.get("nbf") {
            let nbf = time_claim(nbf, Error::NotBeforeInvalid)?;
            if self.validate_nbf && nbf > latest {
                return Err(Error::NotYetValid);
            }
        }
        if let Some(exp) = claims.get("exp") {
            let exp = time_claim(exp, Error::ExpirationInvalid)?;
            if self.validate_exp && exp <= now.saturating_sub(leeway) {
                return Err(Error::Expired);
            }
        }
        if let Some(issuers) = &self.issuer {
            match claims.get("iss") {
                None => return Err(Error::IssuerMissing),
                Some(Value::String(iss)) => {
                    if !issuers.iter().any(|i| i == iss) {
                        return Err(Error::IssuerMismatch);
                    }
                }
                Some(_) => return Err(Error::IssuerInvalid),
            }
        }
        self.validate_audience(claims.get("aud"))?;
        let not_string = |claim: &Value| !claim.is_string();
        if self.verify_sub && claims.get("sub").is_some_and(not_string) {
            return Err(Error::SubjectInvalid);
        }
        if claims.get("jti").is_some_and(not_string) {
            return Err(Error::JwtIdInvalid);
        }
        Ok(())
    }

    fn validate_audience(&self, aud: Option<&Value>) -> Result<(), Error> {
        let (Some(expected), Some(aud)) = (&self.audience, aud) else {
            return match (&self.audience, aud) {
                (None, Some(_)) => Err(Error::AudienceUnexpected),
                (Some(_), None) => Err(Error::AudienceMissing),
                _ => Ok(()),
            };
        };
        let matches = |a: &str| expected.iter().any(|e| e == a);
        match aud {
            Value::String(one) if matches(one) => Ok(()),
            Value::String(_) => Err(Error::AudienceMismatch),
            // An empty array is well-formed and names no expected audience: a mismatch
            // (security.md §1.8, vector `constructed-aud-empty-array-expected`).
            Value::Array(many) if !many.iter().all(Value::is_string) => Err(Error::AudienceInvalid),
            Value::Array(many) => {
                if many.iter().filter_map(Value::as_str).any(matches) {
                    Ok(())
                } else {
                    Err(Error::AudienceMismatch)
                }
            }
            _ => Err(Error::AudienceInvalid),
        }
    }

    /// Whether the typ header satisfies [`Validation::typ`].
    pub(crate) fn typ_matches(&self, typ: Option<&str>) -> bool {
        fn normalize(t: &str) -> String {
            let lower = t.to_ascii_lowercase();
            match lower.strip_prefix("application/") {
                Some(rest) => rest.to_owned(),
                None => lower,
            }
        }
        match (&self.typ, typ) {
            (None, _) => true,
            (Some(want), Some(got)) => normalize(want) == normalize(got),
            (Some(_), None) => false,
        }
    }
}

impl Default for Validation {
    fn default() -> Self {
        Validation::new(Algorithm::HS256)
    }
}

/// A time claim's whole seconds, or `invalid` when it is not a JSON number.
fn time_claim(value: &Value, invalid: Error) -> Result<i64, Error> {
    NumericDate::from_value(value)
        .map(NumericDate::secs)
        .ok_or(invalid)
}
