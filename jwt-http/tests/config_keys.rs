//! Every setting of flask-jwt-extended's §1 that the request side reads: change it, see the
//! effect. (Cookie attributes and `from_env` conversions are covered in the unit tests of
//! `manager/cookies.rs`, `cookie/set_cookie.rs` and `config/env.rs`.)

use std::time::Duration;

use http::{header, HeaderMap, Method, Request, Uri};
use jwt_core::{Algorithm, FixedClock};
use jwt_http::{
    AudienceClaim, ConfigError, CookieOptions, Expiry, JwtError, JwtManager, JwtManagerBuilder,
    RequestHead, TokenLocation, VerifyOptions,
};
use serde_json::{json, Value};

const SECRET: &str = "a-test-secret-that-is-long-enough-for-hs512-0123456789abcdefghijkl";
const NOW: i64 = 1_700_000_000;

fn manager(f: impl FnOnce(JwtManagerBuilder) -> JwtManagerBuilder) -> JwtManager {
    f(JwtManager::builder()
        .secret_key(SECRET)
        .clock(FixedClock::at(NOW)))
    .build()
    .unwrap()
}

fn claims(m: &JwtManager, token: &str) -> serde_json::Map<String, Value> {
    m.decode_token(token, true).unwrap().claims.into_members()
}

