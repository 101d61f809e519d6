//! Reading a JSON body once, so the JSON token location and the handler can both use it.
//!
//! A request body is a stream that can be read only once. For the JSON location the token must
//! be read before the handler runs, and the handler may want the body too. So a middleware
//! reads a JSON body into memory with [`buffer_json_body`], keeps the bytes in the request's
//! extensions as a [`BufferedBody`] (where the JSON location finds them) and puts the same
//! bytes back as the body. Other bodies are passed on untouched, unread.
//!
//! With axum:
//!
//! ```
//! use axum::{extract::Request, middleware::{self, Next}, response::{IntoResponse, Response}, Router};
//!
//! async fn buffer(req: Request, next: Next) -> Response {
//!     match jwt_http::buffer_json_body(req, 1 << 20).await {
//!         Ok(req) => next.run(req).await,
//!         Err(e) => (e.status(), e.to_string()).into_response(),
//!     }
//! }
//!
//! let app: Router = Router::new().layer(middleware::from_fn(buffer));
//! ```

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
pub async fn buffer_json_body<B>(request: Request<B>, limit: usize) -> Result<Request<B>, BodyError>
where
    B: Body + From<Bytes>,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    if !crate::extract::is_json(request.headers()) {
        return Ok(request);
    }
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
