//! The oracle every differential test compares certdeps with: raw rustls-webpki, called the
//! way a rustls client calls it ([`raw_webpki`]), and what every certdeps report must keep
//! against its verdict ([`assert_report`]).
//!
//! Shared as an ordinary dependency by certdeps' integration tests (the findings scenarios,
//! the property, adversarial and x509-limbo suites) and by the fuzz targets, so that all of
//! them hold certdeps to one contract. [`raw_webpki`] is written against webpki directly, not
//! through certdeps, so that it stays an independent second opinion; only [`assert_report`]
//! reads a certdeps [`Report`].
//!
//! That makes this crate a dev-dependency of certdeps that depends on certdeps. Integration
//! tests link the one certdeps library, so the types agree; certdeps' own unit tests are a
//! second copy of the crate, so they must not use this one (its `Report` would be another
//! type). The certificate generator, which unit tests may need, is kept free of certdeps for
//! that reason.
#![forbid(unsafe_code)]

use certdeps::{Code, Report, Severity};
use pki_types::{CertificateDer, ServerName, TrustAnchor, UnixTime};

/// The certificate signature algorithms of rustls' default provider configuration (ring):
/// ECDSA P-256/P-384 with SHA-256/384, Ed25519, RSA PKCS#1 and PSS with 2048-8192 bit keys.
pub static ALGS: &[&dyn pki_types::SignatureVerificationAlgorithm] = &[
    webpki::ring::ECDSA_P256_SHA256,
    webpki::ring::ECDSA_P256_SHA384,
    webpki::ring::ECDSA_P384_SHA256,
    webpki::ring::ECDSA_P384_SHA384,
    webpki::ring::ED25519,
    webpki::ring::RSA_PKCS1_2048_8192_SHA256,
    webpki::ring::RSA_PKCS1_2048_8192_SHA384,
    webpki::ring::RSA_PKCS1_2048_8192_SHA512,
    webpki::ring::RSA_PSS_2048_8192_SHA256_LEGACY_KEY,
    webpki::ring::RSA_PSS_2048_8192_SHA384_LEGACY_KEY,
    webpki::ring::RSA_PSS_2048_8192_SHA512_LEGACY_KEY,
];

/// Raw rustls-webpki on exactly what was presented (`presented[0]` is the leaf): the chain
/// with server-auth EKU, then, when a name is given, the name.
pub fn raw_webpki(
    presented: &[CertificateDer<'_>],
    anchors: &[TrustAnchor<'_>],
    name: Option<&ServerName<'_>>,
    revocation: Option<webpki::RevocationOptions<'_>>,
    now: UnixTime,
) -> Result<(), webpki::Error> {
    let (leaf, intermediates) = presented.split_first().ok_or(webpki::Error::BadDer)?;
    let leaf = webpki::EndEntityCert::try_from(leaf)?;
    leaf.verify_for_usage(
        ALGS,
        anchors,
        intermediates,
        now,
        webpki::KeyUsage::server_auth(),
        revocation,
        None,
    )?;
    if let Some(name) = name {
        leaf.verify_is_valid_for_subject_name(name)?;
    }
    Ok(())
}

/// The properties every report keeps, against raw webpki's verdict on the same input (`raw`
/// is `None` when the list is over certdeps' limits and webpki was not run):
///
/// - the verdict is webpki's, except that certdeps may refuse a leaf key no rustls handshake
///   can use (`unsupported-algorithm`, with the key named) and refuses oversized lists
///   (`budget-exceeded`);
/// - a trusted report has no error finding; an untrusted one has at least one;
/// - the report renders as text and JSON.
pub fn assert_report(report: &Report, raw: Option<&Result<(), webpki::Error>>) {
    match raw {
        None => {
            assert!(
                !report.is_trusted(),
                "over the limits, yet trusted:\n{report}"
            );
            assert!(report.has(Code::BudgetExceeded), "{report}");
        }
        Some(Ok(())) if !report.is_trusted() => {
            let rejection = report.verdict().rejection();
            assert!(
                rejection
                    .is_some_and(|r| r.code == Code::UnsupportedAlgorithm && r.leaf_key.is_some()),
                "webpki trusts it, certdeps does not:\n{report}"
            );
        }
        Some(Err(e)) => assert!(
            !report.is_trusted(),
            "certdeps trusts what webpki rejects ({e:?}):\n{report}"
        ),
        Some(Ok(())) => {}
    }
    let errors: Vec<Code> = report
        .findings()
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| f.code)
        .collect();
    if report.is_trusted() {
        assert!(
            errors.is_empty(),
            "trusted with errors {errors:?}:\n{report}"
        );
    } else {
        assert!(
            !errors.is_empty(),
            "untrusted with no error finding:\n{report}"
        );
    }
    let _ = report.to_string();
    let _ = report.to_json().to_string();
}
