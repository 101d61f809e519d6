//! Asymmetric benchmarks (issue 13): jwt-core against `jsonwebtoken` 12 on the same backend
//! (its `aws_lc_rs` provider) and against the floor (the raw aws-lc-rs signature primitive over
//! the same signing input), per algorithm, with flask-jwt-extended's access-token claims.
//!
//! ```sh
//! scripts/bench.sh asymmetric                 # the interleaved table (3 processes, ~3 min)
//! BENCH_INTERLEAVED=1 cargo bench -p jwt-extended-benches --bench asymmetric [-- FILTER]
//! cargo bench -p jwt-extended-benches --bench asymmetric          # plain criterion
//! cargo bench -p jwt-extended-benches --bench asymmetric -- --test  # each case once (CI)
//! ```
//!
//! Groups (`<op>_<ALG>/<contender>`, contenders `jwt_core`, `jsonwebtoken`, `floor`):
//!
//! - `encode`: sign the given claims (`fresh, iat, jti, type, sub, nbf, csrf, exp`): jwt-core
//!   `encode` with a `Key` made once from the private DER; jsonwebtoken `encode` with an
//!   `EncodingKey::from_rsa_der`/`from_ec_der`/`from_ed_der` of the same DER; the floor
//!   `RsaKeyPair::sign` / `EcdsaKeyPair::sign` / `Ed25519KeyPair::sign` of the signing input
//!   (`header.payload`) alone;
//! - `decode`: verify and validate one token (jwt-core's; both libraries accept both): jwt-core
//!   `decode` with a verify-only `Key` from the SubjectPublicKeyInfo DER, `Validation::new(alg)`
//!   with leeway 0 (`exp`, `nbf`, `iat` checked) plus `type == "access"`; jsonwebtoken `decode`
//!   into a struct with `DecodingKey::from_rsa_components` (n, e, as a JWKS gives them) /
//!   `from_ec_der` (the uncompressed point, what its PEM reader yields) / `from_ed_der` (the 32
//!   bytes), `validate_nbf`, leeway 0, `exp, nbf, sub` required, plus the same type check; the
//!   floor `ParsedPublicKey::verify_sig` of the signing input and raw signature alone.
//!
//! Algorithms: RS256/384/512 and PS256/384/512 on one RSA-2048 key, ES256, ES384, EdDSA;
//! ES512 against the floor only (jsonwebtoken has no ES512); `RS256_4096` on an RSA-4096 key
//! (reported, no bound). Each key is generated once per run with aws-lc-rs (a filtered run
//! makes only the keys it needs) and the same DER is given to both libraries. Before timing,
//! every decoder is checked to accept every encoder's token (and the floor's signature), and
//! to refuse a changed signature.

use std::cell::OnceCell;
use std::hint::black_box;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::{
    self as sig, EcdsaKeyPair, Ed25519KeyPair, KeyPair, ParsedPublicKey, RsaKeyPair,
    VerificationAlgorithm,
};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use criterion::{criterion_group, Criterion};
use jwt_core::{Algorithm, DerFormat};
use jwt_extended_benches::{case, env, interleave, median, Case};
use serde::{Deserialize, Serialize};

/// The flask-jwt-extended access-token layout, in its order (as in tokens.rs).
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

const LIFETIME: i64 = 86_400;

