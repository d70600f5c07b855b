//! Chain assembly: candidate paths from the leaf towards an anchor, built from the presented
//! certificates in any order plus an optional pool, by name and key identifier.
//!
//! Assembly explains; it never decides trust (that is [`crate::verify()`]). It works on names
//! only and checks no signature, so it is cheap, and it stops at a [`Budget`].

use std::collections::HashMap;

use smallvec::SmallVec;

use crate::cert::Skim;
use crate::pool::Pool;
use crate::store::TrustStore;

/// Limits on chain assembly, so that no input can make it run away.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Budget {
    /// Most certificates on one path, leaf included. webpki allows at most 6 intermediates
    /// (`MAX_SUB_CA_COUNT`), so a leaf, 6 intermediates and one more for a presented root.
    pub max_depth: usize,
    /// Most issuer candidates considered over the whole search. webpki's own budget is
    /// 200,000 path-building calls (after CVE-2018-16875); assembly does no signature
    /// checks, so a tenth of that bounds it to well under a millisecond per thousand.
    pub max_candidates: usize,
}

impl Budget {
    /// The default [`Budget::max_depth`]: webpki allows at most 6 intermediates
    /// (`MAX_SUB_CA_COUNT`), so a leaf, 6 intermediates and one more for a presented root.
    pub const DEFAULT_MAX_DEPTH: usize = 8;

    /// The default [`Budget::max_candidates`]: a tenth of webpki's 200,000 path-building
    /// calls (its budget since CVE-2018-16875), since assembly checks no signature. With pool
    /// lookups capped per node, the 100,000-certificate pool of `tests/adversarial.rs` is
    /// assembled in under a second in a debug build.
    pub const DEFAULT_MAX_CANDIDATES: usize = 20_000;
}

impl Default for Budget {
    fn default() -> Self {
        Self {
            max_depth: Self::DEFAULT_MAX_DEPTH,
            max_candidates: Self::DEFAULT_MAX_CANDIDATES,
        }
    }
}

/// Where a certificate on an assembled path came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub(crate) enum Source {
    /// The server presented it, at this position (0-based).
    Presented(usize),
    /// It came from the intermediate pool, at this position.
    Pool(usize),
}

/// One certificate on an assembled path.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Link<'a> {
    pub(crate) source: Source,
    pub(crate) skim: Skim<'a>,
}

/// How an assembled path ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum End {
    /// The last certificate's issuer is an anchor of store `store`, anchor `anchor`.
    Anchor { store: usize, anchor: usize },
    /// The last certificate names itself as issuer and no store holds it.
    SelfIssued,
    /// Nothing available has the last certificate's issuer name.
    MissingIssuer,
    /// The path reached the depth limit.
    TooDeep,
}

impl End {
    /// Lower is a better explanation: an anchor beats an untrusted root beats a gap.
    fn rank(self) -> u8 {
        match self {
            Self::Anchor { .. } => 0,
            Self::SelfIssued => 1,
            Self::MissingIssuer => 2,
            Self::TooDeep => 3,
        }
    }
}

/// Certificates on a path, leaf first: in place up to the usual leaf, two intermediates and
/// a root.
pub(crate) type Links<'a> = SmallVec<[Link<'a>; 4]>;

/// A path from the leaf as far as assembly could take it.
#[derive(Clone, Debug)]
pub(crate) struct Path<'a> {
    pub(crate) links: Links<'a>,
    pub(crate) end: End,
}

impl Path<'_> {
    fn key(&self) -> (u8, usize, usize) {
        rank(self.end, &self.links)
    }
}

/// How good a path ending in `end` through `links` is, lower first: an anchor, then the
/// fewest pool certificates, then the shortest.
fn rank(end: End, links: &[Link<'_>]) -> (u8, usize, usize) {
    let pool = links
        .iter()
        .filter(|l| matches!(l.source, Source::Pool(_)))
        .count();
    (end.rank(), pool, links.len())
}

/// The result of assembly: the best path found, and whether the budget ran out first.
#[derive(Clone, Debug)]
pub(crate) struct Assembly<'a> {
    pub(crate) best: Path<'a>,
    pub(crate) exhausted: bool,
}

