//! The seed's curl session, over real HTTP, against `examples/tower_layer.rs` (bare hyper 1.x, the
//! protected route guarded by `JwtLayer`).

mod common;

#[allow(dead_code)]
#[path = "../examples/tower_layer.rs"]
mod tower_layer;

use std::net::SocketAddr;

use serde_json::json;

/// The example's server on an ephemeral port. Its manager is the process-wide default, as in
/// the seed; every test of this binary installs the same one.
async fn start() -> SocketAddr {
    tower_layer::install_manager().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        tower_layer::serve(listener).await.unwrap();
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

#[tokio::test]
async fn the_layer_refuses_refresh_and_expired_tokens_before_the_handler() {
    let addr = start().await;
    let manager = jwt_extended::JwtManager::default_manager().expect("installed by start()");
    let refresh = format!("Bearer {}", manager.create_refresh_token("test").unwrap());
    let hour_ago = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
        - 3600;
    let expired = jwt_extended::JwtManager::builder()
        .secret_key(manager.config().secret_key.clone().expect("an HMAC secret"))
        .clock(jwt_extended::FixedClock::at(hour_ago))
        .build()
        .unwrap()
        .create_access_token("test")
        .unwrap();
    let expired = format!("Bearer {expired}");
    let cases: [(&str, u16, &str); 2] = [
        (&refresh, 422, "Only non-refresh tokens are allowed"),
        (&expired, 401, "Token has expired"),
    ];
    for (authorization, status, msg) in cases {
        let reply = common::send(
            addr,
            "GET",
            "/protected",
            &[("Authorization", authorization)],
            None,
        )
        .await;
        assert_eq!(
            (reply.status, reply.json()),
            (status, json!({ "msg": msg })),
            "{authorization}"
        );
    }
}
