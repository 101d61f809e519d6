//! serde_json's private `Number`/`RawValue` structs, written as is.

use super::*;

/// The inner string of serde_json's private `Number`/`RawValue` structs, written as is; any
/// other type is refused with serde_json's message for that struct.
pub(super) struct RawEmitter<'a>(pub(super) &'a mut Vec<u8>, pub(super) State);

impl RawEmitter<'_> {
    fn refuse<T>(self) -> Result<T> {
        Err(ser::Error::custom(if self.1 == State::RawNumber {
            "invalid number"
        } else {
            "expected RawValue"
        }))
    }
}

impl ser::Serializer for RawEmitter<'_> {
    type Ok = ();
    type Error = Error;

    /// Written as is once the strict parser accepts it as one JSON value (a number, for a
    /// `Number`): a `RawValue` is valid JSON but may repeat a member name, which would give a
    /// token the decoder refuses (`names.rs`), and text under these private names from any
    /// other type is not checked at all by serde_json.
    fn serialize_str(self, value: &str) -> Result {
        let parsed = crate::strict_json::parse(value.as_bytes())?;
        if self.1 == State::RawNumber && !parsed.is_number() {
            return self.refuse();
        }
        self.0.extend_from_slice(value.as_bytes());
        Ok(())
    }

    integers!(self, _value => self.refuse());

    fn serialize_bool(self, _: bool) -> Result {
        self.refuse()
    }

    fn serialize_f32(self, _: f32) -> Result {
        self.refuse()
    }

    fn serialize_f64(self, _: f64) -> Result {
        self.refuse()
    }

    fn serialize_char(self, _: char) -> Result {
        self.refuse()
    }

    fn serialize_bytes(self, _: &[u8]) -> Result {
        self.refuse()
    }

    fn serialize_none(self) -> Result {
        self.refuse()
    }

    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result {
        self.refuse()
    }

    fn serialize_unit(self) -> Result {
        self.refuse()
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result {
        self.refuse()
    }

    fn serialize_unit_variant(self, _: &'static str, _: u32, _: &'static str) -> Result {
        self.refuse()
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, _: &T) -> Result {
        self.refuse()
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result {
        self.refuse()
    }

    no_compounds!(self => self.refuse());
}
