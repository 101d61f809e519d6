//! Every recorded case of flask-jwt-extended's twin (`fixtures/cases.json`), replayed over real
//! HTTP against `examples/reference_app.rs`, compared the way `replay.py` compares them.

mod common;

#[allow(dead_code)]
#[path = "../examples/reference_app.rs"]
mod reference_app;

use std::collections::HashMap;

use base64::Engine;
use serde_json::{json, Map, Value};

const CASES: &str = include_str!("fixtures/cases.json");

fn claims_of(token: &str) -> Option<Value> {
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// `replay.py`'s `cookie_summary`: Set-Cookie headers as comparable objects.
fn cookie_summary(set_cookies: &[String]) -> Value {
    let mut values = HashMap::new();
    let mut out: Vec<Map<String, Value>> = Vec::new();
    for raw in set_cookies {
        let mut parts = raw.split(';').map(str::trim);
        let (name, value) = parts
            .next()
            .unwrap_or_default()
            .split_once('=')
            .unwrap_or(("", ""));
        let mut attrs = Map::new();
        for part in parts {
            let (k, v) = part.split_once('=').unwrap_or((part, ""));
            let k = k.to_ascii_lowercase();
            let v = if k == "expires" {
                if v.contains("1970") { "past" } else { "future" }.to_owned()
            } else {
                v.to_owned()
            };
            let keep = ["path", "domain", "samesite", "max-age", "expires"].contains(&k.as_str());
            attrs.insert(
                k,
                if keep {
                    Value::String(v)
                } else {
                    Value::Bool(true)
                },
            );
        }
        if attrs.get("max-age") == Some(&json!("0")) {
            attrs.remove("max-age");
            attrs.insert("expires".into(), json!("past"));
        }
        values.insert(name.to_owned(), value.to_owned());
        let mut cookie = Map::new();
        cookie.insert("name".into(), json!(name));
        cookie.insert("empty".into(), json!(value.is_empty()));
        cookie.insert("attrs".into(), Value::Object(attrs));
        out.push(cookie);
    }
    for cookie in &mut out {
        let name = cookie["name"].as_str().unwrap_or_default().to_owned();
        let token_cookie = match name.as_str() {
            "csrf_access_token" => "access_token_cookie",
            "csrf_refresh_token" => "refresh_token_cookie",
            _ => "",
        };
        if let Some(token) = values.get(token_cookie).filter(|t| !t.is_empty()) {
            let matches = claims_of(token)
                .and_then(|c| c.get("csrf").cloned())
                .is_some_and(|csrf| csrf == json!(values[&name]));
            cookie.insert("matches_token_csrf".into(), json!(matches));
        }
    }
    out.sort_by(|a, b| a["name"].as_str().cmp(&b["name"].as_str()));
    Value::Array(out.into_iter().map(Value::Object).collect())
}

/// `replay.py`'s `observe`: what a response shows, in the shape of the expectation.
fn observe(status: u16, payload: &Value, set_cookies: &[String], expect: &Value) -> Value {
    let mut seen = Map::new();
    seen.insert("status".into(), json!(status));
    let tokens = expect.get("tokens").and_then(Value::as_object);
    if let Some(prefix) = expect.get("msg_prefix").and_then(Value::as_str) {
        let msg = payload.get("msg").cloned().unwrap_or(Value::Null);
        let cut = match msg.as_str() {
            Some(m) => json!(m.chars().take(prefix.chars().count()).collect::<String>()),
            None => msg,
        };
        seen.insert("msg_prefix".into(), cut);
    } else if let Some(tokens) = tokens.filter(|t| !t.is_empty()) {
        let mut keys: Vec<&String> = payload
            .as_object()
            .map(|o| o.keys().collect())
            .unwrap_or_default();
        keys.sort();
        seen.insert("json_keys".into(), json!(keys));
        let mut seen_tokens = Map::new();
        for (field, want) in tokens {
            let value = payload.get(field).and_then(Value::as_str);
            let entry = match value.and_then(claims_of) {
                Some(claims) => {
                    let mut claim_keys: Vec<&String> = claims
                        .as_object()
                        .map(|o| o.keys().collect())
                        .unwrap_or_default();
                    claim_keys.sort();
                    let mut entry = Map::new();
                    entry.insert("claim_keys".into(), json!(claim_keys));
                    for k in want.as_object().into_iter().flat_map(|w| w.keys()) {
                        if k != "claim_keys" {
                            entry.insert(k.clone(), claims.get(k).cloned().unwrap_or(Value::Null));
                        }
                    }
                    Value::Object(entry)
                }
                None => json!({ "undecodable": payload.get(field) }),
            };
            seen_tokens.insert(field.clone(), entry);
        }
        seen.insert("tokens".into(), Value::Object(seen_tokens));
    } else {
        seen.insert("json".into(), payload.clone());
    }
    if expect.get("cookies").is_some() {
        seen.insert("cookies".into(), cookie_summary(set_cookies));
    }
    Value::Object(seen)
}

fn substitute(text: &str, saved: &HashMap<String, String>) -> String {
    let mut out = text.to_owned();
    for (name, value) in saved {
        out = out.replace(&format!("{{{{{name}}}}}"), value);
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_recorded_case_passes() {
    let cases: Value = serde_json::from_str(CASES).unwrap();
    let config = reference_app::config_from_env().unwrap();
    let (manager, blocklist) = reference_app::manager(config).unwrap();
    let addr = common::serve(reference_app::app(manager, blocklist)).await;

    let mut saved: HashMap<String, String> = HashMap::new();
    let mut failures = Vec::new();
    let all = cases["cases"].as_array().unwrap();
    for case in all {
        let request = &case["request"];
        let headers: Vec<(String, String)> = request["headers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| {
                (
                    h[0].as_str().unwrap().to_owned(),
                    substitute(h[1].as_str().unwrap(), &saved),
                )
            })
            .collect();
        let headers: Vec<(&str, &str)> = headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let path = substitute(request["path"].as_str().unwrap(), &saved);
        let body = request["body"].as_str().map(|b| substitute(b, &saved));
        let reply = common::send(
            addr,
            request["method"].as_str().unwrap(),
            &path,
            &headers,
            body.as_deref(),
        )
        .await;
        let payload: Value = if reply.body.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&reply.body).unwrap_or_else(
                |_| json!({ "<non-json body>": String::from_utf8_lossy(&reply.body) }),
            )
        };
        let set_cookies: Vec<String> = reply
            .headers
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap_or_default().to_owned())
            .collect();
        let seen = observe(reply.status, &payload, &set_cookies, &case["expect"]);
        if seen != case["expect"] {
            failures.push(format!(
                "{}:\n  expected {}\n  got      {seen}",
                case["name"], case["expect"]
            ));
        }
        for (var, field) in case["save"].as_object().into_iter().flatten() {
            let value = payload
                .get(field.as_str().unwrap_or_default())
                .and_then(Value::as_str)
                .map(str::to_owned)
                .unwrap_or_else(|| format!("missing-{var}"));
            saved.insert(var.clone(), value);
        }
    }
    println!(
        "{} passed, {} failed",
        all.len() - failures.len(),
        failures.len()
    );
    assert_eq!(all.len(), 112);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `DELETE /logout` capitalizes the token's `type` claim as Python's `str.capitalize()` does.
/// A `type` starting with a multi-byte character once panicked there (a byte slice cutting the
/// character), dropping the connection without an answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logout_capitalizes_any_type_claim() {
    let config = reference_app::config_from_env().unwrap();
    let (manager, blocklist) = reference_app::manager(config).unwrap();
    let addr = common::serve(reference_app::app(manager.clone(), blocklist)).await;
    // The twin's answers (`flask_twin.py`, Python's `capitalize`).
    for (kind, expected) in [
        ("éTAT", "État token revoked"),
        ("日本", "日本 token revoked"),
        ("ACCESS", "Access token revoked"),
        ("", " token revoked"),
    ] {
        let token = manager
            .access_token("test")
            .claim("type", kind)
            .create()
            .unwrap();
        let reply = common::send(
            addr,
            "DELETE",
            "/logout",
            &[("Authorization", &format!("Bearer {token}"))],
            None,
        )
        .await;
        assert_eq!(
            (reply.status, reply.json()),
            (200, json!({ "msg": expected })),
            "type {kind:?}"
        );
    }
}
