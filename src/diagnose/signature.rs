//! Which signature on the path fails: webpki checks signatures only once a path reaches an
//! anchor and does not say which one failed, so each link is asked of webpki on its own.

use pki_types::{CertificateDer, TrustAnchor};

use crate::anchor::AnchorMatch;
use crate::cert::{sequence_tlv, sha256_hex};
use crate::chain::{Link, Path, Source};
use crate::finding::{Actor, Code, Evidence};
use crate::key::PublicKey;
use crate::report::name_to_string;
use crate::store::TrustStore;
use crate::verdict;

use super::Diagnosis;

impl<'p> Diagnosis<'p> {
    /// Names the certificate whose signature does not verify. webpki checks signatures only
    /// once a path reaches an anchor and does not say which one failed, so each link of the
    /// assembled path is asked of webpki on its own, leaf side first: the child with its
    /// issuer as the only anchor.
    #[cold]
    #[inline(never)]
    pub(super) fn bad_signature(&mut self, path: Option<&Path<'p>>) {
        let Some(path) = path else { return };
        for (k, pair) in path.links.windows(2).enumerate() {
            let (child, issuer) = (&pair[0], &pair[1]);
            if !self.signature_fails(&path.links[..=k], issuer.skim.der) {
                continue;
            }
            let (Source::Presented(c), Source::Presented(i)) = (child.source, issuer.source) else {
                continue;
            };
            let child_label = self.label(c).to_string();
            let issuer_label = self.label(i).to_string();
            if self.signer_key_refused(c, &child_label, &issuer_label, issuer.skim.spki) {
                return;
            }
            let same_key = child.skim.authority_key_id().is_some()
                && child.skim.authority_key_id() == issuer.skim.subject_key_id();
            // An intermediate whose signature its issuer's key does not verify is a CA-side
            // problem: only the CA above can reissue it. A leaf that does not verify was
            // served with the wrong intermediate, or is not the CA's at all: the server
            // operator replaces one or the other.
            let (actor, fix) = if c > 0 {
                (
                    Actor::IssuingCa,
                    format!(
                        "issuing CA: reissue {child_label}, whose signature its named issuer's \
                         key does not verify; or server operator: serve the intermediate that \
                         actually issued it, if there is one"
                    ),
                )
            } else {
                (
                    Actor::ServerOperator,
                    format!(
                        "server operator: serve the intermediate that actually issued \
                         {child_label} (get the current one from the CA), or reissue the \
                         certificate"
                    ),
                )
            };
            let why = if same_key {
                "another key claiming the same name and key id signed it (forged or corrupted)"
            } else {
                "it was signed by another key with the same name (an outdated or wrong \
                 intermediate?)"
            };
            self.push(
                Code::BadSignature,
                Some(c),
                actor,
                format!(
                    "{child_label} names \"{}\" as issuer, but its signature does not verify \
                     with the key of {issuer_label}: {why}",
                    name_to_string(child.skim.issuer)
                ),
                fix,
                Evidence::Certificates {
                    indices: vec![c, i],
                },
            );
            return;
        }
        // Every presented link verifies: the top one is signed by another key than the
        // trusted anchor of that name.
        let (AnchorMatch::Anchored { store, anchor }, Some(top)) = (path.end, path.links.last())
        else {
            return;
        };
        let Source::Presented(i) = top.source else {
            return;
        };
        let label = self.label(i).to_string();
        let issuer = name_to_string(top.skim.issuer);
        let anchor_spki = self
            .config
            .stores()
            .get(store)
            .and_then(|s| s.anchors().get(anchor))
            .and_then(|a| sequence_tlv(a.trust_anchor().subject_public_key_info.as_ref()).ok());
        let anchor_label = format!("the trust anchor \"{issuer}\"");
        if let Some(spki) = anchor_spki {
            if self.signer_key_refused(i, &label, &anchor_label, &spki) {
                return;
            }
        }
        let store_name = self
            .config
            .stores()
            .get(store)
            .map(|s| s.name().to_owned())
            .unwrap_or_default();
        let anchor_sha = self
            .config
            .stores()
            .get(store)
            .and_then(|s| s.anchors().get(anchor))
            .and_then(|a| a.certificate())
            .map(|c| format!(" (sha256 {})", sha256_hex(c.as_ref())))
            .unwrap_or_default();
        self.push(
            Code::BadSignature,
            Some(i),
            Actor::ClientOwner,
            format!(
                "{label} names \"{issuer}\" as issuer, but its signature does not verify with \
                 the key of the trust anchor of that name in the {store_name} store{anchor_sha}: \
                 another key with the same name (a re-keyed or look-alike root)"
            ),
            format!(
                "client owner: import the \"{issuer}\" root that actually issued this chain \
                 (compare fingerprints with the CA); or server operator: serve a chain that \
                 leads to the trusted root"
            ),
            Evidence::Certificates { indices: vec![i] },
        );
    }

    /// A signature "does not verify" also when the signer's key is one the verifier refuses
    /// outright (RSA under 2048 bits, DSA, P-192, ...): then say that, not "another key".
    /// The signer key set is rustls' handshake set ([`PublicKey::handshake_capable`]), which
    /// is also the key set of the certificate signature algorithms webpki is given.
    fn signer_key_refused(
        &mut self,
        signed: usize,
        signed_label: &str,
        signer_label: &str,
        signer_spki: &[u8],
    ) -> bool {
        let key = PublicKey::from_spki(signer_spki);
        // An unreadable key is a broken issuer, not a refused algorithm: stays bad-signature.
        if key.handshake_capable() || matches!(key, PublicKey::Other { .. }) {
            return false;
        }
        self.push(
            Code::UnsupportedAlgorithm,
            Some(signed),
            Actor::ServerOperator,
            format!(
                "{signed_label} is signed by {signer_label}, whose {key} key strict clients \
                 refuse to verify signatures with"
            ),
            "server operator: get the chain reissued under a CA with an RSA 2048-8192, ECDSA \
             P-256/P-384 or Ed25519 key"
                .to_owned(),
            Evidence::Key { key },
        );
        true
    }

    /// Whether webpki, given `links` (leaf first) and `issuer` as the only anchor, refuses
    /// with a bad signature.
    fn signature_fails(&self, links: &[Link<'p>], issuer: &[u8]) -> bool {
        let Ok(store) =
            TrustStore::from_certificates("probe", [CertificateDer::from(issuer.to_vec())])
        else {
            return false;
        };
        let anchors: Vec<TrustAnchor<'static>> = store
            .anchors()
            .iter()
            .map(|a| a.trust_anchor().clone())
            .collect();
        let chain: Vec<CertificateDer<'_>> = links
            .iter()
            .map(|l| CertificateDer::from(l.skim.der))
            .collect();
        verdict::verify(&chain, &anchors, None, &[], self.now)
            .rejection()
            .is_some_and(|r| r.code == Code::BadSignature)
    }
}
