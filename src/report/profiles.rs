//! A verdict per kind of client: the facts a report holds, weighed by each built-in
//! [`Profile`].

use pki_types::CertificateDer;

use super::{PathSource, Report, name_to_string};
use crate::cert::{Description, sha256_hex, signed_with_sha1};
use crate::finding::{Code, Evidence};
use crate::key::PublicKey;
use crate::name::{NameMatch, San, match_host};
use crate::profile::{Completed, Facts, Missing, Names, Profile, ProfileOutcome};
use crate::store::StoreKind;

impl Report {
    /// How each built-in kind of client ([`Profile::ALL`]) fares with this endpoint, and
    /// why: the strict verdict explains rustls; the AIA fetches, the pool, the algorithms
    /// and key sizes on the path and how the leaf names the host explain the others.
    /// Profiles model clients' default settings.
    ///
    /// ```
    /// # use certdeps::{Endpoint, Pool, TrustStore, UnixTime, Verifier};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let root = include_str!("../../tests/data/contoso/root.pem");
    /// # let leaf = include_str!("../../tests/data/contoso/leaf.pem");
    /// let verifier = Verifier::builder(TrustStore::from_pem(root.as_bytes())?).build()?;
    /// let endpoint = Endpoint::parse("https://mail.contoso.test/")?;
    /// let leaf_only = certdeps::decode_certificates(leaf.as_bytes())?;
    /// let report = verifier.check(&endpoint, &leaf_only, UnixTime::now());
    /// let rustls = &report.profiles()[0];
    /// assert_eq!(rustls.client, "rustls");
    /// assert!(!rustls.trusted());
    /// println!("{rustls}"); // rustls: fails: the server omits "CN=Contoso Issuing CA"
    /// # Ok(()) }
    /// ```
    pub fn profiles(&self) -> Vec<ProfileOutcome> {
        let facts = self.facts();
        Profile::ALL.iter().map(|p| p.judge(&facts)).collect()
    }

    fn facts(&self) -> Facts {
        let mut facts = Facts {
            public_anchor: (self.anchor.as_ref()).is_some_and(|a| a.store == StoreKind::Mozilla),
            ..Facts::default()
        };
        for entry in self.path.iter().filter(|e| e.source != PathSource::Anchor) {
            let der = CertificateDer::from(self.entry_der(entry));
            let Ok(d) = Description::new(&der) else {
                continue;
            };
            if d.self_signed {
                continue; // an anchor's own signature is not checked
            }
            if signed_with_sha1(&d) && facts.sha1.is_none() {
                facts.sha1 = Some(d.subject.clone());
            }
            if let PublicKey::Rsa { bits, .. } = d.public_key {
                if facts.smallest_rsa.as_ref().is_none_or(|(_, b)| bits < *b) {
                    facts.smallest_rsa = Some((d.subject.clone(), bits));
                }
            }
        }
        let weak_algorithm = facts.sha1.is_some()
            || (facts.smallest_rsa.as_ref()).is_some_and(|(_, bits)| *bits < 2048);
        for finding in self.errors() {
            match (finding.code, &finding.evidence) {
                (Code::UntrustedRoot, Evidence::Root { subject, .. }) => {
                    facts.untrusted_root = Some(subject.clone());
                }
                (
                    Code::IncompleteChain,
                    Evidence::MissingIssuer {
                        subject,
                        ca_issuers,
                        ..
                    },
                ) => {
                    facts.missing = Some(self.missing(subject, ca_issuers));
                }
                (Code::NameMismatch, _) => facts.name = Some(self.names()),
                (Code::UnsupportedAlgorithm, _) if weak_algorithm => {}
                (code, _) => {
                    facts.shared.get_or_insert(code);
                }
            }
        }
        facts
    }

    fn missing(&self, issuer: &str, urls: &[String]) -> Missing {
        let borrowed = (self.anchor.as_ref()).and_then(|_| {
            (self.path.iter()).find(|e| matches!(e.source, PathSource::Pool | PathSource::Aia))
        });
        let completed = borrowed.map(|entry| {
            let der = self.entry_der(entry);
            let sha = sha256_hex(der);
            let fetched_from = (entry.source == PathSource::Aia)
                .then(|| {
                    self.aia
                        .iter()
                        .find(|f| f.issuer.as_ref().is_some_and(|i| i.sha256 == sha))
                })
                .flatten()
                .map(|f| f.url.clone());
            Completed {
                subject: crate::cert::Skim::new(der)
                    .map_or_else(|_| issuer.to_owned(), |s| name_to_string(s.subject)),
                fetched_from,
            }
        });
        let aia_failure = match completed {
            Some(_) => None,
            None => self
                .aia
                .iter()
                .find_map(|f| Some(format!("{}: {}", f.url, f.error.as_ref()?))),
        };
        Missing {
            issuer: issuer.to_owned(),
            urls: urls.to_vec(),
            completed,
            aia_tried: !self.aia.is_empty(),
            aia_failure,
        }
    }

    /// Whether the leaf names the host in its subject CN alone.
    fn names(&self) -> Names {
        let leaf = self.description(0);
        match (self.endpoint.as_ref(), leaf.as_deref()) {
            (Some(endpoint), Some(leaf)) => {
                let dns: Vec<San> = (leaf.san.iter())
                    .filter(|s| matches!(s, San::Dns(_)))
                    .cloned()
                    .collect();
                let cns: Vec<&str> = leaf.common_names.iter().map(String::as_str).collect();
                match match_host(endpoint.host(), &dns, &cns) {
                    NameMatch::Mismatch { cn_only: true, .. } => {
                        Names::CnOnly(endpoint.host().to_string())
                    }
                    _ => Names::Mismatch,
                }
            }
            _ => Names::Mismatch,
        }
    }
}
