//! `JwtLayer`: verification as a tower `Layer` (feature `tower`).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};

use bytes::Bytes;
use http::header::{HeaderValue, CONTENT_TYPE};
use http::{HeaderMap, Request, Response};
use tower_layer::Layer;
use tower_service::Service;

use crate::{
    BodyError, BoxFuture, BufferedBody, JwtContext, JwtError, JwtManager, Refusal, Scoped,
    TokenLocation, VerifyOptions,
};

/// The largest body a [`JwtLayer`] reads by default: 1 MiB.
const DEFAULT_BODY_LIMIT: usize = 1 << 20;

/// Verifies the request's token before the service it wraps runs, and runs that service inside
/// the token's context: what `#[jwt_required]` does for one handler, as a tower [`Layer`] for
/// every handler below it, on any `Service<http::Request<B>>` (an axum `Router` or route, bare
/// hyper through `hyper_util::service::TowerToHyperService`, tonic, ...).
///
/// For each request, the service
///
/// 1. takes the manager: the one given with [`manager`](Self::manager) (which it also puts into
///    the request's extensions, so code below sees the same one), else a [`JwtManager`] in the
///    request's extensions, else the process-wide default ([`JwtManager::install_default`]);
///    without any, the request is answered 500;
/// 2. reads the body into memory when the token may be in it (see [Bodies](#bodies));
/// 3. finds and verifies the token with the layer's options (those of
///    `#[jwt_required(...)]`, set with the builder methods) and runs the loaders, awaiting
///    async blocklist and user-lookup loaders;
/// 4. calls the inner service and runs its response future inside the token's context:
///    [`get_jwt_identity`](crate::get_jwt_identity), [`get_jwt`](crate::get_jwt),
///    [`get_current_user`](crate::get_current_user) and
///    [`JwtManager::current`] work in the handlers below. As with [`scope`](crate::scope), the
///    context is entered for each poll of that future (and while it is dropped), and also while
///    the inner service's `call` runs; it never shows to other tasks and follows the task
///    across worker threads;
/// 5. or, when the token is refused, answers flask-jwt-extended's response
///    ([`Refusal::into_response`]: status and `{"msg": ...}`, or the manager's
///    `expired_token_loader`, `unauthorized_loader`, ... response) without calling the inner
///    service. A server-side failure (no manager, ...) gets a generic 500 body.
///
/// The response body type must be `From<String>`: axum's `Body`, `http_body_util::Full<Bytes>`
/// and `String` are.
///
/// # With axum
///
/// Put it on the routes it protects with `route_layer`, so that a path no route matches still
/// answers 404 rather than 401 (`layer` would also protect the fallback):
///
/// ```
/// use axum::{routing::{get, post}, Json, Router};
/// use jwt_http::{get_jwt_identity, JwtLayer, JwtManager};
/// use serde_json::{json, Value};
///
/// async fn me() -> Json<Value> {
///     Json(json!({ "logged_in_as": get_jwt_identity() }))
/// }
///
/// async fn refresh() -> Json<Value> {
///     Json(json!({ "refreshing": get_jwt_identity() }))
/// }
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let manager = JwtManager::builder().secret_key("a long random secret, 32 bytes or more").build()?;
/// let api: Router = Router::new()
///     .route("/me", get(me))
///     .route_layer(JwtLayer::new().manager(manager.clone()));
/// let app: Router = Router::new()
///     .nest("/api", api)
///     .route("/refresh", post(refresh).route_layer(JwtLayer::new().refresh().manager(manager)));
/// # Ok(()) }
/// ```
///
/// # Any tower service
///
/// ```
/// use std::future::poll_fn;
/// use axum::{body::Body, handler::HandlerWithoutStateExt};
/// use jwt_http::{get_jwt_identity, JwtLayer, JwtManager};
/// use tower_layer::Layer;
/// use tower_service::Service;
///
/// async fn handler() -> String {
///     format!("hello {}", get_jwt_identity().map(|id| id.to_string()).unwrap_or_default())
/// }
///
/// /// What a server does with a service: waits until it is ready, then calls it.
/// async fn serve_one<S: Service<http::Request<Body>>>(
///     service: &mut S,
///     request: http::Request<Body>,
/// ) -> Result<S::Response, S::Error> {
///     poll_fn(|cx| service.poll_ready(cx)).await?;
///     service.call(request).await
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let manager = JwtManager::builder().secret_key("a long random secret, 32 bytes or more").build()?;
/// let token = manager.create_access_token("alice")?;
/// let mut service = JwtLayer::new().manager(manager).layer(handler.into_service());
///
/// let request = http::Request::get("/")
///     .header("Authorization", format!("Bearer {token}"))
///     .body(Body::empty())?;
/// let response = serve_one(&mut service, request).await?;
/// assert_eq!(response.status(), 200);
///
/// let refused = serve_one(&mut service, http::Request::new(Body::empty())).await?;
/// assert_eq!(refused.status(), 401); // {"msg":"Missing Authorization Header"}
/// # Ok(()) }
/// ```
///
/// Bare hyper 1.x: wrap the services the layer builds in
/// `hyper_util::service::TowerToHyperService` and serve them with hyper's connection builders;
/// hyper's `Incoming` body needs [`no_buffering`](Self::no_buffering) (see
/// [Bodies](#bodies)). The crate's `examples/tower_layer.rs` is the seed app served that way.
///
/// # OPTIONS and CORS
///
/// OPTIONS requests are verified like any other. (flask-jwt-extended lets them through
/// unchecked because Flask answers OPTIONS itself; axum, hyper and tower hand them to the
/// handler, which would then run without a token.) Answer CORS preflight requests in a CORS
/// layer placed *outside* this one, so it replies before the request reaches `JwtLayer`: in
/// axum, add it with a later `.layer(...)` call than `JwtLayer` (or on the enclosing router);
/// with tower's `ServiceBuilder`, list it before `JwtLayer`.
///
/// # Bodies
///
/// The JSON token location and the CSRF form check (`JWT_CSRF_CHECK_FORM`) read the request
/// body, which can be read only once. By default (a `JwtLayer<Buffering>`), when the searched
/// locations include [`TokenLocation::Json`] and the request is JSON, or the form check applies
/// to the request (a form posted with a cookie token), the service first reads the body into
/// memory, up to [`body_limit`](Self::body_limit) bytes (1 MiB unless set), records it as a
/// [`BufferedBody`] and puts the same bytes back as the body, so the handler reads it as
/// usual. A longer body is answered 413, a failed read 400, both with a `{"msg": ...}` body.
/// Other requests are passed on untouched, their body unread.
///
/// Putting the bytes back needs a body type that can be made from them: the service of a
/// `JwtLayer<Buffering>` accepts requests whose body is
/// `http_body::Body + From<bytes::Bytes> + Send + 'static` (with `Send` data and an error
/// convertible into `Box<dyn Error + Send + Sync>`): axum's `Body`,
/// `http_body_util::Full<Bytes>`. For other body types, such as hyper's `Incoming`, call
/// [`no_buffering`](Self::no_buffering): its `JwtLayer<NoBuffering>` accepts any body type and
/// never reads it; the JSON location and the form check then see only a body an outer
/// middleware has buffered (a [`BufferedBody`] in the extensions).
///
/// # The inner service
///
/// The service is `Clone` when the inner service is, and passes `poll_ready` on to it. It
/// calls the inner service right away unless it has to wait first (for the body, or for an
/// async loader); then, as tower asks, it calls the instance that was polled ready and keeps a
/// clone in its place, which is why the inner service must be `Clone`. Its response future
/// ([`JwtResponseFuture`]) is `Send` when the inner service, its future, the request body and
/// the response body are.
#[derive(Debug, Clone)]
#[must_use = "a layer does nothing until it wraps a service"]
pub struct JwtLayer<M = Buffering> {
    options: VerifyOptions,
    manager: Option<JwtManager>,
    body: M,
}

