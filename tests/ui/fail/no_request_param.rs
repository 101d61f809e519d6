use http::request::Parts;
use http::{HeaderMap, Request, Response};
use jwt_extended::jwt_required;

#[jwt_required]
async fn handler(id: u32, name: String) -> Response<String> {
    Response::new(format!("{id} {name}"))
}

fn main() {
    let _ = handler;
    let _: Option<(&Parts, Request<()>, HeaderMap)> = None;
}
