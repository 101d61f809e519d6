//! How long a new token lives.

use std::time::Duration;

/// The lifetime of a token (`JWT_ACCESS_TOKEN_EXPIRES`, `expires_delta`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiry {
    /// No `exp` claim: the token never expires (flask-jwt-extended's `False`).
    Never,
    /// `exp` = issue time + this duration, in whole seconds.
    After(Duration),
}

impl Expiry {
    /// `After(Duration::from_secs(secs))`.
    pub const fn seconds(secs: u64) -> Self {
        Expiry::After(Duration::from_secs(secs))
    }

    /// `After(Duration::from_secs(60 * minutes))`.
    pub const fn minutes(minutes: u64) -> Self {
        Expiry::After(Duration::from_secs(60 * minutes))
    }

    /// `After(Duration::from_secs(86400 * days))`.
    pub const fn days(days: u64) -> Self {
        Expiry::After(Duration::from_secs(86_400 * days))
    }
}

impl From<Duration> for Expiry {
    fn from(d: Duration) -> Self {
        Expiry::After(d)
    }
}

/// The `fresh` value of a new access token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Freshness {
    /// `"fresh": false`.
    #[default]
    No,
    /// `"fresh": true`.
    Yes,
    /// `"fresh": <now + duration>` as a fractional timestamp: fresh until then.
    For(Duration),
}

impl From<bool> for Freshness {
    fn from(b: bool) -> Self {
        if b {
            Freshness::Yes
        } else {
            Freshness::No
        }
    }
}

impl From<Duration> for Freshness {
    fn from(d: Duration) -> Self {
        Freshness::For(d)
    }
}
