//! The Rust twin of `flask_twin.py` (flask-jwt-extended's conformance app): the same routes,
//! configuration, users, loaders and answers, on axum.
//!
//! ```sh
//! cargo run --example reference_app          # 127.0.0.1:5000; PORT overrides
//! JWT_HEADER_TYPE='""' JWT_DECODE_LEEWAY=30 cargo run --example reference_app
//! # asymmetric keys (feature `asymmetric`), as the twin is run with the same variables:
//! openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out k.pem
//! openssl pkey -in k.pem -pubout -out pub.pem
//! JWT_ALGORITHM=RS256 JWT_PRIVATE_KEY="$(cat k.pem)" JWT_PUBLIC_KEY="$(cat pub.pem)" \
//!     cargo run --example reference_app --features asymmetric
//! ```
//!
//! Every `JWT_*` variable overrides the setting of that name, its value read as JSON when it
//! parses as JSON and as a plain string otherwise, exactly as in the twin (PEM text is not JSON,
//! so `JWT_PRIVATE_KEY` and `JWT_PUBLIC_KEY` are taken as they are; `JWT_SECRET_KEY` keeps the
//! twin's default and is ignored for an asymmetric `JWT_ALGORITHM`, as in flask-jwt-extended).
//! `scripts/interop_asymmetric.py` runs both apps that way for RS256, PS256, ES256 and EdDSA.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Query, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use jwt_extended::{
    get_current_user, get_jwt, get_jwt_header, get_jwt_identity, get_jwt_request_location,
    jwt_required, set_access_cookies, CookieOptions, JwtConfig, JwtManager, TokenLocation,
};
use serde_json::{json, Map, Value};

/// The twin's secret when `JWT_SECRET_KEY` is not set.
pub const DEFAULT_SECRET: &str = "conformance-secret-key-0123456789abcdef";
/// A `jti` revoked from the start.
pub const PRE_REVOKED_JTI: &str = "00000000-0000-4000-8000-000000000000";

/// A known user.
#[derive(Debug, Clone)]
struct UserRecord {
    id: u64,
    username: String,
    password: String,
    role: &'static str,
}

/// Known users, plus any identity of the form `user-<n>` (for load tests with many identities).
fn user_record(identity: &Value) -> Option<UserRecord> {
    let name = identity.as_str()?;
    let fixed = |id, role| UserRecord {
        id,
        username: name.to_owned(),
        password: name.to_owned(),
        role,
    };
    match name {
        "test" => Some(fixed(1, "user")),
        "admin" => Some(fixed(2, "admin")),
        _ => {
            let n: u64 = name
                .strip_prefix("user-")
                .filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))?
                .parse()
                .ok()?;
            Some(fixed(1000 + n, "user"))
        }
    }
}

/// The revoked `jti`s.
type Blocklist = Arc<Mutex<HashSet<String>>>;

/// The twin's configuration, then every `JWT_*` variable of the environment over it.
pub fn config_from_env() -> Result<JwtConfig, Box<dyn std::error::Error>> {
    config_from_vars(std::env::vars())
}

/// The twin's configuration, then every `JWT_*` variable among `vars` over it.
pub fn config_from_vars(
    vars: impl IntoIterator<Item = (String, String)>,
) -> Result<JwtConfig, Box<dyn std::error::Error>> {
    let mut config = JwtConfig::default();
    config.secret_key = Some(DEFAULT_SECRET.into());
    config.token_location = vec![
        TokenLocation::Headers,
        TokenLocation::Cookies,
        TokenLocation::QueryString,
        TokenLocation::Json,
    ];
    config.cookie_secure = false;
    config.apply_vars(vars)?;
    Ok(config)
}

/// The manager with the twin's loaders, and the blocklist it reads.
pub fn manager(config: JwtConfig) -> Result<(JwtManager, Blocklist), Box<dyn std::error::Error>> {
    let blocklist: Blocklist = Arc::new(Mutex::new(HashSet::from([PRE_REVOKED_JTI.to_owned()])));
    let identity_claim = config.identity_claim.clone();
    let revoked = blocklist.clone();
    let manager = JwtManager::builder()
        .with(|c| *c = config)
        .additional_claims_loader(|identity| {
            let mut claims = Map::new();
            if let Some(user) = user_record(identity) {
                claims.insert("role".into(), user.role.into());
            }
            claims
        })
        .user_lookup_loader(move |_header, claims| {
            let user = user_record(claims.get(&identity_claim)?)?;
            Some(json!({ "id": user.id, "username": user.username }))
        })
        .token_in_blocklist_loader(move |_header, claims| {
            let jti = claims.jti().unwrap_or_default();
            revoked.lock().map(|set| set.contains(jti)).unwrap_or(true)
        })
        .token_verification_loader(|_header, claims| {
            claims.get("role").and_then(Value::as_str) != Some("banned")
        })
        .build()?;
    Ok((manager, blocklist))
}

fn reply(status: StatusCode, body: Value) -> Response {
    (status, Json(body)).into_response()
}

