//! Signing tokens.

use serde::Serialize;

use crate::{base64url, py_json, Algorithm, Error, Header, Key};

/// Signs `claims` under `header` with `key`, giving a compact token.
///
/// The JSON is written as PyJWT writes it (sorted header members, compact separators,
/// non-ASCII escaped), so the same header and claims give the same token as flask-jwt-extended.
/// `claims` must serialize to a JSON object; its members are written in their own order.
///
/// ```
/// use jwt_core::{encode, Algorithm, Header, Key};
/// let key = Key::new(Algorithm::HS256, "an example secret that is long enough")?;
/// let token = encode(&Header::new(Algorithm::HS256), &serde_json::json!({"sub": "alice"}), &key)?;
/// assert!(token.starts_with("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSJ9."));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn encode<C: Serialize + ?Sized>(
    header: &Header,
    claims: &C,
    key: &Key,
) -> Result<String, Error> {
    let alg = header.alg();
    if !key.supports(alg) {
        return Err(Error::KeyAlgorithmMismatch);
    }
    let mut json = Vec::with_capacity(256);
    py_json::write(&mut json, claims).map_err(|e| Error::Serialize(e.to_string()))?;
    if json.first() != Some(&b'{') {
        return Err(Error::Serialize("the claims must be a JSON object".into()));
    }

    let mut token = String::with_capacity(64 + json.len() * 4 / 3 + 90);
    if header.is_default() {
        token.push_str(default_header_segment(alg));
    } else {
        let mut header_json = Vec::with_capacity(64);
        py_json::write(&mut header_json, header).map_err(|e| Error::Serialize(e.to_string()))?;
        base64url::encode_into(&header_json, &mut token);
    }
    token.push('.');
    base64url::encode_into(&json, &mut token);
    let tag = key
        .sign(alg, &[token.as_bytes()])
        .ok_or(Error::KeyAlgorithmMismatch)?;
    token.push('.');
    base64url::encode_into(tag.as_slice(), &mut token);
    Ok(token)
}

/// `base64url({"alg":…,"typ":"JWT"})`, precomputed.
fn default_header_segment(alg: Algorithm) -> &'static str {
    match alg {
        Algorithm::HS256 => "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9",
        Algorithm::HS384 => "eyJhbGciOiJIUzM4NCIsInR5cCI6IkpXVCJ9",
        Algorithm::HS512 => "eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_header_segments_are_the_encoded_default_header() {
        for alg in Algorithm::ALL {
            let mut expected = String::new();
            let json = format!(r#"{{"alg":"{}","typ":"JWT"}}"#, alg.name());
            base64url::encode_into(json.as_bytes(), &mut expected);
            assert_eq!(default_header_segment(alg), expected);
        }
    }
}
