//! `examples/tower_middleware.rs` over real HTTP: handlers without `#[jwt_required]`, protected
//! by a middleware that verifies the token and runs them inside its context.

mod common;

#[allow(dead_code)]
#[path = "../examples/tower_middleware.rs"]
mod tower_middleware;

use std::net::SocketAddr;

use serde_json::{json, Value};

const SECRET: &str = "tower-middleware-test-secret-0123456789abcd";

async fn start() -> (SocketAddr, String, String) {
    let manager = tower_middleware::manager(SECRET).unwrap();
    let addr = common::serve(tower_middleware::app(manager)).await;
    let reply = common::post_json(addr, "/login", r#"{"username":"test","password":"test"}"#).await;
    assert_eq!(reply.status, 200);
    let body = reply.json();
    (
        addr,
        body["access_token"].as_str().unwrap().to_owned(),
        body["refresh_token"].as_str().unwrap().to_owned(),
    )
}

async fn call(addr: SocketAddr, method: &str, path: &str, token: Option<&str>) -> (u16, Value) {
    let bearer = token.map(|t| format!("Bearer {t}"));
    let headers: Vec<(&str, &str)> = bearer
        .as_deref()
        .map(|b| vec![("Authorization", b)])
        .unwrap_or_default();
    let reply = common::send(addr, method, path, &headers, None).await;
    (reply.status, reply.json())
}

#[tokio::test]
async fn the_middleware_protects_handlers_without_the_attribute() {
    let (addr, access, refresh) = start().await;
    assert_eq!(
        call(addr, "GET", "/api/me", Some(&access)).await,
        (200, json!({"logged_in_as": "test"}))
    );
    assert_eq!(
        call(addr, "GET", "/api/token", Some(&access)).await,
        (
            200,
            json!({"type": "access", "sub": "test", "alg": "HS256", "location": "headers"})
        )
    );

    // Refusals are the manager's error responses, as with the attribute.
    assert_eq!(
        call(addr, "GET", "/api/me", None).await,
        (401, json!({"msg": "Missing Authorization Header"}))
    );
    assert_eq!(
        call(addr, "GET", "/api/me", Some("garbage")).await,
        (422, json!({"msg": "Not enough segments"}))
    );
    assert_eq!(
        call(addr, "GET", "/api/me", Some(&refresh)).await,
        (422, json!({"msg": "Only non-refresh tokens are allowed"}))
    );

    // A path no route matches is still a 404, not a 401 (route_layer).
    let reply = common::send(addr, "GET", "/api/nothing-here", &[], None).await;
    assert_eq!(reply.status, 404);
}

#[tokio::test]
async fn the_options_of_each_middleware_apply() {
    let (addr, access, refresh) = start().await;

    // refresh: true
    let (status, body) = call(addr, "POST", "/refresh", Some(&refresh)).await;
    assert_eq!(status, 200, "{body}");
    let new_access = body["access_token"].as_str().unwrap();
    assert_eq!(
        call(addr, "GET", "/api/me", Some(new_access)).await,
        (200, json!({"logged_in_as": "test"}))
    );
    assert_eq!(
        call(addr, "POST", "/refresh", Some(&access)).await,
        (422, json!({"msg": "Only refresh tokens are allowed"}))
    );

    // optional: true
    assert_eq!(
        call(addr, "GET", "/greeting", None).await,
        (200, json!({"msg": "Hello, stranger"}))
    );
    assert_eq!(
        call(addr, "GET", "/greeting", Some(&access)).await,
        (200, json!({"msg": "Hello, test"}))
    );
    // Optional forgives an absent token, not a bad one.
    assert_eq!(
        call(addr, "GET", "/greeting", Some("garbage")).await,
        (422, json!({"msg": "Not enough segments"}))
    );
}

#[tokio::test]
async fn the_context_is_only_where_the_middleware_put_it() {
    let (addr, access, _) = start().await;
    // No middleware on /public: the token is not even looked at.
    assert_eq!(
        call(addr, "GET", "/public", Some(&access)).await,
        (200, json!({"identity": null}))
    );
    // Spawned tasks see the context only through propagate().
    assert_eq!(
        call(addr, "GET", "/api/background", Some(&access)).await,
        (200, json!({"propagated": "test", "not_propagated": null}))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_keep_their_own_identity() {
    let manager = tower_middleware::manager(SECRET).unwrap();
    let addr = common::serve(tower_middleware::app(manager.clone())).await;
    let tokens: Vec<(String, String)> = (0..16)
        .map(|i| {
            let user = format!("user-{i}");
            let token = manager.create_access_token(&user).unwrap();
            (user, token)
        })
        .collect();
    let replies = futures_join(tokens.iter().map(|(_, token)| {
        let token = token.clone();
        async move { call(addr, "GET", "/api/me", Some(&token)).await }
    }))
    .await;
    for ((user, _), reply) in tokens.iter().zip(replies) {
        assert_eq!(reply, (200, json!({ "logged_in_as": user })));
    }
}

/// Runs the futures concurrently (as spawned tasks) and returns their outputs in order.
async fn futures_join<F>(futures: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for handle in handles {
        out.push(handle.await.unwrap());
    }
    out
}
