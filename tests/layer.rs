//! `JwtLayer` on an axum `Router` (over real HTTP and through `tower::ServiceExt::oneshot`) and
//! on bare hyper 1.x: flask-jwt-extended's answers, the response loaders, async loaders, the
//! options, OPTIONS requests, per-layer and default managers, JSON bodies, and the context of
//! thousands of concurrent requests.
//!
//! Only `the_layer_manager_the_request_manager_and_the_default` installs a process-wide default
//! manager; every other test gives the layer its own, so they cannot disturb each other.

mod common;

use std::collections::HashSet;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Extension, Json};
use axum::routing::{get, post};
use axum::Router;
use bytes::Bytes;
use http::header::AUTHORIZATION;
use http::{Request, Response, StatusCode};
use http_body_util::{BodyExt, Empty, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioIo};
use jwt_extended::{
    current, get_current_user, get_jwt_identity, get_jwt_request_location, FixedClock, JwtLayer,
    JwtManager, TokenLocation,
};
use serde_json::{json, Value};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tower::{Layer, ServiceExt};

const SECRET: &str = "layer-test-secret-0123456789-abcdefghijklmnop";

fn manager() -> JwtManager {
    JwtManager::builder().secret_key(SECRET).build().unwrap()
}

fn identity() -> Option<String> {
    get_jwt_identity().map(|id| id.to_string())
}

/// How many times the handlers of one app ran.
#[derive(Clone, Default)]
struct Runs(Arc<AtomicUsize>);

