//! The JOSE header.

use std::fmt;
use std::sync::OnceLock;

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

use crate::{Algorithm, Error};

/// Header parameter names registered by RFC 7515/7516/7518; `crit` must not list them.
const REGISTERED: &[&str] = &[
    "alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit", "enc",
    "zip", "epk", "apu", "apv", "iv", "tag", "p2s", "p2c",
];

/// A JOSE header: the algorithm plus every other member, kept as JSON.
///
/// Built with [`Header::new`] for signing (`{"alg":…,"typ":"JWT"}`, as PyJWT writes it), or
/// returned by decoding. Members are serialized in sorted order, as PyJWT does, so a header made
/// here matches one made by flask-jwt-extended.
///
/// ```
/// use jwt_core::{Algorithm, Header};
/// let mut header = Header::new(Algorithm::HS256);
/// header.insert("kid", "2026-11")?;
/// assert_eq!(header.kid(), Some("2026-11"));
/// assert_eq!(serde_json::to_string(&header).unwrap(), r#"{"alg":"HS256","kid":"2026-11","typ":"JWT"}"#);
/// # Ok::<(), jwt_core::Error>(())
/// ```
#[derive(Clone)]
pub struct Header {
    alg: Algorithm,
    /// `None` stands for exactly `{"alg": alg, "typ": "JWT"}`, the header of nearly every
    /// token: making or decoding one then allocates nothing. The map is made on first change.
    members: Option<Box<Map<String, Value>>>,
}

/// `base64url({"alg":…,"typ":"JWT"})`, precomputed.
pub(crate) const fn default_segment(alg: Algorithm) -> &'static str {
    match alg {
        Algorithm::HS256 => "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9",
        Algorithm::HS384 => "eyJhbGciOiJIUzM4NCIsInR5cCI6IkpXVCJ9",
        Algorithm::HS512 => "eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9",
        Algorithm::RS256 => "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9",
        Algorithm::RS384 => "eyJhbGciOiJSUzM4NCIsInR5cCI6IkpXVCJ9",
        Algorithm::RS512 => "eyJhbGciOiJSUzUxMiIsInR5cCI6IkpXVCJ9",
        Algorithm::PS256 => "eyJhbGciOiJQUzI1NiIsInR5cCI6IkpXVCJ9",
        Algorithm::PS384 => "eyJhbGciOiJQUzM4NCIsInR5cCI6IkpXVCJ9",
        Algorithm::PS512 => "eyJhbGciOiJQUzUxMiIsInR5cCI6IkpXVCJ9",
        Algorithm::ES256 => "eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9",
        Algorithm::ES384 => "eyJhbGciOiJFUzM4NCIsInR5cCI6IkpXVCJ9",
        Algorithm::ES512 => "eyJhbGciOiJFUzUxMiIsInR5cCI6IkpXVCJ9",
        Algorithm::EdDSA => "eyJhbGciOiJFZERTQSIsInR5cCI6IkpXVCJ9",
    }
}

/// The members of the default header of each algorithm, built once.
fn default_members(alg: Algorithm) -> &'static Map<String, Value> {
    static DEFAULTS: OnceLock<[Map<String, Value>; Algorithm::ALL.len()]> = OnceLock::new();
    let defaults = DEFAULTS.get_or_init(|| {
        Algorithm::ALL.map(|alg| {
            let mut members = Map::new();
            members.insert("alg".into(), Value::String(alg.name().into()));
            members.insert("typ".into(), Value::String("JWT".into()));
            members
        })
    });
    let index = Algorithm::ALL
        .iter()
        .position(|candidate| *candidate == alg)
        .unwrap_or(0);
    &defaults[index]
}

impl Header {
    /// `{"alg": algorithm, "typ": "JWT"}`.
    pub fn new(algorithm: Algorithm) -> Self {
        Header {
            alg: algorithm,
            members: None,
        }
    }

    fn map(&self) -> &Map<String, Value> {
        match &self.members {
            Some(members) => members,
            None => default_members(self.alg),
        }
    }

    fn map_mut(&mut self) -> &mut Map<String, Value> {
        let alg = self.alg;
        self.members
            .get_or_insert_with(|| Box::new(default_members(alg).clone()))
    }

    /// Reads a header segment, checking `alg` against `allowed`, and `kid` and `crit`. The
    /// default header's segment is recognised by its bytes: base64url is canonical here, so
    /// these are the only bytes that decode to it, and parsing it could only give `alg`, which
    /// is checked the same way.
    pub(crate) fn from_segment(
        segment: &[u8],
        allowed: &[Algorithm],
        parse: impl FnOnce(&[u8]) -> Result<Map<String, Value>, Error>,
    ) -> Result<Self, Error> {
        // Only the allowed algorithms' segments are compared: the default header of any other
        // algorithm is parsed below and refused there as not allowed.
        for alg in allowed {
            if segment == default_segment(*alg).as_bytes() {
                return Ok(Header::new(*alg));
            }
        }
        Header::from_members(parse(segment)?, allowed)
    }

    /// The signing algorithm.
    pub fn alg(&self) -> Algorithm {
        self.alg
    }

