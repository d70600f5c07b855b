//! A pool of known intermediates that chain assembly may borrow from to explain, and fix,
//! an incomplete chain. The pool never makes a chain trusted.

use std::collections::HashMap;

use pki_types::CertificateDer;

use crate::cert::Skim;
use crate::error::StoreError;
use crate::input;

/// Known intermediate certificates, indexed by subject and by subject key identifier so
/// that finding an issuer costs a hash lookup whatever the pool's size.
#[derive(Clone, Debug, Default)]
pub struct Pool {
    certs: Vec<CertificateDer<'static>>,
    by_subject: HashMap<Box<[u8]>, Vec<u32>>,
    by_key_id: HashMap<Box<[u8]>, Vec<u32>>,
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
            if self
                .by_subject(skim.subject)
                .any(|(_, held)| held.der == skim.der)
            {
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

    /// Pool certificates whose subject equals `subject` (name contents).
    pub(crate) fn by_subject(
        &self,
        subject: &[u8],
    ) -> impl Iterator<Item = (usize, Skim<'_>)> + '_ {
        self.lookup(self.by_subject.get(subject))
    }

    /// Pool certificates whose subject key identifier equals `key_id`.
    pub(crate) fn by_key_id(&self, key_id: &[u8]) -> impl Iterator<Item = (usize, Skim<'_>)> + '_ {
        self.lookup(self.by_key_id.get(key_id))
    }

    fn lookup<'p>(
        &'p self,
        hits: Option<&'p Vec<u32>>,
    ) -> impl Iterator<Item = (usize, Skim<'p>)> + 'p {
        hits.into_iter().flatten().filter_map(|&i| {
            let cert = self.certs.get(i as usize)?;
            // Every held certificate was skimmed successfully on insertion.
            Some((i as usize, Skim::new(cert.as_ref()).ok()?))
        })
    }
}
