//! `examples/auth_service.rs` and `examples/resource_service.rs` together, each on its own
//! loopback port, over real HTTP: the resource service holds no key and verifies the auth
//! service's tokens through its published JWK Set; it keeps verifying while the auth service
//! is down, and picks up a new key (a new `kid`) with one refetch when the auth service comes
//! back with new keys.
#![cfg(feature = "remote-jwks")]

#[allow(dead_code)]
#[path = "../examples/auth_service.rs"]
mod auth_service;
mod common;
#[allow(dead_code)]
#[path = "../examples/resource_service.rs"]
mod resource_service;

use std::net::SocketAddr;
use std::time::Duration;

use jwt_extended::jwks::RemoteJwks;
use jwt_extended::Algorithm;
use serde_json::json;
use tokio::sync::oneshot;

/// Serves a fresh auth service on `addr` (port 0: any), until the returned sender is dropped.
async fn start_auth(addr: SocketAddr) -> (SocketAddr, oneshot::Sender<()>) {
    let keys = auth_service::keys(None).unwrap();
    let jwks = keys.public_jwks();
    let app = auth_service::app(auth_service::manager(keys).unwrap(), jwks);
    let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
    let bound = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
            })
            .await
            .unwrap();
    });
    (bound, stop)
}

async fn login(auth: SocketAddr) -> String {
    let reply = common::post_json(auth, "/login", r#"{"username":"test","password":"test"}"#).await;
    assert_eq!(reply.status, 200, "{:?}", reply);
    reply.json()["access_token"].as_str().unwrap().to_owned()
}

async fn get(resource: SocketAddr, path: &str, token: &str) -> (u16, serde_json::Value) {
    let bearer = format!("Bearer {token}");
    let reply = common::send(resource, "GET", path, &[("Authorization", &bearer)], None).await;
    (reply.status, reply.json())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_resource_service_verifies_through_the_auth_services_jwks() {
    let (auth, stop_auth) = start_auth("127.0.0.1:0".parse().unwrap()).await;
    let url = format!("http://{auth}/.well-known/jwks.json");

    // The example's own verifier and manager.
    let remote = resource_service::remote(&url).unwrap();
    remote.prefetch().await.unwrap();
    let resource = common::serve(resource_service::app(
        resource_service::manager(remote).unwrap(),
    ))
    .await;

    let token = login(auth).await;
    assert_eq!(
        get(resource, "/protected", &token).await,
        (200, json!({"logged_in_as": "test"}))
    );
    assert_eq!(
        get(resource, "/me", &token).await,
        (200, json!({"user": "test"}))
    );
    let missing = common::send(resource, "GET", "/protected", &[], None).await;
    assert_eq!(missing.status, 401);
    assert_eq!(
        missing.json(),
        json!({"msg": "Missing Authorization Header"})
    );
    let tampered = token.replacen(".eyJ", ".eyK", 1);
    assert_eq!(get(resource, "/protected", &tampered).await.0, 422);

    // The auth service goes down: the cached keys keep verifying.
    drop(stop_auth);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(
        get(resource, "/protected", &token).await,
        (200, json!({"logged_in_as": "test"}))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_key_at_the_issuer_is_picked_up_with_one_refetch() {
    let (auth, stop_auth) = start_auth("127.0.0.1:0".parse().unwrap()).await;
    let url = format!("http://{auth}/.well-known/jwks.json");
    // The example's algorithms, without the 30 s cooldown, so the test need not wait.
    let remote = RemoteJwks::builder(&url)
        .algorithms(&[Algorithm::ES256, Algorithm::EdDSA])
        .cooldown(Duration::ZERO)
        .build()
        .unwrap();
    remote.prefetch().await.unwrap();
    let resource = common::serve(resource_service::app(
        resource_service::manager(remote).unwrap(),
    ))
    .await;
    let old = login(auth).await;
    assert_eq!(get(resource, "/protected", &old).await.0, 200);

    // The auth service restarts on the same port with new keys (a new kid).
    drop(stop_auth);
    tokio::time::sleep(Duration::from_millis(50)).await;
    let (again, _stop) = start_auth(auth).await;
    assert_eq!(again, auth);
    let new = login(auth).await;
    assert_eq!(
        get(resource, "/protected", &new).await,
        (200, json!({"logged_in_as": "test"})),
        "the unknown kid made the resource service refetch the set"
    );
    // The old key is gone from the issuer's set: its tokens are now refused by kid.
    let (status, body) = get(resource, "/protected", &old).await;
    assert_eq!(status, 422);
    assert!(
        body["msg"]
            .as_str()
            .unwrap()
            .starts_with("Unable to find a signing key that matches"),
        "{body}"
    );
}
