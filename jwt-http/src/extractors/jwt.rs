//! [`Jwt`] (what `get_jwt()` returns) as an extractor, with the default policy.

use std::sync::Arc;

use axum_core::extract::{FromRequestParts, OptionalFromRequestParts};
use http::request::Parts;

use super::{verify, AccessToken};
use crate::{Jwt, JwtContext, JwtError, Refusal};

/// The request's verified access token: `get_jwt()` as a handler parameter, with the default
/// policy ([`AccessToken`]) and the manager from the request's extensions or the process
/// default. For another policy take a [`JwtToken<P>`](super::JwtToken), which is the same with
/// a policy and with the context.
///
/// ```
/// use axum::{routing::get, Router};
/// use jwt_http::Jwt;
///
/// async fn claims(jwt: Jwt) -> String {
///     format!("{} until {:?}", jwt.sub().unwrap_or_default(), jwt.exp())
/// }
///
/// async fn maybe(jwt: Option<Jwt>) -> String {
///     jwt.and_then(|jwt| jwt.sub().map(str::to_owned)).unwrap_or_default()
/// }
///
/// let app: Router = Router::new().route("/claims", get(claims)).route("/maybe", get(maybe));
/// ```
impl<S: Send + Sync> FromRequestParts<S> for Jwt {
    type Rejection = Refusal;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Refusal> {
        jwt_of(verify::required::<S, AccessToken>(parts, state).await?)
    }
}

/// `Option<Jwt>`: flask's `optional=True` (`None` without a token; a token that is there must
/// still pass every check).
impl<S: Send + Sync> OptionalFromRequestParts<S> for Jwt {
    type Rejection = Refusal;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Option<Self>, Refusal> {
        verify::optional::<S, AccessToken>(parts, state)
            .await?
            .map(jwt_of)
            .transpose()
    }
}

/// The `Jwt` of a verified context, which holds a token (the required extractors refuse a
/// request without one).
fn jwt_of(context: Arc<JwtContext>) -> Result<Jwt, Refusal> {
    let manager = context.manager().clone();
    Jwt::from_context(context).ok_or_else(|| {
        Refusal::new(
            JwtError::NoTokenFound {
                locations: manager.config().token_location.clone(),
                reasons: Vec::new(),
            },
            Some(manager),
        )
    })
}
