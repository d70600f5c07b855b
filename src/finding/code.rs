//! The finding codes: the stable names a program branches on, and each one's severity.

use std::fmt;

use super::Severity;

/// A stable, kebab-case finding code ([`Code::as_str`]); the catalog is the README's "Finding codes" table.
///
/// Codes keep their meaning forever; new ones may be added, so a `match` needs a wildcard
/// arm. A program branches on codes, never on the finding's sentences, which may be
/// reworded:
///
/// ```
/// use certdeps::{Code, Severity};
///
/// assert_eq!(Code::IncompleteChain.as_str(), "incomplete-chain");
/// assert_eq!(Code::IncompleteChain.severity(), Severity::Error);
/// assert_eq!(Code::ExpiresSoon.severity(), Severity::Warning);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Code {
    /// The server sends the root itself (harmless, wasted bytes).
    AnchorIncluded,
    /// A signature on the path does not verify.
    BadSignature,
    /// Path building hit a work limit before finding an answer.
    BudgetExceeded,
    /// The leaf is a CA certificate (basicConstraints cA=TRUE); clients refuse it as a leaf.
    CaUsedAsLeaf,
    /// What the endpoint presents differs from its committed snapshot (a manifest check,
    /// `certdeps::manifest`): a new leaf, key, issuer, root, or intermediates. A warning:
    /// rotation is normal, but it is when a chain that worked starts to fail.
    CertificateChanged,
    /// The presented issuers are not in leaf-to-root order.
    ChainOutOfOrder,
    /// A supplied CRL could not be used (expired, bad signature, unsupported form).
    CrlUnusable,
    /// The same certificate is presented more than once.
    DuplicateCertificate,
    /// A certificate on the path is past its notAfter.
    Expired,
    /// An expired certificate is presented but not needed.
    ExpiredInChain,
    /// A certificate on the path expires within the warning horizon.
    ExpiresSoon,
    /// Presented certificates that are on no path.
    ExtraCertificates,
    /// The server omitted issuer(s) between what it sent and any anchor.
    IncompleteChain,
    /// The first presented certificate is not the end-entity.
    LeafNotFirst,
    /// A presented certificate does not parse.
    MalformedCertificate,
    /// An issuer's name constraints exclude the leaf's names.
    NameConstraints,
    /// The endpoint host is not among the leaf's subjectAltNames.
    NameMismatch,
    /// The server presented no certificate at all.
    NoCertificates,
    /// The server ended a live probe's handshake before its certificates because it shares
    /// no cipher suite (or key exchange group, or signature scheme) with a strict client.
    NoCommonCipher,
    /// A certificate used as an issuer is not a CA.
    NotACa,
    /// A certificate on the path is before its notBefore.
    NotYetValid,
    /// A pathLenConstraint is exceeded.
    PathLength,
    /// The server ended a live probe's handshake before its certificates because it speaks
    /// only TLS versions a strict client refuses (TLS 1.0 or 1.1, deprecated by [RFC 8996]).
    ///
    /// [RFC 8996]: https://www.rfc-editor.org/rfc/rfc8996
    ProtocolVersion,
    /// webpki refused for a reason certdeps has no specific code for (its words are kept).
    Rejected,
    /// CRLs were supplied, but none covers a certificate on the path: its revocation status
    /// is unknown. A warning: certdeps allows unknown status, as rustls does by default.
    RevocationUnknown,
    /// A supplied CRL revokes a certificate on the path.
    Revoked,
    /// The leaf is self-signed and not itself trusted.
    SelfSigned,
    /// A signature or key algorithm strict clients refuse.
    UnsupportedAlgorithm,
    /// The path ends in a root that no configured store trusts.
    UntrustedRoot,
    /// certdeps' own stages contradict webpki's verdict: a certdeps bug, surfaced. A warning:
    /// the verdict stays webpki's, and an untrusted report also carries webpki's reason as an
    /// error finding.
    VerifierDisagreement,
    /// The leaf's extended key usage excludes TLS server authentication.
    WrongPurpose,
}

