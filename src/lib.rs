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
//! Wraps any handler, sync or async, free function or method, generic or not, and keeps its
//! signature. The request is the parameter of type `Request<_>`, `Parts` or `HeaderMap` (by
//! value or reference, under any path such as `axum::extract::Request`), or the one named with
//! `request = name`. On a refused request the handler returns the error converted into its own
//! return type through [`JwtRejection`]: an `http::Response<B>` whose body is `From<String>`
//! (axum, hyper), or a `Result<T, E>` with `E: From<JwtError>`.
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
#![warn(missing_docs)]
#![forbid(unsafe_code)]

pub use jwt_core;
pub use jwt_http;

pub use jwt_core::{
    decode, decode_as, encode, Algorithm, Claims, Clock, Error as TokenError, FixedClock, Header,
    Key, KeyError, SystemClock, TokenData, Validation,
};
pub use jwt_http::*;
pub use jwt_macros::jwt_required;
