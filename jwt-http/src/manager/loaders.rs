//! flask-jwt-extended's loaders: the application's hooks into creating and checking tokens.

use std::any::Any;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use jwt_core::{Claims, Header, Key, TokenData};
use serde_json::{Map, Value};

use crate::JwtManagerBuilder;

/// A custom error response: status, headers and a body, converted into the handler's body type.
pub type ErrorResponse = http::Response<String>;

/// A JSON [`ErrorResponse`] with `status`, for response loaders.
///
/// ```
/// let response = jwt_http::json_response(401, &serde_json::json!({"error": "expired"}));
/// assert_eq!(response.status(), 401);
/// assert_eq!(response.headers()["content-type"], "application/json");
/// assert_eq!(response.body(), r#"{"error":"expired"}"#);
/// ```
pub fn json_response(status: u16, body: &Value) -> ErrorResponse {
    let mut response = http::Response::new(body.to_string());
    *response.status_mut() =
        http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    response
}

/// A boxed, sendable future, as async loaders return.
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// A user loaded by the user-lookup loader, read back with
/// [`get_current_user`](crate::get_current_user).
pub type User = Arc<dyn Any + Send + Sync>;

/// A loader called with the identity given to `create_*_token`.
pub(crate) type IdentityLoader<T> = Arc<dyn Fn(&Value) -> T + Send + Sync>;
type IdentityFn = IdentityLoader<Value>;
type MapFn = IdentityLoader<Map<String, Value>>;
type CheckFn = Arc<dyn Fn(&Header, &Claims) -> bool + Send + Sync>;
type AsyncCheckFn = Arc<dyn Fn(Arc<TokenData<Claims>>) -> BoxFuture<bool> + Send + Sync>;
type UserFn = Arc<dyn Fn(&Header, &Claims) -> Option<User> + Send + Sync>;
type AsyncUserFn = Arc<dyn Fn(Arc<TokenData<Claims>>) -> BoxFuture<Option<User>> + Send + Sync>;
pub(crate) type TokenResponseFn = Arc<dyn Fn(&Header, &Claims) -> ErrorResponse + Send + Sync>;
type MessageResponseFn = Arc<dyn Fn(&str) -> ErrorResponse + Send + Sync>;
type EncodeKeyFn = IdentityLoader<Key>;
type DecodeKeyFn = Arc<dyn Fn(&Header, &Claims) -> Key + Send + Sync>;

/// A loader that may be synchronous or asynchronous.
#[derive(Clone)]
pub(crate) enum Hook<S, A> {
    Sync(S),
    Async(A),
}

/// The registered loaders. Each is optional; a missing one behaves as flask-jwt-extended's
/// default.
#[derive(Clone, Default)]
pub(crate) struct Callbacks {
    pub(crate) additional_claims: Option<MapFn>,
    pub(crate) additional_headers: Option<MapFn>,
    pub(crate) user_identity: Option<IdentityFn>,
    pub(crate) user_lookup: Option<Hook<UserFn, AsyncUserFn>>,
    pub(crate) token_in_blocklist: Option<Hook<CheckFn, AsyncCheckFn>>,
    pub(crate) token_verification: Option<CheckFn>,
    pub(crate) expired_token: Option<TokenResponseFn>,
    pub(crate) revoked_token: Option<TokenResponseFn>,
    pub(crate) needs_fresh_token: Option<TokenResponseFn>,
    pub(crate) user_lookup_error: Option<TokenResponseFn>,
    pub(crate) token_verification_failed: Option<TokenResponseFn>,
    pub(crate) invalid_token: Option<MessageResponseFn>,
    pub(crate) unauthorized: Option<MessageResponseFn>,
    pub(crate) encode_key: Option<EncodeKeyFn>,
    pub(crate) decode_key: Option<DecodeKeyFn>,
}

/// Calls a response loader, when one is registered.
pub(crate) fn respond(
    loader: &Option<TokenResponseFn>,
    token: &TokenData<Claims>,
) -> Option<ErrorResponse> {
    loader.as_ref().map(|f| f(&token.header, &token.claims))
}

impl Callbacks {
    /// Whether checking a token needs an async loader (so a sync handler cannot run it).
    pub(crate) fn needs_async(&self, skip_revocation_check: bool) -> bool {
        matches!(self.user_lookup, Some(Hook::Async(_)))
            || (!skip_revocation_check && matches!(self.token_in_blocklist, Some(Hook::Async(_))))
    }

