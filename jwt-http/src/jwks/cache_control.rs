//! How long a fetched key set stays fresh: `Cache-Control: max-age` (RFC 9111 §5.2.2.1),
//! clamped.
//!
//! Hand-written: only three directives matter and the rules are this verifier's. `s-maxage`
//! is for shared caches and is ignored; `no-cache`, `no-store` and `max-age=0` mean "as short
//! as allowed" (the minimum TTL), never "refetch on every request", which would let one busy
//! route hammer the issuer.

use std::time::Duration;

/// What a `Cache-Control` value says about freshness.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Freshness {
    /// No usable directive: the default TTL applies.
    Unspecified,
    /// `max-age=N` with N > 0.
    MaxAge(Duration),
    /// `no-cache`, `no-store` or `max-age=0`: the minimum TTL.
    Minimum,
}

/// Reads `value` (one or several comma-separated directives, names case-insensitive, an
/// argument possibly quoted). The first `max-age` wins; a malformed one is ignored; `no-cache`
/// and `no-store` win over any `max-age`.
pub(crate) fn freshness(value: &[u8]) -> Freshness {
    let Ok(text) = std::str::from_utf8(value) else {
        return Freshness::Unspecified;
    };
    let mut max_age = None;
    for directive in text.split(',') {
        let (name, argument) = match directive.split_once('=') {
            Some((name, argument)) => (name.trim(), Some(argument.trim())),
            None => (directive.trim(), None),
        };
        if name.eq_ignore_ascii_case("no-cache") || name.eq_ignore_ascii_case("no-store") {
            return Freshness::Minimum;
        }
        if max_age.is_none() && name.eq_ignore_ascii_case("max-age") {
            max_age = argument.and_then(seconds);
        }
    }
    match max_age {
        None => Freshness::Unspecified,
        Some(0) => Freshness::Minimum,
        Some(secs) => Freshness::MaxAge(Duration::from_secs(secs)),
    }
}

/// A delta-seconds argument, quoted or not; a value too large for `u64` saturates (RFC 9111
/// §1.2.2 says to treat it as the largest representable value).
fn seconds(argument: &str) -> Option<u64> {
    let digits = argument
        .strip_prefix('"')
        .and_then(|a| a.strip_suffix('"'))
        .unwrap_or(argument);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(digits.parse().unwrap_or(u64::MAX))
}

/// The TTL of a set fetched with `freshness`: `default` when unspecified, else clamped to
/// `[min, max]`.
pub(crate) fn ttl(
    freshness: Freshness,
    default: Duration,
    min: Duration,
    max: Duration,
) -> Duration {
    match freshness {
        Freshness::Unspecified => default.clamp(min, max),
        Freshness::Minimum => min,
        Freshness::MaxAge(age) => age.clamp(min, max),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: Duration = Duration::from_secs(30);
    const MAX: Duration = Duration::from_secs(86_400);
    const DEFAULT: Duration = Duration::from_secs(600);

    fn of(value: &str) -> Duration {
        ttl(freshness(value.as_bytes()), DEFAULT, MIN, MAX)
    }

    #[test]
    fn max_age_is_read_and_clamped() {
        assert_eq!(of("max-age=60"), Duration::from_secs(60));
        assert_eq!(of("public, max-age=300"), Duration::from_secs(300));
        assert_eq!(of("Max-Age=\"120\""), Duration::from_secs(120));
        assert_eq!(of("max-age=5"), MIN);
        assert_eq!(of("max-age=999999999"), MAX);
        assert_eq!(of("max-age=99999999999999999999999"), MAX);
    }

    #[test]
    fn no_cache_no_store_and_zero_mean_the_minimum() {
        assert_eq!(of("no-cache"), MIN);
        assert_eq!(of("max-age=600, no-store"), MIN);
        assert_eq!(of("max-age=0"), MIN);
    }

    #[test]
    fn s_maxage_and_garbage_are_ignored() {
        assert_eq!(of("s-maxage=60"), DEFAULT);
        assert_eq!(of("max-age=-1"), DEFAULT);
        assert_eq!(of("max-age=1e3"), DEFAULT);
        assert_eq!(of("max-age"), DEFAULT);
        assert_eq!(of(""), DEFAULT);
        assert_eq!(ttl(freshness(b"\xff"), DEFAULT, MIN, MAX), DEFAULT);
        assert_eq!(of("max-age=60, max-age=7200"), Duration::from_secs(60));
    }
}
