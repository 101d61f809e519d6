//! The axum extractors (`JwtIdentity`, `JwtClaims`, `JwtToken`, `Jwt`) and `IntoResponse` for
//! refusals and errors, through real axum routers: flask-jwt-extended's statuses and messages
//! for every policy, optional variants, response loaders, async loaders, where the manager comes
//! from, verification before the body, `?` in handlers, and 2,000 concurrent requests.
//!
//! Only `the_manager_comes_from_the_extension_the_default_or_the_state` installs a process-wide
//! default manager (it checks the state before and after); every other test gives its router a
//! manager through `Extension`, which wins over the default, so they cannot interfere.

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::extract::FromRef;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use axum::routing::{any, get, post};
use axum::{Extension, Json, Router};
use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use jwt_extended::extractors::{
    AccessToken, AnyToken, FreshToken, FromState, JwtClaims, JwtIdentity, JwtToken, Policy,
    RefreshToken,
};
use jwt_extended::{
    get_jwt_identity, json_response, scope, FixedClock, Identity, Jwt, JwtError, JwtManager,
    TokenLocation, VerifyOptions,
};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tower::ServiceExt;

const SECRET: &str = "axum-extractors-test-secret-0123456789-abcdef";

fn builder() -> jwt_extended::JwtManagerBuilder {
    JwtManager::builder().secret_key(SECRET)
}

fn manager() -> JwtManager {
    builder().build().expect("valid manager")
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after the epoch")
        .as_secs()
        .try_into()
        .expect("fits")
}

/// The tokens a test sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sent {
    Nothing,
    Access,
    Fresh,
    Refresh,
    ExpiredAccess,
    ExpiredRefresh,
    Garbage,
}

const ALL: [Sent; 7] = [
    Sent::Nothing,
    Sent::Access,
    Sent::Fresh,
    Sent::Refresh,
    Sent::ExpiredAccess,
    Sent::ExpiredRefresh,
    Sent::Garbage,
];

/// The tokens for "alice", made with the test secret (expired ones by a manager whose clock is
/// two days back).
struct Tokens {
    access: String,
    fresh: String,
    refresh: String,
    expired_access: String,
    expired_refresh: String,
}

impl Tokens {
    fn new() -> Self {
        let m = manager();
        let past = builder()
            .clock(FixedClock::at(now() - 2 * 86_400 - 60))
            .build()
            .expect("manager");
        Tokens {
            access: m.create_access_token("alice").expect("token"),
            fresh: m.access_token("alice").fresh(true).create().expect("token"),
            refresh: m.create_refresh_token("alice").expect("token"),
            // Access tokens live 15 minutes, refresh tokens 30 days: two days back is not
            // enough for a refresh token, so it gets a short lifetime.
            expired_access: past.create_access_token("alice").expect("token"),
            expired_refresh: past
                .refresh_token("alice")
                .expires_in(Duration::from_secs(3600))
                .create()
                .expect("token"),
        }
    }

    fn header(&self, sent: Sent) -> Option<String> {
        let token = match sent {
            Sent::Nothing => return None,
            Sent::Access => &self.access,
            Sent::Fresh => &self.fresh,
            Sent::Refresh => &self.refresh,
            Sent::ExpiredAccess => &self.expired_access,
            Sent::ExpiredRefresh => &self.expired_refresh,
            Sent::Garbage => "not-a-token",
        };
        Some(format!("Bearer {token}"))
    }
}

fn request(method: Method, uri: &str, authorization: Option<&str>) -> Request<Body> {
    let mut request = Request::builder().method(method).uri(uri);
    if let Some(value) = authorization {
        request = request.header("Authorization", value);
    }
    request.body(Body::empty()).expect("request")
}

/// Status, content type and body (JSON when it parses, else the text as a JSON string).
async fn send(app: &Router, request: Request<Body>) -> (StatusCode, String, Value) {
    let response = app.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    let body = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
    (status, content_type, body)
}

async fn get_with(app: &Router, uri: &str, authorization: Option<&str>) -> (StatusCode, Value) {
    let (status, _, body) = send(app, request(Method::GET, uri, authorization)).await;
    (status, body)
}

// ---------------------------------------------------------------------------------------------
// Handlers: each answers {"id": <the identity it extracted, or null>}
// ---------------------------------------------------------------------------------------------

fn id(value: impl Serialize) -> Json<Value> {
    Json(json!({ "id": value }))
}

async fn identity_access(user: JwtIdentity<String>) -> Json<Value> {
    id(&*user)
}
async fn identity_fresh(user: JwtIdentity<String, FreshToken>) -> Json<Value> {
    id(&*user)
}
async fn identity_refresh(user: JwtIdentity<String, RefreshToken>) -> Json<Value> {
    id(&*user)
}
async fn identity_any(user: JwtIdentity<String, AnyToken>) -> Json<Value> {
    id(&*user)
}
async fn identity_default(user: JwtIdentity) -> Json<Value> {
    let identity: &Identity = &user;
    id(identity)
}
async fn identity_optional(user: Option<JwtIdentity<String>>) -> Json<Value> {
    id(user.map(JwtIdentity::into_inner))
}
async fn identity_refresh_optional(user: Option<JwtIdentity<String, RefreshToken>>) -> Json<Value> {
    id(user.map(JwtIdentity::into_inner))
}

