//! Form fields of a urlencoded body, for the optional CSRF form check.

use std::borrow::Cow;

use crate::TokenRequest;

/// The first value of `field` in an `application/x-www-form-urlencoded` body, when the body is
/// available (see [`TokenRequest::body_bytes`]).
pub(crate) fn form_value<'r, R: TokenRequest + ?Sized>(
    request: &'r R,
    field: &str,
) -> Option<Cow<'r, [u8]>> {
    if !is_urlencoded_form(request.headers()) {
        return None;
    }
    super::query_value(request.body_bytes()?, field)
}

/// Whether the `Content-Type` is `application/x-www-form-urlencoded` (case-insensitive,
/// parameters allowed), the form Flask's `request.form` reads without multipart.
pub(crate) fn is_urlencoded_form(headers: &http::HeaderMap) -> bool {
    let Some(content_type) = headers.get(http::header::CONTENT_TYPE) else {
        return false;
    };
    let mime = content_type
        .as_bytes()
        .split(|b| *b == b';')
        .next()
        .unwrap_or_default()
        .trim_ascii();
    mime.eq_ignore_ascii_case(b"application/x-www-form-urlencoded")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urlencoded_content_types() {
        let with = |value: &'static str| {
            let mut headers = http::HeaderMap::new();
            headers.insert(
                http::header::CONTENT_TYPE,
                http::HeaderValue::from_static(value),
            );
            is_urlencoded_form(&headers)
        };
        assert!(with("application/x-www-form-urlencoded"));
        assert!(with("Application/X-WWW-Form-Urlencoded ; charset=utf-8"));
        assert!(!with("multipart/form-data; boundary=x"));
        assert!(!with("application/json"));
        assert!(!with("application/x-www-form-urlencodedx"));
        assert!(!is_urlencoded_form(&http::HeaderMap::new()));
    }
}
