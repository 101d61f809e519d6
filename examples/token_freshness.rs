//! Token freshness: flask-jwt-extended's "Token Freshness Pattern" page, in Rust on axum.
//!
//! A token is *fresh* when the user has just typed their password for it. Sensitive routes
//! (changing a password, deleting the account) can insist on one with
//! `#[jwt_required(fresh)]`, while everyday routes accept any valid access token, including the
//! non-fresh ones `/refresh` hands out.
//!
//! | route | token | answer |
//! |---|---|---|
//! | `POST /login` | password | a fresh access token (`fresh: true`) and a refresh token |
//! | `POST /refresh` | refresh token | a NON-fresh access token |
//! | `POST /fresh-login` | password | an access token fresh for 5 minutes only, no refresh token |
//! | `GET /protected` | any access token | 200 |
//! | `GET /protected_fresh` | fresh access token | 200; 401 `Fresh token required` otherwise |
//!
//! `/fresh-login` is the "re-authenticate to continue" step: it issues no new refresh token (that
//! would defeat the point of refresh tokens), and its token counts as fresh only for
//! [`FRESH_FOR`], after which `/protected_fresh` refuses it while `/protected` still accepts it.
//!
//! ```sh
//! JWT_SECRET_KEY=... cargo run --example token_freshness   # 127.0.0.1:5000 (PORT overrides)
//! curl -H "Content-Type: application/json" -X POST \
//!   -d '{"username":"test","password":"test"}' http://localhost:5000/login
//! curl -H "Authorization: Bearer $ACCESS" http://localhost:5000/protected_fresh
//! ```

use std::time::Duration;

use axum::extract::{Extension, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use jwt_extended::{get_jwt_identity, jwt_required, ConfigError, JwtError, JwtManager};
use serde::Deserialize;
use serde_json::json;

/// Used when `JWT_SECRET_KEY` is not set. Change this!
const DEVELOPMENT_SECRET: &str = "development-only-secret-change-me-0123456789";

/// How long a token from `/fresh-login` counts as fresh.
pub const FRESH_FOR: Duration = Duration::from_secs(5 * 60);

/// The manager, with flask-jwt-extended's defaults.
pub fn manager(secret: &str) -> Result<JwtManager, ConfigError> {
    JwtManager::builder().secret_key(secret).build()
}

/// The routes; the manager travels in every request's extensions, where `#[jwt_required]`
/// finds it.
pub fn app(manager: JwtManager) -> Router {
    Router::new()
        .route("/login", post(login))
        .route("/fresh-login", post(fresh_login))
        .route("/refresh", post(refresh))
        .route("/protected", get(protected))
        .route("/protected_fresh", get(protected_fresh))
        .layer(Extension(manager))
}

#[derive(Deserialize)]
struct Credentials {
    username: String,
    password: String,
}

fn password_is_right(login: &Credentials) -> bool {
    login.username == "test" && login.password == "test"
}

/// The user typed their password: the access token is fresh (`fresh: true`, for as long as
/// the token lives).
async fn login(
    Extension(manager): Extension<JwtManager>,
    Json(login): Json<Credentials>,
) -> Response {
    if !password_is_right(&login) {
        return message(StatusCode::UNAUTHORIZED, "Bad username or password");
    }
    let tokens = manager
        .access_token(&login.username)
        .fresh(true)
        .create()
        .and_then(|access| Ok((access, manager.create_refresh_token(&login.username)?)));
    match tokens {
        Ok((access_token, refresh_token)) => Json(json!({
            "access_token": access_token,
            "refresh_token": refresh_token,
        }))
        .into_response(),
        Err(e) => server_error(&manager, &e),
    }
}

/// Re-authentication: a new access token, fresh for [`FRESH_FOR`] (the `fresh` claim holds the
/// time it stops being fresh). No refresh token.
async fn fresh_login(
    Extension(manager): Extension<JwtManager>,
    Json(login): Json<Credentials>,
) -> Response {
    if !password_is_right(&login) {
        return message(StatusCode::UNAUTHORIZED, "Bad username or password");
    }
    match manager
        .access_token(&login.username)
        .fresh(FRESH_FOR)
        .create()
    {
        Ok(access_token) => Json(json!({ "access_token": access_token })).into_response(),
        Err(e) => server_error(&manager, &e),
    }
}

/// A refresh token buys a new access token, but never a fresh one.
#[jwt_required(refresh)]
async fn refresh(Extension(manager): Extension<JwtManager>, req: Request) -> Response {
    match manager
        .access_token(get_jwt_identity())
        .fresh(false)
        .create()
    {
        Ok(access_token) => Json(json!({ "access_token": access_token })).into_response(),
        Err(e) => server_error(&manager, &e),
    }
}

/// Any valid access token, fresh or not.
#[jwt_required]
async fn protected(req: Request) -> Response {
    Json(json!({ "logged_in_as": get_jwt_identity() })).into_response()
}

/// Only a fresh access token: 401 `Fresh token required` otherwise.
#[jwt_required(fresh)]
async fn protected_fresh(req: Request) -> Response {
    Json(json!({ "logged_in_as": get_jwt_identity(), "fresh": true })).into_response()
}

fn message(status: StatusCode, msg: &str) -> Response {
    (status, Json(json!({ "msg": msg }))).into_response()
}

/// Making a token fails only on a server problem: its 500 response.
fn server_error(manager: &JwtManager, error: &JwtError) -> Response {
    manager.error_response(error)
}

/// The secret from `JWT_SECRET_KEY`, or a development default with a warning.
fn secret_from_env() -> String {
    std::env::var("JWT_SECRET_KEY").unwrap_or_else(|_| {
        eprintln!(
            "warning: JWT_SECRET_KEY is not set; using a development secret. \
             Change this! Anyone who knows the secret can log in as any user."
        );
        DEVELOPMENT_SECRET.to_owned()
    })
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let manager = manager(&secret_from_env())?;
    let port: u16 = match std::env::var("PORT") {
        Ok(p) => p
            .parse()
            .map_err(|_| format!("PORT must be a port number, got {p:?}"))?,
        Err(_) => 5000,
    };
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    eprintln!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app(manager)).await?;
    Ok(())
}
