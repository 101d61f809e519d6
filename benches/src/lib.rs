//! Benchmarks of jwt-extended, kept out of the root package so that its examples and tests do
//! not compile the peers (`jsonwebtoken`, `jwt-simple`, `criterion`, `uuid` and their
//! dependencies). This library is empty; the package holds:
//!
//! - `benches/tokens.rs`: jwt-extended against `jsonwebtoken`, `jwt-simple`, what a user writes
//!   today and the floor (`scripts/bench.sh`, `BENCHMARKS.md`);
//! - `benches/rejection.rs`: the cost of refusing a hostile token as it grows;
//! - `benches/asymmetric.rs`: RS/PS/ES/EdDSA sign and verify against `jsonwebtoken` on the same
//!   aws-lc-rs backend and the raw aws-lc-rs floor (`scripts/bench.sh asymmetric`);
//! - `benches/remote_jwks.rs`: the remote JWKS verifier's cached-key path against a `KeySet`;
//! - `examples/basic_bench.rs`: the seed plus three twins of `/protected`, for `scripts/load.sh`;
//! - `tests/example_basic_bench.rs`: that example over HTTP.
//!
//! ```sh
//! cargo bench -p jwt-extended-benches --bench tokens
//! cargo test -p jwt-extended-benches
//! ```
//!
//! The library holds what the benchmark binaries share: a timed [`Case`], the interleaved
//! sampling loop ([`interleave`]) and small helpers.

use std::time::{Duration, Instant};

/// One timed operation: its group (`<op>_<ALG>`), its contender name and the work (the whole
/// operation, its result dropped).
pub struct Case<'a> {
    /// The criterion group: `<op>_<ALG>`.
    pub group: String,
    /// The contender.
    pub name: &'static str,
    /// The work.
    pub run: Box<dyn Fn() + 'a>,
}

/// A [`Case`].
pub fn case<'a>(group: &str, name: &'static str, run: impl Fn() + 'a) -> Case<'a> {
    Case {
        group: group.to_owned(),
        name,
        run: Box::new(run),
    }
}

/// A number from the environment, or `default`.
pub fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The interleaved sampling loop: calibrates each case to batches of about `batch` (at least
/// one call), then for `rounds` rounds runs one batch of every case, starting one case later
/// each round, so no case always follows the same one and every case meets the same
/// background load. Returns, per case, the ns/op of each round.
pub fn interleave(cases: &[Case<'_>], rounds: usize, batch: Duration) -> Vec<Vec<f64>> {
    let iters: Vec<u64> = cases
        .iter()
        .map(|c| {
            let mut n = 1u64;
            loop {
                let start = Instant::now();
                for _ in 0..n {
                    (c.run)();
                }
                let took = start.elapsed();
                if took >= batch / 4 {
                    let per = took.as_nanos() as f64 / n as f64;
                    break ((batch.as_nanos() as f64 / per) as u64).max(1);
                }
                n *= 2;
            }
        })
        .collect();
    let mut samples: Vec<Vec<f64>> = vec![Vec::with_capacity(rounds); cases.len()];
    for round in 0..rounds {
        for j in 0..cases.len() {
            let i = (j + round) % cases.len();
            let start = Instant::now();
            for _ in 0..iters[i] {
                (cases[i].run)();
            }
            samples[i].push(start.elapsed().as_nanos() as f64 / iters[i] as f64);
        }
    }
    samples
}

/// The median of `values` (sorted in place); the mean of the middle two for an even count.
pub fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    }
}
