//! Turning a refused request into the handler's own return type.

use std::mem::Discriminant;
use std::sync::{Mutex, PoisonError};

use http::header::{HeaderValue, CONTENT_TYPE};
use http::{Response, StatusCode};

use crate::{JwtError, JwtManager};

impl JwtManager {
    /// The default response for `error`: its status and `{"msg": "<message>"}` (the key is
    /// `JWT_ERROR_MESSAGE_KEY`) as `application/json`, compact with a trailing newline, as
    /// Flask's `jsonify` writes it.
    ///
    /// ```
    /// use jwt_http::{JwtError, JwtManager};
    /// let manager = JwtManager::builder().secret_key("a long random secret, 32 bytes or more").build()?;
    /// let response: http::Response<String> = manager.error_response(&JwtError::MissingCsrfToken);
    /// assert_eq!(response.status(), 401);
    /// assert_eq!(response.body(), "{\"msg\":\"Missing CSRF token\"}\n");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// A response loader registered on the builder (`expired_token_loader`,
    /// `unauthorized_loader`, ...) replaces the default for the errors it covers, as in
    /// flask-jwt-extended: absent tokens and CSRF failures go to `unauthorized`, invalid
    /// tokens to `invalid_token`.
    pub fn error_response<B: From<String>>(&self, error: &JwtError) -> Response<B> {
        let cb = self.callbacks();
        let token_response = super::loaders::respond;
        let custom = match error {
            JwtError::Expired(t) => token_response(&cb.expired_token, t),
            JwtError::FreshTokenRequired(t) => token_response(&cb.needs_fresh_token, t),
            JwtError::Revoked(t) => token_response(&cb.revoked_token, t),
            JwtError::UserLookupFailed(t, _) => token_response(&cb.user_lookup_error, t),
            JwtError::ClaimsVerificationFailed(t) => {
                token_response(&cb.token_verification_failed, t)
            }
            e if e.is_absent()
                || matches!(e, JwtError::MissingCsrfToken | JwtError::CsrfMismatch) =>
            {
                cb.unauthorized.as_ref().map(|f| f(&e.to_string()))
            }
            e if e.status() == StatusCode::UNPROCESSABLE_ENTITY => {
                cb.invalid_token.as_ref().map(|f| f(&e.to_string()))
            }
            _ => None,
        };
        match custom {
            Some(response) => response.map(B::from),
            None => json_error(&self.config().error_msg_key, error),
        }
    }
}

/// `{"<key>": "<message>"}\n` with the error's status. A server-side failure (status 500: no
/// manager, an async loader in a sync handler, an unreadable location, a failed token creation)
/// is answered with the generic `Internal Server Error` message; its developer message goes to
/// standard error once per kind of failure, never to the client.
pub(crate) fn json_error<B: From<String>>(key: &str, error: &JwtError) -> Response<B> {
    let status = error.status();
    let message = if status == StatusCode::INTERNAL_SERVER_ERROR {
        log_once(error);
        "Internal Server Error".to_owned()
    } else {
        error.to_string()
    };
    let mut body = serde_json::Map::new();
    body.insert(key.to_owned(), message.into());
    let mut text = serde_json::Value::Object(body).to_string();
    text.push('\n');
    let mut response = Response::new(B::from(text));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// Writes a server-side failure's developer message to standard error, the first time each kind
/// of failure (each `JwtError` variant) is answered.
fn log_once(error: &JwtError) {
    static LOGGED: Mutex<Vec<Discriminant<JwtError>>> = Mutex::new(Vec::new());
    let kind = std::mem::discriminant(error);
    let mut logged = LOGGED.lock().unwrap_or_else(PoisonError::into_inner);
    if !logged.contains(&kind) {
        logged.push(kind);
        drop(logged);
        eprintln!("jwt-extended: answering 500 Internal Server Error: {error}");
    }
}

/// A refused request: why, and the manager that refused it (`None` when none was found). It
/// becomes flask-jwt-extended's response with [`Refusal::into_response`], honouring the
/// manager's response loaders; with the `axum` feature it is an `IntoResponse` rejection.
///
/// ```
/// use jwt_http::{JwtError, JwtManager, Refusal};
/// let manager = JwtManager::builder().secret_key("a long random secret, 32 bytes or more").build()?;
/// let refusal = Refusal::new(JwtError::MissingCsrfToken, Some(manager));
/// let response: http::Response<String> = refusal.into_response();
/// assert_eq!(response.status(), 401);
/// assert_eq!(response.body(), "{\"msg\":\"Missing CSRF token\"}\n");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Refusal {
    error: JwtError,
    manager: Option<JwtManager>,
}

