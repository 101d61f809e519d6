//! Strict unpadded base64url (RFC 7515 §2): one spelling per byte string.
//!
//! Written by hand, in safe Rust, for the short segments of a token (tens to hundreds of bytes).
//! It accepts and refuses exactly what the `base64` crate's `URL_SAFE_NO_PAD` engine does (the
//! differential tests below), and is faster on such inputs: the decoder looks each character up
//! in a table that marks a byte outside the alphabet with a high bit, OR-ed over the whole text,
//! so that a valid text takes one branch, at the end, and writes 12 bytes at a time; the encoder
//! reads 6 bytes at a time and turns each 12 bits into two characters with one lookup.

/// The base64url alphabet (RFC 4648 §5), indexed by 6-bit value.
const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Each byte's 6-bit value, or [`INVALID`] for a byte outside the alphabet: all ones, so that
/// the top bit is still set after the value is shifted into its place in a quad's 24 bits.
static DECODE: [u32; 256] = {
    let mut table = [INVALID; 256];
    let mut i = 0;
    while i < 64 {
        table[ALPHABET[i] as usize] = i as u32;
        i += 1;
    }
    table
};

/// The [`DECODE`] entry of a byte outside the alphabet.
const INVALID: u32 = u32::MAX;

/// The top bit of a decoded quad, set by any [`INVALID`] character in it.
const INVALID_BIT: u32 = 1 << 31;

/// `PAIRS[n]`: the two characters of the 12-bit value `n` (8 KiB; one lookup per two).
static PAIRS: [[u8; 2]; 4096] = {
    let mut table = [[0; 2]; 4096];
    let mut i = 0;
    while i < 4096 {
        table[i] = [ALPHABET[i >> 6], ALPHABET[i & 63]];
        i += 1;
    }
    table
};

/// The length of the unpadded encoding of `n` bytes.
pub(crate) const fn encoded_len(n: usize) -> usize {
    n / 3 * 4 + [0, 2, 3][n % 3]
}

/// The length decoded from `n` characters; `None` for a length no encoding has (1 mod 4).
pub(crate) const fn decoded_len(n: usize) -> Option<usize> {
    match n % 4 {
        1 => None,
        r => Some(n / 4 * 3 + [0, 0, 1, 2][r]),
    }
}

/// Decodes strictly: alphabet `[A-Za-z0-9_-]` only, no `=`, no whitespace, a length that is not
/// 1 mod 4 and zero trailing bits. `None` on any deviation.
pub(crate) fn decode(text: &[u8]) -> Option<Vec<u8>> {
    let len = decoded_len(text.len())?;
    // Not `vec![0; len]`, whatever clippy says: that is `calloc`, measured at twice the cost of
    // `malloc` + `memset` for a payload-sized buffer (decoding 180 characters: 103 ns, not 85).
    #[allow(clippy::slow_vector_initialization)]
    let mut out = Vec::with_capacity(len);
    out.resize(len, 0);
    decode_exact(text, &mut out).then_some(out)
}

/// Decodes strictly into `out`, returning the decoded length; `None` on any deviation or when
/// `out` is shorter than the decoded length.
pub(crate) fn decode_into(text: &[u8], out: &mut [u8]) -> Option<usize> {
    let len = decoded_len(text.len())?;
    decode_exact(text, out.get_mut(..len)?).then_some(len)
}

/// The 24 bits of a quad of characters, with [`INVALID_BIT`] set if any is outside the alphabet.
#[inline(always)]
fn quad(a: u8, b: u8, c: u8, d: u8) -> u32 {
    value(a) << 18 | value(b) << 12 | value(c) << 6 | value(d)
}

#[inline(always)]
fn value(char: u8) -> u32 {
    DECODE[usize::from(char)]
}

