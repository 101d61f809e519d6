//! The HMAC algorithms a token may be signed with.

use std::fmt;
use std::str::FromStr;

/// A JWS `alg` value this crate can sign and verify: HMAC with SHA-2.
///
/// Names are matched exactly and case-sensitively (RFC 7515 §4.1.1): `"hs256"`, `"HS256 "` and
/// `"none"` are not algorithms here, and asymmetric names are refused, so algorithm confusion
/// between key types cannot arise.
///
/// ```
/// use jwt_core::Algorithm;
/// assert_eq!("HS384".parse::<Algorithm>(), Ok(Algorithm::HS384));
/// assert!("hs256".parse::<Algorithm>().is_err());
/// assert_eq!(Algorithm::HS512.output_len(), 64);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Algorithm {
    /// HMAC with SHA-256; keys of at least 32 bytes.
    #[default]
    HS256,
    /// HMAC with SHA-384; keys of at least 48 bytes.
    HS384,
    /// HMAC with SHA-512; keys of at least 64 bytes.
    HS512,
}

impl Algorithm {
    /// All supported algorithms, strongest last.
    pub const ALL: [Algorithm; 3] = [Algorithm::HS256, Algorithm::HS384, Algorithm::HS512];

    /// The JWS name, as written in the `alg` header.
    pub const fn name(self) -> &'static str {
        match self {
            Algorithm::HS256 => "HS256",
            Algorithm::HS384 => "HS384",
            Algorithm::HS512 => "HS512",
        }
    }

    /// Length of the MAC in bytes, which is also the minimum key length (RFC 7518 §3.2).
    pub const fn output_len(self) -> usize {
        match self {
            Algorithm::HS256 => 32,
            Algorithm::HS384 => 48,
            Algorithm::HS512 => 64,
        }
    }

    /// Parses an exact JWS name; `None` for anything else.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "HS256" => Some(Algorithm::HS256),
            "HS384" => Some(Algorithm::HS384),
            "HS512" => Some(Algorithm::HS512),
            _ => None,
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The error of parsing an unknown algorithm name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownAlgorithm(pub String);

impl fmt::Display for UnknownAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unsupported algorithm {:?}: expected one of HS256, HS384, HS512",
            self.0
        )
    }
}

impl std::error::Error for UnknownAlgorithm {}

impl FromStr for Algorithm {
    type Err = UnknownAlgorithm;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Algorithm::from_name(s).ok_or_else(|| UnknownAlgorithm(s.to_owned()))
    }
}

impl serde::Serialize for Algorithm {
    /// Serializes as the JWS name (`"HS256"`).
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}
