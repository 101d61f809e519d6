//! Writes the seed corpora into `fuzz/corpus/<target>/`: tokens valid at the targets' fixed
//! clock (made with `jwt_core::encode` and the jwt-http manager), every `token` of
//! `jwt-core/tests/fixtures/vectors.json`, and requests carrying them for the HTTP targets.
//!
//! Usage: `gen_corpus [FUZZ_DIR]` (default: the directory of this crate).

use std::fs;
use std::path::{Path, PathBuf};

use jwt_core::{encode, Algorithm, Header};
use jwt_extended_fuzz::{key32, key64, seed_tokens, NOW};
use serde_json::{json, Value};

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    if let Err(e) = fs::write(dir.join(name), bytes) {
        eprintln!("gen_corpus: cannot write {}: {e}", dir.join(name).display());
        std::process::exit(1);
    }
}

fn main() {
    let fuzz_dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    let vectors_path = fuzz_dir.join("../jwt-core/tests/fixtures/vectors.json");
    let vectors: Value = fs::read(&vectors_path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_else(|| {
            eprintln!("gen_corpus: cannot read {}", vectors_path.display());
            std::process::exit(1);
        });
    let mut vector_tokens: Vec<String> = vectors["vectors"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v["token"].as_str().map(str::to_owned))
        .collect();
    vector_tokens.sort();
    vector_tokens.dedup();

    // Tokens valid under the targets' keys at NOW.
    let mut core_tokens = Vec::new();
    let claims = [
        json!({"sub": "alice", "iat": NOW, "nbf": NOW, "exp": NOW + 900}),
        json!({"sub": "bob", "exp": 4_102_444_800u64, "aud": ["api"], "fresh": 1.7e9}),
        json!({"sub": 7, "iat": NOW as f64 + 0.5, "jti": "x", "nested": {"a": [1, 2.5, null]}}),
        json!({"name": "j\u{fc}rgen \u{2603} \u{1f600}", "exp": 1e300}),
        json!({}),
    ];
    for c in &claims {
        core_tokens.push(encode(&Header::new(Algorithm::HS256), c, key32()).expect("encode"));
        for alg in Algorithm::HMAC {
            let mut header = Header::new(alg);
            header.insert("kid", "k1").expect("kid");
            core_tokens.push(encode(&header, c, key64()).expect("encode"));
        }
    }
    let http_tokens = seed_tokens();

    let corpus = fuzz_dir.join("corpus");
    let dir = |target: &str| {
        let d = corpus.join(target);
        if let Err(e) = fs::create_dir_all(&d) {
            eprintln!("gen_corpus: cannot create {}: {e}", d.display());
            std::process::exit(1);
        }
        d
    };

    let decode = dir("decode");
    let all_tokens = core_tokens
        .iter()
        .chain(&vector_tokens)
        .chain(http_tokens.iter().map(|(t, _)| t));
    for (i, t) in all_tokens.clone().enumerate() {
        write(&decode, &format!("seed-{i:03}"), t.as_bytes());
    }

    // roundtrip_mutation takes structured input: a few arbitrary byte strings are seeds enough.
    let roundtrip = dir("roundtrip_mutation");
    for (i, t) in core_tokens.iter().take(8).enumerate() {
        write(&roundtrip, &format!("seed-{i:03}"), t.as_bytes());
    }

    let header = dir("authorization_header");
    let cookie = dir("cookie_header");
    let query = dir("query_string");
    let body = dir("json_body");
    for (i, (t, csrf)) in http_tokens.iter().enumerate() {
        let tb = t.as_bytes();
        let cat = |parts: &[&[u8]]| parts.concat();
        write(
            &header,
            &format!("seed-{i:03}-bearer"),
            &cat(&[b"\x00Bearer ", tb]),
        );
        write(&header, &format!("seed-{i:03}-bare"), &cat(&[b"\x01", tb]));
        write(
            &header,
            &format!("seed-{i:03}-jwt"),
            &cat(&[b"\x02Basic abc, JWT ", tb]),
        );
        write(
            &header,
            &format!("seed-{i:03}-multi"),
            &cat(&[b"\x00Basic x\nBearer ", tb]),
        );
        write(
            &header,
            &format!("seed-{i:03}-fuzzed"),
            &cat(&[b"\x03\x05Token  Token ", tb, b" ,"]),
        );
        write(
            &header,
            &format!("seed-{i:03}-fresh"),
            &cat(&[b"\x10Bearer ", tb]),
        );
        write(
            &header,
            &format!("seed-{i:03}-refresh"),
            &cat(&[b"\x08Bearer ", tb]),
        );

        let cs = csrf.as_bytes();
        write(
            &cookie,
            &format!("seed-{i:03}-get"),
            &cat(&[b"\x00a=1; access_token_cookie=", tb, b"; b=2"]),
        );
        write(
            &cookie,
            &format!("seed-{i:03}-post"),
            &cat(&[b"\x03access_token_cookie=\"", tb, b"\"\n", cs]),
        );
        write(
            &cookie,
            &format!("seed-{i:03}-refresh"),
            &cat(&[b"\x09refresh_token_cookie=", tb, b"\n", cs]),
        );
        write(
            &cookie,
            &format!("seed-{i:03}-multi"),
            &cat(&[
                b"\x02x=y\nrefresh_token_cookie=1; access_token_cookie=",
                tb,
                b"\n",
                cs,
            ]),
        );

        write(
            &query,
            &format!("seed-{i:03}"),
            &cat(&[b"\x00a=1&jwt=", tb, b"&jwt=x"]),
        );
        write(
            &query,
            &format!("seed-{i:03}-prefix"),
            &cat(&[b"\x01jwt=Bearer+", tb]),
        );
        write(
            &query,
            &format!("seed-{i:03}-escaped"),
            &cat(&[
                b"\x00j%77t=",
                &tb.iter()
                    .flat_map(|b| format!("%{b:02x}").into_bytes())
                    .collect::<Vec<u8>>(),
            ]),
        );

        let j = |k: &str| format!(r#"{{"{k}": "{t}", "x": [1, {{}}]}}"#).into_bytes();
        write(
            &body,
            &format!("seed-{i:03}"),
            &cat(&[b"\x00", &j("access_token")]),
        );
        write(
            &body,
            &format!("seed-{i:03}-vnd"),
            &cat(&[b"\x03", &j("access_token")]),
        );
        write(
            &body,
            &format!("seed-{i:03}-refresh"),
            &cat(&[b"\x21", &j("refresh_token")]),
        );
        write(
            &body,
            &format!("seed-{i:03}-ct"),
            &cat(&[b"\x0f\x10application/json", &j("access_token")]),
        );
    }
    for (i, extra) in [
        &b"{\"access_token\": 0}"[..],
        b"{\"access_token\": [1]}",
        b"[1]",
        b"{\"access_token\": \"\\ud800\"}",
    ]
    .iter()
    .enumerate()
    {
        write(
            &body,
            &format!("seed-extra-{i}"),
            &[b"\x00", *extra].concat(),
        );
    }
    for (i, t) in vector_tokens.iter().enumerate() {
        write(
            &header,
            &format!("vector-{i:03}"),
            &[b"\x00Bearer ", t.as_bytes()].concat(),
        );
    }

    // JWK Sets: the RFC 7517/7515/8037 example keys, public and private, and odd members.
    let jwk_set = dir("jwk_set");
    let jwks: [&str; 6] = [
        r#"{"keys":[{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0","kid":"a3"}]}"#,
        r#"{"keys":[{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0","d":"jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI"}]}"#,
        r#"{"keys":[{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","use":"sig","alg":"EdDSA"}]}"#,
        r#"{"keys":[{"kty":"OKP","crv":"Ed25519","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}"#,
        r#"{"keys":[{"kty":"RSA","e":"AQAB","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw","kid":"2011-04-29","alg":"RS256"}]}"#,
        r#"{"keys":[{"kty":"oct","k":"AAAA"},{"kty":"EC","crv":"P-521","x":"","y":""},7]}"#,
    ];
    for (i, text) in jwks.iter().enumerate() {
        write(&jwk_set, &format!("jwks-{i}"), text.as_bytes());
    }

    let count = |d: &Path| fs::read_dir(d).map(|r| r.count()).unwrap_or(0);
    for target in [
        "decode",
        "roundtrip_mutation",
        "authorization_header",
        "cookie_header",
        "query_string",
        "json_body",
        "jwk_set",
    ] {
        println!(
            "gen_corpus: corpus/{target}: {} files",
            count(&corpus.join(target))
        );
    }
}
