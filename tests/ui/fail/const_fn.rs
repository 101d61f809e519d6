use http::request::Parts;
use http::{HeaderMap, Request, Response};
use jwt_extended::jwt_required;

#[jwt_required]
const fn handler(headers: &HeaderMap, _extensions: &http::Extensions) -> usize {
    let _ = headers;
    0
}

fn main() {
    let _ = handler;
    let _: Option<(&Parts, Request<()>, Response<()>)> = None;
}
