//! The per-request context behind `get_jwt_identity()` stays with its request: across awaits
//! and worker threads, between concurrent requests, in nested protected calls, through panics,
//! and it never outlives its scope on a thread.
//!
//! The big test runs a real axum server on a multi-threaded runtime and sends it thousands of
//! concurrent requests, each with its own identity. No manager is installed as the process-wide
//! default anywhere in this file: every request gets one through its extensions (a middleware
//! inserts it), so these tests cannot interfere with others through the global default.

use std::collections::HashSet;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::{pin, Pin};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::thread::ThreadId;
use std::time::Duration;

use axum::extract::Request;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use bytes::Bytes;
use http::header::AUTHORIZATION;
use http::request::Parts;
use http::{HeaderMap, HeaderValue, StatusCode};
use http_body_util::{BodyExt, Empty};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use jwt_extended::{
    create_access_token, current, enter, get_jwt, get_jwt_header, get_jwt_identity,
    get_jwt_request_location, jwt_required, propagate, scope, JwtContext, JwtError, JwtManager,
    TokenLocation, VerifyOptions,
};
use serde_json::{json, Value};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

const SECRET: &str = "context-isolation-test-secret-0123456789-abcdefghijklmnop";

/// Distinct identities sent to each of `/probe` and `/sync`.
const USERS: usize = 1_000;
/// Requests in flight at once.
const IN_FLIGHT: usize = 100;

fn manager() -> JwtManager {
    JwtManager::builder()
        .secret_key(SECRET)
        .build()
        .expect("valid manager")
}

/// The current identity as a plain string (`None` outside a protected scope).
fn identity() -> Option<String> {
    get_jwt_identity().map(|id| id.to_string())
}

fn bearer(token: &str) -> HeaderValue {
    HeaderValue::from_str(&format!("Bearer {token}")).expect("valid header")
}

/// A verified context for `who`, built the way `#[jwt_required]` builds one.
fn context_for(manager: &JwtManager, who: &str) -> Option<Arc<JwtContext>> {
    let token = manager.create_access_token(who).expect("token");
    let request = http::Request::get("/")
        .header(AUTHORIZATION, bearer(&token))
        .body(())
        .expect("request");
    let context = manager
        .verify_request(&request, &VerifyOptions::new())
        .expect("valid token");
    assert!(context.is_some(), "a GET request gets a context");
    context
}

/// A few pseudo-random milliseconds (0..=4), different from call to call.
fn jitter() -> Duration {
    static STATE: AtomicU64 = AtomicU64::new(0x9E37_79B9_7F4A_7C15);
    let mut x = STATE.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed);
    x ^= x >> 33;
    x = x.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    x ^= x >> 33;
    Duration::from_millis(x % 5)
}

fn thread_tag() -> String {
    format!("{:?}", std::thread::current().id())
}

// ---------------------------------------------------------------------------------------------
// Handlers
// ---------------------------------------------------------------------------------------------

/// Reads the identity before and after every kind of await, in spawned tasks with and without
/// `propagate`, and around a nested protected call made with another identity.
#[jwt_required]
async fn probe(req: Request) -> Response {
    let mut reads = vec![identity()];
    let mut threads = vec![thread_tag()];

    tokio::time::sleep(jitter()).await;
    reads.push(identity());
    threads.push(thread_tag());

    tokio::task::yield_now().await;
    reads.push(identity());
    threads.push(thread_tag());

    let propagated = tokio::spawn(propagate(async {
        let first = identity();
        tokio::task::yield_now().await;
        tokio::time::sleep(jitter()).await;
        [first, identity()]
    }))
    .await
    .expect("propagated task");
    reads.push(identity());
    threads.push(thread_tag());

    let plain = tokio::spawn(async {
        let first = identity();
        tokio::task::yield_now().await;
        [first, identity()]
    })
    .await
    .expect("plain task");
    reads.push(identity());
    threads.push(thread_tag());

    // A nested protected call with another identity, then the outer identity again.
    let who = identity().unwrap_or_default();
    let inner_token = create_access_token(format!("{who}-inner")).expect("inner token");
    let manager = JwtManager::current().expect("the request's manager is current");
    let inner_request = http::Request::get("/inner")
        .header(AUTHORIZATION, bearer(&inner_token))
        .extension(manager)
        .body(())
        .expect("inner request");
    let inner = inner(inner_request).await.expect("inner call accepted");
    reads.push(identity());
    threads.push(thread_tag());

    tokio::time::sleep(jitter()).await;
    reads.push(identity());
    threads.push(thread_tag());

    let _ = req;
    Json(json!({
        "reads": reads,
        "propagated": propagated,
        "plain": plain,
        "inner": inner,
        "threads": threads,
    }))
    .into_response()
}

