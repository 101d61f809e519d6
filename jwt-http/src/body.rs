//! Reading a request body once, so the token locations and the handler can all use it.
//!
//! A request body is a stream that can be read only once. The JSON token location, and the
//! CSRF form field when `csrf_check_form` is on, must be read before the handler runs, and the
//! handler may want the body too. So a middleware reads the body into memory, keeps the bytes in
//! the request's extensions as a [`BufferedBody`] (where the locations find them) and puts the
//! same bytes back as the body. Other bodies are passed on untouched, unread.
//!
//! [`JwtManager::buffer_body`] is the one to use: it reads JSON bodies, and
//! `application/x-www-form-urlencoded` bodies when the manager's `csrf_check_form` setting
//! (`JWT_CSRF_CHECK_FORM`) can read a CSRF form field from them. [`buffer_json_body`] reads
//! JSON bodies only; it needs no manager, and suits apps that never check a CSRF form field.
//!
//! [`JwtManager::buffer_body`]: crate::JwtManager::buffer_body

use std::fmt;

use bytes::Bytes;
use http::{Request, StatusCode};
use http_body::Body;
use http_body_util::{BodyExt, Limited};

/// A request body read into memory, kept in the request's extensions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BufferedBody(pub Bytes);

/// Why a body could not be buffered.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BodyError {
    /// The body is longer than the limit.
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// Reading the body failed.
    Read(String),
}

impl BodyError {
    /// 413 for a body over the limit, 400 for a failed read.
    pub fn status(&self) -> StatusCode {
        match self {
            BodyError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            BodyError::Read(_) => StatusCode::BAD_REQUEST,
        }
    }
}

impl fmt::Display for BodyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BodyError::TooLarge { limit } => {
                write!(f, "The request body is larger than {limit} bytes")
            }
            BodyError::Read(why) => write!(f, "The request body could not be read: {why}"),
        }
    }
}

impl std::error::Error for BodyError {}

/// Reads a JSON request body (`application/json` or `application/*+json`) of at most `limit`
/// bytes into memory, records it as a [`BufferedBody`] extension and puts it back as the body.
/// Requests with another content type are returned as they are.
///
/// It never reads form bodies, so a CSRF form field (`csrf_check_form`) is never found: use
/// [`JwtManager::buffer_body`], which does everything this does and that too. This one needs
/// no manager; it suits apps that never check a CSRF form field.
///
/// [`JwtManager::buffer_body`]: crate::JwtManager::buffer_body
///
/// With axum:
///
/// ```
/// use axum::{extract::Request, middleware::{self, Next}, response::{IntoResponse, Response}, Router};
///
/// async fn buffer(req: Request, next: Next) -> Response {
///     match jwt_http::buffer_json_body(req, 1 << 20).await {
///         Ok(req) => next.run(req).await,
///         Err(e) => (e.status(), e.to_string()).into_response(),
///     }
/// }
///
/// let app: Router = Router::new().layer(middleware::from_fn(buffer));
/// ```
pub async fn buffer_json_body<B>(request: Request<B>, limit: usize) -> Result<Request<B>, BodyError>
where
    B: Body + From<Bytes>,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    if !crate::extract::is_json(request.headers()) {
        return Ok(request);
    }
    buffer(request, limit).await
}

/// Reads the body (at most `limit` bytes), keeps it as a [`BufferedBody`] and puts it back.
pub(crate) async fn buffer<B>(request: Request<B>, limit: usize) -> Result<Request<B>, BodyError>
where
    B: Body + From<Bytes>,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let (mut parts, body) = request.into_parts();
    let bytes = match Limited::new(body, limit).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => {
            return Err(BodyError::TooLarge { limit })
        }
        Err(e) => return Err(BodyError::Read(e.to_string())),
    };
    parts.extensions.insert(BufferedBody(bytes.clone()));
    Ok(Request::from_parts(parts, B::from(bytes)))
}