#[derive(Debug, Clone, Deserialize)]
struct AppClaims {
    sub: String,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    role: Option<String>,
}

async fn claims_access(claims: JwtClaims<AppClaims>) -> Json<Value> {
    assert_eq!(claims.kind, "access");
    id(&claims.sub)
}
async fn claims_fresh(claims: JwtClaims<AppClaims, FreshToken>) -> Json<Value> {
    id(&claims.sub)
}
async fn claims_refresh(claims: JwtClaims<AppClaims, RefreshToken>) -> Json<Value> {
    assert_eq!(claims.kind, "refresh");
    id(&claims.sub)
}
async fn claims_optional(claims: Option<JwtClaims<AppClaims>>) -> Json<Value> {
    id(claims.map(|c| c.into_inner().sub))
}

async fn token_access(token: JwtToken) -> Json<Value> {
    id(token.sub())
}
async fn token_fresh(token: JwtToken<FreshToken>) -> Json<Value> {
    id(token.sub())
}
async fn token_refresh(token: JwtToken<RefreshToken>) -> Json<Value> {
    id(token.claims().sub())
}
async fn token_any(token: JwtToken<AnyToken>) -> Json<Value> {
    id(token.sub())
}
async fn token_optional(token: Option<JwtToken>) -> Json<Value> {
    id(token.and_then(|t| t.sub().map(str::to_owned)))
}

async fn jwt_access(jwt: Jwt) -> Json<Value> {
    id(jwt.sub())
}
async fn jwt_optional(jwt: Option<Jwt>) -> Json<Value> {
    id(jwt.and_then(|j| j.sub().map(str::to_owned)))
}

/// Every extractor under every policy, the manager given through `Extension`.
fn routes() -> Router {
    Router::new()
        .route("/identity", get(identity_access))
        .route("/identity/fresh", get(identity_fresh))
        .route("/identity/refresh", get(identity_refresh))
        .route("/identity/any", get(identity_any))
        .route("/identity/default", get(identity_default))
        .route("/identity/optional", get(identity_optional))
        .route("/identity/refresh/optional", get(identity_refresh_optional))
        .route("/claims", get(claims_access))
        .route("/claims/fresh", get(claims_fresh))
        .route("/claims/refresh", get(claims_refresh))
        .route("/claims/optional", get(claims_optional))
        .route("/token", get(token_access))
        .route("/token/fresh", get(token_fresh))
        .route("/token/refresh", get(token_refresh))
        .route("/token/any", get(token_any))
        .route("/token/optional", get(token_optional))
        .route("/jwt", get(jwt_access))
        .route("/jwt/optional", get(jwt_optional))
}

fn app(manager: JwtManager) -> Router {
    routes().layer(Extension(manager))
}

// ---------------------------------------------------------------------------------------------
// Statuses and messages
// ---------------------------------------------------------------------------------------------

/// What flask-jwt-extended answers a route of `kind` given `sent`.
fn expected(kind: &str, sent: Sent) -> (StatusCode, Value) {
    let ok = (StatusCode::OK, json!({ "id": "alice" }));
    let anonymous = (StatusCode::OK, json!({ "id": null }));
    let msg = |status: StatusCode, message: &str| (status, json!({ "msg": message }));
    let missing = msg(StatusCode::UNAUTHORIZED, "Missing Authorization Header");
    let expired = msg(StatusCode::UNAUTHORIZED, "Token has expired");
    let garbage = msg(StatusCode::UNPROCESSABLE_ENTITY, "Not enough segments");
    let only_access = msg(
        StatusCode::UNPROCESSABLE_ENTITY,
        "Only non-refresh tokens are allowed",
    );
    let only_refresh = msg(
        StatusCode::UNPROCESSABLE_ENTITY,
        "Only refresh tokens are allowed",
    );
    let not_fresh = msg(StatusCode::UNAUTHORIZED, "Fresh token required");
    match (kind, sent) {
        (_, Sent::Garbage) => garbage,
        (_, Sent::ExpiredAccess | Sent::ExpiredRefresh) => expired,
        ("optional" | "refresh-optional", Sent::Nothing) => anonymous,
        (_, Sent::Nothing) => missing,
        ("access" | "optional", Sent::Access | Sent::Fresh) => ok,
        ("access" | "optional" | "fresh", Sent::Refresh) => only_access,
        ("fresh", Sent::Access) => not_fresh,
        ("fresh", Sent::Fresh) => ok,
        ("refresh" | "refresh-optional", Sent::Refresh) => ok,
        ("refresh" | "refresh-optional", Sent::Access | Sent::Fresh) => only_refresh,
        ("any", _) => ok,
        other => panic!("no expectation for {other:?}"),
    }
}

