//! The seed app (flask-jwt-extended's "Basic Usage" page, `examples/basic.rs`) on bare hyper 1.x,
//! with no web framework: `#[jwt_required]` works on any handler that takes an
//! `http::Request` and returns an `http::Response` whose body can be made from a `String`.
//!
//! Same routes and answers as the axum version:
//!
//! ```sh
//! cargo run --example hyper_basic            # listens on 127.0.0.1:5000 (PORT overrides)
//! curl http://localhost:5000/protected
//! curl -H "Content-Type: application/json" -X POST \
//!   -d '{"username":"test","password":"test"}' http://localhost:5000/login
//! curl -H "Authorization: Bearer $ACCESS" http://localhost:5000/protected
//! ```

use std::convert::Infallible;

use bytes::Bytes;
use http::header::{HeaderValue, CONTENT_TYPE};
use http::{Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use jwt_extended::{create_access_token, get_jwt_identity, jwt_required, JwtManager};
use serde_json::{json, Value};

/// Used when `JWT_SECRET_KEY` is not set. Change this!
const DEVELOPMENT_SECRET: &str = "development-only-secret-change-me-0123456789";

/// The largest login body read.
const BODY_LIMIT: usize = 64 * 1024;

/// Serves the app on `listener`, one task per connection, until accepting fails.
pub async fn serve(listener: tokio::net::TcpListener) -> std::io::Result<()> {
    loop {
        let (stream, _peer) = listener.accept().await?;
        tokio::spawn(async move {
            let connection =
                http1::Builder::new().serve_connection(TokioIo::new(stream), service_fn(route));
            if let Err(e) = connection.await {
                eprintln!("connection error: {e}");
            }
        });
    }
}

/// The router: a `match` on method and path.
async fn route(req: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let response = match (req.method(), req.uri().path()) {
        (&Method::POST, "/login") => login(req).await,
        (&Method::GET, "/protected") => protected(&req).await,
        _ => message(StatusCode::NOT_FOUND, "Not Found"),
    };
    Ok(response)
}

/// Provides a method to create access tokens. `create_access_token` makes the token; it is
/// returned to the caller however you choose.
async fn login(req: Request<Incoming>) -> Response<Full<Bytes>> {
    if !jwt_extended::is_json(req.headers()) {
        return message(StatusCode::BAD_REQUEST, "Missing JSON in request");
    }
    let body = match Limited::new(req.into_body(), BODY_LIMIT).collect().await {
        Ok(body) => body.to_bytes(),
        Err(_) => return message(StatusCode::BAD_REQUEST, "Missing JSON in request"),
    };
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
        Ok(access_token) => json_response(StatusCode::OK, &json!({ "access_token": access_token })),
        // A token could not be made (a server problem): its 500 response.
        Err(e) => e.into(),
    }
}

/// Protects a view with `jwt_required`, which requires a valid access token in the request.
/// A refused request gets the manager's error response as a `Response<Full<Bytes>>`.
#[jwt_required]
async fn protected(req: &Request<Incoming>) -> Response<Full<Bytes>> {
    // Access the identity of the current user with get_jwt_identity.
    let current_user = get_jwt_identity();
    json_response(StatusCode::OK, &json!({ "logged_in_as": current_user }))
}

fn json_response(status: StatusCode, body: &Value) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body.to_string())));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

fn message(status: StatusCode, msg: &str) -> Response<Full<Bytes>> {
    json_response(status, &json!({ "msg": msg }))
}

/// Installs the manager as the process-wide default, where `#[jwt_required]` and
/// `create_access_token` find it: the secret from `JWT_SECRET_KEY`, or a development default
/// with a warning.
pub fn install_manager() -> Result<(), Box<dyn std::error::Error>> {
    let secret = match std::env::var("JWT_SECRET_KEY") {
        Ok(secret) => secret,
        Err(_) => {
            eprintln!(
                "warning: JWT_SECRET_KEY is not set; using a development secret. \
                 Change this! Anyone who knows the secret can log in as any user."
            );
            DEVELOPMENT_SECRET.to_owned()
        }
    };
    JwtManager::builder()
        .secret_key(secret)
        .build()?
        .install_default();
    Ok(())
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
    serve(listener).await?;
    Ok(())
}
