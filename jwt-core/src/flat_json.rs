//! The fast path for the common payload: one flat JSON object whose values are strings without
//! escapes, integers, booleans or null, its member names distinct and escape-free. Every token
//! flask-jwt-extended writes, and every one this crate writes without nested custom claims, is
//! of this shape.
//!
//! [`scan`] reads such a payload in one pass, lending every string as a span of the text. It
//! accepts a subset of what [`strict_json`](crate::strict_json) accepts, with the same members,
//! and gives up on everything else — escapes, fractions and exponents, integers beyond 64 bits,
//! `-0`, nested values, repeated or many names, and every error — so that the serde_json-based
//! parser decides those, with its own messages. Giving up is never a verdict: it only costs the
//! time the slow path takes.

use serde_json::{Number, Value};

use crate::claims::{name_bit, same_bytes, Member, Slot, Text};

/// Past this many members the slow path, which indexes names by hash, takes over.
const MAX_MEMBERS: usize = 32;

/// The members of `json` when it is a flat object this path understands; `None` otherwise
/// (which says nothing about whether `json` is valid).
pub(crate) fn scan(json: &str) -> Option<Vec<Member>> {
    let b = json.as_bytes();
    let mut at = skip_ws(b, 0);
    if b.get(at) != Some(&b'{') {
        return None;
    }
    at = skip_ws(b, at + 1);
    let mut members: Vec<Member> = Vec::with_capacity(12);
    let mut seen: u64 = 0;
    if b.get(at) == Some(&b'}') {
        at += 1;
    } else {
        loop {
            let name = string(b, &mut at)?;
            at = skip_ws(b, at);
            if b.get(at) != Some(&b':') {
                return None;
            }
            at = skip_ws(b, at + 1);
            let value = match *b.get(at)? {
                b'"' => Slot::Str(Text::Span(string(b, &mut at)?)),
                b't' => Slot::Other(literal(b, &mut at, b"true", Value::Bool(true))?),
                b'f' => Slot::Other(literal(b, &mut at, b"false", Value::Bool(false))?),
                b'n' => Slot::Other(literal(b, &mut at, b"null", Value::Null)?),
                b'-' | b'0'..=b'9' => Slot::Other(Value::Number(integer(b, &mut at)?)),
                _ => return None,
            };
            let new = &b[name.clone()];
            // Names are only compared when their (length, first byte, last byte) bit was
            // already set: for the usual handful of distinct names, almost never.
            let bit = name_bit(new);
            let repeated = seen & bit != 0
                && members.iter().any(|m| match &m.name {
                    Text::Span(range) => same_bytes(&b[range.clone()], new),
                    Text::Owned(_) => true,
                });
            seen |= bit;
            if repeated || members.len() == MAX_MEMBERS {
                return None;
            }
            members.push(Member {
                name: Text::Span(name),
                value,
            });
            at = skip_ws(b, at);
            match *b.get(at)? {
                b',' => at = skip_ws(b, at + 1),
                b'}' => {
                    at += 1;
                    break;
                }
                _ => return None,
            }
        }
    }
    (skip_ws(b, at) == b.len()).then_some(members)
}

/// The first position at or after `at` that is not JSON whitespace.
#[inline]
fn skip_ws(b: &[u8], mut at: usize) -> usize {
    while let Some(b' ' | b'\n' | b'\t' | b'\r') = b.get(at) {
        at += 1;
    }
    at
}

/// A string starting at `*at` (its opening quote) without escapes or control characters: the
/// range of its contents. The text is valid UTF-8 and a `"` is never inside a multi-byte
/// sequence, so the range lies on character boundaries.
#[inline]
fn string(b: &[u8], at: &mut usize) -> Option<std::ops::Range<usize>> {
    if b.get(*at) != Some(&b'"') {
        return None;
    }
    let start = *at + 1;
    let end = special(b, start)?;
    if b[end] != b'"' {
        return None;
    }
    *at = end + 1;
    Some(start..end)
}

