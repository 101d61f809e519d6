//! The manager's builder: every setting, the hardened cookie preset, and the loaders, registered
//! as flask-jwt-extended registers them on `JWTManager`.

use std::future::Future;
use std::sync::Arc;

use jwt_core::{Algorithm, Claims, Header, Key, KeySet, TokenData};
use serde_json::{Map, Value};

use super::keys::{LiveKeySet, ProvidedKeys, VerifyKeys};
use super::loaders::{BoxFuture, Callbacks, ErrorResponse, Hook, User};
use crate::{ConfigError, JwtConfig, JwtManager};

/// Builds a [`JwtManager`] from [`JwtConfig`]'s defaults; [`build`](Self::build) validates.
#[derive(Debug, Clone)]
pub struct JwtManagerBuilder {
    config: JwtConfig,
    callbacks: Callbacks,
    keys: ProvidedKeys,
}

/// [`JwtManager::builder_from`]: a builder over `config`.
///
/// ```
/// use jwt_http::{JwtConfig, JwtManagerBuilder};
/// let mut config = JwtConfig::default();
/// config.secret_key = Some("a long random secret, 32 bytes or more".into());
/// let manager = JwtManagerBuilder::from(config).verify_sub(true).build()?;
/// # Ok::<(), jwt_http::ConfigError>(())
/// ```
impl From<JwtConfig> for JwtManagerBuilder {
    fn from(config: JwtConfig) -> Self {
        JwtManager::builder_from(config)
    }
}

