//! Findings: what is wrong (or worth knowing) about a chain, with a stable code, the
//! evidence, and who must do what to fix it.

use std::fmt;
use std::sync::{Arc, OnceLock};

use pki_types::UnixTime;

use crate::key::PublicKey;
use crate::name::San;

mod code;

pub use code::Code;

/// The most names (subjectAltNames, name constraints) a finding's words list, and its JSON
/// evidence repeats: a leaf may carry thousands, and its description lists them all.
pub(crate) const LISTED_NAMES: usize = 10;

/// How much a finding matters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "json", derive(serde::Serialize))]
#[cfg_attr(feature = "json", serde(rename_all = "lowercase"))]
#[non_exhaustive]
pub enum Severity {
    /// A strict client refuses the endpoint because of it.
    Error,
    /// Works today, but will break or is fragile.
    Warning,
    /// Harmless, worth knowing.
    Info,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Info => "info",
        })
    }
}

/// Who must act on a finding: the party whose configuration or certificate must change.
///
/// A finding's [`Finding::remediation`] begins with the same party's words
/// ([`Actor::words`]): `server operator: ...`, `client owner: ...`, `issuing CA: ...`. When
/// another party could also act, it is named after, as the second choice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "json", derive(serde::Serialize))]
#[cfg_attr(feature = "json", serde(rename_all = "kebab-case"))]
#[non_exhaustive]
pub enum Actor {
    /// Whoever configures what the server sends: its certificate, key and chain file
    /// ([RFC 8446 section 4.4.2]).
    ///
    /// [RFC 8446 section 4.4.2]: https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2
    ServerOperator,
    /// Whoever configures the client: its trust store, CRLs, clock, and the host it calls.
    ClientOwner,
    /// The certification authority that issued a certificate on the path: a problem only it
    /// can fix, such as a signature that does not verify or constraints it set.
    IssuingCa,
}

impl Actor {
    /// The stable kebab-case identifier, as in the JSON report (`server-operator`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ServerOperator => "server-operator",
            Self::ClientOwner => "client-owner",
            Self::IssuingCa => "issuing-ca",
        }
    }

    /// How a remediation addresses this party; every remediation begins with its actor's
    /// words and a colon.
    pub fn words(self) -> &'static str {
        match self {
            Self::ServerOperator => "server operator",
            Self::ClientOwner => "client owner",
            Self::IssuingCa => "issuing CA",
        }
    }
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One thing the report says about the chain.
///
/// The code, severity, certificate and evidence are computed by the check; the two sentences
/// ([`Finding::message`], [`Finding::remediation`]) are written when first read, because
/// naming certificates means decoding their names, which a caller that only looks at codes
/// never needs.
///
/// ```
/// use certdeps::{Actor, Code};
///
/// // A server that sends its certificate alone.
/// let leaf = include_str!("../tests/data/contoso/leaf.pem");
/// let report = certdeps::check("https://mail.contoso.test/", leaf.as_bytes())?;
/// for finding in report.errors() {
///     println!("{}: {}", finding.code, finding.message());
///     println!("  {} must: {}", finding.actor(), finding.remediation());
/// }
/// let first = &report.findings()[0];
/// assert_eq!(first.certificate, Some(0)); // the presented leaf
/// assert_eq!(first.actor(), Actor::ServerOperator);
/// # Ok::<(), certdeps::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "json", derive(serde::Serialize))]
#[non_exhaustive]
pub struct Finding {
    /// Stable code.
    pub code: Code,
    /// Error, warning or info.
    pub severity: Severity,
    /// Position (0-based) in the presented list of the certificate concerned, if it was
    /// presented.
    pub certificate: Option<usize>,
    /// Who must act ([`Finding::actor`]).
    actor: Actor,
    message: Text,
    remediation: Text,
    /// The structured facts behind the message.
    pub evidence: Evidence,
}

impl Finding {
    pub(crate) fn new(
        code: Code,
        certificate: Option<usize>,
        actor: Actor,
        message: impl Into<Text>,
        remediation: impl Into<Text>,
        evidence: Evidence,
    ) -> Self {
        Self {
            code,
            severity: code.severity(),
            certificate,
            actor,
            message: message.into(),
            remediation: remediation.into(),
            evidence,
        }
    }

    /// One line naming the certificate(s) involved.
    pub fn message(&self) -> &str {
        self.message.as_str()
    }

    /// Who must act on it; [`Finding::remediation`] begins with the same party's words.
    pub fn actor(&self) -> Actor {
        self.actor
    }

    /// Who must do what to fix it: it starts with [`Finding::actor`]'s words
    /// ([`Actor::words`]) and a colon, and names a second party, if any, after.
    pub fn remediation(&self) -> &str {
        self.remediation.as_str()
    }

