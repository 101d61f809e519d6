//! Shared pieces of the fuzz targets: fixed keys and clock, cached managers, seed tokens, an
//! independent strict base64url codec, and small reference models of the extraction rules that
//! the targets compare jwt-http against (docs/FUZZING.md lists the invariants).

use std::borrow::Cow;
use std::sync::{Arc, OnceLock};

use http::{HeaderMap, HeaderValue};
use jwt_core::{Algorithm, Claims, FixedClock, Key, TokenData, Validation};
use jwt_http::{JwtContext, JwtError, JwtManager, TokenLocation, VerifyOptions};
use serde_json::Value;

/// "Now" for every target and every seed token.
pub const NOW: i64 = 1_700_000_000;
/// The 32-byte HS256 secret of the `decode` target and of every manager.
pub const SECRET32: &[u8; 32] = b"fuzz-secret-0123456789abcdefghij";
/// A 64-byte secret usable with HS256, HS384 and HS512.
pub const SECRET64: &[u8; 64] = b"fuzz-secret-64-0123456789abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJKL";

/// The key of [`SECRET32`], HS256 only.
pub fn key32() -> &'static Key {
    static KEY: OnceLock<Key> = OnceLock::new();
    KEY.get_or_init(|| Key::new(Algorithm::HS256, SECRET32).expect("32-byte key"))
}

/// The key of [`SECRET64`], for all three algorithms.
pub fn key64() -> &'static Key {
    static KEY: OnceLock<Key> = OnceLock::new();
    KEY.get_or_init(|| Key::for_algorithms(&Algorithm::HMAC, SECRET64).expect("64-byte key"))
}

/// `Validation::new(HS256)` at [`NOW`].
pub fn validation_hs256() -> &'static Validation {
    static V: OnceLock<Validation> = OnceLock::new();
    V.get_or_init(|| Validation::new(Algorithm::HS256).with_clock(FixedClock::at(NOW)))
}

/// A validation accepting all three algorithms at [`NOW`].
pub fn validation_all() -> &'static Validation {
    static V: OnceLock<Validation> = OnceLock::new();
    V.get_or_init(|| {
        let mut v = Validation::new(Algorithm::HS256).with_clock(FixedClock::at(NOW));
        v.algorithms = Algorithm::HMAC.to_vec();
        v
    })
}

// ---------------------------------------------------------------------------------------------
// Strict base64url, written independently of the `base64` crate the library uses.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn sextet(b: u8) -> Option<u32> {
    match b {
        b'A'..=b'Z' => Some(u32::from(b - b'A')),
        b'a'..=b'z' => Some(u32::from(b - b'a') + 26),
        b'0'..=b'9' => Some(u32::from(b - b'0') + 52),
        b'-' => Some(62),
        b'_' => Some(63),
        _ => None,
    }
}

/// Unpadded base64url.
pub fn b64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

/// Strict unpadded base64url: alphabet only, length not 1 mod 4, zero trailing bits.
pub fn b64_decode_strict(text: &[u8]) -> Option<Vec<u8>> {
    if text.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 2);
    for chunk in text.chunks(4) {
        let mut n = 0u32;
        for (i, b) in chunk.iter().enumerate() {
            n |= sextet(*b)? << (18 - 6 * i);
        }
        let bytes = n.to_be_bytes();
        let len = chunk.len() - 1;
        // Bits below the last whole byte must be zero (canonical form).
        let used_bits = 8 * len as u32;
        let total_bits = 6 * chunk.len() as u32;
        let spare = total_bits - used_bits;
        if spare > 0 && ((n >> (24 - total_bits)) & ((1 << spare) - 1)) != 0 {
            return None;
        }
        out.extend_from_slice(&bytes[1..1 + len]);
    }
    Some(out)
}

// ---------------------------------------------------------------------------------------------
// The token-level differential check (decode target).

