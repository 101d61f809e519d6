//! Random values for `jti` and `csrf`: RustCrypto's `ChaCha20Rng` seeded from `getrandom`
//! (`generator`), reseeded after a fork (`fork`, the crate's only `unsafe`), formatted as
//! version-4 UUIDs (`uuid`).

// mmap + MADV_WIPEONFORK through libc, to detect fork without a system call per draw; each
// block with its safety argument.
#[allow(unsafe_code)]
pub(crate) mod fork;
mod generator;
pub(crate) mod uuid;

pub(crate) use generator::fill;