/// Protected, called from inside other protected code with its own token.
#[jwt_required]
async fn inner(req: http::Request<()>) -> Result<Vec<Option<String>>, JwtError> {
    let _ = req;
    let first = identity();
    tokio::task::yield_now().await;
    tokio::time::sleep(jitter()).await;
    Ok(vec![first, identity()])
}

/// An unprotected route calling a protected synchronous function, checking that nothing is
/// visible before or after it.
async fn sync_route(req: Request) -> Response {
    let before = identity();
    let (parts, _body) = req.into_parts();
    let reply = sync_probe(&parts);
    let after = identity();
    if reply.status() != StatusCode::OK {
        return reply.into_response();
    }
    let mut body: Value = serde_json::from_str(reply.body()).expect("sync_probe JSON");
    body["outside"] = json!([before, after]);
    Json(body).into_response()
}

#[jwt_required]
fn sync_probe(parts: &Parts) -> http::Response<String> {
    let mut reads = vec![identity()];

    // A nested protected sync call with another identity, verified by the current manager.
    let who = identity().unwrap_or_default();
    let mut inner_headers = HeaderMap::new();
    let inner_token = create_access_token(format!("{who}-inner")).expect("inner token");
    inner_headers.insert(AUTHORIZATION, bearer(&inner_token));
    let nested = sync_inner(&inner_headers).expect("inner call accepted");
    reads.push(identity());

    // `enter(None)` hides the context; leaving restores it.
    let hidden = {
        let _guard = enter(None);
        identity()
    };
    reads.push(identity());

    let _ = parts;
    http::Response::new(json!({ "reads": reads, "nested": nested, "hidden": hidden }).to_string())
}

fn current_manager() -> JwtManager {
    JwtManager::current().expect("called inside a protected scope")
}

#[jwt_required(manager = current_manager())]
fn sync_inner(headers: &HeaderMap) -> Result<Option<String>, JwtError> {
    let _ = headers;
    Ok(identity())
}

/// The app, with the manager put into every request's extensions by a middleware.
fn app(manager: JwtManager) -> Router {
    Router::new()
        .route("/probe", get(probe))
        .route("/sync", get(sync_route))
        .layer(middleware::from_fn(move |mut req: Request, next: Next| {
            let manager = manager.clone();
            async move {
                req.extensions_mut().insert(manager);
                next.run(req).await
            }
        }))
}

// ---------------------------------------------------------------------------------------------
// The concurrent HTTP test
// ---------------------------------------------------------------------------------------------

/// What went wrong with one response, if anything.
fn check_probe(who: &str, status: StatusCode, body: &Value) -> Option<String> {
    if status != StatusCode::OK {
        return Some(format!("{who}: /probe status {status}: {body}"));
    }
    let me = json!(who);
    let inner_me = json!(format!("{who}-inner"));
    let reads = body["reads"].as_array().cloned().unwrap_or_default();
    if reads.len() != 7 || reads.iter().any(|r| *r != me) {
        return Some(format!("{who}: /probe reads {}", body["reads"]));
    }
    if body["propagated"] != json!([who, who]) {
        return Some(format!("{who}: propagated task saw {}", body["propagated"]));
    }
    if body["plain"] != json!([null, null]) {
        return Some(format!("{who}: plain spawned task saw {}", body["plain"]));
    }
    if body["inner"] != json!([inner_me, inner_me]) {
        return Some(format!("{who}: nested call saw {}", body["inner"]));
    }
    None
}

