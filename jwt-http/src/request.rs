//! What this crate reads of a request, for any framework built on the `http` crate.

use http::request::Parts;
use http::{Extensions, HeaderMap, Method, Request, Uri};

/// The parts of a request a token can be found in.
///
/// Implemented for `http::Request<B>` (any body type), `http::request::Parts`, a bare
/// `HeaderMap` (method GET, no query string) and [`RequestHead`] (method, URI and headers
/// from anywhere), and for references to each. Frameworks whose request type wraps these can
/// implement it in a few lines.
pub trait TokenRequest {
    /// The request method (OPTIONS requests are never checked).
    fn method(&self) -> &Method;
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
    fn method(&self) -> &Method {
        Request::method(self)
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
    fn method(&self) -> &Method {
        &self.method
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
    fn method(&self) -> &Method {
        &Method::GET
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
    fn method(&self) -> &Method {
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

/// A request given as its pieces, for servers that do not use `http::Request`.
///
/// ```
/// use http::{HeaderMap, Method, Uri};
/// use jwt_http::{RequestHead, TokenRequest};
/// let headers = HeaderMap::new();
/// let uri: Uri = "/items?jwt=abc".parse().unwrap();
/// let head = RequestHead::new(&Method::POST, &uri, &headers);
/// assert_eq!(head.method(), Method::POST);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct RequestHead<'a> {
    method: &'a Method,
    uri: Option<&'a Uri>,
    headers: &'a HeaderMap,
    body: Option<&'a [u8]>,
}

impl<'a> RequestHead<'a> {
    /// Method, URI and headers.
    pub fn new(method: &'a Method, uri: &'a Uri, headers: &'a HeaderMap) -> Self {
        RequestHead {
            method,
            uri: Some(uri),
            headers,
            body: None,
        }
    }

    /// Adds the body, already read, for the JSON location.
    pub fn with_body(mut self, body: &'a [u8]) -> Self {
        self.body = Some(body);
        self
    }
}

impl TokenRequest for RequestHead<'_> {
    fn method(&self) -> &Method {
        self.method
    }
    fn uri(&self) -> Option<&Uri> {
        self.uri
    }
    fn headers(&self) -> &HeaderMap {
        self.headers
    }
    fn extensions(&self) -> Option<&Extensions> {
        None
    }
    fn body_bytes(&self) -> Option<&[u8]> {
        self.body
    }
}
