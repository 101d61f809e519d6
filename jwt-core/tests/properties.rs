//! Property tests: round trips, single-byte changes and arbitrary input.

use jwt_core::{
    decode, decode_header_unverified, decode_unverified, encode, Algorithm, FixedClock, Header,
    Key, Validation,
};
use proptest::prelude::*;
use serde_json::{Map, Value};

const SECRET: &[u8] = b"property-test-secret-of-sixty-four-bytes-0123456789abcdefghijklm";

fn algorithm() -> impl Strategy<Value = Algorithm> {
    prop_oneof![
        Just(Algorithm::HS256),
        Just(Algorithm::HS384),
        Just(Algorithm::HS512)
    ]
}

/// JSON values without floats (which do not round-trip through text exactly in every case).
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-1e15f64..1e15).prop_map(|f| Value::from((f * 1000.0).round() / 1000.0)),
        any::<String>().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map("[a-z]{0,6}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Claim sets whose registered claims, when present, have valid types and values.
fn claims() -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::btree_map("[a-z_]{1,8}", json_value(), 0..8).prop_map(|m| {
        let mut claims: Map<String, Value> = m
            .into_iter()
            .filter(|(k, _)| {
                !["exp", "nbf", "iat", "iss", "aud", "sub", "jti"].contains(&k.as_str())
            })
            .collect();
        claims.insert("sub".into(), Value::String("someone".into()));
        claims.insert("exp".into(), Value::from(4_102_444_800u64));
        claims
    })
}

fn validation(alg: Algorithm) -> Validation {
    Validation::new(alg).with_clock(FixedClock::at(1_700_000_000))
}

proptest! {
    #[test]
    fn encode_then_decode_returns_the_claims(alg in algorithm(), claims in claims()) {
        let key = Key::new(alg, SECRET).unwrap();
        let token = encode(&Header::new(alg), &claims, &key).unwrap();
        let data = decode(&token, &key, &validation(alg)).unwrap();
        prop_assert_eq!(data.claims.members(), &claims);
        prop_assert_eq!(data.header.alg(), alg);
    }

    #[test]
    fn any_single_byte_change_is_rejected(
        alg in algorithm(),
        claims in claims(),
        position in any::<prop::sample::Index>(),
        replacement in any::<u8>(),
    ) {
        let key = Key::new(alg, SECRET).unwrap();
        let token = encode(&Header::new(alg), &claims, &key).unwrap();
        let mut bytes = token.into_bytes();
        let i = position.index(bytes.len());
        prop_assume!(bytes[i] != replacement);
        bytes[i] = replacement;
        prop_assert!(decode(&bytes, &key, &validation(alg)).is_err());
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let key = Key::new(Algorithm::HS256, SECRET).unwrap();
        let _ = decode(&bytes, &key, &validation(Algorithm::HS256));
        let _ = decode_unverified(&bytes);
        let _ = decode_header_unverified(&bytes);
    }

    #[test]
    fn token_shaped_input_never_panics(
        header in "[A-Za-z0-9_=+/-]{0,60}",
        payload in "[A-Za-z0-9_=+/.-]{0,120}",
        signature in "[A-Za-z0-9_=+/-]{0,90}",
    ) {
        let key = Key::new(Algorithm::HS256, SECRET).unwrap();
        let token = format!("{header}.{payload}.{signature}");
        prop_assert!(decode(&token, &key, &validation(Algorithm::HS256)).is_err());
    }
}
