//! The oracle every differential test compares certdeps with: raw rustls-webpki, called the
//! way a rustls client calls it. It is deliberately written against webpki directly, not
//! through certdeps, so that it stays an independent second opinion.
#![allow(unreachable_pub)] // shared by test crates that include it as a private module

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
