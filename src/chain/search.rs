//! How assembly walks: a plain loop for a chain that does not branch (nearly every chain a
//! server sends), and a depth-first search over every candidate issuer for the rest, both
//! charging the same [`Work`] so that either answers the same within one budget.

use std::collections::HashMap;

use smallvec::SmallVec;

use super::{Assembly, Budget, Link, Links, NODE, Path, Source, rank};
use crate::anchor::{AnchorMatch, anchor_for, dead_end, key_ids_fit, looks_self_signed, untrusted};
use crate::cert::Skim;
use crate::pool::Pool;
use crate::store::TrustStore;

/// The work counter: operations spent against the budget's limit for this input.
#[derive(Clone, Copy, Debug)]
pub(super) struct Work {
    spent: usize,
    limit: usize,
    /// An operation was refused: the search stopped short.
    refused: bool,
}

impl Work {
    fn new(budget: Budget, presented: usize) -> Self {
        let per_certificate = budget.max_work_per_certificate.max(NODE);
        Self {
            spent: 0,
            limit: per_certificate.saturating_mul(presented.max(1)),
            refused: false,
        }
    }

    /// Spends `n` operations if they fit; otherwise spends nothing, remembers the refusal
    /// and answers `false`, so the count never passes the limit.
    fn spend(&mut self, n: usize) -> bool {
        match self.spent.checked_add(n) {
            Some(total) if total <= self.limit => {
                self.spent = total;
                true
            }
            _ => {
                self.refused = true;
                false
            }
        }
    }
}

/// [`assemble`] where the search would not branch: no pool, and every certificate on the
/// way has at most one presented candidate issuer, as in nearly every chain a server sends.
/// The search then visits one path, so it is followed in a loop, keeping the best end as the
/// search does, with no stack of paths to copy, and charging the work the search would, so
/// that either answers the same. `None` for a list long enough for the search to index, as
/// soon as a certificate has two candidates, or when the budget runs out: the search decides.
pub(super) fn follow<'a>(
    presented: &[Option<Skim<'a>>],
    stores: &[TrustStore],
    budget: Budget,
) -> Option<Assembly<'a>> {
    if presented.len() > SCAN_LIMIT {
        return None;
    }
    let mut work = Work::new(budget, presented.len());
    // The walk keeps positions, not links: every certificate on it is presented, and the
    // skims are copied once, into the path kept.
    let mut on_path: SmallVec<[usize; 8]> = SmallVec::new();
    let mut at = 0;
    // (how it ends, how many certificates): the best end so far. Every path here is a prefix
    // of this one with no pool certificate, so `rank` comes down to the end, then the length.
    let mut best: Option<(AnchorMatch, usize)> = None;
    let mut keep = |end: AnchorMatch, len: usize| {
        if best.is_none_or(|(e, n)| (end.rank(), len) < (e.rank(), n)) {
            best = Some((end, len));
        }
    };
    if !work.spend(NODE) {
        return None;
    }
    loop {
        let node = presented.get(at)?.as_ref()?;
        on_path.push(at);
        let len = on_path.len();
        if let Some(end) = anchor_for(stores, node) {
            keep(end, len);
            break;
        }
        if len > 1 && looks_self_signed(node) {
            keep(untrusted(len - 1), len);
        }
        if len >= budget.max_depth {
            keep(AnchorMatch::TooDeep, len);
            break;
        }
        if !work.spend(presented.len().saturating_sub(1)) {
            return None;
        }
        let mut next = None;
        for (i, skim) in presented.iter().enumerate().skip(1) {
            if skim.as_ref().is_some_and(|s| s.subject == node.issuer) {
                if next.is_some() {
                    return None;
                }
                next = Some(i);
            }
        }
        // The search compares the one candidate's key identifier, and tries it.
        if next.is_some() && !(work.spend(1) && work.spend(1 + len)) {
            return None;
        }
        match next {
            Some(i)
                if !on_path
                    .iter()
                    .any(|&j| presented_der(presented, j) == presented_der(presented, i)) =>
            {
                if !work.spend(NODE) {
                    return None;
                }
                at = i
            }
            // Nothing issues it, or only a certificate already on the path.
            _ => {
                keep(dead_end(node, len - 1), len);
                break;
            }
        }
    }
    let (end, len) = best?;
    let links = on_path
        .iter()
        .take(len)
        .filter_map(|&i| {
            let skim = (*presented.get(i)?)?;
            Some(Link {
                source: Source::Presented(i),
                skim,
            })
        })
        .collect();
    Some(Assembly {
        best: Path { links, end },
        exhausted: false,
        work: work.spent,
    })
}