/// Builds the best candidate path for `presented[0]`.
///
/// Issuers are found by subject name; when the child carries an authority key identifier and
/// the candidate a subject key identifier they should agree ([RFC 5280 section 4.2.1.1]): a
/// presented candidate that disagrees is used only when no presented one agrees (webpki
/// itself matches by name alone), a pool candidate never. The pool's key-id index is used
/// first so a pool full of same-name certificates is not scanned.
/// A certificate appears at most once per path, which breaks cross-sign loops.
///
/// [RFC 5280 section 4.2.1.1]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.1
pub(crate) fn assemble<'a>(
    presented: &[Option<Skim<'a>>],
    pool: Option<&'a Pool>,
    stores: &[TrustStore],
    budget: Budget,
) -> Option<Assembly<'a>> {
    if pool.is_none() && presented.len() <= SCAN_LIMIT {
        if let Some(assembly) = follow(presented, stores, budget) {
            return Some(assembly);
        }
    }
    search(presented, pool, stores, budget)
}

/// [`assemble`] where the search would not branch: no pool, and every certificate on the
/// way has at most one presented candidate issuer, as in nearly every chain a server sends.
/// The search then visits one path, so it is followed in a loop, keeping the best end as the
/// search does, with no stack of paths to copy. `None` as soon as a certificate has two
/// candidates (or the budget could run out), and the search decides.
fn follow<'a>(
    presented: &[Option<Skim<'a>>],
    stores: &[TrustStore],
    budget: Budget,
) -> Option<Assembly<'a>> {
    // The walk keeps positions, not links: every certificate on it is presented, and the
    // skims are copied once, into the path kept.
    let mut on_path: SmallVec<[usize; 8]> = SmallVec::new();
    let mut at = 0;
    // (how it ends, how many certificates): the best end so far. Every path here is a prefix
    // of this one with no pool certificate, so `rank` comes down to the end, then the length.
    let mut best: Option<(End, usize)> = None;
    let mut keep = |end: End, len: usize| {
        if best.is_none_or(|(e, n)| (end.rank(), len) < (e.rank(), n)) {
            best = Some((end, len));
        }
    };
    loop {
        let node = presented.get(at)?.as_ref()?;
        on_path.push(at);
        let len = on_path.len();
        if let Some(end) = anchor_for(stores, node) {
            keep(end, len);
            break;
        }
        if len > 1 && looks_self_signed(node) {
            keep(End::SelfIssued, len);
        }
        if len >= budget.max_depth {
            keep(End::TooDeep, len);
            break;
        }
        // The search's budget counts one per candidate tried: this walk tries one per link.
        if len >= budget.max_candidates {
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
        match next {
            Some(i)
                if !on_path
                    .iter()
                    .any(|&j| presented_der(presented, j) == presented_der(presented, i)) =>
            {
                at = i
            }
            // Nothing issues it, or only a certificate already on the path.
            _ => {
                keep(dead_end(node), len);
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
    })
}

/// How a path ends at `node` when nothing (new) issues it: an untrusted root if it looks
/// self-signed, else a gap where its issuer should be.
fn dead_end(node: &Skim<'_>) -> End {
    if looks_self_signed(node) {
        End::SelfIssued
    } else {
        End::MissingIssuer
    }
}

/// The DER of presented certificate `i`, as skimmed.
fn presented_der<'a>(presented: &[Option<Skim<'a>>], i: usize) -> Option<&'a [u8]> {
    Some(presented.get(i)?.as_ref()?.der)
}

/// The issuer of `node` in a store, if any: the first store that holds one wins.
fn anchor_for(stores: &[TrustStore], node: &Skim<'_>) -> Option<End> {
    stores.iter().enumerate().find_map(|(s, store)| {
        let anchor = store.anchor_index(node.issuer)?;
        Some(End::Anchor { store: s, anchor })
    })
}

