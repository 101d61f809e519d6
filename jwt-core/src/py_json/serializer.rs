//! The serializer proper: values, sequences, maps, structs and enum variants.

use super::*;
use crate::claims::name_bit;

/// The serializer: a borrowed output buffer, passed down by reborrowing.
pub(super) struct PySerializer<'a> {
    pub(super) out: &'a mut Vec<u8>,
}

/// serde_json's private struct names for `Number` under `arbitrary_precision` and `RawValue`
/// under `raw_value`. When any crate in the build turns those features on (axum turns on
/// `raw_value`), serde_json writes the inner string as is, and so does
/// this serializer, whatever the features: without them, only a struct given one of these
/// private names on purpose would be written differently.
pub(super) const NUMBER_TOKEN: &str = "$serde_json::private::Number";
pub(super) const RAW_VALUE_TOKEN: &str = "$serde_json::private::RawValue";

/// Where a sequence, map or struct is, as in serde_json: `Empty` once `[]`/`{}` is written for a
/// length hint of 0, `First` before the first element, `Rest` after it. The last two are the
/// private-struct modes above.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum State {
    Empty,
    First,
    Rest,
    RawNumber,
    RawValue,
}

pub(super) struct Compound<'a> {
    pub(super) out: &'a mut Vec<u8>,
    state: State,
    /// An object's member names so far (unused in arrays).
    names: Names,
}

impl<'a> Compound<'a> {
    /// The separator before an element or key, as serde_json: a comma unless first.
    #[inline]
    fn next(&mut self) {
        if self.state != State::First {
            self.out.push(b',');
        }
        self.state = State::Rest;
    }

    /// `,"name":` (no comma before the first): a struct field's name, in as few writes as
    /// can be.
    /// Refused, like any member name the object already has (`names.rs`).
    #[inline(always)]
    fn field_name(&mut self, name: &str) -> Result {
        let comma = self.state != State::First;
        self.state = State::Rest;
        let start = self.out.len() + usize::from(comma) + 1;
        let bit = if is_plain(name.as_bytes()) {
            if comma {
                self.out.extend_from_slice(b",\"");
            } else {
                self.out.push(b'"');
            }
            self.out.extend_from_slice(name.as_bytes());
            self.out.extend_from_slice(b"\":");
            name_bit(name.as_bytes())
        } else {
            if comma {
                self.out.push(b',');
            }
            self.out.push(b'"');
            write_escaped(self.out, name);
            self.out.extend_from_slice(b"\":");
            name_bit(&self.out[start..self.out.len() - 2])
        };
        self.names.add(bit, self.out, start, self.out.len() - 2)
    }

    #[inline]
    fn value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        value.serialize(PySerializer { out: self.out })
    }

    #[inline]
    fn close(self, bracket: u8) -> &'a mut Vec<u8> {
        if self.state != State::Empty {
            self.out.push(bracket);
        }
        self.out
    }
}

pub(super) fn key_must_be_a_string() -> Error {
    ser::Error::custom("key must be a string")
}

#[inline]
pub(super) fn write_int<I: itoa::Integer>(out: &mut Vec<u8>, value: I) {
    out.extend_from_slice(itoa::Buffer::new().format(value).as_bytes());
}

#[inline]
pub(super) fn write_quoted_int<I: itoa::Integer>(out: &mut Vec<u8>, value: I) {
    out.push(b'"');
    write_int(out, value);
    out.push(b'"');
}

/// `[` or `{`, and at once `]` or `}` for a length hint of 0, as serde_json.
pub(super) fn open(out: &mut Vec<u8>, brackets: &[u8; 2], len: Option<usize>) -> State {
    if len == Some(0) {
        out.extend_from_slice(brackets);
        State::Empty
    } else {
        out.push(brackets[0]);
        State::First
    }
}

/// `{"variant":` — the opening of serde_json's externally tagged enum variants.
pub(super) fn open_variant(out: &mut Vec<u8>, variant: &str) {
    out.push(b'{');
    write_str(out, variant);
    out.push(b':');
}

