//! `examples/blocklist.rs` over real HTTP, with the synchronous loader (`app`) and the async
//! one (`app_async`): the same session must give the same answers.

mod common;

#[allow(dead_code)]
#[path = "../examples/blocklist.rs"]
mod blocklist;

use std::net::SocketAddr;

use jwt_extended::JwtManager;
use serde_json::{json, Value};

const SECRET: &str = "blocklist-test-secret-0123456789abcdef-xyz";

async fn login(addr: SocketAddr) -> (String, String) {
    let reply = common::post_json(addr, "/login", r#"{"username":"test","password":"test"}"#).await;
    assert_eq!(reply.status, 200);
    let body = reply.json();
    (
        body["access_token"].as_str().unwrap().to_owned(),
        body["refresh_token"].as_str().unwrap().to_owned(),
    )
}

async fn call(addr: SocketAddr, method: &str, path: &str, token: &str) -> (u16, Value) {
    let bearer = format!("Bearer {token}");
    let reply = common::send(addr, method, path, &[("Authorization", &bearer)], None).await;
    (reply.status, reply.json())
}

fn revoked() -> (u16, Value) {
    (401, json!({"msg": "Token has been revoked"}))
}

fn hello() -> (u16, Value) {
    (200, json!({"hello": "world", "logged_in_as": "test"}))
}

fn jti(manager: &JwtManager, token: &str) -> String {
    let data = manager.decode_token(token, false).unwrap();
    data.claims.jti().unwrap().to_owned()
}

/// The session both flavours must answer alike. Returns the tokens it revoked, in order.
async fn revoke_access_then_refresh(addr: SocketAddr) -> Vec<String> {
    let (access, refresh) = login(addr).await;
    let (other_access, _) = login(addr).await;
    assert_eq!(call(addr, "GET", "/protected", &access).await, hello());

    // Revoke the access token.
    assert_eq!(
        call(addr, "DELETE", "/logout", &access).await,
        (200, json!({"msg": "Access token successfully revoked"}))
    );
    assert_eq!(call(addr, "GET", "/protected", &access).await, revoked());
    // Revoking it again is refused: the blocklist check runs before the handler.
    assert_eq!(call(addr, "DELETE", "/logout", &access).await, revoked());
    // Other tokens of the same user are not affected.
    assert_eq!(
        call(addr, "GET", "/protected", &other_access).await,
        hello()
    );

    // The refresh token still works and buys a new access token.
    let (status, body) = call(addr, "POST", "/refresh", &refresh).await;
    assert_eq!(status, 200, "{body}");
    let new_access = body["access_token"].as_str().unwrap().to_owned();
    assert_eq!(call(addr, "GET", "/protected", &new_access).await, hello());

    // Revoke the refresh token (verify_type = false takes either kind).
    assert_eq!(
        call(addr, "DELETE", "/logout", &refresh).await,
        (200, json!({"msg": "Refresh token successfully revoked"}))
    );
    assert_eq!(call(addr, "POST", "/refresh", &refresh).await, revoked());
    // Access tokens made before are separate tokens: still valid until revoked or expired.
    assert_eq!(call(addr, "GET", "/protected", &new_access).await, hello());

    // Type checks still apply where the type is verified.
    assert_eq!(
        call(addr, "POST", "/refresh", &other_access).await,
        (422, json!({"msg": "Only refresh tokens are allowed"}))
    );
    let reply = common::send(addr, "DELETE", "/logout", &[], None).await;
    assert_eq!(
        (reply.status, reply.json()),
        (401, json!({"msg": "Missing Authorization Header"}))
    );
    vec![access, refresh]
}

#[tokio::test]
async fn the_sync_loader_refuses_revoked_access_and_refresh_tokens() {
    let store = blocklist::Blocklist::default();
    let manager = blocklist::manager(SECRET, store.clone()).unwrap();
    let addr = common::serve(blocklist::app(manager.clone(), store.clone())).await;

    let revoked_tokens = revoke_access_then_refresh(addr).await;

    let expected: std::collections::HashSet<String> =
        revoked_tokens.iter().map(|t| jti(&manager, t)).collect();
    assert_eq!(*store.lock().unwrap(), expected);
}

#[tokio::test]
async fn the_async_loader_refuses_revoked_access_and_refresh_tokens() {
    let store = blocklist::AsyncBlocklist::default();
    let manager = blocklist::manager_async(SECRET, store.clone()).unwrap();
    let addr = common::serve(blocklist::app_async(manager.clone(), store.clone())).await;

    let revoked_tokens = revoke_access_then_refresh(addr).await;

    for token in &revoked_tokens {
        assert!(store.contains(&jti(&manager, token)).await);
    }
}

#[tokio::test]
async fn the_async_loader_reads_the_store_on_every_request() {
    // A token revoked directly in the store (say, by an admin tool) is refused at once.
    let store = blocklist::AsyncBlocklist::default();
    let manager = blocklist::manager_async(SECRET, store.clone()).unwrap();
    let addr = common::serve(blocklist::app_async(manager.clone(), store.clone())).await;
    let (access, refresh) = login(addr).await;
    assert_eq!(call(addr, "GET", "/protected", &access).await, hello());
    store.insert(jti(&manager, &access)).await;
    assert_eq!(call(addr, "GET", "/protected", &access).await, revoked());
    store.insert(jti(&manager, &refresh)).await;
    assert_eq!(call(addr, "POST", "/refresh", &refresh).await, revoked());
}

#[tokio::test]
async fn the_two_flavours_do_not_share_a_blocklist() {
    // Two apps in one process, each with its own manager in its requests' extensions.
    let sync_store = blocklist::Blocklist::default();
    let sync_app = common::serve(blocklist::app(
        blocklist::manager(SECRET, sync_store.clone()).unwrap(),
        sync_store,
    ))
    .await;
    let async_store = blocklist::AsyncBlocklist::default();
    let async_app = common::serve(blocklist::app_async(
        blocklist::manager_async(SECRET, async_store.clone()).unwrap(),
        async_store,
    ))
    .await;

    let (access, _) = login(sync_app).await;
    assert_eq!(call(sync_app, "DELETE", "/logout", &access).await.0, 200);
    assert_eq!(
        call(sync_app, "GET", "/protected", &access).await,
        revoked()
    );
    // Same secret, so the token verifies there, and it is not in that app's blocklist.
    assert_eq!(call(async_app, "GET", "/protected", &access).await, hello());
}
