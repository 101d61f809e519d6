//! The manager's cookie methods: flask-jwt-extended's `set_access_cookies`,
//! `set_refresh_cookies`, `unset_access_cookies`, `unset_refresh_cookies`,
//! `unset_jwt_cookies` and `get_csrf_token`.
//!
//! Each `set_*` call appends the JWT cookie (always `HttpOnly`) and, when
//! `JWT_COOKIE_CSRF_PROTECT` and `JWT_CSRF_IN_COOKIES` are both on, a readable CSRF cookie
//! holding the token's `csrf` claim, for the front end to echo in the `X-CSRF-TOKEN` header.
//! The `Set-Cookie` strings are Werkzeug's, byte for byte (written by
//! `crate::cookie::set_cookie`): attributes in the order `Domain`, `Expires`, `Max-Age`,
//! `Secure`, `HttpOnly`, `Path`, `SameSite`.
//!
//! | setting | flask-jwt-extended default | [`JwtConfig::hardened`] |
//! |---|---|---|
//! | `Secure` (`JWT_COOKIE_SECURE`) | off | on |
//! | `SameSite` (`JWT_COOKIE_SAMESITE`) | not written | `Lax` |
//! | cookie names | `access_token_cookie`, `refresh_token_cookie`, `csrf_access_token`, `csrf_refresh_token` | the same with a `__Host-` prefix |
//! | paths (JWT and CSRF cookies) | `/` | `/` (required by `__Host-`) |
//! | `Domain` (`JWT_COOKIE_DOMAIN`) | not written | not written (required by `__Host-`) |
//! | `HttpOnly` | JWT cookies only | JWT cookies only |
//! | lifetime (`JWT_SESSION_COOKIE`) | session cookies | session cookies |

use std::time::Duration;

use http::header::{HeaderMap, HeaderValue, SET_COOKIE};
use serde_json::Value;

use crate::cookie::set_cookie::{self, Attributes, Lifetime};
use crate::{CookieOptions, JwtConfig, JwtError, JwtManager};

/// `Max-Age` of the cookies when `JWT_SESSION_COOKIE` is off: flask-jwt-extended's hard-coded
/// 31,540,000 seconds (365 days and about an hour).
const NON_SESSION_MAX_AGE: Duration = Duration::from_secs(31_540_000);

/// Which pair of cookies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pair {
    Access,
    Refresh,
}

/// The configured names and paths of one pair.
struct PairNames<'c> {
    jwt_name: &'c str,
    jwt_path: &'c str,
    csrf_name: &'c str,
    csrf_path: &'c str,
}

impl Pair {
    fn names(self, config: &JwtConfig) -> PairNames<'_> {
        match self {
            Pair::Access => PairNames {
                jwt_name: &config.access_cookie_name,
                jwt_path: &config.access_cookie_path,
                csrf_name: &config.access_csrf_cookie_name,
                csrf_path: &config.access_csrf_cookie_path,
            },
            Pair::Refresh => PairNames {
                jwt_name: &config.refresh_cookie_name,
                jwt_path: &config.refresh_cookie_path,
                csrf_name: &config.refresh_csrf_cookie_name,
                csrf_path: &config.refresh_csrf_cookie_path,
            },
        }
    }
}

