//! Where a key set comes from: the [`JwksSource`] trait and the built-in [`HttpSource`]
//! (hyper 1's legacy client; plain HTTP, and HTTPS with feature `remote-jwks-rustls`).

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

#[cfg(feature = "remote-jwks-rustls")]
use super::tls::{Connector, TlsRoots};
use super::JwksConfigError;

/// The connector of the built-in client: plain TCP in this build.
#[cfg(not(feature = "remote-jwks-rustls"))]
type Connector = HttpConnector;

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

/// The built-in source: one `GET` with hyper 1's legacy client, over HTTPS (feature
/// `remote-jwks-rustls`) or plain HTTP.
///
/// Sends `Accept: application/json, application/jwk-set+json`; follows no redirect; needs
/// `200`; refuses a `Content-Length` over the limit before reading anything and reads at most
/// the limit otherwise (`http_body_util::Limited`). The same rules hold over either scheme.
///
/// - `https://` URLs need feature `remote-jwks-rustls`: rustls on aws-lc-rs, HTTP/1.1, the
///   server's certificate verified against Mozilla's root certificates compiled in
///   (`webpki-roots`; the host's store is not read) and any root added with
///   [`HttpSource::tls_root_certificate`]. Without the feature they are refused when the
///   source is built ([`JwksConfigError::HttpsUnsupported`]): fetch over TLS with your own
///   client through [`JwksSource`], or from a loopback sidecar.
/// - A plain `http://` URL must name a loopback host (`localhost`, `127.0.0.0/8`, `[::1]`)
///   unless built with [`HttpSource::new_allowing_plain_http`]: keys fetched in clear from
///   another host can be replaced by anyone on the path.
#[derive(Clone)]
pub struct HttpSource {
    client: Client<Connector, Empty<Bytes>>,
    uri: Uri,
    max_body: usize,
    #[cfg(feature = "remote-jwks-rustls")]
    roots: TlsRoots,
}

impl fmt::Debug for HttpSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("HttpSource");
        debug
            .field("uri", &self.uri)
            .field("max_body", &self.max_body);
        #[cfg(feature = "remote-jwks-rustls")]
        debug.field("added_tls_roots", &self.roots.added());
        debug.finish_non_exhaustive()
    }
}

impl HttpSource {
    /// A source for `url`: an absolute `https://` URL (feature `remote-jwks-rustls`), or an
    /// `http://` URL to a loopback host.
    pub fn new(url: &str) -> Result<Self, JwksConfigError> {
        Self::build(url, false)
    }

    /// A source for `url`, which may also be an `http://` URL to any host: only where the
    /// network itself is trusted or encrypted (a service mesh with mTLS between the pods).
    pub fn new_allowing_plain_http(url: &str) -> Result<Self, JwksConfigError> {
        Self::build(url, true)
    }

    fn build(url: &str, allow_plain_http: bool) -> Result<Self, JwksConfigError> {
        let uri = checked_uri(url, allow_plain_http)?;
        #[cfg(feature = "remote-jwks-rustls")]
        {
            let roots = TlsRoots::webpki();
            Ok(HttpSource {
                client: client(roots.connector(tcp_connector())?),
                uri,
                max_body: DEFAULT_MAX_BODY,
                roots,
            })
        }
        #[cfg(not(feature = "remote-jwks-rustls"))]
        Ok(HttpSource {
            client: client(tcp_connector()),
            uri,
            max_body: DEFAULT_MAX_BODY,
        })
    }

    /// Also trusts `der`, a DER-encoded X.509 certificate, as a root for `https://` (feature
    /// `remote-jwks-rustls`): for an issuer behind a private CA, or a test server. Mozilla's
    /// roots stay trusted. Fails with [`JwksConfigError::InvalidRootCertificate`] when `der`
    /// is not a certificate rustls can use as a trust anchor.
    ///
    /// A PEM file holds the DER base64-encoded between its `BEGIN CERTIFICATE` and
    /// `END CERTIFICATE` lines.
    #[cfg(feature = "remote-jwks-rustls")]
    pub fn tls_root_certificate(mut self, der: &[u8]) -> Result<Self, JwksConfigError> {
        self.roots.add(der)?;
        self.client = client(self.roots.connector(tcp_connector())?);
        Ok(self)
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
            .map_err(|e| FetchError::Transport(with_causes(&e)))?;
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

/// `error` and its sources, `: `-separated: hyper-util's own message is only `client error
/// (Connect)`; the cause (refused, certificate not valid for the name...) is in the chain.
fn with_causes(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

/// `url` parsed, if this build's client may fetch it: `https://` with feature
/// `remote-jwks-rustls`, `http://` to a loopback host or, when `allow_plain_http`, any host.
fn checked_uri(url: &str, allow_plain_http: bool) -> Result<Uri, JwksConfigError> {
    let uri: Uri = url
        .parse()
        .map_err(|_| JwksConfigError::InvalidUrl(url.to_owned()))?;
    let https = match uri.scheme_str() {
        Some("http") => false,
        Some("https") if cfg!(feature = "remote-jwks-rustls") => true,
        Some("https") => return Err(JwksConfigError::HttpsUnsupported(url.to_owned())),
        _ => return Err(JwksConfigError::InvalidUrl(url.to_owned())),
    };
    let host = match uri.host() {
        Some(host) if !host.is_empty() => host,
        _ => return Err(JwksConfigError::InvalidUrl(url.to_owned())),
    };
    if !https && !allow_plain_http && !is_loopback(host) {
        return Err(JwksConfigError::PlainHttp(url.to_owned()));
    }
    Ok(uri)
}

/// The TCP connector under either scheme.
fn tcp_connector() -> HttpConnector {
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    connector
}

/// The client: at most one idle connection kept (one fetch runs at a time).
fn client(connector: Connector) -> Client<Connector, Empty<Bytes>> {
    Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(1)
        .build(connector)
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
        for url in [
            "ftp://auth.example.com/jwks",
            "/jwks",
            "http:///jwks",
            "https:///jwks",
        ] {
            assert!(
                matches!(HttpSource::new(url), Err(JwksConfigError::InvalidUrl(_))),
                "{url}"
            );
        }
    }

    #[cfg(not(feature = "remote-jwks-rustls"))]
    #[test]
    fn https_needs_the_tls_feature() {
        let error = HttpSource::new("https://auth.example.com/jwks").err();
        assert!(
            matches!(error, Some(JwksConfigError::HttpsUnsupported(_))),
            "{error:?}"
        );
        let message = error.map(|e| e.to_string()).unwrap_or_default();
        assert!(message.contains("remote-jwks-rustls"), "{message}");
    }

    #[cfg(feature = "remote-jwks-rustls")]
    #[test]
    fn https_to_any_host_with_the_tls_feature() {
        for url in [
            "https://issuer.example/.well-known/jwks.json",
            "https://10.0.0.1:8443/jwks",
            "https://[2001:db8::1]/jwks",
            "https://localhost/jwks",
        ] {
            assert!(HttpSource::new(url).is_ok(), "{url}");
        }
        // Plain HTTP keeps its rule.
        assert_eq!(
            HttpSource::new("http://issuer.example/jwks").err(),
            Some(JwksConfigError::PlainHttp(
                "http://issuer.example/jwks".into()
            ))
        );
    }

    #[cfg(feature = "remote-jwks-rustls")]
    #[test]
    fn a_root_must_be_a_certificate() {
        let source = HttpSource::new("https://issuer.example/jwks").expect("a source");
        assert!(matches!(
            source.tls_root_certificate(b"not a certificate"),
            Err(JwksConfigError::InvalidRootCertificate(_))
        ));
    }
}
