//! Strings: copied when plain, escaped as Python escapes them otherwise.

/// A JSON string, quoted and escaped as PyJWT writes it.
#[inline(always)]
pub(crate) fn write_str(out: &mut Vec<u8>, value: &str) {
    out.push(b'"');
    write_str_contents(out, value);
    out.push(b'"');
}

/// The inside of a JSON string: copied in one piece when every byte is printable ASCII other
/// than `"` and `\` (the usual claim), escaped otherwise.
#[inline(always)]
pub(super) fn write_str_contents(out: &mut Vec<u8>, value: &str) {
    if is_plain(value.as_bytes()) {
        out.extend_from_slice(value.as_bytes());
    } else {
        write_escaped(out, value);
    }
}

pub(super) const ONES: u64 = u64::from_ne_bytes([1; 8]);
pub(super) const HIGHS: u64 = ONES * 0x80;

/// Whether every byte is in `0x20..=0x7e` and none is `"` or `\\`, eight bytes at a time.
///
/// For a word whose bytes are all below 0x80 each sum below stays inside its byte (no carry),
/// so a byte's high bit after adding tells: `+0x60` sets it iff the byte is at least 0x20; `+1`
/// sets it iff the byte is 0x7f; `(byte ^ c) + 0x7f` sets it iff the byte is not `c`. A word
/// with a byte at or above 0x80 is refused by its own high bits, whatever the sums carried.
/// (DEL is refused: Python writes it as `\u007f`, and so does [`write_escaped`].)
///
/// The words are read whole from the string (a last one overlapping the one before it), never
/// assembled in a stack buffer: a load from bytes just stored one by one stalls.
#[inline(always)]
pub(crate) fn is_plain(bytes: &[u8]) -> bool {
    #[inline(always)]
    fn bad(w: u64) -> u64 {
        let not_control = w.wrapping_add(ONES * 0x60);
        let del = w.wrapping_add(ONES);
        let not_quote = (w ^ (ONES * u64::from(b'"'))).wrapping_add(ONES * 0x7f);
        let not_backslash = (w ^ (ONES * u64::from(b'\\'))).wrapping_add(ONES * 0x7f);
        (w | del | !(not_control & not_quote & not_backslash)) & HIGHS
    }
    #[inline(always)]
    fn word(bytes: &[u8]) -> u64 {
        let mut word = [0; 8];
        word.copy_from_slice(&bytes[..8]);
        u64::from_ne_bytes(word)
    }
    #[inline(always)]
    fn half(bytes: &[u8]) -> u64 {
        let mut half = [0; 4];
        half.copy_from_slice(&bytes[..4]);
        u64::from(u32::from_ne_bytes(half))
    }
    let len = bytes.len();
    if len < 4 {
        // First, middle and last byte cover a string of one to three; 'a's fill the word.
        return match bytes.first() {
            None => true,
            Some(&first) => {
                let w = u64::from(first)
                    | u64::from(bytes[len / 2]) << 8
                    | u64::from(bytes[len - 1]) << 16
                    | (ONES * u64::from(b'a')) << 24;
                bad(w) == 0
            }
        };
    }
    if len < 8 {
        return bad(half(bytes) | half(&bytes[len - 4..]) << 32) == 0;
    }
    let mut chunks = bytes.chunks_exact(8);
    let mut found = 0;
    for chunk in &mut chunks {
        found |= bad(word(chunk));
    }
    if !chunks.remainder().is_empty() {
        found |= bad(word(&bytes[len - 8..]));
    }
    found == 0
}

pub(super) const HEX: &[u8; 16] = b"0123456789abcdef";

/// `\u` and four lowercase hex digits, as Python writes them.
pub(super) fn write_u_escape(out: &mut Vec<u8>, unit: u16) {
    out.extend_from_slice(&[
        b'\\',
        b'u',
        HEX[usize::from(unit >> 12)],
        HEX[usize::from((unit >> 8) & 0xf)],
        HEX[usize::from((unit >> 4) & 0xf)],
        HEX[usize::from(unit & 0xf)],
    ]);
}

/// The slow path of [`write_str_contents`]: `"` and `\` backslashed; the control characters
/// as `\b \f \n \r \t` or `\u00XX`; every non-ASCII character as `\uXXXX` (a surrogate pair
/// above U+FFFF), and DEL as `\u007f`; everything else, `/` included, as is: serde_json's
/// escapes, with Python's `ensure_ascii` (whose pattern escapes everything outside `' '..='~'`).
#[cold]
pub(super) fn write_escaped(out: &mut Vec<u8>, value: &str) {
    let bytes = value.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        let escape: &[u8] = match byte {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            0x08 => b"\\b",
            0x0c => b"\\f",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x00..=0x1f | 0x7f => b"",
            0x20..=0x7e => {
                i += 1;
                continue;
            }
            _ => {
                out.extend_from_slice(&bytes[start..i]);
                // `i` is a character boundary: only whole characters are stepped over.
                let Some(ch) = value[i..].chars().next() else {
                    break;
                };
                for unit in ch.encode_utf16(&mut [0; 2]) {
                    write_u_escape(out, *unit);
                }
                i += ch.len_utf8();
                start = i;
                continue;
            }
        };
        out.extend_from_slice(&bytes[start..i]);
        if escape.is_empty() {
            write_u_escape(out, u16::from(byte));
        } else {
            out.extend_from_slice(escape);
        }
        i += 1;
        start = i;
    }
    out.extend_from_slice(&bytes[start..]);
}
