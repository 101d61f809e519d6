//! The token in a request header (flask-jwt-extended's `_decode_jwt_from_headers`).

use std::borrow::Cow;

use http::{HeaderMap, HeaderName};

use crate::JwtError;

/// Finds the token in header `name` (spelled `display_name` in messages), expecting the scheme
/// word `header_type` (empty for a bare token).
///
/// Rules, as flask-jwt-extended's (spec §6.1), without its crashes: repeated headers are joined
/// with `", "`; the value is trimmed of white space and then of commas; with a scheme, the value
/// is split at commas (each followed by any white space), blank segments are skipped, exactly one
/// segment must start with the exact, case-sensitive scheme word, and that segment must be two
/// words. Works on bytes, so no header value can make it fail other than with a [`JwtError`].
pub(crate) fn token_from_header<'a>(
    headers: &'a HeaderMap,
    name: &HeaderName,
    display_name: &str,
    header_type: &str,
) -> Result<Cow<'a, [u8]>, JwtError> {
    let mut values = headers.get_all(name).iter();
    let raw: Cow<'a, [u8]> = match (values.next(), values.next()) {
        (None, _) => Cow::Borrowed(&[]),
        (Some(one), None) => {
            if let Some(token) = plain_token(one.as_bytes(), header_type) {
                return Ok(Cow::Borrowed(token));
            }
            Cow::Borrowed(one.as_bytes())
        }
        (Some(first), Some(second)) => {
            let mut joined = first.as_bytes().to_vec();
            for value in std::iter::once(second).chain(values) {
                joined.extend_from_slice(b", ");
                joined.extend_from_slice(value.as_bytes());
            }
            Cow::Owned(joined)
        }
    };
    token_from_value(raw, display_name, header_type)
}

/// The rules, on the joined header value.
fn token_from_value<'a>(
    raw: Cow<'a, [u8]>,
    display_name: &str,
    header_type: &str,
) -> Result<Cow<'a, [u8]>, JwtError> {
    let missing_type = || JwtError::MissingHeaderType {
        name: display_name.into(),
        header_type: header_type.into(),
    };
    let bad = || JwtError::BadHeader {
        name: display_name.into(),
        header_type: header_type.into(),
    };

    let value = trim_commas(trim_space(&raw));
    if value.is_empty() {
        return Err(JwtError::MissingHeader {
            name: display_name.into(),
        });
    }

    let token = if header_type.is_empty() {
        let mut words = words(value);
        match (words.next(), words.next()) {
            (Some(token), None) => token,
            _ => return Err(bad()),
        }
    } else {
        let mut matching = comma_segments(value)
            .filter(|segment| words(segment).next() == Some(header_type.as_bytes()));
        let segment = match (matching.next(), matching.next()) {
            (Some(segment), None) => segment,
            _ => return Err(missing_type()),
        };
        let mut words = words(segment);
        match (words.next(), words.next(), words.next()) {
            (Some(_), Some(token), None) => token,
            _ => return Err(bad()),
        }
    };
    Ok(match raw {
        Cow::Borrowed(raw) => Cow::Borrowed(subslice(raw, token)),
        Cow::Owned(_) => Cow::Owned(token.to_vec()),
    })
}

/// The common case in one pass: a single value that is exactly `<header_type> <token>` (or just
/// `<token>` when `header_type` is empty) where neither word holds a byte at or below the space
/// or a comma. The rules below give the same token for such a value: nothing to trim, one
/// comma segment, two words. Anything else (`None`) goes through them.
fn plain_token<'a>(value: &'a [u8], header_type: &str) -> Option<&'a [u8]> {
    let token = if header_type.is_empty() {
        value
    } else {
        let rest = value.strip_prefix(header_type.as_bytes())?;
        rest.strip_prefix(b" ")?
    };
    (!token.is_empty() && !has_space_or_comma(token) && !has_space_or_comma(header_type.as_bytes()))
        .then_some(token)
}

/// Whether `s` holds a byte at or below the space, a comma, NEL (`0x85`) or NBSP (`0xA0`): the
/// bytes the header rules look at ([`is_space`] and `,`).
fn has_space_or_comma(s: &[u8]) -> bool {
    // No early exit: a token has none of these, and a loop without one is vectorized.
    s.iter().fold(false, |found, &b| {
        found | (b <= b' ') | (b == b',') | (b == 0x85) | (b == 0xa0)
    })
}

