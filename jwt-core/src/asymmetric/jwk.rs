//! JSON Web Keys (RFC 7517) for RSA, EC and OKP (Ed25519) keys, and RFC 7638 thumbprints.
//!
//! Hand-written because the rules are this library's: members are read strictly (unpadded
//! canonical base64url, EC coordinates exactly the field length, no leading zero in `n`,
//! RFC 7518 §6), member names are not repeated (the strict parser), and a public key written
//! out carries only its public members — there is no code path that writes `d`, `p`, `q`,
//! `dp`, `dq`, `qi`, `oth` or `k`.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::{PrivateParts, PublicParts, RsaPrivate};
use crate::{base64url, strict_json, Algorithm, Curve, Family, KeyError};

/// One JSON Web Key as read or published.
///
/// Unknown members are ignored when reading. `Debug` never shows private members.
///
/// ```
/// # #[cfg(feature = "asymmetric")] {
/// use jwt_core::{Algorithm, Jwk, Key};
/// let jwk = Jwk::from_json(r#"{"kty":"OKP","crv":"Ed25519",
///     "x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#)?;
/// let key = Key::from_jwk(&jwk, &[Algorithm::EdDSA])?;
/// assert!(!key.can_sign());
/// assert_eq!(key.thumbprint().as_deref(), Some("kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"));
/// # }
/// # Ok::<(), jwt_core::KeyError>(())
/// ```
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Jwk {
    /// Key type: `RSA`, `EC` or `OKP`.
    pub kty: String,
    /// Key ID.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kid: Option<String>,
    /// Intended use: `sig` (only `sig` keys verify tokens).
    #[serde(rename = "use", skip_serializing_if = "Option::is_none")]
    pub use_: Option<String>,
    /// Permitted operations (read, never written).
    #[serde(skip_serializing)]
    pub key_ops: Option<Vec<String>>,
    /// The one algorithm the key is for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alg: Option<String>,
    /// EC or OKP curve.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crv: Option<String>,
    /// RSA modulus.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub n: Option<String>,
    /// RSA public exponent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub e: Option<String>,
    /// EC x coordinate, or the OKP public key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub x: Option<String>,
    /// EC y coordinate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub y: Option<String>,
    /// Private: EC/OKP private key, or RSA private exponent. Never written.
    #[serde(skip_serializing)]
    pub d: Option<String>,
    /// Private: RSA first prime. Never written.
    #[serde(skip_serializing)]
    pub p: Option<String>,
    /// Private: RSA second prime. Never written.
    #[serde(skip_serializing)]
    pub q: Option<String>,
    /// Private: RSA first CRT exponent. Never written.
    #[serde(skip_serializing)]
    pub dp: Option<String>,
    /// Private: RSA second CRT exponent. Never written.
    #[serde(skip_serializing)]
    pub dq: Option<String>,
    /// Private: RSA CRT coefficient. Never written.
    #[serde(skip_serializing)]
    pub qi: Option<String>,
    /// Private: RSA other primes (multi-prime keys are refused). Never written.
    #[serde(skip_serializing)]
    pub oth: Option<Value>,
    /// Private: a symmetric key (`kty: "oct"`, refused here). Never written.
    #[serde(skip_serializing)]
    pub k: Option<String>,
}

impl fmt::Debug for Jwk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Jwk")
            .field("kty", &self.kty)
            .field("kid", &self.kid)
            .field("use", &self.use_)
            .field("alg", &self.alg)
            .field("crv", &self.crv)
            .field("private", &self.has_private_members())
            .finish_non_exhaustive()
    }
}

impl Drop for Jwk {
    fn drop(&mut self) {
        use zeroize::Zeroize;
        for member in [
            &mut self.d,
            &mut self.p,
            &mut self.q,
            &mut self.dp,
            &mut self.dq,
            &mut self.qi,
            &mut self.k,
        ] {
            member.zeroize();
        }
    }
}

/// Zeroes every string in `value` (members' names are not secret).
fn wipe(value: &mut Value) {
    use zeroize::Zeroize;
    match value {
        Value::String(text) => text.zeroize(),
        Value::Array(items) => items.iter_mut().for_each(wipe),
        Value::Object(members) => members.values_mut().for_each(wipe),
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

fn invalid(why: impl Into<String>) -> KeyError {
    KeyError::InvalidJwk(why.into())
}

fn b64(member: &Option<String>, name: &str) -> Result<Vec<u8>, KeyError> {
    let text = member
        .as_deref()
        .ok_or_else(|| invalid(format!("missing \"{name}\"")))?;
    base64url::decode(text.as_bytes())
        .filter(|bytes| !bytes.is_empty())
        .ok_or_else(|| invalid(format!("\"{name}\" is not unpadded base64url")))
}

fn b64_secret(member: &Option<String>, name: &str) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    b64(member, name).map(Zeroizing::new)
}

fn encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    base64url::encode_into(bytes, &mut out);
    out
}

