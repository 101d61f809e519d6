// Every option of the attribute, alone and together.
#![deny(warnings)]

use std::sync::OnceLock;

use http::request::Parts;
use http::{Extensions, HeaderMap, Request, Response};
use jwt_extended::{get_jwt_identity, jwt_required, JwtManager};

type Reply = Response<String>;

fn reply() -> Reply {
    Response::new(format!("{:?}", get_jwt_identity()))
}

fn manager() -> JwtManager {
    JwtManager::builder()
        .secret_key("a-secret-key-for-compile-tests-0123456789")
        .build()
        .unwrap()
}

static SHARED: OnceLock<JwtManager> = OnceLock::new();

fn shared() -> &'static JwtManager {
    SHARED.get_or_init(manager)
}

#[jwt_required(optional)]
fn optional(headers: &HeaderMap, extensions: &Extensions) -> Reply {
    let _ = (headers, extensions);
    reply()
}

#[jwt_required(fresh)]
async fn fresh(req: Request<()>) -> Reply {
    let _ = req;
    reply()
}

#[jwt_required(refresh)]
async fn refresh(req: Request<()>) -> Reply {
    let _ = req;
    reply()
}

#[jwt_required(verify_type = false)]
fn any_type(parts: &Parts) -> Reply {
    let _ = parts;
    reply()
}

#[jwt_required(skip_revocation_check)]
fn no_blocklist(parts: &Parts) -> Reply {
    let _ = parts;
    reply()
}

#[jwt_required(locations = [headers, cookies, query_string, json])]
fn everywhere(parts: &Parts) -> Reply {
    let _ = parts;
    reply()
}

#[jwt_required(locations = ["headers"])]
fn headers_only(parts: &Parts) -> Reply {
    let _ = parts;
    reply()
}

#[jwt_required(locations = cookies)]
fn one_location(parts: &Parts) -> Reply {
    let _ = parts;
    reply()
}

/// Two request-like parameters: `request` picks one.
#[jwt_required(request = req)]
async fn named(req: Request<()>, other: &Parts) -> Reply {
    let _ = (req, other);
    reply()
}

#[jwt_required(request = other, manager = shared())]
fn named_second(req: &Request<()>, other: HeaderMap) -> Reply {
    let _ = (req, other);
    reply()
}

/// `request` can name a parameter whose type is not recognised as a request.
#[jwt_required(request = head)]
fn named_head(head: jwt_extended::RequestHead<'_>) -> Reply {
    let _ = head;
    reply()
}

#[jwt_required(manager = manager())]
async fn owned_manager(req: Request<()>) -> Reply {
    let _ = req;
    reply()
}

#[jwt_required(manager = shared())]
fn borrowed_manager(headers: &HeaderMap) -> Reply {
    let _ = headers;
    reply()
}

#[jwt_required(crate = "jwt_extended")]
fn crate_path(headers: &HeaderMap, extensions: Extensions) -> Reply {
    let _ = (headers, extensions);
    reply()
}

#[jwt_required(crate = "::jwt_extended::jwt_http")]
fn inner_crate_path(headers: &HeaderMap, extensions: Extensions) -> Reply {
    let _ = (headers, extensions);
    reply()
}

#[jwt_required(
    optional = true,
    fresh = false,
    refresh = true,
    verify_type = true,
    skip_revocation_check = false,
    locations = ["cookies", json, "query_string", headers],
    request = req,
    manager = shared().clone(),
    crate = "jwt_extended",
)]
async fn all_together(headers: HeaderMap, req: Request<()>) -> Reply {
    let _ = (headers, req);
    reply()
}

fn assert_send<T: Send>(_: &T) {}

fn main() {
    let _ = (
        optional,
        any_type,
        no_blocklist,
        everywhere,
        headers_only,
        one_location,
    );
    let _ = (
        named_second,
        named_head,
        borrowed_manager,
        crate_path,
        inner_crate_path,
    );
    let (other, ()) = Request::new(()).into_parts();
    let futures = (
        fresh(Request::new(())),
        refresh(Request::new(())),
        named(Request::new(()), &other),
        owned_manager(Request::new(())),
        all_together(HeaderMap::new(), Request::new(())),
    );
    assert_send(&futures);
}
