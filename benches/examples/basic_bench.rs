//! examples/basic (the seed) plus three twins of `/protected` for the load test in
//! `scripts/load.sh`, so that what protecting a route costs end to end can be read against what
//! the same work costs done another way, in the same server and the same run:
//!
//! - `/unprotected`: `/protected`'s body without `#[jwt_required]` (the identity is a constant);
//! - `/jsonwebtoken`: what a user writes today: the `Bearer` token taken from the header by hand
//!   and checked with `jsonwebtoken` 12 (`Validation` for HS256, `type` must be `access`);
//! - `/floor`: the primitives alone: a pre-keyed HMAC-SHA256 compared in constant time,
//!   `base64` and `serde_json` into a struct, `exp`/`nbf`/`type` checked.
//!
//! Both peers take the request whole, as `/protected` does. They do less than `/protected`:
//! the first `Authorization` value only, no flask-jwt-extended header rules, no `iat` check, no
//! context for the handler.
//!
//! All four answer `{"logged_in_as": ...}`; the three that verify answer 401 without a valid
//! token.
//!
//! ```sh
//! PORT=5077 cargo run --release -p jwt-extended-benches --example basic_bench
//! ```

use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::Request;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use serde::Deserialize;
use serde_json::json;

#[allow(dead_code)]
#[path = "../../examples/basic.rs"]
pub mod basic;

/// `/protected`'s body, minus the token: the identity is a constant.
async fn unprotected() -> Response {
    (StatusCode::OK, Json(json!({ "logged_in_as": "test" }))).into_response()
}

/// The claims of a flask-jwt-extended access token, as a `jsonwebtoken` user declares them.
#[derive(Deserialize)]
struct AccessClaims {
    sub: String,
    #[serde(rename = "type")]
    token_type: String,
    exp: i64,
    nbf: i64,
}

/// The header fields the floor reads.
#[derive(Deserialize)]
struct FloorHeader<'a> {
    alg: &'a str,
}

/// The keys of the two peers, made once from the manager's secret.
struct Peers {
    decoding: jsonwebtoken::DecodingKey,
    validation: jsonwebtoken::Validation,
    floor: Hmac<sha2::Sha256>,
}

static PEERS: OnceLock<Peers> = OnceLock::new();

fn peers() -> &'static Peers {
    PEERS.get_or_init(|| {
        // This package builds jsonwebtoken with both providers (benches/asymmetric.rs uses
        // `aws_lc_rs`), so it selects none: the HS256 peer runs on `rust_crypto`, as before.
        let _ = jsonwebtoken::crypto::CryptoProvider::install_default(
            &jsonwebtoken::crypto::rust_crypto::DEFAULT_PROVIDER,
        );
        let secret = basic::secret();
        let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256);
        validation.validate_nbf = true;
        validation.leeway = 0;
        Peers {
            decoding: jsonwebtoken::DecodingKey::from_secret(secret.as_bytes())
                .expect("HMAC takes any key length"),
            validation,
            floor: Hmac::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length"),
        }
    })
}

/// The token after `Bearer ` in the `Authorization` header, as a hand-written middleware finds it.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
}

fn answer(claims: Option<AccessClaims>) -> Response {
    match claims.filter(|c| c.token_type == "access") {
        Some(claims) => {
            (StatusCode::OK, Json(json!({ "logged_in_as": claims.sub }))).into_response()
        }
        None => (
            StatusCode::UNAUTHORIZED,
            Json(json!({ "msg": "Invalid token" })),
        )
            .into_response(),
    }
}

/// `/protected` with `jsonwebtoken` instead of `#[jwt_required]` (the request taken whole, as
/// `/protected` takes it: no copy of the headers).
async fn with_jsonwebtoken(req: Request) -> Response {
    let p = peers();
    answer(bearer(req.headers()).and_then(|token| {
        jsonwebtoken::decode::<AccessClaims>(token, &p.decoding, &p.validation)
            .ok()
            .map(|data| data.claims)
    }))
}

/// `/protected` with the primitives alone.
async fn with_floor(req: Request) -> Response {
    answer(bearer(req.headers()).and_then(floor_decode))
}

fn floor_decode(token: &str) -> Option<AccessClaims> {
    let (signing_input, signature) = token.rsplit_once('.')?;
    let (header, payload) = signing_input.split_once('.')?;
    let header = URL_SAFE_NO_PAD.decode(header).ok()?;
    if serde_json::from_slice::<FloorHeader<'_>>(&header).ok()?.alg != "HS256" {
        return None;
    }
    let mut tag = [0u8; 33];
    let len = URL_SAFE_NO_PAD.decode_slice(signature, &mut tag).ok()?;
    let mut mac = peers().floor.clone();
    mac.update(signing_input.as_bytes());
    mac.verify_slice(&tag[..len]).ok()?;
    let claims: AccessClaims =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
    let now = SystemTime::now().duration_since(UNIX_EPOCH).ok()?.as_secs() as i64;
    (claims.exp > now && claims.nbf <= now).then_some(claims)
}

/// The seed's routes and the three twins of `/protected`.
pub fn app() -> Router {
    peers();
    basic::app()
        .route("/unprotected", get(unprotected))
        .route("/jsonwebtoken", get(with_jsonwebtoken))
        .route("/floor", get(with_floor))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    basic::install_manager()?;
    let port: u16 = match std::env::var("PORT") {
        Ok(p) => p
            .parse()
            .map_err(|_| format!("PORT must be a port number, got {p:?}"))?,
        Err(_) => 5000,
    };
    let app = app();
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    eprintln!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}
