//! Token benchmarks: jwt-extended against `jsonwebtoken`, `jwt-simple`, "what a user writes
//! today" and the floor (the primitives alone on the same input), for HS256, HS384 and HS512
//! with flask-jwt-extended's access-token layout.
//!
//! ```sh
//! scripts/bench.sh            # runs all three passes, prints the tables
//! # criterion's own output:
//! cargo bench -p jwt-extended-benches --bench tokens
//! # the interleaved runner (see `interleaved`):
//! BENCH_INTERLEAVED=1 cargo bench -p jwt-extended-benches --bench tokens
//! # one call at a time, caches cold (see `cold`):
//! BENCH_COLD=1 cargo bench -p jwt-extended-benches --bench tokens
//! ```
//!
//! Groups (criterion ids are `<group>_<ALG>/<contender>`):
//!
//! - `encode`: sign given claims (`fresh, iat, jti, type, sub, nbf, csrf, exp`);
//! - `create`: make a new access token from an identity, reading the clock and drawing `jti`
//!   and `csrf` (jwt-extended's `create_access_token`; jsonwebtoken plus two
//!   `uuid::Uuid::new_v4()`, what a user writes today; the floor with the same two uuids);
//! - `decode`: verify the signature and validate the claims (`exp`, `nbf`, `type`) of one token;
//! - `verify`: the whole request path from an `http::Request` (find the `Authorization` header,
//!   decode, validate, build the context and enter it);
//! - `prim`: the floor's pieces alone (HS256 only), for the breakdown in BENCHMARKS.md.
//!
//! jwt-simple takes its claims by value, so its `encode` case times a clone of them too (a
//! few dozen ns of its several µs).
//!
//! Before timing, every decoder is checked to accept every encoder's token for the same claims.

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use criterion::{criterion_group, Criterion};
use hmac::{Hmac, KeyInit, Mac};
use jwt_extended_benches::{case, env, interleave, Case};
use jwt_simple::prelude::{
    HS256Key, HS384Key, HS512Key, JWTClaims, MACLike, UnixTimeStamp, VerificationOptions,
};
use serde::{Deserialize, Serialize};

/// The flask-jwt-extended access-token layout, in its order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct FlaskClaims {
    fresh: bool,
    iat: i64,
    jti: String,
    #[serde(rename = "type")]
    token_type: String,
    sub: String,
    nbf: i64,
    csrf: String,
    exp: i64,
}

/// The claims jwt-simple does not know, flattened into its `JWTClaims`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct SimpleCustom {
    fresh: bool,
    #[serde(rename = "type")]
    token_type: String,
    csrf: String,
}

#[derive(Deserialize)]
struct FloorHeader<'a> {
    alg: &'a str,
}

const LIFETIME: i64 = 86_400;

fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn given_claims(now: i64) -> FlaskClaims {
    FlaskClaims {
        fresh: false,
        iat: now,
        jti: "8a3c2f3e-6d0b-4a8e-9a61-6f1f4c3c5b2d".into(),
        token_type: "access".into(),
        sub: "test".into(),
        nbf: now,
        csrf: "0f8fad5b-d9cb-469f-a165-70867728950e".into(),
        exp: now + LIFETIME,
    }
}

fn simple_claims(c: &FlaskClaims) -> JWTClaims<SimpleCustom> {
    let secs = |s: i64| Some(UnixTimeStamp::from_secs(s as u64));
    JWTClaims {
        issued_at: secs(c.iat),
        expires_at: secs(c.exp),
        invalid_before: secs(c.nbf),
        issuer: None,
        subject: Some(c.sub.clone()),
        audiences: None,
        jwt_id: Some(c.jti.clone()),
        nonce: None,
        custom: SimpleCustom {
            fresh: c.fresh,
            token_type: c.token_type.clone(),
            csrf: c.csrf.clone(),
        },
    }
}

// ---------------------------------------------------------------------------------------------
// The contenders, per algorithm.

enum SimpleKey {
    HS256(HS256Key),
    HS384(HS384Key),
    HS512(HS512Key),
}

