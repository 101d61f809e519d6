//! `examples/basic_bench.rs` over HTTP: the load test's four routes answer alike for a valid
//! token, and the three that verify refuse a missing, tampered or refresh token.

#[path = "../../tests/common/mod.rs"]
mod common;

#[allow(dead_code)]
#[path = "../examples/basic_bench.rs"]
mod basic_bench;

use serde_json::json;

#[tokio::test]
async fn the_twins_of_protected_answer_alike() {
    basic_bench::basic::install_manager().unwrap();
    let addr = common::serve(basic_bench::app()).await;
    let login = common::post_json(addr, "/login", r#"{"username":"test","password":"test"}"#).await;
    let access = login.json()["access_token"].as_str().unwrap().to_owned();
    let refresh = jwt_extended::create_refresh_token("test").unwrap();
    let mut tampered = access.clone().into_bytes();
    let last = tampered.len() - 2;
    tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();

    for route in ["/protected", "/unprotected", "/jsonwebtoken", "/floor"] {
        let bearer = format!("Bearer {access}");
        let reply = common::send(addr, "GET", route, &[("Authorization", &bearer)], None).await;
        assert_eq!(reply.status, 200, "{route}");
        assert_eq!(reply.json(), json!({"logged_in_as": "test"}), "{route}");
    }
    for route in ["/protected", "/jsonwebtoken", "/floor"] {
        let reply = common::send(addr, "GET", route, &[], None).await;
        assert_eq!(reply.status, 401, "{route} without a token");
        for bad in [&tampered, &refresh] {
            let bearer = format!("Bearer {bad}");
            let reply = common::send(addr, "GET", route, &[("Authorization", &bearer)], None).await;
            assert!(
                matches!(reply.status, 401 | 422),
                "{route} accepted {bad}: {}",
                reply.status
            );
        }
    }
}
