//! Every way encoding or decoding a token can fail.

use std::fmt;

/// Why a token was refused (or could not be made).
///
/// One variant per failure. `Display` gives exactly the message flask-jwt-extended 4.7 (through
/// PyJWT 2.15) returns for the same failure, so a port keeps its clients' expectations; variants
/// for checks that library does not make have messages in the same style. No message ever
/// contains key material.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The token is longer than [`Validation::max_token_len`](crate::Validation); refused before
    /// any decoding.
    TokenTooLarge {
        /// Length of the token in bytes.
        len: usize,
        /// The configured maximum.
        max: usize,
    },
    /// Fewer than two `.` separators.
    NotEnoughSegments,
    /// The header segment is not strict unpadded base64url.
    InvalidHeaderPadding,
    /// The header is not valid JSON (or repeats a member name, quoted in the message and cut
    /// like a `crit` name when longer than 64 characters).
    InvalidHeaderJson(String),
    /// The header is JSON but not an object.
    HeaderNotObject,
    /// The payload segment is not strict unpadded base64url, or the token has a third `.`
    /// (a fourth segment), which PyJWT reports the same way.
    InvalidPayloadPadding,
    /// The signature segment is not strict unpadded base64url.
    InvalidSignaturePadding,
    /// The header has no `alg`.
    AlgorithmMissing,
    /// The `alg` is not a string, not supported, or not in the allow-list.
    AlgorithmNotAllowed,
    /// The `kid` header is present but not a string.
    KeyIdNotString,
    /// `crit` names an extension; this library implements none. Holds the first name listed,
    /// bounded as every piece of a token an error echoes: a name of more than 64 characters is
    /// cut to its first 64 (on a character boundary) followed by `...`.
    CriticalExtensionUnsupported(String),
    /// `crit` is malformed (not a non-empty array of distinct, present, unregistered names).
    CriticalHeaderInvalid,
    /// The `typ` header does not match the required type.
    TypeHeaderMismatch,
    /// The MAC does not match (wrong key, altered token, wrong length).
    InvalidSignature,
    /// The payload is not valid UTF-8 JSON (or repeats a member name, quoted in the message and
    /// cut like a `crit` name when longer than 64 characters).
    InvalidPayloadJson(String),
    /// The payload is JSON but not an object.
    PayloadNotObject,
    /// A claim the validation requires is absent.
    MissingRequiredClaim(String),
    /// `iat` is present but not a number.
    IssuedAtInvalid,
    /// `iat` lies in the future (beyond the leeway).
    IssuedAtInFuture,
    /// `nbf` is present but not a number.
    NotBeforeInvalid,
    /// `nbf` lies in the future (beyond the leeway).
    NotYetValid,
    /// `exp` is present but not a number.
    ExpirationInvalid,
    /// `exp` lies in the past (beyond the leeway).
    Expired,
    /// An issuer is expected and the token has no `iss`.
    IssuerMissing,
    /// `iss` is present but not a string.
    IssuerInvalid,
    /// `iss` is not one of the expected issuers.
    IssuerMismatch,
    /// An audience is expected and the token has no `aud`.
    AudienceMissing,
    /// `aud` is not a string or an array of strings.
    AudienceInvalid,
    /// No expected audience is in `aud` (an empty array included).
    AudienceMismatch,
    /// The token has an `aud` but no audience is expected.
    AudienceUnexpected,
    /// `sub` is present but not a string.
    SubjectInvalid,
    /// `jti` is present but not a string.
    JwtIdInvalid,
    /// A claim the application requires (such as the identity claim) is absent.
    MissingClaim(String),
    /// The claims could not be turned into the requested type.
    ClaimsType(String),
    /// The header or claims given to `encode` are not a JSON object, or failed to serialize.
    Serialize(String),
    /// The key was not built for the algorithm in the header given to `encode`.
    KeyAlgorithmMismatch,
    /// The operating system's random number generator failed.
    Random,
    /// `encode` was given a public key: only a private key (or an HMAC secret) signs.
    KeyCannotSign,
    /// The cryptographic backend failed to sign.
    SigningFailed,
    /// The header names a key ID that the key set does not hold (held and echoed to at most
    /// 64 characters, then `...`, like a `crit` name).
    UnknownKeyId(String),
    /// The token has no `kid`, and the key set cannot tell which of its keys signed it.
    MissingKeyId,
    /// The header given to `encode` names a `kid` other than the signing key's.
    KeyIdMismatch,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::TokenTooLarge { max, .. } => {
                write!(f, "Token is larger than the maximum of {max} bytes")
            }
            Error::NotEnoughSegments => f.write_str("Not enough segments"),
            Error::InvalidHeaderPadding => f.write_str("Invalid header padding"),
            Error::InvalidHeaderJson(why) => write!(f, "Invalid header string: {why}"),
            Error::HeaderNotObject => f.write_str("Invalid header string: must be a json object"),
            Error::InvalidPayloadPadding => f.write_str("Invalid payload padding"),
            Error::InvalidSignaturePadding => f.write_str("Invalid crypto padding"),
            Error::AlgorithmMissing => f.write_str("Algorithm not specified"),
            Error::AlgorithmNotAllowed => f.write_str("The specified alg value is not allowed"),
            Error::KeyIdNotString => f.write_str("Key ID header parameter must be a string"),
            Error::CriticalExtensionUnsupported(name) => {
                write!(f, "Unsupported critical extension: {name}")
            }
            Error::CriticalHeaderInvalid => f.write_str("Invalid 'crit' header parameter"),
            Error::TypeHeaderMismatch => f.write_str("Invalid token type (typ) header"),
            Error::InvalidSignature => f.write_str("Signature verification failed"),
            Error::InvalidPayloadJson(why) => write!(f, "Invalid payload string: {why}"),
            Error::PayloadNotObject => f.write_str("Invalid payload string: must be a json object"),
            Error::MissingRequiredClaim(name) => {
                write!(f, "Token is missing the \"{name}\" claim")
            }
            Error::IssuedAtInvalid => f.write_str("Issued At claim (iat) must be an integer."),
            Error::IssuedAtInFuture => f.write_str("The token is not yet valid (iat)"),
            Error::NotBeforeInvalid => f.write_str("Not Before claim (nbf) must be an integer."),
            Error::NotYetValid => f.write_str("The token is not yet valid (nbf)"),
            Error::ExpirationInvalid => {
                f.write_str("Expiration Time claim (exp) must be an integer.")
            }
            Error::Expired => f.write_str("Token has expired"),
            Error::IssuerMissing => f.write_str("Token is missing the \"iss\" claim"),
            Error::IssuerInvalid => f.write_str("Payload Issuer (iss) must be a string"),
            Error::IssuerMismatch => f.write_str("Invalid issuer"),
            Error::AudienceMissing => f.write_str("Token is missing the \"aud\" claim"),
            Error::AudienceInvalid => f.write_str("Invalid claim format in token"),
            Error::AudienceMismatch => f.write_str("Audience doesn't match"),
            Error::AudienceUnexpected => f.write_str("Invalid audience"),
            Error::SubjectInvalid => f.write_str("Subject must be a string"),
            Error::JwtIdInvalid => f.write_str("JWT ID must be a string"),
            Error::MissingClaim(name) => write!(f, "Missing claim: {name}"),
            Error::ClaimsType(why) => write!(f, "Invalid payload string: {why}"),
            Error::Serialize(why) => write!(f, "Could not serialize the token: {why}"),
            Error::KeyAlgorithmMismatch => {
                f.write_str("The key was not built for the algorithm in the header")
            }
            Error::Random => f.write_str("The operating system's random number generator failed"),
            Error::KeyCannotSign => f.write_str("The key is a public key and cannot sign"),
            Error::SigningFailed => f.write_str("The signature could not be made"),
            Error::UnknownKeyId(kid) => {
                write!(
                    f,
                    "Unable to find a signing key that matches: {}",
                    QuotedEcho(kid)
                )
            }
            Error::MissingKeyId => {
                f.write_str("Token has no key ID (kid) and several keys could verify it")
            }
            Error::KeyIdMismatch => {
                f.write_str("The header's kid is not the key ID of the signing key")
            }
        }
    }
}

