//! The manager verifying with a remote JWKS (`.remote_jwks(..)`), end to end through axum:
//! `#[jwt_required]` on an async handler, the `JwtIdentity` extractor and `JwtLayer` wait for
//! the one refetch a new `kid` allows and accept the token; the synchronous `verify_request`
//! refuses it at once and leaves the fetch running; an unknown `kid` within the cooldown is a
//! 422 with PyJWT's message; no usable keys is a generic 500.
#![cfg(feature = "remote-jwks")]

#[path = "../jwt-http/tests/common/jwks_server.rs"]
mod jwks_server;

use std::time::Duration;

use axum::body::Body;
use axum::http::{Extensions, HeaderMap, Request, StatusCode};
use axum::routing::get;
use axum::{Extension, Json, Router};
use http_body_util::BodyExt;
use jwt_extended::extractors::JwtIdentity;
use jwt_extended::jwks::RemoteJwks;
use jwt_extended::{
    get_jwt_identity, jwt_required, Algorithm, Header, JwkSet, JwtError, JwtLayer, JwtManager, Key,
    VerifyOptions,
};
use serde_json::{json, Value};
use tower::ServiceExt;

use jwks_server::{JwksServer, ManualClock};

fn key(kid: &str) -> Key {
    Key::generate(Algorithm::ES256)
        .expect("a key")
        .with_kid(kid)
}

fn set_of(keys: &[&Key]) -> String {
    JwkSet {
        keys: keys
            .iter()
            .map(|k| k.to_public_jwk().expect("public"))
            .collect(),
        skipped: 0,
    }
    .to_json()
}

/// An access token as the issuer (another service) would sign it.
fn token(key: &Key, identity: &str) -> String {
    let claims = json!({
        "sub": identity, "type": "access", "fresh": false, "jti": "j",
        "iat": 1_700_000_000, "nbf": 1_700_000_000, "exp": 4_102_444_800u64,
    });
    jwt_extended::encode(&Header::new(Algorithm::ES256), &claims, key).expect("a token")
}

#[jwt_required]
async fn by_macro(headers: HeaderMap, extensions: Extensions) -> Json<Value> {
    let _ = (headers, extensions);
    Json(json!({ "by": get_jwt_identity() }))
}

async fn by_extractor(who: JwtIdentity<String>) -> Json<Value> {
    Json(json!({ "by": *who }))
}

async fn behind_layer() -> Json<Value> {
    Json(json!({ "by": get_jwt_identity() }))
}

fn app(manager: &JwtManager) -> Router {
    Router::new()
        .route("/macro", get(by_macro))
        .route("/extractor", get(by_extractor))
        .route(
            "/layer",
            get(behind_layer).layer(JwtLayer::new().manager(manager.clone())),
        )
        .layer(Extension(manager.clone()))
}

async fn call(app: &Router, path: &str, token: &str) -> (StatusCode, Value) {
    let request = Request::get(path)
        .header("Authorization", format!("Bearer {token}"))
        .body(Body::empty())
        .expect("a request");
    let response = app.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("a body")
        .to_bytes();
    (status, serde_json::from_slice(&body).expect("JSON"))
}

fn remote(server: &JwksServer, clock: &ManualClock) -> RemoteJwks {
    let clock = clock.clone();
    RemoteJwks::builder(server.url())
        .algorithms(&[Algorithm::ES256, Algorithm::EdDSA])
        .clock(move || clock.now())
        .build()
        .expect("a verifier")
}

#[tokio::test]
async fn a_new_kid_is_fetched_once_and_accepted_on_every_async_path() {
    let k1 = key("k1");
    let server = JwksServer::start(set_of(&[&k1])).await;
    let clock = ManualClock::new();
    // No secret key: the manager verifies only.
    let manager = JwtManager::builder()
        .remote_jwks(remote(&server, &clock))
        .build()
        .expect("a manager");
    assert!(matches!(
        manager.create_access_token("alice"),
        Err(JwtError::MissingSigningKey { .. })
    ));
    let app = app(&manager);

    // Cold start: the first request waits for the first fetch.
    for path in ["/macro", "/extractor", "/layer"] {
        let (status, body) = call(&app, path, &token(&k1, "alice")).await;
        assert_eq!(
            (status, &body["by"]),
            (StatusCode::OK, &json!("alice")),
            "{path}"
        );
    }
    assert_eq!(server.requests(), 1);

    // The issuer rotates; each path meets a new kid after the cooldown: one fetch each.
    let mut keys = vec![k1];
    for (i, path) in ["/macro", "/extractor", "/layer"].into_iter().enumerate() {
        let next = key(&format!("k{}", i + 2));
        keys.push(next.clone());
        server.serve(set_of(&keys.iter().collect::<Vec<_>>()));
        clock.advance(Duration::from_secs(31));
        let (status, body) = call(&app, path, &token(&next, "bob")).await;
        assert_eq!(
            (status, &body["by"]),
            (StatusCode::OK, &json!("bob")),
            "{path}"
        );
        assert_eq!(server.requests(), i + 2, "{path}");
    }

    // Within the cooldown, an unknown kid is a 422 without a fetch.
    clock.advance(Duration::from_secs(1));
    for path in ["/macro", "/extractor", "/layer"] {
        let (status, body) = call(&app, path, &token(&key("nope"), "eve")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path}");
        assert_eq!(
            body,
            json!({"msg": "Unable to find a signing key that matches: \"nope\""})
        );
    }
    assert_eq!(server.requests(), 4);
}

#[tokio::test]
async fn the_sync_path_refuses_at_once_and_the_fetch_runs_in_the_background() {
    let k1 = key("k1");
    let k2 = key("k2");
    let server = JwksServer::start(set_of(&[&k1])).await;
    let clock = ManualClock::new();
    let jwks = remote(&server, &clock);
    jwks.prefetch().await.expect("fetched");
    let manager = JwtManager::builder()
        .remote_jwks(jwks.clone())
        .build()
        .expect("a manager");
    server.serve(set_of(&[&k1, &k2]));
    clock.advance(Duration::from_secs(31));

    let request = Request::get("/")
        .header("Authorization", format!("Bearer {}", token(&k2, "bob")))
        .body(())
        .expect("a request");
    let refused = manager
        .verify_request(&request, &VerifyOptions::new())
        .expect_err("not yet known");
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    for _ in 0..200 {
        if jwks.key_ids().len() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let context = manager
        .verify_request(&request, &VerifyOptions::new())
        .expect("known now")
        .expect("a context");
    assert_eq!(context.identity().expect("an identity"), "bob");
    assert_eq!(server.requests(), 2);
}

#[tokio::test]
async fn no_usable_keys_is_a_generic_server_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/jwks.json", listener.local_addr().expect("addr"));
    drop(listener);
    let jwks = RemoteJwks::builder(url)
        .algorithms(&[Algorithm::ES256])
        .build()
        .expect("a verifier");
    let manager = JwtManager::builder()
        .remote_jwks(jwks)
        .build()
        .expect("a manager");
    let app = app(&manager);
    for path in ["/macro", "/extractor", "/layer"] {
        let (status, body) = call(&app, path, &token(&key("k1"), "alice")).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{path}");
        assert_eq!(body, json!({"msg": "Internal Server Error"}));
    }
}
