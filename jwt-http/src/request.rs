//! What this crate reads of a request, for any framework built on the `http` crate.

use http::request::Parts;
use http::{Extensions, HeaderMap, Method, Request, Uri};

/// The parts of a request a token can be found in.
///
/// Implemented for `http::Request<B>` (any body type), `http::request::Parts`, a bare
/// `HeaderMap` (method, URI, extensions and body unknown) and [`RequestHead`] (method, URI,
/// headers and optionally extensions and body, from anywhere), and for references to each.
/// Frameworks whose request type wraps these can implement it in a few lines.
///
/// What a request cannot show is never taken as harmless: an unknown method counts as
/// state-changing (a cookie token needs its CSRF value), and a location that needs an unknown
/// URI or body is refused with [`JwtError::UnreadableLocation`](crate::JwtError::UnreadableLocation).
pub trait TokenRequest {
    /// The request method; `None` when unknown, which CSRF protection treats as state-changing.
    fn method(&self) -> Option<&Method>;
    /// The request URI, for the query string; `None` when unknown.
    fn uri(&self) -> Option<&Uri>;
    /// The request headers.
    fn headers(&self) -> &HeaderMap;
    /// The request extensions, where a per-request [`JwtManager`](crate::JwtManager) may be.
    fn extensions(&self) -> Option<&Extensions>;
    /// The request body, when it has already been read into memory (the JSON location needs
    /// it): for `Request<B>` and `Parts`, the [`BufferedBody`](crate::BufferedBody) a
    /// middleware stored with [`buffer_json_body`](crate::buffer_json_body). `None` when unknown.
    fn body_bytes(&self) -> Option<&[u8]> {
        None
    }
}

impl<B> TokenRequest for Request<B> {
    fn method(&self) -> Option<&Method> {
        Some(Request::method(self))
    }
    fn uri(&self) -> Option<&Uri> {
        Some(Request::uri(self))
    }
    fn headers(&self) -> &HeaderMap {
        Request::headers(self)
    }
    fn extensions(&self) -> Option<&Extensions> {
        Some(Request::extensions(self))
    }
    fn body_bytes(&self) -> Option<&[u8]> {
        buffered(Request::extensions(self))
    }
}

/// The body a middleware buffered with [`buffer_json_body`](crate::buffer_json_body).
fn buffered(extensions: &Extensions) -> Option<&[u8]> {
    extensions
        .get::<crate::BufferedBody>()
        .map(|body| body.0.as_ref())
}

impl TokenRequest for Parts {
    fn method(&self) -> Option<&Method> {
        Some(&self.method)
    }
    fn uri(&self) -> Option<&Uri> {
        Some(&self.uri)
    }
    fn headers(&self) -> &HeaderMap {
        &self.headers
    }
    fn extensions(&self) -> Option<&Extensions> {
        Some(&self.extensions)
    }
    fn body_bytes(&self) -> Option<&[u8]> {
        buffered(&self.extensions)
    }
}

impl TokenRequest for HeaderMap {
    fn method(&self) -> Option<&Method> {
        None
    }
    fn uri(&self) -> Option<&Uri> {
        None
    }
    fn headers(&self) -> &HeaderMap {
        self
    }
    fn extensions(&self) -> Option<&Extensions> {
        None
    }
}

impl<T: TokenRequest + ?Sized> TokenRequest for &T {
    fn method(&self) -> Option<&Method> {
        (**self).method()
    }
    fn uri(&self) -> Option<&Uri> {
        (**self).uri()
    }
    fn headers(&self) -> &HeaderMap {
        (**self).headers()
    }
    fn extensions(&self) -> Option<&Extensions> {
        (**self).extensions()
    }
    fn body_bytes(&self) -> Option<&[u8]> {
        (**self).body_bytes()
    }
}

/// A request given as its pieces, for servers that do not use `http::Request`, and for
/// `#[jwt_required]` handlers that take the pieces as separate parameters (axum's `HeaderMap`,
/// `Method`, `Uri`, `Extensions` extractors).
///
/// ```
/// use http::{HeaderMap, Method, Uri};
/// use jwt_http::{RequestHead, TokenRequest};
/// let headers = HeaderMap::new();
/// let uri: Uri = "/items?jwt=abc".parse().unwrap();
/// let head = RequestHead::new(&Method::POST, &uri, &headers);
/// assert_eq!(head.method(), Some(&Method::POST));
///
/// // Only the headers: the method is unknown (CSRF is then always required for cookies).
/// assert_eq!(RequestHead::from_headers(&headers).method(), None);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct RequestHead<'a> {
    method: Option<&'a Method>,
    uri: Option<&'a Uri>,
    headers: &'a HeaderMap,
    extensions: Option<&'a Extensions>,
    body: Option<&'a [u8]>,
}

impl<'a> RequestHead<'a> {
    /// Method, URI and headers.
    pub fn new(method: &'a Method, uri: &'a Uri, headers: &'a HeaderMap) -> Self {
        RequestHead::from_headers(headers)
            .with_method(method)
            .with_uri(uri)
    }

    /// Only the headers: method, URI, extensions and body unknown.
    pub fn from_headers(headers: &'a HeaderMap) -> Self {
        RequestHead {
            method: None,
            uri: None,
            headers,
            extensions: None,
            body: None,
        }
    }

    /// Adds the method.
    pub fn with_method(mut self, method: &'a Method) -> Self {
        self.method = Some(method);
        self
    }

    /// Adds the URI, for the query string location.
    pub fn with_uri(mut self, uri: &'a Uri) -> Self {
        self.uri = Some(uri);
        self
    }

    /// Adds the extensions, where a per-request [`JwtManager`](crate::JwtManager) and a
    /// [`BufferedBody`](crate::BufferedBody) may be.
    pub fn with_extensions(mut self, extensions: &'a Extensions) -> Self {
        self.extensions = Some(extensions);
        self
    }

    /// Adds the body, already read, for the JSON location.
    pub fn with_body(mut self, body: &'a [u8]) -> Self {
        self.body = Some(body);
        self
    }
}

impl TokenRequest for RequestHead<'_> {
    fn method(&self) -> Option<&Method> {
        self.method
    }
    fn uri(&self) -> Option<&Uri> {
        self.uri
    }
    fn headers(&self) -> &HeaderMap {
        self.headers
    }
    fn extensions(&self) -> Option<&Extensions> {
        self.extensions
    }
    fn body_bytes(&self) -> Option<&[u8]> {
        self.body.or_else(|| self.extensions.and_then(buffered))
    }
}
