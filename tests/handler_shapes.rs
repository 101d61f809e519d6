//! Every request-parameter shape `#[jwt_required]` accepts keeps every check (issue 11, holes
//! 1-3): over real HTTP on axum, as users write handlers (`HeaderMap` beside `Json`, `State`,
//! `any(...)` routes, per-tenant managers in the request extensions).

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use axum::http::{Extensions, HeaderMap, Method};
use axum::routing::{any, post};
use axum::{Extension, Json, Router};
use common::{send, serve};
use jwt_extended::{get_jwt_identity, jwt_required, JwtManager, TokenLocation};
use serde_json::{json, Value};

const SECRET_A: &str = "tenant A's secret, long enough for HS256 keys";
const MISSING: &str = "Missing JWT in headers or cookies (Missing Authorization Header; \
                       Missing cookie \"access_token_cookie\")";
const SECRET_B: &str = "tenant B's secret, long enough for HS256 keys";

fn tenant(secret: &str) -> JwtManager {
    JwtManager::builder()
        .secret_key(secret)
        .with(|c| c.token_location = vec![TokenLocation::Headers, TokenLocation::Cookies])
        .build()
        .unwrap()
}

/// Tenant A's manager, installed as the process default (the situation in which a handler that
/// cannot see its request's manager would silently use another one).
fn tenant_a() -> &'static JwtManager {
    static A: OnceLock<JwtManager> = OnceLock::new();
    A.get_or_init(|| {
        let manager = tenant(SECRET_A);
        manager.install_default();
        manager
    })
}

/// A state-changing handler in the shape axum users write: headers and extensions beside a
/// JSON body, no method parameter.
#[jwt_required]
async fn transfer(
    headers: HeaderMap,
    extensions: Extensions,
    Json(body): Json<Value>,
) -> Json<Value> {
    let _ = (headers, extensions);
    Json(json!({ "by": get_jwt_identity(), "amount": body["amount"] }))
}

/// The same with the method given: CSRF applies to the protected methods only.
#[jwt_required]
async fn with_method(method: Method, headers: HeaderMap, extensions: Extensions) -> Json<Value> {
    let _ = (headers, extensions);
    Json(json!({ "method": method.as_str(), "by": get_jwt_identity() }))
}

fn cookie_headers(token: &str) -> String {
    format!("access_token_cookie={token}")
}

