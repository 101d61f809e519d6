//! Making access and refresh tokens (`create_access_token`, `create_refresh_token`).

use std::time::Duration;

use jwt_core::{ClaimsWriter, Header};
use serde::Serialize;
use serde_json::{Map, Value};

use super::IdentityLoader;
use crate::json_kind;
use crate::{Expiry, Freshness, JwtError, JwtManager};

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

impl JwtManager {
    /// A new access token for `identity` with the configured lifetime:
    /// flask-jwt-extended's `create_access_token(identity)`. For options see
    /// [`access_token`](Self::access_token).
    ///
    /// ```
    /// use jwt_http::JwtManager;
    /// let manager = JwtManager::builder().secret_key("a long random secret, 32 bytes or more").build()?;
    /// let token = manager.create_access_token("alice")?;
    /// let decoded = manager.decode_token(&token, false)?;
    /// assert_eq!(decoded.claims.sub(), Some("alice"));
    /// assert_eq!(decoded.claims.token_type(), "access");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn create_access_token<I: Serialize>(&self, identity: I) -> Result<String, JwtError> {
        self.access_token(identity).create()
    }

    /// A new refresh token for `identity`: `create_refresh_token(identity)`.
    pub fn create_refresh_token<I: Serialize>(&self, identity: I) -> Result<String, JwtError> {
        self.refresh_token(identity).create()
    }

    /// An access token with options (fresh, expiry, additional claims and headers).
    pub fn access_token<I: Serialize>(&self, identity: I) -> TokenBuilder<'_, I> {
        TokenBuilder::new(self, TokenType::Access, identity)
    }

    /// A refresh token with options (expiry, additional claims and headers).
    pub fn refresh_token<I: Serialize>(&self, identity: I) -> TokenBuilder<'_, I> {
        TokenBuilder::new(self, TokenType::Refresh, identity)
    }
}

/// Options for one new token; made by [`JwtManager::access_token`] or
/// [`JwtManager::refresh_token`], finished by [`create`](Self::create).
///
/// `I` is the identity's type. The identity is serialized once, straight into the identity
/// claim (a struct keeps its field order, as a Python dict keeps its keys'); only when a loader
/// that takes the identity is registered is it also made a [`Value`] for the loaders.
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
pub struct TokenBuilder<'m, I = Value> {
    manager: &'m JwtManager,
    token_type: TokenType,
    // Kept as given: written straight into the payload, made a `Value` only for the loaders.
    identity: I,
    fresh: Freshness,
    expires: Option<Expiry>,
    // `None` until used: most tokens have neither, and an empty map still costs its drop.
    claims: Option<Map<String, Value>>,
    headers: Option<Map<String, Value>>,
}

impl<'m, I: Serialize> TokenBuilder<'m, I> {
    pub(crate) fn new(manager: &'m JwtManager, token_type: TokenType, identity: I) -> Self {
        TokenBuilder {
            manager,
            token_type,
            identity,
            fresh: Freshness::No,
            expires: None,
            claims: None,
            headers: None,
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
        self.claims
            .get_or_insert_with(Map::new)
            .insert(name.into(), value.into());
        self
    }

    /// `additional_claims`: several claims at once (later calls override earlier ones).
    pub fn additional_claims(mut self, claims: Map<String, Value>) -> Self {
        self.claims.get_or_insert_with(Map::new).extend(claims);
        self
    }

    /// One additional JOSE header member (`additional_headers`).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.headers
            .get_or_insert_with(Map::new)
            .insert(name.into(), value.into());
        self
    }

    /// Signs the token.
    pub fn create(mut self) -> Result<String, JwtError> {
        let callbacks = self.manager.callbacks();
        if !callbacks.needs_identity_value() {
            // No loader: nothing to merge, nothing owned to drop on the way.
            return self.sign(Loaded {
                claims: self.claims.as_ref(),
                headers: self.headers.as_ref(),
                encode_key: None,
                identity: None,
            });
        }
        // Every loader sees the identity as given, as JSON; the identity claim gets the
        // transformed one, or the identity itself, written without the detour through a `Value`.
        let given = serde_json::to_value(&self.identity)
            .map_err(|e| JwtError::Create(jwt_core::Error::Serialize(e.to_string())))?;
        let claims = merged(
            call(&callbacks.additional_claims, &given),
            self.claims.take(),
        );
        let headers = merged(
            call(&callbacks.additional_headers, &given),
            self.headers.take(),
        );
        let encode_key = call(&callbacks.encode_key, &given);
        let identity = call(&callbacks.user_identity, &given);
        self.sign(Loaded {
            claims: claims.as_ref(),
            headers: headers.as_ref(),
            encode_key: encode_key.as_ref(),
            identity: identity.as_ref(),
        })
    }

