//! Revoking tokens with a blocklist: flask-jwt-extended's "JWT Revoking / Blocklist" page, in
//! Rust on axum.
//!
//! A JWT is valid until it expires; to log a user out before that, the server remembers the
//! `jti` (the token's unique id) of each revoked token and the manager's blocklist loader
//! refuses those: 401 `Token has been revoked`. The loader runs for access AND refresh tokens,
//! and `DELETE /logout` is protected with `#[jwt_required(verify_type = false)]`, so it takes
//! either kind and revokes the one it was given:
//!
//! ```text
//! DELETE /logout  (Authorization: Bearer <access>)   -> {"msg": "Access token successfully revoked"}
//! DELETE /logout  (Authorization: Bearer <refresh>)  -> {"msg": "Refresh token successfully revoked"}
//! ```
//!
//! The same app comes in two flavours:
//!
//! - [`app`] keeps the revoked ids in an `Arc<Mutex<HashSet<String>>>` and registers a plain
//!   `token_in_blocklist_loader`;
//! - [`app_async`] keeps them in an [`AsyncBlocklist`], a stand-in for a Redis or database
//!   client whose calls are `async`, and registers `token_in_blocklist_loader_async`. The
//!   handlers are async, so `#[jwt_required]` awaits the loader without blocking the runtime.
//!   (A *sync* handler cannot await it and answers 500 saying so.)
//!
//! Real deployments keep each entry only until the token would have expired anyway (Redis
//! `EX`, or a periodic `DELETE ... WHERE expires < now()`); this in-memory set just grows.
//!
//! ```sh
//! JWT_SECRET_KEY=... cargo run --example blocklist             # 127.0.0.1:5000, sync loader
//! BLOCKLIST=async JWT_SECRET_KEY=... cargo run --example blocklist   # the async loader
//! curl -H "Content-Type: application/json" -X POST \
//!   -d '{"username":"test","password":"test"}' http://localhost:5000/login
//! curl -X DELETE -H "Authorization: Bearer $ACCESS" http://localhost:5000/logout
//! curl -H "Authorization: Bearer $ACCESS" http://localhost:5000/protected   # 401, revoked
//! ```

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use axum::extract::{Extension, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use jwt_extended::{get_jwt, get_jwt_identity, jwt_required, ConfigError, Jwt, JwtManager};
use serde::Deserialize;
use serde_json::json;

/// Used when `JWT_SECRET_KEY` is not set. Change this!
const DEVELOPMENT_SECRET: &str = "development-only-secret-change-me-0123456789";

/// The revoked token ids (`jti`), for the synchronous loader.
pub type Blocklist = Arc<Mutex<HashSet<String>>>;

/// The revoked token ids behind an async API, as a Redis or database client would offer.
#[derive(Debug, Clone, Default)]
pub struct AsyncBlocklist {
    revoked: Arc<tokio::sync::RwLock<HashSet<String>>>,
}

impl AsyncBlocklist {
    /// Whether `jti` was revoked (think `EXISTS jti` on Redis).
    pub async fn contains(&self, jti: &str) -> bool {
        self.revoked.read().await.contains(jti)
    }

    /// Revokes `jti` (think `SET jti "" EX <token lifetime>`).
    pub async fn insert(&self, jti: String) {
        self.revoked.write().await.insert(jti);
    }
}

/// The manager with a synchronous blocklist loader over `blocklist`.
pub fn manager(secret: &str, blocklist: Blocklist) -> Result<JwtManager, ConfigError> {
    JwtManager::builder()
        .secret_key(secret)
        // `true` means revoked. Called for every access and refresh token, after its signature,
        // expiry, type and freshness were checked.
        .token_in_blocklist_loader(move |_header, claims| {
            // Tokens made by this app always have a jti; one without cannot have been revoked.
            let Some(jti) = claims.jti() else {
                return false;
            };
            // A poisoned lock means a thread panicked while holding it: fail closed.
            blocklist.lock().map_or(true, |set| set.contains(jti))
        })
        .build()
}

/// The manager with an async blocklist loader over `blocklist`.
pub fn manager_async(secret: &str, blocklist: AsyncBlocklist) -> Result<JwtManager, ConfigError> {
    JwtManager::builder()
        .secret_key(secret)
        // The loader gets the verified token (shared) and returns a future, awaited by the
        // async handlers' `#[jwt_required]`.
        .token_in_blocklist_loader_async(move |token| {
            let blocklist = blocklist.clone();
            async move {
                match token.claims.jti() {
                    Some(jti) => blocklist.contains(jti).await,
                    None => false,
                }
            }
        })
        .build()
}

/// The routes, revoking into a [`Blocklist`] (give it the one the manager reads).
pub fn app(manager: JwtManager, blocklist: Blocklist) -> Router {
    common_routes()
        .route("/logout", delete(logout))
        .layer(Extension(blocklist))
        .layer(Extension(manager))
}

/// The same routes, revoking into an [`AsyncBlocklist`] (the one the manager reads).
pub fn app_async(manager: JwtManager, blocklist: AsyncBlocklist) -> Router {
    common_routes()
        .route("/logout", delete(logout_async))
        .layer(Extension(blocklist))
        .layer(Extension(manager))
}

/// The routes both flavours share; the manager reaches `#[jwt_required]` in the request's
/// extensions.
fn common_routes() -> Router {
    Router::new()
        .route("/login", post(login))
        .route("/refresh", post(refresh))
        .route("/protected", get(protected))
}

#[derive(Deserialize)]
struct Credentials {
    username: String,
    password: String,
}

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
        Err(e) => manager.error_response(&e),
    }
}

