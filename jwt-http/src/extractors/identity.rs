//! `JwtIdentity<T, P>`: the verified token's identity, in the application's own type.

use std::marker::PhantomData;
use std::sync::Arc;

use axum_core::extract::{FromRequestParts, OptionalFromRequestParts};
use http::request::Parts;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::{verify, AccessToken, Verification};
use crate::__private::ExtractedContext;
use crate::{Identity, JwtContext, JwtError, Refusal};

/// The identity of the request's verified token (the `JWT_IDENTITY_CLAIM` claim, `sub` by
/// default), checked by the policy `P` ([`AccessToken`] by default) and deserialized into `T`:
/// flask-jwt-extended's `get_jwt_identity()` as a handler parameter. Dereferences to `T`.
///
/// `T` is an [`Identity`] by default, and can be any type that deserializes from the claim:
/// `String`, `u64` or a struct (non-string identities need `verify_sub` off, as in
/// flask-jwt-extended 4.7). A token whose identity does not deserialize into `T` is refused as
/// an invalid token (422, or the `invalid_token_loader`'s response).
///
/// As `Option<JwtIdentity<T, P>>` it is flask's `optional=True`: `None` without a token, while
/// a token that is there must pass every check. The rejection is a [`Refusal`]: flask's status
/// and message, or the manager's response loader. The token is verified before the body is read,
/// so a request without a token is answered 401 whatever its body.
///
/// ```
/// use axum::{routing::{get, post}, Json, Router};
/// use jwt_http::extractors::{FreshToken, JwtIdentity};
/// use serde_json::{json, Value};
///
/// async fn protected(user: JwtIdentity<String>) -> Json<Value> {
///     Json(json!({ "logged_in_as": *user }))
/// }
///
/// async fn maybe(user: Option<JwtIdentity<String>>) -> String {
///     match user {
///         Some(user) => format!("hello {}", *user),
///         None => "hello anonymous".to_owned(),
///     }
/// }
///
/// // Verified before the body is read: no token answers 401, not a JSON error.
/// async fn transfer(user: JwtIdentity<String, FreshToken>, Json(body): Json<Value>) -> String {
///     format!("{} sends {}", *user, body["amount"])
/// }
///
/// let app: Router = Router::new()
///     .route("/protected", get(protected))
///     .route("/maybe", get(maybe))
///     .route("/transfer", post(transfer));
/// ```
pub struct JwtIdentity<T = Identity, P = AccessToken> {
    identity: T,
    context: Arc<JwtContext>,
    policy: PhantomData<fn() -> P>,
}

impl<T: DeserializeOwned, P> JwtIdentity<T, P> {
    fn new(context: Arc<JwtContext>) -> Result<Self, Refusal> {
        // Present in every verified token (decoding requires it); `null` if it ever were not.
        let value = context.identity().map_or(Value::Null, Identity::into_value);
        match serde_json::from_value::<T>(value) {
            Ok(identity) => Ok(JwtIdentity {
                identity,
                context,
                policy: PhantomData,
            }),
            Err(error) => Err(Refusal::new(
                JwtError::InvalidToken(jwt_core::Error::ClaimsType(error.to_string())),
                Some(context.manager().clone()),
            )),
        }
    }
}

impl<T, P> JwtIdentity<T, P> {
    /// The identity, by value.
    pub fn into_inner(self) -> T {
        self.identity
    }

    /// The verified request's context: the token, where it was found, the user the user-lookup
    /// loader loaded, the manager. Run code in it with [`scope`](crate::scope) to make
    /// [`get_jwt_identity`](crate::get_jwt_identity) and the other accessors see it.
    pub fn context(&self) -> &Arc<JwtContext> {
        &self.context
    }
}

impl<T, P> std::ops::Deref for JwtIdentity<T, P> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.identity
    }
}

impl<T: Clone, P> Clone for JwtIdentity<T, P> {
    fn clone(&self) -> Self {
        JwtIdentity {
            identity: self.identity.clone(),
            context: self.context.clone(),
            policy: PhantomData,
        }
    }
}

impl<T: std::fmt::Debug, P> std::fmt::Debug for JwtIdentity<T, P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtIdentity")
            .field("identity", &self.identity)
            .field("location", &self.context.location())
            .finish()
    }
}

impl<T, P> ExtractedContext for JwtIdentity<T, P> {
    fn jwt_context(&self) -> Option<Arc<JwtContext>> {
        Some(self.context.clone())
    }
}

impl<S, T, V> FromRequestParts<S> for JwtIdentity<T, V>
where
    S: Send + Sync,
    T: DeserializeOwned,
    V: Verification<S>,
{
    type Rejection = Refusal;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Refusal> {
        Self::new(verify::required::<S, V>(parts, state).await?)
    }
}

impl<S, T, V> OptionalFromRequestParts<S> for JwtIdentity<T, V>
where
    S: Send + Sync,
    T: DeserializeOwned,
    V: Verification<S>,
{
    type Rejection = Refusal;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Option<Self>, Refusal> {
        verify::optional::<S, V>(parts, state)
            .await?
            .map(Self::new)
            .transpose()
    }
}