fn request(method: Method, uri: &str, headers: &[(&str, &str)]) -> Request<()> {
    let mut builder = Request::builder().method(method).uri(uri);
    for (k, v) in headers {
        builder = builder.header(*k, *v);
    }
    builder.body(()).unwrap()
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

fn verify(m: &JwtManager, req: &Request<()>) -> Result<String, String> {
    verify_with(m, req, &VerifyOptions::new())
}

fn verify_with(
    m: &JwtManager,
    req: &Request<()>,
    options: &VerifyOptions,
) -> Result<String, String> {
    match m.verify_request(req, options) {
        Ok(Some(ctx)) => Ok(ctx.identity().map(|i| i.to_string()).unwrap_or_default()),
        Ok(None) => Ok("<skipped>".into()),
        Err(e) => Err(e.to_string()),
    }
}

#[test]
fn access_and_refresh_token_expires() {
    let m = manager(|b| {
        b.access_token_expires(Expiry::seconds(60))
            .refresh_token_expires(Expiry::Never)
    });
    let access = claims(&m, &m.create_access_token("a").unwrap());
    assert_eq!(access["exp"], json!(NOW + 60));
    let refresh = claims(&m, &m.create_refresh_token("a").unwrap());
    assert!(!refresh.contains_key("exp"));
    let defaults = manager(|b| b);
    assert_eq!(
        claims(&defaults, &defaults.create_access_token("a").unwrap())["exp"],
        json!(NOW + 900)
    );
    assert_eq!(
        claims(&defaults, &defaults.create_refresh_token("a").unwrap())["exp"],
        json!(NOW + 2_592_000)
    );
}

#[test]
fn algorithm_and_decode_algorithms() {
    let hs512 = manager(|b| b.algorithm(Algorithm::HS512));
    let token = hs512.create_access_token("a").unwrap();
    assert_eq!(
        hs512.decode_token(&token, false).unwrap().header.alg(),
        Algorithm::HS512
    );
    let hs256 = manager(|b| b);
    let err = hs256.decode_token(&token, false).unwrap_err();
    assert_eq!(err.to_string(), "The specified alg value is not allowed");
    let both = manager(|b| b.decode_algorithms(vec![Algorithm::HS512]));
    assert!(
        both.decode_token(&token, false).is_ok(),
        "HS512 accepted by decode_algorithms"
    );
    assert!(
        both.decode_token(hs256.create_access_token("a").unwrap(), false)
            .is_ok(),
        "the signing algorithm is always accepted"
    );
}

#[test]
fn secret_key() {
    let other = JwtManager::builder()
        .secret_key("another-secret-that-is-long-enough-0123456789")
        .build()
        .unwrap();
    let err = manager(|b| b)
        .decode_token(other.create_access_token("a").unwrap(), false)
        .unwrap_err();
    assert_eq!(err.to_string(), "Signature verification failed");
    assert_eq!(
        JwtManager::builder().build().unwrap_err(),
        ConfigError::MissingSecretKey
    );
    assert!(matches!(
        JwtManager::builder()
            .secret_key("short")
            .build()
            .unwrap_err(),
        ConfigError::SecretKey(_)
    ));
    assert!(JwtManager::builder()
        .secret_key("short")
        .insecure_allow_short_secret(true)
        .build()
        .is_ok());
}

#[test]
fn audience_and_issuer() {
    let m = manager(|b| {
        b.encode_audience(AudienceClaim::One("api".into()))
            .decode_audience(["api"])
    });
    let token = m.create_access_token("a").unwrap();
    assert_eq!(claims(&m, &token)["aud"], json!("api"));
    assert!(m.decode_token(&token, false).is_ok());
    let plain = manager(|b| b).create_access_token("a").unwrap();
    assert_eq!(
        m.decode_token(&plain, false).unwrap_err().to_string(),
        "Token is missing the \"aud\" claim"
    );
    // Stricter than flask-jwt-extended: `aud` present, no decode audience configured.
    assert_eq!(
        manager(|b| b)
            .decode_token(&token, false)
            .unwrap_err()
            .to_string(),
        "Invalid audience"
    );
    let other = manager(|b| b.decode_audience(["web"]));
    assert_eq!(
        other.decode_token(&token, false).unwrap_err().to_string(),
        "Audience doesn't match"
    );

    let m = manager(|b| b.encode_issuer("me").decode_issuer(["me"]));
    let token = m.create_access_token("a").unwrap();
    assert_eq!(claims(&m, &token)["iss"], json!("me"));
    assert!(m.decode_token(&token, false).is_ok());
    let other = manager(|b| b.decode_issuer(["you"]));
    assert_eq!(
        other.decode_token(&token, false).unwrap_err().to_string(),
        "Invalid issuer"
    );
    assert_eq!(
        other.decode_token(&plain, false).unwrap_err().to_string(),
        "Token is missing the \"iss\" claim"
    );
}

#[test]
fn decode_leeway() {
    let minter = JwtManager::builder()
        .secret_key(SECRET)
        .clock(FixedClock::at(NOW - 910))
        .build()
        .unwrap();
    let token = minter.create_access_token("a").unwrap(); // expired 10 s before NOW
    assert!(matches!(
        manager(|b| b).decode_token(&token, false),
        Err(JwtError::Expired(_))
    ));
    assert!(manager(|b| b.decode_leeway(30u64))
        .decode_token(&token, false)
        .is_ok());
}

#[test]
fn encode_nbf_and_csrf_claim() {
    let m = manager(|b| b.encode_nbf(false).cookie_csrf_protect(false));
    let c = claims(&m, &m.create_access_token("a").unwrap());
    assert!(!c.contains_key("nbf") && !c.contains_key("csrf"));
    let d = manager(|b| b);
    let c = claims(&d, &d.create_access_token("a").unwrap());
    assert_eq!(c["nbf"], json!(NOW));
    assert_eq!(c["csrf"].as_str().unwrap().len(), 36);
}

#[test]
fn identity_claim_and_verify_sub() {
    let m = manager(|b| b.identity_claim("identity"));
    let token = m.create_access_token("alice").unwrap();
    assert_eq!(claims(&m, &token)["identity"], json!("alice"));
    assert_eq!(
        verify(
            &m,
            &request(Method::GET, "/", &[("authorization", &bearer(&token))])
        ),
        Ok("alice".into())
    );
    let plain = manager(|b| b).create_access_token("a").unwrap();
    assert_eq!(
        m.decode_token(&plain, false).unwrap_err().to_string(),
        "Missing claim: identity"
    );

    // Made with verify_sub off: with it on, creating a non-string subject is refused.
    assert_eq!(
        manager(|b| b).create_access_token(42),
        Err(JwtError::SubjectNotString { found: "a number" })
    );
    let numeric = manager(|b| b.verify_sub(false))
        .create_access_token(42)
        .unwrap();
    assert_eq!(
        manager(|b| b)
            .decode_token(&numeric, false)
            .unwrap_err()
            .to_string(),
        "Subject must be a string"
    );
    let lax = manager(|b| b.verify_sub(false));
    assert_eq!(
        verify(
            &lax,
            &request(Method::GET, "/", &[("authorization", &bearer(&numeric))])
        ),
        Ok("42".into())
    );
}

#[test]
fn error_message_key() {
    let m = manager(|b| b.error_msg_key("error"));
    let response: http::Response<String> = m.error_response(&JwtError::MissingCsrfToken);
    assert_eq!(response.body(), "{\"error\":\"Missing CSRF token\"}\n");
}

#[test]
fn token_location_header_name_and_type() {
    let token = manager(|b| b).create_access_token("a").unwrap();
    let cookies_only = manager(|b| b.token_location(vec![TokenLocation::Cookies]));
    let req = request(Method::GET, "/", &[("authorization", &bearer(&token))]);
    assert_eq!(
        verify(&cookies_only, &req),
        Err("Missing cookie \"access_token_cookie\"".into())
    );

    let custom = manager(|b| b.header_name("X-Auth").header_type(""));
    let req = request(Method::GET, "/", &[("x-auth", &token)]);
    assert_eq!(verify(&custom, &req), Ok("a".into()));
    let req = request(Method::GET, "/", &[("x-auth", &bearer(&token))]);
    assert_eq!(
        verify(&custom, &req),
        Err("Bad X-Auth header. Expected 'X-Auth: <JWT>'".into())
    );
    let req = request(Method::GET, "/", &[]);
    assert_eq!(verify(&custom, &req), Err("Missing X-Auth Header".into()));

    let jwt_scheme = manager(|b| b.header_type("JWT"));
    let req = request(Method::GET, "/", &[("authorization", &bearer(&token))]);
    assert_eq!(
        verify(&jwt_scheme, &req),
        Err(
            "Missing 'JWT' type in 'Authorization' header. Expected 'Authorization: JWT <JWT>'"
                .into()
        )
    );
}

#[test]
fn query_string_name_and_prefix() {
    let token = manager(|b| b).create_access_token("a").unwrap();
    let m = manager(|b| {
        b.token_location(vec![TokenLocation::QueryString])
            .with(|c| {
                c.query_string_name = "token".into();
                c.query_string_value_prefix = "Bearer ".into();
            })
    });
    let req = request(Method::GET, &format!("/?token=Bearer+{token}"), &[]);
    assert_eq!(verify(&m, &req), Ok("a".into()));
    let req = request(Method::GET, &format!("/?token={token}"), &[]);
    assert_eq!(
        verify(&m, &req),
        Err(
            "Invalid value for query parameter 'token'. Expected the value to start with 'Bearer '"
                .into()
        )
    );
    let req = request(Method::GET, &format!("/?jwt={token}"), &[]);
    assert_eq!(
        verify(&m, &req),
        Err("Missing 'token' query paramater".into())
    );
}

#[test]
fn json_keys() {
    let d = manager(|b| b);
    let (access, refresh) = (
        d.create_access_token("a").unwrap(),
        d.create_refresh_token("r").unwrap(),
    );
    let m = manager(|b| {
        b.token_location(vec![TokenLocation::Json]).with(|c| {
            c.json_key = "at".into();
            c.refresh_json_key = "rt".into();
        })
    });
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        "application/json; charset=utf-8".parse().unwrap(),
    );
    let uri: Uri = "/".parse().unwrap();
    let body = json!({ "at": access, "rt": refresh }).to_string();
    let head = RequestHead::new(&Method::POST, &uri, &headers).with_body(body.as_bytes());
    let identity = |r: Result<_, JwtError>| {
        r.map(|c: Option<std::sync::Arc<jwt_http::JwtContext>>| {
            c.unwrap().identity().unwrap().to_string()
        })
    };
    assert_eq!(
        identity(m.verify_request(&head, &VerifyOptions::new())),
        Ok("a".into())
    );
    let refresh_route = VerifyOptions {
        refresh: true,
        ..VerifyOptions::new()
    };
    assert_eq!(
        identity(m.verify_request(&head, &refresh_route)),
        Ok("r".into())
    );
    let body = json!({ "access_token": access }).to_string();
    let head = RequestHead::new(&Method::POST, &uri, &headers).with_body(body.as_bytes());
    assert_eq!(
        m.verify_request(&head, &VerifyOptions::new())
            .unwrap_err()
            .to_string(),
        "Missing \"at\" key in json data."
    );
    headers.insert(header::CONTENT_TYPE, "text/plain".parse().unwrap());
    let head = RequestHead::new(&Method::POST, &uri, &headers).with_body(body.as_bytes());
    assert_eq!(
        m.verify_request(&head, &VerifyOptions::new())
            .unwrap_err()
            .to_string(),
        "Invalid content-type. Must be application/json."
    );
}

