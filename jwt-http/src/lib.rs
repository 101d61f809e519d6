//! The request side of [jwt-extended](https://docs.rs/jwt-extended), on the `http` crate and
//! no framework: the [`JwtManager`] with flask-jwt-extended's settings, token creation, finding
//! the token in headers, cookies, the query string or a JSON body, CSRF double-submit, the
//! per-request context behind [`get_jwt_identity`], and errors as `http::Response`s.
//!
//! ```
//! use jwt_http::{get_jwt_identity, scope, JwtManager, VerifyOptions};
//!
//! # async fn doc() -> Result<(), Box<dyn std::error::Error>> {
//! let manager = JwtManager::builder().secret_key("a long random secret, 32 bytes or more").build()?;
//! let token = manager.create_access_token("alice")?;
//! let request = http::Request::get("/protected")
//!     .header("Authorization", format!("Bearer {token}"))
//!     .body(())?;
//!
//! // What #[jwt_required] does for you:
//! let context = manager.verify_request(&request, &VerifyOptions::new())?;
//! let who = scope(context, async { get_jwt_identity() }).await;
//! assert_eq!(who.unwrap(), "alice");
//! # Ok(()) }
//! ```
#![warn(missing_docs, unreachable_pub, rust_2018_idioms)]
#![forbid(unsafe_code)]

// The tree: `manager/` is the `JwtManager`'s whole API (builder, token creation, decoding,
// request verification, cookies, responses); `config/` its settings (`JwtConfig`, read from
// `JWT_*` variables, the hardened preset); `cookie/` the per-call cookie options and the
// `Set-Cookie` writer; `extract/` finding a token in each location; `context.rs` the verified
// request seen by the handler; `functions.rs` flask-jwt-extended's free functions on the current
// manager; `extractors/` (axum) and `layer.rs` (tower) the framework integrations.
mod body;
mod config;
mod context;
mod cookie;
mod csrf;
mod error;
mod expiry;
mod extract;
mod functions;
mod guarded;
mod identity;
mod json_kind;
mod location;
mod manager;
mod request;
mod secret;

// axum integration: typed extractors, their policies, refusals as `IntoResponse`. Named
// `extractors` rather than `axum` so that `use jwt_extended::*` does not shadow the `axum`
// crate.
#[cfg(feature = "axum")]
pub mod extractors;
#[cfg(feature = "tower")]
mod layer;
#[cfg(feature = "tower")]
pub use layer::{BodyMode, Buffering, JwtLayer, JwtResponseFuture, JwtService, NoBuffering};

#[doc(hidden)]
pub mod __private;

// The remote JWKS verifier: keys fetched from an issuer's JWK Set URL, cached.
#[cfg(feature = "remote-jwks")]
pub mod jwks;

pub use body::{buffer_json_body, BodyError, BufferedBody};
pub use config::{AudienceClaim, JwtConfig, SameSite};
pub use context::{
    current, enter, get_current_user, get_jwt, get_jwt_header, get_jwt_identity,
    get_jwt_request_location, propagate, scope, ContextGuard, Jwt, JwtContext, Scoped,
};
pub use cookie::{CookieError, CookieOptions};
pub use error::{ConfigError, JwtError};
pub use expiry::{Expiry, Freshness};
pub use extract::is_json;
pub use functions::{
    create_access_token, create_refresh_token, decode_token, get_csrf_token, get_jti,
    get_unverified_jwt_headers, set_access_cookies, set_refresh_cookies, unset_access_cookies,
    unset_jwt_cookies, unset_refresh_cookies, verify_jwt_in_request, verify_jwt_in_request_async,
};
pub use guarded::Guarded;
pub use identity::{Identity, IdentityError};
pub use location::{TokenLocation, UnknownLocation};
pub use manager::{
    json_response, BoxFuture, ErrorResponse, JwtManager, JwtManagerBuilder, JwtRejection,
    KeyRotationError, PendingVerification, Refusal, TokenBuilder, TokenType, User, VerifyOptions,
};
pub use request::{RequestHead, TokenRequest};
pub use secret::Secret;
