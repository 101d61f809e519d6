//! The identity a token was issued for.

use std::fmt;
use std::str::FromStr;

use serde::Deserialize;
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

    /// The identity as any type that implements `Deserialize`, from its JSON value: a
    /// `String` (or a borrowed `&str`) or a newtype around one for the string identities
    /// `verify_sub` allows, a struct when `verify_sub` is off and the identity is an object.
    ///
    /// ```
    /// use jwt_http::{Identity, IdentityError};
    /// use serde::Deserialize;
    ///
    /// #[derive(Deserialize, Debug, PartialEq)]
    /// struct UserId(String);
    ///
    /// let id = Identity::new(serde_json::json!("alice"));
    /// assert_eq!(id.deserialize::<UserId>()?, UserId("alice".into()));
    /// assert_eq!(id.deserialize::<&str>()?, "alice");
    ///
    /// // With verify_sub off, an identity may be any JSON value.
    /// #[derive(Deserialize, Debug, PartialEq)]
    /// struct User {
    ///     id: u64,
    ///     name: String,
    /// }
    /// let id = Identity::new(serde_json::json!({"id": 7, "name": "alice"}));
    /// assert_eq!(id.deserialize::<User>()?, User { id: 7, name: "alice".into() });
    /// assert!(matches!(id.deserialize::<u64>(), Err(IdentityError::Deserialize(_))));
    /// # Ok::<(), IdentityError>(())
    /// ```
    pub fn deserialize<'a, T: Deserialize<'a>>(&'a self) -> Result<T, IdentityError> {
        T::deserialize(&self.0).map_err(|e| IdentityError::Deserialize(e.to_string()))
    }

    /// The string identity parsed with [`FromStr`]: the way back from
    /// `create_access_token(user.id.to_string())`, which keeps numeric ids strings as
    /// `verify_sub` requires.
    ///
    /// ```
    /// use jwt_http::{Identity, IdentityError};
    ///
    /// let id = Identity::new(serde_json::json!("42"));
    /// assert_eq!(id.parse::<u64>()?, 42);
    ///
    /// let name = Identity::new(serde_json::json!("alice"));
    /// assert!(matches!(name.parse::<u64>(), Err(IdentityError::Parse(_))));
    /// let number = Identity::new(serde_json::json!(42));
    /// assert_eq!(number.parse::<u64>(), Err(IdentityError::NotAString));
    /// # Ok::<(), IdentityError>(())
    /// ```
    pub fn parse<T>(&self) -> Result<T, IdentityError>
    where
        T: FromStr,
        T::Err: fmt::Display,
    {
        let text = self.as_str().ok_or(IdentityError::NotAString)?;
        text.parse()
            .map_err(|e: T::Err| IdentityError::Parse(e.to_string()))
    }
}

/// Why [`Identity::deserialize`] or [`Identity::parse`] could not give the requested type.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum IdentityError {
    /// The identity's JSON value does not fit the type (serde's message).
    Deserialize(String),
    /// [`Identity::parse`] on an identity that is not a JSON string.
    NotAString,
    /// The string did not parse (the `FromStr` error's message).
    Parse(String),
}

impl fmt::Display for IdentityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IdentityError::Deserialize(why) => write!(f, "Invalid identity: {why}"),
            IdentityError::NotAString => f.write_str("Invalid identity: not a string"),
            IdentityError::Parse(why) => write!(f, "Invalid identity: {why}"),
        }
    }
}

impl std::error::Error for IdentityError {}

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

/// Any JSON value, as [`Identity::new`] takes it.
///
/// ```
/// use jwt_http::Identity;
/// let id: Identity = serde_json::from_value(serde_json::json!({"id": 7}))?;
/// assert_eq!(id.as_value()["id"], 7);
/// # Ok::<(), serde_json::Error>(())
/// ```
impl<'de> serde::Deserialize<'de> for Identity {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        <Value as serde::Deserialize>::deserialize(deserializer).map(Identity::new)
    }
}

impl From<Identity> for Value {
    fn from(id: Identity) -> Value {
        id.0
    }
}