/// Raw HMAC over `data` with a secret of any length, straight from the `hmac` crate: the
/// reference MAC that [`check_decode`] compares an accepted token's signature with.
pub fn hmac(algorithm: Algorithm, secret: &[u8], data: &[u8]) -> Vec<u8> {
    use hmac::{KeyInit, Mac};
    fn run<M: Mac + KeyInit>(secret: &[u8], data: &[u8]) -> Vec<u8> {
        let mut mac = <M as KeyInit>::new_from_slice(secret).expect("HMAC takes any key length");
        mac.update(data);
        mac.finalize().into_bytes().to_vec()
    }
    match algorithm {
        Algorithm::HS256 => run::<hmac::Hmac<sha2::Sha256>>(secret, data),
        Algorithm::HS384 => run::<hmac::Hmac<sha2::Sha384>>(secret, data),
        Algorithm::HS512 => run::<hmac::Hmac<sha2::Sha512>>(secret, data),
        other => panic!("{other} is not an HMAC algorithm"),
    }
}

/// Decodes `token` with `key`/`validation` and, when it is accepted, re-checks the verdict
/// independently: three canonical base64url segments, the header's `alg` in the allow-list and
/// no `crit`, `HMAC(secret, h.p)` equal to the decoded signature, the claims equal to a lenient
/// parse of the payload, the time claims within [`NOW`], and the unverified decoders agreeing.
pub fn check_decode(token: &[u8], key: &Key, secret: &[u8], validation: &Validation) {
    let verified = jwt_core::decode(token, key, validation);
    let unverified = jwt_core::decode_unverified(token);
    let header_only = jwt_core::decode_header_unverified(token);
    if unverified.is_ok() {
        assert!(header_only.is_ok(), "decode_unverified Ok, header Err");
    }
    let Ok(data) = verified else { return };

    assert!(token.len() <= validation.max_token_len);
    let parts: Vec<&[u8]> = token.split(|b| *b == b'.').collect();
    assert_eq!(
        parts.len(),
        3,
        "accepted a token without exactly 3 segments"
    );
    let decoded: Vec<Vec<u8>> = parts
        .iter()
        .map(|p| b64_decode_strict(p).expect("accepted a non-strict base64url segment"))
        .collect();
    for (text, bytes) in parts.iter().zip(&decoded) {
        assert_eq!(b64_encode(bytes).as_bytes(), *text, "non-canonical segment");
    }

    let alg = data.header.alg();
    assert!(validation.algorithms.contains(&alg));
    let header: Value = serde_json::from_slice(&decoded[0]).expect("header JSON");
    assert_eq!(header.get("alg"), Some(&Value::String(alg.name().into())));
    assert!(header.get("crit").is_none(), "accepted a crit header");
    assert!(header.get("kid").is_none_or(Value::is_string));
    assert_eq!(&header, &Value::Object(data.header.members().clone()));

    let signing_input = &token[..parts[0].len() + 1 + parts[1].len()];
    assert_eq!(
        hmac(alg, secret, signing_input),
        decoded[2],
        "accepted a MAC that does not verify"
    );

    let payload: Value = serde_json::from_slice(&decoded[1]).expect("payload JSON");
    assert_eq!(payload, Value::Object(data.claims.members().clone()));
    check_times(&data.claims, validation);
    if validation.audience.is_none() {
        assert!(
            data.claims.get("aud").is_none(),
            "accepted an unexpected aud"
        );
    }

    let unverified = unverified.expect("decode Ok but decode_unverified Err");
    assert_eq!(unverified.header, data.header);
    assert_eq!(unverified.claims, data.claims);
    assert_eq!(header_only.expect("header"), data.header);
    let jws = jwt_core::verify_jws(token, key, validation).expect("decode Ok but verify_jws Err");
    assert_eq!(jws.payload, decoded[1]);
}