fn message(status: StatusCode, msg: &str) -> Response {
    reply(status, json!({ "msg": msg }))
}

/// The seed's login checks: the username, or the status and message to answer with.
fn check_credentials(
    headers: &HeaderMap,
    body: &[u8],
) -> Result<String, (StatusCode, &'static str)> {
    let missing_json = (StatusCode::BAD_REQUEST, "Missing JSON in request");
    if !jwt_extended::is_json(headers) {
        return Err(missing_json);
    }
    let Ok(Value::Object(body)) = serde_json::from_slice::<Value>(body) else {
        return Err(missing_json);
    };
    let field = |name: &str| {
        body.get(name)
            .filter(|v| !matches!(v, Value::Null | Value::Bool(false)) && *v != "")
            .cloned()
    };
    let Some(username) = field("username") else {
        return Err((StatusCode::BAD_REQUEST, "Missing username parameter"));
    };
    let Some(password) = field("password") else {
        return Err((StatusCode::BAD_REQUEST, "Missing password parameter"));
    };
    match user_record(&username) {
        Some(user) if Value::String(user.password.clone()) == password => Ok(user.username),
        _ => Err((StatusCode::UNAUTHORIZED, "Bad username or password")),
    }
}

async fn login(State(app): State<App>, headers: HeaderMap, body: Bytes) -> Response {
    let username = match check_credentials(&headers, &body) {
        Ok(username) => username,
        Err((status, msg)) => return message(status, msg),
    };
    let tokens = app
        .manager
        .access_token(&username)
        .fresh(true)
        .create()
        .and_then(|access| Ok((access, app.manager.create_refresh_token(&username)?)));
    match tokens {
        Ok((access, refresh)) => reply(
            StatusCode::OK,
            json!({ "access_token": access, "refresh_token": refresh }),
        ),
        Err(e) => e.into(),
    }
}

#[jwt_required(refresh)]
async fn refresh(State(app): State<App>, req: Request) -> Response {
    match app
        .manager
        .access_token(get_jwt_identity())
        .fresh(false)
        .create()
    {
        Ok(access) => reply(StatusCode::OK, json!({ "access_token": access })),
        Err(e) => e.into(),
    }
}

#[jwt_required]
async fn protected(req: Request) -> Response {
    reply(
        StatusCode::OK,
        json!({ "logged_in_as": get_jwt_identity() }),
    )
}

#[jwt_required(optional)]
async fn optional(req: Request) -> Response {
    reply(
        StatusCode::OK,
        json!({ "logged_in_as": get_jwt_identity() }),
    )
}

#[jwt_required(fresh)]
async fn fresh(req: Request) -> Response {
    reply(
        StatusCode::OK,
        json!({ "logged_in_as": get_jwt_identity(), "fresh": true }),
    )
}

#[jwt_required]
async fn claims(req: Request) -> Response {
    reply(
        StatusCode::OK,
        json!({
            "claims": get_jwt(),
            "header": get_jwt_header(),
            "location": get_jwt_request_location(),
        }),
    )
}

#[jwt_required]
async fn whoami(req: Request) -> Response {
    let user = get_current_user::<Value>().map(|user| (*user).clone());
    reply(StatusCode::OK, json!({ "user": user }))
}

/// Reads the identity, waits `?ms=` milliseconds (at most 1000) on an async timer, reads it again.
#[jwt_required]
async fn slow(Query(query): Query<Map<String, Value>>, req: Request) -> Response {
    let before = get_jwt_identity();
    let ms = query
        .get("ms")
        .and_then(Value::as_str)
        .and_then(|ms| ms.parse::<u64>().ok())
        .unwrap_or(0)
        .min(1000);
    tokio::time::sleep(Duration::from_millis(ms)).await;
    reply(
        StatusCode::OK,
        json!({ "before": before, "after": get_jwt_identity() }),
    )
}

#[jwt_required]
async fn admin(req: Request) -> Response {
    let role = get_jwt().and_then(|jwt| jwt.get("role").cloned());
    if role.as_ref().and_then(Value::as_str) != Some("admin") {
        return message(StatusCode::FORBIDDEN, "Admins only!");
    }
    message(StatusCode::OK, "Welcome, admin")
}

#[jwt_required(verify_type = false)]
async fn logout(State(app): State<App>, req: Request) -> Response {
    let Some(jwt) = get_jwt() else {
        return message(StatusCode::UNAUTHORIZED, "Missing JWT");
    };
    if let (Some(jti), Ok(mut set)) = (jwt.jti(), app.blocklist.lock()) {
        set.insert(jti.to_owned());
    }
    // Python's `str.capitalize()`: the first character upper case, the rest lower case. By
    // characters, never bytes: the `type` claim is whatever the token says (`"éTAT"` gives
    // `"État"`). Python title-cases the first character, which differs from upper case only
    // for a few digraphs and ligatures (`ǆ`, `ß`, `ﬁ`).
    let mut chars = jwt.token_type().chars();
    let capitalized: String = match chars.next() {
        Some(first) => first
            .to_uppercase()
            .chain(chars.as_str().to_lowercase().chars())
            .collect(),
        None => String::new(),
    };
    message(StatusCode::OK, &format!("{capitalized} token revoked"))
}

