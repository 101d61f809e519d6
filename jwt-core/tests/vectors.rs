//! Every vector of `tests/fixtures/vectors.json` (a copy of `shared/spec/vectors.json`, see
//! `security.md` §2) run with the verdict recorded there.
//!
//! One test walks the whole file, dispatching on `kind` and `expected`, and collects every
//! mismatch (named by vector) so that one run shows them all.

mod common;

use std::collections::BTreeMap;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use common::hmac;
use jwt_core::{
    decode, decode_unverified, encode, verify_jws, Algorithm, Error, FixedClock, Header, Key,
    KeyError, Validation,
};
use serde_json::{json, Value};

const VECTORS: &str = include_str!("fixtures/vectors.json");

/// The clock every constructed vector is written for (security.md §1.7).
const DEFAULT_NOW: i64 = 1_700_000_000;

fn fixture() -> Value {
    serde_json::from_str(VECTORS).expect("vectors.json is JSON")
}

/// Collects mismatches instead of stopping at the first one.
#[derive(Default)]
struct Report {
    failures: Vec<String>,
}

impl Report {
    fn fail(&mut self, name: &str, what: impl std::fmt::Display) {
        self.failures.push(format!("{name}: {what}"));
    }

    fn check(&mut self, ok: bool, name: &str, what: impl std::fmt::Display) {
        if !ok {
            self.fail(name, what);
        }
    }

    fn finish(self) {
        assert!(
            self.failures.is_empty(),
            "{} mismatch(es):\n  {}",
            self.failures.len(),
            self.failures.join("\n  ")
        );
    }
}

/// Which `jwt_core::Error` variant(s) stand for a category of the strict reference verifier.
///
/// The category is the first word of `expected_error` (some entries add an explanation after
/// it). `None` means the category is unknown here, which is itself a failure.
fn category_matches(category: &str, err: &Error) -> Option<bool> {
    use Error::*;
    let json_why = |why: &str, needle: &str| why.contains(needle);
    Some(match category {
        // Structure.
        "malformed:empty" => matches!(err, NotEnoughSegments),
        // Fewer than three segments: "Not enough segments". Four or more: the payload segment
        // would contain a `.`, and PyJWT reports "Invalid payload padding"; jwt-core refuses a
        // third `.` with that variant before any other work.
        "malformed:segment_count" => matches!(err, NotEnoughSegments | InvalidPayloadPadding),
        "malformed:too_large" => matches!(err, TokenTooLarge { .. }),
        // The non-ASCII byte fails the strict base64url decoder of whichever segment holds it.
        "malformed:non_ascii" => matches!(
            err,
            InvalidHeaderPadding | InvalidPayloadPadding | InvalidSignaturePadding
        ),
        // Header.
        "malformed:header:base64url_alphabet" => matches!(err, InvalidHeaderPadding),
        "malformed:header:json" => matches!(err, InvalidHeaderJson(_)),
        "malformed:header:bom" => matches!(err, InvalidHeaderJson(_)),
        "malformed:header:duplicate_member" => {
            matches!(err, InvalidHeaderJson(why) if json_why(why, "duplicate member"))
        }
        "malformed:header:not_object" => matches!(err, HeaderNotObject),
        "header:alg_missing" => matches!(err, AlgorithmMissing),
        "header:alg_not_allowed" | "header:alg_not_string" => matches!(err, AlgorithmNotAllowed),
        "header:crit_unsupported" => matches!(err, CriticalExtensionUnsupported(_)),
        "header:crit_invalid" => matches!(err, CriticalHeaderInvalid),
        "header:kid_not_string" => matches!(err, KeyIdNotString),
        "header:typ_mismatch" => matches!(err, TypeHeaderMismatch),
        // Signature.
        "malformed:signature:base64url_alphabet"
        | "malformed:signature:base64url_noncanonical"
        | "malformed:signature:base64url_length" => matches!(err, InvalidSignaturePadding),
        "signature:invalid" => matches!(err, InvalidSignature),
        // Payload.
        "malformed:payload:base64url_alphabet" | "malformed:payload:base64url_noncanonical" => {
            matches!(err, InvalidPayloadPadding)
        }
        "malformed:payload:json"
        | "malformed:payload:utf8"
        | "malformed:payload:json_nonfinite" => {
            matches!(err, InvalidPayloadJson(_))
        }
        // serde_json reports an unpaired `\ud800` as "unexpected end of hex escape" (it wanted
        // the low half) or as a "lone leading surrogate".
        "malformed:payload:lone_surrogate" => matches!(
            err,
            InvalidPayloadJson(why) if json_why(why, "hex escape") || json_why(why, "surrogate")
        ),
        "malformed:payload:json_depth" => {
            matches!(err, InvalidPayloadJson(why) if json_why(why, "recursion limit"))
        }
        "malformed:payload:duplicate_member" => {
            matches!(err, InvalidPayloadJson(why) if json_why(why, "duplicate member"))
        }
        "malformed:payload:not_object" => matches!(err, PayloadNotObject),
        // Claims.
        "claim:exp:expired" => matches!(err, Expired),
        "claim:exp:invalid_format" => matches!(err, ExpirationInvalid),
        "claim:exp:missing" => matches!(err, MissingRequiredClaim(name) if name == "exp"),
        "claim:nbf:immature" => matches!(err, NotYetValid),
        "claim:nbf:invalid_format" => matches!(err, NotBeforeInvalid),
        "claim:iat:immature" => matches!(err, IssuedAtInFuture),
        "claim:iat:invalid_format" => matches!(err, IssuedAtInvalid),
        "claim:aud:unexpected" => matches!(err, AudienceUnexpected),
        "claim:aud:missing" => matches!(err, AudienceMissing),
        "claim:aud:mismatch" => matches!(err, AudienceMismatch),
        "claim:aud:invalid_format" => matches!(err, AudienceInvalid),
        "claim:iss:missing" => matches!(err, IssuerMissing),
        "claim:iss:mismatch" => matches!(err, IssuerMismatch),
        "claim:iss:invalid_format" => matches!(err, IssuerInvalid),
        "claim:sub:invalid_format" => matches!(err, SubjectInvalid),
        "claim:jti:invalid_format" => matches!(err, JwtIdInvalid),
        _ => return None,
    })
}

