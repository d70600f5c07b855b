//! Chain assembly, the first stage: candidate paths from the leaf towards an anchor, built
//! from the presented certificates in any order plus an optional pool, by name and key
//! identifier.
//!
//! Assembly explains; it never decides trust (that is webpki's, in [`crate::Verifier`]). It
//! works on names only and checks no signature, so it is cheap, and every comparison it makes
//! is counted against a [`Budget`], so that no input can make it run away.

use pki_types::CertificateDer;
use smallvec::SmallVec;

mod search;

use search::{follow, search};

use crate::anchor::AnchorMatch;
use crate::cert::Skim;
use crate::input::InputError;
use crate::pool::Pool;
use crate::store::TrustStore;

/// Limits on chain assembly, so that no input can make it run away.
///
/// Assembly counts its work in operations: for each certificate it reaches, 2 (its anchor
/// lookup and its self-issued check); for each presented certificate compared by name with
/// an issuer, 1; for each key-identifier comparison, 1; for each pool certificate looked up,
/// 1; for each candidate issuer tried, 1 plus one per certificate already on the path (the
/// loop check). Bound: certdeps' own assembly work on any input is at most
/// [`max_work_per_certificate`](Self::max_work_per_certificate) operations per presented
/// certificate (see [`Assembly::work`]); decoding the certificates and building a
/// [`Pool`]'s index are linear in their size and not counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Budget {
    /// Most certificates on one path, leaf included. webpki allows at most 6 intermediates
    /// (`MAX_SUB_CA_COUNT`), so a leaf, 6 intermediates and one more for a presented root.
    pub max_depth: usize,
    /// Most assembly operations per presented certificate (at least 2, the leaf's own
    /// lookup). When they run out the best path so far is kept and
    /// [`Assembly::exhausted`] says so.
    pub max_work_per_certificate: usize,
}

impl Budget {
    /// The default [`Budget::max_depth`]: webpki allows at most 6 intermediates
    /// (`MAX_SUB_CA_COUNT`), so a leaf, 6 intermediates and one more for a presented root.
    pub const DEFAULT_MAX_DEPTH: usize = 8;

    /// The default [`Budget::max_work_per_certificate`]: 10,000 operations per presented
    /// certificate. webpki's own budget is 200,000 path-building calls per check (after
    /// CVE-2018-16875), each a signature check; assembly's operations are byte comparisons,
    /// so even a 100-certificate list stays within a millisecond's work per thousand
    /// certificates. Every x509-limbo case and every test chain is assembled far inside it.
    pub const DEFAULT_MAX_WORK_PER_CERTIFICATE: usize = 10_000;
}

impl Default for Budget {
    fn default() -> Self {
        Self {
            max_depth: Self::DEFAULT_MAX_DEPTH,
            max_work_per_certificate: Self::DEFAULT_MAX_WORK_PER_CERTIFICATE,
        }
    }
}

/// What it costs to reach a certificate: its anchor lookup and its self-issued check.
const NODE: usize = 2;

/// Where a certificate on an assembled path came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Source {
    /// The server presented it, at this position (0-based).
    Presented(usize),
    /// It came from the intermediate pool, at this position ([`Pool::certificates`]).
    Pool(usize),
}

/// One certificate on an assembled path, borrowed from the caller's DER.
#[derive(Clone, Copy, Debug)]
pub struct Link<'a> {
    pub(crate) source: Source,
    pub(crate) skim: Skim<'a>,
}

impl<'a> Link<'a> {
    /// Where the certificate came from.
    pub fn source(&self) -> Source {
        self.source
    }

    /// The certificate itself, borrowed from what was passed to [`assemble`].
    pub fn der(&self) -> CertificateDer<'a> {
        CertificateDer::from(self.skim.der)
    }
}

/// Certificates on a path, leaf first: in place up to the usual leaf, two intermediates and
/// a root.
pub(crate) type Links<'a> = SmallVec<[Link<'a>; 4]>;

/// A path from the leaf as far as assembly could take it.
#[derive(Clone, Debug)]
pub(crate) struct Path<'a> {
    pub(crate) links: Links<'a>,
    pub(crate) end: AnchorMatch,
}

impl Path<'_> {
    fn key(&self) -> (u8, usize, usize) {
        rank(self.end, &self.links)
    }
}

/// How good a path ending in `end` through `links` is, lower first: an anchor, then the
/// fewest pool certificates, then the shortest.
fn rank(end: AnchorMatch, links: &[Link<'_>]) -> (u8, usize, usize) {
    let pool = links
        .iter()
        .filter(|l| matches!(l.source, Source::Pool(_)))
        .count();
    (end.rank(), pool, links.len())
}

/// The result of assembly: the best path found, how it ends, whether the budget ran out
/// first, and the work it took.
#[derive(Clone, Debug)]
pub struct Assembly<'a> {
    pub(crate) best: Path<'a>,
    pub(crate) exhausted: bool,
    pub(crate) work: usize,
}

