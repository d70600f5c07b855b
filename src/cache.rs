//! A bounded cache of trusted verdicts, for services that check the same chain again and
//! again (health checks, every new connection to one endpoint).
//!
//! What is cached is the verdict only, the one expensive step (the signature checks); the
//! diagnosis and the [`Report`](crate::Report) are rebuilt on every check, so a report from a
//! cache hit is the report a fresh check makes, `expires-soon` countdown included.
//!
//! A verdict depends on the presented certificates, the host, the trust anchors (and CRLs,
//! with which the cache is off) and the time. rustls-webpki reads the time only to compare it
//! with each certificate's validity ([RFC 5280 section 4.1.2.5]: notBefore <= time <=
//! notAfter), so the verdict cannot change while every presented certificate stays on the
//! same side of its own validity bounds. That interval, the intersection over the presented
//! certificates, is the window an entry is reused in; outside it the check runs afresh.
//!
//! Only trusted verdicts are kept: webpki's words for a rejection can carry the time.
//!
//! [RFC 5280 section 4.1.2.5]: https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.5

use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use pki_types::{CertificateDer, TrustAnchor, UnixTime};

use crate::cert::{Skim, ValidityAt};
use crate::endpoint::Host;
use crate::verdict::Verdict;

/// How a [`Verifier`](crate::Verifier)'s verdict cache has fared
/// ([`Verifier::cache_stats`](crate::Verifier::cache_stats)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CacheStats {
    /// Most verdicts held at once.
    pub capacity: usize,
    /// Verdicts held now.
    pub len: usize,
    /// Checks answered from the cache.
    pub hits: u64,
    /// Checks that ran rustls-webpki.
    pub misses: u64,
}

/// Trusted verdicts keyed by (presented bytes, host), for one verifier configuration.
pub(crate) struct VerdictCache {
    capacity: usize,
    /// Fingerprint of the trust anchors: part of every key, so an entry can never answer
    /// for another store even if a cache were moved between verifiers.
    config: u64,
    inner: Mutex<Inner>,
    hits: AtomicU64,
    misses: AtomicU64,
}

#[derive(Default)]
struct Inner {
    map: HashMap<u64, Entry>,
    /// Every key of `map` exactly once, oldest first: the clock hand for eviction.
    order: VecDeque<u64>,
}

struct Entry {
    /// The presented certificates, concatenated, and each one's length.
    bytes: Box<[u8]>,
    lengths: Box<[usize]>,
    host: Option<Host>,
    config: u64,
    window: Window,
    verdict: Verdict,
    /// Set on a hit; an entry is evicted only after a full turn without one (CLOCK).
    referenced: bool,
}

/// Times (whole seconds, both ends included) at which a verdict holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Window {
    pub(crate) start: u64,
    pub(crate) end: u64,
}

impl Window {
    fn contains(self, time: UnixTime) -> bool {
        (self.start..=self.end).contains(&time.as_secs())
    }
}

