//! Context isolation under load: 10,000 requests from 100 concurrent clients with distinct
//! identities, spread over the three ways of protecting a handler (the attribute, the
//! `JwtIdentity` extractor with the attribute, and `JwtLayer` over a plain handler), handlers that await timers, yield and spawn-and-join between identity reads,
//! handlers that panic, and clients that hang up mid-request. Zero cross-talk, no context left
//! on any worker thread, the server healthy at the end. The counts are printed.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::time::Duration;

use axum::extract::Request;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use jwt_extended::extractors::JwtIdentity;
use jwt_extended::{current, get_jwt_identity, jwt_required, propagate, JwtLayer, JwtManager};
use serde_json::{json, Value};
use tokio::io::AsyncWriteExt;

const CLIENTS: usize = 100;
const REQUESTS_PER_CLIENT: usize = 100;
const PANICS: usize = 50;
const HANG_UPS: usize = 200;
const WORKERS: usize = 4;

fn manager() -> JwtManager {
    JwtManager::builder()
        .secret_key("isolation-load-test-secret-0123456789abcdef")
        .build()
        .expect("manager")
}

fn identity() -> Option<String> {
    get_jwt_identity().map(|i| i.to_string())
}

/// Reads the identity around a timer, a yield and a spawned-and-joined task.
#[jwt_required]
async fn probe(req: Request) -> Response {
    reads(req.uri().query()).await
}

/// The same through the extractor, whose context the attribute enters.
#[jwt_required]
async fn probe_extractor(
    user: JwtIdentity<String>,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
) -> Response {
    let response = reads(query.as_deref()).await;
    // The extractor's value and the accessors agree.
    match identity() {
        Some(seen) if seen == *user => response,
        _ => Json(json!({ "mismatch": *user })).into_response(),
    }
}

/// The same with no attribute: `JwtLayer` on the route entered the context.
async fn probe_layer(req: Request) -> Response {
    reads(req.uri().query()).await
}

async fn reads(query: Option<&str>) -> Response {
    let mut reads = vec![identity()];
    let n = query.and_then(|q| q.parse::<u64>().ok()).unwrap_or(0);
    tokio::time::sleep(Duration::from_micros(100 * (n % 20))).await;
    reads.push(identity());
    tokio::task::yield_now().await;
    reads.push(identity());
    let joined = tokio::spawn(propagate(async {
        tokio::task::yield_now().await;
        identity()
    }))
    .await
    .ok()
    .flatten();
    reads.push(joined);
    let unpropagated = tokio::spawn(async { identity() }).await.ok().flatten();
    reads.push(identity());
    Json(json!({ "reads": reads, "unpropagated": unpropagated })).into_response()
}

/// Panics after an await, inside its context.
#[jwt_required]
async fn boom(req: Request) -> Response {
    tokio::task::yield_now().await;
    if req.uri().path() == "/panic" {
        panic!("intentional panic in a protected handler");
    }
    Json(json!({})).into_response()
}

/// Sleeps long enough for the client to hang up first.
#[jwt_required]
async fn slow(req: Request) -> Response {
    tokio::time::sleep(Duration::from_millis(200)).await;
    let _ = req;
    Json(json!({ "after": identity() })).into_response()
}

fn app(manager: JwtManager) -> Router {
    Router::new()
        .route("/probe", get(probe))
        .route("/panic", get(boom))
        .route("/slow", get(slow))
        .route("/probe-extractor", get(probe_extractor))
        .route(
            "/probe-layer",
            get(probe_layer).route_layer(JwtLayer::new()),
        )
        .layer(middleware::from_fn(move |mut req: Request, next: Next| {
            req.extensions_mut().insert(manager.clone());
            next.run(req)
        }))
}

