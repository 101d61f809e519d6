//! Regression tests for failures found by fuzzing (fuzz/, docs/FUZZING.md). Each test inlines
//! the input that failed.

mod common;

use common::hmac;
use jwt_core::{decode, decode_unverified, encode, Algorithm, FixedClock, Header, Key, Validation};
use serde_json::{json, Value};

const SECRET: &[u8; 32] = b"fuzz-secret-0123456789abcdefghij";

/// `roundtrip_mutation` artifact `crash-01660921a8cbdea27e46d3811b7e231e9f940abc` (184 bytes, a
/// seed token read as structured input). Replay with
/// `cargo fuzz run roundtrip_mutation <file holding these bytes>`.
#[allow(dead_code)]
const ROUNDTRIP_ARTIFACT: &[u8] =
    b"eyJhbGciOiJIUzI1NiIsImtpZCI6ImsxIiwidHlwIjoiSldUIn0.eyJleHAiOjE3\
MDAwMDA5MDAsImlhdCI6MTcwMDAwMDAwMCwibmJmIjoxNzAwMDAwMDAwLCJzdWIiOiJhbGljZSJ9.jeJCZSrgw71JT1SbZ6s\
OXPp34vXVBflC21iGYEGN1hE";

/// The float in that input's claims: written as `2.588972843847524e-307` (the shortest text that
/// reads back as it), serde_json's default parser read it one ULP low (`...75235e-307`). Python
/// (PyJWT) reads it exactly, so a claim decoded here differed from the one flask-jwt-extended
/// decodes. Fixed by serde_json's `float_roundtrip` feature in jwt-core/Cargo.toml.
const ROUNDTRIP_FLOAT_BITS: u64 = 0x0047_4559_4769_3132;

fn validation() -> Validation {
    Validation::new(Algorithm::HS256).with_clock(FixedClock::at(1_700_000_000))
}

#[test]
fn float_claims_round_trip_exactly() {
    let key = Key::new(Algorithm::HS256, SECRET).expect("key");
    let x = f64::from_bits(ROUNDTRIP_FLOAT_BITS);
    for value in [
        x,
        -x,
        1.498_701_427_207_906e214,
        1_700_000_900.123_456,
        5e-324,
        f64::MAX,
    ] {
        let token = encode(
            &Header::new(Algorithm::HS256),
            &json!({"sub": "a", "x": value}),
            &key,
        )
        .expect("encode");
        let data = decode(&token, &key, &validation()).expect("decode");
        let back = data.claims.get("x").and_then(Value::as_f64).expect("x");
        assert_eq!(
            back.to_bits(),
            value.to_bits(),
            "{value:e} came back as {back:e}"
        );
    }
}

#[test]
fn float_claim_text_is_read_correctly_rounded() {
    // The payload exactly as the encoder writes it, signed over the literal text.
    let header = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";
    let payload = br#"{"sub":"a","x":2.588972843847524e-307}"#;
    let signing_input = format!("{header}.{}", b64(payload));
    let token = format!(
        "{signing_input}.{}",
        b64(&hmac(Algorithm::HS256, SECRET, signing_input.as_bytes()))
    );
    let key = Key::new(Algorithm::HS256, SECRET).expect("key");
    for claims in [
        decode(&token, &key, &validation()).expect("decode").claims,
        decode_unverified(&token).expect("decode_unverified").claims,
    ] {
        let x = claims.get("x").and_then(Value::as_f64).expect("x");
        assert_eq!(x.to_bits(), ROUNDTRIP_FLOAT_BITS);
        assert_eq!(
            x,
            "2.588972843847524e-307".parse::<f64>().expect("std parse")
        );
    }
}

fn b64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}
