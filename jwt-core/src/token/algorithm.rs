//! The algorithms a token may be signed with, and the key family each belongs to.

use std::fmt;
use std::str::FromStr;

/// A JWS `alg` value (RFC 7518 §3.1, RFC 8037 §3.1).
///
/// Names are matched exactly and case-sensitively (RFC 7515 §4.1.1): `"hs256"`, `"HS256 "` and
/// `"none"` are not algorithms here. Every name exists in every build; signing or verifying
/// with an asymmetric one needs a key of its [`Family`], which only the `asymmetric` feature
/// can build, so an HMAC-only build refuses those tokens as "not allowed".
///
/// ```
/// use jwt_core::{Algorithm, Family};
/// assert_eq!("HS384".parse::<Algorithm>(), Ok(Algorithm::HS384));
/// assert!("hs256".parse::<Algorithm>().is_err());
/// assert!("none".parse::<Algorithm>().is_err());
/// assert_eq!(Algorithm::HS512.hmac_output_len(), Some(64));
/// assert_eq!(Algorithm::PS256.family(), Family::Rsa);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
#[non_exhaustive]
pub enum Algorithm {
    /// HMAC with SHA-256; keys of at least 32 bytes.
    #[default]
    HS256,
    /// HMAC with SHA-384; keys of at least 48 bytes.
    HS384,
    /// HMAC with SHA-512; keys of at least 64 bytes.
    HS512,
    /// RSASSA-PKCS1-v1_5 with SHA-256; RSA keys of 2048 to 8192 bits.
    RS256,
    /// RSASSA-PKCS1-v1_5 with SHA-384.
    RS384,
    /// RSASSA-PKCS1-v1_5 with SHA-512.
    RS512,
    /// RSASSA-PSS with SHA-256, MGF1 with SHA-256, salt as long as the hash.
    PS256,
    /// RSASSA-PSS with SHA-384, MGF1 with SHA-384, salt as long as the hash.
    PS384,
    /// RSASSA-PSS with SHA-512, MGF1 with SHA-512, salt as long as the hash.
    PS512,
    /// ECDSA on P-256 with SHA-256; 64-byte `R || S` signatures.
    ES256,
    /// ECDSA on P-384 with SHA-384; 96-byte `R || S` signatures.
    ES384,
    /// ECDSA on P-521 with SHA-512; 132-byte `R || S` signatures.
    ES512,
    /// EdDSA on Ed25519 (RFC 8037); the name PyJWT and flask-jwt-extended write.
    EdDSA,
}

/// The kind of key an [`Algorithm`] needs. A [`Key`](crate::Key) belongs to exactly one family
/// and can never be used with an algorithm of another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    /// A shared secret (HS256/384/512).
    Hmac,
    /// An RSA key (RS* and PS*).
    Rsa,
    /// An elliptic-curve key on the named curve (ES256 → P-256, ES384 → P-384, ES512 → P-521).
    Ec(Curve),
    /// An Ed25519 key (EdDSA).
    Ed25519,
}

/// The elliptic curves of ES256, ES384 and ES512.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Curve {
    /// NIST P-256 (secp256r1).
    P256,
    /// NIST P-384 (secp384r1).
    P384,
    /// NIST P-521 (secp521r1).
    P521,
}

impl Curve {
    /// The JWK `crv` name (RFC 7518 §6.2.1.1).
    pub const fn name(self) -> &'static str {
        match self {
            Curve::P256 => "P-256",
            Curve::P384 => "P-384",
            Curve::P521 => "P-521",
        }
    }

    /// Bytes of one coordinate or scalar: 32, 48 or 66.
    pub const fn field_len(self) -> usize {
        match self {
            Curve::P256 => 32,
            Curve::P384 => 48,
            Curve::P521 => 66,
        }
    }
}

impl Algorithm {
    /// Every algorithm, HMAC first.
    pub const ALL: [Algorithm; 13] = [
        Algorithm::HS256,
        Algorithm::HS384,
        Algorithm::HS512,
        Algorithm::RS256,
        Algorithm::RS384,
        Algorithm::RS512,
        Algorithm::PS256,
        Algorithm::PS384,
        Algorithm::PS512,
        Algorithm::ES256,
        Algorithm::ES384,
        Algorithm::ES512,
        Algorithm::EdDSA,
    ];

    /// The HMAC algorithms, strongest last.
    pub const HMAC: [Algorithm; 3] = [Algorithm::HS256, Algorithm::HS384, Algorithm::HS512];

    /// The JWS name, as written in the `alg` header.
    pub const fn name(self) -> &'static str {
        match self {
            Algorithm::HS256 => "HS256",
            Algorithm::HS384 => "HS384",
            Algorithm::HS512 => "HS512",
            Algorithm::RS256 => "RS256",
            Algorithm::RS384 => "RS384",
            Algorithm::RS512 => "RS512",
            Algorithm::PS256 => "PS256",
            Algorithm::PS384 => "PS384",
            Algorithm::PS512 => "PS512",
            Algorithm::ES256 => "ES256",
            Algorithm::ES384 => "ES384",
            Algorithm::ES512 => "ES512",
            Algorithm::EdDSA => "EdDSA",
        }
    }

    /// The family of keys this algorithm needs.
    pub const fn family(self) -> Family {
        match self {
            Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => Family::Hmac,
            Algorithm::RS256
            | Algorithm::RS384
            | Algorithm::RS512
            | Algorithm::PS256
            | Algorithm::PS384
            | Algorithm::PS512 => Family::Rsa,
            Algorithm::ES256 => Family::Ec(Curve::P256),
            Algorithm::ES384 => Family::Ec(Curve::P384),
            Algorithm::ES512 => Family::Ec(Curve::P521),
            Algorithm::EdDSA => Family::Ed25519,
        }
    }

    /// Whether this is HS256, HS384 or HS512.
    pub const fn is_hmac(self) -> bool {
        matches!(self.family(), Family::Hmac)
    }

    /// Length of the MAC in bytes, which is also the minimum key length (RFC 7518 §3.2);
    /// `None` for asymmetric algorithms, whose signature length is a property of the key.
    pub const fn hmac_output_len(self) -> Option<usize> {
        match self {
            Algorithm::HS256 => Some(32),
            Algorithm::HS384 => Some(48),
            Algorithm::HS512 => Some(64),
            _ => None,
        }
    }

    /// Parses an exact JWS name; `None` for anything else.
    pub fn from_name(name: &str) -> Option<Self> {
        Algorithm::ALL.into_iter().find(|alg| alg.name() == name)
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
            "unsupported algorithm {:?}: expected one of HS256, HS384, HS512, RS256, RS384, \
             RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA",
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_exact() {
        for alg in Algorithm::ALL {
            assert_eq!(Algorithm::from_name(alg.name()), Some(alg));
            assert_eq!(Algorithm::from_name(&alg.name().to_lowercase()), None);
            assert_eq!(alg.hmac_output_len().is_some(), alg.is_hmac());
        }
        for bad in ["none", "None", "ES256K", "Ed25519", "HS256 ", ""] {
            assert_eq!(Algorithm::from_name(bad), None, "{bad}");
        }
    }
}
