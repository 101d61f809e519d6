//! The one JSON parser of the verify path: header and payload alike, refusing repeated member
//! names at any depth.
//!
//! `serde_json::Value` silently keeps the last of two equal names, which lets a front proxy and
//! this library read different claims from one token (`{"alg":"none","alg":"HS256"}`), and no
//! well-known crate offers a `Value` that refuses them; so this visitor, written here, builds
//! the same `Value` serde_json would and fails on a repeated name instead. serde_json provides
//! the rest of the strictness: UTF-8 only (no BOM), no lone surrogates, no NaN, numbers as it
//! reads them (`u64`, `i64`, else `f64`, correctly rounded), and its nesting limit of 128.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use crate::error::QuotedEcho;

/// Parses `bytes` as one JSON value, refusing repeated member names.
pub(crate) fn parse(bytes: &[u8]) -> Result<Value, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = StrictValue.deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}

/// Builds a `Value` as serde_json does, refusing a repeated member name in any object.
pub(crate) struct StrictValue;

impl<'de> DeserializeSeed<'de> for StrictValue {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StrictValue {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom("number out of range"))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(item) = seq.next_element_seed(StrictValue)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        while let Some(key) = access.next_key::<String>()? {
            let value = access.next_value_seed(StrictValue)?;
            match map.entry(key) {
                serde_json::map::Entry::Occupied(entry) => {
                    // Worded before the signature is checked (the header): bounded.
                    return Err(de::Error::custom(format_args!(
                        "duplicate member name {}",
                        QuotedEcho(entry.key())
                    )));
                }
                serde_json::map::Entry::Vacant(entry) => {
                    entry.insert(value);
                }
            }
        }
        Ok(Value::Object(map))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_names_are_refused_at_any_depth() {
        for json in [
            r#"{"a":1,"a":2}"#,
            r#"{"a":1,"\u0061":2}"#,
            r#"{"o":{"p":1,"p":1}}"#,
            r#"[1,{"a":1,"a":1}]"#,
            r#"{"aud":["x",{"q":[{"r":1,"r":2}]}]}"#,
        ] {
            let err = parse(json.as_bytes()).unwrap_err().to_string();
            assert!(err.starts_with("duplicate member name "), "{json}: {err}");
        }
        let long = "n".repeat(100);
        let err = parse(format!(r#"{{"{long}":1,"{long}":2}}"#).as_bytes()).unwrap_err();
        let expected = format!("duplicate member name \"{}\"...", &long[..64]);
        assert!(err.to_string().starts_with(&expected), "{err}");
    }

    #[test]
    fn reads_what_serde_json_reads_and_refuses_the_rest() {
        let json = r#"{"s":"é\n","u":18446744073709551615,"i":-1,"f":1.5,"e":1e3,"z":-0,"b":true,"n":null,"a":[{"x":{}}]}"#;
        let value = parse(json.as_bytes()).unwrap();
        assert_eq!(value, serde_json::from_str::<Value>(json).unwrap());
        assert!(value["u"].is_u64() && value["i"].is_i64() && value["e"].is_f64());
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        for bad in [
            &b"\xef\xbb\xbf{}"[..],
            b"{\"a\":\"\xff\"}",
            br#"{"a":"\ud800"}"#,
            br#"{"a":1e400}"#,
            br#"{"a":NaN}"#,
            br#"{"a":1} x"#,
            b"",
            deep.as_bytes(),
        ] {
            assert!(parse(bad).is_err(), "{}", String::from_utf8_lossy(bad));
        }
    }
}
