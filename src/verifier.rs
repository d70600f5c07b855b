//! The [`Verifier`]: its builder, and the pipeline wired together: the verdict (from the
//! cache when it holds one), then the diagnosis, into a [`Report`].

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use pki_types::{CertificateDer, CertificateRevocationListDer, UnixTime};

#[cfg(feature = "aia")]
use crate::aia::{Aia, Fetcher};
use crate::cache::{CacheStats, VerdictCache};
use crate::chain::Budget;
use crate::config::Config;
use crate::diagnose::{Diagnosis, Fetched};
use crate::endpoint::Endpoint;
use crate::error::ConfigError;
use crate::pool::Pool;
use crate::presented::{Presented, skim_all};
use crate::report::{Report, StoreJudge, StoreVerdict, StoreVerdicts};
use crate::store::TrustStore;
use crate::verdict::judge;

/// Checks presented chains against fixed trust stores and options. Cheap to share: build it
/// once, call [`Verifier::check`] per endpoint.
///
/// ```
/// use certdeps::{TrustStore, Verifier};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let verifier = Verifier::builder(TrustStore::mozilla())
///     .with_expiry_horizon(std::time::Duration::from_secs(14 * 86_400))
///     .build()?;
/// assert_eq!(verifier.stores().len(), 1);
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Verifier {
    /// Shared with the reports of a verifier with several stores, which judge each store's
    /// own verdict when asked ([`Report::store_verdicts`]).
    config: Arc<Config>,
    /// Trusted verdicts to reuse ([`VerifierBuilder::with_cache`]); clones share it.
    cache: Option<Arc<VerdictCache>>,
    /// AIA completion, when on ([`VerifierBuilder::with_aia`]); clones share its cache.
    #[cfg(feature = "aia")]
    aia: Option<Arc<Fetcher>>,
}

/// Builds a [`Verifier`]; strict defaults, every option named.
#[derive(Clone, Debug)]
pub struct VerifierBuilder {
    stores: Vec<TrustStore>,
    pool: Option<Pool>,
    crls: Vec<CertificateRevocationListDer<'static>>,
    expiry_horizon: Duration,
    budget: Budget,
    cache_capacity: usize,
    #[cfg(feature = "aia")]
    aia: Option<Aia>,
}

impl Verifier {
    /// Starts a builder trusting `store`.
    pub fn builder(store: TrustStore) -> VerifierBuilder {
        VerifierBuilder {
            stores: vec![store],
            pool: None,
            crls: Vec::new(),
            expiry_horizon: VerifierBuilder::DEFAULT_EXPIRY_HORIZON,
            budget: Budget::default(),
            cache_capacity: 0,
            #[cfg(feature = "aia")]
            aia: None,
        }
    }

    /// The trust stores, in the order given.
    pub fn stores(&self) -> &[TrustStore] {
        self.config.stores()
    }

