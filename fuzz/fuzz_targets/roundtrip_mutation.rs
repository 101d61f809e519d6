//! Structured claims × algorithm → `encode` → `decode` gives the claims back (or exactly the
//! error a reference model of the claim rules predicts); the token is canonical; and one byte
//! edit anywhere in it makes it rejected unless the edit left it unchanged.
#![no_main]

use arbitrary::{Arbitrary, Result, Unstructured};
use jwt_core::{Algorithm, Claims, Error, FixedClock, Header, Validation};
use jwt_extended_fuzz::{b64_decode_strict, b64_encode, key64, NOW};
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Number, Value};

const NAMES: [&str; 12] = [
    "sub", "exp", "nbf", "iat", "aud", "iss", "jti", "type", "fresh", "csrf", "kid", "crit",
];

fn arb_string(u: &mut Unstructured<'_>) -> Result<String> {
    if u.ratio(1, 2)? {
        Ok(NAMES[u.choose_index(NAMES.len())?].to_owned())
    } else {
        String::arbitrary(u)
    }
}

fn arb_value(u: &mut Unstructured<'_>, depth: u32) -> Result<Value> {
    let kind = if depth >= 6 {
        u.int_in_range(0..=6)?
    } else {
        u.int_in_range(0..=8)?
    };
    Ok(match kind {
        0 => Value::Null,
        1 => Value::Bool(bool::arbitrary(u)?),
        2 => Value::from(i64::arbitrary(u)?),
        3 => Value::from(u64::arbitrary(u)?),
        4 => Number::from_f64(f64::arbitrary(u)?).map_or(Value::Null, Value::Number),
        5 => Value::from(NOW + i64::from(i16::arbitrary(u)?)),
        6 => Value::String(arb_string(u)?),
        7 => {
            let n = u.int_in_range(0..=4)?;
            Value::Array(
                (0..n)
                    .map(|_| arb_value(u, depth + 1))
                    .collect::<Result<_>>()?,
            )
        }
        _ => Value::Object(arb_map(u, depth + 1)?),
    })
}

fn arb_map(u: &mut Unstructured<'_>, depth: u32) -> Result<Map<String, Value>> {
    let n = u.int_in_range(0..=8)?;
    let mut map = Map::new();
    for _ in 0..n {
        map.insert(arb_string(u)?, arb_value(u, depth)?);
    }
    Ok(map)
}

#[derive(Debug)]
struct Input {
    alg: Algorithm,
    claims: Map<String, Value>,
    header: Vec<(String, Value)>,
    leeway: u64,
    validate: [bool; 4],
    edit: (u8, usize, u8),
}

impl<'a> Arbitrary<'a> for Input {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let alg = Algorithm::HMAC[u.choose_index(3)?];
        let claims = arb_map(u, 0)?;
        let n = u.int_in_range(0..=2)?;
        let header = (0..n)
            .map(|_| Ok((arb_string(u)?, arb_value(u, 4)?)))
            .collect::<Result<_>>()?;
        let leeway = match u.int_in_range(0..=3)? {
            0 => 0,
            1 => u64::from(u16::arbitrary(u)?),
            2 => u64::MAX,
            _ => u64::arbitrary(u)?,
        };
        let validate = <[bool; 4]>::arbitrary(u)?;
        let edit = <(u8, usize, u8)>::arbitrary(u)?;
        Ok(Input {
            alg,
            claims,
            header,
            leeway,
            validate,
            edit,
        })
    }
}