    /// Whether making a token calls a loader with the identity (as a JSON value).
    pub(crate) fn needs_identity_value(&self) -> bool {
        self.additional_claims.is_some()
            || self.additional_headers.is_some()
            || self.encode_key.is_some()
            || self.user_identity.is_some()
    }
}

impl fmt::Debug for Callbacks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = [
            ("additional_claims", self.additional_claims.is_some()),
            ("additional_headers", self.additional_headers.is_some()),
            ("user_identity", self.user_identity.is_some()),
            ("user_lookup", self.user_lookup.is_some()),
            ("token_in_blocklist", self.token_in_blocklist.is_some()),
            ("token_verification", self.token_verification.is_some()),
            ("expired_token", self.expired_token.is_some()),
            ("revoked_token", self.revoked_token.is_some()),
            ("needs_fresh_token", self.needs_fresh_token.is_some()),
            ("user_lookup_error", self.user_lookup_error.is_some()),
            (
                "token_verification_failed",
                self.token_verification_failed.is_some(),
            ),
            ("invalid_token", self.invalid_token.is_some()),
            ("unauthorized", self.unauthorized.is_some()),
            ("encode_key", self.encode_key.is_some()),
            ("decode_key", self.decode_key.is_some()),
        ]
        .into_iter()
        .filter_map(|(name, set)| set.then_some(name))
        .collect();
        f.debug_tuple("Callbacks").field(&names).finish()
    }
}

/// The loaders, registered on the builder as flask-jwt-extended registers them on `JWTManager`.
impl JwtManagerBuilder {
    /// `@jwt.additional_claims_loader`: extra claims for every new token, from the identity as
    /// given to `create_*_token`. Claims given to the token builder win.
    pub fn additional_claims_loader(
        mut self,
        f: impl Fn(&Value) -> Map<String, Value> + Send + Sync + 'static,
    ) -> Self {
        self.callbacks.additional_claims = Some(Arc::new(f));
        self
    }

    /// `@jwt.additional_headers_loader`: extra JOSE header members for every new token.
    pub fn additional_headers_loader(
        mut self,
        f: impl Fn(&Value) -> Map<String, Value> + Send + Sync + 'static,
    ) -> Self {
        self.callbacks.additional_headers = Some(Arc::new(f));
        self
    }

    /// `@jwt.user_identity_loader`: turns the identity given to `create_*_token` into the
    /// identity claim's value (for example a user object into its id).
    pub fn user_identity_loader(
        mut self,
        f: impl Fn(&Value) -> Value + Send + Sync + 'static,
    ) -> Self {
        self.callbacks.user_identity = Some(Arc::new(f));
        self
    }

