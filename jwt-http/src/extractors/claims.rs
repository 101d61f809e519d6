//! `JwtClaims<C, P>`: the verified token's claims, in the application's own type.

use std::marker::PhantomData;
use std::sync::Arc;

use axum_core::extract::{FromRequestParts, OptionalFromRequestParts};
use http::request::Parts;
use serde::de::DeserializeOwned;

use super::token::token_of;
use super::{verify, AccessToken, Verification};
use crate::__private::ExtractedContext;
use crate::{JwtContext, JwtError, Refusal};

/// The request's verified token, checked by the policy `P` ([`AccessToken`] by default), its
/// claims deserialized into `C`. Dereferences to `C`.
///
/// A token whose claims do not deserialize into `C` is refused as an invalid token (422, or the
/// `invalid_token_loader`'s response). For the claims as they are, without a copy, take a
/// [`JwtToken`](super::JwtToken) (or [`Jwt`](crate::Jwt)). As `Option<JwtClaims<C, P>>` it is
/// flask's `optional=True`: `None` without a token, a token that is there must still pass.
///
/// ```
/// use axum::{routing::get, Json, Router};
/// use jwt_http::extractors::JwtClaims;
/// use serde::Deserialize;
///
/// #[derive(Deserialize)]
/// struct Claims {
///     sub: String,
///     #[serde(default)]
///     roles: Vec<String>,
/// }
///
/// async fn admin(claims: JwtClaims<Claims>) -> Result<String, axum::http::StatusCode> {
///     if claims.roles.iter().any(|r| r == "admin") {
///         Ok(format!("welcome, {}", claims.sub))
///     } else {
///         Err(axum::http::StatusCode::FORBIDDEN)
///     }
/// }
///
/// let app: Router = Router::new().route("/admin", get(admin));
/// ```
pub struct JwtClaims<C, P = AccessToken> {
    claims: C,
    context: Arc<JwtContext>,
    policy: PhantomData<fn() -> P>,
}

impl<C: DeserializeOwned, P> JwtClaims<C, P> {
    fn new(context: Arc<JwtContext>) -> Result<Self, Refusal> {
        match token_of(&context).claims.deserialize::<C>() {
            Ok(claims) => Ok(JwtClaims {
                claims,
                context,
                policy: PhantomData,
            }),
            Err(error) => Err(Refusal::new(
                JwtError::InvalidToken(error),
                Some(context.manager().clone()),
            )),
        }
    }
}

impl<C, P> JwtClaims<C, P> {
    /// The claims, by value.
    pub fn into_inner(self) -> C {
        self.claims
    }

    /// The verified request's context: the token, where it was found, the user the user-lookup
    /// loader loaded, the manager. Run code in it with [`scope`](crate::scope) to make
    /// [`get_jwt_identity`](crate::get_jwt_identity) and the other accessors see it.
    pub fn context(&self) -> &Arc<JwtContext> {
        &self.context
    }
}

impl<C, P> std::ops::Deref for JwtClaims<C, P> {
    type Target = C;

    fn deref(&self) -> &C {
        &self.claims
    }
}

impl<C: Clone, P> Clone for JwtClaims<C, P> {
    fn clone(&self) -> Self {
        JwtClaims {
            claims: self.claims.clone(),
            context: self.context.clone(),
            policy: PhantomData,
        }
    }
}

impl<C: std::fmt::Debug, P> std::fmt::Debug for JwtClaims<C, P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtClaims")
            .field("claims", &self.claims)
            .field("location", &self.context.location())
            .finish()
    }
}

impl<C, P> ExtractedContext for JwtClaims<C, P> {
    fn jwt_context(&self) -> Option<Arc<JwtContext>> {
        Some(self.context.clone())
    }
}

impl<S, C, V> FromRequestParts<S> for JwtClaims<C, V>
where
    S: Send + Sync,
    C: DeserializeOwned,
    V: Verification<S>,
{
    type Rejection = Refusal;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Refusal> {
        Self::new(verify::required::<S, V>(parts, state).await?)
    }
}

impl<S, C, V> OptionalFromRequestParts<S> for JwtClaims<C, V>
where
    S: Send + Sync,
    C: DeserializeOwned,
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