/// Python's `str.split()` white space, restricted to what a header value can hold. Werkzeug
/// hands header bytes to flask-jwt-extended as Latin-1, so NEL (`0x85`) and NBSP (`0xA0`)
/// separate words there too: `Bearer\xA0<token>` is a valid header (observed on 4.7.4: 200),
/// even where the byte is part of a UTF-8 sequence.
fn is_space(b: u8) -> bool {
    matches!(
        b,
        b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c | 0x1c..=0x1f | 0x85 | 0xa0
    )
}

fn trim_space(mut s: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = s {
        if !is_space(*first) {
            break;
        }
        s = rest;
    }
    while let [rest @ .., last] = s {
        if !is_space(*last) {
            break;
        }
        s = rest;
    }
    s
}

fn trim_commas(mut s: &[u8]) -> &[u8] {
    while let [b',', rest @ ..] = s {
        s = rest;
    }
    while let [rest @ .., b','] = s {
        s = rest;
    }
    s
}

/// White-space separated words.
fn words(s: &[u8]) -> impl Iterator<Item = &[u8]> {
    s.split(|b| is_space(*b)).filter(|w| !w.is_empty())
}

/// Segments split at `,` followed by any white space (the regex `,\s*`).
fn comma_segments(s: &[u8]) -> impl Iterator<Item = &[u8]> {
    s.split(|b| *b == b',').enumerate().map(|(i, segment)| {
        if i == 0 {
            segment
        } else {
            let start = segment
                .iter()
                .position(|b| !is_space(*b))
                .unwrap_or(segment.len());
            &segment[start..]
        }
    })
}

