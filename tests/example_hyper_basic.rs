//! The seed's curl session, over real HTTP, against `examples/hyper_basic.rs` (bare hyper 1.x).

mod common;

#[allow(dead_code)]
#[path = "../examples/hyper_basic.rs"]
mod hyper_basic;

use std::net::SocketAddr;

use serde_json::json;

/// The example's server on an ephemeral port. Its manager is the process-wide default, as in
/// the seed; every test of this binary installs the same one.
async fn start() -> SocketAddr {
    hyper_basic::install_manager().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        hyper_basic::serve(listener).await.unwrap();
    });
    addr
}

#[tokio::test]
async fn the_seed_curl_session_answers_as_the_seed_says() {
    common::assert_seed_curl_session(start().await).await;
}

#[tokio::test]
async fn refused_tokens_get_flask_jwt_extended_answers() {
    common::assert_seed_refuses_bad_tokens(start().await).await;
}

#[tokio::test]
async fn the_login_checks_answer_as_the_seed_does() {
    let addr = start().await;
    common::assert_seed_login_checks(addr).await;

    // Routes are matched on method and path.
    let reply = common::send(addr, "GET", "/login", &[], None).await;
    assert_eq!(
        (reply.status, reply.json()),
        (404, json!({"msg": "Not Found"}))
    );
}
