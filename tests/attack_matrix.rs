//! Hostile requests over real HTTP against `examples/reference_app.rs` (all four token
//! locations): each gets a 4xx with a clear message — never a 5xx, a panic or a hang — and the
//! server answers a valid request normally afterwards.

mod common;

#[allow(dead_code)]
#[path = "../examples/reference_app.rs"]
mod reference_app;

use std::net::SocketAddr;
use std::time::Duration;

use jwt_extended::{Algorithm, Header, Key};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const SECRET: &str = reference_app::DEFAULT_SECRET;

/// Sends raw bytes as one HTTP/1.1 request (`Connection: close`) and returns the status and
/// body. Bounded in time: a hang fails the test.
async fn raw(addr: SocketAddr, request: &[u8]) -> (u16, Value) {
    let exchange = async {
        let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        // The server may answer and close before reading everything (e.g. 431): ignore write errors.
        let _ = stream.write_all(request).await;
        let mut response = Vec::new();
        let _ = stream.read_to_end(&mut response).await;
        response
    };
    let response = tokio::time::timeout(Duration::from_secs(20), exchange)
        .await
        .expect("the server answered within 20 s");
    let text = String::from_utf8_lossy(&response);
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            panic!(
                "no status line in {:?}",
                text.chars().take(200).collect::<String>()
            )
        });
    let body = text.split("\r\n\r\n").nth(1).unwrap_or_default();
    (
        status,
        serde_json::from_str(body.trim()).unwrap_or(Value::Null),
    )
}

fn get(path: &str, headers: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out =
        format!("GET {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n").into_bytes();
    for (name, value) in headers {
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"\r\n");
    out
}

