//! JSON parsing that refuses repeated member names at any depth.
//!
//! `serde_json::Value` silently keeps the last of two equal names, which lets a front proxy and
//! this library read different claims from one token (`{"alg":"none","alg":"HS256"}`). The
//! visitor here fails instead. serde_json still provides the rest of the strictness: UTF-8 only
//! (no BOM), no lone surrogates, no NaN, and its recursion limit of 128.

use std::collections::HashSet;
use std::fmt;
use std::hash::{Hash, Hasher};

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use crate::claims::{same_bytes, Member, Parsed, Slot, Text};
use crate::error::QuotedEcho;

/// Parses `bytes` as one JSON value, refusing repeated member names.
pub(crate) fn parse(bytes: &[u8]) -> Result<Value, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = StrictValue.deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}

struct StrictValue;

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

/// Parses a payload as [`parse`] would, keeping a top-level object as its text and an index of
/// its members instead of building a `Value`: `Ok(None)` for any other JSON value. Accepts and
/// refuses exactly what [`parse`] does, with the same errors.
pub(crate) fn parse_members(json: Vec<u8>) -> Result<Option<Parsed>, serde_json::Error> {
    // What serde_json accepts is UTF-8: it only allows ASCII outside strings and checks the
    // strings. Anything else fails below with serde_json's own error, as before.
    let json = match String::from_utf8(json) {
        Ok(json) => json,
        Err(e) => {
            parse(e.as_bytes())?;
            return Err(de::Error::custom("invalid UTF-8"));
        }
    };
    if let Some(members) = crate::flat_json::scan(&json) {
        return Ok(Some(Parsed::new(json, members)));
    }
    let bytes = json.as_bytes();
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let members = TopLevel { base: bytes }.deserialize(&mut de)?;
    de.end()?;
    Ok(members.map(|members| Parsed::new(json, members)))
}

/// Where a string the parser lent out lies in the input, when it lies there.
fn span_of(base: &[u8], s: &str) -> Option<std::ops::Range<usize>> {
    let start = (s.as_ptr() as usize).checked_sub(base.as_ptr() as usize)?;
    let range = start..start.checked_add(s.len())?;
    (base.get(range.clone())?.as_ptr() == s.as_ptr()).then_some(range)
}

struct TopLevel<'b> {
    base: &'b [u8],
}

impl<'de> DeserializeSeed<'de> for TopLevel<'_> {
    type Value = Option<Vec<Member>>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

/// Below this many members a repeated name is found by comparing with each earlier one;
/// from there on through a set of hashes, so a huge payload stays linear.
const LINEAR_MEMBERS: usize = 32;

impl<'de> Visitor<'de> for TopLevel<'_> {
    type Value = Option<Vec<Member>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        StrictValue.visit_f64(v).map(|_| None)
    }

    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        StrictValue.visit_seq(seq).map(|_| None)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
        let base = self.base;
        fn name_of<'a>(base: &'a [u8], member: &'a Member) -> &'a [u8] {
            match &member.name {
                Text::Span(range) => base.get(range.clone()).unwrap_or_default(),
                Text::Owned(name) => name.as_bytes(),
            }
        }
        let hash = |name: &[u8]| {
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            name.hash(&mut hasher);
            hasher.finish()
        };
        let mut members: Vec<Member> = Vec::with_capacity(12);
        let mut hashes: Option<HashSet<u64>> = None;
        while let Some(name) = access.next_key_seed(TextSeed { base })? {
            let value = access.next_value_seed(SlotSeed { base })?;
            let member = Member { name, value };
            let new = name_of(base, &member);
            let repeated = if members.len() < LINEAR_MEMBERS {
                members.iter().any(|m| same_bytes(name_of(base, m), new))
            } else {
                let set = hashes.get_or_insert_with(|| {
                    members.iter().map(|m| hash(name_of(base, m))).collect()
                });
                // A hash seen before is only a hint; compare the names to be sure.
                !set.insert(hash(new)) && members.iter().any(|m| same_bytes(name_of(base, m), new))
            };
            if repeated {
                let key = String::from_utf8_lossy(new);
                return Err(de::Error::custom(format_args!(
                    "duplicate member name {}",
                    QuotedEcho(&key)
                )));
            }
            members.push(member);
        }
        Ok(Some(members))
    }
}

/// A member name or string value: a span of the input when serde_json lends it (no escapes).
struct TextSeed<'b> {
    base: &'b [u8],
}