/// The default body handling of [`JwtLayer`]: request bodies are read into memory when the
/// token may be in them (see [Bodies](JwtLayer#bodies)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Buffering {
    limit: usize,
}

/// The body handling of [`JwtLayer::no_buffering`]: request bodies are never read, and any body
/// type is accepted (see [Bodies](JwtLayer#bodies)).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoBuffering;

impl JwtLayer {
    /// A layer with `#[jwt_required]`'s defaults: a valid, non-refresh token from the
    /// manager's configured locations, bodies buffered up to 1 MiB when needed, and the
    /// request's manager (else the process-wide default).
    ///
    /// ```
    /// let layer = jwt_http::JwtLayer::new();
    /// # let _ = layer;
    /// ```
    pub fn new() -> Self {
        JwtLayer {
            options: VerifyOptions::new(),
            manager: None,
            body: Buffering {
                limit: DEFAULT_BODY_LIMIT,
            },
        }
    }

    /// The largest body read into memory, in bytes (default 1 MiB); a longer one is answered
    /// 413 Payload Too Large.
    ///
    /// ```
    /// let layer = jwt_http::JwtLayer::new().body_limit(64 * 1024);
    /// # let _ = layer;
    /// ```
    pub fn body_limit(mut self, limit: usize) -> Self {
        self.body.limit = limit;
        self
    }
}

impl Default for JwtLayer {
    fn default() -> Self {
        JwtLayer::new()
    }
}

impl<M> JwtLayer<M> {
    /// Lets requests without any token through, with an empty context (`#[jwt_required(optional)]`):
    /// [`get_jwt_identity`](crate::get_jwt_identity) returns `None`. An invalid, expired or
    /// revoked token is still refused.
    ///
    /// ```
    /// let layer = jwt_http::JwtLayer::new().optional();
    /// # let _ = layer;
    /// ```
    pub fn optional(mut self) -> Self {
        self.options.optional = true;
        self
    }

    /// Requires a fresh access token (`#[jwt_required(fresh)]`).
    ///
    /// ```
    /// let layer = jwt_http::JwtLayer::new().fresh();
    /// # let _ = layer;
    /// ```
    pub fn fresh(mut self) -> Self {
        self.options.fresh = true;
        self
    }

