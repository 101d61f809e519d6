//! Custom error responses: flask-jwt-extended's "Changing Default Behaviors" page, in Rust on
//! axum.
//!
//! By default a refused request gets flask-jwt-extended's answer, e.g. 401
//! `{"msg": "Token has expired"}`. Response loaders registered on the manager replace those
//! answers with the application's own status, headers and body (an
//! [`ErrorResponse`](jwt_extended::ErrorResponse), i.e. `http::Response<String>`). This app
//! answers in its API's error format, `{"error": <code>, "message": <text>}`:
//!
//! | loader | when | default | here |
//! |---|---|---|---|
//! | `unauthorized_loader` | no token, or a CSRF failure | 401 `{"msg": <why>}` | 401 `authorization_required` + `WWW-Authenticate` |
//! | `invalid_token_loader` | malformed, bad signature, wrong type... | 422 `{"msg": <why>}` | 400 `invalid_token` |
//! | `expired_token_loader` | `exp` has passed | 401 `Token has expired` | 401 `token_expired` + `expired_at` |
//! | `revoked_token_loader` | the blocklist says revoked | 401 `Token has been revoked` | 401 `token_revoked` + `jti` |
//! | `needs_fresh_token_loader` | a fresh route got a non-fresh token | 401 `Fresh token required` | 403 `fresh_token_required` |
//!
//! The message-based loaders get flask-jwt-extended's message; the token-based ones get the
//! token's (verified) header and claims, so they can say which token, or since when.
//!
//! ```sh
//! JWT_SECRET_KEY=... cargo run --example custom_errors   # 127.0.0.1:5000 (PORT overrides)
//! curl -i http://localhost:5000/protected
//! curl -H "Authorization: Bearer not.a.token" http://localhost:5000/protected
//! ```

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use axum::extract::{Extension, Request};
use axum::http::header::{CONTENT_TYPE, WWW_AUTHENTICATE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use jwt_extended::{
    get_jwt, get_jwt_identity, jwt_required, ConfigError, ErrorResponse, JwtManager,
};
use serde::Deserialize;
use serde_json::{json, Value};

/// Used when `JWT_SECRET_KEY` is not set. Change this!
const DEVELOPMENT_SECRET: &str = "development-only-secret-change-me-0123456789";

/// The revoked token ids (`jti`).
pub type Blocklist = Arc<Mutex<HashSet<String>>>;

/// An error in this API's format: `{"error": code, "message": message, ...extra}`.
fn api_error(status: StatusCode, code: &str, message: &str, extra: Value) -> ErrorResponse {
    let mut body = json!({ "error": code, "message": message });
    if let (Some(body), Value::Object(extra)) = (body.as_object_mut(), extra) {
        body.extend(extra);
    }
    let mut response = ErrorResponse::new(body.to_string());
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// The manager with the five response loaders and a blocklist.
pub fn manager(secret: &str, blocklist: Blocklist) -> Result<JwtManager, ConfigError> {
    JwtManager::builder()
        .secret_key(secret)
        // No token at all (or, with cookies, a CSRF failure). RFC 6750 asks for a
        // WWW-Authenticate challenge with a 401; flask-jwt-extended sends none by default.
        .unauthorized_loader(|why| {
            let mut response = api_error(
                StatusCode::UNAUTHORIZED,
                "authorization_required",
                why,
                Value::Null,
            );
            response.headers_mut().insert(
                WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"example\""),
            );
            response
        })
        // A token that is there but unusable: `why` says what is wrong with it.
        .invalid_token_loader(|why| {
            api_error(StatusCode::BAD_REQUEST, "invalid_token", why, Value::Null)
        })
        // Called with the expired token's header and claims (verified, apart from `exp`).
        .expired_token_loader(|_header, claims| {
            api_error(
                StatusCode::UNAUTHORIZED,
                "token_expired",
                "The token has expired, please log in again",
                json!({ "expired_at": claims.get("exp") }),
            )
        })
        .revoked_token_loader(|_header, claims| {
            api_error(
                StatusCode::UNAUTHORIZED,
                "token_revoked",
                "This token has been revoked",
                json!({ "jti": claims.jti() }),
            )
        })
        .needs_fresh_token_loader(|_header, _claims| {
            api_error(
                StatusCode::FORBIDDEN,
                "fresh_token_required",
                "Please enter your password again to continue",
                Value::Null,
            )
        })
        .token_in_blocklist_loader(move |_header, claims| {
            let jti = claims.jti().unwrap_or_default();
            // A poisoned lock: fail closed.
            blocklist.lock().map_or(true, |set| set.contains(jti))
        })
        .build()
}

/// The routes; the manager and the blocklist travel in the requests' extensions.
pub fn app(manager: JwtManager, blocklist: Blocklist) -> Router {
    Router::new()
        .route("/login", post(login))
        .route("/protected", get(protected))
        .route("/settings", get(settings))
        .route("/logout", delete(logout))
        .layer(Extension(blocklist))
        .layer(Extension(manager))
}

#[derive(Deserialize)]
struct Credentials {
    username: String,
    password: String,
}

/// A fresh access token for `test` / `test`.
async fn login(
    Extension(manager): Extension<JwtManager>,
    Json(login): Json<Credentials>,
) -> Response {
    if login.username != "test" || login.password != "test" {
        return api_error(
            StatusCode::UNAUTHORIZED,
            "bad_credentials",
            "Bad username or password",
            Value::Null,
        )
        .map(Into::into);
    }
    match manager.access_token(&login.username).fresh(true).create() {
        Ok(access_token) => Json(json!({ "access_token": access_token })).into_response(),
        Err(e) => manager.error_response(&e),
    }
}

#[jwt_required]
async fn protected(req: Request) -> Response {
    Json(json!({ "logged_in_as": get_jwt_identity() })).into_response()
}

/// A sensitive page: only for fresh tokens.
#[jwt_required(fresh)]
async fn settings(req: Request) -> Response {
    Json(json!({ "settings_of": get_jwt_identity() })).into_response()
}

/// Revokes the request's token.
#[jwt_required]
async fn logout(Extension(blocklist): Extension<Blocklist>, req: Request) -> Response {
    let jti = get_jwt().and_then(|jwt| jwt.jti().map(str::to_owned));
    match (jti, blocklist.lock()) {
        (Some(jti), Ok(mut set)) => {
            set.insert(jti);
            Json(json!({ "msg": "Token revoked" })).into_response()
        }
        _ => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
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
    let blocklist = Blocklist::default();
    let manager = manager(&secret_from_env(), blocklist.clone())?;
    let port: u16 = match std::env::var("PORT") {
        Ok(p) => p
            .parse()
            .map_err(|_| format!("PORT must be a port number, got {p:?}"))?,
        Err(_) => 5000,
    };
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    eprintln!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app(manager, blocklist)).await?;
    Ok(())
}