    /// Checks what a server presented for `endpoint` at time `now`: `presented[0]` is taken
    /// as the leaf, as every TLS client does, and the leaf must name the endpoint's host.
    ///
    /// Never fails: every problem, including no or unparsable certificates, is a finding.
    ///
    /// ```
    /// use certdeps::{Endpoint, TrustStore, UnixTime, Verifier};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let verifier = Verifier::builder(TrustStore::mozilla()).build()?;
    /// let endpoint = Endpoint::parse("https://mail.contoso.test/")?;
    /// let report = verifier.check(&endpoint, &[], UnixTime::now());
    /// assert!(!report.is_trusted());
    /// # Ok(()) }
    /// ```
    pub fn check(
        &self,
        endpoint: &Endpoint,
        presented: &[CertificateDer<'_>],
        now: UnixTime,
    ) -> Report {
        self.run(Some(endpoint), presented, now)
    }

    /// Checks a chain on its own, for no particular host: everything [`Verifier::check`]
    /// judges except the leaf's names (a CA bundle, a chain file before it is deployed).
    pub fn check_chain(&self, presented: &[CertificateDer<'_>], now: UnixTime) -> Report {
        self.run(None, presented, now)
    }

    /// [`Verifier::check`] at the current system time.
    pub fn check_now(&self, endpoint: &Endpoint, presented: &[CertificateDer<'_>]) -> Report {
        self.check(endpoint, presented, UnixTime::now())
    }

    /// For a service's tests: checks `presented` for `endpoint` at `now` and again at
    /// `now + ahead`, and panics unless both are trusted. The second check is a full one,
    /// so it sees whatever lapses by then (a leaf, an intermediate, a CRL); its failure
    /// says what *will have expired by* that date. Returns the report at `now`.
    ///
    /// ```should_panic
    /// use certdeps::{Endpoint, TrustStore, UnixTime, Verifier};
    /// let verifier = Verifier::builder(TrustStore::mozilla()).build().unwrap();
    /// let endpoint = Endpoint::parse("https://mail.contoso.test/").unwrap();
    /// let month = std::time::Duration::from_secs(30 * 86_400);
    /// verifier.assert_trusted_for(&endpoint, &[], UnixTime::now(), month); // panics
    /// ```
    #[track_caller]
    pub fn assert_trusted_for(
        &self,
        endpoint: &Endpoint,
        presented: &[CertificateDer<'_>],
        now: UnixTime,
        ahead: Duration,
    ) -> Report {
        let report = self.check(endpoint, presented, now);
        report.assert_trusted();
        let later =
            UnixTime::since_unix_epoch(Duration::from_secs(now.as_secs()).saturating_add(ahead));
        let then = self.check(endpoint, presented, later);
        if !then.is_trusted() {
            panic!("{}", then.look_ahead_failure(&report));
        }
        report
    }

    fn run(
        &self,
        endpoint: Option<&Endpoint>,
        presented: &[CertificateDer<'_>],
        now: UnixTime,
    ) -> Report {
        let config = &self.config;
        let judge = || {
            judge(
                presented,
                config.anchors(),
                endpoint.map(Endpoint::server_name_ref),
                config.crls().webpki(),
                now,
            )
        };
        let verdict = match &self.cache {
            Some(cache) => cache.verdict(endpoint.map(Endpoint::host), presented, now, judge),
            None => judge(),
        };
        let stores = match config.stores().len() {
            1 => StoreVerdicts::default(),
            _ => StoreVerdicts::judged_by(store_judge(Arc::clone(config))),
        };
        let presented = Presented::copy(presented);
        let (path, anchor, findings, aia) = {
            let skims = skim_all(&presented);
            // After the verdict, which nothing fetched can change.
            let fetched = match verdict.is_trusted() {
                true => None,
                false => self.fetch_missing(&skims),
            };
            let (path, anchor, findings) =
                Diagnosis::new(config, endpoint, &presented, &skims, &verdict, now)
                    .with_fetched(fetched.as_ref())
                    .run();
            (
                path,
                anchor,
                findings,
                fetched.map(|f| f.log).unwrap_or_default(),
            )
        };
        Report {
            endpoint: endpoint.cloned(),
            at: now,
            verdict,
            presented,
            path,
            anchor,
            findings,
            stores,
            aia,
            descriptions: OnceLock::new(),
            connection: None,
        }
    }

    /// The same verifier without AIA completion, for a check that must not touch the network
    /// (a manifest's committed snapshots).
    #[cfg(feature = "manifest")]
    pub(crate) fn without_aia(&self) -> Self {
        Self {
            aia: None,
            ..self.clone()
        }
    }

    /// The validated configuration, for a verifier outside the crate (rustls') to be built on
    /// the same anchors and CRLs.
    #[cfg(feature = "rustls")]
    pub(crate) fn config(&self) -> &Config {
        &self.config
    }

    /// What AIA completion fetches for a refused chain, when it is on and an issuer is
    /// missing.
    #[cfg(feature = "aia")]
    fn fetch_missing(&self, skims: &[Option<crate::cert::Skim<'_>>]) -> Option<Fetched> {
        self.aia.as_ref()?.complete(&self.config, skims)
    }

    #[cfg(not(feature = "aia"))]
    fn fetch_missing(&self, _: &[Option<crate::cert::Skim<'_>>]) -> Option<Fetched> {
        None
    }

    /// How the verdict cache has fared; `None` when the verifier has none
    /// ([`VerifierBuilder::with_cache`]).
    pub fn cache_stats(&self) -> Option<CacheStats> {
        self.cache.as_ref().map(|cache| cache.stats())
    }
}

impl VerifierBuilder {
    /// How far ahead `expires-soon` looks by default: 30 days, the usual renewal margin.
    pub const DEFAULT_EXPIRY_HORIZON: Duration = Duration::from_secs(30 * 24 * 60 * 60);

    /// Also trusts `store`; a report names which store's anchor ends the path.
    pub fn with_store(mut self, store: TrustStore) -> Self {
        self.stores.push(store);
        self
    }

    /// A pool of known intermediates, used only to explain and fix incomplete chains.
    pub fn with_intermediates(mut self, pool: Pool) -> Self {
        self.pool = Some(pool);
        self
    }

    /// CRLs to check the path against ([RFC 5280 section 6.3]).
    ///
    /// [RFC 5280 section 6.3]: https://www.rfc-editor.org/rfc/rfc5280#section-6.3
    pub fn with_crls(
        mut self,
        crls: impl IntoIterator<Item = CertificateRevocationListDer<'static>>,
    ) -> Self {
        self.crls.extend(crls);
        self
    }

    /// How far ahead an `expires-soon` warning looks (default [`VerifierBuilder::DEFAULT_EXPIRY_HORIZON`]).
    pub fn with_expiry_horizon(mut self, horizon: Duration) -> Self {
        self.expiry_horizon = horizon;
        self
    }

    /// Limits for chain assembly (default [`Budget::default`]).
    pub fn with_budget(mut self, budget: Budget) -> Self {
        self.budget = budget;
        self
    }

    /// Remembers up to `capacity` trusted verdicts, so that checking the same chain for the
    /// same host again skips the signature checks. An entry is reused only at times when
    /// every presented certificate is on the same side of its validity bounds as when it was
    /// made ([RFC 5280 section 4.1.2.5]), so a cached check reports exactly what a fresh one
    /// would; the findings are always recomputed. Off by default, and off whenever CRLs are
    /// configured. Once full, entries not hit lately go first (a CLOCK approximation of LRU).
    ///
    /// ```
    /// use certdeps::{TrustStore, Verifier};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let verifier = Verifier::builder(TrustStore::mozilla()).with_cache(1024).build()?;
    /// assert_eq!(verifier.cache_stats().map(|s| s.capacity), Some(1024));
    /// # Ok(()) }
    /// ```
    ///
    /// [RFC 5280 section 4.1.2.5]: https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.5
    pub fn with_cache(mut self, capacity: usize) -> Self {
        self.cache_capacity = capacity;
        self
    }

    /// Turns on AIA completion: when a server leaves out an intermediate, fetch it from the
    /// caIssuers URL of the last certificate reached ([RFC 5280 section 4.2.2.1]), within
    /// `aia`'s bounds, as browsers and Windows do. What it fetches appears on the report's
    /// path with source `aia`, names the fix (`incomplete-chain` with the chain to serve,
    /// `untrusted-root` with the root to import) and never changes the verdict: a strict
    /// client does not fetch. Off by default; the verifier's clones share one fetch cache.
    ///
    /// ```
    /// use certdeps::{Aia, TrustStore, Verifier};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let verifier = Verifier::builder(TrustStore::mozilla()).with_aia(Aia::default()).build()?;
    /// # Ok(()) }
    /// ```
    ///
    /// [RFC 5280 section 4.2.2.1]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.2.1
    #[cfg(feature = "aia")]
    pub fn with_aia(mut self, aia: Aia) -> Self {
        self.aia = Some(aia);
        self
    }

    /// Checks the configuration and builds the verifier.
    pub fn build(self) -> Result<Verifier, ConfigError> {
        let config = Config::new(
            self.stores,
            self.pool,
            self.crls,
            self.expiry_horizon,
            self.budget,
        )?;
        let cache = (self.cache_capacity > 0 && config.crls().is_empty())
            .then(|| Arc::new(VerdictCache::new(self.cache_capacity, config.anchors())));
        let config = Arc::new(config);
        Ok(Verifier {
            config,
            cache,
            #[cfg(feature = "aia")]
            aia: self.aia.map(|aia| Arc::new(Fetcher::new(aia))),
        })
    }
}

/// Judges each store's own verdict for a report, outside the verdict cache (which holds the
/// verdict against all anchors). The store whose anchor ends a trusted path trusts it alone
/// too: the path webpki found is still there, and its search with fewer anchors only drops
/// branches that failed. So webpki runs again only for the other stores, which refuse it
/// before any signature when none of their anchors is named as an issuer.
fn store_judge(config: Arc<Config>) -> Arc<StoreJudge> {
    Arc::new(move |report: &Report| {
        let presented: Vec<CertificateDer<'_>> =
            report.presented.iter().map(CertificateDer::from).collect();
        let server_name = report.endpoint.as_ref().map(Endpoint::server_name_ref);
        let ends_path = (report.verdict.trusted_path()).and_then(|path| config.owner(path.anchor));
        (config.stores().iter().enumerate())
            .map(|(s, store)| StoreVerdict {
                name: store.name().to_owned(),
                kind: store.kind().clone(),
                verdict: match ends_path {
                    Some((owner, anchor)) if owner == s => report.verdict.with_anchor_at(anchor),
                    _ => None,
                }
                .unwrap_or_else(|| {
                    let anchors = config.store_anchors(s);
                    judge(
                        &presented,
                        anchors,
                        server_name,
                        config.crls().webpki(),
                        report.at,
                    )
                }),
            })
            .collect()
    })
}
