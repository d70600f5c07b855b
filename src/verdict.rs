//! The verdict: the one module that calls rustls-webpki.
//!
//! Everything webpki-specific stays here, so that the 0.104 change from `verify_for_usage`
//! to a path builder touches one file. Only [`verify`] can produce a trusted [`Verdict`], and
//! only from webpki's `VerifiedPath`: nothing else in the crate has a constructor for it. The
//! supplied CRLs are read with webpki here too ([`RevocationLists`]), once per verifier.

use std::fmt;
use std::sync::{Arc, OnceLock};

use pki_types::{CertificateDer, CertificateRevocationListDer, ServerName, TrustAnchor, UnixTime};
use smallvec::SmallVec;
use webpki::{
    CertRevocationList, EndEntityCert, KeyUsage, OwnedCertRevocationList, RevocationOptionsBuilder,
    UnknownStatusPolicy,
};

use crate::cert::Skim;
use crate::finding::Code;
use crate::key::PublicKey;

#[cfg(feature = "aws-lc-rs")]
use webpki::aws_lc_rs as provider;
#[cfg(all(feature = "ring", not(feature = "aws-lc-rs")))]
use webpki::ring as provider;

/// The certificate signature algorithms rustls' default `WebPkiSupportedAlgorithms` accepts,
/// the same set for either provider so the verdict does not depend on the feature: ECDSA
/// P-256/P-384 with SHA-256/384, Ed25519, RSA PKCS#1 and PSS with 2048-8192 bit keys.
#[cfg(any(feature = "ring", feature = "aws-lc-rs"))]
static ALGS: &[&dyn pki_types::SignatureVerificationAlgorithm] = &[
    provider::ECDSA_P256_SHA256,
    provider::ECDSA_P256_SHA384,
    provider::ECDSA_P384_SHA256,
    provider::ECDSA_P384_SHA384,
    provider::ED25519,
    provider::RSA_PKCS1_2048_8192_SHA256,
    provider::RSA_PKCS1_2048_8192_SHA384,
    provider::RSA_PKCS1_2048_8192_SHA512,
    provider::RSA_PSS_2048_8192_SHA256_LEGACY_KEY,
    provider::RSA_PSS_2048_8192_SHA384_LEGACY_KEY,
    provider::RSA_PSS_2048_8192_SHA512_LEGACY_KEY,
];

#[cfg(not(any(feature = "ring", feature = "aws-lc-rs")))]
compile_error!("certdeps needs a crypto provider: enable the `aws-lc-rs` or `ring` feature");

/// What a strict client concluded about exactly what the server presented.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    outcome: Outcome,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Outcome {
    Trusted(TrustedPath),
    Untrusted(Rejection),
}

/// The path webpki verified. No public constructor: only [`verify`] makes one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TrustedPath {
    /// Positions in the presented list of the intermediates webpki used, leaf-side first (in
    /// place: webpki allows at most six, and a healthy check should not allocate for them).
    pub(crate) intermediates: SmallVec<[usize; 4]>,
    /// Position of the anchor in the flat anchor list passed to [`verify`].
    pub(crate) anchor: usize,
}

/// Why the strict client refused, as webpki said it, translated into a finding code.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Rejection {
    /// The finding code for webpki's error.
    pub code: Code,
    cause: Cause,
    /// `cause` written out, on first read.
    words: OnceLock<String>,
    /// The leaf passed webpki but its key cannot sign a handshake (see [`PublicKey`]).
    pub leaf_key: Option<PublicKey>,
    /// webpki's own answer on the leaf's names, when it gave one before refusing (`None`:
    /// it refused before judging them, so diagnosis asks [`names_host`] or its own reader).
    pub(crate) host_matches: Option<bool>,
}

/// What refused, kept typed so that the diagnosis matches on it rather than on its words:
/// webpki's error, or a refusal certdeps makes around webpki.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Cause {
    /// webpki refused the chain or its names.
    Webpki(webpki::Error),
    /// The list is over [`MAX_PRESENTED_BYTES`], so webpki was not run.
    Oversized(Oversized),
    /// webpki cannot read a supplied CRL; the certificates may be fine.
    UnreadableCrl(webpki::Error),
    /// webpki accepted the chain, but the leaf's key cannot sign a handshake
    /// ([`PublicKey::handshake_capable`]).
    LeafKeyRefused,
}