    /// Writes and signs the claims, with what the loaders gave.
    fn sign(&self, loaded: Loaded<'_>) -> Result<String, JwtError> {
        let manager = self.manager;
        let config = manager.config();
        // The loader's key, else the manager's (a key set's: the active key of the set
        // published now, kept for this token); a verify-only manager has none.
        let own;
        let key = match loaded.encode_key {
            Some(key) => key,
            None => {
                own = manager.signing_key();
                own.get().ok_or(JwtError::MissingSigningKey {
                    algorithm: config.algorithm,
                })?
            }
        };
        let additional = loaded.claims;
        if config.verify_sub {
            // The `sub` claim about to be written: an additional claim of that name, else the
            // identity (the loader's, or as given) when the identity claim is `sub`.
            let found = match additional.and_then(|additional| additional.get(SUB)) {
                Some(sub) => Some(json_kind::of_value(sub)),
                None if config.identity_claim == SUB => match loaded.identity {
                    Some(identity) => Some(json_kind::of_value(identity)),
                    None => json_kind::of(&self.identity),
                },
                None => None,
            };
            if let Some(found) = found.filter(|kind| *kind != json_kind::STRING) {
                return Err(JwtError::SubjectNotString { found });
            }
        }
        let now = manager.now();
        let iat = now.secs();
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

        // flask-jwt-extended's claim layout and order: fresh, iat, jti, type, identity, nbf,
        // csrf, aud, iss, exp, then the additional claims, which replace reserved claims in
        // place. Written straight into the payload, `jti` and `csrf` from the generator.
        let mut claims = ClaimsWriter::new();
        let w = &mut claims;
        put(w, additional, "fresh", |w| {
            match (self.token_type, self.fresh) {
                (TokenType::Refresh, _) | (_, Freshness::No) => w.bool("fresh", false),
                (TokenType::Access, Freshness::Yes) => w.bool("fresh", true),
                (TokenType::Access, Freshness::For(d)) => {
                    let until = ((now.as_secs_f64() + d.as_secs_f64()) * 1e6).round() / 1e6;
                    match until.is_finite() {
                        true => w.value("fresh", &until),
                        false => w.bool("fresh", false),
                    }
                }
            }
        });
        put(w, additional, "iat", |w| w.int("iat", iat));
        put(w, additional, "jti", |w| w.uuid4("jti"));
        put(w, additional, "type", |w| {
            w.str("type", self.token_type.as_str())
        });
        let identity_claim = config.identity_claim.as_str();
        put(w, additional, identity_claim, |w| match loaded.identity {
            Some(identity) => w.value(identity_claim, identity),
            None => w.value(identity_claim, &self.identity),
        });
        if config.encode_nbf {
            put(w, additional, "nbf", |w| w.int("nbf", iat));
        }
        if config.cookie_csrf_protect {
            put(w, additional, "csrf", |w| w.uuid4("csrf"));
        }
        if let Some(aud) = &config.encode_audience {
            put(w, additional, "aud", |w| w.value("aud", aud));
        }
        if let Some(iss) = &config.encode_issuer {
            put(w, additional, "iss", |w| w.str("iss", iss));
        }
        if let Some(exp) = exp {
            put(w, additional, "exp", |w| w.int("exp", exp));
        }
        for (name, value) in additional.into_iter().flatten() {
            if !w.contains(name) {
                w.value(name, value);
            }
        }

        let mut header = Header::new(manager.algorithm());
        for (name, value) in loaded.headers.into_iter().flatten() {
            header
                .insert(name.clone(), value.clone())
                .map_err(JwtError::Create)?;
        }
        claims.sign(&header, key).map_err(JwtError::Create)
    }
}