/// The position of the first `"`, `\` or control character at or after `from`, eight bytes at
/// a time (a string's words run on into the text after it, where its closing quote is).
///
/// In each word, `(v - 0x01…) & !v & 0x80…` flags the zero bytes of `v` and `(w - 0x20…) & !w &
/// 0x80…` the bytes of `w` below 0x20. A borrow can flag a byte that does not match, but only
/// above one that does, so the lowest flag (the first byte, read little-endian) is exact.
#[inline]
fn special(b: &[u8], from: usize) -> Option<usize> {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    const HIGHS: u64 = ONES * 0x80;
    let mut i = from;
    while let Some(word) = b.get(i..i + 8) {
        let mut bytes = [0; 8];
        bytes.copy_from_slice(word);
        let w = u64::from_le_bytes(bytes);
        let quote = w ^ (ONES * u64::from(b'"'));
        let backslash = w ^ (ONES * u64::from(b'\\'));
        let found = (quote.wrapping_sub(ONES) & !quote
            | backslash.wrapping_sub(ONES) & !backslash
            | w.wrapping_sub(ONES * 0x20) & !w)
            & HIGHS;
        if found != 0 {
            return Some(i + found.trailing_zeros() as usize / 8);
        }
        i += 8;
    }
    let rest = b.get(i..)?;
    let at = rest
        .iter()
        .position(|&c| c == b'"' || c == b'\\' || c < 0x20)?;
    Some(i + at)
}

#[inline]
fn literal(b: &[u8], at: &mut usize, word: &[u8], value: Value) -> Option<Value> {
    if !b.get(*at..)?.starts_with(word) {
        return None;
    }
    *at += word.len();
    Some(value)
}

