//! The report: verdict, certificates, path, anchor and findings, for people (`Display`) and
//! programs (accessors, JSON).

use std::borrow::Cow;
use std::fmt;
use std::sync::{Arc, OnceLock};

use pki_types::{CertificateDer, UnixTime};
use smallvec::SmallVec;

use crate::cert::{Description, Skim, format_time, pem_text, sha256_hex};
use crate::endpoint::Endpoint;
use crate::finding::{Code, Evidence, Finding, Severity};
use crate::presented::Presented;
use crate::store::{Anchor, StoreKind};
use crate::verdict::Verdict;

/// Where a certificate on the reported path came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "json", derive(serde::Serialize))]
#[cfg_attr(feature = "json", serde(rename_all = "lowercase"))]
#[non_exhaustive]
pub enum PathSource {
    /// Presented by the server.
    Presented,
    /// Taken from the intermediate pool (the server should have sent it).
    Pool,
    /// Fetched from an AIA caIssuers URL.
    Aia,
    /// The trust anchor.
    Anchor,
}

/// One certificate on the reported path, leaf first, anchor last.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "json", derive(serde::Serialize))]
#[non_exhaustive]
pub struct PathElement {
    /// Where it came from.
    pub source: PathSource,
    /// Position in the presented list (presented) or in the pool (pool); `None` for the
    /// anchor and for a certificate fetched by AIA ([`Report::aia_fetches`] says where from).
    pub index: Option<usize>,
    /// Subject name.
    pub subject: String,
    /// SHA-256 of the certificate (of the anchor's certificate when known, else of its
    /// SubjectPublicKeyInfo).
    pub sha256: String,
}

/// The anchor that ends the path.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "json", derive(serde::Serialize))]
#[non_exhaustive]
pub struct AnchorSummary {
    /// Anchor subject name.
    pub subject: String,
    /// The kind of store holding it.
    pub store: StoreKind,
    /// The store's name.
    pub store_name: String,
}

/// The complete chain a server should serve, when the intermediate pool completed what it
/// presented: the leaf, then each intermediate in issuing order, without the root (a client
/// holds it already, [RFC 8446 section 4.4.2]) and without extras or duplicates.
///
/// Made from the report's path, the same path webpki would build once the server sends it.
///
/// [RFC 8446 section 4.4.2]: https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FixedChain {
    certificates: Vec<CertificateDer<'static>>,
}

impl FixedChain {
    /// The certificates, leaf first.
    pub fn certificates(&self) -> &[CertificateDer<'static>] {
        &self.certificates
    }

    /// The chain as PEM text, leaf first: the whole chain file to serve, replacing the old
    /// one rather than appended to it.
    pub fn to_pem(&self) -> String {
        pem_text(self.certificates.iter().map(AsRef::as_ref))
    }
}

/// A root that ends the path but that no configured store holds, known because the server
/// presented it or the pool held it: the certificate the client owner would import to trust
/// the endpoint, once they have checked its fingerprint out of band.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RootToImport {
    /// Its subject name, RFC 4514.
    pub subject: String,
    /// SHA-256 of the certificate, lowercase hex: what to compare before importing it.
    pub sha256: String,
    /// The certificate.
    pub certificate: CertificateDer<'static>,
}

impl RootToImport {
    /// The certificate as PEM text, the form trust stores import.
    pub fn to_pem(&self) -> String {
        pem_text([self.certificate.as_ref()])
    }
}

/// The verdict of one trust store on its own, when a verifier has several: webpki run again
/// with only that store's anchors, so that "trusted by the Mozilla roots, not by the custom
/// store" is one check.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct StoreVerdict {
    /// The store's name.
    pub name: String,
    /// The kind of store.
    pub kind: StoreKind,
    /// webpki's verdict with that store's anchors alone.
    pub verdict: Verdict,
}

/// Judges each store's own verdict for a report; the verifier makes it, since only it
/// holds the stores.
pub(crate) type StoreJudge = dyn Fn(&Report) -> Vec<StoreVerdict> + Send + Sync;

/// Each store's own verdict ([`Report::store_verdicts`]), judged on first read: a check
/// with several stores runs webpki once, as with one, unless the per-store verdicts are
/// asked for (by a program, or by writing the report).
#[derive(Clone, Default)]
pub(crate) struct StoreVerdicts {
    /// `None` with one store: its verdict is the report's.
    judge: Option<Arc<StoreJudge>>,
    judged: OnceLock<Vec<StoreVerdict>>,
}