    /// Requires a refresh token, and reads the refresh cookie, CSRF header and JSON key
    /// (`#[jwt_required(refresh)]`).
    ///
    /// ```
    /// let layer = jwt_http::JwtLayer::new().refresh();
    /// # let _ = layer;
    /// ```
    pub fn refresh(mut self) -> Self {
        self.options.refresh = true;
        self
    }

    /// Whether the token's `type` claim is checked against [`refresh`](Self::refresh)
    /// (default `true`; `#[jwt_required(verify_type = false)]` accepts both types).
    ///
    /// ```
    /// let layer = jwt_http::JwtLayer::new().verify_type(false);
    /// # let _ = layer;
    /// ```
    pub fn verify_type(mut self, verify: bool) -> Self {
        self.options.verify_type = verify;
        self
    }

    /// Does not call the blocklist loader (`#[jwt_required(skip_revocation_check)]`).
    ///
    /// ```
    /// let layer = jwt_http::JwtLayer::new().skip_revocation_check();
    /// # let _ = layer;
    /// ```
    pub fn skip_revocation_check(mut self) -> Self {
        self.options.skip_revocation_check = true;
        self
    }

    /// Searches these locations, in this order, instead of the manager's configured ones
    /// (`#[jwt_required(locations = [...])]`).
    ///
    /// ```
    /// use jwt_http::{JwtLayer, TokenLocation};
    /// let layer = JwtLayer::new().locations(&[TokenLocation::Cookies, TokenLocation::Headers]);
    /// # let _ = layer;
    /// ```
    pub fn locations(mut self, locations: &'static [TokenLocation]) -> Self {
        self.options.locations = Some(locations);
        self
    }

    /// Verifies with this manager instead of the request's or the default one, and puts it
    /// into each request's extensions, where code below the layer (`#[jwt_required]`
    /// handlers, extractors, other middleware) finds it.
    ///
    /// ```
    /// use jwt_http::{JwtLayer, JwtManager};
    /// let manager = JwtManager::builder().secret_key("a long random secret, 32 bytes or more").build()?;
    /// let layer = JwtLayer::new().manager(manager);
    /// # let _ = layer;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn manager(mut self, manager: JwtManager) -> Self {
        self.manager = Some(manager);
        self
    }

    /// Never reads request bodies, and accepts any body type, such as hyper's `Incoming` (see
    /// [Bodies](JwtLayer#bodies)).
    ///
    /// ```
    /// let layer = jwt_http::JwtLayer::new().no_buffering();
    /// # let _ = layer;
    /// ```
    pub fn no_buffering(self) -> JwtLayer<NoBuffering> {
        JwtLayer {
            options: self.options,
            manager: self.manager,
            body: NoBuffering,
        }
    }
}

impl<S, M: Clone> Layer<S> for JwtLayer<M> {
    type Service = JwtService<S, M>;

    fn layer(&self, inner: S) -> Self::Service {
        JwtService {
            inner,
            options: self.options,
            manager: self.manager.clone(),
            body: self.body.clone(),
        }
    }
}

/// The service a [`JwtLayer`] wraps around another: verifies each request's token, then calls
/// the inner service inside the token's context. See [`JwtLayer`].
///
/// ```
/// use axum::{body::Body, handler::HandlerWithoutStateExt};
/// use jwt_http::{JwtLayer, JwtService};
/// use tower_layer::Layer;
///
/// async fn handler() -> &'static str { "hello" }
///
/// let service: JwtService<_> = JwtLayer::new().layer(handler.into_service());
/// let inner = service.into_inner();
/// # let _ = inner;
/// ```
#[derive(Debug, Clone)]
pub struct JwtService<S, M = Buffering> {
    inner: S,
    options: VerifyOptions,
    manager: Option<JwtManager>,
    body: M,
}

impl<S, M> JwtService<S, M> {
    /// The inner service.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// The inner service, mutably.
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// The inner service, unwrapped.
    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl<S: Clone, M> JwtService<S, M> {
    /// The instance `poll_ready` made ready, leaving a clone in its place for the next request
    /// (tower's "be careful when cloning inner services").
    fn take_ready(&mut self) -> S {
        let clone = self.inner.clone();
        std::mem::replace(&mut self.inner, clone)
    }
}

// `Sealed` must be nameable as a supertrait of the public `BodyMode`, yet unreachable from
// outside: the usual sealed-trait pattern.
#[allow(unreachable_pub)]
mod sealed {
    pub trait Sealed {}
}

impl sealed::Sealed for Buffering {}
impl sealed::Sealed for NoBuffering {}

/// How a [`JwtLayer`] handles request bodies of type `B`: [`Buffering`] (bodies that can be
/// rebuilt from bytes) or [`NoBuffering`] (any body). Sealed: implemented by these two only.
/// See [Bodies](JwtLayer#bodies).
///
/// ```
/// fn accepts<B, M: jwt_http::BodyMode<B>>() {}
/// accepts::<axum::body::Body, jwt_http::Buffering>();
/// accepts::<String, jwt_http::NoBuffering>();
/// ```
pub trait BodyMode<B>: sealed::Sealed + Clone {
    /// Starts reading `request`'s body into memory, or gives the request back when this mode
    /// does not read bodies.
    #[doc(hidden)]
    // The `Err` is no error but the request handed back, moved as it would be anyway.
    #[allow(clippy::type_complexity, clippy::result_large_err)]
    fn buffer(
        &self,
        manager: &JwtManager,
        request: Request<B>,
    ) -> Result<BoxFuture<Result<Request<B>, BodyError>>, Request<B>>;
}

impl<B> BodyMode<B> for NoBuffering {
    fn buffer(
        &self,
        _manager: &JwtManager,
        request: Request<B>,
    ) -> Result<BoxFuture<Result<Request<B>, BodyError>>, Request<B>> {
        Err(request)
    }
}

impl<B> BodyMode<B> for Buffering
where
    B: http_body::Body + From<Bytes> + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    fn buffer(
        &self,
        manager: &JwtManager,
        request: Request<B>,
    ) -> Result<BoxFuture<Result<Request<B>, BodyError>>, Request<B>> {
        // JSON bodies, and urlencoded ones when the CSRF form check can read them.
        Ok(Box::pin(manager.buffer_body(request, self.limit)))
    }
}