#[jwt_required(verify_type = false)]
async fn any_type(req: Request) -> Response {
    let kind = get_jwt().map(|jwt| jwt.token_type().to_owned());
    reply(StatusCode::OK, json!({ "type": kind }))
}

#[jwt_required(locations = [headers])]
async fn headers_only(req: Request) -> Response {
    reply(
        StatusCode::OK,
        json!({ "logged_in_as": get_jwt_identity() }),
    )
}

#[jwt_required(locations = [cookies])]
async fn cookies_only(req: Request) -> Response {
    reply(
        StatusCode::OK,
        json!({ "logged_in_as": get_jwt_identity() }),
    )
}

#[jwt_required(locations = [query_string])]
async fn query_only(req: Request) -> Response {
    reply(
        StatusCode::OK,
        json!({ "logged_in_as": get_jwt_identity() }),
    )
}

#[jwt_required(locations = [json])]
async fn json_only(req: Request) -> Response {
    reply(
        StatusCode::OK,
        json!({ "logged_in_as": get_jwt_identity() }),
    )
}

async fn login_cookies(State(app): State<App>, headers: HeaderMap, body: Bytes) -> Response {
    let username = match check_credentials(&headers, &body) {
        Ok(username) => username,
        Err((status, msg)) => return message(status, msg),
    };
    let mut response = reply(StatusCode::OK, json!({ "login": true }));
    let (manager, options) = (&app.manager, CookieOptions::default());
    let headers = response.headers_mut();
    let result = manager
        .access_token(&username)
        .fresh(true)
        .create()
        .and_then(|access| manager.set_access_cookies(headers, &access, &options))
        .and_then(|()| manager.create_refresh_token(&username))
        .and_then(|refresh| manager.set_refresh_cookies(headers, &refresh, &options));
    match result {
        Ok(()) => response,
        Err(e) => e.into(),
    }
}

#[jwt_required(refresh, locations = [cookies])]
async fn refresh_cookies(State(app): State<App>, req: Request) -> Response {
    let mut response = reply(StatusCode::OK, json!({ "refresh": true }));
    let result = app
        .manager
        .create_access_token(get_jwt_identity())
        .and_then(|access| set_access_cookies(&mut response, &access));
    match result {
        Ok(()) => response,
        Err(e) => e.into(),
    }
}

async fn logout_cookies(State(app): State<App>) -> Response {
    let mut response = reply(StatusCode::OK, json!({ "logout": true }));
    match app
        .manager
        .unset_jwt_cookies(response.headers_mut(), &CookieOptions::default())
    {
        Ok(()) => response,
        Err(e) => e.into(),
    }
}

/// Reads JSON bodies (and form bodies when `JWT_CSRF_CHECK_FORM` is on) once, for the JSON token
/// location, the CSRF form field and the handlers.
async fn buffer_body(State(manager): State<JwtManager>, req: Request, next: Next) -> Response {
    match manager.buffer_body(req, 1 << 20).await {
        Ok(req) => next.run(req).await,
        Err(e) => message(e.status(), &e.to_string()),
    }
}

/// The app's shared state.
#[derive(Clone)]
pub struct App {
    manager: JwtManager,
    blocklist: Blocklist,
}

/// The twin's routes, with `manager` in every request's extensions.
pub fn app(manager: JwtManager, blocklist: Blocklist) -> Router {
    let state = App {
        manager: manager.clone(),
        blocklist,
    };
    Router::new()
        .route("/login", post(login))
        .route("/refresh", post(refresh))
        .route("/protected", get(protected))
        .route("/optional", get(optional))
        .route("/fresh", get(fresh))
        .route("/claims", get(claims))
        .route("/whoami", get(whoami))
        .route("/slow", get(slow))
        .route("/admin", get(admin))
        .route("/logout", delete(logout))
        .route("/any-type", get(any_type))
        .route("/headers-only", get(headers_only))
        .route("/cookies-only", get(cookies_only).post(cookies_only))
        .route("/query-only", get(query_only))
        .route("/json-only", post(json_only))
        .route("/login-cookies", post(login_cookies))
        .route("/refresh-cookies", post(refresh_cookies))
        .route("/logout-cookies", post(logout_cookies))
        .with_state(state)
        .layer(middleware::from_fn_with_state(manager.clone(), buffer_body))
        .layer(middleware::from_fn(move |mut req: Request, next: Next| {
            req.extensions_mut().insert(manager.clone());
            next.run(req)
        }))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (manager, blocklist) = manager(config_from_env()?)?;
    manager.install_default();
    let port: u16 = match std::env::var("PORT") {
        Ok(p) => p
            .parse()
            .map_err(|_| format!("PORT must be a port number, got {p:?}"))?,
        Err(_) => 5000,
    };
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    eprintln!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app(manager, blocklist)).await?;
    Ok(())
}
