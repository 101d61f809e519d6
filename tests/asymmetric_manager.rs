//! Asymmetric keys through the manager, over the axum shapes users write: a `#[jwt_required]`
//! handler and the `JwtIdentity` extractor, called with `tower::ServiceExt::oneshot`. Keys come
//! from `fixtures/asymmetric_keys/` (test-only, made with openssl) or `Key::generate`; the
//! refusals are compared with flask-jwt-extended's recorded answers
//! (`fixtures/asymmetric_cases.json`, recorded by `scripts/interop_asymmetric.py`).
#![cfg(feature = "asymmetric")]

#[path = "common/key_app.rs"]
mod key_app;

use axum::http::StatusCode;
use jwt_extended::{
    Algorithm, ConfigError, Header, JwtError, JwtManager, Key, KeySet, MissingKid, TokenError,
};
use serde_json::{json, Value};

const RSA: &str = include_str!("fixtures/asymmetric_keys/rsa.pem");
const RSA_PUB: &str = include_str!("fixtures/asymmetric_keys/rsa_pub.pem");
const RSA_PKCS1: &str = include_str!("fixtures/asymmetric_keys/rsa_pkcs1.pem");
const RSA_PKCS1_PUB: &str = include_str!("fixtures/asymmetric_keys/rsa_pkcs1_pub.pem");
const EC: &str = include_str!("fixtures/asymmetric_keys/ec.pem");
const EC_SEC1: &str = include_str!("fixtures/asymmetric_keys/ec_sec1.pem");
const EC_PUB: &str = include_str!("fixtures/asymmetric_keys/ec_pub.pem");
const ED: &str = include_str!("fixtures/asymmetric_keys/ed.pem");
const ED_PUB: &str = include_str!("fixtures/asymmetric_keys/ed_pub.pem");
const CASES: &str = include_str!("fixtures/asymmetric_cases.json");

/// Status and JSON body of `GET path` on the key app with `manager`, the token as a bearer token.
async fn get_with(manager: &JwtManager, path: &str, token: Option<&str>) -> (StatusCode, Value) {
    key_app::get_with(&key_app::app(manager), path, token).await
}

/// Both protected shapes accept `token` as alice's.
async fn accepted_by_both(manager: &JwtManager, token: &str) {
    for path in ["/protected", "/extracted"] {
        let (status, body) = get_with(manager, path, Some(token)).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        assert_eq!(body["logged_in_as"], "alice", "{path}");
    }
}

/// Both protected shapes refuse `token` with `status` and `msg`.
async fn refused_by_both(manager: &JwtManager, token: &str, status: u16, msg: &str) {
    for path in ["/protected", "/extracted"] {
        let (got, body) = get_with(manager, path, Some(token)).await;
        assert_eq!(
            (got.as_u16(), &body),
            (status, &json!({ "msg": msg })),
            "{path}"
        );
    }
}

fn pem_manager(alg: Algorithm, private: Option<&str>, public: Option<&str>) -> JwtManager {
    let mut builder = JwtManager::builder().algorithm(alg);
    if let Some(pem) = private {
        builder = builder.private_key_pem(pem);
    }
    if let Some(pem) = public {
        builder = builder.public_key_pem(pem);
    }
    builder.build().unwrap()
}

#[tokio::test]
async fn every_algorithm_signs_and_verifies_over_http() {
    let pairs = [
        (Algorithm::RS256, RSA, RSA_PUB),
        (Algorithm::RS512, RSA_PKCS1, RSA_PKCS1_PUB),
        (Algorithm::PS256, RSA, RSA_PUB),
        (Algorithm::PS384, RSA_PKCS1, RSA_PUB),
        (Algorithm::ES256, EC, EC_PUB),
        (Algorithm::ES256, EC_SEC1, EC_PUB),
        (Algorithm::EdDSA, ED, ED_PUB),
    ];
    for (alg, private, public) in pairs {
        let manager = pem_manager(alg, Some(private), Some(public));
        let (status, token) = get_with(&manager, "/login", None).await;
        assert_eq!(status, StatusCode::OK, "{alg}: {token}");
        let token = token.as_str().unwrap();
        let header = jwt_extended::decode_header_unverified(token).unwrap();
        assert_eq!(header, Header::new(alg), "flask's header, no kid");
        accepted_by_both(&manager, token).await;
        // A verify-only service with the public key alone accepts it too.
        accepted_by_both(&pem_manager(alg, None, Some(public)), token).await;
    }
    // ES512 with a generated key (no P-521 PEM fixture).
    let key = Key::generate(Algorithm::ES512).unwrap();
    let manager = JwtManager::builder()
        .algorithm(Algorithm::ES512)
        .signing_key(key)
        .build()
        .unwrap();
    accepted_by_both(&manager, &manager.create_access_token("alice").unwrap()).await;
}

