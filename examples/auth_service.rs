//! The auth service of a two-service setup: it signs access tokens with ES256 and publishes the
//! public half of its keys as a JWK Set, so other services verify without holding any secret
//! (`examples/resource_service.rs` is one). Its keys rotate while it runs.
//!
//! | route | shows |
//! |---|---|
//! | `POST /login` | a token signed by the active key of a `KeySet`, its `kid` in the header |
//! | `GET /.well-known/jwks.json` | `JwtManager::public_jwks()`, read on each request: RFC 7517, `application/jwk-set+json`, no private member |
//! | `GET /protected` | `#[jwt_required]`, verified by `kid` with the same key set |
//! | `POST /rotate` | `JwtManager::update_keys`: a new ES256 key signs from now on, the previous one still verifies |
//!
//! The set starts with two keys: the ES256 key that signs, and an EdDSA key published ahead of
//! its use. Rotation publishes the next key before activating it, so verifiers that cache the
//! JWK Set already know it when the first token it signs arrives.
//!
//! `POST /rotate` is the short version, for the example: it generates a new ES256 key, makes it
//! the signing key at once, keeps the key that signed until now (its tokens still verify), and
//! retires the ES256 keys added before that one (the EdDSA key stays published). A resource
//! service that cached the JWK Set learns the new key from the first token it signs (an unknown
//! `kid` makes `RemoteJwks` refetch). A real deployment splits it in two steps: insert and
//! publish the next key, wait at least the JWK Set's cache lifetime (`max-age`), then activate
//! it; and it retires an old key only once the longest-lived token it signed has expired (here
//! the 15-minute access tokens: rotate at most every 15 minutes). It is an administrator's action
//! (here the `admin` account's; in a real service a role claim or a scheduled task), since it
//! ends the tokens the retired keys signed: other users get 403 `Admins only!`.
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
//! ADMIN=$(curl -s -X POST localhost:5001/login -H 'Content-Type: application/json' \
//!   -d '{"username":"admin","password":"admin"}' | sed 's/.*"access_token":"\([^"]*\)".*/\1/')
//! curl -s -X POST localhost:5001/rotate -H "Authorization: Bearer $ADMIN"
//! ```

use axum::extract::Request;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use jwt_extended::{
    get_jwt_identity, jwt_required, Algorithm, ConfigError, Identity, JwtManager, Key, KeyError,
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

/// The routes. The manager's keys are the service's state: `/.well-known/jwks.json` and
/// `/rotate` read and change them through it.
pub fn app(manager: JwtManager) -> Router {
    Router::new()
        .route("/login", post(login))
        .route("/.well-known/jwks.json", get(jwks))
        .route("/protected", get(protected))
        .route("/rotate", post(rotate))
        .layer(Extension(manager))
}

/// The public JWK Set of the manager's keys as they are now: a rotation shows up here at once.
async fn jwks(Extension(manager): Extension<JwtManager>) -> Response {
    match manager.public_jwks() {
        Some(jwks) => (
            [
                (CONTENT_TYPE, "application/jwk-set+json"),
                (CACHE_CONTROL, "public, max-age=300"),
            ],
            jwks.to_json(),
        )
            .into_response(),
        // Not this service's configuration: an HMAC secret is never published.
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

#[derive(Deserialize)]
struct Login {
    username: String,
    password: String,
}

/// The accounts of the example: a user, and the administrator who may rotate keys. (Real
/// services check hashed passwords from a store; these only make the routes usable.)
const ACCOUNTS: [(&str, &str); 2] = [("test", "test"), ("admin", "admin")];

/// The identity allowed to call `POST /rotate`.
const ADMIN: &str = "admin";

/// Checks the credentials (`test`/`test`, or `admin`/`admin`) and returns an access token signed
/// by the set's active key.
async fn login(Extension(manager): Extension<JwtManager>, Json(login): Json<Login>) -> Response {
    let known = ACCOUNTS
        .iter()
        .any(|(user, password)| login.username == *user && login.password == *password);
    if !known {
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

/// Rotates the keys of the running service (the administrator only): a new ES256 key (its `kid` the RFC 7638
/// thumbprint) signs from now on; the key that signed until now still verifies; ES256 keys
/// added before that one are retired. Answers the new `kid` and the retired ones.
#[jwt_required]
async fn rotate(req: Request) -> Response {
    let _ = req;
    // Rotating retires keys, and so the tokens they signed: an administrator's action only.
    if get_jwt_identity().as_ref().and_then(Identity::as_str) != Some(ADMIN) {
        return (StatusCode::FORBIDDEN, Json(json!({"msg": "Admins only!"}))).into_response();
    }
    let failed = |msg: String| {
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(json!({ "msg": msg })),
        )
            .into_response()
    };
    // The manager that verified this request (the one in the request's extensions).
    let Some(manager) = JwtManager::current() else {
        return failed("no JwtManager".into());
    };
    // Made before the update: `update_keys` serializes updates while its closure runs.
    let next = match Key::generate(Algorithm::ES256) {
        Ok(key) => key,
        Err(error) => return failed(format!("key: {error}")),
    };
    let Some(kid) = next.thumbprint() else {
        return failed("an ES256 key has a thumbprint".into());
    };
    let mut retired = Vec::new();
    let result = manager.update_keys(|keys| {
        // The ES256 keys added before the active one, in the order they were added. The
        // EdDSA key stays: EdDSA is a decode algorithm, and the manager refuses an update that
        // leaves one without a key.
        if let Some(previous) = keys.active().and_then(Key::kid) {
            retired = keys
                .iter()
                .take_while(|key| key.kid() != Some(previous))
                .filter(|key| key.supports(Algorithm::ES256))
                .filter_map(Key::kid)
                .map(str::to_owned)
                .collect();
        }
        keys.insert(next)?;
        keys.activate(&kid)?;
        for old in &retired {
            keys.retire(old);
        }
        Ok(())
    });
    match result {
        Ok(()) => Json(json!({ "kid": kid, "retired": retired })).into_response(),
        Err(error) => failed(error.to_string()),
    }
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
    let manager = manager(keys(private_pem.as_deref())?)?;
    let port = std::env::var("PORT").unwrap_or_else(|_| "5001".into());
    let listener = tokio::net::TcpListener::bind(format!("127.0.0.1:{port}")).await?;
    println!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app(manager)).await?;
    Ok(())
}
