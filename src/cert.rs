//! Certificates as certdeps reads them: a cheap zero-copy [`Skim`] for the hot path, and a
//! full [`Description`] (via x509-cert) only when something must be explained.
//!
//! webpki decides trust but exposes no validity dates, SAN lists or display names, so the
//! description comes from x509-cert; x509-cert never decides trust.

use sha2::{Digest, Sha256};

mod description;
mod dn;
mod extension_values;
mod extensions;
/// PEM text of DER certificates with LF line endings, one block after another: the form a
/// chain file and a trust store import take ([RFC 7468 section 5.1]).
///
/// [RFC 7468 section 5.1]: https://www.rfc-editor.org/rfc/rfc7468#section-5.1
pub(crate) fn pem_text<'a>(ders: impl IntoIterator<Item = &'a [u8]>) -> String {
    let config = pem::EncodeConfig::new().set_line_ending(pem::LineEnding::LF);
    ders.into_iter()
        .map(|der| pem::encode_config(&pem::Pem::new("CERTIFICATE", der.to_vec()), config))
        .collect()
}

#[cfg(test)]
mod fixtures;
mod skim;
mod time;

/// Crate-internal callers that wrap header-less contents find it here, beside the
/// certificate fields they wrap.
pub(crate) use crate::der::sequence_tlv;
pub use description::Description;
pub(crate) use description::signed_with_sha1;
pub(crate) use dn::{attribute_values, name_text, organisations};
pub(crate) use skim::{Skim, ValidityAt};
pub(crate) use time::format_time;
#[cfg(feature = "json")]
pub(crate) use time::serialize_time;

/// SHA-256 of `bytes` as lowercase hex.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Lowercase hex, no separators.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    // A table, not `write!`: every description formats several fingerprints and key ids.
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_is_lowercase_and_padded() {
        assert_eq!(hex(&[0x00, 0x0a, 0xff]), "000aff");
    }
}
