use http::request::Parts;
use http::{HeaderMap, Request, Response};
use jwt_extended::jwt_required;

#[jwt_required(crate = "no_such_crate")]
async fn handler(req: Request<()>) -> Response<String> {
    Response::new(req.uri().to_string())
}

fn main() {
    let _ = handler;
    let _: Option<(HeaderMap, &Parts)> = None;
}
