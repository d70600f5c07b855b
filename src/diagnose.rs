//! Diagnosis: turns webpki's single verdict plus certdeps' own stages (assembly, anchor
//! matching, host matching, validity) into the full list of findings.
//!
//! On a trusted chain only the cheap hygiene checks run, on skimmed fields; certificates are
//! fully decoded only when a finding needs to name them. webpki reports one "most specific"
//! error, so after a failure every stage is asked for everything it can see.
//!
//! A failing check runs a handful of the stages below, and in a loop the code it runs must
//! share the instruction cache with webpki's parser: with every stage inlined into one
//! 30 KB function, a failing check missed the 32 KB L1 instruction cache about 550 times
//! (callgrind's cache model). So the stages are kept out of line, and those that only run for
//! one rare cause are `#[cold]`.
//!
//! Every message names the certificates involved (`leaf [0] "CN=..."`), and every finding
//! names who acts ([`Actor`]), whose words begin its remediation: the `server operator`
//! (what the server sends), the `client owner` (trust store, CRLs, the URL it calls) or the
//! `issuing CA` (what only the CA can reissue).
//!
//! This module runs the stages and records their findings; each stage lives in a submodule
//! named after what it checks (`leaf`, `path`, `issuer`, `constraints`, `revocation`,
//! `hygiene`), `private_root` weighs who acts on an issuer nothing supplies, `primary` falls
//! back to webpki's own reason, and `words` holds the wording they share.

mod borrowed;
mod constraints;
mod hygiene;
mod issuer;
mod leaf;
mod path;
mod primary;
mod private_root;
mod revocation;
mod seen;
mod signature;
mod words;

use std::cell::OnceCell;
use std::sync::Arc;

use pki_types::{CertificateDer, UnixTime};
use smallvec::SmallVec;

use crate::anchor::AnchorMatch;
use crate::cert::{Description, Skim, sha256_hex};
use crate::chain::{Path, Source, assemble_skims};
use crate::config::Config;
use crate::endpoint::Endpoint;
use crate::finding::{Actor, Code, Evidence, Finding, Severity, Text};
use crate::presented::Presented;
use crate::report::{AnchorEntry, Findings, PathEntries, PathEntry, PathSource};
use crate::verdict::Verdict;

pub(crate) use borrowed::Fetched;
use leaf::First;
use seen::Seen;
use words::{Label, Role, counted};

/// One check's diagnosis: what the stages read, and the findings they have recorded so far.
pub(crate) struct Diagnosis<'p> {
    config: &'p Config,
    endpoint: Option<&'p Endpoint>,
    /// The presented certificates, shared with the report and the findings' deferred text.
    presented: &'p Presented,
    /// One per presented certificate; `None` where it does not skim. Usually two or three.
    /// Made by the caller ([`crate::presented::skim_all`]) and lent, so that a stage can hold a skim while it
    /// records a finding, and no stage copies one out.
    skims: &'p [Option<Skim<'p>>],
    verdict: &'p Verdict,
    now: UnixTime,
    /// Full descriptions, for the rare stages that need more than the skimmed fields; the
    /// table itself is made on first use.
    described: OnceCell<Box<[OnceCell<Option<Description>>]>>,
    findings: Findings,
    /// What `findings` holds, by (code, certificate), so that recording one is O(1).
    seen: Seen,
    /// What AIA completion fetched, when it ran ([`Diagnosis::with_fetched`]).
    fetched: Option<&'p Fetched>,
}

type Outcome = (PathEntries, Option<AnchorEntry>, Findings);

/// How many findings of one per-certificate code are given one by one; the rest are counted
/// in one ([`Diagnosis::push_each`]). Ten make the point on a pathological list and keep a
/// report a screen long.
const PER_CERTIFICATE: usize = 10;

/// Positions in the presented list: a path is a few certificates long.
type Positions = SmallVec<[usize; 8]>;