#[tokio::test]
async fn every_extractor_answers_as_flask_for_every_policy_and_token() {
    let app = app(manager());
    let tokens = Tokens::new();
    let routes = [
        ("/identity", "access"),
        ("/identity/fresh", "fresh"),
        ("/identity/refresh", "refresh"),
        ("/identity/any", "any"),
        ("/identity/optional", "optional"),
        ("/identity/refresh/optional", "refresh-optional"),
        ("/claims", "access"),
        ("/claims/fresh", "fresh"),
        ("/claims/refresh", "refresh"),
        ("/claims/optional", "optional"),
        ("/token", "access"),
        ("/token/fresh", "fresh"),
        ("/token/refresh", "refresh"),
        ("/token/any", "any"),
        ("/token/optional", "optional"),
        ("/jwt", "access"),
        ("/jwt/optional", "optional"),
    ];
    let mut refusals = 0;
    for (path, kind) in routes {
        for sent in ALL {
            let authorization = tokens.header(sent);
            let (status, content_type, body) =
                send(&app, request(Method::GET, path, authorization.as_deref())).await;
            assert_eq!(
                (status, body),
                expected(kind, sent),
                "GET {path} with {sent:?}"
            );
            assert_eq!(content_type, "application/json", "GET {path} with {sent:?}");
            refusals += usize::from(status != StatusCode::OK);
        }
    }
    // Every route refused something, and accepted something.
    assert!(refusals > routes.len() && refusals < routes.len() * ALL.len());
}

#[tokio::test]
async fn the_default_identity_type_is_the_claim_value() {
    let app = app(manager());
    let tokens = Tokens::new();
    let (status, body) = get_with(
        &app,
        "/identity/default",
        tokens.header(Sent::Access).as_deref(),
    )
    .await;
    assert_eq!((status, body), (StatusCode::OK, json!({ "id": "alice" })));
}

/// Anything that is not "absent" is refused on an optional route, including a foreign scheme's
/// header counting as absent and a malformed Bearer header as not.
#[tokio::test]
async fn optional_extractors_forgive_only_an_absent_token() {
    let app = app(manager());
    for path in [
        "/identity/optional",
        "/claims/optional",
        "/token/optional",
        "/jwt/optional",
    ] {
        let (status, body) = get_with(&app, path, Some("Basic YWxpY2U6c2VjcmV0")).await;
        assert_eq!(
            (status, body),
            (StatusCode::OK, json!({ "id": null })),
            "{path}"
        );
        let (status, body) = get_with(&app, path, Some("Bearer a b")).await;
        assert_eq!(
            (status, body),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                json!({ "msg": "Bad Authorization header. Expected 'Authorization: Bearer <JWT>'" })
            ),
            "{path}"
        );
    }
}

/// OPTIONS requests are verified like any other: an extractor never lets a request through
/// without a token (flask's exemption would run the handler unprotected in axum).
#[tokio::test]
async fn options_requests_need_a_token_like_any_other() {
    let app = Router::new()
        .route("/any", any(identity_access))
        .route("/any/optional", any(identity_optional))
        .layer(Extension(manager()));
    let tokens = Tokens::new();
    let access = tokens.header(Sent::Access);
    let (status, _, body) = send(&app, request(Method::OPTIONS, "/any", None)).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::UNAUTHORIZED,
            json!({ "msg": "Missing Authorization Header" })
        )
    );
    let (status, _, body) = send(&app, request(Method::OPTIONS, "/any", access.as_deref())).await;
    assert_eq!((status, body), (StatusCode::OK, json!({ "id": "alice" })));
    let (status, _, body) = send(&app, request(Method::OPTIONS, "/any/optional", None)).await;
    assert_eq!((status, body), (StatusCode::OK, json!({ "id": null })));
}

/// A policy of the application's own: header only, so a token in the query string is not seen.
#[tokio::test]
async fn a_custom_policy_sets_the_locations() {
    struct QueryOnly;
    impl Policy for QueryOnly {
        const OPTIONS: VerifyOptions = VerifyOptions {
            locations: Some(&[TokenLocation::QueryString]),
            ..VerifyOptions::new()
        };
    }
    async fn handler(user: JwtIdentity<String, QueryOnly>) -> Json<Value> {
        id(&*user)
    }
    let app = Router::new()
        .route("/", get(handler))
        .layer(Extension(manager()));
    let tokens = Tokens::new();
    let (status, body) = get_with(&app, "/", tokens.header(Sent::Access).as_deref()).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::UNAUTHORIZED,
            json!({ "msg": "Missing 'jwt' query paramater" })
        )
    );
    let (status, body) = get_with(&app, &format!("/?jwt={}", tokens.access), None).await;
    assert_eq!((status, body), (StatusCode::OK, json!({ "id": "alice" })));
}

