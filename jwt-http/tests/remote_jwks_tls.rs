//! The built-in JWKS client over HTTPS (feature `remote-jwks-rustls`) against a local TLS
//! server on 127.0.0.1:0: a CA and server certificates made here with rcgen, served with
//! tokio-rustls + hyper. Proves that a token verifies through `RemoteJwks` over
//! `https://127.0.0.1` and `https://localhost` with the test CA added, that the server's
//! certificate is verified (unknown CA, wrong name, self-signed leaf, plain HTTP on the port
//! all fail with a transport error and no key is used), and that the response rules of the
//! plain client (status, redirect, body limit, Accept header) hold over TLS.
#![cfg(feature = "remote-jwks-rustls")]

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http::{Request, Response};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use jwt_core::{encode, Algorithm, Header, JwkSet, Key, Validation};
use jwt_http::jwks::{FetchError, JwksConfigError, RemoteError, RemoteJwks};
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::TlsAcceptor;

/// A test CA and a server certificate it signed for `names`.
struct Pki {
    ca: CertificateDer<'static>,
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
}

impl Pki {
    fn new(names: &[&str]) -> Pki {
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        // A name of its own: two test CAs never share a subject.
        let serial = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("after 1970")
            .as_nanos();
        ca_params
            .distinguished_name
            .push(DnType::CommonName, format!("JWKS test CA {serial}"));
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().expect("CA key"))
            .expect("CA certificate");
        let leaf_key = KeyPair::generate().expect("server key");
        let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        let leaf = CertificateParams::new(names)
            .expect("server params")
            .signed_by(&leaf_key, &ca)
            .expect("server certificate");
        Pki {
            ca: ca.der().clone(),
            chain: vec![leaf.der().clone()],
            key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der())),
        }
    }

    /// A self-signed server certificate for `names` (no CA): its own root.
    fn self_signed(names: &[&str]) -> Pki {
        let key = KeyPair::generate().expect("server key");
        let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        let cert = CertificateParams::new(names)
            .expect("params")
            .self_signed(&key)
            .expect("certificate");
        Pki {
            ca: cert.der().clone(),
            chain: vec![cert.der().clone()],
            key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        }
    }
}

/// What the server answers.
#[derive(Clone)]
struct Answer {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: String,
}

impl Answer {
    fn ok(body: String) -> Answer {
        Answer {
            status: 200,
            headers: vec![("content-type", "application/jwk-set+json".into())],
            body,
        }
    }
}

/// A local server on 127.0.0.1:0: HTTPS with `pki`'s certificate, or plain HTTP.
struct Server {
    addr: SocketAddr,
    accept_headers: Arc<Mutex<Vec<String>>>,
    task: JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Server {
    async fn https(pki: &Pki, answer: Answer) -> Server {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("protocol versions")
            .with_no_client_auth()
            .with_single_cert(pki.chain.clone(), pki.key.clone_key())
            .expect("server config");
        Server::start(Some(TlsAcceptor::from(Arc::new(config))), answer).await
    }

    async fn plain(answer: Answer) -> Server {
        Server::start(None, answer).await
    }

    async fn start(tls: Option<TlsAcceptor>, answer: Answer) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let accept_headers = Arc::new(Mutex::new(Vec::new()));
        let seen = accept_headers.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let tls = tls.clone();
                let answer = answer.clone();
                let seen = seen.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |request: Request<Incoming>| {
                        let accept = request
                            .headers()
                            .get(http::header::ACCEPT)
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or_default()
                            .to_owned();
                        seen.lock().unwrap().push(accept);
                        let mut response = Response::builder().status(answer.status);
                        for (name, value) in &answer.headers {
                            response = response.header(*name, value);
                        }
                        let response = response
                            .body(Full::new(Bytes::from(answer.body.clone())))
                            .expect("a response");
                        async move { Ok::<_, Infallible>(response) }
                    });
                    let http = hyper::server::conn::http1::Builder::new();
                    match tls {
                        Some(tls) => {
                            // A failed handshake is the client refusing the certificate.
                            if let Ok(stream) = tls.accept(stream).await {
                                let _ = http.serve_connection(TokioIo::new(stream), service).await;
                            }
                        }
                        None => {
                            let _ = http.serve_connection(TokioIo::new(stream), service).await;
                        }
                    }
                });
            }
        });
        Server {
            addr,
            accept_headers,
            task,
        }
    }

    /// `https://HOST:PORT/.well-known/jwks.json`.
    fn url(&self, host: &str) -> String {
        format!("https://{host}:{}/.well-known/jwks.json", self.addr.port())
    }

    fn accept_headers(&self) -> Vec<String> {
        self.accept_headers.lock().unwrap().clone()
    }
}

