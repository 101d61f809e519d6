//! Map keys, as serde_json writes them.

use super::*;

/// A map key, as serde_json's `MapKeySerializer`: strings, chars and unit variants as strings;
/// integers, bools and finite floats quoted; newtypes and `Some` by their content; the rest
/// refused.
pub(super) struct MapKeySerializer<'a> {
    pub(super) out: &'a mut Vec<u8>,
}

impl ser::Serializer for MapKeySerializer<'_> {
    type Ok = ();
    type Error = Error;

    #[inline]
    fn serialize_str(self, value: &str) -> Result {
        write_str(self.out, value);
        Ok(())
    }

    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result {
        write_str(self.out, variant);
        Ok(())
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> Result {
        value.serialize(self)
    }

    integers!(self, value => { write_quoted_int(self.out, value); Ok(()) });

    fn serialize_bool(self, value: bool) -> Result {
        self.out
            .extend_from_slice(if value { b"\"true\"" } else { b"\"false\"" });
        Ok(())
    }

    fn serialize_f32(self, value: f32) -> Result {
        self.serialize_f64(f64::from(value))
    }

    fn serialize_f64(self, value: f64) -> Result {
        if !value.is_finite() {
            return Err(ser::Error::custom(
                "float key must be finite (got NaN or +/-inf)",
            ));
        }
        self.out.push(b'"');
        write_py_float(self.out, value);
        self.out.push(b'"');
        Ok(())
    }

    fn serialize_char(self, value: char) -> Result {
        write_str(self.out, value.encode_utf8(&mut [0; 4]));
        Ok(())
    }

    fn serialize_bytes(self, _: &[u8]) -> Result {
        Err(key_must_be_a_string())
    }

    fn serialize_unit(self) -> Result {
        Err(key_must_be_a_string())
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result {
        Err(key_must_be_a_string())
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result {
        Err(key_must_be_a_string())
    }

    fn serialize_none(self) -> Result {
        Err(key_must_be_a_string())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result {
        value.serialize(self)
    }

    no_compounds!(self => Err(key_must_be_a_string()));

    fn collect_str<T: Display + ?Sized>(self, value: &T) -> Result {
        collect_str(self.out, value)
    }
}
