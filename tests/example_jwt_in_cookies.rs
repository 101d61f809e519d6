//! `examples/jwt_in_cookies.rs` over real HTTP: the `Set-Cookie` headers and the CSRF
//! double-submit check. (`tests/browser_cookies.rs` runs the example's page in Chromium.)

mod common;

#[allow(dead_code)]
#[path = "../examples/jwt_in_cookies.rs"]
mod jwt_in_cookies;

use std::collections::HashMap;
use std::net::SocketAddr;

use jwt_extended::JwtManager;
use serde_json::json;

const SECRET: &str = "jwt-in-cookies-test-secret-0123456789abcdef";

async fn start() -> (SocketAddr, JwtManager) {
    let manager = jwt_in_cookies::manager(SECRET).unwrap();
    let addr = common::serve(jwt_in_cookies::app(manager.clone())).await;
    (addr, manager)
}

fn set_cookies(reply: &common::Reply) -> Vec<String> {
    reply
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

/// name -> value of each `Set-Cookie`.
fn cookie_values(set_cookies: &[String]) -> HashMap<String, String> {
    set_cookies
        .iter()
        .map(|c| {
            let pair = c.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            (name.to_owned(), value.to_owned())
        })
        .collect()
}

/// Logs in; returns the cookie values.
async fn login(addr: SocketAddr) -> HashMap<String, String> {
    let reply = common::post_json(addr, "/login", r#"{"username":"test","password":"test"}"#).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json(), json!({"msg": "login successful"}));
    cookie_values(&set_cookies(&reply))
}

async fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    cookie: &str,
    csrf: Option<&str>,
) -> (u16, serde_json::Value) {
    let mut headers = vec![("Cookie", cookie)];
    if let Some(csrf) = csrf {
        headers.push(("X-CSRF-TOKEN", csrf));
    }
    let reply = common::send(addr, method, path, &headers, None).await;
    (reply.status, reply.json())
}

fn logged_in() -> (u16, serde_json::Value) {
    (200, json!({"logged_in_as": "test"}))
}

#[tokio::test]
async fn login_sets_the_token_and_csrf_cookies_as_flask_jwt_extended_does() {
    let (addr, manager) = start().await;
    let reply = common::post_json(addr, "/login", r#"{"username":"test","password":"test"}"#).await;
    assert_eq!(reply.status, 200);
    let cookies = set_cookies(&reply);
    let values = cookie_values(&cookies);
    let access = &values["access_token_cookie"];
    let refresh = &values["refresh_token_cookie"];
    let access_claims = manager.decode_token(access, false).unwrap().claims;
    let refresh_claims = manager.decode_token(refresh, false).unwrap().claims;
    assert_eq!(access_claims.token_type(), "access");
    assert_eq!(refresh_claims.token_type(), "refresh");
    // JWT_ACCESS_TOKEN_EXPIRES is one hour in this example.
    assert_eq!(
        access_claims.exp().unwrap().as_f64() - access_claims.iat().unwrap().as_f64(),
        3600.0
    );
    // Session cookies, HttpOnly token cookies, readable CSRF cookies, no Secure, no SameSite.
    assert_eq!(
        cookies,
        [
            format!("access_token_cookie={access}; HttpOnly; Path=/"),
            format!(
                "csrf_access_token={}; Path=/",
                access_claims.csrf().unwrap()
            ),
            format!("refresh_token_cookie={refresh}; HttpOnly; Path=/"),
            format!(
                "csrf_refresh_token={}; Path=/",
                refresh_claims.csrf().unwrap()
            ),
        ]
    );
    assert_ne!(access_claims.csrf(), refresh_claims.csrf());

    let reply =
        common::post_json(addr, "/login", r#"{"username":"test","password":"guess"}"#).await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.json(), json!({"msg": "Bad username or password"}));
    assert!(set_cookies(&reply).is_empty());
}

#[tokio::test]
async fn get_needs_only_the_access_cookie() {
    let (addr, manager) = start().await;
    let cookies = login(addr).await;
    let access = &cookies["access_token_cookie"];
    let cookie = format!("access_token_cookie={access}");
    assert_eq!(
        request(addr, "GET", "/protected", &cookie, None).await,
        logged_in()
    );

    let missing = (
        401,
        json!({"msg": "Missing cookie \"access_token_cookie\""}),
    );
    assert_eq!(
        request(addr, "GET", "/protected", "", None).await,
        missing.clone()
    );
    // Only the cookie location is configured: a Bearer header is not looked at.
    let bearer = format!("Bearer {}", manager.create_access_token("test").unwrap());
    let reply = common::send(
        addr,
        "GET",
        "/protected",
        &[("Authorization", &bearer)],
        None,
    )
    .await;
    assert_eq!((reply.status, reply.json()), missing);
    // The refresh cookie is not an access cookie.
    let refresh_only = format!("refresh_token_cookie={}", cookies["refresh_token_cookie"]);
    assert_eq!(
        request(addr, "GET", "/protected", &refresh_only, None).await,
        missing
    );
}

#[tokio::test]
async fn post_needs_the_csrf_cookie_value_in_the_x_csrf_token_header() {
    let (addr, _) = start().await;
    let cookies = login(addr).await;
    let csrf = &cookies["csrf_access_token"];
    // What a browser sends: every cookie of the site, the CSRF cookies included. The server
    // never reads the CSRF cookie itself; the header is what counts.
    let cookie = cookies
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect::<Vec<_>>()
        .join("; ");

    assert_eq!(
        request(addr, "POST", "/protected", &cookie, None).await,
        (401, json!({"msg": "Missing CSRF token"}))
    );
    assert_eq!(
        request(addr, "POST", "/protected", &cookie, Some("")).await,
        (401, json!({"msg": "Missing CSRF token"}))
    );
    let mismatch = (
        401,
        json!({"msg": "CSRF double submit tokens do not match"}),
    );
    assert_eq!(
        request(addr, "POST", "/protected", &cookie, Some("not-the-value")).await,
        mismatch.clone()
    );
    // The refresh token's CSRF value does not open the access cookie.
    assert_eq!(
        request(
            addr,
            "POST",
            "/protected",
            &cookie,
            Some(&cookies["csrf_refresh_token"])
        )
        .await,
        mismatch
    );
    assert_eq!(
        request(addr, "POST", "/protected", &cookie, Some(csrf)).await,
        logged_in()
    );
    // GET is not a CSRF-protected method: no header needed, and a wrong one is not checked.
    assert_eq!(
        request(addr, "GET", "/protected", &cookie, Some("not-the-value")).await,
        logged_in()
    );
}

#[tokio::test]
async fn refresh_reads_the_refresh_cookie_and_sets_a_new_access_cookie() {
    let (addr, manager) = start().await;
    let cookies = login(addr).await;
    let refresh_cookie = format!("refresh_token_cookie={}", cookies["refresh_token_cookie"]);
    let refresh_csrf = &cookies["csrf_refresh_token"];

    assert_eq!(
        request(addr, "POST", "/refresh", &refresh_cookie, None).await,
        (401, json!({"msg": "Missing CSRF token"}))
    );
    assert_eq!(
        request(
            addr,
            "POST",
            "/refresh",
            &refresh_cookie,
            Some(&cookies["csrf_access_token"])
        )
        .await,
        (
            401,
            json!({"msg": "CSRF double submit tokens do not match"})
        )
    );
    let access_only = format!("access_token_cookie={}", cookies["access_token_cookie"]);
    assert_eq!(
        request(
            addr,
            "POST",
            "/refresh",
            &access_only,
            Some(&cookies["csrf_access_token"])
        )
        .await,
        (
            401,
            json!({"msg": "Missing cookie \"refresh_token_cookie\""})
        )
    );

    let reply = common::send(
        addr,
        "POST",
        "/refresh",
        &[("Cookie", &refresh_cookie), ("X-CSRF-TOKEN", refresh_csrf)],
        None,
    )
    .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json(), json!({"msg": "refresh successful"}));
    let new_cookies = set_cookies(&reply);
    let values = cookie_values(&new_cookies);
    let access = &values["access_token_cookie"];
    assert_ne!(access, &cookies["access_token_cookie"]);
    let claims = manager.decode_token(access, false).unwrap().claims;
    assert_eq!(claims.get("fresh"), Some(&json!(false)));
    assert_eq!(
        new_cookies,
        [
            format!("access_token_cookie={access}; HttpOnly; Path=/"),
            format!("csrf_access_token={}; Path=/", claims.csrf().unwrap()),
        ]
    );
    let cookie = format!("access_token_cookie={access}");
    assert_eq!(
        request(
            addr,
            "POST",
            "/protected",
            &cookie,
            Some(&values["csrf_access_token"])
        )
        .await,
        logged_in()
    );
}

#[tokio::test]
async fn logout_deletes_all_four_cookies() {
    let (addr, _) = start().await;
    let reply = common::send(addr, "POST", "/logout", &[], None).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json(), json!({"msg": "logout successful"}));
    let gone = "Expires=Thu, 01 Jan 1970 00:00:00 GMT";
    assert_eq!(
        set_cookies(&reply),
        [
            format!("access_token_cookie=; {gone}; HttpOnly; Path=/"),
            format!("csrf_access_token=; {gone}; Path=/"),
            format!("refresh_token_cookie=; {gone}; HttpOnly; Path=/"),
            format!("csrf_refresh_token=; {gone}; Path=/"),
        ]
    );
}

#[tokio::test]
async fn the_page_copies_the_csrf_cookie_into_the_header() {
    let (addr, _) = start().await;
    let reply = common::send(addr, "GET", "/", &[], None).await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.headers.get("content-type").unwrap(),
        "text/html; charset=utf-8"
    );
    let html = String::from_utf8(reply.body).unwrap();
    assert!(html.contains(r#"<pre id="result">"#), "{html}");
    assert!(
        html.contains(r#"headers: { "X-CSRF-TOKEN": getCookie("csrf_access_token") }"#),
        "{html}"
    );
}
