//! The byte formats under the token API: strict base64url (the `base64` crate's engine),
//! the one strict JSON parser (serde_json plus the rules serde_json does not enforce), and
//! PyJWT's JSON bytes (a serde_json `Formatter`), with the writer's scratch buffers.

pub(crate) mod base64url;
pub(crate) mod py_json;
pub(crate) mod scratch;
pub(crate) mod strict_json;