impl JwtManager {
    /// flask-jwt-extended's `set_access_cookies(response, token, max_age, domain)`: appends the
    /// access-token cookie (`JWT_ACCESS_COOKIE_NAME`, `HttpOnly`, `Path=JWT_ACCESS_COOKIE_PATH`)
    /// and, when `JWT_COOKIE_CSRF_PROTECT` and `JWT_CSRF_IN_COOKIES` are on, the readable CSRF
    /// cookie (`JWT_ACCESS_CSRF_COOKIE_NAME`, `Path=JWT_ACCESS_CSRF_COOKIE_PATH`) holding the
    /// token's `csrf` claim. Both get `Secure` (`JWT_COOKIE_SECURE`), `SameSite`
    /// (`JWT_COOKIE_SAMESITE`), `Domain` and the lifetime (see [`CookieOptions`]).
    ///
    /// To read the `csrf` claim the token is fully verified, as flask-jwt-extended does, so an
    /// expired token gives [`JwtError::Expired`] and a token without a `csrf` claim (made while
    /// CSRF protection was off) gives [`JwtError::InvalidToken`] with
    /// [`MissingClaim("csrf")`](jwt_core::Error::MissingClaim); a cookie name or domain that
    /// cannot be written in a header gives [`JwtError::Cookie`]. On error nothing is appended
    /// (flask-jwt-extended has already written the JWT cookie by then).
    ///
    /// ```
    /// use http::header::SET_COOKIE;
    /// use jwt_http::{CookieOptions, JwtManager};
    /// let manager = JwtManager::builder().secret_key("a long random secret, 32 bytes or more").build()?;
    /// let token = manager.create_access_token("alice")?;
    /// let mut headers = http::HeaderMap::new();
    /// manager.set_access_cookies(&mut headers, &token, &CookieOptions::default())?;
    /// let cookies: Vec<_> = headers.get_all(SET_COOKIE).iter().collect();
    /// assert_eq!(cookies[0], format!("access_token_cookie={token}; HttpOnly; Path=/").as_str());
    /// let csrf = manager.get_csrf_token(&token)?;
    /// assert_eq!(cookies[1], format!("csrf_access_token={csrf}; Path=/").as_str());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set_access_cookies(
        &self,
        headers: &mut HeaderMap,
        token: &str,
        options: &CookieOptions,
    ) -> Result<(), JwtError> {
        self.set_pair(headers, Pair::Access, token, options)
    }

    /// flask-jwt-extended's `set_refresh_cookies`: as
    /// [`set_access_cookies`](Self::set_access_cookies) with the refresh settings
    /// (`JWT_REFRESH_COOKIE_NAME`, `JWT_REFRESH_COOKIE_PATH`, `JWT_REFRESH_CSRF_COOKIE_NAME`,
    /// `JWT_REFRESH_CSRF_COOKIE_PATH`).
    ///
    /// ```
    /// use jwt_http::{CookieOptions, JwtManager};
    /// let manager = JwtManager::builder().secret_key("a long random secret, 32 bytes or more").build()?;
    /// let token = manager.create_refresh_token("alice")?;
    /// let mut headers = http::HeaderMap::new();
    /// manager.set_refresh_cookies(&mut headers, &token, &CookieOptions::default())?;
    /// assert_eq!(headers.get_all(http::header::SET_COOKIE).iter().count(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set_refresh_cookies(
        &self,
        headers: &mut HeaderMap,
        token: &str,
        options: &CookieOptions,
    ) -> Result<(), JwtError> {
        self.set_pair(headers, Pair::Refresh, token, options)
    }

    /// flask-jwt-extended's `unset_access_cookies(response, domain)`: appends the access JWT
    /// cookie, and the access CSRF cookie when `JWT_COOKIE_CSRF_PROTECT` and
    /// `JWT_CSRF_IN_COOKIES` are on, each with an empty value and
    /// `Expires=Thu, 01 Jan 1970 00:00:00 GMT`, so the browser deletes them. Path, `Domain`,
    /// `Secure`, `SameSite` and `HttpOnly` are those of the set functions (a browser only
    /// deletes a cookie whose attributes match). `options.max_age` is ignored.
    ///
    /// Fails only with [`JwtError::Cookie`], when a cookie name or domain cannot be written in a
    /// header.
    ///
    /// ```
    /// use jwt_http::{CookieOptions, JwtManager};
    /// let manager = JwtManager::builder().secret_key("a long random secret, 32 bytes or more").build()?;
    /// let mut headers = http::HeaderMap::new();
    /// manager.unset_access_cookies(&mut headers, &CookieOptions::default())?;
    /// let cookies: Vec<_> = headers.get_all(http::header::SET_COOKIE).iter().collect();
    /// assert_eq!(cookies[0], "access_token_cookie=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Path=/");
    /// assert_eq!(cookies[1], "csrf_access_token=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn unset_access_cookies(
        &self,
        headers: &mut HeaderMap,
        options: &CookieOptions,
    ) -> Result<(), JwtError> {
        self.unset_pair(headers, Pair::Access, options)
    }

    /// flask-jwt-extended's `unset_refresh_cookies`: as
    /// [`unset_access_cookies`](Self::unset_access_cookies) for the refresh cookies.
    ///
    /// ```
    /// use jwt_http::{CookieOptions, JwtManager};
    /// let manager = JwtManager::builder().secret_key("a long random secret, 32 bytes or more").build()?;
    /// let mut headers = http::HeaderMap::new();
    /// manager.unset_refresh_cookies(&mut headers, &CookieOptions::default())?;
    /// assert_eq!(headers.get_all(http::header::SET_COOKIE).iter().count(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn unset_refresh_cookies(
        &self,
        headers: &mut HeaderMap,
        options: &CookieOptions,
    ) -> Result<(), JwtError> {
        self.unset_pair(headers, Pair::Refresh, options)
    }

    /// flask-jwt-extended's `unset_jwt_cookies(response, domain)`:
    /// [`unset_access_cookies`](Self::unset_access_cookies) then
    /// [`unset_refresh_cookies`](Self::unset_refresh_cookies), up to four `Set-Cookie` headers.
    ///
    /// ```
    /// use jwt_http::{CookieOptions, JwtManager};
    /// let manager = JwtManager::builder().secret_key("a long random secret, 32 bytes or more").build()?;
    /// let mut headers = http::HeaderMap::new();
    /// manager.unset_jwt_cookies(&mut headers, &CookieOptions::default())?;
    /// assert_eq!(headers.get_all(http::header::SET_COOKIE).iter().count(), 4);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn unset_jwt_cookies(
        &self,
        headers: &mut HeaderMap,
        options: &CookieOptions,
    ) -> Result<(), JwtError> {
        let mut values = self.unset_values(Pair::Access, options)?;
        values.extend(self.unset_values(Pair::Refresh, options)?);
        append_all(headers, values);
        Ok(())
    }

    /// flask-jwt-extended's `get_csrf_token(token)`: the token's `csrf` claim, after full
    /// verification (an expired token is an error, as there).
    ///
    /// A token without the claim gives [`JwtError::InvalidToken`] with
    /// [`MissingClaim("csrf")`](jwt_core::Error::MissingClaim) (flask-jwt-extended raises
    /// `KeyError`, a 500); a non-string claim gives
    /// [`ClaimsType`](jwt_core::Error::ClaimsType).
    ///
    /// ```
    /// use jwt_http::JwtManager;
    /// let manager = JwtManager::builder().secret_key("a long random secret, 32 bytes or more").build()?;
    /// let token = manager.create_access_token("alice")?;
    /// let csrf = manager.get_csrf_token(&token)?;
    /// assert_eq!(csrf.len(), 36); // a UUID
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn get_csrf_token(&self, token: impl AsRef<[u8]>) -> Result<String, JwtError> {
        let data = self.decode_token(token, false)?;
        match data.claims.get("csrf") {
            Some(Value::String(csrf)) => Ok(csrf.clone()),
            None => Err(JwtError::InvalidToken(jwt_core::Error::MissingClaim(
                "csrf".into(),
            ))),
            Some(_) => Err(JwtError::InvalidToken(jwt_core::Error::ClaimsType(
                "the csrf claim must be a string".into(),
            ))),
        }
    }

    /// Whether the `set_*`/`unset_*` functions write the CSRF cookie.
    fn writes_csrf_cookie(&self) -> bool {
        let config = self.config();
        config.cookie_csrf_protect && config.csrf_in_cookies
    }

    fn set_pair(
        &self,
        headers: &mut HeaderMap,
        pair: Pair,
        token: &str,
        options: &CookieOptions,
    ) -> Result<(), JwtError> {
        let config = self.config();
        // Decoded first, so that nothing is written for a token that cannot be set.
        let csrf = if self.writes_csrf_cookie() {
            Some(self.get_csrf_token(token)?)
        } else {
            None
        };
        let max_age = options.max_age.or(if config.session_cookie {
            None
        } else {
            Some(NON_SESSION_MAX_AGE)
        });
        let lifetime = match max_age {
            None => Lifetime::Session,
            Some(max_age) => {
                let max_age = max_age.as_secs();
                let expires = config
                    .clock
                    .now()
                    .secs()
                    .saturating_add(i64::try_from(max_age).unwrap_or(i64::MAX));
                Lifetime::MaxAge { max_age, expires }
            }
        };
        let attributes = self.attributes(options, lifetime);
        let names = pair.names(config);
        let mut values = vec![set_cookie::write(
            names.jwt_name,
            token,
            names.jwt_path,
            true,
            &attributes,
        )?];
        if let Some(csrf) = csrf {
            values.push(set_cookie::write(
                names.csrf_name,
                &csrf,
                names.csrf_path,
                false,
                &attributes,
            )?);
        }
        append_all(headers, values);
        Ok(())
    }

    fn unset_pair(
        &self,
        headers: &mut HeaderMap,
        pair: Pair,
        options: &CookieOptions,
    ) -> Result<(), JwtError> {
        let values = self.unset_values(pair, options)?;
        append_all(headers, values);
        Ok(())
    }

    fn unset_values(
        &self,
        pair: Pair,
        options: &CookieOptions,
    ) -> Result<Vec<HeaderValue>, JwtError> {
        let attributes = self.attributes(options, Lifetime::Deleted);
        let names = pair.names(self.config());
        let mut values = vec![set_cookie::write(
            names.jwt_name,
            "",
            names.jwt_path,
            true,
            &attributes,
        )?];
        if self.writes_csrf_cookie() {
            values.push(set_cookie::write(
                names.csrf_name,
                "",
                names.csrf_path,
                false,
                &attributes,
            )?);
        }
        Ok(values)
    }

    fn attributes<'a>(&'a self, options: &'a CookieOptions, lifetime: Lifetime) -> Attributes<'a> {
        let config = self.config();
        Attributes {
            domain: options
                .domain
                .as_deref()
                .or(config.cookie_domain.as_deref()),
            lifetime,
            secure: config.cookie_secure,
            samesite: config.cookie_samesite,
        }
    }
}

