//! The crypto provider of rustls' handshakes (the live probe's and the verifier's), chosen
//! by the same feature as webpki's in [`crate::verdict`]: `aws-lc-rs` when it is on, `ring`
//! otherwise, so that one build never mixes two.

use ::rustls::crypto::CryptoProvider;

/// rustls' default provider of the crypto backend the features select.
pub(crate) fn default_provider() -> CryptoProvider {
    #[cfg(feature = "aws-lc-rs")]
    return ::rustls::crypto::aws_lc_rs::default_provider();
    #[cfg(all(feature = "ring", not(feature = "aws-lc-rs")))]
    return ::rustls::crypto::ring::default_provider();
}