/// A presented list no strict client receives: `count` certificates taking `bytes` bytes in
/// a TLS Certificate message. Displays as the reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Oversized {
    count: usize,
    bytes: usize,
}

impl fmt::Display for Oversized {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the {} presented certificates take {} bytes in a TLS Certificate message, over \
             the {MAX_PRESENTED_BYTES} a strict client (rustls) accepts",
            self.count, self.bytes
        )
    }
}

/// The words [`Rejection::webpki`] gives: webpki's `Debug` text (with a count for the names
/// it lists), or certdeps' own.
impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // webpki's context repeats every name of the leaf, thousands on a hostile one;
            // the leaf's description already lists them, so say how many.
            Self::Webpki(webpki::Error::CertNotValidForName(context)) => write!(
                f,
                "CertNotValidForName {{ expected: {:?}, presented: {} names }}",
                context.expected,
                context.presented.len()
            ),
            Self::Webpki(error) => write!(f, "{error:?}"),
            Self::Oversized(list) => write!(f, "not run: {list}"),
            Self::UnreadableCrl(error) => write!(f, "{error:?} (reading a supplied CRL)"),
            Self::LeafKeyRefused => {
                f.write_str("accepted by webpki; leaf key refused at the handshake")
            }
        }
    }
}

impl Rejection {
    pub(crate) fn new(code: Code, cause: Cause) -> Self {
        Self {
            code,
            cause,
            words: OnceLock::new(),
            leaf_key: None,
            host_matches: None,
        }
    }

    /// webpki's error as its `Debug` text (the authority's own words), or certdeps' words
    /// for a refusal it made around webpki (an oversized list, an unreadable CRL, a leaf key
    /// no handshake can use). For `CertNotValidForName` it gives the expected name and how
    /// many names the leaf presented, not the names: those are in the leaf's description,
    /// and a hostile leaf carries thousands.
    pub fn webpki(&self) -> &str {
        self.words.get_or_init(|| self.cause.to_string())
    }

    /// The name of what refused, for a program to match on where [`Rejection::webpki`] is
    /// for people: webpki's error variant (`UnknownIssuer`, `CertExpired`,
    /// `CertNotValidForName`, ...), or certdeps' own cause for a refusal it made around
    /// webpki: `Oversized` (a list no strict client receives), `UnreadableCrl` (a supplied
    /// CRL webpki cannot read) or `LeafKeyRefused` (a leaf key no handshake can use).
    pub fn error(&self) -> &str {
        match &self.cause {
            // webpki's `Debug` text starts with the variant's name.
            Cause::Webpki(_) => self
                .webpki()
                .split(|c: char| !c.is_ascii_alphanumeric())
                .next()
                .unwrap_or_default(),
            Cause::Oversized(_) => "Oversized",
            Cause::UnreadableCrl(_) => "UnreadableCrl",
            Cause::LeafKeyRefused => "LeafKeyRefused",
        }
    }

    /// For webpki's `CertNotValidForName`: the name the client expected (a DNS name or an IP
    /// address) and how many names the leaf presented ([RFC 6125 section 6.4]); `None` for
    /// any other refusal.
    ///
    /// [RFC 6125 section 6.4]: https://www.rfc-editor.org/rfc/rfc6125#section-6.4
    pub fn name_mismatch(&self) -> Option<(String, usize)> {
        match &self.cause {
            Cause::Webpki(webpki::Error::CertNotValidForName(context)) => Some((
                context.expected.to_str().into_owned(),
                context.presented.len(),
            )),
            _ => None,
        }
    }

    /// What refused, for the diagnosis to match on.
    pub(crate) fn cause(&self) -> &Cause {
        &self.cause
    }

    /// Whether the refusal is a limit on work rather than a fault in the chain: webpki's
    /// budgets on path-building calls and signature checks (after CVE-2018-16875), its
    /// depth limit, or a list too large to run it on. Running webpki again on a list that
    /// holds this one would only spend the same budget again.
    pub(crate) fn exhausted_budget(&self) -> bool {
        matches!(
            self.cause,
            Cause::Oversized(_)
                | Cause::Webpki(
                    webpki::Error::MaximumPathBuildCallsExceeded
                        | webpki::Error::MaximumSignatureChecksExceeded
                        | webpki::Error::MaximumPathDepthExceeded
                )
        )
    }
}

