//! Floats in Python's `repr` form.

use super::*;

/// A few bytes on the stack for `{:e}` to format into.
pub(super) struct StackText {
    buf: [u8; 40],
    len: usize,
}

impl fmt::Write for StackText {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len + s.len();
        self.buf
            .get_mut(self.len..end)
            .ok_or(fmt::Error)?
            .copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// Python's `float.__repr__`: the shortest round-trip digits, positional when the decimal
/// exponent is in `-4..16`, scientific (`d.ddde+XX`) otherwise.
pub(super) fn write_py_float(out: &mut Vec<u8>, value: f64) {
    if !value.is_finite() {
        // serde_json writes non-finite floats as null; so do we (Python would write NaN).
        out.extend_from_slice(b"null");
        return;
    }
    // `{:e}` gives the shortest round-trip digits: "-1.2345e-7", "1e16", "0e0" (at most 24
    // bytes; the heap is only a fallback that is never taken).
    let mut stack = StackText {
        buf: [0; 40],
        len: 0,
    };
    let heap;
    let sci: &[u8] = if write!(stack, "{value:e}").is_ok() {
        &stack.buf[..stack.len]
    } else {
        heap = format!("{value:e}");
        heap.as_bytes()
    };
    let (mantissa, exp) = match sci.iter().position(|&b| b == b'e') {
        Some(e) => (&sci[..e], &sci[e + 1..]),
        None => (sci, &b"0"[..]),
    };
    let exp: i32 = std::str::from_utf8(exp)
        .ok()
        .and_then(|e| e.parse().ok())
        .unwrap_or(0);
    let mantissa = match mantissa.strip_prefix(b"-") {
        Some(rest) => {
            out.push(b'-');
            rest
        }
        None => mantissa,
    };
    // The digits without the point: "1.2345" → "12345".
    let mut digit_buf = [0u8; 40];
    let mut n = 0;
    for &b in mantissa {
        if b != b'.' {
            digit_buf[n] = b;
            n += 1;
        }
    }
    let digits = &digit_buf[..n];
    if (-4..16).contains(&exp) {
        if exp < 0 {
            out.extend_from_slice(b"0.");
            for _ in 0..(-exp - 1) {
                out.push(b'0');
            }
            out.extend_from_slice(digits);
        } else {
            let int_len = exp as usize + 1;
            if digits.len() <= int_len {
                out.extend_from_slice(digits);
                for _ in digits.len()..int_len {
                    out.push(b'0');
                }
                out.extend_from_slice(b".0");
            } else {
                out.extend_from_slice(&digits[..int_len]);
                out.push(b'.');
                out.extend_from_slice(&digits[int_len..]);
            }
        }
    } else {
        out.extend_from_slice(&digits[..1]);
        if digits.len() > 1 {
            out.push(b'.');
            out.extend_from_slice(&digits[1..]);
        }
        out.push(b'e');
        out.push(if exp < 0 { b'-' } else { b'+' });
        let abs = exp.unsigned_abs();
        if abs < 10 {
            out.push(b'0');
        }
        write_int(out, abs);
    }
}