impl SimpleKey {
    fn authenticate(&self, claims: JWTClaims<SimpleCustom>) -> String {
        match self {
            SimpleKey::HS256(k) => k.authenticate(claims),
            SimpleKey::HS384(k) => k.authenticate(claims),
            SimpleKey::HS512(k) => k.authenticate(claims),
        }
        .expect("jwt-simple signs")
    }

    fn verify(
        &self,
        token: &str,
        options: &VerificationOptions,
    ) -> Option<JWTClaims<SimpleCustom>> {
        let options = Some(options.clone());
        match self {
            SimpleKey::HS256(k) => k.verify_token::<SimpleCustom>(token, options),
            SimpleKey::HS384(k) => k.verify_token::<SimpleCustom>(token, options),
            SimpleKey::HS512(k) => k.verify_token::<SimpleCustom>(token, options),
        }
        .ok()
        .filter(|c| c.custom.token_type == "access")
    }
}

/// The floor's pre-keyed HMAC.
#[derive(Clone)]
enum FloorMac {
    HS256(Hmac<sha2::Sha256>),
    HS384(Hmac<sha2::Sha384>),
    HS512(Hmac<sha2::Sha512>),
}

/// The floor: precomputed header segment, `serde_json` + `URL_SAFE_NO_PAD`, a pre-keyed HMAC
/// (cloned per call), `verify_slice` in constant time; the header decoded and its `alg`
/// checked; the payload decoded to a `Vec` and parsed into an owned struct; `exp`, `nbf` and
/// `type` checked.
struct Floor {
    mac: FloorMac,
    alg: &'static str,
    header_segment: &'static str,
}

impl Floor {
    fn tag(&self, data: &[u8], out: &mut String) {
        fn run<M: Mac + Clone>(mac: &M, data: &[u8], out: &mut String) {
            let mut mac = mac.clone();
            mac.update(data);
            URL_SAFE_NO_PAD.encode_string(mac.finalize().into_bytes(), out);
        }
        match &self.mac {
            FloorMac::HS256(m) => run(m, data, out),
            FloorMac::HS384(m) => run(m, data, out),
            FloorMac::HS512(m) => run(m, data, out),
        }
    }

    fn verify(&self, data: &[u8], tag: &[u8]) -> bool {
        fn run<M: Mac + Clone>(mac: &M, data: &[u8], tag: &[u8]) -> bool {
            let mut mac = mac.clone();
            mac.update(data);
            mac.verify_slice(tag).is_ok()
        }
        match &self.mac {
            FloorMac::HS256(m) => run(m, data, tag),
            FloorMac::HS384(m) => run(m, data, tag),
            FloorMac::HS512(m) => run(m, data, tag),
        }
    }

    fn encode(&self, claims: &FlaskClaims) -> String {
        let json = serde_json::to_vec(claims).expect("claims serialize");
        let mut token = String::with_capacity(self.header_segment.len() + json.len() * 4 / 3 + 92);
        token.push_str(self.header_segment);
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(&json, &mut token);
        let mut tag = String::with_capacity(88);
        self.tag(token.as_bytes(), &mut tag);
        token.push('.');
        token.push_str(&tag);
        token
    }

    fn decode(&self, token: &str) -> Option<FlaskClaims> {
        let (signing_input, signature) = token.rsplit_once('.')?;
        let (header, payload) = signing_input.split_once('.')?;
        let header = URL_SAFE_NO_PAD.decode(header).ok()?;
        let header: FloorHeader<'_> = serde_json::from_slice(&header).ok()?;
        if header.alg != self.alg {
            return None;
        }
        let mut tag = [0u8; 66];
        let len = URL_SAFE_NO_PAD.decode_slice(signature, &mut tag).ok()?;
        if !self.verify(signing_input.as_bytes(), &tag[..len]) {
            return None;
        }
        let payload = URL_SAFE_NO_PAD.decode(payload).ok()?;
        let claims: FlaskClaims = serde_json::from_slice(&payload).ok()?;
        let now = now_secs();
        (claims.exp > now && claims.nbf <= now && claims.token_type == "access").then_some(claims)
    }
}

/// Per algorithm: jsonwebtoken's name, the secret length, and how to make the jwt-simple key,
/// the floor's MAC and the floor's header segment.
type Makers = (
    jsonwebtoken::Algorithm,
    usize,
    fn(&[u8]) -> SimpleKey,
    fn(&[u8]) -> FloorMac,
    &'static str,
);