/// The first claim error `Validation::validate_claims` must report (PyJWT's order).
fn model_claims(claims: &Map<String, Value>, v: &Validation) -> Option<Error> {
    let leeway = i64::try_from(v.leeway).unwrap_or(i64::MAX);
    let secs = |x: &Value| x.as_f64().map(|f| f.floor() as i64);
    if let Some(iat) = claims.get("iat") {
        let Some(iat) = secs(iat) else {
            return Some(Error::IssuedAtInvalid);
        };
        if v.validate_iat && iat > NOW.saturating_add(leeway) {
            return Some(Error::IssuedAtInFuture);
        }
    }
    if let Some(nbf) = claims.get("nbf") {
        let Some(nbf) = secs(nbf) else {
            return Some(Error::NotBeforeInvalid);
        };
        if v.validate_nbf && nbf > NOW.saturating_add(leeway) {
            return Some(Error::NotYetValid);
        }
    }
    if let Some(exp) = claims.get("exp") {
        let Some(exp) = secs(exp) else {
            return Some(Error::ExpirationInvalid);
        };
        if v.validate_exp && exp <= NOW.saturating_sub(leeway) {
            return Some(Error::Expired);
        }
    }
    if claims.contains_key("aud") {
        return Some(Error::AudienceUnexpected);
    }
    if v.verify_sub && claims.get("sub").is_some_and(|s| !s.is_string()) {
        return Some(Error::SubjectInvalid);
    }
    if claims.get("jti").is_some_and(|s| !s.is_string()) {
        return Some(Error::JwtIdInvalid);
    }
    None
}

fn is_token_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

fuzz_target!(|input: Input| {
    let mut header = Header::new(input.alg);
    for (name, value) in &input.header {
        if name == "alg" {
            continue;
        }
        header
            .insert(name.clone(), value.clone())
            .expect("insert a non-alg member");
    }
    let key = key64();
    let token = jwt_core::encode(&header, &input.claims, key).expect("encode a JSON object");

    // Shape and canonicality of the encoder's output.
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3);
    for part in &parts {
        assert!(
            !part.is_empty() && part.bytes().all(is_token_char),
            "bad segment {part:?}"
        );
        let bytes = b64_decode_strict(part.as_bytes()).expect("strict base64url");
        assert_eq!(&b64_encode(&bytes), part);
    }
    assert_eq!(
        b64_decode_strict(parts[2].as_bytes()).map(|s| s.len()),
        input.alg.hmac_output_len()
    );

    let mut validation = Validation::new(input.alg).with_clock(FixedClock::at(NOW));
    validation.leeway = input.leeway;
    [
        validation.validate_exp,
        validation.validate_nbf,
        validation.validate_iat,
        validation.verify_sub,
    ] = input.validate;

    // Expected verdict: header rules first, then the claims.
    let members = header.members();
    let header_error = if members.get("kid").is_some_and(|k| !k.is_string()) {
        Some("kid")
    } else if members.contains_key("crit") {
        Some("crit")
    } else {
        None
    };
    let decoded = jwt_core::decode(&token, key, &validation);
    match (header_error, &decoded) {
        (Some("kid"), Err(Error::KeyIdNotString)) => {}
        (
            Some("crit"),
            Err(Error::CriticalHeaderInvalid | Error::CriticalExtensionUnsupported(_)),
        ) => {}
        (None, _) => match (model_claims(&input.claims, &validation), &decoded) {
            (None, Ok(data)) => {
                assert_eq!(data.claims, Claims::from_members(input.claims.clone()));
                assert_eq!(&data.header, &header);
            }
            (Some(want), Err(got)) => assert_eq!(&want, got),
            (want, got) => panic!("model {want:?}, decode {got:?}"),
        },
        (want, got) => panic!("header rule {want:?}, decode {got:?}"),
    }

    // One byte edit: replace, insert or delete.
    let mut edited = token.clone().into_bytes();
    let (kind, pos, byte) = input.edit;
    match kind % 3 {
        0 => {
            let pos = pos % edited.len();
            edited[pos] = byte;
        }
        1 => edited.insert(pos % (edited.len() + 1), byte),
        _ => {
            edited.remove(pos % edited.len());
        }
    }
    if edited != token.as_bytes() {
        let mut lenient = validation.clone();
        lenient.validate_exp = false;
        lenient.validate_nbf = false;
        lenient.validate_iat = false;
        lenient.verify_sub = false;
        for v in [&validation, &lenient] {
            let result = jwt_core::decode(&edited, key, v);
            assert!(
                result.is_err(),
                "edited token accepted: {:?}",
                String::from_utf8_lossy(&edited)
            );
            assert!(
                jwt_core::verify_jws(&edited, key, v).is_err(),
                "edited JWS accepted"
            );
        }
    }
});
