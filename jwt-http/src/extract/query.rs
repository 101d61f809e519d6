//! The token in the query string (spec §6.3).

use std::borrow::Cow;

use crate::{JwtError, JwtManager, TokenRequest};

type Extracted<'r> = (Cow<'r, [u8]>, Option<Cow<'r, [u8]>>);

pub(super) fn token_from_query<'r, R: TokenRequest + ?Sized>(
    manager: &JwtManager,
    request: &'r R,
) -> Result<Extracted<'r>, JwtError> {
    let config = manager.config();
    let name = &config.query_string_name;
    // A request parameter without the URI cannot show the query string: refused, never
    // searched as if empty.
    let uri = request.uri().ok_or(JwtError::UnreadableLocation(
        crate::TokenLocation::QueryString,
    ))?;
    let value = uri
        .query()
        .and_then(|query| query_value(query.as_bytes(), name))
        .filter(|v| !v.is_empty())
        .ok_or_else(|| JwtError::MissingQueryParam { name: name.clone() })?;
    let prefix = config.query_string_value_prefix.as_bytes();
    if !value.starts_with(prefix) {
        return Err(JwtError::InvalidQueryParam {
            name: name.clone(),
            prefix: config.query_string_value_prefix.clone(),
        });
    }
    let token = match value {
        Cow::Borrowed(v) => Cow::Borrowed(&v[prefix.len()..]),
        Cow::Owned(v) => Cow::Owned(v[prefix.len()..].to_vec()),
    };
    Ok((token, None))
}

/// The URL-decoded first value of parameter `name` in `query` (`a=1&b=2`), `+` read as a space.
/// Malformed escapes are kept literally; never fails.
pub(crate) fn query_value<'q>(query: &'q [u8], name: &str) -> Option<Cow<'q, [u8]>> {
    query.split(|b| *b == b'&').find_map(|pair| {
        let (key, value) = match pair.iter().position(|b| *b == b'=') {
            Some(eq) => (&pair[..eq], &pair[eq + 1..]),
            None => (pair, &pair[pair.len()..]),
        };
        (percent_decode(key).as_ref() == name.as_bytes()).then(|| percent_decode(value))
    })
}

/// `application/x-www-form-urlencoded` decoding.
pub(crate) fn percent_decode(input: &[u8]) -> Cow<'_, [u8]> {
    if !input.iter().any(|b| matches!(b, b'%' | b'+')) {
        return Cow::Borrowed(input);
    }
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        match input[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = |b: u8| (b as char).to_digit(16);
                match (
                    input.get(i + 1).copied().and_then(hex),
                    input.get(i + 2).copied().and_then(hex),
                ) {
                    (Some(hi), Some(lo)) => {
                        out.push((hi * 16 + lo) as u8);
                        i += 2;
                    }
                    _ => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_value_decoded() {
        assert_eq!(
            query_value(b"jwt=a&jwt=b", "jwt").as_deref(),
            Some(&b"a"[..])
        );
        assert_eq!(
            query_value(b"x=1&jwt=Bearer+t%2E", "jwt").as_deref(),
            Some(&b"Bearer t."[..])
        );
        assert_eq!(query_value(b"jwt", "jwt").as_deref(), Some(&b""[..]));
        assert_eq!(query_value(b"j%77t=v", "jwt").as_deref(), Some(&b"v"[..]));
        assert_eq!(query_value(b"a=%zz%", "a").as_deref(), Some(&b"%zz%"[..]));
        assert_eq!(query_value(b"", "jwt"), None);
    }
}