struct Contenders {
    name: &'static str,
    claims: FlaskClaims,
    // jwt-extended
    key: jwt_core::Key,
    header: jwt_core::Header,
    validation: jwt_core::Validation,
    manager: jwt_extended::JwtManager,
    // jsonwebtoken
    jwt_header: jsonwebtoken::Header,
    jwt_enc: jsonwebtoken::EncodingKey,
    jwt_dec: jsonwebtoken::DecodingKey,
    jwt_validation: jsonwebtoken::Validation,
    // jwt-simple
    simple: SimpleKey,
    simple_options: VerificationOptions,
    // floor
    floor: Floor,
}

impl Contenders {
    fn new(alg: jwt_core::Algorithm) -> Self {
        let (jwt_alg, secret_len, simple, mac, header_segment): Makers = match alg {
            jwt_core::Algorithm::HS256 => (
                jsonwebtoken::Algorithm::HS256,
                32,
                |s| SimpleKey::HS256(HS256Key::from_bytes(s)),
                |s| FloorMac::HS256(Hmac::new_from_slice(s).expect("any length")),
                "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9",
            ),
            jwt_core::Algorithm::HS384 => (
                jsonwebtoken::Algorithm::HS384,
                48,
                |s| SimpleKey::HS384(HS384Key::from_bytes(s)),
                |s| FloorMac::HS384(Hmac::new_from_slice(s).expect("any length")),
                "eyJhbGciOiJIUzM4NCIsInR5cCI6IkpXVCJ9",
            ),
            jwt_core::Algorithm::HS512 => (
                jsonwebtoken::Algorithm::HS512,
                64,
                |s| SimpleKey::HS512(HS512Key::from_bytes(s)),
                |s| FloorMac::HS512(Hmac::new_from_slice(s).expect("any length")),
                "eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9",
            ),
            other => panic!("the HMAC benchmark has no {other} contenders (benches/asymmetric.rs)"),
        };
        let secret: Vec<u8> = (0..secret_len).map(|i| b'a' + (i % 26) as u8).collect();

        let mut validation = jwt_core::Validation::new(alg);
        validation.leeway = 0;
        let manager = jwt_extended::JwtManager::builder()
            .secret_key(String::from_utf8(secret.clone()).expect("ascii"))
            .algorithm(alg)
            .access_token_expires(jwt_extended::Expiry::After(Duration::from_secs(
                LIFETIME as u64,
            )))
            .build()
            .expect("manager");

        let mut jwt_validation = jsonwebtoken::Validation::new(jwt_alg);
        jwt_validation.validate_nbf = true;
        jwt_validation.leeway = 0;
        jwt_validation.set_required_spec_claims(&["exp", "nbf", "sub"]);

        let simple_options = VerificationOptions {
            time_tolerance: Some(jwt_simple::prelude::Duration::from_secs(0)),
            ..Default::default()
        };

        Contenders {
            name: alg.name(),
            claims: given_claims(now_secs()),
            key: jwt_core::Key::new(alg, &secret).expect("key"),
            header: jwt_core::Header::new(alg),
            validation,
            manager,
            jwt_header: jsonwebtoken::Header::new(jwt_alg),
            jwt_enc: jsonwebtoken::EncodingKey::from_secret(&secret).expect("key"),
            jwt_dec: jsonwebtoken::DecodingKey::from_secret(&secret).expect("key"),
            jwt_validation,
            simple: simple(&secret),
            simple_options,
            floor: Floor {
                mac: mac(&secret),
                alg: alg.name(),
                header_segment,
            },
        }
    }

    // The operations, exactly as timed.

    fn ours_encode(&self) -> String {
        jwt_core::encode(&self.header, &self.claims, &self.key).expect("encode")
    }

    fn ours_decode(&self, token: &str) -> Option<jwt_core::TokenData<jwt_core::Claims>> {
        jwt_core::decode(token, &self.key, &self.validation)
            .ok()
            .filter(|d| d.claims.token_type() == "access")
    }

    fn jwt_encode(&self, claims: &FlaskClaims) -> String {
        jsonwebtoken::encode(&self.jwt_header, claims, &self.jwt_enc).expect("jsonwebtoken signs")
    }

