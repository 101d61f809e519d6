// A `Response` whose body cannot be made from the refusal's JSON text.
use http::request::Parts;
use http::Response;
use jwt_extended::jwt_required;

/// A body type with no `From<String>` (nor any other `From`), so the error lists no impls,
/// whatever other crates of the build add to the standard types.
pub struct Count(pub usize);

#[jwt_required]
fn handler(parts: &Parts) -> Response<Count> {
    Response::new(Count(parts.headers.len()))
}

fn main() {
    let _ = handler;
}