/// Decodes `text` into `out`, whose length must be `decoded_len(text.len())`; `false` when
/// `text` is not strict base64url (`out` then holds garbage).
fn decode_exact(text: &[u8], out: &mut [u8]) -> bool {
    // Every quad's bits are OR-ed in: only an INVALID character sets the top bit.
    let mut seen = 0;
    let (mut i, mut o) = (0, 0);
    // Sixteen characters make twelve bytes, stored as a u64 and a u32. (Explicit indices, not
    // `chunks_exact`, whose divisions cost a short text as much as a round.)
    while let (Some(chars), Some(bytes)) = (text.get(i..i + 16), out.get_mut(o..o + 12)) {
        // Not `[..].map(quad)`: that is not always inlined.
        let chars: &[u8; 16] = chars.try_into().unwrap();
        let a = quad(chars[0], chars[1], chars[2], chars[3]);
        let b = quad(chars[4], chars[5], chars[6], chars[7]);
        let c = quad(chars[8], chars[9], chars[10], chars[11]);
        let d = quad(chars[12], chars[13], chars[14], chars[15]);
        seen |= a | b | c | d;
        let high = u64::from(a) << 40 | u64::from(b) << 16 | u64::from(c >> 8);
        bytes[..8].copy_from_slice(&high.to_be_bytes());
        bytes[8..].copy_from_slice(&(c << 24 | d).to_be_bytes());
        i += 16;
        o += 12;
    }
    // Then at most eight characters, and at most four.
    if let (Some(chars), Some(bytes)) = (text.get(i..i + 8), out.get_mut(o..o + 6)) {
        let a = quad(chars[0], chars[1], chars[2], chars[3]);
        let b = quad(chars[4], chars[5], chars[6], chars[7]);
        seen |= a | b;
        bytes.copy_from_slice(&(u64::from(a) << 40 | u64::from(b) << 16).to_be_bytes()[..6]);
        i += 8;
        o += 6;
    }
    if let (Some(chars), Some(bytes)) = (text.get(i..i + 4), out.get_mut(o..o + 3)) {
        let n = quad(chars[0], chars[1], chars[2], chars[3]);
        seen |= n;
        bytes.copy_from_slice(&n.to_be_bytes()[1..]);
        i += 4;
        o += 3;
    }

    // Two or three characters end the text with one or two bytes; the bits they carry past the
    // last byte must be zero, or the text would be one of several spellings of the same bytes.
    let rest = match (&text[i..], &mut out[o..]) {
        ([], []) => 0,
        (&[a, b], [x]) => {
            let n = value(a) << 18 | value(b) << 12;
            seen |= n;
            *x = (n >> 16) as u8;
            n & 0xFFFF
        }
        (&[a, b, c], [x, y]) => {
            let n = value(a) << 18 | value(b) << 12 | value(c) << 6;
            seen |= n;
            [*x, *y] = [(n >> 16) as u8, (n >> 8) as u8];
            n & 0xFF
        }
        _ => return false,
    };
    (seen & INVALID_BIT) | rest == 0
}

/// Encodes `bytes` into `out`, whose length must be `encoded_len(bytes.len())`.
fn encode_exact(bytes: &[u8], out: &mut [u8]) {
    // Six bytes make eight characters, read as a big-endian u64 (whose last two bytes belong
    // to the next round) and stored as one. (Four u16 stores, or 24-byte rounds, were slower.)
    let (mut i, mut o) = (0, 0);
    while let (Some(input), Some(chars)) = (bytes.get(i..i + 8), out.get_mut(o..o + 8)) {
        let n = u64::from_be_bytes(input.try_into().unwrap());
        let [a, b] = PAIRS[(n >> 52) as usize];
        let [c, d] = PAIRS[(n >> 40) as usize & 0xFFF];
        let [e, f] = PAIRS[(n >> 28) as usize & 0xFFF];
        let [g, h] = PAIRS[(n >> 16) as usize & 0xFFF];
        chars.copy_from_slice(&[a, b, c, d, e, f, g, h]);
        i += 6;
        o += 8;
    }
    let (bytes, out) = (&bytes[i..], &mut out[o..]);
    let mut threes = bytes.chunks_exact(3);
    let mut fours = out.chunks_exact_mut(4);
    for (bytes, chars) in (&mut threes).zip(&mut fours) {
        let n = usize::from(bytes[0]) << 16 | usize::from(bytes[1]) << 8 | usize::from(bytes[2]);
        let [a, b] = PAIRS[n >> 12];
        let [c, d] = PAIRS[n & 0xFFF];
        chars.copy_from_slice(&[a, b, c, d]);
    }
    match (threes.remainder(), fours.into_remainder()) {
        (&[a], [x, y]) => [*x, *y] = PAIRS[usize::from(a) << 4],
        (&[a, b], [x, y, z]) => {
            let n = usize::from(a) << 10 | usize::from(b) << 2;
            [*x, *y] = PAIRS[n >> 6];
            *z = ALPHABET[n & 63];
        }
        _ => {}
    }
}

/// Appends the unpadded base64url form of `bytes` to `out`, as ASCII bytes.
pub(crate) fn encode_into_vec(bytes: &[u8], out: &mut Vec<u8>) {
    let start = out.len();
    out.resize(start + encoded_len(bytes.len()), 0);
    encode_exact(bytes, &mut out[start..]);
}

