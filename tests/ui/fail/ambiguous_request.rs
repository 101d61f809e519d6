use http::request::Parts;
use http::{HeaderMap, Request, Response};
use jwt_extended::jwt_required;

#[jwt_required]
async fn handler(req: Request<()>, headers: &HeaderMap) -> Response<String> {
    Response::new(format!("{} {}", req.uri(), headers.len()))
}

fn main() {
    let _ = handler;
    let _: Option<&Parts> = None;
}