    /// Turns a finding a stage reported on a trusted chain into a `verifier-disagreement`
    /// warning that keeps the stage's words.
    pub(crate) fn into_disagreement(self) -> Self {
        let (code, message, remediation) = (self.code, self.message, self.remediation);
        let [message, remediation] = Text::lazy_pair(move || {
            [
                format!(
                    "certdeps' own `{code}` check contradicts webpki, which accepts the \
                     chain: {}",
                    message.as_str()
                ),
                format!(
                    "client owner: the verdict stays webpki's; please report this case to \
                     certdeps ({})",
                    remediation.as_str()
                ),
            ]
        });
        Self {
            code: Code::VerifierDisagreement,
            severity: Code::VerifierDisagreement.severity(),
            actor: Actor::ClientOwner,
            message,
            remediation,
            ..self
        }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} [{}]: {}", self.severity, self.code, self.message())?;
        if !self.remediation().is_empty() {
            write!(f, "\n    fix: {}", self.remediation())?;
        }
        Ok(())
    }
}

/// A finding's words: fixed, or rendered once, on first read, from what the check kept.
#[derive(Clone)]
pub(crate) enum Text {
    Fixed(&'static str),
    Owned(String),
    /// Rendered on first read; which of the renderer's texts this is (0, or 1 for the second
    /// of a [`Text::lazy_pair`]).
    Deferred(Arc<dyn Render>, usize),
}

/// Texts rendered on first read and then kept.
pub(crate) trait Render: Send + Sync {
    fn text(&self, part: usize) -> &str;
}

struct Deferred<F> {
    rendered: OnceLock<String>,
    render: F,
}

impl<F: Fn() -> String + Send + Sync> Render for Deferred<F> {
    fn text(&self, _: usize) -> &str {
        self.rendered.get_or_init(&self.render)
    }
}

struct DeferredPair<F> {
    rendered: OnceLock<[String; 2]>,
    render: F,
}

impl<F: Fn() -> [String; 2] + Send + Sync> Render for DeferredPair<F> {
    fn text(&self, part: usize) -> &str {
        let rendered = self.rendered.get_or_init(&self.render);
        rendered.get(part).map_or("", String::as_str)
    }
}

impl Text {
    /// Text that `render` writes when it is first read. `render` must own what it needs.
    pub(crate) fn lazy(render: impl Fn() -> String + Send + Sync + 'static) -> Self {
        Self::Deferred(
            Arc::new(Deferred {
                rendered: OnceLock::new(),
                render,
            }),
            0,
        )
    }

    /// Two texts (a finding's message and remediation) that `render` writes together when
    /// either is first read: they share what they quote, and one allocation, where two
    /// [`Text::lazy`] would make two for every such finding of every failing check.
    pub(crate) fn lazy_pair(render: impl Fn() -> [String; 2] + Send + Sync + 'static) -> [Self; 2] {
        let pair: Arc<dyn Render> = Arc::new(DeferredPair {
            rendered: OnceLock::new(),
            render,
        });
        [
            Self::Deferred(Arc::clone(&pair), 0),
            Self::Deferred(pair, 1),
        ]
    }

    pub(crate) fn as_str(&self) -> &str {
        match self {
            Self::Fixed(text) => text,
            Self::Owned(text) => text,
            Self::Deferred(deferred, part) => deferred.text(*part),
        }
    }
}

impl From<&'static str> for Text {
    fn from(text: &'static str) -> Self {
        Self::Fixed(text)
    }
}

