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
//! Every message names the certificate(s) involved (`leaf [0] "CN=..."`), and every
//! remediation starts with who acts: the `server operator` (what the server sends) or the
//! `client owner` (trust store, CRLs, the URL it calls).

mod constraints;
mod hygiene;
mod issuer;
mod revocation;

use std::cell::OnceCell;
use std::fmt;
use std::sync::Arc;

use pki_types::{CertificateDer, UnixTime};
use smallvec::SmallVec;

use crate::anchor::{AnchorMatch, classify};
use crate::cert::{Description, Skim, ValidityAt, sha256_hex};
use crate::chain::{End, Path, Source, assemble};
use crate::config::Config;
use crate::endpoint::{Endpoint, Host};
use crate::finding::{Code, Evidence, Finding, Severity, Text};
use crate::key::PublicKey;
use crate::name::{NameMatch, San, match_host, san_names};
use crate::presented::Presented;
use crate::report::{AnchorEntry, Findings, PathEntries, PathEntry, PathSource, format_time};
use crate::verify::{self, Cause, Rejection, Verdict};

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
}

type Outcome = (PathEntries, Option<AnchorEntry>, Findings);

/// Positions in the presented list: a path is a few certificates long.
type Positions = SmallVec<[usize; 8]>;

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
        let assembly = assemble(self.skims, None, self.config.stores(), self.config.budget());
        let path = assembly.as_ref().map(|a| &a.best);
        // The path to show, when the pool completes it; otherwise `path`.
        let mut completed_path = None;
        let mut shown_anchor = None;
        if let Some(AnchorMatch::Anchored { store, anchor }) = path.map(classify) {
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
        let complete = shown_path.is_some_and(|p| p.end != End::TooDeep)
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
                            PathSource::Pool,
                            i,
                            Some(CertificateDer::from(l.skim.der.to_vec())),
                        ),
                    };
                    PathEntry {
                        source,
                        index: Some(index),
                        der,
                    }
                })
                .collect(),
            None => self.presented_entries(&[0]),
        };
        (entries, shown_anchor)
    }

    #[cold]
    #[inline(never)]
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
                error: rejection.webpki().to_owned(),
            },
        );
    }

    /// [RFC 5280 section 4.1.2.5]: every certificate on the path must be valid at the
    /// verification time.
    ///
    /// [RFC 5280 section 4.1.2.5]: https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.5
    #[inline(never)]
    fn validity(&mut self, path: Option<&Path<'p>>) {
        for i in presented_indices(path) {
            let Some(skim) = self.skim(i) else { continue };
            let code = match skim.validity_at(self.now) {
                ValidityAt::Valid => continue,
                ValidityAt::Expired => Code::Expired,
                ValidityAt::NotYetValid => Code::NotYetValid,
            };
            let label = self.label(i);
            let (nb, na, now) = (secs(skim.not_before), secs(skim.not_after), self.now);
            let message = Text::lazy(move || {
                let checked = format_time(now);
                if code == Code::Expired {
                    let ago = now.as_secs().saturating_sub(na.as_secs());
                    format!(
                        "{label} expired at {} ({} ago); checked at {checked}",
                        format_time(na),
                        human(ago)
                    )
                } else {
                    let ahead = nb.as_secs().saturating_sub(now.as_secs());
                    format!(
                        "{label} is not valid until {} (in {}); checked at {checked}",
                        format_time(nb),
                        human(ahead)
                    )
                }
            });
            let remediation = if i == 0 {
                "server operator: renew the certificate and install it; if the verification \
                 time is wrong, the client owner must fix the clock"
            } else {
                "server operator: replace this intermediate with the CA's current one; if the \
                 verification time is wrong, the client owner must fix the clock"
            };
            self.push(
                code,
                Some(i),
                message,
                remediation,
                Evidence::Validity {
                    not_before: nb,
                    not_after: na,
                    at: self.now,
                },
            );
        }
    }

    /// Whether the leaf is valid for the endpoint's host, as webpki judges it
    /// ([`verify::names_host`]), read from the skimmed SANs where they are plain
    /// ([`san_names`]). `true` when there is nothing to judge: no endpoint, or a leaf that
    /// does not parse (`malformed-certificate` says so).
    #[inline(never)]
    fn leaf_names_host(&self) -> bool {
        let (Some(endpoint), Some(skim)) = (self.endpoint, self.skim(0)) else {
            return true;
        };
        let name = endpoint.server_name_ref();
        san_names(skim.san_value(), name)
            .unwrap_or_else(|| verify::names_host(&CertificateDer::from(skim.der), name))
    }

    /// Host matching ([RFC 9525 section 6.3]) against the leaf's SANs. With `rejection`,
    /// webpki said the name does not match: if certdeps' matcher disagrees, webpki's word is
    /// reported as the error and the disagreement as a warning.
    ///
    /// [RFC 9525 section 6.3]: https://www.rfc-editor.org/rfc/rfc9525#section-6.3
    #[cold]
    #[inline(never)]
    fn name_mismatch(&mut self, rejection: Option<&Rejection>) {
        let Some(endpoint) = self.endpoint else {
            return;
        };
        let Some(skim) = self.skim(0) else {
            return;
        };
        let host = endpoint.host();
        // A leaf whose names do not read is `malformed-certificate`'s business.
        let Some(sans) = skim.sans() else {
            return;
        };
        if let NameMatch::Matched(san) = match_host(host, &sans, &[]) {
            if let Some(rejection) = rejection {
                let label = self.label(0);
                self.push(
                    Code::NameMismatch,
                    Some(0),
                    format!(
                        "webpki says {label} is not valid for host {host} ({}); {}",
                        rejection.webpki(),
                        san_list(&sans)
                    ),
                    name_remediation(host),
                    Evidence::Names {
                        host: host.to_string(),
                        san: sans,
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
                     certdeps",
                    Evidence::None,
                );
            }
            return;
        }
        let common_names = skim.common_names();
        let common_names: Vec<&str> = common_names.iter().map(String::as_str).collect();
        let cn_only = matches!(
            match_host(host, &[], &common_names),
            NameMatch::Mismatch { cn_only: true }
        );
        let (label, quoted_host) = (self.label(0), host.clone());
        let [message, remediation] = Text::lazy_pair(move || {
            let sans = label.skim().and_then(|s| s.sans()).unwrap_or_default();
            let cn_note = if cn_only {
                "; only its subject CN names the host, and clients ignore the CN (RFC 9525 \
                 section 6.3)"
            } else {
                ""
            };
            [
                format!(
                    "{label} is not valid for host {quoted_host}: {}{cn_note}",
                    san_list(&sans)
                ),
                name_remediation(&quoted_host),
            ]
        });
        self.push(
            Code::NameMismatch,
            Some(0),
            message,
            remediation,
            Evidence::Names {
                host: host.to_string(),
                san: sans,
                cn_only,
            },
        );
    }

    /// [RFC 5280 section 4.2.1.12]: the path must allow id-kp-serverAuth.
    ///
    /// [RFC 5280 section 4.2.1.12]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.12
    #[inline(never)]
    fn wrong_purpose(&mut self, path: Option<&Path<'p>>) {
        for i in presented_indices(path) {
            let Some(skim) = self.skim(i) else {
                continue;
            };
            if skim.allows_server_auth() {
                continue;
            }
            let label = self.label(i);
            let ekus = skim.extended_key_usage().unwrap_or_default().join(", ");
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

    #[cold]
    #[inline(never)]
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
    #[inline(never)]
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

    #[inline(never)]
    fn malformed(&mut self) {
        for i in 0..self.presented.len() {
            // A certificate whose outer structure reads is not malformed in any sense a
            // client acts on (webpki judges the rest), and testing that costs nothing; a full
            // decode here would double the cost of every failure report.
            if self.skims[i].is_some() {
                continue;
            }
            let Some(der) = self.presented.der(i) else {
                continue;
            };
            let error = match Description::new(&der) {
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
    #[inline(never)]
    fn first(&mut self) -> First {
        if !self.skim(0).is_some_and(|s| s.is_ca()) {
            return First::Leaf;
        }
        let leaf = (1..self.presented.len()).find(|&i| self.skim(i).is_some_and(|s| !s.is_ca()));
        let Some(j) = leaf else {
            return First::CaAlone;
        };
        let first = self.label(0).as_certificate();
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
    #[cold]
    #[inline(never)]
    fn primary_from_webpki(&mut self, rejection: &Rejection) {
        let leaf = self.label(0);
        let webpki = rejection.webpki();
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
            Code::MalformedCertificate => match malformed_text(rejection.cause()) {
                Some(what) => (
                    format!("{leaf} or a certificate on its path {what}"),
                    "server operator: get the certificate reissued in a form strict clients \
                     accept",
                ),
                None => (
                    format!("a certificate or CRL involved in checking {leaf} is malformed"),
                    "server operator: re-export the certificates as valid DER X.509; client \
                     owner: check the supplied CRLs",
                ),
            },
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
                error: webpki.to_owned(),
            },
        );
    }

    #[cold]
    #[inline(never)]
    fn primary_fallback(&mut self) {
        if let Some(rejection) = self.verdict.rejection().cloned() {
            self.primary_from_webpki(&rejection);
        }
    }

    // ---- helpers ------------------------------------------------------------------------

    #[inline(never)]
    fn push(
        &mut self,
        code: Code,
        certificate: Option<usize>,
        message: impl Into<Text>,
        remediation: impl Into<Text>,
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
            finding = finding.into_disagreement();
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

/// How a message names presented certificate `.0`: `leaf [0]` or `certificate [i]`.
#[derive(Clone, Copy, Debug)]
struct Role(usize);

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            0 => f.write_str("leaf [0]"),
            i => write!(f, "certificate [{i}]"),
        }
    }
}

/// A presented certificate as messages name it, `leaf [0] "CN=..."`, written on demand from
/// the shared certificates so that a finding's deferred text can own it.
#[derive(Clone, Debug)]
struct Label {
    certificates: Presented,
    index: usize,
}

impl Label {
    /// The same label, but `certificate [0]` rather than `leaf [0]` (for a first certificate
    /// that is not the leaf).
    fn as_certificate(&self) -> impl fmt::Display + Send + Sync + 'static {
        let label = self.clone();
        Lazily(move |f: &mut fmt::Formatter<'_>| {
            write!(f, "certificate [{}]", label.index)?;
            label.write_subject(f)
        })
    }

    /// The certificate's outer fields, read again.
    fn skim(&self) -> Option<Skim<'_>> {
        self.certificates
            .get(self.index)
            .and_then(|der| Skim::new(der).ok())
    }

    fn write_subject(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.skim() {
            Some(skim) => write!(f, " \"{}\"", skim.subject_text()),
            None => f.write_str(" (does not parse)"),
        }
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Role(self.index).fmt(f)?;
        self.write_subject(f)
    }
}