fn post(path: &str, headers: &[(&str, &[u8])], body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "POST {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    )
    .into_bytes();
    for (name, value) in headers {
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(body);
    out
}

fn sign(claims: &Value) -> String {
    let key = Key::new(Algorithm::HS256, SECRET).unwrap();
    jwt_extended::encode(&Header::new(Algorithm::HS256), claims, &key).unwrap()
}

fn valid_token() -> String {
    sign(
        &json!({"fresh": false, "iat": 1_700_000_000, "jti": "j", "type": "access", "sub": "test", "exp": 4_102_444_800u64}),
    )
}

fn nested(depth: usize) -> Value {
    let mut value = json!(1);
    for _ in 0..depth {
        value = json!([value]);
    }
    value
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_requests_get_4xx_with_clear_messages() {
    let config = reference_app::config_from_env().unwrap();
    let (manager, blocklist) = reference_app::manager(config).unwrap();
    let addr = common::serve(reference_app::app(manager, blocklist)).await;

    let good = valid_token();
    let bearer = |t: &str| format!("Bearer {t}").into_bytes();
    let oversize = sign(&json!({"sub": "test", "pad": "A".repeat(20_000)}));
    let dots = format!("{good}{}", ".".repeat(10_000));
    let deep_token = sign(&json!({"sub": "test", "deep": nested(200)}));
    let deep_body = format!("{{\"access_token\": {}}}", "[".repeat(100_000));
    let huge_header = vec![b'a'; 1 << 20];
    let many_headers: Vec<(String, Vec<u8>)> = (0..300)
        .map(|i| (format!("x-h{i}"), b"v".to_vec()))
        .collect();
    let many: Vec<(&str, &[u8])> = many_headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_slice()))
        .collect();
    let cookie_token = format!("access_token_cookie={good}");

    // (name, request, expected status, expected message prefix (None: any 4xx))
    let cases: Vec<(&str, Vec<u8>, u16, Option<&str>)> = vec![
        (
            "oversized token",
            get("/protected", &[("Authorization", &bearer(&oversize))]),
            422,
            Some("Token is larger than the maximum of 16384 bytes"),
        ),
        (
            "10,000 dots",
            get("/protected", &[("Authorization", &bearer(&dots))]),
            422,
            Some("Invalid payload padding"),
        ),
        (
            "only dots",
            get(
                "/protected",
                &[("Authorization", &bearer(&".".repeat(10_000)))],
            ),
            422,
            Some("Invalid payload padding"),
        ),
        (
            "payload nested 200 deep",
            get("/protected", &[("Authorization", &bearer(&deep_token))]),
            422,
            Some("Invalid payload string: recursion limit exceeded"),
        ),
        (
            "JSON body nested 100,000 deep",
            post(
                "/json-only",
                &[("Content-Type", b"application/json")],
                deep_body.as_bytes(),
            ),
            401,
            Some("Missing \"access_token\" key in json data."),
        ),
        (
            "JSON array body",
            post(
                "/json-only",
                &[("Content-Type", b"application/json")],
                b"[1, 2]",
            ),
            401,
            Some("Missing \"access_token\" key in json data."),
        ),
        (
            "1 MB Authorization header",
            get("/protected", &[("Authorization", &huge_header)]),
            431,
            None,
        ),
        ("300 headers", get("/protected", &many), 431, None),
        (
            "non-UTF-8 token",
            get(
                "/protected",
                &[("Authorization", b"Bearer \xff\xfe.\xc3\x28.\x80")],
            ),
            422,
            Some("Invalid header padding"),
        ),
        (
            "non-UTF-8 scheme",
            get("/headers-only", &[("Authorization", b"\xffearer abc")]),
            401,
            Some("Missing 'Bearer' type"),
        ),
        // flask-jwt-extended answers 500 here (a whitespace-only segment).
        (
            "blank segments",
            get("/headers-only", &[("Authorization", b", , ,,")]),
            401,
            Some("Missing 'Bearer' type"),
        ),
        (
            "bearer and junk",
            get("/headers-only", &[("Authorization", b"Bearer a b c")]),
            422,
            Some("Bad Authorization header"),
        ),
        (
            "alg none",
            get(
                "/protected",
                &[(
                    "Authorization",
                    &bearer("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ0ZXN0In0."),
                )],
            ),
            422,
            Some("The specified alg value is not allowed"),
        ),
        (
            "malformed cookies",
            get(
                "/cookies-only",
                &[("Cookie", b";;;===;access_token_cookie;=x; a")],
            ),
            401,
            Some("Missing cookie \"access_token_cookie\""),
        ),
        (
            "non-UTF-8 cookie",
            get(
                "/cookies-only",
                &[("Cookie", b"access_token_cookie=\xff\xfe")],
            ),
            422,
            Some("Not enough segments"),
        ),
        (
            "cookie POST without CSRF",
            post("/cookies-only", &[("Cookie", cookie_token.as_bytes())], b""),
            401,
            Some("Missing CSRF token"),
        ),
        (
            "cookie POST, wrong CSRF",
            post(
                "/cookies-only",
                &[
                    ("Cookie", cookie_token.as_bytes()),
                    ("X-CSRF-TOKEN", b"nope"),
                ],
                b"",
            ),
            422,
            Some("Missing claim: csrf"),
        ),
        (
            "malformed query",
            get("/query-only?jwt=%ZZ%&&&=&jwt", &[]),
            422,
            Some("Not enough segments"),
        ),
        (
            "query with encoded NUL",
            get("/query-only?jwt=%00%ff.a.b", &[]),
            422,
            Some("Invalid header padding"),
        ),
        (
            "empty query value",
            get("/query-only?jwt=", &[]),
            401,
            Some("Missing 'jwt' query paramater"),
        ),
    ];

    let mut failures = Vec::new();
    for (name, request, status, message) in &cases {
        let (got, body) = raw(addr, request).await;
        let msg = body["msg"].as_str().unwrap_or_default();
        let ok = got == *status && message.is_none_or(|m| msg.starts_with(m));
        if !ok || !(400..500).contains(&got) {
            failures.push(format!(
                "{name}: expected {status} {message:?}, got {got} {body}"
            ));
        }
    }
    println!(
        "{} hostile requests, {} unexpected answers",
        cases.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    // The server is still healthy.
    let (status, body) = raw(
        addr,
        &get("/protected", &[("Authorization", &bearer(&good))]),
    )
    .await;
    assert_eq!((status, body), (200, json!({"logged_in_as": "test"})));
}