/// The JSON location reads the body a middleware buffered; the handler still reads it after.
#[tokio::test]
async fn the_json_location_reads_a_buffered_body() {
    use axum::extract::Request as AxumRequest;
    use axum::middleware::{self, Next};
    use axum::response::{IntoResponse, Response};

    struct JsonOnly;
    impl Policy for JsonOnly {
        const OPTIONS: VerifyOptions = VerifyOptions {
            locations: Some(&[TokenLocation::Json]),
            ..VerifyOptions::new()
        };
    }
    async fn handler(user: JwtIdentity<String, JsonOnly>, Json(body): Json<Value>) -> Json<Value> {
        Json(json!({ "id": *user, "x": body["x"] }))
    }
    async fn buffer(request: AxumRequest, next: Next) -> Response {
        match jwt_extended::buffer_json_body(request, 1 << 16).await {
            Ok(request) => next.run(request).await,
            Err(e) => (e.status(), e.to_string()).into_response(),
        }
    }
    let routes = Router::new().route("/", post(handler));
    let buffered = routes
        .clone()
        .layer(middleware::from_fn(buffer))
        .layer(Extension(manager()));
    let unbuffered = routes.layer(Extension(manager()));
    let tokens = Tokens::new();
    let body = json!({ "access_token": tokens.access, "x": 1 }).to_string();
    let post = |body: String| {
        Request::post("/")
            .header("Content-Type", "application/json")
            .body(Body::from(body))
            .expect("request")
    };
    let (status, _, answer) = send(&buffered, post(body.clone())).await;
    assert_eq!(
        (status, answer),
        (StatusCode::OK, json!({ "id": "alice", "x": 1 }))
    );
    let (status, _, answer) = send(&buffered, post(json!({ "x": 1 }).to_string())).await;
    assert_eq!(
        (status, answer),
        (
            StatusCode::UNAUTHORIZED,
            json!({ "msg": "Missing \"access_token\" key in json data." })
        )
    );
    // Not buffered: the extractor cannot see the body, so the token is not accepted.
    let (status, _, answer) = send(&unbuffered, post(body)).await;
    assert_ne!(status, StatusCode::OK, "{answer}");
}

// ---------------------------------------------------------------------------------------------
// Response loaders
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn response_loaders_answer_the_refusals_they_cover() {
    let loaded = builder()
        .error_msg_key("error")
        .unauthorized_loader(|msg| {
            json_response(401, &json!({ "custom": "unauthorized", "why": msg }))
        })
        .expired_token_loader(|_, claims| {
            json_response(
                419,
                &json!({ "custom": "expired", "sub": claims.sub(), "type": claims.token_type() }),
            )
        })
        .invalid_token_loader(|msg| json_response(400, &json!({ "custom": "invalid", "why": msg })))
        .build()
        .expect("manager");
    let app = app(loaded);
    let tokens = Tokens::new();
    for path in [
        "/identity",
        "/claims",
        "/token",
        "/jwt",
        "/identity/refresh",
    ] {
        let (status, body) = get_with(&app, path, None).await;
        assert_eq!(
            (status.as_u16(), body),
            (
                401,
                json!({ "custom": "unauthorized", "why": "Missing Authorization Header" })
            ),
            "{path}"
        );
        let expired = if path.ends_with("refresh") {
            Sent::ExpiredRefresh
        } else {
            Sent::ExpiredAccess
        };
        let (status, body) = get_with(&app, path, tokens.header(expired).as_deref()).await;
        let kind = if expired == Sent::ExpiredRefresh {
            "refresh"
        } else {
            "access"
        };
        assert_eq!(
            (status.as_u16(), body),
            (
                419,
                json!({ "custom": "expired", "sub": "alice", "type": kind })
            ),
            "{path}"
        );
        let (status, body) = get_with(&app, path, tokens.header(Sent::Garbage).as_deref()).await;
        assert_eq!(
            (status.as_u16(), body),
            (
                400,
                json!({ "custom": "invalid", "why": "Not enough segments" })
            ),
            "{path}"
        );
    }
    // A wrong token type is an invalid token for the loaders, as in flask-jwt-extended.
    let (status, body) = get_with(&app, "/identity", tokens.header(Sent::Refresh).as_deref()).await;
    assert_eq!(
        (status.as_u16(), body),
        (
            400,
            json!({ "custom": "invalid", "why": "Only non-refresh tokens are allowed" })
        )
    );
    // Refusals without a loader use the message key.
    let (status, body) = get_with(
        &app,
        "/identity/fresh",
        tokens.header(Sent::Access).as_deref(),
    )
    .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::UNAUTHORIZED,
            json!({ "error": "Fresh token required" })
        )
    );
    // An optional route without a token does not call the unauthorized loader.
    let (status, body) = get_with(&app, "/identity/optional", None).await;
    assert_eq!((status, body), (StatusCode::OK, json!({ "id": null })));
}

// ---------------------------------------------------------------------------------------------
// Identity and claims types
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct User {
    id: u64,
    name: String,
}

