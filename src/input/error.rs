//! What went wrong with the input, in words a user can act on.

use std::io;
use std::path::PathBuf;
use std::sync::Arc;

/// Why the input could not be decoded into certificates or CRLs.
///
/// Block numbers are 1-based and count every PEM block in the order it appears, including
/// skipped ones; offsets are byte offsets into the input as given (a byte-order mark counts).
///
/// Equality compares an [`Io`](Self::Io) error by path and [`io::ErrorKind`], since
/// `io::Error` itself has no equality.
#[derive(Clone, Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InputError {
    /// A block's content is not one well-formed DER `SEQUENCE`: wrong tag, indefinite or
    /// non-minimal length, truncated, or followed by trailing bytes. Only this outer structure is
    /// checked here ([X.690 section 10.1]); certificate parsing happens later.
    ///
    /// [X.690 section 10.1]: https://www.itu.int/rec/T-REC-X.690
    #[error("{}", located("DER", *.block, *.offset, .reason))]
    Der {
        /// The PEM block holding the bad content, or `None` when the input itself is DER.
        block: Option<usize>,
        /// For a PEM block, the byte offset of its `BEGIN` line (the reason gives the position
        /// inside the decoded content); for DER input, the byte offset of the problem.
        offset: usize,
        /// What is wrong and how to fix it.
        reason: String,
    },

    /// The input is empty.
    #[error("no input: the file is empty")]
    Empty,

    /// A PKCS #7 bundle holds no certificate (its optional `certificates` field is absent or
    /// empty, [RFC 5652 section 5.1]).
    ///
    /// [RFC 5652 section 5.1]: https://www.rfc-editor.org/rfc/rfc5652#section-5.1
    #[error(
        "the PKCS #7 bundle{} holds no certificates; pass the bundle or PEM file that holds \
         the chain",
        in_block(*.block)
    )]
    EmptyPkcs7 {
        /// The PEM block holding the bundle, or `None` when the input itself is DER.
        block: Option<usize>,
    },

    /// The input parsed as PEM but holds no certificate block (for example only a private key).
    #[error("{}", none_found_message("CERTIFICATE", *.blocks, .labels))]
    NoCertificates {
        /// How many PEM blocks the input holds.
        blocks: usize,
        /// The distinct labels seen, in order of first appearance (at most 16).
        labels: Vec<String>,
    },

    /// The input parsed as PEM but holds no `X509 CRL` block.
    #[error("{}", none_found_message("X509 CRL", *.blocks, .labels))]
    NoCrls {
        /// How many PEM blocks the input holds.
        blocks: usize,
        /// The distinct labels seen, in order of first appearance (at most 16).
        labels: Vec<String>,
    },

    /// The input is neither PEM nor DER.
    #[error(
        "no PEM or DER data: the input is {what}; expected PEM blocks (-----BEGIN CERTIFICATE-----) \
         or one DER structure (first byte 0x30)"
    )]
    NotCertificateData {
        /// What the input looks like instead, such as "only whitespace".
        what: &'static str,
    },

    /// A PKCS #7 certs-only bundle (`.p7b`, `.p7c`, or a `PKCS7` / `CMS` PEM block) is
    /// malformed: a `ContentInfo` or `SignedData` field is missing, has the wrong tag or does
    /// not fit ([RFC 5652 section 5.1]), or an entry of its certificates is not an X.509
    /// certificate.
    ///
    /// [RFC 5652 section 5.1]: https://www.rfc-editor.org/rfc/rfc5652#section-5.1
    #[error("{}", located("PKCS #7 bundle", *.block, *.offset, .reason))]
    Pkcs7 {
        /// The PEM block holding the bundle, or `None` when the input itself is DER.
        block: Option<usize>,
        /// For a PEM block, the byte offset of its `BEGIN` line (the reason gives the position
        /// inside the decoded bundle); for DER input, the byte offset of the problem.
        offset: usize,
        /// What is wrong and how to fix it.
        reason: String,
    },

    /// Malformed PEM: bad base64, a missing or malformed `END` line, an `END` label that differs
    /// from the `BEGIN` label, a `BEGIN` line inside a block, or an `END` line outside one
    /// ([RFC 7468 section 2], [RFC 7468 section 3]).
    ///
    /// [RFC 7468 section 2]: https://www.rfc-editor.org/rfc/rfc7468#section-2
    /// [RFC 7468 section 3]: https://www.rfc-editor.org/rfc/rfc7468#section-3
    #[error("malformed PEM block {block} at byte {offset}: {reason}")]
    Pem {
        /// The offending block.
        block: usize,
        /// The byte offset of the block's `BEGIN` line, or of the `END` line when it has none.
        offset: usize,
        /// What is wrong, where inside the block, and how to fix it.
        reason: String,
    },

    /// The file could not be read ([`read_certificates`](crate::read_certificates)).
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The file, as given.
        path: PathBuf,
        /// What the operating system reported; shared so that the error stays `Clone`.
        #[source]
        source: Arc<io::Error>,
    },

    /// A certificate handed to one of the stages ([`crate::assemble`], [`crate::match_anchor`],
    /// [`crate::match_endpoint`], [`crate::Description::new`]) is not an X.509 certificate
    /// certdeps can read ([RFC 5280 section 4.1]). A whole check never fails this way: there
    /// an unreadable certificate is a finding.
    ///
    /// [RFC 5280 section 4.1]: https://www.rfc-editor.org/rfc/rfc5280#section-4.1
    #[error("certificate {index} does not parse at byte {offset}: {reason}")]
    Certificate {
        /// Position of the certificate in the list it was given in (0 when given alone).
        index: usize,
        /// Byte offset of the problem inside that certificate's DER.
        offset: usize,
        /// What the DER decoder said.
        reason: String,
    },

    /// The input is larger than the limit of 64 MiB.
    #[error(
        "input too large: {len} bytes is more than the {max}-byte limit; a certificate chain is a \
         few kilobytes, so check that this is the right file"
    )]
    TooLarge {
        /// The input's length in bytes.
        len: usize,
        /// The limit in bytes: 64 MiB.
        max: usize,
    },
}