/// Categories whose failure is only found after the MAC has verified: `verify_jws` (which stops
/// after the MAC and the payload's base64url) must accept those tokens.
fn found_after_mac(category: &str) -> bool {
    category.starts_with("claim:")
        || matches!(
            category,
            "malformed:payload:json"
                | "malformed:payload:utf8"
                | "malformed:payload:json_nonfinite"
                | "malformed:payload:lone_surrogate"
                | "malformed:payload:json_depth"
                | "malformed:payload:duplicate_member"
                | "malformed:payload:not_object"
        )
}

fn category_of(vector: &Value) -> &str {
    vector["expected_error"]
        .as_str()
        .and_then(|e| e.split_whitespace().next())
        .unwrap_or("")
}

fn hex(text: &str) -> Vec<u8> {
    assert!(text.len().is_multiple_of(2), "odd hex length");
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex digit"))
        .collect()
}

fn secret_of(vector: &Value) -> Vec<u8> {
    if let Some(b64) = vector["key_b64url"].as_str() {
        URL_SAFE_NO_PAD
            .decode(b64)
            .expect("key_b64url is base64url")
    } else if let Some(h) = vector["key_hex"].as_str() {
        hex(h)
    } else {
        panic!("{}: no key", vector["name"]);
    }
}

fn alg_of(vector: &Value) -> Option<Algorithm> {
    vector["alg"].as_str().and_then(Algorithm::from_name)
}

fn strings(value: &Value) -> Vec<String> {
    match value {
        Value::String(one) => vec![one.clone()],
        Value::Array(many) => many
            .iter()
            .map(|v| v.as_str().expect("a string").to_owned())
            .collect(),
        other => panic!("expected a string or an array of strings, got {other}"),
    }
}