fn append_all(headers: &mut HeaderMap, values: Vec<HeaderValue>) {
    for value in values {
        headers.append(SET_COOKIE, value);
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use jwt_core::FixedClock;

    use super::*;
    use crate::{CookieError, Expiry, SameSite};

    const SECRET: &str = "a long random secret, 32 bytes or more";
    const NOW: i64 = 1_700_000_000;

    /// A manager with a fixed clock, configured by `f` (also used by `functions.rs`' tests).
    pub(crate) fn manager(f: impl FnOnce(&mut JwtConfig)) -> JwtManager {
        JwtManager::builder()
            .secret_key(SECRET)
            .clock(FixedClock::at(NOW))
            .with(f)
            .build()
            .unwrap()
    }

    /// The `Set-Cookie` values of `headers`.
    pub(crate) fn set_cookies(headers: &HeaderMap) -> Vec<String> {
        headers
            .get_all(SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect()
    }

    /// The `csrf` claim of `token`.
    pub(crate) fn csrf_claim(manager: &JwtManager, token: &str) -> String {
        let data = manager.decode_token(token, false).unwrap();
        data.claims
            .get("csrf")
            .unwrap()
            .as_str()
            .unwrap()
            .to_owned()
    }

    #[test]
    fn default_access_cookies_match_flask() {
        let m = manager(|_| {});
        let token = m.create_access_token("alice").unwrap();
        let mut headers = HeaderMap::new();
        m.set_access_cookies(&mut headers, &token, &CookieOptions::default())
            .unwrap();
        let csrf = csrf_claim(&m, &token);
        assert_eq!(
            set_cookies(&headers),
            [
                format!("access_token_cookie={token}; HttpOnly; Path=/"),
                format!("csrf_access_token={csrf}; Path=/"),
            ]
        );
        assert_eq!(m.get_csrf_token(&token).unwrap(), csrf);
    }

    #[test]
    fn secure_domain_samesite_non_session_match_flask() {
        let m = manager(|c| {
            c.cookie_secure = true;
            c.cookie_domain = Some(".ex.com".into());
            c.session_cookie = false;
            c.cookie_samesite = Some(SameSite::Strict);
        });
        let token = m.create_access_token("alice").unwrap();
        let csrf = csrf_claim(&m, &token);
        let mut headers = HeaderMap::new();
        m.set_access_cookies(&mut headers, &token, &CookieOptions::default())
            .unwrap();
        let expires = "Wed, 13 Nov 2024 23:20:00 GMT"; // NOW + 31540000
        assert_eq!(
            set_cookies(&headers),
            [
                format!("access_token_cookie={token}; Domain=ex.com; Expires={expires}; Max-Age=31540000; Secure; HttpOnly; Path=/; SameSite=Strict"),
                format!("csrf_access_token={csrf}; Domain=ex.com; Expires={expires}; Max-Age=31540000; Secure; Path=/; SameSite=Strict"),
            ]
        );
    }

    #[test]
    fn options_override_config() {
        let m = manager(|c| {
            c.cookie_domain = Some("config.example".into());
            c.session_cookie = false;
            c.cookie_samesite = Some(SameSite::None);
            c.cookie_secure = true;
        });
        let token = m.create_access_token("alice").unwrap();
        let csrf = csrf_claim(&m, &token);
        let options = CookieOptions::new()
            .max_age(Duration::from_millis(60_999))
            .domain("..call.example:8443");
        let mut headers = HeaderMap::new();
        m.set_access_cookies(&mut headers, &token, &options)
            .unwrap();
        let expires = set_cookie::http_date(NOW + 60);
        assert_eq!(
            set_cookies(&headers),
            [
                format!("access_token_cookie={token}; Domain=call.example; Expires={expires}; Max-Age=60; Secure; HttpOnly; Path=/; SameSite=None"),
                format!("csrf_access_token={csrf}; Domain=call.example; Expires={expires}; Max-Age=60; Secure; Path=/; SameSite=None"),
            ]
        );
    }

    #[test]
    fn explicit_zero_and_empty_are_honoured() {
        // flask-jwt-extended would fall back to the config for both (falsy values).
        let m = manager(|c| {
            c.cookie_domain = Some("config.example".into());
            c.cookie_csrf_protect = false;
        });
        let token = m.create_access_token("alice").unwrap();
        let options = CookieOptions::new().max_age(Duration::ZERO).domain("");
        let mut headers = HeaderMap::new();
        m.set_access_cookies(&mut headers, &token, &options)
            .unwrap();
        assert_eq!(
            set_cookies(&headers),
            [format!(
                "access_token_cookie={token}; Expires=Tue, 14 Nov 2023 22:13:20 GMT; Max-Age=0; HttpOnly; Path=/"
            )]
        );
    }

    #[test]
    fn a_lifetime_past_year_9999_expires_at_its_end() {
        let m = manager(|c| c.cookie_csrf_protect = false);
        let token = m.create_access_token("alice").unwrap();
        let mut headers = HeaderMap::new();
        m.set_access_cookies(
            &mut headers,
            &token,
            &CookieOptions::new().max_age(Duration::MAX),
        )
        .unwrap();
        assert_eq!(
            set_cookies(&headers),
            [format!(
                "access_token_cookie={token}; Expires=Fri, 31 Dec 9999 23:59:59 GMT; Max-Age={}; HttpOnly; Path=/",
                u64::MAX
            )]
        );
    }

    #[test]
    fn unset_matches_flask() {
        let m = manager(|_| {});
        let mut headers = HeaderMap::new();
        m.unset_access_cookies(&mut headers, &CookieOptions::default())
            .unwrap();
        assert_eq!(
            set_cookies(&headers),
            [
                "access_token_cookie=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Path=/",
                "csrf_access_token=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/",
            ]
        );
    }

    #[test]
    fn unset_uses_the_set_attributes_and_ignores_max_age() {
        let m = manager(|c| {
            c.cookie_secure = true;
            c.cookie_domain = Some(".ex.com".into());
            c.session_cookie = false;
            c.cookie_samesite = Some(SameSite::Lax);
            c.refresh_cookie_path = "/auth/refresh".into();
            c.refresh_csrf_cookie_path = "/auth/refresh".into();
        });
        let mut headers = HeaderMap::new();
        let options = CookieOptions::new().max_age(Duration::from_secs(5));
        m.unset_refresh_cookies(&mut headers, &options).unwrap();
        assert_eq!(
            set_cookies(&headers),
            [
                "refresh_token_cookie=; Domain=ex.com; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Secure; HttpOnly; Path=/auth/refresh; SameSite=Lax",
                "csrf_refresh_token=; Domain=ex.com; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Secure; Path=/auth/refresh; SameSite=Lax",
            ]
        );
    }

    #[test]
    fn unset_jwt_cookies_writes_all_four() {
        let m = manager(|_| {});
        let mut headers = HeaderMap::new();
        m.unset_jwt_cookies(&mut headers, &CookieOptions::default())
            .unwrap();
        assert_eq!(
            set_cookies(&headers),
            [
                "access_token_cookie=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Path=/",
                "csrf_access_token=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/",
                "refresh_token_cookie=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Path=/",
                "csrf_refresh_token=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/",
            ]
        );
        // Without CSRF cookies, only the two JWT cookies.
        let m = manager(|c| c.csrf_in_cookies = false);
        let mut headers = HeaderMap::new();
        m.unset_jwt_cookies(&mut headers, &CookieOptions::default())
            .unwrap();
        assert_eq!(
            set_cookies(&headers),
            [
                "access_token_cookie=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Path=/",
                "refresh_token_cookie=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Path=/",
            ]
        );
    }

    #[test]
    fn existing_set_cookie_headers_are_kept() {
        let m = manager(|_| {});
        let token = m.create_access_token("alice").unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(SET_COOKIE, HeaderValue::from_static("theme=dark"));
        m.set_access_cookies(&mut headers, &token, &CookieOptions::default())
            .unwrap();
        let cookies = set_cookies(&headers);
        assert_eq!(cookies.len(), 3);
        assert_eq!(cookies[0], "theme=dark");
    }

    #[test]
    fn csrf_cookie_value_is_the_csrf_claim() {
        let m = manager(|_| {});
        for refresh in [false, true] {
            let token = if refresh {
                m.create_refresh_token("alice").unwrap()
            } else {
                m.create_access_token("alice").unwrap()
            };
            let mut headers = HeaderMap::new();
            if refresh {
                m.set_refresh_cookies(&mut headers, &token, &CookieOptions::default())
            } else {
                m.set_access_cookies(&mut headers, &token, &CookieOptions::default())
            }
            .unwrap();
            let cookies = set_cookies(&headers);
            let csrf_cookie = &cookies[1];
            let value = csrf_cookie
                .split_once('=')
                .unwrap()
                .1
                .split_once(';')
                .unwrap()
                .0;
            assert_eq!(value, csrf_claim(&m, &token));
            assert_eq!(value.len(), 36);
        }
    }

    #[test]
    fn csrf_protect_off_writes_one_cookie_without_decoding() {
        let m = manager(|c| c.cookie_csrf_protect = false);
        let token = m.create_access_token("alice").unwrap();
        let mut headers = HeaderMap::new();
        m.set_access_cookies(&mut headers, &token, &CookieOptions::default())
            .unwrap();
        assert_eq!(
            set_cookies(&headers),
            [format!("access_token_cookie={token}; HttpOnly; Path=/")]
        );
        // The token is not decoded at all then, as in flask-jwt-extended.
        let mut headers = HeaderMap::new();
        m.set_access_cookies(&mut headers, "not a token", &CookieOptions::default())
            .unwrap();
        assert_eq!(
            set_cookies(&headers),
            ["access_token_cookie=\"not a token\"; HttpOnly; Path=/"]
        );
        let mut headers = HeaderMap::new();
        m.unset_access_cookies(&mut headers, &CookieOptions::default())
            .unwrap();
        assert_eq!(set_cookies(&headers).len(), 1);
    }

    #[test]
    fn csrf_in_cookies_off_writes_one_cookie() {
        let m = manager(|c| c.csrf_in_cookies = false);
        let token = m.create_refresh_token("alice").unwrap();
        let mut headers = HeaderMap::new();
        m.set_refresh_cookies(&mut headers, &token, &CookieOptions::default())
            .unwrap();
        assert_eq!(
            set_cookies(&headers),
            [format!("refresh_token_cookie={token}; HttpOnly; Path=/")]
        );
        // The claim is still there for get_csrf_token.
        assert_eq!(m.get_csrf_token(&token).unwrap().len(), 36);
    }

    #[test]
    fn expired_token_is_refused_and_nothing_is_written() {
        let issuer = manager(|c| c.access_token_expires = Expiry::seconds(60));
        let token = issuer.create_access_token("alice").unwrap();
        let later = JwtManager::builder()
            .secret_key(SECRET)
            .clock(FixedClock::at(NOW + 3600))
            .build()
            .unwrap();
        let mut headers = HeaderMap::new();
        let err = later
            .set_access_cookies(&mut headers, &token, &CookieOptions::default())
            .unwrap_err();
        assert!(matches!(err, JwtError::Expired(_)), "{err:?}");
        assert!(headers.is_empty());
        assert!(matches!(
            later.get_csrf_token(&token),
            Err(JwtError::Expired(_))
        ));
    }

    #[test]
    fn invalid_token_is_refused() {
        let m = manager(|_| {});
        let mut headers = HeaderMap::new();
        let err = m
            .set_refresh_cookies(&mut headers, "abc.def.ghi", &CookieOptions::default())
            .unwrap_err();
        assert!(matches!(err, JwtError::InvalidToken(_)), "{err:?}");
        assert!(headers.is_empty());
    }

    #[test]
    fn token_without_csrf_claim_is_a_clear_error() {
        let issuer = manager(|c| c.cookie_csrf_protect = false);
        let token = issuer.create_access_token("alice").unwrap();
        let m = manager(|_| {});
        let mut headers = HeaderMap::new();
        let err = m
            .set_access_cookies(&mut headers, &token, &CookieOptions::default())
            .unwrap_err();
        assert_eq!(
            err,
            JwtError::InvalidToken(jwt_core::Error::MissingClaim("csrf".into()))
        );
        assert_eq!(err.to_string(), "Missing claim: csrf");
        assert!(headers.is_empty());

        let token = m.access_token("alice").claim("csrf", 5).create().unwrap();
        assert!(matches!(
            m.get_csrf_token(&token),
            Err(JwtError::InvalidToken(jwt_core::Error::ClaimsType(_)))
        ));
    }

    #[test]
    fn refresh_cookies_use_the_refresh_settings() {
        let m = manager(|c| {
            c.refresh_cookie_name = "rt".into();
            c.refresh_cookie_path = "/auth/refresh".into();
            c.refresh_csrf_cookie_name = "rt_csrf".into();
            c.refresh_csrf_cookie_path = "/auth".into();
            c.cookie_samesite = Some(SameSite::Strict);
        });
        let token = m.create_refresh_token("alice").unwrap();
        let csrf = csrf_claim(&m, &token);
        let mut headers = HeaderMap::new();
        m.set_refresh_cookies(&mut headers, &token, &CookieOptions::default())
            .unwrap();
        assert_eq!(
            set_cookies(&headers),
            [
                format!("rt={token}; HttpOnly; Path=/auth/refresh; SameSite=Strict"),
                format!("rt_csrf={csrf}; Path=/auth; SameSite=Strict"),
            ]
        );
        let mut headers = HeaderMap::new();
        m.set_refresh_cookies(
            &mut headers,
            &token,
            &CookieOptions::new().max_age(Duration::from_secs(86_400)),
        )
        .unwrap();
        let expires = set_cookie::http_date(NOW + 86_400);
        assert_eq!(
            set_cookies(&headers)[0],
            format!("rt={token}; Expires={expires}; Max-Age=86400; HttpOnly; Path=/auth/refresh; SameSite=Strict")
        );
    }

    #[test]
    fn hardened_preset_output() {
        let m = JwtManager::builder()
            .secret_key(SECRET)
            .clock(FixedClock::at(NOW))
            .with(|c| {
                c.cookie_domain = Some("ex.com".into());
                c.refresh_cookie_path = "/auth/refresh".into();
            })
            .hardened_cookies()
            .build()
            .unwrap();
        let config = m.config();
        assert_eq!(config.access_cookie_name, "__Host-access_token_cookie");
        assert_eq!(config.refresh_cookie_name, "__Host-refresh_token_cookie");
        assert_eq!(config.access_csrf_cookie_name, "__Host-csrf_access_token");
        assert_eq!(config.refresh_csrf_cookie_name, "__Host-csrf_refresh_token");
        assert_eq!(config.cookie_domain, None);
        assert_eq!(config.refresh_cookie_path, "/");
        assert!(config.session_cookie && config.cookie_csrf_protect);

        let access = m.create_access_token("alice").unwrap();
        let refresh = m.create_refresh_token("alice").unwrap();
        let (a, r) = (csrf_claim(&m, &access), csrf_claim(&m, &refresh));
        let mut headers = HeaderMap::new();
        m.set_access_cookies(&mut headers, &access, &CookieOptions::default())
            .unwrap();
        m.set_refresh_cookies(&mut headers, &refresh, &CookieOptions::default())
            .unwrap();
        m.unset_jwt_cookies(&mut headers, &CookieOptions::default())
            .unwrap();
        let gone = "Expires=Thu, 01 Jan 1970 00:00:00 GMT";
        assert_eq!(
            set_cookies(&headers),
            [
                format!(
                    "__Host-access_token_cookie={access}; Secure; HttpOnly; Path=/; SameSite=Lax"
                ),
                format!("__Host-csrf_access_token={a}; Secure; Path=/; SameSite=Lax"),
                format!(
                    "__Host-refresh_token_cookie={refresh}; Secure; HttpOnly; Path=/; SameSite=Lax"
                ),
                format!("__Host-csrf_refresh_token={r}; Secure; Path=/; SameSite=Lax"),
                format!(
                    "__Host-access_token_cookie=; {gone}; Secure; HttpOnly; Path=/; SameSite=Lax"
                ),
                format!("__Host-csrf_access_token=; {gone}; Secure; Path=/; SameSite=Lax"),
                format!(
                    "__Host-refresh_token_cookie=; {gone}; Secure; HttpOnly; Path=/; SameSite=Lax"
                ),
                format!("__Host-csrf_refresh_token=; {gone}; Secure; Path=/; SameSite=Lax"),
            ]
        );
        // Idempotent.
        let twice = JwtConfig::default().hardened().hardened();
        assert_eq!(twice.access_cookie_name, "__Host-access_token_cookie");
    }

    #[test]
    fn unwritable_cookie_is_an_error_not_a_panic() {
        let m = manager(|c| c.access_cookie_name = "bad\nname".into());
        let mut headers = HeaderMap::new();
        let err = m
            .unset_access_cookies(&mut headers, &CookieOptions::default())
            .unwrap_err();
        assert_eq!(err.status(), http::StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(
            err,
            JwtError::Cookie(CookieError::InvalidName {
                name: "bad\nname".into()
            })
        );
        assert!(headers.is_empty());
        let m = manager(|_| {});
        let err = m
            .unset_access_cookies(&mut headers, &CookieOptions::new().domain("bücher.example"))
            .unwrap_err();
        assert_eq!(err.status(), http::StatusCode::INTERNAL_SERVER_ERROR);
        assert!(
            matches!(&err, JwtError::Cookie(CookieError::NonAsciiDomain { domain, .. }) if domain == "bücher.example"),
            "{err:?}"
        );
        assert!(err.to_string().contains("punycode"), "{err}");
        let err = m
            .set_access_cookies(
                &mut headers,
                &m.create_access_token("alice").unwrap(),
                &CookieOptions::new().domain(".ex\u{7f}ample.com"),
            )
            .unwrap_err();
        assert_eq!(
            err,
            JwtError::Cookie(CookieError::InvalidDomain {
                cookie: "access_token_cookie".into(),
                domain: "ex\u{7f}ample.com".into()
            })
        );
        assert_eq!(err.status(), http::StatusCode::INTERNAL_SERVER_ERROR);
        assert!(headers.is_empty());
    }
}
