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
