//! Interoperability with tokens minted by PyJWT 2.15.1 (the engine of flask-jwt-extended):
//! `tests/fixtures/pyjwt_vectors.json`, a copy of `shared/conformance/pyjwt_vectors.json`.
//!
//! Every token decodes to exactly its claims and header, and encoding the same header and the
//! same claims, in the same member order, gives PyJWT's token byte for byte.

use std::fmt;

use jwt_core::{decode, encode, Algorithm, Error, FixedClock, Header, Key, Validation};
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Number, Value};

const PYJWT_VECTORS: &str = include_str!("fixtures/pyjwt_vectors.json");

/// The frozen clock the fixture's claims were minted for.
const NOW: i64 = 1_700_000_000;

/// A JSON value whose objects keep their members in document order, at every depth, without
/// serde_json's `preserve_order` feature (which would change jwt-core's own maps).
#[derive(Debug, Clone)]
enum Ordered {
    Object(Vec<(String, Ordered)>),
    Array(Vec<Ordered>),
    Scalar(Value),
}

impl Ordered {
    fn members(&self) -> &[(String, Ordered)] {
        match self {
            Ordered::Object(members) => members,
            _ => panic!("not an object"),
        }
    }

    fn get(&self, name: &str) -> Option<&Ordered> {
        self.members()
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }

    /// The same value as a plain (sorted) `serde_json::Value`, for equality checks.
    fn to_value(&self) -> Value {
        match self {
            Ordered::Object(members) => Value::Object(
                members
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_value()))
                    .collect(),
            ),
            Ordered::Array(items) => Value::Array(items.iter().map(Ordered::to_value).collect()),
            Ordered::Scalar(value) => value.clone(),
        }
    }
}

impl<'de> Deserialize<'de> for Ordered {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OrderedVisitor;

        impl<'de> Visitor<'de> for OrderedVisitor {
            type Value = Ordered;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }

            fn visit_bool<E>(self, v: bool) -> Result<Ordered, E> {
                Ok(Ordered::Scalar(Value::Bool(v)))
            }

            fn visit_i64<E>(self, v: i64) -> Result<Ordered, E> {
                Ok(Ordered::Scalar(Value::Number(v.into())))
            }

            fn visit_u64<E>(self, v: u64) -> Result<Ordered, E> {
                Ok(Ordered::Scalar(Value::Number(v.into())))
            }

            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Ordered, E> {
                Number::from_f64(v)
                    .map(|n| Ordered::Scalar(Value::Number(n)))
                    .ok_or_else(|| E::custom("non-finite number"))
            }

            fn visit_str<E>(self, v: &str) -> Result<Ordered, E> {
                Ok(Ordered::Scalar(Value::String(v.to_owned())))
            }

            fn visit_string<E>(self, v: String) -> Result<Ordered, E> {
                Ok(Ordered::Scalar(Value::String(v)))
            }

            fn visit_unit<E>(self) -> Result<Ordered, E> {
                Ok(Ordered::Scalar(Value::Null))
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Ordered, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Ordered::Array(items))
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Ordered, A::Error> {
                let mut members: Vec<(String, Ordered)> = Vec::new();
                while let Some((name, value)) = map.next_entry::<String, Ordered>()? {
                    if members.iter().any(|(k, _)| *k == name) {
                        return Err(de::Error::custom(format_args!("duplicate member {name}")));
                    }
                    members.push((name, value));
                }
                Ok(Ordered::Object(members))
            }
        }

        deserializer.deserialize_any(OrderedVisitor)
    }
}

impl Serialize for Ordered {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Ordered::Object(members) => {
                let mut map = serializer.serialize_map(Some(members.len()))?;
                for (name, value) in members {
                    map.serialize_entry(name, value)?;
                }
                map.end()
            }
            Ordered::Array(items) => serializer.collect_seq(items),
            Ordered::Scalar(value) => value.serialize(serializer),
        }
    }
}

#[derive(serde::Deserialize)]
struct PyVector {
    name: String,
    alg: String,
    key: String,
    extra_header: Ordered,
    claims: Ordered,
    token: String,
    header: Value,
}

#[derive(serde::Deserialize)]
struct PyFile {
    minted_by: String,
    vectors: Vec<PyVector>,
}

fn fixture() -> PyFile {
    serde_json::from_str(PYJWT_VECTORS).expect("pyjwt_vectors.json")
}

impl PyVector {
    fn alg(&self) -> Algorithm {
        Algorithm::from_name(&self.alg).expect("an HS algorithm")
    }

    /// The key under the default policy: PyJWT's keys here are all long enough.
    fn key(&self) -> Key {
        Key::new(self.alg(), &self.key).unwrap_or_else(|e| {
            panic!(
                "{}: a {}-byte key was refused: {e}",
                self.name,
                self.key.len()
            )
        })
    }

    /// `Validation` for the vector's alg at PyJWT's frozen clock, leeway 0, and an expected
    /// audience taken from the token's `aud` when it has one.
    fn validation(&self) -> Validation {
        let mut validation = Validation::new(self.alg()).with_clock(FixedClock::at(NOW));
        validation.leeway = 0;
        match self.claims.get("aud").map(Ordered::to_value) {
            Some(Value::String(aud)) => validation.set_audience([aud]),
            Some(Value::Array(auds)) => {
                let last = auds.last().and_then(Value::as_str).expect("a string aud");
                validation.set_audience(["not-this-one", last]);
            }
            Some(other) => panic!("{}: aud {other}", self.name),
            None => {}
        }
        validation
    }

