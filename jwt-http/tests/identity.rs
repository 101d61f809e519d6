//! Identities that are not strings: refused when a token is made while `verify_sub` is on
//! (flask-jwt-extended mints the token, then refuses every request bearing it), and read back
//! as typed values with `Identity::deserialize` and `Identity::parse`.

use http::Request;
use jwt_core::FixedClock;
use jwt_http::{IdentityError, JwtError, JwtManager, JwtManagerBuilder, VerifyOptions};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

const SECRET: &str = "a-test-secret-that-is-long-enough-for-hs512-0123456789abcdefghijkl";

fn manager(f: impl FnOnce(JwtManagerBuilder) -> JwtManagerBuilder) -> JwtManager {
    f(JwtManager::builder()
        .secret_key(SECRET)
        .clock(FixedClock::at(1_700_000_000)))
    .build()
    .unwrap()
}

/// The identity of a request bearing `token`, as the handler sees it.
fn identity(m: &JwtManager, token: &str) -> Result<jwt_http::Identity, JwtError> {
    let request = Request::get("/")
        .header("Authorization", format!("Bearer {token}"))
        .body(())
        .unwrap();
    let context = m.verify_request(&request, &VerifyOptions::new())?;
    Ok(context.and_then(|c| c.identity()).unwrap())
}

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
struct User {
    id: u64,
    name: String,
}

fn ann() -> User {
    User {
        id: 7,
        name: "ann".into(),
    }
}

#[test]
fn a_struct_identity_is_refused_when_made_not_on_every_request() {
    let strict = manager(|b| b);
    let err = strict.create_access_token(ann()).unwrap_err();
    assert_eq!(err, JwtError::SubjectNotString { found: "an object" });
    assert_eq!(err.status(), 500);
    assert_eq!(
        err.to_string(),
        "Cannot create a token whose \"sub\" claim is an object: JWT_VERIFY_SUB (verify_sub) is \
         on, so every request bearing it would be refused with \"Subject must be a string\". \
         Pass a string identity, register a user_identity_loader that returns one (such as the \
         user's id as text), or turn verify_sub off"
    );
    assert_eq!(
        strict.create_refresh_token(42).unwrap_err(),
        JwtError::SubjectNotString { found: "a number" }
    );

    // The fix the message names: a loader that makes the identity a string.
    let with_loader = manager(|b| b.user_identity_loader(|user| json!(user["id"].to_string())));
    let token = with_loader.create_access_token(ann()).unwrap();
    let id = identity(&with_loader, &token).unwrap();
    assert_eq!(id, "7");
    assert_eq!(id.parse::<u64>(), Ok(7));

    // The other fix: verify_sub off, and the struct comes back whole.
    let lax = manager(|b| b.verify_sub(false));
    let token = lax.create_access_token(ann()).unwrap();
    let id = identity(&lax, &token).unwrap();
    assert_eq!(id.deserialize::<User>(), Ok(ann()));
    assert_eq!(id.parse::<u64>(), Err(IdentityError::NotAString));
    // That token is still refused by a manager with verify_sub on, as in flask-jwt-extended.
    assert_eq!(
        identity(&strict, &token).unwrap_err().to_string(),
        "Subject must be a string"
    );
}

#[test]
fn typed_identities() {
    let m = manager(|b| b);
    let token = m.create_access_token("42").unwrap();
    let id = identity(&m, &token).unwrap();
    assert_eq!(id.parse::<u64>(), Ok(42));
    assert_eq!(id.deserialize::<String>(), Ok("42".to_owned()));
    assert_eq!(id.deserialize::<&str>(), Ok("42"));
    assert!(matches!(id.parse::<u8>(), Ok(42)));
    let token = m.create_access_token("300").unwrap();
    let too_big = identity(&m, &token).unwrap().parse::<u8>();
    assert!(
        matches!(&too_big, Err(IdentityError::Parse(why)) if why.contains("too large")),
        "{too_big:?}"
    );
    let err = id.deserialize::<u64>().unwrap_err();
    assert!(matches!(err, IdentityError::Deserialize(_)), "{err:?}");
    assert!(err.to_string().starts_with("Invalid identity: "), "{err}");

    let lax = manager(|b| b.verify_sub(false));
    for (identity_value, expected) in [
        (json!(42), Some(42u64)),
        (json!("42"), None),
        (json!(null), None),
    ] {
        let token = lax.create_access_token(identity_value.clone()).unwrap();
        let id = identity(&lax, &token).unwrap();
        assert_eq!(id.deserialize::<u64>().ok(), expected, "{identity_value}");
        assert_eq!(id.deserialize::<Value>(), Ok(identity_value));
    }
}
