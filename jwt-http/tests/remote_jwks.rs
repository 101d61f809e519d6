//! The remote JWKS verifier against a local server (docs/design/keys.md §3.4): caching,
//! max-age, rotation, a server that is down or slow, garbage and oversized answers, a refetch
//! storm, and the key filter. Every server is on 127.0.0.1:0; time is a manual clock except
//! where a test measures that a request is not delayed.
#![cfg(feature = "remote-jwks")]

#[path = "common/jwks_server.rs"]
mod jwks_server;

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use jwt_core::{encode, Algorithm, Error, Header, Jwk, JwkSet, Key, Validation};
use jwt_http::jwks::{
    FetchError, HttpSource, JwksConfigError, JwksSource, RemoteError, RemoteJwks,
};

use jwks_server::{JwksServer, ManualClock, Payload, Reply};

const ALGORITHMS: [Algorithm; 3] = [Algorithm::ES256, Algorithm::EdDSA, Algorithm::RS256];

fn key(alg: Algorithm, kid: &str) -> Key {
    Key::generate(alg).expect("a key").with_kid(kid)
}

fn jwk(key: &Key) -> Jwk {
    key.to_public_jwk().expect("a public JWK")
}

fn set_of(keys: &[&Key]) -> String {
    JwkSet {
        keys: keys.iter().map(|k| jwk(k)).collect(),
        skipped: 0,
    }
    .to_json()
}

fn set_of_jwks(jwks: Vec<Jwk>) -> String {
    JwkSet {
        keys: jwks,
        skipped: 0,
    }
    .to_json()
}

fn token(key: &Key) -> String {
    let alg = key.algorithms().next().expect("an algorithm");
    let claims = serde_json::json!({"sub": "alice", "exp": 4_102_444_800u64});
    encode(&Header::new(alg), &claims, key).expect("a token")
}

fn validation() -> Validation {
    let mut validation = Validation::new(Algorithm::ES256);
    validation.algorithms = ALGORITHMS.to_vec();
    validation
}

fn verifier(server: &JwksServer, clock: &ManualClock) -> RemoteJwks {
    let clock = clock.clone();
    RemoteJwks::builder(server.url())
        .algorithms(&ALGORITHMS)
        .clock(move || clock.now())
        .build()
        .expect("a verifier")
}

fn is_unknown_kid(result: &Result<impl std::fmt::Debug, RemoteError>) -> bool {
    matches!(result, Err(RemoteError::Token(Error::UnknownKeyId(_))))
}