fn given_claims() -> FlaskClaims {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
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

// ---------------------------------------------------------------------------------------------
// Key material, generated once per run.

/// One key pair as both libraries take it.
struct Material {
    /// PKCS#1 `RSAPrivateKey` for RSA, PKCS#8 v1 for EC and Ed25519: what jsonwebtoken's
    /// `EncodingKey::from_*_der` take; jwt-core gets the same bytes.
    private_der: Vec<u8>,
    private_format: DerFormat,
    /// SubjectPublicKeyInfo, for jwt-core's verify-only key and the floor.
    spki: Vec<u8>,
    /// RSA: `n` and `e`, base64url; EC: the uncompressed point; Ed25519: the 32 bytes.
    peer_public: PeerPublic,
    floor: FloorSigner,
}

enum PeerPublic {
    Rsa { n: String, e: String },
    Ec(Vec<u8>),
    Ed(Vec<u8>),
}

enum FloorSigner {
    Rsa(RsaKeyPair),
    Ec(EcdsaKeyPair),
    Ed(Ed25519KeyPair),
}

/// The value of a DER TLV at the start of `der`, and what follows it.
fn der_tlv(der: &[u8]) -> (u8, &[u8], &[u8]) {
    let tag = der[0];
    let (len, at) = match der[1] {
        l if l < 0x80 => (l as usize, 2),
        0x81 => (der[2] as usize, 3),
        0x82 => ((der[2] as usize) << 8 | der[3] as usize, 4),
        other => panic!("DER length form {other:#x} not expected here"),
    };
    (tag, &der[at..at + len], &der[at + len..])
}

/// The PKCS#1 `RSAPrivateKey` inside a PKCS#8 `PrivateKeyInfo`
/// (SEQUENCE { INTEGER version, AlgorithmIdentifier, OCTET STRING privateKey }).
fn pkcs1_of_pkcs8(pkcs8: &[u8]) -> Vec<u8> {
    let (tag, body, _) = der_tlv(pkcs8);
    assert_eq!(tag, 0x30);
    let (tag, _, rest) = der_tlv(body);
    assert_eq!(tag, 0x02, "version");
    let (tag, _, rest) = der_tlv(rest);
    assert_eq!(tag, 0x30, "algorithm");
    let (tag, key, _) = der_tlv(rest);
    assert_eq!(tag, 0x04, "privateKey");
    key.to_vec()
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

impl Material {
    fn rsa(size: KeySize) -> Self {
        let pair = RsaKeyPair::generate(size).expect("RSA key");
        let pkcs8 = pair.as_der().expect("PKCS#8");
        let pkcs1 = pkcs1_of_pkcs8(pkcs8.as_ref());
        // The PKCS#1 form is a different encoding of the same key: check it reads back.
        let pair = RsaKeyPair::from_der(&pkcs1).expect("PKCS#1 reads back");
        let public = pair.public_key();
        let spki = public.as_der().expect("SPKI").as_ref().to_vec();
        let n = b64(public.modulus().big_endian_without_leading_zero());
        let e = b64(public.exponent().big_endian_without_leading_zero());
        Material {
            private_der: pkcs1,
            private_format: DerFormat::Pkcs1,
            spki,
            peer_public: PeerPublic::Rsa { n, e },
            floor: FloorSigner::Rsa(pair),
        }
    }

    fn ec(signing: &'static sig::EcdsaSigningAlgorithm) -> Self {
        let generated = EcdsaKeyPair::generate(signing).expect("EC key");
        let pkcs8 = generated.to_pkcs8v1().expect("PKCS#8").as_ref().to_vec();
        let pair = EcdsaKeyPair::from_pkcs8(signing, &pkcs8).expect("PKCS#8 reads back");
        let point = pair.public_key().as_ref().to_vec();
        let spki = pair.public_key().as_der().expect("SPKI").as_ref().to_vec();
        Material {
            private_der: pkcs8,
            private_format: DerFormat::Pkcs8,
            spki,
            peer_public: PeerPublic::Ec(point),
            floor: FloorSigner::Ec(pair),
        }
    }

    fn ed25519() -> Self {
        let generated = Ed25519KeyPair::generate().expect("Ed25519 key");
        // v1: what `openssl genpkey -algorithm ED25519` writes.
        let pkcs8 = generated.to_pkcs8v1().expect("PKCS#8").as_ref().to_vec();
        let pair = Ed25519KeyPair::from_pkcs8(&pkcs8).expect("PKCS#8 reads back");
        let raw = pair.public_key().as_ref().to_vec();
        let spki = pair.public_key().as_der().expect("SPKI").as_ref().to_vec();
        Material {
            private_der: pkcs8,
            private_format: DerFormat::Pkcs8,
            spki,
            peer_public: PeerPublic::Ed(raw),
            floor: FloorSigner::Ed(pair),
        }
    }
}

/// Every key of a run, each generated when first needed (a filtered run makes only its own);
/// one RSA-2048 key serves the six RS/PS algorithms.
#[derive(Default)]
struct Keys {
    rsa2048: OnceCell<Material>,
    rsa4096: OnceCell<Material>,
    p256: OnceCell<Material>,
    p384: OnceCell<Material>,
    p521: OnceCell<Material>,
    ed25519: OnceCell<Material>,
}

impl Keys {
    /// The key material for the fixture `name` (`RS256`, ..., `RS256_4096`).
    fn for_fixture(&self, name: &str) -> &Material {
        match name {
            "RS256_4096" => self.rsa4096.get_or_init(|| Material::rsa(KeySize::Rsa4096)),
            "ES256" => self
                .p256
                .get_or_init(|| Material::ec(&sig::ECDSA_P256_SHA256_FIXED_SIGNING)),
            "ES384" => self
                .p384
                .get_or_init(|| Material::ec(&sig::ECDSA_P384_SHA384_FIXED_SIGNING)),
            "ES512" => self
                .p521
                .get_or_init(|| Material::ec(&sig::ECDSA_P521_SHA512_FIXED_SIGNING)),
            "EdDSA" => self.ed25519.get_or_init(Material::ed25519),
            _ => self.rsa2048.get_or_init(|| Material::rsa(KeySize::Rsa2048)),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The contenders, per algorithm.

struct Peer {
    header: jsonwebtoken::Header,
    enc: jsonwebtoken::EncodingKey,
    dec: jsonwebtoken::DecodingKey,
    validation: jsonwebtoken::Validation,
}

struct Contenders<'k> {
    /// `RS256`, ..., `RS256_4096`.
    name: String,
    alg: Algorithm,
    claims: FlaskClaims,
    // jwt-core
    header: jwt_core::Header,
    key: jwt_core::Key,
    public: jwt_core::Key,
    validation: jwt_core::Validation,
    // jsonwebtoken (none for ES512)
    peer: Option<Peer>,
    // floor
    material: &'k Material,
    verifier: ParsedPublicKey,
}

fn peer_alg(alg: Algorithm) -> Option<jsonwebtoken::Algorithm> {
    use jsonwebtoken::Algorithm as J;
    Some(match alg {
        Algorithm::RS256 => J::RS256,
        Algorithm::RS384 => J::RS384,
        Algorithm::RS512 => J::RS512,
        Algorithm::PS256 => J::PS256,
        Algorithm::PS384 => J::PS384,
        Algorithm::PS512 => J::PS512,
        Algorithm::ES256 => J::ES256,
        Algorithm::ES384 => J::ES384,
        Algorithm::EdDSA => J::EdDSA,
        _ => return None,
    })
}

fn verification(alg: Algorithm) -> &'static dyn VerificationAlgorithm {
    match alg {
        Algorithm::RS256 => &sig::RSA_PKCS1_2048_8192_SHA256,
        Algorithm::RS384 => &sig::RSA_PKCS1_2048_8192_SHA384,
        Algorithm::RS512 => &sig::RSA_PKCS1_2048_8192_SHA512,
        Algorithm::PS256 => &sig::RSA_PSS_2048_8192_SHA256,
        Algorithm::PS384 => &sig::RSA_PSS_2048_8192_SHA384,
        Algorithm::PS512 => &sig::RSA_PSS_2048_8192_SHA512,
        Algorithm::ES256 => &sig::ECDSA_P256_SHA256_FIXED,
        Algorithm::ES384 => &sig::ECDSA_P384_SHA384_FIXED,
        Algorithm::ES512 => &sig::ECDSA_P521_SHA512_FIXED,
        Algorithm::EdDSA => &sig::ED25519,
        other => panic!("{other} is not asymmetric"),
    }
}

fn rsa_encoding(alg: Algorithm) -> &'static dyn sig::RsaEncoding {
    match alg {
        Algorithm::RS256 => &sig::RSA_PKCS1_SHA256,
        Algorithm::RS384 => &sig::RSA_PKCS1_SHA384,
        Algorithm::RS512 => &sig::RSA_PKCS1_SHA512,
        Algorithm::PS256 => &sig::RSA_PSS_SHA256,
        Algorithm::PS384 => &sig::RSA_PSS_SHA384,
        Algorithm::PS512 => &sig::RSA_PSS_SHA512,
        other => panic!("{other} is not RSA"),
    }
}

impl<'k> Contenders<'k> {
    fn new(name: &str, alg: Algorithm, material: &'k Material) -> Self {
        let key =
            jwt_core::Key::private_der(&[alg], material.private_format, &material.private_der)
                .expect("jwt-core takes the private DER");
        let public = jwt_core::Key::public_der(&[alg], DerFormat::Spki, &material.spki)
            .expect("jwt-core takes the SPKI");
        let mut validation = jwt_core::Validation::new(alg);
        validation.leeway = 0;
        let peer = peer_alg(alg).map(|jalg| {
            let (enc, dec) = match &material.peer_public {
                PeerPublic::Rsa { n, e } => (
                    jsonwebtoken::EncodingKey::from_rsa_der(&material.private_der),
                    jsonwebtoken::DecodingKey::from_rsa_components(n, e).expect("n, e"),
                ),
                PeerPublic::Ec(point) => (
                    jsonwebtoken::EncodingKey::from_ec_der(&material.private_der),
                    jsonwebtoken::DecodingKey::from_ec_der(point),
                ),
                PeerPublic::Ed(raw) => (
                    jsonwebtoken::EncodingKey::from_ed_der(&material.private_der),
                    jsonwebtoken::DecodingKey::from_ed_der(raw),
                ),
            };
            let mut validation = jsonwebtoken::Validation::new(jalg);
            validation.validate_nbf = true;
            validation.leeway = 0;
            validation.set_required_spec_claims(&["exp", "nbf", "sub"]);
            Peer {
                header: jsonwebtoken::Header::new(jalg),
                enc,
                dec,
                validation,
            }
        });
        Contenders {
            name: name.to_owned(),
            alg,
            claims: given_claims(),
            header: jwt_core::Header::new(alg),
            key,
            public,
            validation,
            peer,
            material,
            verifier: ParsedPublicKey::new(verification(alg), &material.spki).expect("SPKI"),
        }
    }

    // The operations, exactly as timed (out of line, so that a profile or an instruction
    // count of the binary names each: `BENCH_CHILD=1 BENCH_ROUNDS=50 BENCH_BATCH_US=1` runs
    // each matching case exactly 50 times more than `BENCH_ROUNDS=0`).

    #[inline(never)]
    fn ours_encode(&self) -> String {
        jwt_core::encode(&self.header, &self.claims, &self.key).expect("encode")
    }

    #[inline(never)]
    fn ours_decode(&self, token: &str) -> Option<jwt_core::TokenData<jwt_core::Claims>> {
        jwt_core::decode(token, &self.public, &self.validation)
            .ok()
            .filter(|d| d.claims.token_type() == "access")
    }

    #[inline(never)]
    fn jwt_encode(&self, peer: &Peer) -> String {
        jsonwebtoken::encode(&peer.header, &self.claims, &peer.enc).expect("jsonwebtoken signs")
    }

    #[inline(never)]
    fn jwt_decode(&self, peer: &Peer, token: &str) -> Option<FlaskClaims> {
        jsonwebtoken::decode::<FlaskClaims>(token, &peer.dec, &peer.validation)
            .ok()
            .map(|d| d.claims)
            .filter(|c| c.token_type == "access")
    }

    /// The floor's signature of `input` (into `out`, which is long enough for RSA-4096);
    /// its length.
    #[inline(never)]
    fn floor_sign(&self, input: &[u8], out: &mut [u8; 512]) -> usize {
        match &self.material.floor {
            FloorSigner::Rsa(pair) => {
                let out = &mut out[..pair.public_modulus_len()];
                pair.sign(rsa_encoding(self.alg), &SystemRandom::new(), input, out)
                    .expect("RSA signs");
                out.len()
            }
            FloorSigner::Ec(pair) => {
                let s = pair.sign(&SystemRandom::new(), input).expect("ECDSA signs");
                out[..s.as_ref().len()].copy_from_slice(s.as_ref());
                s.as_ref().len()
            }
            FloorSigner::Ed(pair) => {
                let s = pair.sign(input);
                out[..64].copy_from_slice(s.as_ref());
                64
            }
        }
    }

    #[inline(never)]
    fn floor_verify(&self, input: &[u8], signature: &[u8]) -> bool {
        self.verifier.verify_sig(input, signature).is_ok()
    }

    /// Every decoder accepts every encoder's token for the same claims and refuses a changed
    /// signature: the libraries read the same key material the same way.
    fn cross_check(&self) {
        let mut tokens = vec![("jwt_core", self.ours_encode())];
        if let Some(peer) = &self.peer {
            tokens.push(("jsonwebtoken", self.jwt_encode(peer)));
        }
        // The floor signs jwt-core's signing input.
        let (input, _) = split(&tokens[0].1);
        let mut out = [0u8; 512];
        let len = self.floor_sign(input, &mut out);
        let floor_token = format!(
            "{}.{}",
            std::str::from_utf8(input).expect("ascii"),
            b64(&out[..len])
        );
        tokens.push(("floor", floor_token));
        let payload = |t: &str| t.split('.').nth(1).map(str::to_owned);
        for (who, token) in &tokens {
            assert_eq!(
                payload(token),
                payload(&tokens[0].1),
                "{}: {who}'s payload differs",
                self.name
            );
            let ours = self
                .ours_decode(token)
                .unwrap_or_else(|| panic!("{}: jwt-core refuses {who}'s token", self.name));
            let back: FlaskClaims = ours.claims.deserialize().expect("claims convert");
            assert_eq!(back, self.claims, "{}: jwt-core reads {who}", self.name);
            // The private key verifies too.
            assert!(jwt_core::decode(token, &self.key, &self.validation).is_ok());
            if let Some(peer) = &self.peer {
                assert_eq!(
                    self.jwt_decode(peer, token).as_ref(),
                    Some(&self.claims),
                    "{}: jsonwebtoken refuses {who}'s token",
                    self.name
                );
            }
            let (input, signature) = split(token);
            assert!(
                self.floor_verify(input, &signature),
                "{}: the floor refuses {who}'s signature",
                self.name
            );
            // A changed signature is refused by all.
            let mut bad = signature.clone();
            bad[0] ^= 1;
            let bad = format!(
                "{}.{}",
                std::str::from_utf8(input).expect("ascii"),
                b64(&bad)
            );
            assert!(self.ours_decode(&bad).is_none(), "{}: {who}", self.name);
            if let Some(peer) = &self.peer {
                assert!(
                    self.jwt_decode(peer, &bad).is_none(),
                    "{}: {who}",
                    self.name
                );
            }
            let (input, signature) = split(&bad);
            assert!(
                !self.floor_verify(input, &signature),
                "{}: {who}",
                self.name
            );
        }
    }
}

/// A token's signing input (`header.payload`) and its decoded signature.
fn split(token: &str) -> (&[u8], Vec<u8>) {
    let dot = token.rfind('.').expect("three segments");
    let signature = URL_SAFE_NO_PAD
        .decode(&token[dot + 1..])
        .expect("base64url signature");
    (&token.as_bytes()[..dot], signature)
}

// ---------------------------------------------------------------------------------------------

/// Everything timed for one algorithm. Each closure does the whole operation, result dropped.
struct Fixture<'k> {
    k: Contenders<'k>,
    /// jwt-core's token, decoded by every decoder.
    token: String,
    input: Vec<u8>,
    signature: Vec<u8>,
}

impl<'k> Fixture<'k> {
    fn new(name: &str, alg: Algorithm, material: &'k Material) -> Self {
        let k = Contenders::new(name, alg, material);
        k.cross_check();
        let token = k.ours_encode();
        let (input, signature) = split(&token);
        let input = input.to_vec();
        Fixture {
            k,
            token,
            input,
            signature,
        }
    }

    fn cases(&self) -> Vec<Case<'_>> {
        let Fixture {
            k,
            token,
            input,
            signature,
        } = self;
        let (encode, decode) = (format!("encode_{}", k.name), format!("decode_{}", k.name));
        let mut cases = vec![case(&encode, "jwt_core", move || {
            drop(black_box(k.ours_encode()))
        })];
        if let Some(peer) = &k.peer {
            cases.push(case(&encode, "jsonwebtoken", move || {
                drop(black_box(k.jwt_encode(peer)))
            }));
        }
        cases.push(case(&encode, "floor", move || {
            let mut out = [0u8; 512];
            black_box(k.floor_sign(black_box(input), &mut out));
            black_box(&out);
        }));
        cases.push(case(&decode, "jwt_core", move || {
            assert!(black_box(k.ours_decode(black_box(token))).is_some())
        }));
        if let Some(peer) = &k.peer {
            cases.push(case(&decode, "jsonwebtoken", move || {
                assert!(black_box(k.jwt_decode(peer, black_box(token))).is_some())
            }));
        }
        cases.push(case(&decode, "floor", move || {
            assert!(k.floor_verify(black_box(input), black_box(signature)))
        }));
        cases
    }
}

