//! `examples/auth_service.rs` through `tower::ServiceExt::oneshot`: a token signed by the key
//! set's active key carries its `kid`; the published JWK Set verifies it and holds no private
//! member; a token of another service's keys is refused by `kid`; `POST /rotate` changes the
//! running service's keys (new tokens carry the new `kid`, the previous key's tokens verify
//! until the next rotation, the JWK Set served shows each change).
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
    (auth_service::app(manager), keys)
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

async fn post_rotate(app: &Router, token: Option<&str>) -> (StatusCode, Value) {
    let mut request = Request::post("/rotate");
    if let Some(token) = token {
        request = request.header("Authorization", format!("Bearer {token}"));
    }
    let (status, _, body) = call(app, request.body(Body::empty()).unwrap()).await;
    (status, serde_json::from_slice(&body).unwrap())
}

/// A token of the `admin` account, the one allowed to rotate.
async fn login_token(app: &Router) -> String {
    let request = Request::post("/login")
        .header("Content-Type", "application/json")
        .body(Body::from(
            json!({"username": "admin", "password": "admin"}).to_string(),
        ))
        .unwrap();
    let (status, _, body) = call(app, request).await;
    assert_eq!(status, StatusCode::OK);
    let body: Value = serde_json::from_slice(&body).unwrap();
    body["access_token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn only_the_admin_rotates() {
    let (app, _) = service();
    let (_, body) = login(&app, "test").await;
    let user = body["access_token"].as_str().unwrap();
    assert_eq!(
        post_rotate(&app, Some(user)).await,
        (StatusCode::FORBIDDEN, json!({"msg": "Admins only!"}))
    );
    let admin = login_token(&app).await;
    assert_eq!(post_rotate(&app, Some(&admin)).await.0, StatusCode::OK);
}

/// The `kid`s of the JWK Set the service serves now.
async fn published_kids(app: &Router) -> Vec<String> {
    let (status, _, body) = call(
        app,
        Request::get("/.well-known/jwks.json")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let jwks = JwkSet::from_json(&body).unwrap();
    jwks.keys.iter().map(|k| k.kid.clone().unwrap()).collect()
}

fn kid_of(token: &str) -> String {
    header_of(token)["kid"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn rotate_signs_with_a_new_key_keeps_the_previous_one_and_retires_older_ones() {
    let (app, keys) = service();
    let first = keys.active().unwrap().kid().unwrap().to_owned();
    let ahead = keys.iter().nth(1).unwrap().kid().unwrap().to_owned();
    let t1 = login_token(&app).await;
    assert_eq!(kid_of(&t1), first);

    // Only with a valid token.
    assert_eq!(
        post_rotate(&app, None).await,
        (
            StatusCode::UNAUTHORIZED,
            json!({"msg": "Missing Authorization Header"})
        )
    );

    // First rotation: a new ES256 key signs; nothing was added before the first key.
    let (status, body) = post_rotate(&app, Some(&t1)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let second = body["kid"].as_str().unwrap().to_owned();
    assert_eq!(body["retired"], json!([]));
    assert_ne!(second, first);
    let t2 = login_token(&app).await;
    assert_eq!(kid_of(&t2), second);
    assert_eq!(header_of(&t2)["alg"], "ES256");
    for token in [&t1, &t2] {
        assert_eq!(
            protected(&app, token).await,
            (StatusCode::OK, json!({"logged_in_as": "admin"}))
        );
    }
    // The JWK Set served now lists the old key, the one published ahead, and the new one.
    assert_eq!(
        published_kids(&app).await,
        [first.clone(), ahead.clone(), second.clone()]
    );

    // Second rotation: the first key is retired; the EdDSA key published ahead stays.
    let (status, body) = post_rotate(&app, Some(&t2)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let third = body["kid"].as_str().unwrap().to_owned();
    assert_eq!(body["retired"], json!([first]));
    let t3 = login_token(&app).await;
    assert_eq!(kid_of(&t3), third);
    assert_eq!(
        published_kids(&app).await,
        [ahead.clone(), second.clone(), third.clone()]
    );
    assert_eq!(
        protected(&app, &t1).await,
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"msg": format!("Unable to find a signing key that matches: \"{first}\"")})
        )
    );
    for token in [&t2, &t3] {
        assert_eq!(
            protected(&app, token).await,
            (StatusCode::OK, json!({"logged_in_as": "admin"}))
        );
    }
    // A token of the retired key cannot rotate either.
    assert_eq!(
        post_rotate(&app, Some(&t1)).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
}
