//! The app the key tests drive (`tests/asymmetric_manager.rs`, `tests/key_rotation.rs`): the
//! two shapes users protect routes with — `#[jwt_required]` on a handler and the `JwtIdentity`
//! extractor — and a `/login` that creates a token with the request's manager.

use axum::body::Body;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Json, Router};
use http_body_util::BodyExt;
use jwt_extended::extractors::JwtIdentity;
use jwt_extended::{get_jwt_header, get_jwt_identity, jwt_required, JwtError, JwtManager};
use serde_json::{json, Value};
use tower::ServiceExt;

/// The identity and the `kid` of the verified token.
#[jwt_required]
async fn protected(req: Request) -> Response {
    let _ = req;
    let kid = get_jwt_header().and_then(|h| h.kid().map(str::to_owned));
    Json(json!({ "logged_in_as": get_jwt_identity(), "kid": kid })).into_response()
}

async fn extracted(user: JwtIdentity<String>) -> Json<Value> {
    Json(json!({ "logged_in_as": *user }))
}

async fn login(Extension(manager): Extension<JwtManager>) -> Result<String, JwtError> {
    manager.create_access_token("alice")
}

/// `/protected` (attribute), `/extracted` (extractor) and `/login`, with `manager`.
pub fn app(manager: &JwtManager) -> Router {
    Router::new()
        .route("/protected", get(protected))
        .route("/extracted", get(extracted))
        .route("/login", get(login))
        .layer(Extension(manager.clone()))
}

/// Status and body (JSON, else the text as a JSON string) of `GET path` with the bearer token.
pub async fn get_with(app: &Router, path: &str, token: Option<&str>) -> (StatusCode, Value) {
    let mut request = Request::get(path);
    if let Some(token) = token {
        request = request.header("Authorization", format!("Bearer {token}"));
    }
    let response = app
        .clone()
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let body = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
    (status, body)
}
