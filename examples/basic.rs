//! The seed: flask-jwt-extended's "Basic Usage" page, in Rust on axum.
//!
//! ```sh
//! cargo run --example basic            # listens on 127.0.0.1:5000 (PORT overrides)
//! curl http://localhost:5000/protected
//! curl -H "Content-Type: application/json" -X POST \
//!   -d '{"username":"test","password":"test"}' http://localhost:5000/login
//! curl -H "Authorization: Bearer $ACCESS" http://localhost:5000/protected
//! ```

use axum::body::Bytes;
use axum::extract::Request;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use jwt_extended::{create_access_token, get_jwt_identity, jwt_required, JwtManager};
use serde_json::{json, Value};

/// Used when `JWT_SECRET_KEY` is not set. Change this!
const DEVELOPMENT_SECRET: &str = "development-only-secret-change-me-0123456789";

/// The seed's routes.
pub fn app() -> Router {
    Router::new()
        .route("/login", post(login))
        .route("/protected", get(protected))
}

/// Provides a method to create access tokens. `create_access_token` makes the token; it is
/// returned to the caller however you choose.
async fn login(headers: HeaderMap, body: Bytes) -> Response {
    if !jwt_extended::is_json(&headers) {
        return message(StatusCode::BAD_REQUEST, "Missing JSON in request");
    }
    let Ok(Value::Object(body)) = serde_json::from_slice::<Value>(&body) else {
        return message(StatusCode::BAD_REQUEST, "Missing JSON in request");
    };
    let field = |name: &str| {
        body.get(name)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };
    let Some(username) = field("username") else {
        return message(StatusCode::BAD_REQUEST, "Missing username parameter");
    };
    let Some(password) = field("password") else {
        return message(StatusCode::BAD_REQUEST, "Missing password parameter");
    };
    if username != "test" || password != "test" {
        return message(StatusCode::UNAUTHORIZED, "Bad username or password");
    }
    // Identity can be any data that is JSON serializable.
    match create_access_token(username) {
        Ok(access_token) => (
            StatusCode::OK,
            Json(json!({ "access_token": access_token })),
        )
            .into_response(),
        Err(e) => e.into(),
    }
}

/// Protects a view with `jwt_required`, which requires a valid access token in the request.
#[jwt_required]
async fn protected(req: Request) -> Response {
    // Access the identity of the current user with get_jwt_identity.
    let current_user = get_jwt_identity();
    (
        StatusCode::OK,
        Json(json!({ "logged_in_as": current_user })),
    )
        .into_response()
}

fn message(status: StatusCode, msg: &str) -> Response {
    (status, Json(json!({ "msg": msg }))).into_response()
}

/// Installs the manager: the secret from `JWT_SECRET_KEY`, or a development default with a
/// warning.
pub fn install_manager() -> Result<(), Box<dyn std::error::Error>> {
    JwtManager::builder()
        .secret_key(secret())
        .build()?
        .install_default();
    Ok(())
}

/// `JWT_SECRET_KEY`, or the development secret with a warning.
pub fn secret() -> String {
    match std::env::var("JWT_SECRET_KEY") {
        Ok(secret) => secret,
        Err(_) => {
            eprintln!(
                "warning: JWT_SECRET_KEY is not set; using a development secret. \
                 Change this! Anyone who knows the secret can log in as any user."
            );
            DEVELOPMENT_SECRET.to_owned()
        }
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    install_manager()?;
    let port: u16 = match std::env::var("PORT") {
        Ok(p) => p
            .parse()
            .map_err(|_| format!("PORT must be a port number, got {p:?}"))?,
        Err(_) => 5000,
    };
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    eprintln!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app()).await?;
    Ok(())
}
