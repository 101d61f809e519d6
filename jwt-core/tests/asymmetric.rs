//! Asymmetric keys (feature `asymmetric`): the RFC examples, every PEM form, JWK and
//! thumbprints, the algorithm-confusion cases, ECDSA signature shapes (CVE-2022-21449), key
//! sizes and curves, and key sets with rotation over a fixed clock.
#![cfg(feature = "asymmetric")]

mod common;

use base64::Engine as _;
use jwt_core::{
    decode, decode_with, decode_with_at, encode, encode_with, verify_jws, Algorithm, DerFormat,
    Error, FixedClock, Header, Jwk, JwkSet, Key, KeyError, KeySet, KeySetError, MissingKid,
    UnixTime, Validation,
};
use serde_json::json;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

fn pem(name: &str) -> String {
    let path = format!("{}/tests/fixtures/keys/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn lenient(alg: Algorithm) -> Validation {
    Validation::new(alg)
}

// ---------------------------------------------------------------------------------------------
// RFC examples (docs/design/keys.md §4, each re-verified with Python `cryptography`)
// ---------------------------------------------------------------------------------------------

const RFC7515_PAYLOAD: &str = "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ";

const A2_JWK: &str = r#"{"kty":"RSA",
 "n":"ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ",
 "e":"AQAB",
 "d":"Eq5xpGnNCivDflJsRQBXHx1hdR1k6Ulwe2JZD50LpXyWPEAeP88vLNO97IjlA7_GQ5sLKMgvfTeXZx9SE-7YwVol2NXOoAJe46sui395IW_GO-pWJ1O0BkTGoVEn2bKVRUCgu-GjBVaYLU6f3l9kJfFNS3E0QbVdxzubSu3Mkqzjkn439X0M_V51gfpRLI9JYanrC4D4qAdGcopV_0ZHHzQlBjudU2QvXt4ehNYTCBr6XCLQUShb1juUO1ZdiYoFaFQT5Tw8bGUl_x_jTj3ccPDVZFD9pIuhLhBOneufuBiB4cS98l2SR_RQyGWSeWjnczT0QU91p1DhOVRuOopznQ",
 "p":"4BzEEOtIpmVdVEZNCqS7baC4crd0pqnRH_5IB3jw3bcxGn6QLvnEtfdUdiYrqBdss1l58BQ3KhooKeQTa9AB0Hw_Py5PJdTJNPY8cQn7ouZ2KKDcmnPGBY5t7yLc1QlQ5xHdwW1VhvKn-nXqhJTBgIPgtldC-KDV5z-y2XDwGUc",
 "q":"uQPEfgmVtjL0Uyyx88GZFF1fOunH3-7cepKmtH4pxhtCoHqpWmT8YAmZxaewHgHAjLYsp1ZSe7zFYHj7C6ul7TjeLQeZD_YwD66t62wDmpe_HlB-TnBA-njbglfIsRLtXlnDzQkv5dTltRJ11BKBBypeeF6689rjcJIDEz9RWdc",
 "dp":"BwKfV3Akq5_MFZDFZCnW-wzl-CCo83WoZvnLQwCTeDv8uzluRSnm71I3QCLdhrqE2e9YkxvuxdBfpT_PI7Yz-FOKnu1R6HsJeDCjn12Sk3vmAktV2zb34MCdy7cpdTh_YVr7tss2u6vneTwrA86rZtu5Mbr1C1XsmvkxHQAdYo0",
 "dq":"h_96-mK1R_7glhsum81dZxjTnYynPbZpHziZjeeHcXYsXaaMwkOlODsWa7I9xXDoRwbKgB719rrmI2oKr6N3Do9U0ajaHF-NKJnwgjMd2w9cjz3_-kyNlxAr2v4IKhGNpmM5iIgOS1VZnOZ68m6_pbLBSp3nssTdlqvd0tIiTHU",
 "qi":"IYd7DHOhrWvxkwPQsRM2tOgrjbcrfvtQJipd-DlcxyVuuM9sQLdgjVk2oy26F0EmpScGLq2MowX7fhd_QJQ3ydy5cY7YIBi87w93IKLEdfnbJtoOPLUW0ITrJReOgo1cq9SbsxYawBgfp_gh6A5603k2-ZQwVK0JKSHuLFkuQ3U"}"#;
const A2_SIGNATURE: &str = "cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw";

const A3_JWK: &str = r#"{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0","d":"jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI"}"#;
const A3_SIGNATURE: &str =
    "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";

const A4_JWK: &str = r#"{"kty":"EC","crv":"P-521","x":"AekpBQ8ST8a8VcfVOTNl353vSrDCLLJXmPk06wTjxrrjcBpXp5EOnYG_NjFZ6OvLFV1jSfS9tsz4qUxcWceqwQGk","y":"ADSmRA43Z1DSNx_RvcLI87cdL07l6jQyyBXMoxVg_l2Th-x3S1WDhjDly79ajL4Kkd0AZMaZmh9ubmf63e3kyMj2","d":"AY5pb7A0UFiB3RELSD64fTLOSV_jazdF7fLYyuTw8lOfRhWg6Y6rUrPAxerEzgdRhajnu0ferB0d53vM9mE15j2C"}"#;
const A4_TOKEN: &str = "eyJhbGciOiJFUzUxMiJ9.UGF5bG9hZA.AdwMgeerwtHoh-l192l60hp9wAHZFVJbLfD_UxMi70cwnZOYaRI1bKPWROc-mZZqwqT2SI-KGDKB34XO0aw_7XdtAG8GaSwFKdCAPZgoXD2YBJZCPEX3xKpRwcdOO8KpEHwJjyqOgzDO7iKvU8vcnwNrmxYbSW9ERBXukOXolLzeO_Jn";

const ED_JWK: &str = r#"{"kty":"OKP","crv":"Ed25519","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#;
const ED_TOKEN: &str = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc.hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";

fn jwk(text: &str) -> Jwk {
    Jwk::from_json(text).expect("a valid JWK")
}

fn signing_input(token: &str) -> &str {
    &token[..token.rfind('.').expect("a dot")]
}

