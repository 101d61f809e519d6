//! `JwtClaims<C, P>`: the verified token's claims, in the application's own type.

use std::marker::PhantomData;
use std::sync::Arc;

use serde::de::DeserializeOwned;

use super::token::token_of;
use super::AccessToken;
use crate::{JwtContext, JwtError, Refusal};
use jwt_core::Claims;

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
/// // The claims as jwt-core's `Claims` (the default), copied out of the token:
/// async fn subject(claims: JwtClaims) -> String {
///     claims.sub().unwrap_or_default().to_owned()
/// }
///
/// let app: Router = Router::new().route("/admin", get(admin)).route("/sub", get(subject));
/// ```
pub struct JwtClaims<C = Claims, P = AccessToken> {
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

super::typed::typed_extractor!(JwtClaims, claims, "claims");