/// A certificate named in a message: a presented one by its label, any other in words.
#[derive(Clone, Debug)]
enum Named {
    Label(Label),
    Text(String),
}

impl fmt::Display for Named {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Label(label) => label.fmt(f),
            Self::Text(text) => f.write_str(text),
        }
    }
}

/// Displays by calling `.0`.
struct Lazily<F>(F);

impl<F: Fn(&mut fmt::Formatter<'_>) -> fmt::Result> fmt::Display for Lazily<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (self.0)(f)
    }
}

/// `it is only valid for DNS:a or DNS:b`, or that it has none.
/// The most SANs a message lists; a leaf may carry thousands, and the finding's evidence
/// ([`Evidence::Names`]) keeps every one.
const LISTED_SANS: usize = 10;

fn san_list(sans: &[San]) -> String {
    if sans.is_empty() {
        return "it has no subjectAltName at all".to_owned();
    }
    let listed: Vec<String> = sans
        .iter()
        .take(LISTED_SANS)
        .map(ToString::to_string)
        .collect();
    match sans.len() - listed.len() {
        0 => format!("it is only valid for {}", join_or(&listed)),
        more => format!(
            "it is only valid for {} and {more} more names (the finding's evidence lists them \
             all)",
            listed.join(", ")
        ),
    }
}