/// A struct identity (with `verify_sub` off, as flask-jwt-extended 4.7 requires for non-string
/// identities): the extractor deserializes it; a handler asking for another shape refuses the
/// token as invalid (422, through the invalid-token loader when there is one).
#[tokio::test]
async fn a_struct_identity_deserializes_and_a_mismatched_one_is_refused() {
    async fn user(user: JwtIdentity<User>) -> Json<Value> {
        Json(json!({ "id": user.id, "name": user.name }))
    }
    async fn number(id: JwtIdentity<u64>) -> Json<Value> {
        Json(json!({ "id": *id }))
    }
    let manager = builder().verify_sub(false).build().expect("manager");
    let app = Router::new()
        .route("/user", get(user))
        .route("/number", get(number))
        .route("/string", get(identity_access))
        .route("/default", get(identity_default))
        .route("/claims", get(claims_access))
        .layer(Extension(manager.clone()));
    let ann = User {
        id: 7,
        name: "ann".into(),
    };
    let struct_token = format!(
        "Bearer {}",
        manager.create_access_token(&ann).expect("token")
    );
    let number_token = format!("Bearer {}", manager.create_access_token(42).expect("token"));

    let (status, body) = get_with(&app, "/user", Some(&struct_token)).await;
    assert_eq!(
        (status, body),
        (StatusCode::OK, json!({ "id": 7, "name": "ann" }))
    );
    let (status, body) = get_with(&app, "/default", Some(&struct_token)).await;
    assert_eq!(
        (status, body),
        (StatusCode::OK, json!({ "id": { "id": 7, "name": "ann" } }))
    );
    let (status, body) = get_with(&app, "/number", Some(&number_token)).await;
    assert_eq!((status, body), (StatusCode::OK, json!({ "id": 42 })));

    for (path, token) in [
        ("/string", &struct_token),
        ("/number", &struct_token),
        ("/user", &number_token),
        // `sub` is a map: `AppClaims::sub` is a String.
        ("/claims", &struct_token),
    ] {
        let (status, body) = get_with(&app, path, Some(token)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path}: {body}");
        let message = body["msg"].as_str().unwrap_or_default();
        assert!(message.contains("invalid type"), "{path}: {body}");
    }
}

#[tokio::test]
async fn claims_deserialize_into_the_applications_type() {
    async fn role(claims: JwtClaims<AppClaims>) -> Json<Value> {
        Json(json!({ "sub": claims.sub, "role": claims.role, "type": claims.kind }))
    }
    let manager = manager();
    let app = Router::new()
        .route("/", get(role))
        .layer(Extension(manager.clone()));
    let token = manager
        .access_token("alice")
        .claim("role", "admin")
        .create()
        .expect("token");
    let (status, body) = get_with(&app, "/", Some(&format!("Bearer {token}"))).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::OK,
            json!({ "sub": "alice", "role": "admin", "type": "access" })
        )
    );
}

// ---------------------------------------------------------------------------------------------
// The context
// ---------------------------------------------------------------------------------------------

/// Each extractor holds the context it verified: the accessors see it inside `scope`, and the
/// `#[jwt_required]` support reads it through `ExtractedContext`.
#[tokio::test]
async fn extractors_hold_the_context_they_verified() {
    use jwt_extended::__private::ExtractedContext;

    async fn handler(
        user: JwtIdentity<String>,
        claims: JwtClaims<AppClaims>,
        token: JwtToken,
        optional: Option<JwtIdentity<String>>,
    ) -> Json<Value> {
        let inside = scope(Some(user.context().clone()), async {
            tokio::task::yield_now().await;
            get_jwt_identity().map(|id| id.to_string())
        })
        .await;
        let seen = |c: Option<Arc<jwt_extended::JwtContext>>| {
            c.and_then(|c| c.identity()).map(|id| id.to_string())
        };
        Json(json!({
            "inside": inside,
            "outside": get_jwt_identity().map(|id| id.to_string()),
            "location": user.context().location(),
            "contexts": [
                seen(user.jwt_context()),
                seen(claims.jwt_context()),
                seen(token.jwt_context()),
                seen(optional.jwt_context()),
            ],
            "header_alg": format!("{:?}", token.header().alg()),
        }))
    }
    async fn anonymous(optional: Option<JwtIdentity<String>>) -> Json<Value> {
        Json(json!({ "context": optional.jwt_context().is_some() }))
    }
    let app = Router::new()
        .route("/", get(handler))
        .route("/anonymous", get(anonymous))
        .layer(Extension(manager()));
    let tokens = Tokens::new();
    let (status, body) = get_with(&app, "/", tokens.header(Sent::Access).as_deref()).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::OK,
            json!({
                "inside": "alice",
                "outside": null,
                "location": "headers",
                "contexts": ["alice", "alice", "alice", "alice"],
                "header_alg": "HS256",
            })
        )
    );
    let (status, body) = get_with(&app, "/anonymous", None).await;
    assert_eq!(
        (status, body),
        (StatusCode::OK, json!({ "context": false }))
    );
}

// ---------------------------------------------------------------------------------------------
// Async loaders
// ---------------------------------------------------------------------------------------------

#[derive(Debug)]
struct LoadedUser {
    name: String,
}