impl From<String> for Text {
    fn from(text: String) -> Self {
        Self::Owned(text)
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Text {}

#[cfg(feature = "json")]
impl serde::Serialize for Text {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// The facts behind a finding, for programs that act on them.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "json", derive(serde::Serialize))]
#[cfg_attr(feature = "json", serde(tag = "kind", rename_all = "kebab-case"))]
#[non_exhaustive]
pub enum Evidence {
    /// Nothing beyond the message.
    None,
    /// The presented certificates concerned (0-based positions).
    Certificates {
        /// Positions in the presented list.
        indices: Vec<usize>,
    },
    /// The leaf's names against the endpoint host.
    Names {
        /// The host the client connects to.
        host: String,
        /// The leaf's subjectAltNames.
        san: Vec<San>,
        /// Only the subject CN would have matched (legacy clients only).
        cn_only: bool,
    },
    /// A validity period against the verification time.
    Validity {
        /// notBefore.
        #[cfg_attr(
            feature = "json",
            serde(serialize_with = "crate::cert::serialize_time")
        )]
        not_before: UnixTime,
        /// notAfter.
        #[cfg_attr(
            feature = "json",
            serde(serialize_with = "crate::cert::serialize_time")
        )]
        not_after: UnixTime,
        /// The verification time.
        #[cfg_attr(
            feature = "json",
            serde(serialize_with = "crate::cert::serialize_time")
        )]
        at: UnixTime,
    },
    /// An issuer nobody presented.
    MissingIssuer {
        /// Its subject name, as the child names it.
        subject: String,
        /// The child's authorityKeyIdentifier, lowercase hex.
        key_id: Option<String>,
        /// Where the child says the issuer can be fetched (AIA caIssuers).
        ca_issuers: Vec<String>,
        /// SHA-256 of the certificates the server must add, from the pool, in order; empty
        /// when the pool could not complete the chain.
        add: Vec<String>,
        /// PEM of exactly those certificates, ready to append to the server's chain file.
        bundle: Option<String>,
    },
    /// A root certificate no store trusts.
    Root {
        /// Its subject.
        subject: String,
        /// SHA-256 fingerprint, lowercase hex: compare before importing.
        sha256: String,
    },
    /// An issuer's name constraints ([RFC 5280 section 4.2.1.10]) that exclude the leaf.
    ///
    /// [RFC 5280 section 4.2.1.10]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.10
    Constraints {
        /// The subject of the certificate carrying the constraints.
        issuer: String,
        /// Its permitted subtrees, as text (`fabrikam.test`, `192.0.2.0/24`, ...).
        permitted: Vec<String>,
        /// Its excluded subtrees.
        excluded: Vec<String>,
        /// The leaf's subjectAltNames.
        san: Vec<San>,
    },
    /// A supplied CRL ([RFC 5280 section 5]).
    ///
    /// [RFC 5280 section 5]: https://www.rfc-editor.org/rfc/rfc5280#section-5
    Crl {
        /// Its position in the list given to the verifier.
        index: usize,
        /// Its issuer name, when it parses.
        issuer: Option<String>,
        /// The serial number it revokes, lowercase hex (for `revoked`).
        serial: Option<String>,
    },
    /// A public key clients refuse.
    Key {
        /// The key.
        key: PublicKey,
    },
    /// webpki's own error text.
    Webpki {
        /// Its `Debug` form.
        error: String,
    },
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[test]
    fn deferred_words_are_written_once_on_first_read_and_shared_by_clones() {
        let calls = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&calls);
        let message = Text::lazy(move || {
            counted.fetch_add(1, Ordering::SeqCst);
            "leaf [0] \"CN=a\" expired".to_owned()
        });
        let finding = Finding::new(
            Code::Expired,
            Some(0),
            Actor::ServerOperator,
            message,
            "fix",
            Evidence::None,
        );
        let copy = finding.clone();
        assert_eq!(
            calls.load(Ordering::SeqCst),
            0,
            "nothing is written before a read"
        );
        assert_eq!(copy.message(), "leaf [0] \"CN=a\" expired");
        assert_eq!(finding.message(), copy.message());
        assert_eq!(finding, copy);
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert_eq!(finding.remediation(), "fix");
    }

    #[test]
    fn a_pair_is_written_once_when_either_is_read_and_each_reads_its_own() {
        let calls = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&calls);
        let [message, remediation] = Text::lazy_pair(move || {
            counted.fetch_add(1, Ordering::SeqCst);
            ["the message".to_owned(), "the fix".to_owned()]
        });
        let finding = Finding::new(
            Code::Expired,
            Some(0),
            Actor::ServerOperator,
            message,
            remediation,
            Evidence::None,
        );
        let copy = finding.clone();
        assert_eq!(
            calls.load(Ordering::SeqCst),
            0,
            "nothing is written before a read"
        );
        assert_eq!(copy.remediation(), "the fix");
        assert_eq!(finding.message(), "the message");
        assert_eq!(finding.remediation(), "the fix");
        assert_eq!(
            calls.load(Ordering::SeqCst),
            1,
            "one rendering serves both, and clones"
        );
    }

    #[test]
    fn a_disagreement_keeps_the_stages_words() {
        let finding = Finding::new(
            Code::Expired,
            Some(0),
            Actor::ServerOperator,
            Text::lazy(|| "it expired".to_owned()),
            String::from("renew it"),
            Evidence::None,
        )
        .into_disagreement();
        assert_eq!(finding.code, Code::VerifierDisagreement);
        assert_eq!(finding.severity, Severity::Warning);
        assert!(
            finding
                .message()
                .contains("`expired` check contradicts webpki")
        );
        assert!(finding.message().ends_with(": it expired"));
        assert!(finding.remediation().ends_with("(renew it)"));
        assert!(
            finding
                .to_string()
                .starts_with("warning [verifier-disagreement]: ")
        );
    }
}
