// A `HeaderMap` alone cannot show the request's manager (in its extensions): a compile error,
// not a silent fall back to the process default.
use http::{HeaderMap, Response};
use jwt_extended::jwt_required;

#[jwt_required]
async fn transfer(headers: HeaderMap) -> Response<String> {
    Response::new(headers.len().to_string())
}

fn main() {
    let _ = transfer;
}