impl<'a> Assembly<'a> {
    /// The best path found, leaf first: one ending at an anchor if any does, then the one
    /// with the fewest pool certificates, then the shortest.
    pub fn path(&self) -> &[Link<'a>] {
        &self.best.links
    }

    /// How the path ends: the anchor that ends it, or why none does. The same answer as
    /// [`crate::match_anchor`] on [`path`](Self::path), except that only assembly knows
    /// when it stopped at [`Budget::max_depth`] ([`AnchorMatch::TooDeep`]).
    pub fn end(&self) -> AnchorMatch {
        self.best.end
    }

    /// Whether the work budget ran out before the search was complete: a better path may
    /// exist.
    pub fn exhausted(&self) -> bool {
        self.exhausted
    }

    /// The operations assembly spent, as [`Budget`] counts them: at most
    /// [`Budget::max_work_per_certificate`] per presented certificate.
    pub fn work(&self) -> usize {
        self.work
    }
}

/// Builds the best candidate path for `presented[0]`, the leaf, from `presented` (the
/// server's certificates, in any order) and `pool`, towards an anchor of `stores`, within
/// `budget`.
///
/// Issuers are found by subject name; when the child carries an authority key identifier and
/// the candidate a subject key identifier they should agree ([RFC 5280 section 4.2.1.1]): a
/// presented candidate that disagrees is used only when no presented one agrees (webpki
/// itself matches by name alone), a pool candidate never. A certificate appears at most once
/// per path, which breaks cross-sign loops ([RFC 4158 section 5.2]). Presented certificates
/// after the leaf that do not parse are skipped.
///
/// # Errors
///
/// [`InputError::Certificate`] when there is no leaf or it does not parse.
///
/// ```
/// use certdeps::{AnchorMatch, Budget, Source, TrustStore, assemble, decode_certificates};
///
/// // The server sends its leaf and intermediate; the client trusts the root.
/// let presented = decode_certificates(format!("{LEAF}{INTERMEDIATE}").as_bytes())?;
/// let root = decode_certificates(ROOT.as_bytes())?;
/// let stores = [TrustStore::from_certificates("private", root)?];
///
/// let assembly = assemble(&presented, None, &stores, Budget::default())?;
/// let sources: Vec<Source> = assembly.path().iter().map(|l| l.source()).collect();
/// assert_eq!(sources, [Source::Presented(0), Source::Presented(1)]);
/// assert_eq!(assembly.end(), AnchorMatch::Anchored { store: 0, anchor: 0 });
/// assert!(!assembly.exhausted());
/// assert!(assembly.work() <= 2 * Budget::DEFAULT_MAX_WORK_PER_CERTIFICATE);
/// # const LEAF: &str = "-----BEGIN CERTIFICATE-----
/// # MIIBVzCCAQmgAwIBAgIBAzAFBgMrZXAwFTETMBEGA1UEAwwKQ29udG9zbyBDQTAg
/// # Fw0yNjEyMDQxODQxNDZaGA8yMTI2MTExMDE4NDE0NlowHDEaMBgGA1UEAwwRbWFp
/// # bC5jb250b3NvLnRlc3QwKjAFBgMrZXADIQCg0P5gLXtkUZ/QO8gvxAOyNQHzT+0X
/// # w/0Dj8WT7hugp6N1MHMwHAYDVR0RBBUwE4IRbWFpbC5jb250b3NvLnRlc3QwEwYD
/// # VR0lBAwwCgYIKwYBBQUHAwEwHwYDVR0jBBgwFoAUkL52hrFUc6Hj3pccNryEECfc
/// # qMowHQYDVR0OBBYEFOxBUwwQsF9/Of73F8kPxHb3p+h4MAUGAytlcANBABYP4BYG
/// # dD282FbXh3UkaflIRNLomLzBeGmiJNpOKEPlhM1+iWXgbFIm3+ao0PX3ZueQdVJq
/// # AIuX+36kXP8aEAc=
/// # -----END CERTIFICATE-----
/// # ";
/// # const INTERMEDIATE: &str = "-----BEGIN CERTIFICATE-----
/// # MIIBPzCB8qADAgECAgECMAUGAytlcDAXMRUwEwYDVQQDDAxDb250b3NvIFJvb3Qw
/// # IBcNMjYxMjA0MTg0MTQ2WhgPMjEyNjExMTAxODQxNDZaMBUxEzARBgNVBAMMCkNv
/// # bnRvc28gQ0EwKjAFBgMrZXADIQBjxdh4kXhMLFUhgL2OYFLQwfiMOjGmlKOVDCCt
/// # 24y1OKNjMGEwDwYDVR0TAQH/BAUwAwEB/zAOBgNVHQ8BAf8EBAMCAgQwHQYDVR0O
/// # BBYEFJC+doaxVHOh496XHDa8hBAn3KjKMB8GA1UdIwQYMBaAFJtAPmesNfv0CWA+
/// # 6vJFaBKuZSvaMAUGAytlcANBACRBlvOtwlffKxiHCfEK6yvoM3QETsD2LO2NRO/1
/// # xhDb6yKqt1kn1KA6DQ8yoYmcC3IYgG/jD8OdlDxuCsCd+g8=
/// # -----END CERTIFICATE-----
/// # ";
/// # const ROOT: &str = "-----BEGIN CERTIFICATE-----
/// # MIIBQTCB9KADAgECAgEBMAUGAytlcDAXMRUwEwYDVQQDDAxDb250b3NvIFJvb3Qw
/// # IBcNMjYxMjA0MTg0MTQ1WhgPMjEyNjExMTAxODQxNDVaMBcxFTATBgNVBAMMDENv
/// # bnRvc28gUm9vdDAqMAUGAytlcAMhABFl4G0/nb9cDQAhwTy4x7+mMY/qePBOguss
/// # vK1WFleVo2MwYTAdBgNVHQ4EFgQUm0A+Z6w1+/QJYD7q8kVoEq5lK9owHwYDVR0j
/// # BBgwFoAUm0A+Z6w1+/QJYD7q8kVoEq5lK9owDwYDVR0TAQH/BAUwAwEB/zAOBgNV
/// # HQ8BAf8EBAMCAgQwBQYDK2VwA0EARC7L4Ezoxw647ezhTh9PsJy9ayUYINmgWn55
/// # Iw6tQwpag8AijTzZh9cE7VYOYbY/cmai4/islBCtnv4tAKlvAA==
/// # -----END CERTIFICATE-----
/// # ";
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// [RFC 4158 section 5.2]: https://www.rfc-editor.org/rfc/rfc4158#section-5.2
/// [RFC 5280 section 4.2.1.1]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.1
pub fn assemble<'a>(
    presented: &'a [CertificateDer<'_>],
    pool: Option<&'a Pool>,
    stores: &[TrustStore],
    budget: Budget,
) -> Result<Assembly<'a>, InputError> {
    let leaf = presented.first().ok_or(InputError::Certificate {
        index: 0,
        offset: 0,
        reason: "no certificate was presented".to_owned(),
    })?;
    Skim::new(leaf.as_ref()).map_err(|e| InputError::certificate(0, &e))?;
    let skims: Vec<Option<Skim<'a>>> = presented
        .iter()
        .map(|c| Skim::new(c.as_ref()).ok())
        .collect();
    // The leaf skims, so assembly always has a path to answer with.
    assemble_skims(&skims, pool, stores, budget).ok_or(InputError::Certificate {
        index: 0,
        offset: 0,
        reason: "the leaf could not be read".to_owned(),
    })
}

