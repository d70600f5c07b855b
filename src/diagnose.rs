//! Diagnosis: turns webpki's single verdict plus certdeps' own stages (assembly, anchor
//! matching, host matching, validity) into the full list of findings.
//!
//! On a trusted chain only the cheap hygiene checks run, on skimmed fields; certificates are
//! fully decoded only when a finding needs to name them. webpki reports one "most specific"
//! error, so after a failure every stage is asked for everything it can see.

use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};

use pki_types::{CertificateDer, UnixTime};

use crate::anchor::{AnchorMatch, classify};
use crate::cert::{Description, Skim, ValidityAt, hex, sha256_hex};
use crate::chain::{Assembly, Path, Source, assemble};
use crate::endpoint::{Endpoint, Host};
use crate::finding::{Code, Evidence, Finding, Severity};
use crate::key::PublicKey;
use crate::name::{NameMatch, match_host};
use crate::report::{AnchorEntry, PathEntry, PathSource, format_time, name_to_string};
use crate::verifier::Verifier;
use crate::verify::{self, Verdict};

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
                self.hygiene(&on_path);
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
        self.leaf_not_first();
        let assembly = assemble(
            &self.skims,
            None,
            &self.verifier.stores,
            self.verifier.budget,
        );
        let presented_path = assembly.as_ref().map(|a| a.best.clone());
        let mut shown_path = presented_path.clone();
        let mut shown_anchor = None;
        if let Some(path) = &presented_path {
            if let AnchorMatch::Anchored { store, anchor } = classify(path) {
                shown_anchor = self.anchor_entry((store, anchor));
            }
        }
        let before = self.findings.len();
        match rejection.code {
            Code::BadSignature => self.bad_signature(presented_path.as_ref()),
            Code::IncompleteChain => {
                if let Some(assembly) = &assembly {
                    if let Some((path, anchor)) = self.unknown_issuer(assembly) {
                        shown_path = Some(path);
                        shown_anchor = anchor;
                    }
                }
            }
            Code::Expired | Code::NotYetValid => self.validity(presented_path.as_ref(), true),
            Code::NameMismatch => self.name_mismatch(true),
            Code::WrongPurpose => self.wrong_purpose(presented_path.as_ref(), true),
            Code::NotACa => self.not_a_ca(presented_path.as_ref()),
            Code::PathLength => self.path_length(presented_path.as_ref()),
            Code::UnsupportedAlgorithm => self.algorithms(presented_path.as_ref(), &rejection),
            Code::CaUsedAsLeaf => {
                let leaf = self.label(0);
                self.push(
                    Code::CaUsedAsLeaf,
                    Some(0),
                    format!("{leaf} is a CA certificate (basicConstraints cA=TRUE) used as the server certificate"),
                    "server operator: serve an end-entity certificate issued by this CA, not the CA certificate itself".to_owned(),
                    Evidence::Webpki { error: rejection.webpki.clone() },
                );
            }
            _ => {}
        }
        let explained = self.findings[before..]
            .iter()
            .any(|f| f.severity == Severity::Error);
        if !explained {
            self.primary_from_webpki(&rejection.code, &rejection.webpki);
        }
        // webpki stops at its first error; ask the other stages what else is wrong.
        self.name_mismatch(false);
        self.validity(presented_path.as_ref(), false);
        self.wrong_purpose(presented_path.as_ref(), false);
        self.leaf_key();
        let on_path: Vec<usize> = shown_path
            .as_ref()
            .map(|p| {
                p.links
                    .iter()
                    .filter_map(|l| match l.source {
                        Source::Presented(i) => Some(i),
                        Source::Pool(_) => None,
                    })
                    .collect()
            })
            .unwrap_or_else(|| vec![0]);
        self.hygiene(&on_path);
        let entries = match &shown_path {
            Some(path) => path
                .links
                .iter()
                .map(|l| match l.source {
                    Source::Presented(i) => PathEntry {
                        source: PathSource::Presented,
                        index: Some(i),
                        der: CertificateDer::from(l.skim.der.to_vec()),
                    },
                    Source::Pool(i) => PathEntry {
                        source: PathSource::Pool,
                        index: Some(i),
                        der: CertificateDer::from(l.skim.der.to_vec()),
                    },
                })
                .collect(),
            None => self.presented_entries(&[0]),
        };
        (entries, shown_anchor)
    }

    /// webpki said `UnknownIssuer`: say which of the three everyday causes it is.
    fn unknown_issuer(
        &mut self,
        assembly: &Assembly<'p>,
    ) -> Option<(Path<'p>, Option<AnchorEntry>)> {
        let path = &assembly.best;
        match classify(path) {
            AnchorMatch::SelfSignedLeaf => {
                let sha = self.sha(0);
                let leaf = self.label(0);
                self.push(
                    Code::SelfSigned,
                    Some(0),
                    format!("{leaf} is self-signed: nothing vouches for it"),
                    format!(
                        "server operator: install a certificate issued by a CA the clients trust; \
                         or, for a private service only, client owner: trust this exact \
                         certificate (sha256 {sha}) as an anchor"
                    ),
                    Evidence::Root {
                        subject: self.subject(0),
                        sha256: sha,
                    },
                );
                None
            }
            AnchorMatch::UntrustedRoot { source } => {
                self.untrusted_root(source, path, false);
                None
            }
            AnchorMatch::MissingIssuer { source } => self.missing_issuer(source, path),
            AnchorMatch::TooDeep => {
                self.push(
                    Code::BudgetExceeded,
                    Some(0),
                    format!(
                        "the presented chain is longer than {} certificates",
                        self.verifier.budget.max_depth
                    ),
                    "server operator: serve only the leaf and the intermediates up to one root"
                        .to_owned(),
                    Evidence::None,
                );
                None
            }
            AnchorMatch::Anchored { .. } => {
                let last = path.links.last().map(|l| l.skim);
                let issuer = last.map(|s| name_to_string(s.issuer)).unwrap_or_default();
                self.push(
                    Code::VerifierDisagreement,
                    None,
                    format!(
                        "webpki found no issuer (UnknownIssuer), yet a trust anchor is named \
                         \"{issuer}\": its key likely differs from the one that signed the chain \
                         (a re-keyed root with the same name?)"
                    ),
                    "client owner: compare the anchor's key with the chain's issuer; report this case to certdeps if they match".to_owned(),
                    Evidence::None,
                );
                if assembly.exhausted {
                    self.budget_note();
                }
                None
            }
        }
    }

    /// Names the certificate whose signature fails, when the path makes it clear: the
    /// top of the presented path against a same-named anchor with another key, or a child
    /// against a presented issuer.
    fn bad_signature(&mut self, path: Option<&Path<'p>>) {
        let Some(path) = path else { return };
        let Some(top) = path.links.last() else { return };
        let Source::Presented(i) = top.source else {
            return;
        };
        let label = self.label(i);
        let issuer = name_to_string(top.skim.issuer);
        let (message, fix) = match classify(path) {
            AnchorMatch::Anchored { .. } => (
                format!("{label} names \"{issuer}\" as issuer, but its signature does not verify with the key of the trust anchor of that name: another key with the same name (a re-keyed or look-alike root)"),
                "client owner: import the root that actually issued this chain (compare fingerprints); or server operator: serve the chain that leads to the trusted root".to_owned(),
            ),
            _ => (
                format!("a signature on the path from {label} does not verify with its named issuer's key"),
                "server operator: the chain contains a certificate signed by a different key than its named issuer's; serve the issuer that actually signed it".to_owned(),
            ),
        };
        self.push(Code::BadSignature, Some(i), message, fix, Evidence::None);
    }

    fn untrusted_root(&mut self, source: Source, path: &Path<'p>, via_pool: bool) {
        let Some(root) = path.links.last().map(|l| l.skim) else {
            return;
        };
        let (index, desc) = match source {
            Source::Presented(i) => (Some(i), self.desc(i).cloned()),
            Source::Pool(_) => (None, describe_skim(&root)),
        };
        let subject = desc
            .as_ref()
            .map(|d| d.subject.clone())
            .unwrap_or_else(|| name_to_string(root.subject));
        let sha = sha256_hex(root.der);
        let stores: Vec<&str> = self.verifier.stores.iter().map(|s| s.name()).collect();
        let whence = if via_pool {
            "the pool's chain"
        } else {
            "the chain"
        };
        self.push(
            Code::UntrustedRoot,
            index,
            format!(
                "{whence} ends in root \"{subject}\", which no configured trust store ({}) holds",
                stores.join(", ")
            ),
            format!(
                "client owner: if this private/enterprise root is meant to be trusted, import it \
                 (sha256 {sha}), e.g. with --add-roots; otherwise the server operator must use a \
                 certificate from a publicly trusted CA"
            ),
            Evidence::Root {
                subject,
                sha256: sha,
            },
        );
    }

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
            None => format!("\"{}\"", name_to_string(child.subject)),
        };
        let issuer = name_to_string(child.issuer);
        let key_id = child.authority_key_id().map(hex);
        let ca_issuers = child_desc.map(|d| d.ca_issuers).unwrap_or_default();
        let mut add = Vec::new();
        let mut bundle = None;
        let mut completed = None;
        let mut pool_note = String::new();
        if let Some(pool) = &self.verifier.pool {
            if let Some(with_pool) = assemble(
                &self.skims,
                Some(pool),
                &self.verifier.stores,
                self.verifier.budget,
            ) {
                let best = with_pool.best;
                let extra: Vec<&[u8]> = best
                    .links
                    .iter()
                    .filter(|l| matches!(l.source, Source::Pool(_)))
                    .map(|l| l.skim.der)
                    .collect();
                match classify(&best) {
                    AnchorMatch::Anchored { store, anchor } if !extra.is_empty() => {
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
                        pool_note = if check.is_trusted() {
                            format!(
                                "; the intermediate pool completes it: adding {} certificate(s) makes the chain trusted",
                                extra.len()
                            )
                        } else {
                            format!(
                                "; the intermediate pool completes the path by name, but webpki still refuses it ({})",
                                check.rejection().map(|r| r.code.as_str()).unwrap_or("?")
                            )
                        };
                        let anchor_entry = self.anchor_entry((store, anchor));
                        completed = Some((best.clone(), anchor_entry));
                    }
                    AnchorMatch::UntrustedRoot { .. } if !extra.is_empty() => {
                        pool_note = "; the pool has the missing issuer(s), but they lead to a root no store trusts".to_owned();
                        self.untrusted_root(Source::Pool(0), &best, true);
                        completed = Some((best.clone(), None));
                    }
                    _ => pool_note = "; the intermediate pool does not have it either".to_owned(),
                }
            }
        }
        let fetch = if ca_issuers.is_empty() {
            "it carries no AIA caIssuers URL; ask the issuing CA for its intermediate".to_owned()
        } else {
            format!("download it from {}", ca_issuers.join(" or "))
        };
        let key = key_id
            .as_deref()
            .map(|k| format!(" (key id {k})"))
            .unwrap_or_default();
        self.push(
            Code::IncompleteChain,
            index,
            format!("{child_label} is issued by \"{issuer}\"{key}, which the server did not send and no trust store holds{pool_note}"),
            format!(
                "server operator: serve the full chain (leaf, then each intermediate up to the \
                 root) — {fetch}; browsers may fetch missing intermediates, strict clients do \
                 not. If \"{issuer}\" is a private root, the client owner must import it instead"
            ),
            Evidence::MissingIssuer { subject: issuer, key_id, ca_issuers, add, bundle },
        );
        completed
    }

    fn validity(&mut self, path: Option<&Path<'p>>, primary: bool) {
        let candidates: Vec<usize> = match path {
            Some(p) => p
                .links
                .iter()
                .filter_map(|l| match l.source {
                    Source::Presented(i) => Some(i),
                    Source::Pool(_) => None,
                })
                .collect(),
            None => vec![0],
        };
        let mut found = false;
        for i in candidates {
            let Some(skim) = self.skim(i) else { continue };
            let (code, verb) = match skim.validity_at(self.now) {
                ValidityAt::Valid => continue,
                ValidityAt::Expired => (Code::Expired, "expired"),
                ValidityAt::NotYetValid => (Code::NotYetValid, "is not valid until"),
            };
            found = true;
            let label = self.label(i);
            let (nb, na) = (secs(skim.not_before), secs(skim.not_after));
            let when = if code == Code::Expired {
                let ago = self.now.as_secs().saturating_sub(skim.not_after);
                format!(
                    "{verb} at {} ({} ago); checked at {}",
                    format_time(na),
                    human(ago),
                    format_time(self.now)
                )
            } else {
                format!(
                    "{verb} {}; checked at {}",
                    format_time(nb),
                    format_time(self.now)
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
                format!("{label} {when}"),
                format!("{who}; if the verification time is wrong, the client's clock is"),
                Evidence::Validity {
                    not_before: nb,
                    not_after: na,
                    at: self.now,
                },
            );
        }
        if primary && !found {
            self.primary_fallback();
        }
    }

    fn name_mismatch(&mut self, primary: bool) {
        let Some(endpoint) = self.endpoint else {
            return;
        };
        let Some(desc) = self.desc(0).cloned() else {
            if primary {
                self.primary_fallback();
            }
            return;
        };
        let cns: Vec<&str> = desc.common_names.iter().map(String::as_str).collect();
        match match_host(endpoint.host(), &desc.san, &cns) {
            NameMatch::Matched(san) => {
                if primary {
                    self.push(
                        Code::VerifierDisagreement,
                        Some(0),
                        format!("webpki says the leaf is not valid for {}, but certdeps matches it with SAN {san}", endpoint.host()),
                        "please report this case to certdeps: the verdict stays webpki's".to_owned(),
                        Evidence::None,
                    );
                }
            }
            NameMatch::Mismatch { cn_only } => {
                let list = if desc.san.is_empty() {
                    "no subjectAltName at all".to_owned()
                } else {
                    format!(
                        "only valid for {}",
                        join_or(&desc.san.iter().map(|s| s.to_string()).collect::<Vec<_>>())
                    )
                };
                let cn_note = if cn_only {
                    "; its subject CN matches, but clients ignore the CN (RFC 6125 section 6.4.4)"
                } else {
                    ""
                };
                let host_kind = match endpoint.host() {
                    Host::Ip(_) => "an iPAddress",
                    _ => "a dNSName",
                };
                let label = self.label(0);
                self.push(
                    Code::NameMismatch,
                    Some(0),
                    format!(
                        "{label} is not valid for host {}: it is {list}{cn_note}",
                        endpoint.host()
                    ),
                    format!(
                        "client owner: connect with a host name the certificate covers; or server \
                         operator: reissue the certificate with {host_kind} SAN for {}",
                        endpoint.host()
                    ),
                    Evidence::Names {
                        host: endpoint.host().to_string(),
                        san: desc.san.clone(),
                        cn_only,
                    },
                );
            }
        }
    }

    fn wrong_purpose(&mut self, path: Option<&Path<'p>>, primary: bool) {
        let indices = presented_indices(path);
        let mut found = false;
        for i in indices {
            let Some(desc) = self.desc(i).cloned() else {
                continue;
            };
            if desc.allows_server_auth() {
                continue;
            }
            found = true;
            let label = self.label(i);
            let ekus = desc
                .extended_key_usage
                .clone()
                .unwrap_or_default()
                .join(", ");
            let who = if i == 0 {
                "server operator: reissue the certificate with the serverAuth extended key usage"
            } else {
                "server operator: use an intermediate whose EKU includes serverAuth (or has none)"
            };
            self.push(
                Code::WrongPurpose,
                Some(i),
                format!("{label} is not for TLS servers: its extended key usage is [{ekus}], without serverAuth"),
                who.to_owned(),
                Evidence::None,
            );
            break;
        }
        if primary && !found {
            self.primary_fallback();
        }
    }

    fn not_a_ca(&mut self, path: Option<&Path<'p>>) {
        for i in presented_indices(path).into_iter().skip(1) {
            let Some(desc) = self.desc(i).cloned() else {
                continue;
            };
            if desc.is_ca {
                continue;
            }
            let label = self.label(i);
            self.push(
                Code::NotACa,
                Some(i),
                format!("{label} is used as an issuer but is not a CA (no basicConstraints cA=TRUE)"),
                "server operator: the certificate was issued by a non-CA certificate; get it reissued by a real CA".to_owned(),
                Evidence::None,
            );
            return;
        }
        self.primary_fallback();
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
                    format!("{label} allows {limit} intermediate(s) below it (pathLenConstraint), but the path has {below}"),
                    "server operator: get the leaf issued closer to this CA, or by a CA without this limit".to_owned(),
                    Evidence::None,
                );
                return;
            }
        }
        self.primary_fallback();
    }

    fn algorithms(&mut self, path: Option<&Path<'p>>, rejection: &verify::Rejection) {
        if let Some(key) = &rejection.leaf_key {
            let label = self.label(0);
            self.push(
                Code::UnsupportedAlgorithm,
                Some(0),
                format!("{label} has a {key} key: the chain verifies, but rustls cannot verify a handshake signature with it"),
                "server operator: reissue the certificate with an RSA 2048-8192, ECDSA P-256/P-384 or Ed25519 key".to_owned(),
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
                format!("is signed with {}", desc.signature_algorithm)
            } else {
                format!("has a {} key", desc.public_key)
            };
            self.push(
                Code::UnsupportedAlgorithm,
                Some(i),
                format!("{label} {what}, which strict clients refuse"),
                "server operator: reissue with SHA-256 or better and an RSA >= 2048 or ECDSA P-256/P-384 key".to_owned(),
                Evidence::Key { key: desc.public_key.clone() },
            );
            return;
        }
        self.primary_fallback();
    }

    /// The leaf-key check also after a chain failure, so both problems are reported.
    fn leaf_key(&mut self) {
        let Some(skim) = self.skim(0) else { return };
        let key = PublicKey::from_spki(skim.spki);
        if key.handshake_capable()
            || self
                .findings
                .iter()
                .any(|f| f.code == Code::UnsupportedAlgorithm)
        {
            return;
        }
        let label = self.label(0);
        self.push(
            Code::UnsupportedAlgorithm,
            Some(0),
            format!("{label} has a {key} key, which rustls cannot verify a handshake signature with"),
            "server operator: reissue the certificate with an RSA 2048-8192, ECDSA P-256/P-384 or Ed25519 key".to_owned(),
            Evidence::Key { key },
        );
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
            self.push(
                Code::MalformedCertificate,
                Some(i),
                format!("presented certificate [{i}] does not parse: {error}"),
                "server operator: the certificate file is corrupt or not X.509; re-export it from the CA's download".to_owned(),
                Evidence::None,
            );
        }
    }

    /// [RFC 8446 section 4.4.2]: "The sender's certificate MUST come in the first
    /// CertificateEntry in the list."
    ///
    /// [RFC 8446 section 4.4.2]: https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2
    fn leaf_not_first(&mut self) {
        let Some(first) = self.desc(0).cloned() else {
            return;
        };
        if !first.is_ca {
            return;
        }
        let leaf = (1..self.presented.len()).find(|&i| self.desc(i).is_some_and(|d| !d.is_ca));
        if let Some(j) = leaf {
            let label = self.label(j);
            self.push(
                Code::LeafNotFirst,
                Some(0),
                format!("the first presented certificate is a CA; the end-entity {label} is at position {j}"),
                "server operator: order the chain file leaf first, then its issuers (RFC 8446 section 4.4.2)".to_owned(),
                Evidence::Certificates { indices: vec![0, j] },
            );
        }
    }

    fn primary_from_webpki(&mut self, code: &Code, webpki: &str) {
        let (who, what) = match code {
            Code::Revoked => (
                "server operator: replace the revoked certificate",
                "a supplied CRL revokes a certificate on the path",
            ),
            Code::RevocationUnknown => (
                "client owner: supply the CRL of every issuer on the path",
                "no supplied CRL covers a certificate on the path",
            ),
            Code::CrlUnusable => (
                "client owner: supply a current CRL signed by the issuer",
                "a supplied CRL cannot be used",
            ),
            Code::NameConstraints => (
                "server operator: get a certificate whose names the issuing CA is permitted to certify",
                "an issuer's name constraints exclude the leaf's names",
            ),
            Code::BadSignature => (
                "server operator: the chain contains a certificate signed by a different key than its named issuer's; serve the issuer that actually signed it",
                "a signature on the path does not verify",
            ),
            Code::BudgetExceeded => (
                "server operator: serve a short, direct chain",
                "path building ran out of its work budget",
            ),
            Code::UntrustedRoot => (
                "server operator: move to a certificate from a CA that is not distrusted",
                "the path ends at a distrusted root",
            ),
            Code::MalformedCertificate => (
                "server operator: re-export the certificate; it is not valid DER X.509",
                "a certificate on the path is malformed",
            ),
            _ => ("see webpki's error", "the strict client refused the chain"),
        };
        self.push(
            *code,
            Some(0),
            format!("{what} (webpki: {webpki})"),
            who.to_owned(),
            Evidence::Webpki {
                error: webpki.to_owned(),
            },
        );
    }

    fn primary_fallback(&mut self) {
        if let Some(rejection) = self.verdict.rejection().cloned() {
            if !self.findings.iter().any(|f| f.code == rejection.code) {
                self.primary_from_webpki(&rejection.code, &rejection.webpki);
            }
        }
    }

    fn budget_note(&mut self) {
        self.push(
            Code::BudgetExceeded,
            None,
            format!("chain assembly stopped after {} candidate issuers; the explanation may be incomplete", self.verifier.budget.max_candidates),
            "server operator: serve a short, direct chain".to_owned(),
            Evidence::None,
        );
    }

    // ---- hygiene: on every report -------------------------------------------------------

    fn hygiene(&mut self, on_path: &[usize]) {
        let n = self.presented.len();
        let on: HashSet<usize> = on_path.iter().copied().collect();
        // Duplicates: byte-identical certificates.
        let mut first_seen: HashMap<&[u8], usize> = HashMap::new();
        let mut duplicates = Vec::new();
        for i in 0..n {
            match first_seen.get(self.presented[i].as_ref()) {
                Some(&first) => duplicates.push((first, i)),
                None => {
                    first_seen.insert(self.presented[i].as_ref(), i);
                }
            }
        }
        let dup_set: HashSet<usize> = duplicates.iter().map(|&(_, i)| i).collect();
        for &(first, i) in duplicates.iter().take(10) {
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
        // Out of order: the path's presented intermediates must appear in increasing position.
        if on_path.windows(2).any(|w| w[0] > w[1]) {
            self.push(
                Code::ChainOutOfOrder,
                None,
                format!("the issuers are presented out of order: the path uses positions {on_path:?}"),
                "server operator: order the chain file leaf first, then each issuer in turn (RFC 8446 section 4.4.2 asks for this; old clients need it)".to_owned(),
                Evidence::Certificates { indices: on_path.to_vec() },
            );
        }
        // Anchors included, extras, expired extras.
        let mut extras = Vec::new();
        for i in 1..n {
            if on.contains(&i) || dup_set.contains(&i) {
                continue;
            }
            let Some(skim) = self.skim(i) else { continue };
            if self
                .verifier
                .stores
                .iter()
                .any(|s| s.contains(skim.subject, skim.spki))
            {
                let label = self.label(i);
                self.push(
                    Code::AnchorIncluded,
                    Some(i),
                    format!("{label} is a trust anchor the client already has; sending it is unnecessary"),
                    "server operator: optionally drop the root from the chain file to save bytes".to_owned(),
                    Evidence::None,
                );
                continue;
            }
            if skim.validity_at(self.now) == ValidityAt::Expired {
                let label = self.label(i);
                self.push(
                    Code::ExpiredInChain,
                    Some(i),
                    format!("{label} expired at {} and is not needed, but some clients may try it", format_time(secs(skim.not_after))),
                    "server operator: remove the expired certificate (often an old cross-sign) from the chain file".to_owned(),
                    Evidence::Validity { not_before: secs(skim.not_before), not_after: secs(skim.not_after), at: self.now },
                );
                continue;
            }
            extras.push(i);
        }
        if !extras.is_empty() && self.verdict.is_trusted()
            || !extras.is_empty() && on_path.len() > 1
        {
            let labels: Vec<String> = extras.iter().take(5).map(|&i| self.label(i)).collect();
            let more = if extras.len() > 5 {
                format!(" and {} more", extras.len() - 5)
            } else {
                String::new()
            };
            self.push(
                Code::ExtraCertificates,
                extras.first().copied(),
                format!(
                    "{}{more} {} on no path to the anchor",
                    labels.join(", "),
                    if extras.len() == 1 { "is" } else { "are" }
                ),
                "server operator: remove certificates that do not belong to this chain".to_owned(),
                Evidence::Certificates { indices: extras },
            );
        }
        // Expires soon: certificates the path depends on.
        let horizon = self.verifier.expiry_horizon.as_secs();
        for &i in on_path {
            let Some(skim) = self.skim(i) else { continue };
            if skim.validity_at(self.now) != ValidityAt::Valid {
                continue;
            }
            let left = skim.not_after.saturating_sub(self.now.as_secs());
            if left <= horizon {
                let label = self.label(i);
                self.push(
                    Code::ExpiresSoon,
                    Some(i),
                    format!(
                        "{label} expires at {} (in {})",
                        format_time(secs(skim.not_after)),
                        human(left)
                    ),
                    "server operator: renew it and deploy the new certificate before then"
                        .to_owned(),
                    Evidence::Validity {
                        not_before: secs(skim.not_before),
                        not_after: secs(skim.not_after),
                        at: self.now,
                    },
                );
            }
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
        if self
            .findings
            .iter()
            .any(|f| f.code == code && f.certificate == certificate)
        {
            return;
        }
        // A trusted verdict never carries an error: an error-level disagreement becomes a
        // warning-level note instead, and the verdict stays webpki's.
        let mut finding = Finding::new(code, certificate, message, remediation, evidence);
        if self.verdict.is_trusted() && finding.severity == Severity::Error {
            finding.code = Code::VerifierDisagreement;
            finding.severity = Severity::Warning;
        }
        self.findings.push(finding);
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

    /// `certificate [i] "CN=..."`: how every message names a presented certificate.
    fn label(&self, i: usize) -> String {
        let role = if i == 0 { "leaf" } else { "certificate" };
        format!("{role} [{i}] \"{}\"", self.subject(i))
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