fn signing_key() -> Key {
    Key::generate(Algorithm::ES256)
        .expect("a key")
        .with_kid("tls-1")
}

fn set_of(key: &Key) -> String {
    JwkSet {
        keys: vec![key.to_public_jwk().expect("a public JWK")],
        skipped: 0,
    }
    .to_json()
}

fn token(key: &Key) -> String {
    let claims = serde_json::json!({"sub": "alice", "exp": 4_102_444_800u64});
    encode(&Header::new(Algorithm::ES256), &claims, key).expect("a token")
}

fn validation() -> Validation {
    Validation::new(Algorithm::ES256)
}

fn verifier(url: &str, root: Option<&CertificateDer<'_>>) -> RemoteJwks {
    let mut builder = RemoteJwks::builder(url).algorithms(&[Algorithm::ES256]);
    if let Some(root) = root {
        builder = builder.tls_root_certificate(root);
    }
    builder.build().expect("a verifier")
}

/// The fetch fails with a transport error, and a token finds no key (cold start).
async fn refused(jwks: &RemoteJwks, key: &Key) -> String {
    let error = jwks.reload().await.expect_err("the fetch must fail");
    let FetchError::Transport(why) = &error else {
        panic!("not a transport error: {error:?}");
    };
    let why = why.clone();
    let result = jwks.decode(token(key), &validation()).await;
    assert!(
        matches!(result, Err(RemoteError::Unavailable(_))),
        "{result:?}"
    );
    assert!(jwks.key_ids().is_empty());
    why
}

#[tokio::test]
async fn a_token_verifies_over_https_with_the_test_root() {
    let key = signing_key();
    let pki = Pki::new(&["localhost", "127.0.0.1"]);
    let server = Server::https(&pki, Answer::ok(set_of(&key))).await;
    for host in ["127.0.0.1", "localhost"] {
        let jwks = verifier(&server.url(host), Some(&pki.ca));
        let data = jwks
            .decode(token(&key), &validation())
            .await
            .unwrap_or_else(|e| panic!("{host}: {e}"));
        assert_eq!(data.claims.sub(), Some("alice"), "{host}");
        assert_eq!(jwks.key_ids(), vec!["tls-1".to_owned()], "{host}");
    }
    // The plain client's Accept header, over TLS too.
    let accept = server.accept_headers();
    assert_eq!(accept.len(), 2, "{accept:?}");
    assert!(accept
        .iter()
        .all(|a| a == "application/json, application/jwk-set+json"));
}

#[tokio::test]
async fn a_server_whose_ca_is_not_trusted_is_refused() {
    let key = signing_key();
    let pki = Pki::new(&["localhost", "127.0.0.1"]);
    let server = Server::https(&pki, Answer::ok(set_of(&key))).await;
    // Mozilla's roots only.
    let jwks = verifier(&server.url("127.0.0.1"), None);
    let why = refused(&jwks, &key).await;
    assert!(why.contains("UnknownIssuer"), "{why}");
    // Another CA added does not help.
    let other = Pki::new(&["127.0.0.1"]);
    let jwks = verifier(&server.url("127.0.0.1"), Some(&other.ca));
    let why = refused(&jwks, &key).await;
    assert!(why.contains("UnknownIssuer"), "{why}");
    assert_eq!(server.accept_headers(), Vec::<String>::new());
}