    /// The `typ` member, when it is a string.
    pub fn typ(&self) -> Option<&str> {
        match &self.members {
            None => Some("JWT"),
            Some(members) => members.get("typ").and_then(Value::as_str),
        }
    }

    /// The `kid` member. Decoded headers only carry a string `kid`. It is untrusted input: it may
    /// choose among the application's own keys, never supply one.
    pub fn kid(&self) -> Option<&str> {
        self.members.as_ref()?.get("kid").and_then(Value::as_str)
    }

    /// Any member.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.map().get(name)
    }

    /// All members, `alg` included (in sorted order unless serde_json's `preserve_order` feature
    /// is enabled somewhere in the build; serializing a `Header` always sorts).
    pub fn members(&self) -> &Map<String, Value> {
        self.map()
    }

    /// Sets a member. Setting `alg` changes the signing algorithm, as in flask-jwt-extended;
    /// an unsupported algorithm is refused. Setting `typ` to `null` removes it.
    pub fn insert(
        &mut self,
        name: impl Into<String>,
        value: impl Into<Value>,
    ) -> Result<(), Error> {
        let name = name.into();
        let value = value.into();
        match (name.as_str(), &value) {
            ("alg", Value::String(alg)) => {
                self.alg = Algorithm::from_name(alg).ok_or(Error::AlgorithmNotAllowed)?;
            }
            ("alg", _) => return Err(Error::AlgorithmNotAllowed),
            ("typ", Value::Null) => {
                self.map_mut().remove("typ");
                return Ok(());
            }
            _ => {}
        }
        self.map_mut().insert(name, value);
        Ok(())
    }

    /// Removes a member other than `alg`.
    pub fn remove(&mut self, name: &str) -> Option<Value> {
        if name == "alg" || (self.members.is_none() && name != "typ") {
            return None;
        }
        self.map_mut().remove(name)
    }

    /// Whether this is exactly `{"alg":…,"typ":"JWT"}`, whose encoding is a constant.
    pub(crate) fn is_default(&self) -> bool {
        match &self.members {
            None => true,
            Some(members) => members.len() == 2 && self.typ() == Some("JWT"),
        }
    }

    /// Reads a decoded header object, checking `alg` against `allowed`, and `kid` and `crit`.
    pub(crate) fn from_members(
        members: Map<String, Value>,
        allowed: &[Algorithm],
    ) -> Result<Self, Error> {
        let alg = match members.get("alg") {
            None => return Err(Error::AlgorithmMissing),
            Some(Value::String(name)) => Algorithm::from_name(name)
                .filter(|alg| allowed.contains(alg))
                .ok_or(Error::AlgorithmNotAllowed)?,
            Some(_) => return Err(Error::AlgorithmNotAllowed),
        };
        if members.get("kid").is_some_and(|kid| !kid.is_string()) {
            return Err(Error::KeyIdNotString);
        }
        if let Some(crit) = members.get("crit") {
            return Err(check_crit(crit, &members));
        }
        Ok(Header {
            alg,
            members: Some(Box::new(members)),
        })
    }
}

/// Headers are equal when their members are, however they are held.
impl PartialEq for Header {
    fn eq(&self, other: &Self) -> bool {
        self.alg == other.alg && self.map() == other.map()
    }
}

impl fmt::Debug for Header {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Header")
            .field("alg", &self.alg)
            .field("members", self.map())
            .finish()
    }
}

/// This library implements no JWS extension, so every `crit` is refused; a malformed one with
/// [`Error::CriticalHeaderInvalid`], a well-formed one with the first name it lists.
fn check_crit(crit: &Value, members: &Map<String, Value>) -> Error {
    let Some(names) = crit.as_array().filter(|names| !names.is_empty()) else {
        return Error::CriticalHeaderInvalid;
    };
    let mut seen: Vec<&str> = Vec::with_capacity(names.len());
    for name in names {
        let Some(name) = name.as_str() else {
            return Error::CriticalHeaderInvalid;
        };
        if seen.contains(&name) || REGISTERED.contains(&name) || !members.contains_key(name) {
            return Error::CriticalHeaderInvalid;
        }
        seen.push(name);
    }
    // Echoed before the signature is checked: bounded.
    Error::CriticalExtensionUnsupported(crate::error::echo(seen[0]))
}

/// Serializes members in sorted order at every depth, as PyJWT's `sort_keys=True` does. A
/// `serde_json::Map` is sorted only while no crate in the build enables serde_json's
/// `preserve_order` feature, so the order is imposed here rather than inherited.
impl Serialize for Header {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        SortedMap(self.map()).serialize(serializer)
    }
}

struct SortedMap<'a>(&'a Map<String, Value>);

impl Serialize for SortedMap<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut members: Vec<(&String, &Value)> = self.0.iter().collect();
        // Byte order of UTF-8 is code point order, which is Python's order for `str`.
        members.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let mut map = serializer.serialize_map(Some(members.len()))?;
        for (name, value) in members {
            map.serialize_entry(name, &SortedValue(value))?;
        }
        map.end()
    }
}

struct SortedValue<'a>(&'a Value);

impl Serialize for SortedValue<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Object(members) => SortedMap(members).serialize(serializer),
            Value::Array(items) => serializer.collect_seq(items.iter().map(SortedValue)),
            other => other.serialize(serializer),
        }
    }
}
