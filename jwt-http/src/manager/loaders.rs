//! flask-jwt-extended's loaders: the application's hooks into creating and checking tokens.

use std::any::Any;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use jwt_core::{Claims, Header, Key, TokenData};
use serde_json::{Map, Value};

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
