//! Arbitrary `Authorization` header values and header type → `verify_request` (headers
//! location): never panics, answers only 401/422 (or Ok), and agrees with a reference model of
//! flask-jwt-extended's header rules: the same error, or the same token (same decoded result,
//! same length through a length probe, and a substring of the joined header values).
//!
//! Input: byte 0 = mode (bits 0-1: header type ""/"Bearer"/"JWT"/fuzzed; bit 2: optional;
//! bit 3: refresh; bit 4: fresh); with a fuzzed type, byte 1 = its length n and the next n bytes
//! (ASCII) are the type; the rest, split at `\n`, are the header values.
#![no_main]

use http::header::AUTHORIZATION;
use http::Request;
use jwt_extended_fuzz::{
    append_values, build_manager, check_request, managers, model_header, Extracted,
};
use jwt_http::{TokenLocation, VerifyOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, mut rest)) = data.split_first() else {
        return;
    };
    let fuzzed_manager;
    let (header_type, pair) = match mode & 3 {
        0 => ("Bearer".to_owned(), managers(TokenLocation::Headers, 0)),
        1 => (String::new(), managers(TokenLocation::Headers, 1)),
        2 => ("JWT".to_owned(), managers(TokenLocation::Headers, 2)),
        _ => {
            let Some((&n, after)) = rest.split_first() else {
                return;
            };
            let n = usize::from(n).min(after.len());
            let header_type: String = after[..n].iter().map(|b| char::from(b & 0x7f)).collect();
            rest = &after[n..];
            fuzzed_manager = (
                build_manager(
                    TokenLocation::Headers,
                    &header_type,
                    "",
                    jwt_core::DEFAULT_MAX_TOKEN_LEN,
                ),
                build_manager(TokenLocation::Headers, &header_type, "", 0),
            );
            (header_type, &fuzzed_manager)
        }
    };
    let options = VerifyOptions {
        optional: mode & 4 != 0,
        refresh: mode & 8 != 0,
        fresh: mode & 16 != 0,
        ..VerifyOptions::new()
    };

    let values: Vec<&[u8]> = rest.split(|b| *b == b'\n').collect();
    let mut request = Request::get("/").body(()).expect("request");
    append_values(request.headers_mut(), AUTHORIZATION, &values);
    let kept: Vec<&[u8]> = request
        .headers()
        .get_all(AUTHORIZATION)
        .iter()
        .map(|v| v.as_bytes())
        .collect();
    let joined = kept.join(&b", "[..]);

    let extracted = model_header(&joined, !kept.is_empty(), &header_type);
    if let Extracted::Token(token, _) = &extracted {
        assert!(
            joined.windows(token.len()).any(|w| w == &token[..]),
            "model token not a substring of the header"
        );
    }
    check_request(pair, TokenLocation::Headers, &request, &options, &extracted);
});
