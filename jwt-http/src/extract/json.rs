//! The token in a JSON request body (spec §6.4).
//!
//! flask-jwt-extended reads `request.json.get(key)`: Python parses the whole body into
//! dictionaries and lists, then takes one member. Here the body is parsed once, in place,
//! without building anything: the top-level keys are compared with the wanted one as they
//! are read, every other value is checked and skipped, and only the wanted value is looked at
//! (empty or zero-like values read as missing, as Python's truthiness does). The body must
//! still be valid JSON from end to end, exactly as `serde_json` accepts it: invalid JSON
//! anywhere reads as missing. Time is linear in the body; the memory used is the call stack
//! (at most `serde_json`'s 128 levels of nesting) and `serde_json`'s scratch buffer, which
//! only strings with backslash escapes need (the longest such string).

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::{JwtError, JwtManager, TokenRequest};

type Extracted<'r> = (Cow<'r, [u8]>, Option<Cow<'r, [u8]>>);

pub(super) fn token_from_json<'r, R: TokenRequest + ?Sized>(
    manager: &JwtManager,
    request: &'r R,
    refresh: bool,
) -> Result<Extracted<'r>, JwtError> {
    let config = manager.config();
    if !is_json(request.headers()) {
        return Err(JwtError::InvalidContentType);
    }
    let key = if refresh {
        &config.refresh_json_key
    } else {
        &config.json_key
    };
    let missing = || JwtError::MissingJsonKey { key: key.clone() };
    // A JSON body that was not buffered cannot be searched: refused, never taken as empty (an
    // `optional` route would otherwise ignore a token sent there).
    let body = request
        .body_bytes()
        .ok_or(JwtError::UnreadableLocation(crate::TokenLocation::Json))?;
    // Invalid JSON, a non-object body and a missing or empty value all read as "missing";
    // flask-jwt-extended crashes on a JSON array body, this does not.
    match top_level_member(body, key) {
        Member::Missing => Err(missing()),
        Member::Token(token) => Ok((token, None)),
        Member::NotString => Err(JwtError::TokenNotString),
    }
}

/// What the top-level member read for the token holds, as flask-jwt-extended sees it.
#[derive(Debug, PartialEq, Eq)]
enum Member<'b> {
    /// Absent, or falsy in Python: `null`, `false`, `0`, `0.0`, `""`, `[]`, `{}`. Also the
    /// answer for a body that is not a JSON object or not valid JSON.
    Missing,
    /// A non-empty string: the token, borrowed from the body unless it has escapes.
    Token(Cow<'b, [u8]>),
    /// Any other value (`true`, a non-zero number, a non-empty array or object).
    NotString,
}

/// The member `key` of the JSON object `body`; when the key is repeated the last one wins, as
/// in Python's `json`. Never builds the document: see the module documentation.
fn top_level_member<'b>(body: &'b [u8], key: &str) -> Member<'b> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let member = (&mut deserializer).deserialize_map(TopLevel { key });
    match (member, deserializer.end()) {
        (Ok(member), Ok(())) => member,
        _ => Member::Missing,
    }
}

/// Reads the top-level object, keeping the last value of `key`.
struct TopLevel<'k> {
    key: &'k str,
}

impl<'de> Visitor<'de> for TopLevel<'_> {
    type Value = Member<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut member = Member::Missing;
        while let Some(wanted) = map.next_key_seed(KeyIs(self.key))? {
            if wanted {
                member = map.next_value_seed(Classify)?;
            } else {
                map.next_value::<Skip>()?;
            }
        }
        Ok(member)
    }
}

/// Whether a key is the wanted one, compared where it lies (or in `serde_json`'s scratch
/// buffer when it has escapes).
struct KeyIs<'k>(&'k str);

impl<'de> DeserializeSeed<'de> for KeyIs<'_> {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeyIs<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<bool, E> {
        Ok(key == self.0)
    }
}

/// Classifies the wanted value without building it.
struct Classify;

impl<'de> DeserializeSeed<'de> for Classify {
    type Value = Member<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Classify {
    type Value = Member<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Member::Missing)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Member::Missing)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(truthy(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(truthy(v != 0))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(truthy(v != 0))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(truthy(v != 0.0))
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(match v {
            "" => Member::Missing,
            _ => Member::Token(Cow::Borrowed(v.as_bytes())),
        })
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(match v {
            "" => Member::Missing,
            _ => Member::Token(Cow::Owned(v.as_bytes().to_vec())),
        })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut empty = true;
        while seq.next_element::<Skip>()?.is_some() {
            empty = false;
        }
        Ok(truthy(!empty))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut empty = true;
        while map.next_entry::<Skip, Skip>()?.is_some() {
            empty = false;
        }
        Ok(truthy(!empty))
    }
}