impl PartialEq for Rejection {
    fn eq(&self, other: &Self) -> bool {
        (self.code, &self.cause, &self.leaf_key, self.host_matches)
            == (
                other.code,
                &other.cause,
                &other.leaf_key,
                other.host_matches,
            )
    }
}

impl Eq for Rejection {}

impl Verdict {
    /// Whether a strict client holding only the presented certificates and the configured
    /// trust stores accepts the server.
    pub fn is_trusted(&self) -> bool {
        matches!(self.outcome, Outcome::Trusted(_))
    }

    /// Why the client refused, when it did.
    pub fn rejection(&self) -> Option<&Rejection> {
        match &self.outcome {
            Outcome::Trusted(_) => None,
            Outcome::Untrusted(rejection) => Some(rejection),
        }
    }

    pub(crate) fn trusted_path(&self) -> Option<&TrustedPath> {
        match &self.outcome {
            Outcome::Trusted(path) => Some(path),
            Outcome::Untrusted(_) => None,
        }
    }

    /// This trusted verdict as webpki gives it with one store's anchors alone, when that store
    /// holds the anchor that ends the path, at position `anchor` in its own list: the path
    /// webpki found is still there, and its search with fewer anchors only drops branches
    /// that failed (so no budget runs out sooner). `None` for a refusal.
    pub(crate) fn with_anchor_at(&self, anchor: usize) -> Option<Self> {
        let path = self.trusted_path()?;
        Some(Self {
            outcome: Outcome::Trusted(TrustedPath {
                intermediates: path.intermediates.clone(),
                anchor,
            }),
        })
    }

    fn rejected(error: webpki::Error) -> Self {
        Self::refused(Rejection::new(code_for(&error), Cause::Webpki(error)))
    }

    fn refused(rejection: Rejection) -> Self {
        Self {
            outcome: Outcome::Untrusted(rejection),
        }
    }
}

