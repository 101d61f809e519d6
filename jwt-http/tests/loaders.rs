//! Every loader of flask-jwt-extended's §3: register it, see the effect; and the defaults when
//! none is registered.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use http::{Method, Request, Response, StatusCode};
use jwt_core::{Algorithm, FixedClock, Key};
use jwt_http::{
    enter, get_current_user, get_jwt_identity, ErrorResponse, JwtError, JwtManager,
    JwtManagerBuilder, VerifyOptions,
};
use serde_json::{json, Map, Value};

const SECRET: &str = "a-test-secret-that-is-long-enough-0123456789";
const NOW: i64 = 1_700_000_000;

fn manager(f: impl FnOnce(JwtManagerBuilder) -> JwtManagerBuilder) -> JwtManager {
    f(JwtManager::builder()
        .secret_key(SECRET)
        .clock(FixedClock::at(NOW)))
    .build()
    .unwrap()
}

fn get(token: &str) -> Request<()> {
    Request::builder()
        .method(Method::GET)
        .uri("/")
        .header("authorization", format!("Bearer {token}"))
        .body(())
        .unwrap()
}

fn refused(m: &JwtManager, req: &Request<()>, options: &VerifyOptions) -> (StatusCode, String) {
    let error = m.verify_request(req, options).unwrap_err();
    let response: Response<String> = m.error_response(&error);
    (response.status(), response.into_body())
}

fn custom(status: u16, body: Value) -> ErrorResponse {
    let mut response = Response::new(body.to_string());
    *response.status_mut() = StatusCode::from_u16(status).unwrap();
    response
}

#[test]
fn additional_claims_and_headers_loaders() {
    let m = manager(|b| {
        b.additional_claims_loader(|identity| {
            let mut claims = Map::new();
            claims.insert(
                "role".into(),
                json!(format!("role-of-{}", identity.as_str().unwrap())),
            );
            claims.insert("type".into(), json!("overridden-by-loader"));
            claims
        })
        .additional_headers_loader(|_| {
            let mut headers = Map::new();
            headers.insert("kid".into(), json!("k1"));
            headers
        })
    });
    let token = m
        .access_token("alice")
        .claim("type", "access")
        .create()
        .unwrap();
    let data = m.decode_token(&token, false).unwrap();
    assert_eq!(data.claims.get("role"), Some(&json!("role-of-alice")));
    assert_eq!(
        data.claims.get("type"),
        Some(&json!("access")),
        "explicit claims win over the loader"
    );
    assert_eq!(data.header.kid(), Some("k1"));
}

#[test]
fn user_identity_loader() {
    #[derive(serde::Serialize)]
    struct User {
        id: u64,
        name: &'static str,
    }
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen2 = seen.clone();
    let m = manager(|b| {
        b.user_identity_loader(|user| json!(user["id"].to_string()))
            .additional_claims_loader(move |identity| {
                seen2.lock().unwrap().push(identity.clone());
                Map::new()
            })
    });
    let token = m.create_access_token(User { id: 7, name: "bob" }).unwrap();
    assert_eq!(
        m.decode_token(&token, false).unwrap().claims.sub(),
        Some("7")
    );
    assert_eq!(
        seen.lock().unwrap()[0],
        json!({"id": 7, "name": "bob"}),
        "loaders see the untransformed identity"
    );
}

#[test]
fn user_lookup_and_user_lookup_error_loaders() {
    #[derive(Debug, PartialEq)]
    struct User(String);
    let m = manager(|b| {
        b.user_lookup_loader(|_h, claims| match claims.sub() {
            Some("ghost") | None => None,
            Some(name) => Some(User(name.to_owned())),
        })
    });
    let req = get(&m.create_access_token("alice").unwrap());
    let ctx = m.verify_request(&req, &VerifyOptions::new()).unwrap();
    let _guard = enter(ctx);
    assert_eq!(
        get_current_user::<User>().as_deref(),
        Some(&User("alice".into()))
    );
    assert_eq!(
        get_current_user::<String>(),
        None,
        "another type is not the user"
    );
    drop(_guard);

    let ghost = get(&m.create_access_token("ghost").unwrap());
    assert_eq!(
        refused(&m, &ghost, &VerifyOptions::new()),
        (
            StatusCode::UNAUTHORIZED,
            "{\"msg\":\"Error loading the user ghost\"}\n".into()
        )
    );
    let with_error_loader = manager(|b| {
        b.user_lookup_loader(|_h, _c| None::<User>)
            .user_lookup_error_loader(|_h, c| custom(404, json!({"missing": c.sub()})))
    });
    assert_eq!(
        refused(&with_error_loader, &ghost, &VerifyOptions::new()),
        (StatusCode::NOT_FOUND, "{\"missing\":\"ghost\"}".into())
    );
}

