//! Errors for the stages that can refuse to analyse: configuration and trust stores.
//!
//! A certificate problem is never an `Err` here: it is a [`Finding`](crate::Finding) in a
//! [`Report`](crate::Report). `Err` means certdeps could not analyse at all.

use thiserror::Error;

use crate::endpoint::EndpointError;
use crate::input::InputError;

/// A trust store could not be built.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The bundle decoded, but a certificate in it cannot be a trust anchor.
    #[error("certificate {index} of the trust store cannot be a trust anchor: {reason}")]
    BadAnchor {
        /// 1-based position of the certificate in the bundle.
        index: usize,
        /// What webpki said about it.
        reason: String,
    },
    /// The operating system's store could not be read, or held nothing usable.
    #[error("native trust store: {reason}")]
    Native {
        /// What went wrong, from `rustls-native-certs`.
        reason: String,
    },
    /// The bundle itself could not be decoded.
    #[error("trust store: {0}")]
    Input(#[from] InputError),
}

/// A [`VerifierBuilder`](crate::VerifierBuilder) was given a configuration that cannot work.
#[derive(Debug, Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// No trust store holds any anchor, so nothing could ever be trusted.
    #[error(
        "no trust anchors: every configured trust store is empty; add roots or use the Mozilla store"
    )]
    NoAnchors,
    /// Two stores share a name, so a report could not say which one trusts a chain.
    #[error("two trust stores are both named {name:?}; give each store its own name")]
    DuplicateStoreName {
        /// The repeated name.
        name: String,
    },
    /// rustls cannot build a verifier or client from this configuration (feature `rustls`):
    /// a supplied CRL its webpki cannot read, say, which certdeps alone would report on every
    /// check as `crl-unusable`.
    #[error("rustls cannot use this configuration: {reason}")]
    Rustls {
        /// What rustls said.
        reason: String,
    },
}

/// Everything the one-call entry points ([`crate::check`]) can fail with.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum Error {
    /// The certificate bytes could not be decoded.
    #[error(transparent)]
    Input(#[from] InputError),
    /// The endpoint could not be parsed.
    #[error(transparent)]
    Endpoint(#[from] EndpointError),
    /// A trust store could not be built.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The verifier configuration is unusable.
    #[error(transparent)]
    Config(#[from] ConfigError),
}
