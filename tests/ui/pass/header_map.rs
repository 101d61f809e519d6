// Handlers taking a `HeaderMap`, by value and by reference, sync and async.
#![deny(warnings)]

use http::{HeaderMap, Response};
use jwt_extended::{get_jwt_identity, jwt_required};

#[jwt_required]
fn by_value(headers: HeaderMap) -> Response<String> {
    Response::new(format!(
        "{} headers, {:?}",
        headers.len(),
        get_jwt_identity()
    ))
}

#[jwt_required]
fn by_ref(headers: &HeaderMap) -> Response<String> {
    Response::new(format!("{} headers", headers.len()))
}

#[jwt_required]
async fn async_by_value(headers: http::HeaderMap) -> Response<String> {
    Response::new(format!("{} headers", headers.len()))
}

#[jwt_required]
async fn async_by_ref(headers: &HeaderMap) -> Response<String> {
    Response::new(format!("{} headers", headers.len()))
}

fn main() {
    let _ = by_value;
    let _ = by_ref;
    let _ = async_by_value;
    let _ = async_by_ref;
}
