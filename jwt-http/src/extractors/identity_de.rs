//! `Identity` from any JSON value, so that `JwtIdentity<Identity>` (the default) deserializes
//! like any other identity type.
//!
//! It belongs beside `Serialize` in `identity.rs`, unconditionally; it is here only because
//! that file is not this module's. Moving it there is a cut and paste.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::Identity;

/// Any JSON value, as [`Identity::new`] takes it.
///
/// ```
/// use jwt_http::Identity;
/// let id: Identity = serde_json::from_value(serde_json::json!({"id": 7}))?;
/// assert_eq!(id.as_value()["id"], 7);
/// # Ok::<(), serde_json::Error>(())
/// ```
impl<'de> Deserialize<'de> for Identity {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Value::deserialize(deserializer).map(Identity::new)
    }
}