impl Code {
    /// Every code, in catalog order.
    pub const ALL: &'static [Self] = &[
        Self::AnchorIncluded,
        Self::BadSignature,
        Self::BudgetExceeded,
        Self::CaUsedAsLeaf,
        Self::CertificateChanged,
        Self::ChainOutOfOrder,
        Self::CrlUnusable,
        Self::DuplicateCertificate,
        Self::Expired,
        Self::ExpiredInChain,
        Self::ExpiresSoon,
        Self::ExtraCertificates,
        Self::IncompleteChain,
        Self::LeafNotFirst,
        Self::MalformedCertificate,
        Self::NameConstraints,
        Self::NameMismatch,
        Self::NoCertificates,
        Self::NoCommonCipher,
        Self::NotACa,
        Self::NotYetValid,
        Self::PathLength,
        Self::ProtocolVersion,
        Self::Rejected,
        Self::RevocationUnknown,
        Self::Revoked,
        Self::SelfSigned,
        Self::UnsupportedAlgorithm,
        Self::UntrustedRoot,
        Self::VerifierDisagreement,
        Self::WrongPurpose,
    ];

    /// The stable kebab-case identifier, as in the JSON report.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AnchorIncluded => "anchor-included",
            Self::BadSignature => "bad-signature",
            Self::BudgetExceeded => "budget-exceeded",
            Self::CaUsedAsLeaf => "ca-used-as-leaf",
            Self::CertificateChanged => "certificate-changed",
            Self::ChainOutOfOrder => "chain-out-of-order",
            Self::CrlUnusable => "crl-unusable",
            Self::DuplicateCertificate => "duplicate-certificate",
            Self::Expired => "expired",
            Self::ExpiredInChain => "expired-in-chain",
            Self::ExpiresSoon => "expires-soon",
            Self::ExtraCertificates => "extra-certificates",
            Self::IncompleteChain => "incomplete-chain",
            Self::LeafNotFirst => "leaf-not-first",
            Self::MalformedCertificate => "malformed-certificate",
            Self::NameConstraints => "name-constraints",
            Self::NameMismatch => "name-mismatch",
            Self::NoCertificates => "no-certificates",
            Self::NoCommonCipher => "no-common-cipher",
            Self::NotACa => "not-a-ca",
            Self::NotYetValid => "not-yet-valid",
            Self::PathLength => "path-length",
            Self::ProtocolVersion => "protocol-version",
            Self::Rejected => "rejected",
            Self::RevocationUnknown => "revocation-unknown",
            Self::Revoked => "revoked",
            Self::SelfSigned => "self-signed",
            Self::UnsupportedAlgorithm => "unsupported-algorithm",
            Self::UntrustedRoot => "untrusted-root",
            Self::VerifierDisagreement => "verifier-disagreement",
            Self::WrongPurpose => "wrong-purpose",
        }
    }

    /// How serious a finding with this code is.
    pub fn severity(self) -> Severity {
        match self {
            Self::CertificateChanged
            | Self::ChainOutOfOrder
            | Self::ExpiredInChain
            | Self::ExpiresSoon
            | Self::RevocationUnknown
            | Self::VerifierDisagreement => Severity::Warning,
            Self::AnchorIncluded | Self::DuplicateCertificate | Self::ExtraCertificates => {
                Severity::Info
            }
            Self::BadSignature
            | Self::BudgetExceeded
            | Self::CaUsedAsLeaf
            | Self::CrlUnusable
            | Self::Expired
            | Self::IncompleteChain
            | Self::LeafNotFirst
            | Self::MalformedCertificate
            | Self::NameConstraints
            | Self::NameMismatch
            | Self::NoCertificates
            | Self::NoCommonCipher
            | Self::NotACa
            | Self::NotYetValid
            | Self::PathLength
            | Self::ProtocolVersion
            | Self::Rejected
            | Self::Revoked
            | Self::SelfSigned
            | Self::UnsupportedAlgorithm
            | Self::UntrustedRoot
            | Self::WrongPurpose => Severity::Error,
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(feature = "json")]
impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}
