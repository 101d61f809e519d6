//! # jwt-extended
//!
//! What flask-jwt-extended gives Flask, for every Rust server built on the `http` crate: create
//! tokens in one call, protect a handler with one attribute, read the identity with one
//! function. Stricter and faster than `jsonwebtoken` plus hand-written middleware.
//!
//! ```no_run
//! use axum::{extract::Request, response::Response, routing::get, Json, Router};
//! use jwt_extended::{get_jwt_identity, jwt_required, JwtManager};
//!
//! #[jwt_required]
//! async fn protected(req: Request) -> Response {
//!     let who = get_jwt_identity();
//!     axum::response::IntoResponse::into_response(Json(serde_json::json!({ "logged_in_as": who })))
//! }
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! JwtManager::builder()
//!     .secret_key(std::env::var("JWT_SECRET_KEY")?)
//!     .build()?
//!     .install_default();
//! let token = jwt_extended::create_access_token("test")?;
//! let app: Router = Router::new().route("/protected", get(protected));
//! # Ok(()) }
//! ```
//!
//! The pieces, each usable alone:
//!
//! - [`jwt_core`]: strict HS256/HS384/HS512 encoding and verification, no HTTP;
//! - [`jwt_http`]: the [`JwtManager`], token locations, CSRF, cookies, error responses;
//! - [`macro@jwt_required`]: the attribute, from `jwt-macros`.
//!
//! # `#[jwt_required]`
//!
//! Wraps any handler, sync or async, free function or method, generic or not. Its parameters
//! are kept; the request is read from them by one rule, and what they cannot show is never
//! taken as harmless:
//!
//! | the handler takes | read from it | when something is missing |
//! |---|---|---|
//! | `request = name` | that parameter (any [`TokenRequest`]) | as the type reports it |
//! | a [`Jwt`], `JwtClaims<..>` or `JwtIdentity<..>` extractor (or an `Option` of one) | nothing: the extractor verified the request before the body was read; its context is entered | attribute options are a compile error (put them on the extractor's policy) |
//! | a `Request<_>` or `Parts` (by value or reference) | method, URI, headers, extensions, buffered body | — |
//! | a `HeaderMap`, with `Method`, `Uri`, `Extensions` parameters when present | what is given | no `Method`: the method counts as state-changing, so a cookie token always needs its CSRF value; no `Extensions` and no `manager = ...`: **compile error** (the request's manager would be unknown); `locations` naming `query_string` without `Uri`, or `json` without `Extensions`: **compile error**; such a location configured at run time: refused with a generic 500 ([`JwtError::UnreadableLocation`]) |
//!
//! **OPTIONS** is checked like any other method. flask-jwt-extended lets OPTIONS through
//! because Flask answers it without running the view; axum routes it to the handler (`any`,
//! `.options`, fallbacks), so an exemption would run a protected handler without a token. Answer
//! CORS preflight in a CORS layer placed outside the protected routes.
//!
//! **Return types.** A handler returning `http::Response<B>` (`B: From<String>`: axum's
//! `Response`, hyper's `Response<Full<Bytes>>`) answers a refused request with the manager's
//! response; one returning `Result<T, E>` with `E: From<JwtError>` (for example [`JwtError`]
//! itself, which is `IntoResponse` with the `axum` feature) returns `Err(error.into())`. Any
//! other return type `T` — `impl IntoResponse`, `Json<T>`, `(StatusCode, Json<T>)`, `String`,
//! `()` — becomes [`Guarded<T>`](Guarded): the handler's value or the refusal, `IntoResponse`
//! whenever `T` is.
//!
//! ```no_run
//! use axum::extract::{Path, State};
//! use axum::http::{Extensions, HeaderMap, StatusCode};
//! use axum::response::IntoResponse;
//! use axum::{routing::post, Json, Router};
//! use jwt_extended::{get_jwt_identity, jwt_required};
//! use serde_json::{json, Value};
//!
//! // State, Path and Json beside the request's headers and extensions; any IntoResponse.
//! #[jwt_required]
//! async fn transfer(
//!     State(bank): State<&'static str>,
//!     Path(account): Path<u32>,
//!     headers: HeaderMap,
//!     extensions: Extensions,
//!     Json(body): Json<Value>,
//! ) -> impl IntoResponse {
//!     let _ = (headers, extensions);
//!     let by = get_jwt_identity();
//!     (StatusCode::CREATED, Json(json!({ "bank": bank, "account": account, "by": by, "amount": body["amount"] })))
//! }
//!
//! let app: Router = Router::new().route("/accounts/{account}/transfer", post(transfer)).with_state("acme");
//! ```
//!
//! The attribute runs inside the handler, after axum's extractors: with a body extractor
//! (`Json<T>`), a request without a token and with a bad body gets the body's 422. Take a
//! [`Jwt`]/`JwtIdentity` extractor first, or put [`JwtLayer`] on the route, to refuse such
//! requests with 401 before the body is read.
//!
//! Options, as flask-jwt-extended's `jwt_required(...)`:
//!
//! | option | meaning |
//! |---|---|
//! | `optional` | let requests without a token through (`get_jwt_identity()` is `None`) |
//! | `fresh` | require a fresh access token |
//! | `refresh` | require a refresh token |
//! | `verify_type = false` | accept access and refresh tokens |
//! | `skip_revocation_check` | do not call the blocklist callback |
//! | `locations = [headers, cookies, query_string, json]` | search these locations, in order |
//! | `request = name` | the parameter holding the request |
//! | `manager = expr` | use this [`JwtManager`] instead of the request's or the default |
//! | `crate = "path"` | where the runtime support lives (default `jwt_extended`) |
//!
//! Inside the body, [`get_jwt_identity`], [`get_jwt`], [`get_jwt_header`],
//! [`get_jwt_request_location`] and [`get_current_user`] see the request's token. For async
//! handlers the context is entered on every poll of the body's future and left after it, so it
//! follows the task across worker threads and never shows to another task; outside a protected
//! scope the accessors return `None`. Spawned tasks see it only through [`propagate`].
//!
//! A request that finds no manager (none in its extensions, none named, no default installed)
//! is answered `500 {"msg": "Internal Server Error"}`; the developer message goes to standard
//! error once, never to the client.
#![warn(missing_docs)]
#![forbid(unsafe_code)]