#[test]
fn rfc7515_a2_rs256_verifies_and_signing_reproduces_it() {
    let key = Key::from_jwk(&jwk(A2_JWK), &[Algorithm::RS256]).unwrap();
    let token = format!("eyJhbGciOiJSUzI1NiJ9.{RFC7515_PAYLOAD}.{A2_SIGNATURE}");
    let jws = verify_jws(&token, &key, &lenient(Algorithm::RS256)).unwrap();
    assert!(jws.payload.starts_with(b"{\"iss\":\"joe\",\r\n"));
    // PKCS#1 v1.5 is deterministic: the private key reproduces the RFC's signature.
    let signature = key
        .sign_raw(Algorithm::RS256, signing_input(&token).as_bytes())
        .unwrap();
    assert_eq!(B64.encode(signature), A2_SIGNATURE);
    // The public half verifies too, and a changed payload does not.
    let public = key.to_public().unwrap();
    assert!(verify_jws(&token, &public, &lenient(Algorithm::RS256)).is_ok());
    let tampered = token.replacen(".eyJpc3Mi", ".eyJpc3Ni", 1);
    assert_eq!(
        verify_jws(&tampered, &public, &lenient(Algorithm::RS256)).unwrap_err(),
        Error::InvalidSignature
    );
    // Its claims are expired: decode refuses after the signature verified.
    assert_eq!(
        decode(&token, &public, &lenient(Algorithm::RS256)).unwrap_err(),
        Error::Expired
    );
}

#[test]
fn rfc7515_a3_es256_verifies() {
    let key = Key::from_jwk(&jwk(A3_JWK), &[Algorithm::ES256]).unwrap();
    let token = format!("eyJhbGciOiJFUzI1NiJ9.{RFC7515_PAYLOAD}.{A3_SIGNATURE}");
    assert!(verify_jws(&token, &key, &lenient(Algorithm::ES256)).is_ok());
    let mut bad = B64.decode(A3_SIGNATURE).unwrap();
    bad[10] ^= 1;
    let token = format!(
        "eyJhbGciOiJFUzI1NiJ9.{RFC7515_PAYLOAD}.{}",
        B64.encode(&bad)
    );
    assert_eq!(
        verify_jws(&token, &key, &lenient(Algorithm::ES256)).unwrap_err(),
        Error::InvalidSignature
    );
}

#[test]
fn rfc7515_a4_es512_verifies() {
    let key = Key::from_jwk(&jwk(A4_JWK), &[Algorithm::ES512]).unwrap();
    let jws = verify_jws(A4_TOKEN, &key, &lenient(Algorithm::ES512)).unwrap();
    assert_eq!(jws.payload, b"Payload");
    let signature = B64.decode(signing_sig(A4_TOKEN)).unwrap();
    assert_eq!(signature.len(), 132);
}

fn signing_sig(token: &str) -> &str {
    &token[token.rfind('.').expect("a dot") + 1..]
}

#[test]
fn rfc8037_a4_ed25519_verifies_and_signing_reproduces_it() {
    let key = Key::from_jwk(&jwk(ED_JWK), &[Algorithm::EdDSA]).unwrap();
    let jws = verify_jws(ED_TOKEN, &key, &lenient(Algorithm::EdDSA)).unwrap();
    assert_eq!(jws.payload, b"Example of Ed25519 signing");
    let signature = key
        .sign_raw(Algorithm::EdDSA, signing_input(ED_TOKEN).as_bytes())
        .unwrap();
    assert_eq!(B64.encode(signature), signing_sig(ED_TOKEN));
}

#[test]
fn rfc7638_and_rfc8037_thumbprints() {
    let rfc7638 = r#"{"kty":"RSA","e":"AQAB","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"}"#;
    let cases = [
        (
            rfc7638,
            Algorithm::RS256,
            "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs",
        ),
        (
            A2_JWK,
            Algorithm::RS256,
            "IsUn6_e04MaShXFIISMp4kG62LWzMIPy_MvSA5pJgX8",
        ),
        (
            A3_JWK,
            Algorithm::ES256,
            "oKIywvGUpTVTyxMQ3bwIIeQUudfr_CkLMjCE19ECD-U",
        ),
        (
            ED_JWK,
            Algorithm::EdDSA,
            "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k",
        ),
    ];
    for (text, alg, expected) in cases {
        let key = Key::from_jwk(&jwk(text), &[alg]).unwrap();
        assert_eq!(key.thumbprint().as_deref(), Some(expected), "{alg}");
        // The public half has the same thumbprint.
        assert_eq!(
            key.to_public().unwrap().thumbprint().as_deref(),
            Some(expected)
        );
    }
    assert_eq!(
        Key::new(Algorithm::HS256, [7u8; 32]).unwrap().thumbprint(),
        None
    );
}

// ---------------------------------------------------------------------------------------------
// PEM and DER forms
// ---------------------------------------------------------------------------------------------

#[test]
fn every_pem_form_signs_and_verifies_across_forms() {
    let claims = json!({"sub": "alice", "exp": 4_102_444_800u64});
    let cases: &[(&[Algorithm], &[&str], &[&str])] = &[
        (
            &[Algorithm::RS256, Algorithm::PS256, Algorithm::RS512],
            &["rsa2048.pem", "rsa2048.pkcs1.pem"],
            &["rsa2048.pub.pem", "rsa2048.pkcs1.pub.pem"],
        ),
        (
            &[Algorithm::ES256],
            &["p256.pem", "p256.sec1.pem"],
            &["p256.pub.pem"],
        ),
        (&[Algorithm::ES384], &["p384.pem"], &["p384.pub.pem"]),
        (&[Algorithm::ES512], &["p521.pem"], &["p521.pub.pem"]),
        (&[Algorithm::EdDSA], &["ed25519.pem"], &["ed25519.pub.pem"]),
    ];
    for (algs, privates, publics) in cases {
        let thumb = Key::private_pem(algs, &pem(privates[0]))
            .unwrap()
            .thumbprint();
        for private in privates.iter() {
            let signer = Key::private_pem(algs, &pem(private)).unwrap();
            assert!(signer.can_sign());
            assert_eq!(signer.thumbprint(), thumb, "{private}");
            for alg in algs.iter() {
                let token = encode(&Header::new(*alg), &claims, &signer).unwrap();
                for public in publics.iter() {
                    let verifier = Key::public_pem(algs, &pem(public)).unwrap();
                    assert!(!verifier.can_sign());
                    assert_eq!(verifier.thumbprint(), thumb, "{public}");
                    let data = decode(&token, &verifier, &Validation::new(*alg))
                        .unwrap_or_else(|e| panic!("{private} → {public} {alg}: {e}"));
                    assert_eq!(data.claims.sub(), Some("alice"));
                }
            }
        }
    }
}