/// The DER of presented certificate `i`, as skimmed.
fn presented_der<'a>(presented: &[Option<Skim<'a>>], i: usize) -> Option<&'a [u8]> {
    Some(presented.get(i)?.as_ref()?.der)
}

/// [`assemble`] by depth-first search over every candidate issuer.
pub(super) fn search<'a>(
    presented: &[Option<Skim<'a>>],
    pool: Option<&'a Pool>,
    stores: &[TrustStore],
    budget: Budget,
) -> Option<Assembly<'a>> {
    let leaf = (*presented.first()?)?;
    // The usual few certificates are cheaper to scan than to index.
    let by_subject = (presented.len() > SCAN_LIMIT).then(|| {
        let mut by_subject: HashMap<&[u8], Vec<usize>> = HashMap::new();
        for (i, skim) in presented.iter().enumerate().skip(1) {
            if let Some(skim) = skim {
                by_subject.entry(skim.subject).or_default().push(i);
            }
        }
        by_subject
    });
    let first = Link {
        source: Source::Presented(0),
        skim: leaf,
    };
    let mut stack = Links::new();
    stack.push(first);
    let mut work = Work::new(budget, presented.len());
    // The limit is at least one certificate's worth, so the leaf is always reached.
    work.spend(NODE);
    let mut search = Search {
        presented,
        by_subject: by_subject.as_ref(),
        pool,
        stores,
        budget,
        work,
        best: None,
        stack,
    };
    search.extend();
    let best = search.best?;
    Some(Assembly {
        best,
        exhausted: search.work.refused,
        work: search.work.spent,
    })
}

/// Presented lists up to this long are scanned for issuers rather than indexed.
const SCAN_LIMIT: usize = 16;

struct Search<'s, 'a> {
    presented: &'s [Option<Skim<'a>>],
    /// Presented issuers by subject; `None` for a list short enough to scan.
    by_subject: Option<&'s HashMap<&'a [u8], Vec<usize>>>,
    pool: Option<&'a Pool>,
    stores: &'s [TrustStore],
    budget: Budget,
    work: Work,
    best: Option<Path<'a>>,
    /// The path being extended, as deep as the budget allows; in place up to the usual leaf,
    /// two intermediates and a root.
    stack: Links<'a>,
}

