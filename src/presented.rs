//! The presented certificates as a report keeps them: one copy, in one shared buffer.
//!
//! A [`crate::Report`] outlives the chain the caller lent to [`crate::Verifier::check`], so it
//! must own the certificates, and the report's findings describe them lazily, so they share
//! them. Copied one allocation per certificate, a failing check paid the allocator once per
//! certificate to make them and once more to free them; here the whole chain is one
//! allocation, whatever its length.
//!
//! The diagnosis reads the presented certificates' outer fields ([`skim_all`]) once per check.

use std::sync::Arc;

use pki_types::CertificateDer;
use smallvec::SmallVec;

use crate::cert::Skim;

/// The presented certificates, in the server's order, in one reference-counted buffer.
/// Cloning shares the buffer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Presented {
    /// Every certificate's DER, one after the other.
    bytes: Arc<[u8]>,
    /// Where each certificate ends in `bytes`.
    ends: SmallVec<[usize; 4]>,
}

impl Presented {
    /// A copy of `certs`.
    pub(crate) fn copy(certs: &[CertificateDer<'_>]) -> Self {
        let total = certs.iter().map(|c| c.len()).sum();
        // `repeat_n` knows its length, so this is one allocation of exactly `total` bytes,
        // which is then filled in place.
        let mut bytes: Arc<[u8]> = std::iter::repeat_n(0, total).collect();
        let mut ends = SmallVec::with_capacity(certs.len());
        let mut end = 0;
        for cert in certs {
            end += cert.len();
            ends.push(end);
        }
        match Arc::get_mut(&mut bytes) {
            Some(buffer) => {
                let mut start = 0;
                for (cert, &end) in certs.iter().zip(&ends) {
                    if let Some(slot) = buffer.get_mut(start..end) {
                        slot.copy_from_slice(cert);
                    }
                    start = end;
                }
            }
            // Not reached: the buffer was made just above and is not shared yet.
            None => bytes = certs.iter().flat_map(|c| c.iter().copied()).collect(),
        }
        Self { bytes, ends }
    }

    /// How many certificates were presented.
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether none was.
    pub(crate) fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The DER of certificate `i`.
    pub(crate) fn get(&self, i: usize) -> Option<&[u8]> {
        let start = match i.checked_sub(1) {
            Some(before) => *self.ends.get(before)?,
            None => 0,
        };
        self.bytes.get(start..*self.ends.get(i)?)
    }

    /// Certificate `i`, borrowed.
    pub(crate) fn der(&self, i: usize) -> Option<CertificateDer<'_>> {
        self.get(i).map(CertificateDer::from)
    }

    /// Every certificate's DER, in order.
    pub(crate) fn iter(&self) -> impl ExactSizeIterator<Item = &[u8]> + Clone + '_ {
        (0..self.len()).map(|i| self.get(i).unwrap_or_default())
    }
}

/// One skim per presented certificate; `None` where it does not skim. Usually two or three.
pub(crate) type Skims<'p> = SmallVec<[Option<Skim<'p>>; 4]>;

/// The skims of `presented`, made once and lent to every stage of the diagnosis, so that a
/// stage can hold one while it records a finding and none copies one out.
pub(crate) fn skim_all(presented: &Presented) -> Skims<'_> {
    // A plain loop of pushes: `collect` brings in SmallVec's general `extend`, several
    // hundred bytes more code on a path whose code already overflows the instruction cache.
    let mut skims = Skims::new();
    for der in presented.iter() {
        skims.push(Skim::new(der).ok());
    }
    skims
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gives_back_each_certificate_as_lent() {
        let lent: Vec<CertificateDer<'_>> = [&b"\x30\x01\x00"[..], b"", b"\x30\x03\x01\x02\x03"]
            .into_iter()
            .map(CertificateDer::from)
            .collect();
        let presented = Presented::copy(&lent);
        assert_eq!(presented.len(), 3);
        let back: Vec<&[u8]> = presented.iter().collect();
        let want: Vec<&[u8]> = lent.iter().map(|c| c.as_ref()).collect();
        assert_eq!(back, want);
        assert_eq!(presented.der(2).as_ref(), lent.get(2));
        assert_eq!(presented.get(3), None);
        let none = Presented::copy(&[]);
        assert!(none.is_empty());
        assert_eq!(none.get(0), None);
    }
}