impl PartialEq for InputError {
    fn eq(&self, other: &Self) -> bool {
        use InputError::{
            Certificate, Der, Empty, EmptyPkcs7, Io, NoCertificates, NoCrls, NotCertificateData,
            Pem, Pkcs7, TooLarge,
        };
        // Exhaustive on `self`, so that a new variant cannot be forgotten here.
        match self {
            Der {
                block,
                offset,
                reason,
            } => matches!(other, Der { block: b, offset: o, reason: r }
                if block == b && offset == o && reason == r),
            Certificate {
                index,
                offset,
                reason,
            } => matches!(other, Certificate { index: i, offset: o, reason: r }
                if index == i && offset == o && reason == r),
            Empty => matches!(other, Empty),
            EmptyPkcs7 { block } => matches!(other, EmptyPkcs7 { block: b } if block == b),
            Io { path, source } => matches!(other, Io { path: p, source: s }
                if path == p && source.kind() == s.kind()),
            NoCertificates { blocks, labels } => {
                matches!(other, NoCertificates { blocks: b, labels: l }
                if blocks == b && labels == l)
            }
            NoCrls { blocks, labels } => matches!(other, NoCrls { blocks: b, labels: l }
                if blocks == b && labels == l),
            NotCertificateData { what } => {
                matches!(other, NotCertificateData { what: w } if what == w)
            }
            Pem {
                block,
                offset,
                reason,
            } => matches!(other, Pem { block: b, offset: o, reason: r }
                if block == b && offset == o && reason == r),
            Pkcs7 {
                block,
                offset,
                reason,
            } => matches!(other, Pkcs7 { block: b, offset: o, reason: r }
                if block == b && offset == o && reason == r),
            TooLarge { len, max } => {
                matches!(other, TooLarge { len: l, max: m } if len == l && max == m)
            }
        }
    }
}

impl Eq for InputError {}

impl InputError {
    /// Certificate `index` failed to decode with `error`: its position inside the DER, when
    /// the decoder knows it, and the decoder's words.
    pub(crate) fn certificate(index: usize, error: &der::Error) -> Self {
        Self::Certificate {
            index,
            offset: error
                .position()
                .map_or(0, |p| usize::try_from(u32::from(p)).unwrap_or(0)),
            reason: error.kind().to_string(),
        }
    }
}

