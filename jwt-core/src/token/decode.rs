//! Verifying and decoding tokens.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::{base64url, strict_json, Algorithm, Claims, Error, Header, Key, UnixTime, Validation};

/// A verified token: its header and claims.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenData<C> {
    /// The JOSE header.
    pub header: Header,
    /// The claims, as [`Claims`] or a type of the caller's.
    pub claims: C,
}

/// A verified JWS whose payload need not be a JWT claims set.
#[derive(Debug, Clone, PartialEq)]
pub struct Jws {
    /// The JOSE header.
    pub header: Header,
    /// The payload bytes, exactly as signed.
    pub payload: Vec<u8>,
}

/// The four slices of a compact token; nothing is copied.
struct Segments<'a> {
    header: &'a [u8],
    payload: &'a [u8],
    signing_input: &'a [u8],
    signature: &'a [u8],
}

impl<'a> Segments<'a> {
    /// Splits at the two `.` separators of a compact token, counting them while scanning: no
    /// allocation and at most one pass, whatever the input (CVE-2025-30204). Fewer than two
    /// separators is [`Error::NotEnoughSegments`]; a third is refused at once with
    /// [`Error::InvalidPayloadPadding`], the error PyJWT reports for a payload holding a `.`.
    fn split(token: &'a [u8]) -> Result<Self, Error> {
        // memchr (already in the build through serde_json) scans a word or a vector at a time.
        let mut dots = memchr::memchr_iter(b'.', token);
        let (Some(first), Some(last)) = (dots.next(), dots.next()) else {
            return Err(Error::NotEnoughSegments);
        };
        if dots.next().is_some() {
            return Err(Error::InvalidPayloadPadding);
        }
        Ok(Segments {
            header: &token[..first],
            payload: &token[first + 1..last],
            signing_input: &token[..last],
            signature: &token[last + 1..],
        })
    }
}

/// Verifies `token` with `key` and decodes its claims.
///
/// Checks, in order (security.md §1.13): length, exactly two separators, strict base64url and
/// JSON of the header (no repeated member names), `alg` against the allow-list, `kid`, `crit`,
/// `typ` when required, the signature's base64url, the MAC over the exact received text
/// (constant time, full length), then the payload's base64url and JSON, then the claims
/// ([`Validation::validate_claims`]). The first failure is the error; nothing in the payload is
/// looked at before the MAC has verified, so a token is never reported as expired (or as having
/// a malformed payload) when its signature is wrong.
///
/// ```
/// use jwt_core::{decode, encode, Algorithm, Header, Key, Validation};
/// let key = Key::new(Algorithm::HS256, "an example secret that is long enough")?;
/// let token = encode(&Header::new(Algorithm::HS256), &serde_json::json!({"sub": "alice"}), &key)?;
/// let data = decode(&token, &key, &Validation::new(Algorithm::HS256))?;
/// assert_eq!(data.claims.sub(), Some("alice"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn decode(
    token: impl AsRef<[u8]>,
    key: &Key,
    validation: &Validation,
) -> Result<TokenData<Claims>, Error> {
    decode_selecting(token.as_ref(), |_| Ok(key), validation, None)
}

/// [`decode`] with "now" given instead of read from [`Validation::clock`]: for callers that
/// check more times against the same moment (jwt-http checks `exp` itself, after its own
/// checks, as flask-jwt-extended does).
pub fn decode_at(
    token: impl AsRef<[u8]>,
    key: &Key,
    validation: &Validation,
    now: UnixTime,
) -> Result<TokenData<Claims>, Error> {
    decode_selecting(token.as_ref(), |_| Ok(key), validation, Some(now))
}

/// Like [`decode`], then converts the claims into `T`.
///
/// ```
/// use jwt_core::{decode_as, encode, Algorithm, Header, Key, Validation};
/// #[derive(serde::Deserialize)]
/// struct My { sub: String, role: String }
/// let key = Key::new(Algorithm::HS256, "an example secret that is long enough")?;
/// let token = encode(&Header::new(Algorithm::HS256), &serde_json::json!({"sub": "a", "role": "admin"}), &key)?;
/// let data = decode_as::<My>(&token, &key, &Validation::new(Algorithm::HS256))?;
/// assert_eq!((data.claims.sub.as_str(), data.claims.role.as_str()), ("a", "admin"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn decode_as<T: DeserializeOwned>(
    token: impl AsRef<[u8]>,
    key: &Key,
    validation: &Validation,
) -> Result<TokenData<T>, Error> {
    let data = decode(token, key, validation)?;
    Ok(TokenData {
        claims: data.claims.deserialize()?,
        header: data.header,
    })
}

