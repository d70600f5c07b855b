//! # certdeps
//!
//! Will a strict TLS client trust this outbound endpoint, and if not, exactly why and what
//! fixes it?
//!
//! Give certdeps the URL a service calls and the certificates the server presents; it runs
//! rustls-webpki as a strict client would (that is the verdict), then explains a refusal with
//! stable finding codes: `incomplete-chain` (which intermediate is missing, and the complete
//! file to serve), `self-signed`, `untrusted-root` (the root to import), `name-mismatch`,
//! `expired`, ... A refusal is data, a [`Report`]; `Err` only means the input could not be
//! read.
//!
//! The examples use a small private PKI kept in the repository (`tests/data/contoso`):
//! "Contoso Root CA" issues "Contoso Issuing CA", which issues a leaf for
//! `mail.contoso.test`.
//!
//! ## A chain file, for a URL
//!
//! [`check`] takes the chain file's bytes (PEM or DER, leaf first) and checks it against the
//! Mozilla roots now. No Mozilla root issued this private chain, so the report says which
//! root ends it and that it is no store's:
//!
//! ```
//! use certdeps::Code;
//!
//! let chain = concat!(
//!     include_str!("../tests/data/contoso/leaf.pem"),
//!     include_str!("../tests/data/contoso/intermediate.pem"),
//!     include_str!("../tests/data/contoso/root.pem"),
//! );
//! let report = certdeps::check("https://mail.contoso.test/EWS/Exchange.asmx", chain.as_bytes())?;
//! assert!(!report.is_trusted());
//! assert!(report.has(Code::UntrustedRoot));
//! let root = report.root_to_import().expect("the server presented its root");
//! assert_eq!(root.subject, "CN=Contoso Root CA");
//! println!("{report}"); // for people; `report.to_json()` for programs
//! # Ok::<(), certdeps::Error>(())
//! ```
//!
//! ## Assertions for a service's tests
//!
//! A [`Verifier`] is built once with its trust stores and options. The assertions panic with
//! the whole report, so a failing test says what is wrong and who fixes it:
//!
//! ```
//! use std::time::Duration;
//! use certdeps::{Code, Endpoint, TrustStore, UnixTime, Verifier};
//!
//! let root = include_str!("../tests/data/contoso/root.pem");
//! let served = concat!(
//!     include_str!("../tests/data/contoso/leaf.pem"),
//!     include_str!("../tests/data/contoso/intermediate.pem"),
//! );
//! let verifier = Verifier::builder(TrustStore::from_pem(root.as_bytes())?).build()?;
//! let endpoint = Endpoint::parse("https://mail.contoso.test/")?;
//! let presented = certdeps::decode_certificates(served.as_bytes())?;
//!
//! let report = verifier.check(&endpoint, &presented, UnixTime::now());
//! report.assert_trusted();
//! report.assert_no_warnings(); // `expires-soon` would fail here
//! report.assert_no_finding(Code::ChainOutOfOrder);
//! // Still trusted in 30 days: checked again at that time.
//! let month = Duration::from_secs(30 * 86_400);
//! verifier.assert_trusted_for(&endpoint, &presented, UnixTime::now(), month);
//! assert_eq!(report.summary(), "https://mail.contoso.test/: TRUSTED");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## The intermediate pool
//!
//! A server that sends only its leaf works in browsers (they fetch or cache the
//! intermediate) and fails in strict clients. A [`Pool`] of known intermediates never makes
//! it trusted, but completes the path, so the report names the missing certificate and
//! gives the complete file to serve:
//!
//! ```
//! use certdeps::{Code, Endpoint, Pool, TrustStore, UnixTime, Verifier};
//!
//! let root = include_str!("../tests/data/contoso/root.pem");
//! let intermediate = include_str!("../tests/data/contoso/intermediate.pem");
//! let leaf = include_str!("../tests/data/contoso/leaf.pem");
//! let verifier = Verifier::builder(TrustStore::from_pem(root.as_bytes())?)
//!     .with_intermediates(Pool::from_pem(intermediate.as_bytes())?)
//!     .build()?;
//! let endpoint = Endpoint::parse("mail.contoso.test")?;
//! let presented = certdeps::decode_certificates(leaf.as_bytes())?;
//!
//! let report = verifier.check(&endpoint, &presented, UnixTime::now());
//! assert!(!report.is_trusted());
//! assert!(report.has(Code::IncompleteChain));
//! let fixed = report.fixed_chain().expect("the pool completes the chain");
//! assert_eq!(fixed.to_pem(), format!("{leaf}{intermediate}"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Features
//!
//! - `aws-lc-rs` (default) or `ring`: the crypto provider webpki verifies signatures with;
//!   the verdict is the same with either.
//! - `json` (default): [`Report::to_json`], in the schema the README documents.
//! - `native-roots`: the operating system's trust store, `TrustStore::native`.
//! - `manifest` (default): [`manifest`], every outbound dependency in one TOML file, with
//!   committed snapshots, CI outputs and a one-line test assertion.
//!
//! ## The command-line tool
//!
//! The repository's `check` example is the same check from a shell: exit status 0 trusted,
//! 1 not trusted, 2 unreadable input.
//!
//! ```console
//! openssl s_client -connect mail.contoso.test:443 -showcerts </dev/null > chain.pem
//! cargo run --example check -- --url https://mail.contoso.test/ chain.pem
//! cargo run --example check -- --intermediates pool.pem --fixed-chain fixed.pem chain.pem
//! cargo run --example check -- --help
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
#[cfg(feature = "manifest")]
pub mod manifest;
mod name;
mod pool;
mod presented;
#[cfg(feature = "probe")]
pub mod probe;
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
pub use finding::{Actor, Code, Evidence, Finding, Severity};
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
///
/// ```
/// // Leaf and intermediate, without the private root: incomplete for the Mozilla roots.
/// let chain = concat!(
///     include_str!("../tests/data/contoso/leaf.pem"),
///     include_str!("../tests/data/contoso/intermediate.pem"),
/// );
/// let report = certdeps::check("https://mail.contoso.test/", chain.as_bytes())?;
/// assert!(report.has(certdeps::Code::IncompleteChain));
/// // Unreadable input is the only `Err`.
/// assert!(certdeps::check("https://mail.contoso.test/", b"not a certificate").is_err());
/// # Ok::<(), certdeps::Error>(())
/// ```
pub fn check(url: &str, presented: &[u8]) -> Result<Report, Error> {
    let endpoint = Endpoint::parse(url)?;
    let certs = decode_certificates(presented)?;
    let verifier = Verifier::builder(TrustStore::mozilla()).build()?;
    Ok(verifier.check_now(&endpoint, &certs))
}
