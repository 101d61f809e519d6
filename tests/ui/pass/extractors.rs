// The attribute on handlers taking a verified-token extractor: nothing is verified again, the
// extractor's context is entered so the accessors work, and the return type is kept.
#![deny(warnings)]

use axum::routing::get;
use axum::{Json, Router};
use jwt_extended::extractors::{FreshToken, JwtClaims, JwtIdentity, JwtToken};
use jwt_extended::{get_jwt_identity, jwt_required, Jwt};
use serde_json::{json, Value};

#[jwt_required]
async fn identity(user: JwtIdentity<String>, Json(body): Json<Value>) -> Json<Value> {
    Json(json!({ "user": *user, "same": get_jwt_identity().is_some(), "body": body }))
}

#[jwt_required]
async fn optional(user: Option<JwtIdentity<String>>) -> Json<Value> {
    Json(json!({ "user": user.map(|u| u.into_inner()), "seen": get_jwt_identity() }))
}

#[derive(serde::Deserialize)]
struct MyClaims {
    sub: String,
}

#[jwt_required]
fn sync_claims(claims: JwtClaims<MyClaims, FreshToken>) -> String {
    format!("{:?} {:?}", claims.sub, get_jwt_identity())
}

// Several extractors: the context of the one that must hold a token is entered.
#[jwt_required]
async fn token(maybe: Option<JwtIdentity<String>>, token: JwtToken, jwt: Jwt) -> String {
    let _ = maybe;
    format!("{:?} {:?}", token.claims().sub(), jwt.sub())
}

fn main() {
    let _app: Router = Router::new()
        .route("/identity", get(identity))
        .route("/optional", get(optional))
        .route("/token", get(token));
    let _ = sync_claims;
}

// `Jwt` alone: its context is entered.
#[jwt_required]
async fn plain(jwt: Jwt) -> String {
    format!("{:?} {:?}", jwt.sub(), get_jwt_identity())
}

#[allow(dead_code)]
fn routes() -> Router {
    Router::new().route("/plain", get(plain))
}
