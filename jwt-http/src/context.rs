//! The verified token of the request being handled, visible to the handler's code.
//!
//! The context lives in a thread-local slot, but it is never simply "set for the request": a
//! [`Scoped`] future swaps it in before every poll of the handler's future and swaps it back out
//! right after, on whichever worker thread runs that poll (and also while the future is dropped).
//! So it follows the task across threads, never shows to another task polled on the same thread,
//! nests (an inner scope restores the outer one) and is restored on panic. Sync handlers use a
//! [`ContextGuard`] for their whole call. Spawned tasks do not inherit it; pass it on explicitly
//! with [`propagate`].

use std::cell::RefCell;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use jwt_core::{Claims, Header, TokenData};

use crate::{Identity, JwtManager, TokenLocation};

/// What a protected handler knows about its request's token.
#[derive(Debug)]
pub struct JwtContext {
    token: Option<TokenSlot>,
    location: Option<TokenLocation>,
    user: Option<Arc<dyn std::any::Any + Send + Sync>>,
    manager: JwtManager,
}

/// The token inside a context: held in place (one allocation for context and token, the usual
/// case) or shared with an async loader that was handed an `Arc` of it.
#[derive(Debug)]
pub(crate) enum TokenSlot {
    Own(TokenData<Claims>),
    Shared(Arc<TokenData<Claims>>),
}

impl TokenSlot {
    pub(crate) fn get(&self) -> &TokenData<Claims> {
        match self {
            TokenSlot::Own(token) => token,
            TokenSlot::Shared(token) => token,
        }
    }

    /// The token as an `Arc` for an async loader (a copy only for a token held in place, which
    /// verification never hands to one).
    pub(crate) fn shared(&self) -> Arc<TokenData<Claims>> {
        match self {
            TokenSlot::Own(token) => Arc::new(token.clone()),
            TokenSlot::Shared(token) => token.clone(),
        }
    }

    /// The token by value (a copy only if a loader kept a clone of the `Arc`).
    pub(crate) fn into_owned(self) -> TokenData<Claims> {
        match self {
            TokenSlot::Own(token) => token,
            TokenSlot::Shared(token) => {
                Arc::try_unwrap(token).unwrap_or_else(|shared| (*shared).clone())
            }
        }
    }
}

impl JwtContext {
    pub(crate) fn with_slot(
        token: Option<TokenSlot>,
        location: Option<TokenLocation>,
        user: Option<Arc<dyn std::any::Any + Send + Sync>>,
        manager: JwtManager,
    ) -> Self {
        JwtContext {
            token,
            location,
            user,
            manager,
        }
    }

    pub(crate) fn new(
        token: Option<TokenData<Claims>>,
        location: Option<TokenLocation>,
        user: Option<Arc<dyn std::any::Any + Send + Sync>>,
        manager: JwtManager,
    ) -> Self {
        JwtContext {
            token: token.map(TokenSlot::Own),
            location,
            user,
            manager,
        }
    }

    /// The verified token; `None` on an `optional` route that got none.
    pub fn token(&self) -> Option<&TokenData<Claims>> {
        self.token.as_ref().map(TokenSlot::get)
    }

    /// The claims of the verified token.
    pub fn claims(&self) -> Option<&Claims> {
        self.token().map(|t| &t.claims)
    }

    /// The header of the verified token.
    pub fn header(&self) -> Option<&Header> {
        self.token().map(|t| &t.header)
    }

    /// Where the token was found.
    pub fn location(&self) -> Option<TokenLocation> {
        self.location
    }

    /// The value of the identity claim (`JWT_IDENTITY_CLAIM`).
    pub fn identity(&self) -> Option<Identity> {
        let claims = self.claims()?;
        claims
            .get_cloned(&self.manager.config().identity_claim)
            .map(Identity::new)
    }

    /// The user the user-lookup callback loaded, if it is a `U`.
    pub fn user<U: Send + Sync + 'static>(&self) -> Option<Arc<U>> {
        self.user.clone()?.downcast::<U>().ok()
    }

    /// The manager that verified the token.
    pub fn manager(&self) -> &JwtManager {
        &self.manager
    }
}

thread_local! {
    static CURRENT: RefCell<Option<Arc<JwtContext>>> = const { RefCell::new(None) };
}

/// Exchanges the thread's current context with `slot`. Never panics: while the thread-local is
/// being destroyed, or (impossibly) already borrowed, nothing is exchanged.
fn swap(slot: &mut Option<Arc<JwtContext>>) {
    let _ = CURRENT.try_with(|current| {
        if let Ok(mut current) = current.try_borrow_mut() {
            std::mem::swap(&mut *current, slot);
        }
    });
}