/// The vector's `validation` object as a [`Validation`]; `null` means the conventions of
/// security.md §2.1 with the vector's own algorithm.
fn validation_of(vector: &Value) -> Validation {
    let fallback = alg_of(vector).unwrap_or(Algorithm::HS256);
    let spec = &vector["validation"];
    let mut validation = Validation::new(fallback).with_clock(FixedClock::at(DEFAULT_NOW));
    let Some(spec) = spec.as_object() else {
        return validation;
    };
    for (option, value) in spec {
        match option.as_str() {
            "algorithms" => {
                validation.algorithms = strings(value)
                    .iter()
                    .map(|name| Algorithm::from_name(name).expect("a supported algorithm"))
                    .collect();
            }
            "now" => {
                validation = validation.with_clock(FixedClock::at(value.as_i64().expect("now")))
            }
            "leeway" => validation.leeway = value.as_u64().expect("leeway"),
            "audience" => validation.set_audience(strings(value)),
            "issuer" => validation.set_issuer(strings(value)),
            "require" => validation.required_claims = strings(value),
            "typ" => validation.typ = Some(value.as_str().expect("typ").to_owned()),
            "max_token_len" => {
                validation.max_token_len = value.as_u64().expect("max_token_len") as usize
            }
            other => panic!("{}: unknown validation option {other}", vector["name"]),
        }
    }
    validation
}

/// The payload segment of a compact token, decoded by the test itself.
fn payload_segment(token: &str) -> Vec<u8> {
    let payload = token.split('.').nth(1).expect("a payload segment");
    URL_SAFE_NO_PAD.decode(payload).expect("base64url payload")
}

fn header_value(header: &Header) -> Value {
    Value::Object(header.members().clone())
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).expect("expected_*_json is JSON")
}

/// Compares a decoded header with `expected_header_json`, when the vector has one.
fn check_header(report: &mut Report, name: &str, vector: &Value, header: &Header) {
    if let Some(expected) = vector["expected_header_json"].as_str() {
        report.check(
            header_value(header) == json(expected),
            name,
            format!("header {} != expected {expected}", header_value(header)),
        );
    }
}

