//! Anchor matching: which anchor ends an assembled path, or why none does.

use crate::chain::{End, Path, Source};

/// How an assembled path relates to the trust stores.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AnchorMatch {
    /// The path ends at anchor `anchor` of store `store`.
    Anchored { store: usize, anchor: usize },
    /// The leaf names itself as issuer and nothing vouches for it.
    SelfSignedLeaf,
    /// The path ends in a self-issued root (at `source`) that no store holds: a private or
    /// enterprise PKI.
    UntrustedRoot { source: Source },
    /// Nothing available issued the certificate at `source`.
    MissingIssuer { source: Source },
    /// Assembly stopped at its depth limit.
    TooDeep,
}

/// Classifies the end of `path` ([RFC 5280 section 6.1]: a path ends at a trust anchor; a
/// self-issued certificate that is not one ends it untrusted).
///
/// [RFC 5280 section 6.1]: https://www.rfc-editor.org/rfc/rfc5280#section-6.1
pub(crate) fn classify(path: &Path<'_>) -> AnchorMatch {
    let last = path
        .links
        .last()
        .map(|l| l.source)
        .unwrap_or(Source::Presented(0));
    match path.end {
        End::Anchor { store, anchor } => AnchorMatch::Anchored { store, anchor },
        End::SelfIssued if path.links.len() == 1 => AnchorMatch::SelfSignedLeaf,
        End::SelfIssued => AnchorMatch::UntrustedRoot { source: last },
        End::MissingIssuer => AnchorMatch::MissingIssuer { source: last },
        End::TooDeep => AnchorMatch::TooDeep,
    }
}
