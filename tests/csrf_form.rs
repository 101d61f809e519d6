//! `JWT_CSRF_CHECK_FORM` over real HTTP (issue 11, item 5): with the setting on, a cookie
//! request on a CSRF method may carry its CSRF value in an `application/x-www-form-urlencoded`
//! body field instead of the header. `examples/reference_app.rs` buffers bodies with
//! `JwtManager::buffer_body`, which reads such a body when the setting is on.
//!
//! Every answer here is flask-jwt-extended 4.7's, as its twin (`flask_twin.py` run with
//! `JWT_CSRF_CHECK_FORM=true`, or without it for the "off" cases) gives them. The 413 is this
//! app's body limit (1 MiB); Flask answers 413 too once `MAX_CONTENT_LENGTH` is set to 1 MiB.

mod common;

#[allow(dead_code)]
#[path = "../examples/reference_app.rs"]
mod reference_app;

use std::net::SocketAddr;

use serde_json::{json, Value};

const FORM: &str = "application/x-www-form-urlencoded";
const MISSING: &str = "Missing CSRF token";
const MISMATCH: &str = "CSRF double submit tokens do not match";

/// The reference app, with `JWT_CSRF_CHECK_FORM` set to `check_form`.
async fn serve(check_form: bool) -> SocketAddr {
    let mut config = reference_app::config_from_env().unwrap();
    config.csrf_check_form = check_form;
    let (manager, blocklist) = reference_app::manager(config).unwrap();
    common::serve(reference_app::app(manager, blocklist)).await
}

/// Logs in with cookies: the `Cookie` header to send back, and the CSRF value.
async fn login(addr: SocketAddr) -> (String, String) {
    let reply = common::post_json(
        addr,
        "/login-cookies",
        r#"{"username":"test","password":"test"}"#,
    )
    .await;
    assert_eq!(reply.status, 200);
    let cookie = |name: &str| {
        reply
            .headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| v.strip_prefix(&format!("{name}=")))
            .and_then(|v| v.split(';').next())
            .unwrap()
            .to_owned()
    };
    let token = cookie("access_token_cookie");
    (
        format!("access_token_cookie={token}"),
        cookie("csrf_access_token"),
    )
}

/// `POST /cookies-only` with the access cookie, `extra` headers and `body`: (status, JSON).
async fn post(addr: SocketAddr, cookie: &str, extra: &[(&str, &str)], body: &str) -> (u16, Value) {
    let mut headers = vec![("Cookie", cookie)];
    headers.extend_from_slice(extra);
    let reply = common::send(addr, "POST", "/cookies-only", &headers, Some(body)).await;
    (reply.status, reply.json())
}

fn ok() -> (u16, Value) {
    (200, json!({ "logged_in_as": "test" }))
}

fn refused(msg: &str) -> (u16, Value) {
    (401, json!({ "msg": msg }))
}

#[tokio::test]
async fn csrf_form_field_when_the_form_check_is_on() {
    let addr = serve(true).await;
    let (cookie, csrf) = login(addr).await;
    let form = [("Content-Type", FORM)];

    let cases = [
        (format!("csrf_token={csrf}"), ok()),
        (format!("name=x&csrf_token={csrf}&b"), ok()),
        ("csrf_token=wrong".to_owned(), refused(MISMATCH)),
        (String::new(), refused(MISSING)),
        ("other=1".to_owned(), refused(MISSING)),
        ("csrf_token=".to_owned(), refused(MISSING)),
        // The first value of a repeated field, as Flask's `request.form.get`.
        (format!("csrf_token={csrf}&csrf_token=x"), ok()),
        (format!("csrf_token=x&csrf_token={csrf}"), refused(MISMATCH)),
    ];
    for (body, expected) in cases {
        assert_eq!(post(addr, &cookie, &form, &body).await, expected, "{body}");
    }

    let body = format!("csrf_token={csrf}");
    let charset = [(
        "Content-Type",
        "Application/X-WWW-Form-Urlencoded; charset=utf-8",
    )];
    assert_eq!(post(addr, &cookie, &charset, &body).await, ok());
    // The header comes first; an empty header lets the form field be read.
    let empty_header = [("Content-Type", FORM), ("X-CSRF-TOKEN", "")];
    assert_eq!(post(addr, &cookie, &empty_header, &body).await, ok());
    let wrong_header = [("Content-Type", FORM), ("X-CSRF-TOKEN", "nope")];
    assert_eq!(
        post(addr, &cookie, &wrong_header, &body).await,
        refused(MISMATCH)
    );
    // A JSON body is not a form.
    let json_body = format!(r#"{{"csrf_token":"{csrf}"}}"#);
    let json_type = [("Content-Type", "application/json")];
    assert_eq!(
        post(addr, &cookie, &json_type, &json_body).await,
        refused(MISSING)
    );

    // Over the body limit: 413, before any token check.
    let big = format!("a={}&csrf_token={csrf}", "x".repeat(1 << 20));
    let (status, _) = post(addr, &cookie, &form, &big).await;
    assert_eq!(status, 413);
    // Exactly at it: read.
    let at_limit = format!(
        "a={}&csrf_token={csrf}",
        "x".repeat((1 << 20) - 14 - csrf.len())
    );
    assert_eq!(at_limit.len(), 1 << 20);
    assert_eq!(post(addr, &cookie, &form, &at_limit).await, ok());
}

#[tokio::test]
async fn csrf_form_field_is_ignored_when_the_form_check_is_off() {
    let addr = serve(false).await;
    let (cookie, csrf) = login(addr).await;
    let form = [("Content-Type", FORM)];
    assert_eq!(
        post(addr, &cookie, &form, &format!("csrf_token={csrf}")).await,
        refused(MISSING)
    );
    let header = [("Content-Type", FORM), ("X-CSRF-TOKEN", csrf.as_str())];
    assert_eq!(post(addr, &cookie, &header, "").await, ok());
}