impl<'s, 'a> Search<'s, 'a> {
    fn extend(&mut self) {
        let Some(node) = self.stack.last().map(|l| l.skim) else {
            return;
        };
        let at = self.stack.len() - 1;
        if let Some(end) = anchor_for(self.stores, &node) {
            return self.finish(end);
        }
        // A self-signed issuer ends a path as an untrusted root even when same-named
        // certificates could extend it (a chain of same-name, same-key CAs would otherwise
        // only ever end at the depth limit); extending goes on, so an anchor still wins.
        if at > 0 && looks_self_signed(&node) {
            self.finish(untrusted(at));
        }
        if self.stack.len() >= self.budget.max_depth {
            return self.finish(AnchorMatch::TooDeep);
        }
        // The presented candidates are found in one pass and kept in place (most nodes have
        // one or none); pool hits, when there is a pool, are collected. Plain loops, not
        // iterator chains: this runs on every failing check, and its code competes with
        // webpki's for the instruction cache.
        let presented = self.presented;
        let issuer = node.issuer;
        let aki = node.authority_key_id();
        // Indexed for a long list, scanned (positions 1..) for a short one.
        let listed = self
            .by_subject
            .map(|by_subject| by_subject.get(issuer).map_or(&[][..], Vec::as_slice));
        let count = listed.map_or(presented.len().saturating_sub(1), <[usize]>::len);
        if !self.work.spend(count) {
            return self.finish(dead_end(&node, at));
        }
        let mut named: SmallVec<[(usize, Skim<'a>); 2]> = SmallVec::new();
        for k in 0..count {
            let position = listed.map_or(Some(k + 1), |l| l.get(k).copied());
            if let Some(i) = position {
                if let Some(skim) = presented.get(i).copied().flatten() {
                    if skim.subject == issuer {
                        named.push((i, skim));
                    }
                }
            }
        }
        // webpki matches issuers by name alone; key identifiers only order the search. A
        // presented same-name certificate with another key is still a candidate (when
        // nothing better is presented), so that a wrong or outdated intermediate shows up
        // on the path, where its signature is then found not to verify. Of several, only
        // those whose key identifiers fit, if any do.
        if !self.work.spend(named.len()) {
            return self.finish(dead_end(&node, at));
        }
        let fitting = named.iter().any(|(_, skim)| key_ids_fit(aki, skim));
        let only_fitting = named.len() > 1 && fitting;
        if only_fitting {
            if !self.work.spend(named.len()) {
                return self.finish(dead_end(&node, at));
            }
            named.retain(|(_, skim)| key_ids_fit(aki, skim));
        }
        // Gathered before any is tried, so the pool's share of the budget is what was left
        // when the node was reached.
        let pooled = self.pool_candidates(&node);
        let mut any = false;
        let mut going = true;
        for (i, skim) in named {
            let source = Source::Presented(i);
            going = self.try_issuer(Link { source, skim }, &mut any);
            if !going {
                break;
            }
        }
        if going {
            for link in pooled {
                if !self.try_issuer(link, &mut any) {
                    break;
                }
            }
        }
        if !any {
            self.finish(dead_end(&node, at));
        }
    }

    /// Extends the path through `link` unless it is already on it; `false` once the search
    /// must stop (the budget is spent, or the best path cannot be bettered).
    fn try_issuer(&mut self, link: Link<'a>, any: &mut bool) -> bool {
        if self.is_perfect() || !self.work.spend(1 + self.stack.len()) {
            return false;
        }
        if self.stack.iter().any(|on| on.skim.der == link.skim.der) {
            return true;
        }
        if !self.work.spend(NODE) {
            return false;
        }
        *any = true;
        self.stack.push(link);
        self.extend();
        self.stack.pop();
        true
    }

    /// An anchor-ending path using only presented certificates cannot be bettered.
    fn is_perfect(&self) -> bool {
        self.best
            .as_ref()
            .is_some_and(|p| p.key().0 == 0 && p.key().1 == 0)
    }

    /// Pool certificates that may issue `node`: by key identifier first, so that a pool full
    /// of same-name certificates is not scanned, then by name; never one whose key identifier
    /// disagrees. Each certificate looked up costs one operation.
    fn pool_candidates(&mut self, node: &Skim<'a>) -> Vec<Link<'a>> {
        let Some(pool) = self.pool else {
            return Vec::new();
        };
        let aki = node.authority_key_id();
        let fits = |skim: &Skim<'_>| skim.subject == node.issuer && key_ids_fit(aki, skim);
        let work = &mut self.work;
        let mut take = |found: &mut dyn Iterator<Item = (usize, Skim<'a>)>| {
            let mut hits = Vec::new();
            for (i, skim) in found {
                if !work.spend(1) {
                    break;
                }
                if fits(&skim) {
                    hits.push(Link {
                        source: Source::Pool(i),
                        skim,
                    });
                }
            }
            hits
        };
        let mut hits = match aki {
            Some(aki) => take(&mut pool.by_key_id(aki)),
            None => Vec::new(),
        };
        if hits.is_empty() {
            hits = take(&mut pool.by_subject(node.issuer));
        }
        hits
    }

    fn finish(&mut self, end: AnchorMatch) {
        let key = rank(end, &self.stack);
        if self.best.as_ref().is_none_or(|best| key < best.key()) {
            // The links are in place (SmallVec): copying them allocates nothing.
            self.best = Some(Path {
                links: Links::from_slice(&self.stack),
                end,
            });
        }
    }
}
