//! The JSON type a value is written as, named for a message ("a string", "an object", ...),
//! found without writing it.

use std::fmt;

use serde::ser::{self, Impossible, Serialize, Serializer};
use serde_json::Value;

pub(crate) const STRING: &str = "a string";
const NUMBER: &str = "a number";
const BOOLEAN: &str = "a boolean";
const NULL: &str = "null";
const ARRAY: &str = "an array";
const OBJECT: &str = "an object";

/// The JSON type of `value`.
pub(crate) fn of_value(value: &Value) -> &'static str {
    match value {
        Value::String(_) => STRING,
        Value::Number(_) => NUMBER,
        Value::Bool(_) => BOOLEAN,
        Value::Null => NULL,
        Value::Array(_) => ARRAY,
        Value::Object(_) => OBJECT,
    }
}

/// The JSON type `value` is written as; `None` when serializing fails (writing the token then
/// reports why). A struct (which may be one of serde_json's raw values or numbers) is made a
/// [`Value`] to be told; anything else is told at its first serializer call.
pub(crate) fn of<T: Serialize + ?Sized>(value: &T) -> Option<&'static str> {
    match value.serialize(Kind) {
        Ok(kind) | Err(Found(Some(kind))) => Some(kind),
        Err(Found(None)) => serde_json::to_value(value).ok().as_ref().map(of_value),
    }
}

/// A compound value's type, found at its first method (its members are never visited);
/// `None` for a raw value, or a failure of the value's own `Serialize`.
#[derive(Debug)]
pub(crate) struct Found(Option<&'static str>);

impl fmt::Display for Found {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.unwrap_or("a value that failed to serialize"))
    }
}

impl std::error::Error for Found {}

impl ser::Error for Found {
    fn custom<M: fmt::Display>(_: M) -> Self {
        Found(None)
    }
}

struct Kind;

type Compound = Impossible<&'static str, Found>;

impl Serializer for Kind {
    type Ok = &'static str;
    type Error = Found;
    type SerializeSeq = Compound;
    type SerializeTuple = Compound;
    type SerializeTupleStruct = Compound;
    type SerializeTupleVariant = Compound;
    type SerializeMap = Compound;
    type SerializeStruct = Compound;
    type SerializeStructVariant = Compound;

    fn serialize_bool(self, _: bool) -> Result<&'static str, Found> {
        Ok(BOOLEAN)
    }
    fn serialize_i8(self, _: i8) -> Result<&'static str, Found> {
        Ok(NUMBER)
    }
    fn serialize_i16(self, _: i16) -> Result<&'static str, Found> {
        Ok(NUMBER)
    }
    fn serialize_i32(self, _: i32) -> Result<&'static str, Found> {
        Ok(NUMBER)
    }
    fn serialize_i64(self, _: i64) -> Result<&'static str, Found> {
        Ok(NUMBER)
    }
    fn serialize_i128(self, _: i128) -> Result<&'static str, Found> {
        Ok(NUMBER)
    }
    fn serialize_u8(self, _: u8) -> Result<&'static str, Found> {
        Ok(NUMBER)
    }
    fn serialize_u16(self, _: u16) -> Result<&'static str, Found> {
        Ok(NUMBER)
    }
    fn serialize_u32(self, _: u32) -> Result<&'static str, Found> {
        Ok(NUMBER)
    }
    fn serialize_u64(self, _: u64) -> Result<&'static str, Found> {
        Ok(NUMBER)
    }
    fn serialize_u128(self, _: u128) -> Result<&'static str, Found> {
        Ok(NUMBER)
    }
    fn serialize_f32(self, _: f32) -> Result<&'static str, Found> {
        Ok(NUMBER)
    }
    fn serialize_f64(self, _: f64) -> Result<&'static str, Found> {
        Ok(NUMBER)
    }
    fn serialize_char(self, _: char) -> Result<&'static str, Found> {
        Ok(STRING)
    }
    fn serialize_str(self, _: &str) -> Result<&'static str, Found> {
        Ok(STRING)
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<&'static str, Found> {
        Ok(ARRAY)
    }
    fn serialize_none(self) -> Result<&'static str, Found> {
        Ok(NULL)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<&'static str, Found> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<&'static str, Found> {
        Ok(NULL)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<&'static str, Found> {
        Ok(NULL)
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
    ) -> Result<&'static str, Found> {
        Ok(STRING)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<&'static str, Found> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<&'static str, Found> {
        Ok(OBJECT)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Compound, Found> {
        Err(Found(Some(ARRAY)))
    }
    fn serialize_tuple(self, _: usize) -> Result<Compound, Found> {
        Err(Found(Some(ARRAY)))
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Compound, Found> {
        Err(Found(Some(ARRAY)))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Compound, Found> {
        Err(Found(Some(OBJECT)))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Compound, Found> {
        Err(Found(Some(OBJECT)))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Compound, Found> {
        // Usually an object, but serde_json writes its raw values and arbitrary-precision
        // numbers through structs too, which only its private names tell apart: left to the
        // fallback, which asks serde_json itself (a value is made only here, for structs).
        Err(Found(None))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Compound, Found> {
        Err(Found(Some(OBJECT)))
    }
}

#[cfg(test)]
mod tests {
    use serde::Serialize;
    use serde_json::{json, Map};

    /// The JSON type of what would be written, told without writing it.
    #[test]
    fn json_kind_of_every_serde_shape() {
        #[derive(Serialize)]
        struct Newtype(String);
        #[derive(Serialize)]
        struct Unit;
        #[derive(Serialize)]
        struct Pair(u8, u8);
        #[derive(Serialize)]
        enum Role {
            Admin,
            Tagged(u8),
            Pair(u8, u8),
            Named { id: u8 },
        }
        let of = |kind: Option<&'static str>| kind.unwrap();
        assert_eq!(of(super::of("alice")), "a string");
        assert_eq!(of(super::of(&'x')), "a string");
        assert_eq!(of(super::of(&Newtype("a".into()))), "a string");
        assert_eq!(of(super::of(&Some("a"))), "a string");
        assert_eq!(of(super::of(&Role::Admin)), "a string");
        assert_eq!(of(super::of(&json!("a"))), "a string");
        assert_eq!(of(super::of(&42u64)), "a number");
        assert_eq!(of(super::of(&-1i128)), "a number");
        assert_eq!(of(super::of(&1.5f32)), "a number");
        assert_eq!(of(super::of(&json!(7))), "a number");
        assert_eq!(of(super::of(&true)), "a boolean");
        assert_eq!(of(super::of(&None::<String>)), "null");
        assert_eq!(of(super::of(&())), "null");
        assert_eq!(of(super::of(&Unit)), "null");
        assert_eq!(of(super::of(&vec!["a"])), "an array");
        assert_eq!(of(super::of(&("a", 1))), "an array");
        assert_eq!(of(super::of(&Pair(1, 2))), "an array");
        assert_eq!(of(super::of(&json!(["a"]))), "an array");
        assert_eq!(of(super::of(&Role::Tagged(1))), "an object");
        assert_eq!(of(super::of(&Role::Pair(1, 2))), "an object");
        assert_eq!(of(super::of(&Role::Named { id: 1 })), "an object");
        assert_eq!(of(super::of(&json!({"id": 1}))), "an object");
        assert_eq!(of(super::of(&Map::new())), "an object");

        /// Fails as soon as it is serialized.
        struct Broken;
        impl Serialize for Broken {
            fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
                Err(serde::ser::Error::custom("broken"))
            }
        }
        assert_eq!(super::of(&Broken), None);
    }
}
