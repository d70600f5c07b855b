//! Diagnosis: turns webpki's single verdict plus certdeps' own stages (assembly, anchor
//! matching, host matching, validity) into the full list of findings.
//!
//! On a trusted chain only the cheap hygiene checks run, on skimmed fields; certificates are
//! fully decoded only when a finding needs to name them. webpki reports one "most specific"
//! error, so after a failure every stage is asked for everything it can see.
//!
//! Every message names the certificate(s) involved (`leaf [0] "CN=..."`), and every
//! remediation starts with who acts: the `server operator` (what the server sends) or the
//! `client owner` (trust store, CRLs, the URL it calls).

mod revocation;

use std::cell::OnceCell;
use std::collections::HashMap;

use der::Decode;
use pki_types::{CertificateDer, TrustAnchor, UnixTime};
use x509_cert::ext::pkix::NameConstraints;
use x509_cert::ext::pkix::constraints::name::GeneralSubtrees;
use x509_cert::ext::pkix::name::GeneralName;

use crate::anchor::{AnchorMatch, classify};
use crate::cert::{Description, Skim, ValidityAt, hex, sequence_tlv, sha256_hex};
use crate::chain::{Assembly, End, Link, Path, Source, assemble, looks_self_signed};
use crate::endpoint::{Endpoint, Host};
use crate::finding::{Code, Evidence, Finding, Severity};
use crate::key::PublicKey;
use crate::name::{NameMatch, match_host};
use crate::report::{AnchorEntry, PathEntry, PathSource, format_time, name_to_string};
use crate::store::TrustStore;
use crate::verifier::Verifier;
use crate::verify::{self, Rejection, Verdict};

use self::revocation::Crls;

pub(crate) struct Diagnosis<'p> {
    verifier: &'p Verifier,
    endpoint: Option<&'p Endpoint>,
    presented: &'p [CertificateDer<'p>],
    skims: Vec<Option<Skim<'p>>>,
    verdict: &'p Verdict,
    now: UnixTime,
    described: Vec<OnceCell<Option<Description>>>,
    findings: Vec<Finding>,
}

type Outcome = (Vec<PathEntry>, Option<AnchorEntry>, Vec<Finding>);

/// What the first presented certificate turned out to be, for the untrusted path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum First {
    /// An end-entity certificate (or one that does not parse).
    Leaf,
    /// A CA certificate, and the end-entity is later in the list (`leaf-not-first`).
    CaBeforeLeaf,
    /// A CA certificate, and no end-entity is presented at all (`ca-used-as-leaf`).
    CaAlone,
}