/// A revoked refresh token is refused here too.
#[jwt_required(refresh)]
async fn refresh(Extension(manager): Extension<JwtManager>, req: Request) -> Response {
    match manager.create_access_token(get_jwt_identity()) {
        Ok(access_token) => Json(json!({ "access_token": access_token })).into_response(),
        Err(e) => manager.error_response(&e),
    }
}

#[jwt_required]
async fn protected(req: Request) -> Response {
    Json(json!({ "hello": "world", "logged_in_as": get_jwt_identity() })).into_response()
}

/// Revokes the token of the request, access or refresh (`verify_type = false`). A token that is
/// already revoked is refused before this runs.
#[jwt_required(verify_type = false)]
async fn logout(Extension(blocklist): Extension<Blocklist>, req: Request) -> Response {
    let Some((jti, kind)) = jti_and_kind(get_jwt()) else {
        return message(StatusCode::BAD_REQUEST, "This token has no jti to revoke");
    };
    match blocklist.lock() {
        Ok(mut set) => {
            set.insert(jti);
            revoked(&kind)
        }
        Err(_) => message(StatusCode::INTERNAL_SERVER_ERROR, "Blocklist unavailable"),
    }
}

/// [`logout`] with the async store: the handler awaits it like any other async call.
#[jwt_required(verify_type = false)]
async fn logout_async(Extension(blocklist): Extension<AsyncBlocklist>, req: Request) -> Response {
    let Some((jti, kind)) = jti_and_kind(get_jwt()) else {
        return message(StatusCode::BAD_REQUEST, "This token has no jti to revoke");
    };
    blocklist.insert(jti).await;
    revoked(&kind)
}

/// The `jti` and `type` of the request's token. (`get_jwt()` is always `Some` in a protected,
/// non-optional handler, and every token this app makes has a `jti`.)
fn jti_and_kind(jwt: Option<Jwt>) -> Option<(String, String)> {
    let jwt = jwt?;
    Some((jwt.jti()?.to_owned(), jwt.token_type().to_owned()))
}

/// `Access token successfully revoked` / `Refresh token successfully revoked`.
fn revoked(kind: &str) -> Response {
    let mut chars = kind.chars();
    let capitalized: String = chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default();
    message(
        StatusCode::OK,
        &format!("{capitalized} token successfully revoked"),
    )
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
    let secret = secret_from_env();
    let router = if std::env::var("BLOCKLIST").as_deref() == Ok("async") {
        let blocklist = AsyncBlocklist::default();
        app_async(manager_async(&secret, blocklist.clone())?, blocklist)
    } else {
        let blocklist = Blocklist::default();
        app(manager(&secret, blocklist.clone())?, blocklist)
    };
    let port: u16 = match std::env::var("PORT") {
        Ok(p) => p
            .parse()
            .map_err(|_| format!("PORT must be a port number, got {p:?}"))?,
        Err(_) => 5000,
    };
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    eprintln!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, router).await?;
    Ok(())
}
