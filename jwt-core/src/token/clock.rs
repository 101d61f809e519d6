//! Where "now" comes from, so tests can fix it.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

/// A point in time as seconds since the Unix epoch, with sub-second precision.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct UnixTime(f64);

impl UnixTime {
    /// From whole seconds since the epoch.
    pub fn from_secs(secs: i64) -> Self {
        UnixTime(secs as f64)
    }

    /// From fractional seconds since the epoch.
    pub fn from_secs_f64(secs: f64) -> Self {
        UnixTime(secs)
    }

    /// Whole seconds, truncated toward negative infinity (as PyJWT's `timegm` does).
    pub fn secs(self) -> i64 {
        crate::numeric_date::floor_i64(self.0)
    }

    /// Fractional seconds.
    pub fn as_secs_f64(self) -> f64 {
        self.0
    }
}

/// A source of the current time. [`SystemClock`] in production, [`FixedClock`] in tests.
pub trait Clock: Send + Sync + fmt::Debug {
    /// The current time.
    fn now(&self) -> UnixTime;
}

/// The system's wall clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> UnixTime {
        match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(d) => UnixTime(d.as_secs_f64()),
            Err(e) => UnixTime(-e.duration().as_secs_f64()),
        }
    }
}

/// A clock that always says the same time.
///
/// ```
/// use jwt_core::{Clock, FixedClock};
/// assert_eq!(FixedClock::at(1_700_000_000).now().secs(), 1_700_000_000);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub UnixTime);

impl FixedClock {
    /// A clock stopped at `secs` seconds after the epoch.
    pub fn at(secs: i64) -> Self {
        FixedClock(UnixTime::from_secs(secs))
    }
}

impl Clock for FixedClock {
    fn now(&self) -> UnixTime {
        self.0
    }
}