impl Runs {
    fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

/// Reads the identity before and after a yield, and what else a handler below the layer sees.
async fn whoami(Extension(runs): Extension<Runs>, request: Request<Body>) -> Json<Value> {
    runs.0.fetch_add(1, Ordering::SeqCst);
    let before = identity();
    tokio::task::yield_now().await;
    let after = identity();
    Json(json!({
        "identity": before,
        "after_yield": after,
        "location": get_jwt_request_location(),
        "current_manager": JwtManager::current().map(|m| m.config().error_msg_key.clone()),
        "extension_manager": request
            .extensions()
            .get::<JwtManager>()
            .map(|m| m.config().error_msg_key.clone()),
        "user": get_current_user::<String>().map(|u| u.to_string()),
    }))
}

/// `/protected` (GET, POST, OPTIONS) behind `layer`, plus an unprotected `/public`.
fn app(layer: JwtLayer, runs: &Runs) -> Router {
    Router::new()
        .route("/protected", get(whoami).post(whoami).options(whoami))
        .route_layer(layer)
        .route("/public", get(whoami))
        .layer(Extension(runs.clone()))
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// One request through `oneshot`: status and JSON body.
async fn oneshot(
    app: &Router,
    method: &str,
    path: &str,
    token: Option<&str>,
) -> (u16, Value, http::HeaderMap) {
    let mut request = Request::builder().method(method).uri(path);
    if let Some(token) = token {
        request = request.header(AUTHORIZATION, bearer(token));
    }
    let response = app
        .clone()
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        serde_json::from_slice(&body).unwrap_or(Value::Null),
        headers,
    )
}

/// Status and JSON body through `oneshot`.
async fn call(app: &Router, method: &str, path: &str, token: Option<&str>) -> (u16, Value) {
    let (status, body, _) = oneshot(app, method, path, token).await;
    (status, body)
}

/// Status and JSON body over HTTP.
async fn http(addr: SocketAddr, method: &str, path: &str, token: Option<&str>) -> (u16, Value) {
    let authorization = token.map(bearer);
    let headers: Vec<(&str, &str)> = authorization
        .as_deref()
        .map(|value| vec![("Authorization", value)])
        .unwrap_or_default();
    let reply = common::send(addr, method, path, &headers, None).await;
    (reply.status, reply.json())
}

fn msg(status: u16, message: &str) -> (u16, Value) {
    (status, json!({ "msg": message }))
}

/// A token `manager` would have issued an hour ago: expired (access tokens live 15 minutes).
fn expired_token(secret: &str) -> String {
    let hour_ago = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
        - 3600;
    JwtManager::builder()
        .secret_key(secret)
        .clock(FixedClock::at(hour_ago))
        .build()
        .unwrap()
        .create_access_token("test")
        .unwrap()
}

#[tokio::test]
async fn a_valid_token_reaches_the_handler_which_sees_its_identity() {
    let manager = manager();
    let runs = Runs::default();
    let app = app(JwtLayer::new().manager(manager.clone()), &runs);
    let token = manager.create_access_token("alice").unwrap();
    let expected = json!({
        "identity": "alice",
        "after_yield": "alice",
        "location": "headers",
        "current_manager": "msg",
        "extension_manager": "msg",
        "user": null,
    });

    // Through oneshot.
    assert_eq!(
        call(&app, "GET", "/protected", Some(&token)).await,
        (200, expected.clone())
    );
    // Over HTTP.
    let addr = common::serve(app.clone()).await;
    assert_eq!(
        http(addr, "GET", "/protected", Some(&token)).await,
        (200, expected)
    );
    assert_eq!(runs.count(), 2);

    // The unprotected route is not verified: no identity even with a token.
    let (status, body) = http(addr, "GET", "/public", Some(&token)).await;
    assert_eq!((status, &body["identity"]), (200, &Value::Null), "{body}");
    // route_layer: a path no route matches is still 404, not 401.
    assert_eq!(http(addr, "GET", "/nothing-here", None).await.0, 404);
    assert_eq!(identity(), None, "nothing is left on the test's thread");
}

#[tokio::test]
async fn refused_tokens_get_flask_answers_and_the_handler_never_runs() {
    let manager = manager();
    let runs = Runs::default();
    let access_app = app(JwtLayer::new().manager(manager.clone()), &runs);
    let refresh_app = app(JwtLayer::new().refresh().manager(manager.clone()), &runs);
    let fresh_app = app(JwtLayer::new().fresh().manager(manager.clone()), &runs);
    let access = manager.create_access_token("alice").unwrap();
    let refresh = manager.create_refresh_token("alice").unwrap();
    let expired = expired_token(SECRET);
    let addr = common::serve(access_app.clone()).await;

    let cases: [(&Router, Option<&str>, (u16, Value)); 6] = [
        (&access_app, None, msg(401, "Missing Authorization Header")),
        (&access_app, Some(&expired), msg(401, "Token has expired")),
        (
            &access_app,
            Some("garbage"),
            msg(422, "Not enough segments"),
        ),
        (
            &access_app,
            Some(&refresh),
            msg(422, "Only non-refresh tokens are allowed"),
        ),
        (
            &refresh_app,
            Some(&access),
            msg(422, "Only refresh tokens are allowed"),
        ),
        (&fresh_app, Some(&access), msg(401, "Fresh token required")),
    ];
    for (app, token, expected) in &cases {
        let (status, body, headers) = oneshot(app, "GET", "/protected", *token).await;
        assert_eq!((status, body), expected.clone(), "{token:?}");
        assert_eq!(headers["content-type"], "application/json");
    }
    // The same over HTTP.
    for (_, token, expected) in cases.iter().take(4) {
        assert_eq!(http(addr, "GET", "/protected", *token).await, *expected);
    }
    assert_eq!(runs.count(), 0, "no refused request reached the handler");

    // And what those routes do accept.
    let fresh = manager.access_token("alice").fresh(true).create().unwrap();
    for (app, token) in [(&refresh_app, &refresh), (&fresh_app, &fresh)] {
        let (status, body) = call(app, "GET", "/protected", Some(token)).await;
        assert_eq!(
            (status, &body["identity"]),
            (200, &json!("alice")),
            "{body}"
        );
    }
    // verify_type(false): either type.
    let either = app(JwtLayer::new().verify_type(false).manager(manager), &runs);
    for token in [&access, &refresh] {
        assert_eq!(call(&either, "GET", "/protected", Some(token)).await.0, 200);
    }
}

#[tokio::test]
async fn the_managers_response_loaders_answer_refusals() {
    let manager = JwtManager::builder()
        .secret_key(SECRET)
        .unauthorized_loader(|message| {
            jwt_extended::json_response(418, &json!({ "why": message, "from": "unauthorized" }))
        })
        .expired_token_loader(|_header, claims| {
            jwt_extended::json_response(
                401,
                &json!({ "error": "token_expired", "sub": claims.sub() }),
            )
        })
        .build()
        .unwrap();
    let runs = Runs::default();
    let app = app(JwtLayer::new().manager(manager), &runs);
    let addr = common::serve(app.clone()).await;

    let missing = (
        418,
        json!({ "why": "Missing Authorization Header", "from": "unauthorized" }),
    );
    assert_eq!(call(&app, "GET", "/protected", None).await, missing);
    assert_eq!(http(addr, "GET", "/protected", None).await, missing);
    let expired = (401, json!({ "error": "token_expired", "sub": "test" }));
    let token = expired_token(SECRET);
    assert_eq!(call(&app, "GET", "/protected", Some(&token)).await, expired);
    assert_eq!(http(addr, "GET", "/protected", Some(&token)).await, expired);
    assert_eq!(runs.count(), 0);
}

#[tokio::test]
async fn async_loaders_are_awaited() {
    let checked = Arc::new(AtomicUsize::new(0));
    let seen = checked.clone();
    let manager = JwtManager::builder()
        .secret_key(SECRET)
        .token_in_blocklist_loader_async(move |token| {
            let seen = seen.clone();
            async move {
                // A real wait, as a database or Redis lookup would take.
                tokio::time::sleep(Duration::from_millis(5)).await;
                seen.fetch_add(1, Ordering::SeqCst);
                token.claims.sub() == Some("revoked")
            }
        })
        .user_lookup_loader_async(|token| async move {
            tokio::task::yield_now().await;
            token.claims.sub().map(|sub| format!("user {sub}"))
        })
        .build()
        .unwrap();
    let runs = Runs::default();
    let app = app(JwtLayer::new().manager(manager.clone()), &runs);
    let addr = common::serve(app.clone()).await;
    let good = manager.create_access_token("alice").unwrap();
    let revoked = manager.create_access_token("revoked").unwrap();

    let (status, body) = call(&app, "GET", "/protected", Some(&good)).await;
    assert_eq!(
        (status, &body["identity"], &body["user"]),
        (200, &json!("alice"), &json!("user alice")),
        "{body}"
    );
    let (status, body) = http(addr, "GET", "/protected", Some(&good)).await;
    assert_eq!((status, &body["user"]), (200, &json!("user alice")));
    assert_eq!(
        call(&app, "GET", "/protected", Some(&revoked)).await,
        msg(401, "Token has been revoked")
    );
    assert_eq!(
        http(addr, "GET", "/protected", Some(&revoked)).await,
        msg(401, "Token has been revoked")
    );
    assert_eq!(checked.load(Ordering::SeqCst), 4);
    assert_eq!(runs.count(), 2);

    // skip_revocation_check: the blocklist loader is not called.
    let skipping = app_with(JwtLayer::new().skip_revocation_check().manager(manager));
    let (status, body) = call(&skipping, "GET", "/protected", Some(&revoked)).await;
    assert_eq!((status, &body["identity"]), (200, &json!("revoked")));
    assert_eq!(checked.load(Ordering::SeqCst), 4);
}

fn app_with(layer: JwtLayer) -> Router {
    app(layer, &Runs::default())
}

#[tokio::test]
async fn optional_lets_requests_without_a_token_through_and_no_further() {
    let manager = manager();
    let app = app_with(JwtLayer::new().optional().manager(manager.clone()));
    let token = manager.create_access_token("alice").unwrap();

    let (status, body) = call(&app, "GET", "/protected", None).await;
    assert_eq!((status, &body["identity"]), (200, &Value::Null), "{body}");
    let (status, body) = call(&app, "GET", "/protected", Some(&token)).await;
    assert_eq!(
        (status, &body["identity"]),
        (200, &json!("alice")),
        "{body}"
    );
    // An absent token is forgiven, a bad or expired one is not.
    assert_eq!(
        call(&app, "GET", "/protected", Some("garbage")).await,
        msg(422, "Not enough segments")
    );
    assert_eq!(
        call(&app, "GET", "/protected", Some(&expired_token(SECRET))).await,
        msg(401, "Token has expired")
    );
}

#[tokio::test]
async fn options_requests_are_verified_like_any_other() {
    let manager = manager();
    let runs = Runs::default();
    let app = app(JwtLayer::new().manager(manager.clone()), &runs);
    let addr = common::serve(app.clone()).await;

    // Unlike flask-jwt-extended, an OPTIONS request without a token is refused: axum would run
    // the handler (CORS preflight belongs to a CORS layer outside JwtLayer).
    let refused = msg(401, "Missing Authorization Header");
    assert_eq!(call(&app, "OPTIONS", "/protected", None).await, refused);
    assert_eq!(http(addr, "OPTIONS", "/protected", None).await, refused);
    assert_eq!(runs.count(), 0, "the handler did not run");

    let token = manager.create_access_token("alice").unwrap();
    let (status, body) = http(addr, "OPTIONS", "/protected", Some(&token)).await;
    assert_eq!(
        (status, &body["identity"]),
        (200, &json!("alice")),
        "{body}"
    );
}

#[tokio::test]
async fn the_layer_manager_the_request_manager_and_the_default() {
    let default = JwtManager::builder()
        .secret_key("the-default-managers-secret-0123456789abcdef")
        .with(|c| c.error_msg_key = "default".into())
        .build()
        .unwrap();
    default.install_default();
    let own = JwtManager::builder()
        .secret_key("the-layers-own-secret-0123456789abcdefghij")
        .with(|c| c.error_msg_key = "own".into())
        .build()
        .unwrap();
    let per_request = JwtManager::builder()
        .secret_key("the-requests-manager-secret-0123456789abcd")
        .with(|c| c.error_msg_key = "request".into())
        .build()
        .unwrap();
    let default_app = app_with(JwtLayer::new());
    let own_app = app_with(JwtLayer::new().manager(own.clone()));
    // A manager in the request's extensions, put there by a layer outside JwtLayer.
    let request_app = app_with(JwtLayer::new()).layer(Extension(per_request.clone()));
    // The layer's own manager replaces the request's, below it too.
    let both_app =
        app_with(JwtLayer::new().manager(own.clone())).layer(Extension(per_request.clone()));

    let default_token = default.create_access_token("d").unwrap();
    let own_token = own.create_access_token("o").unwrap();
    let request_token = per_request.create_access_token("r").unwrap();

    let accepted = |who: &str, key: &str| {
        json!({
            "identity": who, "after_yield": who, "location": "headers",
            "current_manager": key, "extension_manager": key, "user": null,
        })
    };
    let cases: [(&Router, &str, (u16, Value)); 8] = [
        (
            &default_app,
            &default_token,
            (200, {
                let mut body = accepted("d", "default");
                // Nothing was put into the extensions: the default was found.
                body["extension_manager"] = Value::Null;
                body
            }),
        ),
        (
            &default_app,
            &own_token,
            (422, json!({"default": "Signature verification failed"})),
        ),
        (&own_app, &own_token, (200, accepted("o", "own"))),
        (
            &own_app,
            &default_token,
            (422, json!({"own": "Signature verification failed"})),
        ),
        (
            &request_app,
            &request_token,
            (200, accepted("r", "request")),
        ),
        (
            &request_app,
            &default_token,
            (422, json!({"request": "Signature verification failed"})),
        ),
        (&both_app, &own_token, (200, accepted("o", "own"))),
        (
            &both_app,
            &request_token,
            (422, json!({"own": "Signature verification failed"})),
        ),
    ];
    for (app, token, expected) in cases {
        assert_eq!(call(app, "GET", "/protected", Some(token)).await, expected);
    }
    // Over HTTP too.
    let addr = common::serve(own_app).await;
    assert_eq!(
        http(addr, "GET", "/protected", Some(&own_token)).await,
        (200, accepted("o", "own"))
    );
}

#[tokio::test]
async fn a_token_in_a_json_body_is_read_and_the_handler_still_gets_the_body() {
    async fn echo(Json(body): Json<Value>) -> Json<Value> {
        Json(
            json!({ "identity": identity(), "location": get_jwt_request_location(), "body": body }),
        )
    }
    let manager = JwtManager::builder()
        .secret_key(SECRET)
        .with(|c| c.token_location = vec![TokenLocation::Headers, TokenLocation::Json])
        .build()
        .unwrap();
    let app = Router::new()
        .route("/echo", post(echo))
        .route_layer(JwtLayer::new().manager(manager.clone()).body_limit(4096));
    let addr = common::serve(app).await;
    let token = manager.create_access_token("alice").unwrap();

    let body = json!({ "access_token": token, "item": [1, 2, 3] });
    let reply = common::post_json(addr, "/echo", &body.to_string()).await;
    assert_eq!(
        (reply.status, reply.json()),
        (
            200,
            json!({ "identity": "alice", "location": "json", "body": body })
        )
    );

    let reply = common::post_json(addr, "/echo", r#"{"item": 1}"#).await;
    assert_eq!(
        (reply.status, reply.json()),
        msg(
            401,
            r#"Missing JWT in headers or json (Missing Authorization Header; Missing "access_token" key in json data.)"#
        )
    );

    let long = json!({ "access_token": token, "padding": "x".repeat(5000) });
    let reply = common::post_json(addr, "/echo", &long.to_string()).await;
    assert_eq!(
        (reply.status, reply.json()),
        msg(413, "The request body is larger than 4096 bytes")
    );
}

/// A bare hyper 1.x server: `JwtLayer` over a `tower::service_fn` taking hyper's own
/// `Request<Incoming>`, served through hyper-util's `TowerToHyperService`.
#[tokio::test]
async fn on_a_bare_hyper_server() {
    async fn handler(
        request: Request<hyper::body::Incoming>,
    ) -> Result<Response<Full<Bytes>>, Infallible> {
        let before = identity();
        tokio::task::yield_now().await;
        let body = json!({
            "identity": before,
            "after_yield": identity(),
            "path": request.uri().path(),
        });
        Ok(Response::new(Full::new(Bytes::from(body.to_string()))))
    }

    let manager = manager();
    let service = JwtLayer::new()
        .no_buffering()
        .manager(manager.clone())
        .layer(tower::service_fn(handler));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            let service = hyper_util::service::TowerToHyperService::new(service.clone());
            tokio::spawn(
                hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service),
            );
        }
    });

    let token = manager.create_access_token("alice").unwrap();
    assert_eq!(
        http(addr, "GET", "/anything", Some(&token)).await,
        (
            200,
            json!({ "identity": "alice", "after_yield": "alice", "path": "/anything" })
        )
    );
    assert_eq!(
        http(addr, "GET", "/anything", None).await,
        msg(401, "Missing Authorization Header")
    );
    assert_eq!(
        http(addr, "POST", "/anything", Some("garbage")).await,
        msg(422, "Not enough segments")
    );
}