fn hmac_primitive(report: &mut Report, name: &str, vector: &Value) {
    let alg = alg_of(vector).expect("hmac vectors name an HS algorithm");
    let key = hex(vector["key_hex"].as_str().expect("key_hex"));
    let data = hex(vector["data_hex"].as_str().expect("data_hex"));
    let expected = hex(vector["expected_mac_hex"]
        .as_str()
        .expect("expected_mac_hex"));
    let mut mac = hmac(alg, &key, &data);
    report.check(
        mac.len() == alg.hmac_output_len().expect("HMAC"),
        name,
        format!("hmac gave {} bytes", mac.len()),
    );
    if let Some(bits) = vector["truncated_to_bits"].as_u64() {
        mac.truncate(bits as usize / 8);
    }
    report.check(
        mac == expected,
        name,
        "HMAC differs from the published value",
    );

    // The JWT key policy (RFC 7518 §3.2): a key shorter than the hash output is refused.
    match Key::new(alg, &key) {
        Err(KeyError::TooShort { len, min, .. })
            if key.len() < alg.hmac_output_len().expect("HMAC") =>
        {
            report.check(
                len == key.len() && min == alg.hmac_output_len().expect("HMAC"),
                name,
                format!("TooShort reports len {len} min {min}"),
            );
        }
        Ok(_) if key.len() >= alg.hmac_output_len().expect("HMAC") => {}
        other => report.fail(
            name,
            format!("Key::new with a {}-byte key gave {other:?}", key.len()),
        ),
    }

    // A truncated MAC is valid for the raw primitive only: a JWS with a 16-byte tag is refused.
    if vector["truncated_to_bits"].is_u64() {
        let jwt_key = Key::insecure_short_secret(&[alg], &key).expect("a non-empty key");
        let header = URL_SAFE_NO_PAD.encode(format!(r#"{{"alg":"{}"}}"#, alg.name()));
        let payload = URL_SAFE_NO_PAD.encode(r#"{"sub":"alice"}"#);
        let signing_input = format!("{header}.{payload}");
        let full = hmac(alg, &key, signing_input.as_bytes());
        let token = format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(&full[..16]));
        let validation = Validation::new(alg).with_clock(FixedClock::at(DEFAULT_NOW));
        report.check(
            decode(&token, &jwt_key, &validation) == Err(Error::InvalidSignature),
            name,
            "a JWS with a truncated 16-byte MAC was not refused with InvalidSignature",
        );
        let token = format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(&full));
        report.check(
            decode(&token, &jwt_key, &validation).is_ok(),
            name,
            "the same JWS with its full MAC was refused",
        );
    }
}

/// `key:too_short`: the key policy refuses the key; the MAC itself is valid.
fn key_too_short(report: &mut Report, name: &str, vector: &Value, token: &str) {
    let secret = secret_of(vector);
    let validation = validation_of(vector);
    let alg = alg_of(vector).expect("an HS algorithm");
    let algs = [alg];
    match Key::new(alg, &secret) {
        Err(KeyError::Empty) if secret.is_empty() => {}
        Err(KeyError::TooShort { len, .. }) if !secret.is_empty() && len == secret.len() => {}
        other => report.fail(
            name,
            format!("Key::new with a {}-byte key gave {other:?}", secret.len()),
        ),
    }
    if secret.is_empty() {
        // No policy accepts an empty key, not even the opt-out; check the MAC on the primitive.
        report.check(
            matches!(
                Key::insecure_short_secret(&algs, &secret),
                Err(KeyError::Empty)
            ),
            name,
            "insecure_short_secret accepted an empty key",
        );
        let (signing_input, signature) = token.rsplit_once('.').expect("three segments");
        report.check(
            hmac(alg, &secret, signing_input.as_bytes())
                == URL_SAFE_NO_PAD
                    .decode(signature)
                    .expect("base64url signature"),
            name,
            "the MAC under the empty key does not verify",
        );
        return;
    }
    let key = match Key::insecure_short_secret(&algs, &secret) {
        Ok(key) => key,
        Err(e) => return report.fail(name, format!("insecure_short_secret refused: {e:?}")),
    };
    match verify_jws(token, &key, &validation) {
        Ok(jws) => report.check(
            jws.payload == payload_segment(token),
            name,
            "verify_jws returned another payload",
        ),
        Err(e) => report.fail(name, format!("insecure key: verify_jws gave {e:?}")),
    }
    // Where the payload is a claims set (the constructed vectors), the JWT API accepts it too.
    if decode_unverified(token).is_ok() {
        report.check(
            decode(token, &key, &validation).is_ok(),
            name,
            format!(
                "insecure key: decode gave {:?}",
                decode(token, &key, &validation)
            ),
        );
    }
}

fn accept(report: &mut Report, name: &str, vector: &Value, token: &str, key: &Key) {
    let validation = validation_of(vector);
    let data = match decode(token, key, &validation) {
        Ok(data) => data,
        Err(e) => return report.fail(name, format!("expected accept, got {e:?} ({e})")),
    };
    check_header(report, name, vector, &data.header);
    if let Some(expected) = vector["expected_payload_json"].as_str() {
        let claims = Value::from(data.claims);
        report.check(
            claims == json(expected),
            name,
            format!("claims {claims} != expected {expected}"),
        );
        match verify_jws(token, key, &validation) {
            Ok(jws) => report.check(
                jws.payload == expected.as_bytes(),
                name,
                "verify_jws payload bytes differ from expected_payload_json",
            ),
            Err(e) => report.fail(name, format!("verify_jws gave {e:?}")),
        }
    }
}

fn reject(report: &mut Report, name: &str, vector: &Value, token: &str, key: &Key) {
    let category = category_of(vector);
    let validation = validation_of(vector);
    let err = match decode(token, key, &validation) {
        Ok(data) => {
            return report.fail(
                name,
                format!("expected reject ({category}), got Ok({:?})", data.claims),
            )
        }
        Err(e) => e,
    };
    match category_matches(category, &err) {
        Some(true) => {}
        Some(false) => report.fail(name, format!("expected {category}, got {err:?} ({err})")),
        None => report.fail(name, format!("no mapping for category {category:?}")),
    }
    // The JWS layer agrees: failures found after the MAC leave verify_jws succeeding, the others
    // are the very same error.
    let jws = verify_jws(token, key, &validation);
    if found_after_mac(category) {
        report.check(
            jws.is_ok(),
            name,
            format!("{category} but verify_jws gave {jws:?}"),
        );
    } else {
        report.check(
            jws.as_ref().err() == Some(&err),
            name,
            format!("decode gave {err:?} but verify_jws gave {jws:?}"),
        );
    }
}

fn jws_valid(report: &mut Report, name: &str, vector: &Value, token: &str, key: &Key) {
    let validation = validation_of(vector);
    match verify_jws(token, key, &validation) {
        Ok(jws) => {
            let expected = match vector["expected_payload_text"].as_str() {
                Some(text) => text.as_bytes().to_vec(),
                None => payload_segment(token),
            };
            report.check(
                jws.payload == expected,
                name,
                format!(
                    "verify_jws payload {:?} != expected {:?}",
                    String::from_utf8_lossy(&jws.payload),
                    String::from_utf8_lossy(&expected)
                ),
            );
            check_header(report, name, vector, &jws.header);
        }
        Err(e) => report.fail(name, format!("expected a valid JWS, got {e:?} ({e})")),
    }
    // The payload is not a claims set, so the JWT API refuses it.
    match decode(token, key, &validation) {
        Ok(data) => report.fail(
            name,
            format!("decode accepted a non-JWT: {:?}", data.claims),
        ),
        Err(err) => {
            let category = category_of(vector);
            let ok = if category.is_empty() {
                matches!(err, Error::InvalidPayloadJson(_) | Error::PayloadNotObject)
            } else {
                category_matches(category, &err) == Some(true)
            };
            report.check(
                ok,
                name,
                format!("decode of a non-JWT payload gave {err:?}"),
            );
        }
    }
}

/// RFC 7515 A.1: accepted at the vector's `now`, expired against the real clock.
fn accept_when_clock_before(
    report: &mut Report,
    name: &str,
    vector: &Value,
    token: &str,
    key: &Key,
) {
    accept(report, name, vector, token, key);
    let real_clock = Validation::new(Algorithm::HS256);
    report.check(
        decode(token, key, &real_clock) == Err(Error::Expired),
        name,
        format!(
            "with the real clock: {:?}",
            decode(token, key, &real_clock).map(|d| d.claims)
        ),
    );
    let mut no_exp = real_clock.clone();
    no_exp.validate_exp = false;
    report.check(
        decode(token, key, &no_exp).is_ok(),
        name,
        "refused with exp validation off",
    );
}

/// `constructed-many-dots`: 10 000 dots, alone and after a real token.
fn many_dots(report: &mut Report, name: &str, vector: &Value, key: &Key) {
    let validation = validation_of(vector);
    let dots = ".".repeat(10_000);
    let realistic = format!(
        "{}{dots}",
        encode(
            &Header::new(Algorithm::HS256),
            &json!({"sub": "alice", "exp": 4_102_444_800u64}),
            key
        )
        .expect("encode")
    );
    for (label, token) in [("10 000 dots", dots), ("token + 10 000 dots", realistic)] {
        match decode(&token, key, &validation) {
            Ok(_) => report.fail(name, format!("{label}: accepted")),
            Err(err) => report.check(
                category_matches("malformed:segment_count", &err) == Some(true),
                name,
                format!("{label}: got {err:?}"),
            ),
        }
    }
}

/// `constructed-oversize-token-20k`, rebuilt from its `token_generator` recipe.
fn oversize(report: &mut Report, name: &str, vector: &Value, key: &Key) {
    let validation = validation_of(vector);
    let claims = json!({"sub": "alice", "exp": 4_102_444_800u64, "pad": "A".repeat(20_000)});
    let token = encode(&Header::new(Algorithm::HS256), &claims, key).expect("encode");
    report.check(
        token.len() > validation.max_token_len,
        name,
        format!("regenerated token is only {} bytes", token.len()),
    );
    match decode(&token, key, &validation) {
        Err(Error::TokenTooLarge { len, max }) => report.check(
            len == token.len() && max == validation.max_token_len,
            name,
            format!("TokenTooLarge {{ len: {len}, max: {max} }}"),
        ),
        other => report.fail(
            name,
            format!("expected TokenTooLarge, got {:?}", other.map(|d| d.claims)),
        ),
    }
    let mut raised = validation.clone();
    raised.max_token_len = 64 * 1024;
    match decode(&token, key, &raised) {
        Ok(data) => report.check(
            Value::from(data.claims) == claims,
            name,
            "with a raised limit the claims differ",
        ),
        Err(e) => report.fail(name, format!("with a raised limit: {e:?}")),
    }
}

fn jws_compact(report: &mut Report, name: &str, vector: &Value) {
    let expected = vector["expected"].as_str().unwrap_or("");
    let token = vector["token"].as_str();
    if category_of(vector) == "key:too_short" {
        let token = token.expect("key vectors carry a token");
        return key_too_short(report, name, vector, token);
    }
    let validation = validation_of(vector);
    let key = match Key::for_algorithms(&validation.algorithms, secret_of(vector)) {
        Ok(key) => key,
        Err(e) => return report.fail(name, format!("Key refused: {e:?}")),
    };
    let Some(token) = token else {
        return match name {
            "constructed-many-dots" => many_dots(report, name, vector, &key),
            "constructed-oversize-token-20k" => oversize(report, name, vector, &key),
            _ => report.fail(name, "null token and no known generator"),
        };
    };
    match expected {
        "accept" => accept(report, name, vector, token, &key),
        "reject" => reject(report, name, vector, token, &key),
        "jws_valid" | "jws_valid_but_not_a_jwt" => jws_valid(report, name, vector, token, &key),
        e if e.starts_with("accept_when_exp_not_checked_or_clock_before") => {
            accept_when_clock_before(report, name, vector, token, &key)
        }
        other => report.fail(name, format!("unknown verdict {other:?}")),
    }
}

#[test]
fn every_vector_has_its_recorded_verdict() {
    let file = fixture();
    let vectors = file["vectors"].as_array().expect("vectors");
    let mut report = Report::default();
    let mut checked: BTreeMap<String, usize> = BTreeMap::new();
    for vector in vectors {
        let name = vector["name"].as_str().expect("name");
        match vector["kind"].as_str() {
            Some("hmac_primitive") => hmac_primitive(&mut report, name, vector),
            Some("jws_compact") => jws_compact(&mut report, name, vector),
            other => {
                report.fail(name, format!("unknown kind {other:?}"));
                continue;
            }
        }
        let verdict = vector["expected"].as_str().unwrap_or("?");
        *checked.entry(verdict.to_owned()).or_default() += 1;
    }
    let total: usize = checked.values().sum();
    let count = file["count"].as_u64().expect("count") as usize;
    report.check(
        total == count && vectors.len() == count,
        "vectors.json",
        format!(
            "checked {total} of {} vectors, count says {count}",
            vectors.len()
        ),
    );
    report.check(
        checked.get("reject") == Some(&137)
            && checked.get("accept") == Some(&20)
            && checked.get("mac_equals") == Some(&21)
            && checked.get("jws_valid") == Some(&13)
            && checked.get("jws_valid_but_not_a_jwt") == Some(&2),
        "vectors.json",
        format!("verdict counts changed: {checked:?}"),
    );
    report.finish();
}

#[test]
fn every_expected_error_category_has_a_mapping() {
    let file = fixture();
    let mut unknown = Vec::new();
    for vector in file["vectors"].as_array().expect("vectors") {
        let category = category_of(vector);
        if category.is_empty() || category == "key:too_short" {
            continue;
        }
        // Any error will do: only whether the category is known matters here.
        if category_matches(category, &Error::NotEnoughSegments).is_none() {
            unknown.push(format!("{}: {category}", vector["name"]));
        }
    }
    assert!(unknown.is_empty(), "unmapped categories: {unknown:?}");
}
