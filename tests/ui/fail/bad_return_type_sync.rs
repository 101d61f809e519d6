use http::request::Parts;
use http::{HeaderMap, Request};
use jwt_extended::jwt_required;

#[jwt_required]
fn option(parts: &Parts) -> Option<String> {
    Some(parts.uri.to_string())
}

#[jwt_required]
fn unit(headers: HeaderMap) {
    let _ = headers;
}

fn main() {
    let _ = option;
    let _ = unit;
    let _: Option<Request<()>> = None;
}
