//! The token in a JSON request body (spec §6.4).

use std::borrow::Cow;

use serde_json::Value;

use crate::{JwtError, JwtManager, TokenRequest};

type Extracted<'r> = (Cow<'r, [u8]>, Option<Cow<'r, [u8]>>);

pub(super) fn token_from_json<'r, R: TokenRequest + ?Sized>(
    manager: &JwtManager,
    request: &'r R,
    refresh: bool,
) -> Result<Extracted<'r>, JwtError> {
    let config = manager.config();
    if !is_json(request.headers()) {
        return Err(JwtError::InvalidContentType);
    }
    let key = if refresh {
        &config.refresh_json_key
    } else {
        &config.json_key
    };
    let missing = || JwtError::MissingJsonKey { key: key.clone() };
    let body = request.body_bytes().ok_or_else(missing)?;
    // Invalid JSON, a non-object body and a missing or empty value all read as "missing";
    // flask-jwt-extended crashes on a JSON array body, this does not.
    let value = match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(mut members)) => members.remove(key.as_str()),
        _ => None,
    };
    match value {
        None | Some(Value::Null) | Some(Value::Bool(false)) => Err(missing()),
        Some(Value::String(s)) if s.is_empty() => Err(missing()),
        Some(Value::String(s)) => Ok((Cow::Owned(s.into_bytes()), None)),
        Some(Value::Array(a)) if a.is_empty() => Err(missing()),
        Some(Value::Object(o)) if o.is_empty() => Err(missing()),
        Some(Value::Number(n)) if n.as_f64() == Some(0.0) => Err(missing()),
        Some(_) => Err(JwtError::TokenNotString),
    }
}

/// Flask's `request.is_json`: whether the `Content-Type` is `application/json` or
/// `application/*+json` (case-insensitive, parameters allowed). The JSON token location and
/// [`buffer_json_body`](crate::buffer_json_body) use it; handlers can too.
///
/// ```
/// let mut headers = http::HeaderMap::new();
/// headers.insert("content-type", "application/vnd.api+json; charset=utf-8".parse().unwrap());
/// assert!(jwt_http::is_json(&headers));
/// ```
pub fn is_json(headers: &http::HeaderMap) -> bool {
    let Some(value) = headers.get(http::header::CONTENT_TYPE) else {
        return false;
    };
    let mime = value
        .as_bytes()
        .split(|b| *b == b';')
        .next()
        .unwrap_or_default();
    let mime = mime.trim_ascii().to_ascii_lowercase();
    mime == b"application/json" || (mime.starts_with(b"application/") && mime.ends_with(b"+json"))
}
