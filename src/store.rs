//! Trust stores: the anchors a client trusts, indexed by subject.

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

use pki_types::{CertificateDer, TrustAnchor};

use crate::error::StoreError;
use crate::input;

/// Where a trust store's anchors come from; reported as the anchor's `store`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "json", derive(serde::Serialize))]
#[cfg_attr(feature = "json", serde(rename_all = "kebab-case"))]
#[non_exhaustive]
pub enum StoreKind {
    /// A PEM bundle or list of certificates supplied by the caller.
    Custom,
    /// The Mozilla root program, as embedded by `webpki-roots`.
    Mozilla,
    /// The operating system's store.
    Native,
}

impl fmt::Display for StoreKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Custom => "custom",
            Self::Mozilla => "mozilla",
            Self::Native => "native",
        })
    }
}

/// A set of trust anchors, indexed by subject so anchor lookup never scans.
#[derive(Clone, Debug)]
pub struct TrustStore {
    name: Arc<str>,
    kind: StoreKind,
    /// Shared with the reports whose path ends at one of them.
    anchors: Arc<[Anchor]>,
    by_subject: SubjectIndex,
}

/// Anchors by subject. The keys are the store's own subjects, chosen by whoever configured
/// it, so a keyed hash's defence against chosen collisions buys nothing here, and a
/// word-at-a-time hash costs a fraction of SipHash on every lookup of a presented issuer.
type SubjectIndex = HashMap<Vec<u8>, Vec<usize>, BuildHasherDefault<WordHasher>>;

/// The "Fx" hash rustc uses for its own tables: per 8-byte word, rotate, xor, multiply.
#[derive(Default)]
struct WordHasher(u64);

impl WordHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl Hasher for WordHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for word in words.by_ref() {
            let mut buf = [0; 8];
            buf.copy_from_slice(word);
            self.add(u64::from_le_bytes(buf));
        }
        let mut tail = [0; 8];
        tail[..words.remainder().len()].copy_from_slice(words.remainder());
        self.add(u64::from_le_bytes(tail));
    }
}

/// One trust anchor, and the certificate it came from when there was one.
#[derive(Clone, Debug)]
pub struct Anchor {
    trust_anchor: TrustAnchor<'static>,
    certificate: Option<CertificateDer<'static>>,
}

impl Anchor {
    /// The anchor as webpki uses it: subject, key and name constraints.
    pub fn trust_anchor(&self) -> &TrustAnchor<'static> {
        &self.trust_anchor
    }

    /// The certificate this anchor was taken from, if it came from one (not for
    /// `webpki-roots`, which ships only the anchor fields).
    pub fn certificate(&self) -> Option<&CertificateDer<'static>> {
        self.certificate.as_ref()
    }

    /// Subject name contents, without the outer SEQUENCE header (webpki's form).
    pub(crate) fn subject(&self) -> &[u8] {
        self.trust_anchor.subject.as_ref()
    }

    /// Subject public key info contents, without the outer SEQUENCE header.
    pub(crate) fn spki(&self) -> &[u8] {
        self.trust_anchor.subject_public_key_info.as_ref()
    }
}

impl TrustStore {
    /// The Mozilla root program's server-authentication anchors, from `webpki-roots`.
    pub fn mozilla() -> Self {
        let anchors = webpki_roots::TLS_SERVER_ROOTS
            .iter()
            .map(|ta| Anchor {
                trust_anchor: ta.clone(),
                certificate: None,
            })
            .collect();
        Self::from_anchors("mozilla", StoreKind::Mozilla, anchors)
    }

    /// The operating system's trust store, via `rustls-native-certs` (feature
    /// `native-roots`). Certificates the platform lists but webpki cannot use as anchors
    /// are skipped, as rustls does; it fails only when none is usable.
    #[cfg(feature = "native-roots")]
    pub fn native() -> Result<Self, StoreError> {
        let loaded = rustls_native_certs::load_native_certs();
        let anchors: Vec<Anchor> = loaded
            .certs
            .into_iter()
            .filter_map(|cert| {
                let trust_anchor = webpki::anchor_from_trusted_cert(&cert).ok()?.to_owned();
                Some(Anchor {
                    trust_anchor,
                    certificate: Some(cert),
                })
            })
            .collect();
        if anchors.is_empty() {
            let reason = match loaded.errors.first() {
                Some(e) => e.to_string(),
                None => "the platform store holds no usable certificate".to_owned(),
            };
            return Err(StoreError::Native { reason });
        }
        Ok(Self::from_anchors("native", StoreKind::Native, anchors))
    }

    /// A store holding exactly the certificates in a PEM bundle (or one DER certificate).
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let err = certdeps::TrustStore::from_pem(b"not a certificate").unwrap_err();
    /// assert!(err.to_string().contains("trust store"));
    /// # Ok(()) }
    /// ```
    pub fn from_pem(bytes: &[u8]) -> Result<Self, StoreError> {
        let certs = input::decode_certificates(bytes)?;
        Self::from_certificates("custom", certs)
    }

