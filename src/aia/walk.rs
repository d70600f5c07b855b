//! The completion loop: assemble, find the certificate whose issuer is missing, fetch its
//! caIssuers URLs, add what they serve, and again, until an anchor, a self-signed
//! certificate, or a bound.

use std::collections::HashSet;

use pki_types::CertificateDer;

use super::Fetcher;
use crate::anchor::{AnchorMatch, key_ids_fit, looks_self_signed};
use crate::cert::{Skim, sha256_hex};
use crate::chain::assemble_skims;
use crate::config::Config;
use crate::diagnose::Fetched;
use crate::report::{AiaFailure, AiaFetch, FetchedIssuer, name_to_string};

/// The certificate whose issuer is missing, copied out of the assembly that found it so
/// that the pool it borrowed from can grow.
struct Asking {
    der: Vec<u8>,
    subject: String,
    issuer: Vec<u8>,
    authority_key_id: Option<Vec<u8>>,
    urls: Vec<String>,
}

impl Asking {
    /// The certificate at which the best path from `skims` and `pool` stops for want of an
    /// issuer; `None` when it ends anywhere else (an anchor, a self-signed root, a bound).
    fn missing(
        skims: &[Option<Skim<'_>>],
        pool: &crate::pool::Pool,
        config: &Config,
    ) -> Option<Self> {
        let assembly = assemble_skims(skims, Some(pool), config.stores(), config.budget())?;
        let AnchorMatch::MissingIssuer { at } = assembly.best.end else {
            return None;
        };
        let skim = assembly.best.links.get(at)?.skim;
        Some(Self {
            der: skim.der.to_vec(),
            subject: name_to_string(skim.subject),
            issuer: skim.issuer.to_vec(),
            authority_key_id: skim.authority_key_id().map(<[u8]>::to_vec),
            urls: skim.ca_issuers(),
        })
    }

    /// The served certificate that can be the missing issuer: its subject is the issuer
    /// name, and its key identifier fits ([RFC 5280 section 4.2.1.1]).
    ///
    /// [RFC 5280 section 4.2.1.1]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.1
    fn pick(&self, served: &[CertificateDer<'static>]) -> Result<FetchedIssuer, AiaFailure> {
        let skims = served.iter().filter_map(|c| Skim::new(c.as_ref()).ok());
        let mut first = None;
        for skim in skims {
            if skim.subject == self.issuer.as_slice()
                && key_ids_fit(self.authority_key_id.as_deref(), &skim)
            {
                return Ok(FetchedIssuer {
                    subject: name_to_string(skim.subject),
                    sha256: sha256_hex(skim.der),
                    self_signed: looks_self_signed(&skim),
                });
            }
            first.get_or_insert(skim);
        }
        match first {
            Some(skim) if skim.der == self.der.as_slice() => Err(AiaFailure::PointsToItself),
            Some(skim) => Err(AiaFailure::Unrelated {
                served: name_to_string(skim.subject),
                wanted: name_to_string(&self.issuer),
            }),
            None => Err(AiaFailure::Unreadable {
                reason: "no certificate in it parses".to_owned(),
            }),
        }
    }
}

impl Fetcher {
    /// Completes the chain `skims` as far as caIssuers URLs take it, starting from the
    /// configured pool. `None` when nothing was tried: the chain is not missing an issuer,
    /// or the certificate that is carries no caIssuers URL.
    ///
    /// Each URL is tried at most once per chain and each certificate added at most once, so
    /// a loop of URLs or of certificates ends; at most `max_fetches` URLs are tried in all.
    pub(crate) fn complete(&self, config: &Config, skims: &[Option<Skim<'_>>]) -> Option<Fetched> {
        let mut pool = config.pool().cloned().unwrap_or_default();
        let first = pool.len();
        let mut log = Vec::new();
        let mut tried = HashSet::new();
        let mut fetches = 0;
        'chain: while let Some(asking) = Asking::missing(skims, &pool, config) {
            let mut found = false;
            for url in &asking.urls {
                let mut record = |issuer, error, cached| {
                    log.push(AiaFetch {
                        url: url.clone(),
                        for_subject: asking.subject.clone(),
                        issuer,
                        error,
                        cached,
                    });
                };
                if !tried.insert(url.clone()) {
                    record(None, Some(AiaFailure::UrlSeenTwice), false);
                    continue;
                }
                if fetches == self.settings.max_fetches {
                    let max = self.settings.max_fetches;
                    record(None, Some(AiaFailure::LimitReached { max }), false);
                    break 'chain;
                }
                let (answer, cached) = self.get(url);
                // A URL not fetched (ldap://, https://) spends nothing of the budget.
                if !matches!(answer, Err(AiaFailure::Unsupported)) {
                    fetches += 1;
                }
                let picked = answer.and_then(|served| Ok((asking.pick(&served)?, served)));
                match picked {
                    Ok((issuer, served)) => {
                        let before = pool.len();
                        // The whole answer: a PKCS #7 bundle often holds the path above too.
                        pool.extend(served);
                        if pool.len() == before {
                            record(None, Some(AiaFailure::SeenTwice), cached);
                        } else {
                            record(Some(issuer), None, cached);
                            found = true;
                            break;
                        }
                    }
                    Err(error) => record(None, Some(error), cached),
                }
            }
            if !found {
                break;
            }
        }
        (!log.is_empty()).then_some(Fetched { pool, first, log })
    }
}