#[test]
fn pem_is_read_with_crlf_surrounding_space_and_other_line_widths() {
    let text = pem("p256.pem");
    let crlf = format!("\n  {}\r\n\n", text.replace('\n', "\r\n"));
    assert!(Key::private_pem(&[Algorithm::ES256], &crlf).is_ok());
    // One long base64 line, as some secret stores write it.
    let mut lines = text.lines();
    let begin = lines.next().unwrap();
    let body: Vec<&str> = lines
        .clone()
        .take_while(|l| !l.starts_with("-----END"))
        .collect();
    let end = lines.find(|l| l.starts_with("-----END")).unwrap();
    let one_line = format!("{begin}\n{}\n{end}\n", body.concat());
    assert!(Key::private_pem(&[Algorithm::ES256], &one_line).is_ok());
}

#[test]
fn der_forms_are_read() {
    let der = |name: &str| {
        let text = pem(name);
        let body: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
        base64::engine::general_purpose::STANDARD
            .decode(body)
            .unwrap()
    };
    let algs = [Algorithm::RS256];
    let signer = Key::private_der(&algs, DerFormat::Pkcs8, &der("rsa2048.pem")).unwrap();
    let pkcs1 = Key::private_der(&algs, DerFormat::Pkcs1, &der("rsa2048.pkcs1.pem")).unwrap();
    let spki = Key::public_der(&algs, DerFormat::Spki, &der("rsa2048.pub.pem")).unwrap();
    let rsa_pub = Key::public_der(&algs, DerFormat::Pkcs1, &der("rsa2048.pkcs1.pub.pem")).unwrap();
    let token = encode(&Header::new(Algorithm::RS256), &json!({"sub": "a"}), &pkcs1).unwrap();
    for key in [&signer, &spki, &rsa_pub] {
        assert!(decode(&token, key, &Validation::new(Algorithm::RS256)).is_ok());
    }
    let sec1 = Key::private_der(&[Algorithm::ES256], DerFormat::Sec1, &der("p256.sec1.pem"));
    assert!(sec1.unwrap().can_sign());
    assert!(Key::private_der(&algs, DerFormat::Spki, &der("rsa2048.pub.pem")).is_err());
    assert!(Key::public_der(&algs, DerFormat::Pkcs8, &der("rsa2048.pem")).is_err());
    assert!(Key::public_der(&algs, DerFormat::Spki, b"\x30\x03\x02\x01\x00").is_err());
}

#[test]
fn unsupported_pem_blocks_are_refused_with_a_reason() {
    let encrypted = Key::private_pem(&[Algorithm::ES256], &pem("p256.encrypted.pem")).unwrap_err();
    assert!(
        matches!(&encrypted, KeyError::InvalidPem(m) if m.contains("encrypted")),
        "{encrypted}"
    );
    let private_as_public = Key::public_pem(&[Algorithm::ES256], &pem("p256.pem")).unwrap_err();
    assert!(matches!(private_as_public, KeyError::InvalidPem(_)));
    let public_as_private =
        Key::private_pem(&[Algorithm::ES256], &pem("p256.pub.pem")).unwrap_err();
    assert!(matches!(public_as_private, KeyError::InvalidPem(_)));
    for garbage in [
        "",
        "not a pem",
        "-----BEGIN PUBLIC KEY-----\n!!!\n-----END PUBLIC KEY-----",
    ] {
        assert!(
            Key::public_pem(&[Algorithm::ES256], garbage).is_err(),
            "{garbage:?}"
        );
    }
    let mismatched = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n-----END PRIVATE KEY-----";
    assert!(Key::public_pem(&[Algorithm::EdDSA], mismatched).is_err());
}

// ---------------------------------------------------------------------------------------------
// Key sizes, curves, families
// ---------------------------------------------------------------------------------------------

#[test]
fn rsa_keys_outside_2048_to_8192_bits_are_refused() {
    let small = Key::private_pem(&[Algorithm::RS256], &pem("rsa1024.pem")).unwrap_err();
    assert!(matches!(small, KeyError::RsaKeySize { .. }), "{small}");
    let small = Key::public_pem(&[Algorithm::RS256], &pem("rsa1024.pub.pem")).unwrap_err();
    assert_eq!(small, KeyError::RsaKeySize { bits: Some(1024) });
    // 8,200 bits (over the bound), as a JWK: refused from its size before any parse.
    let mut n = vec![0xC5u8; 1025];
    n[0] = 0xFF;
    let big = jwk(&format!(
        r#"{{"kty":"RSA","n":"{}","e":"AQAB"}}"#,
        B64.encode(&n)
    ));
    assert_eq!(
        Key::from_jwk(&big, &[Algorithm::RS256]).unwrap_err(),
        KeyError::RsaKeySize { bits: Some(8200) }
    );
}