impl<'p> Diagnosis<'p> {
    pub(crate) fn new(
        config: &'p Config,
        endpoint: Option<&'p Endpoint>,
        presented: &'p Presented,
        skims: &'p [Option<Skim<'p>>],
        verdict: &'p Verdict,
        now: UnixTime,
    ) -> Self {
        Self {
            config,
            endpoint,
            presented,
            skims,
            verdict,
            now,
            described: OnceCell::new(),
            findings: Findings::new(),
            seen: Seen::default(),
            fetched: None,
        }
    }

    /// Lets the diagnosis complete the chain with what AIA completion fetched, in place of
    /// the configured pool (which `fetched` includes).
    pub(crate) fn with_fetched(mut self, fetched: Option<&'p Fetched>) -> Self {
        self.fetched = fetched;
        self
    }

    pub(crate) fn run(mut self) -> Outcome {
        if self.presented.is_empty() {
            self.push(
                Code::NoCertificates,
                None,
                Actor::ServerOperator,
                "the server presented no certificate".to_owned(),
                "server operator: configure the TLS listener with a certificate and its chain"
                    .to_owned(),
                Evidence::None,
            );
            return (PathEntries::new(), None, self.findings);
        }
        let outcome = match self.verdict.trusted_path() {
            Some(trusted) => {
                let leaf_and_issuers =
                    std::iter::once(0).chain(trusted.intermediates.iter().copied());
                let on_path = leaf_and_issuers.collect::<Positions>();
                let on_path = &*on_path;
                let anchor = self.config.owner(trusted.anchor);
                self.hygiene(on_path, true);
                self.revocation_coverage(on_path);
                (
                    self.presented_entries(on_path),
                    anchor.and_then(|a| self.anchor_entry(a)),
                )
            }
            None => self.untrusted(),
        };
        self.findings.sort_by_key(|f| f.severity);
        if !self.verdict.is_trusted()
            && !self.findings.iter().any(|f| f.severity == Severity::Error)
        {
            // Fail loudly rather than print an untrusted report with nothing wrong in it.
            self.primary_fallback();
            self.findings.sort_by_key(|f| f.severity);
        }
        (outcome.0, outcome.1, self.findings)
    }

    // ---- the untrusted path -------------------------------------------------------------

    fn untrusted(&mut self) -> (PathEntries, Option<AnchorEntry>) {
        let verdict = self.verdict;
        let Some(rejection) = verdict.rejection() else {
            return (PathEntries::new(), None);
        };
        self.malformed();
        let first = self.first();
        let assembly = assemble_skims(self.skims, None, self.config.stores(), self.config.budget());
        let path = assembly.as_ref().map(|a| &a.best);
        // The path to show, when the pool completes it; otherwise `path`.
        let mut completed_path = None;
        let mut shown_anchor = None;
        if let Some(AnchorMatch::Anchored { store, anchor }) = path.map(|p| p.end) {
            shown_anchor = self.anchor_entry((store, anchor));
        }
        let before = self.findings.len();
        match rejection.code {
            Code::BadSignature => self.bad_signature(path),
            Code::BudgetExceeded => self.path_budget(path, rejection),
            Code::CaUsedAsLeaf => self.ca_used_as_leaf(first, rejection),
            Code::CrlUnusable => self.crl_unusable(path, rejection),
            Code::Expired | Code::NotYetValid => self.validity(path),
            Code::IncompleteChain => {
                if let Some(assembly) = &assembly {
                    if let Some((path, anchor)) = self.chain_end(assembly, true) {
                        completed_path = Some(path);
                        shown_anchor = anchor;
                    }
                }
            }
            Code::MalformedCertificate => {
                if !self.has(Code::MalformedCertificate) {
                    // Every certificate parses: webpki's BadDer is about a CRL.
                    self.crl_unusable(path, rejection);
                }
            }
            Code::NameConstraints => self.name_constraints(path, shown_anchor.as_ref()),
            Code::NameMismatch => self.name_mismatch(Some(rejection)),
            Code::NotACa => self.not_a_ca(path),
            Code::PathLength => self.path_length(path),
            Code::Revoked => self.revoked(path),
            Code::UnsupportedAlgorithm => self.algorithms(path, rejection),
            Code::WrongPurpose => self.wrong_purpose(path),
            // No stage of certdeps can say more than webpki's own words about these.
            Code::AnchorIncluded
            | Code::CertificateChanged
            | Code::ChainOutOfOrder
            | Code::DuplicateCertificate
            | Code::ExpiredInChain
            | Code::ExpiresSoon
            | Code::ExtraCertificates
            | Code::LeafNotFirst
            | Code::NoCertificates
            | Code::NoCommonCipher
            | Code::ProtocolVersion
            | Code::Rejected
            | Code::RevocationUnknown
            | Code::SelfSigned
            | Code::UntrustedRoot
            | Code::VerifierDisagreement => {}
        }
        let explained = self.findings[before..]
            .iter()
            .any(|f| f.severity == Severity::Error)
            || self.has(rejection.code)
            || (rejection.code == Code::CaUsedAsLeaf && first == First::CaBeforeLeaf);
        if !explained {
            self.primary_from_webpki(rejection);
        }
        // webpki stops at its first error; ask the other stages what else is wrong. When the
        // first certificate is a CA, the leaf checks would only describe the wrong
        // certificate.
        if first == First::Leaf {
            // Explain only a mismatch; the names were webpki's reason when it says so.
            if rejection.code != Code::NameMismatch
                && !rejection
                    .host_matches
                    .unwrap_or_else(|| self.leaf_names_host())
            {
                self.name_mismatch(None);
            }
            if !matches!(rejection.code, Code::Expired | Code::NotYetValid) {
                self.validity(path);
            }
            self.wrong_purpose(path);
            self.leaf_key();
            let chain_seen = matches!(rejection.code, Code::IncompleteChain | Code::BadSignature);
            if let (false, Some(assembly)) = (chain_seen, &assembly) {
                if let Some((path, anchor)) = self.chain_end(assembly, false) {
                    completed_path = Some(path);
                    shown_anchor = anchor;
                }
            }
        }
        let shown_path = completed_path.as_ref().or(path);
        let on_path = presented_indices(shown_path).collect::<Positions>();
        let on_path = &*on_path;
        let complete = shown_path.is_some_and(|p| p.end != AnchorMatch::TooDeep)
            && !assembly.as_ref().is_some_and(|a| a.exhausted);
        self.hygiene(on_path, complete && first == First::Leaf);
        if shown_anchor.is_some() {
            self.revocation_coverage(on_path);
        }
        let entries = match shown_path {
            Some(path) => path
                .links
                .iter()
                .map(|l| {
                    let (source, index, der) = match l.source {
                        Source::Presented(i) => (PathSource::Presented, i, None),
                        Source::Pool(i) => (
                            self.pool_source(i),
                            i,
                            Some(CertificateDer::from(l.skim.der.to_vec())),
                        ),
                    };
                    PathEntry {
                        source,
                        // A fetched certificate's place is in `Report::aia_fetches`.
                        index: (source != PathSource::Aia).then_some(index),
                        der,
                    }
                })
                .collect(),
            None => self.presented_entries(&[0]),
        };
        (entries, shown_anchor)
    }

    // ---- helpers ------------------------------------------------------------------------

    #[inline(never)]
    fn push(
        &mut self,
        code: Code,
        certificate: Option<usize>,
        actor: Actor,
        message: impl Into<Text>,
        remediation: impl Into<Text>,
        evidence: Evidence,
    ) {
        if self.has_for(code, certificate.unwrap_or(usize::MAX)) {
            return;
        }
        let mut finding = Finding::new(code, certificate, actor, message, remediation, evidence);
        // A trusted verdict never carries an error. No stage reports one on a trusted chain
        // today; if one ever did, it contradicts webpki: say so as a warning, keeping the
        // stage's words, and leave the verdict alone.
        if self.verdict.is_trusted() && finding.severity == Severity::Error {
            finding = finding.into_disagreement();
        }
        self.seen
            .insert(finding.code, finding.certificate.unwrap_or(usize::MAX));
        self.findings.push(finding);
    }

    /// Records per-certificate findings with `code`, one for each of `indices` (in order)
    /// made by `each`, up to [`PER_CERTIFICATE`]; the rest are said in one finding that
    /// counts them and lists their positions, so that a list of thousands of certificates
    /// gives a report of a few findings, not thousands. `what` qualifies them in that finding
    /// (`expired, unneeded` certificates), `remediation` says what `actor` does about all of them.
    fn push_each(
        &mut self,
        code: Code,
        indices: &[usize],
        mut each: impl FnMut(&mut Self, usize),
        what: &'static str,
        (actor, remediation): (Actor, &'static str),
    ) {
        let (first, rest) = indices.split_at(indices.len().min(PER_CERTIFICATE));
        for &i in first {
            each(self, i);
        }
        let (Some(&from), Some(&to)) = (rest.first(), rest.last()) else {
            return;
        };
        for &i in rest {
            // Said by the summary: a later stage must not report them one by one again.
            self.seen.insert(code, i);
        }
        self.push(
            code,
            None,
            actor,
            format!(
                "and {}, from position {from} to {to} (each one in the evidence)",
                counted(rest.len(), &format!("more {what} certificate"))
            ),
            remediation,
            Evidence::Certificates {
                indices: rest.to_vec(),
            },
        );
    }

    fn has(&self, code: Code) -> bool {
        self.seen.has(code)
    }

    /// Whether a finding with `code` exists for certificate `i` (`usize::MAX`: for none).
    fn has_for(&self, code: Code, i: usize) -> bool {
        self.seen.contains(code, i)
    }

    fn skim(&self, i: usize) -> Option<&'p Skim<'p>> {
        self.skims.get(i)?.as_ref()
    }

    fn desc(&self, i: usize) -> Option<&Description> {
        self.described
            .get_or_init(|| self.presented.iter().map(|_| OnceCell::new()).collect())
            .get(i)?
            .get_or_init(|| Description::new(&self.presented.der(i)?).ok())
            .as_ref()
    }

    fn subject(&self, i: usize) -> String {
        match self.skim(i) {
            Some(skim) => skim.subject_text(),
            None => "(unparsable)".to_owned(),
        }
    }

    fn sha(&self, i: usize) -> String {
        self.presented.get(i).map(sha256_hex).unwrap_or_default()
    }

    /// `leaf [0]` or `certificate [i]`.
    fn role(&self, i: usize) -> Role {
        Role(i)
    }

    /// `leaf [0] "CN=..."` / `certificate [i] "CN=..."`: how every message names a presented
    /// certificate. Cheap: the name is decoded only when the text is written.
    fn label(&self, i: usize) -> Label {
        Label {
            certificates: self.presented.clone(),
            index: i,
        }
    }

    #[inline(never)]
    fn presented_entries(&self, indices: &[usize]) -> PathEntries {
        indices
            .iter()
            .filter(|&&i| i < self.presented.len())
            .map(|&i| PathEntry {
                source: PathSource::Presented,
                index: Some(i),
                der: None,
            })
            .collect()
    }

    #[inline(never)]
    fn anchor_entry(&self, (store, anchor): (usize, usize)) -> Option<AnchorEntry> {
        let store = self.config.stores().get(store)?;
        store.anchors().get(anchor)?;
        let (name, anchors) = store.shared();
        Some(AnchorEntry {
            store: store.kind().clone(),
            store_name: Arc::clone(name),
            anchors: Arc::clone(anchors),
            index: anchor,
        })
    }
}