/// `part` as a slice of `whole` with `whole`'s lifetime. `part` always points into `whole`.
fn subslice<'a>(whole: &'a [u8], part: &[u8]) -> &'a [u8] {
    let start = (part.as_ptr() as usize).saturating_sub(whole.as_ptr() as usize);
    whole.get(start..start + part.len()).unwrap_or(&[])
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn run(values: &[&[u8]], header_type: &str) -> Result<Vec<u8>, String> {
        let mut headers = HeaderMap::new();
        for v in values {
            headers.append("authorization", HeaderValue::from_bytes(v).unwrap());
        }
        token_from_header(
            &headers,
            &HeaderName::from_static("authorization"),
            "Authorization",
            header_type,
        )
        .map(|t| t.into_owned())
        .map_err(|e| format!("{} {e}", e.status().as_u16()))
    }

    #[test]
    fn space_or_comma_scan_is_exact() {
        for byte in 0..=255u8 {
            for len in [1usize, 7, 8, 9, 16, 23] {
                for at in [0, len / 2, len - 1] {
                    let mut s = vec![b'a'; len];
                    s[at] = byte;
                    let expected = byte <= b' ' || matches!(byte, b',' | 0x85 | 0xa0);
                    assert_eq!(has_space_or_comma(&s), expected, "{byte:#x} {len} {at}");
                }
            }
        }
        assert!(!has_space_or_comma(b""));
        assert!(!has_space_or_comma("é€😀abc".as_bytes()));
        // `à` is C3 A0 in UTF-8: its second byte is NBSP to Latin-1 eyes.
        assert!(has_space_or_comma("voilà".as_bytes()));
    }

    /// The one-pass shortcut gives what the full rules give, whenever it answers.
    #[test]
    fn plain_token_agrees_with_the_rules() {
        let values: [&[u8]; 14] = [
            b"Bearer abc",
            b"Bearer  abc",
            b"Bearer abc ",
            b"Bearer abc,",
            b"Bearer a,b",
            b"Bearer a\x01b",
            b"Bearer \xff\xfe",
            b"Bearer",
            b"Bearer ",
            b"bearer abc",
            b"abc",
            b"Basic x, Bearer abc",
            b"BearerX abc",
            b"Bearer a\tb",
        ];
        for header_type in ["Bearer", "", "JWT"] {
            for value in values {
                if let Some(fast) = plain_token(value, header_type) {
                    let slow = token_from_value(Cow::Borrowed(value), "Authorization", header_type)
                        .map(Cow::into_owned)
                        .ok();
                    assert_eq!(Some(fast.to_vec()), slow, "{value:?} {header_type:?}");
                }
            }
        }
        assert_eq!(plain_token(b"Bearer abc", "Bearer"), Some(&b"abc"[..]));
        assert_eq!(plain_token(b"abc", ""), Some(&b"abc"[..]));
        assert_eq!(plain_token(b"Bearer a b", "Bearer"), None);
        assert_eq!(plain_token(b"Bearer ", "Bearer"), None);
        assert_eq!(plain_token(b"Bearer a", "Bea rer"), None);
    }

    #[test]
    fn flask_header_rules() {
        assert_eq!(run(&[b"Bearer abc"], "Bearer"), Ok(b"abc".to_vec()));
        // NBSP and NEL separate words, as in flask-jwt-extended 4.7.4 (its test client: 200 for
        // each of these but the fourth, 422 "Bad Authorization header").
        assert_eq!(run(&[b"Bearer\xa0abc"], "Bearer"), Ok(b"abc".to_vec()));
        assert_eq!(run(&[b"Bearer\x85abc"], "Bearer"), Ok(b"abc".to_vec()));
        assert_eq!(run(&[b"Bearer \xa0abc"], "Bearer"), Ok(b"abc".to_vec()));
        assert!(run(&[b"Bearer\xa0,abc"], "Bearer")
            .unwrap_err()
            .starts_with("422 Bad"));
        assert_eq!(run(&[b"Bearer abc\xa0"], "Bearer"), Ok(b"abc".to_vec()));
        assert_eq!(
            run(&[b"Bearer abc,\xa0Basic x"], "Bearer"),
            Ok(b"abc".to_vec())
        );
        assert_eq!(run(&[b"Bearer  abc"], "Bearer"), Ok(b"abc".to_vec()));
        assert_eq!(run(&[b"  Bearer abc ,, "], "Bearer"), Ok(b"abc".to_vec()));
        assert_eq!(
            run(&[b"Basic x, Bearer abc"], "Bearer"),
            Ok(b"abc".to_vec())
        );
        assert_eq!(run(&[b"Basic x,Bearer abc"], "Bearer"), Ok(b"abc".to_vec()));
        assert_eq!(run(&[b", ,Bearer abc"], "Bearer"), Ok(b"abc".to_vec()));
        assert_eq!(run(&[b"Basic a,, Bearer x"], "Bearer"), Ok(b"x".to_vec()));
        assert_eq!(
            run(&[b"Basic x", b"Bearer abc"], "Bearer"),
            Ok(b"abc".to_vec())
        );
        assert_eq!(run(&[b"abc"], ""), Ok(b"abc".to_vec()));
        assert!(run(&[], "Bearer")
            .unwrap_err()
            .starts_with("401 Missing Authorization Header"));
        assert!(run(&[b""], "Bearer")
            .unwrap_err()
            .starts_with("401 Missing"));
        assert!(run(&[b","], "Bearer")
            .unwrap_err()
            .starts_with("401 Missing"));
        assert!(run(&[b"bearer abc"], "Bearer")
            .unwrap_err()
            .starts_with("401 Missing 'Bearer' type"));
        assert!(run(&[b"Bearer a, Bearer b"], "Bearer")
            .unwrap_err()
            .starts_with("401 Missing 'Bearer' type"));
        assert!(run(&[b"Bearer"], "Bearer")
            .unwrap_err()
            .starts_with("422 Bad"));
        assert!(run(&[b"Bearer a b"], "Bearer")
            .unwrap_err()
            .starts_with("422 Bad"));
        assert!(run(&[b"Bearer ,,0"], "Bearer")
            .unwrap_err()
            .starts_with("422 Bad"));
        assert!(run(&[b"Bearer abc"], "")
            .unwrap_err()
            .starts_with("422 Bad"));
        assert!(run(&[b"abc, foo"], "").unwrap_err().starts_with("422 Bad"));
        assert_eq!(
            run(&[b"Bearer \xff\xfe"], "Bearer"),
            Ok(b"\xff\xfe".to_vec())
        );
    }
}
