//! The header-location, token-structure, algorithm and claims cases of flask-jwt-extended's
//! recorded answers (`fixtures/cases.json`, from `flask_twin.py`), replayed over real HTTP
//! against a Rust app with the twin's routes and configuration.

mod common;

use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use jwt_extended::{get_jwt_identity, jwt_required, JwtManager, TokenLocation};
use serde_json::{json, Value};

const CASES: &str = include_str!("fixtures/cases.json");

/// Cases that need the twin's callbacks (blocklist, user lookup), which this app does not have.
const NEEDS_CALLBACKS: &[&str] = &[
    "pre-revoked jti",
    "unknown user on protected",
    "revoked after logout",
];

fn manager(secret: &str) -> JwtManager {
    JwtManager::builder()
        .secret_key(secret)
        .token_location(vec![
            TokenLocation::Headers,
            TokenLocation::Cookies,
            TokenLocation::QueryString,
            TokenLocation::Json,
        ])
        .build()
        .unwrap()
}

#[jwt_required]
async fn protected(req: Request) -> Response {
    Json(json!({ "logged_in_as": get_jwt_identity() })).into_response()
}

#[jwt_required(locations = [headers])]
async fn headers_only(req: Request) -> Response {
    Json(json!({ "logged_in_as": get_jwt_identity() })).into_response()
}

fn app(manager: JwtManager) -> Router {
    Router::new()
        .route("/protected", get(protected))
        .route("/headers-only", get(headers_only))
        .layer(axum::middleware::from_fn(
            move |mut req: Request, next: axum::middleware::Next| {
                req.extensions_mut().insert(manager.clone());
                next.run(req)
            },
        ))
}

fn selected(case: &Value) -> bool {
    let path = case["request"]["path"].as_str().unwrap_or_default();
    let name = case["name"].as_str().unwrap_or_default();
    let uses_saved = case["request"].to_string().contains("{{");
    (path.starts_with("/headers-only") || path.starts_with("/protected"))
        && !uses_saved
        && !NEEDS_CALLBACKS.contains(&name)
}

#[tokio::test]
async fn recorded_header_structure_alg_and_claims_cases_pass() {
    let cases: Value = serde_json::from_str(CASES).unwrap();
    let secret = cases["secret"].as_str().unwrap();
    let addr = common::serve(app(manager(secret))).await;

    let mut failures = Vec::new();
    let mut checked = 0;
    for case in cases["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| selected(c))
    {
        let request = &case["request"];
        let headers: Vec<(&str, &str)> = request["headers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| (h[0].as_str().unwrap(), h[1].as_str().unwrap()))
            .collect();
        let reply = common::send(
            addr,
            request["method"].as_str().unwrap(),
            request["path"].as_str().unwrap(),
            &headers,
            request["body"].as_str(),
        )
        .await;
        let expect = &case["expect"];
        let body = reply.json();
        let ok = reply.status == expect["status"].as_u64().unwrap() as u16
            && match (expect.get("json"), expect.get("msg_prefix")) {
                (Some(json), _) => &body == json,
                (None, Some(prefix)) => body["msg"]
                    .as_str()
                    .is_some_and(|m| m.starts_with(prefix.as_str().unwrap())),
                (None, None) => false,
            };
        checked += 1;
        if !ok {
            failures.push(format!(
                "{}: expected {expect}, got {} {body}",
                case["name"], reply.status
            ));
        }
    }
    println!(
        "{checked} recorded cases replayed, {} failed",
        failures.len()
    );
    assert!(checked >= 45, "only {checked} cases were selected");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
