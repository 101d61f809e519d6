//! `Guarded<T>`: what a `#[jwt_required]` handler returns when its own return type cannot carry
//! a refusal.
//!
//! A handler returning `http::Response<B>` or `Result<T, E>` keeps its return type: the refusal
//! becomes the manager's response, or `Err(E::from(error))` (see
//! [`JwtRejection`](crate::JwtRejection)). Any other return type `T` (`impl IntoResponse`,
//! `Json<T>`, `(StatusCode, Json<T>)`, `String`, `()`...) cannot hold a refusal, so the attribute
//! makes the handler return `Guarded<T>`: either the handler's value, or the refusal. With the
//! `axum` feature, `Guarded<T>` is `IntoResponse` whenever `T` is.

use crate::{JwtError, JwtManager, JwtRejection, Refusal};

/// The outcome of a `#[jwt_required]` handler whose return type cannot carry a refusal: the
/// handler's own value, or the refused request (the handler did not run).
///
/// ```
/// use jwt_http::{Guarded, JwtError, Refusal};
/// let ran: Guarded<&str> = Guarded::Handled("hello");
/// assert_eq!(ran.into_result().ok(), Some("hello"));
///
/// let refused: Guarded<&str> = Guarded::Refused(Refusal::new(JwtError::MissingCsrfToken, None));
/// let response: http::Response<String> = refused.into_response_with(|s| http::Response::new(s.to_owned()));
/// assert_eq!(response.status(), 401);
/// ```
#[derive(Debug, Clone)]
#[must_use = "a handler's outcome, to answer the request with"]
pub enum Guarded<T> {
    /// The handler ran and returned this.
    Handled(T),
    /// The request was refused before the handler ran.
    Refused(Refusal),
}

impl<T> Guarded<T> {
    /// The handler's value, or why the request was refused.
    pub fn into_result(self) -> Result<T, Refusal> {
        match self {
            Guarded::Handled(value) => Ok(value),
            Guarded::Refused(refusal) => Err(refusal),
        }
    }

    /// The handler's value, if it ran.
    pub fn handled(self) -> Option<T> {
        self.into_result().ok()
    }

    /// Why the request was refused, if it was.
    pub fn refusal(&self) -> Option<&Refusal> {
        match self {
            Guarded::Handled(_) => None,
            Guarded::Refused(refusal) => Some(refusal),
        }
    }

    /// The response: the handler's value through `respond`, or the refusal's response
    /// ([`Refusal::into_response`]).
    pub fn into_response_with<B: From<String>>(
        self,
        respond: impl FnOnce(T) -> http::Response<B>,
    ) -> http::Response<B> {
        match self {
            Guarded::Handled(value) => respond(value),
            Guarded::Refused(refusal) => refusal.into_response(),
        }
    }
}

impl<T> JwtRejection for Guarded<T> {
    fn from_jwt_error(error: JwtError, manager: Option<&JwtManager>) -> Self {
        Guarded::Refused(Refusal::new(error, manager.cloned()))
    }
}

#[cfg(feature = "axum")]
impl<T: axum_core::response::IntoResponse> axum_core::response::IntoResponse for Guarded<T> {
    fn into_response(self) -> axum_core::response::Response {
        match self {
            Guarded::Handled(value) => value.into_response(),
            Guarded::Refused(refusal) => refusal.into_response(),
        }
    }
}