impl std::error::Error for Error {}

/// The most characters of a name taken from a token that an error message repeats.
///
/// The header is read, and a refusal worded, before the signature is checked: whatever an
/// error echoes from a token is attacker-chosen. Names of at most this many characters are
/// echoed whole, so messages stay flask-jwt-extended's; longer ones are cut on a character
/// boundary and marked with [`ECHO_CUT_MARKER`].
pub(crate) const ECHO_MAX_CHARS: usize = 64;

/// What follows a name cut to [`ECHO_MAX_CHARS`] characters in an error message.
pub(crate) const ECHO_CUT_MARKER: &str = "...";

/// The part of `text` an error may echo, and whether `text` was cut: the first
/// [`ECHO_MAX_CHARS`] characters, ending on a character boundary.
pub(crate) fn echoed(text: &str) -> (&str, bool) {
    match text.char_indices().nth(ECHO_MAX_CHARS) {
        Some((end, _)) => (text.get(..end).unwrap_or_default(), true),
        None => (text, false),
    }
}

/// `text` as an error message may hold it: whole when short, else cut and marked (see
/// [`ECHO_MAX_CHARS`]).
pub(crate) fn echo(text: &str) -> String {
    match echoed(text) {
        (all, false) => all.to_owned(),
        (head, true) => format!("{head}{ECHO_CUT_MARKER}"),
    }
}

