//! CSRF double-submit comparison.

use subtle::ConstantTimeEq;

/// Whether the value a client sent equals the token's `csrf` claim, compared in constant time
/// (for equal lengths; the length of a random UUID is no secret).
pub(crate) fn matches(expected: &str, sent: &[u8]) -> bool {
    bool::from(expected.as_bytes().ct_eq(sent))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    #[test]
    fn agrees_with_equality() {
        for (a, b) in [("abc", "abc"), ("abc", "abd"), ("abc", "ab"), ("", "")] {
            assert_eq!(super::matches(a, b.as_bytes()), a == b);
        }
    }

    proptest! {
        #[test]
        fn agrees_with_plain_equality(a in "[ -~]{0,40}", b in "[ -~]{0,40}", same in any::<bool>()) {
            let b = if same { a.clone() } else { b };
            prop_assert_eq!(super::matches(&a, b.as_bytes()), a == b);
        }
    }
}
