//! axum integration (feature `axum`): extractors that verify the request's token, and refusals
//! and errors as `IntoResponse`.
//!
//! | extractor | gives | flask-jwt-extended |
//! |---|---|---|
//! | [`JwtIdentity<T, P>`] | the identity, deserialized into `T` (`String`, `u64`, a struct; [`Identity`](crate::Identity) by default) | `get_jwt_identity()` |
//! | [`JwtClaims<C, P>`] | the claims, deserialized into `C` | `get_jwt()` into a type |
//! | [`JwtToken<P>`] | the token as it is: claims and header, no copy | `get_jwt()`, `get_jwt_header()` |
//! | [`Jwt`](crate::Jwt) | the same, with the default policy | `get_jwt()` |
//!
//! `P`, the policy, is what `@jwt_required(...)` says in flask: [`AccessToken`] (the default),
//! [`FreshToken`], [`RefreshToken`], [`AnyToken`] (`verify_type=False`), or your own
//! [`Policy`] (other locations, `skip_revocation_check`). Taken as an `Option<_>`, each
//! extractor is `optional=True`: `None` for a request without a token, while a token that is
//! there is still refused when it is invalid, expired, revoked or of the wrong type.
//!
//! ```
//! use axum::{routing::{get, post}, Extension, Json, Router};
//! use jwt_http::extractors::{JwtIdentity, RefreshToken};
//! use jwt_http::{JwtError, JwtManager};
//! use serde_json::{json, Value};
//!
//! async fn login(Extension(jwt): Extension<JwtManager>, Json(body): Json<Value>) -> Result<Json<Value>, JwtError> {
//!     let user = body["username"].as_str().unwrap_or_default();
//!     Ok(Json(json!({
//!         "access_token": jwt.create_access_token(user)?,
//!         "refresh_token": jwt.create_refresh_token(user)?,
//!     })))
//! }
//!
//! async fn protected(user: JwtIdentity<String>) -> Json<Value> {
//!     Json(json!({ "logged_in_as": *user }))
//! }
//!
//! async fn refresh(user: JwtIdentity<String, RefreshToken>) -> Result<Json<Value>, JwtError> {
//!     let token = user.context().manager().create_access_token(&*user)?;
//!     Ok(Json(json!({ "access_token": token })))
//! }
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let manager = JwtManager::builder().secret_key("a long random secret, 32 bytes or more").build()?;
//! let app: Router = Router::new()
//!     .route("/login", post(login))
//!     .route("/protected", get(protected))
//!     .route("/refresh", post(refresh))
//!     .layer(Extension(manager));
//! # Ok(()) }
//! ```
//!
//! # The manager
//!
//! An extractor verifies with the [`JwtManager`](crate::JwtManager) in the request's extensions
//! (`JwtLayer`, or `axum::Extension(manager)` as above), else the process default
//! ([`JwtManager::install_default`](crate::JwtManager::install_default)). To take it from the
//! router's state instead, wrap the policy in [`FromState`]: `JwtIdentity<String, FromState>`.
//! A request for which there is no manager is refused with a generic 500.
//!
//! # Refusals
//!
//! The rejection of every extractor is a [`Refusal`](crate::Refusal): flask-jwt-extended's
//! status and `{"msg": "..."}` body (`JWT_ERROR_MESSAGE_KEY`), or the response of the manager's
//! loader for that failure (`unauthorized_loader`, `expired_token_loader`,
//! `invalid_token_loader`, ...). Extractors read only the request's head, so the token is
//! verified before a body extractor (`Json<T>`, the last parameter) reads the body: a request
//! without a token is answered 401 whatever its body. Async loaders
//! (`token_in_blocklist_loader_async`, `user_lookup_loader_async`) are awaited.
//!
//! [`JwtError`](crate::JwtError) is `IntoResponse` too, so `?` on `create_access_token` and
//! friends works in a handler returning `Result<_, JwtError>`.
//!
//! # With `#[jwt_required]`
//!
//! A handler does not need the attribute to take an extractor. With it, the extractor's context
//! is entered for the body, so [`get_jwt_identity`](crate::get_jwt_identity) and the other
//! accessors work there; without it, run code in the context with
//! `jwt_http::scope(Some(user.context().clone()), future)`.
//!
//! # Token locations
//!
//! The `json` location needs the body read before the handler runs: `JwtLayer` (or a
//! middleware calling [`buffer_json_body`](crate::buffer_json_body)) keeps it for the
//! extractors.

mod claims;
mod identity;
mod jwt;
mod policy;
mod response;
mod source;
mod token;
mod typed;
mod verify;

pub use claims::JwtClaims;
pub use identity::JwtIdentity;
pub use policy::{AccessToken, AnyToken, FreshToken, Policy, RefreshToken};
pub use source::{FromState, Verification};
pub use token::JwtToken;
