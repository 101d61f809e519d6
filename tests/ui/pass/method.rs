// Methods with `&self` (and `self`) in an impl block, sync and async; the manager taken from
// `self`.
#![deny(warnings)]

use http::request::Parts;
use http::{HeaderMap, Request, Response};
use jwt_extended::{get_jwt_identity, jwt_required, JwtManager};

struct Api {
    prefix: String,
    manager: JwtManager,
}

impl Api {
    #[jwt_required]
    fn sync_method(&self, parts: &Parts) -> Response<String> {
        Response::new(format!(
            "{}{} {:?}",
            self.prefix,
            parts.uri,
            get_jwt_identity()
        ))
    }

    #[jwt_required]
    async fn async_method(&self, req: Request<()>) -> Response<String> {
        tokio::task::yield_now().await;
        Response::new(format!("{}{}", self.prefix, req.uri()))
    }

    #[jwt_required(manager = self.manager)]
    async fn own_manager(&self, headers: &HeaderMap) -> Response<String> {
        Response::new(format!("{}{}", self.prefix, headers.len()))
    }

    #[jwt_required(manager = self.manager.clone())]
    fn consuming(self, headers: HeaderMap) -> Response<String> {
        Response::new(format!("{}{}", self.prefix, headers.len()))
    }
}

fn assert_send<T: Send>(_: &T) {}

fn main() {
    let _ = Api::sync_method;
    let _ = Api::consuming;
    // The futures are created, never polled: only their types are checked.
    let api = Api {
        prefix: String::new(),
        manager: JwtManager::builder()
            .secret_key("a-secret-key-for-compile-tests-0123456789")
            .build()
            .unwrap(),
    };
    let headers = HeaderMap::new();
    let future = api.async_method(Request::new(()));
    assert_send(&future);
    drop(future);
    let future = api.own_manager(&headers);
    assert_send(&future);
    drop(future);
}
