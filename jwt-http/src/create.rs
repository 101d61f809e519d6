//! Making access and refresh tokens (`create_access_token`, `create_refresh_token`).

use std::time::Duration;

use jwt_core::Header;
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::{AudienceClaim, Expiry, Freshness, JwtError, JwtManager};

/// Whether a token is an access or a refresh token (the `type` claim).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenType {
    /// `"type": "access"`.
    Access,
    /// `"type": "refresh"`.
    Refresh,
}

impl TokenType {
    /// The claim value.
    pub const fn as_str(self) -> &'static str {
        match self {
            TokenType::Access => "access",
            TokenType::Refresh => "refresh",
        }
    }
}

/// Options for one new token; made by [`JwtManager::access_token`] or
/// [`JwtManager::refresh_token`], finished by [`create`](Self::create).
///
/// ```
/// use std::time::Duration;
/// use jwt_http::JwtManager;
/// let manager = JwtManager::builder().secret_key("a long random secret, 32 bytes or more").build()?;
/// let token = manager
///     .access_token("alice")
///     .fresh(Duration::from_secs(300))
///     .expires_in(Duration::from_secs(3600))
///     .claim("role", "admin")
///     .header("kid", "2026-11")
///     .create()?;
/// let data = manager.decode_token(&token, false)?;
/// assert_eq!(data.claims.get("role"), Some(&serde_json::json!("admin")));
/// assert_eq!(data.header.kid(), Some("2026-11"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
#[must_use = "call .create() to make the token"]
pub struct TokenBuilder<'m> {
    manager: &'m JwtManager,
    token_type: TokenType,
    identity: Result<Value, String>,
    fresh: Freshness,
    expires: Option<Expiry>,
    claims: Map<String, Value>,
    headers: Map<String, Value>,
}

impl<'m> TokenBuilder<'m> {
    pub(crate) fn new<I: Serialize>(
        manager: &'m JwtManager,
        token_type: TokenType,
        identity: I,
    ) -> Self {
        TokenBuilder {
            manager,
            token_type,
            identity: serde_json::to_value(identity).map_err(|e| e.to_string()),
            fresh: Freshness::No,
            expires: None,
            claims: Map::new(),
            headers: Map::new(),
        }
    }

    /// `fresh`: a bool, or a duration during which the token counts as fresh. Access tokens
    /// only; refresh tokens are never fresh.
    pub fn fresh(mut self, fresh: impl Into<Freshness>) -> Self {
        self.fresh = fresh.into();
        self
    }

    /// `expires_delta`: overrides the configured lifetime.
    pub fn expires(mut self, expires: Expiry) -> Self {
        self.expires = Some(expires);
        self
    }

    /// Expires `duration` after issue.
    pub fn expires_in(self, duration: Duration) -> Self {
        self.expires(Expiry::After(duration))
    }

    /// No `exp` claim.
    pub fn never_expires(self) -> Self {
        self.expires(Expiry::Never)
    }

    /// One additional claim. Additional claims are written last and override the reserved ones
    /// of the same name, as in flask-jwt-extended.
    pub fn claim(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.claims.insert(name.into(), value.into());
        self
    }

    /// `additional_claims`: several claims at once (later calls override earlier ones).
    pub fn additional_claims(mut self, claims: Map<String, Value>) -> Self {
        self.claims.extend(claims);
        self
    }