/// Runs rustls-webpki as a TLS client does: `presented[0]` is the leaf, the rest are
/// intermediates in any order, server-auth EKU ([RFC 5280 section 4.2.1.12]), the host from
/// the endpoint, and the supplied CRLs (unknown status allowed, as rustls does by default).
///
/// One addition a client makes at the handshake: the leaf key must be one rustls can verify a
/// handshake signature with ([`PublicKey::handshake_capable`]). And one bound: a list over
/// [`MAX_PRESENTED_BYTES`] (which no strict client receives)
/// is refused with [`Code::BudgetExceeded`] without running webpki.
///
/// [RFC 5280 section 4.2.1.12]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.12
pub(crate) fn verify(
    presented: &[CertificateDer<'_>],
    anchors: &[TrustAnchor<'_>],
    server_name: Option<&ServerName<'_>>,
    crls: &[CertificateRevocationListDer<'_>],
    now: UnixTime,
) -> Verdict {
    judge(
        presented,
        anchors,
        server_name,
        &RevocationLists::read(crls),
        now,
    )
}

/// [`verify`] with the CRLs already read, as a verifier holds them.
pub(crate) fn judge(
    presented: &[CertificateDer<'_>],
    anchors: &[TrustAnchor<'_>],
    server_name: Option<&ServerName<'_>>,
    crls: &RevocationLists,
    now: UnixTime,
) -> Verdict {
    let Some((leaf_der, intermediates)) = presented.split_first() else {
        return Verdict::rejected(webpki::Error::BadDer);
    };
    if let Some(list) = oversized(presented) {
        return Verdict::refused(Rejection::new(Code::BudgetExceeded, Cause::Oversized(list)));
    }
    let leaf = match EndEntityCert::try_from(leaf_der) {
        Ok(leaf) => leaf,
        Err(e) => return Verdict::rejected(e),
    };
    if let Some(e) = &crls.unreadable {
        return Verdict::refused(Rejection::new(
            Code::CrlUnusable,
            Cause::UnreadableCrl(e.clone()),
        ));
    }
    let crl_refs: Vec<&CertRevocationList<'_>> = crls.lists.iter().collect();
    let revocation = RevocationOptionsBuilder::new(&crl_refs)
        .ok()
        .map(|b| b.with_status_policy(UnknownStatusPolicy::Allow).build());
    let path = match leaf.verify_for_usage(
        ALGS,
        anchors,
        intermediates,
        now,
        KeyUsage::server_auth(),
        revocation,
        None,
    ) {
        Ok(path) => path,
        Err(e) => return Verdict::rejected(e),
    };
    if let Some(name) = server_name {
        if let Err(e) = leaf.verify_is_valid_for_subject_name(name) {
            return Verdict::rejected(e);
        }
    }
    let key = match Skim::new(leaf_der.as_ref()) {
        Ok(skim) => PublicKey::from_spki(skim.spki),
        Err(_) => return Verdict::rejected(webpki::Error::BadDer),
    };
    if !key.handshake_capable() {
        return Verdict::refused(Rejection {
            leaf_key: Some(key),
            host_matches: Some(true),
            ..Rejection::new(Code::UnsupportedAlgorithm, Cause::LeafKeyRefused)
        });
    }
    let intermediates_used = path
        .intermediate_certificates()
        .filter_map(|cert| {
            let der = cert.der();
            intermediates
                .iter()
                .position(|p| p.as_ref() == der.as_ref())
                .map(|i| i + 1)
        })
        .collect();
    // webpki returns a reference into `anchors`, so the position is always found; 0 would
    // only mislabel which anchor, never change the verdict.
    let anchor = anchors
        .iter()
        .position(|a| std::ptr::eq(a, path.anchor()))
        .unwrap_or(0);
    Verdict {
        outcome: Outcome::Trusted(TrustedPath {
            intermediates: intermediates_used,
            anchor,
        }),
    }
}

/// The supplied CRLs as webpki reads them ([RFC 5280 section 5]): read once, when a
/// verifier is built, and used by every check.
///
/// [RFC 5280 section 5]: https://www.rfc-editor.org/rfc/rfc5280#section-5
#[derive(Clone, Debug, Default)]
pub(crate) struct RevocationLists {
    /// Shared, so that cloning a verifier does not copy them.
    lists: Arc<[CertRevocationList<'static>]>,
    /// webpki's error for the first CRL it cannot read. A check is then refused with it
    /// (`crl-unusable`) rather than run without that CRL, so it is kept to say so then.
    unreadable: Option<webpki::Error>,
}

impl RevocationLists {
    /// Reads `crls`, in order, up to the first webpki cannot read.
    pub(crate) fn read(crls: &[CertificateRevocationListDer<'_>]) -> Self {
        let read: Result<Vec<CertRevocationList<'static>>, webpki::Error> = crls
            .iter()
            .map(|crl| OwnedCertRevocationList::from_der(crl.as_ref()).map(Into::into))
            .collect();
        match read {
            Ok(lists) => Self {
                lists: lists.into(),
                unreadable: None,
            },
            Err(e) => Self {
                lists: Arc::from([]),
                unreadable: Some(e),
            },
        }
    }
}

/// Whether webpki finds `leaf` valid for `server_name`
/// (`EndEntityCert::verify_is_valid_for_subject_name`), on its own, whatever the chain: for
/// a diagnosis that needs the answer when webpki refused the chain before judging the names.
/// `false` when the leaf does not parse.
pub(crate) fn names_host(leaf: &CertificateDer<'_>, server_name: &ServerName<'_>) -> bool {
    EndEntityCert::try_from(leaf)
        .is_ok_and(|leaf| leaf.verify_is_valid_for_subject_name(server_name).is_ok())
}

/// The largest presented list, in bytes of its TLS encoding, that a strict client receives:
/// rustls refuses any handshake message over 0xffff bytes (its `MAX_HANDSHAKE_SIZE`), and the
/// TLS 1.2 Certificate message is a 3-byte list length then each certificate with a 3-byte
/// length ([RFC 5246 section 7.4.2]; TLS 1.3 adds per-entry extensions, so is larger still).
///
///
/// Public so that a caller that receives certificates from elsewhere (a capture, a fuzzer, a
/// test) can tell a list no client would accept from one certdeps refused for a certificate
/// problem: such a list is reported with `budget-exceeded` and webpki is not run.
///
/// [RFC 5246 section 7.4.2]: https://www.rfc-editor.org/rfc/rfc5246#section-7.4.2
pub const MAX_PRESENTED_BYTES: usize = 0xffff;

/// A presented list over [`MAX_PRESENTED_BYTES`], refused without running webpki: a rustls
/// client never receives it, so refusing it is the strict client's answer, and it bounds the
/// work webpki is given. There is deliberately no cap on the *number* of certificates below
/// that size: webpki's own budget bounds path building, and a count cap would refuse chains
/// webpki and rustls accept (BetterTLS pathbuilding presents 36).
fn oversized(presented: &[CertificateDer<'_>]) -> Option<Oversized> {
    let bytes = presented
        .iter()
        .fold(3usize, |sum, cert| sum.saturating_add(3 + cert.len()));
    (bytes > MAX_PRESENTED_BYTES).then_some(Oversized {
        count: presented.len(),
        bytes,
    })
}

/// Translates webpki's error into a finding code.
///
/// Exhaustive over the 0.103 variants; webpki's enum is `#[non_exhaustive]`, so a variant
/// added later falls to [`Code::Rejected`], which keeps the original text and is an error:
/// it can never turn a rejection into trust.
// The deprecated unit variants are still returned by some 0.103 code paths.
#[allow(deprecated)]
pub(crate) fn code_for(error: &webpki::Error) -> Code {
    use webpki::Error as E;
    match error {
        E::CertExpired { .. } => Code::Expired,
        E::CertNotValidYet { .. } => Code::NotYetValid,
        E::CertNotValidForName(_) | E::UnsupportedNameType => Code::NameMismatch,
        E::UnknownIssuer => Code::IncompleteChain,
        E::CertDistrusted => Code::UntrustedRoot,
        E::RequiredEkuNotFound | E::RequiredEkuNotFoundContext(_) | E::EmptyEkuExtension => {
            Code::WrongPurpose
        }
        E::CaUsedAsEndEntity => Code::CaUsedAsLeaf,
        E::EndEntityUsedAsCa => Code::NotACa,
        E::PathLenConstraintViolated => Code::PathLength,
        E::NameConstraintViolation
        | E::MalformedNameConstraint
        | E::InvalidNetworkMaskConstraint
        | E::MaximumNameConstraintComparisonsExceeded => Code::NameConstraints,
        E::InvalidSignatureForPublicKey => Code::BadSignature,
        E::UnsupportedSignatureAlgorithm
        | E::UnsupportedSignatureAlgorithmContext(_)
        | E::UnsupportedSignatureAlgorithmForPublicKey
        | E::UnsupportedSignatureAlgorithmForPublicKeyContext(_)
        | E::SignatureAlgorithmMismatch => Code::UnsupportedAlgorithm,
        E::CertRevoked => Code::Revoked,
        E::UnknownRevocationStatus => Code::RevocationUnknown,
        E::CrlExpired { .. }
        | E::InvalidCrlNumber
        | E::InvalidCrlSignatureForPublicKey
        | E::IssuerNotCrlSigner
        | E::UnsupportedCrlIssuingDistributionPoint
        | E::UnsupportedCrlVersion
        | E::UnsupportedDeltaCrl
        | E::UnsupportedIndirectCrl
        | E::UnsupportedRevocationReason
        | E::UnsupportedRevocationReasonsPartitioning
        | E::UnsupportedCrlSignatureAlgorithm
        | E::UnsupportedCrlSignatureAlgorithmContext(_)
        | E::UnsupportedCrlSignatureAlgorithmForPublicKey
        | E::UnsupportedCrlSignatureAlgorithmForPublicKeyContext(_) => Code::CrlUnusable,
        E::BadDer
        | E::BadDerTime
        | E::ExtensionValueInvalid
        | E::InvalidCertValidity
        | E::InvalidSerialNumber
        | E::MalformedDnsIdentifier
        | E::MalformedExtensions
        | E::TrailingData(_)
        | E::UnsupportedCertVersion
        | E::UnsupportedCriticalExtension => Code::MalformedCertificate,
        E::MaximumPathBuildCallsExceeded
        | E::MaximumPathDepthExceeded
        | E::MaximumSignatureChecksExceeded => Code::BudgetExceeded,
        // A variant added after 0.103.17: keep webpki's words, stay untrusted.
        _ => Code::Rejected,
    }
}
