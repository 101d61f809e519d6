//! The token in a cookie, with the CSRF double-submit value (spec §6.2).

use std::borrow::Cow;

use crate::{JwtError, JwtManager, TokenRequest};

type Extracted<'r> = (Cow<'r, [u8]>, Option<Cow<'r, [u8]>>);

pub(super) fn token_from_cookies<'r, R: TokenRequest + ?Sized>(
    manager: &JwtManager,
    request: &'r R,
    refresh: bool,
) -> Result<Extracted<'r>, JwtError> {
    let config = manager.config();
    let name = if refresh {
        &config.refresh_cookie_name
    } else {
        &config.access_cookie_name
    };
    let token = cookie_value(request.headers(), name)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| JwtError::MissingCookie { name: name.clone() })?;

    // A request whose method is unknown (a bare `HeaderMap`) is treated as state-changing: the
    // CSRF value is required rather than skipped.
    let protected_method = request
        .method()
        .is_none_or(|method| config.csrf_methods.contains(method));
    let csrf = if config.cookie_csrf_protect && protected_method {
        let from_header = request
            .headers()
            .get(manager.csrf_header(refresh))
            .map(|v| v.as_bytes())
            .filter(|v| !v.is_empty())
            .map(Cow::Borrowed);
        let from_form = || {
            let field = if refresh {
                &config.refresh_csrf_field_name
            } else {
                &config.access_csrf_field_name
            };
            config
                .csrf_check_form
                .then(|| super::form::form_value(request, field))
                .flatten()
                .filter(|v| !v.is_empty())
        };
        // Checked before the token is decoded, as in flask-jwt-extended.
        Some(
            from_header
                .or_else(from_form)
                .ok_or(JwtError::MissingCsrfToken)?,
        )
    } else {
        None
    };
    Ok((token, csrf))
}

/// The first value of cookie `name` in the `Cookie` headers (`a=1; b=2`), unquoted. Never fails:
/// malformed pairs are skipped.
pub(crate) fn cookie_value<'r>(headers: &'r http::HeaderMap, name: &str) -> Option<Cow<'r, [u8]>> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .flat_map(|v| v.as_bytes().split(|b| *b == b';'))
        .find_map(|pair| {
            let pair = pair.trim_ascii();
            let eq = pair.iter().position(|b| *b == b'=')?;
            let (key, value) = (pair[..eq].trim_ascii(), pair[eq + 1..].trim_ascii());
            (key == name.as_bytes()).then(|| unquote(value))
        })
}

/// Strips the double quotes of a quoted cookie value (`"abc"` → `abc`).
fn unquote(value: &[u8]) -> Cow<'_, [u8]> {
    match value {
        [b'"', inner @ .., b'"'] => Cow::Borrowed(inner),
        _ => Cow::Borrowed(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::{HeaderMap, HeaderValue};

    #[test]
    fn finds_cookies() {
        let mut headers = HeaderMap::new();
        headers.append(
            "cookie",
            HeaderValue::from_static("a=1; access_token_cookie=tok; b"),
        );
        headers.append("cookie", HeaderValue::from_static("c=\"q\""));
        assert_eq!(
            cookie_value(&headers, "access_token_cookie").as_deref(),
            Some(&b"tok"[..])
        );
        assert_eq!(cookie_value(&headers, "c").as_deref(), Some(&b"q"[..]));
        assert_eq!(cookie_value(&headers, "b"), None);
        assert_eq!(cookie_value(&headers, "x"), None);
    }
}
