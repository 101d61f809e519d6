//! Arbitrary `Cookie` header values, GET or POST, with or without `X-CSRF-TOKEN` →
//! `verify_request` (cookies location): never panics, answers only 401/422 (or Ok), and agrees
//! with a reference model of the cookie lookup and the CSRF double-submit check.
//!
//! Input: byte 0 = mode (bit 0: POST; bit 1: send X-CSRF-TOKEN, the last `\n` part;
//! bit 2: optional; bit 3: refresh); the other `\n` parts are Cookie header values.
#![no_main]

use std::borrow::Cow;

use http::header::COOKIE;
use http::{HeaderName, HeaderValue, Method, Request};
use jwt_extended_fuzz::{append_values, check_request, managers, model_cookie, Extracted};
use jwt_http::{JwtError, TokenLocation, VerifyOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let method = if mode & 1 != 0 {
        Method::POST
    } else {
        Method::GET
    };
    let options = VerifyOptions {
        optional: mode & 4 != 0,
        refresh: mode & 8 != 0,
        ..VerifyOptions::new()
    };
    let mut parts: Vec<&[u8]> = rest.split(|b| *b == b'\n').collect();
    let csrf_value = if mode & 2 != 0 { parts.pop() } else { None };

    let mut request = Request::builder()
        .method(method.clone())
        .uri("/")
        .body(())
        .expect("request");
    append_values(request.headers_mut(), COOKIE, &parts);
    let csrf_header = HeaderName::from_static("x-csrf-token");
    if let Some(v) = csrf_value.and_then(|v| HeaderValue::from_bytes(v).ok()) {
        request.headers_mut().insert(csrf_header.clone(), v);
    }

    let kept: Vec<&[u8]> = request
        .headers()
        .get_all(COOKIE)
        .iter()
        .map(|v| v.as_bytes())
        .collect();
    let name = if options.refresh {
        "refresh_token_cookie"
    } else {
        "access_token_cookie"
    };
    let extracted = match model_cookie(&kept, name).filter(|t| !t.is_empty()) {
        None => Extracted::Absent(JwtError::MissingCookie { name: name.into() }),
        Some(token) => {
            assert!(kept
                .iter()
                .any(|v| v.windows(token.len()).any(|w| w == token)));
            if method == Method::POST {
                match request
                    .headers()
                    .get(&csrf_header)
                    .map(|v| v.as_bytes())
                    .filter(|v| !v.is_empty())
                {
                    None => Extracted::Error(JwtError::MissingCsrfToken),
                    Some(csrf) => Extracted::Token(Cow::Borrowed(token), Some(Cow::Borrowed(csrf))),
                }
            } else {
                Extracted::Token(Cow::Borrowed(token), None)
            }
        }
    };
    check_request(
        managers(TokenLocation::Cookies, 0),
        TokenLocation::Cookies,
        &request,
        &options,
        &extracted,
    );
});
