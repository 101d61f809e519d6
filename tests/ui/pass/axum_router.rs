// Wrapped async handlers are still axum handlers: same signature, `Send` future.
#![deny(warnings)]

use axum::extract::{Request, State};
use axum::http::{Extensions, HeaderMap, Method, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use jwt_extended::{get_jwt_identity, jwt_required, propagate};

#[jwt_required]
async fn protected(req: Request) -> Response {
    // Held across awaits, including a spawned task's join.
    let before = get_jwt_identity();
    tokio::task::yield_now().await;
    let spawned = tokio::spawn(propagate(async { get_jwt_identity() }))
        .await
        .ok()
        .flatten();
    let _ = req;
    Json(serde_json::json!({ "before": before, "spawned": spawned })).into_response()
}

#[derive(Clone)]
struct AppState {
    greeting: &'static str,
}

#[jwt_required(locations = [headers, json])]
async fn with_extractors(
    State(state): State<AppState>,
    headers: HeaderMap,
    extensions: Extensions,
    body: String,
) -> Response {
    let _ = extensions;
    format!("{} {} {body}", state.greeting, headers.len()).into_response()
}

#[jwt_required(optional)]
async fn result_handler(
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    extensions: Extensions,
) -> Result<String, Response> {
    let _ = (method, uri, headers, extensions);
    Ok(format!("{:?}", get_jwt_identity()))
}

fn main() {
    let _app: Router = Router::new()
        .route("/protected", get(protected))
        .route("/extractors", post(with_extractors))
        .route("/result", get(result_handler))
        .with_state(AppState { greeting: "hi" });
}
