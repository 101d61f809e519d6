// A `Result` whose error type cannot hold a refusal.
use http::{Request, StatusCode};
use jwt_extended::jwt_required;

#[jwt_required]
async fn handler(req: Request<()>) -> Result<String, StatusCode> {
    Ok(req.uri().to_string())
}

fn main() {
    let _ = handler;
}
