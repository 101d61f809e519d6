//! `examples/custom_claims_and_user_lookup.rs` over real HTTP.

mod common;

#[allow(dead_code)]
#[path = "../examples/custom_claims_and_user_lookup.rs"]
mod custom_claims_and_user_lookup;

use std::net::SocketAddr;

use custom_claims_and_user_lookup::{User, Users};
use jwt_extended::JwtManager;
use serde_json::{json, Value};

const SECRET: &str = "custom-claims-test-secret-0123456789abcdef";

async fn start() -> (SocketAddr, JwtManager, Users) {
    let users = Users::sample();
    let manager = custom_claims_and_user_lookup::manager(SECRET, users.clone()).unwrap();
    let addr = common::serve(custom_claims_and_user_lookup::app(
        manager.clone(),
        users.clone(),
    ))
    .await;
    (addr, manager, users)
}

async fn login(addr: SocketAddr, username: &str, password: &str) -> (u16, Value) {
    let body = json!({ "username": username, "password": password }).to_string();
    let reply = common::post_json(addr, "/login", &body).await;
    (reply.status, reply.json())
}

async fn token_for(addr: SocketAddr, username: &str) -> String {
    let (status, body) = login(addr, username, username).await;
    assert_eq!(status, 200, "{body}");
    body["access_token"].as_str().unwrap().to_owned()
}

async fn get(addr: SocketAddr, path: &str, token: &str) -> (u16, Value) {
    let bearer = format!("Bearer {token}");
    let reply = common::send(addr, "GET", path, &[("Authorization", &bearer)], None).await;
    (reply.status, reply.json())
}

#[tokio::test]
async fn the_token_carries_the_user_id_and_roles() {
    let (addr, manager, _) = start().await;
    let token = token_for(addr, "admin").await;
    let claims = manager.decode_token(&token, false).unwrap().claims;
    // user_identity_loader: the User became its id, as a string.
    assert_eq!(claims.get("sub"), Some(&json!("2")));
    // additional_claims_loader: the roles.
    assert_eq!(claims.get("roles"), Some(&json!(["user", "admin"])));
    // Nothing else of the user leaks into the token.
    let mut names: Vec<&str> = claims.members().keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        ["csrf", "exp", "fresh", "iat", "jti", "nbf", "roles", "sub", "type"]
    );

    assert_eq!(
        login(addr, "test", "admin").await,
        (401, json!({"msg": "Bad username or password"}))
    );
}

#[tokio::test]
async fn the_handler_sees_the_loaded_user_and_the_claims() {
    let (addr, _, _) = start().await;
    let token = token_for(addr, "test").await;
    assert_eq!(
        get(addr, "/who_am_i", &token).await,
        (
            200,
            json!({"id": 1, "username": "test", "full_name": "Test User", "roles": ["user"]})
        )
    );
    let admin = token_for(addr, "admin").await;
    assert_eq!(
        get(addr, "/who_am_i", &admin).await,
        (
            200,
            json!({"id": 2, "username": "admin", "full_name": "Ada Admin", "roles": ["user", "admin"]})
        )
    );
}

#[tokio::test]
async fn the_roles_claim_authorizes_the_admin_route() {
    let (addr, _, _) = start().await;
    let test = token_for(addr, "test").await;
    assert_eq!(
        get(addr, "/admin", &test).await,
        (403, json!({"msg": "Admins only!"}))
    );
    let admin = token_for(addr, "admin").await;
    assert_eq!(
        get(addr, "/admin", &admin).await,
        (200, json!({"msg": "Welcome, Ada Admin"}))
    );
}

#[tokio::test]
async fn an_unknown_user_is_refused() {
    let (addr, manager, users) = start().await;

    // A valid token for a user id that is not in the table.
    let ghost = User {
        id: 42,
        username: "ghost".into(),
        full_name: "Nobody".into(),
        roles: vec!["admin".into()],
    };
    let token = manager.create_access_token(&ghost).unwrap();
    let refused = (401, json!({"msg": "Error loading the user 42"}));
    assert_eq!(get(addr, "/who_am_i", &token).await, refused);
    // The lookup runs before every protected handler, the admin one too.
    assert_eq!(get(addr, "/admin", &token).await, refused);

    // A user deleted after logging in: their token is refused from then on.
    let token = token_for(addr, "test").await;
    assert_eq!(get(addr, "/who_am_i", &token).await.0, 200);
    users.remove(1);
    assert_eq!(
        get(addr, "/who_am_i", &token).await,
        (401, json!({"msg": "Error loading the user 1"}))
    );

    // An identity that is not an id at all.
    let token = manager.create_access_token("not-a-number").unwrap();
    assert_eq!(
        get(addr, "/who_am_i", &token).await,
        (401, json!({"msg": "Error loading the user not-a-number"}))
    );
}
