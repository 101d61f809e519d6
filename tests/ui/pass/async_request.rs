// An async handler taking axum's `Request` (= `http::Request<axum::body::Body>`).
#![deny(warnings)]

use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use jwt_extended::{get_jwt_identity, jwt_required};

#[jwt_required]
async fn protected(req: Request) -> Response {
    let who = get_jwt_identity().map(|id| id.to_string());
    let path = req.uri().path().to_owned();
    format!("{path}: {who:?}").into_response()
}

/// A fully qualified request type, and `mut` on the parameter.
#[jwt_required]
pub async fn qualified(mut req: http::Request<axum::body::Body>) -> axum::response::Response {
    req.headers_mut().remove("x-drop");
    axum::response::IntoResponse::into_response("ok")
}

fn main() {
    let _ = protected;
    let _ = qualified;
}
