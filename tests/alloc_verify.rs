//! The verify path allocates nothing beyond the decoded claims (issue 5).
//!
//! A counting global allocator counts the allocations made on this thread inside a window.
//!
//! - Decoding a flask-layout token (`jwt_core::decode`) allocates the decoded payload and
//!   signature and the claims: since issue 12 the claims are a plain `serde_json::Map` built by
//!   the one strict parser (a key `String` per member, a `String` per string value, the map's
//!   nodes) — 15 blocks for flask's eight claims, the same every time. The header
//!   `{"alg":…,"typ":"JWT"}` is recognised without decoding or allocating.
//! - Full request verification (`JwtManager::verify_request` on an `http::Request`: header
//!   extraction, decode, validation, flask-jwt-extended's checks, building the context and
//!   entering it) allocates exactly 1 more: the `Arc<JwtContext>` the handler runs in, which
//!   holds the token in place (an `Arc` of the token alone is made only for an async loader).
//!   It is what the public API returns; nothing else is allocated along the way.
//! - Reading the identity inside the handler (`get_jwt_identity()`) copies the one claim
//!   (1 allocation for a string identity) without building the claims map.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use jwt_extended::{get_jwt_identity, Algorithm, JwtManager, Validation, VerifyOptions};

struct Counting;

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    static COUNT: Cell<usize> = const { Cell::new(0) };
}

fn note() {
    let _ = COUNTING.try_with(|on| {
        if on.get() {
            let _ = COUNT.try_with(|n| n.set(n.get() + 1));
        }
    });
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note();
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note();
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note();
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Allocations (and reallocations) made by `f` on this thread.
fn allocations<T>(f: impl FnOnce() -> T) -> (usize, T) {
    COUNT.with(|n| n.set(0));
    COUNTING.with(|on| on.set(true));
    let out = f();
    COUNTING.with(|on| on.set(false));
    (COUNT.with(Cell::get), out)
}

const SECRET: &str = "a long random secret, 32 bytes or more!!";

fn setup(alg: Algorithm) -> (JwtManager, String, http::Request<()>) {
    let secret = SECRET.repeat(2);
    let manager = JwtManager::builder()
        .secret_key(secret)
        .algorithm(alg)
        .build()
        .expect("manager");
    let token = manager.create_access_token("test").expect("token");
    let request = http::Request::get("/protected")
        .header("Host", "127.0.0.1:5000")
        .header("Authorization", format!("Bearer {token}"))
        .header("Accept", "*/*")
        .body(())
        .expect("request");
    (manager, token, request)
}

fn verify_and_enter(manager: &JwtManager, request: &http::Request<()>) -> bool {
    match manager.verify_request(request, &VerifyOptions::new()) {
        Ok(Some(context)) => {
            let _guard = jwt_extended::enter(Some(context));
            true
        }
        _ => false,
    }
}

#[test]
fn verify_path_allocates_only_the_claims_and_the_context() {
    for alg in Algorithm::HMAC {
        let (manager, token, request) = setup(alg);
        let key = jwt_extended::Key::new(alg, SECRET.repeat(2)).expect("key");
        let validation = Validation::new(alg);
        // Warm up: lazily made statics and thread-locals are made once, not per request.
        assert!(verify_and_enter(&manager, &request));
        jwt_extended::decode(&token, &key, &validation).expect("valid");

        let (decode, data) = allocations(|| jwt_extended::decode(&token, &key, &validation));
        let data = data.expect("valid");
        assert_eq!(data.claims.sub(), Some("test"));
        let members = data.claims.members().len();
        assert_eq!(members, 8, "{alg}: flask's claims");
        assert!(
            decode <= 2 + 2 * members,
            "{alg}: decode = payload + signature + the claims map ({decode} blocks)"
        );

        let (verify, ok) = allocations(|| verify_and_enter(&manager, &request));
        assert!(ok);
        assert_eq!(
            verify,
            decode + 1,
            "{alg}: verify_request = the decoded claims + Arc<JwtContext> (holding the token)"
        );

        // The same holds over many requests (no growth, no caching effects).
        let (many, all_ok) = allocations(|| (0..100).all(|_| verify_and_enter(&manager, &request)));
        assert!(all_ok);
        assert_eq!(many, 100 * verify, "{alg}: per request, every time");

        // Reading the identity in the handler copies only that claim.
        let context = manager
            .verify_request(&request, &VerifyOptions::new())
            .expect("valid")
            .expect("not OPTIONS");
        let _guard = jwt_extended::enter(Some(context));
        let (identity, who) = allocations(get_jwt_identity);
        assert_eq!(who.expect("identity"), "test");
        assert_eq!(identity, 1, "{alg}: get_jwt_identity = one string");
    }
}

#[test]
fn allocation_counter_counts() {
    let (n, v) = allocations(|| vec![1u8; 10]);
    assert_eq!((n, v.len()), (1, 10));
    let (n, _) = allocations(|| ());
    assert_eq!(n, 0);
}
