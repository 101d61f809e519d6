use http::request::Parts;
use http::{HeaderMap, Request, Response};
use jwt_extended::jwt_required;

#[jwt_required]
async fn handler(req: Request<()>) -> u32 {
    req.headers().len() as u32
}

fn main() {
    let _ = handler;
    let _: Option<(HeaderMap, &Parts, Response<()>)> = None;
}