fn cookie_header(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ")
}

#[test]
fn cookie_names_and_csrf_settings() {
    let m = manager(|b| {
        b.token_location(vec![TokenLocation::Cookies]).with(|c| {
            c.access_cookie_name = "at".into();
            c.refresh_cookie_name = "rt".into();
            c.access_csrf_header_name = "X-Access-Csrf".into();
            c.refresh_csrf_header_name = "X-Refresh-Csrf".into();
            c.access_csrf_cookie_name = "at_csrf".into();
            c.refresh_csrf_cookie_name = "rt_csrf".into();
            c.access_csrf_cookie_path = "/api".into();
            c.refresh_csrf_cookie_path = "/auth".into();
            c.access_cookie_path = "/api".into();
            c.refresh_cookie_path = "/auth".into();
        })
    });
    let access = m.create_access_token("a").unwrap();
    let refresh = m.create_refresh_token("r").unwrap();
    let csrf = m.get_csrf_token(&access).unwrap();
    let refresh_csrf = m.get_csrf_token(&refresh).unwrap();

    let mut headers = HeaderMap::new();
    m.set_access_cookies(&mut headers, &access, &CookieOptions::default())
        .unwrap();
    m.set_refresh_cookies(&mut headers, &refresh, &CookieOptions::default())
        .unwrap();
    let set: Vec<&str> = headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    assert_eq!(set[0], format!("at={access}; HttpOnly; Path=/api"));
    assert_eq!(set[1], format!("at_csrf={csrf}; Path=/api"));
    assert_eq!(set[2], format!("rt={refresh}; HttpOnly; Path=/auth"));
    assert_eq!(set[3], format!("rt_csrf={refresh_csrf}; Path=/auth"));

    let cookies = cookie_header(&[("at", &access), ("rt", &refresh)]);
    let get = request(Method::GET, "/", &[("cookie", &cookies)]);
    assert_eq!(verify(&m, &get), Ok("a".into()));
    let post = request(Method::POST, "/", &[("cookie", &cookies)]);
    assert_eq!(verify(&m, &post), Err("Missing CSRF token".into()));
    let post = request(
        Method::POST,
        "/",
        &[("cookie", &cookies), ("x-access-csrf", &csrf)],
    );
    assert_eq!(verify(&m, &post), Ok("a".into()));
    let post = request(
        Method::POST,
        "/",
        &[("cookie", &cookies), ("x-access-csrf", &refresh_csrf)],
    );
    assert_eq!(
        verify(&m, &post),
        Err("CSRF double submit tokens do not match".into())
    );
    let refresh_route = VerifyOptions {
        refresh: true,
        ..VerifyOptions::new()
    };
    let post = request(
        Method::POST,
        "/",
        &[("cookie", &cookies), ("x-refresh-csrf", &refresh_csrf)],
    );
    assert_eq!(verify_with(&m, &post, &refresh_route), Ok("r".into()));
}

