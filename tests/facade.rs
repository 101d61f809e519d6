//! Everything a user touches is reachable from `jwt_extended::`, without naming `jwt_core` or
//! `jwt_http`: every item either crate exports at its root, among them the types their public
//! signatures return (`get_jwt()?.exp()` is a `NumericDate`), and a builder started from a
//! `JwtConfig`.

use std::time::Duration;

// Compile-time: each name resolves through the facade. A name missing from it fails the build.
#[allow(unused_imports)]
use jwt_extended::{
    // jwt-http
    buffer_json_body,
    create_access_token,
    create_refresh_token,
    current,
    // jwt-core
    decode,
    decode_as,
    decode_at,
    decode_header_unverified,
    decode_token,
    decode_unverified,
    decode_with,
    decode_with_at,
    encode,
    encode_with,
    enter,
    get_csrf_token,
    get_current_user,
    get_jti,
    get_jwt,
    get_jwt_header,
    get_jwt_identity,
    get_jwt_request_location,
    get_unverified_jwt_headers,
    is_json,
    json_response,
    // the macro, and the crates behind the facade
    jwt_core,
    jwt_http,
    jwt_required,
    propagate,
    scope,
    serde_json,
    set_access_cookies,
    set_refresh_cookies,
    unset_access_cookies,
    unset_jwt_cookies,
    unset_refresh_cookies,
    uuid4,
    uuid4_pair,
    verify_jws,
    verify_jwt_in_request,
    verify_jwt_in_request_async,
    Algorithm,
    Audience,
    AudienceClaim,
    BodyError,
    BoxFuture,
    BufferedBody,
    Claims,
    ClaimsWriter,
    Clock,
    ConfigError,
    ContextGuard,
    CookieOptions,
    Curve,
    ErrorResponse,
    Expiry,
    Family,
    FixedClock,
    Fresh,
    Freshness,
    Header,
    Identity,
    IdentityError,
    Jws,
    Jwt,
    JwtConfig,
    JwtContext,
    JwtError,
    JwtManager,
    JwtManagerBuilder,
    JwtRejection,
    Key,
    KeyError,
    KeySet,
    KeySetError,
    MissingKid,
    NumericDate,
    PendingVerification,
    Refusal,
    RequestHead,
    SameSite,
    Scoped,
    Secret,
    SystemClock,
    TokenBuilder,
    TokenData,
    TokenError,
    TokenLocation,
    TokenRequest,
    TokenType,
    UnixTime,
    UnknownAlgorithm,
    UnknownLocation,
    User,
    Validation,
    VerifyOptions,
    DEFAULT_MAX_TOKEN_LEN,
    MAX_KID_LEN,
};
// With the `asymmetric` feature.
#[cfg(feature = "asymmetric")]
#[allow(unused_imports)]
use jwt_extended::{DerFormat, Jwk, JwkSet};

const SECRET: &str = "a long random secret, 32 bytes or more";

/// Types as they appear in public signatures, named through the facade.
#[allow(dead_code)]
fn signatures(claims: &Claims, header: &Header) {
    let _: Option<NumericDate> = claims.exp();
    let _: Option<NumericDate> = claims.iat();
    let _: Option<Audience<'_>> = claims.aud();
    let _: Fresh = claims.fresh();
    let _: Option<&str> = header.kid();
    let _: UnixTime = SystemClock.now();
    let _: Result<Algorithm, UnknownAlgorithm> = "HS256".parse();
    let _: Result<TokenLocation, UnknownLocation> = "headers".parse();
    let _: Result<Key, KeyError> = Key::new(Algorithm::HS256, SECRET);
    let _: usize = DEFAULT_MAX_TOKEN_LEN;
    let _: Option<Identity> = get_jwt_identity();
    let _: Option<Jwt> = get_jwt();
    let _: Result<u64, IdentityError> = Identity::new(serde_json::json!("1")).parse();
}