    fn jwt_decode(&self, token: &str) -> Option<FlaskClaims> {
        jsonwebtoken::decode::<FlaskClaims>(token, &self.jwt_dec, &self.jwt_validation)
            .ok()
            .map(|d| d.claims)
            .filter(|c| c.token_type == "access")
    }

    /// What a user writes today: the clock, two `Uuid::new_v4()` and jsonwebtoken.
    fn user_create(&self, identity: &str) -> String {
        let now = jsonwebtoken::get_current_timestamp() as i64;
        let claims = FlaskClaims {
            fresh: false,
            iat: now,
            jti: uuid::Uuid::new_v4().to_string(),
            token_type: "access".into(),
            sub: identity.into(),
            nbf: now,
            csrf: uuid::Uuid::new_v4().to_string(),
            exp: now + 900,
        };
        self.jwt_encode(&claims)
    }

    /// The floor for `create`: the same clock and uuids, then the floor's encode.
    fn floor_create(&self, identity: &str) -> String {
        let now = now_secs();
        let claims = FlaskClaims {
            fresh: false,
            iat: now,
            jti: uuid::Uuid::new_v4().to_string(),
            token_type: "access".into(),
            sub: identity.into(),
            nbf: now,
            csrf: uuid::Uuid::new_v4().to_string(),
            exp: now + 900,
        };
        self.floor.encode(&claims)
    }

    fn request(&self, token: &str) -> http::Request<()> {
        http::Request::get("/protected")
            .header("Authorization", format!("Bearer {token}"))
            .header("Host", "127.0.0.1:5000")
            .header("User-Agent", "bench")
            .header("Accept", "*/*")
            .body(())
            .expect("request")
    }

    fn ours_verify_request(&self, request: &http::Request<()>) -> bool {
        match self
            .manager
            .verify_request(request, &jwt_extended::VerifyOptions::new())
        {
            Ok(Some(context)) => {
                let _guard = jwt_extended::enter(Some(context));
                true
            }
            _ => false,
        }
    }

    /// A hand-written request check on jsonwebtoken: header, `Bearer `, decode.
    fn jwt_verify_request(&self, request: &http::Request<()>) -> Option<Arc<FlaskClaims>> {
        let value = request.headers().get(http::header::AUTHORIZATION)?;
        let token = value.to_str().ok()?.strip_prefix("Bearer ")?;
        self.jwt_decode(token).map(Arc::new)
    }

    /// Every decoder accepts every encoder's token for the same claims, and agrees on them.
    fn cross_check(&self) {
        let tokens = [
            ("jwt_extended", self.ours_encode()),
            ("jsonwebtoken", self.jwt_encode(&self.claims)),
            (
                "jwt_simple",
                self.simple.authenticate(simple_claims(&self.claims)),
            ),
            ("floor", self.floor.encode(&self.claims)),
        ];
        // jwt-extended writes what flask-jwt-extended writes; the floor writes the same JSON
        // through serde_json, so their tokens are the same string; jsonwebtoken's payload is
        // the same too (its header puts `typ` first).
        let payload = |t: &str| t.split('.').nth(1).map(str::to_owned);
        assert_eq!(
            payload(&tokens[0].1),
            payload(&tokens[1].1),
            "{}: jsonwebtoken payload differs",
            self.name
        );
        assert_eq!(
            tokens[0].1, tokens[3].1,
            "{}: floor token differs",
            self.name
        );
        assert_eq!(tokens[0].1.len(), tokens[1].1.len());
        for (who, token) in &tokens {
            let ours = self
                .ours_decode(token)
                .unwrap_or_else(|| panic!("{}: jwt-extended refuses {who}'s token", self.name));
            let back: FlaskClaims = ours.claims.deserialize().expect("claims convert");
            assert_eq!(back, self.claims, "{}: jwt-extended reads {who}", self.name);
            assert_eq!(
                self.jwt_decode(token).as_ref(),
                Some(&self.claims),
                "{}: jsonwebtoken refuses {who}'s token",
                self.name
            );
            let simple = self
                .simple
                .verify(token, &self.simple_options)
                .unwrap_or_else(|| panic!("{}: jwt-simple refuses {who}'s token", self.name));
            assert_eq!(simple.jwt_id.as_deref(), Some(self.claims.jti.as_str()));
            assert_eq!(
                self.floor.decode(token).as_ref(),
                Some(&self.claims),
                "{}: floor refuses {who}'s token",
                self.name
            );
            let request = self.request(token);
            assert!(
                self.ours_verify_request(&request),
                "{}: verify_request refuses {who}'s token",
                self.name
            );
            assert!(self.jwt_verify_request(&request).is_some());
        }
        // Created tokens verify everywhere too.
        for token in [
            self.manager.create_access_token("test").expect("create"),
            self.user_create("test"),
            self.floor_create("test"),
        ] {
            assert!(
                self.ours_decode(&token).is_some(),
                "{}: created token",
                self.name
            );
            assert!(
                self.jwt_decode(&token).is_some(),
                "{}: created token",
                self.name
            );
            assert!(
                self.floor.decode(&token).is_some(),
                "{}: created token",
                self.name
            );
            assert!(self.simple.verify(&token, &self.simple_options).is_some());
        }
        // A token whose MAC is wrong is refused by all.
        let mut bad = tokens[0].1.clone();
        let last = bad.pop().expect("non-empty");
        bad.push(if last == 'A' { 'Q' } else { 'A' });
        assert!(self.ours_decode(&bad).is_none());
        assert!(self.jwt_decode(&bad).is_none());
        assert!(self.simple.verify(&bad, &self.simple_options).is_none());
        assert!(self.floor.decode(&bad).is_none());
    }
}

