//! The remote JWKS verifier's hot path (a cached key) against the same key set used directly
//! (issue 13's bound: the remote verifier adds at most 5 % to verification), for EdDSA (the
//! fastest verification, so the worst case for a fixed overhead) and ES256.
//!
//! - `keyset`: [`jwt_core::decode_with`] on a `KeySet` built from the issuer's JWK;
//! - `remote_cached`: [`RemoteJwks::decode_cached`], the keys fetched once (from memory,
//!   through a `JwksSource`): one snapshot load, one clock read, the same `decode_with`;
//! - `remote_async`: [`RemoteJwks::decode`] polled once (a hit never awaits).
//!
//! Criterion's estimates are printed per function; then, because two cores shared with other
//! work drift between criterion's groups, an interleaved run (alternating batches of the two,
//! the median of the per-round ratios) prints the ratio the bound is about.
//!
//! ```sh
//! cargo bench -p jwt-extended-benches --bench remote_jwks
//! ```

use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use criterion::{criterion_group, Criterion};
use jwt_core::{decode_with, encode, Algorithm, Header, Jwk, JwkSet, Key, KeySet, Validation};
use jwt_extended::jwks::{FetchFuture, JwksResponse, JwksSource, RemoteJwks};
use jwt_extended_benches::median;
use serde_json::json;

const ALGORITHMS: [Algorithm; 2] = [Algorithm::EdDSA, Algorithm::ES256];

/// The issuer's set, from memory.
struct Fixed(String);

impl JwksSource for Fixed {
    fn fetch(&self) -> FetchFuture<'_> {
        let body = self.0.clone();
        Box::pin(async move { Ok(JwksResponse::ok(body)) })
    }
}

struct Case {
    name: &'static str,
    token: String,
    keys: KeySet,
    remote: RemoteJwks,
    validation: Validation,
}

fn case(runtime: &tokio::runtime::Runtime, algorithm: Algorithm, name: &'static str) -> Case {
    let signing = Key::generate(algorithm).expect("a key").with_kid("k1");
    let claims = json!({
        "sub": "alice", "type": "access", "fresh": false,
        "jti": "0b8a6d9c-4c5e-4a57-9f4e-0d3c2b1a0f9e",
        "iat": 1_700_000_000, "nbf": 1_700_000_000, "exp": 4_102_444_800u64,
    });
    let token = encode(&Header::new(algorithm), &claims, &signing).expect("a token");
    let jwk: Jwk = signing.to_public_jwk().expect("public");
    let mut keys = KeySet::new();
    keys.insert(Key::from_jwk(&jwk, &[algorithm]).expect("a key"))
        .expect("inserted");
    let set = JwkSet {
        keys: vec![jwk],
        skipped: 0,
    }
    .to_json();
    let remote = RemoteJwks::with_source(Fixed(set))
        .algorithms(&ALGORITHMS)
        .build()
        .expect("a verifier");
    runtime.block_on(remote.prefetch()).expect("fetched");
    let mut validation = Validation::new(algorithm);
    validation.algorithms = ALGORITHMS.to_vec();
    Case {
        name,
        token,
        keys,
        remote,
        validation,
    }
}

/// Polls `future` once; a cached hit is ready at once.
fn poll_once<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("a cached key never waits"),
    }
}

fn cases() -> (tokio::runtime::Runtime, Vec<Case>) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let cases = vec![
        case(&runtime, Algorithm::EdDSA, "EdDSA"),
        case(&runtime, Algorithm::ES256, "ES256"),
    ];
    (runtime, cases)
}

fn remote_jwks(c: &mut Criterion) {
    let (_runtime, cases) = cases();
    for case in &cases {
        // Same answer both ways, before measuring.
        let direct = decode_with(&case.token, &case.keys, &case.validation).expect("verified");
        let remote = case
            .remote
            .decode_cached(&case.token, &case.validation)
            .expect("verified");
        assert_eq!(direct.claims, remote.claims);

        let mut group = c.benchmark_group(format!("remote_jwks/{}", case.name));
        group.bench_function("keyset", |b| {
            b.iter(|| decode_with(black_box(&case.token), &case.keys, &case.validation))
        });
        group.bench_function("remote_cached", |b| {
            b.iter(|| {
                case.remote
                    .decode_cached(black_box(&case.token), &case.validation)
            })
        });
        group.bench_function("remote_async", |b| {
            b.iter(|| poll_once(case.remote.decode(black_box(&case.token), &case.validation)))
        });
        group.finish();
    }
}

/// Alternating batches of the direct and the remote decode; the median of the per-round
/// ratios, printed.
fn interleaved() {
    const ROUNDS: usize = 41;
    const BATCH: usize = 400;
    let (_runtime, cases) = cases();
    println!();
    for case in &cases {
        let mut ratios = Vec::with_capacity(ROUNDS);
        let mut direct_ns = Vec::with_capacity(ROUNDS);
        let mut remote_ns = Vec::with_capacity(ROUNDS);
        for round in 0..ROUNDS {
            let time_direct = || {
                let start = Instant::now();
                for _ in 0..BATCH {
                    let _ = black_box(decode_with(
                        black_box(&case.token),
                        &case.keys,
                        &case.validation,
                    ));
                }
                start.elapsed()
            };
            let time_remote = || {
                let start = Instant::now();
                for _ in 0..BATCH {
                    let _ = black_box(
                        case.remote
                            .decode_cached(black_box(&case.token), &case.validation),
                    );
                }
                start.elapsed()
            };
            // Alternate which goes first, so neither always runs on a warmer cache.
            let (direct, remote) = if round % 2 == 0 {
                let d = time_direct();
                (d, time_remote())
            } else {
                let r = time_remote();
                (time_direct(), r)
            };
            ratios.push(remote.as_secs_f64() / direct.as_secs_f64());
            direct_ns.push(per_op(direct, BATCH));
            remote_ns.push(per_op(remote, BATCH));
        }
        println!(
            "remote_jwks/{} interleaved ({ROUNDS} rounds of {BATCH}): keyset {:.2} µs, \
             remote_cached {:.2} µs, median ratio remote/keyset {:.4}",
            case.name,
            median(&mut direct_ns) / 1000.0,
            median(&mut remote_ns) / 1000.0,
            median(&mut ratios),
        );
    }
}

fn per_op(elapsed: Duration, n: usize) -> f64 {
    elapsed.as_nanos() as f64 / n as f64
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(20)
}

criterion_group! {
    name = benches;
    config = config();
    targets = remote_jwks
}

fn main() {
    benches();
    // `cargo test --benches` runs the binary with `--bench` absent: skip the long part then.
    if std::env::args().any(|a| a == "--bench") {
        interleaved();
    }
    Criterion::default().configure_from_args().final_summary();
}
