//! The hardened cookie preset: `Secure`, `SameSite=Lax` and `__Host-` cookie names.

use crate::{JwtConfig, SameSite};

/// The `__Host-` cookie-name prefix: the browser accepts such a cookie only with `Secure`,
/// `Path=/` and no `Domain`, so a sibling subdomain or a plain-HTTP response cannot plant it.
pub(crate) const HOST_PREFIX: &str = "__Host-";

/// `name` with the `__Host-` prefix, once.
fn host_prefixed(name: &mut String) {
    if !name.starts_with(HOST_PREFIX) {
        name.insert_str(0, HOST_PREFIX);
    }
}

impl JwtConfig {
    /// The hardened cookie preset (security.md §6.3, OWASP's session-cookie advice), over
    /// whatever `self` holds:
    ///
    /// | option | flask-jwt-extended default | hardened |
    /// |---|---|---|
    /// | `JWT_COOKIE_SECURE` | `false` | `true` |
    /// | `JWT_COOKIE_SAMESITE` | `None` (no attribute) | `Lax` |
    /// | `JWT_ACCESS_COOKIE_NAME` | `access_token_cookie` | `__Host-access_token_cookie` |
    /// | `JWT_REFRESH_COOKIE_NAME` | `refresh_token_cookie` | `__Host-refresh_token_cookie` |
    /// | `JWT_ACCESS_CSRF_COOKIE_NAME` | `csrf_access_token` | `__Host-csrf_access_token` |
    /// | `JWT_REFRESH_CSRF_COOKIE_NAME` | `csrf_refresh_token` | `__Host-csrf_refresh_token` |
    /// | the four `*_COOKIE_PATH` | `/` | `/` |
    /// | `JWT_COOKIE_DOMAIN` | `None` | `None` |
    ///
    /// The names get the `__Host-` prefix in front of their current value (once, so calling
    /// this twice changes nothing); the browser then refuses the cookie unless it is `Secure`,
    /// has `Path=/` and no `Domain`, which is why the paths and domain are reset. Everything
    /// else, CSRF protection and session cookies included, is left as it is.
    ///
    /// Front ends that read the CSRF cookie must use the new name (`__Host-csrf_access_token`).
    /// `Secure` cookies are not stored from plain-HTTP responses except on `localhost` in most
    /// browsers; keep flask-jwt-extended's defaults for plain-HTTP development. Do not pass a
    /// [`CookieOptions::domain`](crate::CookieOptions::domain) with this preset: the browser
    /// would drop the cookie.
    ///
    /// ```
    /// use jwt_http::{JwtConfig, JwtManager, SameSite};
    /// let mut config = JwtConfig::default().hardened();
    /// assert!(config.cookie_secure);
    /// assert_eq!(config.cookie_samesite, Some(SameSite::Lax));
    /// assert_eq!(config.access_cookie_name, "__Host-access_token_cookie");
    /// config.secret_key = Some("a long random secret, 32 bytes or more".into());
    /// JwtManager::new(config)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn hardened(mut self) -> JwtConfig {
        self.cookie_secure = true;
        self.cookie_samesite = Some(SameSite::Lax);
        host_prefixed(&mut self.access_cookie_name);
        host_prefixed(&mut self.refresh_cookie_name);
        host_prefixed(&mut self.access_csrf_cookie_name);
        host_prefixed(&mut self.refresh_csrf_cookie_name);
        for path in [
            &mut self.access_cookie_path,
            &mut self.refresh_cookie_path,
            &mut self.access_csrf_cookie_path,
            &mut self.refresh_csrf_cookie_path,
        ] {
            "/".clone_into(path);
        }
        self.cookie_domain = None;
        self
    }
}