#[tokio::test]
async fn a_certificate_for_another_name_is_refused() {
    let key = signing_key();
    let pki = Pki::new(&["other.example"]);
    let server = Server::https(&pki, Answer::ok(set_of(&key))).await;
    for host in ["127.0.0.1", "localhost"] {
        let jwks = verifier(&server.url(host), Some(&pki.ca));
        let why = refused(&jwks, &key).await;
        assert!(why.contains("not valid for name"), "{host}: {why}");
    }
    assert_eq!(server.accept_headers(), Vec::<String>::new());
}

#[tokio::test]
async fn a_pinned_self_signed_server_certificate_verifies() {
    // A self-signed end-entity certificate given as the root: webpki accepts it as its own
    // trust anchor (the private-PKI case of a pinned server certificate).
    let key = signing_key();
    let pki = Pki::self_signed(&["127.0.0.1"]);
    let server = Server::https(&pki, Answer::ok(set_of(&key))).await;
    let jwks = verifier(&server.url("127.0.0.1"), Some(&pki.ca));
    let result = jwks.decode(token(&key), &validation()).await;
    assert!(result.is_ok(), "{result:?}");
}

#[tokio::test]
async fn plain_http_at_an_https_url_fails_cleanly() {
    let key = signing_key();
    let server = Server::plain(Answer::ok(set_of(&key))).await;
    let jwks = verifier(&server.url("127.0.0.1"), None);
    let why = refused(&jwks, &key).await;
    assert!(why.contains("InvalidContentType"), "{why}");
    // Nothing that parsed as a request reached the server.
    assert_eq!(server.accept_headers(), Vec::<String>::new());
}

#[tokio::test]
async fn the_response_rules_hold_over_https() {
    let key = signing_key();
    let pki = Pki::new(&["127.0.0.1"]);

    let redirect = Answer {
        status: 302,
        headers: vec![("location", "https://127.0.0.1:1/jwks.json".into())],
        body: String::new(),
    };
    let server = Server::https(&pki, redirect).await;
    let jwks = verifier(&server.url("127.0.0.1"), Some(&pki.ca));
    assert_eq!(jwks.reload().await, Err(FetchError::Status(302)));
    assert_eq!(
        server.accept_headers().len(),
        1,
        "the redirect was not followed"
    );

    let server = Server::https(&pki, Answer::ok(set_of(&key))).await;
    let jwks = RemoteJwks::builder(server.url("127.0.0.1"))
        .algorithms(&[Algorithm::ES256])
        .tls_root_certificate(&pki.ca)
        .max_body_bytes(16)
        .build()
        .expect("a verifier");
    assert_eq!(jwks.reload().await, Err(FetchError::TooLarge { limit: 16 }));
}

#[test]
fn https_urls_are_accepted_and_plain_http_keeps_its_rule() {
    let https = RemoteJwks::builder("https://issuer.example/.well-known/jwks.json")
        .algorithms(&[Algorithm::ES256])
        .build();
    assert!(https.is_ok(), "{https:?}");
    let http = RemoteJwks::builder("http://issuer.example/.well-known/jwks.json")
        .algorithms(&[Algorithm::ES256])
        .build();
    assert!(
        matches!(http, Err(JwksConfigError::PlainHttp(_))),
        "{http:?}"
    );
    let allowed = RemoteJwks::builder("http://issuer.example/.well-known/jwks.json")
        .algorithms(&[Algorithm::ES256])
        .allow_plain_http()
        .build();
    assert!(allowed.is_ok(), "{allowed:?}");
}

#[test]
fn a_root_that_is_not_a_certificate_is_a_configuration_error() {
    let result = RemoteJwks::builder("https://issuer.example/.well-known/jwks.json")
        .algorithms(&[Algorithm::ES256])
        .tls_root_certificate(b"-----BEGIN CERTIFICATE-----")
        .build();
    assert!(
        matches!(result, Err(JwksConfigError::InvalidRootCertificate(_))),
        "{result:?}"
    );
}