/// At most one character more than an error echoes: enough for [`QuotedEcho`] to see that the
/// text was longer and mark the cut, without keeping an attacker-sized string in the error.
pub(crate) fn bounded(text: &str) -> String {
    text.chars().take(ECHO_MAX_CHARS + 1).collect()
}

/// `text` quoted as Rust's `{:?}` does, cut as [`echo`] cuts, the marker after the closing
/// quote so that what is quoted is exactly the start of the name.
pub(crate) struct QuotedEcho<'a>(pub(crate) &'a str);

impl fmt::Display for QuotedEcho<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match echoed(self.0) {
            (all, false) => write!(f, "{all:?}"),
            (head, true) => write!(f, "{head:?}{ECHO_CUT_MARKER}"),
        }
    }
}

impl Error {
    /// Whether this is [`Error::Expired`], which flask-jwt-extended answers with 401 instead of 422.
    pub fn is_expired(&self) -> bool {
        matches!(self, Error::Expired)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_echoed_whole() {
        let exactly = "é".repeat(ECHO_MAX_CHARS);
        for text in ["", "foo", "日本", exactly.as_str()] {
            assert_eq!(echo(text), text);
            assert_eq!(QuotedEcho(text).to_string(), format!("{text:?}"));
        }
    }

    #[test]
    fn long_text_is_cut_on_a_character_boundary() {
        // Two- and four-byte characters: a cut by bytes would fall inside one, or panic.
        for unit in ["a", "é", "😀", "a\u{e9}"] {
            let text = unit.repeat(1000);
            let head: String = text.chars().take(ECHO_MAX_CHARS).collect();
            assert_eq!(echo(&text), format!("{head}..."));
            assert_eq!(QuotedEcho(&text).to_string(), format!("{head:?}..."));
        }
        let one_over = "x".repeat(ECHO_MAX_CHARS + 1);
        assert_eq!(
            echo(&one_over),
            format!("{}...", &one_over[..ECHO_MAX_CHARS])
        );
    }
}
