//! Starting a builder from a `JwtConfig` (such as `JwtConfig::from_env`'s), and the short-secret
//! error naming the option the manager's user can set.

use jwt_core::{Algorithm, Key, KeyError};
use jwt_http::{ConfigError, JwtConfig, JwtManager, JwtManagerBuilder, TokenLocation};
use serde_json::json;

const SECRET: &str = "a-test-secret-that-is-long-enough-for-hs512-0123456789abcdefghijkl";

fn config() -> JwtConfig {
    JwtConfig::from_vars([
        ("JWT_SECRET_KEY".to_owned(), SECRET.to_owned()),
        ("JWT_TOKEN_LOCATION".to_owned(), r#"["cookies"]"#.to_owned()),
        ("JWT_IDENTITY_CLAIM".to_owned(), "identity".to_owned()),
    ])
    .unwrap()
}

#[test]
fn a_builder_starts_from_a_config_and_keeps_it() {
    for builder in [
        JwtManager::builder_from(config()),
        JwtManagerBuilder::from(config()),
        config().into(),
    ] {
        let manager = builder
            .user_identity_loader(|user| user["name"].clone())
            .header_type("Token")
            .build()
            .unwrap();
        let settings = manager.config();
        assert_eq!(settings.token_location, [TokenLocation::Cookies]);
        assert_eq!(settings.identity_claim, "identity");
        assert_eq!(settings.header_type, "Token");
        let token = manager.create_access_token(json!({"name": "ann"})).unwrap();
        let data = manager.decode_token(&token, false).unwrap();
        assert_eq!(data.claims.get("identity"), Some(&json!("ann")));
    }
}

#[test]
fn short_secret_errors_name_the_option_of_their_context() {
    // Through the manager: the setting is the builder's (or JwtConfig's) option.
    let err = JwtManager::builder()
        .secret_key("short")
        .build()
        .unwrap_err();
    assert!(matches!(
        err,
        ConfigError::SecretKey(KeyError::TooShort { .. })
    ));
    let message = err.to_string();
    assert_eq!(
        message,
        "JWT_SECRET_KEY: the HMAC secret is 5 bytes, but HS256 needs at least 32 (RFC 7518 §3.2); \
         use a longer random secret, or set insecure_allow_short_secret \
         (JwtManagerBuilder::insecure_allow_short_secret(true), or the JwtConfig field) while \
         migrating an application that has one"
    );
    assert!(!message.contains("Key::insecure_short_secret"), "{message}");
    // ... and setting it works.
    let short = JwtManager::builder()
        .secret_key("short")
        .insecure_allow_short_secret(true)
        .build();
    assert!(short.is_ok());
    let mut config = JwtConfig::default();
    config.secret_key = Some("short".into());
    config.insecure_allow_short_secret = true;
    let from_config = JwtManager::builder_from(config).build();
    assert!(from_config.is_ok());

    // Through jwt-core directly: Key's own opt-out.
    let err = Key::new(Algorithm::HS256, "short").map(drop).unwrap_err();
    assert!(
        err.to_string().contains("Key::insecure_short_secret"),
        "{err}"
    );
}