/// Hole 1: a cookie token without its CSRF value never passes a handler that takes a
/// `HeaderMap` — with no `Method` parameter the method is unknown and counts as state-changing.
#[tokio::test]
async fn header_map_handler_requires_csrf_for_cookie_tokens() {
    let manager = tenant_a().clone();
    let app = Router::new()
        .route("/transfer", post(transfer))
        .route("/with-method", any(with_method))
        .layer(Extension(manager.clone()));
    let addr = serve(app).await;
    let token = manager.create_access_token("alice").unwrap();
    let csrf = manager.get_csrf_token(&token).unwrap();
    let cookie = cookie_headers(&token);
    let json_type = ("Content-Type", "application/json");

    let refused = send(
        addr,
        "POST",
        "/transfer",
        &[("Cookie", &cookie), json_type],
        Some(r#"{"amount":5}"#),
    )
    .await;
    assert_eq!(
        (refused.status, refused.json()),
        (401, json!({"msg": "Missing CSRF token"}))
    );

    let wrong = send(
        addr,
        "POST",
        "/transfer",
        &[("Cookie", &cookie), ("X-CSRF-TOKEN", "nope"), json_type],
        Some(r#"{"amount":5}"#),
    )
    .await;
    assert_eq!(
        (wrong.status, wrong.json()),
        (
            401,
            json!({"msg": "CSRF double submit tokens do not match"})
        )
    );

    let ok = send(
        addr,
        "POST",
        "/transfer",
        &[("Cookie", &cookie), ("X-CSRF-TOKEN", &csrf), json_type],
        Some(r#"{"amount":5}"#),
    )
    .await;
    assert_eq!(
        (ok.status, ok.json()),
        (200, json!({"by": "alice", "amount": 5}))
    );

    // Unknown method: even a GET needs the CSRF value when the handler cannot see the method.
    // With the method parameter, GET is exempt and POST is not, as in flask-jwt-extended.
    let get = send(addr, "GET", "/with-method", &[("Cookie", &cookie)], None).await;
    assert_eq!(
        (get.status, get.json()),
        (200, json!({"method": "GET", "by": "alice"}))
    );
    let post = send(addr, "POST", "/with-method", &[("Cookie", &cookie)], None).await;
    assert_eq!(
        (post.status, post.json()),
        (401, json!({"msg": "Missing CSRF token"}))
    );
    let delete = send(
        addr,
        "DELETE",
        "/with-method",
        &[("Cookie", &cookie), ("X-CSRF-TOKEN", &csrf)],
        None,
    )
    .await;
    assert_eq!(
        (delete.status, delete.json()),
        (200, json!({"method": "DELETE", "by": "alice"}))
    );
}

/// Hole 2: a route verifies with its request's manager, never the process default: tenant B's
/// route accepts B's tokens and refuses A's, though A's manager is the default.
#[tokio::test]
async fn header_map_handler_uses_the_requests_manager() {
    let a = tenant_a().clone();
    let b = tenant(SECRET_B);
    let app = Router::new()
        .route("/b", any(with_method))
        .layer(Extension(b.clone()));
    let addr = serve(app).await;
    let token_a = a.create_access_token("alice").unwrap();
    let token_b = b.create_access_token("bob").unwrap();

    let own = send(
        addr,
        "GET",
        "/b",
        &[("Authorization", &format!("Bearer {token_b}"))],
        None,
    )
    .await;
    assert_eq!(
        (own.status, own.json()),
        (200, json!({"method": "GET", "by": "bob"}))
    );
    let foreign = send(
        addr,
        "GET",
        "/b",
        &[("Authorization", &format!("Bearer {token_a}"))],
        None,
    )
    .await;
    assert_eq!(
        (foreign.status, foreign.json()),
        (422, json!({"msg": "Signature verification failed"}))
    );
}

/// Hole 3: OPTIONS never runs the body of a protected handler without a verified token,
/// whatever the route (`any`, `.options`, fallback): it is checked like any other method.
#[tokio::test]
async fn options_is_checked_like_any_method() {
    static RAN: AtomicUsize = AtomicUsize::new(0);
    #[jwt_required]
    async fn danger(req: axum::extract::Request) -> Json<Value> {
        let _ = req;
        RAN.fetch_add(1, Ordering::SeqCst);
        Json(json!({ "by": get_jwt_identity() }))
    }
    let manager = tenant_a().clone();
    let app = Router::new()
        .route("/danger", any(danger))
        .fallback(danger)
        .layer(Extension(manager.clone()));
    let addr = serve(app).await;
    for path in ["/danger", "/elsewhere"] {
        let refused = send(addr, "OPTIONS", path, &[], None).await;
        assert_eq!(
            (refused.status, refused.json()),
            (401, json!({"msg": MISSING})),
            "{path}"
        );
    }
    assert_eq!(
        RAN.load(Ordering::SeqCst),
        0,
        "the handler never ran without a token"
    );
    let token = manager.create_access_token("alice").unwrap();
    let allowed = send(
        addr,
        "OPTIONS",
        "/danger",
        &[("Authorization", &format!("Bearer {token}"))],
        None,
    )
    .await;
    assert_eq!(
        (allowed.status, allowed.json()),
        (200, json!({"by": "alice"}))
    );
    assert_eq!(RAN.load(Ordering::SeqCst), 1);
}

/// `verify_request` keeps flask's OPTIONS exemption as an explicit option, off by default.
#[test]
fn options_exemption_is_explicit() {
    let manager = tenant_a();
    let request = http::Request::options("/").body(()).unwrap();
    let default = manager.verify_request(&request, &jwt_extended::VerifyOptions::new());
    assert_eq!(default.unwrap_err().to_string(), MISSING);
    let exempt = jwt_extended::VerifyOptions {
        exempt_options: true,
        ..jwt_extended::VerifyOptions::new()
    };
    assert!(manager.verify_request(&request, &exempt).unwrap().is_none());
}

/// A location the parameters cannot show is refused, never searched as empty: the query string
/// without a `Uri` parameter, configured at run time (a compile error when named in
/// `locations`). The client sees a generic 500; the developer message goes to the log.
#[tokio::test]
async fn unreadable_location_is_refused() {
    let manager = JwtManager::builder()
        .secret_key(SECRET_B)
        .with(|c| c.token_location = vec![TokenLocation::QueryString])
        .build()
        .unwrap();
    #[jwt_required(optional)]
    async fn optional(headers: HeaderMap, extensions: Extensions) -> Json<Value> {
        let _ = (headers, extensions);
        Json(json!({ "by": get_jwt_identity() }))
    }
    let app = Router::new()
        .route("/optional", any(optional))
        .layer(Extension(manager.clone()));
    let addr = serve(app).await;
    let token = manager.create_access_token("alice").unwrap();
    let reply = send(addr, "GET", &format!("/optional?jwt={token}"), &[], None).await;
    assert_eq!(
        (reply.status, reply.json()),
        (500, json!({"msg": "Internal Server Error"}))
    );
}

/// Handlers given the same shapes keep working for the shapes' own checks: a counter of calls
/// shared with the async handler confirms each ran once per accepted request.
#[tokio::test]
async fn handlers_run_once_per_accepted_request() {
    let calls = Arc::new(AtomicUsize::new(0));
    let manager = tenant_a().clone();
    let counted = calls.clone();
    let app = Router::new()
        .route(
            "/count",
            any(move |headers: HeaderMap, extensions: Extensions| {
                let counted = counted.clone();
                async move {
                    #[jwt_required]
                    async fn inner(headers: HeaderMap, extensions: Extensions) -> String {
                        let _ = (headers, extensions);
                        get_jwt_identity()
                            .map(|i| i.to_string())
                            .unwrap_or_default()
                    }
                    let out = inner(headers, extensions).await;
                    if out.refusal().is_none() {
                        counted.fetch_add(1, Ordering::SeqCst);
                    }
                    out
                }
            }),
        )
        .layer(Extension(manager.clone()));
    let addr = serve(app).await;
    let token = manager.create_access_token("carol").unwrap();
    let ok = send(
        addr,
        "GET",
        "/count",
        &[("Authorization", &format!("Bearer {token}"))],
        None,
    )
    .await;
    assert_eq!((ok.status, ok.body.as_slice()), (200, &b"carol"[..]));
    let refused = send(addr, "GET", "/count", &[], None).await;
    assert_eq!(refused.status, 401);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

/// The attribute on a handler taking an extractor: the token is verified before the body is
/// read (no token + a bad body is 401, not the body's 422), and the accessors see the
/// extractor's context inside the body.
#[tokio::test]
async fn attribute_with_an_extractor_verifies_first_and_enters_its_context() {
    use jwt_extended::extractors::JwtIdentity;
    #[jwt_required]
    async fn note(user: JwtIdentity<String>, Json(body): Json<Value>) -> Json<Value> {
        tokio::task::yield_now().await;
        Json(json!({ "user": *user, "seen": get_jwt_identity(), "text": body["text"] }))
    }
    let manager = tenant_a().clone();
    let app = Router::new()
        .route("/note", post(note))
        .layer(Extension(manager.clone()));
    let addr = serve(app).await;
    let json_type = ("Content-Type", "application/json");
    let refused = send(addr, "POST", "/note", &[json_type], Some("{not json")).await;
    assert_eq!(
        (refused.status, refused.json()),
        (401, json!({ "msg": MISSING }))
    );
    let token = manager.create_access_token("dora").unwrap();
    let auth = format!("Bearer {token}");
    let ok = send(
        addr,
        "POST",
        "/note",
        &[json_type, ("Authorization", &auth)],
        Some(r#"{"text":"hi"}"#),
    )
    .await;
    assert_eq!(
        (ok.status, ok.json()),
        (200, json!({ "user": "dora", "seen": "dora", "text": "hi" }))
    );
}

/// `JwtClaims` defaults to jwt-core's `Claims`, deserialized through the strict rules.
#[tokio::test]
async fn claims_extractor_defaults_to_the_claims_type() {
    use jwt_extended::extractors::JwtClaims;
    async fn subject(claims: JwtClaims) -> String {
        format!("{:?} {}", claims.sub(), claims.token_type())
    }
    let manager = tenant_a().clone();
    let app = Router::new()
        .route("/sub", any(subject))
        .layer(Extension(manager.clone()));
    let addr = serve(app).await;
    let token = manager.create_access_token("fay").unwrap();
    let auth = format!("Bearer {token}");
    let ok = send(addr, "GET", "/sub", &[("Authorization", &auth)], None).await;
    assert_eq!(
        (ok.status, ok.body.as_slice()),
        (200, &b"Some(\"fay\") access"[..])
    );
}
