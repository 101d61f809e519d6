//! The `Set-Cookie` header value, byte for byte as Werkzeug's `dump_cookie` writes it (what
//! flask-jwt-extended's responses carry): the value quoted and escaped as Python's
//! `http.cookies` does, the path percent-quoted, the attributes in the order `Domain`,
//! `Expires`, `Max-Age`, `Secure`, `HttpOnly`, `Path`, `SameSite`.

use std::fmt;
use std::time::{Duration, UNIX_EPOCH};

use http::header::HeaderValue;

use crate::SameSite;

/// The `Expires` of a cookie being deleted: `http_date(0)`.
const EPOCH_DATE: &str = "Thu, 01 Jan 1970 00:00:00 GMT";

/// How long a written cookie lives.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Lifetime {
    /// No `Expires`, no `Max-Age`.
    Session,
    /// `Expires=<expires>; Max-Age=<max_age>`.
    MaxAge { max_age: u64, expires: i64 },
    /// `Expires=Thu, 01 Jan 1970 00:00:00 GMT`: deletes the cookie.
    Deleted,
}

/// The attributes shared by both cookies of one call.
pub(crate) struct Attributes<'a> {
    pub(crate) domain: Option<&'a str>,
    pub(crate) lifetime: Lifetime,
    pub(crate) secure: bool,
    pub(crate) samesite: Option<SameSite>,
}

/// One `Set-Cookie` value, as Werkzeug's `dump_cookie` writes it.
pub(crate) fn write(
    name: &str,
    value: &str,
    path: &str,
    http_only: bool,
    attributes: &Attributes<'_>,
) -> Result<HeaderValue, CookieError> {
    let mut out = String::with_capacity(name.len() + value.len() + 96);
    out.push_str(name);
    out.push('=');
    push_cookie_value(&mut out, value);
    if let Some(domain) = attributes
        .domain
        .map(cookie_domain)
        .filter(|d| !d.is_empty())
    {
        if !domain.is_ascii() {
            return Err(CookieError::NonAsciiDomain {
                cookie: name.to_owned(),
                domain: domain.to_owned(),
            });
        }
        out.push_str("; Domain=");
        out.push_str(domain);
    }
    match attributes.lifetime {
        Lifetime::Session => {}
        Lifetime::MaxAge { max_age, expires } => {
            out.push_str("; Expires=");
            out.push_str(&http_date(expires));
            out.push_str("; Max-Age=");
            out.push_str(&max_age.to_string());
        }
        Lifetime::Deleted => {
            out.push_str("; Expires=");
            out.push_str(EPOCH_DATE);
        }
    }
    if attributes.secure {
        out.push_str("; Secure");
    }
    if http_only {
        out.push_str("; HttpOnly");
    }
    out.push_str("; Path=");
    push_quoted_path(&mut out, path);
    if let Some(samesite) = attributes.samesite {
        out.push_str("; SameSite=");
        out.push_str(match samesite {
            SameSite::Strict => "Strict",
            SameSite::Lax => "Lax",
            SameSite::None => "None",
        });
    }
    // The value is quoted and the path percent-quoted into visible ASCII: only the name or the
    // domain can hold what a header cannot.
    HeaderValue::from_str(&out).map_err(|_| match attributes.domain.map(cookie_domain) {
        Some(domain) if HeaderValue::from_str(name).is_ok() => CookieError::InvalidDomain {
            cookie: name.to_owned(),
            domain: domain.to_owned(),
        },
        _ => CookieError::InvalidName {
            name: name.to_owned(),
        },
    })
}

/// Why a `Set-Cookie` header could not be written: a server misconfiguration (a cookie name or
/// `JWT_COOKIE_DOMAIN` in the settings, or a [`CookieOptions::domain`]), answered with status
/// 500 as [`JwtError::Cookie`].
///
/// ```
/// use jwt_http::{CookieError, CookieOptions, JwtError, JwtManager};
/// let manager = JwtManager::builder().secret_key("a long random secret, 32 bytes or more").build()?;
/// let mut headers = http::HeaderMap::new();
/// let err = manager
///     .unset_access_cookies(&mut headers, &CookieOptions::new().domain("bücher.example"))
///     .unwrap_err();
/// assert!(matches!(err, JwtError::Cookie(CookieError::NonAsciiDomain { .. })));
/// assert_eq!(err.status(), 500);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// [`CookieOptions::domain`]: crate::CookieOptions::domain
/// [`JwtError::Cookie`]: crate::JwtError::Cookie
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CookieError {
    /// The cookie name holds a character a header cannot carry (a control character).
    InvalidName {
        /// The configured cookie name.
        name: String,
    },
    /// The domain is not ASCII: an internationalized domain must be written in its punycode
    /// form (`xn--bcher-kva.example`).
    NonAsciiDomain {
        /// The cookie being written.
        cookie: String,
        /// The domain, as it would have been written.
        domain: String,
    },
    /// The domain holds a character a header cannot carry (a control character).
    InvalidDomain {
        /// The cookie being written.
        cookie: String,
        /// The domain, as it would have been written.
        domain: String,
    },
}