/// A value that is not a string: missing when Python finds it falsy.
fn truthy<'b>(truthy: bool) -> Member<'b> {
    if truthy {
        Member::NotString
    } else {
        Member::Missing
    }
}

/// Any JSON value, checked as `serde_json::Value` would check it (numbers in range, strings
/// valid, nesting within the limit) and dropped as it is read. `serde::de::IgnoredAny` is not
/// used because `serde_json` skips it without those checks, which would accept bodies that
/// are invalid today.
struct Skip;

impl<'de> de::Deserialize<'de> for Skip {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(Skip)
    }
}

impl<'de> Visitor<'de> for Skip {
    type Value = Skip;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Skip, E> {
        Ok(Skip)
    }

    fn visit_none<E: de::Error>(self) -> Result<Skip, E> {
        Ok(Skip)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Skip, E> {
        Ok(Skip)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Skip, E> {
        Ok(Skip)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Skip, E> {
        Ok(Skip)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Skip, E> {
        Ok(Skip)
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Skip, E> {
        Ok(Skip)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Skip, A::Error> {
        while seq.next_element::<Skip>()?.is_some() {}
        Ok(Skip)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Skip, A::Error> {
        while map.next_entry::<Skip, Skip>()?.is_some() {}
        Ok(Skip)
    }
}

/// Flask's `request.is_json`: whether the `Content-Type` is `application/json` or
/// `application/*+json` (case-insensitive, parameters allowed). The JSON token location and
/// [`buffer_json_body`](crate::buffer_json_body) use it; handlers can too.
///
/// ```
/// let mut headers = http::HeaderMap::new();
/// headers.insert("content-type", "application/vnd.api+json; charset=utf-8".parse().unwrap());
/// assert!(jwt_http::is_json(&headers));
/// ```
pub fn is_json(headers: &http::HeaderMap) -> bool {
    let Some(value) = headers.get(http::header::CONTENT_TYPE) else {
        return false;
    };
    let mime = value
        .as_bytes()
        .split(|b| *b == b';')
        .next()
        .unwrap_or_default();
    let mime = mime.trim_ascii().to_ascii_lowercase();
    mime == b"application/json" || (mime.starts_with(b"application/") && mime.ends_with(b"+json"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::Value;

    const KEY: &str = "access_token";

    /// The implementation this one replaced: the whole body as a `serde_json::Value`.
    fn via_value(body: &[u8], key: &str) -> Member<'static> {
        let value = match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(mut members)) => members.remove(key),
            _ => None,
        };
        match value {
            None | Some(Value::Null) | Some(Value::Bool(false)) => Member::Missing,
            Some(Value::String(s)) if s.is_empty() => Member::Missing,
            Some(Value::String(s)) => Member::Token(Cow::Owned(s.into_bytes())),
            Some(Value::Array(a)) if a.is_empty() => Member::Missing,
            Some(Value::Object(o)) if o.is_empty() => Member::Missing,
            Some(Value::Number(n)) if n.as_f64() == Some(0.0) => Member::Missing,
            Some(_) => Member::NotString,
        }
    }

    fn token(t: &str) -> Member<'_> {
        Member::Token(Cow::Borrowed(t.as_bytes()))
    }

    #[test]
    fn reads_the_member_as_flask_does() {
        use Member::{Missing, NotString};
        let cases: &[(&str, Member<'_>)] = &[
            (r#"{"access_token":"t"}"#, token("t")),
            (
                r#" { "a" : [1, {"access_token": 5}], "access_token" : "t" } "#,
                token("t"),
            ),
            (r#"{"access\u005ftoken":"t"}"#, token("t")),
            (r#"{"access_token":"a\/b"}"#, token("a/b")),
            (r#"{"access_token":"t","access_token":""}"#, Missing),
            (r#"{"access_token":"","access_token":"t"}"#, token("t")),
            (r#"{"access_token":"t","access_token":5}"#, NotString),
            (r#"{"access_token":5,"access_token":"t"}"#, token("t")),
            (r#"{"access_token":null}"#, Missing),
            (r#"{"access_token":false}"#, Missing),
            (r#"{"access_token":true}"#, NotString),
            (r#"{"access_token":""}"#, Missing),
            (r#"{"access_token":0}"#, Missing),
            (r#"{"access_token":-0}"#, Missing),
            (r#"{"access_token":0.0}"#, Missing),
            (r#"{"access_token":0e7}"#, Missing),
            (r#"{"access_token":1e-400}"#, Missing),
            (r#"{"access_token":1}"#, NotString),
            (r#"{"access_token":-1.5}"#, NotString),
            (r#"{"access_token":[]}"#, Missing),
            (r#"{"access_token":[0]}"#, NotString),
            (r#"{"access_token":{}}"#, Missing),
            (r#"{"access_token":{"a":1}}"#, NotString),
            (r#"{"ACCESS_TOKEN":"t"}"#, Missing),
            (r#"{}"#, Missing),
            // Not an object, or not valid JSON somewhere: missing.
            (r#"["access_token","t"]"#, Missing),
            (r#""t""#, Missing),
            (r#"null"#, Missing),
            (r#""#, Missing),
            (r#"{"access_token":"t"} x"#, Missing),
            (r#"{"access_token":"t"}{}"#, Missing),
            (r#"{"access_token":"t",}"#, Missing),
            (r#"{"access_token":"t","x":1e400}"#, Missing),
            (r#"{"access_token":"t","x":"\ud800"}"#, Missing),
            (r#"{"access_token":"t","x":01}"#, Missing),
            (r#"{"access_token":"t","x":NaN}"#, Missing),
            (r#"{"access_token":"t","x":"a	b"}"#, Missing),
            (r#"{"access_token":"t""#, Missing),
        ];
        for (body, expected) in cases {
            assert_eq!(&top_level_member(body.as_bytes(), KEY), expected, "{body}");
            assert_eq!(&via_value(body.as_bytes(), KEY), expected, "{body}");
        }
        // Invalid UTF-8 in any string.
        let body = b"{\"access_token\":\"t\",\"x\":\"\xff\"}";
        assert_eq!(top_level_member(body, KEY), Missing);
    }

    #[test]
    fn borrows_the_token_unless_it_has_escapes() {
        let body = br#"{"access_token":"abc"}"#;
        assert!(matches!(
            top_level_member(body, KEY),
            Member::Token(Cow::Borrowed(b"abc"))
        ));
        let body = br#"{"access_token":"a\u0062c"}"#;
        assert!(matches!(
            top_level_member(body, KEY),
            Member::Token(Cow::Owned(t)) if t == b"abc"
        ));
    }

    #[test]
    fn nesting_limit_as_serde_json_value() {
        for depth in [126, 127, 128, 129, 10_000] {
            let body = format!(
                r#"{{"access_token":"t","x":{}0{}}}"#,
                "[".repeat(depth),
                "]".repeat(depth)
            );
            assert_eq!(
                top_level_member(body.as_bytes(), KEY),
                via_value(body.as_bytes(), KEY),
                "depth {depth}"
            );
        }
    }

    #[test]
    fn serde_json_private_keys_are_plain_keys() {
        // `serde_json::Value` (with serde_json's `raw_value` feature, which jwt-core turns on)
        // reads an object whose first key is this token as the JSON text of its value; Python
        // and this parser read it as a plain key.
        let body = br#"{"$serde_json::private::RawValue":"{\"access_token\":\"t\"}"}"#;
        assert_eq!(top_level_member(body, KEY), Member::Missing);
        let body = br#"{"$serde_json::private::RawValue":1,"access_token":"t"}"#;
        assert_eq!(top_level_member(body, KEY), token("t"));
    }

    /// Pieces of JSON, valid and not, glued together at random.
    #[rustfmt::skip]
    const PIECES: &[&str] = &[
        "{", "}", "[", "]", ":", ",", " ", "\"access_token\"", "\"access_token\":",
        "\"a\"", "\"\"", "\"t\"", "\"\\u0074\"", "\"\\ud800\"", "\"\\ud83d\\ude00\"", "\"\\x\"",
        "0", "-0", "1", "01", "1.5", "1e400", "-1e400", "1e-400", "0.0", "1.", "-",
        "18446744073709551616", "-9223372036854775809", "null", "true", "false", "nul",
        "\"\u{e9}\"", "\t", "\n",
    ];

    fn piece() -> impl Strategy<Value = &'static str> {
        prop::sample::select(PIECES)
    }

    proptest! {
        #[test]
        fn same_answers_as_a_serde_json_value(
            pieces in prop::collection::vec(piece(), 0..24),
            wrap in any::<bool>(),
        ) {
            let mut body = pieces.concat();
            if wrap {
                body = format!("{{\"access_token\":\"t\",\"x\":{body}}}");
            }
            prop_assert_eq!(
                top_level_member(body.as_bytes(), KEY),
                via_value(body.as_bytes(), KEY),
                "{}", body
            );
        }

        #[test]
        fn same_answers_on_arbitrary_bytes(body in prop::collection::vec(any::<u8>(), 0..64)) {
            prop_assert_eq!(top_level_member(&body, KEY), via_value(&body, KEY));
        }
    }
}