fn located(what: &str, block: Option<usize>, offset: usize, reason: &str) -> String {
    match block {
        Some(block) => format!("malformed {what} in PEM block {block} at byte {offset}: {reason}"),
        None => format!("malformed {what} at byte {offset}: {reason}"),
    }
}

fn in_block(block: Option<usize>) -> String {
    block.map_or_else(String::new, |block| format!(" in PEM block {block}"))
}

fn none_found_message(wanted: &str, blocks: usize, labels: &[String]) -> String {
    let plural = if blocks == 1 { "" } else { "s" };
    let hint = labels
        .iter()
        .find_map(|label| label_hint(wanted, label))
        .unwrap_or(match wanted {
            "CERTIFICATE" => "pass the certificates the server presents (e.g. fullchain.pem)",
            _ => "pass -----BEGIN X509 CRL----- blocks or one DER CRL",
        });
    format!(
        "no {wanted} block among the {blocks} PEM block{plural} in the input (labels seen: {}); \
         {hint}",
        labels.join(", ")
    )
}

/// A fix for the common case where the user passed the wrong kind of PEM file.
fn label_hint(wanted: &str, label: &str) -> Option<&'static str> {
    Some(match (wanted, label) {
        ("CERTIFICATE", label) if label.ends_with("PRIVATE KEY") => {
            "this is a private key: pass the certificate chain the server presents \
             (e.g. fullchain.pem), not its key"
        }
        ("CERTIFICATE", "CERTIFICATE REQUEST" | "NEW CERTIFICATE REQUEST") => {
            "a certificate request is not a certificate: pass the certificate the CA issued"
        }
        ("CERTIFICATE", "X509 CRL") => "this is a CRL: decode it as a CRL, not as certificates",
        ("X509 CRL", "CERTIFICATE") => "these are certificates: pass the CRL file instead",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::tests::{not_data, pem_error};

    #[test]
    fn messages_are_specific() {
        let cases = [
            (InputError::Empty, "no input: the file is empty"),
            (
                pem_error(2, 1234, "reason"),
                "malformed PEM block 2 at byte 1234: reason",
            ),
            (
                InputError::Der {
                    block: Some(3),
                    offset: 99,
                    reason: "reason".to_owned(),
                },
                "malformed DER in PEM block 3 at byte 99: reason",
            ),
            (
                InputError::Der {
                    block: None,
                    offset: 7,
                    reason: "reason".to_owned(),
                },
                "malformed DER at byte 7: reason",
            ),
            (
                InputError::NoCertificates {
                    blocks: 1,
                    labels: vec!["PRIVATE KEY".to_owned()],
                },
                "no CERTIFICATE block among the 1 PEM block in the input (labels seen: PRIVATE \
                 KEY); this is a private key: pass the certificate chain the server presents \
                 (e.g. fullchain.pem), not its key",
            ),
            (
                InputError::Pkcs7 {
                    block: None,
                    offset: 4,
                    reason: "reason".to_owned(),
                },
                "malformed PKCS #7 bundle at byte 4: reason",
            ),
            (
                InputError::EmptyPkcs7 { block: Some(2) },
                "the PKCS #7 bundle in PEM block 2 holds no certificates; pass the bundle or PEM \
                 file that holds the chain",
            ),
            (
                InputError::NoCrls {
                    blocks: 1,
                    labels: vec!["CERTIFICATE".to_owned()],
                },
                "no X509 CRL block among the 1 PEM block in the input (labels seen: \
                 CERTIFICATE); these are certificates: pass the CRL file instead",
            ),
            (
                not_data("only whitespace"),
                "no PEM or DER data: the input is only whitespace; expected PEM blocks \
                 (-----BEGIN CERTIFICATE-----) or one DER structure (first byte 0x30)",
            ),
            (
                InputError::TooLarge { len: 100, max: 10 },
                "input too large: 100 bytes is more than the 10-byte limit; a certificate chain \
                 is a few kilobytes, so check that this is the right file",
            ),
        ];
        for (error, message) in cases {
            assert_eq!(error.to_string(), message);
        }
    }
}