fn name_remediation(host: &Host) -> String {
    let host_kind = match host {
        Host::Ip(_) => "an iPAddress",
        _ => "a dNSName",
    };
    format!(
        "client owner: connect with a host name the certificate covers; or server operator: \
         reissue the certificate with {host_kind} SAN for {host}"
    )
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

/// webpki's errors about certificates that parse as X.509 but that it refuses, in words.
fn malformed_text(cause: &Cause) -> Option<&'static str> {
    use webpki::Error as E;
    let Cause::Webpki(error) = cause else {
        return None;
    };
    Some(match error {
        E::UnsupportedCriticalExtension => {
            "carries a critical extension webpki does not support (RFC 5280 section 4.2: a \
             client must then reject the certificate)"
        }
        E::UnsupportedCertVersion => "is not an X.509 version 3 certificate",
        E::InvalidCertValidity => "has a notBefore later than its notAfter",
        E::InvalidSerialNumber => "has an invalid serial number",
        E::BadDerTime => "has an unreadable validity time",
        E::MalformedDnsIdentifier => "has a malformed DNS name",
        E::MalformedExtensions => "has malformed extensions",
        E::ExtensionValueInvalid => "has an invalid extension value",
        E::TrailingData(_) => "has data after the end of an encoded field",
        _ => return None,
    })
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

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use pki_types::ServerName;

    use super::*;
    use crate::chain::Budget;
    use crate::presented::skim_all;
    use crate::store::TrustStore;
    use crate::verify::verify;

    const HOST: &str = "mail.contoso.test";

    /// 2026-06-01T00:00:00Z.
    fn now() -> UnixTime {
        UnixTime::since_unix_epoch(Duration::from_secs(1_780_272_000))
    }

    /// A self-signed end-entity certificate for [`HOST`], trusted as its own anchor.
    fn pinned() -> (Config, Vec<CertificateDer<'static>>) {
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

    fn findings(
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

    fn codes(findings: &[Finding]) -> Vec<(Code, Severity)> {
        findings.iter().map(|f| (f.code, f.severity)).collect()
    }

    #[test]
    fn host_disagreement_keeps_webpkis_error_and_adds_a_warning() {
        // webpki judged another name than the one certdeps matches: a stand-in for a
        // matcher bug, which is exactly what the finding exists to surface.
        let (config, presented) = pinned();
        let other = ServerName::try_from("owa.contoso.test").unwrap();
        let verdict = verify(&presented, config.anchors(), Some(&other), &[], now());
        assert_eq!(verdict.rejection().unwrap().code, Code::NameMismatch);
        let endpoint = Endpoint::parse(HOST).unwrap();
        let found = findings(&config, &endpoint, &presented, &verdict);
        assert_eq!(
            codes(&found),
            vec![
                (Code::NameMismatch, Severity::Error),
                (Code::VerifierDisagreement, Severity::Warning)
            ]
        );
        let disagreement = &found[1];
        assert_eq!(disagreement.certificate, Some(0));
        assert!(disagreement.message().contains(HOST), "{disagreement}");
        assert!(
            disagreement.message().contains("webpki disagrees"),
            "{disagreement}"
        );
        assert!(
            disagreement.remediation().starts_with("client owner"),
            "{disagreement}"
        );
        assert!(
            found[0].message().contains("CertNotValidForName"),
            "{}",
            found[0]
        );
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

    #[test]
    fn a_webpki_code_that_is_not_an_error_becomes_rejected() {
        // `revocation-unknown` is a warning; were webpki ever to refuse with it (a Deny
        // policy), the report must still carry an error.
        let (config, presented) = pinned();
        let verdict = verify(&presented, &[], None, &[], now());
        let presented = Presented::copy(&presented);
        let skims = skim_all(&presented);
        let mut diagnosis = Diagnosis::new(&config, None, &presented, &skims, &verdict, now());
        diagnosis.primary_from_webpki(&Rejection::new(
            Code::RevocationUnknown,
            Cause::Webpki(webpki::Error::UnknownRevocationStatus),
        ));
        let f = &diagnosis.findings[0];
        assert_eq!((f.code, f.severity), (Code::Rejected, Severity::Error));
        assert!(
            f.message().contains("UnknownRevocationStatus") && f.message().contains("leaf [0]")
        );
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
        let dns =
            |n: usize| -> Vec<San> { (0..n).map(|i| San::Dns(format!("h{i}.example"))).collect() };
        assert_eq!(
            san_list(&dns(2)),
            "it is only valid for DNS:h0.example or DNS:h1.example"
        );
        let long = san_list(&dns(LISTED_SANS + 4990));
        assert!(
            long.ends_with(
                "DNS:h9.example and 4990 more names (the finding's evidence lists them all)"
            ),
            "{long}"
        );
        assert!(!long.contains("DNS:h10.example"), "{long}");
        assert_eq!(human(90), "90 seconds");
        assert_eq!(human(3 * 86_400), "3 days");
    }
}