impl<S, B, ResBody, M> Service<Request<B>> for JwtService<S, M>
where
    S: Service<Request<B>, Response = Response<ResBody>> + Clone,
    ResBody: From<String>,
    M: BodyMode<B>,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = JwtResponseFuture<S, B>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<B>) -> Self::Future {
        let manager = match &self.manager {
            Some(manager) => {
                request.extensions_mut().insert(manager.clone());
                manager.clone()
            }
            None => match request
                .extensions()
                .get::<JwtManager>()
                .cloned()
                .or_else(JwtManager::default_manager)
            {
                Some(manager) => manager,
                None => {
                    let refusal = Refusal::new(JwtError::NoManager, None);
                    return JwtResponseFuture::refused(refusal.into_response());
                }
            },
        };
        let options = self.options;
        let request = if needs_body(&manager, &options, &request) {
            match self.body.buffer(&manager, request) {
                Ok(future) => {
                    let then = Some((self.take_ready(), manager, options));
                    return JwtResponseFuture {
                        state: State::Buffering { future, then },
                    };
                }
                Err(request) => request,
            }
        } else {
            request
        };
        let state = match check(&manager, &options, request) {
            Checked::Pass(request, context) => call_in(context, &mut self.inner, request),
            Checked::Wait(request, future) => State::Verifying {
                future,
                then: Some((request, self.take_ready(), manager)),
            },
            Checked::Refuse(error) => State::refused(error, manager),
        };
        JwtResponseFuture { state }
    }
}

/// Whether verifying `request` needs its body in memory: the JSON location is searched and the
/// body is JSON, or the CSRF form check applies and the body is a form. Never when an outer
/// middleware has buffered it already.
fn needs_body<B>(manager: &JwtManager, options: &VerifyOptions, request: &Request<B>) -> bool {
    if request.extensions().get::<BufferedBody>().is_some() {
        return false;
    }
    let config = manager.config();
    let locations = options
        .locations
        .unwrap_or(config.token_location.as_slice());
    let json = locations.contains(&TokenLocation::Json) && crate::is_json(request.headers());
    let form = config.csrf_check_form
        && config.cookie_csrf_protect
        && locations.contains(&TokenLocation::Cookies)
        && config.csrf_methods.contains(request.method())
        && is_form(request.headers());
    json || form
}

/// Whether the body is `application/x-www-form-urlencoded`.
fn is_form(headers: &HeaderMap) -> bool {
    headers.get(CONTENT_TYPE).is_some_and(|value| {
        value
            .as_bytes()
            .split(|b| *b == b';')
            .next()
            .unwrap_or_default()
            .trim_ascii()
            .eq_ignore_ascii_case(b"application/x-www-form-urlencoded")
    })
}

/// What the synchronous part of verification leaves to do.
enum Checked<B> {
    /// Verified: call the inner service in this context.
    Pass(Request<B>, Option<Arc<JwtContext>>),
    /// Async loaders to await first.
    Wait(
        Request<B>,
        BoxFuture<Result<Option<Arc<JwtContext>>, JwtError>>,
    ),
    /// Refused.
    Refuse(JwtError),
}

/// Verifies `request`: all at once when no loader is async, else up to the loaders.
fn check<B>(manager: &JwtManager, options: &VerifyOptions, request: Request<B>) -> Checked<B> {
    if manager.verifies_async(options.skip_revocation_check) {
        match manager.start_verification(&request, options) {
            Ok(pending) if pending.needs_await() => {
                Checked::Wait(request, Box::pin(pending.finish()))
            }
            Ok(pending) => match pending.finish_sync() {
                Ok(context) => Checked::Pass(request, context),
                Err(error) => Checked::Refuse(error),
            },
            Err(error) => Checked::Refuse(error),
        }
    } else {
        match manager.verify_request(&request, options) {
            Ok(context) => Checked::Pass(request, context),
            Err(error) => Checked::Refuse(error),
        }
    }
}

/// Calls `service` (ready) with `context` entered, and wraps its future in the context.
fn call_in<S, B>(
    context: Option<Arc<JwtContext>>,
    service: &mut S,
    request: Request<B>,
) -> State<S, B>
where
    S: Service<Request<B>>,
{
    let future = {
        let _entered = crate::enter(context.clone());
        service.call(request)
    };
    State::Called {
        future: crate::scope(context, future),
    }
}

