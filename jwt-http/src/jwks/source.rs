//! Where a key set comes from: the [`JwksSource`] trait and the built-in [`HttpSource`]
//! (hyper 1's legacy client, plain HTTP).

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use bytes::Bytes;
use http::header::{HeaderValue, ACCEPT, CACHE_CONTROL, CONTENT_LENGTH, USER_AGENT};
use http::{Request, StatusCode, Uri};
use http_body_util::{BodyExt, Empty, Limited};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

use super::JwksConfigError;

/// The future a [`JwksSource`] returns.
pub type FetchFuture<'a> =
    Pin<Box<dyn Future<Output = Result<JwksResponse, FetchError>> + Send + 'a>>;

/// The default body limit, 128 KiB: a JWK Set of 64 RSA-4096 keys is about 50 KiB.
pub const DEFAULT_MAX_BODY: usize = 128 * 1024;

/// Fetches an issuer's JWK Set. [`HttpSource`] is the built-in one; implement this to fetch
/// with your own client (reqwest, a proxy-aware client, a file for tests).
///
/// The verifier calls `fetch` from one spawned task at a time and bounds it with its fetch
/// timeout, so an implementation need not do either. It should follow no redirects, send
/// `Accept: application/json, application/jwk-set+json`, and stop reading a body larger than
/// the verifier's limit ([`FetchError::TooLarge`]); a body over the limit is refused anyway.
///
/// ```
/// use jwt_http::jwks::{FetchError, FetchFuture, JwksResponse, JwksSource};
///
/// /// A fixed set, as a test double.
/// struct Fixed(&'static str);
///
/// impl JwksSource for Fixed {
///     fn fetch(&self) -> FetchFuture<'_> {
///         let body = self.0;
///         Box::pin(async move { Ok(JwksResponse::ok(body)) })
///     }
/// }
/// ```
pub trait JwksSource: Send + Sync + 'static {
    /// One GET of the key set.
    fn fetch(&self) -> FetchFuture<'_>;
}

/// What a [`JwksSource`] fetched: status, `Cache-Control` and body.
#[derive(Debug, Clone)]
pub struct JwksResponse {
    /// The HTTP status; only 200 is used.
    pub status: u16,
    /// The `Cache-Control` header, when present (its `max-age` sets the cache TTL).
    pub cache_control: Option<HeaderValue>,
    /// The body: a JWK Set as JSON.
    pub body: Bytes,
}

impl JwksResponse {
    /// A 200 answer with `body` and no `Cache-Control`.
    pub fn ok(body: impl Into<Bytes>) -> Self {
        JwksResponse {
            status: 200,
            cache_control: None,
            body: body.into(),
        }
    }
}

/// Why a fetch gave no key set. The previous keys stay in use (see
/// [`RemoteJwks`](super::RemoteJwks)).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FetchError {
    /// The answer was not `200 OK` (redirects are not followed).
    Status(u16),
    /// The body is larger than the limit (by `Content-Length`, before reading, or while
    /// reading).
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The fetch took longer than the fetch timeout.
    Timeout,
    /// Connecting, sending or reading failed.
    Transport(String),
    /// The body is not a JWK Set (`{"keys": [...]}` in strict JSON).
    Invalid(String),
    /// The set holds no key this verifier may use (see the module documentation for the
    /// rules); the previous keys are kept rather than replaced by none.
    NoUsableKeys {
        /// How many keys the set listed.
        listed: usize,
    },
    /// The verifier has no tokio runtime to run the fetch on.
    NoRuntime,
}

impl FetchError {
    /// A transport failure described by `error` (for custom [`JwksSource`]s).
    pub fn transport(error: impl fmt::Display) -> Self {
        FetchError::Transport(error.to_string())
    }
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FetchError::Status(status) => write!(f, "the JWKS URL answered {status}, not 200"),
            FetchError::TooLarge { limit } => {
                write!(f, "the JWKS body is larger than the limit of {limit} bytes")
            }
            FetchError::Timeout => f.write_str("fetching the JWKS timed out"),
            FetchError::Transport(why) => write!(f, "fetching the JWKS failed: {why}"),
            FetchError::Invalid(why) => write!(f, "the JWKS body is not a JWK Set: {why}"),
            FetchError::NoUsableKeys { listed } => write!(
                f,
                "the JWKS lists {listed} keys and none of them can verify tokens here"
            ),
            FetchError::NoRuntime => f.write_str(
                "no tokio runtime to fetch the JWKS on: verify from inside one, or call \
                 RemoteJwks::prefetch from one at startup",
            ),
        }
    }
}

impl std::error::Error for FetchError {}

/// The built-in source: one `GET` over plain HTTP with hyper 1's legacy client.
///
/// Sends `Accept: application/json, application/jwk-set+json`; follows no redirect; needs
/// `200`; refuses a `Content-Length` over the limit before reading anything and reads at most
/// the limit otherwise (`http_body_util::Limited`). `https://` URLs are refused when it is
/// built: this build has no TLS client; fetch over TLS with your own client through
/// [`JwksSource`], or from a loopback sidecar. A plain `http://` URL must name a loopback host
/// (`localhost`, `127.0.0.0/8`, `[::1]`) unless built with
/// [`HttpSource::new_allowing_plain_http`]: keys fetched in clear from another host can be
/// replaced by anyone on the path.
#[derive(Clone)]
pub struct HttpSource {
    client: Client<HttpConnector, Empty<Bytes>>,
    uri: Uri,
    max_body: usize,
}

