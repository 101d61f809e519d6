//! Refresh tokens: flask-jwt-extended's "Refresh Tokens" page, in Rust on axum.
//!
//! Access tokens are short-lived (15 minutes by default); a refresh token (30 days) can only be
//! traded for a new access token at `/refresh`, which is protected with
//! `#[jwt_required(refresh)]`. Each kind is refused where the other belongs:
//!
//! - a refresh token on `/protected` answers 422 `Only non-refresh tokens are allowed`;
//! - an access token on `/refresh` answers 422 `Only refresh tokens are allowed`.
//!
//! Access tokens made by `/refresh` are not fresh: the user did not type a password for them
//! (see `examples/token_freshness.rs` for routes that insist on a fresh token).
//!
//! ```sh
//! JWT_SECRET_KEY=... cargo run --example refresh_tokens   # 127.0.0.1:5000 (PORT overrides)
//! curl -H "Content-Type: application/json" -X POST \
//!   -d '{"username":"test","password":"test"}' http://localhost:5000/login
//! curl -H "Authorization: Bearer $ACCESS" http://localhost:5000/protected
//! curl -H "Authorization: Bearer $REFRESH" -X POST http://localhost:5000/refresh
//! ```

use axum::extract::{Extension, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use jwt_extended::{get_jwt_identity, jwt_required, ConfigError, JwtManager};
use serde::Deserialize;
use serde_json::json;

/// Used when `JWT_SECRET_KEY` is not set. Change this!
const DEVELOPMENT_SECRET: &str = "development-only-secret-change-me-0123456789";

/// The manager: flask-jwt-extended's defaults (access tokens live 15 minutes, refresh tokens
/// 30 days, tokens in the `Authorization: Bearer` header).
pub fn manager(secret: &str) -> Result<JwtManager, ConfigError> {
    JwtManager::builder().secret_key(secret).build()
}

/// The routes. The manager travels in every request's extensions, where `#[jwt_required]`
/// finds it (so two apps with different managers can share a process).
pub fn app(manager: JwtManager) -> Router {
    Router::new()
        .route("/login", post(login))
        .route("/refresh", post(refresh))
        .route("/protected", get(protected))
        .layer(Extension(manager))
}

#[derive(Deserialize)]
struct Credentials {
    username: String,
    password: String,
}

/// Checks the password, then returns an access token AND a refresh token.
async fn login(
    Extension(manager): Extension<JwtManager>,
    Json(login): Json<Credentials>,
) -> Response {
    if login.username != "test" || login.password != "test" {
        return message(StatusCode::UNAUTHORIZED, "Bad username or password");
    }
    let tokens = manager
        .create_access_token(&login.username)
        .and_then(|access| Ok((access, manager.create_refresh_token(&login.username)?)));
    match tokens {
        Ok((access_token, refresh_token)) => Json(json!({
            "access_token": access_token,
            "refresh_token": refresh_token,
        }))
        .into_response(),
        // Creating a token fails only on a server problem: answer with its 500 response.
        Err(e) => manager.error_response(&e),
    }
}

/// `refresh` means only refresh tokens are allowed here: an access token gets 422.
/// The new access token is marked non-fresh, as the user did not just log in.
#[jwt_required(refresh)]
async fn refresh(Extension(manager): Extension<JwtManager>, req: Request) -> Response {
    let identity = get_jwt_identity();
    match manager.access_token(identity).fresh(false).create() {
        Ok(access_token) => Json(json!({ "access_token": access_token })).into_response(),
        Err(e) => manager.error_response(&e),
    }
}

/// Only access tokens are allowed here: a refresh token gets 422.
#[jwt_required]
async fn protected(req: Request) -> Response {
    Json(json!({ "logged_in_as": get_jwt_identity() })).into_response()
}

fn message(status: StatusCode, msg: &str) -> Response {
    (status, Json(json!({ "msg": msg }))).into_response()
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
