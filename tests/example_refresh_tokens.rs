//! `examples/refresh_tokens.rs` over real HTTP.

mod common;

#[allow(dead_code)]
#[path = "../examples/refresh_tokens.rs"]
mod refresh_tokens;

use std::net::SocketAddr;

use serde_json::json;

const SECRET: &str = "refresh-tokens-test-secret-0123456789abcdef";

async fn start() -> (SocketAddr, jwt_extended::JwtManager) {
    let manager = refresh_tokens::manager(SECRET).unwrap();
    let addr = common::serve(refresh_tokens::app(manager.clone())).await;
    (addr, manager)
}

async fn login(addr: SocketAddr) -> (String, String) {
    let reply = common::post_json(addr, "/login", r#"{"username":"test","password":"test"}"#).await;
    assert_eq!(reply.status, 200);
    let body = reply.json();
    let access = body["access_token"].as_str().unwrap().to_owned();
    let refresh = body["refresh_token"].as_str().unwrap().to_owned();
    assert_eq!(body.as_object().unwrap().len(), 2, "{body}");
    (access, refresh)
}

async fn get(addr: SocketAddr, method: &str, path: &str, token: &str) -> common::Reply {
    let bearer = format!("Bearer {token}");
    common::send(addr, method, path, &[("Authorization", &bearer)], None).await
}

#[tokio::test]
async fn login_returns_an_access_and_a_refresh_token() {
    let (addr, manager) = start().await;
    let (access, refresh) = login(addr).await;

    let access = manager.decode_token(&access, false).unwrap().claims;
    assert_eq!(access.token_type(), "access");
    assert_eq!(access.sub(), Some("test"));
    let refresh = manager.decode_token(&refresh, false).unwrap().claims;
    assert_eq!(refresh.token_type(), "refresh");
    assert_eq!(refresh.sub(), Some("test"));
    assert_eq!(refresh.get("fresh"), Some(&json!(false)));
    // 30 days, flask-jwt-extended's default refresh lifetime.
    assert_eq!(
        refresh.exp().unwrap().as_f64() - refresh.iat().unwrap().as_f64(),
        30.0 * 86_400.0
    );

    let reply = common::post_json(addr, "/login", r#"{"username":"test","password":"nope"}"#).await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.json(), json!({"msg": "Bad username or password"}));
}

#[tokio::test]
async fn the_refresh_token_buys_a_new_non_fresh_access_token() {
    let (addr, manager) = start().await;
    let (access, refresh) = login(addr).await;

    let reply = get(addr, "GET", "/protected", &access).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json(), json!({"logged_in_as": "test"}));

    let reply = get(addr, "POST", "/refresh", &refresh).await;
    assert_eq!(reply.status, 200);
    let body = reply.json();
    assert_eq!(body.as_object().unwrap().len(), 1, "{body}");
    let new_access = body["access_token"].as_str().unwrap();
    assert_ne!(new_access, access);

    let claims = manager.decode_token(new_access, false).unwrap().claims;
    assert_eq!(claims.token_type(), "access");
    assert_eq!(claims.sub(), Some("test"));
    assert_eq!(claims.get("fresh"), Some(&json!(false)));

    let reply = get(addr, "GET", "/protected", new_access).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json(), json!({"logged_in_as": "test"}));

    // The refresh token can be used again (it is not rotated in this example).
    let reply = get(addr, "POST", "/refresh", &refresh).await;
    assert_eq!(reply.status, 200);
}

#[tokio::test]
async fn each_kind_of_token_is_refused_where_the_other_belongs() {
    let (addr, _) = start().await;
    let (access, refresh) = login(addr).await;

    let reply = get(addr, "GET", "/protected", &refresh).await;
    assert_eq!(reply.status, 422);
    assert_eq!(
        reply.json(),
        json!({"msg": "Only non-refresh tokens are allowed"})
    );

    let reply = get(addr, "POST", "/refresh", &access).await;
    assert_eq!(reply.status, 422);
    assert_eq!(
        reply.json(),
        json!({"msg": "Only refresh tokens are allowed"})
    );

    let reply = common::send(addr, "POST", "/refresh", &[], None).await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.json(), json!({"msg": "Missing Authorization Header"}));
}

#[tokio::test]
async fn a_token_from_another_secret_is_refused() {
    let (addr, _) = start().await;
    let other = refresh_tokens::manager("another-secret-entirely-0123456789abcdef").unwrap();
    let forged = other.create_refresh_token("test").unwrap();
    let reply = get(addr, "POST", "/refresh", &forged).await;
    assert_eq!(reply.status, 422);
    assert_eq!(
        reply.json(),
        json!({"msg": "Signature verification failed"})
    );
}
