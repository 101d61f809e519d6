// A synchronous handler taking `&http::request::Parts`.
#![deny(warnings)]

use http::request::Parts;
use http::Response;
use jwt_extended::{get_jwt, get_jwt_identity, jwt_required};

#[jwt_required]
fn protected(parts: &Parts) -> Response<String> {
    let who = get_jwt_identity();
    let jti = get_jwt().and_then(|jwt| jwt.jti().map(str::to_owned));
    Response::new(format!("{} {who:?} {jti:?}", parts.uri))
}

/// `Parts` by value, under its full path.
#[jwt_required]
fn by_value(parts: http::request::Parts) -> Response<String> {
    Response::new(parts.method.to_string())
}

fn main() {
    let _ = protected;
    let _ = by_value;
}