#[test]
fn csrf_protect_methods_and_form() {
    let token_of = |m: &JwtManager| m.create_access_token("a").unwrap();
    let off = manager(|b| {
        b.token_location(vec![TokenLocation::Cookies])
            .cookie_csrf_protect(false)
    });
    let cookie = cookie_header(&[("access_token_cookie", &token_of(&off))]);
    assert_eq!(
        verify(&off, &request(Method::POST, "/", &[("cookie", &cookie)])),
        Ok("a".into())
    );

    let get_too = manager(|b| {
        b.token_location(vec![TokenLocation::Cookies])
            .with(|c| c.csrf_methods = vec![Method::GET])
    });
    let token = token_of(&get_too);
    let cookie = cookie_header(&[("access_token_cookie", &token)]);
    assert_eq!(
        verify(&get_too, &request(Method::GET, "/", &[("cookie", &cookie)])),
        Err("Missing CSRF token".into())
    );
    assert_eq!(
        verify(
            &get_too,
            &request(Method::POST, "/", &[("cookie", &cookie)])
        ),
        Ok("a".into())
    );

    let form = manager(|b| {
        b.token_location(vec![TokenLocation::Cookies]).with(|c| {
            c.csrf_check_form = true;
            c.access_csrf_field_name = "csrf".into();
        })
    });
    let token = token_of(&form);
    let csrf = form.get_csrf_token(&token).unwrap();
    let mut headers = HeaderMap::new();
    headers.insert(
        header::COOKIE,
        cookie_header(&[("access_token_cookie", &token)])
            .parse()
            .unwrap(),
    );
    headers.insert(
        header::CONTENT_TYPE,
        "application/x-www-form-urlencoded".parse().unwrap(),
    );
    let uri: Uri = "/".parse().unwrap();
    let body = format!("a=1&csrf={csrf}");
    let head = RequestHead::new(&Method::POST, &uri, &headers).with_body(body.as_bytes());
    assert!(form.verify_request(&head, &VerifyOptions::new()).is_ok());
    let no_form = manager(|b| b.token_location(vec![TokenLocation::Cookies]));
    assert_eq!(
        no_form
            .verify_request(&head, &VerifyOptions::new())
            .unwrap_err()
            .to_string(),
        "Missing CSRF token"
    );
}