    /// `@jwt.user_lookup_loader`: loads the user of a verified token; `None` refuses the
    /// request (401 `Error loading the user <identity>`). Read it with
    /// [`get_current_user::<U>()`](crate::get_current_user).
    pub fn user_lookup_loader<U: Send + Sync + 'static>(
        mut self,
        f: impl Fn(&Header, &Claims) -> Option<U> + Send + Sync + 'static,
    ) -> Self {
        self.callbacks.user_lookup = Some(Hook::Sync(Arc::new(move |h: &Header, c: &Claims| {
            f(h, c).map(|u| Arc::new(u) as User)
        })));
        self
    }

    /// An async `user_lookup_loader`, awaited by async handlers without blocking the executor.
    /// A sync handler cannot await it and answers 500 with a message saying so.
    pub fn user_lookup_loader_async<U, F, Fut>(mut self, f: F) -> Self
    where
        U: Send + Sync + 'static,
        F: Fn(Arc<TokenData<Claims>>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Option<U>> + Send + 'static,
    {
        self.callbacks.user_lookup = Some(Hook::Async(Arc::new(move |token| {
            let fut = f(token);
            Box::pin(async move { fut.await.map(|u| Arc::new(u) as User) })
        })));
        self
    }

    /// `@jwt.token_in_blocklist_loader`: `true` means revoked (401 `Token has been revoked`).
    /// Called for access and refresh tokens, unless the route skips revocation checks.
    pub fn token_in_blocklist_loader(
        mut self,
        f: impl Fn(&Header, &Claims) -> bool + Send + Sync + 'static,
    ) -> Self {
        self.callbacks.token_in_blocklist = Some(Hook::Sync(Arc::new(f)));
        self
    }

    /// An async `token_in_blocklist_loader` (a Redis or database lookup), awaited by async
    /// handlers. A sync handler cannot await it and answers 500 with a message saying so.
    pub fn token_in_blocklist_loader_async<F, Fut>(mut self, f: F) -> Self
    where
        F: Fn(Arc<TokenData<Claims>>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = bool> + Send + 'static,
    {
        self.callbacks.token_in_blocklist = Some(Hook::Async(Arc::new(move |token| {
            Box::pin(f(token)) as BoxFuture<bool>
        })));
        self
    }

    /// `@jwt.token_verification_loader`: `false` refuses the token (400
    /// `User claims verification failed`).
    pub fn token_verification_loader(
        mut self,
        f: impl Fn(&Header, &Claims) -> bool + Send + Sync + 'static,
    ) -> Self {
        self.callbacks.token_verification = Some(Arc::new(f));
        self
    }

    /// `@jwt.expired_token_loader`: the response for an expired token.
    pub fn expired_token_loader(
        mut self,
        f: impl Fn(&Header, &Claims) -> ErrorResponse + Send + Sync + 'static,
    ) -> Self {
        self.callbacks.expired_token = Some(Arc::new(f));
        self
    }

    /// `@jwt.revoked_token_loader`: the response for a revoked token.
    pub fn revoked_token_loader(
        mut self,
        f: impl Fn(&Header, &Claims) -> ErrorResponse + Send + Sync + 'static,
    ) -> Self {
        self.callbacks.revoked_token = Some(Arc::new(f));
        self
    }

    /// `@jwt.needs_fresh_token_loader`: the response when a fresh token is required.
    pub fn needs_fresh_token_loader(
        mut self,
        f: impl Fn(&Header, &Claims) -> ErrorResponse + Send + Sync + 'static,
    ) -> Self {
        self.callbacks.needs_fresh_token = Some(Arc::new(f));
        self
    }

    /// `@jwt.user_lookup_error_loader`: the response when the user lookup finds nobody.
    pub fn user_lookup_error_loader(
        mut self,
        f: impl Fn(&Header, &Claims) -> ErrorResponse + Send + Sync + 'static,
    ) -> Self {
        self.callbacks.user_lookup_error = Some(Arc::new(f));
        self
    }

    /// `@jwt.token_verification_failed_loader`: the response when the verification loader
    /// refuses the claims.
    pub fn token_verification_failed_loader(
        mut self,
        f: impl Fn(&Header, &Claims) -> ErrorResponse + Send + Sync + 'static,
    ) -> Self {
        self.callbacks.token_verification_failed = Some(Arc::new(f));
        self
    }

    /// `@jwt.invalid_token_loader`: the response for an invalid token (default 422), given the
    /// message.
    pub fn invalid_token_loader(
        mut self,
        f: impl Fn(&str) -> ErrorResponse + Send + Sync + 'static,
    ) -> Self {
        self.callbacks.invalid_token = Some(Arc::new(f));
        self
    }

    /// `@jwt.unauthorized_loader`: the response when no token was found or the CSRF check
    /// failed (default 401), given the message.
    pub fn unauthorized_loader(
        mut self,
        f: impl Fn(&str) -> ErrorResponse + Send + Sync + 'static,
    ) -> Self {
        self.callbacks.unauthorized = Some(Arc::new(f));
        self
    }

    /// `@jwt.encode_key_loader`: the key to sign a new token with, from the identity as given.
    /// Build keys once and hand out clones (a [`Key`] clone copies prepared HMAC state; building
    /// one hashes the secret). The key must support the signing algorithm.
    pub fn encode_key_loader(mut self, f: impl Fn(&Value) -> Key + Send + Sync + 'static) -> Self {
        self.callbacks.encode_key = Some(Arc::new(f));
        self
    }

    /// `@jwt.decode_key_loader`: the key to verify a token with, chosen from its **unverified**
    /// header and claims (for example by `kid`, for key rotation). What they say is untrusted:
    /// use them only to choose among the application's own keys.
    pub fn decode_key_loader(
        mut self,
        f: impl Fn(&Header, &Claims) -> Key + Send + Sync + 'static,
    ) -> Self {
        self.callbacks.decode_key = Some(Arc::new(f));
        self
    }
}