/// [`assemble`] by depth-first search over every candidate issuer.
fn search<'a>(
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
    let mut search = Search {
        presented,
        by_subject: by_subject.as_ref(),
        pool,
        stores,
        budget,
        spent: 0,
        best: None,
        stack,
    };
    search.extend();
    let exhausted = search.spent >= budget.max_candidates;
    let best = search.best?;
    Some(Assembly { best, exhausted })
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
    spent: usize,
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
        if let Some(end) = anchor_for(self.stores, &node) {
            return self.finish(end);
        }
        // A self-signed issuer ends a path as an untrusted root even when same-named
        // certificates could extend it (a chain of same-name, same-key CAs would otherwise
        // only ever end at the depth limit); extending goes on, so an anchor still wins.
        if self.stack.len() > 1 && looks_self_signed(&node) {
            self.finish(End::SelfIssued);
        }
        if self.stack.len() >= self.budget.max_depth {
            return self.finish(End::TooDeep);
        }
        // The presented candidates are read in place (no list is made: most nodes have one
        // or none); only pool hits, when there is a pool, are collected. Plain loops, not
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
        let position = |k: usize| listed.map_or(Some(k + 1), |l| l.get(k).copied());
        let named = |k: usize| {
            let skim = presented.get(position(k)?).copied().flatten()?;
            (skim.subject == issuer).then_some(skim)
        };
        // webpki matches issuers by name alone; key identifiers only order the search. A
        // presented same-name certificate with another key is still a candidate (when
        // nothing better is presented), so that a wrong or outdated intermediate shows up
        // on the path, where its signature is then found not to verify. Of several, only
        // those whose key identifiers fit, if any do.
        let (mut several, mut fitting, mut seen) = (false, false, 0);
        for k in 0..count {
            if let Some(skim) = named(k) {
                seen += 1;
                several |= seen > 1;
                fitting |= key_ids_fit(aki, &skim);
            }
        }
        let only_fitting = several && fitting;
        // Gathered before any is tried, so the pool's share of the budget is what was left
        // when the node was reached.
        let pooled = self.pool_candidates(&node);
        let mut any = false;
        let mut going = true;
        for k in 0..count {
            let Some(skim) = named(k) else { continue };
            if only_fitting && !key_ids_fit(aki, &skim) {
                continue;
            }
            let source = Source::Presented(position(k).unwrap_or_default());
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
            self.finish(dead_end(&node));
        }
    }

    /// Extends the path through `link` unless it is already on it; `false` once the search
    /// must stop (the budget is spent, or the best path cannot be bettered).
    fn try_issuer(&mut self, link: Link<'a>, any: &mut bool) -> bool {
        if self.spent >= self.budget.max_candidates || self.is_perfect() {
            return false;
        }
        self.spent += 1;
        if self.stack.iter().any(|on| on.skim.der == link.skim.der) {
            return true;
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
    /// disagrees.
    fn pool_candidates(&self, node: &Skim<'a>) -> Vec<Link<'a>> {
        let Some(pool) = self.pool else {
            return Vec::new();
        };
        let aki = node.authority_key_id();
        let fits = |skim: &Skim<'_>| skim.subject == node.issuer && key_ids_fit(aki, skim);
        let room = self.budget.max_candidates.saturating_sub(self.spent);
        let mut hits: Vec<Link<'a>> = match aki {
            Some(aki) => pool
                .by_key_id(aki)
                .filter(|(_, s)| fits(s))
                .take(room)
                .map(pool_link)
                .collect(),
            None => Vec::new(),
        };
        if hits.is_empty() {
            hits = pool
                .by_subject(node.issuer)
                .filter(|(_, s)| fits(s))
                .take(room)
                .map(pool_link)
                .collect();
        }
        hits
    }

    fn finish(&mut self, end: End) {
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

/// Whether a candidate issuer's subjectKeyIdentifier agrees with the child's
/// authorityKeyIdentifier `aki` ([RFC 5280 section 4.2.1.1]); a missing one agrees.
///
/// [RFC 5280 section 4.2.1.1]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.1
pub(crate) fn key_ids_fit(aki: Option<&[u8]>, issuer: &Skim<'_>) -> bool {
    match (aki, issuer.subject_key_id()) {
        (Some(aki), Some(ski)) => aki == ski,
        _ => true,
    }
}

fn pool_link<'a>((i, skim): (usize, Skim<'a>)) -> Link<'a> {
    Link {
        source: Source::Pool(i),
        skim,
    }
}

