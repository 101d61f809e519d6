//! The JSON token location reads one top-level key of a buffered body without building the
//! document (issue 11, item 4): for 1 MiB bodies of any shape, the peak of the memory allocated
//! while the token is found and checked stays under 64 KiB beyond the buffered body itself.
//!
//! A counting global allocator follows the bytes allocated and freed on this thread inside a
//! window and records the peak. Building a `serde_json::Value` of 1 MiB of `{"a":0}` objects
//! costs about 90 MB, so this test fails on the old implementation.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::time::Instant;

use bytes::Bytes;
use http::{HeaderMap, Method, Request, Uri};
use jwt_http::{BufferedBody, JwtManager, RequestHead, TokenLocation, VerifyOptions};

struct Counting;

thread_local! {
    static TRACKING: Cell<bool> = const { Cell::new(false) };
    static CURRENT: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

/// Adds `delta` bytes to this thread's count, when the window is open.
fn note(delta: isize) {
    let _ = TRACKING.try_with(|on| {
        if on.get() {
            let _ = CURRENT.try_with(|current| {
                let now = current.get() + delta;
                current.set(now);
                let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
            });
        }
    });
}

fn size(bytes: usize) -> isize {
    isize::try_from(bytes).unwrap_or(isize::MAX)
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(size(layout.size()));
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note(size(layout.size()));
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note(size(new_size) - size(layout.size()));
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        note(-size(layout.size()));
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The most bytes `f` had allocated at once on this thread (net of what it freed).
fn peak_bytes<T>(f: impl FnOnce() -> T) -> (usize, T) {
    CURRENT.with(|c| c.set(0));
    PEAK.with(|p| p.set(0));
    TRACKING.with(|on| on.set(true));
    let out = f();
    TRACKING.with(|on| on.set(false));
    (usize::try_from(PEAK.with(Cell::get)).unwrap_or(0), out)
}

const SECRET: &str = "a long random secret, 32 bytes or more, for the JSON location";
const MIB: usize = 1 << 20;
const LIMIT: usize = 64 << 10;

fn manager() -> JwtManager {
    JwtManager::builder()
        .secret_key(SECRET)
        .token_location(vec![TokenLocation::Json])
        .build()
        .expect("manager")
}

/// `[{"a":0},{"a":0},…]`, about 1 MiB.
fn array_of_objects() -> String {
    let mut body = String::from("[");
    while body.len() < MIB {
        body.push_str(r#"{"a":0},"#);
    }
    body.push_str(r#"{"a":0}]"#);
    body
}

/// `{"k0":{"a":{"a":…{"a":0}…}},"k1":…}`: 100 levels deep, as many members as fit in 1 MiB.
fn deep_and_wide() -> String {
    let depth = 100;
    let nested = format!("{}0{}", r#"{"a":"#.repeat(depth), "}".repeat(depth));
    let mut body = String::from("{");
    let mut i = 0;
    while body.len() < MIB {
        body.push_str(&format!(r#""k{i}":{nested},"#));
        i += 1;
    }
    body.push_str(r#""last":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[0]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}"#);
    body
}

/// What `verify_request` answered: the identity or the error message.
fn answer(manager: &JwtManager, request: &(impl jwt_http::TokenRequest + ?Sized)) -> String {
    match manager.verify_request(request, &VerifyOptions::new()) {
        Ok(Some(context)) => format!(
            "ok {}",
            context
                .identity()
                .map(|i| i.to_string())
                .unwrap_or_default()
        ),
        Ok(None) => "skipped".into(),
        Err(e) => e.to_string(),
    }
}

/// The bodies, each about 1 MiB, and the answer each must get.
fn cases(token: &str) -> Vec<(&'static str, String, String)> {
    let array = array_of_objects();
    let missing = r#"Missing "access_token" key in json data."#.to_owned();
    let not_string = "Invalid token type. Token must be a <class 'bytes'>".to_owned();
    let alice = "ok alice".to_owned();
    vec![
        (
            "top-level array of {\"a\":0}",
            array.clone(),
            missing.clone(),
        ),
        (
            "object with one member holding the array",
            format!(r#"{{"data":{array}}}"#),
            missing.clone(),
        ),
        (
            "deeply nested, wide object",
            deep_and_wide(),
            missing.clone(),
        ),
        (
            "long strings",
            format!(
                r#"{{"s":"{}","t":"{}"}}"#,
                "x".repeat(MIB / 2),
                "y".repeat(MIB / 2)
            ),
            missing.clone(),
        ),
        (
            "the token after the array",
            format!(r#"{{"data":{array},"access_token":"{token}"}}"#),
            alice.clone(),
        ),
        (
            "the token repeated, the last one wins",
            format!(r#"{{"access_token":"{token}","data":{array},"access_token":"{token}"}}"#),
            alice,
        ),
        (
            "the key holding the array",
            format!(r#"{{"access_token":{array}}}"#),
            not_string,
        ),
        (
            "invalid at the very end",
            format!(r#"{{"access_token":"{token}","data":{array}}}x"#),
            missing,
        ),
    ]
}

#[test]
fn json_location_memory_does_not_grow_with_the_body() {
    let manager = manager();
    let token = manager.create_access_token("alice").expect("token");
    let uri: Uri = "/protected".parse().expect("uri");
    let mut headers = HeaderMap::new();
    headers.insert(
        http::header::CONTENT_TYPE,
        "application/json".parse().expect("mime"),
    );

    // Warm up: statics and thread-locals made once are not part of a request.
    let warm = format!(r#"{{"access_token":"{token}"}}"#);
    let head = RequestHead::new(&Method::POST, &uri, &headers).with_body(warm.as_bytes());
    assert_eq!(answer(&manager, &head), "ok alice");

    for (name, body, expected) in cases(&token) {
        assert!(body.len() >= MIB, "{name}: {} bytes", body.len());
        serde_json::from_str::<serde::de::IgnoredAny>(&body)
            .map(|_| ())
            .or_else(|_| {
                if expected.contains("Missing") {
                    Ok(())
                } else {
                    Err(())
                }
            })
            .expect("the body is JSON unless it is meant to be missing");

        // Through `RequestHead::with_body`.
        let head = RequestHead::new(&Method::POST, &uri, &headers).with_body(body.as_bytes());
        let started = Instant::now();
        let (peak, got) = peak_bytes(|| answer(&manager, &head));
        let elapsed = started.elapsed();
        assert_eq!(got, expected, "{name}");
        assert!(
            peak < LIMIT,
            "{name}: {peak} bytes at the peak (RequestHead)"
        );
        eprintln!("{name}: peak {peak} bytes, {elapsed:?}");

        // Through an `http::Request` carrying the buffered body.
        let bytes = Bytes::from(body);
        let mut request = Request::post("/protected")
            .header(
                http::header::CONTENT_TYPE,
                "application/json; charset=utf-8",
            )
            .body(bytes.clone())
            .expect("request");
        request.extensions_mut().insert(BufferedBody(bytes));
        let (peak, got) = peak_bytes(|| answer(&manager, &request));
        assert_eq!(got, expected, "{name}");
        assert!(peak < LIMIT, "{name}: {peak} bytes at the peak (Request)");
    }
}

#[test]
fn the_counter_sees_the_peak() {
    let (peak, ()) = peak_bytes(|| {
        let big = vec![0u8; 100_000];
        drop(big);
        let small = vec![0u8; 10];
        drop(small);
    });
    assert!((100_000..100_100).contains(&peak), "{peak}");
}