    /// Whether PyJWT's claims JSON is ASCII-only before `ensure_ascii` escaping.
    fn claims_are_ascii(&self) -> bool {
        serde_json::to_string(&self.claims)
            .expect("claims serialize")
            .is_ascii()
    }
}

fn finish(failures: Vec<String>) {
    assert!(
        failures.is_empty(),
        "{} mismatch(es):\n  {}",
        failures.len(),
        failures.join("\n  ")
    );
}

#[test]
fn fixture_is_what_these_tests_expect() {
    let file = fixture();
    assert_eq!(file.minted_by, "PyJWT 2.15.1");
    assert_eq!(file.vectors.len(), 17);
    let non_ascii: Vec<&str> = file
        .vectors
        .iter()
        .filter(|v| !v.claims_are_ascii())
        .map(|v| v.name.as_str())
        .collect();
    assert_eq!(non_ascii, ["unicode identity"]);
    for vector in &file.vectors {
        assert!(
            vector.key.len() >= vector.alg().hmac_output_len().expect("HMAC"),
            "{}: key shorter than the hash output",
            vector.name
        );
    }
}

#[test]
fn every_pyjwt_token_decodes_to_its_claims_and_header() {
    let mut failures = Vec::new();
    for vector in fixture().vectors {
        let name = &vector.name;
        match decode(&vector.token, &vector.key(), &vector.validation()) {
            Ok(data) => {
                let claims = Value::from(data.claims);
                if claims != vector.claims.to_value() {
                    failures.push(format!(
                        "{name}: claims {claims} != {}",
                        vector.claims.to_value()
                    ));
                }
                let header = Value::Object(data.header.members().clone());
                if header != vector.header {
                    failures.push(format!("{name}: header {header} != {}", vector.header));
                }
                if data.header.alg() != vector.alg() {
                    failures.push(format!("{name}: alg {:?}", data.header.alg()));
                }
            }
            Err(e) => failures.push(format!("{name}: {e:?} ({e})")),
        }
    }
    finish(failures);
}

/// flask-jwt-extended ignores `aud` when no decode audience is configured; jwt-core refuses
/// such a token (RFC 7519 §4.1.3, security.md §0.9), a documented departure.
#[test]
fn pyjwt_tokens_with_aud_need_a_configured_audience() {
    let mut seen = 0;
    for vector in fixture().vectors {
        if vector.claims.get("aud").is_none() {
            continue;
        }
        seen += 1;
        let no_audience = Validation::new(vector.alg()).with_clock(FixedClock::at(NOW));
        let result = decode(&vector.token, &vector.key(), &no_audience).map(|d| d.claims);
        assert_eq!(result, Err(Error::AudienceUnexpected), "{}", vector.name);
    }
    assert_eq!(seen, 2);
}

/// Re-encodes each vector's header (`Header::new` plus `extra_header` members) and claims (in
/// the fixture's member order) and compares with PyJWT's token. `ascii` picks the vectors whose
/// claims JSON is ASCII-only, or the others.
fn reencode(ascii: bool) -> (usize, Vec<String>) {
    let mut failures = Vec::new();
    let mut compared = 0;
    for vector in fixture().vectors {
        if vector.claims_are_ascii() != ascii {
            continue;
        }
        compared += 1;
        let name = &vector.name;
        let mut header = Header::new(vector.alg());
        for (member, value) in vector.extra_header.members() {
            if let Err(e) = header.insert(member.clone(), value.to_value()) {
                failures.push(format!("{name}: header member {member}: {e}"));
            }
        }
        match encode(&header, &vector.claims, &vector.key()) {
            Ok(token) if token == vector.token => {}
            Ok(token) => failures.push(format!(
                "{name}: encoded\n    {token}\n  PyJWT\n    {}",
                vector.token
            )),
            Err(e) => failures.push(format!("{name}: encode failed: {e}")),
        }
    }
    (compared, failures)
}

#[test]
fn encoding_reproduces_pyjwt_tokens_byte_for_byte() {
    let (compared, failures) = reencode(true);
    assert_eq!(compared, 16);
    finish(failures);
}

/// Non-ASCII claims: PyJWT writes them with `ensure_ascii`, `\u00fc` and surrogate pairs for
/// characters above U+FFFF, lowercase hex; jwt-core's encoder does the same.
#[test]
fn encoding_reproduces_pyjwt_tokens_with_non_ascii_claims() {
    let (compared, failures) = reencode(false);
    assert_eq!(compared, 1);
    finish(failures);
}

/// The member order of the claims is the caller's: the same claims in another order give
/// another token (PyJWT sorts header members only).
#[test]
fn claims_member_order_is_kept() {
    let vector = fixture()
        .vectors
        .into_iter()
        .find(|v| v.name == "flask access token")
        .expect("the flask access token vector");
    let header = Header::new(vector.alg());
    let sorted = encode(&header, &vector.claims.to_value(), &vector.key()).expect("encode");
    assert_ne!(sorted, vector.token);
    let ordered = encode(&header, &vector.claims, &vector.key()).expect("encode");
    assert_eq!(ordered, vector.token);
}