impl Jwk {
    /// Reads one JWK from JSON text, through the strict parser (a repeated member is refused).
    pub fn from_json(json: &str) -> Result<Jwk, KeyError> {
        let value = strict_json::parse(json.as_bytes()).map_err(|e| invalid(e.to_string()))?;
        Jwk::from_value(value)
    }

    pub(crate) fn from_value(mut value: Value) -> Result<Jwk, KeyError> {
        if !value.is_object() {
            return Err(invalid("not a JSON object"));
        }
        // Read from a borrow, then wipe every string of the parsed text: private members are
        // copied into the `Jwk` (zeroed when it is dropped), and none is left behind in the
        // `Value`, whether reading succeeded or not.
        let jwk = Jwk::deserialize(&value).map_err(|e| invalid(e.to_string()));
        wipe(&mut value);
        jwk
    }

    /// Whether any private member (`d`, `p`, `q`, `dp`, `dq`, `qi`, `oth`, `k`) is present.
    pub fn has_private_members(&self) -> bool {
        self.d.is_some()
            || self.p.is_some()
            || self.q.is_some()
            || self.dp.is_some()
            || self.dq.is_some()
            || self.qi.is_some()
            || self.oth.is_some()
            || self.k.is_some()
    }

    /// Whether the key may verify signatures: `use` absent or `"sig"`, and `key_ops` absent or
    /// containing `"verify"` (RFC 7517 §4.2, §4.3).
    pub fn is_for_signatures(&self) -> bool {
        self.use_.as_deref().is_none_or(|u| u == "sig")
            && self
                .key_ops
                .as_ref()
                .is_none_or(|ops| ops.iter().any(|op| op == "verify"))
    }

    /// The key family its `kty`/`crv` name, or `None` when unsupported (`oct`, Ed448, ...).
    pub fn family(&self) -> Option<Family> {
        match (self.kty.as_str(), self.crv.as_deref()) {
            ("RSA", _) => Some(Family::Rsa),
            ("EC", Some("P-256")) => Some(Family::Ec(Curve::P256)),
            ("EC", Some("P-384")) => Some(Family::Ec(Curve::P384)),
            ("EC", Some("P-521")) => Some(Family::Ec(Curve::P521)),
            ("OKP", Some("Ed25519")) => Some(Family::Ed25519),
            _ => None,
        }
    }

    /// The public parameters, checked.
    pub(crate) fn public_parts(&self) -> Result<PublicParts, KeyError> {
        match self.family() {
            Some(Family::Rsa) => {
                let n = b64(&self.n, "n")?;
                let e = b64(&self.e, "e")?;
                if n.first() == Some(&0) || e.first() == Some(&0) {
                    return Err(invalid("\"n\" and \"e\" must not start with a zero octet"));
                }
                Ok(PublicParts::Rsa { n, e })
            }
            Some(Family::Ec(curve)) => {
                let x = b64(&self.x, "x")?;
                let y = b64(&self.y, "y")?;
                if x.len() != curve.field_len() || y.len() != curve.field_len() {
                    return Err(invalid(format!(
                        "{} coordinates must be {} bytes",
                        curve.name(),
                        curve.field_len()
                    )));
                }
                Ok(PublicParts::Ec { curve, x, y })
            }
            Some(Family::Ed25519) => {
                let x = b64(&self.x, "x")?;
                if x.len() != 32 {
                    return Err(invalid("an Ed25519 \"x\" is 32 bytes"));
                }
                Ok(PublicParts::Ed25519 { x })
            }
            Some(Family::Hmac) | None => Err(invalid(format!(
                "unsupported key type {:?}{}",
                crate::error::echo(&self.kty),
                self.crv
                    .as_deref()
                    .map(|c| format!(" on curve {:?}", crate::error::echo(c)))
                    .unwrap_or_default()
            ))),
        }
    }

