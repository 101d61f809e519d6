// A generic handler: the request's body type is a type parameter.
#![deny(warnings)]

use jwt_extended::{get_jwt_identity, jwt_required};

#[jwt_required]
async fn h<B: Send + 'static>(req: http::Request<B>) -> http::Response<String> {
    let (parts, _body) = req.into_parts();
    http::Response::new(format!("{} {:?}", parts.uri, get_jwt_identity()))
}

/// Generic in the body and the response body, with a `where` clause, sync.
#[jwt_required]
fn sync_generic<B, R>(req: &http::Request<B>) -> http::Response<R>
where
    R: From<String>,
{
    http::Response::new(R::from(req.uri().to_string()))
}

fn assert_send<T: Send>(_: &T) {}

fn main() {
    let future = h(http::Request::new(bytes::Bytes::new()));
    assert_send(&future);
    drop(future);
    let _ = sync_generic::<(), String>;
}