fn check_times(claims: &Claims, validation: &Validation) {
    let leeway = i64::try_from(validation.leeway).unwrap_or(i64::MAX);
    if validation.validate_exp {
        if let Some(exp) = claims.get("exp") {
            let exp = exp.as_f64().expect("accepted a non-number exp");
            assert!(
                (exp.floor() as i64) > NOW.saturating_sub(leeway),
                "accepted expired"
            );
        }
    }
    for (name, check) in [
        ("nbf", validation.validate_nbf),
        ("iat", validation.validate_iat),
    ] {
        if let Some(t) = claims.get(name) {
            let t = t.as_f64().expect("accepted a non-number nbf/iat");
            if check {
                assert!(
                    (t.floor() as i64) <= NOW.saturating_add(leeway),
                    "accepted future {name}"
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Managers and seed tokens for the HTTP targets.

/// A manager at [`NOW`] with [`SECRET32`], reading `location`, with the given header type and
/// query prefix.
pub fn build_manager(
    location: TokenLocation,
    header_type: &str,
    query_prefix: &str,
    max_token_len: usize,
) -> JwtManager {
    let query_prefix = query_prefix.to_owned();
    JwtManager::builder()
        .secret_key(&SECRET32[..])
        .clock(FixedClock::at(NOW))
        .token_location(vec![location])
        .header_type(header_type)
        .max_token_len(max_token_len)
        .with(move |c| c.query_string_value_prefix = query_prefix)
        .build()
        .expect("fuzz manager")
}

/// Cached managers: (normal, length probe). The probe has `max_token_len = 0`, so every token it
/// is handed is refused with `TokenTooLarge { len }`, which tells the extracted token's length.
pub fn managers(location: TokenLocation, variant: usize) -> &'static (JwtManager, JwtManager) {
    static CACHE: OnceLock<Vec<(JwtManager, JwtManager)>> = OnceLock::new();
    const VARIANTS: [(&str, &str); 3] = [("Bearer", ""), ("", "Bearer "), ("JWT", "")];
    let all = CACHE.get_or_init(|| {
        let mut all = Vec::new();
        for loc in LOCATIONS {
            for (header_type, prefix) in VARIANTS {
                all.push((
                    build_manager(loc, header_type, prefix, jwt_core::DEFAULT_MAX_TOKEN_LEN),
                    build_manager(loc, header_type, prefix, 0),
                ));
            }
        }
        all
    });
    let loc = LOCATIONS.iter().position(|l| *l == location).unwrap_or(0);
    &all[loc * VARIANTS.len() + variant % VARIANTS.len()]
}

const LOCATIONS: [TokenLocation; 4] = [
    TokenLocation::Headers,
    TokenLocation::Cookies,
    TokenLocation::QueryString,
    TokenLocation::Json,
];

/// Seed tokens valid at [`NOW`] under [`SECRET32`]: an access token, a fresh one, a refresh
/// token, one with a non-string `sub`... Each with its `csrf` claim.
pub fn seed_tokens() -> Vec<(String, String)> {
    let manager = build_manager(TokenLocation::Headers, "Bearer", "", 16 * 1024);
    let mut tokens = vec![
        manager.create_access_token("alice").expect("token"),
        manager
            .access_token("bob")
            .fresh(true)
            .create()
            .expect("token"),
        manager.create_refresh_token("carol").expect("token"),
        manager
            .access_token("dave")
            .claim("aud", "api")
            .create()
            .expect("token"),
        // A non-string `sub`, which verification refuses ("Subject must be a string"): made
        // by a manager with `verify_sub` off, since creation refuses it while it is on.
        JwtManager::builder()
            .secret_key(&SECRET32[..])
            .clock(FixedClock::at(NOW))
            .with(|c| c.verify_sub = false)
            .build()
            .expect("fuzz manager")
            .access_token(serde_json::json!({"id": 7}))
            .create()
            .expect("token"),
        manager
            .access_token("erin")
            .expires_in(std::time::Duration::from_secs(0))
            .claim("exp", NOW - 10)
            .create()
            .expect("token"),
    ];
    tokens.push(
        manager
            .access_token("frank")
            .header("kid", "k1")
            .claim("role", "admin")
            .create()
            .expect("token"),
    );
    tokens
        .into_iter()
        .map(|t| {
            let csrf = jwt_core::decode_unverified(&t)
                .ok()
                .and_then(|d| d.claims.csrf().map(str::to_owned))
                .unwrap_or_default();
            (t, csrf)
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Reference outcome of a verification, given the model's extraction.

/// What a reference model says extraction gives.
#[derive(Debug)]
pub enum Extracted<'a> {
    /// No token in the location: this (absent) error.
    Absent(JwtError),
    /// A token is there but the location is malformed: this error.
    Error(JwtError),
    /// The token, and the CSRF value to compare when there is one.
    Token(Cow<'a, [u8]>, Option<Cow<'a, [u8]>>),
}

/// The expected `verify_request` result once a token was extracted, built from
/// `decode_token` (public API) and flask-jwt-extended's order of checks.
pub fn expected_for_token(
    manager: &JwtManager,
    token: &[u8],
    csrf: Option<&[u8]>,
    options: &VerifyOptions,
) -> Result<TokenData<Claims>, JwtError> {
    let data = manager.decode_token(token, true)?;
    if let Some(sent) = csrf {
        match data.claims.get("csrf") {
            None => return Err(jwt_core::Error::MissingClaim("csrf".into()).into()),
            Some(Value::String(expected)) if expected.as_bytes() == sent => {}
            Some(_) => return Err(JwtError::CsrfMismatch),
        }
    }
    let data = manager.decode_token(token, false)?;
    if options.verify_type && options.refresh != (data.claims.token_type() == "refresh") {
        return Err(JwtError::WrongTokenType {
            refresh_required: options.refresh,
        });
    }
    if options.fresh && !data.claims.fresh().is_fresh_at(NOW as f64) {
        return Err(JwtError::FreshTokenRequired(Box::new(data)));
    }
    Ok(data)
}

/// Runs `verify_request` with the normal manager and the length probe and checks them against
/// the model's `extracted`: the same error, or the same decoded token from the same location;
/// the extracted token's length equal to the model's; statuses only 401 or 422.
pub fn check_request<R: jwt_http::TokenRequest + ?Sized>(
    pair: &(JwtManager, JwtManager),
    location: TokenLocation,
    request: &R,
    options: &VerifyOptions,
    extracted: &Extracted<'_>,
) {
    let (manager, probe) = pair;
    let got = manager.verify_request(request, options);
    let probed = probe.verify_request(request, options);
    for result in [&got, &probed] {
        if let Err(e) = result {
            let status = e.status().as_u16();
            assert!(status == 401 || status == 422, "status {status} for {e:?}");
        }
    }
    match extracted {
        Extracted::Absent(reason) => {
            if options.optional {
                let ctx = got.expect("optional and absent must pass");
                let ctx: Arc<JwtContext> = ctx.expect("not OPTIONS");
                assert!(ctx.token().is_none());
            } else {
                let want = JwtError::NoTokenFound {
                    locations: vec![location],
                    reasons: vec![reason.clone()],
                };
                assert_eq!(got.err(), Some(want));
            }
        }
        Extracted::Error(want) => {
            assert_eq!(got.err().as_ref(), Some(want));
            assert_eq!(probed.err().as_ref(), Some(want));
        }
        Extracted::Token(token, csrf) => {
            let want = expected_for_token(manager, token, csrf.as_deref(), options);
            match (&got, &want) {
                (Ok(ctx), Ok(data)) => {
                    let ctx = ctx.as_ref().expect("not OPTIONS");
                    assert_eq!(ctx.token(), Some(data));
                    assert_eq!(ctx.location(), Some(location));
                }
                (Err(g), Err(w)) => assert_eq!(g, w),
                _ => panic!("verify_request {got:?} but the model expects {want:?}"),
            }
            // The probe refuses every token by length, telling the extracted token's length.
            let want_probe = if token.is_empty() {
                None
            } else {
                Some(JwtError::InvalidToken(jwt_core::Error::TokenTooLarge {
                    len: token.len(),
                    max: 0,
                }))
            };
            if let Some(want_probe) = want_probe {
                assert_eq!(
                    probed.err(),
                    Some(want_probe),
                    "extracted token length differs"
                );
            }
        }
    }
}

/// Appends each of `values` as a header `name`, skipping what `HeaderValue` refuses.
pub fn append_values(headers: &mut HeaderMap, name: http::HeaderName, values: &[&[u8]]) -> usize {
    let mut n = 0;
    for v in values {
        if let Ok(value) = HeaderValue::from_bytes(v) {
            headers.append(name.clone(), value);
            n += 1;
        }
    }
    n
}

// ---------------------------------------------------------------------------------------------
// Reference models of the extraction rules (flask-jwt-extended spec §6, jwt-http's documented
// deviations: blank comma segments skipped).

/// `str.split()` white space that a header value can hold, its bytes read as Latin-1 (as
/// Werkzeug reads them): the ASCII set plus NEL (`0x85`) and NBSP (`0xA0`).
pub fn is_py_space(b: u8) -> bool {
    matches!(
        b,
        b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c | 0x1c..=0x1f | 0x85 | 0xa0
    )
}

fn py_split(s: &[u8]) -> Vec<&[u8]> {
    s.split(|b| is_py_space(*b))
        .filter(|w| !w.is_empty())
        .collect()
}

/// `_decode_jwt_from_headers` on the header values (joined with `", "` as a WSGI server does).
pub fn model_header<'a>(joined: &'a [u8], present: bool, header_type: &str) -> Extracted<'a> {
    let missing = || {
        Extracted::Absent(JwtError::MissingHeader {
            name: "Authorization".into(),
        })
    };
    if !present {
        return missing();
    }
    // .strip().strip(",")
    let mut v = joined;
    while v.first().is_some_and(|b| is_py_space(*b)) {
        v = &v[1..];
    }
    while v.last().is_some_and(|b| is_py_space(*b)) {
        v = &v[..v.len() - 1];
    }
    while v.first() == Some(&b',') {
        v = &v[1..];
    }
    while v.last() == Some(&b',') {
        v = &v[..v.len() - 1];
    }
    if v.is_empty() {
        return missing();
    }
    let bad = || {
        Extracted::Error(JwtError::BadHeader {
            name: "Authorization".into(),
            header_type: header_type.into(),
        })
    };
    let parts = if header_type.is_empty() {
        let parts = py_split(v);
        if parts.len() != 1 {
            return bad();
        }
        parts
    } else {
        // re.split(r",\s*", v)
        let mut segments = Vec::new();
        let mut rest = v;
        loop {
            match rest.iter().position(|b| *b == b',') {
                Some(i) => {
                    segments.push(&rest[..i]);
                    let mut next = &rest[i + 1..];
                    while next.first().is_some_and(|b| is_py_space(*b)) {
                        next = &next[1..];
                    }
                    rest = next;
                }
                None => {
                    segments.push(rest);
                    break;
                }
            }
        }
        let matching: Vec<&[u8]> = segments
            .into_iter()
            .filter(|s| py_split(s).first() == Some(&header_type.as_bytes()))
            .collect();
        if matching.len() != 1 {
            return Extracted::Absent(JwtError::MissingHeaderType {
                name: "Authorization".into(),
                header_type: header_type.into(),
            });
        }
        let parts = py_split(matching[0]);
        if parts.len() != 2 {
            return bad();
        }
        parts
    };
    Extracted::Token(Cow::Borrowed(parts[parts.len() - 1]), None)
}

/// The first value of cookie `name` among the `Cookie` header values.
pub fn model_cookie<'a>(values: &[&'a [u8]], name: &str) -> Option<&'a [u8]> {
    fn trim(mut s: &[u8]) -> &[u8] {
        while s.first().is_some_and(u8::is_ascii_whitespace) {
            s = &s[1..];
        }
        while s.last().is_some_and(u8::is_ascii_whitespace) {
            s = &s[..s.len() - 1];
        }
        s
    }
    for value in values {
        for pair in value.split(|b| *b == b';') {
            let pair = trim(pair);
            let Some(eq) = pair.iter().position(|b| *b == b'=') else {
                continue;
            };
            if trim(&pair[..eq]) == name.as_bytes() {
                let v = trim(&pair[eq + 1..]);
                return Some(if v.len() >= 2 && v[0] == b'"' && v[v.len() - 1] == b'"' {
                    &v[1..v.len() - 1]
                } else {
                    v
                });
            }
        }
    }
    None
}

/// `application/x-www-form-urlencoded` decoding of one component.
pub fn url_decode(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        let hex = |j: usize| s.get(j).and_then(|b| (*b as char).to_digit(16));
        match s[i] {
            b'+' => out.push(b' '),
            b'%' if hex(i + 1).is_some() && hex(i + 2).is_some() => {
                out.push((hex(i + 1).unwrap_or(0) * 16 + hex(i + 2).unwrap_or(0)) as u8);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    out
}

/// The first value of parameter `name` in `query`, URL-decoded.
pub fn model_query(query: &[u8], name: &str) -> Option<Vec<u8>> {
    for pair in query.split(|b| *b == b'&') {
        let (k, v) = match pair.iter().position(|b| *b == b'=') {
            Some(eq) => (&pair[..eq], &pair[eq + 1..]),
            None => (pair, &[][..]),
        };
        if url_decode(k) == name.as_bytes() {
            return Some(url_decode(v));
        }
    }
    None
}

/// Flask's `request.is_json` on a `Content-Type` value.
pub fn model_is_json(content_type: Option<&[u8]>) -> bool {
    let Some(ct) = content_type else { return false };
    let mime = ct.split(|b| *b == b';').next().unwrap_or(&[]);
    let mime = String::from_utf8_lossy(mime)
        .trim_matches(|c: char| c.is_ascii_whitespace())
        .to_ascii_lowercase();
    mime == "application/json" || (mime.starts_with("application/") && mime.ends_with("+json"))
}

/// flask-jwt-extended's JSON lookup: `request.json.get(key)`, falsy means missing, a non-string
/// is refused.
pub fn model_json(body: &[u8], key: &str) -> Result<Vec<u8>, bool> {
    let value = match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(mut members)) => members.remove(key),
        _ => None,
    };
    let falsy = match &value {
        None | Some(Value::Null) => true,
        Some(Value::Bool(b)) => !b,
        Some(Value::Number(n)) => n.as_f64() == Some(0.0),
        Some(Value::String(s)) => s.is_empty(),
        Some(Value::Array(a)) => a.is_empty(),
        Some(Value::Object(o)) => o.is_empty(),
    };
    match value {
        _ if falsy => Err(true),
        Some(Value::String(s)) => Ok(s.into_bytes()),
        _ => Err(false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_agrees_with_known_values() {
        assert_eq!(b64_encode(b""), "");
        assert_eq!(b64_encode(b"f"), "Zg");
        assert_eq!(b64_encode(b"fo"), "Zm8");
        assert_eq!(b64_encode(b"foo"), "Zm9v");
        assert_eq!(b64_encode(&[0xfb, 0xff]), "-_8");
        assert_eq!(b64_decode_strict(b"Zg").as_deref(), Some(&b"f"[..]));
        assert_eq!(b64_decode_strict(b"Zh"), None);
        assert_eq!(b64_decode_strict(b"Zm9"), None);
        assert_eq!(b64_decode_strict(b"Zm8").as_deref(), Some(&b"fo"[..]));
        assert_eq!(b64_decode_strict(b"Zm9v").as_deref(), Some(&b"foo"[..]));
        assert_eq!(b64_decode_strict(b"Z"), None);
        assert_eq!(b64_decode_strict(b"Zg=="), None);
        assert_eq!(b64_decode_strict(b"Zm+v"), None);
    }
}
