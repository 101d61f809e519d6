use http::request::Parts;
use http::{Request, Response};
use jwt_extended::jwt_required;

#[jwt_required]
async fn handler(req: Request<()>, other: &Request<String>) -> Response<String> {
    Response::new(format!("{} {}", req.uri(), other.uri()))
}

fn main() {
    let _ = handler;
    let _: Option<&Parts> = None;
}