/// The context of the protected scope this code runs in; `None` outside one.
pub fn current() -> Option<Arc<JwtContext>> {
    CURRENT
        .try_with(|current| current.try_borrow().ok().and_then(|c| c.clone()))
        .ok()
        .flatten()
}

/// Makes `context` current until the guard is dropped, then restores what was current before.
///
/// For synchronous code only: the guard is not `Send` and must not be held across an `.await`
/// (use [`scope`] for futures).
pub fn enter(context: Option<Arc<JwtContext>>) -> ContextGuard {
    let mut slot = context;
    swap(&mut slot);
    ContextGuard {
        previous: slot,
        _not_send: PhantomData,
    }
}

/// Restores the previous context when dropped, also during a panic. See [`enter`].
#[must_use = "the context is left as soon as the guard is dropped"]
#[derive(Debug)]
pub struct ContextGuard {
    previous: Option<Arc<JwtContext>>,
    _not_send: PhantomData<*const ()>,
}

impl Drop for ContextGuard {
    fn drop(&mut self) {
        swap(&mut self.previous);
    }
}

/// Runs `future` with `context` current during each of its polls and while it is dropped.
pub fn scope<F: Future>(context: Option<Arc<JwtContext>>, future: F) -> Scoped<F> {
    Scoped {
        context,
        inner: Some(future),
    }
}

/// Carries the current context (if any) into `future`, for work spawned from a handler:
/// `tokio::spawn(propagate(async { get_jwt_identity() }))`. Without it, spawned work sees no
/// context, on purpose: background jobs must not act as the user by accident.
pub fn propagate<F: Future>(future: F) -> Scoped<F> {
    scope(current(), future)
}

pin_project_lite::pin_project! {
    /// A future that runs its inner future inside a JWT context. See [`scope`].
    #[derive(Debug)]
    #[must_use = "futures do nothing unless polled"]
    pub struct Scoped<F> {
        context: Option<Arc<JwtContext>>,
        #[pin]
        inner: Option<F>,
    }

    impl<F> PinnedDrop for Scoped<F> {
        fn drop(this: Pin<&mut Self>) {
            let mut this = this.project();
            let _swapped = Swapped::new(this.context);
            this.inner.set(None);
        }
    }
}

/// Holds the context in the thread-local for as long as it lives, and puts it back in its slot
/// when dropped (also when unwinding).
struct Swapped<'a> {
    slot: &'a mut Option<Arc<JwtContext>>,
}

impl<'a> Swapped<'a> {
    fn new(slot: &'a mut Option<Arc<JwtContext>>) -> Self {
        swap(slot);
        Swapped { slot }
    }
}

impl Drop for Swapped<'_> {
    fn drop(&mut self) {
        swap(self.slot);
    }
}

impl<F: Future> Future for Scoped<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        let _swapped = Swapped::new(this.context);
        match this.inner.as_pin_mut() {
            Some(inner) => inner.poll(cx),
            None => panic!("`Scoped` future polled after completion"),
        }
    }
}

/// The claims of the current request's token: flask-jwt-extended's `get_jwt()`.
///
/// `None` outside a protected scope, and on an `optional` route that received no token.
///
/// ```
/// use jwt_http::{enter, get_jwt, JwtManager, VerifyOptions};
/// let manager = JwtManager::builder().secret_key("a long random secret, 32 bytes or more").build()?;
/// let token = manager.access_token("alice").claim("role", "admin").create()?;
/// let request = http::Request::get("/").header("Authorization", format!("Bearer {token}")).body(())?;
/// let context = manager.verify_request(&request, &VerifyOptions::new())?;
///
/// assert!(get_jwt().is_none(), "outside a protected scope");
/// let _entered = enter(context); // what #[jwt_required] does around a sync handler
/// let jwt = get_jwt().expect("a verified token");
/// assert_eq!(jwt.get("role").and_then(|r| r.as_str()), Some("admin"));
/// assert!(jwt.exp().is_some());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn get_jwt() -> Option<Jwt> {
    Jwt::from_context(current()?)
}

/// The header of the current request's token: flask-jwt-extended's `get_jwt_header()`.
pub fn get_jwt_header() -> Option<Header> {
    current()?.header().cloned()
}

/// The identity of the current request's token (the `JWT_IDENTITY_CLAIM` claim, `sub` by
/// default): flask-jwt-extended's `get_jwt_identity()`.
///
/// `None` outside a protected scope, and on an `optional` route that received no token.
///
/// ```
/// use jwt_http::{get_jwt_identity, scope, JwtManager, VerifyOptions};
/// # async fn doc() -> Result<(), Box<dyn std::error::Error>> {
/// let manager = JwtManager::builder().secret_key("a long random secret, 32 bytes or more").build()?;
/// let token = manager.create_access_token("alice")?;
/// let request = http::Request::get("/").header("Authorization", format!("Bearer {token}")).body(())?;
/// let context = manager.verify_request(&request, &VerifyOptions::new())?;
///
/// // What #[jwt_required] does around an async handler: the context follows the future.
/// let who = scope(context, async {
///     tokio::task::yield_now().await;
///     get_jwt_identity()
/// })
/// .await;
/// assert_eq!(who.unwrap(), "alice");
/// assert!(get_jwt_identity().is_none(), "outside the scope");
/// # Ok(()) }
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(doc()).unwrap();
/// ```
pub fn get_jwt_identity() -> Option<Identity> {
    current()?.identity()
}

