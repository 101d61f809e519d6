//! Writing a claims set member by member, then signing it: what jwt-http's
//! `create_access_token` uses, so that it builds no value to serialize first.

use std::fmt;
use std::ops::Range;

use serde::Serialize;
use zeroize::Zeroizing;

use crate::{encode::sign_json, py_json, Error, Header, Key};

/// Writes a claims set one member at a time, in PyJWT's JSON (compact, non-ASCII escaped,
/// Python float reprs), and signs it: [`encode`](crate::encode) without building a value to
/// serialize first. jwt-http's `create_access_token` writes flask-jwt-extended's claims with it.
///
/// A name written twice is not a valid claims set (this crate's own decoder refuses it), so
/// [`sign`](Self::sign) refuses it, as it refuses a value that cannot be serialized.
///
/// ```
/// use jwt_core::{decode, Algorithm, ClaimsWriter, Header, Key, Validation};
/// let key = Key::new(Algorithm::HS256, "an example secret that is long enough")?;
/// let mut claims = ClaimsWriter::new();
/// claims.str("sub", "alice").int("exp", 4_102_444_800).bool("admin", true);
/// claims.value("roles", &["reader", "writer"]);
/// let token = claims.sign(&Header::new(Algorithm::HS256), &key)?;
///
/// let data = decode(&token, &key, &Validation::new(Algorithm::HS256))?;
/// assert_eq!(data.claims.sub(), Some("alice"));
/// assert_eq!(data.claims.get("roles"), Some(&serde_json::json!(["reader", "writer"])));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct ClaimsWriter {
    /// `{` and the members so far.
    json: Vec<u8>,
    /// Where each name written lies in `json` (escaped, between its quotes).
    names: Vec<Range<usize>>,
    /// Two uuids drawn at once (a token's `jti` and `csrf`); the second is written by the next
    /// [`uuid4`](Self::uuid4) when `spare` is set. Zeroed on drop.
    uuids: Zeroizing<[[u8; 36]; 2]>,
    spare: bool,
    error: Option<Error>,
}

impl Default for ClaimsWriter {
    fn default() -> Self {
        Self::new()
    }
}

impl ClaimsWriter {
    /// An empty claims set.
    pub fn new() -> Self {
        let mut json = crate::scratch::take();
        json.push(b'{');
        ClaimsWriter {
            json,
            names: Vec::with_capacity(16),
            uuids: Zeroizing::new([[0; 36]; 2]),
            spare: false,
            error: None,
        }
    }

    /// A string claim.
    pub fn str(&mut self, name: &str, value: &str) -> &mut Self {
        self.name(name);
        py_json::write_str(&mut self.json, value);
        self
    }

    /// An integer claim (a NumericDate, for instance).
    pub fn int(&mut self, name: &str, value: i64) -> &mut Self {
        self.name(name);
        let mut digits = itoa::Buffer::new();
        self.json.extend_from_slice(digits.format(value).as_bytes());
        self
    }

    /// A boolean claim.
    pub fn bool(&mut self, name: &str, value: bool) -> &mut Self {
        self.name(name);
        let text: &[u8] = if value { b"true" } else { b"false" };
        self.json.extend_from_slice(text);
        self
    }

    /// A new random UUID (version 4, lowercase, hyphenated) as a string claim: a `jti` or a
    /// `csrf` value, written straight from the generator behind [`uuid4`](crate::uuid4).
    pub fn uuid4(&mut self, name: &str) -> &mut Self {
        self.name(name);
        let uuid = if self.spare {
            self.spare = false;
            &self.uuids[1]
        } else {
            match crate::uuid::uuid4_pair_into(&mut self.uuids) {
                Ok(()) => self.spare = true,
                Err(e) => self.fail(e),
            }
            &self.uuids[0]
        };
        self.json.push(b'"');
        self.json.extend_from_slice(uuid);
        self.json.push(b'"');
        self
    }

    /// A claim of any serializable value; written as PyJWT would write it.
    pub fn value<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> &mut Self {
        self.name(name);
        if let Err(e) = py_json::write(&mut self.json, value) {
            self.fail(Error::Serialize(e.to_string()));
        }
        self
    }