macro_rules! setters {
    ($($(#[$doc:meta])* $name:ident: $ty:ty => $field:ident;)*) => {
        $(
            $(#[$doc])*
            pub fn $name(mut self, value: impl Into<$ty>) -> Self {
                self.config.$field = value.into();
                self
            }
        )*
    };
}

impl JwtManagerBuilder {
    /// A builder over `config`, no loaders registered.
    pub(super) fn new(config: JwtConfig) -> Self {
        JwtManagerBuilder {
            config,
            callbacks: Callbacks::default(),
            keys: ProvidedKeys::default(),
        }
    }

    /// `JWT_SECRET_KEY`.
    pub fn secret_key(mut self, secret: impl Into<crate::Secret>) -> Self {
        self.config.secret_key = Some(secret.into());
        self
    }

    /// `JWT_PRIVATE_KEY`: the PEM text of the private key that signs when the algorithm is
    /// asymmetric (PKCS#8 `PRIVATE KEY`, PKCS#1 `RSA PRIVATE KEY`, SEC1 `EC PRIVATE KEY`).
    /// Without [`public_key_pem`](Self::public_key_pem) its public half also verifies. Needs
    /// the `asymmetric` feature; the text is held as a [`Secret`](crate::Secret).
    ///
    /// ```
    /// # #[cfg(feature = "asymmetric")] {
    /// use jwt_http::JwtManager;
    /// use jwt_core::Algorithm;
    /// let pem = "-----BEGIN PRIVATE KEY-----
    /// MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g
    /// -----END PRIVATE KEY-----";
    /// let manager = JwtManager::builder().algorithm(Algorithm::EdDSA).private_key_pem(pem).build()?;
    /// let token = manager.create_access_token("alice")?;
    /// assert_eq!(manager.decode_token(&token, false)?.claims.sub(), Some("alice"));
    /// # }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn private_key_pem(mut self, pem: impl Into<crate::Secret>) -> Self {
        self.config.private_key = Some(pem.into());
        self
    }

    /// `JWT_PUBLIC_KEY`: the PEM text of the public key that verifies when the algorithm is
    /// asymmetric (`PUBLIC KEY` = SubjectPublicKeyInfo, PKCS#1 `RSA PUBLIC KEY`). A manager
    /// with only this key verifies; creating a token then fails with
    /// [`JwtError::MissingSigningKey`](crate::JwtError::MissingSigningKey), flask-jwt-extended's
    /// `JWT_PRIVATE_KEY must be set ...`. Needs the `asymmetric` feature.
    ///
    /// ```
    /// # #[cfg(feature = "asymmetric")] {
    /// use jwt_http::JwtManager;
    /// use jwt_core::Algorithm;
    /// let pem = "-----BEGIN PUBLIC KEY-----
    /// MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=
    /// -----END PUBLIC KEY-----";
    /// let verifier = JwtManager::builder().algorithm(Algorithm::EdDSA).public_key_pem(pem).build()?;
    /// let refused = verifier.create_access_token("alice").unwrap_err();
    /// assert_eq!(
    ///     refused.to_string(),
    ///     "JWT_PRIVATE_KEY must be set to use asymmetric cryptography algorithm \"EdDSA\""
    /// );
    /// # }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn public_key_pem(mut self, pem: impl Into<String>) -> Self {
        self.config.public_key = Some(pem.into());
        self
    }

    /// The key new tokens are signed with, prepared by the caller (from DER, a JWK,
    /// [`Key::generate`](jwt_core::Key), an HMAC secret, ...); it replaces `JWT_SECRET_KEY` or
    /// `JWT_PRIVATE_KEY` for signing. Its `kid`, if any, is written into every token's header.
    /// It must be able to sign and support `JWT_ALGORITHM`. Without
    /// [`verification_key`](Self::verification_key) or [`key_set`](Self::key_set),
    /// verification uses the settings (`JWT_SECRET_KEY`, `JWT_PUBLIC_KEY`), else the public
    /// half of this key.
    pub fn signing_key(mut self, key: Key) -> Self {
        self.keys.signing = Some((key, "signing_key"));
        self.keys.signing_from_set = false;
        self
    }

    /// The key tokens are verified with, prepared by the caller; it replaces `JWT_SECRET_KEY`
    /// or `JWT_PUBLIC_KEY` for verification. It must support every algorithm of
    /// `JWT_DECODE_ALGORITHMS` and `JWT_ALGORITHM`. A token's `kid` is not looked at.
    pub fn verification_key(mut self, key: Key) -> Self {
        self.keys.verify = Some((VerifyKeys::Single(key), "verification_key"));
        self
    }

    /// Several keys by `kid`, for rotation: new tokens are signed with the set's active key
    /// (its `kid` in the header; none active: creating a token fails as with only a public
    /// key), and tokens are verified with the key their `kid` names
    /// ([`KeySet::select`](jwt_core::KeySet::select)): an unknown `kid` is refused with 422
    /// `Unable to find a signing key that matches: "<kid>"`, a token without `kid` follows the
    /// set's [`MissingKid`](jwt_core::MissingKid) rule. Replaces the keys of the settings and
    /// any earlier [`signing_key`](Self::signing_key) / [`verification_key`](Self::verification_key)
    /// (with no key active, `JWT_SECRET_KEY` and `JWT_PRIVATE_KEY` do not sign either).
    ///
    /// The set can be changed while the manager serves, for rotation without a restart:
    /// [`JwtManager::update_keys`](crate::JwtManager::update_keys). Signing then follows the
    /// set's active key, unless a [`signing_key`](Self::signing_key) given after this call
    /// signs instead.
    ///
    /// ```
    /// use jwt_core::{Algorithm, Key, KeySet};
    /// use jwt_http::JwtManager;
    /// let old = Key::new(Algorithm::HS256, [1u8; 32])?.with_kid("2026-11");
    /// let new = Key::new(Algorithm::HS256, [2u8; 32])?.with_kid("2026-12");
    /// let mut keys = KeySet::new();
    /// keys.insert(old.clone())?;
    /// keys.insert(new)?;
    /// keys.activate("2026-12")?;
    /// let manager = JwtManager::builder().key_set(keys).build()?;
    /// let token = manager.create_access_token("alice")?;
    /// assert_eq!(manager.decode_token(&token, false)?.header.kid(), Some("2026-12"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn key_set(mut self, keys: KeySet) -> Self {
        self.keys.signing = keys.active().cloned().map(|key| (key, "key_set"));
        self.keys.signing_from_set = true;
        self.keys.verify = Some((VerifyKeys::Set(LiveKeySet::new(keys)), "key_set"));
        self
    }

    /// Verifies tokens with an issuer's JWK Set, fetched from its URL and cached
    /// ([`RemoteJwks`](crate::jwks::RemoteJwks), feature `remote-jwks`). Replaces the
    /// verification keys of the settings and any earlier
    /// [`verification_key`](Self::verification_key) / [`key_set`](Self::key_set).
    ///
    /// Tokens are verified with the verifier's algorithms (they replace
    /// `JWT_DECODE_ALGORITHMS`). The manager signs nothing unless a signing key is also
    /// configured ([`signing_key`](Self::signing_key), or `JWT_PRIVATE_KEY` with an asymmetric
    /// `JWT_ALGORITHM`); an HMAC `JWT_ALGORITHM` (the default) is replaced by the verifier's
    /// first algorithm, so no `JWT_SECRET_KEY` is needed.
    ///
    /// A token with an unknown `kid` makes the async request paths (`#[jwt_required]` on an
    /// async handler, the axum extractors, `JwtLayer`) wait for one refetch (subject to the
    /// verifier's cooldown, at most its fetch timeout) and verify again; the synchronous ones
    /// refuse it at once (422) and leave the fetch running. No usable keys (before the first
    /// fetch, or stale past their limit) is a 500.
    #[cfg(feature = "remote-jwks")]
    pub fn remote_jwks(mut self, jwks: crate::jwks::RemoteJwks) -> Self {
        self.keys.verify = Some((VerifyKeys::Remote(jwks), "remote_jwks"));
        self
    }

    setters! {
        /// `JWT_ALGORITHM`.
        algorithm: Algorithm => algorithm;
        /// `JWT_DECODE_ALGORITHMS`.
        decode_algorithms: Vec<Algorithm> => decode_algorithms;
        /// `JWT_ACCESS_TOKEN_EXPIRES`.
        access_token_expires: crate::Expiry => access_token_expires;
        /// `JWT_REFRESH_TOKEN_EXPIRES`.
        refresh_token_expires: crate::Expiry => refresh_token_expires;
        /// `JWT_TOKEN_LOCATION`.
        token_location: Vec<crate::TokenLocation> => token_location;
        /// `JWT_HEADER_NAME`.
        header_name: String => header_name;
        /// `JWT_HEADER_TYPE`.
        header_type: String => header_type;
        /// `JWT_IDENTITY_CLAIM`.
        identity_claim: String => identity_claim;
        /// `JWT_ERROR_MESSAGE_KEY`.
        error_msg_key: String => error_msg_key;
        /// `JWT_DECODE_LEEWAY`, in seconds.
        decode_leeway: u64 => decode_leeway;
        /// `JWT_ENCODE_NBF`.
        encode_nbf: bool => encode_nbf;
        /// `JWT_VERIFY_SUB`.
        verify_sub: bool => verify_sub;
        /// `JWT_COOKIE_CSRF_PROTECT`.
        cookie_csrf_protect: bool => cookie_csrf_protect;
        /// Accept a secret shorter than the hash output (insecure; for migrations).
        insecure_allow_short_secret: bool => insecure_allow_short_secret;
        /// Longest token accepted, in bytes.
        max_token_len: usize => max_token_len;
        /// `JWT_QUERY_STRING_NAME`.
        query_string_name: String => query_string_name;
        /// `JWT_QUERY_STRING_VALUE_PREFIX`.
        query_string_value_prefix: String => query_string_value_prefix;
        /// `JWT_JSON_KEY`.
        json_key: String => json_key;
        /// `JWT_REFRESH_JSON_KEY`.
        refresh_json_key: String => refresh_json_key;
        /// `JWT_ACCESS_COOKIE_NAME`.
        access_cookie_name: String => access_cookie_name;
        /// `JWT_REFRESH_COOKIE_NAME`.
        refresh_cookie_name: String => refresh_cookie_name;
        /// `JWT_ACCESS_COOKIE_PATH`.
        access_cookie_path: String => access_cookie_path;
        /// `JWT_REFRESH_COOKIE_PATH`.
        refresh_cookie_path: String => refresh_cookie_path;
        /// `JWT_COOKIE_SECURE`.
        cookie_secure: bool => cookie_secure;
        /// `JWT_COOKIE_SAMESITE`.
        cookie_samesite: Option<crate::SameSite> => cookie_samesite;
        /// `JWT_SESSION_COOKIE`.
        session_cookie: bool => session_cookie;
        /// `JWT_CSRF_METHODS`.
        csrf_methods: Vec<http::Method> => csrf_methods;
        /// `JWT_CSRF_IN_COOKIES`.
        csrf_in_cookies: bool => csrf_in_cookies;
        /// `JWT_CSRF_CHECK_FORM`.
        csrf_check_form: bool => csrf_check_form;
    }

    /// `JWT_COOKIE_DOMAIN`.
    pub fn cookie_domain(mut self, domain: impl Into<String>) -> Self {
        self.config.cookie_domain = Some(domain.into());
        self
    }

    /// `JWT_DECODE_AUDIENCE`.
    pub fn decode_audience<I: IntoIterator<Item = S>, S: Into<String>>(mut self, aud: I) -> Self {
        self.config.decode_audience = Some(aud.into_iter().map(Into::into).collect());
        self
    }

    /// `JWT_ENCODE_AUDIENCE`.
    pub fn encode_audience(mut self, aud: crate::AudienceClaim) -> Self {
        self.config.encode_audience = Some(aud);
        self
    }

    /// `JWT_DECODE_ISSUER`.
    pub fn decode_issuer<I: IntoIterator<Item = S>, S: Into<String>>(mut self, iss: I) -> Self {
        self.config.decode_issuer = Some(iss.into_iter().map(Into::into).collect());
        self
    }

    /// `JWT_ENCODE_ISSUER`.
    pub fn encode_issuer(mut self, iss: impl Into<String>) -> Self {
        self.config.encode_issuer = Some(iss.into());
        self
    }

    /// Where "now" comes from (tests fix it with [`jwt_core::FixedClock`]).
    pub fn clock(mut self, clock: impl jwt_core::Clock + 'static) -> Self {
        self.config.clock = Arc::new(clock);
        self
    }

    /// Changes any other setting.
    pub fn with(mut self, f: impl FnOnce(&mut JwtConfig)) -> Self {
        f(&mut self.config);
        self
    }

    /// Applies the hardened cookie preset, [`JwtConfig::hardened`], to the settings so far
    /// (later setters can still change them).
    ///
    /// ```
    /// use jwt_http::{CookieOptions, JwtManager};
    /// let manager = JwtManager::builder()
    ///     .secret_key("a long random secret, 32 bytes or more")
    ///     .hardened_cookies()
    ///     .build()?;
    /// let token = manager.create_access_token("alice")?;
    /// let mut headers = http::HeaderMap::new();
    /// manager.set_access_cookies(&mut headers, &token, &CookieOptions::default())?;
    /// let jwt_cookie = headers.get(http::header::SET_COOKIE).map(|v| v.as_bytes());
    /// let expected = format!("__Host-access_token_cookie={token}; Secure; HttpOnly; Path=/; SameSite=Lax");
    /// assert_eq!(jwt_cookie, Some(expected.as_bytes()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn hardened_cookies(self) -> Self {
        self.with(|config| *config = std::mem::take(config).hardened())
    }

    /// Validates the settings and builds the manager.
    pub fn build(self) -> Result<JwtManager, ConfigError> {
        #[cfg(feature = "remote-jwks")]
        let this = self.with_remote_algorithms();
        #[cfg(not(feature = "remote-jwks"))]
        let this = self;
        JwtManager::with_callbacks(this.config, this.callbacks, this.keys)
    }

    /// With [`remote_jwks`](Self::remote_jwks): its algorithms are the decode algorithms, and
    /// the first replaces an HMAC `JWT_ALGORITHM`.
    #[cfg(feature = "remote-jwks")]
    fn with_remote_algorithms(mut self) -> Self {
        if let Some((VerifyKeys::Remote(jwks), _)) = &self.keys.verify {
            let algorithms = jwks.algorithms().to_vec();
            if let (true, Some(first)) = (self.config.algorithm.is_hmac(), algorithms.first()) {
                self.config.algorithm = *first;
            }
            self.config.decode_algorithms = algorithms;
        }
        self
    }
}

