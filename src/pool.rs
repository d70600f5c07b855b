//! A pool of known intermediates that chain assembly may borrow from to explain, and fix,
//! an incomplete chain. The pool never makes a chain trusted.

use std::collections::{HashMap, HashSet};

use pki_types::CertificateDer;
use sha2::{Digest, Sha256};

use crate::cert::Skim;
use crate::error::StoreError;
use crate::input;

/// The most certificates one lookup by subject or key identifier yields, so that a pool
/// holding thousands of certificates with one name costs chain assembly no more than a
/// normal one: each node of the search looks at this many candidates at most, each one
/// operation of [`crate::Budget::max_work_per_certificate`]. Real pools hold a handful of
/// certificates per name (a CA's re-issues and cross-signs), and webpki, which would have to
/// verify any path the pool suggests, gives up after 100 signature checks.
const MAX_PER_LOOKUP: usize = 32;

/// Known intermediate certificates, indexed by subject and by subject key identifier so
/// that finding an issuer costs a hash lookup whatever the pool's size.
///
/// A pool never makes a chain trusted: it only lets the diagnosis name an issuer the server
/// left out and build the complete chain to serve (see [`crate::Report::fixed_chain`]).
///
/// ```
/// use certdeps::Pool;
///
/// let intermediate = include_str!("../tests/data/contoso/intermediate.pem");
/// let mut pool = Pool::from_pem(intermediate.as_bytes())?;
/// // Adding what the pool already holds, or what does not parse, changes nothing.
/// pool.extend(certdeps::decode_certificates(intermediate.as_bytes())?);
/// assert_eq!(pool.len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct Pool {
    certs: Vec<CertificateDer<'static>>,
    by_subject: HashMap<Box<[u8]>, Vec<u32>>,
    by_key_id: HashMap<Box<[u8]>, Vec<u32>>,
    /// SHA-256 of every held certificate: adding one is a hash lookup, not a scan of its
    /// subject's bucket (which made adding 100,000 same-name certificates quadratic).
    digests: HashSet<[u8; 32]>,
}

impl Pool {
    /// An empty pool.
    pub fn new() -> Self {
        Self::default()
    }

    /// A pool of the certificates in a PEM bundle (or one DER certificate).
    pub fn from_pem(bytes: &[u8]) -> Result<Self, StoreError> {
        let mut pool = Self::new();
        pool.extend(input::decode_certificates(bytes)?);
        Ok(pool)
    }

    /// Adds certificates; ones that do not parse or are already held are ignored, since a
    /// pool is a best-effort source of explanations, never of trust.
    pub fn extend(&mut self, certs: impl IntoIterator<Item = CertificateDer<'static>>) {
        for cert in certs {
            let Ok(index) = u32::try_from(self.certs.len()) else {
                return;
            };
            let Ok(skim) = Skim::new(cert.as_ref()) else {
                continue;
            };
            if !self.digests.insert(Sha256::digest(skim.der).into()) {
                continue;
            }
            self.by_subject
                .entry(skim.subject.into())
                .or_default()
                .push(index);
            if let Some(id) = skim.subject_key_id() {
                self.by_key_id.entry(id.into()).or_default().push(index);
            }
            self.certs.push(cert);
        }
    }

    /// How many certificates the pool holds.
    pub fn len(&self) -> usize {
        self.certs.len()
    }

    /// Whether the pool is empty.
    pub fn is_empty(&self) -> bool {
        self.certs.is_empty()
    }

    /// Every certificate, in insertion order.
    pub fn certificates(&self) -> &[CertificateDer<'static>] {
        &self.certs
    }

    /// Pool certificates whose subject equals `subject` (name contents), the first
    /// [`MAX_PER_LOOKUP`] added.
    pub(crate) fn by_subject(
        &self,
        subject: &[u8],
    ) -> impl Iterator<Item = (usize, Skim<'_>)> + '_ {
        self.lookup(self.by_subject.get(subject))
    }

    /// Pool certificates whose subject key identifier equals `key_id`, the first
    /// [`MAX_PER_LOOKUP`] added.
    pub(crate) fn by_key_id(&self, key_id: &[u8]) -> impl Iterator<Item = (usize, Skim<'_>)> + '_ {
        self.lookup(self.by_key_id.get(key_id))
    }

    fn lookup<'p>(
        &'p self,
        hits: Option<&'p Vec<u32>>,
    ) -> impl Iterator<Item = (usize, Skim<'p>)> + 'p {
        hits.into_iter()
            .flatten()
            .take(MAX_PER_LOOKUP)
            .filter_map(|&i| {
                let cert = self.certs.get(i as usize)?;
                // Every held certificate was skimmed successfully on insertion.
                Some((i as usize, Skim::new(cert.as_ref()).ok()?))
            })
    }
}
