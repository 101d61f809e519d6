//! Tokens in several places of a request: flask-jwt-extended's `JWT_TOKEN_LOCATION`, in Rust
//! on axum.
//!
//! This app accepts an access token from, in this order:
//!
//! | location | how the client sends it |
//! |---|---|
//! | `headers` | `Authorization: Bearer <token>` |
//! | `cookies` | the `access_token_cookie` cookie `/login` sets (plus `X-CSRF-TOKEN` on POST) |
//! | `query_string` | `?jwt=<token>` (URLs end up in logs: avoid where you can) |
//! | `json` | `{"access_token": "<token>"}` in an `application/json` body |
//!
//! The locations are tried in order. Only an *absent* token moves on to the next one; a token
//! that is there but wrong (malformed, bad signature, expired, or a cookie POST without its
//! CSRF header) is refused at once, even if a later location holds a good one. When no location
//! has a token, the message lists each one's reason:
//!
//! ```text
//! Missing JWT in headers, cookies, query_string or json (Missing Authorization Header; ...)
//! ```
//!
//! `get_jwt_request_location()` tells the handler where the token was found. A route can search
//! other locations than the configured ones with `#[jwt_required(locations = [...])]`.
//!
//! The JSON location needs the body before the handler runs, and a body can be read only once,
//! so a middleware reads JSON bodies into memory first with `jwt_extended::buffer_json_body`;
//! the handler can still read the body as usual.
//!
//! ```sh
//! JWT_SECRET_KEY=... cargo run --example multiple_locations   # 127.0.0.1:5000 (PORT overrides)
//! curl -H "Content-Type: application/json" -X POST \
//!   -d '{"username":"test","password":"test"}' http://localhost:5000/login
//! curl -H "Authorization: Bearer $ACCESS" http://localhost:5000/protected
//! curl "http://localhost:5000/protected?jwt=$ACCESS"
//! curl -H "Content-Type: application/json" -d "{\"access_token\":\"$ACCESS\",\"note\":\"hi\"}" \
//!   http://localhost:5000/protected
//! ```

use axum::extract::{Extension, Request};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use jwt_extended::{
    get_jwt_identity, get_jwt_request_location, jwt_required, ConfigError, CookieOptions,
    JwtManager, TokenLocation,
};
use serde::Deserialize;
use serde_json::{json, Value};

/// Used when `JWT_SECRET_KEY` is not set. Change this!
const DEVELOPMENT_SECRET: &str = "development-only-secret-change-me-0123456789";

/// The largest JSON body read into memory for the JSON location.
const JSON_BODY_LIMIT: usize = 64 * 1024;

/// The manager: all four locations, in flask-jwt-extended's order.
pub fn manager(secret: &str) -> Result<JwtManager, ConfigError> {
    JwtManager::builder()
        .secret_key(secret)
        .token_location(vec![
            TokenLocation::Headers,
            TokenLocation::Cookies,
            TokenLocation::QueryString,
            TokenLocation::Json,
        ])
        .with(|config| {
            // Cookies over plain http://: browsers drop `Secure` cookies there. Set it to true
            // when serving HTTPS.
            config.cookie_secure = false;
        })
        .build()
}

/// The routes; JSON bodies are buffered for the JSON location, and the manager travels in the
/// requests' extensions.
pub fn app(manager: JwtManager) -> Router {
    Router::new()
        .route("/login", post(login))
        .route("/protected", get(protected).post(protected))
        .route("/headers_only", get(headers_only))
        .route("/json_or_query", post(json_or_query))
        .layer(middleware::from_fn(buffer_json))
        .layer(Extension(manager))
}

/// Reads a JSON body into memory (up to [`JSON_BODY_LIMIT`]) so the JSON location and the
/// handler can both read it; other bodies pass untouched.
async fn buffer_json(req: Request, next: Next) -> Response {
    match jwt_extended::buffer_json_body(req, JSON_BODY_LIMIT).await {
        Ok(req) => next.run(req).await,
        Err(e) => (e.status(), Json(json!({ "msg": e.to_string() }))).into_response(),
    }
}

#[derive(Deserialize)]
struct Credentials {
    username: String,
    password: String,
}

/// The token in the body, for headers, the query string and JSON, and in cookies.
async fn login(
    Extension(manager): Extension<JwtManager>,
    Json(login): Json<Credentials>,
) -> Response {
    if login.username != "test" || login.password != "test" {
        return message(StatusCode::UNAUTHORIZED, "Bad username or password");
    }
    let token = match manager.create_access_token(&login.username) {
        Ok(token) => token,
        Err(e) => return manager.error_response(&e),
    };
    let mut response = Json(json!({ "access_token": token })).into_response();
    match manager.set_access_cookies(response.headers_mut(), &token, &CookieOptions::default()) {
        Ok(()) => response,
        Err(e) => manager.error_response(&e),
    }
}

/// Any of the four locations. Says where the token was found, and echoes the `note` of a JSON
/// body: the JSON location read the body, yet the handler can read it too.
#[jwt_required]
async fn protected(req: Request) -> Response {
    let location = get_jwt_request_location();
    let note = match axum::body::to_bytes(req.into_body(), JSON_BODY_LIMIT).await {
        Ok(bytes) => serde_json::from_slice::<Value>(&bytes)
            .ok()
            .and_then(|body| body.get("note").cloned()),
        Err(_) => None,
    };
    let mut body = json!({ "logged_in_as": get_jwt_identity(), "location": location });
    if let (Some(note), Some(object)) = (note, body.as_object_mut()) {
        object.insert("note".into(), note);
    }
    Json(body).into_response()
}

/// The header only, whatever the configuration says.
#[jwt_required(locations = [headers])]
async fn headers_only(req: Request) -> Response {
    Json(json!({ "logged_in_as": get_jwt_identity(), "location": get_jwt_request_location() }))
        .into_response()
}

/// The JSON body first, then the query string.
#[jwt_required(locations = [json, query_string])]
async fn json_or_query(req: Request) -> Response {
    Json(json!({ "logged_in_as": get_jwt_identity(), "location": get_jwt_request_location() }))
        .into_response()
}

fn message(status: StatusCode, msg: &str) -> Response {
    (status, Json(json!({ "msg": msg }))).into_response()
}

/// The secret from `JWT_SECRET_KEY`, or a development default with a warning.
fn secret_from_env() -> String {
    std::env::var("JWT_SECRET_KEY").unwrap_or_else(|_| {
        eprintln!(
            "warning: JWT_SECRET_KEY is not set; using a development secret. \
             Change this! Anyone who knows the secret can log in as any user."
        );
        DEVELOPMENT_SECRET.to_owned()
    })
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let manager = manager(&secret_from_env())?;
    let port: u16 = match std::env::var("PORT") {
        Ok(p) => p
            .parse()
            .map_err(|_| format!("PORT must be a port number, got {p:?}"))?,
        Err(_) => 5000,
    };
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    eprintln!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app(manager)).await?;
    Ok(())
}
