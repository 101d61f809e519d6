//! Why a request was refused, and why a manager could not be built.

use std::fmt;

use http::StatusCode;
use jwt_core::{Algorithm, Claims, Header, KeyError, TokenData};

use crate::{CookieError, TokenLocation};

/// Why a request's token was refused, or a token could not be made.
///
/// One variant per failure. `Display` is flask-jwt-extended 4.7's message, byte for byte, and
/// [`JwtError::status`] its status code: 401 when the token is absent, expired, revoked or not
/// fresh; 422 when it is present but invalid; 400 when the application's own claims check
/// refused it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum JwtError {
    /// The token header is absent or empty: `Missing Authorization Header`.
    MissingHeader {
        /// The configured header name.
        name: String,
    },
    /// The header has no segment (or several) starting with the configured scheme.
    MissingHeaderType {
        /// The configured header name.
        name: String,
        /// The configured scheme word.
        header_type: String,
    },
    /// The scheme segment is not exactly `<scheme> <token>` (or a bare token without a scheme).
    BadHeader {
        /// The configured header name.
        name: String,
        /// The configured scheme word, possibly empty.
        header_type: String,
    },
    /// The token cookie is absent or empty.
    MissingCookie {
        /// The cookie name.
        name: String,
    },
    /// A cookie token on a CSRF-protected method without the double-submit value.
    MissingCsrfToken,
    /// The double-submit value differs from the token's `csrf` claim.
    CsrfMismatch,
    /// The query parameter is absent or empty.
    MissingQueryParam {
        /// The parameter name.
        name: String,
    },
    /// The query parameter lacks the configured prefix.
    InvalidQueryParam {
        /// The parameter name.
        name: String,
        /// The configured prefix.
        prefix: String,
    },
    /// The JSON location was searched but the request is not `application/json`.
    InvalidContentType,
    /// The JSON body has no non-empty value under the key.
    MissingJsonKey {
        /// The JSON key.
        key: String,
    },
    /// The JSON body holds a non-string token.
    TokenNotString,
    /// No location had a token; one message per location searched, in order.
    NoTokenFound {
        /// The locations searched.
        locations: Vec<TokenLocation>,
        /// Why each one had none.
        reasons: Vec<JwtError>,
    },
    /// The token failed verification or claim validation (other than expiry).
    InvalidToken(jwt_core::Error),
    /// The token expired. Carries the token, otherwise valid, for expired-token callbacks.
    Expired(Box<TokenData<Claims>>),
    /// A refresh token on an access route, or the reverse.
    WrongTokenType {
        /// Whether the route wanted a refresh token.
        refresh_required: bool,
    },
    /// The route needs a fresh token.
    FreshTokenRequired(Box<TokenData<Claims>>),
    /// The blocklist callback says the token is revoked.
    Revoked(Box<TokenData<Claims>>),
    /// The user lookup callback found no user for the identity.
    UserLookupFailed(Box<TokenData<Claims>>, String),
    /// The token verification callback refused the claims.
    ClaimsVerificationFailed(Box<TokenData<Claims>>),
    /// No [`JwtManager`](crate::JwtManager) was found for the request (a server misconfiguration).
    NoManager,
    /// Creating a token failed (a serialization or random-number failure).
    Create(jwt_core::Error),
    /// Creating a token whose `sub` claim would not be a string, while `verify_sub`
    /// (`JWT_VERIFY_SUB`, on by default) would refuse every request bearing it with `Subject
    /// must be a string`. The identity claim is `sub` by default, so this is usually a
    /// non-string identity (after the `user_identity_loader`, when one is registered).
    /// flask-jwt-extended mints such a token and refuses it on every use; this is refused
    /// when the token is made instead (a server misconfiguration, status 500).
    SubjectNotString {
        /// The JSON type the `sub` claim would have had: `"a number"`, `"an object"`, ...
        found: &'static str,
    },
    /// A `Set-Cookie` header could not be written: a cookie name or domain that a header cannot
    /// carry (a server misconfiguration, status 500).
    Cookie(CookieError),
    /// A synchronous handler met an async loader it cannot await (a server misconfiguration:
    /// make the handler async, or register a sync loader).
    AsyncLoaderInSyncHandler,
    /// A token location that the handler's request parameter cannot show: the query string
    /// without the request URI, the JSON body when the body was not buffered (a server
    /// misconfiguration). Refused rather than skipped, so a token there is never silently
    /// ignored.
    UnreadableLocation(TokenLocation),
    /// Creating a token without a signing key: the manager has only a verification key
    /// (`JWT_PUBLIC_KEY` alone, a key set without an active key) and no `encode_key_loader`.
    /// flask-jwt-extended's message, `JWT_PRIVATE_KEY must be set to use asymmetric cryptography
    /// algorithm "RS256"`; a server misconfiguration, status 500.
    MissingSigningKey {
        /// `JWT_ALGORITHM`.
        algorithm: Algorithm,
    },
    /// Verifying a token without a verification key: an asymmetric algorithm with neither
    /// `JWT_PUBLIC_KEY` nor `JWT_PRIVATE_KEY`, in a manager whose `encode_key_loader` signs and
    /// that has no `decode_key_loader`. flask-jwt-extended's message, `JWT_PUBLIC_KEY must be
    /// set to use asymmetric cryptography algorithm "RS256"`; a server misconfiguration, status
    /// 500.
    MissingVerificationKey {
        /// `JWT_ALGORITHM`.
        algorithm: Algorithm,
    },
    /// The remote JWKS cannot be used: nothing fetched yet, or its keys are stale past their
    /// limit while fetches fail (feature `remote-jwks`). A server-side failure, status 500; the
    /// cause goes to the server's log, never to the client.
    #[cfg(feature = "remote-jwks")]
    KeysUnavailable(crate::jwks::KeysUnavailable),
}

