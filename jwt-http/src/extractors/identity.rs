//! `JwtIdentity<T, P>`: the verified token's identity, in the application's own type.

use std::marker::PhantomData;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::AccessToken;
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

super::typed::typed_extractor!(JwtIdentity, identity, "identity");
