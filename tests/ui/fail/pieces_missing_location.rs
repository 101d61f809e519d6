// Locations the parameters cannot show are compile errors: the query string without the `Uri`,
// the JSON body without the `Extensions` (where the buffered body is).
use http::{Extensions, HeaderMap, Response};
use jwt_extended::{jwt_required, JwtManager};

#[jwt_required(locations = [headers, query_string])]
async fn no_uri(headers: HeaderMap, extensions: Extensions) -> Response<String> {
    Response::new(format!("{} {}", headers.len(), extensions.len()))
}

#[jwt_required(locations = [json, query_string], manager = JwtManager::default_manager().unwrap())]
fn no_extensions(headers: &HeaderMap) -> Response<String> {
    Response::new(headers.len().to_string())
}

fn main() {
    let _ = (no_uri, no_extensions);
}