#[tokio::test]
async fn async_loaders_are_awaited() {
    let revoked: Arc<Mutex<HashSet<String>>> = Arc::default();
    let blocklist_calls = Arc::new(AtomicUsize::new(0));
    let manager = {
        let revoked = revoked.clone();
        let calls = blocklist_calls.clone();
        builder()
            .token_in_blocklist_loader_async(move |token| {
                let revoked = revoked.clone();
                calls.fetch_add(1, Ordering::SeqCst);
                async move {
                    tokio::time::sleep(Duration::from_millis(1)).await;
                    let jti = token.claims.jti().unwrap_or_default().to_owned();
                    revoked.lock().expect("lock").contains(&jti)
                }
            })
            .user_lookup_loader_async(|token| async move {
                tokio::task::yield_now().await;
                let sub = token.claims.sub()?.to_owned();
                (sub != "nobody").then(|| LoadedUser {
                    name: sub.to_uppercase(),
                })
            })
            .build()
            .expect("manager")
    };
    async fn handler(token: JwtToken) -> Json<Value> {
        let user = token.context().user::<LoadedUser>();
        Json(json!({ "user": user.map(|u| u.name.clone()) }))
    }
    let app = Router::new()
        .route("/", get(handler))
        .route("/refresh", get(identity_refresh))
        .route("/optional", get(identity_optional))
        .layer(Extension(manager.clone()));

    let kept = manager.create_access_token("alice").expect("token");
    let dropped = manager.create_access_token("bob").expect("token");
    let nobody = manager.create_access_token("nobody").expect("token");
    let refresh = manager.create_refresh_token("alice").expect("token");
    let jti = |token: &str| manager.get_jti(token).expect("valid").expect("has a jti");
    revoked.lock().expect("lock").insert(jti(&dropped));
    revoked.lock().expect("lock").insert(jti(&refresh));

    let bearer = |t: &str| format!("Bearer {t}");
    let (status, body) = get_with(&app, "/", Some(&bearer(&kept))).await;
    assert_eq!((status, body), (StatusCode::OK, json!({ "user": "ALICE" })));
    let (status, body) = get_with(&app, "/", Some(&bearer(&dropped))).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::UNAUTHORIZED,
            json!({ "msg": "Token has been revoked" })
        )
    );
    let (status, body) = get_with(&app, "/refresh", Some(&bearer(&refresh))).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::UNAUTHORIZED,
            json!({ "msg": "Token has been revoked" })
        )
    );
    let (status, body) = get_with(&app, "/optional", Some(&bearer(&dropped))).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::UNAUTHORIZED,
            json!({ "msg": "Token has been revoked" })
        )
    );
    let (status, body) = get_with(&app, "/", Some(&bearer(&nobody))).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::UNAUTHORIZED,
            json!({ "msg": "Error loading the user nobody" })
        )
    );
    // Once per verified token, never for a request without one.
    let (status, _) = get_with(&app, "/optional", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(blocklist_calls.load(Ordering::SeqCst), 5);
}

// ---------------------------------------------------------------------------------------------
// The body is read after verification
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn the_token_is_verified_before_the_body_is_read() {
    async fn handler(user: JwtIdentity<String>, Json(body): Json<Value>) -> Json<Value> {
        Json(json!({ "id": *user, "body": body }))
    }
    let app = Router::new()
        .route("/", post(handler))
        .layer(Extension(manager()));
    let tokens = Tokens::new();
    let post = |authorization: Option<String>, content_type: Option<&str>, body: &'static str| {
        let mut request = Request::post("/");
        if let Some(value) = authorization {
            request = request.header("Authorization", value);
        }
        if let Some(value) = content_type {
            request = request.header("Content-Type", value);
        }
        request.body(Body::from(body)).expect("request")
    };
    let json = Some("application/json");
    let missing = (
        StatusCode::UNAUTHORIZED,
        json!({ "msg": "Missing Authorization Header" }),
    );

    // No token: 401 whatever the body, never the JSON extractor's 400 or 415.
    for (content_type, body) in [(json, "{not json"), (None, "{not json"), (json, "{}")] {
        let (status, _, answer) = send(&app, post(None, content_type, body)).await;
        assert_eq!((status, answer), missing, "{content_type:?} {body}");
    }
    // An expired token: 401 too.
    let (status, _, answer) = send(
        &app,
        post(tokens.header(Sent::ExpiredAccess), json, "{not json"),
    )
    .await;
    assert_eq!(
        (status, answer),
        (
            StatusCode::UNAUTHORIZED,
            json!({ "msg": "Token has expired" })
        )
    );
    // A valid token: the body extractor's own answers.
    let (status, _, _) = send(&app, post(tokens.header(Sent::Access), json, "{not json")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _, _) = send(&app, post(tokens.header(Sent::Access), None, "{}")).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let (status, _, answer) =
        send(&app, post(tokens.header(Sent::Access), json, "{\"a\":1}")).await;
    assert_eq!(
        (status, answer),
        (StatusCode::OK, json!({ "id": "alice", "body": { "a": 1 } }))
    );
}

// ---------------------------------------------------------------------------------------------
// Where the manager comes from, and `?` on JwtError
// ---------------------------------------------------------------------------------------------

/// A serializable value that fails to serialize: token creation fails.
struct Unserializable;

impl Serialize for Unserializable {
    fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
        Err(serde::ser::Error::custom("not today"))
    }
}

/// `create_access_token(..)?` with the default manager (the free function).
async fn login(Json(body): Json<Value>) -> Result<Json<Value>, JwtError> {
    let token = match body["user"].as_str() {
        Some(user) => jwt_extended::create_access_token(user)?,
        None => jwt_extended::create_access_token(Unserializable)?,
    };
    Ok(Json(json!({ "access_token": token })))
}

/// `manager.create_access_token(..)?` with the request's manager.
async fn login_with(
    Extension(manager): Extension<JwtManager>,
    Json(body): Json<Value>,
) -> Result<Json<Value>, JwtError> {
    let token = match body["user"].as_str() {
        Some(user) => manager.create_access_token(user)?,
        None => manager.create_access_token(Unserializable)?,
    };
    Ok(Json(json!({ "access_token": token })))
}