/// The algorithms in table order, those with a case matching `filter` (`<op>_<name>/<contender>`).
fn fixtures<'k>(keys: &'k Keys, filter: Option<&str>) -> Vec<Fixture<'k>> {
    [
        ("RS256", Algorithm::RS256),
        ("RS384", Algorithm::RS384),
        ("RS512", Algorithm::RS512),
        ("PS256", Algorithm::PS256),
        ("PS384", Algorithm::PS384),
        ("PS512", Algorithm::PS512),
        ("ES256", Algorithm::ES256),
        ("ES384", Algorithm::ES384),
        ("ES512", Algorithm::ES512),
        ("EdDSA", Algorithm::EdDSA),
        ("RS256_4096", Algorithm::RS256),
    ]
    .into_iter()
    .filter(|(name, _)| {
        filter.is_none_or(|f| {
            ["encode", "decode"].iter().any(|op| {
                ["jwt_core", "jsonwebtoken", "floor"]
                    .iter()
                    .any(|who| format!("{op}_{name}/{who}").contains(f))
            })
        })
    })
    .map(|(name, alg)| Fixture::new(name, alg, keys.for_fixture(name)))
    .collect()
}

fn criterion_benches(c: &mut Criterion) {
    let keys = Keys::default();
    let fixtures = fixtures(&keys, None);
    let cases: Vec<Case<'_>> = fixtures.iter().flat_map(Fixture::cases).collect();
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

// ---------------------------------------------------------------------------------------------
// The interleaved runner and its table.

/// One process of the interleaved runner (as in tokens.rs): round after round, each case runs
/// one batch of about `BENCH_BATCH_US` (default 2000) microseconds (at least one call: an
/// RSA-4096 signature takes longer), for `BENCH_ROUNDS` (default 300) rounds, starting one case
/// later each round, so every case meets the same background load. Prints one line per case:
/// `group name median-ns/op`.
fn interleaved_process(filter: Option<&str>) {
    let rounds = env("BENCH_ROUNDS", 300) as usize;
    let batch = Duration::from_micros(env("BENCH_BATCH_US", 2000));
    let keys = Keys::default();
    let fixtures = fixtures(&keys, filter);
    let mut cases: Vec<Case<'_>> = fixtures.iter().flat_map(Fixture::cases).collect();
    cases.retain(|c| filter.is_none_or(|f| format!("{}/{}", c.group, c.name).contains(f)));

    let samples = interleave(&cases, rounds, batch);
    for (case, mut s) in cases.iter().zip(samples) {
        s.sort_by(f64::total_cmp);
        println!("{} {} {:.1}", case.group, case.name, s[s.len() / 2]);
    }
}

/// The interleaved runner: `BENCH_PROCESSES` (default 3) processes of this binary, one after
/// the other, each running every case interleaved; the table takes, per case, the median over
/// the processes of each process's median, and judges each ratio within the run. Ratios in
/// brackets: the lowest and highest of the processes' own ratios.
fn interleaved() {
    let processes = env("BENCH_PROCESSES", 3).max(1) as usize;
    let markdown = std::env::var_os("BENCH_MARKDOWN").is_some();
    let load = || {
        std::fs::read_to_string("/proc/loadavg")
            .map(|l| l.split(' ').take(3).collect::<Vec<_>>().join(" "))
            .unwrap_or_default()
    };
    let load_before = load();
    let started = SystemTime::now();
    // (group, name) -> one median per process
    let mut runs: Vec<std::collections::BTreeMap<(String, String), f64>> = Vec::new();
    for p in 0..processes {
        let out = std::process::Command::new(std::env::current_exe().expect("this binary"))
            .args(std::env::args().skip(1))
            .env("BENCH_CHILD", "1")
            .output()
            .expect("a process of the runner");
        assert!(
            out.status.success(),
            "process {p} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut run = std::collections::BTreeMap::new();
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            let parts: Vec<&str> = line.split_whitespace().collect();
            if let [group, name, ns] = parts[..] {
                if let Ok(ns) = ns.parse::<f64>() {
                    run.insert((group.to_owned(), name.to_owned()), ns);
                }
            }
        }
        eprintln!("process {} of {processes} done (load {})", p + 1, load());
        runs.push(run);
    }
    let took = started.elapsed().unwrap_or_default().as_secs();
    let get = |run: &std::collections::BTreeMap<(String, String), f64>, g: &str, n: &str| {
        run.get(&(g.to_owned(), n.to_owned())).copied()
    };
    let med = |g: &str, n: &str| -> Option<f64> {
        let mut v: Vec<f64> = runs.iter().filter_map(|r| get(r, g, n)).collect();
        (!v.is_empty()).then(|| median(&mut v))
    };
    // The ratio of two contenders: of the medians, and the range of the processes' own.
    let ratio = |g: &str, a: &str, b: &str| -> Option<(f64, f64, f64)> {
        let whole = med(g, a)? / med(g, b)?;
        let own: Vec<f64> = runs
            .iter()
            .filter_map(|r| Some(get(r, g, a)? / get(r, g, b)?))
            .collect();
        let lo = own.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = own.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        Some((whole, lo, hi))
    };
    let us = |ns: Option<f64>| match ns {
        Some(ns) if ns >= 100_000.0 => format!("{:.0}", ns / 1000.0),
        Some(ns) => format!("{:.1}", ns / 1000.0),
        None => "—".into(),
    };
    let fmt_ratio = |r: Option<(f64, f64, f64)>| match r {
        Some((r, lo, hi)) if runs.len() > 1 => format!("{r:.2}× ({lo:.2}–{hi:.2})"),
        Some((r, _, _)) => format!("{r:.2}×"),
        None => "—".into(),
    };

    let mut groups: Vec<String> = Vec::new();
    for run in &runs {
        for (g, _) in run.keys() {
            if !groups.contains(g) {
                groups.push(g.clone());
            }
        }
    }
    // Table order: the algorithm, then encode before decode.
    let order = [
        "RS256",
        "RS384",
        "RS512",
        "PS256",
        "PS384",
        "PS512",
        "ES256",
        "ES384",
        "ES512",
        "EdDSA",
        "RS256_4096",
    ];
    let mut rows: Vec<(&str, &str)> = Vec::new();
    for alg in order {
        for op in ["encode", "decode"] {
            if groups.iter().any(|g| *g == format!("{op}_{alg}")) {
                rows.push((alg, op));
            }
        }
    }
    let header = [
        "alg",
        "op",
        "jwt-core µs",
        "jsonwebtoken µs",
        "floor µs",
        "jwt-core / jsonwebtoken",
        "bound",
        "held",
        "jwt-core / floor",
    ];
    let mut table: Vec<Vec<String>> = Vec::new();
    for (alg, op) in rows {
        let g = format!("{op}_{alg}");
        let vs_peer = ratio(&g, "jwt_core", "jsonwebtoken");
        let (bound, held) = match (alg, vs_peer) {
            ("RS256_4096", _) | (_, None) => ("report", "—".to_owned()),
            (_, Some((r, _, _))) => ("≤ 1.0×", if r <= 1.0 { "yes" } else { "no" }.to_owned()),
        };
        table.push(vec![
            alg.replace("RS256_4096", "RS256 (4096)"),
            if op == "encode" {
                "sign"
            } else {
                "verify+validate"
            }
            .to_owned(),
            us(med(&g, "jwt_core")),
            us(med(&g, "jsonwebtoken")),
            us(med(&g, "floor")),
            fmt_ratio(vs_peer),
            bound.to_owned(),
            held,
            fmt_ratio(ratio(&g, "jwt_core", "floor")),
        ]);
    }
    println!(
        "interleaved, {} process(es), {took} s; load before {load_before}, after {}",
        runs.len(),
        load()
    );
    if markdown {
        println!("| {} |", header.join(" | "));
        println!("|---|---|---:|---:|---:|---:|---|---|---:|");
        for row in &table {
            println!("| {} |", row.join(" | "));
        }
    } else {
        let widths: Vec<usize> = (0..header.len())
            .map(|i| {
                table
                    .iter()
                    .map(|r| r[i].chars().count())
                    .chain([header[i].chars().count()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let line = |cells: Vec<String>| {
            let padded: Vec<String> = cells
                .iter()
                .zip(&widths)
                .map(|(c, w)| format!("{c}{}", " ".repeat(w - c.chars().count())))
                .collect();
            println!("{}", padded.join("  ").trim_end());
        };
        line(header.iter().map(|h| h.to_string()).collect());
        for row in table {
            line(row);
        }
    }
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(20)
}

criterion_group! {
    name = benches;
    config = config();
    targets = criterion_benches
}

fn main() {
    // This package builds jsonwebtoken with both of its providers (tokens.rs keeps
    // `rust_crypto` for HMAC): here it runs on aws-lc-rs, jwt-core's backend.
    jsonwebtoken::crypto::CryptoProvider::install_default(
        &jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER,
    )
    .expect("the first provider installed");
    let filter = std::env::args().skip(1).find(|a| !a.starts_with("--"));
    if std::env::var_os("BENCH_CHILD").is_some() {
        interleaved_process(filter.as_deref());
        return;
    }
    // `BENCH_INTERLEAVED=1 cargo bench -p jwt-extended-benches --bench asymmetric [-- FILTER]`.
    if std::env::var_os("BENCH_INTERLEAVED").is_some() {
        interleaved();
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
