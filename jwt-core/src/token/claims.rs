//! The claims set of a decoded token.

use serde::de::{DeserializeOwned, DeserializeSeed};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use crate::strict_json::StrictValue;
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
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(transparent)]
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
            Value::Object(members) => Ok(Claims::from_members(members)),
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

    /// An owned copy of one claim: `get(name).cloned()`.
    pub fn get_cloned(&self, name: &str) -> Option<Value> {
        self.get(name).cloned()
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
        NumericDate::from_value(self.get("exp")?)
    }

    /// `nbf` as a NumericDate, when it is a number.
    pub fn nbf(&self) -> Option<NumericDate> {
        NumericDate::from_value(self.get("nbf")?)
    }

    /// `iat` as a NumericDate, when it is a number.
    pub fn iat(&self) -> Option<NumericDate> {
        NumericDate::from_value(self.get("iat")?)
    }

    /// `sub`, when it is a string.
    pub fn sub(&self) -> Option<&str> {
        self.get("sub")?.as_str()
    }

    /// `iss`, when it is a string.
    pub fn iss(&self) -> Option<&str> {
        self.get("iss")?.as_str()
    }

    /// `jti`, when it is a string.
    pub fn jti(&self) -> Option<&str> {
        self.get("jti")?.as_str()
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
        self.get("csrf")?.as_str()
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

/// Reads a JSON object as the decoder's parser does: a repeated member name, at any depth, is an
/// error (a `Value` or a `Map` cannot hold one; a JSON text can). Anything but an object is an
/// error too.
impl<'de> Deserialize<'de> for Claims {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match StrictValue.deserialize(deserializer)? {
            Value::Object(members) => Ok(Claims { members }),
            _ => Err(serde::de::Error::custom("the claims must be a JSON object")),
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deserialize_refuses_repeated_names_and_non_objects() {
        let claims: Claims = serde_json::from_str(r#"{"sub":"a","o":{"x":[1]}}"#).unwrap();
        assert_eq!(claims.sub(), Some("a"));
        let value = serde_json::json!({"sub": "b", "exp": 1});
        let claims: Claims = serde_json::from_value(value.clone()).unwrap();
        assert_eq!(Value::from(claims), value);
        for json in [
            r#"{"a":1,"a":2}"#,
            r#"{"o":{"x":1,"x":1}}"#,
            "[1]",
            "1",
            "null",
        ] {
            assert!(serde_json::from_str::<Claims>(json).is_err(), "{json}");
        }
        let err = serde_json::from_str::<Claims>(r#"{"a":1,"a":2}"#).unwrap_err();
        assert!(
            err.to_string().starts_with("duplicate member name \"a\""),
            "{err}"
        );
    }
}
