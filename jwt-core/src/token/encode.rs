//! Signing tokens.

use serde::Serialize;

use crate::{base64url, py_json, Error, Header, Key};

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
    if !key.supports(header.alg()) {
        return Err(Error::KeyAlgorithmMismatch);
    }
    crate::scratch::with(|json| {
        py_json::write(json, claims).map_err(|e| Error::Serialize(e.to_string()))?;
        if json.first() != Some(&b'{') {
            return Err(Error::Serialize("the claims must be a JSON object".into()));
        }
        sign_json(header, json, key)
    })
}

/// The compact token for a payload that is already JSON text: header segment, payload and
/// signature, each written once at its exact base64url length.
pub(crate) fn sign_json(header: &Header, json: &[u8], key: &Key) -> Result<String, Error> {
    let alg = header.alg();
    if !key.supports(alg) {
        return Err(Error::KeyAlgorithmMismatch);
    }
    if !key.can_sign() {
        return Err(Error::KeyCannotSign);
    }
    // The key's `kid` goes into the header; a header naming another key is refused: a token
    // must never name a key it was not signed with.
    let with_kid;
    let header = match (key.kid(), header.kid()) {
        (Some(kid), None) => {
            let mut copy = header.clone();
            copy.insert("kid", kid)?;
            with_kid = copy;
            &with_kid
        }
        (Some(kid), Some(named)) if kid != named => return Err(Error::KeyIdMismatch),
        _ => header,
    };
    let header_json = if header.is_default() {
        None
    } else {
        let mut header_json = Vec::with_capacity(64);
        py_json::write(&mut header_json, header).map_err(|e| Error::Serialize(e.to_string()))?;
        Some(header_json)
    };
    let header_len = match &header_json {
        None => crate::header::default_segment(alg).len(),
        Some(json) => base64url::encoded_len(json.len()),
    };
    // Built as bytes and checked as UTF-8 once at the end (all ASCII: a word-at-a-time scan).
    let mut token = Vec::with_capacity(
        header_len
            + 1
            + base64url::encoded_len(json.len())
            + 1
            + base64url::encoded_len(key.signature_len(alg)),
    );
    match &header_json {
        None => token.extend_from_slice(crate::header::default_segment(alg).as_bytes()),
        Some(json) => base64url::encode_into_vec(json, &mut token),
    }
    token.push(b'.');
    base64url::encode_into_vec(json, &mut token);
    let signature = key.sign(alg, &token)?;
    token.push(b'.');
    base64url::encode_into_vec(signature.as_slice(), &mut token);
    String::from_utf8(token).map_err(|_| Error::Serialize("non-ASCII base64url".into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Algorithm;

    #[test]
    fn token_capacity_is_exact() {
        let key = Key::new(Algorithm::HS256, [7u8; 32]).unwrap();
        for len in [0, 1, 2, 3, 240, 5000] {
            let claims = serde_json::json!({ "s": "x".repeat(len) });
            let token = encode(&Header::new(Algorithm::HS256), &claims, &key).unwrap();
            let data = crate::decode(&token, &key, &crate::Validation::new(Algorithm::HS256));
            assert_eq!(serde_json::Value::from(data.unwrap().claims), claims);
            assert_eq!(token.len(), token.capacity(), "exact capacity for {len}");
        }
        let not_object = encode(&Header::new(Algorithm::HS256), &[1, 2], &key);
        assert!(matches!(not_object, Err(Error::Serialize(_))));
        let bad_key = std::collections::BTreeMap::from([((1, 2), 3)]);
        let err = encode(&Header::new(Algorithm::HS256), &bad_key, &key);
        assert!(matches!(err, Err(Error::Serialize(_))));
    }

    /// The scratch buffer is zeroed after use, and an encode inside an encode (a `Serialize`
    /// impl that signs a token) gets a buffer of its own.
    #[test]
    fn scratch_is_zeroed_and_nesting_works() {
        struct Nested(Key);
        impl Serialize for Nested {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap;
                let inner = encode(
                    &Header::new(Algorithm::HS256),
                    &serde_json::json!({"in": 1}),
                    &self.0,
                )
                .map_err(serde::ser::Error::custom)?;
                let mut map = s.serialize_map(Some(1))?;
                map.serialize_entry("inner", &inner)?;
                map.end()
            }
        }
        let key = Key::new(Algorithm::HS256, [7u8; 32]).unwrap();
        let token = encode(&Header::new(Algorithm::HS256), &Nested(key.clone()), &key).unwrap();
        let claims = crate::decode(&token, &key, &crate::Validation::new(Algorithm::HS256))
            .unwrap()
            .claims;
        let inner = claims.get("inner").and_then(|v| v.as_str()).unwrap();
        let inner = crate::decode(inner, &key, &crate::Validation::new(Algorithm::HS256)).unwrap();
        assert_eq!(inner.claims.get("in"), Some(&serde_json::json!(1)));
        crate::scratch::inspect(|buffer| {
            assert!(buffer.capacity() > 0, "the buffer is kept");
            assert!(buffer.iter().all(|b| *b == 0));
        });
    }

    #[test]
    fn default_header_segments_are_the_encoded_default_header() {
        for alg in Algorithm::ALL {
            let mut expected = String::new();
            let json = format!(r#"{{"alg":"{}","typ":"JWT"}}"#, alg.name());
            base64url::encode_into(json.as_bytes(), &mut expected);
            assert_eq!(crate::header::default_segment(alg), expected);
        }
    }
}
