//! JSON written the way PyJWT writes it, `json.dumps(obj, separators=(",", ":"))`, so that a
//! token made here from the same header and claims as a flask-jwt-extended token is the same
//! string, byte for byte.
//!
//! serde_json's compact output differs from Python's in two ways, changed here through
//! serde_json's public [`Formatter`] hook: every non-ASCII character, and DEL, is written as
//! `\uXXXX` (a surrogate pair above U+FFFF: Python's default `ensure_ascii=True`), and floats
//! take Python's `repr` (`1e+16`, `1.5e-07`, `100.0`; non-finite ones stay serde_json's
//! `null`). No crate writes Python's format, so these few lines are written here.
//!
//! The formatter also refuses what would give a token that this crate's decoder refuses (and
//! that other decoders may read differently), which serde_json writes:
//! - a member name given twice in one object: `#[serde(flatten)]` over a map holding a field's
//!   name, two fields renamed alike, a hand-written `Serialize`, two keys that write alike. It
//!   keeps the names of each open object (as written, so `1` and `"1"` are one name);
//! - raw JSON (serde_json's `RawValue`, or a number under its `arbitrary_precision` feature)
//!   that the strict parser refuses: a `RawValue` may repeat a name inside itself;
//! - members or elements a `Serialize` impl gives after announcing none (serde_json closes the
//!   `{}` or `[]` at once and writes them after it: not JSON).

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::{CharEscape, Formatter};

/// Serializes `value` as PyJWT would, appending to `out`.
pub(crate) fn write<T: Serialize + ?Sized>(
    out: &mut Vec<u8>,
    value: &T,
) -> Result<(), serde_json::Error> {
    value.serialize(&mut serde_json::Serializer::with_formatter(
        out,
        PyFormatter::default(),
    ))
}

/// A string as [`write`] writes it: printable ASCII without `"` or `\\` (a usual claim) is
/// copied between quotes at once.
pub(crate) fn write_str(out: &mut Vec<u8>, value: &str) {
    if value
        .bytes()
        .all(|byte| matches!(byte, b' '..=b'~') && byte != b'"' && byte != b'\\')
    {
        out.push(b'"');
        out.extend_from_slice(value.as_bytes());
        out.push(b'"');
    } else {
        // A string is always written.
        let _ = write(out, value);
    }
}

/// serde_json's compact formatter with Python's escapes and floats, and the member names of
/// every open object.
#[derive(Default)]
pub(super) struct PyFormatter {
    /// The arrays (`None`) and objects (where their names start in `names`) being written,
    /// innermost last.
    open: Vec<Option<usize>>,
    /// The member names of the open objects as written (escaped: printable ASCII), each
    /// followed by a 0 byte.
    names: Vec<u8>,
    /// While a member name is being written, where it starts in `names`: what is written then
    /// goes to `names` too.
    name: Option<usize>,
}

impl PyFormatter {
    /// Writes `bytes`, and keeps them when they are part of a member name.
    fn put<W: ?Sized + Write>(&mut self, w: &mut W, bytes: &[u8]) -> io::Result<()> {
        if self.name.is_some() {
            self.names.extend_from_slice(bytes);
        }
        w.write_all(bytes)
    }

    /// Checks that the innermost open value is an object (`true`) or an array.
    fn inside(&self, object: bool) -> io::Result<()> {
        match self.open.last() {
            Some(open) if open.is_some() == object => Ok(()),
            _ => Err(past_length_hint()),
        }
    }
}

/// A `Serialize` impl wrote members or elements after serde_json closed the value for its
/// length hint of 0.
fn past_length_hint() -> io::Error {
    io::Error::other("a Serialize impl wrote more members or elements than its length hint of 0")
}

/// `\u` and four lowercase hex digits, as Python writes them.
fn u_escape(unit: u16) -> [u8; 6] {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let hex = |shift: u16| HEX[usize::from(unit >> shift & 0xf)];
    [b'\\', b'u', hex(12), hex(8), hex(4), hex(0)]
}

/// Python's `float.__repr__`: the shortest digits that read back as the same float (as Rust
/// writes them), positional with at least one decimal when the decimal exponent is in `-4..16`,
/// else with an exponent of a sign and two digits or more (`1e+16`, `1.5e-07`).
fn py_float(value: f64) -> String {
    if !value.is_finite() {
        // Never asked: serde_json writes `null` itself (Python would write `Infinity`).
        "null".into()
    } else if value == 0.0 || (1e-4..1e16).contains(&value.abs()) {
        let text = value.to_string();
        if text.contains('.') {
            text
        } else {
            text + ".0"
        }
    } else {
        let text = format!("{value:e}");
        match text.split_once('e') {
            Some((digits, exp)) => format!("{digits}e{:+03}", exp.parse::<i32>().unwrap_or(0)),
            None => text,
        }
    }
}

