//! The claims set of a decoded token.

use serde::de::DeserializeOwned;
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

use crate::{Error, NumericDate};

/// A token's claims: every member of the payload, with typed access to the registered claims
/// (RFC 7519) and to the ones flask-jwt-extended writes (`type`, `fresh`, `csrf`).
///
/// After [`decode`](crate::decode) the registered claims have the types RFC 7519 requires (a
/// token with a string `exp` never gets here), so the typed accessors only say whether a claim
/// is present.
///
/// ```
/// use jwt_core::Claims;
/// let claims = Claims::from_value(serde_json::json!({"sub": "alice", "exp": 4102444800u64, "role": "admin"}))?;
/// assert_eq!(claims.sub(), Some("alice"));
/// assert_eq!(claims.exp().map(|d| d.secs()), Some(4_102_444_800));
/// assert_eq!(claims.get("role"), Some(&serde_json::json!("admin")));
/// assert_eq!(claims.token_type(), "access"); // flask-jwt-extended's default for a missing `type`
/// # Ok::<(), jwt_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Claims {
    members: Map<String, Value>,
}

/// The `fresh` claim: a boolean, or a NumericDate until which the token counts as fresh.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fresh {
    /// `true` or `false`.
    Bool(bool),
    /// Fresh while the current time is at or before this moment.
    Until(NumericDate),
}

/// The `aud` claim: one audience or several.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Audience<'a> {
    /// A single string.
    One(&'a str),
    /// An array (every element a string after validation).
    Many(&'a [Value]),
}

impl Claims {
    /// Wraps a JSON object; anything else is [`Error::PayloadNotObject`].
    pub fn from_value(value: Value) -> Result<Self, Error> {
        match value {
            Value::Object(members) => Ok(Claims { members }),
            _ => Err(Error::PayloadNotObject),
        }
    }

    /// Wraps a map of members.
    pub fn from_members(members: Map<String, Value>) -> Self {
        Claims { members }
    }

    /// Any claim by name.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.members.get(name)
    }

    /// Whether a claim is present.
    pub fn contains(&self, name: &str) -> bool {
        self.members.contains_key(name)
    }

    /// All claims.
    pub fn members(&self) -> &Map<String, Value> {
        &self.members
    }

    /// All claims, by value.
    pub fn into_members(self) -> Map<String, Value> {
        self.members
    }

    /// `exp` as a NumericDate, when it is a number.
    pub fn exp(&self) -> Option<NumericDate> {
        self.get("exp").and_then(NumericDate::from_value)
    }

    /// `nbf` as a NumericDate, when it is a number.
    pub fn nbf(&self) -> Option<NumericDate> {
        self.get("nbf").and_then(NumericDate::from_value)
    }

    /// `iat` as a NumericDate, when it is a number.
    pub fn iat(&self) -> Option<NumericDate> {
        self.get("iat").and_then(NumericDate::from_value)
    }

    /// `sub`, when it is a string.
    pub fn sub(&self) -> Option<&str> {
        self.get("sub").and_then(Value::as_str)
    }

    /// `iss`, when it is a string.
    pub fn iss(&self) -> Option<&str> {
        self.get("iss").and_then(Value::as_str)
    }

    /// `jti`, when it is a string.
    pub fn jti(&self) -> Option<&str> {
        self.get("jti").and_then(Value::as_str)
    }

    /// `aud`, when it is a string or an array.
    pub fn aud(&self) -> Option<Audience<'_>> {
        match self.get("aud")? {
            Value::String(one) => Some(Audience::One(one)),
            Value::Array(many) => Some(Audience::Many(many)),
            _ => None,
        }
    }

    /// flask-jwt-extended's `type` claim; `"access"` when absent or not a string, as
    /// flask-jwt-extended's decoded-token defaults say.
    pub fn token_type(&self) -> &str {
        self.get("type").and_then(Value::as_str).unwrap_or("access")
    }

    /// flask-jwt-extended's `fresh` claim: `false` when absent or of another JSON type.
    pub fn fresh(&self) -> Fresh {
        match self.get("fresh") {
            Some(Value::Bool(b)) => Fresh::Bool(*b),
            Some(value) => NumericDate::from_value(value)
                .map(Fresh::Until)
                .unwrap_or(Fresh::Bool(false)),
            None => Fresh::Bool(false),
        }
    }

    /// flask-jwt-extended's `csrf` claim, when it is a string.
    pub fn csrf(&self) -> Option<&str> {
        self.get("csrf").and_then(Value::as_str)
    }

    /// Converts the claims into any type that implements `Deserialize`.
    pub fn deserialize<T: DeserializeOwned>(&self) -> Result<T, Error> {
        T::deserialize(MapRef(&self.members)).map_err(|e| Error::ClaimsType(e.to_string()))
    }
}

impl Fresh {
    /// Whether the token counts as fresh at `now` (seconds since the epoch).
    pub fn is_fresh_at(self, now: f64) -> bool {
        match self {
            Fresh::Bool(b) => b,
            Fresh::Until(until) => until.as_f64() >= now,
        }
    }
}

impl Serialize for Claims {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.members.serialize(serializer)
    }
}

impl From<Claims> for Value {
    fn from(claims: Claims) -> Value {
        Value::Object(claims.members)
    }
}

/// Lets a `&Map` act as a deserializer without cloning it into a `Value`.
struct MapRef<'a>(&'a Map<String, Value>);

impl<'de> serde::Deserializer<'de> for MapRef<'de> {
    type Error = serde_json::Error;

    fn deserialize_any<V: serde::de::Visitor<'de>>(
        self,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        use serde::de::IntoDeserializer;
        let iter = self
            .0
            .iter()
            .map(|(k, v)| (k.as_str().into_deserializer(), v));
        let mut access = serde::de::value::MapDeserializer::new(iter);
        let value = visitor.visit_map(&mut access)?;
        access.end()?;
        Ok(value)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}
