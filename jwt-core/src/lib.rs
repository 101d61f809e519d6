//! Strict HMAC JSON Web Tokens: HS256, HS384 and HS512, written by hand on RustCrypto
//! `hmac` + `sha2`, `serde_json` and `base64` (its engine configured strict).
//!
//! This is the token layer of [jwt-extended](https://docs.rs/jwt-extended); it knows nothing of
//! HTTP and is usable on its own:
//!
//! ```
//! use jwt_core::{decode, encode, Algorithm, Error, Header, Key, Validation};
//!
//! let key = Key::new(Algorithm::HS256, "a long random secret, 32 bytes or more")?;
//! let claims = serde_json::json!({"sub": "alice", "exp": 4102444800u64, "role": "admin"});
//! let token = encode(&Header::new(Algorithm::HS256), &claims, &key)?;
//!
//! let data = decode(&token, &key, &Validation::new(Algorithm::HS256))?;
//! assert_eq!(data.claims.sub(), Some("alice"));
//!
//! let tampered = token.replacen("eyJ", "eyK", 2);
//! assert!(decode(&tampered, &key, &Validation::new(Algorithm::HS256)).is_err());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Strictness
//!
//! The verifier refuses what a lenient one lets through, and says which rule a token broke
//! ([`Error`], one variant per failure, whose messages are flask-jwt-extended's):
//!
//! - the algorithm comes from the caller's allow-list, compared exactly; `none` and every
//!   asymmetric name are unknown here, so there is no algorithm confusion;
//! - the MAC is checked over the exact received text, at full length and in constant time,
//!   before the payload is even decoded, let alone any claim read;
//! - base64url must be unpadded and canonical; JSON must be UTF-8 without a BOM and may not
//!   repeat a member name; any `crit` header is refused;
//! - `exp`, `nbf` and `iat` must be JSON numbers (fractions allowed; huge values saturate);
//! - a token with an `aud` is refused when no audience is expected;
//! - tokens longer than [`Validation::max_token_len`] (16 KiB) are refused before any work;
//! - keys shorter than the hash output are refused when the [`Key`] is built, unless the caller
//!   opts out by name with [`Key::insecure_short_secret`].
#![warn(missing_docs, unreachable_pub, rust_2018_idioms)]
// `deny`, not `forbid`: the one exception is `random::fork` (mmap + MADV_WIPEONFORK through
// libc, to detect fork without a system call per draw), each block with its safety argument.
#![deny(unsafe_code)]

#[cfg(feature = "asymmetric")]
mod asymmetric;
mod codec;
mod random;
mod token;

// The modules by their short names, for paths inside the crate (`crate::decode`, ...).
use codec::{base64url, py_json, scratch, strict_json};
use random::{fork, uuid};
use token::{
    algorithm, claims, claims_writer, clock, decode, encode, error, header, key, key_set,
    numeric_date, validation,
};

pub use algorithm::{Algorithm, Curve, Family, UnknownAlgorithm};
#[cfg(feature = "asymmetric")]
pub use asymmetric::jwk::{Jwk, JwkSet};
pub use claims::{Audience, Claims, Fresh};
pub use claims_writer::ClaimsWriter;
pub use clock::{Clock, FixedClock, SystemClock, UnixTime};
pub use decode::{
    decode, decode_as, decode_at, decode_header_unverified, decode_unverified, verify_jws, Jws,
    TokenData,
};
pub use encode::encode;
pub use error::Error;
pub use header::Header;
#[cfg(feature = "asymmetric")]
pub use key::DerFormat;
pub use key::{Key, KeyError};
pub use key_set::{
    decode_with, decode_with_at, encode_with, KeySet, KeySetError, MissingKid, MAX_KID_LEN,
};
pub use numeric_date::NumericDate;
pub use uuid::{uuid4, uuid4_pair};
pub use validation::{Validation, DEFAULT_MAX_TOKEN_LEN};
