//! What an error echoes from a token is bounded: a `crit` extension name or a repeated member
//! name of any length is cut to its first 64 characters (on a character boundary) and marked
//! with `...`, while names of normal length keep flask-jwt-extended's messages byte for byte.

mod common;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use common::hmac;
use jwt_core::{
    decode, decode_header_unverified, decode_unverified, Algorithm, Error, FixedClock, Key,
    Validation,
};

/// 64 bytes: long enough for every algorithm.
const SECRET: &[u8] = b"correct horse battery staple; correct horse battery staple; 64b!";

/// A token over literal header and payload text, correctly signed with [`SECRET`] (HS256).
fn raw_token(header: &str, payload: &str) -> String {
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(payload)
    );
    let mac = hmac(Algorithm::HS256, SECRET, signing_input.as_bytes());
    format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(mac))
}

fn decode_err(token: &str) -> Error {
    let key = Key::new(Algorithm::HS256, SECRET).expect("a 64-byte key");
    let validation = Validation::new(Algorithm::HS256).with_clock(FixedClock::at(1_700_000_000));
    match decode(token, &key, &validation) {
        Ok(data) => panic!("accepted {token}: {:?}", data.claims),
        Err(e) => e,
    }
}

/// Long names of one-, two-, three- and four-byte characters, and a mix.
fn long_names() -> Vec<String> {
    ["a", "é", "日", "😀", "aé日😀"]
        .iter()
        .map(|unit| unit.repeat(500))
        .collect()
}

/// The first 64 characters of `name`.
fn head(name: &str) -> String {
    name.chars().take(64).collect()
}

/// No message grows with the token: 64 characters, escaped at most 10 bytes each, plus words.
fn assert_short(message: &str) {
    assert!(message.len() < 64 * 10 + 120, "{} bytes", message.len());
}

#[test]
fn crit_names_of_normal_length_are_echoed_whole() {
    let exactly_64 = "é".repeat(64);
    for name in ["foo", "b64", "日本", exactly_64.as_str()] {
        let header = format!(r#"{{"alg":"HS256","crit":["{name}"],"{name}":1}}"#);
        let err = decode_err(&raw_token(&header, r#"{"sub":"alice"}"#));
        assert_eq!(err, Error::CriticalExtensionUnsupported(name.to_owned()));
        assert_eq!(
            err.to_string(),
            format!("Unsupported critical extension: {name}")
        );
    }
}

#[test]
fn long_crit_names_are_cut_on_a_character_boundary() {
    for name in long_names() {
        let header = format!(r#"{{"alg":"HS256","crit":["{name}"],"{name}":1}}"#);
        let token = raw_token(&header, r#"{"sub":"alice"}"#);
        let expected = format!("{}...", head(&name));
        let err = decode_err(&token);
        assert_eq!(err, Error::CriticalExtensionUnsupported(expected.clone()));
        assert_eq!(
            err.to_string(),
            format!("Unsupported critical extension: {expected}")
        );
        assert_short(&err.to_string());
        // The paths that read a header without a key bound it alike.
        assert_eq!(
            decode_header_unverified(&token).map(|_| ()),
            Err(Error::CriticalExtensionUnsupported(expected))
        );
    }
}

#[test]
fn repeated_header_member_names_are_cut_on_a_character_boundary() {
    for name in long_names() {
        for header in [
            format!(r#"{{"alg":"HS256","{name}":1,"{name}":2}}"#),
            format!(r#"{{"alg":"HS256","x":{{"{name}":1,"{name}":2}}}}"#),
        ] {
            let err = decode_err(&raw_token(&header, r#"{"sub":"alice"}"#));
            let Error::InvalidHeaderJson(why) = &err else {
                panic!("{err:?}");
            };
            let expected = format!("duplicate member name {:?}...", head(&name));
            assert!(why.starts_with(&expected), "{why}");
            assert_short(&err.to_string());
        }
    }
    // A short name is quoted whole, with no marker.
    let err = decode_err(&raw_token(r#"{"alg":"HS256","alg":"HS256"}"#, "{}"));
    assert!(
        matches!(&err, Error::InvalidHeaderJson(why) if why.starts_with("duplicate member name \"alg\" at ")),
        "{err:?}"
    );
}

#[test]
fn repeated_payload_member_names_are_cut_on_a_character_boundary() {
    for name in long_names() {
        for payload in [
            format!(r#"{{"sub":"alice","{name}":1,"{name}":2}}"#),
            format!(r#"{{"sub":"alice","x":{{"{name}":1,"{name}":2}}}}"#),
            // Past the linear search: names compared by hash.
            format!(
                r#"{{{}"{name}":1,"{name}":2}}"#,
                (0..40).map(|i| format!(r#""k{i}":0,"#)).collect::<String>()
            ),
        ] {
            let token = raw_token(r#"{"alg":"HS256"}"#, &payload);
            let expected = format!("duplicate member name {:?}...", head(&name));
            for err in [
                decode_err(&token),
                decode_unverified(&token).map(|_| ()).unwrap_err(),
            ] {
                let Error::InvalidPayloadJson(why) = &err else {
                    panic!("{err:?}");
                };
                assert!(why.starts_with(&expected), "{why}");
                assert_short(&err.to_string());
            }
        }
    }
}
