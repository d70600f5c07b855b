//! Anchor matching, the second stage: which anchor of which store ends a path, or why none
//! does.
//!
//! It sits below assembly ([`crate::assemble`]): assembly asks it at every certificate it
//! reaches whether a store vouches for that certificate's issuer, and records its answer as
//! the path's end, so that the end of an assembled path and [`match_anchor`] on the same path
//! are one decision, not two.

use pki_types::CertificateDer;

use crate::cert::Skim;
use crate::input::InputError;
use crate::store::TrustStore;

/// How a path ends with respect to the trust stores ([RFC 5280 section 6.1]: a path ends at
/// a trust anchor; a self-issued certificate that is not one ends it untrusted).
///
/// Positions (`at`) count on the path, leaf first; an assembled path says where each of its
/// certificates came from ([`crate::Link::source`]).
///
/// [RFC 5280 section 6.1]: https://www.rfc-editor.org/rfc/rfc5280#section-6.1
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AnchorMatch {
    /// The last certificate's issuer is anchor `anchor` (in [`TrustStore::anchors`]) of
    /// store `store` (in the order the stores were given); the first store holding one wins.
    Anchored {
        /// Position of the store.
        store: usize,
        /// Position of the anchor in that store.
        anchor: usize,
    },
    /// The path is only the leaf, which names itself as issuer, and no store vouches for it.
    SelfSignedLeaf,
    /// The path ends in a self-signed root, at position `at`, that no store holds: a private
    /// or enterprise PKI.
    UntrustedRoot {
        /// Position of the root on the path.
        at: usize,
    },
    /// Nothing available issued the certificate at position `at` (the last on the path).
    MissingIssuer {
        /// Position of the certificate whose issuer is missing.
        at: usize,
    },
    /// Assembly stopped at its depth limit ([`crate::Budget::max_depth`]); [`match_anchor`]
    /// never answers this, since a path given to it has no limit.
    TooDeep,
}

impl AnchorMatch {
    /// Lower is a better explanation: an anchor beats an untrusted root beats a gap.
    pub(crate) fn rank(self) -> u8 {
        match self {
            Self::Anchored { .. } => 0,
            Self::SelfSignedLeaf | Self::UntrustedRoot { .. } => 1,
            Self::MissingIssuer { .. } => 2,
            Self::TooDeep => 3,
        }
    }
}

/// Which anchor ends `path` (leaf first, each certificate issued by the next), or why none
/// does: the last certificate's issuer is looked up by name in `stores`, in order; failing
/// that, a self-signed last certificate is an untrusted root (or a self-signed leaf), and any
/// other has a missing issuer.
///
/// Like assembly, this matches names and key identifiers only and checks no signature: it
/// explains, and [`crate::Verifier::check`] decides.
///
/// # Errors
///
/// [`InputError::Certificate`] when `path` is empty or its last certificate does not parse.
///
/// ```
/// use certdeps::{AnchorMatch, TrustStore, match_anchor};
///
/// // A self-signed certificate no store holds.
/// let leaf = certdeps::decode_certificates(LEAF.as_bytes())?;
/// let stores = [TrustStore::mozilla()];
/// assert_eq!(match_anchor(&leaf, &stores)?, AnchorMatch::SelfSignedLeaf);
///
/// // The same certificate trusted as its own anchor, in the second store.
/// let pinned = TrustStore::from_certificates("pinned", leaf.clone())?;
/// let stores = [TrustStore::mozilla(), pinned];
/// assert_eq!(
///     match_anchor(&leaf, &stores)?,
///     AnchorMatch::Anchored { store: 1, anchor: 0 }
/// );
/// # const LEAF: &str = "-----BEGIN CERTIFICATE-----
/// # MIIBWjCCAQygAwIBAgIBBDAFBgMrZXAwHDEaMBgGA1UEAwwRbWFpbC5jb250b3Nv
/// # LnRlc3QwIBcNMjYxMjA0MTg0MTQ2WhgPMjEyNjExMTAxODQxNDZaMBwxGjAYBgNV
/// # BAMMEW1haWwuY29udG9zby50ZXN0MCowBQYDK2VwAyEAoND+YC17ZFGf0DvIL8QD
/// # sjUB80/tF8P9A4/Fk+4boKejcTBvMB0GA1UdDgQWBBTsQVMMELBffzn+9xfJD8R2
/// # 96foeDAfBgNVHSMEGDAWgBTsQVMMELBffzn+9xfJD8R296foeDAPBgNVHRMBAf8E
/// # BTADAQH/MBwGA1UdEQQVMBOCEW1haWwuY29udG9zby50ZXN0MAUGAytlcANBAPzy
/// # fXVopMpi06aqNVCLdeYgdevyQKX18dw7i7IfTEc83gv5rx2rquDajN1vmEH0k53c
/// # Lkq6nwt85ObrYsaaMgc=
/// # -----END CERTIFICATE-----";
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn match_anchor(
    path: &[CertificateDer<'_>],
    stores: &[TrustStore],
) -> Result<AnchorMatch, InputError> {
    let at = path.len().checked_sub(1).ok_or(InputError::Certificate {
        index: 0,
        offset: 0,
        reason: "the path is empty".to_owned(),
    })?;
    let last = path.get(at).map_or(&[][..], |c| c.as_ref());
    let skim = Skim::new(last).map_err(|e| InputError::certificate(at, &e))?;
    Ok(anchor_for(stores, &skim).unwrap_or_else(|| dead_end(&skim, at)))
}

/// The issuer of `node` in a store, if any: the first store that holds one wins.
pub(crate) fn anchor_for(stores: &[TrustStore], node: &Skim<'_>) -> Option<AnchorMatch> {
    stores.iter().enumerate().find_map(|(store, s)| {
        let anchor = s.anchor_index(node.issuer)?;
        Some(AnchorMatch::Anchored { store, anchor })
    })
}

/// How a path ends at `node`, at position `at`, when nothing (new) issues it: an untrusted
/// root if it looks self-signed, else a gap where its issuer should be.
pub(crate) fn dead_end(node: &Skim<'_>, at: usize) -> AnchorMatch {
    if looks_self_signed(node) {
        untrusted(at)
    } else {
        AnchorMatch::MissingIssuer { at }
    }
}

/// A path ending in a self-signed certificate at position `at` that no store holds.
pub(crate) fn untrusted(at: usize) -> AnchorMatch {
    match at {
        0 => AnchorMatch::SelfSignedLeaf,
        at => AnchorMatch::UntrustedRoot { at },
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

/// Whether `skim` looks self-signed: self-issued ([RFC 5280 section 3.2]), and its key
/// identifiers, when both are present, agree. A self-issued certificate whose
/// authorityKeyIdentifier names another key (a CA key rollover, or a leaf named like its
/// CA) was issued by someone else, who is missing.
///
/// [RFC 5280 section 3.2]: https://www.rfc-editor.org/rfc/rfc5280#section-3.2
pub(crate) fn looks_self_signed(skim: &Skim<'_>) -> bool {
    skim.is_self_issued() && key_ids_fit(skim.authority_key_id(), skim)
}
