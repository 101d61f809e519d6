//! JSON written the way PyJWT writes it: `json.dumps(obj, separators=(",", ":"))`.
//!
//! Compact separators, every non-ASCII character escaped as `\uXXXX` (Python's default
//! `ensure_ascii=True`, with surrogate pairs above U+FFFF), and floats in Python's `repr` form
//! (`1.5e+300`, `1e-05`, `100.0`). A token made here from the same header and claims as a
//! flask-jwt-extended token is the same string, byte for byte.

use std::io;

use serde::Serialize;
use serde_json::ser::{CharEscape, Formatter};

/// Serializes `value` as PyJWT would, appending to `out`.
pub(crate) fn write<W: io::Write, T: Serialize + ?Sized>(
    out: W,
    value: &T,
) -> Result<(), serde_json::Error> {
    let mut ser = serde_json::Serializer::with_formatter(out, PyFormatter);
    value.serialize(&mut ser)
}

struct PyFormatter;

impl Formatter for PyFormatter {
    fn write_f64<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f64) -> io::Result<()> {
        write_py_float(writer, value)
    }

    fn write_f32<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f32) -> io::Result<()> {
        write_py_float(writer, f64::from(value))
    }

    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        if fragment.is_ascii() {
            return writer.write_all(fragment.as_bytes());
        }
        let mut start = 0;
        for (i, ch) in fragment.char_indices() {
            if ch.is_ascii() {
                continue;
            }
            writer.write_all(&fragment.as_bytes()[start..i])?;
            let mut units = [0u16; 2];
            for unit in ch.encode_utf16(&mut units) {
                write!(writer, "\\u{unit:04x}")?;
            }
            start = i + ch.len_utf8();
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }

    fn write_char_escape<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        escape: CharEscape,
    ) -> io::Result<()> {
        let s: &[u8] = match escape {
            CharEscape::Quote => b"\\\"",
            CharEscape::ReverseSolidus => b"\\\\",
            CharEscape::Solidus => b"/",
            CharEscape::Backspace => b"\\b",
            CharEscape::FormFeed => b"\\f",
            CharEscape::LineFeed => b"\\n",
            CharEscape::CarriageReturn => b"\\r",
            CharEscape::Tab => b"\\t",
            CharEscape::AsciiControl(byte) => {
                return write!(writer, "\\u{byte:04x}");
            }
        };
        writer.write_all(s)
    }
}

/// Python's `float.__repr__`: the shortest round-trip digits, positional when the decimal
/// exponent is in `-4..16`, scientific (`d.ddde+XX`) otherwise.
fn write_py_float<W: ?Sized + io::Write>(writer: &mut W, value: f64) -> io::Result<()> {
    if !value.is_finite() {
        // serde_json writes non-finite floats as null; so do we (Python would write NaN).
        return writer.write_all(b"null");
    }
    // `{:e}` gives the shortest round-trip digits: "-1.2345e-7", "1e16", "0e0".
    let sci = format!("{value:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let mut out = String::with_capacity(digits.len() + 8);
    out.push_str(sign);
    if (-4..16).contains(&exp) {
        if exp < 0 {
            out.push_str("0.");
            for _ in 0..(-exp - 1) {
                out.push('0');
            }
            out.push_str(&digits);
        } else {
            let int_len = exp as usize + 1;
            if digits.len() <= int_len {
                out.push_str(&digits);
                for _ in digits.len()..int_len {
                    out.push('0');
                }
                out.push_str(".0");
            } else {
                out.push_str(&digits[..int_len]);
                out.push('.');
                out.push_str(&digits[int_len..]);
            }
        }
    } else {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push(if exp < 0 { '-' } else { '+' });
        let abs = exp.unsigned_abs();
        if abs < 10 {
            out.push('0');
        }
        out.push_str(&abs.to_string());
    }
    writer.write_all(out.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn py(value: f64) -> String {
        let mut out = Vec::new();
        write_py_float(&mut out, value).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn floats_follow_python_repr() {
        assert_eq!(py(1.5), "1.5");
        assert_eq!(py(100.0), "100.0");
        assert_eq!(py(0.0), "0.0");
        assert_eq!(py(-0.0), "-0.0");
        assert_eq!(py(1e16), "1e+16");
        assert_eq!(py(1e15), "1000000000000000.0");
        assert_eq!(py(1.5e300), "1.5e+300");
        assert_eq!(py(0.0001), "0.0001");
        assert_eq!(py(0.00001), "1e-05");
        assert_eq!(py(1700000900.123456), "1700000900.123456");
        assert_eq!(py(-2.5e-7), "-2.5e-07");
        assert_eq!(py(123456789012345680.0), "1.2345678901234568e+17");
    }

    #[test]
    fn strings_are_ascii_escaped() {
        let mut out = Vec::new();
        write(&mut out, "jürgen ☃ 😀 \"q\" \\ \n\t\u{1}").unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#""j\u00fcrgen \u2603 \ud83d\ude00 \"q\" \\ \n\t\u0001""#
        );
    }
}
