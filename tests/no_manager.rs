//! Forgetting the manager (issue 11, item 11): the client gets a generic 500, the developer
//! message goes to the log. Its own test binary: no default manager is ever installed here.

mod common;

use axum::routing::get;
use axum::Router;
use common::{send, serve};
use jwt_extended::{get_jwt_identity, jwt_required};

#[jwt_required]
async fn protected(req: axum::extract::Request) -> String {
    let _ = req;
    format!("{:?}", get_jwt_identity())
}

#[tokio::test]
async fn no_manager_answers_a_generic_500() {
    let addr = serve(Router::new().route("/", get(protected))).await;
    let reply = send(addr, "GET", "/", &[("Authorization", "Bearer x.y.z")], None).await;
    assert_eq!(reply.status, 500);
    assert_eq!(reply.body, b"{\"msg\":\"Internal Server Error\"}\n");
    let text = String::from_utf8_lossy(&reply.body);
    assert!(!text.contains("JwtManager"), "{text}");
}