// ---------------------------------------------------------------------------------------------

/// Everything timed for one algorithm. Each closure does the whole operation, result dropped.
struct Fixture {
    k: Contenders,
    token: String,
    request: http::Request<()>,
    simple_given: JWTClaims<SimpleCustom>,
}

impl Fixture {
    fn new(alg: jwt_core::Algorithm) -> Self {
        let k = Contenders::new(alg);
        k.cross_check();
        let token = k.ours_encode();
        let request = k.request(&token);
        let simple_given = simple_claims(&k.claims);
        Fixture {
            k,
            token,
            request,
            simple_given,
        }
    }

    fn cases(&self) -> Vec<Case<'_>> {
        let Fixture {
            k,
            token,
            request,
            simple_given,
        } = self;
        let (encode, create, decode, verify) = (
            format!("encode_{}", k.name),
            format!("create_{}", k.name),
            format!("decode_{}", k.name),
            format!("verify_{}", k.name),
        );
        vec![
            case(&encode, "jwt_extended", move || {
                drop(black_box(k.ours_encode()))
            }),
            case(&encode, "jsonwebtoken", move || {
                drop(black_box(k.jwt_encode(black_box(&k.claims))))
            }),
            // jwt-simple takes its claims by value: the clone (~2 % of its time) is timed.
            case(&encode, "jwt_simple", move || {
                drop(black_box(
                    k.simple.authenticate(black_box(simple_given).clone()),
                ))
            }),
            case(&encode, "floor", move || {
                drop(black_box(k.floor.encode(black_box(&k.claims))))
            }),
            case(&create, "jwt_extended", move || {
                drop(black_box(
                    k.manager
                        .create_access_token(black_box("test"))
                        .expect("create"),
                ))
            }),
            case(&create, "jsonwebtoken_2uuid", move || {
                drop(black_box(k.user_create(black_box("test"))))
            }),
            case(&create, "floor", move || {
                drop(black_box(k.floor_create(black_box("test"))))
            }),
            case(&decode, "jwt_extended", move || {
                drop(black_box(k.ours_decode(black_box(token)).expect("valid")))
            }),
            case(&decode, "jwt_extended_decode_token", move || {
                drop(black_box(
                    k.manager
                        .decode_token(black_box(token), false)
                        .expect("valid"),
                ))
            }),
            case(&decode, "jsonwebtoken", move || {
                drop(black_box(k.jwt_decode(black_box(token)).expect("valid")))
            }),
            case(&decode, "jwt_simple", move || {
                drop(black_box(
                    k.simple
                        .verify(black_box(token), &k.simple_options)
                        .expect("valid"),
                ))
            }),
            case(&decode, "floor", move || {
                drop(black_box(k.floor.decode(black_box(token)).expect("valid")))
            }),
            case(&verify, "jwt_extended", move || {
                assert!(k.ours_verify_request(black_box(request)))
            }),
            case(&verify, "jsonwebtoken_handwritten", move || {
                drop(black_box(
                    k.jwt_verify_request(black_box(request)).expect("valid"),
                ))
            }),
        ]
    }
}

