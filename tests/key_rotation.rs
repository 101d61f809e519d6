//! Rotating the keys of a running manager (`JwtManager::update_keys`) through the shapes users
//! write: a `#[jwt_required]` handler and the `JwtIdentity` extractor, called with
//! `tower::ServiceExt::oneshot`. Tokens of a key verify until it is retired, then are refused
//! by `kid` (422); an expired token of a key still in the set is the 401 it always was; the JWK
//! Set the manager publishes follows each update; requests running while the keys rotate get
//! 200 for every token whose key is in the set, never a 500. Asymmetric (ES256) and HMAC key
//! sets alike.
#![cfg(feature = "asymmetric")]

#[path = "common/key_app.rs"]
mod key_app;
use key_app::{app, get_with};

use std::collections::HashSet;
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::StatusCode;
use axum::Router;
use jwt_extended::{
    Algorithm, Clock, JwtError, JwtManager, Key, KeyRotationError, KeySet, KeySetError, UnixTime,
};
use serde_json::json;

/// A clock the test moves forward.
#[derive(Debug, Clone)]
struct SteppedClock(Arc<AtomicI64>);

impl SteppedClock {
    fn at(secs: i64) -> Self {
        SteppedClock(Arc::new(AtomicI64::new(secs)))
    }

    fn advance(&self, secs: i64) {
        self.0.fetch_add(secs, Ordering::SeqCst);
    }
}

impl Clock for SteppedClock {
    fn now(&self) -> UnixTime {
        UnixTime::from_secs(self.0.load(Ordering::SeqCst))
    }
}

const T0: i64 = 1_800_000_000;

