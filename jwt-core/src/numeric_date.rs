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

/// `x.floor() as i64`: floored, saturated to the `i64` range, NaN as 0; without a call to
/// libm's `floor` (the baseline x86-64 target has no rounding instruction), as it runs twice on
/// every verification.
#[inline]
pub(crate) fn floor_i64(x: f64) -> i64 {
    // `as` truncates toward zero and saturates; a negative non-integer then lies one above.
    let truncated = x as i64;
    if (truncated as f64) > x {
        truncated.saturating_sub(1)
    } else {
        truncated
    }
}

#[cfg(test)]
mod tests {
    use super::floor_i64;
    use proptest::prelude::*;

    #[test]
    fn floor_i64_at_the_edges() {
        let edges = [
            0.0,
            -0.0,
            0.5,
            -0.5,
            -1.0,
            -1.5,
            1.0 - f64::EPSILON,
            -f64::MIN_POSITIVE,
            9_007_199_254_740_993.0,
            -9_007_199_254_740_993.5,
            i64::MAX as f64,
            i64::MIN as f64,
            -9.3e18,
            9.3e18,
            1e300,
            -1e300,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            1_700_000_000.999_999,
            -1_700_000_000.000_001,
        ];
        for x in edges {
            assert_eq!(floor_i64(x), x.floor() as i64, "{x:e}");
        }
    }

    proptest! {
        #[test]
        fn floor_i64_is_floor(bits in any::<u64>()) {
            let x = f64::from_bits(bits);
            prop_assert_eq!(floor_i64(x), x.floor() as i64);
        }

        #[test]
        fn floor_i64_near_integers(secs in any::<i64>(), frac in -1.0f64..1.0) {
            let x = secs as f64 + frac;
            prop_assert_eq!(floor_i64(x), x.floor() as i64);
        }
    }
}
