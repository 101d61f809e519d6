// Any return type works: `Response` and `Result<_, E: From<JwtError>>` carry the refusal
// themselves, anything else (impl IntoResponse, Json, tuples, String, ()) is wrapped in
// `Guarded<T>`, which axum accepts as a response.
#![deny(warnings)]

use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse};
use axum::routing::{get, post};
use axum::{Json, Router};
use jwt_extended::{create_access_token, get_jwt_identity, jwt_required, Guarded, JwtError};
use serde_json::{json, Value};

#[jwt_required]
async fn opaque(req: Request) -> impl IntoResponse {
    let _ = req;
    Json(json!({ "who": get_jwt_identity() }))
}

#[jwt_required]
async fn json(req: Request) -> Json<Value> {
    if req.uri().path().is_empty() {
        return Json(json!(null));
    }
    Json(json!({ "who": get_jwt_identity() }))
}

#[jwt_required]
async fn tuple(Path(id): Path<u32>, req: Request) -> (StatusCode, Json<Value>) {
    let _ = req;
    (StatusCode::CREATED, Json(json!({ "id": id })))
}

#[jwt_required]
async fn result(req: Request) -> Result<Json<Value>, JwtError> {
    let _ = req;
    let token = create_access_token("someone")?;
    Ok(Json(json!({ "token": token })))
}

#[jwt_required]
fn sync_html(req: Request) -> Html<String> {
    let Some(who) = get_jwt_identity() else {
        return Html(String::new());
    };
    let _ = req;
    Html(format!("<p>{who}</p>"))
}

#[jwt_required]
fn sync_unit(req: Request) {
    let _ = req;
}

#[jwt_required]
fn sync_question_mark(req: Request) -> (StatusCode, String) {
    let parse = || -> Result<u32, std::num::ParseIntError> { req.uri().path().trim_matches('/').parse() };
    match parse() {
        Ok(n) => (StatusCode::OK, n.to_string()),
        Err(e) => (StatusCode::BAD_REQUEST, e.to_string()),
    }
}

#[jwt_required]
async fn with_state(State(n): State<u32>, req: Request) -> String {
    let _ = req;
    n.to_string()
}

fn main() {
    let _app: Router = Router::new()
        .route("/opaque", get(opaque))
        .route("/json", get(json))
        .route("/tuple/{id}", post(tuple))
        .route("/result", get(result))
        .route("/state", get(with_state))
        .with_state(7);
    // The wrapped type shows outside axum too.
    let outcome: Guarded<()> = sync_unit(Request::new(axum::body::Body::empty()));
    assert!(outcome.refusal().is_some());
    let _ = (sync_html, sync_question_mark);
}
