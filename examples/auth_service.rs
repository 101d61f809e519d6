//! The auth service of a two-service setup: it signs access tokens with ES256 and publishes the
//! public half of its keys as a JWK Set, so other services verify without holding any secret
//! (`examples/resource_service.rs` is one).
//!
//! | route | shows |
//! |---|---|
//! | `POST /login` | a token signed by the active key of a `KeySet`, its `kid` in the header |
//! | `GET /.well-known/jwks.json` | `KeySet::public_jwks()`: RFC 7517, `application/jwk-set+json`, no private member |
//! | `GET /protected` | `#[jwt_required]`, verified by `kid` with the same key set |
//!
//! The set holds two keys: the ES256 key that signs, and an EdDSA key published ahead of its
//! use — rotation publishes the next key before activating it, so verifiers that cache the
//! JWK Set already know it when the first token it signs arrives.
//!
//! ```text
//! cargo run --features asymmetric --example auth_service          # 127.0.0.1:5001 (PORT overrides)
//! JWT_PRIVATE_KEY="$(openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256)" \
//!   cargo run --features asymmetric --example auth_service        # a key that survives restarts
//! cargo run --features remote-jwks --example resource_service     # 127.0.0.1:5002, verifies via the JWKS
//! curl -s -X POST localhost:5001/login -H 'Content-Type: application/json' \
//!   -d '{"username":"test","password":"test"}'
//! curl -s localhost:5001/.well-known/jwks.json
//! curl -s localhost:5002/protected -H "Authorization: Bearer $TOKEN"
//! ```

use axum::extract::Request;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use jwt_extended::{
    get_jwt_identity, jwt_required, Algorithm, ConfigError, JwkSet, JwtManager, Key, KeyError,
    KeySet, KeySetError,
};
use serde::Deserialize;
use serde_json::json;

/// Why the service could not start.
#[derive(Debug)]
pub enum SetupError {
    /// A key could not be read or made.
    Key(KeyError),
    /// A key could not join the set.
    KeySet(KeySetError),
    /// The manager refused its settings.
    Config(ConfigError),
}

impl std::fmt::Display for SetupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SetupError::Key(e) => write!(f, "key: {e}"),
            SetupError::KeySet(e) => write!(f, "key set: {e}"),
            SetupError::Config(e) => write!(f, "configuration: {e}"),
        }
    }
}

impl std::error::Error for SetupError {}

/// The service's keys: the ES256 signing key (from PEM text when given, else generated) and
/// a generated EdDSA key published as the next one. Each `kid` is the key's RFC 7638 thumbprint.
pub fn keys(private_pem: Option<&str>) -> Result<KeySet, SetupError> {
    let signing = match private_pem {
        Some(pem) => Key::private_pem(&[Algorithm::ES256], pem),
        None => Key::generate(Algorithm::ES256),
    }
    .map_err(SetupError::Key)?;
    let next = Key::generate(Algorithm::EdDSA).map_err(SetupError::Key)?;
    let mut keys = KeySet::new();
    // The first key that can sign is the active one.
    keys.insert(signing).map_err(SetupError::KeySet)?;
    keys.insert(next).map_err(SetupError::KeySet)?;
    Ok(keys)
}

/// The manager: ES256 tokens signed by the set's active key, ES256 and EdDSA verified by `kid`.
pub fn manager(keys: KeySet) -> Result<JwtManager, SetupError> {
    JwtManager::builder()
        .algorithm(Algorithm::ES256)
        .decode_algorithms(vec![Algorithm::ES256, Algorithm::EdDSA])
        .key_set(keys)
        .build()
        .map_err(SetupError::Config)
}

/// The routes; `jwks` is what `/.well-known/jwks.json` serves.
pub fn app(manager: JwtManager, jwks: JwkSet) -> Router {
    let body = jwks.to_json();
    Router::new()
        .route("/login", post(login))
        .route(
            "/.well-known/jwks.json",
            get(move || {
                let body = body.clone();
                async move {
                    (
                        [
                            (CONTENT_TYPE, "application/jwk-set+json"),
                            (CACHE_CONTROL, "public, max-age=300"),
                        ],
                        body,
                    )
                }
            }),
        )
        .route("/protected", get(protected))
        .layer(Extension(manager))
}

#[derive(Deserialize)]
struct Login {
    username: String,
    password: String,
}

/// Checks the credentials (the seed's `test`/`test`) and returns an access token signed by the
/// set's active key.
async fn login(Extension(manager): Extension<JwtManager>, Json(login): Json<Login>) -> Response {
    if login.username != "test" || login.password != "test" {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"msg": "Bad username or password"})),
        )
            .into_response();
    }
    match manager.create_access_token(login.username) {
        Ok(token) => Json(json!({ "access_token": token })).into_response(),
        Err(error) => error.into_response(),
    }
}

/// A protected route of the auth service itself.
#[jwt_required]
async fn protected(req: Request) -> Json<serde_json::Value> {
    let _ = req;
    Json(json!({ "logged_in_as": get_jwt_identity() }))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let private_pem = std::env::var("JWT_PRIVATE_KEY").ok();
    if private_pem.is_none() {
        eprintln!(
            "warning: JWT_PRIVATE_KEY is not set; signing with a key generated now (tokens \
             will not verify after a restart)"
        );
    }
    let keys = keys(private_pem.as_deref())?;
    let jwks = keys.public_jwks();
    let manager = manager(keys)?;
    let port = std::env::var("PORT").unwrap_or_else(|_| "5001".into());
    let listener = tokio::net::TcpListener::bind(format!("127.0.0.1:{port}")).await?;
    println!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app(manager, jwks)).await?;
    Ok(())
}