impl<'de> DeserializeSeed<'de> for TextSeed<'_> {
    type Value = Text;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Text, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for TextSeed<'_> {
    type Value = Text;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Text, E> {
        Ok(match span_of(self.base, v) {
            Some(range) => Text::Span(range),
            None => Text::Owned(v.to_owned()),
        })
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
        Ok(Text::Owned(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Text, E> {
        Ok(Text::Owned(v))
    }
}

/// A member value: strings as [`Text`], the rest as [`StrictValue`] makes them.
struct SlotSeed<'b> {
    base: &'b [u8],
}

impl<'de> DeserializeSeed<'de> for SlotSeed<'_> {
    type Value = Slot;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Slot, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for SlotSeed<'_> {
    type Value = Slot;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Slot, E> {
        TextSeed { base: self.base }
            .visit_borrowed_str(v)
            .map(Slot::Str)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Slot, E> {
        Ok(Slot::Str(Text::Owned(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Slot, E> {
        Ok(Slot::Str(Text::Owned(v)))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Slot, E> {
        StrictValue.visit_bool(v).map(Slot::Other)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Slot, E> {
        StrictValue.visit_i64(v).map(Slot::Other)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Slot, E> {
        StrictValue.visit_u64(v).map(Slot::Other)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Slot, E> {
        StrictValue.visit_f64(v).map(Slot::Other)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Slot, E> {
        Ok(Slot::Other(Value::Null))
    }

    fn visit_none<E: de::Error>(self) -> Result<Slot, E> {
        Ok(Slot::Other(Value::Null))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Slot, A::Error> {
        StrictValue.visit_seq(seq).map(Slot::Other)
    }

    fn visit_map<A: MapAccess<'de>>(self, access: A) -> Result<Slot, A::Error> {
        StrictValue.visit_map(access).map(Slot::Other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Claims;

    /// `parse_members` accepts and refuses what `parse` does, with the same message, and keeps
    /// the same members.
    #[test]
    fn members_parse_agrees_with_value_parse() {
        let many: String = (0..40).map(|i| format!("\"k{i}\":{i},")).collect();
        let cases: Vec<Vec<u8>> = vec![
            br#"{"sub":"a","exp":1,"fresh":false,"n":null,"f":1.5}"#.to_vec(),
            br#"{"a":1,"a":2}"#.to_vec(),
            br#"{"a":1,"\u0061":2}"#.to_vec(),
            br#"{"a\"b":"c\\d\u00e9","x":"\ud83d\ude00"}"#.to_vec(),
            br#"{"aud":["x","y"],"o":{"p":{"q":[1,{"r":1,"r":2}]}}}"#.to_vec(),
            br#"{"o":{"p":1,"p":1}}"#.to_vec(),
            br#"[1,{"a":1,"a":1}]"#.to_vec(),
            br#"[1,2]"#.to_vec(),
            br#""str""#.to_vec(),
            b"12".to_vec(),
            b"null".to_vec(),
            br#"{"a":1} x"#.to_vec(),
            b"\xef\xbb\xbf{\"a\":1}".to_vec(),
            b"{\"a\":\"\xff\"}".to_vec(),
            b"{\"\xc3\xa9\":\"\xc3\xa9\"}".to_vec(),
            br#"{"a":"\ud800"}"#.to_vec(),
            br#"{"a":1e400}"#.to_vec(),
            format!("{{{many}\"k39\":0}}").into_bytes(),
            format!("{{{many}\"last\":0}}").into_bytes(),
            format!("{{{many}\"k5\":\"dup\"}}").into_bytes(),
            b"{}".to_vec(),
            b"".to_vec(),
        ];
        for case in cases {
            let expected = parse(&case).map_err(|e| e.to_string());
            let got = parse_members(case.clone()).map_err(|e| e.to_string());
            match (expected, got) {
                (Ok(Value::Object(map)), Ok(Some(parsed))) => {
                    let claims = Claims::from_parsed(parsed);
                    assert_eq!(claims.members(), &map, "{}", String::from_utf8_lossy(&case));
                    for (name, value) in &map {
                        assert_eq!(claims.get_cloned(name).as_ref(), Some(value));
                        assert!(claims.contains(name));
                    }
                    assert_eq!(claims.clone().into_members(), map);
                }
                (Ok(other), Ok(None)) => assert!(!other.is_object()),
                (Err(a), Err(b)) => assert_eq!(a, b, "{}", String::from_utf8_lossy(&case)),
                (a, b) => panic!(
                    "{}: value parse {a:?}, members parse {:?}",
                    String::from_utf8_lossy(&case),
                    b.map(|p| p.is_some())
                ),
            }
        }
    }
}
