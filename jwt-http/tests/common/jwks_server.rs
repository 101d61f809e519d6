//! A local JWKS server for tests: hyper 1 on 127.0.0.1:0 whose answer (status, headers, body,
//! delay) can be changed between requests, with a request counter. Shared with the facade's
//! `tests/remote_jwks_manager.rs`, which uses part of it; and the manual clock both drive the
//! verifier's cache with.
#![allow(dead_code)]

use std::convert::Infallible;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use hyper::body::{Body, Frame, Incoming, SizeHint};
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::task::AbortHandle;

/// What the body of an answer is.
#[derive(Clone, Debug)]
pub enum Payload {
    /// The whole body, with its `Content-Length`.
    Full(Bytes),
    /// `count` chunks of `chunk`, chunked (no `Content-Length`).
    Chunked { chunk: Bytes, count: usize },
    /// A `Content-Length` of `length`, one small chunk, then nothing ever again: a client that
    /// reads it hangs.
    Claimed { length: u64 },
}

/// The answer the server gives.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub payload: Payload,
    pub delay: Duration,
}

#[derive(Default)]
struct State {
    reply: Mutex<Option<Reply>>,
    requests: AtomicUsize,
    accept: Mutex<Vec<String>>,
    tasks: Mutex<Vec<AbortHandle>>,
}

/// The running server.
#[derive(Clone)]
pub struct JwksServer {
    addr: SocketAddr,
    state: Arc<State>,
}

impl JwksServer {
    /// Starts a server answering 200 with `body` (JSON) on the current runtime.
    pub async fn start(body: impl Into<String>) -> JwksServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let state = Arc::new(State::default());
        let server = JwksServer { addr, state };
        server.serve(body);
        let accept_state = server.state.clone();
        let accept = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let state = accept_state.clone();
                let connection = tokio::spawn(async move {
                    let service = service_fn(move |request| answer(state.clone(), request));
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
                accept_state
                    .tasks
                    .lock()
                    .unwrap()
                    .push(connection.abort_handle());
            }
        });
        server
            .state
            .tasks
            .lock()
            .unwrap()
            .push(accept.abort_handle());
        server
    }

    /// The JWKS URL.
    pub fn url(&self) -> String {
        format!("http://{}/.well-known/jwks.json", self.addr)
    }

    /// Requests received so far (counted when they arrive, before any delay).
    pub fn requests(&self) -> usize {
        self.state.requests.load(Ordering::SeqCst)
    }

    /// The `Accept` headers received, in order.
    pub fn accept_headers(&self) -> Vec<String> {
        self.state.accept.lock().unwrap().clone()
    }

    /// Answers 200 with `body` from now on, with no extra header and no delay.
    pub fn serve(&self, body: impl Into<String>) {
        self.set(Reply {
            status: 200,
            headers: vec![("content-type", "application/jwk-set+json".into())],
            payload: Payload::Full(Bytes::from(body.into())),
            delay: Duration::ZERO,
        });
    }

    /// Answers `reply` from now on.
    pub fn set(&self, reply: Reply) {
        *self.state.reply.lock().unwrap() = Some(reply);
    }

    /// Changes the current answer.
    pub fn update(&self, change: impl FnOnce(&mut Reply)) {
        let mut reply = self.state.reply.lock().unwrap();
        if let Some(reply) = reply.as_mut() {
            change(reply);
        }
    }

    /// Stops accepting and closes every connection: the port refuses connections from now on.
    pub fn stop(&self) {
        for task in self.state.tasks.lock().unwrap().drain(..) {
            task.abort();
        }
    }
}

async fn answer(
    state: Arc<State>,
    request: Request<Incoming>,
) -> Result<Response<TestBody>, Infallible> {
    state.requests.fetch_add(1, Ordering::SeqCst);
    if let Some(accept) = request.headers().get(http::header::ACCEPT) {
        let accept = accept.to_str().unwrap_or_default().to_owned();
        state.accept.lock().unwrap().push(accept);
    }
    let reply = state.reply.lock().unwrap().clone();
    let Some(reply) = reply else {
        return Ok(Response::new(TestBody::full(Bytes::new())));
    };
    if !reply.delay.is_zero() {
        tokio::time::sleep(reply.delay).await;
    }
    let body = match &reply.payload {
        Payload::Full(bytes) => TestBody::full(bytes.clone()),
        Payload::Chunked { chunk, count } => TestBody {
            chunk: chunk.clone(),
            left: *count,
            then_hang: false,
            exact: false,
        },
        Payload::Claimed { .. } => TestBody {
            chunk: Bytes::from_static(b"{\"keys\":["),
            left: 1,
            then_hang: true,
            exact: false,
        },
    };
    let mut response = Response::new(body);
    *response.status_mut() = StatusCode::from_u16(reply.status).unwrap();
    for (name, value) in &reply.headers {
        response.headers_mut().insert(*name, value.parse().unwrap());
    }
    if let Payload::Claimed { length } = reply.payload {
        response
            .headers_mut()
            .insert(http::header::CONTENT_LENGTH, length.into());
    }
    Ok(response)
}

/// A body of `left` copies of `chunk`; with `then_hang`, pending forever afterwards.
pub struct TestBody {
    chunk: Bytes,
    left: usize,
    then_hang: bool,
    /// One chunk whose length is known (a `Content-Length` body).
    exact: bool,
}

impl TestBody {
    fn full(bytes: Bytes) -> Self {
        TestBody {
            chunk: bytes,
            left: 1,
            then_hang: false,
            exact: true,
        }
    }
}

impl Body for TestBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        if self.left > 0 {
            self.left -= 1;
            if self.exact && self.chunk.is_empty() {
                return Poll::Ready(None);
            }
            return Poll::Ready(Some(Ok(Frame::data(self.chunk.clone()))));
        }
        if self.then_hang {
            Poll::Pending
        } else {
            Poll::Ready(None)
        }
    }

    fn is_end_stream(&self) -> bool {
        self.left == 0 && !self.then_hang
    }

    fn size_hint(&self) -> SizeHint {
        if self.exact {
            SizeHint::with_exact(self.chunk.len() as u64 * self.left as u64)
        } else {
            SizeHint::default()
        }
    }
}

/// A monotonic clock the test moves (`RemoteJwksBuilder::clock(move || clock.now())`).
#[derive(Clone)]
pub struct ManualClock {
    base: Instant,
    millis: Arc<AtomicU64>,
}

impl ManualClock {
    /// A clock at "now", not moving until told.
    pub fn new() -> Self {
        ManualClock {
            base: Instant::now(),
            millis: Arc::new(AtomicU64::new(0)),
        }
    }

    /// The current reading.
    pub fn now(&self) -> Instant {
        self.base + Duration::from_millis(self.millis.load(Ordering::SeqCst))
    }

    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: Duration) {
        self.millis
            .fetch_add(by.as_millis() as u64, Ordering::SeqCst);
    }
}