#[test]
fn token_in_blocklist_and_revoked_token_loaders() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let m = manager(|b| {
        b.token_in_blocklist_loader(move |_h, claims| {
            counter.fetch_add(1, Ordering::SeqCst);
            claims.sub() == Some("revoked")
        })
    });
    let ok = get(&m.create_access_token("alice").unwrap());
    assert!(m.verify_request(&ok, &VerifyOptions::new()).is_ok());
    let bad = get(&m.create_access_token("revoked").unwrap());
    assert_eq!(
        refused(&m, &bad, &VerifyOptions::new()),
        (
            StatusCode::UNAUTHORIZED,
            "{\"msg\":\"Token has been revoked\"}\n".into()
        )
    );
    let skip = VerifyOptions {
        skip_revocation_check: true,
        ..VerifyOptions::new()
    };
    assert!(m.verify_request(&bad, &skip).is_ok());
    assert_eq!(
        calls.load(Ordering::SeqCst),
        2,
        "not called when revocation checks are skipped"
    );
    let refresh = get(&m.create_refresh_token("revoked").unwrap());
    let refresh_route = VerifyOptions {
        refresh: true,
        ..VerifyOptions::new()
    };
    assert!(
        matches!(
            m.verify_request(&refresh, &refresh_route),
            Err(JwtError::Revoked(_))
        ),
        "refresh tokens too"
    );

    let custom_revoked = manager(|b| {
        b.token_in_blocklist_loader(|_h, _c| true)
            .revoked_token_loader(|_h, c| custom(403, json!({"revoked": c.jti()})))
    });
    let token = custom_revoked.create_access_token("a").unwrap();
    let jti = custom_revoked.get_jti(&token).unwrap().unwrap();
    assert_eq!(
        refused(&custom_revoked, &get(&token), &VerifyOptions::new()),
        (StatusCode::FORBIDDEN, json!({ "revoked": jti }).to_string())
    );
}

#[tokio::test]
async fn async_loaders_are_awaited_and_refused_by_sync_verification() {
    let m = manager(|b| {
        b.token_in_blocklist_loader_async(|token| async move {
            tokio::task::yield_now().await;
            token.claims.sub() == Some("revoked")
        })
        .user_lookup_loader_async(|token| async move {
            tokio::time::sleep(std::time::Duration::from_millis(1)).await;
            token.claims.sub().map(|s| s.to_uppercase())
        })
    });
    let req = get(&m.create_access_token("alice").unwrap());
    let ctx = m
        .verify_request_async(&req, &VerifyOptions::new())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        ctx.user::<String>().as_deref().map(String::as_str),
        Some("ALICE")
    );
    let bad = get(&m.create_access_token("revoked").unwrap());
    assert!(matches!(
        m.verify_request_async(&bad, &VerifyOptions::new()).await,
        Err(JwtError::Revoked(_))
    ));
    let err = m.verify_request(&req, &VerifyOptions::new()).unwrap_err();
    assert!(matches!(err, JwtError::AsyncLoaderInSyncHandler));
    assert_eq!(err.status(), StatusCode::INTERNAL_SERVER_ERROR);
}

#[test]
fn token_verification_and_failed_loaders() {
    let m = manager(|b| b.token_verification_loader(|_h, c| c.sub() != Some("banned")));
    assert!(m
        .verify_request(
            &get(&m.create_access_token("alice").unwrap()),
            &VerifyOptions::new()
        )
        .is_ok());
    let banned = get(&m.create_access_token("banned").unwrap());
    assert_eq!(
        refused(&m, &banned, &VerifyOptions::new()),
        (
            StatusCode::BAD_REQUEST,
            "{\"msg\":\"User claims verification failed\"}\n".into()
        )
    );
    let optional = VerifyOptions {
        optional: true,
        ..VerifyOptions::new()
    };
    assert!(
        m.verify_request(&banned, &optional).is_err(),
        "optional does not forgive a refused token"
    );
    let custom_failed = manager(|b| {
        b.token_verification_loader(|_h, _c| false)
            .token_verification_failed_loader(|_h, _c| custom(418, json!({"teapot": true})))
    });
    assert_eq!(
        refused(&custom_failed, &banned, &VerifyOptions::new()).0,
        StatusCode::IM_A_TEAPOT
    );
}

