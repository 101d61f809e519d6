//! The member names of one JSON object being written, so that a name written twice is refused.
//!
//! A `Serialize` impl can give an object the same name twice (`#[serde(flatten)]` over a map
//! holding a field's name, two fields renamed alike, a hand-written impl, two keys that
//! serialize alike); serde_json writes both, and the token would then carry a payload that this
//! crate's decoder refuses and that other decoders read differently (the first or the last).
//! Refusing at encode keeps every token jwt-core signs one its own decoder accepts.
//!
//! Every array and object being written carries a [`Names`], so it is two words: the OR of the
//! names' bits ([`name_bit`](crate::claims::name_bit)), and where the object's text starts.
//! Only a new name whose bit is already set is looked for, by reading the object's members back
//! from the output (the usual claim names have distinct bits, so a token's names are never read
//! back).

use serde::ser;
use serde_json::Error;

use crate::claims::same_bytes;

pub(super) struct Names {
    seen: u64,
    /// The output position just after the object's `{`.
    start: usize,
}

impl Names {
    /// No names yet, for an object whose members start at `start` in the output.
    #[inline]
    pub(super) fn new(start: usize) -> Self {
        Names { seen: 0, start }
    }

    /// Records the name at `out[start..end]` (its escaped form, inside its quotes), whose
    /// [`name_bit`](crate::claims::name_bit) is `bit`, or refuses it when the object already has it. Inlined: for a
    /// struct field the caller's `bit` is usually a constant.
    #[inline(always)]
    pub(super) fn add(
        &mut self,
        bit: u64,
        out: &[u8],
        start: usize,
        end: usize,
    ) -> Result<(), Error> {
        if self.seen & bit != 0 {
            return self.look_back(out, start, end);
        }
        self.seen |= bit;
        Ok(())
    }

    /// A name whose bit is already set: refused if the object has it.
    #[cold]
    #[inline(never)]
    fn look_back(&self, out: &[u8], start: usize, end: usize) -> Result<(), Error> {
        let name = out.get(start..end).unwrap_or_default();
        match written_before(out, self.start, start.saturating_sub(1), name) {
            true => Err(ser::Error::custom(format_args!(
                "member \"{}\" written twice",
                String::from_utf8_lossy(name)
            ))),
            false => Ok(()),
        }
    }
}

/// Whether the members of the object text `out[from..to]` (as this serializer wrote it:
/// `"name":value` separated by commas) include `name`. Values are skipped by their brackets and
/// strings; raw JSON values may hold white space, which is skipped too.
fn written_before(out: &[u8], from: usize, to: usize, name: &[u8]) -> bool {
    let text = out.get(from..to).unwrap_or_default();
    // An object opened as `{}` for a length hint of 0 and given members all the same (a
    // `Serialize` impl that miscounts) is not JSON whatever its names: written as serde_json
    // writes it, unchecked.
    if text.first().is_some_and(|&byte| byte != b'"') {
        return false;
    }
    let mut at = 0;
    while at < text.len() {
        // A name: from its quote to the closing one.
        let Some(end) = string_end(text, at) else {
            return false;
        };
        if text.get(at + 1..end).is_some_and(|n| same_bytes(n, name)) {
            return true;
        }
        // `:`, then the value up to the `,` that follows it at this depth.
        at = end + 2;
        let mut depth = 0usize;
        while let Some(&byte) = text.get(at) {
            match byte {
                b'"' => match string_end(text, at) {
                    Some(end) => at = end,
                    None => return false,
                },
                b'{' | b'[' => depth += 1,
                b'}' | b']' => depth = depth.saturating_sub(1),
                b',' if depth == 0 => break,
                _ => {}
            }
            at += 1;
        }
        at += 1;
        while text.get(at).is_some_and(u8::is_ascii_whitespace) {
            at += 1;
        }
    }
    false
}

/// The position of the quote that closes the string opening at `at`.
fn string_end(text: &[u8], at: usize) -> Option<usize> {
    let mut i = at + 1;
    loop {
        match *text.get(i)? {
            b'"' => return Some(i),
            b'\\' => i += 2,
            _ => i += 1,
        }
    }
}
