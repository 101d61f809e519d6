//! Arbitrary bytes as a token: `decode` never panics, and an accepted token is re-checked
//! independently (canonical base64url, MAC over the literal signing input, claims, times).
//! `decode_unverified` and `decode_header_unverified` run on every input too.
#![no_main]

use jwt_extended_fuzz::{check_decode, key32, key64, validation_all, validation_hs256};
use jwt_extended_fuzz::{SECRET32, SECRET64};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // HS256 only, 32-byte key (the default configuration).
    check_decode(data, key32(), SECRET32, validation_hs256());
    // All three algorithms with a 64-byte key.
    check_decode(data, key64(), SECRET64, validation_all());
});