/// Where the current request's token was found: `get_jwt_request_location()`.
pub fn get_jwt_request_location() -> Option<TokenLocation> {
    current()?.location()
}

/// The user loaded for the current request by the user-lookup callback:
/// flask-jwt-extended's `get_current_user()` / `current_user`. `None` outside a protected
/// scope, without a token on an optional route, or when the user is not a `U`.
pub fn get_current_user<U: Send + Sync + 'static>() -> Option<Arc<U>> {
    current()?.user::<U>()
}

/// The verified token of the current request, shared (no copy). Dereferences to [`Claims`].
///
/// With the `axum` feature it is also an extractor (an access token, verified as
/// `#[jwt_required]` does).
#[derive(Clone)]
pub struct Jwt(Arc<JwtContext>);

impl Jwt {
    /// The token of `context`; `None` for a context without one (an `optional` route that got
    /// no token).
    pub fn from_context(context: Arc<JwtContext>) -> Option<Jwt> {
        context.token.is_some().then_some(Jwt(context))
    }

    fn data(&self) -> &TokenData<Claims> {
        match &self.0.token {
            Some(slot) => slot.get(),
            // `from_context` only makes a `Jwt` of a context with a token.
            None => unreachable_token(),
        }
    }

    /// The token's header.
    pub fn header(&self) -> &Header {
        &self.data().header
    }

    /// The token's claims.
    pub fn claims(&self) -> &Claims {
        &self.data().claims
    }

    /// The context the token was verified in (its manager, location and loaded user).
    pub fn context(&self) -> &Arc<JwtContext> {
        &self.0
    }
}

/// The empty token a `Jwt` could only show if it had been made from a context without one.
#[cold]
fn unreachable_token() -> &'static TokenData<Claims> {
    static EMPTY: std::sync::OnceLock<TokenData<Claims>> = std::sync::OnceLock::new();
    EMPTY.get_or_init(|| TokenData {
        header: Header::new(jwt_core::Algorithm::HS256),
        claims: Claims::default(),
    })
}

impl crate::__private::ExtractedContext for Jwt {
    fn jwt_context(&self) -> Option<Arc<JwtContext>> {
        Some(self.0.clone())
    }
}

impl std::fmt::Debug for Jwt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Jwt").field(self.data()).finish()
    }
}

impl std::ops::Deref for Jwt {
    type Target = Claims;

    fn deref(&self) -> &Claims {
        &self.data().claims
    }
}

impl serde::Serialize for Jwt {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.data().claims.serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{enter, VerifyOptions};

    const SECRET: &str = "a long random secret, 32 bytes or more";

    fn request(token: &str) -> http::Request<()> {
        http::Request::get("/")
            .header("Authorization", format!("Bearer {token}"))
            .body(())
            .unwrap()
    }

    /// `get_jwt()` works whether the context holds the token in place (sync loaders) or shares
    /// it with an async loader, and the `Jwt` outlives the scope it was taken in.
    #[test]
    fn get_jwt_in_place_and_shared() {
        let plain = JwtManager::builder().secret_key(SECRET).build().unwrap();
        let shared = JwtManager::builder()
            .secret_key(SECRET)
            .token_in_blocklist_loader_async(|token| async move { token.claims.sub().is_none() })
            .build()
            .unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        for (manager, in_place) in [(plain, true), (shared, false)] {
            let token = manager.create_access_token("alice").unwrap();
            let context = runtime
                .block_on(manager.verify_request_async(&request(&token), &VerifyOptions::new()))
                .unwrap()
                .unwrap();
            assert_eq!(
                matches!(context.token, Some(TokenSlot::Own(_))),
                in_place,
                "held in place exactly when no async loader needs an Arc"
            );
            let jwt = {
                let _guard = enter(Some(context));
                let jwt = get_jwt().expect("in scope");
                assert_eq!(jwt.sub(), Some("alice"));
                assert_eq!(get_jwt_identity().unwrap(), "alice");
                jwt
            };
            assert!(get_jwt().is_none(), "scope left");
            assert_eq!(jwt.claims().sub(), Some("alice"));
            assert_eq!(jwt.header().alg(), jwt_core::Algorithm::HS256);
            assert!(format!("{jwt:?}").contains("alice"));
        }
    }
}