#[test]
fn ten_thousand_requests_with_panics_and_hang_ups_never_cross_talk() {
    // Silence the intentional panics only; any other panic still reports.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let intentional = info
            .payload()
            .downcast_ref::<&str>()
            .is_some_and(|m| m.starts_with("intentional"));
        if !intentional {
            default_hook(info);
        }
    }));

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(WORKERS)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("address");
        tokio::spawn(async move { axum::serve(listener, app(manager())).await });

        let issuer = manager();
        let mismatches = Arc::new(AtomicUsize::new(0));
        let served = Arc::new(AtomicUsize::new(0));
        let mut clients = tokio::task::JoinSet::new();
        for c in 0..CLIENTS {
            let (issuer, mismatches, served) = (issuer.clone(), mismatches.clone(), served.clone());
            clients.spawn(async move {
                // Each client has its own connection pool.
                let client: Client<_, Empty<Bytes>> =
                    Client::builder(TokioExecutor::new()).build_http();
                for r in 0..REQUESTS_PER_CLIENT {
                    let who = format!("user-{}", c * REQUESTS_PER_CLIENT + r);
                    let token = issuer.create_access_token(&who).expect("token");
                    let path = ["/probe", "/probe-extractor", "/probe-layer"][r % 3];
                    let request = http::Request::get(format!("http://{addr}{path}?{r}"))
                        .header("authorization", format!("Bearer {token}"))
                        .body(Empty::new())
                        .expect("request");
                    let body = match client.request(request).await {
                        Ok(response) if response.status() == 200 => response
                            .into_body()
                            .collect()
                            .await
                            .ok()
                            .and_then(|b| serde_json::from_slice::<Value>(&b.to_bytes()).ok()),
                        _ => None,
                    };
                    let expected = json!({
                        "reads": [who, who, who, who, who],
                        "unpropagated": null,
                    });
                    if body.as_ref() == Some(&expected) {
                        served.fetch_add(1, Ordering::Relaxed);
                    } else {
                        mismatches.fetch_add(1, Ordering::Relaxed);
                    }
                }
            });
        }

        // Panicking handlers and clients that hang up, while the load runs.
        let panicked = Arc::new(AtomicUsize::new(0));
        let mut disruptions = tokio::task::JoinSet::new();
        for i in 0..PANICS {
            let (issuer, panicked) = (issuer.clone(), panicked.clone());
            disruptions.spawn(async move {
                let token = issuer
                    .create_access_token(format!("panicker-{i}"))
                    .expect("token");
                let client: Client<_, Empty<Bytes>> =
                    Client::builder(TokioExecutor::new()).build_http();
                let request = http::Request::get(format!("http://{addr}/panic"))
                    .header("authorization", format!("Bearer {token}"))
                    .body(Empty::new())
                    .expect("request");
                // The connection is dropped by the panic: no response, or an error status.
                match client.request(request).await {
                    Ok(response) if response.status().is_success() => {}
                    _ => {
                        panicked.fetch_add(1, Ordering::Relaxed);
                    }
                }
            });
        }
        let hung_up = Arc::new(AtomicUsize::new(0));
        for i in 0..HANG_UPS {
            let (issuer, hung_up) = (issuer.clone(), hung_up.clone());
            disruptions.spawn(async move {
                let token = issuer
                    .create_access_token(format!("hanger-{i}"))
                    .expect("token");
                let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
                let head = if i % 2 == 0 {
                    // A whole request, then gone while the handler sleeps.
                    format!(
                        "GET /slow HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer {token}\r\n\r\n"
                    )
                } else {
                    // Gone in the middle of the headers.
                    format!(
                        "GET /slow HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer {}",
                        &token[..20]
                    )
                };
                let _ = stream.write_all(head.as_bytes()).await;
                tokio::time::sleep(Duration::from_millis(5)).await;
                drop(stream);
                hung_up.fetch_add(1, Ordering::Relaxed);
            });
        }
        while let Some(done) = clients.join_next().await {
            done.expect("client task");
        }
        while let Some(done) = disruptions.join_next().await {
            done.expect("disruption task");
        }
        // Let the handlers whose clients hung up finish or be dropped.
        tokio::time::sleep(Duration::from_millis(300)).await;

        // No context is left on any worker: one task per worker, held at a barrier so that each
        // runs on a different thread.
        let barrier = Arc::new(Barrier::new(WORKERS));
        let leftovers = Arc::new(AtomicUsize::new(0));
        let mut checks = Vec::new();
        for _ in 0..WORKERS {
            let (barrier, leftovers) = (barrier.clone(), leftovers.clone());
            checks.push(tokio::spawn(async move {
                tokio::task::block_in_place(|| {
                    if current().is_some() {
                        leftovers.fetch_add(1, Ordering::Relaxed);
                    }
                    barrier.wait();
                });
            }));
        }
        for check in checks {
            check.await.expect("worker check");
        }

        // The server is healthy.
        let token = issuer.create_access_token("last").expect("token");
        let client: Client<_, Empty<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
        let request = http::Request::get(format!("http://{addr}/slow"))
            .header("authorization", format!("Bearer {token}"))
            .body(Empty::new())
            .expect("request");
        let response = client.request(request).await.expect("healthy server");
        let status = response.status();
        let body = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();

        let total = CLIENTS * REQUESTS_PER_CLIENT;
        println!(
            "{total} requests from {CLIENTS} clients: {} correct, {} mismatched; \
             {} panicking handlers, {} hang-ups; {} worker threads with a context left",
            served.load(Ordering::Relaxed),
            mismatches.load(Ordering::Relaxed),
            panicked.load(Ordering::Relaxed),
            hung_up.load(Ordering::Relaxed),
            leftovers.load(Ordering::Relaxed),
        );
        assert_eq!(
            mismatches.load(Ordering::Relaxed),
            0,
            "cross-talk or failed requests"
        );
        assert_eq!(served.load(Ordering::Relaxed), total);
        assert_eq!(
            panicked.load(Ordering::Relaxed),
            PANICS,
            "every panicking handler failed its request"
        );
        assert_eq!(hung_up.load(Ordering::Relaxed), HANG_UPS);
        assert_eq!(
            leftovers.load(Ordering::Relaxed),
            0,
            "a worker thread kept a context"
        );
        assert_eq!(status, 200);
        assert_eq!(
            serde_json::from_slice::<Value>(&body).expect("json"),
            json!({ "after": "last" })
        );
    });
}
