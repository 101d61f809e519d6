//! Arbitrary bytes as the URI query → `verify_request` (query_string location): never panics,
//! answers only 401/422 (or Ok), and agrees with a reference model of the parameter lookup
//! (first `jwt`, URL-decoded, optional value prefix).
//!
//! Input: byte 0 = mode (bit 0: prefix "Bearer "; bit 1: optional; bit 2: refresh); the rest is
//! the query. Bytes `http::Uri` refuses are percent-encoded first.
#![no_main]

use std::borrow::Cow;

use http::{Request, Uri};
use jwt_extended_fuzz::{check_request, managers, model_query, Extracted};
use jwt_http::{JwtError, TokenLocation, VerifyOptions};
use libfuzzer_sys::fuzz_target;

fn uri_for(query: &[u8]) -> Option<Uri> {
    let mut raw = b"/p?".to_vec();
    raw.extend_from_slice(query);
    if let Ok(uri) = Uri::try_from(raw) {
        return Some(uri);
    }
    let mut encoded = b"/p?".to_vec();
    for &b in query {
        if b.is_ascii_alphanumeric() || b"-._~!$'()*,;:@/?&=+%".contains(&b) {
            encoded.push(b);
        } else {
            encoded.extend_from_slice(format!("%{b:02X}").as_bytes());
        }
    }
    Uri::try_from(encoded).ok()
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, query)) = data.split_first() else {
        return;
    };
    let Some(uri) = uri_for(query) else { return };
    let prefix = if mode & 1 != 0 { "Bearer " } else { "" };
    let options = VerifyOptions {
        optional: mode & 2 != 0,
        refresh: mode & 4 != 0,
        ..VerifyOptions::new()
    };
    let request = Request::get(uri.clone()).body(()).expect("request");

    let seen = uri.query().unwrap_or("").as_bytes();
    let extracted = match model_query(seen, "jwt").filter(|v| !v.is_empty()) {
        None => Extracted::Absent(JwtError::MissingQueryParam { name: "jwt".into() }),
        Some(value) if !value.starts_with(prefix.as_bytes()) => {
            Extracted::Error(JwtError::InvalidQueryParam {
                name: "jwt".into(),
                prefix: prefix.into(),
            })
        }
        Some(value) => Extracted::Token(Cow::Owned(value[prefix.len()..].to_vec()), None),
    };
    check_request(
        managers(TokenLocation::QueryString, usize::from(mode & 1)),
        TokenLocation::QueryString,
        &request,
        &options,
        &extracted,
    );
});