impl<'a> ser::Serializer for PySerializer<'a> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'a>;
    type SerializeTuple = Compound<'a>;
    type SerializeTupleStruct = Compound<'a>;
    type SerializeTupleVariant = Compound<'a>;
    type SerializeMap = Compound<'a>;
    type SerializeStruct = Compound<'a>;
    type SerializeStructVariant = Compound<'a>;

    integers!(self, value => { write_int(self.out, value); Ok(()) });

    #[inline]
    fn serialize_bool(self, value: bool) -> Result {
        self.out
            .extend_from_slice(if value { b"true" } else { b"false" });
        Ok(())
    }

    fn serialize_f32(self, value: f32) -> Result {
        write_py_float(self.out, f64::from(value));
        Ok(())
    }

    fn serialize_f64(self, value: f64) -> Result {
        write_py_float(self.out, value);
        Ok(())
    }

    fn serialize_char(self, value: char) -> Result {
        write_str(self.out, value.encode_utf8(&mut [0; 4]));
        Ok(())
    }

    #[inline]
    fn serialize_str(self, value: &str) -> Result {
        write_str(self.out, value);
        Ok(())
    }

    fn serialize_bytes(self, value: &[u8]) -> Result {
        self.out.push(b'[');
        for (i, &byte) in value.iter().enumerate() {
            if i > 0 {
                self.out.push(b',');
            }
            write_int(self.out, byte);
        }
        self.out.push(b']');
        Ok(())
    }

    #[inline]
    fn serialize_none(self) -> Result {
        self.serialize_unit()
    }

    #[inline]
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result {
        value.serialize(self)
    }

    #[inline]
    fn serialize_unit(self) -> Result {
        self.out.extend_from_slice(b"null");
        Ok(())
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result {
        self.serialize_unit()
    }

    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result {
        write_str(self.out, variant);
        Ok(())
    }

    #[inline]
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result {
        open_variant(self.out, variant);
        value.serialize(PySerializer { out: self.out })?;
        self.out.push(b'}');
        Ok(())
    }

    #[inline]
    fn serialize_seq(self, len: Option<usize>) -> Result<Compound<'a>> {
        let state = open(self.out, b"[]", len);
        Ok(Compound {
            names: Names::new(self.out.len()),
            out: self.out,
            state,
        })
    }

    fn serialize_tuple(self, len: usize) -> Result<Compound<'a>> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Compound<'a>> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Compound<'a>> {
        open_variant(self.out, variant);
        self.serialize_seq(Some(len))
    }

    #[inline]
    fn serialize_map(self, len: Option<usize>) -> Result<Compound<'a>> {
        let state = open(self.out, b"{}", len);
        Ok(Compound {
            names: Names::new(self.out.len()),
            out: self.out,
            state,
        })
    }

    #[inline]
    fn serialize_struct(self, name: &'static str, len: usize) -> Result<Compound<'a>> {
        if name.starts_with('$') {
            let state = match name {
                NUMBER_TOKEN => Some(State::RawNumber),
                RAW_VALUE_TOKEN => Some(State::RawValue),
                _ => None,
            };
            if let Some(state) = state {
                return Ok(Compound {
                    names: Names::new(self.out.len()),
                    out: self.out,
                    state,
                });
            }
        }
        self.serialize_map(Some(len))
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Compound<'a>> {
        open_variant(self.out, variant);
        self.serialize_map(Some(len))
    }

    fn collect_str<T: Display + ?Sized>(self, value: &T) -> Result {
        collect_str(self.out, value)
    }
}

/// A `Display` value as a JSON string, escaped piece by piece as it is formatted.
pub(super) fn collect_str<T: Display + ?Sized>(out: &mut Vec<u8>, value: &T) -> Result {
    struct Escaper<'a>(&'a mut Vec<u8>);

    impl fmt::Write for Escaper<'_> {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            write_str_contents(self.0, s);
            Ok(())
        }
    }

    out.push(b'"');
    // serde_json panics here ("there should be an error"): only a broken `Display` fails.
    write!(Escaper(out), "{value}")
        .map_err(|_| ser::Error::custom("a Display implementation returned an error"))?;
    out.push(b'"');
    Ok(())
}

impl ser::SerializeSeq for Compound<'_> {
    type Ok = ();
    type Error = Error;

    #[inline]
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.next();
        self.value(value)
    }

    #[inline]
    fn end(self) -> Result {
        self.close(b']');
        Ok(())
    }
}

impl ser::SerializeTuple for Compound<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        ser::SerializeSeq::serialize_element(self, value)
    }

    fn end(self) -> Result {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleStruct for Compound<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        ser::SerializeSeq::serialize_element(self, value)
    }

    fn end(self) -> Result {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleVariant for Compound<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        ser::SerializeSeq::serialize_element(self, value)
    }

    fn end(self) -> Result {
        self.close(b']').push(b'}');
        Ok(())
    }
}

impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = Error;

    #[inline]
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result {
        self.next();
        // The name inside the quotes the key serializer writes.
        let start = self.out.len() + 1;
        key.serialize(MapKeySerializer { out: self.out })?;
        let end = self.out.len() - 1;
        let bit = name_bit(self.out.get(start..end).unwrap_or_default());
        self.names.add(bit, self.out, start, end)
    }

    #[inline]
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.out.push(b':');
        self.value(value)
    }

    #[inline]
    fn end(self) -> Result {
        self.close(b'}');
        Ok(())
    }
}

impl ser::SerializeStruct for Compound<'_> {
    type Ok = ();
    type Error = Error;

    // Inlined into the derived impls, whose field names are literals: the name's escape check
    // and its bit for the repeat check fold away.
    #[inline(always)]
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result {
        match self.state {
            State::RawNumber if key == NUMBER_TOKEN => {
                value.serialize(RawEmitter(self.out, State::RawNumber))
            }
            State::RawValue if key == RAW_VALUE_TOKEN => {
                value.serialize(RawEmitter(self.out, State::RawValue))
            }
            State::RawNumber => Err(ser::Error::custom("invalid number")),
            State::RawValue => Err(ser::Error::custom("expected value")),
            _ => {
                self.field_name(key)?;
                self.value(value)
            }
        }
    }

    #[inline]
    fn end(self) -> Result {
        if !matches!(self.state, State::RawNumber | State::RawValue) {
            self.close(b'}');
        }
        Ok(())
    }
}

impl ser::SerializeStructVariant for Compound<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result {
        ser::SerializeStruct::serialize_field(self, key, value)
    }

    fn end(self) -> Result {
        self.close(b'}').push(b'}');
        Ok(())
    }
}