/// The `{"msg": ...}` answer to a body that could not be read: 413 or 400.
fn body_refusal<ResBody: From<String>>(
    manager: &JwtManager,
    error: &BodyError,
) -> Response<ResBody> {
    let mut body = serde_json::Map::new();
    body.insert(
        manager.config().error_msg_key.clone(),
        error.to_string().into(),
    );
    let mut text = serde_json::Value::Object(body).to_string();
    text.push('\n');
    let mut response = Response::new(ResBody::from(text));
    *response.status_mut() = error.status();
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

pin_project_lite::pin_project! {
    /// The response future of a [`JwtService`]: the body read and the loaders awaited when
    /// needed, then the inner service's future run inside the token's context (entered on each
    /// poll), or the refusal. `Send` when the inner service, its future, the request body and
    /// the response body are.
    ///
    /// ```
    /// use axum::{body::Body, handler::HandlerWithoutStateExt};
    /// use jwt_http::JwtLayer;
    /// use tower_layer::Layer;
    /// use tower_service::Service;
    ///
    /// async fn handler() -> &'static str { "hello" }
    ///
    /// fn is_send<T: Send>(_: &T) {}
    /// let mut service = JwtLayer::new().layer(handler.into_service());
    /// let future = service.call(http::Request::new(Body::empty()));
    /// is_send(&future);
    /// ```
    #[must_use = "futures do nothing unless polled"]
    pub struct JwtResponseFuture<S, B>
    where
        S: Service<Request<B>>,
    {
        #[pin]
        state: State<S, B>,
    }
}

pin_project_lite::pin_project! {
    #[project = StateProj]
    enum State<S, B>
    where
        S: Service<Request<B>>,
    {
        // Reading the body; then verifying with the ready service, the manager and options.
        Buffering {
            future: BoxFuture<Result<Request<B>, BodyError>>,
            then: Option<(S, JwtManager, VerifyOptions)>,
        },
        // Awaiting async loaders; then calling the ready service with the request.
        Verifying {
            future: BoxFuture<Result<Option<Arc<JwtContext>>, JwtError>>,
            then: Option<(Request<B>, S, JwtManager)>,
        },
        // The inner service's future, in the token's context.
        Called {
            #[pin]
            future: Scoped<S::Future>,
        },
        // Refused: the answer, until it is taken.
        Refused {
            response: Option<S::Response>,
        },
    }
}

impl<S, B> JwtResponseFuture<S, B>
where
    S: Service<Request<B>>,
{
    fn refused(response: S::Response) -> Self {
        JwtResponseFuture {
            state: State::Refused {
                response: Some(response),
            },
        }
    }
}

impl<S, B, ResBody> State<S, B>
where
    S: Service<Request<B>, Response = Response<ResBody>>,
    ResBody: From<String>,
{
    /// Refused by `manager`: flask-jwt-extended's answer, or the manager's loader's.
    fn refused(error: JwtError, manager: JwtManager) -> Self {
        State::Refused {
            response: Some(Refusal::new(error, Some(manager)).into_response()),
        }
    }
}

impl<S, B, ResBody> Future for JwtResponseFuture<S, B>
where
    S: Service<Request<B>, Response = Response<ResBody>>,
    ResBody: From<String>,
{
    type Output = Result<Response<ResBody>, S::Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut state = self.project().state;
        loop {
            let next = match state.as_mut().project() {
                StateProj::Called { future } => return future.poll(cx),
                StateProj::Refused { response } => {
                    return Poll::Ready(Ok(response.take().unwrap_or_else(|| completed())));
                }
                StateProj::Buffering { future, then } => {
                    let buffered = ready!(future.as_mut().poll(cx));
                    let Some((mut service, manager, options)) = then.take() else {
                        completed()
                    };
                    match buffered.map(|request| check(&manager, &options, request)) {
                        Ok(Checked::Pass(request, context)) => {
                            call_in(context, &mut service, request)
                        }
                        Ok(Checked::Wait(request, future)) => State::Verifying {
                            future,
                            then: Some((request, service, manager)),
                        },
                        Ok(Checked::Refuse(error)) => State::refused(error, manager),
                        Err(error) => State::Refused {
                            response: Some(body_refusal(&manager, &error)),
                        },
                    }
                }
                StateProj::Verifying { future, then } => {
                    let verified = ready!(future.as_mut().poll(cx));
                    let Some((request, mut service, manager)) = then.take() else {
                        completed()
                    };
                    match verified {
                        Ok(context) => call_in(context, &mut service, request),
                        Err(error) => State::refused(error, manager),
                    }
                }
            };
            state.set(next);
        }
    }
}

/// Polling a finished future is a caller's bug, answered as `Scoped` answers it.
#[cold]
#[track_caller]
fn completed() -> ! {
    panic!("`JwtResponseFuture` polled after completion")
}

