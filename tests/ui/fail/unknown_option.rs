use http::request::Parts;
use http::{HeaderMap, Request, Response};
use jwt_extended::jwt_required;

#[jwt_required(optinal)]
fn handler(headers: &HeaderMap, _extensions: &http::Extensions) -> Response<String> {
    Response::new(headers.len().to_string())
}

fn main() {
    let _ = handler;
    let _: Option<(&Parts, Request<()>)> = None;
}
