//! PEM (RFC 7468) to DER, through RustCrypto `pem-rfc7468` (constant-time base64).
//!
//! Written here: which labels are keys and which are refused with a reason (encrypted keys,
//! certificates), and tolerance for what files and environment variables add around the block
//! (surrounding whitespace, CRLF, lines of any width, as openssl and Python `cryptography` write).

use zeroize::Zeroizing;

use super::{PrivateDer, PublicDer};
use crate::KeyError;

/// A decoded PEM block: its label and DER bytes (zeroed on drop: it may be a private key).
pub(crate) struct Block {
    label: String,
    der: Zeroizing<Vec<u8>>,
}

/// Decodes the one PEM block of `text`.
pub(crate) fn decode(text: &str) -> Result<Block, KeyError> {
    let normalized = Zeroizing::new(
        text.trim()
            .lines()
            .map(str::trim_end)
            .collect::<Vec<_>>()
            .join("\n"),
    );
    let bytes = normalized.as_bytes();
    let mut decoder = pem_rfc7468::Decoder::new_detect_wrap(bytes)
        .map_err(|e| KeyError::InvalidPem(e.to_string()))?;
    let label = decoder.type_label().to_owned();
    let mut der = Zeroizing::new(Vec::new());
    decoder
        .decode_to_end(&mut der)
        .map_err(|e| KeyError::InvalidPem(e.to_string()))?;
    Ok(Block { label, der })
}

impl Block {
    /// The private key in this block.
    pub(crate) fn private(&self) -> Result<PrivateDer<'_>, KeyError> {
        match self.label.as_str() {
            "PRIVATE KEY" => Ok(PrivateDer::Pkcs8(&self.der)),
            "RSA PRIVATE KEY" => Ok(PrivateDer::Pkcs1(&self.der)),
            "EC PRIVATE KEY" => Ok(PrivateDer::Sec1(&self.der)),
            other => Err(unsupported(
                other,
                "PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY",
            )),
        }
    }

    /// The public key in this block.
    pub(crate) fn public(&self) -> Result<PublicDer<'_>, KeyError> {
        match self.label.as_str() {
            "PUBLIC KEY" => Ok(PublicDer::Spki(&self.der)),
            "RSA PUBLIC KEY" => Ok(PublicDer::Pkcs1(&self.der)),
            other => Err(unsupported(other, "PUBLIC KEY or RSA PUBLIC KEY")),
        }
    }
}

fn unsupported(label: &str, expected: &str) -> KeyError {
    let hint = match label {
        "ENCRYPTED PRIVATE KEY" => {
            "; encrypted keys are not read: decrypt it first (openssl pkey -in key.pem -out plain.pem)"
        }
        "CERTIFICATE" => "; give the certificate's public key (openssl x509 -pubkey -noout)",
        l if l.contains("PRIVATE") => "; a private key was given where a public key is expected",
        _ => "",
    };
    KeyError::InvalidPem(format!(
        "the PEM block is {label:?}, expected {expected}{hint}"
    ))
}