    /// One additional JOSE header member (`additional_headers`).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.headers.insert(name.into(), value.into());
        self
    }

    /// Signs the token.
    pub fn create(self) -> Result<String, JwtError> {
        let manager = self.manager;
        let config = manager.config();
        let callbacks = manager.callbacks();
        let given = self
            .identity
            .map_err(|e| JwtError::Create(jwt_core::Error::Serialize(e)))?;
        // Every loader sees the identity as given; the identity claim gets the transformed one.
        let mut additional = match &callbacks.additional_claims {
            Some(load) => load(&given),
            None => Map::new(),
        };
        additional.extend(self.claims);
        let mut headers = match &callbacks.additional_headers {
            Some(load) => load(&given),
            None => Map::new(),
        };
        headers.extend(self.headers);
        let encode_key = callbacks.encode_key.as_ref().map(|load| load(&given));
        let identity = match &callbacks.user_identity {
            Some(load) => load(&given),
            None => given,
        };
        let now = manager.now();
        let iat = now.secs();
        let fresh = match (self.token_type, self.fresh) {
            (TokenType::Refresh, _) | (_, Freshness::No) => Value::Bool(false),
            (TokenType::Access, Freshness::Yes) => Value::Bool(true),
            (TokenType::Access, Freshness::For(d)) => {
                let until = ((now.as_secs_f64() + d.as_secs_f64()) * 1e6).round() / 1e6;
                serde_json::Number::from_f64(until).map_or(Value::Bool(false), Value::Number)
            }
        };
        let expires = self.expires.unwrap_or(match self.token_type {
            TokenType::Access => config.access_token_expires,
            TokenType::Refresh => config.refresh_token_expires,
        });
        let exp = match expires {
            Expiry::Never => None,
            Expiry::After(d) if d.is_zero() => None,
            Expiry::After(d) => {
                Some(iat.saturating_add(i64::try_from(d.as_secs()).unwrap_or(i64::MAX)))
            }
        };
        // `jti` and `csrf` from one draw of the userspace generator.
        let (jti, csrf) = if config.cookie_csrf_protect {
            let (jti, csrf) = jwt_core::uuid4_pair().map_err(JwtError::Create)?;
            (jti, Some(csrf))
        } else {
            (jwt_core::uuid4().map_err(JwtError::Create)?, None)
        };
        let claims = FlaskClaims {
            fresh,
            iat,
            jti,
            token_type: self.token_type.as_str(),
            identity_claim: &config.identity_claim,
            identity,
            nbf: config.encode_nbf.then_some(iat),
            csrf,
            aud: config.encode_audience.as_ref(),
            iss: config.encode_issuer.as_deref(),
            exp,
            additional: &additional,
        };
        let mut header = Header::new(manager.algorithm());
        for (name, value) in headers {
            header.insert(name, value).map_err(JwtError::Create)?;
        }
        let key = encode_key.as_ref().unwrap_or(manager.key());
        jwt_core::encode(&header, &claims, key).map_err(JwtError::Create)
    }
}

/// flask-jwt-extended's claim layout and order: fresh, iat, jti, type, identity, nbf, csrf,
/// aud, iss, exp, then the additional claims, which replace reserved claims in place.
struct FlaskClaims<'a> {
    fresh: Value,
    iat: i64,
    jti: String,
    token_type: &'static str,
    identity_claim: &'a str,
    identity: Value,
    nbf: Option<i64>,
    csrf: Option<String>,
    aud: Option<&'a AudienceClaim>,
    iss: Option<&'a str>,
    exp: Option<i64>,
    additional: &'a Map<String, Value>,
}

impl Serialize for FlaskClaims<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        let mut written: [&str; 10] = [""; 10];
        let mut n = 0;
        macro_rules! entry {
            ($name:expr, $value:expr) => {{
                let name: &str = $name;
                written[n] = name;
                n += 1;
                match self.additional.get(name) {
                    Some(replacement) => map.serialize_entry(name, replacement)?,
                    None => map.serialize_entry(name, $value)?,
                }
            }};
        }
        entry!("fresh", &self.fresh);
        entry!("iat", &self.iat);
        entry!("jti", &self.jti);
        entry!("type", self.token_type);
        entry!(self.identity_claim, &self.identity);
        if let Some(nbf) = &self.nbf {
            entry!("nbf", nbf);
        }
        if let Some(csrf) = &self.csrf {
            entry!("csrf", csrf);
        }
        if let Some(aud) = self.aud {
            entry!("aud", aud);
        }
        if let Some(iss) = self.iss {
            entry!("iss", iss);
        }
        if let Some(exp) = &self.exp {
            entry!("exp", exp);
        }
        let written = &written[..n];
        for (name, value) in self.additional {
            if !written.contains(&name.as_str()) {
                map.serialize_entry(name, value)?;
            }
        }
        map.end()
    }
}
