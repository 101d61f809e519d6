// Handlers taking the request in pieces: a `HeaderMap` with the `Extensions` (where the
// request's manager is) or a named manager, and optionally the `Method` and `Uri`; by value and
// by reference, sync and async.
#![deny(warnings)]

use http::{Extensions, HeaderMap, Method, Response, Uri};
use jwt_extended::{get_jwt_identity, jwt_required, JwtManager};

#[jwt_required]
fn by_value(headers: HeaderMap, extensions: Extensions) -> Response<String> {
    Response::new(format!(
        "{} headers, {} extensions, {:?}",
        headers.len(),
        extensions.len(),
        get_jwt_identity()
    ))
}

#[jwt_required]
fn by_ref(headers: &HeaderMap, extensions: &Extensions) -> Response<String> {
    Response::new(format!("{} {}", headers.len(), extensions.len()))
}

#[jwt_required(locations = [headers, cookies, query_string, json])]
async fn all_pieces(method: Method, uri: &Uri, headers: http::HeaderMap, extensions: Extensions) -> Response<String> {
    Response::new(format!("{method} {uri} {} {}", headers.len(), extensions.len()))
}

#[jwt_required(manager = JwtManager::default_manager().expect("installed"))]
async fn named_manager(headers: &HeaderMap) -> Response<String> {
    Response::new(format!("{} headers", headers.len()))
}

fn main() {
    let _ = by_value;
    let _ = by_ref;
    let _ = all_pieces;
    let _ = named_manager;
}
