//! Verification keys fetched from an issuer's JWK Set URL (feature `remote-jwks`):
//! [`RemoteJwks`].
//!
//! Written by hand rather than taken from a crate because each rule below is a security or
//! availability decision the existing crates make differently (jwt-authorizer holds a lock
//! across the fetch, PyJWT's client refetches on every unknown `kid`, most caches ignore
//! `Cache-Control`), and because the hot path must stay one lock-free load on top of the key
//! set's own decode. The design and its sources: `docs/design/keys.md` §3.
//!
//! # Cache
//!
//! - The keys in use are one immutable snapshot behind an `ArcSwap`: a verification loads it
//!   (lock-free, no allocation), reads the monotonic clock and runs
//!   [`jwt_core::decode_with`] on it. Nothing else.
//! - A set stays fresh for `Cache-Control: max-age` (`s-maxage` ignored; `no-cache`,
//!   `no-store`, `max-age=0` mean the minimum), clamped to 30 s..24 h, 10 minutes without it.
//! - An expired set is still used while one fetch runs in the background; the request that
//!   noticed is not delayed. While fetches fail, the old keys keep verifying for up to 24 h
//!   past expiry (stale-while-error); after that, or before any fetch succeeded, verification
//!   is a server-side failure (500, the cause logged once), not the token's fault.
//!
//! # Fetches
//!
//! - One at a time, in a spawned tokio task (a request that gives up never cancels it), with
//!   a 5 s timeout. No lock is held across it: requests with a known `kid` never wait for a
//!   fetch.
//! - A token with an unknown `kid` starts a fetch if none ran in the last 30 s (the
//!   cooldown, counted from the last attempt, successful or not), and the async paths wait
//!   for the running fetch (at most the timeout) and verify once more; within the cooldown
//!   the token is refused at once (422 `Unable to find a signing key that matches`). The
//!   synchronous paths never wait: they refuse and leave the fetch running in the
//!   background.
//! - A failed fetch (transport, status other than 200, redirect, body over 128 KiB, not a
//!   JWK Set) keeps the previous set. A `200` JWK Set is authoritative: its usable keys
//!   replace the old ones even when there are none, so an issuer that empties its set (or
//!   removes a leaked key) is obeyed at the next fetch.
//! - The built-in client ([`HttpSource`]) speaks HTTPS with feature `remote-jwks-rustls`:
//!   rustls on aws-lc-rs, TLS 1.2/1.3, HTTP/1.1, the server's certificate verified against
//!   Mozilla's root certificates compiled in (`webpki-roots`; the host's store is not read)
//!   and any added with [`RemoteJwksBuilder::tls_root_certificate`] (a private CA, a test
//!   server). Without the feature `https://` URLs are refused when the verifier is built;
//!   plug another client in through [`JwksSource`]. Either way, plain HTTP goes to loopback
//!   hosts only (a TLS sidecar), unless [`RemoteJwksBuilder::allow_plain_http`] says the
//!   network is trusted. The redirect, status and body rules above hold over both schemes.
//!
//! # Which keys are used
//!
//! Among the first 64 keys of the set, those that: have `kty` `RSA`, `EC` or `OKP` (never
//! `oct`: a symmetric key fetched over a network is public); carry no private member (an
//! issuer that publishes one is compromised: the key is refused and logged); have `use`
//! absent or `sig` and `key_ops` absent or containing `verify`; have `alg` absent or one of
//! the allowed algorithms and of their key type; pass [`jwt_core::Key::from_jwk`] (RSA of at
//! least 2048 bits, supported curves, Ed25519). A `kid` shared by two usable keys is ambiguous
//! and neither is used. A token without `kid` follows [`jwt_core::MissingKid`] (by default:
//! accepted only when one key fits its `alg`).
//!
//! # Runtime
//!
//! Fetches need a tokio runtime with I/O and time enabled (`#[tokio::main]`'s). Outside one,
//! they run on the runtime that built the verifier or called [`RemoteJwks::prefetch`].
//!
//! # With the manager
//!
//! [`JwtManagerBuilder::remote_jwks`](crate::JwtManagerBuilder) makes the manager verify with
//! the remote set; the async request paths (`#[jwt_required]` on an async handler, the axum
//! extractors, `JwtLayer`) wait for a refetch on an unknown `kid`, the synchronous ones
//! (`verify_request`, sync handlers) do not.

