//! Per-call overrides of the cookie settings: flask-jwt-extended's `max_age=` and `domain=`.

use std::time::Duration;

/// Per-call overrides of the cookie settings: flask-jwt-extended's `max_age=` and `domain=`
/// arguments of `set_access_cookies` and friends. The default overrides nothing.
///
/// **Difference from flask-jwt-extended:** there, `max_age=0` and `domain=""` are falsy and
/// silently fall back to the configuration. Here any `Some` is honoured: `Some(Duration::ZERO)`
/// writes `Max-Age=0` (the browser drops the cookie at once) and `Some(String::new())` writes
/// no `Domain` attribute even when `JWT_COOKIE_DOMAIN` is set (a host-only cookie).
///
/// ```
/// use std::time::Duration;
/// use jwt_http::CookieOptions;
/// let options = CookieOptions::new()
///     .max_age(Duration::from_secs(3600))
///     .domain("example.com");
/// assert_eq!(options.max_age, Some(Duration::from_secs(3600)));
/// assert_eq!(options.domain.as_deref(), Some("example.com"));
/// assert_eq!(CookieOptions::default(), CookieOptions::new());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CookieOptions {
    /// `max_age=`: the cookie lifetime, written as `Expires=<now + max_age>; Max-Age=<secs>`
    /// (whole seconds). `None`: no lifetime (a session cookie) when `JWT_SESSION_COOKIE` is on,
    /// else 31,540,000 seconds. Ignored by the `unset_*` functions.
    pub max_age: Option<Duration>,
    /// `domain=`: the `Domain` attribute. `None`: `JWT_COOKIE_DOMAIN`. A leading dot is
    /// stripped, as Werkzeug does (`.example.com` is written `Domain=example.com`).
    pub domain: Option<String>,
}

impl CookieOptions {
    /// No overrides: the configured settings.
    pub fn new() -> Self {
        CookieOptions::default()
    }

    /// Sets [`max_age`](Self::max_age).
    pub fn max_age(mut self, max_age: Duration) -> Self {
        self.max_age = Some(max_age);
        self
    }

    /// Sets [`domain`](Self::domain).
    pub fn domain(mut self, domain: impl Into<String>) -> Self {
        self.domain = Some(domain.into());
        self
    }
}
