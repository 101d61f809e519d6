//! The resource service of a two-service setup: it holds no key at all and verifies tokens
//! against the auth service's published JWK Set (`examples/auth_service.rs`) through
//! `RemoteJwks`: fetched once, cached for the issuer's `Cache-Control: max-age`, refetched once
//! (at most every 30 s) when a token names a `kid` it has not seen, and served stale while the
//! issuer is unreachable.
//!
//! | route | shows |
//! |---|---|
//! | `GET /protected` | `#[jwt_required]` on an async handler, verified with the remote keys |
//! | `GET /me` | the `JwtIdentity` extractor, same keys |
//!
//! ```text
//! cargo run --features asymmetric --example auth_service          # 127.0.0.1:5001
//! cargo run --features remote-jwks --example resource_service     # 127.0.0.1:5002
//! JWKS_URL=http://127.0.0.1:5001/.well-known/jwks.json PORT=5002 \
//!   cargo run --features remote-jwks --example resource_service   # the defaults, spelled out
//! ```

use axum::extract::Request;
use axum::routing::get;
use axum::{Extension, Json, Router};
use jwt_extended::extractors::JwtIdentity;
use jwt_extended::jwks::{JwksConfigError, RemoteJwks};
use jwt_extended::{get_jwt_identity, jwt_required, Algorithm, ConfigError, JwtManager};
use serde_json::{json, Value};

/// The verifier of `jwks_url`: ES256 and EdDSA tokens, the algorithms the auth service uses.
pub fn remote(jwks_url: &str) -> Result<RemoteJwks, JwksConfigError> {
    RemoteJwks::builder(jwks_url)
        .algorithms(&[Algorithm::ES256, Algorithm::EdDSA])
        .build()
}

/// A verify-only manager: it signs nothing, and needs no secret.
pub fn manager(remote: RemoteJwks) -> Result<JwtManager, ConfigError> {
    JwtManager::builder().remote_jwks(remote).build()
}

/// The routes.
pub fn app(manager: JwtManager) -> Router {
    Router::new()
        .route("/protected", get(protected))
        .route("/me", get(me))
        .layer(Extension(manager))
}

#[jwt_required]
async fn protected(req: Request) -> Json<Value> {
    let _ = req;
    Json(json!({ "logged_in_as": get_jwt_identity() }))
}

async fn me(user: JwtIdentity<String>) -> Json<Value> {
    Json(json!({ "user": user.into_inner() }))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("JWKS_URL")
        .unwrap_or_else(|_| "http://127.0.0.1:5001/.well-known/jwks.json".into());
    let remote = remote(&url)?;
    // Fail early when the issuer is unreachable at startup (the service would answer 500
    // until it is); later outages are covered by the cached keys.
    if let Err(error) = remote.prefetch().await {
        eprintln!("warning: could not fetch {url} yet: {error}");
    }
    let manager = manager(remote)?;
    let port = std::env::var("PORT").unwrap_or_else(|_| "5002".into());
    let listener = tokio::net::TcpListener::bind(format!("127.0.0.1:{port}")).await?;
    println!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app(manager)).await?;
    Ok(())
}