    /// A store holding exactly these certificates, named `name` in reports.
    pub fn from_certificates(
        name: &str,
        certs: impl IntoIterator<Item = CertificateDer<'static>>,
    ) -> Result<Self, StoreError> {
        let mut anchors = Vec::new();
        for (i, cert) in certs.into_iter().enumerate() {
            let trust_anchor = webpki::anchor_from_trusted_cert(&cert)
                .map_err(|e| StoreError::BadAnchor {
                    index: i + 1,
                    reason: format!("{e:?}"),
                })?
                .to_owned();
            anchors.push(Anchor {
                trust_anchor,
                certificate: Some(cert),
            });
        }
        Ok(Self::from_anchors(name, StoreKind::Custom, anchors))
    }

    /// A store from anchors already in webpki's form (for example from `rustls-native-certs`
    /// or another `webpki-roots`-style crate).
    pub fn from_trust_anchors(
        name: &str,
        kind: StoreKind,
        anchors: impl IntoIterator<Item = TrustAnchor<'static>>,
    ) -> Self {
        let anchors = anchors
            .into_iter()
            .map(|trust_anchor| Anchor {
                trust_anchor,
                certificate: None,
            })
            .collect();
        Self::from_anchors(name, kind, anchors)
    }

    fn from_anchors(name: &str, kind: StoreKind, anchors: Vec<Anchor>) -> Self {
        let mut by_subject = SubjectIndex::default();
        for (i, anchor) in anchors.iter().enumerate() {
            by_subject
                .entry(anchor.subject().to_vec())
                .or_default()
                .push(i);
        }
        Self {
            name: Arc::from(name),
            kind,
            anchors: anchors.into(),
            by_subject,
        }
    }

    /// The name reports use for this store.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Where the anchors come from.
    pub fn kind(&self) -> &StoreKind {
        &self.kind
    }

    /// Every anchor.
    pub fn anchors(&self) -> &[Anchor] {
        &self.anchors
    }

    /// The store's name and anchors, for a report to keep without copying them.
    pub(crate) fn shared(&self) -> (&Arc<str>, &Arc<[Anchor]>) {
        (&self.name, &self.anchors)
    }

    /// How many anchors the store holds.
    pub fn len(&self) -> usize {
        self.anchors.len()
    }

    /// Whether the store holds no anchor.
    pub fn is_empty(&self) -> bool {
        self.anchors.is_empty()
    }

    /// Anchors whose subject name contents equal `subject`.
    pub(crate) fn by_subject(&self, subject: &[u8]) -> impl Iterator<Item = &Anchor> + '_ {
        self.by_subject
            .get(subject)
            .into_iter()
            .flatten()
            .filter_map(|&i| self.anchors.get(i))
    }

    /// Whether a certificate with this subject and SPKI (whole TLV) is itself an anchor.
    pub(crate) fn contains(&self, subject: &[u8], spki_tlv: &[u8]) -> bool {
        self.by_subject(subject)
            .any(|a| crate::der::contents(spki_tlv) == Some(a.spki()))
    }
}

impl TrustStore {
    /// Index of the first anchor whose subject equals `subject` (name contents).
    pub(crate) fn anchor_index(&self, subject: &[u8]) -> Option<usize> {
        self.by_subject.get(subject)?.first().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mozilla_store_is_indexed_by_subject() {
        let store = TrustStore::mozilla();
        assert!(
            store.len() > 100,
            "webpki-roots ships the Mozilla program: {}",
            store.len()
        );
        for anchor in store.anchors() {
            let found = store
                .anchor_index(anchor.subject())
                .and_then(|i| store.anchors().get(i));
            assert_eq!(found.map(Anchor::subject), Some(anchor.subject()));
            let spki = crate::der::sequence_tlv(anchor.spki()).unwrap();
            assert!(store.contains(anchor.subject(), &spki));
        }
        assert_eq!(store.kind(), &StoreKind::Mozilla);
        assert_eq!(store.anchor_index(b"no such name"), None);
    }

    #[test]
    fn garbage_is_a_typed_error_naming_the_store() {
        let err = TrustStore::from_pem(b"").unwrap_err();
        assert!(matches!(err, StoreError::Input(_)), "{err:?}");
        assert!(err.to_string().starts_with("trust store: "), "{err}");
    }

    #[test]
    fn a_certificate_webpki_cannot_read_is_a_bad_anchor_with_its_position() {
        // A well-formed SEQUENCE that is not a certificate.
        let junk = CertificateDer::from(vec![0x30, 0x03, 0x02, 0x01, 0x01]);
        let err = TrustStore::from_certificates("x", [junk]).unwrap_err();
        assert!(
            matches!(err, StoreError::BadAnchor { index: 1, .. }),
            "{err:?}"
        );
    }

    #[cfg(feature = "native-roots")]
    #[test]
    fn native_store_loads_or_says_why() {
        match TrustStore::native() {
            Ok(store) => assert!(!store.is_empty()),
            Err(StoreError::Native { reason }) => {
                println!("skipped: the platform has no usable trust store ({reason})")
            }
            Err(other) => panic!("unexpected error: {other}"),
        }
    }
}