/// A token made by the app's `/login`.
async fn login_token(app: &Router) -> String {
    let (status, body) = get_with(app, "/login", None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body.as_str().unwrap().to_owned()
}

fn kid_of(manager: &JwtManager, token: &str) -> String {
    let data = manager.decode_token(token, true).unwrap();
    data.header.kid().unwrap().to_owned()
}

/// Both shapes accept `token`, the handler seeing `kid`.
async fn accepted(app: &Router, token: &str, kid: &str) {
    assert_eq!(
        get_with(app, "/protected", Some(token)).await,
        (StatusCode::OK, json!({"logged_in_as": "alice", "kid": kid}))
    );
    assert_eq!(
        get_with(app, "/extracted", Some(token)).await,
        (StatusCode::OK, json!({"logged_in_as": "alice"}))
    );
}

/// Both shapes refuse `token` with `status` and `msg`.
async fn refused(app: &Router, token: &str, status: u16, msg: &str) {
    for path in ["/protected", "/extracted"] {
        let (got, body) = get_with(app, path, Some(token)).await;
        assert_eq!(
            (got.as_u16(), body),
            (status, json!({ "msg": msg })),
            "{path}"
        );
    }
}

fn es256(kid: &str) -> Key {
    Key::generate(Algorithm::ES256).unwrap().with_kid(kid)
}

fn hs256(kid: &str) -> Key {
    // A distinct 32-byte secret per kid.
    let mut secret = [7u8; 32];
    for (slot, byte) in secret.iter_mut().zip(kid.bytes()) {
        *slot = byte;
    }
    Key::new(Algorithm::HS256, secret).unwrap().with_kid(kid)
}

fn manager_for(algorithm: Algorithm, first: Key, clock: SteppedClock) -> JwtManager {
    let mut keys = KeySet::new();
    keys.insert(first).unwrap();
    JwtManager::builder()
        .algorithm(algorithm)
        .key_set(keys)
        .clock(clock)
        .build()
        .unwrap()
}

/// Insert `next`, sign with it; the other keys stay.
fn rotate_to(manager: &JwtManager, next: Key) {
    let kid = next.kid().unwrap().to_owned();
    manager
        .update_keys(|keys| {
            keys.insert(next)?;
            keys.activate(&kid)
        })
        .unwrap();
}

fn retire(manager: &JwtManager, kid: &str) {
    manager
        .update_keys(|keys| {
            keys.retire(kid)
                .ok_or(KeySetError::UnknownKid(kid.to_owned()))?;
            Ok(())
        })
        .unwrap();
}

/// The rotation of issue 13 on a live manager: add the new key and make it active, retire the
/// old one once its tokens have expired.
async fn live_rotation(algorithm: Algorithm, make: fn(&str) -> Key) {
    let clock = SteppedClock::at(T0);
    let manager = manager_for(algorithm, make("k1"), clock.clone());
    // The router holds a clone: the update below reaches it through the shared keys.
    let app = app(&manager);
    let t1 = login_token(&app).await;
    assert_eq!(kid_of(&manager, &t1), "k1");
    accepted(&app, &t1, "k1").await;

    clock.advance(600);
    rotate_to(&manager, make("k2"));
    let t2 = login_token(&app).await;
    assert_eq!(kid_of(&manager, &t2), "k2");
    accepted(&app, &t1, "k1").await;
    accepted(&app, &t2, "k2").await;

    // 15 minutes after t1 (the default access lifetime): expired, while k1 still verifies it.
    clock.advance(301);
    refused(&app, &t1, 401, "Token has expired").await;
    accepted(&app, &t2, "k2").await;

    // Now k1 can go: its tokens are refused by kid.
    retire(&manager, "k1");
    refused(
        &app,
        &t1,
        422,
        "Unable to find a signing key that matches: \"k1\"",
    )
    .await;
    accepted(&app, &t2, "k2").await;
    let t3 = login_token(&app).await;
    accepted(&app, &t3, "k2").await;
}

#[tokio::test]
async fn an_es256_key_set_rotates_while_serving() {
    live_rotation(Algorithm::ES256, es256).await;
}

#[tokio::test]
async fn an_hmac_key_set_rotates_while_serving() {
    live_rotation(Algorithm::HS256, hs256).await;
}

#[tokio::test]
async fn the_published_jwks_follows_the_updates() {
    let manager = manager_for(Algorithm::ES256, es256("k1"), SteppedClock::at(T0));
    let kids = |manager: &JwtManager| -> Vec<String> {
        let jwks = manager.public_jwks().unwrap();
        jwks.keys.iter().map(|k| k.kid.clone().unwrap()).collect()
    };
    assert_eq!(kids(&manager), ["k1"]);
    rotate_to(&manager, es256("k2"));
    assert_eq!(kids(&manager), ["k1", "k2"]);
    retire(&manager, "k1");
    assert_eq!(kids(&manager), ["k2"]);
    let json = manager.public_jwks().unwrap().to_json();
    assert!(!json.contains("\"d\""), "no private member: {json}");

    // An HMAC set publishes nothing of its secrets.
    let hmac = manager_for(Algorithm::HS256, hs256("h1"), SteppedClock::at(T0));
    assert_eq!(hmac.public_jwks().unwrap().keys, []);
    // One asymmetric key: its public JWK; an HMAC secret: none.
    let single = JwtManager::builder()
        .algorithm(Algorithm::EdDSA)
        .signing_key(Key::generate(Algorithm::EdDSA).unwrap().with_kid("ed"))
        .build()
        .unwrap();
    let jwks = single.public_jwks().unwrap();
    assert_eq!(jwks.keys.len(), 1);
    assert_eq!(jwks.keys[0].kty, "OKP");
    let secret = JwtManager::builder()
        .secret_key("a long random secret, 32 bytes or more")
        .build()
        .unwrap();
    assert_eq!(secret.public_jwks(), None);
}

#[tokio::test]
async fn updates_the_configuration_cannot_serve_are_refused() {
    let mut keys = KeySet::new();
    keys.insert(es256("es")).unwrap();
    keys.insert(Key::generate(Algorithm::EdDSA).unwrap().with_kid("ed"))
        .unwrap();
    let manager = JwtManager::builder()
        .algorithm(Algorithm::ES256)
        .decode_algorithms(vec![Algorithm::ES256, Algorithm::EdDSA])
        .key_set(keys)
        .build()
        .unwrap();
    let app = app(&manager);
    let token = login_token(&app).await;

    // The last EdDSA key, while EdDSA is a decode algorithm.
    let err = manager
        .update_keys(|keys| {
            keys.retire("ed");
            Ok(())
        })
        .unwrap_err();
    assert_eq!(
        err,
        KeyRotationError::NoVerificationKey {
            algorithm: Algorithm::EdDSA,
            option: "JWT_DECODE_ALGORITHMS"
        }
    );
    // An EdDSA key cannot sign JWT_ALGORITHM ES256.
    let err = manager.update_keys(|keys| keys.activate("ed")).unwrap_err();
    assert!(
        matches!(&err, KeyRotationError::ActiveKeyMismatch { kid, algorithm: Algorithm::ES256, .. } if kid == "ed"),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "the updated key set's active key \"ed\" (an Ed25519 key) cannot sign JWT_ALGORITHM \
         ES256; the update was not applied"
    );
    // A public key cannot be activated; an HMAC key needs a kid.
    let public = es256("pub").to_public().unwrap();
    assert_eq!(
        manager.update_keys(|keys| {
            keys.insert(public)?;
            keys.activate("pub")
        }),
        Err(KeyRotationError::KeySet(KeySetError::CannotSign(
            "pub".into()
        )))
    );
    let kidless = Key::new(Algorithm::HS256, [1u8; 32]).unwrap();
    assert_eq!(
        manager.update_keys(|keys| keys.insert(kidless).map(|_| ())),
        Err(KeyRotationError::KeySet(KeySetError::KidRequired))
    );
    // The signing key retired, its successor added but not activated.
    let successor = es256("es2");
    assert_eq!(
        manager.update_keys(|keys| {
            keys.insert(successor)?;
            keys.retire("es");
            Ok(())
        }),
        Err(KeyRotationError::NoActiveKey {
            previous: "es".into()
        })
    );
    // Nothing of it was applied.
    accepted(&app, &token, "es").await;
    assert_eq!(kid_of(&manager, &login_token(&app).await), "es");
    assert_eq!(manager.public_jwks().unwrap().keys.len(), 2);

    // A verifier's set of public keys has no active key and may stay without.
    let mut public_keys = KeySet::new();
    public_keys
        .insert(es256("v1").to_public().unwrap())
        .unwrap();
    let verifier = JwtManager::builder()
        .algorithm(Algorithm::ES256)
        .key_set(public_keys)
        .build()
        .unwrap();
    verifier
        .update_keys(|keys| keys.insert(es256("v2").to_public().unwrap()).map(|_| ()))
        .unwrap();
    assert!(matches!(
        verifier.create_access_token("alice"),
        Err(JwtError::MissingSigningKey {
            algorithm: Algorithm::ES256
        })
    ));
    let (status, _) = get_with(&self::app(&verifier), "/login", None).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
}

/// 8 tasks × 200 requests (each a login and a verification through one of the two shapes,
/// plus a token of a key that is never retired) while the main task rotates 20 times, each
/// rotation retiring the key two generations back. Every token of a key in the set is
/// accepted; a fresh token is refused only by the `kid` of a key retired after it was signed;
/// nothing is ever a 500.
async fn requests_during_rotations(algorithm: Algorithm, make: fn(&str) -> Key) {
    const TASKS: usize = 8;
    const REQUESTS: usize = 200;
    const ROTATIONS: usize = 20;

    let mut keys = KeySet::new();
    keys.insert(make("anchor")).unwrap();
    keys.insert(make("g0")).unwrap();
    keys.activate("g0").unwrap();
    let manager = JwtManager::builder()
        .algorithm(algorithm)
        .key_set(keys)
        .build()
        .unwrap();
    // A token of the key that stays in the set throughout: signed while it was active.
    manager.update_keys(|keys| keys.activate("anchor")).unwrap();
    let anchor = manager.create_access_token("alice").unwrap();
    manager.update_keys(|keys| keys.activate("g0")).unwrap();
    let app = app(&manager);
    let retired: Arc<Mutex<HashSet<String>>> = Arc::default();
    let done = Arc::new(AtomicUsize::new(0));

    let mut tasks = Vec::new();
    for task in 0..TASKS {
        let (app, anchor, retired, done) =
            (app.clone(), anchor.clone(), retired.clone(), done.clone());
        tasks.push(tokio::spawn(async move {
            let mut fresh_accepted = 0;
            for i in 0..REQUESTS {
                let path = if (task + i) % 2 == 0 {
                    "/protected"
                } else {
                    "/extracted"
                };
                let (status, body) = get_with(&app, path, Some(&anchor)).await;
                assert_eq!(status, StatusCode::OK, "anchor token on {path}: {body}");

                let (status, token) = get_with(&app, "/login", None).await;
                assert_eq!(status, StatusCode::OK, "login: {token}");
                let token = token.as_str().unwrap().to_owned();
                let (status, body) = get_with(&app, path, Some(&token)).await;
                match status {
                    StatusCode::OK => fresh_accepted += 1,
                    StatusCode::UNPROCESSABLE_ENTITY => {
                        // Only a key retired between the signing and the verification.
                        let msg = body["msg"].as_str().unwrap().to_owned();
                        let kid = msg
                            .strip_prefix("Unable to find a signing key that matches: \"")
                            .and_then(|rest| rest.strip_suffix('"'))
                            .unwrap_or_else(|| panic!("{msg}"))
                            .to_owned();
                        assert!(retired.lock().unwrap().contains(&kid), "{kid} refused");
                    }
                    other => panic!("fresh token on {path}: {other} {body}"),
                }
                done.fetch_add(1, Ordering::SeqCst);
                tokio::task::yield_now().await;
            }
            fresh_accepted
        }));
    }

    // Rotations spread over the run: rotation r once r/20 of the requests are done.
    for generation in 1..=ROTATIONS {
        while done.load(Ordering::SeqCst) < (generation - 1) * TASKS * REQUESTS / ROTATIONS {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        let next = make(&format!("g{generation}"));
        let kid = next.kid().unwrap().to_owned();
        let old = generation.checked_sub(2).map(|g| format!("g{g}"));
        if let Some(old) = &old {
            // Recorded before the retirement is published.
            retired.lock().unwrap().insert(old.clone());
        }
        manager
            .update_keys(|keys| {
                keys.insert(next)?;
                keys.activate(&kid)?;
                if let Some(old) = &old {
                    keys.retire(old);
                }
                Ok(())
            })
            .unwrap();
    }
    let mut fresh_accepted = 0;
    for task in tasks {
        fresh_accepted += task.await.unwrap();
    }
    assert_eq!(done.load(Ordering::SeqCst), TASKS * REQUESTS);
    // A fresh token is refused only when two rotations fall between its signing and its
    // verification: rare.
    assert!(
        fresh_accepted >= TASKS * REQUESTS * 9 / 10,
        "{fresh_accepted} of {} fresh tokens accepted",
        TASKS * REQUESTS
    );
    // The end state: the last two generations and the anchor.
    let token = manager.create_access_token("alice").unwrap();
    assert_eq!(kid_of(&manager, &token), format!("g{ROTATIONS}"));
    accepted(&app, &anchor, "anchor").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn es256_requests_during_rotations_never_fail() {
    requests_during_rotations(Algorithm::ES256, es256).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hmac_requests_during_rotations_never_fail() {
    requests_during_rotations(Algorithm::HS256, hs256).await;
}