/// Appends the unpadded base64url form of `bytes` to `out` (tests compare with the `base64` crate
/// through it; the token encoder writes bytes with [`encode_into_vec`]).
#[cfg(test)]
pub(crate) fn encode_into(bytes: &[u8], out: &mut String) {
    /// Input bytes per round: a multiple of 3, so that the rounds' encodings concatenate.
    const ROUND: usize = 384;
    out.reserve(encoded_len(bytes.len()));
    // Safe code cannot write into the `String` directly: each round is encoded on the stack and
    // appended through `str::from_utf8`, which always succeeds here; its ASCII scan and the copy
    // cost about a third more than `encode_into_vec`.
    let mut buffer = [0; ROUND / 3 * 4];
    for round in bytes.chunks(ROUND) {
        let chars = &mut buffer[..encoded_len(round.len())];
        encode_exact(round, chars);
        if let Ok(chars) = std::str::from_utf8(chars) {
            out.push_str(chars);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD as REFERENCE;
    use base64::Engine;
    use proptest::prelude::*;

    /// Every character of the alphabet, then bytes a lenient decoder might let through.
    const SYMBOLS: &[u8] =
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/ \n\x00\x80\xFF";

    /// Decodes with every entry point and checks them against each other and the `base64` crate.
    fn check_decode(text: &[u8]) {
        let expected = REFERENCE.decode(text).ok();
        let got = decode(text);
        assert_eq!(
            got,
            expected,
            "decode({:?})",
            text.escape_ascii().to_string()
        );
        let mut buffer = [0x5A; 1024];
        let into = decode_into(text, &mut buffer);
        assert_eq!(
            into.map(|n| &buffer[..n]),
            expected.as_deref(),
            "decode_into({text:?})"
        );
    }

    fn check_encode(bytes: &[u8]) {
        let expected = REFERENCE.encode(bytes);
        assert_eq!(expected.len(), encoded_len(bytes.len()));
        assert_eq!(decoded_len(expected.len()), Some(bytes.len()));
        let mut string = String::from("prefix.");
        encode_into(bytes, &mut string);
        assert_eq!(string.strip_prefix("prefix."), Some(&*expected));
        let mut vec = b"prefix.".to_vec();
        encode_into_vec(bytes, &mut vec);
        assert_eq!(vec.strip_prefix(b"prefix."), Some(expected.as_bytes()));
        assert_eq!(decode(expected.as_bytes()).as_deref(), Some(bytes));
    }

    #[test]
    fn every_text_of_up_to_three_symbols_agrees_with_base64() {
        // Also after sixteen valid characters, so the tail follows the main loop.
        let prefix = b"AbCd-_09QRSTwxyz";
        for len in 0..=3 {
            let mut text = vec![0; len];
            for mut k in 0..SYMBOLS.len().pow(len as u32) {
                for c in &mut text {
                    *c = SYMBOLS[k % SYMBOLS.len()];
                    k /= SYMBOLS.len();
                }
                check_decode(&text);
                check_decode(&[&prefix[..], &text].concat());
            }
        }
    }

    #[test]
    fn every_quad_of_a_reduced_alphabet_agrees_with_base64() {
        // Values 0, 1, 15, 16, 47, 48, 62 and 63 with all of their high and low bits, and
        // bytes that are not in the alphabet.
        let reduced = b"ABPQvw-_=+/ \n.\x00\x80\xFF";
        for k in 0..reduced.len().pow(4) {
            let quad = [0, 1, 2, 3].map(|i| reduced[k / reduced.len().pow(i) % reduced.len()]);
            check_decode(&quad);
            // In each place of the sixteen-, eight- and four-character steps.
            for at in [0, 4, 8, 12, 16, 20, 24] {
                let mut text = *b"QUJDREVGR0hJSktMTU5PUFFSU1RV";
                text[at..at + 4].copy_from_slice(&quad);
                check_decode(&text);
            }
        }
    }

    #[test]
    fn every_byte_in_every_place_agrees_with_base64() {
        for len in [2, 3, 4, 6, 7, 8, 16, 18, 19, 20, 32, 35, 44, 63] {
            let valid =
                REFERENCE.encode((0..len).map(|i: u8| i.wrapping_mul(37)).collect::<Vec<_>>());
            for at in 0..valid.len() {
                for byte in 0..=255 {
                    let mut text = valid.clone().into_bytes();
                    text[at] = byte;
                    check_decode(&text);
                }
            }
        }
    }

    #[test]
    fn non_canonical_trailing_bits_are_refused() {
        // "QQ" is "A" (010000 01|0000); "QR" to "Q_" set some of the four bits past the byte.
        // "QUI" is "AB" (010000 010100 0010|00); "QUJ" to "QUL" set one of the two bits past.
        // Likewise after one quad, and after the sixteen-character loop.
        let cases: [(&str, &[u8], &[&str]); 4] = [
            ("QQ", b"A", &["QR", "QS", "QT", "QU", "QV", "Qf", "Q_"]),
            ("QUI", b"AB", &["QUJ", "QUK", "QUL"]),
            ("AAAAQQ", b"\0\0\0A", &["AAAAQR", "AAAAQ_"]),
            (
                "AAAAAAAAAAAAAAAAAAAAQUI",
                b"\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0AB",
                &["AAAAAAAAAAAAAAAAAAAAQUJ"],
            ),
        ];
        for (canonical, bytes, others) in cases {
            assert_eq!(REFERENCE.decode(canonical).unwrap(), bytes);
            assert_eq!(
                decode(canonical.as_bytes()).as_deref(),
                Some(bytes),
                "{canonical}"
            );
            for other in others {
                assert!(REFERENCE.decode(other).is_err(), "base64 accepts {other}");
                assert_eq!(decode(other.as_bytes()), None, "{other}");
                assert_eq!(decode_into(other.as_bytes(), &mut [0; 64]), None, "{other}");
            }
        }
    }

    #[test]
    fn padding_whitespace_and_other_alphabets_are_refused() {
        for text in [
            "QQ==", "QUI=", "QUJD=", "QQ=", "=", "====", "QUJD====", " QUJD", "QUJD ", "QU JD",
            "QUJD\n", "QUJD\r\n", "Q+/D", "QUJ/", "QUJ+", "Q", "QUJDR", "QUJDRE.G", "QUJD\0",
        ] {
            assert!(REFERENCE.decode(text).is_err(), "base64 accepts {text:?}");
            assert_eq!(decode(text.as_bytes()), None, "{text:?}");
            assert_eq!(decode_into(text.as_bytes(), &mut [0; 64]), None, "{text:?}");
        }
        assert_eq!(decode(b"").as_deref(), Some(&b""[..]));
        assert_eq!(decode(b"-_-_").as_deref(), Some(&[0xFB, 0xFF, 0xBF][..]));
    }

    #[test]
    fn decode_into_refuses_a_short_buffer_without_panicking() {
        for len in 0..100 {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 89 + 5) as u8).collect();
            let text = REFERENCE.encode(&bytes);
            let mut buffer = vec![0; len + 10];
            for size in 0..len {
                assert_eq!(decode_into(text.as_bytes(), &mut buffer[..size]), None);
            }
            for size in len..len + 10 {
                buffer.fill(0xEE);
                assert_eq!(decode_into(text.as_bytes(), &mut buffer[..size]), Some(len));
                assert_eq!(buffer[..len], bytes[..]);
                // Nothing past the decoded length is written.
                assert!(buffer[len..].iter().all(|&b| b == 0xEE));
            }
            // Invalid texts of every length are refused whatever the buffer.
            let mut bad = text.clone().into_bytes();
            bad.push(b'=');
            assert_eq!(decode_into(&bad, &mut buffer), None);
            assert_eq!(decode_into(&bad, &mut []), None);
        }
    }

    #[test]
    fn lengths() {
        for n in 0..1000 {
            let chars = encoded_len(n);
            assert_eq!(chars, REFERENCE.encode(vec![0; n]).len());
            assert_eq!(decoded_len(chars), Some(n));
            assert_eq!(decoded_len(n).is_none(), n % 4 == 1);
        }
        for n in [1, 5, 9, 4097] {
            assert_eq!(decode(&vec![b'A'; n]), None);
        }
    }

    #[test]
    fn long_inputs_span_several_encoding_rounds() {
        for len in [383, 384, 385, 767, 768, 769, 1000, 5000] {
            check_encode(
                &(0..len)
                    .map(|i| (i * 7 + i / 256) as u8)
                    .collect::<Vec<_>>(),
            );
        }
    }

    /// A strategy for texts that are mostly base64url, with now and then another byte.
    fn mostly_base64url() -> impl Strategy<Value = Vec<u8>> {
        let symbol = prop_oneof![
            20 => proptest::sample::select(&ALPHABET[..]),
            1 => any::<u8>(),
        ];
        proptest::collection::vec(symbol, 0..200)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn encoding_agrees_with_base64_and_round_trips(
            bytes in proptest::collection::vec(any::<u8>(), 0..600),
        ) {
            check_encode(&bytes);
        }

        #[test]
        fn decoding_arbitrary_bytes_agrees_with_base64(
            text in proptest::collection::vec(any::<u8>(), 0..100),
        ) {
            check_decode(&text);
        }

        #[test]
        fn decoding_near_valid_texts_agrees_with_base64(text in mostly_base64url()) {
            check_decode(&text);
        }

        #[test]
        fn decoding_mutated_encodings_agrees_with_base64(
            bytes in proptest::collection::vec(any::<u8>(), 1..300),
            at in any::<proptest::sample::Index>(),
            byte in any::<u8>(),
            cut in 0usize..3,
        ) {
            let mut text = REFERENCE.encode(&bytes).into_bytes();
            let at = at.index(text.len());
            text[at] = byte;
            check_decode(&text);
            text.truncate(text.len().saturating_sub(cut));
            check_decode(&text);
        }
    }
}