impl Refusal {
    /// `error`, refused by `manager`.
    pub fn new(error: JwtError, manager: Option<JwtManager>) -> Self {
        Refusal { error, manager }
    }

    /// Why the request was refused.
    pub fn error(&self) -> &JwtError {
        &self.error
    }

    /// The manager that refused it, `None` when no manager was found.
    pub fn manager(&self) -> Option<&JwtManager> {
        self.manager.as_ref()
    }

    /// The error alone.
    pub fn into_error(self) -> JwtError {
        self.error
    }

    /// The response: the manager's ([`JwtManager::error_response`]), or `{"msg": ...}` without
    /// one. Server-side failures get a generic 500 body (see [`JwtError::status`]).
    pub fn into_response<B: From<String>>(self) -> Response<B> {
        match &self.manager {
            Some(manager) => manager.error_response(&self.error),
            None => json_error("msg", &self.error),
        }
    }
}

impl From<Refusal> for JwtError {
    fn from(refusal: Refusal) -> Self {
        refusal.error
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.error.fmt(f)
    }
}

impl std::error::Error for Refusal {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

/// How a protected handler's return type carries a refused request.
///
/// `#[jwt_required]` returns `Self::from_jwt_error(error, Some(manager))` instead of running the
/// handler when verification fails. Implemented for:
///
/// - `http::Response<B>` with `B: From<String>` (axum's `Response`, hyper's
///   `Response<Full<Bytes>>`, `Response<String>`): the manager's error response;
/// - `Result<T, E>` with `E: From<JwtError>`: `Err(error.into())`, so handlers returning
///   `Result<_, MyError>` handle it in their own error type.
///
/// Implement it for your own response types. Handlers with any other return type `T` return
/// [`Guarded<T>`](crate::Guarded) instead, which carries either.
///
/// ```
/// use jwt_http::{JwtError, JwtManager, JwtRejection};
///
/// /// A framework's own response type.
/// struct Reply { status: u16, text: String }
///
/// impl JwtRejection for Reply {
///     fn from_jwt_error(error: JwtError, manager: Option<&JwtManager>) -> Self {
///         let _ = manager; // its response loaders could answer instead
///         Reply { status: error.status().as_u16(), text: error.to_string() }
///     }
/// }
///
/// let reply = Reply::from_jwt_error(JwtError::MissingCsrfToken, None);
/// assert_eq!((reply.status, reply.text.as_str()), (401, "Missing CSRF token"));
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot carry a request refused by #[jwt_required]",
    label = "this return type cannot carry a refused request",
    note = "a handler returning `Result<T, E>` needs `E: From<JwtError>` (for example `JwtError` itself, or your error type with a `From<JwtError>` impl); `http::Response<B>` needs `B: From<String>`; any other return type is wrapped in `Guarded<T>`"
)]
pub trait JwtRejection {
    /// Converts a refused request into this type.
    /// `manager` is the one that refused the request; `None` when none was found.
    fn from_jwt_error(error: JwtError, manager: Option<&JwtManager>) -> Self;
}

impl<B: From<String>> JwtRejection for Response<B> {
    fn from_jwt_error(error: JwtError, manager: Option<&JwtManager>) -> Self {
        Refusal::new(error, manager.cloned()).into_response()
    }
}

impl<T, E: From<JwtError>> JwtRejection for Result<T, E> {
    fn from_jwt_error(error: JwtError, _manager: Option<&JwtManager>) -> Self {
        Err(E::from(error))
    }
}

impl<B: From<String>> From<JwtError> for Response<B> {
    /// The error response with the message key of the default manager (`msg` when none is
    /// installed).
    fn from(error: JwtError) -> Self {
        match JwtManager::current() {
            Some(manager) => manager.error_response(&error),
            None => json_error("msg", &error),
        }
    }
}
