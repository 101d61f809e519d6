//! Shared helpers for the integration tests: a server on an ephemeral port and an HTTP client.
#![allow(dead_code)]

use std::net::SocketAddr;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

/// A response as the tests look at it.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: http::HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    /// The body parsed as JSON (`Null` when it is not JSON).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

/// Serves `router` on 127.0.0.1 with an ephemeral port, in the background.
pub async fn serve(router: axum::Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, router).await.unwrap();
    });
    addr
}

/// A keep-alive HTTP/1 client.
pub fn client() -> Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>> {
    Client::builder(TokioExecutor::new()).build_http()
}

/// Sends one request and reads the whole response.
pub async fn send(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> Reply {
    let mut builder = http::Request::builder()
        .method(method)
        .uri(format!("http://{addr}{path}"));
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    let request = builder
        .body(Full::new(Bytes::from(body.unwrap_or_default().to_owned())))
        .unwrap();
    let response = client().request(request).await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    Reply {
        status,
        headers,
        body,
    }
}

/// `POST path` with a JSON body (`Content-Type: application/json`).
pub async fn post_json(addr: SocketAddr, path: &str, body: &str) -> Reply {
    send(
        addr,
        "POST",
        path,
        &[("Content-Type", "application/json")],
        Some(body),
    )
    .await
}

/// The seed's `POST /login` checks and their answers: (headers, body, status, message).
pub async fn assert_seed_login_checks(addr: SocketAddr) {
    let json = [("Content-Type", "application/json")];
    let text = [("Content-Type", "text/plain")];
    type Case<'a> = (&'a [(&'a str, &'a str)], &'a str, u16, &'a str);
    let cases: [Case<'_>; 7] = [
        (&text, "username=test", 400, "Missing JSON in request"),
        (&json, "not json", 400, "Missing JSON in request"),
        (&json, "{}", 400, "Missing username parameter"),
        (
            &json,
            r#"{"username":"test"}"#,
            400,
            "Missing password parameter",
        ),
        (
            &json,
            r#"{"username":"","password":"x"}"#,
            400,
            "Missing username parameter",
        ),
        (
            &json,
            r#"{"username":"test","password":"nope"}"#,
            401,
            "Bad username or password",
        ),
        (
            &json,
            r#"{"username":"eve","password":"test"}"#,
            401,
            "Bad username or password",
        ),
    ];
    for (headers, body, status, msg) in cases {
        let reply = send(addr, "POST", "/login", headers, Some(body)).await;
        assert_eq!(
            (reply.status, reply.json()),
            (status, serde_json::json!({ "msg": msg })),
            "{body}"
        );
    }
}

/// The seed's curl session against a server on `addr` (any of the seed's apps: axum, bare hyper,
/// hyper with `JwtLayer`), with flask-jwt-extended's answers, content types and token layout.
pub async fn assert_seed_curl_session(addr: SocketAddr) {
    // $ curl http://localhost:5000/protected
    let reply = send(addr, "GET", "/protected", &[], None).await;
    assert_eq!(reply.status, 401);
    assert_eq!(
        reply.json(),
        serde_json::json!({"msg": "Missing Authorization Header"})
    );
    assert_eq!(
        reply.headers.get("content-type").unwrap(),
        "application/json"
    );

    // $ curl -H "Content-Type: application/json" -X POST -d '{"username":"test","password":"test"}' .../login
    let reply = post_json(addr, "/login", r#"{"username":"test","password":"test"}"#).await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.headers.get("content-type").unwrap(),
        "application/json"
    );
    let body = reply.json();
    assert_eq!(body.as_object().unwrap().len(), 1, "{body}");
    let access = body["access_token"]
        .as_str()
        .expect("an access_token string");
    assert_eq!(access.split('.').count(), 3);

    // $ curl -H "Authorization: Bearer $ACCESS" http://localhost:5000/protected
    let bearer = format!("Bearer {access}");
    let reply = send(
        addr,
        "GET",
        "/protected",
        &[("Authorization", &bearer)],
        None,
    )
    .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json(), serde_json::json!({"logged_in_as": "test"}));
    assert_eq!(
        reply.headers.get("content-type").unwrap(),
        "application/json"
    );

    // flask-jwt-extended's access-token layout, made by the default manager.
    let claims = jwt_extended::decode_token(access, false).unwrap().claims;
    let keys: Vec<&str> = claims.members().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        ["csrf", "exp", "fresh", "iat", "jti", "nbf", "sub", "type"]
    );
    assert_eq!(claims.get("fresh"), Some(&serde_json::json!(false)));
    assert_eq!(
        claims
            .get("exp")
            .and_then(serde_json::Value::as_i64)
            .unwrap()
            - claims
                .get("iat")
                .and_then(serde_json::Value::as_i64)
                .unwrap(),
        900,
        "the default 15 minutes"
    );
}

/// Tokens the seed's server must refuse on `GET /protected`, with flask-jwt-extended's status
/// and message: another scheme, a malformed value, garbage, and a token signed with another
/// secret.
pub async fn assert_seed_refuses_bad_tokens(addr: SocketAddr) {
    let forged = jwt_extended::JwtManager::builder()
        .secret_key("another-secret-not-the-servers-0123456789")
        .build()
        .unwrap()
        .create_access_token("test")
        .unwrap();
    let forged = format!("Bearer {forged}");
    let cases: [(&str, u16, &str); 4] = [
        (
            "Basic dGVzdDp0ZXN0",
            401,
            "Missing 'Bearer' type in 'Authorization' header. Expected 'Authorization: Bearer <JWT>'",
        ),
        (
            "Bearer a b",
            422,
            "Bad Authorization header. Expected 'Authorization: Bearer <JWT>'",
        ),
        ("Bearer garbage", 422, "Not enough segments"),
        (&forged, 422, "Signature verification failed"),
    ];
    for (authorization, status, msg) in cases {
        let reply = send(
            addr,
            "GET",
            "/protected",
            &[("Authorization", authorization)],
            None,
        )
        .await;
        assert_eq!(
            (reply.status, reply.json()),
            (status, serde_json::json!({ "msg": msg })),
            "{authorization}"
        );
    }
}