fn check_sync(who: &str, status: StatusCode, body: &Value) -> Option<String> {
    if status != StatusCode::OK {
        return Some(format!("{who}: /sync status {status}: {body}"));
    }
    let expected = json!({
        "reads": [who, who, who],
        "nested": format!("{who}-inner"),
        "hidden": null,
        "outside": [null, null],
    });
    (*body != expected).then(|| format!("{who}: /sync answered {body}, expected {expected}"))
}

#[derive(Default)]
struct Tally {
    probe_ok: usize,
    sync_ok: usize,
    refused: usize,
    mismatches: Vec<String>,
    /// Requests whose handler ran on more than one worker thread.
    migrated: usize,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_requests_each_see_only_their_own_identity() {
    let server_manager = manager();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    let server = tokio::spawn(async move {
        axum::serve(listener, app(server_manager))
            .await
            .expect("server");
    });

    // Tokens are made with a separate manager with the same secret: the server's is only
    // reachable through requests.
    let issuer = manager();
    let client: Client<_, Empty<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
    let limit = Arc::new(Semaphore::new(IN_FLIGHT));
    let mut requests = JoinSet::new();
    // Each identity goes to both routes; every 100th also sends an unauthenticated request.
    for i in 0..USERS {
        let who = format!("user-{i}");
        let token = issuer.create_access_token(&who).expect("token");
        let mut jobs = vec![("/probe", Some(token.clone())), ("/sync", Some(token))];
        if i % 100 == 0 {
            jobs.push(("/probe", None));
        }
        for (path, token) in jobs {
            let client = client.clone();
            let limit = limit.clone();
            let who = who.clone();
            requests.spawn(async move {
                let _permit = limit.acquire_owned().await.expect("semaphore");
                let mut request = http::Request::get(format!("http://{addr}{path}"));
                if let Some(token) = &token {
                    request = request.header(AUTHORIZATION, bearer(token));
                }
                let request = request.body(Empty::new()).expect("request");
                // A failed exchange (say, a handler panicked) is a mismatch, not a test panic.
                let outcome = match client.request(request).await {
                    Ok(response) => {
                        let status = response.status();
                        match response.into_body().collect().await {
                            Ok(body) => serde_json::from_slice::<Value>(&body.to_bytes())
                                .map(|body| (status, body))
                                .map_err(|e| format!("{path}: not JSON: {e}")),
                            Err(e) => Err(format!("{path}: reading the body: {e}")),
                        }
                    }
                    Err(e) => Err(format!("{path}: request failed: {e}")),
                };
                (who, path, token.is_some(), outcome)
            });
        }
    }

    let mut tally = Tally::default();
    while let Some(joined) = requests.join_next().await {
        let (who, path, authenticated, outcome) = joined.expect("request task");
        let (status, body) = match outcome {
            Ok(answer) => answer,
            Err(problem) => {
                tally.mismatches.push(format!("{who}: {problem}"));
                continue;
            }
        };
        let problem = match (path, authenticated) {
            (_, false) => {
                if status == StatusCode::UNAUTHORIZED {
                    tally.refused += 1;
                    None
                } else {
                    Some(format!("{who}: no token, got {status}: {body}"))
                }
            }
            ("/probe", true) => {
                let threads: HashSet<&str> = body["threads"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                if threads.len() > 1 {
                    tally.migrated += 1;
                }
                let problem = check_probe(&who, status, &body);
                tally.probe_ok += usize::from(problem.is_none());
                problem
            }
            _ => {
                let problem = check_sync(&who, status, &body);
                tally.sync_ok += usize::from(problem.is_none());
                problem
            }
        };
        tally.mismatches.extend(problem);
    }

    println!(
        "{} /probe and {} /sync requests with distinct identities ({IN_FLIGHT} in flight): \
         {} + {} correct, {} mismatches; {} unauthenticated requests refused; \
         {} /probe handlers moved between worker threads while running",
        USERS,
        USERS,
        tally.probe_ok,
        tally.sync_ok,
        tally.mismatches.len(),
        tally.refused,
        tally.migrated,
    );
    for mismatch in tally.mismatches.iter().take(10) {
        println!("mismatch: {mismatch}");
    }
    assert!(
        tally.mismatches.is_empty(),
        "{} requests saw the wrong context",
        tally.mismatches.len()
    );
    assert_eq!(tally.probe_ok, USERS);
    assert_eq!(tally.sync_ok, USERS);
    assert_eq!(tally.refused, USERS / 100);

    // Afterwards no worker thread holds a context: many tasks, spread over the workers, look.
    let mut checks = JoinSet::new();
    for _ in 0..2_000 {
        checks.spawn(async {
            tokio::task::yield_now().await;
            let clean = current().is_none() && get_jwt_identity().is_none();
            (std::thread::current().id(), clean)
        });
    }
    let mut threads: HashSet<ThreadId> = HashSet::new();
    let mut leftovers = 0;
    while let Some(joined) = checks.join_next().await {
        let (thread, clean) = joined.expect("check task");
        threads.insert(thread);
        leftovers += usize::from(!clean);
    }
    println!(
        "after the requests: {leftovers} of 2000 tasks on {} worker threads saw a leftover context",
        threads.len()
    );
    assert_eq!(leftovers, 0, "a worker thread kept a request's context");

    // And on every worker for sure: one task per worker, each holding its worker (blocked on a
    // barrier) until all of them have looked, so no two can run on the same thread.
    let workers = tokio::runtime::Handle::current().metrics().num_workers();
    let barrier = Arc::new(std::sync::Barrier::new(workers));
    let mut checks = JoinSet::new();
    for _ in 0..workers {
        let barrier = barrier.clone();
        checks.spawn(async move {
            let clean = current().is_none();
            barrier.wait();
            (std::thread::current().id(), clean)
        });
    }
    let mut threads: HashSet<ThreadId> = HashSet::new();
    while let Some(joined) = checks.join_next().await {
        let (thread, clean) = joined.expect("check task");
        assert!(clean, "worker {thread:?} kept a request's context");
        threads.insert(thread);
    }
    assert_eq!(
        threads.len(),
        workers,
        "one check ran on each worker thread"
    );
    assert!(current().is_none(), "the test's own task has no context");

    server.abort();
}

// ---------------------------------------------------------------------------------------------
// Nesting
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn nested_async_protected_calls_restore_the_outer_context() {
    let manager = manager();
    let token = manager.create_access_token("outer").expect("token");
    let request = http::Request::get("/")
        .header(AUTHORIZATION, bearer(&token))
        .extension(manager.clone())
        .body(())
        .expect("request");

    #[jwt_required]
    async fn outer(req: http::Request<()>) -> Result<Vec<Option<String>>, JwtError> {
        let mut reads = vec![identity()];
        let manager = JwtManager::current().expect("current manager");
        let token = manager.create_access_token("middle").expect("token");
        let middle_request = http::Request::get("/")
            .header(AUTHORIZATION, bearer(&token))
            .extension(manager.clone())
            .body(())
            .expect("request");
        // The middle call nests a plain `scope` with a third identity.
        let third = context_for(&manager, "third");
        let middle_reads = middle(middle_request, third).await?;
        reads.extend(middle_reads);
        reads.push(identity());
        tokio::task::yield_now().await;
        reads.push(identity());
        let _ = req;
        Ok(reads)
    }

    #[jwt_required]
    async fn middle(
        req: http::Request<()>,
        third: Option<Arc<JwtContext>>,
    ) -> Result<Vec<Option<String>>, JwtError> {
        let before = identity();
        let nested = scope(third, async {
            tokio::task::yield_now().await;
            identity()
        })
        .await;
        tokio::time::sleep(Duration::from_millis(1)).await;
        let _ = req;
        Ok(vec![before, nested, identity()])
    }

    assert_eq!(identity(), None);
    let reads = outer(request).await.expect("accepted");
    let s = |v: &str| Some(v.to_owned());
    assert_eq!(
        reads,
        vec![
            s("outer"),
            s("middle"),
            s("third"),
            s("middle"),
            s("outer"),
            s("outer")
        ]
    );
    assert_eq!(identity(), None, "nothing is left after the outer call");

    // A request without a token is refused before the body runs.
    let refused = outer(http::Request::new(())).await;
    assert!(
        matches!(refused, Err(JwtError::NoManager)),
        "no manager in the extensions and none installed: {refused:?}"
    );
    let mut no_token = http::Request::new(());
    no_token.extensions_mut().insert(manager);
    let refused = outer(no_token).await;
    assert!(refused.is_err(), "no token: {refused:?}");
}

#[test]
fn nested_sync_scopes_restore_the_outer_context() {
    let manager = manager();
    let token = manager.create_access_token("protected").expect("token");
    let mut headers = HeaderMap::new();
    headers.insert(AUTHORIZATION, bearer(&token));

    #[jwt_required(manager = crate::manager())]
    fn protected(headers: &HeaderMap) -> Result<Option<String>, JwtError> {
        let _ = headers;
        Ok(identity())
    }

    assert_eq!(identity(), None);
    {
        let _a = enter(context_for(&manager, "a"));
        assert_eq!(identity().as_deref(), Some("a"));
        {
            let _b = enter(context_for(&manager, "b"));
            assert_eq!(identity().as_deref(), Some("b"));
            assert_eq!(
                protected(&headers).expect("accepted").as_deref(),
                Some("protected")
            );
            assert_eq!(identity().as_deref(), Some("b"));
            {
                let _hidden = enter(None);
                assert_eq!(identity(), None);
            }
            assert_eq!(identity().as_deref(), Some("b"));
        }
        assert_eq!(identity().as_deref(), Some("a"));
        assert_eq!(
            protected(&headers).expect("accepted").as_deref(),
            Some("protected")
        );
        assert_eq!(identity().as_deref(), Some("a"));
        // A refused call does not disturb the context either.
        assert!(protected(&HeaderMap::new()).is_err());
        assert_eq!(identity().as_deref(), Some("a"));
    }
    assert_eq!(identity(), None);
    assert!(current().is_none());
}

// ---------------------------------------------------------------------------------------------
// Panics and drops
// ---------------------------------------------------------------------------------------------

#[test]
fn a_panicking_sync_handler_leaves_no_context() {
    let manager = manager();
    let token = manager.create_access_token("panicker").expect("token");
    let mut headers = HeaderMap::new();
    headers.insert(AUTHORIZATION, bearer(&token));

    #[jwt_required(manager = crate::manager())]
    fn boom(headers: &HeaderMap) -> Result<(), JwtError> {
        let _ = headers;
        assert_eq!(identity().as_deref(), Some("panicker"));
        panic!("handler panicked");
    }

    let caught = catch_unwind(|| boom(&headers));
    assert!(caught.is_err(), "the handler panicked");
    assert!(current().is_none(), "the panic left the context behind");

    // Inside an outer scope, the outer context comes back.
    let _outer = enter(context_for(&manager, "outer"));
    assert!(catch_unwind(|| boom(&headers)).is_err());
    assert_eq!(identity().as_deref(), Some("outer"));
    drop(_outer);
    assert!(current().is_none());
}

/// Returns `Pending` once, waking itself.
struct PendingOnce(bool);

impl Future for PendingOnce {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

#[test]
fn a_scope_future_that_panics_while_polled_leaves_no_context() {
    let manager = manager();
    let mut cx = Context::from_waker(Waker::noop());
    let mut future = pin!(scope(context_for(&manager, "scoped"), async {
        assert_eq!(identity().as_deref(), Some("scoped"));
        PendingOnce(false).await;
        assert_eq!(identity().as_deref(), Some("scoped"));
        panic!("future panicked");
    }));

    assert!(future.as_mut().poll(&mut cx).is_pending());
    assert!(current().is_none(), "the context shows between polls");

    let outer = enter(context_for(&manager, "outer"));
    let caught = catch_unwind(AssertUnwindSafe(|| future.as_mut().poll(&mut cx)));
    assert!(caught.is_err(), "the second poll panicked");
    assert_eq!(
        identity().as_deref(),
        Some("outer"),
        "the outer context came back"
    );
    drop(outer);
    assert!(current().is_none(), "the panic left a context behind");
}

/// Records the identity visible when it is dropped, and panics then if asked to.
struct DropProbe {
    seen: Arc<Mutex<Vec<Option<String>>>>,
    panic: bool,
}

impl Drop for DropProbe {
    fn drop(&mut self) {
        self.seen.lock().expect("lock").push(identity());
        if self.panic {
            panic!("drop panicked");
        }
    }
}

#[test]
fn a_scope_future_is_dropped_inside_its_context() {
    let manager = manager();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let mut cx = Context::from_waker(Waker::noop());

    for panic in [false, true] {
        let probe = DropProbe {
            seen: seen.clone(),
            panic,
        };
        let mut future = Box::pin(scope(context_for(&manager, "dropped"), async move {
            let _probe = probe;
            PendingOnce(false).await;
            identity()
        }));
        assert!(future.as_mut().poll(&mut cx).is_pending());
        assert!(current().is_none());
        let dropped = catch_unwind(AssertUnwindSafe(|| drop(future)));
        assert_eq!(dropped.is_err(), panic);
        assert!(current().is_none(), "dropping left a context behind");
    }
    assert_eq!(
        *seen.lock().expect("lock"),
        vec![Some("dropped".to_owned()), Some("dropped".to_owned())],
        "the future's locals were dropped inside its context"
    );
}

// ---------------------------------------------------------------------------------------------
// Outside any scope
// ---------------------------------------------------------------------------------------------

#[test]
fn accessors_are_none_outside_any_scope() {
    assert!(current().is_none());
    assert!(get_jwt_identity().is_none());
    assert!(get_jwt().is_none());
    assert!(get_jwt_header().is_none());
    assert!(get_jwt_request_location().is_none());

    // ... and all of them answer inside one, so the checks above can fail.
    let manager = manager();
    let guard = enter(context_for(&manager, "inside"));
    assert_eq!(get_jwt_identity().expect("identity"), "inside");
    assert!(get_jwt().is_some());
    assert!(get_jwt_header().is_some());
    assert_eq!(get_jwt_request_location(), Some(TokenLocation::Headers));
    drop(guard);

    assert!(current().is_none());
    assert!(get_jwt_identity().is_none());
    assert!(get_jwt().is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn spawned_work_sees_a_context_only_through_propagate() {
    let manager = manager();
    assert!(get_jwt_identity().is_none());
    // `propagate` outside any scope carries nothing.
    let nothing = tokio::spawn(propagate(async { identity() }))
        .await
        .expect("task");
    assert_eq!(nothing, None);

    let (plain, propagated) = scope(context_for(&manager, "spawner"), async {
        let plain = tokio::spawn(async { identity() });
        let propagated = tokio::spawn(propagate(async {
            tokio::task::yield_now().await;
            identity()
        }));
        (plain.await.expect("task"), propagated.await.expect("task"))
    })
    .await;
    assert_eq!(plain, None);
    assert_eq!(propagated.as_deref(), Some("spawner"));
    assert!(get_jwt_identity().is_none());
}