/// HMAC keyed on every call, as jsonwebtoken does.
macro_rules! mac_keyed {
    ($hash:ty, $key:expr, $data:expr) => {{
        let mut mac =
            <Hmac<$hash> as KeyInit>::new_from_slice(black_box($key)).expect("any length");
        mac.update(black_box($data));
        mac.finalize().into_bytes().len()
    }};
}

/// The floor's pieces (HS256), for the breakdown.
struct Primitives {
    k: Contenders,
    hs256: Hmac<sha2::Sha256>,
    hs384: Hmac<sha2::Sha384>,
    hs512: Hmac<sha2::Sha512>,
    signing_input: String,
    payload_b64: String,
    tag: Vec<u8>,
    payload: Vec<u8>,
}

impl Primitives {
    fn new() -> Self {
        let k = Contenders::new(jwt_core::Algorithm::HS256);
        let token = k.ours_encode();
        let (signing_input, signature) = token.rsplit_once('.').expect("token");
        let payload_b64 = signing_input.split_once('.').expect("token").1.to_owned();
        Primitives {
            hs256: Hmac::new_from_slice(&[b'k'; 32]).expect("any length"),
            hs384: Hmac::new_from_slice(&[b'k'; 48]).expect("any length"),
            hs512: Hmac::new_from_slice(&[b'k'; 64]).expect("any length"),
            tag: URL_SAFE_NO_PAD.decode(signature).expect("tag"),
            payload: URL_SAFE_NO_PAD.decode(&payload_b64).expect("payload"),
            signing_input: signing_input.to_owned(),
            payload_b64,
            k,
        }
    }

    fn cases(&self) -> Vec<Case<'_>> {
        let g = "prim_HS256";
        let Primitives {
            k,
            hs256,
            hs384,
            hs512,
            signing_input,
            payload_b64,
            tag,
            payload,
        } = self;
        vec![
            case(g, "hmac_verify", move || {
                assert!(k
                    .floor
                    .verify(black_box(signing_input.as_bytes()), black_box(tag)))
            }),
            case(g, "b64_decode_payload", move || {
                drop(black_box(
                    URL_SAFE_NO_PAD.decode(black_box(payload_b64)).expect("b64"),
                ))
            }),
            case(g, "json_struct", move || {
                drop(black_box(
                    serde_json::from_slice::<FlaskClaims>(black_box(payload)).expect("json"),
                ))
            }),
            case(g, "json_value", move || {
                drop(black_box(
                    serde_json::from_slice::<serde_json::Value>(black_box(payload)).expect("json"),
                ))
            }),
            case(g, "system_time", || {
                black_box(now_secs());
            }),
            case(g, "getpid", || {
                black_box(std::process::id());
            }),
            case(g, "uuid_new_v4", || {
                drop(black_box(uuid::Uuid::new_v4().to_string()))
            }),
            case(g, "jwt_core_uuid4", || {
                drop(black_box(jwt_core::uuid4().expect("uuid")))
            }),
            case(g, "jwt_core_uuid4_pair", || {
                drop(black_box(jwt_core::uuid4_pair().expect("uuid")))
            }),
            // The MAC over the same ~230-byte signing input with each hash: pre-keyed (the
            // state after the key block, cloned per call, as jwt-core and the floor do) and keyed
            // per call (as jsonwebtoken does). Neither encode nor decode can cost less than the
            // first; the difference between them is what pre-keying saves.
            case(g, "hmac_prekeyed_HS256", move || {
                black_box(mac_prekeyed(hs256, signing_input.as_bytes()));
            }),
            case(g, "hmac_prekeyed_HS384", move || {
                black_box(mac_prekeyed(hs384, signing_input.as_bytes()));
            }),
            case(g, "hmac_prekeyed_HS512", move || {
                black_box(mac_prekeyed(hs512, signing_input.as_bytes()));
            }),
            case(g, "hmac_keyed_per_call_HS256", move || {
                black_box(mac_keyed!(
                    sha2::Sha256,
                    &[b'k'; 32],
                    signing_input.as_bytes()
                ));
            }),
            case(g, "hmac_keyed_per_call_HS384", move || {
                black_box(mac_keyed!(
                    sha2::Sha384,
                    &[b'k'; 48],
                    signing_input.as_bytes()
                ));
            }),
            case(g, "hmac_keyed_per_call_HS512", move || {
                black_box(mac_keyed!(
                    sha2::Sha512,
                    &[b'k'; 64],
                    signing_input.as_bytes()
                ));
            }),
        ]
    }
}

