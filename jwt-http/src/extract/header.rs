//! The token in a request header (flask-jwt-extended's `_decode_jwt_from_headers`).

use std::borrow::Cow;

use http::{HeaderMap, HeaderName};

use crate::JwtError;

/// Finds the token in header `name` (spelled `display_name` in messages), expecting the scheme word `header_type` (empty for a bare
/// token).
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
        (Some(one), None) => Cow::Borrowed(one.as_bytes()),
        (Some(first), Some(second)) => {
            let mut joined = first.as_bytes().to_vec();
            for value in std::iter::once(second).chain(values) {
                joined.extend_from_slice(b", ");
                joined.extend_from_slice(value.as_bytes());
            }
            Cow::Owned(joined)
        }
    };
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

/// Python's `str.split()` white space, restricted to what a header value can hold.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c | 0x1c..=0x1f)
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
    fn flask_header_rules() {
        assert_eq!(run(&[b"Bearer abc"], "Bearer"), Ok(b"abc".to_vec()));
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
