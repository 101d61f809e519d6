//! The token API: keys and algorithms, headers and claims, encoding, decoding and validation,
//! the clock, and the errors — everything a caller of jwt-core names.

pub(crate) mod algorithm;
pub(crate) mod claims;
pub(crate) mod claims_writer;
pub(crate) mod clock;
pub(crate) mod decode;
pub(crate) mod encode;
pub(crate) mod error;
pub(crate) mod header;
pub(crate) mod key;
pub(crate) mod key_set;
pub(crate) mod numeric_date;
pub(crate) mod validation;