    /// The private parameters, when present and complete.
    pub(crate) fn private_parts(&self) -> Result<Option<PrivateParts>, KeyError> {
        if self.k.is_some() {
            return Err(invalid("symmetric (\"k\") keys are not read from JWKs"));
        }
        if self.oth.is_some() {
            return Err(invalid("multi-prime RSA keys (\"oth\") are not supported"));
        }
        if self.d.is_none() {
            return Ok(None);
        }
        match self.family() {
            Some(Family::Rsa) => Ok(Some(PrivateParts::Rsa(Box::new(RsaPrivate {
                d: b64_secret(&self.d, "d")?,
                p: b64_secret(&self.p, "p")?,
                q: b64_secret(&self.q, "q")?,
                dp: b64_secret(&self.dp, "dp")?,
                dq: b64_secret(&self.dq, "dq")?,
                qi: b64_secret(&self.qi, "qi")?,
            })))),
            _ => Ok(Some(PrivateParts::Scalar(b64_secret(&self.d, "d")?))),
        }
    }

    /// The public JWK of `parts`: `kty` and public members only.
    pub(crate) fn from_public_parts(parts: &PublicParts) -> Jwk {
        // Member by member: `Jwk` zeroes its private members on drop, so no struct update.
        let mut jwk = Jwk::default();
        match parts {
            PublicParts::Rsa { n, e } => {
                jwk.kty = "RSA".into();
                jwk.n = Some(encode(n));
                jwk.e = Some(encode(e));
            }
            PublicParts::Ec { curve, x, y } => {
                jwk.kty = "EC".into();
                jwk.crv = Some(curve.name().into());
                jwk.x = Some(encode(x));
                jwk.y = Some(encode(y));
            }
            PublicParts::Ed25519 { x } => {
                jwk.kty = "OKP".into();
                jwk.crv = Some("Ed25519".into());
                jwk.x = Some(encode(x));
            }
        }
        jwk
    }
}

/// The RFC 7638 thumbprint: SHA-256 over the required members in lexicographic order, without
/// whitespace (RFC 8037 §2 for OKP), base64url.
pub(crate) fn thumbprint(parts: &PublicParts) -> String {
    let json = match parts {
        PublicParts::Rsa { n, e } => {
            format!(r#"{{"e":"{}","kty":"RSA","n":"{}"}}"#, encode(e), encode(n))
        }
        PublicParts::Ec { curve, x, y } => format!(
            r#"{{"crv":"{}","kty":"EC","x":"{}","y":"{}"}}"#,
            curve.name(),
            encode(x),
            encode(y)
        ),
        PublicParts::Ed25519 { x } => {
            format!(r#"{{"crv":"Ed25519","kty":"OKP","x":"{}"}}"#, encode(x))
        }
    };
    encode(&Sha256::digest(json.as_bytes()))
}

/// A JWK Set (RFC 7517 §5): `{"keys": [...]}`.
///
/// Reading keeps the members that are JWKs of a supported shape and counts the others in
/// [`JwkSet::skipped`], so one odd key in an issuer's set does not hide the rest.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct JwkSet {
    /// The keys.
    pub keys: Vec<Jwk>,
    /// Members of `keys` that were not JWK objects (not written out).
    #[serde(skip)]
    pub skipped: usize,
}

impl JwkSet {
    /// Reads a JWK Set from JSON bytes through the strict parser.
    pub fn from_json(json: &[u8]) -> Result<JwkSet, KeyError> {
        let value = strict_json::parse(json).map_err(|e| invalid(e.to_string()))?;
        let Value::Object(mut members) = value else {
            return Err(invalid("a JWK Set is a JSON object"));
        };
        let Some(Value::Array(keys)) = members.remove("keys") else {
            return Err(invalid("a JWK Set has a \"keys\" array"));
        };
        let mut set = JwkSet::default();
        for key in keys {
            match Jwk::from_value(key) {
                Ok(jwk) => set.keys.push(jwk),
                Err(_) => set.skipped += 1,
            }
        }
        Ok(set)
    }

    /// The set as JSON text, `{"keys":[...]}`.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| String::from(r#"{"keys":[]}"#))
    }
}

/// The algorithm a JWK names, when it names one this crate knows.
pub(crate) fn named_algorithm(jwk: &Jwk) -> Result<Option<Algorithm>, KeyError> {
    match jwk.alg.as_deref() {
        None => Ok(None),
        Some(name) => Algorithm::from_name(name).map(Some).ok_or_else(|| {
            invalid(format!(
                "unsupported \"alg\" {:?}",
                crate::error::echo(name)
            ))
        }),
    }
}