impl fmt::Debug for HttpSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpSource")
            .field("uri", &self.uri)
            .field("max_body", &self.max_body)
            .finish_non_exhaustive()
    }
}

impl HttpSource {
    /// A source for `url`, an absolute `http://` URL to a loopback host.
    pub fn new(url: &str) -> Result<Self, JwksConfigError> {
        let source = Self::new_allowing_plain_http(url)?;
        if !is_loopback(source.uri.host().unwrap_or_default()) {
            return Err(JwksConfigError::PlainHttp(url.to_owned()));
        }
        Ok(source)
    }

    /// A source for `url`, an absolute `http://` URL to any host: only where the network
    /// itself is trusted or encrypted (a service mesh with mTLS between the pods).
    pub fn new_allowing_plain_http(url: &str) -> Result<Self, JwksConfigError> {
        let uri: Uri = url
            .parse()
            .map_err(|_| JwksConfigError::InvalidUrl(url.to_owned()))?;
        match uri.scheme_str() {
            Some("http") => {}
            Some("https") => return Err(JwksConfigError::HttpsUnsupported(url.to_owned())),
            _ => return Err(JwksConfigError::InvalidUrl(url.to_owned())),
        }
        if uri.host().is_none_or(str::is_empty) {
            return Err(JwksConfigError::InvalidUrl(url.to_owned()));
        }
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        let client = Client::builder(TokioExecutor::new())
            .pool_max_idle_per_host(1)
            .build(connector);
        Ok(HttpSource {
            client,
            uri,
            max_body: DEFAULT_MAX_BODY,
        })
    }

    /// The body limit in bytes (default [`DEFAULT_MAX_BODY`], 128 KiB).
    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.max_body = limit;
        self
    }

    async fn get(&self) -> Result<JwksResponse, FetchError> {
        let request = Request::get(self.uri.clone())
            .header(
                ACCEPT,
                HeaderValue::from_static("application/json, application/jwk-set+json"),
            )
            .header(USER_AGENT, HeaderValue::from_static("jwt-extended"))
            .body(Empty::<Bytes>::new())
            .map_err(FetchError::transport)?;
        let response = self
            .client
            .request(request)
            .await
            .map_err(FetchError::transport)?;
        let status = response.status();
        if status != StatusCode::OK {
            return Err(FetchError::Status(status.as_u16()));
        }
        let too_large = FetchError::TooLarge {
            limit: self.max_body,
        };
        if let Some(length) = response.headers().get(CONTENT_LENGTH) {
            let length = length
                .to_str()
                .ok()
                .and_then(|l| l.parse::<u64>().ok())
                .ok_or_else(|| FetchError::Transport("invalid Content-Length".into()))?;
            if length > self.max_body as u64 {
                // Dropping the response closes the connection without reading the body.
                return Err(too_large);
            }
        }
        let cache_control = response.headers().get(CACHE_CONTROL).cloned();
        let body = Limited::new(response.into_body(), self.max_body)
            .collect()
            .await
            .map_err(|e| {
                if e.is::<http_body_util::LengthLimitError>() {
                    too_large.clone()
                } else {
                    FetchError::transport(e)
                }
            })?
            .to_bytes();
        Ok(JwksResponse {
            status: status.as_u16(),
            cache_control,
            body,
        })
    }
}

/// Whether `host` (as `http::Uri` gives it: IPv6 in brackets) is this machine.
fn is_loopback(host: &str) -> bool {
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    bare.eq_ignore_ascii_case("localhost")
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

impl JwksSource for HttpSource {
    fn fetch(&self) -> FetchFuture<'_> {
        Box::pin(self.get())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_only_to_loopback_unless_allowed() {
        for url in [
            "http://127.0.0.1:5001/.well-known/jwks.json",
            "http://127.8.9.10/jwks",
            "http://localhost/jwks",
            "http://LOCALHOST:80/jwks",
            "http://[::1]:8080/jwks",
        ] {
            assert!(HttpSource::new(url).is_ok(), "{url}");
        }
        for url in [
            "http://auth.example.com/.well-known/jwks.json",
            "http://10.0.0.1/jwks",
            "http://localhost.evil.example/jwks",
            "http://127.0.0.1.nip.io/jwks",
            "http://[::2]/jwks",
        ] {
            assert_eq!(
                HttpSource::new(url).err(),
                Some(JwksConfigError::PlainHttp(url.to_owned())),
                "{url}"
            );
            assert!(HttpSource::new_allowing_plain_http(url).is_ok(), "{url}");
        }
        assert!(matches!(
            HttpSource::new("https://auth.example.com/jwks"),
            Err(JwksConfigError::HttpsUnsupported(_))
        ));
    }
}
