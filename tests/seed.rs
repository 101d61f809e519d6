//! The seed's curl session, over real HTTP, against `examples/basic.rs`'s router.

mod common;

#[allow(dead_code)]
#[path = "../examples/basic.rs"]
mod basic;

use serde_json::json;

#[tokio::test]
async fn the_seed_curl_session_answers_as_the_seed_says() {
    basic::install_manager().unwrap();
    let addr = common::serve(basic::app()).await;

    // $ curl http://localhost:5000/protected
    let reply = common::send(addr, "GET", "/protected", &[], None).await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.json(), json!({"msg": "Missing Authorization Header"}));
    assert_eq!(
        reply.headers.get("content-type").unwrap(),
        "application/json"
    );

    // $ curl -H "Content-Type: application/json" -X POST -d '{"username":"test","password":"test"}' .../login
    let reply = common::post_json(addr, "/login", r#"{"username":"test","password":"test"}"#).await;
    assert_eq!(reply.status, 200);
    let body = reply.json();
    let access = body["access_token"]
        .as_str()
        .expect("an access_token string");
    assert_eq!(access.split('.').count(), 3);

    // $ curl -H "Authorization: Bearer $ACCESS" http://localhost:5000/protected
    let bearer = format!("Bearer {access}");
    let reply = common::send(
        addr,
        "GET",
        "/protected",
        &[("Authorization", &bearer)],
        None,
    )
    .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json(), json!({"logged_in_as": "test"}));

    // The token is flask-jwt-extended's access-token layout.
    let claims = jwt_extended::decode_token(access, false).unwrap().claims;
    let keys: Vec<&str> = claims.members().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        ["csrf", "exp", "fresh", "iat", "jti", "nbf", "sub", "type"]
    );
    assert_eq!(
        claims.get("exp").unwrap().as_i64().unwrap() - claims.get("iat").unwrap().as_i64().unwrap(),
        900
    );
}

#[tokio::test]
async fn the_login_checks_answer_as_the_seed_does() {
    basic::install_manager().unwrap();
    let addr = common::serve(basic::app()).await;
    common::assert_seed_login_checks(addr).await;
}