/// Waits (bounded) until the server has seen `count` requests.
async fn until_requests(server: &JwksServer, count: usize) {
    for _ in 0..200 {
        if server.requests() >= count {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the server saw {} requests, not {count}", server.requests());
}

/// Lets a spawned fetch (if any were started) reach the server and finish.
async fn settle() {
    tokio::time::sleep(Duration::from_millis(100)).await;
}

#[tokio::test]
async fn one_fetch_then_a_hundred_verifications_without_a_request() {
    let k1 = key(Algorithm::ES256, "k1");
    let server = JwksServer::start(set_of(&[&k1])).await;
    let jwks = verifier(&server, &ManualClock::new());
    let token = token(&k1);

    let data = jwks.decode(&token, &validation()).await.expect("verified");
    assert_eq!(data.claims.sub(), Some("alice"));
    assert_eq!(server.requests(), 1);
    for _ in 0..100 {
        jwks.decode(&token, &validation()).await.expect("verified");
    }
    settle().await;
    assert_eq!(server.requests(), 1);
    assert_eq!(
        server.accept_headers(),
        ["application/json, application/jwk-set+json"]
    );
}

#[tokio::test]
async fn max_age_is_honoured_and_the_request_that_notices_expiry_is_not_delayed() {
    let k1 = key(Algorithm::EdDSA, "k1");
    let server = JwksServer::start(set_of(&[&k1])).await;
    server.update(|reply| {
        reply
            .headers
            .push(("cache-control", "public, max-age=60".into()))
    });
    let clock = ManualClock::new();
    let jwks = verifier(&server, &clock);
    let token = token(&k1);
    jwks.prefetch().await.expect("fetched");
    assert_eq!(server.requests(), 1);

    clock.advance(Duration::from_secs(59));
    jwks.decode(&token, &validation()).await.expect("fresh");
    settle().await;
    assert_eq!(server.requests(), 1, "fresh for 60 s");

    // Expired: the next request uses the old set and starts one fetch, which takes 500 ms.
    server.update(|reply| reply.delay = Duration::from_millis(500));
    clock.advance(Duration::from_secs(2));
    let started = Instant::now();
    jwks.decode(&token, &validation())
        .await
        .expect("stale, still used");
    let took = started.elapsed();
    assert!(
        took < Duration::from_millis(100),
        "the request waited {took:?}"
    );
    until_requests(&server, 2).await;
    // More requests during that fetch start no other.
    for _ in 0..10 {
        jwks.decode(&token, &validation())
            .await
            .expect("stale, still used");
    }
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(server.requests(), 2);
    // The new set is fresh for another 60 s.
    clock.advance(Duration::from_secs(59));
    jwks.decode(&token, &validation()).await.expect("fresh");
    settle().await;
    assert_eq!(server.requests(), 2);
}

#[tokio::test]
async fn rotation_one_fetch_for_a_new_kid_then_the_cooldown() {
    let k1 = key(Algorithm::ES256, "k1");
    let k2 = key(Algorithm::ES256, "k2");
    let k3 = key(Algorithm::ES256, "k3");
    let server = JwksServer::start(set_of(&[&k1])).await;
    let clock = ManualClock::new();
    let jwks = verifier(&server, &clock);
    jwks.decode(token(&k1), &validation()).await.expect("k1");
    assert_eq!(server.requests(), 1);

    // The issuer publishes k2 and signs with it: one fetch, accepted.
    server.serve(set_of(&[&k1, &k2]));
    clock.advance(Duration::from_secs(40));
    jwks.decode(token(&k2), &validation())
        .await
        .expect("k2 after one fetch");
    assert_eq!(server.requests(), 2);
    assert_eq!(jwks.key_ids(), ["k1", "k2"]);

    // An unknown kid within the cooldown: refused at once, no fetch.
    clock.advance(Duration::from_secs(1));
    let started = Instant::now();
    let refused = jwks.decode(token(&k3), &validation()).await;
    assert!(is_unknown_kid(&refused), "{refused:?}");
    assert!(started.elapsed() < Duration::from_millis(100));
    settle().await;
    assert_eq!(server.requests(), 2);
    let message = refused.unwrap_err().to_string();
    assert_eq!(
        message,
        r#"Unable to find a signing key that matches: "k3""#
    );

    // After the cooldown (30 s from the last attempt): one fetch, still unknown.
    clock.advance(Duration::from_secs(30));
    let refused = jwks.decode(token(&k3), &validation()).await;
    assert!(is_unknown_kid(&refused), "{refused:?}");
    assert_eq!(server.requests(), 3);
    // Known kids never wait for anything.
    jwks.decode(token(&k2), &validation()).await.expect("k2");
    settle().await;
    assert_eq!(server.requests(), 3);
}

#[tokio::test]
async fn the_sync_path_refuses_at_once_and_fetches_in_the_background() {
    let k1 = key(Algorithm::EdDSA, "k1");
    let k2 = key(Algorithm::EdDSA, "k2");
    let server = JwksServer::start(set_of(&[&k1])).await;
    let clock = ManualClock::new();
    let jwks = verifier(&server, &clock);
    jwks.prefetch().await.expect("fetched");
    server.serve(set_of(&[&k1, &k2]));
    clock.advance(Duration::from_secs(31));

    let refused = jwks.decode_cached(token(&k2), &validation());
    assert!(is_unknown_kid(&refused), "{refused:?}");
    until_requests(&server, 2).await;
    for _ in 0..100 {
        if jwks.key_ids().len() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    jwks.decode_cached(token(&k2), &validation())
        .expect("k2 once fetched");
    assert_eq!(server.requests(), 2);
}

#[tokio::test]
async fn a_server_that_is_down_keeps_the_cached_keys_until_max_stale() {
    let k1 = key(Algorithm::ES256, "k1");
    let server = JwksServer::start(set_of(&[&k1])).await;
    server.update(|reply| reply.headers.push(("cache-control", "max-age=60".into())));
    let clock = ManualClock::new();
    let jwks = verifier(&server, &clock);
    let token = token(&k1);
    jwks.prefetch().await.expect("fetched");
    server.stop();

    // Expired, the refresh fails: the cached keys keep verifying.
    clock.advance(Duration::from_secs(120));
    jwks.decode(&token, &validation()).await.expect("stale");
    settle().await;
    assert!(matches!(jwks.reload().await, Err(FetchError::Transport(_))));
    clock.advance(Duration::from_secs(23 * 3600));
    jwks.decode(&token, &validation())
        .await
        .expect("stale, within 24 h");

    // Past 24 h after expiry: a server-side failure, not the token's.
    clock.advance(Duration::from_secs(3600));
    let unavailable = jwks.decode(&token, &validation()).await;
    match unavailable {
        Err(RemoteError::Unavailable(why)) => {
            let why = why.to_string();
            assert!(why.contains("stale past its max_stale"), "{why}");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_cold_start_with_the_server_down_is_a_server_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/jwks.json", listener.local_addr().expect("addr"));
    drop(listener);
    let jwks = RemoteJwks::builder(url)
        .algorithms(&ALGORITHMS)
        .build()
        .expect("a verifier");
    let k1 = key(Algorithm::ES256, "k1");
    assert!(matches!(
        jwks.prefetch().await,
        Err(FetchError::Transport(_))
    ));
    let unavailable = jwks.decode(token(&k1), &validation()).await;
    match unavailable {
        Err(RemoteError::Unavailable(why)) => {
            let why = why.to_string();
            assert!(why.contains("not been fetched yet"), "{why}");
            assert!(why.contains("fetching the JWKS failed"), "{why}");
        }
        other => panic!("{other:?}"),
    }
    // A token malformed whatever the keys is the token's fault (422), not a server error.
    for malformed in ["not a token", "a.b", "eyJhbGciOiJFUzI1NiJ9.e30"] {
        match jwks.decode(malformed, &validation()).await {
            Err(RemoteError::Token(_)) => {}
            other => panic!("{malformed}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_slow_server_delays_only_the_unknown_kid_and_only_for_the_timeout() {
    let k1 = key(Algorithm::EdDSA, "k1");
    let k2 = key(Algorithm::EdDSA, "k2");
    let server = JwksServer::start(set_of(&[&k1])).await;
    let clock = ManualClock::new();
    let timed = clock.clone();
    let jwks = RemoteJwks::builder(server.url())
        .algorithms(&ALGORITHMS)
        .fetch_timeout(Duration::from_millis(200))
        .clock(move || timed.now())
        .build()
        .expect("a verifier");
    jwks.prefetch().await.expect("fetched");
    server.serve(set_of(&[&k1, &k2]));
    server.update(|reply| reply.delay = Duration::from_secs(10));
    clock.advance(Duration::from_secs(31));

    let unknown = {
        let jwks = jwks.clone();
        let token = token(&k2);
        tokio::spawn(async move {
            let started = Instant::now();
            let result = jwks.decode(&token, &validation()).await;
            (result, started.elapsed())
        })
    };
    until_requests(&server, 2).await;
    // The fetch is running (the server sleeps): known kids are not delayed.
    let known = token(&k1);
    for _ in 0..20 {
        let started = Instant::now();
        jwks.decode(&known, &validation()).await.expect("k1");
        let took = started.elapsed();
        assert!(
            took < Duration::from_millis(100),
            "a known kid took {took:?}"
        );
    }
    let (result, took) = unknown.await.expect("the task");
    assert!(is_unknown_kid(&result), "{result:?}");
    assert!(
        took < Duration::from_millis(200 + 300),
        "the unknown kid waited {took:?}"
    );
    assert_eq!(server.requests(), 2);
}

/// Serves `bad` after a good set, reloads, and checks the good set is still in use.
async fn keeps_the_old_set(bad: Reply) -> FetchError {
    let k1 = key(Algorithm::ES256, "k1");
    let server = JwksServer::start(set_of(&[&k1])).await;
    let jwks = verifier(&server, &ManualClock::new());
    jwks.prefetch().await.expect("fetched");
    server.set(bad);
    let error = jwks.reload().await.expect_err("refused");
    assert_eq!(jwks.key_ids(), ["k1"]);
    jwks.decode(token(&k1), &validation())
        .await
        .expect("the old set verifies");
    assert_eq!(server.requests(), 2);
    error
}

fn reply(status: u16, body: &str) -> Reply {
    Reply {
        status,
        headers: Vec::new(),
        payload: Payload::Full(Bytes::from(body.to_owned())),
        delay: Duration::ZERO,
    }
}

/// A `200` JWK Set with no usable key replaces the keys: the old key's tokens are refused at
/// once (an issuer that empties its set revokes), and `reload` reports why.
async fn empties_the_set(set: Reply) -> FetchError {
    let k1 = key(Algorithm::ES256, "k1");
    let server = JwksServer::start(set_of(&[&k1])).await;
    let jwks = verifier(&server, &ManualClock::new());
    jwks.prefetch().await.expect("fetched");
    server.set(set);
    let error = jwks.reload().await.expect_err("no usable key");
    assert!(jwks.key_ids().is_empty());
    let refused = jwks.decode_cached(token(&k1), &validation());
    assert!(refused.is_err(), "the removed key's token is refused");
    error
}

#[tokio::test]
async fn garbage_keeps_the_old_set_and_an_empty_set_revokes() {
    for body in ["not json", "[]", r#"{"keys":{}}"#] {
        let error = keeps_the_old_set(reply(200, body)).await;
        assert!(matches!(error, FetchError::Invalid(_)), "{body}: {error:?}");
    }
    for body in [r#"{"keys":[1,2]}"#, "{\"keys\":[]}"] {
        let error = empties_the_set(reply(200, body)).await;
        assert!(
            matches!(error, FetchError::NoUsableKeys { .. }),
            "{body}: {error:?}"
        );
    }
    // Bad base64url in the only key.
    let mut bad = jwk(&key(Algorithm::ES256, "bad"));
    bad.x = Some("not base64url!".into());
    let error = empties_the_set(reply(200, &set_of_jwks(vec![bad]))).await;
    assert_eq!(error, FetchError::NoUsableKeys { listed: 1 });
    // An RSA-1024 key.
    let mut small = jwk(&key(Algorithm::RS256, "small"));
    let mut modulus = vec![0xc5u8; 128];
    modulus[127] = 0x01;
    small.n = Some(base64url(&modulus));
    small.kid = Some("rsa-1024".into());
    let error = empties_the_set(reply(200, &set_of_jwks(vec![small]))).await;
    assert_eq!(error, FetchError::NoUsableKeys { listed: 1 });
    // Statuses other than 200, a redirect included (not followed).
    let good = set_of(&[&key(Algorithm::ES256, "k9")]);
    for status in [500, 404] {
        let error = keeps_the_old_set(reply(status, &good)).await;
        assert_eq!(error, FetchError::Status(status));
    }
    let mut redirect = reply(302, "");
    redirect
        .headers
        .push(("location", "http://127.0.0.1:1/elsewhere".into()));
    assert_eq!(keeps_the_old_set(redirect).await, FetchError::Status(302));
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let k1 = key(Algorithm::ES256, "k1");
    let server = JwksServer::start(set_of(&[&k1])).await;
    let source = HttpSource::new(&server.url()).expect("a source");

    // Content-Length of 10 MiB: refused before reading (the body would never end).
    let claimed = Reply {
        status: 200,
        headers: Vec::new(),
        payload: Payload::Claimed {
            length: 10 * 1024 * 1024,
        },
        delay: Duration::ZERO,
    };
    server.set(claimed.clone());
    let started = Instant::now();
    let error = source.fetch().await.expect_err("too large");
    assert_eq!(error, FetchError::TooLarge { limit: 128 * 1024 });
    assert!(started.elapsed() < Duration::from_secs(2));

    // 1 MiB chunked without a length: cut at the limit.
    let chunked = Reply {
        status: 200,
        headers: Vec::new(),
        payload: Payload::Chunked {
            chunk: Bytes::from(vec![b' '; 16 * 1024]),
            count: 64,
        },
        delay: Duration::ZERO,
    };
    server.set(chunked.clone());
    let error = source.fetch().await.expect_err("too large");
    assert_eq!(error, FetchError::TooLarge { limit: 128 * 1024 });

    // Through the verifier: the old set stays.
    assert_eq!(
        keeps_the_old_set(claimed).await,
        FetchError::TooLarge { limit: 128 * 1024 }
    );
    assert_eq!(
        keeps_the_old_set(chunked).await,
        FetchError::TooLarge { limit: 128 * 1024 }
    );
}

/// 1,000 concurrent requests with one `kid` on a 2-worker runtime while the server takes
/// 200 ms: one fetch. Returns the results.
fn storm(
    rt: &tokio::runtime::Runtime,
    jwks: &RemoteJwks,
    token: String,
) -> Vec<Result<(), RemoteError>> {
    rt.block_on(async {
        let token = Arc::new(token);
        let tasks: Vec<_> = (0..1000)
            .map(|_| {
                let jwks = jwks.clone();
                let token = token.clone();
                tokio::spawn(async move {
                    jwks.decode(token.as_bytes(), &validation())
                        .await
                        .map(|_| ())
                })
            })
            .collect();
        let mut results = Vec::new();
        for task in tasks {
            results.push(task.await.expect("the task"));
        }
        results
    })
}

#[test]
fn a_refetch_storm_makes_one_request() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let k1 = key(Algorithm::EdDSA, "k1");
    let k2 = key(Algorithm::EdDSA, "k2");
    let clock = ManualClock::new();
    let (server, jwks) = rt.block_on(async {
        let server = JwksServer::start(set_of(&[&k1])).await;
        let jwks = verifier(&server, &clock);
        jwks.prefetch().await.expect("fetched");
        (server, jwks)
    });
    server.serve(set_of(&[&k1, &k2]));
    server.update(|reply| reply.delay = Duration::from_millis(200));
    clock.advance(Duration::from_secs(31));

    let results = storm(&rt, &jwks, token(&k2));
    assert_eq!(server.requests(), 2, "one fetch for the storm");
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1000);

    // A kid the server never has: one fetch, 1,000 refusals.
    clock.advance(Duration::from_secs(31));
    let results = storm(&rt, &jwks, token(&key(Algorithm::EdDSA, "never")));
    assert_eq!(server.requests(), 3, "one fetch for the storm");
    assert_eq!(results.iter().filter(|r| is_unknown_kid(r)).count(), 1000);
}

#[tokio::test]
async fn only_usable_keys_are_used() {
    let good = key(Algorithm::EdDSA, "good");
    let enc = key(Algorithm::EdDSA, "enc");
    let ops = key(Algorithm::EdDSA, "ops");
    let mismatch = key(Algorithm::ES256, "mismatch");
    let private = key(Algorithm::ES256, "private");
    let dup_a = key(Algorithm::ES256, "dup");
    let dup_b = key(Algorithm::EdDSA, "dup");
    let not_allowed = key(Algorithm::ES384, "es384");

    // Written as JSON values: `Jwk` never serializes `key_ops` or private members.
    let value = |key: &Key| serde_json::to_value(jwk(key)).expect("JSON");
    let oct = serde_json::json!({"kty": "oct", "kid": "oct", "use": "sig",
        "k": "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0"});
    let mut enc_jwk = value(&enc);
    enc_jwk["use"] = "enc".into();
    let mut ops_jwk = value(&ops);
    ops_jwk.as_object_mut().expect("an object").remove("use");
    ops_jwk["key_ops"] = serde_json::json!(["encrypt"]);
    let mut mismatch_jwk = value(&mismatch);
    mismatch_jwk["alg"] = "RS256".into();
    let mut private_jwk = value(&private);
    private_jwk["d"] = base64url(&[7u8; 32]).into();

    let body = serde_json::json!({"keys": [
        oct,
        enc_jwk,
        ops_jwk,
        mismatch_jwk,
        private_jwk,
        value(&dup_a),
        value(&dup_b),
        value(&not_allowed),
        value(&good),
    ]})
    .to_string();
    let server = JwksServer::start(body).await;
    let jwks = verifier(&server, &ManualClock::new());
    jwks.prefetch().await.expect("fetched");
    assert_eq!(jwks.key_ids(), ["good"]);
    jwks.decode(token(&good), &validation())
        .await
        .expect("good");
    for refused in [&enc, &ops, &mismatch, &private, &dup_a, &dup_b] {
        let result = jwks.decode(token(refused), &validation()).await;
        assert!(is_unknown_kid(&result), "{:?}: {result:?}", refused.kid());
    }
    // ES384 is not allowed: refused by the allow-list before any key lookup.
    let result = jwks.decode(token(&not_allowed), &validation()).await;
    assert!(
        matches!(result, Err(RemoteError::Token(Error::AlgorithmNotAllowed))),
        "{result:?}"
    );
}

#[tokio::test]
async fn at_most_64_keys_are_used() {
    let keys: Vec<Key> = (0..70)
        .map(|i| key(Algorithm::EdDSA, &format!("k{i}")))
        .collect();
    let server = JwksServer::start(set_of(&keys.iter().collect::<Vec<_>>())).await;
    let jwks = verifier(&server, &ManualClock::new());
    jwks.prefetch().await.expect("fetched");
    assert_eq!(jwks.key_ids().len(), 64);
    jwks.decode(token(&keys[63]), &validation())
        .await
        .expect("the 64th");
    let result = jwks.decode(token(&keys[64]), &validation()).await;
    assert!(is_unknown_kid(&result), "{result:?}");
}

#[tokio::test]
async fn a_token_without_kid_needs_exactly_one_fitting_key() {
    let only = Key::generate(Algorithm::EdDSA).expect("a key");
    let server = JwksServer::start(set_of(&[&only])).await;
    let jwks = verifier(&server, &ManualClock::new());
    jwks.decode(token(&only), &validation())
        .await
        .expect("the only key");
    let other = Key::generate(Algorithm::EdDSA).expect("a key");
    server.serve(set_of(&[&only, &other]));
    jwks.reload().await.expect("fetched");
    let result = jwks.decode(token(&only), &validation()).await;
    assert!(
        matches!(result, Err(RemoteError::Token(Error::MissingKeyId))),
        "{result:?}"
    );
}

#[test]
fn configuration_errors() {
    // With feature `remote-jwks-rustls` https:// is accepted (tests/remote_jwks_tls.rs).
    #[cfg(not(feature = "remote-jwks-rustls"))]
    {
        let https = RemoteJwks::builder("https://issuer.example/jwks.json")
            .algorithms(&ALGORITHMS)
            .build();
        assert!(matches!(https, Err(JwksConfigError::HttpsUnsupported(_))));
    }
    let hmac = RemoteJwks::builder("http://127.0.0.1:1/jwks.json")
        .algorithms(&[Algorithm::HS256])
        .build();
    assert!(matches!(
        hmac,
        Err(JwksConfigError::SymmetricAlgorithm(Algorithm::HS256))
    ));
    let none = RemoteJwks::builder("http://127.0.0.1:1/jwks.json").build();
    assert!(matches!(none, Err(JwksConfigError::NoAlgorithms)));
    let relative = RemoteJwks::builder("/jwks.json")
        .algorithms(&ALGORITHMS)
        .build();
    assert!(matches!(relative, Err(JwksConfigError::InvalidUrl(_))));
}

/// Unpadded base64url (RFC 4648 §5).
fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}
