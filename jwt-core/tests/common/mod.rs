//! Helpers shared by the integration tests (`mod common;` in each file that needs one).

use hmac::{KeyInit, Mac};
use jwt_core::Algorithm;

/// Raw HMAC over `data` with a secret of any length, straight from the `hmac` crate: for
/// building tokens by hand (MACs over tampered or foreign signing inputs) and for checking
/// jwt-core against RFC 4231 and Wycheproof. Tokens made by jwt-core need a `Key`, which
/// enforces the key policy; this does not.
pub fn hmac(algorithm: Algorithm, secret: &[u8], data: &[u8]) -> Vec<u8> {
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
