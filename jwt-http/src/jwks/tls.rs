//! HTTPS for the built-in [`HttpSource`](super::HttpSource) (feature `remote-jwks-rustls`):
//! the trusted roots and the rustls connector.
//!
//! rustls 0.23 on the aws-lc-rs provider (the one jwt-core's `asymmetric` feature already
//! builds; never the process-default provider, so a `ring` elsewhere in an application cannot
//! make the choice ambiguous), TLS 1.2 and 1.3, HTTP/1.1 only (no ALPN), and the server's
//! certificate verified by rustls-webpki against Mozilla's root certificates compiled in from
//! `webpki-roots` (no dependency on the host's certificate store), plus any root added with
//! [`HttpSource::tls_root_certificate`](super::HttpSource::tls_root_certificate).

use std::sync::Arc;

use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use rustls::pki_types::CertificateDer;
use rustls::{ClientConfig, RootCertStore};

use super::JwksConfigError;

/// The connector of the built-in client: TLS for `https://`, plain TCP for `http://` (whose
/// hosts [`HttpSource`](super::HttpSource) has already restricted).
pub(super) type Connector = HttpsConnector<HttpConnector>;

/// The certificates a server's chain may end at.
#[derive(Clone)]
pub(super) struct TlsRoots {
    store: RootCertStore,
    /// How many roots were added to the webpki ones (for `Debug`).
    added: usize,
}

impl TlsRoots {
    /// Mozilla's roots (`webpki-roots`).
    pub(super) fn webpki() -> Self {
        TlsRoots {
            store: webpki_roots::TLS_SERVER_ROOTS.iter().cloned().collect(),
            added: 0,
        }
    }

    /// Trusts one more root, a DER-encoded X.509 certificate.
    pub(super) fn add(&mut self, der: &[u8]) -> Result<(), JwksConfigError> {
        self.store
            .add(CertificateDer::from(der.to_vec()))
            .map_err(|e| JwksConfigError::InvalidRootCertificate(e.to_string()))?;
        self.added += 1;
        Ok(())
    }

    /// How many roots were added to the webpki ones.
    pub(super) fn added(&self) -> usize {
        self.added
    }

    /// The connector verifying servers against these roots, wrapping `http`.
    pub(super) fn connector(&self, mut http: HttpConnector) -> Result<Connector, JwksConfigError> {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let config = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| JwksConfigError::TlsConfig(e.to_string()))?
            .with_root_certificates(self.store.clone())
            .with_no_client_auth();
        // The TLS connector hands `https://` URIs to the TCP connector, which refuses any
        // scheme but `http` unless told otherwise.
        http.enforce_http(false);
        Ok(HttpsConnectorBuilder::new()
            .with_tls_config(config)
            .https_or_http()
            .enable_http1()
            .wrap_connector(http))
    }
}
