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
//! // A fixed time keeps a test from rotting; a service's own test would use `UnixTime::now()`.
//! let at = UnixTime::since_unix_epoch(Duration::from_secs(1_800_000_000)); // 2027-01-15
//! let report = verifier.check(&endpoint, &presented, at);
//! report.assert_trusted();
//! report.assert_no_warnings(); // `expires-soon` would fail here
//! report.assert_no_finding(Code::ChainOutOfOrder);
//! // Still trusted in 30 days: checked again at that time.
//! let month = Duration::from_secs(30 * 86_400);
//! verifier.assert_trusted_for(&endpoint, &presented, at, month);
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
//! use std::time::Duration;
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
//! let at = UnixTime::since_unix_epoch(Duration::from_secs(1_800_000_000)); // 2027-01-15
//! let report = verifier.check(&endpoint, &presented, at);
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
//! - `probe` (default): [`probe`], the live probe that captures what a server presents.
//! - `rustls` (default): [`rustls`], a rustls server certificate verifier that keeps rustls'
//!   verdict and explains its refusals, a ready `ClientConfig` for HTTP clients, and
//!   [`report_of`], which finds the report in the error a client returns.
//! - `aia` (default): [`Aia`] and [`VerifierBuilder::with_aia`], which fetch a missing
//!   intermediate from its AIA caIssuers URL over HTTP (ureq, no TLS stack) to name the
//!   fix; off in a `Verifier` until turned on, and never part of the verdict.
//! - `manifest` (default): [`manifest`], every outbound dependency in one TOML file, with
//!   committed snapshots, CI outputs and a one-line test assertion.
//! - `cli`: the `certdeps` command-line tool (`cargo install certdeps --features cli`).
//!
//! ## The command-line tool
//!
//! The `certdeps` binary, and the repository's `check` example (the same code plus a demo),
//! are the same check from a shell: exit status 0 trusted, 1 not trusted, 2 unreadable
//! input or an endpoint that could not be probed.
//!
//! ```console
//! cargo run --example check -- --url https://mail.contoso.test/        # probes it
//! cargo run --example check -- --deps certdeps.toml --offline          # a manifest
//! openssl s_client -connect mail.contoso.test:443 -showcerts </dev/null > chain.pem
//! cargo run --example check -- --url https://mail.contoso.test/ chain.pem
//! cargo run --example check -- --intermediates pool.pem --fixed-chain fixed.pem chain.pem
//! cargo run --example check -- --help
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

#[cfg(feature = "aia")]
mod aia;
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
mod profile;
#[cfg(any(feature = "probe", feature = "rustls"))]
mod provider;
mod report;
#[cfg(feature = "rustls")]
pub mod rustls;
mod store;
#[cfg(test)]
mod testdata;
mod verdict;
mod verifier;

#[cfg(feature = "aia")]
pub use aia::{Aia, InvalidProxy};
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
pub use profile::{Acceptance, DefaultStore, Profile, ProfileOutcome, Sha1Policy};
pub use report::{
    AiaFailure, AiaFetch, AnchorSummary, Connection, FetchedIssuer, FixedChain, PathElement,
    PathSource, Report, RootToImport, StoreVerdict, Timings,
};
pub use store::{Anchor, StoreKind, TrustStore};
pub use verdict::{MAX_PRESENTED_BYTES, Rejection, Verdict};
pub use verifier::{Verifier, VerifierBuilder};

/// The README's examples, compiled and run as doctests so that they cannot drift.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

/// The [`Report`] inside an error a TLS client returned, when certdeps'
/// [`ExplainingVerifier`](rustls::ExplainingVerifier) refused the server's chain.
///
/// It follows `source()`, and also `io::Error::get_ref()`, because `io::Error::source()`
/// skips the error it wraps: reqwest, hyper-util and tokio-rustls put rustls' error in one
/// or two `io::Error`s (reqwest, then hyper-util, `io::Error`, `io::Error`, `rustls::Error`).
/// rustls' `Error` has no `source()`, so its `Other` errors are opened here.
///
/// ```
/// use std::io;
///
/// let plain = io::Error::other("connection reset");
/// assert!(certdeps::report_of(&plain).is_none());
/// ```
#[cfg(feature = "rustls")]
pub fn report_of<'a>(error: &'a (dyn std::error::Error + 'static)) -> Option<&'a Report> {
    /// Far more links than any real error has; a cycle of `source()`s must still end.
    const MAX_LINKS: usize = 64;
    let mut next = Some(error);
    for _ in 0..MAX_LINKS {
        let error = next?;
        if let Some(failure) = rustls::failure_in(error) {
            return Some(failure.report());
        }
        next = match error.downcast_ref::<std::io::Error>() {
            Some(io) => match io.get_ref() {
                Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
                None => error.source(),
            },
            None => error.source(),
        };
    }
    None
}

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
