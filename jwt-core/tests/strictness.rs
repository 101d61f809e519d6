//! Targeted strictness tests: what a reviewer of a JWT verifier checks first.

mod common;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use common::hmac;
use jwt_core::{
    decode, decode_as, decode_unverified, encode, verify_jws, Algorithm, Audience, Error,
    FixedClock, Fresh, Header, Key, KeyError, Validation,
};
use serde_json::{json, Value};

const NOW: i64 = 1_700_000_000;
const FUTURE: u64 = 4_102_444_800;
/// 64 bytes: long enough for every algorithm.
const SECRET: &[u8] = b"correct horse battery staple; correct horse battery staple; 64b!";
const B64URL: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn key(alg: Algorithm) -> Key {
    Key::new(alg, SECRET).expect("a 64-byte key")
}

fn at(now: i64) -> Validation {
    Validation::new(Algorithm::HS256).with_clock(FixedClock::at(now))
}

fn token(claims: &Value) -> String {
    encode(
        &Header::new(Algorithm::HS256),
        claims,
        &key(Algorithm::HS256),
    )
    .expect("encode")
}

/// A token over literal header and payload bytes, correctly signed with [`SECRET`] (HS256).
fn raw_token(header: &[u8], payload: &[u8]) -> String {
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(payload)
    );
    let mac = hmac(Algorithm::HS256, SECRET, signing_input.as_bytes());
    format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(mac))
}

fn decode_err(token: &str, validation: &Validation) -> Error {
    match decode(token, &key(Algorithm::HS256), validation) {
        Ok(data) => panic!("accepted {token}: {:?}", data.claims),
        Err(e) => e,
    }
}

fn claims_err(claims: Value) -> Error {
    decode_err(&token(&claims), &at(NOW))
}

// --- Round trips -------------------------------------------------------------------------------

#[test]
fn round_trip_every_algorithm_with_claims_accessors() {
    for alg in Algorithm::HMAC {
        let claims = json!({
            "sub": "alice",
            "iss": "https://issuer.example",
            "aud": ["web", "api"],
            "exp": FUTURE,
            "nbf": NOW,
            "iat": NOW,
            "jti": "6f1c2a57-3d1e-4b8e-9d43-2f3f6f0e9b10",
            "type": "refresh",
            "fresh": 1_700_000_900.5,
            "csrf": "0c2bd2f5",
            "role": "admin",
        });
        let key = key(alg);
        let token = encode(&Header::new(alg), &claims, &key).expect("encode");
        let mut validation = Validation::new(alg).with_clock(FixedClock::at(NOW));
        validation.set_audience(["api"]);
        validation.set_issuer(["https://issuer.example"]);
        let data = decode(&token, &key, &validation).expect("decode");

        assert_eq!(data.header.alg(), alg);
        assert_eq!(data.header.typ(), Some("JWT"));
        let c = &data.claims;
        assert_eq!(c.sub(), Some("alice"));
        assert_eq!(c.iss(), Some("https://issuer.example"));
        assert_eq!(c.jti(), Some("6f1c2a57-3d1e-4b8e-9d43-2f3f6f0e9b10"));
        assert_eq!(c.exp().map(|d| d.secs()), Some(FUTURE as i64));
        assert_eq!(c.nbf().map(|d| d.secs()), Some(NOW));
        assert_eq!(c.iat().map(|d| d.secs()), Some(NOW));
        assert!(matches!(c.aud(), Some(Audience::Many(list)) if list.len() == 2));
        assert_eq!(c.token_type(), "refresh");
        assert!(matches!(c.fresh(), Fresh::Until(d) if d.as_f64() == 1_700_000_900.5));
        assert!(c.fresh().is_fresh_at(NOW as f64));
        assert!(!c.fresh().is_fresh_at(1_700_001_000.0));
        assert_eq!(c.csrf(), Some("0c2bd2f5"));
        assert_eq!(c.get("role"), Some(&json!("admin")));
        assert_eq!(Value::from(data.claims), claims);

        // The MAC has the full length of the hash.
        let signature = token.rsplit('.').next().expect("signature");
        assert_eq!(
            URL_SAFE_NO_PAD.decode(signature).expect("b64").len(),
            alg.hmac_output_len().expect("HMAC")
        );
    }
}

#[test]
fn claims_defaults_for_absent_flask_claims() {
    let data = decode(
        token(&json!({"sub": "bob"})),
        &key(Algorithm::HS256),
        &at(NOW),
    )
    .expect("decode");
    assert_eq!(data.claims.token_type(), "access");
    assert_eq!(data.claims.fresh(), Fresh::Bool(false));
    assert_eq!(data.claims.exp(), None);
    assert_eq!(data.claims.aud(), None);
    assert_eq!(data.claims.csrf(), None);
}