/// The loaders, registered on the builder as flask-jwt-extended registers them on `JWTManager`.
impl JwtManagerBuilder {
    /// `@jwt.additional_claims_loader`: extra claims for every new token, from the identity as
    /// given to `create_*_token`. Claims given to the token builder win.
    pub fn additional_claims_loader(
        mut self,
        f: impl Fn(&Value) -> Map<String, Value> + Send + Sync + 'static,
    ) -> Self {
        self.callbacks.additional_claims = Some(Arc::new(f));
        self
    }

    /// `@jwt.additional_headers_loader`: extra JOSE header members for every new token.
    pub fn additional_headers_loader(
        mut self,
        f: impl Fn(&Value) -> Map<String, Value> + Send + Sync + 'static,
    ) -> Self {
        self.callbacks.additional_headers = Some(Arc::new(f));
        self
    }

    /// `@jwt.user_identity_loader`: turns the identity given to `create_*_token` into the
    /// identity claim's value (for example a user object into its id).
    pub fn user_identity_loader(
        mut self,
        f: impl Fn(&Value) -> Value + Send + Sync + 'static,
    ) -> Self {
        self.callbacks.user_identity = Some(Arc::new(f));
        self
    }

    /// `@jwt.user_lookup_loader`: loads the user of a verified token; `None` refuses the
    /// request (401 `Error loading the user <identity>`). Read it with
    /// [`get_current_user::<U>()`](crate::get_current_user).
    pub fn user_lookup_loader<U: Send + Sync + 'static>(
        mut self,
        f: impl Fn(&Header, &Claims) -> Option<U> + Send + Sync + 'static,
    ) -> Self {
        self.callbacks.user_lookup = Some(Hook::Sync(Arc::new(move |h: &Header, c: &Claims| {
            f(h, c).map(|u| Arc::new(u) as User)
        })));
        self
    }

    /// An async `user_lookup_loader`, awaited by async handlers without blocking the executor.
    /// A sync handler cannot await it and answers 500 with a message saying so.
    pub fn user_lookup_loader_async<U, F, Fut>(mut self, f: F) -> Self
    where
        U: Send + Sync + 'static,
        F: Fn(Arc<TokenData<Claims>>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Option<U>> + Send + 'static,
    {
        self.callbacks.user_lookup = Some(Hook::Async(Arc::new(move |token| {
            let fut = f(token);
            Box::pin(async move { fut.await.map(|u| Arc::new(u) as User) })
        })));
        self
    }

    /// `@jwt.token_in_blocklist_loader`: `true` means revoked (401 `Token has been revoked`).
    /// Called for access and refresh tokens, unless the route skips revocation checks.
    pub fn token_in_blocklist_loader(
        mut self,
        f: impl Fn(&Header, &Claims) -> bool + Send + Sync + 'static,
    ) -> Self {
        self.callbacks.token_in_blocklist = Some(Hook::Sync(Arc::new(f)));
        self
    }

    /// An async `token_in_blocklist_loader` (a Redis or database lookup), awaited by async
    /// handlers. A sync handler cannot await it and answers 500 with a message saying so.
    pub fn token_in_blocklist_loader_async<F, Fut>(mut self, f: F) -> Self
    where
        F: Fn(Arc<TokenData<Claims>>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = bool> + Send + 'static,
    {
        self.callbacks.token_in_blocklist = Some(Hook::Async(Arc::new(move |token| {
            Box::pin(f(token)) as BoxFuture<bool>
        })));
        self
    }

    /// `@jwt.token_verification_loader`: `false` refuses the token (400
    /// `User claims verification failed`).
    pub fn token_verification_loader(
        mut self,
        f: impl Fn(&Header, &Claims) -> bool + Send + Sync + 'static,
    ) -> Self {
        self.callbacks.token_verification = Some(Arc::new(f));
        self
    }

    /// `@jwt.expired_token_loader`: the response for an expired token.
    pub fn expired_token_loader(
        mut self,
        f: impl Fn(&Header, &Claims) -> ErrorResponse + Send + Sync + 'static,
    ) -> Self {
        self.callbacks.expired_token = Some(Arc::new(f));
        self
    }

    /// `@jwt.revoked_token_loader`: the response for a revoked token.
    pub fn revoked_token_loader(
        mut self,
        f: impl Fn(&Header, &Claims) -> ErrorResponse + Send + Sync + 'static,
    ) -> Self {
        self.callbacks.revoked_token = Some(Arc::new(f));
        self
    }

    /// `@jwt.needs_fresh_token_loader`: the response when a fresh token is required.
    pub fn needs_fresh_token_loader(
        mut self,
        f: impl Fn(&Header, &Claims) -> ErrorResponse + Send + Sync + 'static,
    ) -> Self {
        self.callbacks.needs_fresh_token = Some(Arc::new(f));
        self
    }

    /// `@jwt.user_lookup_error_loader`: the response when the user lookup finds nobody.
    pub fn user_lookup_error_loader(
        mut self,
        f: impl Fn(&Header, &Claims) -> ErrorResponse + Send + Sync + 'static,
    ) -> Self {
        self.callbacks.user_lookup_error = Some(Arc::new(f));
        self
    }

    /// `@jwt.token_verification_failed_loader`: the response when the verification loader
    /// refuses the claims.
    pub fn token_verification_failed_loader(
        mut self,
        f: impl Fn(&Header, &Claims) -> ErrorResponse + Send + Sync + 'static,
    ) -> Self {
        self.callbacks.token_verification_failed = Some(Arc::new(f));
        self
    }

    /// `@jwt.invalid_token_loader`: the response for an invalid token (default 422), given the
    /// message.
    pub fn invalid_token_loader(
        mut self,
        f: impl Fn(&str) -> ErrorResponse + Send + Sync + 'static,
    ) -> Self {
        self.callbacks.invalid_token = Some(Arc::new(f));
        self
    }

    /// `@jwt.unauthorized_loader`: the response when no token was found or the CSRF check
    /// failed (default 401), given the message.
    pub fn unauthorized_loader(
        mut self,
        f: impl Fn(&str) -> ErrorResponse + Send + Sync + 'static,
    ) -> Self {
        self.callbacks.unauthorized = Some(Arc::new(f));
        self
    }

    /// `@jwt.encode_key_loader`: the key to sign a new token with, from the identity as given.
    /// Build keys once and hand out clones (a [`Key`] clone copies prepared HMAC state or
    /// shares an asymmetric key; building one hashes the secret or parses the key). The key must
    /// support the signing algorithm and be able to sign (a public key fails the creation with
    /// a 500). Its `kid`, if any ([`Key::with_kid`]), is written into the token's header, which
    /// flask-jwt-extended cannot do (its issue #551).
    pub fn encode_key_loader(mut self, f: impl Fn(&Value) -> Key + Send + Sync + 'static) -> Self {
        self.callbacks.encode_key = Some(Arc::new(f));
        self
    }

    /// `@jwt.decode_key_loader`: the key to verify a token with, chosen from its **unverified**
    /// header and claims (for example by `kid`, for key rotation). What they say is untrusted:
    /// use them only to choose among the application's own keys. The token's `alg` must still
    /// be among the decode algorithms and one the returned key serves. For rotation by `kid`,
    /// [`key_set`](Self::key_set) does the choosing (and refuses unknown `kid`s) without a
    /// loader.
    pub fn decode_key_loader(
        mut self,
        f: impl Fn(&Header, &Claims) -> Key + Send + Sync + 'static,
    ) -> Self {
        self.callbacks.decode_key = Some(Arc::new(f));
        self
    }
}