mod cache_control;
mod remote;
mod source;
#[cfg(feature = "remote-jwks-rustls")]
mod tls;

pub use remote::{KeysUnavailable, RemoteError, RemoteJwks, RemoteJwksBuilder};
pub use source::{FetchError, FetchFuture, HttpSource, JwksResponse, JwksSource, DEFAULT_MAX_BODY};

use std::fmt;

use jwt_core::Algorithm;

/// Why a [`RemoteJwks`] or [`HttpSource`] could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum JwksConfigError {
    /// The URL is not an absolute `http://` or `https://` URL with a host.
    InvalidUrl(String),
    /// An `https://` URL in a build without feature `remote-jwks-rustls`: the built-in client
    /// has no TLS. Enable the feature, or fetch with your own client through [`JwksSource`].
    HttpsUnsupported(String),
    /// A root certificate given to [`RemoteJwksBuilder::tls_root_certificate`] or
    /// [`HttpSource::tls_root_certificate`] is not a DER X.509 certificate rustls can trust
    /// (feature `remote-jwks-rustls`); the message is rustls's.
    #[cfg(feature = "remote-jwks-rustls")]
    InvalidRootCertificate(String),
    /// rustls refused the client configuration (feature `remote-jwks-rustls`; not expected
    /// with the aws-lc-rs provider this crate uses); the message is rustls's.
    #[cfg(feature = "remote-jwks-rustls")]
    TlsConfig(String),
    /// No algorithm was given ([`RemoteJwksBuilder::algorithms`]).
    NoAlgorithms,
    /// An HMAC algorithm: a shared secret is never fetched from a URL.
    SymmetricAlgorithm(Algorithm),
    /// A plain `http://` URL to a host that is not loopback: anyone on the network path could
    /// replace the keys, and so sign tokens this service accepts. Allowed only with
    /// [`RemoteJwksBuilder::allow_plain_http`] (e.g. a service mesh that encrypts the hop).
    PlainHttp(String),
}

impl fmt::Display for JwksConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JwksConfigError::InvalidUrl(url) => {
                write!(f, "{url:?} is not an absolute http:// or https:// URL with a host")
            }
            JwksConfigError::HttpsUnsupported(url) => write!(
                f,
                "{url:?}: this build's JWKS client speaks plain HTTP only; enable the \
                 jwt-http feature `remote-jwks-rustls` (jwt-extended's of the same name) for \
                 HTTPS, or fetch with your own client through JwksSource"
            ),
            #[cfg(feature = "remote-jwks-rustls")]
            JwksConfigError::InvalidRootCertificate(why) => {
                write!(f, "the TLS root certificate is not usable: {why}")
            }
            #[cfg(feature = "remote-jwks-rustls")]
            JwksConfigError::TlsConfig(why) => {
                write!(f, "the JWKS client's TLS configuration was refused: {why}")
            }
            JwksConfigError::NoAlgorithms => f.write_str(
                "a remote JWKS needs the algorithms tokens may be signed with \
                 (RemoteJwksBuilder::algorithms)",
            ),
            JwksConfigError::SymmetricAlgorithm(alg) => write!(
                f,
                "{alg} is an HMAC algorithm; a remote JWKS only holds public keys"
            ),
            JwksConfigError::PlainHttp(url) => write!(
                f,
                "{url:?}: keys fetched over plain HTTP from another host can be replaced by \
                 anyone on the path; use https:// (feature remote-jwks-rustls), a loopback URL \
                 (a TLS sidecar), your own TLS client through JwksSource, or RemoteJwksBuilder::allow_plain_http if the network \
                 itself is encrypted"
            ),
        }
    }
}

impl std::error::Error for JwksConfigError {}