#[test]
fn decode_as_a_user_struct() {
    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct MyClaims {
        sub: String,
        exp: u64,
        role: String,
        #[serde(default)]
        perms: Vec<String>,
        org: Option<Org>,
    }
    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Org {
        id: u32,
    }
    let t =
        token(&json!({"sub": "alice", "exp": FUTURE, "role": "admin", "org": {"id": 7}, "x": 1}));
    let data = decode_as::<MyClaims>(&t, &key(Algorithm::HS256), &at(NOW)).expect("decode_as");
    assert_eq!(
        data.claims,
        MyClaims {
            sub: "alice".into(),
            exp: FUTURE,
            role: "admin".into(),
            perms: vec![],
            org: Some(Org { id: 7 }),
        }
    );
    assert_eq!(data.header.alg(), Algorithm::HS256);

    // A claims set of the wrong shape is a ClaimsType error, after full verification.
    let t = token(&json!({"sub": "alice", "exp": FUTURE, "role": 5}));
    assert!(matches!(
        decode_as::<MyClaims>(&t, &key(Algorithm::HS256), &at(NOW)),
        Err(Error::ClaimsType(_))
    ));
    // ...and verification still comes first.
    let t = token(&json!({"sub": "alice", "exp": NOW, "role": "admin"}));
    assert_eq!(
        decode_as::<MyClaims>(&t, &key(Algorithm::HS256), &at(NOW)).map(|d| d.claims),
        Err(Error::Expired)
    );
}

// --- Tampering and malleability ------------------------------------------------------------------

#[test]
fn every_single_character_substitution_is_rejected() {
    for alg in Algorithm::HMAC {
        let key = key(alg);
        let validation = Validation::new(alg).with_clock(FixedClock::at(NOW));
        let original = encode(
            &Header::new(alg),
            &json!({"sub": "alice", "exp": FUTURE, "role": "admin"}),
            &key,
        )
        .expect("encode");
        assert!(decode(&original, &key, &validation).is_ok());
        let mut accepted = Vec::new();
        let mut bytes = original.clone().into_bytes();
        for i in 0..bytes.len() {
            let before = bytes[i];
            for &replacement in B64URL.iter().filter(|&&c| c != before) {
                bytes[i] = replacement;
                if decode(&bytes, &key, &validation).is_ok() {
                    accepted.push((i, replacement as char));
                }
            }
            bytes[i] = before;
        }
        assert!(
            accepted.is_empty(),
            "{alg}: tampered tokens accepted at (position, char): {accepted:?}"
        );
    }
}

#[test]
fn padding_or_whitespace_on_any_segment_is_rejected() {
    let t = token(&json!({"sub": "alice", "exp": FUTURE}));
    let parts: Vec<&str> = t.split('.').collect();
    let expected = [
        Error::InvalidHeaderPadding,
        Error::InvalidPayloadPadding,
        Error::InvalidSignaturePadding,
    ];
    for (i, want) in expected.iter().enumerate() {
        for junk in ["=", "==", " ", "\n", "+", "/"] {
            let mut p = parts.clone();
            let edited = format!("{}{junk}", p[i]);
            p[i] = &edited;
            let tampered = p.join(".");
            let err = decode_err(&tampered, &at(NOW));
            // The payload is decoded only after the MAC, which covers the literal text.
            let want = if i == 1 {
                &Error::InvalidSignature
            } else {
                want
            };
            assert_eq!(&err, want, "segment {i} + {junk:?}");
        }
    }
}

#[test]
fn extra_segments_are_rejected_before_any_work() {
    let t = token(&json!({"sub": "alice"}));
    for tampered in [
        format!("{t}."),
        format!("{t}.x"),
        format!("{t}{}", ".".repeat(10_000)),
        ".".repeat(10_000),
        "a.b.c.d".to_owned(),
    ] {
        assert_eq!(
            decode_err(&tampered, &at(NOW)),
            Error::InvalidPayloadPadding
        );
    }
    for short in ["", "abc", "a.b", &t[..t.rfind('.').expect("dot")]] {
        assert_eq!(decode_err(short, &at(NOW)), Error::NotEnoughSegments);
    }
}

#[test]
fn token_length_limit_is_inclusive() {
    let t = token(&json!({"sub": "alice"}));
    let mut validation = at(NOW);
    validation.max_token_len = t.len();
    assert!(decode(&t, &key(Algorithm::HS256), &validation).is_ok());
    validation.max_token_len = t.len() - 1;
    assert_eq!(
        decode_err(&t, &validation),
        Error::TokenTooLarge {
            len: t.len(),
            max: t.len() - 1
        }
    );
}

// --- Algorithm ---------------------------------------------------------------------------------

