//! The ChaCha20 block function (RFC 8439 §2.3) for the [`random`](crate::random) generator: one
//! block at a time, and four consecutive blocks at once, on x86_64 in SSE2 registers (one lane
//! per block), elsewhere as four single blocks.
//!
//! Written out here (checked against RFC 8439's test vectors and against each other below)
//! rather than taken from `rand_chacha` or `chacha20`, which would bring `rand_core`,
//! `ppv-lite86`/`cipher` and more into a crate whose dependencies are hmac, sha2, serde and
//! getrandom.

/// ChaCha20's constant, "expand 32-byte k".
const SIGMA: [u32; 4] = [0x6170_7865, 0x3320_646e, 0x7962_2d32, 0x6b20_6574];

/// The column rounds' and diagonal rounds' quarter rounds, as indices into the state.
#[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2"), allow(dead_code))]
const QUARTERS: [[usize; 4]; 8] = [
    [0, 4, 8, 12],
    [1, 5, 9, 13],
    [2, 6, 10, 14],
    [3, 7, 11, 15],
    [0, 5, 10, 15],
    [1, 6, 11, 12],
    [2, 7, 8, 13],
    [3, 4, 9, 14],
];

/// The initial state: constant, key, block counter, nonce.
fn state(key: &[u32; 8], counter: u32, nonce: &[u32; 3]) -> [u32; 16] {
    let mut input = [0u32; 16];
    input[..4].copy_from_slice(&SIGMA);
    input[4..12].copy_from_slice(key);
    input[12] = counter;
    input[13..].copy_from_slice(nonce);
    input
}

/// One block (RFC 8439 §2.3.1), serialized little-endian into `out`.
#[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2"), allow(dead_code))]
fn block(key: &[u32; 8], counter: u32, nonce: &[u32; 3], out: &mut [u8; 64]) {
    let input = state(key, counter, nonce);
    let mut s = input;
    for _ in 0..10 {
        for [a, b, c, d] in QUARTERS {
            s[a] = s[a].wrapping_add(s[b]);
            s[d] = (s[d] ^ s[a]).rotate_left(16);
            s[c] = s[c].wrapping_add(s[d]);
            s[b] = (s[b] ^ s[c]).rotate_left(12);
            s[a] = s[a].wrapping_add(s[b]);
            s[d] = (s[d] ^ s[a]).rotate_left(8);
            s[c] = s[c].wrapping_add(s[d]);
            s[b] = (s[b] ^ s[c]).rotate_left(7);
        }
    }
    for ((word, start), chunk) in s.iter().zip(input).zip(out.chunks_exact_mut(4)) {
        chunk.copy_from_slice(&word.wrapping_add(start).to_le_bytes());
    }
}

