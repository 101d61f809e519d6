//! `examples/axum_idioms.rs` through `tower::ServiceExt::oneshot`: login, refresh, a protected
//! `State + Path + Json` handler, an admin claim check, the attribute on a `HeaderMap` handler,
//! a layer-protected route and logout.

#[allow(dead_code)]
#[path = "../examples/axum_idioms.rs"]
mod axum_idioms;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

const SECRET: &str = "axum-idioms-test-secret-0123456789abcdef";

fn app() -> Router {
    let revoked: Arc<Mutex<HashSet<String>>> = Arc::default();
    let manager = axum_idioms::manager(SECRET, Arc::clone(&revoked)).unwrap();
    axum_idioms::app(manager, revoked)
}

/// Sends one request through the router (no server) and returns status and JSON body.
async fn call(
    app: &Router,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> (StatusCode, Value) {
    let mut request = Request::builder().method(method).uri(path);
    if let Some(token) = token {
        request = request.header("Authorization", format!("Bearer {token}"));
    }
    if body.is_some() {
        request = request.header("Content-Type", "application/json");
    }
    let request = request
        .body(Body::from(body.unwrap_or_default().to_owned()))
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

async fn login(app: &Router, user: &str) -> (String, String) {
    let body = format!(r#"{{"username":"{user}","password":"secret"}}"#);
    let (status, reply) = call(app, "POST", "/login", None, Some(&body)).await;
    assert_eq!(status, StatusCode::OK, "{reply}");
    (
        reply["access_token"].as_str().unwrap().to_owned(),
        reply["refresh_token"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn login_and_bad_login() {
    let app = app();
    let (status, reply) = call(
        &app,
        "POST",
        "/login",
        None,
        Some(r#"{"username":"alice","password":"nope"}"#),
    )
    .await;
    assert_eq!(
        (status, reply),
        (
            StatusCode::UNAUTHORIZED,
            json!({"msg": "Bad username or password"})
        )
    );
    let (access, refresh) = login(&app, "alice").await;
    assert_ne!(access, refresh);
}

#[tokio::test]
async fn write_note_with_state_path_and_json() {
    let app = app();
    let (access, refresh) = login(&app, "alice").await;
    let (status, reply) = call(
        &app,
        "PUT",
        "/notes/7",
        Some(&access),
        Some(r#"{"text":"hi"}"#),
    )
    .await;
    assert_eq!(
        (status, reply),
        (
            StatusCode::CREATED,
            json!({"id": 7, "note": {"text": "hi", "owner": "alice"}})
        )
    );
    // No token and a bad body: the token is checked first (401, not the body's 422).
    let (status, reply) = call(&app, "PUT", "/notes/7", None, Some("{not json")).await;
    assert_eq!(
        (status, reply),
        (
            StatusCode::UNAUTHORIZED,
            json!({"msg": "Missing Authorization Header"})
        )
    );
    // A refresh token is not an access token.
    let (status, reply) = call(
        &app,
        "PUT",
        "/notes/7",
        Some(&refresh),
        Some(r#"{"text":"hi"}"#),
    )
    .await;
    assert_eq!(
        (status, reply),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"msg": "Only non-refresh tokens are allowed"})
        )
    );
}

#[tokio::test]
async fn refresh_gives_a_new_access_token() {
    let app = app();
    let (access, refresh) = login(&app, "bob").await;
    let (status, reply) = call(&app, "POST", "/refresh", Some(&access), None).await;
    assert_eq!(
        (status, reply),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"msg": "Only refresh tokens are allowed"})
        )
    );
    let (status, reply) = call(&app, "POST", "/refresh", Some(&refresh), None).await;
    assert_eq!(status, StatusCode::OK);
    let fresh = reply["access_token"].as_str().unwrap();
    let (status, reply) = call(&app, "GET", "/whoami", Some(fresh), None).await;
    assert_eq!(
        (status, reply),
        (StatusCode::OK, json!({"logged_in_as": "bob"}))
    );
}

#[tokio::test]
async fn admin_claim_check() {
    let app = app();
    let (alice, _) = login(&app, "alice").await;
    let (admin, _) = login(&app, "admin").await;
    call(
        &app,
        "PUT",
        "/notes/1",
        Some(&alice),
        Some(r#"{"text":"x"}"#),
    )
    .await;
    let (status, reply) = call(&app, "DELETE", "/notes/1", Some(&alice), None).await;
    assert_eq!(
        (status, reply),
        (StatusCode::FORBIDDEN, json!({"msg": "Admins only!"}))
    );
    let (status, _) = call(&app, "DELETE", "/notes/1", Some(&admin), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, reply) = call(&app, "DELETE", "/notes/1", Some(&admin), None).await;
    assert_eq!(
        (status, reply),
        (StatusCode::NOT_FOUND, json!({"msg": "No such note"}))
    );
    let (status, reply) = call(&app, "GET", "/admin/stats", Some(&admin), None).await;
    assert_eq!(
        (status, reply),
        (StatusCode::OK, json!({"user": "admin", "is_admin": true}))
    );
    let (status, reply) = call(&app, "GET", "/admin/stats", None, None).await;
    assert_eq!(
        (status, reply),
        (
            StatusCode::UNAUTHORIZED,
            json!({"msg": "Missing Authorization Header"})
        )
    );
}

#[tokio::test]
async fn logout_revokes_the_token() {
    let app = app();
    let (access, refresh) = login(&app, "alice").await;
    let (status, _) = call(&app, "GET", "/whoami", Some(&access), None).await;
    assert_eq!(status, StatusCode::OK);
    for token in [&access, &refresh] {
        let (status, reply) = call(&app, "DELETE", "/logout", Some(token), None).await;
        assert_eq!(
            (status, reply),
            (StatusCode::OK, json!({"msg": "Token revoked"}))
        );
    }
    let (status, reply) = call(&app, "GET", "/whoami", Some(&access), None).await;
    assert_eq!(
        (status, reply),
        (
            StatusCode::UNAUTHORIZED,
            json!({"msg": "Token has been revoked"})
        )
    );
    let (status, reply) = call(&app, "POST", "/refresh", Some(&refresh), None).await;
    assert_eq!(
        (status, reply),
        (
            StatusCode::UNAUTHORIZED,
            json!({"msg": "Token has been revoked"})
        )
    );
}
