//! The stable finding codes: every variant's string, its severity, and their shape.

use std::collections::HashSet;

use certdeps::{Code, Severity};

/// The catalog as the README's "Finding codes" table promises it: these strings never change.
const PINNED: &[(Code, &str, Severity)] = &[
    (Code::AnchorIncluded, "anchor-included", Severity::Info),
    (Code::BadSignature, "bad-signature", Severity::Error),
    (Code::BudgetExceeded, "budget-exceeded", Severity::Error),
    (Code::CaUsedAsLeaf, "ca-used-as-leaf", Severity::Error),
    (
        Code::CertificateChanged,
        "certificate-changed",
        Severity::Warning,
    ),
    (
        Code::ChainOutOfOrder,
        "chain-out-of-order",
        Severity::Warning,
    ),
    (Code::CrlUnusable, "crl-unusable", Severity::Error),
    (
        Code::DuplicateCertificate,
        "duplicate-certificate",
        Severity::Info,
    ),
    (Code::Expired, "expired", Severity::Error),
    (Code::ExpiredInChain, "expired-in-chain", Severity::Warning),
    (Code::ExpiresSoon, "expires-soon", Severity::Warning),
    (
        Code::ExtraCertificates,
        "extra-certificates",
        Severity::Info,
    ),
    (Code::IncompleteChain, "incomplete-chain", Severity::Error),
    (Code::LeafNotFirst, "leaf-not-first", Severity::Error),
    (
        Code::MalformedCertificate,
        "malformed-certificate",
        Severity::Error,
    ),
    (Code::NameConstraints, "name-constraints", Severity::Error),
    (Code::NameMismatch, "name-mismatch", Severity::Error),
    (Code::NoCertificates, "no-certificates", Severity::Error),
    (Code::NoCommonCipher, "no-common-cipher", Severity::Error),
    (Code::NotACa, "not-a-ca", Severity::Error),
    (Code::NotYetValid, "not-yet-valid", Severity::Error),
    (Code::PathLength, "path-length", Severity::Error),
    (Code::ProtocolVersion, "protocol-version", Severity::Error),
    (Code::Rejected, "rejected", Severity::Error),
    (
        Code::RevocationUnknown,
        "revocation-unknown",
        Severity::Warning,
    ),
    (Code::Revoked, "revoked", Severity::Error),
    (Code::SelfSigned, "self-signed", Severity::Error),
    (
        Code::UnsupportedAlgorithm,
        "unsupported-algorithm",
        Severity::Error,
    ),
    (Code::UntrustedRoot, "untrusted-root", Severity::Error),
    (
        Code::VerifierDisagreement,
        "verifier-disagreement",
        Severity::Warning,
    ),
    (Code::WrongPurpose, "wrong-purpose", Severity::Error),
];

#[test]
fn every_code_is_pinned() {
    let all: Vec<Code> = Code::ALL.to_vec();
    let pinned: Vec<Code> = PINNED.iter().map(|(c, _, _)| *c).collect();
    assert_eq!(
        all, pinned,
        "Code::ALL and the pinned table differ (order included)"
    );
    for &(code, text, severity) in PINNED {
        assert_eq!(code.as_str(), text, "{code:?}");
        assert_eq!(code.to_string(), text, "Display of {code:?}");
        assert_eq!(code.severity(), severity, "{code:?}");
    }
}

#[test]
fn codes_are_kebab_case_and_unique() {
    let mut seen = HashSet::new();
    for code in Code::ALL {
        let s = code.as_str();
        assert!(
            !s.is_empty() && !s.starts_with('-') && !s.ends_with('-'),
            "{s}"
        );
        assert!(!s.contains("--"), "{s}");
        assert!(
            s.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
            "{s} is not kebab-case"
        );
        assert!(seen.insert(s), "{s} is used twice");
    }
    assert_eq!(seen.len(), Code::ALL.len());
}

#[test]
fn catalog_order_is_alphabetical() {
    let strings: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    let mut sorted = strings.clone();
    sorted.sort_unstable();
    assert_eq!(strings, sorted);
}

#[test]
fn design_catalog_severities() {
    // The README's table: the warnings and infos; everything else it lists is an error.
    let warnings = [
        Code::ExpiresSoon,
        Code::ChainOutOfOrder,
        Code::ExpiredInChain,
    ];
    let infos = [
        Code::ExtraCertificates,
        Code::AnchorIncluded,
        Code::DuplicateCertificate,
    ];
    for code in warnings {
        assert_eq!(code.severity(), Severity::Warning, "{code}");
    }
    for code in infos {
        assert_eq!(code.severity(), Severity::Info, "{code}");
    }
    assert!(Severity::Error < Severity::Warning && Severity::Warning < Severity::Info);
}

#[cfg(feature = "json")]
#[test]
fn codes_serialize_as_their_string() {
    for code in Code::ALL {
        let json = serde_json::to_value(code).unwrap();
        assert_eq!(json, serde_json::Value::String(code.as_str().to_owned()));
    }
}