impl StoreVerdicts {
    pub(crate) fn judged_by(judge: Arc<StoreJudge>) -> Self {
        Self {
            judge: Some(judge),
            judged: OnceLock::new(),
        }
    }
}

impl fmt::Debug for StoreVerdicts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.judged.get() {
            Some(judged) => judged.fmt(f),
            None if self.judge.is_some() => f.write_str("(not judged yet)"),
            None => f.write_str("[]"),
        }
    }
}

/// A report's findings: in place for the usual one or two of a failing check, so that
/// reporting them costs no allocation.
pub(crate) type Findings = SmallVec<[Finding; 2]>;

/// A report's path, leaf first: in place for the usual leaf, intermediate and root.
pub(crate) type PathEntries = SmallVec<[PathEntry; 3]>;

#[derive(Clone, Debug)]
pub(crate) struct PathEntry {
    pub(crate) source: PathSource,
    pub(crate) index: Option<usize>,
    /// The certificate, when it is not `presented[index]` (a pool certificate).
    pub(crate) der: Option<CertificateDer<'static>>,
}

/// The anchor ending the path: `anchors[index]` of the store named `store_name`, shared
/// with the store rather than copied.
#[derive(Clone, Debug)]
pub(crate) struct AnchorEntry {
    pub(crate) store: StoreKind,
    pub(crate) store_name: Arc<str>,
    pub(crate) anchors: Arc<[Anchor]>,
    pub(crate) index: usize,
}

impl AnchorEntry {
    /// Subject name contents (no SEQUENCE header), as webpki holds it.
    pub(crate) fn subject(&self) -> &[u8] {
        self.anchors.get(self.index).map_or(&[], Anchor::subject)
    }

    /// SubjectPublicKeyInfo contents (no SEQUENCE header).
    pub(crate) fn spki(&self) -> &[u8] {
        self.anchors.get(self.index).map_or(&[], Anchor::spki)
    }

    /// The certificate the anchor came from, when there was one.
    pub(crate) fn certificate(&self) -> Option<&CertificateDer<'static>> {
        self.anchors.get(self.index)?.certificate()
    }
}

/// The answer to "will a strict TLS client trust this endpoint, and if not, why?".
#[derive(Clone, Debug)]
pub struct Report {
    pub(crate) endpoint: Option<Endpoint>,
    pub(crate) at: UnixTime,
    pub(crate) verdict: Verdict,
    pub(crate) presented: Presented,
    pub(crate) path: PathEntries,
    pub(crate) anchor: Option<AnchorEntry>,
    pub(crate) findings: Findings,
    /// One verdict per store, when there is more than one (none otherwise), on first read.
    pub(crate) stores: StoreVerdicts,
    /// Every caIssuers URL AIA completion tried (empty when it did not run).
    pub(crate) aia: Vec<AiaFetch>,
    pub(crate) descriptions: OnceLock<Vec<Option<Description>>>,
    /// What the probe learnt, for a probed endpoint.
    pub(crate) connection: Option<Box<Connection>>,
}

impl Report {
    /// Whether a strict client trusts the endpoint (webpki's verdict on exactly what the
    /// server presented, plus the leaf-key check).
    pub fn is_trusted(&self) -> bool {
        self.verdict.is_trusted()
    }

    /// The verdict itself, with webpki's reason when it refused.
    pub fn verdict(&self) -> &Verdict {
        &self.verdict
    }

    /// The endpoint checked, when one was given.
    pub fn endpoint(&self) -> Option<&Endpoint> {
        self.endpoint.as_ref()
    }

    /// The verification time.
    pub fn at(&self) -> UnixTime {
        self.at
    }

    /// How the connection went, for the report of a probed endpoint
    /// ([`crate::probe::check_live`]); `None` for a chain checked offline.
    pub fn connection(&self) -> Option<&Connection> {
        self.connection.as_deref()
    }

    /// The report of a server whose handshake ended before it sent any certificate, for
    /// `finding`'s reason: that finding is the whole diagnosis, since no chain was presented
    /// (`no-certificates` would blame a chain the server never reached).
    #[cfg(feature = "probe")]
    pub(crate) fn refused_handshake(mut self, finding: Finding) -> Self {
        self.findings.clear();
        self.findings.push(finding);
        self
    }