fn mac_prekeyed<M: Mac + Clone>(mac: &M, data: &[u8]) -> usize {
    let mut mac = mac.clone();
    mac.update(black_box(data));
    mac.finalize().into_bytes().len()
}

const ALGS: [jwt_core::Algorithm; 3] = [
    jwt_core::Algorithm::HS256,
    jwt_core::Algorithm::HS384,
    jwt_core::Algorithm::HS512,
];

fn criterion_benches(c: &mut Criterion) {
    let fixtures: Vec<Fixture> = ALGS.into_iter().map(Fixture::new).collect();
    let primitives = Primitives::new();
    let mut cases: Vec<Case<'_>> = fixtures.iter().flat_map(Fixture::cases).collect();
    cases.extend(primitives.cases());
    let mut i = 0;
    while i < cases.len() {
        let group = cases[i].group.clone();
        let mut g = c.benchmark_group(&group);
        while i < cases.len() && cases[i].group == group {
            let run = &cases[i].run;
            g.bench_function(cases[i].name, |b| b.iter(run));
            i += 1;
        }
        g.finish();
    }
}

/// The same cases, interleaved: round after round, each case runs one batch of about
/// `BENCH_BATCH_US` (default 500) microseconds, for `BENCH_ROUNDS` (default 600) rounds. On a
/// shared, busy machine every case then meets the same mix of load, so the ratios hold even
/// when the absolute numbers move. Writes criterion-shaped estimates (median of the per-round
/// ns/op; the interval is the interquartile range) under `$CARGO_TARGET_DIR/interleaved`, for
/// `scripts/bench_table.py`.
fn interleaved(filter: Option<&str>) {
    let rounds = env("BENCH_ROUNDS", 600) as usize;
    let batch = Duration::from_micros(env("BENCH_BATCH_US", 500));
    let fixtures: Vec<Fixture> = ALGS.into_iter().map(Fixture::new).collect();
    let primitives = Primitives::new();
    let mut cases: Vec<Case<'_>> = fixtures.iter().flat_map(Fixture::cases).collect();
    cases.extend(primitives.cases());
    cases.retain(|c| filter.is_none_or(|f| format!("{}/{}", c.group, c.name).contains(f)));

    let samples = interleave(&cases, rounds, batch);
    write_estimates("interleaved", &cases, samples);
}