/// The integer methods of [`Formatter`], each writing its value in decimal through
/// [`PyFormatter::put`] (an integer key is a member name).
macro_rules! integers {
    ($($method:ident: $ty:ty),*) => {$(
        fn $method<W: ?Sized + Write>(&mut self, w: &mut W, value: $ty) -> io::Result<()> {
            self.put(w, itoa::Buffer::new().format(value).as_bytes())
        }
    )*};
}

impl Formatter for PyFormatter {
    integers!(write_i8: i8, write_i16: i16, write_i32: i32, write_i64: i64, write_i128: i128,
        write_u8: u8, write_u16: u16, write_u32: u32, write_u64: u64, write_u128: u128);

    fn write_bool<W: ?Sized + Write>(&mut self, w: &mut W, value: bool) -> io::Result<()> {
        self.put(w, if value { b"true" } else { b"false" })
    }

    fn write_f32<W: ?Sized + Write>(&mut self, w: &mut W, value: f32) -> io::Result<()> {
        self.put(w, py_float(f64::from(value)).as_bytes())
    }

    fn write_f64<W: ?Sized + Write>(&mut self, w: &mut W, value: f64) -> io::Result<()> {
        self.put(w, py_float(value).as_bytes())
    }

    /// A number under serde_json's `arbitrary_precision`, written as is once the strict parser
    /// reads it as one number.
    fn write_number_str<W: ?Sized + Write>(&mut self, w: &mut W, value: &str) -> io::Result<()> {
        match crate::strict_json::parse(value.as_bytes()) {
            Ok(number) if number.is_number() => self.put(w, value.as_bytes()),
            _ => Err(io::Error::other("invalid number")),
        }
    }

    /// A run of a string without `"`, `\` or control characters: copied, but for DEL and
    /// non-ASCII characters.
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        if fragment.bytes().all(|byte| byte < 0x7f) {
            return self.put(w, fragment.as_bytes());
        }
        let mut start = 0;
        for (at, ch) in fragment.char_indices() {
            if ch < '\x7f' {
                continue;
            }
            self.put(w, &fragment.as_bytes()[start..at])?;
            for unit in ch.encode_utf16(&mut [0; 2]) {
                self.put(w, &u_escape(*unit))?;
            }
            start = at + ch.len_utf8();
        }
        self.put(w, &fragment.as_bytes()[start..])
    }

    fn write_char_escape<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        escape: CharEscape,
    ) -> io::Result<()> {
        let control;
        let bytes: &[u8] = match escape {
            CharEscape::Quote => b"\\\"",
            CharEscape::ReverseSolidus => b"\\\\",
            // serde_json does not escape `/`, nor does Python.
            CharEscape::Solidus => b"/",
            CharEscape::Backspace => b"\\b",
            CharEscape::FormFeed => b"\\f",
            CharEscape::LineFeed => b"\\n",
            CharEscape::CarriageReturn => b"\\r",
            CharEscape::Tab => b"\\t",
            CharEscape::AsciiControl(byte) => {
                control = u_escape(u16::from(byte));
                &control
            }
        };
        self.put(w, bytes)
    }

    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open.push(None);
        w.write_all(b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.inside(false)?;
        self.open.pop();
        w.write_all(b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.inside(false)?;
        w.write_all(if first { b"" } else { b"," })
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        if self.open.capacity() == 0 {
            // Room for a usual claims set's names, allocated once.
            self.open.reserve(8);
            self.names.reserve(128);
        }
        self.open.push(Some(self.names.len()));
        w.write_all(b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.inside(true)?;
        if let Some(Some(start)) = self.open.pop() {
            self.names.truncate(start);
        }
        w.write_all(b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.inside(true)?;
        w.write_all(if first { b"" } else { b"," })?;
        self.name = Some(self.names.len());
        Ok(())
    }

    /// Refuses the name just written if the object has it already.
    fn end_object_key<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        let (Some(start), Some(Some(object))) = (self.name.take(), self.open.last()) else {
            return Err(past_length_hint());
        };
        self.names.push(0);
        let (before, name) = self.names.split_at(start);
        let mut earlier = before
            .get(*object..)
            .unwrap_or_default()
            .split_inclusive(|&b| b == 0);
        if earlier.any(|earlier| earlier == name) {
            let name = String::from_utf8_lossy(&name[..name.len() - 1]);
            return Err(io::Error::other(format!("member \"{name}\" written twice")));
        }
        Ok(())
    }

    /// A `RawValue`, written as is once the strict parser accepts it.
    fn write_raw_fragment<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        crate::strict_json::parse(fragment.as_bytes()).map_err(io::Error::other)?;
        self.put(w, fragment.as_bytes())
    }
}

#[cfg(test)]
mod tests;
