//! NumericDate (RFC 7519 §2): a JSON number of seconds since the epoch.

use serde_json::Value;

/// A validated `exp`, `nbf` or `iat` value.
///
/// Any finite JSON number is a NumericDate, fractional ones included. Integers beyond the `f64`
/// range of exact integers keep their magnitude; values beyond `i64` saturate in
/// [`NumericDate::secs`], so `1e300` means "far future" and never wraps or panics.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct NumericDate(f64);

impl NumericDate {
    /// From whole seconds.
    pub fn from_secs(secs: i64) -> Self {
        NumericDate(secs as f64)
    }

    /// Reads a claim value: `Some` for a JSON number, `None` for any other type (a string, even
    /// one holding digits, is not a NumericDate).
    pub fn from_value(value: &Value) -> Option<Self> {
        value.as_f64().map(NumericDate)
    }

    /// Seconds as `f64`.
    pub fn as_f64(self) -> f64 {
        self.0
    }

    /// Whole seconds, floored and saturated to the `i64` range.
    pub fn secs(self) -> i64 {
        floor_i64(self.0)
    }
}

/// Whole seconds of `x`: floored, saturated to the `i64` range (as `as` does), NaN as 0.
pub(crate) fn floor_i64(x: f64) -> i64 {
    x.floor() as i64
}