#[test]
fn csrf_in_cookies_and_cookie_attributes() {
    let m = manager(|b| {
        b.with(|c| {
            c.csrf_in_cookies = false;
            c.cookie_secure = true;
            c.cookie_samesite = Some(jwt_http::SameSite::Strict);
            c.cookie_domain = Some(".example.com".into());
            c.session_cookie = false;
        })
    });
    let token = m.create_access_token("a").unwrap();
    let mut headers = HeaderMap::new();
    m.set_access_cookies(&mut headers, &token, &CookieOptions::default())
        .unwrap();
    let set: Vec<&str> = headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    assert_eq!(set.len(), 1, "no CSRF cookie when csrf_in_cookies is off");
    assert!(
        set[0].starts_with(&format!(
            "access_token_cookie={token}; Domain=example.com; Expires="
        )),
        "{}",
        set[0]
    );
    assert!(
        set[0].ends_with("; Max-Age=31540000; Secure; HttpOnly; Path=/; SameSite=Strict"),
        "{}",
        set[0]
    );
}

/// OPTIONS is checked like any other method unless the caller exempts it explicitly
/// (flask-jwt-extended exempts it because Flask never runs the view for it).
#[test]
fn options_requests_are_checked_unless_exempted() {
    let m = manager(|b| b);
    let request = request(Method::OPTIONS, "/", &[]);
    assert_eq!(
        verify(&m, &request).unwrap_err().to_string(),
        "Missing Authorization Header"
    );
    let exempt = VerifyOptions {
        exempt_options: true,
        ..VerifyOptions::new()
    };
    assert!(m.verify_request(&request, &exempt).unwrap().is_none());
}

#[test]
fn max_token_len() {
    let m = manager(|b| b.max_token_len(100usize));
    let token = m.create_access_token("a").unwrap();
    assert_eq!(
        m.decode_token(&token, false).unwrap_err().to_string(),
        "Token is larger than the maximum of 100 bytes"
    );
}

#[test]
fn host_prefixed_cookies_need_secure_and_no_domain() {
    let err = JwtManager::builder()
        .secret_key(SECRET)
        .with(|c| c.access_cookie_name = "__Host-at".into())
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("__Host-"), "{err}");
    assert!(JwtManager::builder()
        .secret_key(SECRET)
        .hardened_cookies()
        .build()
        .is_ok());
}