/// [`assemble`] on certificates already skimmed (`None` where one does not parse); `None`
/// when the leaf is missing or does not parse.
pub(crate) fn assemble_skims<'a>(
    presented: &[Option<Skim<'a>>],
    pool: Option<&'a Pool>,
    stores: &[TrustStore],
    budget: Budget,
) -> Option<Assembly<'a>> {
    if pool.is_none() {
        if let Some(assembly) = follow(presented, stores, budget) {
            return Some(assembly);
        }
    }
    search(presented, pool, stores, budget)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::decode_pem_certificates;
    use crate::testdata::limbo_cases_or_skip;

    /// What a test compares of an assembly: each link's source and DER, the end, whether the
    /// budget ran out, and the work spent.
    type Shape<'a> = (Vec<(Source, &'a [u8])>, AnchorMatch, bool, usize);

    fn shape<'a>(assembly: &Option<Assembly<'a>>) -> Option<Shape<'a>> {
        let assembly = assembly.as_ref()?;
        let links = assembly.best.links.iter().map(|l| (l.source, l.skim.der));
        Some((
            links.collect(),
            assembly.best.end,
            assembly.exhausted,
            assembly.work,
        ))
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
            assert_eq!(
                followed.as_ref().map(|a| a.best.end),
                Some(AnchorMatch::UntrustedRoot { at: 2 })
            );
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
                ..Budget::default()
            },
            Budget {
                max_work_per_certificate: 2,
                ..Budget::default()
            },
            Budget {
                max_work_per_certificate: 5,
                ..Budget::default()
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
