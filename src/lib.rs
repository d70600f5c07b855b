//! # certdeps
//!
//! Will a strict TLS client trust this outbound endpoint, and if not, exactly why and what
//! fixes it?
//!
//! Give certdeps the URL a service calls and the certificates the server presents; it runs
//! rustls-webpki as a strict client would (that is the verdict), then explains a refusal with
//! stable finding codes: `incomplete-chain` (which intermediate is missing, and where to get
//! it), `self-signed`, `untrusted-root` (import which root), `name-mismatch`, `expired`, ...
//!
//! ```
//! use certdeps::{Code, Endpoint, TrustStore, UnixTime, Verifier};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let pem = rcgen::generate_simple_self_signed(vec!["mail.contoso.test".into()])?.cert.pem();
//! // What the server presents, as a PEM bundle (leaf first).
//! let presented = certdeps::decode_certificates(pem.as_bytes())?;
//! let endpoint = Endpoint::parse("https://mail.contoso.test/EWS/Exchange.asmx")?;
//! let verifier = Verifier::builder(TrustStore::mozilla()).build()?;
//! // Time is a parameter: 2026-06-01T00:00:00Z.
//! let at = UnixTime::since_unix_epoch(std::time::Duration::from_secs(1_780_272_000));
//! let report = verifier.check(&endpoint, &presented, at);
//! assert!(!report.is_trusted());
//! assert!(report.has(Code::SelfSigned));
//! println!("{report}");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # }
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod anchor;
mod cache;
mod cert;
mod chain;
mod config;
mod crl;
mod der;
mod diagnose;
mod endpoint;
mod error;
mod finding;
mod host;
mod input;
mod key;
mod name;
mod pool;
mod presented;
mod report;
mod store;
#[cfg(test)]
mod testdata;
mod verdict;
mod verifier;

pub use anchor::{AnchorMatch, match_anchor};
pub use cache::CacheStats;
pub use cert::Description;
pub use chain::{Assembly, Budget, Link, Source, assemble};
pub use endpoint::{Endpoint, EndpointError, Host, Protocol, Tls};
pub use error::{ConfigError, Error, StoreError};
pub use finding::{Code, Evidence, Finding, Severity};
pub use host::match_endpoint;
pub use input::{
    InputError, decode_certificates, decode_crls, decode_pem_certificates, read_certificates,
};
pub use key::PublicKey;
pub use name::{NameMatch, San, match_host};
pub use pki_types::{CertificateDer, CertificateRevocationListDer, UnixTime};
pub use pool::Pool;
pub use report::{
    AnchorSummary, FixedChain, PathElement, PathSource, Report, RootToImport, StoreVerdict,
};
pub use store::{Anchor, StoreKind, TrustStore};
pub use verdict::{MAX_PRESENTED_BYTES, Rejection, Verdict};
pub use verifier::{Verifier, VerifierBuilder};

/// The README's examples, compiled and run as doctests so that they cannot drift.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

/// Checks `presented` (PEM or DER bytes, leaf first) for `url` against the Mozilla roots at
/// the current time: the one-call entry point.
pub fn check(url: &str, presented: &[u8]) -> Result<Report, Error> {
    let endpoint = Endpoint::parse(url)?;
    let certs = decode_certificates(presented)?;
    let verifier = Verifier::builder(TrustStore::mozilla()).build()?;
    Ok(verifier.check_now(&endpoint, &certs))
}