impl VerdictCache {
    /// A cache holding at most `capacity` verdicts for the verifier trusting `anchors`.
    pub(crate) fn new(capacity: usize, anchors: &[TrustAnchor<'_>]) -> Self {
        let mut hasher = DefaultHasher::new();
        for anchor in anchors {
            anchor.subject.as_ref().hash(&mut hasher);
            anchor.subject_public_key_info.as_ref().hash(&mut hasher);
            anchor
                .name_constraints
                .as_ref()
                .map(|nc| nc.as_ref())
                .hash(&mut hasher);
        }
        Self {
            capacity,
            config: hasher.finish(),
            inner: Mutex::new(Inner::default()),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    /// The cached verdict for this chain and host at `now`, or `verify()`'s, which is
    /// remembered when it is trusted and its window can be read.
    pub(crate) fn verdict(
        &self,
        host: Option<&Host>,
        presented: &[CertificateDer<'_>],
        now: UnixTime,
        verify: impl FnOnce() -> Verdict,
    ) -> Verdict {
        let key = self.key(host, presented);
        if let Ok(mut inner) = self.inner.lock() {
            if let Some(entry) = inner.map.get_mut(&key) {
                if entry.window.contains(now) && entry.matches(self.config, host, presented) {
                    entry.referenced = true;
                    self.hits.fetch_add(1, Ordering::Relaxed);
                    return entry.verdict.clone();
                }
            }
        }
        self.misses.fetch_add(1, Ordering::Relaxed);
        // The signature checks run without the lock, so threads never wait on each other's.
        let verdict = verify();
        if verdict.is_trusted() {
            if let Some(window) = window(presented, now) {
                self.insert(
                    key,
                    Entry::new(self.config, host, presented, window, &verdict),
                );
            }
        }
        verdict
    }

    pub(crate) fn stats(&self) -> CacheStats {
        let len = self.inner.lock().map(|inner| inner.map.len()).unwrap_or(0);
        CacheStats {
            capacity: self.capacity,
            len,
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
        }
    }

    /// A hash of the key; equality is then checked on the full bytes. Hashing each
    /// certificate's length and its last 32 bytes (inside the signature value, which differs
    /// between any two certificates) is enough to spread keys and far cheaper than hashing
    /// every byte.
    fn key(&self, host: Option<&Host>, presented: &[CertificateDer<'_>]) -> u64 {
        let mut hasher = DefaultHasher::new();
        self.config.hash(&mut hasher);
        host.hash(&mut hasher);
        presented.len().hash(&mut hasher);
        for cert in presented {
            let der = cert.as_ref();
            der.len().hash(&mut hasher);
            der[der.len().saturating_sub(32)..].hash(&mut hasher);
        }
        hasher.finish()
    }

    fn insert(&self, key: u64, entry: Entry) {
        // A poisoned lock means a panic elsewhere mid-update: stop caching rather than trust
        // the state it left.
        let Ok(mut inner) = self.inner.lock() else {
            return;
        };
        let inner = &mut *inner;
        if let Some(old) = inner.map.get_mut(&key) {
            // Same hash: a newer window for the same chain, or (rarely) another chain.
            *old = entry;
            return;
        }
        while inner.map.len() >= self.capacity {
            let Some(victim) = inner.order.pop_front() else {
                break;
            };
            match inner.map.get_mut(&victim) {
                Some(held) if held.referenced => {
                    held.referenced = false;
                    inner.order.push_back(victim);
                }
                _ => {
                    inner.map.remove(&victim);
                }
            }
        }
        inner.map.insert(key, entry);
        inner.order.push_back(key);
    }
}

impl Entry {
    fn new(
        config: u64,
        host: Option<&Host>,
        presented: &[CertificateDer<'_>],
        window: Window,
        verdict: &Verdict,
    ) -> Self {
        Self {
            bytes: presented.iter().flat_map(|c| c.iter().copied()).collect(),
            lengths: presented.iter().map(|c| c.len()).collect(),
            host: host.cloned(),
            config,
            window,
            verdict: verdict.clone(),
            referenced: false,
        }
    }

    fn matches(&self, config: u64, host: Option<&Host>, presented: &[CertificateDer<'_>]) -> bool {
        if self.config != config
            || self.host.as_ref() != host
            || self.lengths.len() != presented.len()
        {
            return false;
        }
        let mut rest: &[u8] = &self.bytes;
        for (cert, &len) in presented.iter().zip(self.lengths.iter()) {
            let Some((held, tail)) = rest.split_at_checked(len) else {
                return false;
            };
            if held != cert.as_ref() {
                return false;
            }
            rest = tail;
        }
        rest.is_empty()
    }
}

/// The times around `now` at which every presented certificate is on the same side of its
/// validity bounds as at `now`; `None` when one cannot be read (then nothing is cached).
pub(crate) fn window(presented: &[CertificateDer<'_>], now: UnixTime) -> Option<Window> {
    let mut window = Window {
        start: 0,
        end: u64::MAX,
    };
    for cert in presented {
        let skim = Skim::new(cert.as_ref()).ok()?;
        let (start, end) = match skim.validity_at(now) {
            ValidityAt::NotYetValid => (0, skim.not_before.checked_sub(1)?),
            ValidityAt::Valid => (skim.not_before, skim.not_after),
            ValidityAt::Expired => (skim.not_after.checked_add(1)?, u64::MAX),
        };
        window.start = window.start.max(start);
        window.end = window.end.min(end);
    }
    window.contains(now).then_some(window)
}

impl fmt::Debug for VerdictCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerdictCache")
            .field("stats", &self.stats())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_is_inclusive_and_rejects_times_outside() {
        let w = Window { start: 10, end: 20 };
        let at = |s| UnixTime::since_unix_epoch(std::time::Duration::from_secs(s));
        assert!(w.contains(at(10)) && w.contains(at(20)));
        assert!(!w.contains(at(9)) && !w.contains(at(21)));
    }

    #[test]
    fn unreadable_certificates_have_no_window() {
        let junk = CertificateDer::from(vec![0x30, 0x00]);
        let now = UnixTime::since_unix_epoch(std::time::Duration::from_secs(1));
        assert_eq!(window(&[junk], now), None);
    }
}
