//! `examples/auth_service.rs` and `examples/resource_service.rs` together, each on its own
//! loopback port, over real HTTP: the resource service holds no key and verifies the auth
//! service's tokens through its published JWK Set; it keeps verifying while the auth service
//! is down, and picks up a new key (a new `kid`) with one refetch when the auth service comes
//! back with new keys, or rotates them while it runs (`POST /rotate`).
#![cfg(feature = "remote-jwks")]

#[allow(dead_code)]
#[path = "../examples/auth_service.rs"]
mod auth_service;
mod common;
#[allow(dead_code)]
#[path = "../examples/resource_service.rs"]
mod resource_service;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use jwt_extended::jwks::RemoteJwks;
use jwt_extended::Algorithm;
use serde_json::json;
use tokio::sync::oneshot;

/// Serves a fresh auth service on `addr` (port 0: any), until the returned sender is dropped.
async fn start_auth(addr: SocketAddr) -> (SocketAddr, oneshot::Sender<()>) {
    let (bound, stop, _) = start_counted_auth(addr).await;
    (bound, stop)
}

/// [`start_auth`], with the count of the JWK Set requests it answered.
async fn start_counted_auth(
    addr: SocketAddr,
) -> (SocketAddr, oneshot::Sender<()>, Arc<AtomicUsize>) {
    let keys = auth_service::keys(None).unwrap();
    let fetches = Arc::new(AtomicUsize::new(0));
    let counter = fetches.clone();
    let app =
        auth_service::app(auth_service::manager(keys).unwrap()).layer(axum::middleware::from_fn(
            move |req: axum::extract::Request, next: axum::middleware::Next| {
                if req.uri().path() == "/.well-known/jwks.json" {
                    counter.fetch_add(1, Ordering::SeqCst);
                }
                next.run(req)
            },
        ));
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
    (bound, stop, fetches)
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

/// `POST /rotate` at the auth service, as its administrator; the new `kid`.
async fn rotate(auth: SocketAddr) -> String {
    let reply =
        common::post_json(auth, "/login", r#"{"username":"admin","password":"admin"}"#).await;
    assert_eq!(reply.status, 200, "{:?}", reply);
    let token = reply.json()["access_token"].as_str().unwrap().to_owned();
    let bearer = format!("Bearer {token}");
    let reply = common::send(auth, "POST", "/rotate", &[("Authorization", &bearer)], None).await;
    assert_eq!(reply.status, 200, "{:?}", reply);
    reply.json()["kid"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotation_at_the_running_issuer_is_picked_up_with_one_refetch() {
    let (auth, _stop, fetches) = start_counted_auth("127.0.0.1:0".parse().unwrap()).await;
    let url = format!("http://{auth}/.well-known/jwks.json");
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
    assert_eq!(fetches.load(Ordering::SeqCst), 1);
    let first = login(auth).await;
    assert_eq!(get(resource, "/protected", &first).await.0, 200);
    assert_eq!(fetches.load(Ordering::SeqCst), 1, "a known kid: no fetch");

    // The running auth service rotates: the next login is signed by a key the resource service
    // has not seen; one refetch finds it, and the previous key still verifies.
    rotate(auth).await;
    let second = login(auth).await;
    assert_eq!(
        get(resource, "/protected", &second).await,
        (200, json!({"logged_in_as": "test"}))
    );
    assert_eq!(fetches.load(Ordering::SeqCst), 2, "one refetch");
    assert_eq!(get(resource, "/protected", &first).await.0, 200);
    assert_eq!(fetches.load(Ordering::SeqCst), 2);

    // A second rotation retires the first key: once the resource service has refetched (for
    // the third key's first token), the first key's tokens are refused by kid.
    rotate(auth).await;
    let third = login(auth).await;
    assert_eq!(get(resource, "/protected", &third).await.0, 200);
    assert_eq!(fetches.load(Ordering::SeqCst), 3, "one refetch");
    assert_eq!(get(resource, "/protected", &second).await.0, 200);
    let (status, body) = get(resource, "/protected", &first).await;
    assert_eq!(status, 422);
    let kid = auth_kid(&first);
    assert_eq!(
        body,
        json!({"msg": format!("Unable to find a signing key that matches: \"{kid}\"")})
    );
}

/// The `kid` of a token's header.
fn auth_kid(token: &str) -> String {
    let header = jwt_extended::decode_header_unverified(token).unwrap();
    header.kid().unwrap().to_owned()
}