    /// Whether a claim of this name has been written.
    pub fn contains(&self, name: &str) -> bool {
        let mut quoted = Vec::with_capacity(name.len() + 2);
        py_json::write_str(&mut quoted, name);
        let written = quoted.get(1..quoted.len().saturating_sub(1));
        self.names
            .iter()
            .any(|range| self.json.get(range.clone()) == written)
    }

    /// The claims set as JSON text.
    pub fn json(&self) -> String {
        let mut json = String::from_utf8_lossy(&self.json).into_owned();
        json.push('}');
        json
    }

    /// Signs the claims under `header` with `key`: the compact token, as
    /// [`encode`](crate::encode) would make it from the same members in the same order.
    pub fn sign(mut self, header: &Header, key: &Key) -> Result<String, Error> {
        if let Some(error) = self.error.take() {
            return Err(error);
        }
        self.json.push(b'}');
        sign_json(header, &self.json, key)
    }

    /// Writes `"name":` (after a comma unless first), or records the error of a name written
    /// before.
    fn name(&mut self, name: &str) {
        if self.json.len() > 1 {
            self.json.push(b',');
        }
        let start = self.json.len() + 1;
        py_json::write_str(&mut self.json, name);
        let written = start..self.json.len() - 1;
        let new = &self.json[written.clone()];
        if self
            .names
            .iter()
            .any(|name| &self.json[name.clone()] == new)
        {
            self.fail(Error::Serialize(format!("claim {name:?} written twice")));
        }
        self.names.push(written);
        self.json.push(b':');
    }

    fn fail(&mut self, error: Error) {
        self.error.get_or_insert(error);
    }
}

/// A clone never shares the spare uuid: two writers must not write the same one.
impl Clone for ClaimsWriter {
    fn clone(&self) -> Self {
        ClaimsWriter {
            json: self.json.clone(),
            names: self.names.clone(),
            uuids: Zeroizing::new([[0; 36]; 2]),
            spare: false,
            error: self.error.clone(),
        }
    }
}

/// Shows the JSON written so far, never the spare uuid.
impl fmt::Debug for ClaimsWriter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClaimsWriter")
            .field("json", &String::from_utf8_lossy(&self.json))
            .field("error", &self.error)
            .finish_non_exhaustive()
    }
}

impl Drop for ClaimsWriter {
    fn drop(&mut self) {
        crate::scratch::give_back(std::mem::take(&mut self.json));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Algorithm;

    fn key() -> Key {
        Key::new(Algorithm::HS256, [7u8; 32]).unwrap()
    }

    /// The writer gives the token `encode` gives for the same members in the same order.
    #[test]
    fn same_token_as_encode() {
        #[derive(Serialize)]
        struct Same<'a> {
            fresh: f64,
            iat: i64,
            jti: &'a str,
            r#type: &'a str,
            sub: serde_json::Value,
            neg: i64,
            weird: &'a str,
            ok: bool,
        }
        let weird = "jürgen ☃ 😀 \"q\" \\ / \n\t\u{1}\u{7f}";
        let sub = serde_json::json!({"id": 7, "name": "é", "f": 1e-5});
        let expected = crate::encode(
            &Header::new(Algorithm::HS256),
            &Same {
                fresh: 1700000900.5,
                iat: 1_700_000_000,
                jti: "6f1c1e6c-1a4a-4f3e-9b0e-6a2b1e0f9d2c",
                r#type: "access",
                sub: sub.clone(),
                neg: i64::MIN,
                weird,
                ok: false,
            },
            &key(),
        )
        .unwrap();
        let mut w = ClaimsWriter::new();
        w.value("fresh", &1700000900.5)
            .int("iat", 1_700_000_000)
            .str("jti", "6f1c1e6c-1a4a-4f3e-9b0e-6a2b1e0f9d2c")
            .str("type", "access")
            .value("sub", &sub)
            .int("neg", i64::MIN)
            .str("weird", weird)
            .bool("ok", false);
        assert!(w.contains("weird") && w.contains("type") && !w.contains("typ"));
        assert_eq!(
            w.sign(&Header::new(Algorithm::HS256), &key()).unwrap(),
            expected
        );
    }