#[test]
fn claim_types_come_back_through_the_facade() {
    let manager = JwtManager::builder()
        .secret_key(SECRET)
        .clock(FixedClock(UnixTime::from_secs(1_700_000_000)))
        .build()
        .unwrap();
    let token = manager
        .access_token("alice")
        .fresh(Duration::from_secs(60))
        .expires_in(Duration::from_secs(3600))
        .claim("aud", "api")
        .create()
        .unwrap();

    let unverified: TokenData<Claims> = decode_unverified(&token).unwrap();
    let exp: NumericDate = unverified.claims.exp().unwrap();
    assert_eq!(exp.secs(), 1_700_003_600);
    assert_eq!(unverified.claims.aud(), Some(Audience::One("api")));
    assert!(
        matches!(unverified.claims.fresh(), Fresh::Until(until) if until.secs() == 1_700_000_060)
    );
    let header: Header = decode_header_unverified(&token).unwrap();
    assert_eq!(header.alg(), Algorithm::HS256);

    let key = Key::new(Algorithm::HS256, SECRET).unwrap();
    let mut validation = Validation::new(Algorithm::HS256);
    validation.audience = Some(vec!["api".into()]);
    let at = UnixTime::from_secs(1_700_000_001);
    let verified = decode_at(&token, &key, &validation, at).unwrap();
    assert_eq!(verified.claims.sub(), Some("alice"));
    let jws: Jws = verify_jws(&token, &key, &validation).unwrap();
    assert_eq!(jws.header, header);

    let mut writer = ClaimsWriter::new();
    writer.str("sub", "bob");
    let signed = writer.sign(&Header::new(Algorithm::HS256), &key).unwrap();
    let bob = decode_at(&signed, &key, &Validation::new(Algorithm::HS256), at).unwrap();
    assert_eq!(bob.claims.sub(), Some("bob"));
    let err: TokenError = decode_at(&token, &key, &Validation::new(Algorithm::HS256), at)
        .map(drop)
        .unwrap_err();
    assert_eq!(err, TokenError::AudienceUnexpected);
    assert_eq!(uuid4().unwrap().len(), 36);
}

#[test]
fn a_builder_starts_from_a_config() {
    let config: JwtConfig = JwtConfig::from_vars([
        ("JWT_SECRET_KEY".to_owned(), SECRET.to_owned()),
        ("JWT_HEADER_TYPE".to_owned(), "Token".to_owned()),
    ])
    .unwrap();
    let builder: JwtManagerBuilder = JwtManager::builder_from(config.clone());
    let manager = builder.build().unwrap();
    assert_eq!(manager.config().header_type, "Token");
    let manager = JwtManagerBuilder::from(config).build().unwrap();
    assert_eq!(manager.config().header_type, "Token");
}

/// The names of the `pub use` items of a crate root's text (`pub use a::{B, c as D};` gives
/// `B`, `c`), `#[cfg]`-gated ones included.
fn exported_names(lib_rs: &str, from: &str) -> Vec<String> {
    let mut names = Vec::new();
    for item in lib_rs.split("pub use ").skip(1) {
        let Some(end) = item.find(';') else { continue };
        let path = item[..end].trim();
        if !path.starts_with(from) {
            continue;
        }
        let list = match (path.find('{'), path.rfind('}')) {
            (Some(open), Some(close)) => &path[open + 1..close],
            _ => path.rsplit("::").next().unwrap_or_default(),
        };
        for name in list.split(',') {
            let name = name.split_whitespace().next().unwrap_or_default();
            if !name.is_empty() {
                names.push(name.to_owned());
            }
        }
    }
    names
}

/// Whatever jwt-core exports later is re-exported by the facade too.
#[test]
fn every_jwt_core_export_is_re_exported() {
    let core: Vec<String> = exported_names(include_str!("../jwt-core/src/lib.rs"), "")
        .into_iter()
        .filter(|name| name != "crate")
        .collect();
    let facade = exported_names(include_str!("../src/lib.rs"), "jwt_core::");
    for name in [
        "NumericDate",
        "uuid4_pair",
        "decode_header_unverified",
        "DEFAULT_MAX_TOKEN_LEN",
    ] {
        assert!(
            core.iter().any(|n| n == name),
            "{name} not found in {core:?}"
        );
    }
    let missing: Vec<&String> = core.iter().filter(|n| !facade.contains(n)).collect();
    assert!(
        missing.is_empty(),
        "not re-exported by jwt_extended: {missing:?}"
    );
}
