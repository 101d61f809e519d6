//! `examples/multiple_locations.rs` over real HTTP: each location, their order, the combined
//! message, per-route overrides, and no fall-through past a bad token.

mod common;

#[allow(dead_code)]
#[path = "../examples/multiple_locations.rs"]
mod multiple_locations;

use std::net::SocketAddr;

use serde_json::{json, Value};

const SECRET: &str = "multiple-locations-test-secret-0123456789ab";

/// The server, and a login's token, its `Cookie` header value and its CSRF value.
struct Session {
    addr: SocketAddr,
    token: String,
    cookie: String,
    csrf: String,
}

async fn start() -> Session {
    let manager = multiple_locations::manager(SECRET).unwrap();
    let addr = common::serve(multiple_locations::app(manager)).await;
    let reply = common::post_json(addr, "/login", r#"{"username":"test","password":"test"}"#).await;
    assert_eq!(reply.status, 200);
    let token = reply.json()["access_token"].as_str().unwrap().to_owned();
    let mut cookie = String::new();
    let mut csrf = String::new();
    for set_cookie in reply.headers.get_all("set-cookie") {
        let pair = set_cookie.to_str().unwrap().split(';').next().unwrap();
        let (name, value) = pair.split_once('=').unwrap();
        match name {
            "access_token_cookie" => {
                assert_eq!(value, token);
                cookie = pair.to_owned();
            }
            "csrf_access_token" => csrf = value.to_owned(),
            other => panic!("unexpected cookie {other}"),
        }
    }
    assert!(!cookie.is_empty() && !csrf.is_empty());
    Session {
        addr,
        token,
        cookie,
        csrf,
    }
}

impl Session {
    async fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> (u16, Value) {
        let reply = common::send(self.addr, method, path, headers, body).await;
        (reply.status, reply.json())
    }

    fn bearer(&self) -> String {
        format!("Bearer {}", self.token)
    }

    fn json_body(&self) -> String {
        json!({ "access_token": self.token, "note": "hello" }).to_string()
    }
}

const JSON: (&str, &str) = ("Content-Type", "application/json");

fn found_in(location: &str) -> (u16, Value) {
    (200, json!({"logged_in_as": "test", "location": location}))
}

#[tokio::test]
async fn each_location_works_and_is_reported() {
    let s = start().await;
    let bearer = s.bearer();
    assert_eq!(
        s.send("GET", "/protected", &[("Authorization", &bearer)], None)
            .await,
        found_in("headers")
    );
    assert_eq!(
        s.send("GET", "/protected", &[("Cookie", &s.cookie)], None)
            .await,
        found_in("cookies")
    );
    assert_eq!(
        s.send(
            "POST",
            "/protected",
            &[("Cookie", &s.cookie), ("X-CSRF-TOKEN", &s.csrf)],
            None
        )
        .await,
        found_in("cookies")
    );
    let query = format!("/protected?jwt={}", s.token);
    assert_eq!(
        s.send("GET", &query, &[], None).await,
        found_in("query_string")
    );
    // The JSON location read the body, and the handler still reads its `note`.
    assert_eq!(
        s.send("POST", "/protected", &[JSON], Some(&s.json_body()))
            .await,
        (
            200,
            json!({"logged_in_as": "test", "location": "json", "note": "hello"})
        )
    );
}

#[tokio::test]
async fn the_first_location_with_a_token_wins() {
    let s = start().await;
    let bearer = s.bearer();
    let query = format!("/protected?jwt={}", s.token);
    assert_eq!(
        s.send(
            "GET",
            &query,
            &[("Authorization", &bearer), ("Cookie", &s.cookie)],
            None
        )
        .await,
        found_in("headers")
    );
    assert_eq!(
        s.send("GET", &query, &[("Cookie", &s.cookie)], None).await,
        found_in("cookies")
    );
    // Another scheme in the Authorization header counts as no token there: the search goes on.
    assert_eq!(
        s.send(
            "GET",
            &query,
            &[("Authorization", "Basic dGVzdDp0ZXN0")],
            None
        )
        .await,
        found_in("query_string")
    );
}

#[tokio::test]
async fn without_any_token_the_message_lists_every_location() {
    let s = start().await;
    assert_eq!(
        s.send("GET", "/protected", &[], None).await,
        (
            401,
            json!({"msg": "Missing JWT in headers, cookies, query_string or json (Missing Authorization Header; Missing cookie \"access_token_cookie\"; Missing 'jwt' query paramater; Invalid content-type. Must be application/json.)"})
        )
    );
    assert_eq!(
        s.send("POST", "/protected", &[JSON], Some(r#"{"note":"hello"}"#))
            .await,
        (
            401,
            json!({"msg": "Missing JWT in headers, cookies, query_string or json (Missing Authorization Header; Missing cookie \"access_token_cookie\"; Missing 'jwt' query paramater; Missing \"access_token\" key in json data.)"})
        )
    );
}

#[tokio::test]
async fn a_bad_token_in_an_earlier_location_does_not_fall_through() {
    let s = start().await;
    let query = format!("/protected?jwt={}", s.token);
    // A malformed token in the header, a good one in the query string: refused.
    assert_eq!(
        s.send("GET", &query, &[("Authorization", "Bearer garbage")], None)
            .await,
        (422, json!({"msg": "Not enough segments"}))
    );
    assert_eq!(
        s.send("GET", &query, &[("Authorization", "Bearer a b")], None)
            .await,
        (
            422,
            json!({"msg": "Bad Authorization header. Expected 'Authorization: Bearer <JWT>'"})
        )
    );
    // A token signed with another secret in the header.
    let other = multiple_locations::manager("some-other-secret-0123456789abcdefghij").unwrap();
    let forged = format!("Bearer {}", other.create_access_token("admin").unwrap());
    assert_eq!(
        s.send("GET", &query, &[("Authorization", &forged)], None)
            .await,
        (422, json!({"msg": "Signature verification failed"}))
    );
    // A cookie POST without its CSRF header stops the search too, before the JSON body.
    assert_eq!(
        s.send(
            "POST",
            "/protected",
            &[JSON, ("Cookie", &s.cookie)],
            Some(&s.json_body())
        )
        .await,
        (401, json!({"msg": "Missing CSRF token"}))
    );
}

#[tokio::test]
async fn a_route_can_search_other_locations() {
    let s = start().await;
    let bearer = s.bearer();

    // headers_only: one location, so its own message, and the other locations are ignored.
    let query = format!("/headers_only?jwt={}", s.token);
    assert_eq!(
        s.send("GET", &query, &[("Cookie", &s.cookie)], None).await,
        (401, json!({"msg": "Missing Authorization Header"}))
    );
    assert_eq!(
        s.send("GET", "/headers_only", &[("Authorization", &bearer)], None)
            .await,
        found_in("headers")
    );

    // json_or_query: JSON first, then the query string; the header is not looked at.
    assert_eq!(
        s.send(
            "POST",
            "/json_or_query",
            &[("Authorization", &bearer)],
            None
        )
        .await,
        (
            401,
            json!({"msg": "Missing JWT in json or query_string (Invalid content-type. Must be application/json.; Missing 'jwt' query paramater)"})
        )
    );
    let query = format!("/json_or_query?jwt={}", s.token);
    assert_eq!(
        s.send("POST", &query, &[], None).await,
        found_in("query_string")
    );
    assert_eq!(
        s.send("POST", &query, &[JSON], Some(&s.json_body())).await,
        found_in("json")
    );
}

#[tokio::test]
async fn json_bodies_are_buffered_up_to_a_limit() {
    let s = start().await;
    let big = json!({ "access_token": s.token, "note": "x".repeat(70_000) }).to_string();
    assert_eq!(
        s.send("POST", "/protected", &[JSON], Some(&big)).await,
        (
            413,
            json!({"msg": "The request body is larger than 65536 bytes"})
        )
    );
    // Bodies of other types are not read by the middleware.
    let bearer = s.bearer();
    let text = "y".repeat(70_000);
    assert_eq!(
        s.send(
            "POST",
            "/protected",
            &[("Authorization", &bearer), ("Content-Type", "text/plain")],
            Some(&text)
        )
        .await,
        found_in("headers")
    );
}