    #[test]
    fn uuids_are_fresh_version_4_strings() {
        let mut w = ClaimsWriter::new();
        w.uuid4("jti").uuid4("csrf");
        let token = w.sign(&Header::new(Algorithm::HS256), &key()).unwrap();
        let claims = crate::decode(&token, &key(), &crate::Validation::new(Algorithm::HS256))
            .unwrap()
            .claims;
        let (jti, csrf) = (claims.jti().unwrap(), claims.csrf().unwrap());
        assert_ne!(jti, csrf);
        for id in [jti, csrf] {
            assert_eq!(id.len(), 36);
            assert_eq!(&id[14..15], "4");
            assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"));
            assert!(id
                .bytes()
                .all(|b| b == b'-' || b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
        }
    }

    /// A writer cloned between the two uuids of one draw must not give both clones the same
    /// second uuid; its `Debug` shows no random bytes.
    #[test]
    fn clones_do_not_share_the_spare_draw() {
        let mut w = ClaimsWriter::new();
        w.uuid4("jti");
        assert!(w.spare);
        assert!(!format!("{w:?}").contains("spare"));
        let mut twin = w.clone();
        w.uuid4("csrf");
        twin.uuid4("csrf");
        let (a, b) = (w.json(), twin.json());
        assert_eq!(a[..a.len() - 38], b[..b.len() - 38], "same jti");
        assert_ne!(a, b, "the clone drew its own csrf");
    }

    #[test]
    fn empty_and_header_members() {
        let mut header = Header::new(Algorithm::HS256);
        header.insert("kid", "k1").unwrap();
        let token = ClaimsWriter::new().sign(&header, &key()).unwrap();
        assert_eq!(
            token,
            crate::encode(&header, &serde_json::json!({}), &key()).unwrap()
        );
        assert_eq!(ClaimsWriter::new().json(), "{}");
    }

    /// Names that need escaping, first or after others, are written as Python writes them,
    /// with their commas.
    #[test]
    fn escaped_names_first_and_later() {
        let mut w = ClaimsWriter::new();
        w.int("é", 1)
            .int("a", 2)
            .str("\"q\"", "x")
            .bool("b\n", true);
        assert_eq!(w.json(), r#"{"\u00e9":1,"a":2,"\"q\"":"x","b\n":true}"#);
        assert!(w.contains("é") && w.contains("\"q\"") && w.contains("a") && !w.contains("q"));
    }

    #[test]
    fn a_repeated_name_is_refused() {
        let mut w = ClaimsWriter::new();
        w.str("sub", "a").int("exp", 1).str("sub", "b");
        let err = w.sign(&Header::new(Algorithm::HS256), &key()).unwrap_err();
        assert!(
            matches!(err, Error::Serialize(ref m) if m.contains("\"sub\"")),
            "{err:?}"
        );
        // Escaped and plain spellings of one name are one name.
        let mut w = ClaimsWriter::new();
        w.str("é", "a").str("é", "b");
        assert!(w.sign(&Header::new(Algorithm::HS256), &key()).is_err());
        // Among many names, repeating an early one and a late one.
        for repeat in ["k3", "k20"] {
            let mut w = ClaimsWriter::new();
            for i in 0..24 {
                w.int(&format!("k{i}"), i as i64);
            }
            assert!(w.contains("k20") && w.contains("k0") && !w.contains("k99"));
            w.str(repeat, "again");
            assert!(
                w.sign(&Header::new(Algorithm::HS256), &key()).is_err(),
                "{repeat}"
            );
        }
    }

    #[test]
    fn an_unserializable_value_is_refused() {
        let bad = std::collections::BTreeMap::from([((1, 2), 3)]);
        let mut w = ClaimsWriter::new();
        w.value("bad", &bad).str("sub", "a");
        assert!(matches!(
            w.sign(&Header::new(Algorithm::HS256), &key()),
            Err(Error::Serialize(_))
        ));
    }

    #[test]
    fn a_key_for_another_algorithm_is_refused() {
        let key = Key::new(Algorithm::HS512, [7u8; 64]).unwrap();
        let mut w = ClaimsWriter::new();
        w.str("sub", "a");
        let err = w.sign(&Header::new(Algorithm::HS256), &key).unwrap_err();
        assert!(matches!(err, Error::KeyAlgorithmMismatch));
    }
}
