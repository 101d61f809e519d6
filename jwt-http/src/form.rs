//! Form fields of a urlencoded body, for the optional CSRF form check.

use std::borrow::Cow;

use crate::TokenRequest;

/// The first value of `field` in an `application/x-www-form-urlencoded` body, when the body is
/// available (see [`TokenRequest::body_bytes`]).
pub(crate) fn form_value<'r, R: TokenRequest + ?Sized>(
    request: &'r R,
    field: &str,
) -> Option<Cow<'r, [u8]>> {
    let content_type = request.headers().get(http::header::CONTENT_TYPE)?;
    let mime = content_type
        .as_bytes()
        .split(|b| *b == b';')
        .next()?
        .trim_ascii();
    if !mime.eq_ignore_ascii_case(b"application/x-www-form-urlencoded") {
        return None;
    }
    crate::extract::query_value(request.body_bytes()?, field)
}
