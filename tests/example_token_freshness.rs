//! `examples/token_freshness.rs` over real HTTP, with fixed clocks to step over the end of a
//! duration-fresh token's freshness without waiting.

mod common;

#[allow(dead_code)]
#[path = "../examples/token_freshness.rs"]
mod token_freshness;

use std::net::SocketAddr;

use jwt_extended::{FixedClock, JwtManager};
use serde_json::json;

const SECRET: &str = "token-freshness-test-secret-0123456789abcdef";
/// "Now" for the server that issues the tokens.
const T0: i64 = 1_700_000_000;

/// The example's app, on a manager whose clock is stopped at `now` (same secret, same settings
/// as `token_freshness::manager`, which sets nothing but the secret).
async fn server_at(now: i64) -> (SocketAddr, JwtManager) {
    let manager = JwtManager::builder()
        .secret_key(SECRET)
        .clock(FixedClock::at(now))
        .build()
        .unwrap();
    let addr = common::serve(token_freshness::app(manager.clone())).await;
    (addr, manager)
}

async fn post_login(addr: SocketAddr, path: &str) -> serde_json::Value {
    let reply = common::send(
        addr,
        "POST",
        path,
        &[("Content-Type", "application/json")],
        Some(r#"{"username":"test","password":"test"}"#),
    )
    .await;
    assert_eq!(reply.status, 200, "{path}");
    reply.json()
}

async fn call(addr: SocketAddr, method: &str, path: &str, token: &str) -> (u16, serde_json::Value) {
    let bearer = format!("Bearer {token}");
    let reply = common::send(addr, method, path, &[("Authorization", &bearer)], None).await;
    (reply.status, reply.json())
}

fn fresh_ok() -> (u16, serde_json::Value) {
    (200, json!({"logged_in_as": "test", "fresh": true}))
}

fn plain_ok() -> (u16, serde_json::Value) {
    (200, json!({"logged_in_as": "test"}))
}

fn not_fresh() -> (u16, serde_json::Value) {
    (401, json!({"msg": "Fresh token required"}))
}

#[tokio::test]
async fn login_is_fresh_and_refresh_is_not() {
    let (addr, manager) = server_at(T0).await;
    let body = post_login(addr, "/login").await;
    let access = body["access_token"].as_str().unwrap();
    let refresh = body["refresh_token"].as_str().unwrap();
    assert_eq!(
        manager
            .decode_token(access, false)
            .unwrap()
            .claims
            .get("fresh"),
        Some(&json!(true))
    );

    assert_eq!(
        call(addr, "GET", "/protected_fresh", access).await,
        fresh_ok()
    );
    assert_eq!(call(addr, "GET", "/protected", access).await, plain_ok());

    let (status, body) = call(addr, "POST", "/refresh", refresh).await;
    assert_eq!(status, 200);
    let refreshed = body["access_token"].as_str().unwrap();
    assert_eq!(
        manager
            .decode_token(refreshed, false)
            .unwrap()
            .claims
            .get("fresh"),
        Some(&json!(false))
    );
    assert_eq!(
        call(addr, "GET", "/protected_fresh", refreshed).await,
        not_fresh()
    );
    assert_eq!(call(addr, "GET", "/protected", refreshed).await, plain_ok());

    // A refresh token is never fresh, and is not an access token anyway.
    assert_eq!(
        call(addr, "GET", "/protected_fresh", refresh).await,
        (422, json!({"msg": "Only non-refresh tokens are allowed"}))
    );
    let reply = common::send(addr, "GET", "/protected_fresh", &[], None).await;
    assert_eq!(
        (reply.status, reply.json()),
        (401, json!({"msg": "Missing Authorization Header"}))
    );
}

#[tokio::test]
async fn a_token_fresh_for_five_minutes_stops_being_fresh_after_five_minutes() {
    assert_eq!(token_freshness::FRESH_FOR.as_secs(), 300);
    let (issuer, manager) = server_at(T0).await;
    let body = post_login(issuer, "/fresh-login").await;
    assert_eq!(
        body.as_object().unwrap().len(),
        1,
        "no refresh token: {body}"
    );
    let token = body["access_token"].as_str().unwrap();
    // `fresh` holds the moment freshness ends.
    let claims = manager.decode_token(token, false).unwrap().claims;
    assert_eq!(claims.get("fresh"), Some(&json!(1_700_000_300.0)));

    let login = post_login(issuer, "/login").await;
    let fresh_forever = login["access_token"].as_str().unwrap();

    assert_eq!(
        call(issuer, "GET", "/protected_fresh", token).await,
        fresh_ok()
    );

    // Exactly five minutes later the token is still fresh (fresh >= now) ...
    let (at_300, _) = server_at(T0 + 300).await;
    assert_eq!(
        call(at_300, "GET", "/protected_fresh", token).await,
        fresh_ok()
    );

    // ... one second later it is not, though it is still a valid access token (15 minutes).
    let (at_301, _) = server_at(T0 + 301).await;
    assert_eq!(
        call(at_301, "GET", "/protected_fresh", token).await,
        not_fresh()
    );
    assert_eq!(call(at_301, "GET", "/protected", token).await, plain_ok());
    // A `fresh: true` token stays fresh for as long as it lives.
    assert_eq!(
        call(at_301, "GET", "/protected_fresh", fresh_forever).await,
        fresh_ok()
    );

    // After 15 minutes every access token has expired: that wins over freshness.
    let (at_900, _) = server_at(T0 + 900).await;
    assert_eq!(
        call(at_900, "GET", "/protected_fresh", fresh_forever).await,
        (401, json!({"msg": "Token has expired"}))
    );
}

#[tokio::test]
async fn the_example_manager_runs_on_the_system_clock() {
    let manager = token_freshness::manager(SECRET).unwrap();
    let addr = common::serve(token_freshness::app(manager)).await;
    let body = post_login(addr, "/fresh-login").await;
    let token = body["access_token"].as_str().unwrap();
    assert_eq!(
        call(addr, "GET", "/protected_fresh", token).await,
        fresh_ok()
    );

    let reply = common::post_json(
        addr,
        "/fresh-login",
        r#"{"username":"test","password":"wrong"}"#,
    )
    .await;
    assert_eq!(
        (reply.status, reply.json()),
        (401, json!({"msg": "Bad username or password"}))
    );
}
