//! What a [`Verifier`](crate::Verifier) is configured with, checked once when it is built:
//! the trust stores (and their anchors flattened for webpki), the intermediate pool, the
//! CRLs and the diagnosis' limits.
//!
//! The verdict and the diagnosis both read it, and neither needs the verifier that wires
//! them together, so the pipeline's modules depend on this type and never on each other.

use std::collections::HashSet;
use std::ops::Range;
use std::sync::OnceLock;
use std::time::Duration;

use pki_types::{CertificateRevocationListDer, TrustAnchor};

use crate::cert::organisations;
use crate::chain::Budget;
use crate::crl::Crls;
use crate::error::ConfigError;
use crate::pool::Pool;
use crate::store::TrustStore;

/// A validated configuration: at least one anchor, and store names that tell stores apart.
#[derive(Clone, Debug)]
pub(crate) struct Config {
    stores: Vec<TrustStore>,
    /// Every store's anchors, flattened for webpki, with `owners[i]` = (store, anchor).
    anchors: Vec<TrustAnchor<'static>>,
    owners: Vec<(usize, usize)>,
    /// `spans[s]`: where store `s`'s anchors lie in `anchors` (each store's are contiguous).
    spans: Vec<Range<usize>>,
    pool: Option<Pool>,
    crls: Crls,
    expiry_horizon: Duration,
    budget: Budget,
    /// Every organizationName the anchors' subjects carry, sorted: read on the first
    /// diagnosis that weighs a missing issuer's organisation, not per check (the Mozilla
    /// store has about 150 anchors).
    organisations: OnceLock<Vec<Vec<u8>>>,
}

impl Config {
    /// Checks and flattens the configuration, and reads the CRLs. A report names the store
    /// whose anchor ends a path, so two stores may not share a name; and with no anchor at
    /// all nothing could ever be trusted. A CRL that does not parse is no error here: each
    /// check reports it, as `crl-unusable`.
    pub(crate) fn new(
        stores: Vec<TrustStore>,
        pool: Option<Pool>,
        crls: Vec<CertificateRevocationListDer<'static>>,
        expiry_horizon: Duration,
        budget: Budget,
    ) -> Result<Self, ConfigError> {
        let mut names = HashSet::new();
        for store in &stores {
            if !names.insert(store.name()) {
                return Err(ConfigError::DuplicateStoreName {
                    name: store.name().to_owned(),
                });
            }
        }
        let mut anchors = Vec::new();
        let mut owners = Vec::new();
        let mut spans = Vec::with_capacity(stores.len());
        for (s, store) in stores.iter().enumerate() {
            let start = anchors.len();
            for (a, anchor) in store.anchors().iter().enumerate() {
                anchors.push(anchor.trust_anchor().clone());
                owners.push((s, a));
            }
            spans.push(start..anchors.len());
        }
        if anchors.is_empty() {
            return Err(ConfigError::NoAnchors);
        }
        Ok(Self {
            stores,
            anchors,
            owners,
            spans,
            pool,
            crls: Crls::read(&crls),
            expiry_horizon,
            budget,
            organisations: OnceLock::new(),
        })
    }

    /// The trust stores, in the order given.
    pub(crate) fn stores(&self) -> &[TrustStore] {
        &self.stores
    }

    /// Every store's anchors in one list, the form webpki takes.
    pub(crate) fn anchors(&self) -> &[TrustAnchor<'static>] {
        &self.anchors
    }

    /// Store `s`'s anchors alone, for its own verdict when there are several stores.
    pub(crate) fn store_anchors(&self, s: usize) -> &[TrustAnchor<'static>] {
        self.spans
            .get(s)
            .and_then(|span| self.anchors.get(span.clone()))
            .unwrap_or_default()
    }

    /// Which store, and which anchor in it, position `i` of [`Config::anchors`] is.
    pub(crate) fn owner(&self, i: usize) -> Option<(usize, usize)> {
        self.owners.get(i).copied()
    }

    /// Whether an anchor's subject carries the organizationName value `organisation` (its
    /// encoded contents).
    pub(crate) fn anchors_name_organisation(&self, organisation: &[u8]) -> bool {
        let organisations = self.organisations.get_or_init(|| {
            let anchors = self.stores.iter().flat_map(|s| s.anchors());
            let mut all: Vec<Vec<u8>> = anchors
                .flat_map(|a| organisations(a.subject()).map(<[u8]>::to_vec))
                .collect();
            all.sort_unstable();
            all.dedup();
            all
        });
        (organisations.binary_search_by(|o| o.as_slice().cmp(organisation))).is_ok()
    }

    /// Known intermediates, to explain and fix incomplete chains (never to trust one).
    pub(crate) fn pool(&self) -> Option<&Pool> {
        self.pool.as_ref()
    }

    /// The supplied CRLs, read, in the order given.
    pub(crate) fn crls(&self) -> &Crls {
        &self.crls
    }

    /// How far ahead `expires-soon` looks.
    pub(crate) fn expiry_horizon(&self) -> Duration {
        self.expiry_horizon
    }

    /// Limits for chain assembly.
    pub(crate) fn budget(&self) -> Budget {
        self.budget
    }
}