/// Verifies a compact JWS without reading its payload as claims: for payloads that are not JWTs
/// (RFC 7515 examples). Everything up to and including the MAC is checked as in [`decode`].
pub fn verify_jws(
    token: impl AsRef<[u8]>,
    key: &Key,
    validation: &Validation,
) -> Result<Jws, Error> {
    let (header, payload) = verify_parts(token.as_ref(), key, validation)?;
    Ok(Jws { header, payload })
}

/// Reads the header **without verifying anything**. For choosing a key by `kid` among the
/// application's own keys; never trust what it says.
pub fn decode_header_unverified(token: impl AsRef<[u8]>) -> Result<Header, Error> {
    let token = token.as_ref();
    let segments = Segments::split(token)?;
    Header::from_segment(segments.header, &Algorithm::ALL, parse_header)
}

/// Reads header and claims **without verifying the signature or any claim**.
pub fn decode_unverified(token: impl AsRef<[u8]>) -> Result<TokenData<Claims>, Error> {
    let segments = Segments::split(token.as_ref())?;
    let header = Header::from_segment(segments.header, &Algorithm::ALL, parse_header)?;
    let payload = base64url::decode(segments.payload).ok_or(Error::InvalidPayloadPadding)?;
    Ok(TokenData {
        header,
        claims: parse_claims(payload)?,
    })
}

/// [`decode`]/[`decode_at`] with the key chosen from the parsed header: one header parse, the
/// key's choice before any signature work. `now` defaults to the validation's clock.
pub(crate) fn decode_selecting<'k>(
    token: &[u8],
    select: impl FnOnce(&Header) -> Result<&'k Key, Error>,
    validation: &Validation,
    now: Option<UnixTime>,
) -> Result<TokenData<Claims>, Error> {
    let (header, payload) = verify_parts_selecting(token, select, validation)?;
    let claims = parse_claims(payload)?;
    let now = now.unwrap_or_else(|| validation.clock.now());
    validation.validate_claims(&claims, now)?;
    Ok(TokenData { header, claims })
}

fn verify_parts(
    token: &[u8],
    key: &Key,
    validation: &Validation,
) -> Result<(Header, Vec<u8>), Error> {
    verify_parts_selecting(token, |_| Ok(key), validation)
}

fn verify_parts_selecting<'k>(
    token: &[u8],
    select: impl FnOnce(&Header) -> Result<&'k Key, Error>,
    validation: &Validation,
) -> Result<(Header, Vec<u8>), Error> {
    if token.len() > validation.max_token_len {
        return Err(Error::TokenTooLarge {
            len: token.len(),
            max: validation.max_token_len,
        });
    }
    let segments = Segments::split(token)?;
    let header = Header::from_segment(segments.header, &validation.algorithms, parse_header)?;
    if !validation.typ_matches(header.typ()) {
        return Err(Error::TypeHeaderMismatch);
    }

    let key = select(&header)?;
    let signature = base64url::decode(segments.signature).ok_or(Error::InvalidSignaturePadding)?;
    match key.verify(header.alg(), segments.signing_input, &signature) {
        Some(true) => {}
        Some(false) => return Err(Error::InvalidSignature),
        None => return Err(Error::AlgorithmNotAllowed),
    }
    // Only now, with the MAC verified over the literal text, is the payload decoded.
    let payload = base64url::decode(segments.payload).ok_or(Error::InvalidPayloadPadding)?;
    Ok((header, payload))
}

fn parse_header(segment: &[u8]) -> Result<serde_json::Map<String, Value>, Error> {
    let bytes = base64url::decode(segment).ok_or(Error::InvalidHeaderPadding)?;
    match strict_json::parse(&bytes) {
        Ok(Value::Object(members)) => Ok(members),
        Ok(_) => Err(Error::HeaderNotObject),
        Err(e) => Err(Error::InvalidHeaderJson(e.to_string())),
    }
}

/// The payload through the same strict parser as the header.
fn parse_claims(payload: Vec<u8>) -> Result<Claims, Error> {
    match strict_json::parse(&payload) {
        Ok(Value::Object(members)) => Ok(Claims::from_members(members)),
        Ok(_) => Err(Error::PayloadNotObject),
        Err(e) => Err(Error::InvalidPayloadJson(e.to_string())),
    }
}