#[test]
fn fresh_durations() {
    let m = manager(|b| b);
    let token = m
        .access_token("a")
        .fresh(Duration::from_secs(300))
        .create()
        .unwrap();
    assert_eq!(claims(&m, &token)["fresh"], json!((NOW + 300) as f64));
    let fresh_route = VerifyOptions {
        fresh: true,
        ..VerifyOptions::new()
    };
    let req = request(Method::GET, "/", &[("authorization", &bearer(&token))]);
    assert_eq!(verify_with(&m, &req, &fresh_route), Ok("a".into()));
    let later = JwtManager::builder()
        .secret_key(SECRET)
        .clock(FixedClock::at(NOW + 301))
        .build()
        .unwrap();
    assert_eq!(
        verify_with(&later, &req, &fresh_route),
        Err("Fresh token required".into())
    );
}

/// `JWT_PRIVATE_KEY`, `JWT_PUBLIC_KEY` and asymmetric `JWT_ALGORITHM`/`JWT_DECODE_ALGORITHMS`
/// read from variables as the twin passes them (`"$(cat k.pem)"`, JSON lists).
#[cfg(feature = "asymmetric")]
mod asymmetric_keys {
    use super::*;
    use jwt_http::JwtConfig;

    const RSA: &str = include_str!("../../tests/fixtures/asymmetric_keys/rsa.pem");
    const RSA_PUB: &str = include_str!("../../tests/fixtures/asymmetric_keys/rsa_pub.pem");
    const ED: &str = include_str!("../../tests/fixtures/asymmetric_keys/ed.pem");

    fn vars(pairs: &[(&str, &str)]) -> Result<JwtManager, ConfigError> {
        let config = JwtConfig::from_vars(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
        )?;
        JwtManager::new(config)
    }

    #[test]
    fn the_twins_variables_make_an_rs256_manager_without_a_secret() {
        let m = vars(&[
            ("JWT_ALGORITHM", "RS256"),
            ("JWT_PRIVATE_KEY", RSA.trim_end()),
            ("JWT_PUBLIC_KEY", RSA_PUB.trim_end()),
        ])
        .unwrap();
        assert_eq!(m.algorithm(), Algorithm::RS256);
        let token = m.create_access_token("alice").unwrap();
        assert!(token.starts_with("eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9."));
        assert_eq!(
            m.decode_token(&token, false).unwrap().claims.sub(),
            Some("alice")
        );
        // The private key is redacted like the secret.
        let shown = format!("{:?}", m.config());
        assert!(shown.contains("private_key: Some(Secret("), "{shown}");
        let body = RSA.lines().nth(1).unwrap();
        assert!(!shown.contains(body), "{shown}");
        // A secret may be set too: it is ignored, as in flask-jwt-extended.
        vars(&[
            ("JWT_ALGORITHM", "EdDSA"),
            ("JWT_PRIVATE_KEY", ED),
            ("JWT_SECRET_KEY", "short"),
        ])
        .unwrap();
    }