pub use jwt_core;
pub use jwt_http;

// Everything jwt-core exports, at the root: the claim types the accessors return
// (`get_jwt()?.exp()` is a `NumericDate`, `.aud()` an `Audience`, `.fresh()` a `Fresh`), the
// clock's `UnixTime`, the key and its errors, and the token functions. Its `Error` is
// `TokenError` here (`JwtError::InvalidToken` holds one).
pub use jwt_core::{
    decode, decode_as, decode_at, decode_header_unverified, decode_unverified, decode_with,
    decode_with_at, encode, encode_with, uuid4, uuid4_pair, verify_jws, Algorithm, Audience,
    Claims, ClaimsWriter, Clock, Curve, Error as TokenError, Family, FixedClock, Fresh, Header,
    Jws, Key, KeyError, KeySet, KeySetError, MissingKid, NumericDate, SystemClock, TokenData,
    UnixTime, UnknownAlgorithm, Validation, DEFAULT_MAX_TOKEN_LEN, MAX_KID_LEN,
};
// With the `asymmetric` feature: JWKs and the DER formats keys are read from.
#[cfg(feature = "asymmetric")]
pub use jwt_core::{DerFormat, Jwk, JwkSet};
pub use jwt_http::*;
/// Protects a handler: its body runs only for a request with a valid token, and inside it
/// [`get_jwt_identity`], [`get_jwt`] and the other accessors see that token. The rule for
/// parameters, OPTIONS and return types is in the [crate docs](crate#jwt_required).
///
/// ```
/// use axum::{body::Body, extract::Request, Json};
/// use jwt_extended::{get_jwt_identity, jwt_required, Guarded, JwtManager};
/// use serde_json::{json, Value};
///
/// #[jwt_required]
/// async fn protected(req: Request) -> Json<Value> {
///     let _ = req;
///     Json(json!({ "logged_in_as": get_jwt_identity() }))
/// }
///
/// # async fn doc() -> Result<(), Box<dyn std::error::Error>> {
/// let manager = JwtManager::builder().secret_key("a long random secret, 32 bytes or more").build()?;
/// let token = manager.create_access_token("alice")?;
/// let with_token = Request::get("/protected")
///     .header("Authorization", format!("Bearer {token}"))
///     .extension(manager.clone())
///     .body(Body::empty())?;
/// let Json(body) = protected(with_token).await.handled().expect("verified");
/// assert_eq!(body, json!({ "logged_in_as": "alice" }));
///
/// // Without a token the body never runs; the refusal is flask-jwt-extended's answer.
/// let without = Request::get("/protected").extension(manager).body(Body::empty())?;
/// let refused: Guarded<Json<Value>> = protected(without).await;
/// assert_eq!(refused.refusal().unwrap().error().to_string(), "Missing Authorization Header");
/// # Ok(()) }
/// # tokio::runtime::Builder::new_current_thread().build()?.block_on(doc())?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[doc(inline)]
pub use jwt_macros::jwt_required;
/// The `serde_json` of the loaders' and claims' `Value` and `Map`.
pub use serde_json;
