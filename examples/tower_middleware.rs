//! Verifying the token in a middleware, for handlers that do not carry `#[jwt_required]`:
//! flask-jwt-extended's `verify_jwt_in_request()`, in Rust as an axum (tower) middleware.
//!
//! `#[jwt_required]` is the simplest way to protect one handler. To protect a whole group of
//! routes, or handlers you cannot annotate (generated code, another crate's router), verify in
//! a middleware instead:
//!
//! 1. `manager.verify_request_async(&req, &options).await` finds and verifies the token and
//!    runs the loaders (blocklist, user lookup; async ones are awaited);
//! 2. the rest of the stack runs inside `jwt_extended::scope(context, next.run(req))`, so
//!    `get_jwt_identity()`, `get_jwt()` and friends work in the handlers;
//! 3. a refused request gets `manager.error_response(&error)`, the same answer
//!    `#[jwt_required]` gives.
//!
//! | route | middleware | answer |
//! |---|---|---|
//! | `POST /login` | none | an access and a refresh token |
//! | `GET /api/me`, `GET /api/token` | access token required | who is calling |
//! | `GET /api/background` | access token required | what spawned tasks see |
//! | `POST /refresh` | refresh token required | a new access token |
//! | `GET /greeting` | optional token | `Hello, <user>` or `Hello, stranger` |
//! | `GET /public` | none | the identity is `null` even when a token is sent |
//!
//! ```sh
//! JWT_SECRET_KEY=... cargo run --example tower_middleware   # 127.0.0.1:5000 (PORT overrides)
//! curl -H "Content-Type: application/json" -X POST \
//!   -d '{"username":"test","password":"test"}' http://localhost:5000/login
//! curl -H "Authorization: Bearer $ACCESS" http://localhost:5000/api/me
//! curl http://localhost:5000/greeting
//! ```

use axum::extract::{Extension, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use jwt_extended::{
    get_jwt, get_jwt_header, get_jwt_identity, get_jwt_request_location, ConfigError, JwtManager,
    VerifyOptions,
};
use serde::Deserialize;
use serde_json::json;

/// Used when `JWT_SECRET_KEY` is not set. Change this!
const DEVELOPMENT_SECRET: &str = "development-only-secret-change-me-0123456789";

/// The manager, with flask-jwt-extended's defaults.
pub fn manager(secret: &str) -> Result<JwtManager, ConfigError> {
    JwtManager::builder().secret_key(secret).build()
}

/// What the middleware checks: the manager, and `#[jwt_required(...)]`'s options as a value.
#[derive(Clone)]
struct Guard {
    manager: JwtManager,
    options: VerifyOptions,
}

/// The middleware: `verify_jwt_in_request`, then the rest of the stack inside the token's
/// context.
async fn require_jwt(State(guard): State<Guard>, req: Request, next: Next) -> Response {
    // Finds and verifies the token, then runs the loaders, awaiting async ones. (In two steps:
    // `start_verification(&req, &options)?` reads the request, `.finish().await` runs the
    // loaders without borrowing it.)
    let verified = guard
        .manager
        .verify_request_async(&req, &guard.options)
        .await;
    match verified {
        // The context of the verified token, or a context without a token on an optional
        // route that got none. OPTIONS is checked like any method (`exempt_options` is off):
        // answer CORS preflight in a CORS layer outside this one.
        Ok(context) => jwt_extended::scope(context, next.run(req)).await,
        Err(error) => guard.manager.error_response(&error),
    }
}

impl Guard {
    fn new(manager: &JwtManager, options: VerifyOptions) -> Guard {
        Guard {
            manager: manager.clone(),
            options,
        }
    }
}

/// The routes. Handlers under `/api`, `/refresh` and `/greeting` have no attribute: the
/// middleware layered on their router protects them. (`route_layer`: a path that matches no
/// route still answers 404, not 401.)
pub fn app(manager: JwtManager) -> Router {
    let access = VerifyOptions::new();
    let refresh = VerifyOptions {
        refresh: true,
        ..VerifyOptions::new()
    };
    let optional = VerifyOptions {
        optional: true,
        ..VerifyOptions::new()
    };

    let api = Router::new()
        .route("/me", get(me))
        .route("/token", get(token))
        .route("/background", get(background))
        .route_layer(middleware::from_fn_with_state(
            Guard::new(&manager, access),
            require_jwt,
        ));
    let refresh_route = Router::new()
        .route("/refresh", post(refresh_token))
        .route_layer(middleware::from_fn_with_state(
            Guard::new(&manager, refresh),
            require_jwt,
        ));
    let greeting_route = Router::new().route("/greeting", get(greeting)).route_layer(
        middleware::from_fn_with_state(Guard::new(&manager, optional), require_jwt),
    );

    Router::new()
        .route("/login", post(login))
        .route("/public", get(public))
        .nest("/api", api)
        .merge(refresh_route)
        .merge(greeting_route)
        .layer(Extension(manager))
}

#[derive(Deserialize)]
struct Credentials {
    username: String,
    password: String,
}

async fn login(
    Extension(manager): Extension<JwtManager>,
    Json(login): Json<Credentials>,
) -> Response {
    if login.username != "test" || login.password != "test" {
        return message(StatusCode::UNAUTHORIZED, "Bad username or password");
    }
    let tokens = manager
        .create_access_token(&login.username)
        .and_then(|access| Ok((access, manager.create_refresh_token(&login.username)?)));
    match tokens {
        Ok((access_token, refresh_token)) => Json(json!({
            "access_token": access_token,
            "refresh_token": refresh_token,
        }))
        .into_response(),
        Err(e) => manager.error_response(&e),
    }
}

/// No attribute: the middleware has verified the token.
async fn me() -> Response {
    Json(json!({ "logged_in_as": get_jwt_identity() })).into_response()
}

/// The token's claims and header, and where it was found.
async fn token() -> Response {
    let jwt = get_jwt();
    Json(json!({
        "type": jwt.as_ref().map(|jwt| jwt.token_type().to_owned()),
        "sub": jwt.as_ref().and_then(|jwt| jwt.sub().map(str::to_owned)),
        "alg": get_jwt_header().map(|header| header.alg().to_string()),
        "location": get_jwt_request_location(),
    }))
    .into_response()
}

/// The context follows the handler's own future, not the tasks it spawns: a spawned task sees
/// it only when wrapped in `jwt_extended::propagate`.
async fn background() -> Response {
    let with = tokio::spawn(jwt_extended::propagate(async { get_jwt_identity() })).await;
    let without = tokio::spawn(async { get_jwt_identity() }).await;
    match (with, without) {
        (Ok(with), Ok(without)) => {
            Json(json!({ "propagated": with, "not_propagated": without })).into_response()
        }
        _ => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// Behind the refresh-token middleware.
async fn refresh_token(Extension(manager): Extension<JwtManager>) -> Response {
    match manager.create_access_token(get_jwt_identity()) {
        Ok(access_token) => Json(json!({ "access_token": access_token })).into_response(),
        Err(e) => manager.error_response(&e),
    }
}

/// Behind the optional middleware: no token is fine, a bad one is still refused.
async fn greeting() -> Response {
    let name = get_jwt_identity().map_or_else(|| "stranger".to_owned(), |id| id.to_string());
    Json(json!({ "msg": format!("Hello, {name}") })).into_response()
}

/// No middleware: nothing was verified, so there is no identity, whatever the request sends.
async fn public() -> Response {
    Json(json!({ "identity": get_jwt_identity() })).into_response()
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