#[tokio::test]
async fn flask_answers_to_the_refusals_are_ours() {
    let fixture: Value = serde_json::from_str(CASES).unwrap();
    let public = fixture["settings"]["JWT_PUBLIC_KEY"].as_str().unwrap();
    assert_eq!(public, RSA_PUB);
    let manager = pem_manager(Algorithm::RS256, None, Some(public));
    let cases = fixture["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 7);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let token = case["token"].as_str().unwrap();
        let (status, body) = get_with(&manager, "/protected", Some(token)).await;
        let flask = &case["flask"];
        assert_eq!(status.as_u16(), flask["status"], "{name}");
        if status == StatusCode::OK {
            assert_eq!(
                body["logged_in_as"], flask["json"]["logged_in_as"],
                "{name}"
            );
        } else {
            assert_eq!(body, flask["json"], "{name}");
            // The extractor answers the same.
            let (status, body) = get_with(&manager, "/extracted", Some(token)).await;
            assert_eq!((status.as_u16(), &body), (422, &flask["json"]), "{name}");
        }
    }
    // The classic attack, by name: HS256 signed with the PEM text of the server's public key.
    let attack = &cases[0];
    assert!(attack["name"].as_str().unwrap().starts_with("HS256"));
    refused_by_both(
        &manager,
        attack["token"].as_str().unwrap(),
        422,
        "The specified alg value is not allowed",
    )
    .await;

    // flask-jwt-extended with HS256 among the decode algorithms next to the RSA public key
    // answers that token with a 500 (PyJWT's InvalidKeyError is not handled); jwt-extended
    // refuses the configuration when the manager is built.
    let mixed = &fixture["mixed_decode_algorithms"];
    assert_eq!(mixed["flask"]["status"], 500);
    let err = JwtManager::builder()
        .algorithm(Algorithm::RS256)
        .decode_algorithms(vec![Algorithm::RS256, Algorithm::HS256])
        .public_key_pem(public)
        .secret_key("a long random secret, 32 bytes or more")
        .build()
        .unwrap_err();
    assert!(
        matches!(
            &err,
            ConfigError::AlgorithmKeyMismatch {
                algorithm: Algorithm::HS256,
                key_option: "JWT_PUBLIC_KEY",
                ..
            }
        ),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(
        message.contains("HS256") && message.contains("JWT_PUBLIC_KEY"),
        "{message}"
    );
}

#[tokio::test]
async fn one_rsa_key_serves_rs256_and_ps256_but_not_other_families() {
    let manager = JwtManager::builder()
        .algorithm(Algorithm::RS256)
        .decode_algorithms(vec![Algorithm::RS256, Algorithm::PS256])
        .public_key_pem(RSA_PUB)
        .build()
        .unwrap();
    let signer = pem_manager(Algorithm::PS256, Some(RSA), None);
    accepted_by_both(&manager, &signer.create_access_token("alice").unwrap()).await;
    // An ES256 token, its alg not among the decode algorithms.
    let es = pem_manager(Algorithm::ES256, Some(EC), None);
    refused_by_both(
        &manager,
        &es.create_access_token("alice").unwrap(),
        422,
        "The specified alg value is not allowed",
    )
    .await;
    // A PS256 token to a manager allowing PS256 through a key set whose only key is for RS256.
    let mut keys = KeySet::new();
    keys.insert(Key::public_pem(&[Algorithm::RS256], RSA_PUB).unwrap())
        .unwrap();
    let mut ec = KeySet::new();
    ec.insert(Key::public_pem(&[Algorithm::ES256], EC_PUB).unwrap())
        .unwrap();
    let err = JwtManager::builder()
        .algorithm(Algorithm::RS256)
        .decode_algorithms(vec![Algorithm::PS256])
        .key_set(keys)
        .build()
        .unwrap_err();
    assert!(
        matches!(
            err,
            ConfigError::AlgorithmKeyMismatch {
                algorithm: Algorithm::PS256,
                key_option: "key_set",
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn verify_only_sign_only_and_keyless_services() {
    // Only JWT_PUBLIC_KEY: builds, verifies; creating a token is flask's RuntimeError, a 500.
    let verifier = pem_manager(Algorithm::RS256, None, Some(RSA_PUB));
    let err = verifier.create_access_token("alice").unwrap_err();
    assert_eq!(
        err,
        JwtError::MissingSigningKey {
            algorithm: Algorithm::RS256
        }
    );
    assert_eq!(
        err.to_string(),
        "JWT_PRIVATE_KEY must be set to use asymmetric cryptography algorithm \"RS256\""
    );
    let (status, body) = get_with(&verifier, "/login", None).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            json!({"msg": "Internal Server Error"})
        )
    );

    // Only JWT_PRIVATE_KEY: its public half verifies (flask-jwt-extended raises
    // `JWT_PUBLIC_KEY must be set ...` there).
    let signer = pem_manager(Algorithm::EdDSA, Some(ED), None);
    let token = signer.create_access_token("alice").unwrap();
    accepted_by_both(&signer, &token).await;

    // Neither: refused when built. JWT_SECRET_KEY is not needed (and is ignored).
    let err = JwtManager::builder()
        .algorithm(Algorithm::ES256)
        .secret_key("a long random secret, 32 bytes or more")
        .build()
        .unwrap_err();
    assert_eq!(
        err,
        ConfigError::MissingAsymmetricKey {
            algorithm: Algorithm::ES256
        }
    );
    assert_eq!(
        err.to_string(),
        "JWT_PRIVATE_KEY or JWT_PUBLIC_KEY must be set to use asymmetric cryptography algorithm \"ES256\""
    );

    // Only an encode_key_loader: it signs; verification is flask's RuntimeError, a 500.
    let key = Key::private_pem(&[Algorithm::ES256], EC).unwrap();
    let loader_only = JwtManager::builder()
        .algorithm(Algorithm::ES256)
        .encode_key_loader(move |_| key.clone())
        .build()
        .unwrap();
    let token = loader_only.create_access_token("alice").unwrap();
    assert_eq!(
        loader_only.decode_token(&token, false).unwrap_err(),
        JwtError::MissingVerificationKey {
            algorithm: Algorithm::ES256
        }
    );
    let (status, body) = get_with(&loader_only, "/protected", Some(&token)).await;
    assert_eq!(
        (status.as_u16(), body),
        (500, json!({"msg": "Internal Server Error"}))
    );
    // A malformed token is still the 422 flask answers before asking for the key.
    refused_by_both(&loader_only, "not-a-token", 422, "Not enough segments").await;
}

#[tokio::test]
async fn key_set_rotation_by_kid() {
    let k1 = Key::generate(Algorithm::EdDSA).unwrap().with_kid("k1");
    let k2 = Key::generate(Algorithm::EdDSA).unwrap().with_kid("k2");
    let mut keys = KeySet::new();
    keys.insert(k1.clone()).unwrap();
    keys.insert(k2.clone()).unwrap();
    keys.activate("k1").unwrap();
    let before = JwtManager::builder()
        .algorithm(Algorithm::EdDSA)
        .key_set(keys.clone())
        .build()
        .unwrap();
    let old = before.create_access_token("alice").unwrap();
    keys.activate("k2").unwrap();
    let during = JwtManager::builder()
        .algorithm(Algorithm::EdDSA)
        .key_set(keys.clone())
        .build()
        .unwrap();
    let new = during.create_access_token("alice").unwrap();
    assert_eq!(
        during.decode_token(&new, false).unwrap().header.kid(),
        Some("k2")
    );
    accepted_by_both(&during, &old).await;
    accepted_by_both(&during, &new).await;
    let (_, body) = get_with(&during, "/protected", Some(&old)).await;
    assert_eq!(body["kid"], "k1");

    // k1 retired: its tokens get jwt-core's message, 422.
    keys.retire("k1");
    let after = JwtManager::builder()
        .algorithm(Algorithm::EdDSA)
        .key_set(keys.clone())
        .build()
        .unwrap();
    refused_by_both(
        &after,
        &old,
        422,
        "Unable to find a signing key that matches: \"k1\"",
    )
    .await;
    accepted_by_both(&after, &new).await;

    // A kid-less token (flask's kind) with two candidate keys: MissingKeyId, 422.
    keys.insert(Key::generate(Algorithm::EdDSA).unwrap().with_kid("k3"))
        .unwrap();
    let two = JwtManager::builder()
        .algorithm(Algorithm::EdDSA)
        .key_set(keys.clone())
        .build()
        .unwrap();
    let kidless = JwtManager::builder()
        .algorithm(Algorithm::EdDSA)
        .signing_key(Key::private_pem(&[Algorithm::EdDSA], ED).unwrap())
        .build()
        .unwrap()
        .create_access_token("alice")
        .unwrap();
    refused_by_both(&two, &kidless, 422, &TokenError::MissingKeyId.to_string()).await;
    // Named as the legacy key, the kid-less tokens of ED verify.
    let mut legacy = keys.clone();
    legacy
        .insert(
            Key::public_pem(&[Algorithm::EdDSA], ED_PUB)
                .unwrap()
                .with_kid("flask"),
        )
        .unwrap();
    legacy.set_missing_kid(MissingKid::Legacy("flask".into()));
    let legacy = JwtManager::builder()
        .algorithm(Algorithm::EdDSA)
        .key_set(legacy)
        .build()
        .unwrap();
    accepted_by_both(&legacy, &kidless).await;

    // A set of public keys only: verifies, creating a token is the 500 of a verify-only service.
    let mut public = KeySet::new();
    public.insert(k2.to_public().unwrap()).unwrap();
    let verifier = JwtManager::builder()
        .algorithm(Algorithm::EdDSA)
        .key_set(public)
        .build()
        .unwrap();
    accepted_by_both(&verifier, &new).await;
    assert!(matches!(
        verifier.create_access_token("alice"),
        Err(JwtError::MissingSigningKey { .. })
    ));
}

#[tokio::test]
async fn key_loaders_write_and_read_the_kid() {
    // flask-jwt-extended #551: the encode key loader's key carries its kid into the header, and
    // the decode key loader picks the key by the (unverified) header's kid.
    let a = Key::private_pem(&[Algorithm::ES256], EC)
        .unwrap()
        .with_kid("a");
    let b = Key::generate(Algorithm::ES256).unwrap().with_kid("b");
    let (a_public, b_public) = (a.to_public().unwrap(), b.to_public().unwrap());
    let (sign_a, sign_b) = (a.clone(), b.clone());
    let manager = JwtManager::builder()
        .algorithm(Algorithm::ES256)
        .public_key_pem(EC_PUB)
        .encode_key_loader(move |identity| {
            if identity == "bob" {
                sign_b.clone()
            } else {
                sign_a.clone()
            }
        })
        .decode_key_loader(move |header, _claims| match header.kid() {
            Some("b") => b_public.clone(),
            _ => a_public.clone(),
        })
        .build()
        .unwrap();
    let alice = manager.create_access_token("alice").unwrap();
    let bob = manager.create_access_token("bob").unwrap();
    assert_eq!(
        jwt_extended::decode_header_unverified(&bob).unwrap().kid(),
        Some("b")
    );
    accepted_by_both(&manager, &alice).await;
    let (status, body) = get_with(&manager, "/protected", Some(&bob)).await;
    assert_eq!(
        (status, body),
        (StatusCode::OK, json!({"logged_in_as": "bob", "kid": "b"}))
    );
    // bob's token relabelled as a's: a's key does not verify b's signature.
    let forged = {
        let mut parts = bob.splitn(2, '.');
        let (_, rest) = (parts.next().unwrap(), parts.next().unwrap());
        let header = base64::Engine::encode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            br#"{"alg":"ES256","kid":"a","typ":"JWT"}"#,
        );
        format!("{header}.{rest}")
    };
    refused_by_both(&manager, &forged, 422, "Signature verification failed").await;

    // An encode key loader handing out a public key: a 500, the cause logged, not sent.
    let public = Key::public_pem(&[Algorithm::ES256], EC_PUB).unwrap();
    let broken = JwtManager::builder()
        .algorithm(Algorithm::ES256)
        .public_key_pem(EC_PUB)
        .encode_key_loader(move |_| public.clone())
        .build()
        .unwrap();
    assert_eq!(
        broken.create_access_token("alice").unwrap_err(),
        JwtError::Create(TokenError::KeyCannotSign)
    );
    let (status, body) = get_with(&broken, "/login", None).await;
    assert_eq!(
        (status.as_u16(), body),
        (500, json!({"msg": "Internal Server Error"}))
    );
}

#[test]
fn builder_keys_are_checked_when_built() {
    // A public key cannot be the signing key.
    let err = JwtManager::builder()
        .algorithm(Algorithm::RS256)
        .signing_key(Key::public_pem(&[Algorithm::RS256], RSA_PUB).unwrap())
        .build()
        .unwrap_err();
    assert_eq!(
        err,
        ConfigError::SigningKeyCannotSign {
            key_option: "signing_key"
        }
    );
    // A key for another algorithm.
    let err = JwtManager::builder()
        .algorithm(Algorithm::RS256)
        .signing_key(Key::private_pem(&[Algorithm::PS256], RSA).unwrap())
        .build()
        .unwrap_err();
    assert!(
        matches!(
            err,
            ConfigError::AlgorithmKeyMismatch {
                algorithm: Algorithm::RS256,
                key_option: "signing_key",
                ..
            }
        ),
        "{err:?}"
    );
    // PEM text of the wrong kind, or a private key given as the public one.
    assert!(matches!(
        JwtManager::builder()
            .algorithm(Algorithm::RS256)
            .private_key_pem(RSA_PUB)
            .build(),
        Err(ConfigError::PrivateKey(_))
    ));
    assert!(matches!(
        JwtManager::builder()
            .algorithm(Algorithm::RS256)
            .public_key_pem(RSA)
            .build(),
        Err(ConfigError::PublicKey(_))
    ));
    // An EC key for RS256.
    let err = JwtManager::builder()
        .algorithm(Algorithm::RS256)
        .private_key_pem(EC)
        .build()
        .unwrap_err();
    assert!(
        matches!(
            err,
            ConfigError::AlgorithmKeyMismatch {
                algorithm: Algorithm::RS256,
                key_option: "JWT_PRIVATE_KEY",
                ..
            }
        ),
        "{err:?}"
    );
    // The PEM text of a key is never an HMAC secret.
    let err = JwtManager::builder()
        .secret_key(RSA_PUB)
        .build()
        .unwrap_err();
    assert_eq!(
        err,
        ConfigError::SecretKey(jwt_extended::KeyError::AsymmetricKeyAsSecret)
    );
    // A signing key given with a kid writes it.
    let manager = JwtManager::builder()
        .algorithm(Algorithm::EdDSA)
        .signing_key(
            Key::private_pem(&[Algorithm::EdDSA], ED)
                .unwrap()
                .with_kid("2026-12"),
        )
        .build()
        .unwrap();
    let token = manager.create_access_token("alice").unwrap();
    assert_eq!(
        manager.decode_token(&token, false).unwrap().header.kid(),
        Some("2026-12")
    );
    // The private key stays out of Debug output.
    let shown = format!("{:?}", pem_manager(Algorithm::RS256, Some(RSA), None));
    assert!(!shown.contains(RSA.lines().nth(1).unwrap()), "{shown}");
}