impl<'p> Diagnosis<'p> {
    pub(crate) fn new(
        verifier: &'p Verifier,
        endpoint: Option<&'p Endpoint>,
        presented: &'p [CertificateDer<'p>],
        verdict: &'p Verdict,
        now: UnixTime,
    ) -> Self {
        Self {
            verifier,
            endpoint,
            presented,
            skims: presented
                .iter()
                .map(|c| Skim::new(c.as_ref()).ok())
                .collect(),
            verdict,
            now,
            described: presented.iter().map(|_| OnceCell::new()).collect(),
            findings: Vec::new(),
        }
    }

    pub(crate) fn run(mut self) -> Outcome {
        if self.presented.is_empty() {
            self.push(
                Code::NoCertificates,
                None,
                "the server presented no certificate".to_owned(),
                "server operator: configure the TLS listener with a certificate and its chain"
                    .to_owned(),
                Evidence::None,
            );
            return (Vec::new(), None, self.findings);
        }
        let outcome = match self.verdict.trusted_path() {
            Some(trusted) => {
                let mut on_path = vec![0];
                on_path.extend(trusted.intermediates.iter().copied());
                let anchor = self.verifier.owners.get(trusted.anchor).copied();
                self.hygiene(&on_path, true);
                self.revocation_coverage(&on_path);
                (
                    self.presented_entries(&on_path),
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

    fn untrusted(&mut self) -> (Vec<PathEntry>, Option<AnchorEntry>) {
        let Some(rejection) = self.verdict.rejection().cloned() else {
            return (Vec::new(), None);
        };
        self.malformed();
        let first = self.first();
        let assembly = assemble(
            &self.skims,
            None,
            &self.verifier.stores,
            self.verifier.budget,
        );
        let presented_path = assembly.as_ref().map(|a| a.best.clone());
        let path = presented_path.as_ref();
        let mut shown_path = presented_path.clone();
        let mut shown_anchor = None;
        if let Some(AnchorMatch::Anchored { store, anchor }) = path.map(classify) {
            shown_anchor = self.anchor_entry((store, anchor));
        }
        let before = self.findings.len();
        match rejection.code {
            Code::BadSignature => self.bad_signature(path),
            Code::BudgetExceeded => self.path_budget(path, &rejection),
            Code::CaUsedAsLeaf => self.ca_used_as_leaf(first, &rejection),
            Code::CrlUnusable => self.crl_unusable(path, &rejection),
            Code::Expired | Code::NotYetValid => self.validity(path),
            Code::IncompleteChain => {
                if let Some(assembly) = &assembly {
                    if let Some((path, anchor)) = self.chain_end(assembly, true) {
                        shown_path = Some(path);
                        shown_anchor = anchor;
                    }
                }
            }
            Code::MalformedCertificate => {
                if !self.has(Code::MalformedCertificate) {
                    // Every certificate parses: webpki's BadDer is about a CRL.
                    self.crl_unusable(path, &rejection);
                }
            }
            Code::NameConstraints => self.name_constraints(path, shown_anchor.as_ref()),
            Code::NameMismatch => self.name_mismatch(Some(&rejection)),
            Code::NotACa => self.not_a_ca(path),
            Code::PathLength => self.path_length(path),
            Code::Revoked => self.revoked(path),
            Code::UnsupportedAlgorithm => self.algorithms(path, &rejection),
            Code::WrongPurpose => self.wrong_purpose(path),
            // No stage of certdeps can say more than webpki's own words about these.
            Code::AnchorIncluded
            | Code::ChainOutOfOrder
            | Code::DuplicateCertificate
            | Code::ExpiredInChain
            | Code::ExpiresSoon
            | Code::ExtraCertificates
            | Code::LeafNotFirst
            | Code::NoCertificates
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
            self.primary_from_webpki(&rejection);
        }
        // webpki stops at its first error; ask the other stages what else is wrong. When the
        // first certificate is a CA, the leaf checks would only describe the wrong
        // certificate.
        if first == First::Leaf {
            self.name_mismatch(None);
            self.validity(path);
            self.wrong_purpose(path);
            self.leaf_key();
            let chain_seen = matches!(rejection.code, Code::IncompleteChain | Code::BadSignature);
            if let (false, Some(assembly)) = (chain_seen, &assembly) {
                if let Some((path, anchor)) = self.chain_end(assembly, false) {
                    shown_path = Some(path);
                    shown_anchor = anchor;
                }
            }
        }
        let on_path = presented_indices(shown_path.as_ref());
        let complete = shown_path.as_ref().is_some_and(|p| p.end != End::TooDeep)
            && !assembly.as_ref().is_some_and(|a| a.exhausted);
        self.hygiene(&on_path, complete && first == First::Leaf);
        if shown_anchor.is_some() {
            self.revocation_coverage(&on_path);
        }
        let entries = match &shown_path {
            Some(path) => path
                .links
                .iter()
                .map(|l| {
                    let (source, index) = match l.source {
                        Source::Presented(i) => (PathSource::Presented, i),
                        Source::Pool(i) => (PathSource::Pool, i),
                    };
                    PathEntry {
                        source,
                        index: Some(index),
                        der: CertificateDer::from(l.skim.der.to_vec()),
                    }
                })
                .collect(),
            None => self.presented_entries(&[0]),
        };
        (entries, shown_anchor)
    }

    /// How assembly's best path ends, when it does not end at an anchor: the three everyday
    /// causes of webpki's `UnknownIssuer` (missing intermediate, self-signed, private root),
    /// or a chain too long to follow. `primary` is set when webpki said `UnknownIssuer`;
    /// then an anchored path contradicts webpki, and that is reported too.
    ///
    /// Returns the path to show instead, when the pool completes it.
    fn chain_end(
        &mut self,
        assembly: &Assembly<'p>,
        primary: bool,
    ) -> Option<(Path<'p>, Option<AnchorEntry>)> {
        let path = &assembly.best;
        match classify(path) {
            AnchorMatch::SelfSignedLeaf => {
                self.self_signed();
                None
            }
            AnchorMatch::UntrustedRoot { source } => {
                self.untrusted_root(source, path, false);
                None
            }
            AnchorMatch::MissingIssuer { source } => self.missing_issuer(source, path),
            AnchorMatch::TooDeep => {
                let leaf = self.label(0);
                self.push(
                    Code::BudgetExceeded,
                    Some(0),
                    format!(
                        "the chain from {leaf} was followed for {} certificates (the assembly \
                         budget) without reaching a root; the explanation may be incomplete",
                        self.verifier.budget.max_depth
                    ),
                    "client owner: raise the assembly budget (Budget::max_depth) to see the \
                     whole explanation; if the chain really is this long, the server operator \
                     must serve a shorter one"
                        .to_owned(),
                    Evidence::None,
                );
                None
            }
            AnchorMatch::Anchored { .. } => {
                if primary {
                    let top = path.links.last().map(|l| l.skim);
                    let issuer = top.map(|s| name_to_string(s.issuer)).unwrap_or_default();
                    self.push(
                        Code::VerifierDisagreement,
                        None,
                        format!(
                            "webpki found no issuer (UnknownIssuer), yet certdeps' assembly \
                             reaches the trust anchor \"{issuer}\" by name"
                        ),
                        "client owner: the verdict stays webpki's; compare the anchor's key \
                         with the chain's issuer, and report this case to certdeps if they \
                         match"
                            .to_owned(),
                        Evidence::None,
                    );
                }
                if assembly.exhausted {
                    self.push(
                        Code::BudgetExceeded,
                        None,
                        format!(
                            "chain assembly stopped after {} candidate issuers; the explanation \
                             may be incomplete",
                            self.verifier.budget.max_candidates
                        ),
                        "server operator: serve a short, direct chain".to_owned(),
                        Evidence::None,
                    );
                }
                None
            }
        }
    }

    fn self_signed(&mut self) {
        let sha = self.sha(0);
        let leaf = self.label(0);
        self.push(
            Code::SelfSigned,
            Some(0),
            format!("{leaf} is self-signed: no CA vouches for it, and no trust store holds it"),
            format!(
                "server operator: install a certificate issued by a CA the clients trust; or, \
                 for a private service only, client owner: trust this exact certificate \
                 (sha256 {sha}) as an anchor"
            ),
            Evidence::Root {
                subject: self.subject(0),
                sha256: sha,
            },
        );
    }

    fn untrusted_root(&mut self, source: Source, path: &Path<'p>, via_pool: bool) {
        let Some(root) = path.links.last().map(|l| l.skim) else {
            return;
        };
        let index = match source {
            Source::Presented(i) => Some(i),
            Source::Pool(_) => None,
        };
        let subject = name_to_string(root.subject);
        let sha = sha256_hex(root.der);
        let stores: Vec<&str> = self.verifier.stores.iter().map(|s| s.name()).collect();
        let whence = match index {
            Some(i) => format!("the chain ends in root {} \"{subject}\"", self.role(i)),
            None if via_pool => {
                format!("completed from the pool, the chain ends in root \"{subject}\"")
            }
            None => format!("the chain ends in root \"{subject}\""),
        };
        self.push(
            Code::UntrustedRoot,
            index,
            format!(
                "{whence}, which no configured trust store ({}) holds",
                stores.join(", ")
            ),
            format!(
                "client owner: if this private/enterprise root is meant to be trusted, import \
                 it (sha256 {sha}), e.g. with --add-roots; otherwise the server operator must \
                 use a certificate from a publicly trusted CA"
            ),
            Evidence::Root {
                subject,
                sha256: sha,
            },
        );
    }

    /// [RFC 8446 section 4.4.2]: the server sends "the sender's certificate followed by any
    /// certificates that support it"; the issuer of the last one it sent is missing.
    ///
    /// [RFC 8446 section 4.4.2]: https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2
    fn missing_issuer(
        &mut self,
        source: Source,
        path: &Path<'p>,
    ) -> Option<(Path<'p>, Option<AnchorEntry>)> {
        let child = path.links.last()?.skim;
        let index = match source {
            Source::Presented(i) => Some(i),
            Source::Pool(_) => None,
        };
        let child_desc = match index {
            Some(i) => self.desc(i).cloned(),
            None => describe_skim(&child),
        };
        let child_label = match index {
            Some(i) => self.label(i),
            None => format!("pool certificate \"{}\"", name_to_string(child.subject)),
        };
        let issuer = name_to_string(child.issuer);
        let key_id = child.authority_key_id().map(hex);
        let ca_issuers = child_desc.map(|d| d.ca_issuers).unwrap_or_default();
        let mut add = Vec::new();
        let mut bundle = None;
        let mut completed = None;
        let mut pool_note = String::new();
        if let Some(pool) = &self.verifier.pool {
            let with_pool = assemble(
                &self.skims,
                Some(pool),
                &self.verifier.stores,
                self.verifier.budget,
            );
            let best = with_pool.map(|a| a.best);
            let extra: Vec<&[u8]> = best
                .iter()
                .flat_map(|b| b.links.iter())
                .filter(|l| matches!(l.source, Source::Pool(_)))
                .map(|l| l.skim.der)
                .collect();
            match best.as_ref().map(|b| (classify(b), b)) {
                Some((AnchorMatch::Anchored { store, anchor }, best)) if !extra.is_empty() => {
                    // Confirm the fix with the authority before offering it.
                    let mut fixed: Vec<CertificateDer<'_>> = self.presented.to_vec();
                    fixed.extend(extra.iter().map(|d| CertificateDer::from(*d)));
                    let name = self.endpoint.map(Endpoint::server_name);
                    let check = verify::verify(
                        &fixed,
                        &self.verifier.anchors,
                        name.as_ref(),
                        &self.verifier.crls,
                        self.now,
                    );
                    add = extra.iter().map(|d| sha256_hex(d)).collect();
                    bundle = Some(pem_bundle(&extra));
                    pool_note = match check.rejection() {
                        None => format!(
                            "; the intermediate pool has it: adding {} certificate(s) makes the \
                             chain trusted",
                            extra.len()
                        ),
                        Some(r) => format!(
                            "; the intermediate pool completes the path, but webpki still \
                             refuses it ({})",
                            r.code
                        ),
                    };
                    completed = Some((best.clone(), self.anchor_entry((store, anchor))));
                }
                Some((AnchorMatch::UntrustedRoot { .. }, best)) if !extra.is_empty() => {
                    pool_note = "; the pool has the missing issuer(s), but they lead to a root \
                                 no store trusts"
                        .to_owned();
                    self.untrusted_root(Source::Pool(0), best, true);
                    completed = Some((best.clone(), None));
                }
                _ => pool_note = "; the intermediate pool does not have it either".to_owned(),
            }
        }
        let fetch = if !add.is_empty() {
            format!(
                "append the {} certificate(s) the pool completes it with (sha256 {})",
                add.len(),
                add.join(", ")
            )
        } else if ca_issuers.is_empty() {
            "it carries no AIA caIssuers URL; ask the issuing CA for its intermediate".to_owned()
        } else {
            format!("download it from {}", ca_issuers.join(" or "))
        };
        let mut about: Vec<String> = key_id.iter().map(|k| format!("key id {k}")).collect();
        about.extend(ca_issuers.iter().map(|url| format!("AIA caIssuers {url}")));
        let key = match about.is_empty() {
            true => String::new(),
            false => format!(" ({})", about.join(", ")),
        };
        self.push(
            Code::IncompleteChain,
            index,
            format!(
                "{child_label} is issued by \"{issuer}\"{key}, which the server did not send \
                 and no trust store holds{pool_note}"
            ),
            format!(
                "server operator: serve the full chain (leaf, then each intermediate up to the \
                 root) — {fetch}; browsers may fetch missing intermediates, strict clients do \
                 not. If \"{issuer}\" is a private root, the client owner must import it instead"
            ),
            Evidence::MissingIssuer {
                subject: issuer,
                key_id,
                ca_issuers,
                add,
                bundle,
            },
        );
        completed
    }

    /// Names the certificate whose signature does not verify. webpki checks signatures only
    /// once a path reaches an anchor and does not say which one failed, so each link of the
    /// assembled path is asked of webpki on its own, leaf side first: the child with its
    /// issuer as the only anchor.
    fn bad_signature(&mut self, path: Option<&Path<'p>>) {
        let Some(path) = path else { return };
        for (k, pair) in path.links.windows(2).enumerate() {
            let (child, issuer) = (&pair[0], &pair[1]);
            if !self.signature_fails(&path.links[..=k], issuer.skim.der) {
                continue;
            }
            let (Source::Presented(c), Source::Presented(i)) = (child.source, issuer.source) else {
                continue;
            };
            let child_label = self.label(c);
            let issuer_label = self.label(i);
            if self.signer_key_refused(c, &child_label, &issuer_label, issuer.skim.spki) {
                return;
            }
            let same_key = child.skim.authority_key_id().is_some()
                && child.skim.authority_key_id() == issuer.skim.subject_key_id();
            let why = if same_key {
                "another key claiming the same name and key id signed it (forged or corrupted)"
            } else {
                "it was signed by another key with the same name (an outdated or wrong \
                 intermediate?)"
            };
            self.push(
                Code::BadSignature,
                Some(c),
                format!(
                    "{child_label} names \"{}\" as issuer, but its signature does not verify \
                     with the key of {issuer_label}: {why}",
                    name_to_string(child.skim.issuer)
                ),
                format!(
                    "server operator: serve the intermediate that actually issued {child_label} \
                     (get the current one from the CA), or reissue the certificate"
                ),
                Evidence::Certificates {
                    indices: vec![c, i],
                },
            );
            return;
        }
        // Every presented link verifies: the top one is signed by another key than the
        // trusted anchor of that name.
        let (End::Anchor { store, anchor }, Some(top)) = (path.end, path.links.last()) else {
            return;
        };
        let Source::Presented(i) = top.source else {
            return;
        };
        let label = self.label(i);
        let issuer = name_to_string(top.skim.issuer);
        let anchor_spki = self
            .verifier
            .stores
            .get(store)
            .and_then(|s| s.anchors().get(anchor))
            .map(|a| sequence_tlv(a.trust_anchor().subject_public_key_info.as_ref()));
        let anchor_label = format!("the trust anchor \"{issuer}\"");
        if let Some(spki) = anchor_spki {
            if self.signer_key_refused(i, &label, &anchor_label, &spki) {
                return;
            }
        }
        let store_name = self
            .verifier
            .stores
            .get(store)
            .map(|s| s.name().to_owned())
            .unwrap_or_default();
        let anchor_sha = self
            .verifier
            .stores
            .get(store)
            .and_then(|s| s.anchors().get(anchor))
            .and_then(|a| a.certificate())
            .map(|c| format!(" (sha256 {})", sha256_hex(c.as_ref())))
            .unwrap_or_default();
        self.push(
            Code::BadSignature,
            Some(i),
            format!(
                "{label} names \"{issuer}\" as issuer, but its signature does not verify with \
                 the key of the trust anchor of that name in the {store_name} store{anchor_sha}: \
                 another key with the same name (a re-keyed or look-alike root)"
            ),
            format!(
                "client owner: import the \"{issuer}\" root that actually issued this chain \
                 (compare fingerprints with the CA); or server operator: serve a chain that \
                 leads to the trusted root"
            ),
            Evidence::Certificates { indices: vec![i] },
        );
    }

    /// A signature "does not verify" also when the signer's key is one the verifier refuses
    /// outright (RSA under 2048 bits, DSA, P-192, ...): then say that, not "another key".
    /// The signer key set is rustls' handshake set ([`PublicKey::handshake_capable`]), which
    /// is also the key set of the certificate signature algorithms webpki is given.
    fn signer_key_refused(
        &mut self,
        signed: usize,
        signed_label: &str,
        signer_label: &str,
        signer_spki: &[u8],
    ) -> bool {
        let key = PublicKey::from_spki(signer_spki);
        // An unreadable key is a broken issuer, not a refused algorithm: stays bad-signature.
        if key.handshake_capable() || matches!(key, PublicKey::Other { .. }) {
            return false;
        }
        self.push(
            Code::UnsupportedAlgorithm,
            Some(signed),
            format!(
                "{signed_label} is signed by {signer_label}, whose {key} key strict clients \
                 refuse to verify signatures with"
            ),
            "server operator: get the chain reissued under a CA with an RSA 2048-8192, ECDSA \
             P-256/P-384 or Ed25519 key"
                .to_owned(),
            Evidence::Key { key },
        );
        true
    }

    /// Whether webpki, given `links` (leaf first) and `issuer` as the only anchor, refuses
    /// with a bad signature.
    fn signature_fails(&self, links: &[Link<'p>], issuer: &[u8]) -> bool {
        let Ok(store) =
            TrustStore::from_certificates("probe", [CertificateDer::from(issuer.to_vec())])
        else {
            return false;
        };
        let anchors: Vec<TrustAnchor<'static>> = store
            .anchors()
            .iter()
            .map(|a| a.trust_anchor().clone())
            .collect();
        let chain: Vec<CertificateDer<'_>> = links
            .iter()
            .map(|l| CertificateDer::from(l.skim.der))
            .collect();
        verify::verify(&chain, &anchors, None, &[], self.now)
            .rejection()
            .is_some_and(|r| r.code == Code::BadSignature)
    }

    /// webpki's own path limits: at most 6 intermediates (`MAX_SUB_CA_COUNT`), and budgets
    /// on path-building calls and signature checks (after CVE-2018-16875).
    fn path_budget(&mut self, path: Option<&Path<'p>>, rejection: &Rejection) {
        let leaf = self.label(0);
        let message = match path {
            Some(p) if rejection.webpki.contains("MaximumPathDepthExceeded") => format!(
                "the chain from {leaf} has {} intermediates; webpki (like most clients) follows \
                 at most 6",
                p.links.len().saturating_sub(1)
            ),
            _ => format!(
                "webpki gave up building a path from {leaf}: too many candidate issuers or \
                 signatures ({})",
                rejection.webpki
            ),
        };
        self.push(
            Code::BudgetExceeded,
            Some(0),
            message,
            "server operator: serve a short, direct chain: the leaf, then only the \
             intermediates up to one root"
                .to_owned(),
            Evidence::Webpki {
                error: rejection.webpki.clone(),
            },
        );
    }

    fn ca_used_as_leaf(&mut self, first: First, rejection: &Rejection) {
        if first == First::CaBeforeLeaf {
            // `leaf-not-first` already says what is wrong and what to do.
            return;
        }
        let leaf = self.label(0);
        self.push(
            Code::CaUsedAsLeaf,
            Some(0),
            format!(
                "{leaf} is a CA certificate (basicConstraints cA=TRUE) served as the server \
                 certificate, and no end-entity certificate is presented"
            ),
            "server operator: serve an end-entity certificate for this host (issued by this \
             CA), then its intermediates, not the CA certificate alone"
                .to_owned(),
            Evidence::Webpki {
                error: rejection.webpki.clone(),
            },
        );
    }

    /// [RFC 5280 section 4.1.2.5]: every certificate on the path must be valid at the
    /// verification time.
    ///
    /// [RFC 5280 section 4.1.2.5]: https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.5
    fn validity(&mut self, path: Option<&Path<'p>>) {
        for i in presented_indices(path) {
            let Some(skim) = self.skim(i) else { continue };
            let code = match skim.validity_at(self.now) {
                ValidityAt::Valid => continue,
                ValidityAt::Expired => Code::Expired,
                ValidityAt::NotYetValid => Code::NotYetValid,
            };
            let label = self.label(i);
            let (nb, na) = (secs(skim.not_before), secs(skim.not_after));
            let checked = format_time(self.now);
            let message = if code == Code::Expired {
                let ago = self.now.as_secs().saturating_sub(skim.not_after);
                format!(
                    "{label} expired at {} ({} ago); checked at {checked}",
                    format_time(na),
                    human(ago)
                )
            } else {
                let ahead = skim.not_before.saturating_sub(self.now.as_secs());
                format!(
                    "{label} is not valid until {} (in {}); checked at {checked}",
                    format_time(nb),
                    human(ahead)
                )
            };
            let who = if i == 0 {
                "server operator: renew the certificate and install it"
            } else {
                "server operator: replace this intermediate with the CA's current one"
            };
            self.push(
                code,
                Some(i),
                message,
                format!(
                    "{who}; if the verification time is wrong, the client owner must fix the clock"
                ),
                Evidence::Validity {
                    not_before: nb,
                    not_after: na,
                    at: self.now,
                },
            );
        }
    }

    /// Host matching ([RFC 9525 section 6.3]) against the leaf's SANs. With `rejection`,
    /// webpki said the name does not match: if certdeps' matcher disagrees, webpki's word is
    /// reported as the error and the disagreement as a warning.
    ///
    /// [RFC 9525 section 6.3]: https://www.rfc-editor.org/rfc/rfc9525#section-6.3
    fn name_mismatch(&mut self, rejection: Option<&Rejection>) {
        let Some(endpoint) = self.endpoint else {
            return;
        };
        let Some(desc) = self.desc(0).cloned() else {
            return;
        };
        let host = endpoint.host();
        let label = self.label(0);
        let sans: Vec<String> = desc.san.iter().map(ToString::to_string).collect();
        let list = if sans.is_empty() {
            "it has no subjectAltName at all".to_owned()
        } else {
            format!("it is only valid for {}", join_or(&sans))
        };
        let host_kind = match host {
            Host::Ip(_) => "an iPAddress",
            _ => "a dNSName",
        };
        let remediation = format!(
            "client owner: connect with a host name the certificate covers; or server \
             operator: reissue the certificate with {host_kind} SAN for {host}"
        );
        let cns: Vec<&str> = desc.common_names.iter().map(String::as_str).collect();
        let cn_only = match match_host(host, &desc.san, &cns) {
            NameMatch::Matched(san) => {
                if let Some(rejection) = rejection {
                    self.push(
                        Code::NameMismatch,
                        Some(0),
                        format!(
                            "webpki says {label} is not valid for host {host} ({}); {list}",
                            rejection.webpki
                        ),
                        remediation,
                        Evidence::Names {
                            host: host.to_string(),
                            san: desc.san.clone(),
                            cn_only: false,
                        },
                    );
                    self.push(
                        Code::VerifierDisagreement,
                        Some(0),
                        format!(
                            "certdeps' host matching says SAN {san} of {label} covers {host}, \
                             but webpki disagrees"
                        ),
                        "client owner: the verdict stays webpki's; please report this case to \
                         certdeps"
                            .to_owned(),
                        Evidence::None,
                    );
                }
                return;
            }
            NameMatch::Mismatch { cn_only } => cn_only,
        };
        let cn_note = if cn_only {
            "; only its subject CN names the host, and clients ignore the CN (RFC 9525 \
             section 6.3)"
        } else {
            ""
        };
        self.push(
            Code::NameMismatch,
            Some(0),
            format!("{label} is not valid for host {host}: {list}{cn_note}"),
            remediation,
            Evidence::Names {
                host: host.to_string(),
                san: desc.san.clone(),
                cn_only,
            },
        );
    }

    /// [RFC 5280 section 4.2.1.12]: the path must allow id-kp-serverAuth.
    ///
    /// [RFC 5280 section 4.2.1.12]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.12
    fn wrong_purpose(&mut self, path: Option<&Path<'p>>) {
        for i in presented_indices(path) {
            let Some(desc) = self.desc(i).cloned() else {
                continue;
            };
            if desc.allows_server_auth() {
                continue;
            }
            let label = self.label(i);
            let ekus = desc.extended_key_usage.unwrap_or_default().join(", ");
            let who = if i == 0 {
                "server operator: reissue the certificate with the serverAuth extended key usage"
            } else {
                "server operator: use an intermediate whose EKU includes serverAuth (or has none)"
            };
            self.push(
                Code::WrongPurpose,
                Some(i),
                format!(
                    "{label} is not for TLS servers: its extended key usage is [{ekus}], \
                     without serverAuth"
                ),
                who.to_owned(),
                Evidence::None,
            );
            return;
        }
    }

    /// [RFC 5280 section 4.2.1.9]: an issuer must assert cA in basicConstraints.
    ///
    /// [RFC 5280 section 4.2.1.9]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.9
    fn not_a_ca(&mut self, path: Option<&Path<'p>>) {
        let indices = presented_indices(path);
        for (depth, &i) in indices.iter().enumerate().skip(1) {
            let Some(desc) = self.desc(i).cloned() else {
                continue;
            };
            if desc.is_ca {
                continue;
            }
            let label = self.label(i);
            let child = self.label(indices[depth - 1]);
            self.push(
                Code::NotACa,
                Some(i),
                format!("{label} issued {child}, but is not a CA (no basicConstraints cA=TRUE)"),
                format!(
                    "server operator: {child} was issued by an end-entity certificate; get it \
                     reissued by a real CA"
                ),
                Evidence::Certificates {
                    indices: vec![indices[depth - 1], i],
                },
            );
            return;
        }
    }

    /// [RFC 5280 section 4.2.1.9]: pathLenConstraint counts the non-self-issued intermediates
    /// that may follow.
    ///
    /// [RFC 5280 section 4.2.1.9]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.9
    fn path_length(&mut self, path: Option<&Path<'p>>) {
        let indices = presented_indices(path);
        for (depth, &i) in indices.iter().enumerate().skip(1) {
            let Some(limit) = self.desc(i).and_then(|d| d.path_len) else {
                continue;
            };
            let below = indices[1..depth]
                .iter()
                .filter(|&&j| self.skim(j).is_some_and(|s| !s.is_self_issued()))
                .count();
            if below > usize::from(limit) {
                let label = self.label(i);
                self.push(
                    Code::PathLength,
                    Some(i),
                    format!(
                        "{label} allows {limit} intermediate(s) below it (pathLenConstraint), \
                         but the path has {below}"
                    ),
                    "server operator: get the leaf issued closer to this CA, or by a CA \
                     without this limit"
                        .to_owned(),
                    Evidence::Certificates {
                        indices: indices[..=depth].to_vec(),
                    },
                );
                return;
            }
        }
    }

    /// [RFC 5280 section 4.2.1.10]: names the leaf and the issuer whose nameConstraints
    /// exclude the leaf's names (a presented intermediate, else the anchor).
    ///
    /// [RFC 5280 section 4.2.1.10]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.10
    fn name_constraints(&mut self, path: Option<&Path<'p>>, anchor: Option<&AnchorEntry>) {
        let leaf = self.label(0);
        let san = self.desc(0).map(|d| d.san.clone()).unwrap_or_default();
        let names: Vec<String> = san.iter().map(ToString::to_string).collect();
        let names = if names.is_empty() {
            "no subjectAltName".to_owned()
        } else {
            names.join(", ")
        };
        let presented = presented_indices(path)
            .into_iter()
            .skip(1)
            .filter_map(|i| Some((Some(i), self.presented.get(i)?.as_ref())));
        let anchor_cert = anchor
            .and_then(|a| a.certificate.as_ref())
            .map(|c| (None, c.as_ref()));
        let carrier = presented
            .chain(anchor_cert)
            .find_map(|(i, der)| Some((i, der, constraints_of(der)?)));
        let Some((index, der, (permitted, excluded))) = carrier else {
            return;
        };
        let (issuer_label, issuer) = match index {
            Some(i) => (self.label(i), self.subject(i)),
            None => {
                let subject = Skim::new(der)
                    .map(|s| name_to_string(s.subject))
                    .unwrap_or_default();
                (format!("the trust anchor \"{subject}\""), subject)
            }
        };
        let mut rules = Vec::new();
        if !permitted.is_empty() {
            rules.push(format!("permit only {}", permitted.join(", ")));
        }
        if !excluded.is_empty() {
            rules.push(format!("exclude {}", excluded.join(", ")));
        }
        self.push(
            Code::NameConstraints,
            Some(0),
            format!(
                "{leaf} (names: {names}) is outside the name constraints of {issuer_label}, \
                 which {}",
                rules.join(" and ")
            ),
            format!(
                "server operator: get a certificate for names {issuer_label} may certify, or \
                 one from a CA without this constraint"
            ),
            Evidence::Constraints {
                issuer,
                permitted,
                excluded,
                san,
            },
        );
    }

    fn algorithms(&mut self, path: Option<&Path<'p>>, rejection: &Rejection) {
        if let Some(key) = &rejection.leaf_key {
            let label = self.label(0);
            self.push(
                Code::UnsupportedAlgorithm,
                Some(0),
                format!(
                    "{label} has {} {key} key: the chain verifies, but rustls cannot verify a \
                     handshake signature with it",
                    article(&key.to_string())
                ),
                "server operator: reissue the certificate with an RSA 2048-8192, ECDSA \
                 P-256/P-384 or Ed25519 key"
                    .to_owned(),
                Evidence::Key { key: key.clone() },
            );
            return;
        }
        for i in presented_indices(path) {
            let Some(desc) = self.desc(i).cloned() else {
                continue;
            };
            let weak_sig = !matches!(
                desc.signature_algorithm.as_str(),
                "ecdsa-with-SHA256"
                    | "ecdsa-with-SHA384"
                    | "sha256WithRSAEncryption"
                    | "sha384WithRSAEncryption"
                    | "sha512WithRSAEncryption"
                    | "rsassaPss"
                    | "Ed25519"
            );
            let weak_key = i > 0 && !desc.public_key.handshake_capable();
            if !weak_sig && !weak_key {
                continue;
            }
            let label = self.label(i);
            let what = if weak_sig {
                format!(
                    "is signed with {} by \"{}\"",
                    desc.signature_algorithm, desc.issuer
                )
            } else {
                format!(
                    "has {} {} key",
                    article(&desc.public_key.to_string()),
                    desc.public_key
                )
            };
            self.push(
                Code::UnsupportedAlgorithm,
                Some(i),
                format!("{label} {what}, which strict clients refuse"),
                "server operator: reissue with SHA-256 or better, signed by an RSA 2048-8192 or \
                 ECDSA P-256/P-384 key"
                    .to_owned(),
                Evidence::Key {
                    key: desc.public_key.clone(),
                },
            );
            return;
        }
    }

    /// The leaf-key check also after a chain failure, so both problems are reported.
    fn leaf_key(&mut self) {
        let Some(skim) = self.skim(0) else { return };
        let key = PublicKey::from_spki(skim.spki);
        if key.handshake_capable() || self.has(Code::UnsupportedAlgorithm) {
            return;
        }
        let label = self.label(0);
        self.push(
            Code::UnsupportedAlgorithm,
            Some(0),
            format!(
                "{label} has {} {key} key, which rustls cannot verify a handshake signature with",
                article(&key.to_string())
            ),
            "server operator: reissue the certificate with an RSA 2048-8192, ECDSA P-256/P-384 \
             or Ed25519 key"
                .to_owned(),
            Evidence::Key { key },
        );
    }

    /// [RFC 5280 section 6.3]: which certificate on the path a supplied CRL revokes.
    ///
    /// [RFC 5280 section 6.3]: https://www.rfc-editor.org/rfc/rfc5280#section-6.3
    fn revoked(&mut self, path: Option<&Path<'p>>) {
        let crls = Crls::parse(&self.verifier.crls);
        for i in presented_indices(path) {
            let Some(desc) = self.desc(i).cloned() else {
                continue;
            };
            let Some((k, at)) = crls.revoking(&desc.issuer, &desc.serial) else {
                continue;
            };
            let label = self.label(i);
            let who = if i == 0 {
                "server operator: replace the revoked certificate with a newly issued one"
            } else {
                "server operator: this intermediate is revoked; get the CA's current chain and \
                 a leaf issued under it"
            };
            self.push(
                Code::Revoked,
                Some(i),
                format!(
                    "{label} (serial {}) is revoked by the supplied CRL [{k}] of \"{}\" \
                     (revoked at {})",
                    desc.serial,
                    desc.issuer,
                    format_time(at)
                ),
                who.to_owned(),
                Evidence::Crl {
                    index: k,
                    issuer: Some(desc.issuer.clone()),
                    serial: Some(desc.serial.clone()),
                },
            );
            return;
        }
    }

    /// A supplied CRL that webpki cannot use: one that does not parse, else the one issued
    /// in the name of a path certificate's issuer.
    fn crl_unusable(&mut self, path: Option<&Path<'p>>, rejection: &Rejection) {
        let crls = Crls::parse(&self.verifier.crls);
        let mut any = false;
        for (k, error) in crls.unparsable() {
            any = true;
            self.push(
                Code::CrlUnusable,
                None,
                format!("the supplied CRL [{k}] does not parse: {error}"),
                "client owner: supply the CRL exactly as the CA publishes it (DER or PEM \
                 X509 CRL)"
                    .to_owned(),
                Evidence::Crl {
                    index: k,
                    issuer: None,
                    serial: None,
                },
            );
        }
        if any || rejection.code != Code::CrlUnusable {
            return;
        }
        let why = crl_error_text(&rejection.webpki);
        for i in presented_indices(path) {
            let Some(desc) = self.desc(i).cloned() else {
                continue;
            };
            let Some(k) = crls.issued_by(&desc.issuer) else {
                continue;
            };
            let label = self.label(i);
            self.push(
                Code::CrlUnusable,
                Some(i),
                format!(
                    "the supplied CRL [{k}] of \"{}\", needed to check {label}, cannot be \
                     used: {why} (webpki: {})",
                    desc.issuer, rejection.webpki
                ),
                format!(
                    "client owner: supply the current CRL published and signed by \"{}\", or \
                     remove this one",
                    desc.issuer
                ),
                Evidence::Crl {
                    index: k,
                    issuer: Some(desc.issuer.clone()),
                    serial: None,
                },
            );
            return;
        }
    }

    /// CRLs were supplied but none is issued by the issuer of a certificate on the path:
    /// its revocation status is unknown, which certdeps (like rustls) allows.
    fn revocation_coverage(&mut self, on_path: &[usize]) {
        if self.verifier.crls.is_empty() {
            return;
        }
        let crls = Crls::parse(&self.verifier.crls);
        if crls.unparsable().next().is_some() {
            // Whom an unreadable CRL was meant to cover is unknown; `crl-unusable` says it.
            return;
        }
        for &i in on_path {
            let Some(skim) = self.skim(i) else { continue };
            if looks_self_signed(&skim) {
                continue;
            }
            let issuer = name_to_string(skim.issuer);
            if crls.issued_by(&issuer).is_some() {
                continue;
            }
            let label = self.label(i);
            self.push(
                Code::RevocationUnknown,
                Some(i),
                format!(
                    "no supplied CRL is issued by \"{issuer}\", so whether {label} is revoked is \
                     unknown (allowed, as rustls allows it by default)"
                ),
                format!(
                    "client owner: also supply the current CRL of \"{issuer}\" to check {label}"
                ),
                Evidence::Certificates { indices: vec![i] },
            );
        }
    }

    fn malformed(&mut self) {
        for i in 0..self.presented.len() {
            if self.desc(i).is_some() && self.skims[i].is_some() {
                continue;
            }
            let error = match Description::new(&self.presented[i]) {
                Err(e) => e.to_string(),
                Ok(_) => "its outer structure is not a certificate".to_owned(),
            };
            let role = if i == 0 {
                "the leaf"
            } else {
                "presented certificate"
            };
            self.push(
                Code::MalformedCertificate,
                Some(i),
                format!(
                    "{role} [{i}] (sha256 {}) does not parse: {error}",
                    self.sha(i)
                ),
                "server operator: the certificate file is corrupt or not X.509; re-export it \
                 from the CA's download"
                    .to_owned(),
                Evidence::None,
            );
        }
    }

    /// [RFC 8446 section 4.4.2]: "The sender's certificate MUST come in the first
    /// CertificateEntry in the list." Says what the first certificate is, and reports
    /// `leaf-not-first` when it is a CA and an end-entity follows.
    ///
    /// [RFC 8446 section 4.4.2]: https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2
    fn first(&mut self) -> First {
        if !self.desc(0).is_some_and(|d| d.is_ca) {
            return First::Leaf;
        }
        let leaf = (1..self.presented.len()).find(|&i| self.desc(i).is_some_and(|d| !d.is_ca));
        let Some(j) = leaf else {
            return First::CaAlone;
        };
        let first = self.label(0).replacen("leaf [0]", "certificate [0]", 1);
        let label = self.label(j);
        self.push(
            Code::LeafNotFirst,
            Some(0),
            format!(
                "the first presented certificate, {first}, is a CA; the end-entity {label} \
                 comes later, but every client takes the first as the server's certificate"
            ),
            "server operator: order the chain file leaf first, then its issuers (RFC 8446 \
             section 4.4.2)"
                .to_owned(),
            Evidence::Certificates {
                indices: vec![0, j],
            },
        );
        First::CaBeforeLeaf
    }

    /// webpki's reason as the error finding, when no stage could explain it better. Always
    /// an error: a code that is not one (or has no meaning here) becomes `rejected`.
    fn primary_from_webpki(&mut self, rejection: &Rejection) {
        let leaf = self.label(0);
        let webpki = &rejection.webpki;
        let (message, who) = match rejection.code {
            Code::BadSignature => (
                format!("a signature on the path from {leaf} does not verify"),
                "server operator: the chain contains a certificate signed by another key than \
                 its named issuer's; serve the issuer that actually signed it",
            ),
            Code::BudgetExceeded => (
                format!("path building from {leaf} ran out of its work budget"),
                "server operator: serve a short, direct chain",
            ),
            Code::CaUsedAsLeaf => (
                format!("{leaf} is a CA certificate served as the server certificate"),
                "server operator: serve the end-entity certificate first",
            ),
            Code::CrlUnusable => (
                format!("a supplied CRL needed to check the path from {leaf} cannot be used"),
                "client owner: supply current CRLs signed by the issuers on the path",
            ),
            Code::Expired | Code::NotYetValid => (
                format!("a certificate on the path from {leaf} is outside its validity period"),
                "server operator: renew the certificate; if the time is wrong, the client \
                 owner must fix the clock",
            ),
            Code::IncompleteChain => (
                format!("webpki found no path from {leaf} to a trust anchor"),
                "server operator: serve the full chain up to a root the clients trust; or \
                 client owner: import the private root",
            ),
            Code::MalformedCertificate => (
                format!("a certificate or CRL involved in checking {leaf} is malformed"),
                "server operator: re-export the certificates as valid DER X.509; client \
                 owner: check the supplied CRLs",
            ),
            Code::NameConstraints => (
                format!("an issuer's name constraints exclude the names of {leaf}"),
                "server operator: get a certificate for names the issuing CA may certify",
            ),
            Code::NameMismatch => (
                format!("{leaf} is not valid for the endpoint's host"),
                "client owner: connect with a host name the certificate covers; or server \
                 operator: reissue the certificate for this host",
            ),
            Code::NotACa => (
                format!("a certificate that issued part of the path from {leaf} is not a CA"),
                "server operator: get the certificate reissued by a real CA",
            ),
            Code::PathLength => (
                format!("a pathLenConstraint on the path from {leaf} is exceeded"),
                "server operator: get the leaf issued closer to the constrained CA",
            ),
            Code::Revoked => (
                format!("a supplied CRL revokes a certificate on the path from {leaf}"),
                "server operator: replace the revoked certificate",
            ),
            Code::UnsupportedAlgorithm => (
                format!("the path from {leaf} uses an algorithm strict clients refuse"),
                "server operator: reissue with SHA-256 or better and an RSA >= 2048 or ECDSA \
                 P-256/P-384 key",
            ),
            Code::UntrustedRoot => (
                format!("the path from {leaf} ends at a distrusted root"),
                "server operator: move to a certificate from a CA that is not distrusted",
            ),
            Code::WrongPurpose => (
                format!("a certificate on the path from {leaf} is not for TLS servers"),
                "server operator: use a certificate (and intermediates) allowing serverAuth",
            ),
            Code::AnchorIncluded
            | Code::ChainOutOfOrder
            | Code::DuplicateCertificate
            | Code::ExpiredInChain
            | Code::ExpiresSoon
            | Code::ExtraCertificates
            | Code::LeafNotFirst
            | Code::NoCertificates
            | Code::Rejected
            | Code::RevocationUnknown
            | Code::SelfSigned
            | Code::VerifierDisagreement => (
                format!("the strict client refused {leaf}"),
                "server operator or client owner: see webpki's reason",
            ),
        };
        let code = if rejection.code.severity() == Severity::Error {
            rejection.code
        } else {
            Code::Rejected
        };
        self.push(
            code,
            Some(0),
            format!("{message} (webpki: {webpki})"),
            who.to_owned(),
            Evidence::Webpki {
                error: webpki.clone(),
            },
        );
    }

    fn primary_fallback(&mut self) {
        if let Some(rejection) = self.verdict.rejection().cloned() {
            self.primary_from_webpki(&rejection);
        }
    }

    // ---- hygiene: on every report -------------------------------------------------------

    /// Duplicates, order, certificates on no path, expiry ahead. `whole` says the path is
    /// complete enough to call the others extra and to judge their order.
    fn hygiene(&mut self, on_path: &[usize], whole: bool) {
        let duplicates = self.duplicates();
        // [RFC 8446 section 4.4.2]: each following certificate SHOULD directly certify the
        // one immediately preceding it.
        let misplaced = on_path.windows(2).find(|w| w[0] > w[1]).map(|w| w[1]);
        if let (true, Some(misplaced)) = (whole, misplaced) {
            let order: Vec<String> = on_path.iter().map(|i| format!("[{i}]")).collect();
            self.push(
                Code::ChainOutOfOrder,
                Some(misplaced),
                format!(
                    "the issuers are presented out of order: the chain runs {}",
                    order.join(" -> ")
                ),
                "server operator: order the chain file leaf first, then each issuer in turn \
                 (RFC 8446 section 4.4.2 asks for this; old clients need it)"
                    .to_owned(),
                Evidence::Certificates {
                    indices: on_path.to_vec(),
                },
            );
        }
        let mut extras = Vec::new();
        for i in 1..self.presented.len() {
            // Both are short and sorted or tiny: no hashing on the healthy path.
            if on_path.contains(&i) || duplicates.binary_search(&i).is_ok() {
                continue;
            }
            match self.unused(i) {
                Unused::Malformed => {
                    if !self.has_for(Code::MalformedCertificate, i) {
                        extras.push(i);
                    }
                }
                Unused::Anchor => {
                    let label = self.label(i);
                    self.push(
                        Code::AnchorIncluded,
                        Some(i),
                        format!(
                            "{label} is a trust anchor the client already has; sending it is \
                             unnecessary"
                        ),
                        "server operator: optionally drop the root from the chain file to save \
                         bytes"
                            .to_owned(),
                        Evidence::None,
                    );
                }
                Unused::Expired(skim) => {
                    let label = self.label(i);
                    self.push(
                        Code::ExpiredInChain,
                        Some(i),
                        format!(
                            "{label}, issued by \"{}\", expired at {} and is not needed, but \
                             some clients may try it",
                            name_to_string(skim.issuer),
                            format_time(secs(skim.not_after))
                        ),
                        "server operator: remove the expired certificate (often an old \
                         cross-sign) from the chain file"
                            .to_owned(),
                        Evidence::Validity {
                            not_before: secs(skim.not_before),
                            not_after: secs(skim.not_after),
                            at: self.now,
                        },
                    );
                }
                // A current cross-sign of a trusted root helps older clients: not extra.
                Unused::AnchorCrossSign => {}
                Unused::Extra => extras.push(i),
            }
        }
        if whole && !extras.is_empty() && self.skim(0).is_some() {
            let labels: Vec<String> = extras.iter().take(5).map(|&i| self.label(i)).collect();
            let more = match extras.len() {
                n if n > 5 => format!(" and {} more", n - 5),
                _ => String::new(),
            };
            let verb = if extras.len() == 1 { "is" } else { "are" };
            self.push(
                Code::ExtraCertificates,
                extras.first().copied(),
                format!(
                    "{}{more} {verb} not part of the chain of {}",
                    labels.join(", "),
                    self.label(0)
                ),
                "server operator: remove certificates that do not belong to this chain".to_owned(),
                Evidence::Certificates { indices: extras },
            );
        }
        self.expires_soon(on_path);
    }

    /// Byte-identical certificates after their first appearance; returns their positions,
    /// in increasing order.
    fn duplicates(&mut self) -> Vec<usize> {
        let mut repeats = Vec::new();
        if self.presented.len() <= 16 {
            // The usual few certificates: comparing is cheaper than hashing every byte.
            for (i, cert) in self.presented.iter().enumerate() {
                if let Some(first) = self.presented[..i].iter().position(|c| c == cert) {
                    repeats.push((first, i));
                }
            }
        } else {
            let mut first_seen: HashMap<&[u8], usize> = HashMap::new();
            for (i, cert) in self.presented.iter().enumerate() {
                match first_seen.get(cert.as_ref()) {
                    Some(&first) => repeats.push((first, i)),
                    None => {
                        first_seen.insert(cert.as_ref(), i);
                    }
                }
            }
        }
        // Ten are enough to make the point on a pathological input.
        for &(first, i) in repeats.iter().take(10) {
            let label = self.label(i);
            self.push(
                Code::DuplicateCertificate,
                Some(i),
                format!("{label} is presented again (first at position {first})"),
                "server operator: list each certificate once in the chain file".to_owned(),
                Evidence::Certificates {
                    indices: vec![first, i],
                },
            );
        }
        repeats.into_iter().map(|(_, i)| i).collect()
    }

    /// What a presented certificate that is on no path is.
    fn unused(&self, i: usize) -> Unused<'p> {
        let Some(skim) = self.skim(i) else {
            return Unused::Malformed;
        };
        let anchors = &self.verifier.stores;
        let anchor_key = anchors.iter().any(|s| s.contains(skim.subject, skim.spki));
        if anchor_key && looks_self_signed(&skim) {
            return Unused::Anchor;
        }
        if skim.validity_at(self.now) == ValidityAt::Expired {
            return Unused::Expired(skim);
        }
        if anchor_key {
            return Unused::AnchorCrossSign;
        }
        Unused::Extra
    }

    fn expires_soon(&mut self, on_path: &[usize]) {
        let horizon = self.verifier.expiry_horizon.as_secs();
        for &i in on_path {
            let Some(skim) = self.skim(i) else { continue };
            if skim.validity_at(self.now) != ValidityAt::Valid {
                continue;
            }
            let left = skim.not_after.saturating_sub(self.now.as_secs());
            if left > horizon {
                continue;
            }
            let label = self.label(i);
            let who = if i == 0 {
                "server operator: renew it and deploy the new certificate before then"
            } else {
                "server operator: get the CA's current intermediate and serve it before then"
            };
            self.push(
                Code::ExpiresSoon,
                Some(i),
                format!(
                    "{label} expires at {} (in {})",
                    format_time(secs(skim.not_after)),
                    human(left)
                ),
                who.to_owned(),
                Evidence::Validity {
                    not_before: secs(skim.not_before),
                    not_after: secs(skim.not_after),
                    at: self.now,
                },
            );
        }
    }

    // ---- helpers ------------------------------------------------------------------------

    fn push(
        &mut self,
        code: Code,
        certificate: Option<usize>,
        message: String,
        remediation: String,
        evidence: Evidence,
    ) {
        if self.has_for(code, certificate.unwrap_or(usize::MAX)) {
            return;
        }
        let mut finding = Finding::new(code, certificate, message, remediation, evidence);
        // A trusted verdict never carries an error. No stage reports one on a trusted chain
        // today; if one ever did, it contradicts webpki: say so as a warning, keeping the
        // stage's words, and leave the verdict alone.
        if self.verdict.is_trusted() && finding.severity == Severity::Error {
            finding.message = format!(
                "certdeps' own `{code}` check contradicts webpki, which accepts the chain: {}",
                finding.message
            );
            finding.remediation = format!(
                "client owner: the verdict stays webpki's; please report this case to certdeps \
                 ({})",
                finding.remediation
            );
            finding.code = Code::VerifierDisagreement;
            finding.severity = Code::VerifierDisagreement.severity();
        }
        self.findings.push(finding);
    }

    fn has(&self, code: Code) -> bool {
        self.findings.iter().any(|f| f.code == code)
    }

    /// Whether a finding with `code` exists for certificate `i` (`usize::MAX`: for none).
    fn has_for(&self, code: Code, i: usize) -> bool {
        self.findings
            .iter()
            .any(|f| f.code == code && f.certificate.unwrap_or(usize::MAX) == i)
    }

    fn skim(&self, i: usize) -> Option<Skim<'p>> {
        self.skims.get(i).copied().flatten()
    }

    fn desc(&self, i: usize) -> Option<&Description> {
        self.described
            .get(i)?
            .get_or_init(|| Description::new(self.presented.get(i)?).ok())
            .as_ref()
    }

    fn subject(&self, i: usize) -> String {
        match self.desc(i) {
            Some(d) => d.subject.clone(),
            None => "(unparsable)".to_owned(),
        }
    }

    fn sha(&self, i: usize) -> String {
        self.presented
            .get(i)
            .map(|c| sha256_hex(c.as_ref()))
            .unwrap_or_default()
    }

    /// `leaf [0]` or `certificate [i]`.
    fn role(&self, i: usize) -> String {
        if i == 0 {
            "leaf [0]".to_owned()
        } else {
            format!("certificate [{i}]")
        }
    }

    /// `leaf [0] "CN=..."` / `certificate [i] "CN=..."`: how every message names a presented
    /// certificate.
    fn label(&self, i: usize) -> String {
        match self.desc(i) {
            Some(d) => format!("{} \"{}\"", self.role(i), d.subject),
            None => format!("{} (does not parse)", self.role(i)),
        }
    }

    fn presented_entries(&self, indices: &[usize]) -> Vec<PathEntry> {
        indices
            .iter()
            .filter_map(|&i| {
                Some(PathEntry {
                    source: PathSource::Presented,
                    index: Some(i),
                    der: self.presented.get(i)?.clone().into_owned(),
                })
            })
            .collect()
    }

    fn anchor_entry(&self, (store, anchor): (usize, usize)) -> Option<AnchorEntry> {
        let store = self.verifier.stores.get(store)?;
        let anchor = store.anchors().get(anchor)?;
        let ta = anchor.trust_anchor();
        Some(AnchorEntry {
            store: store.kind().clone(),
            store_name: store.name().to_owned(),
            subject: ta.subject.as_ref().to_vec(),
            spki: ta.subject_public_key_info.as_ref().to_vec(),
            certificate: anchor.certificate().cloned(),
        })
    }
}

/// A presented certificate on no path, by what it is.
enum Unused<'a> {
    /// It does not parse.
    Malformed,
    /// A root the client already trusts.
    Anchor,
    /// Expired: not needed, and some clients may try it anyway.
    Expired(Skim<'a>),
    /// A current cross-certificate of a trusted root: for older clients.
    AnchorCrossSign,
    /// Nothing the chain needs.
    Extra,
}

fn presented_indices(path: Option<&Path<'_>>) -> Vec<usize> {
    match path {
        Some(p) => p
            .links
            .iter()
            .filter_map(|l| match l.source {
                Source::Presented(i) => Some(i),
                Source::Pool(_) => None,
            })
            .collect(),
        None => vec![0],
    }
}

fn describe_skim(skim: &Skim<'_>) -> Option<Description> {
    Description::new(&CertificateDer::from(skim.der)).ok()
}

/// The permitted and excluded subtrees of a certificate's nameConstraints, as text; `None`
/// when it has none ([RFC 5280 section 4.2.1.10]).
///
/// [RFC 5280 section 4.2.1.10]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.10
fn constraints_of(der: &[u8]) -> Option<(Vec<String>, Vec<String>)> {
    let cert = x509_cert::Certificate::from_der(der).ok()?;
    let (_, nc) = cert
        .tbs_certificate()
        .get_extension::<NameConstraints>()
        .ok()??;
    let text = |subtrees: &Option<GeneralSubtrees>| {
        subtrees
            .iter()
            .flatten()
            .map(|t| general_name_text(&t.base))
            .collect::<Vec<_>>()
    };
    Some((text(&nc.permitted_subtrees), text(&nc.excluded_subtrees)))
}

fn general_name_text(name: &GeneralName) -> String {
    match name {
        GeneralName::DnsName(dns) => dns.to_string(),
        GeneralName::IpAddress(ip) => ip_subtree_text(ip.as_bytes()),
        GeneralName::Rfc822Name(email) => format!("email {email}"),
        GeneralName::UniformResourceIdentifier(uri) => format!("URI {uri}"),
        GeneralName::DirectoryName(dn) => format!("dirName {dn}"),
        GeneralName::OtherName(other) => format!("otherName {}", other.type_id),
        GeneralName::RegisteredId(oid) => format!("registeredID {oid}"),
        GeneralName::EdiPartyName(_) => "ediPartyName".to_owned(),
    }
}

/// An iPAddress subtree, address then mask ([RFC 5280 section 4.2.1.10]), as `addr/prefix`
/// (`192.0.2.0/24`); anything else as hex.
///
/// [RFC 5280 section 4.2.1.10]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.10
fn ip_subtree_text(bytes: &[u8]) -> String {
    let prefix = |mask: &[u8]| mask.iter().map(|b| b.count_ones()).sum::<u32>();
    match bytes.len() {
        8 => {
            let mut addr = [0u8; 4];
            addr.copy_from_slice(&bytes[..4]);
            format!("{}/{}", std::net::Ipv4Addr::from(addr), prefix(&bytes[4..]))
        }
        32 => {
            let mut addr = [0u8; 16];
            addr.copy_from_slice(&bytes[..16]);
            format!(
                "{}/{}",
                std::net::Ipv6Addr::from(addr),
                prefix(&bytes[16..])
            )
        }
        _ => format!("IP {}", hex(bytes)),
    }
}

/// webpki's CRL errors in words.
fn crl_error_text(webpki: &str) -> &'static str {
    let table: &[(&str, &str)] = &[
        (
            "InvalidCrlSignatureForPublicKey",
            "its signature does not verify with the issuer's key",
        ),
        (
            "IssuerNotCrlSigner",
            "the issuer's key usage does not allow signing CRLs",
        ),
        ("CrlExpired", "it is past its nextUpdate"),
        (
            "UnsupportedCrlSignatureAlgorithm",
            "it is signed with an algorithm webpki does not support",
        ),
        (
            "UnsupportedDeltaCrl",
            "it is a delta CRL, which webpki does not support",
        ),
        (
            "UnsupportedIndirectCrl",
            "it is an indirect CRL, which webpki does not support",
        ),
        (
            "UnsupportedCrlIssuingDistributionPoint",
            "its issuing distribution point is of a form webpki does not support",
        ),
        (
            "UnsupportedRevocationReason",
            "it uses a revocation reason webpki does not support",
        ),
        ("UnsupportedCrlVersion", "it is not a version 2 CRL"),
        ("InvalidCrlNumber", "its CRL number is invalid"),
    ];
    table
        .iter()
        .find(|(key, _)| webpki.contains(key))
        .map(|(_, text)| *text)
        .unwrap_or("webpki refuses it")
}

fn secs(s: u64) -> UnixTime {
    UnixTime::since_unix_epoch(std::time::Duration::from_secs(s))
}

fn human(secs: u64) -> String {
    match secs {
        s if s < 120 => format!("{s} seconds"),
        s if s < 2 * 3600 => format!("{} minutes", s / 60),
        s if s < 2 * 86_400 => format!("{} hours", s / 3600),
        s => format!("{} days", s / 86_400),
    }
}

/// "an" before a vowel sound as the key names are spoken (an RSA, an ECDSA, an Ed25519).
fn article(word: &str) -> &'static str {
    match word.chars().next() {
        Some('A' | 'E' | 'I' | 'O' | 'R' | 'U') => "an",
        _ => "a",
    }
}

fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// PEM text of DER certificates, ready to append to a chain file.
pub(crate) fn pem_bundle(ders: &[&[u8]]) -> String {
    ders.iter()
        .map(|d| {
            let config = pem::EncodeConfig::new().set_line_ending(pem::LineEnding::LF);
            pem::encode_config(&pem::Pem::new("CERTIFICATE", d.to_vec()), config)
        })
        .collect::<Vec<_>>()
        .join("")
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use pki_types::ServerName;

    use super::*;

    const HOST: &str = "mail.contoso.test";

    /// 2026-06-01T00:00:00Z.
    fn now() -> UnixTime {
        UnixTime::since_unix_epoch(Duration::from_secs(1_780_272_000))
    }

    /// A self-signed end-entity certificate for [`HOST`], trusted as its own anchor.
    fn pinned() -> (Verifier, Vec<CertificateDer<'static>>) {
        let certified = rcgen::generate_simple_self_signed(vec![HOST.to_owned()]).unwrap();
        let leaf = CertificateDer::from(certified.cert.der().to_vec());
        let store = TrustStore::from_certificates("custom", [leaf.clone()]).unwrap();
        (Verifier::builder(store).build().unwrap(), vec![leaf])
    }

    fn findings(
        verifier: &Verifier,
        endpoint: &Endpoint,
        presented: &[CertificateDer<'_>],
        verdict: &Verdict,
    ) -> Vec<Finding> {
        Diagnosis::new(verifier, Some(endpoint), presented, verdict, now())
            .run()
            .2
    }

    fn codes(findings: &[Finding]) -> Vec<(Code, Severity)> {
        findings.iter().map(|f| (f.code, f.severity)).collect()
    }

    #[test]
    fn host_disagreement_keeps_webpkis_error_and_adds_a_warning() {
        // webpki judged another name than the one certdeps matches: a stand-in for a
        // matcher bug, which is exactly what the finding exists to surface.
        let (verifier, presented) = pinned();
        let other = ServerName::try_from("owa.contoso.test").unwrap();
        let verdict = verify::verify(&presented, &verifier.anchors, Some(&other), &[], now());
        assert_eq!(verdict.rejection().unwrap().code, Code::NameMismatch);
        let endpoint = Endpoint::parse(HOST).unwrap();
        let found = findings(&verifier, &endpoint, &presented, &verdict);
        assert_eq!(
            codes(&found),
            vec![
                (Code::NameMismatch, Severity::Error),
                (Code::VerifierDisagreement, Severity::Warning)
            ]
        );
        let disagreement = &found[1];
        assert_eq!(disagreement.certificate, Some(0));
        assert!(disagreement.message.contains(HOST), "{disagreement}");
        assert!(
            disagreement.message.contains("webpki disagrees"),
            "{disagreement}"
        );
        assert!(
            disagreement.remediation.starts_with("client owner"),
            "{disagreement}"
        );
        assert!(
            found[0].message.contains("CertNotValidForName"),
            "{}",
            found[0]
        );
    }

    #[test]
    fn unknown_issuer_with_an_anchor_by_name_is_a_disagreement() {
        let (verifier, presented) = pinned();
        // webpki saw no anchor at all; assembly sees the store's.
        let verdict = verify::verify(&presented, &[], None, &[], now());
        assert_eq!(verdict.rejection().unwrap().code, Code::IncompleteChain);
        let endpoint = Endpoint::parse(HOST).unwrap();
        let found = findings(&verifier, &endpoint, &presented, &verdict);
        assert_eq!(
            codes(&found),
            vec![
                (Code::IncompleteChain, Severity::Error),
                (Code::VerifierDisagreement, Severity::Warning)
            ]
        );
        assert!(found[1].message.contains("UnknownIssuer"), "{}", found[1]);
        assert!(found[0].message.contains("leaf [0]"), "{}", found[0]);
    }

    #[test]
    fn an_error_on_a_trusted_chain_becomes_a_disagreement_warning() {
        let (verifier, presented) = pinned();
        let name = ServerName::try_from(HOST).unwrap();
        let verdict = verify::verify(&presented, &verifier.anchors, Some(&name), &[], now());
        assert!(verdict.is_trusted());
        let mut diagnosis = Diagnosis::new(&verifier, None, &presented, &verdict, now());
        diagnosis.push(
            Code::Expired,
            Some(0),
            "leaf [0] expired".to_owned(),
            "server operator: renew it".to_owned(),
            Evidence::None,
        );
        let f = &diagnosis.findings[0];
        assert_eq!(
            (f.code, f.severity),
            (Code::VerifierDisagreement, Severity::Warning)
        );
        assert!(f.message.contains("`expired`") && f.message.contains("leaf [0] expired"));
        assert!(f.remediation.contains("client owner") && f.remediation.contains("renew it"));
    }

    #[test]
    fn a_webpki_code_that_is_not_an_error_becomes_rejected() {
        // `revocation-unknown` is a warning; were webpki ever to refuse with it (a Deny
        // policy), the report must still carry an error.
        let (verifier, presented) = pinned();
        let verdict = verify::verify(&presented, &[], None, &[], now());
        let mut diagnosis = Diagnosis::new(&verifier, None, &presented, &verdict, now());
        diagnosis.primary_from_webpki(&Rejection {
            code: Code::RevocationUnknown,
            webpki: "UnknownRevocationStatus".to_owned(),
            leaf_key: None,
        });
        let f = &diagnosis.findings[0];
        assert_eq!((f.code, f.severity), (Code::Rejected, Severity::Error));
        assert!(f.message.contains("UnknownRevocationStatus") && f.message.contains("leaf [0]"));
        assert_eq!(
            f.evidence,
            Evidence::Webpki {
                error: "UnknownRevocationStatus".to_owned()
            }
        );
    }

    #[test]
    fn article_and_lists_read_well() {
        assert_eq!(article("RSA 1024"), "an");
        assert_eq!(article("ECDSA P-192"), "an");
        assert_eq!(article("DSA"), "a");
        assert_eq!(
            join_or(&["a".to_owned(), "b".to_owned(), "c".to_owned()]),
            "a, b or c"
        );
        assert_eq!(human(90), "90 seconds");
        assert_eq!(human(3 * 86_400), "3 days");
    }

    #[test]
    fn ip_subtrees_read_as_prefixes() {
        assert_eq!(
            ip_subtree_text(&[192, 0, 2, 0, 255, 255, 255, 0]),
            "192.0.2.0/24"
        );
        let mut v6 = [0u8; 32];
        v6[..2].copy_from_slice(&[0x20, 0x01]);
        v6[16..20].copy_from_slice(&[0xff; 4]);
        assert_eq!(ip_subtree_text(&v6), "2001::/32");
        assert_eq!(ip_subtree_text(&[1, 2, 3]), "IP 010203");
    }
}