/// A handler returning a request-side error itself.
async fn csrf_error() -> Result<Json<Value>, JwtError> {
    Err(JwtError::MissingCsrfToken)
}

#[derive(Clone)]
struct AppState {
    jwt: JwtManager,
}

impl FromRef<AppState> for JwtManager {
    fn from_ref(state: &AppState) -> JwtManager {
        state.jwt.clone()
    }
}

fn login_request(uri: &str, user: Option<&str>) -> Request<Body> {
    Request::post(uri)
        .header("Content-Type", "application/json")
        .body(Body::from(json!({ "user": user }).to_string()))
        .expect("request")
}

#[tokio::test]
async fn the_manager_comes_from_the_extension_the_default_or_the_state() {
    let other = JwtManager::builder()
        .secret_key("another-secret-for-another-app-0123456789")
        .build()
        .expect("manager");
    let other_token = format!(
        "Bearer {}",
        other.create_access_token("olga").expect("token")
    );
    let default = builder().error_msg_key("error").build().expect("manager");
    let default_token = format!(
        "Bearer {}",
        default.create_access_token("dora").expect("token")
    );
    let bare = routes()
        .route("/login", post(login))
        .route("/csrf", get(csrf_error));
    let with_extension = routes()
        .route("/login", post(login_with))
        .layer(Extension(other.clone()));
    async fn from_state(user: JwtIdentity<String, FromState>) -> Json<Value> {
        id(&*user)
    }
    async fn from_state_optional(user: Option<JwtIdentity<String, FromState>>) -> Json<Value> {
        id(user.map(JwtIdentity::into_inner))
    }
    async fn from_state_fresh(user: JwtToken<FromState<FreshToken>>) -> Json<Value> {
        id(user.sub())
    }
    async fn from_manager_state(user: JwtClaims<AppClaims, FromState<AccessToken>>) -> Json<Value> {
        id(&user.sub)
    }
    // The state's manager wins over the extension's.
    let with_state = Router::new()
        .route("/", get(from_state))
        .route("/optional", get(from_state_optional))
        .route("/fresh", get(from_state_fresh))
        .layer(Extension(default.clone()))
        .with_state(AppState { jwt: other.clone() });
    let manager_as_state = Router::new()
        .route("/", get(from_manager_state))
        .with_state(other.clone());

    assert!(
        JwtManager::default_manager().is_none(),
        "no other test installs a default"
    );
    // No manager anywhere: a generic 500, for the extractors and for `?`.
    let server_error = |key: &str| {
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            json!({ key: "Internal Server Error" }),
        )
    };
    for path in [
        "/identity",
        "/claims",
        "/token",
        "/jwt",
        "/identity/optional",
    ] {
        assert_eq!(
            get_with(&bare, path, Some(&default_token)).await,
            server_error("msg"),
            "{path}"
        );
    }
    let (status, _, body) = send(&bare, login_request("/login", Some("dora"))).await;
    assert_eq!((status, body), server_error("msg"));
    let (status, body) = get_with(&bare, "/csrf", None).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::UNAUTHORIZED,
            json!({ "msg": "Missing CSRF token" })
        )
    );

    // The extension's manager, without a default.
    assert_eq!(
        get_with(&with_extension, "/identity", Some(&other_token)).await,
        (StatusCode::OK, json!({ "id": "olga" }))
    );
    let (status, _, body) = send(&with_extension, login_request("/login", Some("olga"))).await;
    assert_eq!(status, StatusCode::OK);
    let token = body["access_token"].as_str().unwrap_or_default();
    assert_eq!(
        other
            .decode_token(token, false)
            .expect("other's token")
            .claims
            .sub(),
        Some("olga")
    );
    let (status, _, body) = send(&with_extension, login_request("/login", None)).await;
    assert_eq!((status, body), server_error("msg"));

    // The state's manager.
    assert_eq!(
        get_with(&with_state, "/", Some(&other_token)).await,
        (StatusCode::OK, json!({ "id": "olga" }))
    );
    assert_eq!(
        get_with(&with_state, "/optional", None).await,
        (StatusCode::OK, json!({ "id": null }))
    );
    assert_eq!(
        get_with(&with_state, "/fresh", Some(&other_token)).await,
        (
            StatusCode::UNAUTHORIZED,
            json!({ "msg": "Fresh token required" })
        )
    );
    assert_eq!(
        get_with(&with_state, "/", Some(&default_token)).await,
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({ "msg": "Signature verification failed" })
        ),
        "the state's manager, not the extension's"
    );
    assert_eq!(
        get_with(&manager_as_state, "/", Some(&other_token)).await,
        (StatusCode::OK, json!({ "id": "olga" }))
    );

    // Now with a default.
    default.install_default();
    assert_eq!(
        get_with(&bare, "/identity", Some(&default_token)).await,
        (StatusCode::OK, json!({ "id": "dora" }))
    );
    assert_eq!(
        get_with(&bare, "/identity", None).await,
        (
            StatusCode::UNAUTHORIZED,
            json!({ "error": "Missing Authorization Header" })
        ),
        "the default's message key"
    );
    // The extension still wins over the default.
    assert_eq!(
        get_with(&with_extension, "/identity", Some(&other_token)).await,
        (StatusCode::OK, json!({ "id": "olga" }))
    );
    assert_eq!(
        get_with(&with_extension, "/identity", Some(&default_token)).await,
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({ "msg": "Signature verification failed" })
        )
    );
    // `?` with the default: a token, a 500 in the default's key, its message key for the rest.
    let (status, _, body) = send(&bare, login_request("/login", Some("dora"))).await;
    assert_eq!(status, StatusCode::OK);
    let token = body["access_token"].as_str().unwrap_or_default();
    assert_eq!(
        default
            .decode_token(token, false)
            .expect("default's token")
            .claims
            .sub(),
        Some("dora")
    );
    let (status, _, body) = send(&bare, login_request("/login", None)).await;
    assert_eq!((status, body), server_error("error"));
    let (status, body) = get_with(&bare, "/csrf", None).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::UNAUTHORIZED,
            json!({ "error": "Missing CSRF token" })
        )
    );
}