    /// The report with what the probe learnt.
    #[cfg(feature = "probe")]
    pub(crate) fn with_connection(mut self, connection: Connection) -> Self {
        self.connection = Some(Box::new(connection));
        self
    }

    /// Every finding, most severe first.
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// Findings of severity error.
    pub fn errors(&self) -> impl Iterator<Item = &Finding> + '_ {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
    }

    /// The first finding with this code.
    pub fn finding(&self, code: Code) -> Option<&Finding> {
        self.findings.iter().find(|f| f.code == code)
    }

    /// Adds a finding made after the check (a manifest's comparison with a snapshot), in
    /// its place among the findings, which stay most severe first.
    #[cfg(feature = "manifest")]
    pub(crate) fn add_finding(&mut self, finding: Finding) {
        let at = self
            .findings
            .iter()
            .position(|f| f.severity > finding.severity)
            .unwrap_or(self.findings.len());
        self.findings.insert(at, finding);
    }

    /// Whether any finding has this code.
    pub fn has(&self, code: Code) -> bool {
        self.finding(code).is_some()
    }

    /// The codes of all findings, in report order. Allocates a `Vec` on each call;
    /// `findings().iter().map(|f| f.code)` reads them in place.
    pub fn codes(&self) -> Vec<Code> {
        self.findings.iter().map(|f| f.code).collect()
    }

    /// The certificates as presented, in the server's order, borrowed from the report (which
    /// keeps them all in one buffer).
    ///
    /// ```
    /// # use certdeps::{TrustStore, Verifier};
    /// # use pki_types::CertificateDer;
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let verifier = Verifier::builder(TrustStore::mozilla()).build()?;
    /// let sent = [CertificateDer::from(&b"not a certificate"[..])];
    /// let report = verifier.check_chain(&sent, pki_types::UnixTime::now());
    /// assert!(report.presented_der().eq(sent.iter().cloned()));
    /// # Ok(()) }
    /// ```
    pub fn presented_der(&self) -> impl ExactSizeIterator<Item = CertificateDer<'_>> + '_ {
        self.presented.iter().map(CertificateDer::from)
    }

    /// A description of each presented certificate; `None` where one does not parse.
    pub fn presented(&self) -> &[Option<Description>] {
        self.descriptions.get_or_init(|| {
            self.presented
                .iter()
                .map(|der| Description::new(&CertificateDer::from(der)).ok())
                .collect()
        })
    }

    /// The description of presented certificate `i`: the one [`Report::presented`] keeps
    /// once it has made them all, else made now and not kept, so that writing the report of
    /// a list of thousands never holds a description of each.
    fn description(&self, i: usize) -> Option<Cow<'_, Description>> {
        match self.descriptions.get() {
            Some(all) => all.get(i)?.as_ref().map(Cow::Borrowed),
            None => Description::new(&self.presented.der(i)?)
                .ok()
                .map(Cow::Owned),
        }
    }

    /// The path from the leaf to the anchor (or as far as it goes), each with its source.
    ///
    /// Built on each call: every element's subject is written out and its certificate
    /// hashed, so a caller that reads it more than once should keep the result.
    pub fn path(&self) -> Vec<PathElement> {
        let mut out: Vec<PathElement> = self
            .path
            .iter()
            .map(|entry| {
                let der = self.entry_der(entry);
                PathElement {
                    source: entry.source,
                    index: entry.index,
                    subject: Skim::new(der).map_or_else(
                        |_| "(unparsable certificate)".to_owned(),
                        |skim| name_to_string(skim.subject),
                    ),
                    sha256: sha256_hex(der),
                }
            })
            .collect();
        if let Some(anchor) = &self.anchor {
            out.push(PathElement {
                source: PathSource::Anchor,
                index: None,
                subject: name_to_string(anchor.subject()),
                sha256: match anchor.certificate() {
                    Some(cert) => sha256_hex(cert.as_ref()),
                    None => sha256_hex(anchor.spki()),
                },
            });
        }
        out
    }

    /// The certificate of a path entry: its own copy (a pool certificate), else the
    /// presented one it points at.
    fn entry_der<'a>(&'a self, entry: &'a PathEntry) -> &'a [u8] {
        match (&entry.der, entry.index) {
            (Some(der), _) => der.as_ref(),
            (None, Some(i)) => self.presented.get(i).unwrap_or_default(),
            (None, None) => &[][..],
        }
    }

    /// The complete chain the server should serve, when the intermediate pool or AIA
    /// completion completed the path to a configured anchor: `None` when the path needs
    /// nothing from either (the chain is complete, or its fault is elsewhere) or neither
    /// could complete it.
    ///
    /// Serving it fixes `incomplete-chain`; the verdict stays what the server sends today.
    pub fn fixed_chain(&self) -> Option<FixedChain> {
        let anchor = self.anchor.as_ref()?;
        let borrowed = |e: &PathEntry| matches!(e.source, PathSource::Pool | PathSource::Aia);
        if !self.path.iter().any(borrowed) {
            return None;
        }
        let root = anchor.certificate().map(AsRef::as_ref);
        let mut certificates: Vec<CertificateDer<'static>> = Vec::with_capacity(self.path.len());
        for entry in &self.path {
            let der = self.entry_der(entry);
            let served = entry.source == PathSource::Presented || borrowed(entry);
            if served && Some(der) != root && !certificates.iter().any(|c| c.as_ref() == der) {
                certificates.push(CertificateDer::from(der.to_vec()));
            }
        }
        Some(FixedChain { certificates })
    }

    /// The root to import, when the path ends in a self-issued CA certificate that no
    /// configured store holds (an `untrusted-root` report) and the server presented it, the
    /// pool held it or AIA fetched it. `None` when the root is not known: then only its name is, in the
    /// finding.
    pub fn root_to_import(&self) -> Option<RootToImport> {
        if self.anchor.is_some() || !self.has(Code::UntrustedRoot) || self.path.len() < 2 {
            return None;
        }
        let der = self.entry_der(self.path.last()?);
        let skim = Skim::new(der).ok()?;
        if !(skim.is_ca() && skim.is_self_issued()) {
            return None;
        }
        Some(RootToImport {
            subject: name_to_string(skim.subject),
            sha256: sha256_hex(der),
            certificate: CertificateDer::from(der.to_vec()),
        })
    }

    /// Every caIssuers URL that AIA completion tried, in order, with the issuer each served
    /// or why it served none ([`crate::VerifierBuilder::with_aia`]). Empty when AIA did not
    /// run: it is off, or nothing was missing, or the certificate missing its issuer names
    /// no URL.
    pub fn aia_fetches(&self) -> &[AiaFetch] {
        &self.aia
    }

    /// Each store's own verdict, in the order the stores were given, when the verifier has
    /// more than one; empty with one store (its verdict is [`Report::verdict`]). The overall
    /// verdict is trusted when any store's is. They are judged on the first call (webpki
    /// runs once more for each store but the one whose anchor ends a trusted path), so a
    /// check that never asks pays nothing for them.
    pub fn store_verdicts(&self) -> &[StoreVerdict] {
        self.stores.judged.get_or_init(|| {
            self.stores
                .judge
                .as_ref()
                .map_or_else(Vec::new, |j| j(self))
        })
    }

    /// The anchor that ends the path, when there is one.
    ///
    /// Built on each call (the subject is written out and the store name copied); the
    /// store that holds it is [`crate::Verifier::stores`].
    pub fn anchor(&self) -> Option<AnchorSummary> {
        self.anchor.as_ref().map(|a| AnchorSummary {
            subject: name_to_string(a.subject()),
            store: a.store.clone(),
            store_name: a.store_name.to_string(),
        })
    }

    /// Panics with the whole human-readable report unless the endpoint is trusted; for tests
    /// in services that call an endpoint.
    ///
    /// ```should_panic
    /// # let report = certdeps::Verifier::builder(certdeps::TrustStore::mozilla()).build()
    /// #     .unwrap().check_chain(&[], certdeps::UnixTime::since_unix_epoch(
    /// #         std::time::Duration::from_secs(1_780_272_000)));
    /// report.assert_trusted(); // panics: "no-certificates"
    /// ```
    #[track_caller]
    pub fn assert_trusted(&self) {
        if !self.is_trusted() {
            panic!("endpoint is not trusted by a strict TLS client:\n{self}");
        }
    }

    /// Panics with the whole report when any finding is a warning or an error: stricter than
    /// [`Report::assert_trusted`], which an `expires-soon` or `chain-out-of-order` warning
    /// passes silently. Info findings (`anchor-included`, ...) pass.
    ///
    /// ```should_panic
    /// # let report = certdeps::Verifier::builder(certdeps::TrustStore::mozilla()).build()
    /// #     .unwrap().check_chain(&[], certdeps::UnixTime::now());
    /// report.assert_no_warnings(); // panics: "no-certificates" is an error
    /// ```
    #[track_caller]
    pub fn assert_no_warnings(&self) {
        let codes: Vec<Code> = (self.findings.iter())
            .filter(|f| f.severity != Severity::Info)
            .map(|f| f.code)
            .collect();
        if !codes.is_empty() {
            panic!("expected no warning or error, got {codes:?}:\n{self}");
        }
    }

    /// Panics with the whole report when a finding with `code` is present.
    #[track_caller]
    pub fn assert_no_finding(&self, code: Code) {
        if self.has(code) {
            panic!("expected no `{code}` finding, got one:\n{self}");
        }
    }

    /// One line for a log or a list of endpoints: the endpoint as given, the verdict and
    /// every finding's code in report order, e.g.
    /// `https://mail.contoso.test/: NOT TRUSTED (incomplete-chain, anchor-included)`.
    pub fn summary(&self) -> String {
        let endpoint = self
            .endpoint
            .as_ref()
            .map_or("(chain, no host)", Endpoint::input);
        let verdict = if self.is_trusted() {
            "TRUSTED"
        } else {
            "NOT TRUSTED"
        };
        let codes: Vec<&str> = self.findings.iter().map(|f| f.code.as_str()).collect();
        if codes.is_empty() {
            format!("{endpoint}: {verdict}")
        } else {
            format!("{endpoint}: {verdict} ({})", codes.join(", "))
        }
    }

    /// Why this report, made for a time ahead of `earlier`'s, is not trusted, in the future
    /// tense: `expired` at the later time means the certificate *will have expired* by
    /// then, not that the clock is wrong.
    pub(crate) fn look_ahead_failure(&self, earlier: &Self) -> String {
        let mut out = format!(
            "endpoint is trusted at {} but will not be at {}:\n",
            format_time(earlier.at),
            format_time(self.at)
        );
        for finding in self.errors() {
            match (finding.code, &finding.evidence) {
                (Code::Expired, Evidence::Validity { not_after, .. }) => {
                    let described = finding
                        .certificate
                        .and_then(|i| Some((i, self.description(i)?)));
                    let who = match described {
                        Some((i, d)) => format!("certificate [{i}] {}", d.subject),
                        None => "a certificate on the path".to_owned(),
                    };
                    out.push_str(&format!(
                        "  - {who} will have expired by {} (valid until {})\n",
                        format_time(self.at),
                        format_time(*not_after)
                    ));
                }
                (code, _) => out.push_str(&format!("  - {code}: {}\n", finding.message())),
            }
        }
        out.push_str(&format!(
            "the report at {}:\n{earlier}",
            format_time(earlier.at)
        ));
        out
    }

    /// Panics with the whole report unless a finding with `code` is present.
    #[track_caller]
    pub fn assert_finding(&self, code: Code) {
        if !self.has(code) {
            panic!(
                "expected a `{code}` finding, got {:?}:\n{self}",
                self.codes()
            );
        }
    }

    /// The version of the JSON schema [`Report::to_json`] writes, its `schema_version` field.
    /// Fields are added without a new version and never renamed or removed; the version
    /// changes only if a field's meaning does.
    pub const JSON_SCHEMA_VERSION: u32 = 1;

    /// The report as JSON, in the schema the README documents ("JSON report"); the
    /// `schema_version` field is [`Report::JSON_SCHEMA_VERSION`].
    #[cfg(feature = "json")]
    pub fn to_json(&self) -> serde_json::Value {
        json::report(self)
    }
}

mod connection;
mod fetched;
mod human;
mod profiles;

pub use fetched::{AiaFailure, AiaFetch, FetchedIssuer};

pub use connection::{Connection, Timings};

/// A Name's contents (webpki's form, no SEQUENCE header) as an RFC 4514 string.
pub(crate) fn name_to_string(contents: &[u8]) -> String {
    crate::cert::name_text(contents)
}

#[cfg(feature = "json")]
mod json;
