//! The identity a token was issued for.

use std::fmt;

use serde_json::Value;

/// The value of the identity claim: a string in every token flask-jwt-extended 4.7 accepts by
/// default, any JSON value when `verify_sub` is off.
///
/// Compares with strings, prints as the bare string, serializes as the JSON value.
///
/// ```
/// use jwt_http::Identity;
/// let id = Identity::new(serde_json::json!("alice"));
/// assert_eq!(id, "alice");
/// assert_eq!(id.as_str(), Some("alice"));
/// assert_eq!(id.to_string(), "alice");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity(Value);

impl Identity {
    /// Wraps a claim value.
    pub fn new(value: Value) -> Self {
        Identity(value)
    }

    /// The identity when it is a string.
    pub fn as_str(&self) -> Option<&str> {
        self.0.as_str()
    }

    /// The JSON value.
    pub fn as_value(&self) -> &Value {
        &self.0
    }

    /// The JSON value, by value.
    pub fn into_value(self) -> Value {
        self.0
    }
}

impl fmt::Display for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Value::String(s) => f.write_str(s),
            other => write!(f, "{other}"),
        }
    }
}

impl PartialEq<str> for Identity {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == Some(other)
    }
}

impl PartialEq<&str> for Identity {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == Some(*other)
    }
}

impl serde::Serialize for Identity {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl From<Identity> for Value {
    fn from(id: Identity) -> Value {
        id.0
    }
}
