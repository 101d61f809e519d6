//! `examples/auth_service.rs` through `tower::ServiceExt::oneshot`: a token signed by the key
//! set's active key carries its `kid`; the published JWK Set verifies it and holds no private
//! member; a token of another service's keys is refused by `kid`.
#![cfg(feature = "asymmetric")]

#[allow(dead_code)]
#[path = "../examples/auth_service.rs"]
mod auth_service;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use base64::Engine as _;
use http_body_util::BodyExt;
use jwt_extended::{decode_with, Algorithm, JwkSet, Key, KeySet, Validation};
use serde_json::{json, Value};
use tower::ServiceExt;

fn service() -> (Router, KeySet) {
    let keys = auth_service::keys(None).unwrap();
    let manager = auth_service::manager(keys.clone()).unwrap();
    (auth_service::app(manager, keys.public_jwks()), keys)
}

async fn call(
    app: &Router,
    request: Request<Body>,
) -> (StatusCode, Vec<(String, String)>, Vec<u8>) {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or_default().to_owned()))
        .collect();
    let body = response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    (status, headers, body)
}

async fn login(app: &Router, password: &str) -> (StatusCode, Value) {
    let request = Request::post("/login")
        .header("Content-Type", "application/json")
        .body(Body::from(
            json!({"username": "test", "password": password}).to_string(),
        ))
        .unwrap();
    let (status, _, body) = call(app, request).await;
    (status, serde_json::from_slice(&body).unwrap())
}

async fn protected(app: &Router, token: &str) -> (StatusCode, Value) {
    let request = Request::get("/protected")
        .header("Authorization", format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    let (status, _, body) = call(app, request).await;
    (status, serde_json::from_slice(&body).unwrap())
}

fn header_of(token: &str) -> Value {
    let segment = token.split('.').next().unwrap();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(segment)
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

#[tokio::test]
async fn login_signs_with_the_active_key_and_its_kid() {
    let (app, keys) = service();
    let (status, body) = login(&app, "test").await;
    assert_eq!(status, StatusCode::OK);
    let token = body["access_token"].as_str().unwrap();
    let header = header_of(token);
    let active = keys.active().unwrap();
    assert_eq!(header["alg"], "ES256");
    assert_eq!(header["kid"].as_str(), active.kid());
    assert_eq!(active.kid(), active.thumbprint().as_deref());
    assert_eq!(
        protected(&app, token).await,
        (StatusCode::OK, json!({"logged_in_as": "test"}))
    );
    let (status, body) = login(&app, "wrong").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body, json!({"msg": "Bad username or password"}));
}

#[tokio::test]
async fn the_published_jwks_verifies_tokens_and_holds_no_private_member() {
    let (app, _) = service();
    let (status, headers, body) = call(
        &app,
        Request::get("/.well-known/jwks.json")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(header("content-type"), Some("application/jwk-set+json"));
    assert_eq!(header("cache-control"), Some("public, max-age=300"));
    let published: Value = serde_json::from_slice(&body).unwrap();
    let members = published["keys"].as_array().unwrap();
    assert_eq!(members.len(), 2, "the signing key and the next one");
    for key in members {
        for (name, _) in key.as_object().unwrap() {
            assert!(
                ["kty", "kid", "use", "alg", "crv", "x", "y", "n", "e"].contains(&name.as_str()),
                "{name} published"
            );
        }
        assert_eq!(key["use"], "sig");
    }
    // A verifier that holds only the published set accepts the service's tokens.
    let jwks = JwkSet::from_json(&body).unwrap();
    let mut verifier = KeySet::new();
    for jwk in &jwks.keys {
        verifier
            .insert(Key::from_jwk(jwk, &[Algorithm::ES256, Algorithm::EdDSA]).unwrap())
            .unwrap();
    }
    let (_, body) = login(&app, "test").await;
    let token = body["access_token"].as_str().unwrap();
    let data = decode_with(token, &verifier, &Validation::new(Algorithm::ES256)).unwrap();
    assert_eq!(data.claims.sub(), Some("test"));
}

#[tokio::test]
async fn tokens_of_other_keys_are_refused_by_kid_and_the_jwks_is_no_hmac_secret() {
    let (app, _) = service();
    let (other, _) = service();
    let (_, body) = login(&other, "test").await;
    let foreign = body["access_token"].as_str().unwrap();
    let kid = header_of(foreign)["kid"].as_str().unwrap().to_owned();
    assert_eq!(
        protected(&app, foreign).await,
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"msg": format!("Unable to find a signing key that matches: \"{kid}\"")})
        )
    );
    // The classic confusion: HS256 keyed with the published JWK Set's text.
    let (_, _, jwks) = call(
        &app,
        Request::get("/.well-known/jwks.json")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    use hmac::{KeyInit, Mac};
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let input = format!(
        "{}.{}",
        b64.encode(br#"{"alg":"HS256","typ":"JWT"}"#),
        b64.encode(br#"{"sub":"admin","type":"access","fresh":false,"jti":"x"}"#)
    );
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&jwks).unwrap();
    mac.update(input.as_bytes());
    let forged = format!("{input}.{}", b64.encode(mac.finalize().into_bytes()));
    assert_eq!(
        protected(&app, &forged).await,
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"msg": "The specified alg value is not allowed"})
        )
    );
}