#[test]
fn expired_needs_fresh_invalid_and_unauthorized_loaders() {
    let past = JwtManager::builder()
        .secret_key(SECRET)
        .clock(FixedClock::at(NOW - 3600))
        .build()
        .unwrap();
    let expired = get(&past.create_access_token("a").unwrap());
    let not_fresh = get(&past.access_token("a").never_expires().create().unwrap());
    let garbage = get("abc");
    let none = Request::builder().uri("/").body(()).unwrap();
    let fresh_route = VerifyOptions {
        fresh: true,
        ..VerifyOptions::new()
    };

    let d = manager(|b| b);
    assert_eq!(
        refused(&d, &expired, &VerifyOptions::new()),
        (
            StatusCode::UNAUTHORIZED,
            "{\"msg\":\"Token has expired\"}\n".into()
        )
    );
    assert_eq!(
        refused(&d, &not_fresh, &fresh_route),
        (
            StatusCode::UNAUTHORIZED,
            "{\"msg\":\"Fresh token required\"}\n".into()
        )
    );
    assert_eq!(
        refused(&d, &garbage, &VerifyOptions::new()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "{\"msg\":\"Not enough segments\"}\n".into()
        )
    );
    assert_eq!(
        refused(&d, &none, &VerifyOptions::new()),
        (
            StatusCode::UNAUTHORIZED,
            "{\"msg\":\"Missing Authorization Header\"}\n".into()
        )
    );

    let c = manager(|b| {
        b.expired_token_loader(|_h, c| custom(401, json!({"expired_for": c.sub()})))
            .needs_fresh_token_loader(|_h, _c| custom(403, json!({"fresh": "please"})))
            .invalid_token_loader(|msg| custom(400, json!({"invalid": msg})))
            .unauthorized_loader(|msg| custom(403, json!({"unauthorized": msg})))
    });
    assert_eq!(
        refused(&c, &expired, &VerifyOptions::new()),
        (StatusCode::UNAUTHORIZED, "{\"expired_for\":\"a\"}".into())
    );
    assert_eq!(
        refused(&c, &not_fresh, &fresh_route),
        (StatusCode::FORBIDDEN, "{\"fresh\":\"please\"}".into())
    );
    assert_eq!(
        refused(&c, &garbage, &VerifyOptions::new()),
        (
            StatusCode::BAD_REQUEST,
            "{\"invalid\":\"Not enough segments\"}".into()
        )
    );
    assert_eq!(
        refused(&c, &none, &VerifyOptions::new()),
        (
            StatusCode::FORBIDDEN,
            "{\"unauthorized\":\"Missing Authorization Header\"}".into()
        )
    );
}

#[test]
fn encode_and_decode_key_loaders() {
    let old = Key::new(
        Algorithm::HS256,
        "the-old-key-0123456789-0123456789-0123456789",
    )
    .unwrap();
    let new = Key::new(
        Algorithm::HS256,
        "the-new-key-0123456789-0123456789-0123456789",
    )
    .unwrap();
    let (enc, dec_old, dec_new) = (new.clone(), old.clone(), new.clone());
    let m = manager(|b| {
        b.encode_key_loader(move |_identity| enc.clone())
            .additional_headers_loader(|_| {
                let mut h = Map::new();
                h.insert("kid".into(), json!("new"));
                h
            })
            .decode_key_loader(move |header, _claims| match header.kid() {
                Some("new") => dec_new.clone(),
                _ => dec_old.clone(),
            })
    });
    let token = m.create_access_token("a").unwrap();
    assert!(m
        .verify_request(&get(&token), &VerifyOptions::new())
        .is_ok());
    // Signed with the new key, so the manager's own secret does not verify it.
    let plain = manager(|b| b);
    assert_eq!(
        plain.decode_token(&token, false).unwrap_err().to_string(),
        "Signature verification failed"
    );
    // A token signed with the old key and no kid still verifies during rotation.
    let header = jwt_core::Header::new(Algorithm::HS256);
    let old_token =
        jwt_core::encode(&header, &json!({"sub": "legacy", "type": "access"}), &old).unwrap();
    let ctx = m
        .verify_request(&get(&old_token), &VerifyOptions::new())
        .unwrap()
        .unwrap();
    assert_eq!(ctx.identity().unwrap(), "legacy");
}

#[test]
fn identity_outside_and_inside_scope() {
    assert!(get_jwt_identity().is_none());
    let m = manager(|b| b);
    let ctx = m
        .verify_request(
            &get(&m.create_access_token("x").unwrap()),
            &VerifyOptions::new(),
        )
        .unwrap();
    {
        let _guard = enter(ctx);
        assert_eq!(get_jwt_identity().unwrap(), "x");
    }
    assert!(get_jwt_identity().is_none());
}