#[test]
fn algorithm_comes_from_the_allow_list_only() {
    let payload = br#"{"sub":"alice"}"#;
    for alg in [
        r#""none""#,
        r#""None""#,
        r#""hs256""#,
        r#""HS256 ""#,
        r#""RS256""#,
        r#""ES256""#,
        "null",
        r#"["HS256"]"#,
        "256",
    ] {
        let header = format!(r#"{{"alg":{alg}}}"#);
        let t = raw_token(header.as_bytes(), payload);
        assert_eq!(
            decode_err(&t, &at(NOW)),
            Error::AlgorithmNotAllowed,
            "{alg}"
        );
        // An empty signature, as an unsecured JWS would have, changes nothing.
        let unsecured = format!("{}.", &t[..t.rfind('.').expect("dot")]);
        assert_eq!(
            decode_err(&unsecured, &at(NOW)),
            Error::AlgorithmNotAllowed,
            "{alg}"
        );
    }
    assert_eq!(
        decode_err(&raw_token(br#"{"typ":"JWT"}"#, payload), &at(NOW)),
        Error::AlgorithmMissing
    );

    // A valid HS384 token is refused when only HS256 is allowed, even with a key for both.
    let both = Key::for_algorithms(&[Algorithm::HS256, Algorithm::HS384], SECRET).expect("key");
    let t384 = encode(&Header::new(Algorithm::HS384), &json!({"sub": "a"}), &both).expect("encode");
    assert_eq!(
        decode(&t384, &both, &at(NOW)).map(|d| d.claims),
        Err(Error::AlgorithmNotAllowed)
    );
    let mut allow_384 = at(NOW);
    allow_384.algorithms = vec![Algorithm::HS384];
    assert!(decode(&t384, &both, &allow_384).is_ok());
    // Allowed by the validation but not by the key: still refused.
    assert_eq!(
        decode(&t384, &key(Algorithm::HS256), &allow_384).map(|d| d.claims),
        Err(Error::AlgorithmNotAllowed)
    );
    // Signing with a key for another algorithm is refused.
    assert_eq!(
        encode(
            &Header::new(Algorithm::HS512),
            &json!({}),
            &key(Algorithm::HS256)
        ),
        Err(Error::KeyAlgorithmMismatch)
    );
}

#[test]
fn mac_of_another_length_is_refused() {
    let k512 = Key::for_algorithms(&Algorithm::HMAC, SECRET).expect("key");
    let t256 = encode(&Header::new(Algorithm::HS256), &json!({"sub": "a"}), &k512).expect("enc");
    let t512 = encode(&Header::new(Algorithm::HS512), &json!({"sub": "a"}), &k512).expect("enc");
    let sig = |t: &str| t.rsplit('.').next().expect("sig").to_owned();
    let body = |t: &str| t[..t.rfind('.').expect("dot")].to_owned();
    let truncated = |sig: &str| {
        let full = URL_SAFE_NO_PAD.decode(sig).expect("b64");
        URL_SAFE_NO_PAD.encode(&full[..16])
    };
    let mut all = at(NOW);
    all.algorithms = Algorithm::HMAC.to_vec();
    for forged in [
        format!("{}.{}", body(&t256), sig(&t512)),
        format!("{}.{}", body(&t512), sig(&t256)),
        format!("{}.{}", body(&t256), truncated(&sig(&t256))),
    ] {
        assert_eq!(
            decode(&forged, &k512, &all).map(|d| d.claims),
            Err(Error::InvalidSignature)
        );
    }
}

// --- Error precedence ----------------------------------------------------------------------------

#[test]
fn expired_with_a_bad_signature_is_a_signature_error() {
    let expired = json!({"sub": "alice", "exp": NOW - 3600});
    let other = Key::new(Algorithm::HS256, [7u8; 32]).expect("key");
    let forged = encode(&Header::new(Algorithm::HS256), &expired, &other).expect("encode");
    let err = decode_err(&forged, &at(NOW));
    assert_eq!(err, Error::InvalidSignature);
    assert!(!err.is_expired());
    // The same claims correctly signed are expired.
    assert!(claims_err(expired).is_expired());

    // Nothing of the payload is read before the MAC: not even a broken payload.
    let t = raw_token(br#"{"alg":"HS256"}"#, b"not json");
    let broken_mac = format!("{}AAAA", &t[..t.len() - 4]);
    assert_eq!(decode_err(&broken_mac, &at(NOW)), Error::InvalidSignature);
    assert!(matches!(
        decode_err(&t, &at(NOW)),
        Error::InvalidPayloadJson(_)
    ));
}

// --- Time claims ---------------------------------------------------------------------------------

#[test]
fn exp_nbf_iat_boundaries() {
    let n = NOW as f64;
    assert_eq!(claims_err(json!({"exp": NOW})), Error::Expired);
    assert_eq!(claims_err(json!({"exp": NOW - 1})), Error::Expired);
    assert!(decode(
        token(&json!({"exp": NOW + 1})),
        &key(Algorithm::HS256),
        &at(NOW)
    )
    .is_ok());
    assert!(decode(
        token(&json!({"nbf": NOW})),
        &key(Algorithm::HS256),
        &at(NOW)
    )
    .is_ok());
    assert_eq!(claims_err(json!({"nbf": NOW + 1})), Error::NotYetValid);
    assert!(decode(
        token(&json!({"iat": NOW})),
        &key(Algorithm::HS256),
        &at(NOW)
    )
    .is_ok());
    assert_eq!(claims_err(json!({"iat": NOW + 1})), Error::IssuedAtInFuture);
    assert!(decode(
        token(&json!({"iat": n - 0.5})),
        &key(Algorithm::HS256),
        &at(NOW)
    )
    .is_ok());

    let mut leeway = at(NOW);
    leeway.leeway = 60;
    let ok = |claims: Value| decode(token(&claims), &key(Algorithm::HS256), &leeway);
    assert!(ok(json!({"exp": NOW - 59})).is_ok());
    assert_eq!(
        ok(json!({"exp": NOW - 60})).map(|d| d.claims),
        Err(Error::Expired)
    );
    assert!(ok(json!({"nbf": NOW + 60})).is_ok());
    assert_eq!(
        ok(json!({"nbf": NOW + 61})).map(|d| d.claims),
        Err(Error::NotYetValid)
    );
    assert!(ok(json!({"iat": NOW + 60})).is_ok());
    assert_eq!(
        ok(json!({"iat": NOW + 61})).map(|d| d.claims),
        Err(Error::IssuedAtInFuture)
    );

    // Turning a check off skips only that check.
    let mut lax = at(NOW);
    lax.validate_exp = false;
    lax.validate_nbf = false;
    lax.validate_iat = false;
    let t = token(&json!({"exp": 1, "nbf": FUTURE, "iat": FUTURE}));
    assert!(decode(&t, &key(Algorithm::HS256), &lax).is_ok());
    // ... but never the type check.
    let t = token(&json!({"exp": "1"}));
    assert_eq!(decode_err(&t, &lax), Error::ExpirationInvalid);
}

#[test]
fn time_claims_must_be_numbers() {
    for bad in [
        json!("4102444800"),
        json!("soon"),
        json!(true),
        Value::Null,
        json!([FUTURE]),
        json!({"t": FUTURE}),
    ] {
        assert_eq!(
            claims_err(json!({"exp": bad})),
            Error::ExpirationInvalid,
            "exp {bad}"
        );
        assert_eq!(
            claims_err(json!({"nbf": bad})),
            Error::NotBeforeInvalid,
            "nbf {bad}"
        );
        assert_eq!(
            claims_err(json!({"iat": bad})),
            Error::IssuedAtInvalid,
            "iat {bad}"
        );
    }
}

#[test]
fn fractional_and_huge_time_claims() {
    let k = key(Algorithm::HS256);
    let n = NOW as f64;
    for claims in [
        json!({"exp": FUTURE as f64 + 0.5, "nbf": n - 0.5, "iat": n - 0.25}),
        json!({"exp": 1e300}),
        json!({"exp": i64::MAX}),
        json!({"exp": u64::MAX}),
        json!({"exp": 1.8446744073709552e19}),
    ] {
        let data = decode(token(&claims), &k, &at(NOW));
        assert!(data.is_ok(), "{claims}: {data:?}");
    }
    assert_eq!(claims_err(json!({"exp": n - 0.5})), Error::Expired);
    assert_eq!(claims_err(json!({"exp": -1e300})), Error::Expired);
    assert_eq!(claims_err(json!({"nbf": 1e300})), Error::NotYetValid);
    assert_eq!(claims_err(json!({"iat": 1e300})), Error::IssuedAtInFuture);

    // Extreme leeway and extreme dates: no overflow, no panic.
    let mut huge = at(NOW);
    huge.leeway = u64::MAX;
    let t = token(&json!({"exp": 0, "nbf": i64::MAX, "iat": 1e300}));
    assert!(decode(&t, &k, &huge).is_ok());
    let t = token(&json!({"exp": i64::MIN}));
    assert_eq!(decode_err(&t, &huge), Error::Expired);
    let t = token(&json!({"exp": i64::MAX}));
    assert!(decode(
        &t,
        &k,
        &Validation::new(Algorithm::HS256).with_clock(FixedClock::at(i64::MAX))
    )
    .is_err());
}

#[test]
fn required_claims() {
    let mut v = at(NOW);
    v.required_claims = vec!["exp".into()];
    let err = decode_err(&token(&json!({"sub": "a"})), &v);
    assert_eq!(err, Error::MissingRequiredClaim("exp".into()));
    assert_eq!(err.to_string(), r#"Token is missing the "exp" claim"#);
}

// --- aud, iss, sub, jti ------------------------------------------------------------------------

#[test]
fn aud_without_a_configured_audience_is_refused() {
    for aud in [json!("api"), json!(["api"]), json!([])] {
        let err = claims_err(json!({"sub": "a", "aud": aud}));
        assert_eq!(err, Error::AudienceUnexpected);
        assert_eq!(err.to_string(), "Invalid audience");
    }
}

#[test]
fn aud_is_matched_exactly() {
    let mut v = at(NOW);
    v.set_audience(["api"]);
    let check = |aud: Value| {
        decode(
            token(&json!({"sub": "a", "aud": aud})),
            &key(Algorithm::HS256),
            &v,
        )
        .map(|_| ())
    };
    assert_eq!(check(json!("api")), Ok(()));
    assert_eq!(check(json!(["web", "api"])), Ok(()));
    assert_eq!(check(json!("API")), Err(Error::AudienceMismatch));
    assert_eq!(check(json!("ap")), Err(Error::AudienceMismatch));
    assert_eq!(check(json!("apix")), Err(Error::AudienceMismatch));
    assert_eq!(check(json!([])), Err(Error::AudienceMismatch));
    assert_eq!(check(json!(["api", 1])), Err(Error::AudienceInvalid));
    assert_eq!(check(json!(1)), Err(Error::AudienceInvalid));
    assert_eq!(check(json!({"aud": "api"})), Err(Error::AudienceInvalid));
    assert_eq!(
        decode(token(&json!({"sub": "a"})), &key(Algorithm::HS256), &v).map(|_| ()),
        Err(Error::AudienceMissing)
    );
}

#[test]
fn iss_is_matched_exactly() {
    let mut v = at(NOW);
    v.set_issuer(["abcd"]);
    let check = |claims: Value| decode(token(&claims), &key(Algorithm::HS256), &v).map(|_| ());
    assert_eq!(check(json!({"iss": "abcd"})), Ok(()));
    assert_eq!(check(json!({"iss": "abc"})), Err(Error::IssuerMismatch));
    assert_eq!(check(json!({"iss": "abcde"})), Err(Error::IssuerMismatch));
    assert_eq!(check(json!({"iss": ["abcd"]})), Err(Error::IssuerInvalid));
    assert_eq!(check(json!({})), Err(Error::IssuerMissing));
    // Without a configured issuer, `iss` is not looked at.
    assert!(decode(token(&json!({"iss": 5})), &key(Algorithm::HS256), &at(NOW)).is_ok());
}

#[test]
fn sub_and_jti_must_be_strings() {
    assert_eq!(claims_err(json!({"sub": 42})), Error::SubjectInvalid);
    assert_eq!(claims_err(json!({"sub": null})), Error::SubjectInvalid);
    assert_eq!(claims_err(json!({"jti": 42})), Error::JwtIdInvalid);
    let mut v = at(NOW);
    v.verify_sub = false;
    assert!(decode(token(&json!({"sub": 42})), &key(Algorithm::HS256), &v).is_ok());
}

// --- Header ------------------------------------------------------------------------------------

#[test]
fn header_rules() {
    let payload = br#"{"sub":"alice"}"#;
    let err = |header: &str| decode_err(&raw_token(header.as_bytes(), payload), &at(NOW));
    assert!(matches!(
        err(r#"{"alg":"HS256","alg":"HS256"}"#),
        Error::InvalidHeaderJson(why) if why.contains("duplicate member")
    ));
    assert!(matches!(
        err(r#"{"alg":"none","alg":"HS256"}"#),
        Error::InvalidHeaderJson(why) if why.contains("duplicate member")
    ));
    assert!(matches!(
        err(r#"{"alg":"HS256","x":{"a":1,"a":2}}"#),
        Error::InvalidHeaderJson(_)
    ));
    assert_eq!(err(r#"{"alg":"HS256","kid":7}"#), Error::KeyIdNotString);
    assert_eq!(
        err(r#"{"alg":"HS256","crit":["foo"],"foo":1}"#),
        Error::CriticalExtensionUnsupported("foo".into())
    );
    assert_eq!(
        err(r#"{"alg":"HS256","crit":["b64"],"b64":true}"#),
        Error::CriticalExtensionUnsupported("b64".into())
    );
    for crit in [
        r#"[]"#,
        r#""foo""#,
        r#"["foo","foo"]"#,
        r#"["alg"]"#,
        r#"["absent"]"#,
        r#"[1]"#,
    ] {
        assert_eq!(
            err(&format!(r#"{{"alg":"HS256","crit":{crit},"foo":1}}"#)),
            Error::CriticalHeaderInvalid,
            "crit {crit}"
        );
    }
    assert_eq!(err(r#"["HS256"]"#), Error::HeaderNotObject);
    assert!(matches!(
        err(r#"{"alg":"HS256"} x"#),
        Error::InvalidHeaderJson(_)
    ));
    // Unknown and key-locating members are ignored, never used.
    let t = raw_token(
        br#"{"alg":"HS256","jku":"https://evil.example","jwk":{"kty":"oct","k":"AAAA"},"zip":"DEF"}"#,
        payload,
    );
    assert!(decode(&t, &key(Algorithm::HS256), &at(NOW)).is_ok());
}

#[test]
fn typ_is_checked_only_when_configured() {
    let payload = br#"{"sub":"alice"}"#;
    let at_jwt = raw_token(br#"{"alg":"HS256","typ":"at+jwt"}"#, payload);
    let k = key(Algorithm::HS256);
    assert!(decode(&at_jwt, &k, &at(NOW)).is_ok());
    let mut v = at(NOW);
    v.typ = Some("JWT".into());
    assert_eq!(
        decode(&at_jwt, &k, &v).map(|d| d.claims),
        Err(Error::TypeHeaderMismatch)
    );
    let no_typ = raw_token(br#"{"alg":"HS256"}"#, payload);
    assert_eq!(
        decode(&no_typ, &k, &v).map(|d| d.claims),
        Err(Error::TypeHeaderMismatch)
    );
    v.typ = Some("application/AT+JWT".into());
    assert!(decode(&at_jwt, &k, &v).is_ok());
}

#[test]
fn bom_utf16_and_bad_json_are_rejected() {
    let header = br#"{"alg":"HS256"}"#;
    let mut bom_header = b"\xef\xbb\xbf".to_vec();
    bom_header.extend_from_slice(header);
    assert!(matches!(
        decode_err(&raw_token(&bom_header, br#"{"sub":"a"}"#), &at(NOW)),
        Error::InvalidHeaderJson(_)
    ));
    for payload in [
        b"\xef\xbb\xbf{\"sub\":\"a\"}".to_vec(),
        b"\xff\xfe{\x00}\x00".to_vec(),
        b"{\"sub\":\"\xff\"}".to_vec(),
        br#"{"sub":"\ud800"}"#.to_vec(),
        br#"{"exp":NaN}"#.to_vec(),
        br#"{"exp":1e400}"#.to_vec(),
        br#"{"sub":"a","sub":"b"}"#.to_vec(),
        br#"{"o":{"a":1,"a":1}}"#.to_vec(),
        br#"{"sub":"a"}x"#.to_vec(),
        format!("{}{}", "[".repeat(200), "]".repeat(200)).into_bytes(),
        b"".to_vec(),
    ] {
        let t = raw_token(header, &payload);
        assert!(
            matches!(decode_err(&t, &at(NOW)), Error::InvalidPayloadJson(_)),
            "{:?}",
            String::from_utf8_lossy(&payload)
        );
        // The MAC is valid: the JWS layer accepts and hands back the bytes untouched.
        let jws = verify_jws(&t, &key(Algorithm::HS256), &at(NOW)).expect("verify_jws");
        assert_eq!(jws.payload, payload);
    }
    for payload in [&b"[]"[..], b"null", b"\"s\"", b"1"] {
        assert_eq!(
            decode_err(&raw_token(header, payload), &at(NOW)),
            Error::PayloadNotObject
        );
    }
    // Depth 127 is fine.
    let nested = format!(r#"{{"a":{}{}}}"#, "[".repeat(126), "]".repeat(126));
    assert!(decode(
        raw_token(header, nested.as_bytes()),
        &key(Algorithm::HS256),
        &at(NOW)
    )
    .is_ok());
}

#[test]
fn decode_unverified_reads_without_verifying() {
    let other = Key::new(Algorithm::HS256, [9u8; 32]).expect("key");
    let t = encode(
        &Header::new(Algorithm::HS256),
        &json!({"sub": "mallory", "exp": 1}),
        &other,
    )
    .expect("encode");
    let data = decode_unverified(&t).expect("decode_unverified");
    assert_eq!(data.claims.sub(), Some("mallory"));
    assert_eq!(decode_err(&t, &at(NOW)), Error::InvalidSignature);
}

// --- Keys --------------------------------------------------------------------------------------

#[test]
fn key_length_policy() {
    use Algorithm::*;
    let too_short = |alg: Algorithm, len: usize| {
        assert_eq!(
            Key::new(alg, vec![1u8; len]).map(|_| ()),
            Err(KeyError::TooShort {
                algorithm: alg,
                len,
                min: alg.hmac_output_len().expect("HMAC")
            }),
            "{alg} with {len} bytes"
        );
    };
    too_short(HS256, 31);
    too_short(HS256, 1);
    too_short(HS384, 47);
    too_short(HS512, 63);
    too_short(HS512, 32);
    assert!(Key::new(HS256, [1u8; 32]).is_ok());
    assert!(Key::new(HS384, [1u8; 48]).is_ok());
    assert!(Key::new(HS512, [1u8; 64]).is_ok());
    assert!(Key::new(HS256, [1u8; 65]).is_ok());
    // A key for several algorithms must satisfy the longest.
    assert_eq!(
        Key::for_algorithms(&[HS256, HS512], [1u8; 32]).map(|_| ()),
        Err(KeyError::TooShort {
            algorithm: HS512,
            len: 32,
            min: 64
        })
    );
    assert_eq!(
        Key::for_algorithms(&[], [1u8; 64]).map(|_| ()),
        Err(KeyError::NoAlgorithm)
    );
    // Empty: refused by every constructor.
    assert_eq!(Key::new(HS256, b"").map(|_| ()), Err(KeyError::Empty));
    assert_eq!(
        Key::insecure_short_secret(&[HS256], b"").map(|_| ()),
        Err(KeyError::Empty)
    );
    // The opt-out signs and verifies with a short secret (flask apps configured with one).
    let short = Key::insecure_short_secret(&[HS256], b"secret").expect("opt-out");
    let t = encode(&Header::new(HS256), &json!({"sub": "a"}), &short).expect("encode");
    assert!(decode(&t, &short, &at(NOW)).is_ok());
    // Secrets are raw bytes: a string and its bytes are the same key.
    let a = Key::new(HS256, "x".repeat(32)).expect("key");
    let t = encode(&Header::new(HS256), &json!({"sub": "a"}), &a).expect("encode");
    assert!(decode(&t, &Key::new(HS256, [b'x'; 32]).expect("key"), &at(NOW)).is_ok());
}

#[test]
fn key_debug_shows_no_key_material() {
    let key = Key::for_algorithms(&[Algorithm::HS256, Algorithm::HS512], SECRET).expect("key");
    let debug = format!("{key:?} {key:#?}");
    assert!(
        debug.contains("HS256") && debug.contains("HS512"),
        "{debug}"
    );
    let hex: String = SECRET.iter().map(|b| format!("{b:02x}")).collect();
    let bytes = format!("{:?}", &SECRET[..8]);
    for needle in [
        "horse",
        "correct",
        &hex[..16],
        &bytes[1..bytes.len() - 1],
        &URL_SAFE_NO_PAD.encode(SECRET)[..16],
    ] {
        assert!(
            !debug.contains(needle),
            "Key Debug leaks {needle:?}: {debug}"
        );
    }
    let err = Key::new(Algorithm::HS256, "horse").expect_err("too short");
    assert!(!format!("{err} {err:?}").contains("horse"));
}

// --- Messages ----------------------------------------------------------------------------------

#[test]
fn error_messages_are_flask_jwt_extended_s() {
    use Error::*;
    for (err, message) in [
        (NotEnoughSegments, "Not enough segments"),
        (InvalidHeaderPadding, "Invalid header padding"),
        (InvalidPayloadPadding, "Invalid payload padding"),
        (InvalidSignaturePadding, "Invalid crypto padding"),
        (
            HeaderNotObject,
            "Invalid header string: must be a json object",
        ),
        (
            PayloadNotObject,
            "Invalid payload string: must be a json object",
        ),
        (AlgorithmMissing, "Algorithm not specified"),
        (
            AlgorithmNotAllowed,
            "The specified alg value is not allowed",
        ),
        (KeyIdNotString, "Key ID header parameter must be a string"),
        (
            CriticalExtensionUnsupported("foo".into()),
            "Unsupported critical extension: foo",
        ),
        (InvalidSignature, "Signature verification failed"),
        (
            MissingRequiredClaim("exp".into()),
            r#"Token is missing the "exp" claim"#,
        ),
        (IssuedAtInvalid, "Issued At claim (iat) must be an integer."),
        (IssuedAtInFuture, "The token is not yet valid (iat)"),
        (
            NotBeforeInvalid,
            "Not Before claim (nbf) must be an integer.",
        ),
        (NotYetValid, "The token is not yet valid (nbf)"),
        (
            ExpirationInvalid,
            "Expiration Time claim (exp) must be an integer.",
        ),
        (Expired, "Token has expired"),
        (IssuerMissing, r#"Token is missing the "iss" claim"#),
        (IssuerInvalid, "Payload Issuer (iss) must be a string"),
        (IssuerMismatch, "Invalid issuer"),
        (AudienceMissing, r#"Token is missing the "aud" claim"#),
        (AudienceInvalid, "Invalid claim format in token"),
        (AudienceMismatch, "Audience doesn't match"),
        (AudienceUnexpected, "Invalid audience"),
        (SubjectInvalid, "Subject must be a string"),
        (JwtIdInvalid, "JWT ID must be a string"),
        (MissingClaim("sub".into()), "Missing claim: sub"),
    ] {
        assert_eq!(err.to_string(), message, "{err:?}");
    }
}

#[test]
fn real_failures_carry_the_flask_messages() {
    let good = token(&json!({"sub": "alice", "exp": FUTURE}));
    let hs384 = encode(
        &Header::new(Algorithm::HS384),
        &json!({"sub": "alice"}),
        &Key::new(Algorithm::HS384, SECRET).expect("key"),
    )
    .expect("encode");
    let payload = br#"{"sub":"alice"}"#;
    let cases = [
        ("abc".to_owned(), "Not enough segments"),
        ("aaaaa.bbbbb.ccccc".to_owned(), "Invalid header padding"),
        (format!("{good}="), "Invalid crypto padding"),
        (
            format!("{}AAAA", &good[..good.len() - 4]),
            "Signature verification failed",
        ),
        (hs384, "The specified alg value is not allowed"),
        (
            raw_token(br#"{"typ":"JWT"}"#, payload),
            "Algorithm not specified",
        ),
        (
            raw_token(br#"{"alg":"HS256","crit":["foo"],"foo":1}"#, payload),
            "Unsupported critical extension: foo",
        ),
        (token(&json!({"exp": NOW})), "Token has expired"),
        (token(&json!({"sub": 42})), "Subject must be a string"),
        (
            token(&json!({"exp": "x"})),
            "Expiration Time claim (exp) must be an integer.",
        ),
        (
            token(&json!({"nbf": NOW + 5})),
            "The token is not yet valid (nbf)",
        ),
        (
            raw_token(br#"{"alg":"HS256"}"#, b"[1]"),
            "Invalid payload string: must be a json object",
        ),
    ];
    for (t, message) in cases {
        assert_eq!(decode_err(&t, &at(NOW)).to_string(), message, "{t}");
    }
    assert!(decode_err(&raw_token(b"{", payload), &at(NOW))
        .to_string()
        .starts_with("Invalid header string: "));
    assert!(
        decode_err(&raw_token(br#"{"alg":"HS256"}"#, b"{"), &at(NOW))
            .to_string()
            .starts_with("Invalid payload string: ")
    );
}

// --- Encoding ----------------------------------------------------------------------------------

#[test]
fn encoding_is_pyjwt_s_json() {
    let k = key(Algorithm::HS256);
    let mut header = Header::new(Algorithm::HS256);
    header.insert("kid", "k1").expect("kid");
    header
        .insert("b", json!({"z": 1, "a": [1.5, "é"]}))
        .expect("b");
    let t = encode(
        &header,
        &json!({"sub": "jürgen ☃ 😀", "f": 1e16, "g": 0.00001, "n": 100.0}),
        &k,
    )
    .expect("encode");
    let mut parts = t.split('.');
    let h = URL_SAFE_NO_PAD
        .decode(parts.next().expect("h"))
        .expect("b64");
    let p = URL_SAFE_NO_PAD
        .decode(parts.next().expect("p"))
        .expect("b64");
    assert_eq!(
        String::from_utf8(h).expect("ascii"),
        r#"{"alg":"HS256","b":{"a":[1.5,"\u00e9"],"z":1},"kid":"k1","typ":"JWT"}"#
    );
    assert_eq!(
        String::from_utf8(p).expect("ascii"),
        r#"{"f":1e+16,"g":1e-05,"n":100.0,"sub":"j\u00fcrgen \u2603 \ud83d\ude00"}"#
    );
    let data = decode(&t, &k, &at(NOW)).expect("decode");
    assert_eq!(data.claims.sub(), Some("jürgen ☃ 😀"));
    assert_eq!(data.header.kid(), Some("k1"));

    // `alg` in the header changes the signing algorithm; `typ: null` removes typ.
    let mut header = Header::new(Algorithm::HS256);
    header.insert("alg", "HS512").expect("alg");
    header.insert("typ", Value::Null).expect("typ");
    assert_eq!(header.alg(), Algorithm::HS512);
    assert_eq!(header.typ(), None);
    assert_eq!(
        header.insert("alg", "none"),
        Err(Error::AlgorithmNotAllowed)
    );
    // Claims must be an object.
    assert!(matches!(
        encode(&Header::new(Algorithm::HS256), &json!([1]), &k),
        Err(Error::Serialize(_))
    ));
}