// ---------------------------------------------------------------------------------------------
// Concurrency
// ---------------------------------------------------------------------------------------------

/// Requests in the concurrent test, and how many are in flight at once.
const REQUESTS: usize = 2_000;
const IN_FLIGHT: usize = 100;

/// Checks, across awaits and inside its own scope, that the extractor's identity is the one the
/// client says it sent.
async fn echo(
    user: JwtIdentity<String>,
    optional: Option<JwtToken>,
    headers: HeaderMap,
) -> Json<Value> {
    let expected = headers
        .get("x-expected")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let mut seen = vec![user.clone().into_inner()];
    tokio::task::yield_now().await;
    seen.push(
        user.context()
            .identity()
            .map(|i| i.to_string())
            .unwrap_or_default(),
    );
    let scoped = scope(Some(user.context().clone()), async {
        let first = get_jwt_identity().map(|i| i.to_string());
        tokio::time::sleep(Duration::from_millis(1)).await;
        [first, get_jwt_identity().map(|i| i.to_string())]
    })
    .await;
    seen.extend(scoped.into_iter().flatten());
    seen.extend(optional.and_then(|t| t.sub().map(str::to_owned)));
    let mine = seen.len() == 5 && seen.iter().all(|s| *s == expected);
    Json(json!({ "id": *user, "mine": mine, "outside": get_jwt_identity().is_some() }))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_requests_each_extract_their_own_identity() {
    let server_manager = manager();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    let app = Router::new()
        .route("/echo", get(echo))
        .layer(Extension(server_manager));
    let server = tokio::spawn(async move {
        axum::serve(listener, app).await.expect("server");
    });

    let issuer = manager();
    let client: Client<_, Empty<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
    let limit = Arc::new(Semaphore::new(IN_FLIGHT));
    let mut requests = JoinSet::new();
    for i in 0..REQUESTS {
        let who = format!("user-{i}");
        // Every 50th request has no token.
        let token = (i % 50 != 0).then(|| issuer.create_access_token(&who).expect("token"));
        let client = client.clone();
        let limit = limit.clone();
        requests.spawn(async move {
            let _permit = limit.acquire_owned().await.expect("semaphore");
            let mut request =
                Request::get(format!("http://{addr}/echo")).header("x-expected", &who);
            if let Some(token) = &token {
                request = request.header("Authorization", format!("Bearer {token}"));
            }
            let request = request.body(Empty::new()).expect("request");
            let outcome = match client.request(request).await {
                Ok(response) => {
                    let status = response.status();
                    match response.into_body().collect().await {
                        Ok(body) => serde_json::from_slice::<Value>(&body.to_bytes())
                            .map(|body| (status, body))
                            .map_err(|e| format!("not JSON: {e}")),
                        Err(e) => Err(format!("reading the body: {e}")),
                    }
                }
                Err(e) => Err(format!("request failed: {e}")),
            };
            (who, token.is_some(), outcome)
        });
    }

    let (mut correct, mut refused) = (0, 0);
    let mut problems = Vec::new();
    while let Some(joined) = requests.join_next().await {
        let (who, authenticated, outcome) = joined.expect("request task");
        match (authenticated, outcome) {
            (_, Err(problem)) => problems.push(format!("{who}: {problem}")),
            (true, Ok((status, body))) => {
                let expected = json!({ "id": who, "mine": true, "outside": false });
                if status == StatusCode::OK && body == expected {
                    correct += 1;
                } else {
                    problems.push(format!("{who}: {status} {body}"));
                }
            }
            (false, Ok((status, body))) => {
                if status == StatusCode::UNAUTHORIZED
                    && body == json!({ "msg": "Missing Authorization Header" })
                {
                    refused += 1;
                } else {
                    problems.push(format!("{who} without a token: {status} {body}"));
                }
            }
        }
    }
    server.abort();
    for problem in problems.iter().take(10) {
        println!("problem: {problem}");
    }
    assert!(
        problems.is_empty(),
        "{} requests went wrong",
        problems.len()
    );
    assert_eq!(refused, REQUESTS / 50);
    assert_eq!(correct, REQUESTS - REQUESTS / 50);
}
