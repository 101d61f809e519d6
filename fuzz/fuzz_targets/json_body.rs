//! Arbitrary body bytes and a Content-Type choice → `RequestHead::with_body` → `verify_request`
//! (json location): never panics, answers only 401/422 (or Ok), and agrees with a reference
//! model (Flask's `is_json`, `request.json.get(key)`, falsy is missing, non-string refused).
//!
//! Input: byte 0 = mode (bits 0-3: Content-Type choice, 15 = fuzzed from the next byte's count
//! of bytes; bit 4: optional; bit 5: refresh; bit 6: GET instead of POST); the rest is the body.
#![no_main]

use std::borrow::Cow;

use http::header::CONTENT_TYPE;
use http::{HeaderMap, HeaderValue, Method, Uri};
use jwt_extended_fuzz::{check_request, managers, model_is_json, model_json, Extracted};
use jwt_http::{JwtError, RequestHead, TokenLocation, VerifyOptions};
use libfuzzer_sys::fuzz_target;

const TYPES: [&[u8]; 15] = [
    b"application/json",
    b"application/json; charset=utf-8",
    b"Application/JSON",
    b"application/vnd.api+json",
    b" application/json ;x=y",
    b"text/plain",
    b"application/x-www-form-urlencoded",
    b"application/jsonx",
    b"application/+json",
    b"json",
    b"",
    b"application/json\t",
    b"multipart/form-data; boundary=x",
    b"APPLICATION/LD+JSON",
    b"-",
];

fuzz_target!(|data: &[u8]| {
    let Some((&mode, mut body)) = data.split_first() else {
        return;
    };
    let mut headers = HeaderMap::new();
    let content_type: Option<&[u8]> = match mode & 15 {
        15 => {
            let Some((&n, after)) = body.split_first() else {
                return;
            };
            let n = usize::from(n).min(after.len());
            body = &after[n..];
            Some(&after[..n])
        }
        10 => None,
        i => Some(TYPES[usize::from(i)]),
    };
    if let Some(ct) = content_type.and_then(|ct| HeaderValue::from_bytes(ct).ok()) {
        headers.insert(CONTENT_TYPE, ct);
    }
    let options = VerifyOptions {
        optional: mode & 16 != 0,
        refresh: mode & 32 != 0,
        ..VerifyOptions::new()
    };
    let method = if mode & 64 != 0 {
        Method::GET
    } else {
        Method::POST
    };
    let uri = Uri::from_static("/");
    let request = RequestHead::new(&method, &uri, &headers).with_body(body);

    let key = if options.refresh {
        "refresh_token"
    } else {
        "access_token"
    };
    let seen = headers.get(CONTENT_TYPE).map(HeaderValue::as_bytes);
    let extracted = if !model_is_json(seen) {
        Extracted::Absent(JwtError::InvalidContentType)
    } else {
        match model_json(body, key) {
            Ok(token) => Extracted::Token(Cow::Owned(token), None),
            Err(true) => Extracted::Absent(JwtError::MissingJsonKey { key: key.into() }),
            Err(false) => Extracted::Error(JwtError::TokenNotString),
        }
    };
    check_request(
        managers(TokenLocation::Json, 0),
        TokenLocation::Json,
        &request,
        &options,
        &extracted,
    );
});
