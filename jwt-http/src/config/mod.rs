//! The manager's settings: every `JWT_*` option of flask-jwt-extended, with its default.

use std::sync::Arc;

use http::Method;
use jwt_core::{Algorithm, Clock, SystemClock, DEFAULT_MAX_TOKEN_LEN};

use crate::{Expiry, Secret, TokenLocation};

mod env;
mod hardened;

pub(crate) use hardened::HOST_PREFIX;

/// The `SameSite` attribute of the cookies this crate writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SameSite {
    /// `SameSite=Strict`.
    Strict,
    /// `SameSite=Lax`.
    Lax,
    /// `SameSite=None` (needs `Secure`).
    None,
}

/// An `aud` value written into new tokens: one audience or a list.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(untagged)]
pub enum AudienceClaim {
    /// `"aud": "api"`.
    One(String),
    /// `"aud": ["api", "web"]`.
    Many(Vec<String>),
}

/// Settings of a [`JwtManager`](crate::JwtManager). Field names are flask-jwt-extended's option
/// names without the `JWT_` prefix, in lower case; each default is flask-jwt-extended 4.7's.
///
/// Build a manager from it with [`JwtManager::new`](crate::JwtManager::new), which validates it,
/// or use [`JwtManager::builder`](crate::JwtManager::builder).
///
/// `#[non_exhaustive]`: new settings may come without a breaking release, so a `JwtConfig` is
/// never written as a struct literal outside this crate. Start from [`JwtConfig::default`],
/// [`JwtConfig::from_env`] or [`JwtConfig::from_vars`] and change fields, or set everything on
/// the builder ([`JwtManagerBuilder::with`](crate::JwtManagerBuilder::with) changes any field).
///
/// ```
/// use jwt_http::{JwtConfig, JwtManager, TokenLocation};
/// let mut config = JwtConfig::default();
/// config.secret_key = Some("a long random secret, 32 bytes or more".into());
/// config.token_location = vec![TokenLocation::Headers, TokenLocation::Cookies];
/// let manager = JwtManager::new(config)?;
///
/// // The same through the builder.
/// let built = JwtManager::builder()
///     .secret_key("a long random secret, 32 bytes or more")
///     .token_location([TokenLocation::Headers, TokenLocation::Cookies])
///     .build()?;
/// assert_eq!(manager.config().token_location, built.config().token_location);
/// # Ok::<(), jwt_http::ConfigError>(())
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct JwtConfig {
    /// `JWT_SECRET_KEY`: the HMAC secret. Required when `algorithm` is HS256, HS384 or HS512
    /// (and ignored otherwise, as in flask-jwt-extended); no default.
    pub secret_key: Option<Secret>,
    /// `JWT_PRIVATE_KEY`: the PEM text of the private key that signs new tokens when
    /// `algorithm` is asymmetric (`PRIVATE KEY` = PKCS#8, `RSA PRIVATE KEY` = PKCS#1, `EC PRIVATE
    /// KEY` = SEC1). Held as a [`Secret`]: redacted in `Debug`, zeroed when dropped. Needs the
    /// `asymmetric` feature. Without `public_key`, its public half also verifies. Default `None`.
    pub private_key: Option<Secret>,
    /// `JWT_PUBLIC_KEY`: the PEM text of the public key that verifies tokens when `algorithm`
    /// is asymmetric (`PUBLIC KEY` = SubjectPublicKeyInfo, `RSA PUBLIC KEY` = PKCS#1). Needs the
    /// `asymmetric` feature. Default `None`.
    pub public_key: Option<String>,
    /// Accept a secret shorter than the hash output (32/48/64 bytes). Default `false`:
    /// **stricter than flask-jwt-extended**, which accepts any length. Turn on only to verify
    /// tokens of an application that has a short secret, while rotating to a long one.
    pub insecure_allow_short_secret: bool,
    /// `JWT_ALGORITHM`: signing algorithm. Default HS256. It decides the keys, as in
    /// flask-jwt-extended: HS* sign and verify with `secret_key`; RS*, PS*, ES* and EdDSA (the
    /// `asymmetric` feature) sign with `private_key` and verify with `public_key`.
    pub algorithm: Algorithm,
    /// `JWT_DECODE_ALGORITHMS`: algorithms accepted on decode. Default empty, meaning
    /// `[algorithm]`; `algorithm` is always accepted. The verification key must serve each of
    /// them (one RSA key serves `RS256` and `PS256`; `HS256` next to an RSA key is refused when
    /// the manager is built).
    pub decode_algorithms: Vec<Algorithm>,
    /// `JWT_ACCESS_TOKEN_EXPIRES`. Default 15 minutes.
    pub access_token_expires: Expiry,
    /// `JWT_REFRESH_TOKEN_EXPIRES`. Default 30 days.
    pub refresh_token_expires: Expiry,
    /// `JWT_DECODE_AUDIENCE`: accepted audiences. Default `None`: tokens must carry no `aud`
    /// (**stricter than flask-jwt-extended**, which then ignores `aud`).
    pub decode_audience: Option<Vec<String>>,
    /// `JWT_ENCODE_AUDIENCE`: `aud` of new tokens. Default `None`.
    pub encode_audience: Option<AudienceClaim>,
    /// `JWT_DECODE_ISSUER`: accepted issuers. Default `None`, not checked.
    pub decode_issuer: Option<Vec<String>>,
    /// `JWT_ENCODE_ISSUER`: `iss` of new tokens. Default `None`.
    pub encode_issuer: Option<String>,
    /// `JWT_DECODE_LEEWAY`: seconds of clock skew for `exp`, `nbf`, `iat`. Default 0.
    pub decode_leeway: u64,
    /// `JWT_ENCODE_NBF`: write `nbf` = `iat`. Default `true`.
    pub encode_nbf: bool,
    /// `JWT_IDENTITY_CLAIM`: the claim holding the identity. Default `"sub"`.
    pub identity_claim: String,
    /// `JWT_VERIFY_SUB`: refuse a non-string `sub`. Default `true`.
    pub verify_sub: bool,
    /// `JWT_ERROR_MESSAGE_KEY`: key of the message in error bodies. Default `"msg"`.
    pub error_msg_key: String,
    /// `JWT_TOKEN_LOCATION`: where to look for tokens, in order. Default `[Headers]`.
    pub token_location: Vec<TokenLocation>,
    /// `JWT_HEADER_NAME`. Default `"Authorization"`.
    pub header_name: String,
    /// `JWT_HEADER_TYPE`: the scheme word, matched exactly; empty for a bare token.
    /// Default `"Bearer"`.
    pub header_type: String,
    /// `JWT_QUERY_STRING_NAME`. Default `"jwt"`.
    pub query_string_name: String,
    /// `JWT_QUERY_STRING_VALUE_PREFIX`. Default `""`.
    pub query_string_value_prefix: String,
    /// `JWT_JSON_KEY`. Default `"access_token"`.
    pub json_key: String,
    /// `JWT_REFRESH_JSON_KEY`. Default `"refresh_token"`.
    pub refresh_json_key: String,
    /// `JWT_ACCESS_COOKIE_NAME`. Default `"access_token_cookie"`.
    pub access_cookie_name: String,
    /// `JWT_REFRESH_COOKIE_NAME`. Default `"refresh_token_cookie"`.
    pub refresh_cookie_name: String,
    /// `JWT_ACCESS_COOKIE_PATH`. Default `"/"`.
    pub access_cookie_path: String,
    /// `JWT_REFRESH_COOKIE_PATH`. Default `"/"`.
    pub refresh_cookie_path: String,
    /// `JWT_COOKIE_DOMAIN`. Default `None`.
    pub cookie_domain: Option<String>,
    /// `JWT_COOKIE_SECURE`. Default `false` (see the hardened preset).
    pub cookie_secure: bool,
    /// `JWT_COOKIE_SAMESITE`. Default `None`, no attribute.
    pub cookie_samesite: Option<SameSite>,
    /// `JWT_SESSION_COOKIE`: cookies without `Max-Age`. Default `true`.
    pub session_cookie: bool,
    /// `JWT_COOKIE_CSRF_PROTECT`: write a `csrf` claim into every token and check the
    /// double-submit value for cookie tokens. Default `true`.
    pub cookie_csrf_protect: bool,
    /// `JWT_CSRF_METHODS`. Default POST, PUT, PATCH, DELETE.
    pub csrf_methods: Vec<Method>,
    /// `JWT_CSRF_IN_COOKIES`. Default `true`.
    pub csrf_in_cookies: bool,
    /// `JWT_CSRF_CHECK_FORM`. Default `false`.
    pub csrf_check_form: bool,
    /// `JWT_ACCESS_CSRF_COOKIE_NAME`. Default `"csrf_access_token"`.
    pub access_csrf_cookie_name: String,
    /// `JWT_REFRESH_CSRF_COOKIE_NAME`. Default `"csrf_refresh_token"`.
    pub refresh_csrf_cookie_name: String,
    /// `JWT_ACCESS_CSRF_COOKIE_PATH`. Default `"/"`.
    pub access_csrf_cookie_path: String,
    /// `JWT_REFRESH_CSRF_COOKIE_PATH`. Default `"/"`.
    pub refresh_csrf_cookie_path: String,
    /// `JWT_ACCESS_CSRF_HEADER_NAME`. Default `"X-CSRF-TOKEN"`.
    pub access_csrf_header_name: String,
    /// `JWT_REFRESH_CSRF_HEADER_NAME`. Default `"X-CSRF-TOKEN"`.
    pub refresh_csrf_header_name: String,
    /// `JWT_ACCESS_CSRF_FIELD_NAME`. Default `"csrf_token"`.
    pub access_csrf_field_name: String,
    /// `JWT_REFRESH_CSRF_FIELD_NAME`. Default `"csrf_token"`.
    pub refresh_csrf_field_name: String,
    /// Longest token accepted, in bytes. Default 16 KiB (flask-jwt-extended has no limit).
    pub max_token_len: usize,
    /// Where "now" comes from. Default the system clock.
    pub clock: Arc<dyn Clock>,
}

