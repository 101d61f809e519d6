//! Signing tokens.

use std::cell::RefCell;

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
    with_scratch(|json| {
        py_json::write(json, claims).map_err(|e| Error::Serialize(e.to_string()))?;
        if json.first() != Some(&b'{') {
            return Err(Error::Serialize("the claims must be a JSON object".into()));
        }
        sign_json(header, json, key)
    })
}

/// Scratch buffers above this size are not kept for the next token.
const SCRATCH_KEPT: usize = 4096;

thread_local! {
    /// This thread's buffer for the claims JSON of the token being encoded, so that encoding
    /// allocates the token and nothing else.
    static SCRATCH: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f` on an empty buffer: this thread's scratch buffer, taken out for the call and put
/// back zeroed (the claims may hold a CSRF value); a new one when it is out already (a nested
/// call) or the thread-local is gone.
fn with_scratch<R>(f: impl FnOnce(&mut Vec<u8>) -> R) -> R {
    let mut buffer = SCRATCH
        .try_with(|cell| cell.try_borrow_mut().map(|mut b| std::mem::take(&mut *b)))
        .ok()
        .and_then(Result::ok)
        .unwrap_or_default();
    buffer.clear();
    buffer.reserve(256);
    let result = f(&mut buffer);
    buffer.fill(0);
    if buffer.capacity() <= SCRATCH_KEPT {
        let _ = SCRATCH.try_with(|cell| {
            if let Ok(mut slot) = cell.try_borrow_mut() {
                *slot = buffer;
            }
        });
    }
    result
}

/// The compact token for a payload that is already JSON text: header segment, payload and
/// signature, each written once at its exact base64url length.
pub(crate) fn sign_json(header: &Header, json: &[u8], key: &Key) -> Result<String, Error> {
    let alg = header.alg();
    if !key.supports(alg) {
        return Err(Error::KeyAlgorithmMismatch);
    }
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
            + base64url::encoded_len(alg.output_len()),
    );
    match &header_json {
        None => token.extend_from_slice(crate::header::default_segment(alg).as_bytes()),
        Some(json) => base64url::encode_into_vec(json, &mut token),
    }
    token.push(b'.');
    base64url::encode_into_vec(json, &mut token);
    let tag = key
        .sign(alg, &[&token])
        .ok_or(Error::KeyAlgorithmMismatch)?;
    token.push(b'.');
    base64url::encode_into_vec(tag.as_slice(), &mut token);
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
        SCRATCH.with(|cell| {
            let buffer = cell.borrow();
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