impl<S, B> fmt::Debug for JwtResponseFuture<S, B>
where
    S: Service<Request<B>>,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match &self.state {
            State::Buffering { .. } => "reading the body",
            State::Verifying { .. } => "awaiting the loaders",
            State::Called { .. } => "calling the inner service",
            State::Refused { .. } => "refused",
        };
        f.debug_struct("JwtResponseFuture")
            .field("state", &state)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;

    use http_body_util::{BodyExt, Full};
    use serde_json::{json, Value};

    use super::*;
    use crate::get_jwt_identity;

    const SECRET: &str = "layer-unit-test-secret-0123456789abcdef";

    fn manager() -> JwtManager {
        JwtManager::builder().secret_key(SECRET).build().unwrap()
    }

    fn identity() -> Option<String> {
        get_jwt_identity().map(|id| id.to_string())
    }

    /// An inner service that insists on tower's contract (only an instance that `poll_ready`
    /// made ready may be called), counts its calls and clones, and answers what it saw: the
    /// identity during `call` and after a yield in its future, the manager and buffered body
    /// in the extensions, and the body it read.
    struct Probe {
        ready: bool,
        calls: Arc<AtomicUsize>,
        clones: Arc<AtomicUsize>,
    }

    impl Probe {
        fn new() -> Self {
            Probe {
                ready: false,
                calls: Arc::new(AtomicUsize::new(0)),
                clones: Arc::new(AtomicUsize::new(0)),
            }
        }
    }

    impl Clone for Probe {
        /// A clone is a new instance: not ready.
        fn clone(&self) -> Self {
            self.clones.fetch_add(1, Ordering::SeqCst);
            Probe {
                ready: false,
                calls: self.calls.clone(),
                clones: self.clones.clone(),
            }
        }
    }

    impl Service<Request<Full<Bytes>>> for Probe {
        type Response = Response<String>;
        type Error = &'static str;
        type Future = BoxFuture<Result<Response<String>, &'static str>>;

        fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
            self.ready = true;
            Poll::Ready(Ok(()))
        }

        fn call(&mut self, request: Request<Full<Bytes>>) -> Self::Future {
            if !std::mem::replace(&mut self.ready, false) {
                return Box::pin(async { Err("called an instance poll_ready did not make ready") });
            }
            self.calls.fetch_add(1, Ordering::SeqCst);
            let in_call = identity();
            let manager_key = request
                .extensions()
                .get::<JwtManager>()
                .map(|m| m.config().error_msg_key.clone());
            let buffered = request.extensions().get::<BufferedBody>().is_some();
            Box::pin(async move {
                tokio::task::yield_now().await;
                let in_future = identity();
                let body = request.into_body().collect().await.map_err(|_| "body")?;
                let seen = json!({
                    "call": in_call,
                    "future": in_future,
                    "manager_key": manager_key,
                    "buffered": buffered,
                    "body": String::from_utf8_lossy(&body.to_bytes()),
                });
                Ok(Response::new(seen.to_string()))
            })
        }
    }

    fn get(token: Option<&str>) -> Request<Full<Bytes>> {
        let mut request = Request::get("/");
        if let Some(token) = token {
            request = request.header("Authorization", format!("Bearer {token}"));
        }
        request.body(Full::default()).unwrap()
    }

    fn post_json(body: &str) -> Request<Full<Bytes>> {
        Request::post("/")
            .header("Content-Type", "application/json")
            .body(Full::new(Bytes::from(body.to_owned())))
            .unwrap()
    }

    /// One `poll_ready` + `call`, as a server does it.
    async fn send<S>(service: &mut S, request: Request<Full<Bytes>>) -> (u16, Value)
    where
        S: Service<Request<Full<Bytes>>, Response = Response<String>>,
        S::Error: std::fmt::Debug,
    {
        std::future::poll_fn(|cx| service.poll_ready(cx))
            .await
            .unwrap();
        let response = service.call(request).await.unwrap();
        let status = response.status().as_u16();
        (status, serde_json::from_str(response.body()).unwrap())
    }

    #[tokio::test]
    async fn the_context_is_entered_in_call_and_in_the_future_and_left_after() {
        let manager = manager();
        let token = manager.create_access_token("alice").unwrap();
        let probe = Probe::new();
        let mut service = JwtLayer::new().manager(manager).layer(probe.clone());
        let (status, seen) = send(&mut service, get(Some(&token))).await;
        assert_eq!(status, 200, "{seen}");
        assert_eq!(seen["call"], "alice");
        assert_eq!(seen["future"], "alice");
        assert_eq!(seen["buffered"], false, "a GET with a header token");
        assert_eq!(identity(), None, "nothing is left on the thread");
    }

    #[tokio::test]
    async fn a_refused_request_never_reaches_the_inner_service() {
        let probe = Probe::new();
        let mut service = JwtLayer::new().manager(manager()).layer(probe.clone());
        std::future::poll_fn(|cx| service.poll_ready(cx))
            .await
            .unwrap();
        let response = service.call(get(None)).await.unwrap();
        assert_eq!(response.status(), 401);
        assert_eq!(
            response.headers()[CONTENT_TYPE],
            HeaderValue::from_static("application/json")
        );
        assert_eq!(
            response.body(),
            "{\"msg\":\"Missing Authorization Header\"}\n"
        );
        assert_eq!(probe.calls.load(Ordering::SeqCst), 0);
    }

    #[tokio::test]
    async fn without_any_manager_the_answer_is_a_generic_500() {
        // No test in this crate installs a process-wide default manager.
        let probe = Probe::new();
        let mut service = JwtLayer::new().layer(probe.clone());
        let (status, body) = send(&mut service, get(Some("a.b.c"))).await;
        assert_eq!(
            (status, body),
            (500, json!({"msg": "Internal Server Error"}))
        );
        assert_eq!(probe.calls.load(Ordering::SeqCst), 0);
    }

    #[tokio::test]
    async fn the_request_manager_is_used_and_the_layer_manager_wins_and_is_passed_down() {
        let ours = JwtManager::builder()
            .secret_key(SECRET)
            .with(|c| c.error_msg_key = "ours".into())
            .build()
            .unwrap();
        let theirs = JwtManager::builder()
            .secret_key("another-secret-entirely-0123456789abcdef")
            .with(|c| c.error_msg_key = "theirs".into())
            .build()
            .unwrap();
        let token = ours.create_access_token("alice").unwrap();

        // No manager on the layer: the request's.
        let mut service = JwtLayer::new().layer(Probe::new());
        let mut request = get(Some(&token));
        request.extensions_mut().insert(ours.clone());
        let (status, seen) = send(&mut service, request).await;
        assert_eq!((status, &seen["manager_key"]), (200, &json!("ours")));
        let mut request = get(Some(&token));
        request.extensions_mut().insert(theirs.clone());
        let (status, body) = send(&mut service, request).await;
        assert_eq!(
            (status, body),
            (422, json!({"theirs": "Signature verification failed"}))
        );

        // The layer's manager replaces the request's, for verification and below.
        let mut service = JwtLayer::new().manager(ours).layer(Probe::new());
        let mut request = get(Some(&token));
        request.extensions_mut().insert(theirs);
        let (status, seen) = send(&mut service, request).await;
        assert_eq!((status, &seen["manager_key"]), (200, &json!("ours")));
    }

    #[tokio::test]
    async fn the_instance_polled_ready_is_the_one_called() {
        // Synchronous loaders: the inner service is called in `call`, without a clone.
        let manager = manager();
        let token = manager.create_access_token("alice").unwrap();
        let probe = Probe::new();
        let mut service = JwtLayer::new().manager(manager).layer(probe.clone());
        let clones = probe.clones.load(Ordering::SeqCst);
        let (status, seen) = send(&mut service, get(Some(&token))).await;
        assert_eq!(status, 200, "{seen}");
        assert_eq!(probe.clones.load(Ordering::SeqCst), clones);

        // An async loader to await first: the ready instance moves into the future, and a
        // clone takes its place.
        let manager = JwtManager::builder()
            .secret_key(SECRET)
            .token_in_blocklist_loader_async(|token| async move {
                tokio::task::yield_now().await;
                token.claims.sub() == Some("revoked")
            })
            .build()
            .unwrap();
        let mut service = JwtLayer::new()
            .manager(manager.clone())
            .layer(probe.clone());
        let clones = probe.clones.load(Ordering::SeqCst);
        for round in 1..=3 {
            let (status, seen) = send(&mut service, get(Some(&token))).await;
            assert_eq!(status, 200, "{seen}");
            assert_eq!(
                (&seen["call"], &seen["future"]),
                (&json!("alice"), &json!("alice"))
            );
            assert_eq!(probe.clones.load(Ordering::SeqCst), clones + round);
        }
        let revoked = manager.create_access_token("revoked").unwrap();
        let calls = probe.calls.load(Ordering::SeqCst);
        let (status, body) = send(&mut service, get(Some(&revoked))).await;
        assert_eq!(
            (status, body),
            (401, json!({"msg": "Token has been revoked"}))
        );
        assert_eq!(probe.calls.load(Ordering::SeqCst), calls);
    }

    /// An inner service whose readiness the test sets.
    #[derive(Clone)]
    struct Gate(Arc<Mutex<Option<Result<(), &'static str>>>>);

    impl Service<Request<Full<Bytes>>> for Gate {
        type Response = Response<String>;
        type Error = &'static str;
        type Future = std::future::Ready<Result<Response<String>, &'static str>>;

        fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
            match *self.0.lock().unwrap() {
                None => Poll::Pending,
                Some(result) => Poll::Ready(result),
            }
        }

        fn call(&mut self, _: Request<Full<Bytes>>) -> Self::Future {
            std::future::ready(Ok(Response::new(String::new())))
        }
    }

    #[test]
    fn poll_ready_is_passed_on() {
        let gate = Gate(Arc::new(Mutex::new(None)));
        let mut service = JwtLayer::new().layer(gate.clone());
        let mut cx = Context::from_waker(std::task::Waker::noop());
        let mut poll = || Service::<Request<Full<Bytes>>>::poll_ready(&mut service, &mut cx);
        assert!(poll().is_pending());
        *gate.0.lock().unwrap() = Some(Err("down"));
        assert_eq!(poll(), Poll::Ready(Err("down")));
        *gate.0.lock().unwrap() = Some(Ok(()));
        assert_eq!(poll(), Poll::Ready(Ok(())));
    }

    fn json_manager() -> JwtManager {
        JwtManager::builder()
            .secret_key(SECRET)
            .with(|c| c.token_location = vec![TokenLocation::Json])
            .build()
            .unwrap()
    }

    #[tokio::test]
    async fn a_json_body_is_read_for_the_token_and_given_back_to_the_handler() {
        let manager = json_manager();
        let token = manager.create_access_token("alice").unwrap();
        let body = format!(r#"{{"access_token": "{token}", "note": "kept"}}"#);
        let mut service = JwtLayer::new().manager(manager).layer(Probe::new());
        let (status, seen) = send(&mut service, post_json(&body)).await;
        assert_eq!(status, 200, "{seen}");
        assert_eq!(seen["future"], "alice");
        assert_eq!(seen["buffered"], true);
        assert_eq!(seen["body"], body, "the handler reads the whole body again");

        // The `locations` option counts too.
        let manager = manager_with_headers_only();
        let token = manager.create_access_token("bob").unwrap();
        let body = format!(r#"{{"access_token": "{token}"}}"#);
        let mut service = JwtLayer::new()
            .manager(manager)
            .locations(&[TokenLocation::Json])
            .layer(Probe::new());
        let (status, seen) = send(&mut service, post_json(&body)).await;
        assert_eq!((status, &seen["future"]), (200, &json!("bob")), "{seen}");
    }

    fn manager_with_headers_only() -> JwtManager {
        manager()
    }

    #[tokio::test]
    async fn a_body_over_the_limit_is_answered_413_without_calling_the_handler() {
        let probe = Probe::new();
        let mut service = JwtLayer::new()
            .manager(json_manager())
            .body_limit(16)
            .layer(probe.clone());
        let (status, body) = send(&mut service, post_json(r#"{"access_token": "a.b.c"}"#)).await;
        assert_eq!(
            (status, body),
            (
                413,
                json!({"msg": "The request body is larger than 16 bytes"})
            )
        );
        assert_eq!(probe.calls.load(Ordering::SeqCst), 0);
    }

    #[tokio::test]
    async fn bodies_are_left_alone_when_the_token_cannot_be_in_them() {
        // Headers only (the default): a JSON body is not read.
        let manager = manager();
        let token = manager.create_access_token("alice").unwrap();
        let mut service = JwtLayer::new().manager(manager).layer(Probe::new());
        let mut request = post_json(r#"{"x": 1}"#);
        request.headers_mut().insert(
            "Authorization",
            HeaderValue::from_str(&format!("Bearer {token}")).unwrap(),
        );
        let (status, seen) = send(&mut service, request).await;
        assert_eq!((status, &seen["buffered"]), (200, &json!(false)), "{seen}");
        assert_eq!(seen["body"], r#"{"x": 1}"#);
    }

    #[tokio::test]
    async fn no_buffering_reads_only_a_body_buffered_outside() {
        let manager = json_manager();
        let token = manager.create_access_token("alice").unwrap();
        let body = format!(r#"{{"access_token": "{token}"}}"#);
        let probe = Probe::new();
        let mut service = JwtLayer::new()
            .manager(manager)
            .no_buffering()
            .layer(probe.clone());
        let (status, _) = send(&mut service, post_json(&body)).await;
        assert_ne!(status, 200, "the body was not read");
        assert_eq!(probe.calls.load(Ordering::SeqCst), 0);

        let mut request = post_json(&body);
        request
            .extensions_mut()
            .insert(BufferedBody(Bytes::from(body.clone())));
        let (status, seen) = send(&mut service, request).await;
        assert_eq!((status, &seen["future"]), (200, &json!("alice")), "{seen}");
    }

    /// A body type that is no `http_body::Body` at all.
    struct Opaque;

    #[derive(Clone)]
    struct Echo;

    impl Service<Request<Opaque>> for Echo {
        type Response = Response<String>;
        type Error = std::convert::Infallible;
        type Future = std::future::Ready<Result<Response<String>, std::convert::Infallible>>;

        fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
            Poll::Ready(Ok(()))
        }

        fn call(&mut self, _: Request<Opaque>) -> Self::Future {
            std::future::ready(Ok(Response::new(identity().unwrap_or_default())))
        }
    }

    #[tokio::test]
    async fn no_buffering_takes_any_body_type() {
        let manager = manager();
        let token = manager.create_access_token("alice").unwrap();
        let mut service = JwtLayer::new().no_buffering().manager(manager).layer(Echo);
        let request = Request::get("/")
            .header("Authorization", format!("Bearer {token}"))
            .body(Opaque)
            .unwrap();
        let response = service.call(request).await.unwrap();
        assert_eq!(response.body(), "alice");
    }

    #[test]
    fn the_service_is_clone_and_its_future_send_when_the_inner_ones_are() {
        fn clone_send<T: Clone + Send + Sync>(_: &T) {}
        fn send<T: Send>(_: &T) {}
        let mut service = JwtLayer::new().manager(manager()).layer(Probe::new());
        clone_send(&service);
        let future = service.call(get(None));
        send(&future);
        assert_eq!(
            format!("{future:?}"),
            r#"JwtResponseFuture { state: "refused" }"#
        );
    }
}
