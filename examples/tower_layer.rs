//! The seed app (flask-jwt-extended's "Basic Usage" page, `examples/basic.rs`) on bare hyper
//! 1.x, with the protected route guarded by `JwtLayer` instead of `#[jwt_required]`.
//!
//! The app is a tower service: a `match` on method and path, where `/protected` goes through
//! `JwtLayer`, which verifies the token and then runs the handler inside the token's context,
//! so the handler calls `get_jwt_identity()` without any attribute. hyper-util's
//! `TowerToHyperService` serves the tower service on hyper's connections.
//!
//! Same routes and answers as the axum version:
//!
//! ```sh
//! cargo run --example tower_layer            # listens on 127.0.0.1:5000 (PORT overrides)
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
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use jwt_extended::{create_access_token, get_jwt_identity, JwtLayer, JwtManager};
use serde_json::{json, Value};
use tower::util::BoxCloneService;
use tower::{service_fn, Layer, ServiceExt};

/// Used when `JWT_SECRET_KEY` is not set. Change this!
const DEVELOPMENT_SECRET: &str = "development-only-secret-change-me-0123456789";

/// The largest login body read.
const BODY_LIMIT: usize = 64 * 1024;

type Reply = Response<Full<Bytes>>;

/// The app as a tower service.
pub fn app() -> BoxCloneService<Request<Incoming>, Reply, Infallible> {
    // The protected routes: `JwtLayer` around a service made of the handler. Without
    // `.manager(...)` it uses the process-wide default manager (see `install_manager`).
    // hyper's `Incoming` body cannot be rebuilt from bytes, so the layer must not buffer
    // bodies: the token is in a header here.
    let protected = JwtLayer::new().no_buffering().layer(service_fn(protected));
    BoxCloneService::new(service_fn(move |req: Request<Incoming>| {
        let protected = protected.clone();
        async move {
            match (req.method(), req.uri().path()) {
                (&Method::POST, "/login") => Ok(login(req).await),
                // `oneshot` waits until the service is ready, then calls it.
                (&Method::GET, "/protected") => protected.oneshot(req).await,
                _ => Ok(message(StatusCode::NOT_FOUND, "Not Found")),
            }
        }
    }))
}

/// Serves the app on `listener`, one task per connection, until accepting fails.
pub async fn serve(listener: tokio::net::TcpListener) -> std::io::Result<()> {
    let app = app();
    loop {
        let (stream, _peer) = listener.accept().await?;
        let service = TowerToHyperService::new(app.clone());
        tokio::spawn(async move {
            let connection = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
            if let Err(e) = connection.await {
                eprintln!("connection error: {e}");
            }
        });
    }
}

/// Provides a method to create access tokens. `create_access_token` makes the token; it is
/// returned to the caller however you choose.
async fn login(req: Request<Incoming>) -> Reply {
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

/// A protected view: `JwtLayer` has verified the token before this runs (a refused request
/// never gets here), and runs it inside the token's context.
async fn protected(_req: Request<Incoming>) -> Result<Reply, Infallible> {
    // Access the identity of the current user with get_jwt_identity.
    let current_user = get_jwt_identity();
    Ok(json_response(
        StatusCode::OK,
        &json!({ "logged_in_as": current_user }),
    ))
}

fn json_response(status: StatusCode, body: &Value) -> Reply {
    let mut response = Response::new(Full::new(Bytes::from(body.to_string())));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

fn message(status: StatusCode, msg: &str) -> Reply {
    json_response(status, &json!({ "msg": msg }))
}

/// Installs the manager as the process-wide default, where `JwtLayer` and
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