impl fmt::Display for CookieError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CookieError::InvalidName { name } => write!(
                f,
                "cannot write cookie {name:?}: the cookie name contains a character not allowed in a header"
            ),
            CookieError::NonAsciiDomain { cookie, domain } => write!(
                f,
                "cannot write cookie {cookie:?}: the cookie domain {domain:?} must be ASCII (write an internationalized domain in its punycode form)"
            ),
            CookieError::InvalidDomain { cookie, domain } => write!(
                f,
                "cannot write cookie {cookie:?}: the cookie domain {domain:?} contains a character not allowed in a header"
            ),
        }
    }
}

impl std::error::Error for CookieError {}

/// Werkzeug's domain normalization: the port dropped, leading dots stripped.
fn cookie_domain(domain: &str) -> &str {
    let host = domain.split(':').next().unwrap_or(domain);
    host.trim_start_matches('.')
}

/// Whether Werkzeug writes `byte` of a cookie value unquoted (`[\w!#$%&'()*+\-./:<=>?@\[\]^`{|}~]`).
fn cookie_safe(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"_!#$%&'()*+-./:<=>?@[]^`{|}~".contains(&byte)
}

/// A cookie value as Werkzeug writes it: as is when every byte is safe, else in double quotes
/// with `"` and `\` backslash-escaped and control characters, `,`, `;` and non-ASCII bytes as
/// three-digit octal escapes (as Python's `http.cookies`).
fn push_cookie_value(out: &mut String, value: &str) {
    if value.bytes().all(cookie_safe) {
        out.push_str(value);
        return;
    }
    out.push('"');
    for byte in value.bytes() {
        match byte {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            0x00..=0x1f | b',' | b';' | 0x7f..=0xff => {
                out.push_str(&format!("\\{byte:03o}"));
            }
            _ => out.push(char::from(byte)),
        }
    }
    out.push('"');
}

/// A path as Werkzeug writes it: Python's `quote(path, safe="%!$&'()*+,/:=@")`.
fn push_quoted_path(out: &mut String, path: &str) {
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"_.-~%!$&'()*+,/:=@".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
}

/// The last second an IMF-fixdate can write (its year has four digits):
/// `Fri, 31 Dec 9999 23:59:59 GMT`.
const LAST_DATE: u64 = 253_402_300_799;

/// `secs` since the epoch as an IMF-fixdate (RFC 9110 §5.6.7), as Werkzeug's `http_date`:
/// `Thu, 01 Jan 1970 00:00:00 GMT`. Written by the `httpdate` crate, which writes 1970 to 9999:
/// a time before 1970 is written as the epoch (a date in the past: the browser drops the
/// cookie, as it would for the exact date), one after 9999 as the last second of 9999 (Werkzeug
/// fails there; the cookie lives as long as a browser can tell).
pub(crate) fn http_date(secs: i64) -> String {
    let secs = u64::try_from(secs).unwrap_or(0).min(LAST_DATE);
    httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_dates() {
        assert_eq!(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(http_date(1_700_000_000), "Tue, 14 Nov 2023 22:13:20 GMT");
        assert_eq!(http_date(1_731_540_000), "Wed, 13 Nov 2024 23:20:00 GMT");
        // Leap days, including the 400-year rule.
        assert_eq!(http_date(1_709_210_096), "Thu, 29 Feb 2024 12:34:56 GMT");
        assert_eq!(http_date(951_782_400), "Tue, 29 Feb 2000 00:00:00 GMT");
        assert_eq!(http_date(951_868_800), "Wed, 01 Mar 2000 00:00:00 GMT");
        assert_eq!(http_date(1_709_251_199), "Thu, 29 Feb 2024 23:59:59 GMT");
        assert_eq!(http_date(1_709_251_200), "Fri, 01 Mar 2024 00:00:00 GMT");
        // 2100 will not be a leap year.
        assert_eq!(http_date(4_107_542_399), "Sun, 28 Feb 2100 23:59:59 GMT");
        assert_eq!(http_date(4_107_542_400), "Mon, 01 Mar 2100 00:00:00 GMT");
        assert_eq!(http_date(253_402_300_799), "Fri, 31 Dec 9999 23:59:59 GMT");
        assert_eq!(http_date(1_735_689_600), "Wed, 01 Jan 2025 00:00:00 GMT");
        // Outside the years an IMF-fixdate can write: the nearest date it can, never a panic.
        assert_eq!(http_date(-1), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(http_date(i64::MIN), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(http_date(253_402_300_800), "Fri, 31 Dec 9999 23:59:59 GMT");
        assert_eq!(http_date(i64::MAX), "Fri, 31 Dec 9999 23:59:59 GMT");
    }

    #[test]
    fn werkzeug_quoting() {
        let mut out = String::new();
        push_cookie_value(&mut out, "a b;c,\"d\\e\u{e9}\x01");
        assert_eq!(out, "\"a b\\073c\\054\\\"d\\\\e\\303\\251\\001\"");
        let mut out = String::new();
        push_cookie_value(&mut out, "eyJ.a-b_c~!#$%&'()*+/:<=>?@[]^`{|}");
        assert_eq!(out, "eyJ.a-b_c~!#$%&'()*+/:<=>?@[]^`{|}");
        let mut out = String::new();
        push_quoted_path(&mut out, "/a b/é;x%20,@");
        assert_eq!(out, "/a%20b/%C3%A9%3Bx%20,@");
        assert_eq!(cookie_domain(".ex.com"), "ex.com");
        assert_eq!(cookie_domain("ex.com:8080"), "ex.com");
    }
}