/// Positions of the presented certificates on `path`, leaf first; without a path, the leaf.
fn presented_indices<'a>(path: Option<&'a Path<'_>>) -> impl Iterator<Item = usize> + 'a {
    let (links, no_path) = match path {
        Some(p) => (&*p.links, None),
        None => (&[][..], Some(0)),
    };
    links
        .iter()
        .filter_map(|l| match l.source {
            Source::Presented(i) => Some(i),
            Source::Pool(_) => None,
        })
        .chain(no_path)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use pki_types::ServerName;

    use super::*;
    use crate::chain::Budget;
    use crate::presented::skim_all;
    use crate::store::TrustStore;
    use crate::verdict::verify;

    pub(super) const HOST: &str = "mail.contoso.test";

    /// 2026-06-01T00:00:00Z.
    pub(super) fn now() -> UnixTime {
        UnixTime::since_unix_epoch(Duration::from_secs(1_780_272_000))
    }

    /// A self-signed end-entity certificate for [`HOST`], trusted as its own anchor.
    pub(super) fn pinned() -> (Config, Vec<CertificateDer<'static>>) {
        let certified = rcgen::generate_simple_self_signed(vec![HOST.to_owned()]).unwrap();
        let leaf = CertificateDer::from(certified.cert.der().to_vec());
        let store = TrustStore::from_certificates("custom", [leaf.clone()]).unwrap();
        let config = Config::new(
            vec![store],
            None,
            Vec::new(),
            Duration::ZERO,
            Budget::default(),
        )
        .unwrap();
        (config, vec![leaf])
    }

    pub(super) fn findings(
        config: &Config,
        endpoint: &Endpoint,
        presented: &[CertificateDer<'_>],
        verdict: &Verdict,
    ) -> Vec<Finding> {
        let presented = Presented::copy(presented);
        let skims = skim_all(&presented);
        Diagnosis::new(config, Some(endpoint), &presented, &skims, verdict, now())
            .run()
            .2
            .into_vec()
    }

    pub(super) fn codes(findings: &[Finding]) -> Vec<(Code, Severity)> {
        findings.iter().map(|f| (f.code, f.severity)).collect()
    }

    #[test]
    fn unknown_issuer_with_an_anchor_by_name_is_a_disagreement() {
        let (config, presented) = pinned();
        // webpki saw no anchor at all; assembly sees the store's.
        let verdict = verify(&presented, &[], None, &[], now());
        assert_eq!(verdict.rejection().unwrap().code, Code::IncompleteChain);
        let endpoint = Endpoint::parse(HOST).unwrap();
        let found = findings(&config, &endpoint, &presented, &verdict);
        assert_eq!(
            codes(&found),
            vec![
                (Code::IncompleteChain, Severity::Error),
                (Code::VerifierDisagreement, Severity::Warning)
            ]
        );
        assert!(found[1].message().contains("UnknownIssuer"), "{}", found[1]);
        assert!(found[0].message().contains("leaf [0]"), "{}", found[0]);
    }

    #[test]
    fn an_error_on_a_trusted_chain_becomes_a_disagreement_warning() {
        let (config, presented) = pinned();
        let name = ServerName::try_from(HOST).unwrap();
        let verdict = verify(&presented, config.anchors(), Some(&name), &[], now());
        assert!(verdict.is_trusted());
        let presented = Presented::copy(&presented);
        let skims = skim_all(&presented);
        let mut diagnosis = Diagnosis::new(&config, None, &presented, &skims, &verdict, now());
        diagnosis.push(
            Code::Expired,
            Some(0),
            Actor::ServerOperator,
            "leaf [0] expired".to_owned(),
            "server operator: renew it".to_owned(),
            Evidence::None,
        );
        let f = &diagnosis.findings[0];
        assert_eq!(
            (f.code, f.severity),
            (Code::VerifierDisagreement, Severity::Warning)
        );
        assert!(f.message().contains("`expired`") && f.message().contains("leaf [0] expired"));
        assert!(f.remediation().contains("client owner") && f.remediation().contains("renew it"));
    }
}
