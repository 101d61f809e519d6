//! JSON written the way PyJWT writes it: `json.dumps(obj, separators=(",", ":"))`.
//!
//! Compact separators, every non-ASCII character escaped as `\uXXXX` (Python's default
//! `ensure_ascii=True`, with surrogate pairs above U+FFFF), and floats in Python's `repr` form
//! (`1.5e+300`, `1e-05`, `100.0`). A token made here from the same header and claims as a
//! flask-jwt-extended token is the same string, byte for byte.
//!
//! The serializer is written by hand and appends straight to a `Vec<u8>`: a string that needs
//! no escaping (the usual claim) is checked eight bytes at a time and copied in one piece.
//! Everything else mirrors `serde_json::Serializer` (with a formatter doing the above): what it
//! writes, what it refuses, and its map-key rules; the differential tests in `tests.rs` hold it to that.

use std::fmt::{self, Display, Write as _};

use serde::ser::{self, Impossible};
use serde::Serialize;
use serde_json::Error;

type Result<T = ()> = std::result::Result<T, Error>;

/// Serializes `value` as PyJWT would, appending to `out`.
pub(crate) fn write<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) -> Result {
    value.serialize(PySerializer { out })
}

/// The ten integer methods of a `Serializer` (`serialize_i8` … `serialize_u128`), each with the
/// same body: `integers!(self, value => body)`.
macro_rules! integers {
    ($this:tt, $value:ident => $body:expr) => {
        integers!(@each $this, $value, $body;
            serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64,
            serialize_i128: i128, serialize_u8: u8, serialize_u16: u16, serialize_u32: u32,
            serialize_u64: u64, serialize_u128: u128);
    };
    (@each $this:tt, $value:ident, $body:expr; $($name:ident: $ty:ty),*) => {
        $(
            #[inline]
            fn $name($this, $value: $ty) -> Result {
                $body
            }
        )*
    };
}

/// The seven compound methods of a `Serializer` that takes no compound value: each answers
/// `$body` (an error) and the compound types are `Impossible`.
macro_rules! no_compounds {
    ($this:tt => $body:expr) => {
        type SerializeSeq = Impossible<(), Error>;
        type SerializeTuple = Impossible<(), Error>;
        type SerializeTupleStruct = Impossible<(), Error>;
        type SerializeTupleVariant = Impossible<(), Error>;
        type SerializeMap = Impossible<(), Error>;
        type SerializeStruct = Impossible<(), Error>;
        type SerializeStructVariant = Impossible<(), Error>;

        fn serialize_seq($this, _: Option<usize>) -> Result<Impossible<(), Error>> {
            $body
        }

        fn serialize_tuple($this, _: usize) -> Result<Impossible<(), Error>> {
            $body
        }

        fn serialize_tuple_struct(
            $this,
            _: &'static str,
            _: usize,
        ) -> Result<Impossible<(), Error>> {
            $body
        }

        fn serialize_tuple_variant(
            $this,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Impossible<(), Error>> {
            $body
        }

        fn serialize_map($this, _: Option<usize>) -> Result<Impossible<(), Error>> {
            $body
        }

        fn serialize_struct($this, _: &'static str, _: usize) -> Result<Impossible<(), Error>> {
            $body
        }

        fn serialize_struct_variant(
            $this,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Impossible<(), Error>> {
            $body
        }
    };
}

mod float;
mod map_key;
mod names;
mod raw;
mod serializer;
mod string;
#[cfg(test)]
mod tests;

use float::*;
use map_key::*;
use names::Names;
use raw::*;
use serializer::*;
use string::*;

pub(crate) use string::{is_plain, write_str};