/// The registered claim `verify_sub` checks.
const SUB: &str = "sub";

/// A loader's answer for the identity, when there is such a loader.
fn call<T>(loader: &Option<IdentityLoader<T>>, identity: &Value) -> Option<T> {
    loader.as_ref().map(|load| load(identity))
}

/// What the loaders gave for one token (each `None` when there is no such loader), the
/// builder's own claims and headers merged in.
struct Loaded<'a> {
    claims: Option<&'a Map<String, Value>>,
    headers: Option<&'a Map<String, Value>>,
    encode_key: Option<&'a jwt_core::Key>,
    identity: Option<&'a Value>,
}

/// The loader's members, then the builder's over them (`None` when neither gave any).
fn merged(
    loaded: Option<Map<String, Value>>,
    given: Option<Map<String, Value>>,
) -> Option<Map<String, Value>> {
    match (loaded, given) {
        (Some(mut loaded), Some(given)) => {
            loaded.extend(given);
            Some(loaded)
        }
        (loaded, given) => loaded.or(given),
    }
}

/// Writes a reserved claim, or the additional claim that replaces it.
fn put<'w>(
    w: &'w mut ClaimsWriter,
    additional: Option<&Map<String, Value>>,
    name: &str,
    write: impl FnOnce(&'w mut ClaimsWriter) -> &'w mut ClaimsWriter,
) {
    match additional.and_then(|additional| additional.get(name)) {
        Some(replacement) => {
            w.value(name, replacement);
        }
        None => {
            write(w);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jwt_core::{Algorithm, FixedClock, Key, Validation};
    use serde_json::json;

    const SECRET: &str = "a long random secret, 32 bytes or more";

    /// The payload text of a token made by `manager`, as signed.
    fn payload(token: &str) -> String {
        let key = Key::new(Algorithm::HS256, SECRET).unwrap();
        let jws = jwt_core::verify_jws(token, &key, &Validation::new(Algorithm::HS256)).unwrap();
        String::from_utf8(jws.payload).unwrap()
    }

    fn manager(f: impl FnOnce(&mut crate::JwtConfig)) -> JwtManager {
        JwtManager::builder()
            .secret_key(SECRET)
            .clock(FixedClock::at(1_700_000_000))
            .with(f)
            .build()
            .unwrap()
    }

    /// The 36 characters of the UUID after `"name":"` in `json`.
    fn uuid_after<'a>(json: &'a str, name: &str) -> &'a str {
        let at = json.find(&format!("\"{name}\":\"")).unwrap() + name.len() + 4;
        &json[at..at + 36]
    }

    /// flask-jwt-extended's payload, byte for byte: member order, compact separators, the
    /// uuids in place.
    #[test]
    fn access_token_payload_is_flask_layout() {
        let m = manager(|_| {});
        let json = payload(&m.access_token("test").create().unwrap());
        let (jti, csrf) = (uuid_after(&json, "jti"), uuid_after(&json, "csrf"));
        assert_ne!(jti, csrf);
        assert_eq!(
            json,
            format!(
                r#"{{"fresh":false,"iat":1700000000,"jti":"{jti}","type":"access","sub":"test","nbf":1700000000,"csrf":"{csrf}","exp":1700000900}}"#
            )
        );
    }

    #[test]
    fn options_and_replacements_keep_flask_order() {
        let m = manager(|c| {
            c.encode_nbf = false;
            c.cookie_csrf_protect = false;
            c.encode_issuer = Some("me".into());
            c.identity_claim = "identity".into();
        });
        let json = payload(
            &m.access_token(serde_json::json!({"id": 7, "name": "jürgen"}))
                .fresh(std::time::Duration::from_millis(1500))
                .claim("type", "custom")
                .claim("zz", 1)
                .claim("aa", [true])
                .create()
                .unwrap(),
        );
        let jti = uuid_after(&json, "jti");
        assert_eq!(
            json,
            format!(
                r#"{{"fresh":1700000001.5,"iat":1700000000,"jti":"{jti}","type":"custom","identity":{{"id":7,"name":"j\u00fcrgen"}},"iss":"me","exp":1700000900,"aa":[true],"zz":1}}"#
            )
        );
        let refresh = payload(&m.refresh_token("x").never_expires().create().unwrap());
        let jti = uuid_after(&refresh, "jti");
        assert_eq!(
            refresh,
            format!(
                r#"{{"fresh":false,"iat":1700000000,"jti":"{jti}","type":"refresh","identity":"x","iss":"me"}}"#
            )
        );
    }

    /// The identity is written as given: a struct keeps its field order (as a Python dict keeps
    /// its insertion order), with or without loaders that see it as a `Value`.
    #[test]
    fn identity_written_as_given_with_and_without_loaders() {
        #[derive(Serialize)]
        struct User {
            name: &'static str,
            id: u32,
        }
        let user = || User { name: "ann", id: 7 };
        let plain = manager(|c| c.verify_sub = false);
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = seen.clone();
        let loaded = JwtManager::builder()
            .secret_key(SECRET)
            .clock(FixedClock::at(1_700_000_000))
            .with(|c| c.verify_sub = false)
            .additional_claims_loader(move |identity| {
                log.lock().unwrap().push(identity.clone());
                Map::new()
            })
            .build()
            .unwrap();
        for m in [&plain, &loaded] {
            let json = payload(&m.create_access_token(user()).unwrap());
            assert!(json.contains(r#","sub":{"name":"ann","id":7},"#), "{json}");
        }
        assert_eq!(
            *seen.lock().unwrap(),
            [serde_json::json!({"id": 7, "name": "ann"})]
        );
    }

    /// The loaders' claims and headers, with the builder's over them (explicit arguments win,
    /// as in flask-jwt-extended); the encode-key loader's key signs; the identity loader's
    /// answer is the identity claim, while every loader saw the identity as given.
    #[test]
    fn loaders_and_builder_merge_with_the_builder_winning() {
        let other = "another secret, also 32 bytes or longer";
        let m = JwtManager::builder()
            .secret_key(SECRET)
            .clock(FixedClock::at(1_700_000_000))
            .additional_claims_loader(|identity| {
                assert_eq!(identity, "ann");
                let mut claims = Map::new();
                claims.insert("role".into(), "user".into());
                claims.insert("team".into(), "a".into());
                claims
            })
            .additional_headers_loader(|identity| {
                assert_eq!(identity, "ann");
                let mut headers = Map::new();
                headers.insert("kid".into(), "loader".into());
                headers.insert("x5t".into(), "t".into());
                headers
            })
            .user_identity_loader(|identity| {
                serde_json::json!(format!("user:{}", identity.as_str().unwrap()))
            })
            .encode_key_loader(move |identity| {
                assert_eq!(identity, "ann");
                Key::new(Algorithm::HS256, other).unwrap()
            })
            .build()
            .unwrap();
        let token = m
            .access_token("ann")
            .claim("role", "admin")
            .header("kid", "given")
            .create()
            .unwrap();
        let key = Key::new(Algorithm::HS256, other).unwrap();
        let jws = jwt_core::verify_jws(&token, &key, &Validation::new(Algorithm::HS256)).unwrap();
        let json = String::from_utf8(jws.payload).unwrap();
        assert!(
            json.contains(r#""sub":"user:ann","#)
                && json.ends_with(r#","role":"admin","team":"a"}"#),
            "{json}"
        );
        let header = jwt_core::decode_header_unverified(&token).unwrap();
        assert_eq!(header.kid(), Some("given"));
        assert_eq!(header.members().get("x5t"), Some(&serde_json::json!("t")));
    }

    /// An identity giving a member name twice (here through `#[serde(flatten)]`) is refused:
    /// the token would carry a payload the decoder refuses and other decoders read differently.
    #[test]
    fn identity_with_a_repeated_member_is_refused() {
        #[derive(Serialize)]
        struct User {
            id: u32,
            #[serde(flatten)]
            extra: std::collections::BTreeMap<&'static str, &'static str>,
        }
        let m = manager(|c| c.verify_sub = false);
        let user = User {
            id: 1,
            extra: [("id", "admin")].into(),
        };
        match m.create_access_token(user) {
            Err(JwtError::Create(jwt_core::Error::Serialize(message))) => {
                assert!(message.contains("\"id\" written twice"), "{message}")
            }
            other => panic!("{other:?}"),
        }
    }

    /// An identity JSON cannot hold is refused, whether or not a loader needs it as a `Value`.
    /// (`verify_sub` off: on, a map identity is refused for not being a string.)
    #[test]
    fn unserializable_identity_is_an_error() {
        let identity = || std::collections::BTreeMap::from([((1, 2), "pair as key")]);
        let plain = manager(|c| c.verify_sub = false);
        let loaded = JwtManager::builder()
            .secret_key(SECRET)
            .verify_sub(false)
            .user_identity_loader(|identity| identity.clone())
            .build()
            .unwrap();
        for m in [&plain, &loaded] {
            match m.create_access_token(identity()) {
                Err(JwtError::Create(jwt_core::Error::Serialize(message))) => {
                    assert!(message.contains("key"), "{message}")
                }
                other => panic!("{other:?}"),
            }
        }
    }

    /// With `verify_sub` on (the default) a token whose `sub` would not be a string is refused
    /// when made: flask-jwt-extended mints it and refuses it on every request.
    #[test]
    fn non_string_subject_is_refused_while_verify_sub_is_on() {
        #[derive(Serialize, Clone)]
        struct User {
            id: u32,
        }
        let strict = manager(|_| {});
        let refused = |found| Err(JwtError::SubjectNotString { found });
        assert_eq!(
            strict.create_access_token(42).map(drop),
            refused("a number")
        );
        assert_eq!(
            strict.create_refresh_token(User { id: 7 }).map(drop),
            refused("an object")
        );
        assert_eq!(strict.create_access_token(()).map(drop), refused("null"));
        assert_eq!(
            strict.create_access_token(json!(["a"])).map(drop),
            refused("an array")
        );
        // An additional `sub` claim replaces the identity, and is checked in its place.
        assert_eq!(
            strict
                .access_token("alice")
                .claim("sub", 1)
                .create()
                .map(drop),
            refused("a number")
        );
        let token = strict
            .access_token(User { id: 7 })
            .claim("sub", "7")
            .create()
            .unwrap();
        assert_eq!(
            strict.decode_token(&token, false).unwrap().claims.sub(),
            Some("7")
        );

        let err = strict.create_access_token(User { id: 7 }).unwrap_err();
        assert_eq!(err.status(), http::StatusCode::INTERNAL_SERVER_ERROR);
        let message = err.to_string();
        for needle in [
            "JWT_VERIFY_SUB",
            "verify_sub",
            "user_identity_loader",
            "an object",
        ] {
            assert!(message.contains(needle), "{message}");
        }

        // What the loader returns is what is checked.
        let loader = |to: fn(&Value) -> Value| {
            JwtManager::builder()
                .secret_key(SECRET)
                .user_identity_loader(to)
                .build()
                .unwrap()
        };
        let to_id = loader(|user| json!(user["id"].to_string()));
        let token = to_id.create_access_token(User { id: 7 }).unwrap();
        assert_eq!(
            to_id.decode_token(&token, false).unwrap().claims.sub(),
            Some("7")
        );
        let to_number = loader(|user| user["id"].clone());
        assert_eq!(
            to_number.create_access_token(User { id: 7 }).map(drop),
            refused("a number")
        );

        // verify_sub off, or an identity claim other than `sub`: minted as flask does.
        let lax = manager(|c| c.verify_sub = false);
        let token = lax.create_access_token(User { id: 7 }).unwrap();
        assert_eq!(
            lax.decode_token(&token, false).unwrap().claims.get("sub"),
            Some(&json!({"id": 7}))
        );
        let other = manager(|c| c.identity_claim = "identity".into());
        let token = other.create_access_token(42).unwrap();
        assert_eq!(
            other
                .decode_token(&token, false)
                .unwrap()
                .claims
                .get("identity"),
            Some(&json!(42))
        );
        assert_eq!(
            other.access_token(42).claim("sub", 1).create().map(drop),
            refused("a number")
        );
    }
}
