//! Arbitrary bytes as a JWK Set (what a remote JWKS endpoint returns): parsing never panics,
//! every key that is accepted is bound to its own family, publishes no private member, has a
//! stable RFC 7638 thumbprint, and its published form reads back as the same public key.
#![no_main]

use jwt_core::{Algorithm, JwkSet, Key};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(set) = JwkSet::from_json(data) else {
        return;
    };
    for jwk in set.keys.iter().take(8) {
        let Some(family) = jwk.family() else {
            continue;
        };
        let algs: Vec<Algorithm> = Algorithm::ALL
            .into_iter()
            .filter(|alg| alg.family() == family && !alg.is_hmac())
            .collect();
        let Ok(key) = Key::from_jwk(jwk, &algs) else {
            continue;
        };
        assert_eq!(key.family(), family);
        assert!(key.algorithms().all(|alg| alg.family() == family));
        assert_eq!(key.can_sign(), jwk.d.is_some());
        let published = key.to_public_jwk().expect("an asymmetric key publishes");
        assert!(!published.has_private_members());
        let text = serde_json::to_string(&published).expect("a JWK serializes");
        for private in [
            "\"d\"", "\"p\"", "\"q\"", "\"dp\"", "\"dq\"", "\"qi\"", "\"k\"",
        ] {
            assert!(!text.contains(private), "{private} published: {text}");
        }
        let back = Key::from_jwk(&published, &algs).expect("the published key reads back");
        assert!(!back.can_sign());
        assert_eq!(back.thumbprint(), key.thumbprint());
    }
});