impl JwtError {
    /// The HTTP status flask-jwt-extended answers this failure with.
    pub fn status(&self) -> StatusCode {
        use JwtError::*;
        match self {
            MissingHeader { .. }
            | MissingHeaderType { .. }
            | MissingCookie { .. }
            | MissingCsrfToken
            | CsrfMismatch
            | MissingQueryParam { .. }
            | InvalidContentType
            | MissingJsonKey { .. }
            | NoTokenFound { .. }
            | Expired(_)
            | FreshTokenRequired(_)
            | Revoked(_)
            | UserLookupFailed(..) => StatusCode::UNAUTHORIZED,
            BadHeader { .. }
            | InvalidQueryParam { .. }
            | TokenNotString
            | InvalidToken(_)
            | WrongTokenType { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ClaimsVerificationFailed(_) => StatusCode::BAD_REQUEST,
            NoManager
            | Create(_)
            | SubjectNotString { .. }
            | Cookie(_)
            | AsyncLoaderInSyncHandler
            | UnreadableLocation(_)
            | MissingSigningKey { .. }
            | MissingVerificationKey { .. } => StatusCode::INTERNAL_SERVER_ERROR,
            #[cfg(feature = "remote-jwks")]
            KeysUnavailable(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Whether the token was simply absent from a location: the only failure that moves the
    /// search on to the next location, and the only one `optional` forgives.
    pub fn is_absent(&self) -> bool {
        use JwtError::*;
        matches!(
            self,
            MissingHeader { .. }
                | MissingHeaderType { .. }
                | MissingCookie { .. }
                | MissingQueryParam { .. }
                | InvalidContentType
                | MissingJsonKey { .. }
                | NoTokenFound { .. }
        )
    }

    /// The decoded token, for failures that happen after decoding (expired, not fresh, revoked,
    /// unknown user, refused claims).
    pub fn token(&self) -> Option<&TokenData<Claims>> {
        use JwtError::*;
        match self {
            Expired(t)
            | FreshTokenRequired(t)
            | Revoked(t)
            | UserLookupFailed(t, _)
            | ClaimsVerificationFailed(t) => Some(t),
            _ => None,
        }
    }

    /// The header of the decoded token, when there is one.
    pub fn header(&self) -> Option<&Header> {
        self.token().map(|t| &t.header)
    }
}

impl fmt::Display for JwtError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use JwtError::*;
        match self {
            MissingHeader { name } => write!(f, "Missing {name} Header"),
            MissingHeaderType { name, header_type } => write!(
                f,
                "Missing '{header_type}' type in '{name}' header. Expected '{name}: {header_type} <JWT>'"
            ),
            BadHeader { name, header_type } if header_type.is_empty() => {
                write!(f, "Bad {name} header. Expected '{name}: <JWT>'")
            }
            BadHeader { name, header_type } => {
                write!(f, "Bad {name} header. Expected '{name}: {header_type} <JWT>'")
            }
            MissingCookie { name } => write!(f, "Missing cookie \"{name}\""),
            MissingCsrfToken => f.write_str("Missing CSRF token"),
            CsrfMismatch => f.write_str("CSRF double submit tokens do not match"),
            // "paramater" is flask-jwt-extended's spelling, kept for parity.
            MissingQueryParam { name } => write!(f, "Missing '{name}' query paramater"),
            InvalidQueryParam { name, prefix } => write!(
                f,
                "Invalid value for query parameter '{name}'. Expected the value to start with '{prefix}'"
            ),
            InvalidContentType => f.write_str("Invalid content-type. Must be application/json."),
            MissingJsonKey { key } => write!(f, "Missing \"{key}\" key in json data."),
            TokenNotString => f.write_str("Invalid token type. Token must be a <class 'bytes'>"),
            NoTokenFound { locations, reasons } => {
                if let ([_], [reason]) = (locations.as_slice(), reasons.as_slice()) {
                    return reason.fmt(f);
                }
                f.write_str("Missing JWT in ")?;
                for (i, loc) in locations.iter().enumerate() {
                    let sep = match i {
                        0 => "",
                        i if i + 1 == locations.len() => " or ",
                        _ => ", ",
                    };
                    write!(f, "{sep}{loc}")?;
                }
                f.write_str(" (")?;
                for (i, reason) in reasons.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    reason.fmt(f)?;
                }
                f.write_str(")")
            }
            InvalidToken(e) | Create(e) => e.fmt(f),
            SubjectNotString { found } => write!(
                f,
                "Cannot create a token whose \"sub\" claim is {found}: JWT_VERIFY_SUB (verify_sub) \
                 is on, so every request bearing it would be refused with \"Subject must be a \
                 string\". Pass a string identity, register a user_identity_loader that returns \
                 one (such as the user's id as text), or turn verify_sub off"
            ),
            Cookie(e) => e.fmt(f),
            Expired(_) => f.write_str("Token has expired"),
            WrongTokenType {
                refresh_required: true,
            } => f.write_str("Only refresh tokens are allowed"),
            WrongTokenType {
                refresh_required: false,
            } => f.write_str("Only non-refresh tokens are allowed"),
            FreshTokenRequired(_) => f.write_str("Fresh token required"),
            Revoked(_) => f.write_str("Token has been revoked"),
            UserLookupFailed(_, identity) => write!(f, "Error loading the user {identity}"),
            ClaimsVerificationFailed(_) => f.write_str("User claims verification failed"),
            AsyncLoaderInSyncHandler => f.write_str(
                "An async blocklist or user-lookup loader is registered, but this handler is \
                 synchronous and cannot await it: make the handler async, or register a sync loader",
            ),
            UnreadableLocation(TokenLocation::QueryString) => f.write_str(
                "The query_string token location is searched, but this request parameter has no \
                 URI: take the whole Request or Parts, add a `Uri` parameter, or search other locations",
            ),
            UnreadableLocation(TokenLocation::Json) => f.write_str(
                "The json token location is searched, but the request body was not buffered: add \
                 JwtLayer (with a body type it can rebuild, not no_buffering) or a middleware \
                 calling JwtManager::buffer_body before the handler, and take the Request or Parts",
            ),
            UnreadableLocation(location) => write!(
                f,
                "The {location} token location cannot be read from this request parameter"
            ),
            NoManager => f.write_str(
                "No JwtManager for this request: install one with JwtManager::install_default, \
                 put one in the request extensions, or name one with #[jwt_required(manager = ...)]",
            ),
            MissingSigningKey { algorithm } if algorithm.is_hmac() => write!(
                f,
                "JWT_SECRET_KEY or flask SECRET_KEY must be set when using symmetric algorithm \"{algorithm}\""
            ),
            MissingSigningKey { algorithm } => write!(
                f,
                "JWT_PRIVATE_KEY must be set to use asymmetric cryptography algorithm \"{algorithm}\""
            ),
            MissingVerificationKey { algorithm } => write!(
                f,
                "JWT_PUBLIC_KEY must be set to use asymmetric cryptography algorithm \"{algorithm}\""
            ),
            #[cfg(feature = "remote-jwks")]
            KeysUnavailable(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for JwtError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            JwtError::InvalidToken(e) | JwtError::Create(e) => Some(e),
            JwtError::Cookie(e) => Some(e),
            _ => None,
        }
    }
}

impl From<CookieError> for JwtError {
    fn from(e: CookieError) -> Self {
        JwtError::Cookie(e)
    }
}

impl From<jwt_core::Error> for JwtError {
    fn from(e: jwt_core::Error) -> Self {
        JwtError::InvalidToken(e)
    }
}

/// Why a [`JwtConfig`](crate::JwtConfig) could not become a manager. Each names the option.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// `JWT_SECRET_KEY` is not set, and the algorithm is HS256, HS384 or HS512.
    MissingSecretKey,
    /// `JWT_SECRET_KEY` does not make a key for the configured algorithms.
    SecretKey(KeyError),
    /// `JWT_PRIVATE_KEY` does not make a private key (not PEM, a public key, an RSA key under
    /// 2048 bits, ...).
    PrivateKey(KeyError),
    /// `JWT_PUBLIC_KEY` does not make a public key.
    PublicKey(KeyError),
    /// An algorithm of `JWT_ALGORITHM` or `JWT_DECODE_ALGORITHMS` that the key which would sign
    /// or verify it cannot serve: `HS256` next to an RSA `JWT_PUBLIC_KEY`, `ES256` with an RSA
    /// key, `RS256` with an HMAC secret. flask-jwt-extended verifies every decode algorithm
    /// with the one key `JWT_ALGORITHM` chooses, so such a token could never verify there either.
    AlgorithmKeyMismatch {
        /// `JWT_ALGORITHM` or `JWT_DECODE_ALGORITHMS`.
        algorithm_option: &'static str,
        /// The algorithm.
        algorithm: Algorithm,
        /// Where the key comes from: `JWT_SECRET_KEY`, `JWT_PRIVATE_KEY`, `JWT_PUBLIC_KEY`, or
        /// the builder method (`signing_key`, `verification_key`, `key_set`).
        key_option: &'static str,
        /// What the key is (`a 2048-bit RSA key`, `a P-256 EC key`, `an HMAC secret`, ...).
        found: String,
    },
    /// An asymmetric `JWT_ALGORITHM` with neither `JWT_PRIVATE_KEY` nor `JWT_PUBLIC_KEY` (nor a
    /// key given to the builder, nor a key loader): the manager could neither sign nor verify.
    MissingAsymmetricKey {
        /// `JWT_ALGORITHM`.
        algorithm: Algorithm,
    },
    /// The signing key is a public key.
    SigningKeyCannotSign {
        /// Where it comes from (`signing_key`, `key_set`).
        key_option: &'static str,
    },
    /// An asymmetric algorithm or key in a build without the `asymmetric` feature.
    AsymmetricUnavailable {
        /// The option: `JWT_ALGORITHM`, `JWT_DECODE_ALGORITHMS`, `JWT_PRIVATE_KEY` or
        /// `JWT_PUBLIC_KEY`.
        option: &'static str,
    },
    /// `JWT_HEADER_NAME` is empty.
    EmptyHeaderName,
    /// A header-name option is not a valid HTTP header name.
    InvalidHeaderName {
        /// The option.
        option: &'static str,
        /// Its value.
        value: String,
    },
    /// `JWT_TOKEN_LOCATION` is empty.
    EmptyTokenLocation,
    /// `JWT_IDENTITY_CLAIM` is empty.
    EmptyIdentityClaim,
    /// A `JWT_*` variable could not be read (`from_env`).
    InvalidValue {
        /// The option.
        option: String,
        /// Why.
        reason: String,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::MissingSecretKey => {
                f.write_str("JWT_SECRET_KEY must be set when using symmetric algorithms")
            }
            // jwt-core's hint names `Key::insecure_short_secret`; here the opt-out is the
            // manager's setting.
            ConfigError::SecretKey(KeyError::TooShort {
                algorithm,
                len,
                min,
            }) => write!(
                f,
                "JWT_SECRET_KEY: the HMAC secret is {len} bytes, but {algorithm} needs at least \
                 {min} (RFC 7518 §3.2); use a longer random secret, or set \
                 insecure_allow_short_secret (JwtManagerBuilder::insecure_allow_short_secret(true), \
                 or the JwtConfig field) while migrating an application that has one"
            ),
            ConfigError::SecretKey(e) => write!(f, "JWT_SECRET_KEY: {e}"),
            ConfigError::PrivateKey(e) => write!(f, "JWT_PRIVATE_KEY: {e}"),
            ConfigError::PublicKey(e) => write!(f, "JWT_PUBLIC_KEY: {e}"),
            ConfigError::AlgorithmKeyMismatch {
                algorithm_option,
                algorithm,
                key_option,
                found,
            } => write!(
                f,
                "{algorithm_option} has {algorithm}, which {key_option} ({found}) cannot serve: \
                 every algorithm of JWT_ALGORITHM and JWT_DECODE_ALGORITHMS must be of the key's \
                 family (an HMAC key is never made from PEM text)"
            ),
            ConfigError::MissingAsymmetricKey { algorithm } => write!(
                f,
                "JWT_PRIVATE_KEY or JWT_PUBLIC_KEY must be set to use asymmetric cryptography \
                 algorithm \"{algorithm}\""
            ),
            ConfigError::SigningKeyCannotSign { key_option } => write!(
                f,
                "{key_option}: the signing key is a public key and cannot sign"
            ),
            ConfigError::AsymmetricUnavailable { option } => write!(
                f,
                "{option}: asymmetric algorithms and keys need the `asymmetric` feature \
                 (of jwt-extended, or of jwt-http)"
            ),
            ConfigError::EmptyHeaderName => f.write_str("JWT_HEADER_NAME cannot be empty"),
            ConfigError::InvalidHeaderName { option, value } => {
                write!(f, "{option}: {value:?} is not a valid HTTP header name")
            }
            ConfigError::EmptyTokenLocation => f.write_str(
                "JWT_TOKEN_LOCATION must contain at least one of \"headers\", \"cookies\", \"query_string\", or \"json\"",
            ),
            ConfigError::EmptyIdentityClaim => f.write_str("JWT_IDENTITY_CLAIM cannot be empty"),
            ConfigError::InvalidValue { option, reason } => write!(f, "{option}: {reason}"),
        }
    }
}

impl std::error::Error for ConfigError {}
