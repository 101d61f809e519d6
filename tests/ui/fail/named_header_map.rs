// Naming a `HeaderMap` with `request = ...` does not lift the rule for headers alone: without
// `Extensions` the request's manager is unknown, a compile error.
use http::{HeaderMap, Response};
use jwt_extended::jwt_required;

#[jwt_required(request = headers)]
async fn transfer(headers: HeaderMap, other: HeaderMap) -> Response<String> {
    Response::new(format!("{} {}", headers.len(), other.len()))
}

fn main() {
    let _ = transfer;
}