/// Writes criterion-shaped estimates (median; the interval is the interquartile range) under
/// `$CARGO_TARGET_DIR/<dir>` (default: the workspace's `target`, as criterion's own), for
/// `scripts/bench_table.py`, and prints the medians.
fn write_estimates(dir: &str, cases: &[Case<'_>], samples: Vec<Vec<f64>>) {
    // Benchmarks run in this package's directory (benches/), one below the workspace's.
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"));
    let root = target.join(dir);
    let _ = std::fs::remove_dir_all(&root);
    for (case, mut s) in cases.iter().zip(samples) {
        s.sort_by(f64::total_cmp);
        let q = |p: f64| s[((s.len() - 1) as f64 * p).round() as usize];
        let dir = root.join(&case.group).join(case.name).join("new");
        std::fs::create_dir_all(&dir).expect("estimates directory");
        let estimates = serde_json::json!({
            "median": {
                "point_estimate": q(0.5),
                "confidence_interval": {"lower_bound": q(0.25), "upper_bound": q(0.75)},
            },
            "min": q(0.0),
        });
        let meta = serde_json::json!({"group_id": case.group, "function_id": case.name});
        std::fs::write(dir.join("estimates.json"), estimates.to_string()).expect("write");
        std::fs::write(dir.join("benchmark.json"), meta.to_string()).expect("write");
        println!("{:<16} {:<28} {:>9.0} ns/op", case.group, case.name, q(0.5));
    }
}

/// Every case called once at a time with cold caches, as a server calls it between two
/// requests' worth of kernel networking: before each call, `BENCH_EVICT_KIB` (default 2048)
/// KiB of memory are written line by line (evicting L1 and L2; code too where L2 is inclusive;
/// L3 is not evicted) and 4,096 indirect calls chosen by random bits made (scrambling the branch
/// predictors); then the one call is timed. `BENCH_ROUNDS` (default 3000) rounds, cases in
/// rotating order; the timer's own cost (an empty case, measured the same way) is subtracted.
/// Writes under `$CARGO_TARGET_DIR/cold`.
fn cold(filter: Option<&str>) {
    let rounds = env("BENCH_ROUNDS", 3000) as usize;
    let evict_len = env("BENCH_EVICT_KIB", 2048) as usize * 1024;
    let fixtures: Vec<Fixture> = ALGS.into_iter().map(Fixture::new).collect();
    let mut cases: Vec<Case<'_>> = fixtures.iter().flat_map(Fixture::cases).collect();
    cases.retain(|c| filter.is_none_or(|f| format!("{}/{}", c.group, c.name).contains(f)));
    cases.push(case("timer", "empty", || {}));

    let mut buffer = vec![0u8; evict_len];
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    let mut evict = move || {
        for line in buffer.chunks_mut(64) {
            line[0] = line[0].wrapping_add(1);
        }
        black_box(&buffer);
        // Calls through a table chosen by random bits: real, unpredictable indirect branches
        // (a plain `if` on a random bit may become a conditional move).
        let steps: [fn(u64) -> u64; 4] = [
            |x| black_box(x.wrapping_add(1)),
            |x| black_box(x ^ 0x55),
            |x| black_box(x.rotate_left(3)),
            |x| black_box(x.wrapping_mul(3)),
        ];
        let mut taken = 0u64;
        for _ in 0..4096 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            taken = black_box(steps)[(seed & 3) as usize](taken);
        }
        black_box(taken);
    };
    let mut samples: Vec<Vec<f64>> = vec![Vec::with_capacity(rounds); cases.len()];
    for round in 0..rounds {
        for j in 0..cases.len() {
            let i = (j + round) % cases.len();
            evict();
            let start = std::time::Instant::now();
            (cases[i].run)();
            samples[i].push(start.elapsed().as_nanos() as f64);
        }
    }
    let mut timer = samples.last().cloned().unwrap_or_default();
    timer.sort_by(f64::total_cmp);
    let overhead = timer.get(timer.len() / 2).copied().unwrap_or(0.0);
    for s in &mut samples {
        for v in s.iter_mut() {
            *v = (*v - overhead).max(0.0);
        }
    }
    println!("timer overhead subtracted: {overhead:.0} ns");
    write_estimates("cold", &cases, samples);
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(50)
}

criterion_group! {
    name = benches;
    config = config();
    targets = criterion_benches
}

fn main() {
    // jsonwebtoken is built with both of its providers in this package (asymmetric.rs uses
    // `aws_lc_rs`), so it selects none: the HMAC peers run on `rust_crypto`, as they always have.
    jsonwebtoken::crypto::CryptoProvider::install_default(
        &jsonwebtoken::crypto::rust_crypto::DEFAULT_PROVIDER,
    )
    .expect("the first provider installed");
    // `BENCH_INTERLEAVED=1 cargo bench -p jwt-extended-benches --bench tokens [-- FILTER]`: the
    // interleaved runner.
    let filter = std::env::args().skip(1).find(|a| !a.starts_with("--"));
    if std::env::var_os("BENCH_INTERLEAVED").is_some() {
        interleaved(filter.as_deref());
        return;
    }
    // `BENCH_COLD=1 cargo bench -p jwt-extended-benches --bench tokens [-- FILTER]`: one call at
    // a time, caches cold.
    if std::env::var_os("BENCH_COLD").is_some() {
        cold(filter.as_deref());
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