#[test]
fn rsa_public_exponents_below_3_or_even_are_refused() {
    let n = B64.encode([0xC5u8; 256]);
    for e in [&[1u8][..], &[2], &[0x01, 0x00, 0x00], &[]] {
        let text = format!(r#"{{"kty":"RSA","n":"{n}","e":"{}"}}"#, B64.encode(e));
        assert!(
            Key::from_jwk(&jwk(&text), &[Algorithm::RS256]).is_err(),
            "e = {e:?}"
        );
    }
    let text = format!(r#"{{"kty":"RSA","n":"{n}","e":"AQAB"}}"#);
    assert!(Key::from_jwk(&jwk(&text), &[Algorithm::RS256]).is_ok());
}

#[test]
fn unsupported_curves_are_refused() {
    for (private, public) in [
        ("secp256k1.pem", "secp256k1.pub.pem"),
        ("ed448.pem", "ed448.pub.pem"),
    ] {
        for alg in [Algorithm::ES256, Algorithm::EdDSA] {
            assert!(
                Key::private_pem(&[alg], &pem(private)).is_err(),
                "{private} {alg}"
            );
            assert!(
                Key::public_pem(&[alg], &pem(public)).is_err(),
                "{public} {alg}"
            );
        }
    }
}

#[test]
fn a_key_is_bound_to_its_own_family_and_curve() {
    let wrong = |result: Result<Key, KeyError>| {
        assert!(
            matches!(result, Err(KeyError::WrongKeyType { .. })),
            "{result:?}"
        )
    };
    wrong(Key::public_pem(&[Algorithm::ES256], &pem("p384.pub.pem")));
    wrong(Key::public_pem(&[Algorithm::ES384], &pem("p256.pub.pem")));
    wrong(Key::public_pem(
        &[Algorithm::ES256],
        &pem("rsa2048.pub.pem"),
    ));
    wrong(Key::public_pem(
        &[Algorithm::RS256],
        &pem("ed25519.pub.pem"),
    ));
    wrong(Key::private_pem(
        &[Algorithm::RS256, Algorithm::ES256],
        &pem("rsa2048.pem"),
    ));
    wrong(Key::private_pem(&[Algorithm::HS256], &pem("rsa2048.pem")));
    wrong(Key::private_pem(&[Algorithm::EdDSA], &pem("p256.pem")));
    wrong(Key::new(Algorithm::RS256, [7u8; 64]));
    wrong(Key::for_algorithms(
        &[Algorithm::HS256, Algorithm::ES256],
        [7u8; 64],
    ));
    let err = Key::public_pem(&[Algorithm::ES256], &pem("p384.pub.pem")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "ES256 cannot be used with this key: it is a P-384 EC key"
    );
    assert!(Key::private_pem(&[], &pem("p256.pem")).is_err());
}

// ---------------------------------------------------------------------------------------------
// Algorithm confusion
// ---------------------------------------------------------------------------------------------

/// A token signed with HS256 whose secret is `secret` (built by hand: jwt-core refuses such
/// secrets).
fn hs256_token_with_secret(secret: &[u8], claims: &serde_json::Value) -> String {
    let header = B64.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = B64.encode(serde_json::to_vec(claims).unwrap());
    let input = format!("{header}.{payload}");
    let mac = common::hmac(Algorithm::HS256, secret, input.as_bytes());
    format!("{input}.{}", B64.encode(mac))
}

#[test]
fn the_public_key_pem_as_hmac_secret_attack_fails() {
    let public_pem = pem("rsa2048.pub.pem");
    let verifier = Key::public_pem(&[Algorithm::RS256], &public_pem).unwrap();
    let claims = json!({"sub": "admin", "exp": 4_102_444_800u64});
    for secret in [public_pem.as_str(), public_pem.trim()] {
        let forged = hs256_token_with_secret(secret.as_bytes(), &claims);
        // The server allows only RS256: refused from the header.
        assert_eq!(
            decode(&forged, &verifier, &Validation::new(Algorithm::RS256)).unwrap_err(),
            Error::AlgorithmNotAllowed
        );
        // Even an allow-list that (wrongly) names HS256 too cannot make an RSA key an HMAC key.
        let mut both = Validation::new(Algorithm::RS256);
        both.algorithms.push(Algorithm::HS256);
        assert_eq!(
            decode(&forged, &verifier, &both).unwrap_err(),
            Error::AlgorithmNotAllowed
        );
        // And nobody can build the HMAC key that would verify it.
        assert_eq!(
            Key::new(Algorithm::HS256, secret).unwrap_err(),
            KeyError::AsymmetricKeyAsSecret
        );
        assert_eq!(
            Key::insecure_short_secret(&[Algorithm::HS256], secret).unwrap_err(),
            KeyError::AsymmetricKeyAsSecret
        );
    }
    // The same with the JWK text and the raw key bytes of an Ed25519 key (Wycheproof
    // "symmetry confusion": the verification key's bytes as an HMAC key).
    let ed = Key::from_jwk(&jwk(ED_JWK), &[Algorithm::EdDSA]).unwrap();
    let raw_x = B64
        .decode("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo")
        .unwrap();
    let forged = hs256_token_with_secret(&raw_x, &claims);
    let mut both = Validation::new(Algorithm::EdDSA);
    both.algorithms.push(Algorithm::HS256);
    assert_eq!(
        decode(&forged, &ed, &both).unwrap_err(),
        Error::AlgorithmNotAllowed
    );
    let jwk_text = ed.to_public_jwk().unwrap();
    let jwk_text = serde_json::to_string(&jwk_text).unwrap();
    assert_eq!(
        Key::new(Algorithm::HS256, &jwk_text).unwrap_err(),
        KeyError::AsymmetricKeyAsSecret
    );
    // However it is spaced or ordered, and a whole JWK Set too.
    let pretty = serde_json::to_string_pretty(&ed.to_public_jwk().unwrap()).unwrap();
    let mut set = KeySet::new();
    set.insert(ed.clone()).unwrap();
    let jwks = set.public_jwks().to_json();
    let reordered =
        r#"  {"crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","kty":"OKP"}"#
            .to_owned();
    for text in [&pretty, &jwks, &reordered] {
        assert_eq!(
            Key::new(Algorithm::HS256, text).unwrap_err(),
            KeyError::AsymmetricKeyAsSecret,
            "{text}"
        );
    }
    // JSON that is not a key stays a (long enough) secret.
    assert!(Key::new(
        Algorithm::HS256,
        r#"{"not":"a key","but":"a 32-byte secret"}"#
    )
    .is_ok());
    for ssh in [
        "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 user@host-padding-to-32-bytes",
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO user@host-padding",
        "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAA user@host",
    ] {
        assert_eq!(
            Key::new(Algorithm::HS256, ssh).unwrap_err(),
            KeyError::AsymmetricKeyAsSecret,
            "{ssh}"
        );
    }
}

#[test]
fn an_hmac_key_never_verifies_an_asymmetric_token_and_keys_never_cross_families() {
    let claims = json!({"sub": "a"});
    let rsa = Key::private_pem(&[Algorithm::RS256], &pem("rsa2048.pem")).unwrap();
    let p256 = Key::private_pem(&[Algorithm::ES256], &pem("p256.pem")).unwrap();
    let p384 = Key::private_pem(&[Algorithm::ES384], &pem("p384.pem")).unwrap();
    let ed = Key::private_pem(&[Algorithm::EdDSA], &pem("ed25519.pem")).unwrap();
    let hmac = Key::for_algorithms(&Algorithm::HMAC, [9u8; 64]).unwrap();
    let rs_token = encode(&Header::new(Algorithm::RS256), &claims, &rsa).unwrap();
    let es_token = encode(&Header::new(Algorithm::ES256), &claims, &p256).unwrap();
    let ed_token = encode(&Header::new(Algorithm::EdDSA), &claims, &ed).unwrap();
    let all = |alg| {
        let mut v = Validation::new(alg);
        v.algorithms = Algorithm::ALL.to_vec();
        v
    };
    // (token, key that must not verify it)
    let cases: [(&str, &Key); 8] = [
        (&rs_token, &hmac),
        (&rs_token, &p256),
        (&es_token, &p384),
        (&es_token, &hmac),
        (&es_token, &rsa),
        (&ed_token, &rsa),
        (&ed_token, &p256),
        (&ed_token, &hmac),
    ];
    for (token, key) in cases {
        assert_eq!(
            decode(token, key, &all(Algorithm::HS256)).unwrap_err(),
            Error::AlgorithmNotAllowed,
            "{key:?}"
        );
    }
    // PS256 token against a key built only for RS256 (same RSA key).
    let rs_only = Key::public_pem(&[Algorithm::RS256], &pem("rsa2048.pub.pem")).unwrap();
    let ps_signer = Key::private_pem(&[Algorithm::PS256], &pem("rsa2048.pem")).unwrap();
    let ps_token = encode(&Header::new(Algorithm::PS256), &claims, &ps_signer).unwrap();
    assert_eq!(
        decode(&ps_token, &rs_only, &all(Algorithm::PS256)).unwrap_err(),
        Error::AlgorithmNotAllowed
    );
    // An RS256 signature relabelled PS256 (and back) does not verify.
    let both = Key::public_pem(
        &[Algorithm::RS256, Algorithm::PS256],
        &pem("rsa2048.pub.pem"),
    )
    .unwrap();
    let relabelled = relabel(&rs_token, "PS256");
    assert_eq!(
        decode(&relabelled, &both, &all(Algorithm::PS256)).unwrap_err(),
        Error::InvalidSignature
    );
    // A public key cannot sign.
    assert_eq!(
        encode(&Header::new(Algorithm::RS256), &claims, &rs_only).unwrap_err(),
        Error::KeyCannotSign
    );
    // `none`, lowercase and unknown names are not algorithms.
    for alg in ["none", "None", "rs256", "ES256K", "Ed25519"] {
        let token = format!(
            "{}.{}.",
            B64.encode(format!(r#"{{"alg":"{alg}"}}"#)),
            B64.encode("{}")
        );
        assert_eq!(
            decode(&token, &rsa, &all(Algorithm::RS256)).unwrap_err(),
            Error::AlgorithmNotAllowed,
            "{alg}"
        );
    }
}

/// `token` with its header replaced by `{"alg":alg,"typ":"JWT"}`, signature kept.
fn relabel(token: &str, alg: &str) -> String {
    let mut parts = token.splitn(3, '.');
    let _ = parts.next();
    let payload = parts.next().unwrap();
    let signature = parts.next().unwrap();
    let header = B64.encode(format!(r#"{{"alg":"{alg}","typ":"JWT"}}"#));
    format!("{header}.{payload}.{signature}")
}

#[test]
fn embedded_jwk_jku_x5u_and_x5c_headers_never_supply_the_key() {
    // The attacker signs with their own key and names it in the header, every way JOSE allows.
    let attacker = Key::generate(Algorithm::ES256).unwrap();
    let server = Key::private_pem(&[Algorithm::ES256], &pem("p256.pem")).unwrap();
    let attacker_jwk = serde_json::to_value(attacker.to_public_jwk().unwrap()).unwrap();
    for (name, value) in [
        ("jwk", attacker_jwk),
        ("jku", json!("https://attacker.example/jwks.json")),
        ("x5u", json!("https://attacker.example/cert.pem")),
        ("x5c", json!(["MIIB"])),
    ] {
        let mut header = Header::new(Algorithm::ES256);
        header.insert(name, value).unwrap();
        let token = encode(&header, &json!({"sub": "admin"}), &attacker).unwrap();
        assert_eq!(
            decode(&token, &server, &Validation::new(Algorithm::ES256)).unwrap_err(),
            Error::InvalidSignature,
            "{name}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// ECDSA signature shapes
// ---------------------------------------------------------------------------------------------

/// P-256's group order n.
const P256_N: &str = "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551";

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

fn with_signature(token: &str, signature: &[u8]) -> String {
    format!("{}.{}", signing_input(token), B64.encode(signature))
}

/// DER `Ecdsa-Sig-Value` of a fixed-size R || S.
fn to_der(fixed: &[u8]) -> Vec<u8> {
    let int = |bytes: &[u8]| {
        let trimmed: Vec<u8> = bytes.iter().copied().skip_while(|b| *b == 0).collect();
        let mut body = if trimmed.first().is_some_and(|b| b & 0x80 != 0) {
            vec![0]
        } else {
            vec![]
        };
        body.extend(trimmed);
        let mut out = vec![0x02, body.len() as u8];
        out.extend(body);
        out
    };
    let (r, s) = fixed.split_at(fixed.len() / 2);
    let mut seq = int(r);
    seq.extend(int(s));
    let mut out = vec![0x30, seq.len() as u8];
    out.extend(seq);
    out
}

#[test]
fn psychic_der_and_wrong_length_ecdsa_signatures_are_refused() {
    let key = Key::private_pem(&[Algorithm::ES256], &pem("p256.pem")).unwrap();
    let validation = Validation::new(Algorithm::ES256);
    let token = encode(&Header::new(Algorithm::ES256), &json!({"sub": "a"}), &key).unwrap();
    assert!(decode(&token, &key, &validation).is_ok());
    let good = B64.decode(signing_sig(&token)).unwrap();
    assert_eq!(good.len(), 64);

    let n = hex(P256_N);
    let one = {
        let mut v = vec![0u8; 32];
        v[31] = 1;
        v
    };
    let zero = vec![0u8; 32];
    let cat = |r: &[u8], s: &[u8]| [r, s].concat();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("all zero (CVE-2022-21449)", vec![0u8; 64]),
        ("r = 0, s = 1", cat(&zero, &one)),
        ("r = 1, s = 0", cat(&one, &zero)),
        ("r = n, s = n", cat(&n, &n)),
        ("r = n, s = valid", cat(&n, &good[32..])),
        ("r = valid, s = n", cat(&good[..32], &n)),
        ("63 bytes", good[..63].to_vec()),
        ("65 bytes", [good.as_slice(), &[0]].concat()),
        ("DER of the valid signature", to_der(&good)),
        ("empty", vec![]),
    ];
    for (what, signature) in cases {
        assert_eq!(
            decode(with_signature(&token, &signature), &key, &validation).unwrap_err(),
            Error::InvalidSignature,
            "{what}"
        );
    }
    // A valid P-256 signature presented as ES384 (a P-384 verifier of another key, and this
    // key, which is not for ES384).
    let as_384 = relabel(&token, "ES384");
    assert_eq!(
        decode(&as_384, &key, &Validation::new(Algorithm::ES384)).unwrap_err(),
        Error::AlgorithmNotAllowed
    );
    let p384 = Key::public_pem(&[Algorithm::ES384], &pem("p384.pub.pem")).unwrap();
    assert_eq!(
        decode(&as_384, &p384, &Validation::new(Algorithm::ES384)).unwrap_err(),
        Error::InvalidSignature
    );
}

#[test]
fn rsa_and_ed25519_signatures_of_the_wrong_length_are_refused() {
    for (name, alg) in [
        ("rsa2048.pem", Algorithm::PS384),
        ("ed25519.pem", Algorithm::EdDSA),
    ] {
        let key = Key::private_pem(&[alg], &pem(name)).unwrap();
        let token = encode(&Header::new(alg), &json!({"sub": "a"}), &key).unwrap();
        let good = B64.decode(signing_sig(&token)).unwrap();
        for bad in [
            &good[..good.len() - 1],
            &[good.as_slice(), &[0]].concat()[..],
            &[][..],
        ] {
            assert_eq!(
                decode(with_signature(&token, bad), &key, &Validation::new(alg)).unwrap_err(),
                Error::InvalidSignature,
                "{alg} {} bytes",
                bad.len()
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Every algorithm end to end
// ---------------------------------------------------------------------------------------------

#[test]
fn every_asymmetric_algorithm_round_trips_and_detects_tampering() {
    for alg in Algorithm::ALL.into_iter().filter(|a| !a.is_hmac()) {
        let key = Key::generate(alg).unwrap();
        let claims = json!({"sub": "alice", "n": 1, "exp": 4_102_444_800u64});
        let token = encode(&Header::new(alg), &claims, &key).unwrap();
        let public = key.to_public().unwrap();
        let data = decode(&token, &public, &Validation::new(alg)).unwrap();
        assert_eq!(data.claims.sub(), Some("alice"));
        assert_eq!(data.header.alg(), alg);
        let tampered = token.replacen(".eyJ", ".eyK", 1);
        assert!(
            decode(&tampered, &public, &Validation::new(alg)).is_err(),
            "{alg}"
        );
        // Another key of the same kind does not verify it.
        let other = Key::generate(alg).unwrap().to_public().unwrap();
        assert_eq!(
            decode(&token, &other, &Validation::new(alg)).unwrap_err(),
            Error::InvalidSignature,
            "{alg}"
        );
    }
}

#[test]
fn an_hmac_only_validation_refuses_asymmetric_headers() {
    let hmac = Key::new(Algorithm::HS256, [3u8; 32]).unwrap();
    for alg in Algorithm::ALL.into_iter().filter(|a| !a.is_hmac()) {
        let key = Key::generate(alg).unwrap();
        let token = encode(&Header::new(alg), &json!({}), &key).unwrap();
        assert_eq!(
            decode(&token, &hmac, &Validation::new(Algorithm::HS256)).unwrap_err(),
            Error::AlgorithmNotAllowed
        );
    }
}

// ---------------------------------------------------------------------------------------------
// JWK
// ---------------------------------------------------------------------------------------------

const PUBLIC_MEMBERS: [&str; 9] = ["kty", "kid", "use", "alg", "crv", "n", "e", "x", "y"];

#[test]
fn published_jwks_carry_no_private_member() {
    let mut keys = vec![
        Key::from_jwk(&jwk(A2_JWK), &[Algorithm::RS256]).unwrap(),
        Key::from_jwk(&jwk(A3_JWK), &[Algorithm::ES256]).unwrap(),
        Key::from_jwk(&jwk(A4_JWK), &[Algorithm::ES512]).unwrap(),
        Key::from_jwk(&jwk(ED_JWK), &[Algorithm::EdDSA]).unwrap(),
        Key::private_pem(
            &[Algorithm::RS256, Algorithm::PS256],
            &pem("rsa2048.pkcs1.pem"),
        )
        .unwrap(),
        Key::private_pem(&[Algorithm::ES256], &pem("p256.sec1.pem")).unwrap(),
    ];
    for alg in Algorithm::ALL.into_iter().filter(|a| !a.is_hmac()) {
        keys.push(Key::generate(alg).unwrap());
    }
    let mut set = KeySet::new();
    for key in &keys {
        assert!(key.can_sign());
        let published = serde_json::to_value(key.to_public_jwk().unwrap()).unwrap();
        let members: Vec<&String> = published.as_object().unwrap().keys().collect();
        for member in &members {
            assert!(
                PUBLIC_MEMBERS.contains(&member.as_str()),
                "{member} in {published}"
            );
        }
        assert_eq!(published["use"], "sig");
        // What is published reads back as a verify-only key with the same thumbprint.
        let back = Key::from_jwk(
            &jwk(&published.to_string()),
            &key.algorithms().collect::<Vec<_>>(),
        )
        .unwrap();
        assert!(!back.can_sign());
        assert_eq!(back.thumbprint(), key.thumbprint());
        set.insert(key.clone()).unwrap();
    }
    set.insert(
        Key::new(Algorithm::HS256, [1u8; 32])
            .unwrap()
            .with_kid("hmac"),
    )
    .unwrap();
    let jwks = set.public_jwks();
    assert_eq!(jwks.keys.len(), keys.len(), "the HMAC key is not published");
    let text = jwks.to_json();
    for private in [
        "\"d\"", "\"p\"", "\"q\"", "\"dp\"", "\"dq\"", "\"qi\"", "\"k\"", "\"oth\"",
    ] {
        assert!(!text.contains(private), "{private} in {text}");
    }
    // Each published key carries its kid (the thumbprint by default).
    let parsed = JwkSet::from_json(text.as_bytes()).unwrap();
    for (published, key) in parsed.keys.iter().zip(&keys) {
        assert_eq!(published.kid, key.thumbprint());
    }
}

#[test]
fn malformed_jwks_are_refused_with_a_reason() {
    let bad = [
        (
            r#"{"kty":"oct","k":"AAAA"}"#,
            "unsupported key type \"oct\"",
        ),
        (
            r#"{"kty":"EC","crv":"P-256","x":"AAAA","y":"AAAA"}"#,
            "32 bytes",
        ),
        (
            r#"{"kty":"EC","crv":"secp256k1","x":"AAAA","y":"AAAA"}"#,
            "unsupported",
        ),
        (r#"{"kty":"OKP","crv":"Ed448","x":"AAAA"}"#, "unsupported"),
        (r#"{"kty":"RSA","n":"AKE","e":"AQAB"}"#, "zero octet"),
        (r#"{"kty":"RSA","e":"AQAB"}"#, "missing \"n\""),
        (
            r#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo="}"#,
            "base64url",
        ),
        (
            r#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","alg":"ES256"}"#,
            "cannot be used",
        ),
    ];
    for (text, why) in bad {
        let err = Key::from_jwk(
            &jwk(text),
            &[Algorithm::EdDSA, Algorithm::ES256, Algorithm::RS256],
        );
        let err = match err {
            Err(e) => e.to_string(),
            Ok(_) => panic!("{text} accepted"),
        };
        assert!(err.contains(why), "{text}: {err}");
    }
    assert!(
        Jwk::from_json(r#"{"kty":"RSA","kty":"EC"}"#).is_err(),
        "repeated member"
    );
    assert!(Jwk::from_json("[]").is_err());
    // Public and private halves that do not belong together.
    let mut mixed: serde_json::Value = serde_json::from_str(ED_JWK).unwrap();
    mixed["x"] = json!(B64.encode([7u8; 32]));
    assert!(Key::from_jwk(&jwk(&mixed.to_string()), &[Algorithm::EdDSA]).is_err());
    // Debug shows no private member.
    let shown = format!("{:?}", jwk(ED_JWK));
    assert!(!shown.contains("nWGxne"), "{shown}");
}

#[test]
fn jwk_sets_keep_good_keys_and_count_the_rest() {
    let text = format!(r#"{{"keys":[{ED_JWK}, 7, "x", {{"kty":"EC"}}]}}"#);
    let set = JwkSet::from_json(text.as_bytes()).unwrap();
    assert_eq!(set.keys.len(), 2);
    assert_eq!(set.skipped, 2);
    for bad in ["[]", "{}", r#"{"keys":{}}"#, "not json"] {
        assert!(JwkSet::from_json(bad.as_bytes()).is_err(), "{bad}");
    }
}

// ---------------------------------------------------------------------------------------------
// Key sets and rotation
// ---------------------------------------------------------------------------------------------

const DAY: i64 = 86_400;
const T0: i64 = 1_800_000_000;

fn token_at(keys: &KeySet, alg: Algorithm, now: i64, lifetime: i64) -> String {
    let claims = json!({"sub": "alice", "iat": now, "exp": now + lifetime});
    encode_with(&Header::new(alg), &claims, keys).unwrap()
}

#[test]
fn rotation_over_time_with_a_fixed_clock() {
    let validation = |now: i64| Validation::new(Algorithm::ES256).with_clock(FixedClock::at(now));
    let first = Key::generate(Algorithm::ES256).unwrap().with_kid("2027-01");
    let second = Key::generate(Algorithm::ES256).unwrap().with_kid("2027-02");
    let mut keys = KeySet::new();
    keys.insert(first).unwrap();
    assert_eq!(
        keys.active().and_then(Key::kid),
        Some("2027-01"),
        "first signer is active"
    );

    // Day 0: a 7-day token signed by the first key carries its kid.
    let old = token_at(&keys, Algorithm::ES256, T0, 7 * DAY);
    assert_eq!(
        jwt_core::decode_header_unverified(&old).unwrap().kid(),
        Some("2027-01")
    );

    // Day 1: the second key is added (published first) and activated.
    keys.insert(second).unwrap();
    keys.activate("2027-02").unwrap();
    let new = token_at(&keys, Algorithm::ES256, T0 + DAY, 7 * DAY);
    assert_eq!(
        jwt_core::decode_header_unverified(&new).unwrap().kid(),
        Some("2027-02")
    );
    for token in [&old, &new] {
        assert!(decode_with(token, &keys, &validation(T0 + DAY)).is_ok());
    }

    // Day 6: both still verify.
    assert!(decode_with(&old, &keys, &validation(T0 + 6 * DAY)).is_ok());

    // Day 8: the old key's last tokens have expired; it is retired.
    assert_eq!(
        decode_with(&old, &keys, &validation(T0 + 8 * DAY)).unwrap_err(),
        Error::Expired
    );
    assert!(keys.retire("2027-01").is_some());
    assert!(decode_with(&new, &keys, &validation(T0 + 2 * DAY)).is_ok());
    // Old tokens are now refused by kid, whatever the time.
    let err = decode_with(&old, &keys, &validation(T0 + DAY)).unwrap_err();
    assert_eq!(err, Error::UnknownKeyId("2027-01".into()));
    assert_eq!(
        err.to_string(),
        "Unable to find a signing key that matches: \"2027-01\""
    );
    assert!(decode_with_at(&new, &keys, &validation(0), UnixTime::from_secs(T0 + DAY)).is_ok());
}

#[test]
fn tokens_without_kid_follow_the_missing_kid_rule() {
    let a = Key::generate(Algorithm::ES256).unwrap();
    let b = Key::generate(Algorithm::ES256).unwrap();
    let ed = Key::generate(Algorithm::EdDSA).unwrap();
    let kidless = encode(&Header::new(Algorithm::ES256), &json!({"sub": "x"}), &a).unwrap();
    let v = Validation::new(Algorithm::ES256);

    // One ES256 key (an EdDSA key beside it does not count): verified.
    let mut keys = KeySet::new();
    keys.insert(a.clone()).unwrap();
    keys.insert(ed).unwrap();
    assert!(decode_with(&kidless, &keys, &v).is_ok());

    // Two ES256 keys: refused rather than tried one after the other.
    keys.insert(b).unwrap();
    assert_eq!(
        decode_with(&kidless, &keys, &v).unwrap_err(),
        Error::MissingKeyId
    );

    // The legacy key named: verified; retiring it ends that.
    let a_kid = a.thumbprint().unwrap();
    keys.set_missing_kid(MissingKid::Legacy(a_kid.as_str().into()));
    assert!(decode_with(&kidless, &keys, &v).is_ok());
    keys.retire(&a_kid);
    assert_eq!(
        decode_with(&kidless, &keys, &v).unwrap_err(),
        Error::MissingKeyId
    );

    // Refuse: even a single matching key does not verify kid-less tokens.
    let mut strict = KeySet::new();
    strict.insert(a).unwrap();
    strict.set_missing_kid(MissingKid::Refuse);
    assert_eq!(
        decode_with(&kidless, &strict, &v).unwrap_err(),
        Error::MissingKeyId
    );
}

#[test]
fn key_set_rules() {
    let mut keys = KeySet::new();
    // HMAC keys need an explicit kid; asymmetric ones default to their thumbprint.
    assert_eq!(
        keys.insert(Key::new(Algorithm::HS256, [1u8; 32]).unwrap())
            .err(),
        Some(KeySetError::KidRequired)
    );
    let ec = Key::generate(Algorithm::ES256).unwrap();
    keys.insert(ec.clone()).unwrap();
    assert!(keys.get(&ec.thumbprint().unwrap()).is_some());
    assert!(matches!(
        keys.insert(ec.clone()),
        Err(KeySetError::DuplicateKid(_))
    ));
    // A public key cannot be the signing key.
    let public = Key::generate(Algorithm::EdDSA)
        .unwrap()
        .to_public()
        .unwrap()
        .with_kid("pub");
    keys.insert(public).unwrap();
    assert_eq!(
        keys.activate("pub"),
        Err(KeySetError::CannotSign("pub".into()))
    );
    assert!(matches!(
        keys.activate("nope"),
        Err(KeySetError::UnknownKid(_))
    ));
    assert!(keys
        .insert(Key::generate(Algorithm::ES256).unwrap().with_kid(""))
        .is_err());
    assert!(keys
        .insert(
            Key::generate(Algorithm::ES256)
                .unwrap()
                .with_kid("k".repeat(257))
        )
        .is_err());

    // A kid longer than the bound is refused without lookup; the message echoes 64 chars.
    let mut header = Header::new(Algorithm::ES256);
    header.insert("kid", "x".repeat(10_000)).unwrap();
    let token = encode(
        &header,
        &json!({}),
        &Key::generate(Algorithm::ES256).unwrap(),
    )
    .unwrap();
    let err = decode_with(&token, &keys, &Validation::new(Algorithm::ES256)).unwrap_err();
    assert!(matches!(err, Error::UnknownKeyId(_)));
    assert!(err.to_string().len() < 150, "{err}");
    assert!(err.to_string().ends_with(r#"xxx"..."#), "{err}");
    assert!(
        format!("{err:?}").len() < 150,
        "the error holds no attacker-sized string"
    );

    // A kid of the set whose key is not for the token's alg.
    let ed_kid = keys
        .iter()
        .find(|k| k.kid() == Some("pub"))
        .unwrap()
        .kid()
        .unwrap()
        .to_owned();
    let mut header = Header::new(Algorithm::ES256);
    header.insert("kid", ed_kid).unwrap();
    let token = encode(
        &header,
        &json!({}),
        &Key::generate(Algorithm::ES256).unwrap(),
    )
    .unwrap();
    assert_eq!(
        decode_with(&token, &keys, &Validation::new(Algorithm::ES256)).unwrap_err(),
        Error::AlgorithmNotAllowed
    );

    // Retiring the active key leaves no signer.
    let active = keys.active().and_then(Key::kid).unwrap().to_owned();
    keys.retire(&active);
    assert!(keys.active().is_none());
    assert_eq!(
        encode_with(&Header::new(Algorithm::ES256), &json!({}), &keys).unwrap_err(),
        Error::KeyCannotSign
    );
}

#[test]
fn encode_writes_the_key_kid_and_refuses_another() {
    let key = Key::generate(Algorithm::EdDSA).unwrap().with_kid("k1");
    let token = encode(&Header::new(Algorithm::EdDSA), &json!({"a": 1}), &key).unwrap();
    let header = jwt_core::decode_header_unverified(&token).unwrap();
    assert_eq!(header.kid(), Some("k1"));
    // PyJWT's order: sorted members.
    let text = String::from_utf8(B64.decode(token.split('.').next().unwrap()).unwrap()).unwrap();
    assert_eq!(text, r#"{"alg":"EdDSA","kid":"k1","typ":"JWT"}"#);
    let mut other = Header::new(Algorithm::EdDSA);
    other.insert("kid", "k2").unwrap();
    assert_eq!(
        encode(&other, &json!({}), &key).unwrap_err(),
        Error::KeyIdMismatch
    );
    let mut same = Header::new(Algorithm::EdDSA);
    same.insert("kid", "k1").unwrap();
    assert!(encode(&same, &json!({}), &key).is_ok());
}

#[test]
fn debug_shows_no_key_material() {
    let key = Key::from_jwk(&jwk(ED_JWK), &[Algorithm::EdDSA])
        .unwrap()
        .with_kid("k");
    let shown = format!("{key:?} {key:#?}");
    assert!(shown.contains("Ed25519 key (private)"), "{shown}");
    assert!(
        !shown.contains("nWGxne") && !shown.contains("11qYAY"),
        "{shown}"
    );
}
