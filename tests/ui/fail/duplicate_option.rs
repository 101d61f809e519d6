use http::request::Parts;
use http::{HeaderMap, Request, Response};
use jwt_extended::jwt_required;

#[jwt_required(optional, fresh, optional = false)]
fn handler(parts: &Parts) -> Response<String> {
    Response::new(parts.uri.to_string())
}

fn main() {
    let _ = handler;
    let _: Option<(HeaderMap, Request<()>)> = None;
}