/// An integer as serde_json reads it: `u64` when positive, `i64` when negative. Anything that
/// serde_json would read as a float (fraction, exponent, overflow, `-0`) or refuse (leading
/// zeros, a lone `-`) gives up.
#[inline]
fn integer(b: &[u8], at: &mut usize) -> Option<Number> {
    let negative = b[*at] == b'-';
    let mut i = *at + usize::from(negative);
    let mut n: u64 = 0;
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            let first = i;
            while let Some(&d @ b'0'..=b'9') = b.get(i) {
                n = n.wrapping_mul(10).wrapping_add(u64::from(d - b'0'));
                i += 1;
            }
            // Up to 19 digits cannot overflow a u64: only longer ones are read again, checked.
            if i - first > 19 {
                n = b[first..i].iter().try_fold(0u64, |n, &d| {
                    n.checked_mul(10)?.checked_add(u64::from(d - b'0'))
                })?;
            }
        }
        _ => return None,
    }
    if let Some(b'.' | b'e' | b'E' | b'0'..=b'9') = b.get(i) {
        return None;
    }
    *at = i;
    if !negative {
        return Some(Number::from(n));
    }
    match 0i64.checked_sub_unsigned(n) {
        Some(v) if v < 0 => Some(Number::from(v)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What the slow path makes of `json`, as a list of (name, value).
    fn slow(json: &str) -> Option<Vec<(String, Value)>> {
        match crate::strict_json::parse(json.as_bytes()) {
            Ok(Value::Object(map)) => Some(map.into_iter().collect()),
            _ => None,
        }
    }

    fn fast(json: &str) -> Option<Vec<(String, Value)>> {
        let resolve = |t: &Text| match t {
            Text::Span(r) => json[r.clone()].to_owned(),
            Text::Owned(s) => s.clone(),
        };
        let mut out: Vec<(String, Value)> = scan(json)?
            .iter()
            .map(|m| {
                let value = match &m.value {
                    Slot::Str(t) => Value::String(resolve(t)),
                    Slot::Other(v) => v.clone(),
                };
                (resolve(&m.name), value)
            })
            .collect();
        // The slow path's map is sorted by name (no `preserve_order`): compare as sets.
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Some(out)
    }

    /// Whenever the fast path answers, the slow path accepts the same text with the same
    /// members, numbers of the same kind included (`Value` equality tells `u64` from `i64`
    /// from `f64`).
    fn agrees(json: &str) -> bool {
        match fast(json) {
            None => true,
            Some(members) => {
                let mut expected = slow(json).unwrap_or_default();
                expected.sort_by(|a, b| a.0.cmp(&b.0));
                slow(json).is_some() && members == expected
            }
        }
    }

    #[test]
    fn takes_flask_payloads() {
        let json = r#"{"fresh":false,"iat":1700000000,"jti":"6f1c1e6c-1a4a-4f3e-9b0e-6a2b1e0f9d2c","type":"access","sub":"test","nbf":1700000000,"csrf":"c2","exp":1700000900}"#;
        let members = fast(json).expect("a flask payload takes the fast path");
        assert_eq!(members.len(), 8);
        assert!(agrees(json));
        for json in [
            "{}",
            " \t\n\r{ } \n",
            r#"{"a":null,"b":true,"c":false,"d":-1,"e":0,"f":"","g":"é ü 😀"}"#,
            r#"{"max":18446744073709551615,"min":-9223372036854775808}"#,
            r#"{ "a" : 1 , "b" : "x" }"#,
        ] {
            assert!(fast(json).is_some(), "{json}");
            assert!(agrees(json), "{json}");
        }
    }

    #[test]
    fn gives_up_on_everything_else() {
        for json in [
            "",
            "[]",
            "1",
            r#""s""#,
            r#"{"a":1,"a":2}"#,
            r#"{"a":"\n"}"#,
            r#"{"a\u0062":1}"#,
            "{\"a\":\"\x01\"}",
            r#"{"a":1.5}"#,
            r#"{"a":1e3}"#,
            r#"{"a":1E3}"#,
            r#"{"a":-0}"#,
            r#"{"a":01}"#,
            r#"{"a":-}"#,
            r#"{"a":-a}"#,
            r#"{"a":18446744073709551616}"#,
            r#"{"a":-9223372036854775809}"#,
            r#"{"a":[1]}"#,
            r#"{"a":{"b":1}}"#,
            r#"{"a":tru}"#,
            r#"{"a":truex}"#,
            r#"{"a":nul}"#,
            r#"{"a":1,}"#,
            r#"{,"a":1}"#,
            r#"{"a" 1}"#,
            r#"{"a":1 "b":2}"#,
            r#"{"a":1}x"#,
            r#"{"a":1}}"#,
            r#"{"a":1"#,
            r#"{"a":"#,
            r#"{"a"#,
            "{\"a\":1}\u{a0}",
            "\u{feff}{}",
            "{\"a\":1}\x0b",
            r#"{'a':1}"#,
        ] {
            assert!(fast(json).is_none(), "{json:?}");
        }
        let many: String = (0..=MAX_MEMBERS)
            .map(|i| format!("\"k{i}\":{i}"))
            .collect::<Vec<_>>()
            .join(",");
        assert!(fast(&format!("{{{many}}}")).is_none());
    }

    /// `special` finds what a byte-by-byte search finds: every special byte (and a few plain
    /// and non-ASCII ones) at every position of texts of 0 to 24 bytes, from every start.
    #[test]
    fn special_matches_a_byte_search() {
        let reference = |b: &[u8], from: usize| {
            b.get(from..)?
                .iter()
                .position(|&c| c == b'"' || c == b'\\' || c < 0x20)
                .map(|p| from + p)
        };
        for len in 0..=24 {
            for at in 0..len.max(1) {
                for byte in [
                    b'"', b'\\', 0x00, 0x1f, 0x20, b'!', b'#', b'[', b']', 0x7f, 0x80, 0xa2, 0xff,
                ] {
                    for filler in [b'a', 0xc3, b'!'] {
                        let mut text = vec![filler; len];
                        if at < len {
                            text[at] = byte;
                        }
                        for from in 0..=len + 1 {
                            assert_eq!(
                                special(&text, from),
                                reference(&text, from),
                                "{text:?} from {from}"
                            );
                        }
                    }
                }
            }
        }
        // Two specials in a word: the first one counts.
        let mut text = *b"abcdefgh\\ijk\"lmnop";
        assert_eq!(special(&text, 0), Some(8));
        text[8] = 0x01;
        text[5] = b'"';
        assert_eq!(special(&text, 0), Some(5));
        assert_eq!(special(&text, 6), Some(8));
    }

    /// Integers of every length up to 21 digits, at and around the u64 limit.
    #[test]
    fn integers_of_every_length() {
        for json in [
            "9",
            "1234567890",
            "9999999999999999999",
            "10000000000000000000",
            "18446744073709551615",
            "18446744073709551616",
            "99999999999999999999",
            "100000000000000000000",
            "-9223372036854775808",
            "-9223372036854775809",
            "-18446744073709551615",
        ] {
            let object = format!("{{\"n\":{json}}}");
            assert!(agrees(&object), "{object}");
        }
        for len in 1..=21 {
            let digits: String = (0..len).map(|i| char::from(b'1' + (i % 9) as u8)).collect();
            let object = format!("{{\"n\":{digits}}}");
            assert!(agrees(&object), "{object}");
            assert_eq!(
                fast(&object).is_some(),
                len <= 20 && digits.parse::<u64>().is_ok(),
                "{object}"
            );
        }
    }

    /// Pieces that flat payloads and near misses are made of.
    fn piece() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("{".to_owned()),
            Just("}".to_owned()),
            Just("[".to_owned()),
            Just("]".to_owned()),
            Just(",".to_owned()),
            Just(":".to_owned()),
            Just("\"".to_owned()),
            Just("\\".to_owned()),
            Just("-".to_owned()),
            Just(".".to_owned()),
            Just("e".to_owned()),
            Just("0".to_owned()),
            Just(" ".to_owned()),
            Just("true".to_owned()),
            Just("null".to_owned()),
            "\"[a-c]{0,3}\"",
            "-?[0-9]{1,21}",
            "[ -~é\u{1}]{1,3}",
        ]
    }

    /// Objects with random members, then written with random spacing.
    fn object() -> impl Strategy<Value = String> {
        let value = prop_oneof![
            "\"[a-c\\\\\"é\u{1}]{0,4}\"",
            "-?(0|[1-9][0-9]{0,20})",
            "-?[0-9]{1,3}(\\.[0-9]{1,3})?([eE][-+]?[0-9]{1,3})?",
            Just("true".to_owned()),
            Just("false".to_owned()),
            Just("null".to_owned()),
            Just("[1,\"x\"]".to_owned()),
            Just("{\"n\":1}".to_owned()),
        ];
        let member = ("\"[a-d]{1,2}\"", "[ \t\n\r]{0,2}", value);
        prop::collection::vec(member, 0..12).prop_map(|members| {
            let body: Vec<String> = members
                .into_iter()
                .map(|(name, ws, value)| format!("{name}{ws}:{ws}{value}"))
                .collect();
            format!("{{{}}}", body.join(","))
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        #[test]
        fn objects_agree_with_the_slow_path(json in object()) {
            prop_assert!(agrees(&json), "{json:?}");
        }

        #[test]
        fn near_misses_agree_with_the_slow_path(
            pieces in prop::collection::vec(piece(), 0..24),
        ) {
            let json = pieces.concat();
            prop_assert!(agrees(&json), "{json:?}");
        }

        #[test]
        fn mutated_objects_agree_with_the_slow_path(
            json in object(),
            at in any::<prop::sample::Index>(),
            byte in prop_oneof![Just(b' '), Just(b'"'), Just(b','), Just(b'}'), Just(b'0'), Just(b'-'), any::<u8>()],
        ) {
            let mut bytes = json.into_bytes();
            if !bytes.is_empty() {
                let i = at.index(bytes.len());
                bytes[i] = byte;
            }
            if let Ok(json) = String::from_utf8(bytes) {
                prop_assert!(agrees(&json), "{json:?}");
            }
        }
    }
}