/// Whether `skim` looks self-signed: self-issued ([RFC 5280 section 3.2]), and its key
/// identifiers, when both are present, agree. A self-issued certificate whose
/// authorityKeyIdentifier names another key (a CA key rollover, or a leaf named like its
/// CA) was issued by someone else, who is missing.
///
/// [RFC 5280 section 3.2]: https://www.rfc-editor.org/rfc/rfc5280#section-3.2
pub(crate) fn looks_self_signed(skim: &Skim<'_>) -> bool {
    skim.is_self_issued() && key_ids_fit(skim.authority_key_id(), skim)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::decode_pem_certificates;
    use crate::testdata::limbo_cases_or_skip;

    /// What a test compares of an assembly: each link's source and DER, the end, and whether
    /// the budget ran out.
    type Shape<'a> = (Vec<(Source, &'a [u8])>, End, bool);

    fn shape<'a>(assembly: &Option<Assembly<'a>>) -> Option<Shape<'a>> {
        let assembly = assembly.as_ref()?;
        let links = assembly.best.links.iter().map(|l| (l.source, l.skim.der));
        Some((links.collect(), assembly.best.end, assembly.exhausted))
    }

    /// A presented root at the depth limit ends the path as an untrusted root, not as a path
    /// too deep, whichever way assembly goes.
    #[test]
    fn a_self_signed_root_at_the_depth_limit_is_an_untrusted_root() {
        use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
        let ca = |cn: &str| {
            let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
            params.distinguished_name.push(DnType::CommonName, cn);
            params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
            params
        };
        let root_key = KeyPair::generate().unwrap();
        let root_params = ca("Root");
        let root = root_params.self_signed(&root_key).unwrap();
        let root_issuer = Issuer::new(root_params, root_key);
        let mid_key = KeyPair::generate().unwrap();
        let mid_params = ca("Intermediate");
        let mid = mid_params.signed_by(&mid_key, &root_issuer).unwrap();
        let mid_issuer = Issuer::new(mid_params, mid_key);
        let leaf_params = CertificateParams::new(vec!["a.test".to_owned()]).unwrap();
        let leaf = leaf_params
            .signed_by(&KeyPair::generate().unwrap(), &mid_issuer)
            .unwrap();
        let chain = [leaf.der(), mid.der(), root.der()];
        let skims: Vec<Option<Skim<'_>>> =
            chain.iter().map(|c| Skim::new(c.as_ref()).ok()).collect();
        for max_depth in [3, 4] {
            let budget = Budget {
                max_depth,
                ..Budget::default()
            };
            let followed = follow(&skims, &[], budget);
            assert_eq!(followed.as_ref().map(|a| a.best.end), Some(End::SelfIssued));
            assert_eq!(shape(&followed), shape(&search(&skims, None, &[], budget)));
        }
    }

    /// Following a chain that does not branch answers exactly as the full search, on every
    /// x509-limbo case: as sent, with the intermediates reversed, without any store, and with
    /// budgets small enough to stop either.
    #[test]
    fn following_a_chain_agrees_with_the_search_on_limbo() {
        let Some(cases) = limbo_cases_or_skip("the x509-limbo assembly agreement") else {
            return;
        };
        let pem = |text: &str| decode_pem_certificates(text.as_bytes()).unwrap_or_default();
        let budgets = [
            Budget::default(),
            Budget {
                max_depth: 2,
                max_candidates: 20_000,
            },
            Budget {
                max_depth: 8,
                max_candidates: 2,
            },
        ];
        let (mut followed, mut searched) = (0, 0);
        for case in &cases {
            let leaf = pem(&case.peer_certificate);
            let intermediates: Vec<_> = case
                .untrusted_intermediates
                .iter()
                .flat_map(|c| pem(c))
                .collect();
            let trusted: Vec<_> = case.trusted_certs.iter().flat_map(|c| pem(c)).collect();
            let stores: Vec<TrustStore> = TrustStore::from_certificates("limbo", trusted)
                .into_iter()
                .collect();
            for reversed in [false, true] {
                let mut chain = leaf.clone();
                let mut rest = intermediates.clone();
                if reversed {
                    rest.reverse();
                }
                chain.extend(rest);
                let skims: Vec<Option<Skim<'_>>> =
                    chain.iter().map(|c| Skim::new(c.as_ref()).ok()).collect();
                for stores in [&stores[..], &[]] {
                    for budget in budgets {
                        let full = search(&skims, None, stores, budget);
                        match follow(&skims, stores, budget) {
                            Some(quick) => {
                                followed += 1;
                                assert_eq!(
                                    shape(&Some(quick)),
                                    shape(&full),
                                    "{:?}",
                                    case.peer_certificate.get(..80)
                                );
                            }
                            None => searched += 1,
                        }
                    }
                }
            }
        }
        println!(
            "x509-limbo assemblies: {followed} followed (each the same as the search), {searched} left to it"
        );
        assert!(
            followed > searched,
            "{followed} followed, {searched} searched"
        );
    }
}