    #[test]
    fn decode_algorithms_must_be_servable_by_the_verification_key() {
        let m = vars(&[
            ("JWT_ALGORITHM", "RS256"),
            ("JWT_DECODE_ALGORITHMS", r#"["RS256","PS256"]"#),
            ("JWT_PUBLIC_KEY", RSA_PUB),
        ])
        .unwrap();
        assert_eq!(
            m.config().decode_algorithms,
            [Algorithm::RS256, Algorithm::PS256]
        );
        let err = vars(&[
            ("JWT_ALGORITHM", "RS256"),
            ("JWT_DECODE_ALGORITHMS", r#"["RS256","HS256"]"#),
            ("JWT_PUBLIC_KEY", RSA_PUB),
            ("JWT_SECRET_KEY", SECRET),
        ])
        .unwrap_err();
        let message = err.to_string();
        assert!(
            message.starts_with(
                "JWT_DECODE_ALGORITHMS has HS256, which JWT_PUBLIC_KEY (a 2048-bit RSA key) cannot serve"
            ),
            "{message}"
        );
        // HS256 signing with RS256 among the decode algorithms: the secret cannot serve it.
        let err = vars(&[
            ("JWT_DECODE_ALGORITHMS", r#"["RS256"]"#),
            ("JWT_SECRET_KEY", SECRET),
            ("JWT_PUBLIC_KEY", RSA_PUB),
        ])
        .unwrap_err();
        assert!(
            matches!(
                err,
                ConfigError::AlgorithmKeyMismatch {
                    algorithm_option: "JWT_DECODE_ALGORITHMS",
                    algorithm: Algorithm::RS256,
                    key_option: "JWT_SECRET_KEY",
                    ..
                }
            ),
            "{err:?}"
        );
        // An EdDSA key for ES256.
        let err = vars(&[("JWT_ALGORITHM", "ES256"), ("JWT_PRIVATE_KEY", ED)]).unwrap_err();
        assert!(
            matches!(
                err,
                ConfigError::AlgorithmKeyMismatch {
                    algorithm_option: "JWT_ALGORITHM",
                    key_option: "JWT_PRIVATE_KEY",
                    ..
                }
            ),
            "{err:?}"
        );
    }

    #[test]
    fn which_key_is_missing() {
        // HMAC still needs its secret.
        assert_eq!(vars(&[]).unwrap_err(), ConfigError::MissingSecretKey);
        // Asymmetric: no secret needed; one of the two keys is.
        assert_eq!(
            vars(&[("JWT_ALGORITHM", "PS512")]).unwrap_err(),
            ConfigError::MissingAsymmetricKey {
                algorithm: Algorithm::PS512
            }
        );
        let verifier = vars(&[("JWT_ALGORITHM", "RS256"), ("JWT_PUBLIC_KEY", RSA_PUB)]).unwrap();
        assert_eq!(
            verifier
                .create_refresh_token("alice")
                .unwrap_err()
                .to_string(),
            "JWT_PRIVATE_KEY must be set to use asymmetric cryptography algorithm \"RS256\""
        );
        // Unusable PEM text names its variable, never its content.
        let err = vars(&[
            ("JWT_ALGORITHM", "RS256"),
            (
                "JWT_PRIVATE_KEY",
                "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----",
            ),
        ])
        .unwrap_err();
        assert!(matches!(err, ConfigError::PrivateKey(_)), "{err:?}");
        assert!(err.to_string().starts_with("JWT_PRIVATE_KEY: "), "{err}");
        assert!(!err.to_string().contains("AAAA"), "{err}");
        let err = vars(&[("JWT_ALGORITHM", "RS256"), ("JWT_PUBLIC_KEY", "not pem")]).unwrap_err();
        assert!(err.to_string().starts_with("JWT_PUBLIC_KEY: "), "{err}");
    }
}

/// Without the `asymmetric` feature, asymmetric names and keys are refused naming the feature.
#[cfg(not(feature = "asymmetric"))]
#[test]
fn asymmetric_settings_need_the_feature() {
    for (name, value) in [
        ("JWT_ALGORITHM", "RS256"),
        ("JWT_DECODE_ALGORITHMS", r#"["HS256","EdDSA"]"#),
        (
            "JWT_PRIVATE_KEY",
            "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----",
        ),
        (
            "JWT_PUBLIC_KEY",
            "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----",
        ),
    ] {
        let err =
            jwt_http::JwtConfig::from_vars([(name.to_owned(), value.to_owned())]).unwrap_err();
        let message = err.to_string();
        assert!(message.starts_with(name), "{message}");
        assert!(message.contains("`asymmetric` feature"), "{message}");
    }
    let err = JwtManager::builder()
        .secret_key(SECRET)
        .algorithm(Algorithm::ES256)
        .build()
        .unwrap_err();
    assert_eq!(
        err,
        ConfigError::AsymmetricUnavailable {
            option: "JWT_ALGORITHM"
        }
    );
    assert!(err.to_string().contains("`asymmetric` feature"), "{err}");
    let err = JwtManager::builder()
        .secret_key(SECRET)
        .public_key_pem("-----BEGIN PUBLIC KEY-----")
        .build()
        .unwrap_err();
    assert_eq!(
        err,
        ConfigError::AsymmetricUnavailable {
            option: "JWT_PUBLIC_KEY"
        }
    );
}