/// Four consecutive blocks (counters `counter` to `counter + 3`, wrapping), one after another
/// in `out`.
pub(crate) fn blocks4(key: &[u32; 8], counter: u32, nonce: &[u32; 3], out: &mut [u8; 256]) {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    #[allow(unsafe_code)]
    // SAFETY: a `#[target_feature(enable = "sse2")]` function asks only that the CPU have SSE2,
    // and this line is compiled only for targets that guarantee it (SSE2 is part of every
    // x86_64 target's baseline; the `cfg` above checks the build's features all the same).
    unsafe {
        sse2::blocks4(key, counter, nonce, out)
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    blocks4_scalar(key, counter, nonce, out)
}

/// [`blocks4`] one block at a time: its fallback, and its reference in the tests.
#[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2"), allow(dead_code))]
fn blocks4_scalar(key: &[u32; 8], counter: u32, nonce: &[u32; 3], out: &mut [u8; 256]) {
    for (i, chunk) in (0u32..).zip(out.chunks_exact_mut(64)) {
        let mut one = [0u8; 64];
        block(key, counter.wrapping_add(i), nonce, &mut one);
        chunk.copy_from_slice(&one);
        one.fill(0);
    }
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
mod sse2 {
    use std::arch::x86_64::{
        __m128i, _mm_add_epi32, _mm_cvtsi128_si64, _mm_or_si128, _mm_set1_epi32, _mm_setr_epi32,
        _mm_slli_epi32, _mm_srli_epi32, _mm_unpackhi_epi64, _mm_xor_si128,
    };

    /// The four blocks' states side by side: register `i` holds word `i` of each block, so
    /// every step of a quarter round is one instruction for all four.
    #[target_feature(enable = "sse2")]
    pub(super) fn blocks4(key: &[u32; 8], counter: u32, nonce: &[u32; 3], out: &mut [u8; 256]) {
        let words = super::state(key, counter, nonce);
        let mut input = [_mm_set1_epi32(0); 16];
        for (lanes, word) in input.iter_mut().zip(words) {
            *lanes = _mm_set1_epi32(word as i32);
        }
        input[12] = _mm_add_epi32(input[12], _mm_setr_epi32(0, 1, 2, 3));
        let mut s = input;
        macro_rules! step {
            ($x:expr, $y:expr, $z:expr, $r:literal) => {
                $x = _mm_add_epi32($x, $y);
                let mixed = _mm_xor_si128($z, $x);
                $z = _mm_or_si128(
                    _mm_slli_epi32::<$r>(mixed),
                    _mm_srli_epi32::<{ 32 - $r }>(mixed),
                );
            };
        }
        macro_rules! quarter {
            ($a:literal, $b:literal, $c:literal, $d:literal) => {
                step!(s[$a], s[$b], s[$d], 16);
                step!(s[$c], s[$d], s[$b], 12);
                step!(s[$a], s[$b], s[$d], 8);
                step!(s[$c], s[$d], s[$b], 7);
            };
        }
        // Written out (not a loop over `QUARTERS`) so that the state stays in registers.
        for _ in 0..10 {
            quarter!(0, 4, 8, 12);
            quarter!(1, 5, 9, 13);
            quarter!(2, 6, 10, 14);
            quarter!(3, 7, 11, 15);
            quarter!(0, 5, 10, 15);
            quarter!(1, 6, 11, 12);
            quarter!(2, 7, 8, 13);
            quarter!(3, 4, 9, 14);
        }
        for (i, (lanes, start)) in s.iter().zip(&input).enumerate() {
            let sum: __m128i = _mm_add_epi32(*lanes, *start);
            let low = _mm_cvtsi128_si64(sum) as u64;
            let high = _mm_cvtsi128_si64(_mm_unpackhi_epi64(sum, sum)) as u64;
            let words = [
                low as u32,
                (low >> 32) as u32,
                high as u32,
                (high >> 32) as u32,
            ];
            for (lane, word) in words.into_iter().enumerate() {
                let at = lane * 64 + i * 4;
                out[at..at + 4].copy_from_slice(&word.to_le_bytes());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(bytes: &[u8]) -> Vec<u32> {
        bytes
            .chunks_exact(4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect()
    }

    /// RFC 8439 §2.3.2's key and nonce.
    fn rfc_key_nonce() -> ([u32; 8], [u32; 3]) {
        let key: Vec<u8> = (0u8..32).collect();
        let key = words(&key).try_into().unwrap();
        (key, [0x0900_0000, 0x4a00_0000, 0])
    }

    /// RFC 8439 §2.3.2: the serialized block for counter 1.
    const RFC_BLOCK_1: [u8; 64] = [
        0x10, 0xf1, 0xe7, 0xe4, 0xd1, 0x3b, 0x59, 0x15, 0x50, 0x0f, 0xdd, 0x1f, 0xa3, 0x20, 0x71,
        0xc4, 0xc7, 0xd1, 0xf4, 0xc7, 0x33, 0xc0, 0x68, 0x03, 0x04, 0x22, 0xaa, 0x9a, 0xc3, 0xd4,
        0x6c, 0x4e, 0xd2, 0x82, 0x64, 0x46, 0x07, 0x9f, 0xaa, 0x09, 0x14, 0xc2, 0xd7, 0x05, 0xd9,
        0x8b, 0x02, 0xa2, 0xb5, 0x12, 0x9c, 0xd1, 0xde, 0x16, 0x4e, 0xb9, 0xcb, 0xd0, 0x83, 0xe8,
        0xa2, 0x50, 0x3c, 0x4e,
    ];

    #[test]
    fn block_matches_rfc_8439() {
        let (key, nonce) = rfc_key_nonce();
        let mut out = [0u8; 64];
        block(&key, 1, &nonce, &mut out);
        assert_eq!(out, RFC_BLOCK_1);
    }

    /// RFC 8439 §2.4.2: the key stream under which the "sunscreen" plaintext encrypts to the
    /// given ciphertext, counters 1 and 2 (the first two lanes of a four-block call).
    #[test]
    fn blocks4_matches_rfc_8439_key_stream() {
        let plaintext: &[u8] = b"Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.";
        let ciphertext: [u8; 114] = [
            0x6e, 0x2e, 0x35, 0x9a, 0x25, 0x68, 0xf9, 0x80, 0x41, 0xba, 0x07, 0x28, 0xdd, 0x0d,
            0x69, 0x81, 0xe9, 0x7e, 0x7a, 0xec, 0x1d, 0x43, 0x60, 0xc2, 0x0a, 0x27, 0xaf, 0xcc,
            0xfd, 0x9f, 0xae, 0x0b, 0xf9, 0x1b, 0x65, 0xc5, 0x52, 0x47, 0x33, 0xab, 0x8f, 0x59,
            0x3d, 0xab, 0xcd, 0x62, 0xb3, 0x57, 0x16, 0x39, 0xd6, 0x24, 0xe6, 0x51, 0x52, 0xab,
            0x8f, 0x53, 0x0c, 0x35, 0x9f, 0x08, 0x61, 0xd8, 0x07, 0xca, 0x0d, 0xbf, 0x50, 0x0d,
            0x6a, 0x61, 0x56, 0xa3, 0x8e, 0x08, 0x8a, 0x22, 0xb6, 0x5e, 0x52, 0xbc, 0x51, 0x4d,
            0x16, 0xcc, 0xf8, 0x06, 0x81, 0x8c, 0xe9, 0x1a, 0xb7, 0x79, 0x37, 0x36, 0x5a, 0xf9,
            0x0b, 0xbf, 0x74, 0xa3, 0x5b, 0xe6, 0xb4, 0x0b, 0x8e, 0xed, 0xf2, 0x78, 0x5e, 0x42,
            0x87, 0x4d,
        ];
        let (key, _) = rfc_key_nonce();
        let nonce = [0, 0x4a00_0000, 0];
        let mut stream = [0u8; 256];
        blocks4(&key, 1, &nonce, &mut stream);
        let encrypted: Vec<u8> = plaintext.iter().zip(stream).map(|(p, k)| p ^ k).collect();
        assert_eq!(encrypted, ciphertext);
    }

    /// The four-block function gives four single blocks, whatever the key, counter and nonce
    /// (the counter wrapping past `u32::MAX` included).
    #[test]
    fn blocks4_is_four_blocks() {
        let (rfc_key, rfc_nonce) = rfc_key_nonce();
        let mut cases = vec![(rfc_key, 1, rfc_nonce), ([0; 8], 0, [0; 3])];
        let mut x = 0x9e37_79b9_u32;
        for counter in [7, u32::MAX - 1, u32::MAX - 3, 0x8000_0000] {
            let mut next = || {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x
            };
            let key = std::array::from_fn(|_| next());
            let nonce = std::array::from_fn(|_| next());
            cases.push((key, counter, nonce));
        }
        for (key, counter, nonce) in cases {
            let mut four = [0u8; 256];
            blocks4(&key, counter, &nonce, &mut four);
            for (i, chunk) in (0u32..).zip(four.chunks_exact(64)) {
                let mut one = [0u8; 64];
                block(&key, counter.wrapping_add(i), &nonce, &mut one);
                assert_eq!(chunk, one, "counter {counter} + {i}");
            }
            let mut scalar = [0u8; 256];
            blocks4_scalar(&key, counter, &nonce, &mut scalar);
            assert_eq!(scalar, four);
        }
        let mut four = [0u8; 256];
        blocks4(&rfc_key, 1, &rfc_nonce, &mut four);
        assert_eq!(four[..64], RFC_BLOCK_1);
    }
}
