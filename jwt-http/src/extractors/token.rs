//! `JwtToken<P>`: the verified token, as it is.

use std::marker::PhantomData;
use std::sync::{Arc, OnceLock};

use axum_core::extract::{FromRequestParts, OptionalFromRequestParts};
use http::request::Parts;
use jwt_core::{Claims, Header, TokenData};

use super::{verify, AccessToken, Verification};
use crate::__private::ExtractedContext;
use crate::{JwtContext, Refusal};

/// The request's verified token, checked by the policy `P` ([`AccessToken`] by default): what
/// flask-jwt-extended's `get_jwt()` and `get_jwt_header()` return, as a handler parameter.
/// Dereferences to the token's [`Claims`]; nothing is copied.
///
/// As `Option<JwtToken<P>>` it is flask's `optional=True`: `None` without a token, while a
/// token that is there must pass every check. The rejection is a [`Refusal`]: flask's status and
/// message, or the manager's response loader.
///
/// ```
/// use axum::{routing::post, Router};
/// use jwt_http::extractors::{AnyToken, JwtToken};
///
/// async fn logout(token: JwtToken<AnyToken>) -> String {
///     let jti = token.jti().unwrap_or_default();
///     format!("{} token {jti} revoked", token.token_type())
/// }
///
/// let app: Router = Router::new().route("/logout", post(logout));
/// ```
pub struct JwtToken<P = AccessToken> {
    context: Arc<JwtContext>,
    policy: PhantomData<fn() -> P>,
}

impl<P> JwtToken<P> {
    fn new(context: Arc<JwtContext>) -> Self {
        JwtToken {
            context,
            policy: PhantomData,
        }
    }

    /// The token's claims.
    pub fn claims(&self) -> &Claims {
        &token_of(&self.context).claims
    }

    /// The token's header.
    pub fn header(&self) -> &Header {
        &token_of(&self.context).header
    }

    /// The verified request's context: the token, where it was found, the user the user-lookup
    /// loader loaded, the manager. Run code in it with [`scope`](crate::scope) to make
    /// [`get_jwt_identity`](crate::get_jwt_identity) and the other accessors see it.
    pub fn context(&self) -> &Arc<JwtContext> {
        &self.context
    }

    /// The context, by value.
    pub fn into_context(self) -> Arc<JwtContext> {
        self.context
    }
}

/// The token of a context made by an extractor, which always has one.
pub(super) fn token_of(context: &JwtContext) -> &TokenData<Claims> {
    static EMPTY: OnceLock<TokenData<Claims>> = OnceLock::new();
    match context.token() {
        Some(token) => token,
        // Extractors are only made from contexts with a token (`verify::required`).
        None => EMPTY.get_or_init(|| TokenData {
            header: Header::new(jwt_core::Algorithm::HS256),
            claims: Claims::default(),
        }),
    }
}

impl<P> std::ops::Deref for JwtToken<P> {
    type Target = Claims;

    fn deref(&self) -> &Claims {
        self.claims()
    }
}

impl<P> Clone for JwtToken<P> {
    fn clone(&self) -> Self {
        JwtToken::new(self.context.clone())
    }
}

impl<P> std::fmt::Debug for JwtToken<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtToken")
            .field("token", token_of(&self.context))
            .field("location", &self.context.location())
            .finish()
    }
}

impl<P> ExtractedContext for JwtToken<P> {
    fn jwt_context(&self) -> Option<Arc<JwtContext>> {
        Some(self.context.clone())
    }
}

impl<S, V> FromRequestParts<S> for JwtToken<V>
where
    S: Send + Sync,
    V: Verification<S>,
{
    type Rejection = Refusal;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Refusal> {
        verify::required::<S, V>(parts, state).await.map(Self::new)
    }
}

impl<S, V> OptionalFromRequestParts<S> for JwtToken<V>
where
    S: Send + Sync,
    V: Verification<S>,
{
    type Rejection = Refusal;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Option<Self>, Refusal> {
        Ok(verify::optional::<S, V>(parts, state).await?.map(Self::new))
    }
}