// ---------------------------------------------------------------------------------------------
// Context isolation under load
// ---------------------------------------------------------------------------------------------

/// Distinct identities, one request each.
const USERS: usize = 2_000;
/// Requests in flight at once.
const IN_FLIGHT: usize = 100;

/// A few pseudo-random milliseconds (0..=3), different from call to call.
fn jitter() -> Duration {
    static STATE: AtomicU64 = AtomicU64::new(0x9E37_79B9_7F4A_7C15);
    let mut x = STATE.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed);
    x ^= x >> 33;
    x = x.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    x ^= x >> 33;
    Duration::from_millis(x % 4)
}

/// Reads the identity between yields and sleeps, noting the worker thread of each read.
async fn probe() -> Json<Value> {
    let mut reads = Vec::new();
    let mut threads = Vec::new();
    for step in 0..6 {
        reads.push(identity());
        threads.push(format!("{:?}", std::thread::current().id()));
        if step % 2 == 0 {
            tokio::task::yield_now().await;
        } else {
            tokio::time::sleep(jitter()).await;
        }
    }
    reads.push(identity());
    Json(json!({ "reads": reads, "threads": threads }))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_requests_each_see_only_their_own_identity() {
    let manager = manager();
    let app = Router::new()
        .route("/probe", get(probe))
        .route_layer(JwtLayer::new().manager(manager.clone()));
    let addr = common::serve(app).await;

    let client: Client<_, Empty<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
    let limit = Arc::new(Semaphore::new(IN_FLIGHT));
    let mut requests = JoinSet::new();
    for i in 0..USERS {
        let who = format!("user-{i}");
        let token = manager.create_access_token(&who).unwrap();
        // Every 100th identity also sends a request without a token.
        let jobs = if i % 100 == 0 {
            vec![Some(token), None]
        } else {
            vec![Some(token)]
        };
        for token in jobs {
            let (client, limit, who) = (client.clone(), limit.clone(), who.clone());
            requests.spawn(async move {
                let _permit = limit.acquire_owned().await.unwrap();
                let mut request = Request::get(format!("http://{addr}/probe"));
                if let Some(token) = &token {
                    request = request.header(AUTHORIZATION, bearer(token));
                }
                let outcome = match client.request(request.body(Empty::new()).unwrap()).await {
                    Ok(response) => {
                        let status = response.status();
                        match response.into_body().collect().await {
                            Ok(body) => Ok((
                                status,
                                serde_json::from_slice::<Value>(&body.to_bytes())
                                    .unwrap_or(Value::Null),
                            )),
                            Err(e) => Err(format!("reading the body: {e}")),
                        }
                    }
                    Err(e) => Err(format!("request failed: {e}")),
                };
                (who, token.is_some(), outcome)
            });
        }
    }

    let (mut correct, mut refused, mut migrated) = (0, 0, 0);
    let mut mismatches = Vec::new();
    while let Some(joined) = requests.join_next().await {
        let (who, authenticated, outcome) = joined.unwrap();
        let (status, body) = match outcome {
            Ok(answer) => answer,
            Err(problem) => {
                mismatches.push(format!("{who}: {problem}"));
                continue;
            }
        };
        if !authenticated {
            if (status, &body)
                == (
                    StatusCode::UNAUTHORIZED,
                    &msg(401, "Missing Authorization Header").1,
                )
            {
                refused += 1;
            } else {
                mismatches.push(format!("{who} without a token: {status} {body}"));
            }
            continue;
        }
        if status == StatusCode::OK && body["reads"] == Value::Array(vec![json!(who); 7]) {
            correct += 1;
        } else {
            mismatches.push(format!("{who}: {status} {body}"));
        }
        let threads: HashSet<&str> = body["threads"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        migrated += usize::from(threads.len() > 1);
    }
    println!(
        "{USERS} requests with distinct identities ({IN_FLIGHT} in flight): {correct} correct, \
         {} mismatches, {refused} unauthenticated requests refused; {migrated} handlers moved \
         between worker threads while running",
        mismatches.len()
    );
    for mismatch in mismatches.iter().take(10) {
        println!("mismatch: {mismatch}");
    }
    assert!(
        mismatches.is_empty(),
        "{} requests saw the wrong context",
        mismatches.len()
    );
    assert_eq!(correct, USERS);
    assert_eq!(refused, USERS / 100);

    // Afterwards no worker thread holds a context.
    let mut checks = JoinSet::new();
    for _ in 0..2_000 {
        checks.spawn(async {
            tokio::task::yield_now().await;
            current().is_none()
        });
    }
    let mut leftovers = 0;
    while let Some(clean) = checks.join_next().await {
        leftovers += usize::from(!clean.unwrap());
    }
    assert_eq!(leftovers, 0, "a worker thread kept a request's context");
}

/// With `csrf_check_form`, the layer reads an urlencoded body so that the CSRF value can come
/// from the form field, and gives the body back to the handler (issue 11, item 5).
#[tokio::test]
async fn the_csrf_form_field_is_read_from_an_urlencoded_body() {
    let manager = JwtManager::builder()
        .secret_key("layer-form-test-secret-0123456789abcdef")
        .with(|c| {
            c.token_location = vec![jwt_extended::TokenLocation::Cookies];
            c.csrf_check_form = true;
        })
        .build()
        .unwrap();
    async fn echo(body: String) -> String {
        format!("{:?} {body}", get_jwt_identity().map(|i| i.to_string()))
    }
    let app = Router::new()
        .route("/form", post(echo))
        .route_layer(JwtLayer::new().manager(manager.clone()));
    let token = manager.create_access_token("erin").unwrap();
    let csrf = manager.get_csrf_token(&token).unwrap();
    let send = |field: String| {
        let request = Request::post("/form")
            .header("Cookie", format!("access_token_cookie={token}"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(Body::from(field))
            .unwrap();
        app.clone().oneshot(request)
    };
    let ok = send(format!("csrf_token={csrf}&x=1")).await.unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    let body = ok.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(
        body,
        format!("Some(\"erin\") csrf_token={csrf}&x=1").as_bytes()
    );
    let wrong = send("csrf_token=nope".into()).await.unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let body = wrong.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(
        body,
        &b"{\"msg\":\"CSRF double submit tokens do not match\"}\n"[..]
    );
    let missing = send("x=1".into()).await.unwrap();
    let body = missing.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(body, &b"{\"msg\":\"Missing CSRF token\"}\n"[..]);
}
