//! Property tests: header, cookie, query and JSON-body values never make extraction panic, and
//! any refusal is a 4xx.

use http::{HeaderValue, Method, Request, Uri};
use jwt_http::{JwtManager, RequestHead, TokenLocation, VerifyOptions};
use proptest::prelude::*;

fn manager(locations: Vec<TokenLocation>, header_type: &str) -> JwtManager {
    JwtManager::builder()
        .secret_key("property-test-secret-that-is-long-enough-0123")
        .token_location(locations)
        .header_type(header_type)
        .build()
        .unwrap()
}

fn check(m: &JwtManager, req: &Request<()>) -> Result<(), TestCaseError> {
    if let Err(e) = m.verify_request(req, &VerifyOptions::new()) {
        let status = e.status().as_u16();
        prop_assert!(status == 401 || status == 422, "{status} {e}");
    }
    Ok(())
}

proptest! {
    #[test]
    fn authorization_values_never_panic(
        values in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..80), 0..4),
        header_type in prop_oneof![Just(""), Just("Bearer"), Just("JWT")],
    ) {
        let m = manager(vec![TokenLocation::Headers], header_type);
        let mut req = Request::new(());
        for v in &values {
            if let Ok(v) = HeaderValue::from_bytes(v) {
                req.headers_mut().append("authorization", v);
            }
        }
        check(&m, &req)?;
    }

    #[test]
    fn bearer_shaped_values_never_panic(value in "[ ,\\t]{0,3}(Bearer|bearer|Basic)?[ ,\\t]{0,3}[A-Za-z0-9._-]{0,40}[ ,\\t]{0,3}") {
        let m = manager(vec![TokenLocation::Headers], "Bearer");
        let mut req = Request::new(());
        if let Ok(v) = HeaderValue::from_str(&value) {
            req.headers_mut().insert("authorization", v);
        }
        check(&m, &req)?;
    }

    #[test]
    fn cookie_values_never_panic(
        cookie in prop::collection::vec(any::<u8>(), 0..120),
        csrf in prop::option::of("[ -~]{0,40}"),
        post in any::<bool>(),
    ) {
        let m = manager(vec![TokenLocation::Cookies], "Bearer");
        let mut req = Request::new(());
        *req.method_mut() = if post { Method::POST } else { Method::GET };
        if let Ok(v) = HeaderValue::from_bytes(&cookie) {
            req.headers_mut().insert("cookie", v);
        }
        if let Some(Ok(v)) = csrf.map(|c| HeaderValue::from_str(&c)) {
            req.headers_mut().insert("x-csrf-token", v);
        }
        check(&m, &req)?;
    }

    #[test]
    fn query_strings_never_panic(query in "[ -~]{0,80}") {
        let m = manager(vec![TokenLocation::QueryString], "Bearer");
        let encoded: String = query
            .bytes()
            .map(|b| match b {
                b' ' | b'#' | b'"' | b'<' | b'>' | b'\\' | b'^' | b'`' | b'{' | b'|' | b'}' => format!("%{b:02X}"),
                _ => (b as char).to_string(),
            })
            .collect();
        if let Ok(uri) = format!("/p?{encoded}").parse::<Uri>() {
            let mut req = Request::new(());
            *req.uri_mut() = uri;
            check(&m, &req)?;
        }
    }

    #[test]
    fn json_bodies_never_panic(body in prop::collection::vec(any::<u8>(), 0..200), json_type in any::<bool>()) {
        let m = manager(vec![TokenLocation::Json], "Bearer");
        let mut headers = http::HeaderMap::new();
        let content_type = if json_type { "application/json" } else { "text/plain" };
        headers.insert("content-type", HeaderValue::from_static(content_type));
        let uri: Uri = "/".parse().unwrap();
        let head = RequestHead::new(&Method::POST, &uri, &headers).with_body(&body);
        if let Err(e) = m.verify_request(&head, &VerifyOptions::new()) {
            let status = e.status().as_u16();
            prop_assert!(status == 401 || status == 422, "{status} {e}");
        }
    }
}
