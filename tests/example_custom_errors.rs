//! `examples/custom_errors.rs` over real HTTP: each response loader's status, headers and body.

mod common;

#[allow(dead_code)]
#[path = "../examples/custom_errors.rs"]
mod custom_errors;

use std::net::SocketAddr;

use jwt_extended::{FixedClock, JwtManager};
use serde_json::{json, Value};

const SECRET: &str = "custom-errors-test-secret-0123456789abcdef";

async fn start() -> (SocketAddr, JwtManager) {
    let blocklist = custom_errors::Blocklist::default();
    let manager = custom_errors::manager(SECRET, blocklist.clone()).unwrap();
    let addr = common::serve(custom_errors::app(manager.clone(), blocklist)).await;
    (addr, manager)
}

async fn call(addr: SocketAddr, method: &str, path: &str, authorization: &str) -> common::Reply {
    common::send(
        addr,
        method,
        path,
        &[("Authorization", authorization)],
        None,
    )
    .await
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// Status, content type and JSON body.
fn answer(reply: &common::Reply) -> (u16, String, Value) {
    let content_type = reply
        .headers
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (reply.status, content_type, reply.json())
}

fn json_answer(status: u16, body: Value) -> (u16, String, Value) {
    (status, "application/json".to_owned(), body)
}

#[tokio::test]
async fn a_missing_token_gets_the_unauthorized_loader_response() {
    let (addr, _) = start().await;
    let reply = common::send(addr, "GET", "/protected", &[], None).await;
    assert_eq!(
        answer(&reply),
        json_answer(
            401,
            json!({"error": "authorization_required", "message": "Missing Authorization Header"})
        )
    );
    assert_eq!(
        reply.headers.get("www-authenticate").unwrap(),
        "Bearer realm=\"example\""
    );

    let reply = call(addr, "GET", "/protected", "Basic dGVzdDp0ZXN0").await;
    assert_eq!(
        answer(&reply),
        json_answer(
            401,
            json!({
                "error": "authorization_required",
                "message": "Missing 'Bearer' type in 'Authorization' header. Expected 'Authorization: Bearer <JWT>'"
            })
        )
    );
}

#[tokio::test]
async fn an_invalid_token_gets_the_invalid_token_loader_response() {
    let (addr, manager) = start().await;
    let invalid =
        |message: &str| json_answer(400, json!({"error": "invalid_token", "message": message}));

    let reply = call(addr, "GET", "/protected", "Bearer not-a-token").await;
    assert_eq!(answer(&reply), invalid("Not enough segments"));

    let token = manager.create_access_token("test").unwrap();
    let (head, signature) = token.rsplit_once('.').unwrap();
    let flipped = if signature.starts_with('A') { "B" } else { "A" };
    let tampered = format!("{head}.{flipped}{}", &signature[1..]);
    let reply = call(addr, "GET", "/protected", &bearer(&tampered)).await;
    assert_eq!(answer(&reply), invalid("Signature verification failed"));

    let reply = call(addr, "GET", "/protected", "Bearer a b").await;
    assert_eq!(
        answer(&reply),
        invalid("Bad Authorization header. Expected 'Authorization: Bearer <JWT>'")
    );

    // A wrong token type is an invalid token too.
    let refresh = manager.create_refresh_token("test").unwrap();
    let reply = call(addr, "GET", "/protected", &bearer(&refresh)).await;
    assert_eq!(
        answer(&reply),
        invalid("Only non-refresh tokens are allowed")
    );
}

#[tokio::test]
async fn an_expired_token_gets_the_expired_token_loader_response() {
    let (addr, manager) = start().await;
    // A token issued an hour ago (access tokens live 15 minutes), with the same secret.
    let hour_ago = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
        - 3600;
    let issuer = JwtManager::builder()
        .secret_key(SECRET)
        .clock(FixedClock::at(hour_ago))
        .build()
        .unwrap();
    let token = issuer.create_access_token("test").unwrap();
    let exp = manager
        .decode_token(&token, true)
        .unwrap()
        .claims
        .get("exp")
        .cloned();
    assert_eq!(exp, Some(json!(hour_ago + 900)));

    let reply = call(addr, "GET", "/protected", &bearer(&token)).await;
    assert_eq!(
        answer(&reply),
        json_answer(
            401,
            json!({
                "error": "token_expired",
                "message": "The token has expired, please log in again",
                "expired_at": hour_ago + 900,
            })
        )
    );
    assert!(reply.headers.get("www-authenticate").is_none());
}

#[tokio::test]
async fn a_revoked_token_gets_the_revoked_token_loader_response() {
    let (addr, manager) = start().await;
    let token = manager.create_access_token("test").unwrap();
    let jti = manager
        .decode_token(&token, false)
        .unwrap()
        .claims
        .jti()
        .unwrap()
        .to_owned();

    let reply = call(addr, "DELETE", "/logout", &bearer(&token)).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json(), json!({"msg": "Token revoked"}));

    let reply = call(addr, "GET", "/protected", &bearer(&token)).await;
    assert_eq!(
        answer(&reply),
        json_answer(
            401,
            json!({"error": "token_revoked", "message": "This token has been revoked", "jti": jti})
        )
    );
}

#[tokio::test]
async fn a_non_fresh_token_gets_the_needs_fresh_token_loader_response() {
    let (addr, manager) = start().await;
    let stale = manager.create_access_token("test").unwrap();
    let reply = call(addr, "GET", "/settings", &bearer(&stale)).await;
    assert_eq!(
        answer(&reply),
        json_answer(
            403,
            json!({
                "error": "fresh_token_required",
                "message": "Please enter your password again to continue"
            })
        )
    );
    // The same token is fine where freshness is not required.
    let reply = call(addr, "GET", "/protected", &bearer(&stale)).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json(), json!({"logged_in_as": "test"}));

    // The token from /login is fresh.
    let reply = common::post_json(addr, "/login", r#"{"username":"test","password":"test"}"#).await;
    assert_eq!(reply.status, 200);
    let fresh = reply.json()["access_token"].as_str().unwrap().to_owned();
    let reply = call(addr, "GET", "/settings", &bearer(&fresh)).await;
    assert_eq!(
        answer(&reply),
        json_answer(200, json!({"settings_of": "test"}))
    );

    let reply = common::post_json(addr, "/login", r#"{"username":"test","password":"nope"}"#).await;
    assert_eq!(
        answer(&reply),
        json_answer(
            401,
            json!({"error": "bad_credentials", "message": "Bad username or password"})
        )
    );
}
