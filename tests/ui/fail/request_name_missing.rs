use http::request::Parts;
use http::{HeaderMap, Request, Response};
use jwt_extended::jwt_required;

#[jwt_required(request = missing_name)]
fn handler(req: &Request<()>, parts: &Parts) -> Response<String> {
    Response::new(format!("{} {}", req.uri(), parts.uri))
}

fn main() {
    let _ = handler;
    let _: Option<HeaderMap> = None;
}