impl Default for JwtConfig {
    fn default() -> Self {
        JwtConfig {
            secret_key: None,
            private_key: None,
            public_key: None,
            insecure_allow_short_secret: false,
            algorithm: Algorithm::HS256,
            decode_algorithms: Vec::new(),
            access_token_expires: Expiry::minutes(15),
            refresh_token_expires: Expiry::days(30),
            decode_audience: None,
            encode_audience: None,
            decode_issuer: None,
            encode_issuer: None,
            decode_leeway: 0,
            encode_nbf: true,
            identity_claim: "sub".into(),
            verify_sub: true,
            error_msg_key: "msg".into(),
            token_location: vec![TokenLocation::Headers],
            header_name: "Authorization".into(),
            header_type: "Bearer".into(),
            query_string_name: "jwt".into(),
            query_string_value_prefix: String::new(),
            json_key: "access_token".into(),
            refresh_json_key: "refresh_token".into(),
            access_cookie_name: "access_token_cookie".into(),
            refresh_cookie_name: "refresh_token_cookie".into(),
            access_cookie_path: "/".into(),
            refresh_cookie_path: "/".into(),
            cookie_domain: None,
            cookie_secure: false,
            cookie_samesite: None,
            session_cookie: true,
            cookie_csrf_protect: true,
            csrf_methods: vec![Method::POST, Method::PUT, Method::PATCH, Method::DELETE],
            csrf_in_cookies: true,
            csrf_check_form: false,
            access_csrf_cookie_name: "csrf_access_token".into(),
            refresh_csrf_cookie_name: "csrf_refresh_token".into(),
            access_csrf_cookie_path: "/".into(),
            refresh_csrf_cookie_path: "/".into(),
            access_csrf_header_name: "X-CSRF-TOKEN".into(),
            refresh_csrf_header_name: "X-CSRF-TOKEN".into(),
            access_csrf_field_name: "csrf_token".into(),
            refresh_csrf_field_name: "csrf_token".into(),
            max_token_len: DEFAULT_MAX_TOKEN_LEN,
            clock: Arc::new(SystemClock),
        }
    }
}
