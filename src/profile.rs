//! How kinds of TLS client differ, so that a report can say "passes in Chrome, fails in our
//! service" and why: which fill in a missing intermediate (AIA fetching, preloading), which
//! signatures and key sizes they refuse, and whether they read a host name from the subject
//! CN.
//!
//! A [`Profile`] models a client's *default* settings as its documentation states them; a
//! client configured otherwise (a custom trust store, AIA turned on in Java, a raised
//! OpenSSL security level) may differ. Every profile is judged against the verifier's own
//! trust stores, not the store the client ships with, and from facts the check established
//! ([`Facts`]), never from a finding's words. Pure: no clock, no network.

use std::fmt;

use crate::finding::Code;

/// The trust store a kind of client uses unless configured otherwise.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DefaultStore {
    /// The Mozilla root program, as the `webpki-roots` crate embeds it.
    WebpkiRoots,
    /// The operating system's store (a PEM bundle on Linux).
    System,
    /// The JDK's `cacerts`.
    JavaCacerts,
    /// The Windows certificate store (its Trusted Root Certification Authorities).
    Windows,
    /// The Chrome Root Store.
    ChromeRootStore,
    /// NSS's built-in roots (the Mozilla root program).
    Nss,
}

/// Which certificate signatures made with SHA-1 a client refuses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Sha1Policy {
    /// Refused everywhere.
    Refused,
    /// Refused on chains to a publicly trusted root, accepted on private ones.
    RefusedForPublicRoots,
}

/// How one kind of TLS client checks a server's chain, by default.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Profile {
    /// Its id in reports (`rustls`, `dotnet-no-downloads`, ...).
    pub id: &'static str,
    /// Whether it fetches a missing issuer from the AIA caIssuers URL ([RFC 5280 section
    /// 4.2.2.1]).
    ///
    /// [RFC 5280 section 4.2.2.1]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.2.1
    pub fetches_aia: bool,
    /// Whether it ships the public intermediates (the CCADB's) and completes chains with
    /// them.
    pub preloads_intermediates: bool,
    /// The trust store it uses by default.
    pub trust_store: DefaultStore,
    /// Which SHA-1 certificate signatures it refuses.
    pub sha1: Sha1Policy,
    /// The smallest RSA key it accepts on the path, in bits.
    pub min_rsa_bits: usize,
    /// Whether it matches the host against the subject CN when the leaf has no DNS
    /// subjectAltName (the pre-[RFC 6125] rule that [RFC 9525] section 6.3 drops).
    ///
    /// [RFC 6125]: https://www.rfc-editor.org/rfc/rfc6125
    /// [RFC 9525]: https://www.rfc-editor.org/rfc/rfc9525#section-6.3
    pub cn_fallback: bool,
}

impl Profile {
    /// rustls with the `webpki-roots` store: rustls-webpki builds a path only from what
    /// the server sends and the configured anchors, refuses SHA-1 signatures and RSA keys
    /// under 2048 bits (its supported algorithms), and matches names against
    /// subjectAltName only (`EndEntityCert::verify_is_valid_for_subject_name`). The verdict
    /// certdeps reports is this client's. <https://docs.rs/rustls-webpki>
    pub const RUSTLS: Self = Self {
        id: "rustls",
        fetches_aia: false,
        preloads_intermediates: false,
        trust_store: DefaultStore::WebpkiRoots,
        sha1: Sha1Policy::Refused,
        min_rsa_bits: 2048,
        cn_fallback: false,
    };

    /// OpenSSL 3 (`X509_verify_cert`), and so curl, Python's `ssl`, Ruby and PHP: no AIA
    /// fetching; the default security level 1 refuses SHA-1 certificate signatures (63
    /// bits of security since OpenSSL 3.0) and RSA under 1024 bits
    /// (`SSL_CTX_set_security_level(3)`); `X509_check_host(3)` reads the subject CN when
    /// there is no DNS subjectAltName, unless told `X509_CHECK_FLAG_NEVER_CHECK_SUBJECT`.
    /// <https://docs.openssl.org/3.0/man3/SSL_CTX_set_security_level/>
    pub const OPENSSL: Self = Self {
        id: "openssl",
        fetches_aia: false,
        preloads_intermediates: false,
        trust_store: DefaultStore::System,
        sha1: Sha1Policy::Refused,
        min_rsa_bits: 1024,
        cn_fallback: true,
    };

    /// Go's `crypto/x509` on Linux: `Certificate.Verify` does not fetch missing
    /// intermediates, refuses SHA-1 signatures (Go 1.18) and RSA keys under 1024 bits
    /// (Go 1.24), and ignores the subject CN (Go 1.15). On Windows and macOS Go asks the
    /// platform verifier, which may fetch. <https://pkg.go.dev/crypto/x509>
    pub const GO: Self = Self {
        id: "go",
        fetches_aia: false,
        preloads_intermediates: false,
        trust_store: DefaultStore::System,
        sha1: Sha1Policy::Refused,
        min_rsa_bits: 1024,
        cn_fallback: false,
    };

    /// Java's PKIX validator with default settings: `com.sun.security.enableAIAcaIssuers`
    /// is false, so no AIA fetching; `jdk.certpath.disabledAlgorithms` refuses
    /// `SHA1 jdkCA & usage TLSServer` (SHA-1 on chains to a JDK root) and
    /// `RSA keySize < 1024`; HTTPS endpoint identification reads the CN when there is no
    /// DNS subjectAltName. <https://docs.oracle.com/en/java/javase/21/security/java-pki-programmers-guide.html>
    pub const JAVA: Self = Self {
        id: "java",
        fetches_aia: false,
        preloads_intermediates: false,
        trust_store: DefaultStore::JavaCacerts,
        sha1: Sha1Policy::RefusedForPublicRoots,
        min_rsa_bits: 1024,
        cn_fallback: true,
    };

    /// .NET on Windows (`X509Chain` over CryptoAPI): certificate downloads are on
    /// (`X509ChainPolicy.DisableCertificateDownloads` is false), so a missing issuer is
    /// fetched from its AIA URL; Windows refuses SHA-1 for TLS server chains to roots of
    /// its public program and RSA under 1024 bits; the SSL policy reads the CN when there
    /// is no DNS subjectAltName.
    /// <https://learn.microsoft.com/dotnet/api/system.security.cryptography.x509certificates.x509chainpolicy.disablecertificatedownloads>
    pub const DOTNET: Self = Self {
        id: "dotnet",
        fetches_aia: true,
        preloads_intermediates: false,
        trust_store: DefaultStore::Windows,
        sha1: Sha1Policy::RefusedForPublicRoots,
        min_rsa_bits: 1024,
        cn_fallback: true,
    };

    /// [`Profile::DOTNET`] with `X509ChainPolicy.DisableCertificateDownloads` set, or in a
    /// sandbox that blocks outbound calls (a locked-down container, an app service without
    /// egress): nothing is fetched, so it fails where a strict client fails.
    pub const DOTNET_NO_DOWNLOADS: Self = Self {
        id: "dotnet-no-downloads",
        fetches_aia: false,
        ..Self::DOTNET
    };

    /// Chrome (the Chrome Certificate Verifier and Chrome Root Store): fetches missing
    /// intermediates from AIA, refuses SHA-1 signatures (Chrome 57) and ignores the
    /// subject CN (Chrome 58). Certificate Transparency, which Chrome also requires of
    /// public certificates, is not modelled.
    /// <https://chromium.googlesource.com/chromium/src/+/main/net/docs/certificate-transparency.md>
    pub const CHROME: Self = Self {
        id: "chrome",
        fetches_aia: true,
        preloads_intermediates: false,
        trust_store: DefaultStore::ChromeRootStore,
        sha1: Sha1Policy::Refused,
        min_rsa_bits: 1024,
        cn_fallback: false,
    };

    /// Firefox (NSS and mozilla::pkix): does not fetch AIA; instead it preloads every
    /// intermediate disclosed to the CCADB under a Mozilla root (since Firefox 75), so a
    /// missing *public* intermediate is found and a private one is not. Refuses SHA-1
    /// signatures and ignores the subject CN.
    /// <https://blog.mozilla.org/security/2020/11/13/preloading-intermediate-ca-certificates-into-firefox/>
    pub const FIREFOX: Self = Self {
        id: "firefox",
        fetches_aia: false,
        preloads_intermediates: true,
        trust_store: DefaultStore::Nss,
        sha1: Sha1Policy::Refused,
        min_rsa_bits: 1024,
        cn_fallback: false,
    };

    /// Every built-in profile, in report order: the strict clients first.
    pub const ALL: [Self; 8] = [
        Self::RUSTLS,
        Self::OPENSSL,
        Self::GO,
        Self::JAVA,
        Self::DOTNET,
        Self::DOTNET_NO_DOWNLOADS,
        Self::CHROME,
        Self::FIREFOX,
    ];

    /// This client's outcome on the facts a check established.
    pub(crate) fn judge(&self, facts: &Facts) -> ProfileOutcome {
        let (outcome, reason) = match self.decide(facts) {
            Ok(notes) if notes.is_empty() => (
                Acceptance::Passes,
                "the server sends a complete chain to a trusted root".to_owned(),
            ),
            Ok(notes) => (Acceptance::Passes, notes.join("; ")),
            Err(refusal) => refusal,
        };
        ProfileOutcome {
            client: self.id,
            outcome,
            reason,
        }
    }

    /// What lets it pass where a strict client may not, or why it does not pass.
    fn decide(&self, facts: &Facts) -> Result<Vec<String>, (Acceptance, String)> {
        let fails = |reason: String| Err((Acceptance::Fails, reason));
        if let Some(root) = &facts.untrusted_root {
            return fails(format!("the root \"{root}\" is in no trust store it uses"));
        }
        if let Some(code) = facts.shared {
            return fails(format!("{code}, which every kind of client refuses"));
        }
        let mut notes = Vec::new();
        if let Some(subject) = &facts.sha1 {
            let refused = match self.sha1 {
                Sha1Policy::Refused => true,
                Sha1Policy::RefusedForPublicRoots => facts.public_anchor,
            };
            match refused {
                true => return fails(format!("refuses the SHA-1 signature on \"{subject}\"")),
                false => notes.push(format!(
                    "accepts the SHA-1 signature on \"{subject}\" under a private root"
                )),
            }
        }
        if let Some((subject, bits)) = &facts.smallest_rsa {
            if *bits < self.min_rsa_bits {
                return fails(format!("refuses the {bits}-bit RSA key of \"{subject}\""));
            }
            if *bits < Self::RUSTLS.min_rsa_bits {
                notes.push(format!("accepts the {bits}-bit RSA key of \"{subject}\""));
            }
        }
        match &facts.name {
            Some(Names::CnOnly(host)) if self.cn_fallback => {
                notes.push(format!("falls back to the subject CN \"{host}\""));
            }
            Some(Names::CnOnly(host)) => {
                return fails(format!(
                    "the leaf names \"{host}\" only in its subject CN, and it reads DNS \
                     subjectAltNames only"
                ));
            }
            Some(Names::Mismatch) => return fails("the leaf does not name the host".to_owned()),
            None => {}
        }
        if let Some(missing) = &facts.missing {
            notes.push(self.fill_in(missing, facts.public_anchor)?);
        }
        Ok(notes)
    }

    /// How it comes by a missing issuer, or why it does not.
    fn fill_in(&self, missing: &Missing, public: bool) -> Result<String, (Acceptance, String)> {
        let issuer = &missing.issuer;
        if let Some(found) = &missing.completed {
            if let (true, Some(url)) = (self.fetches_aia, &found.fetched_from) {
                return Ok(format!("fetches \"{}\" from {url}", found.subject));
            }
            if self.preloads_intermediates && public {
                return Ok(format!(
                    "preloads \"{}\", a publicly disclosed intermediate",
                    found.subject
                ));
            }
        }
        if self.fetches_aia {
            if let Some(failure) = &missing.aia_failure {
                return Err((
                    Acceptance::Fails,
                    format!("the server omits \"{issuer}\", and fetching it fails ({failure})"),
                ));
            }
            if let (false, Some(url)) = (missing.aia_tried, missing.urls.first()) {
                return Err((
                    Acceptance::Unknown,
                    format!(
                        "would fetch \"{issuer}\" from {url}; not checked, AIA fetching was off"
                    ),
                ));
            }
        }
        if self.preloads_intermediates && missing.completed.is_none() {
            return Err((
                Acceptance::Unknown,
                format!(
                    "the server omits \"{issuer}\": passes only if it is a publicly disclosed \
                     intermediate, which it preloads"
                ),
            ));
        }
        Err((Acceptance::Fails, format!("the server omits \"{issuer}\"")))
    }
}

/// Whether a kind of client trusts the endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Acceptance {
    /// It trusts it.
    Passes,
    /// It does not.
    Fails,
    /// It depends on what the check could not see (AIA was off; whether an intermediate
    /// is publicly disclosed).
    Unknown,
}

impl fmt::Display for Acceptance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Passes => "passes",
            Self::Fails => "fails",
            Self::Unknown => "unknown",
        })
    }
}

/// One kind of client's outcome, with its reason: `dotnet: passes: fetches "CN=..." from
/// http://...`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProfileOutcome {
    /// The profile's id ([`Profile::id`]).
    pub client: &'static str,
    /// Whether it passes.
    pub outcome: Acceptance,
    /// Why, in a few words.
    pub reason: String,
}

impl ProfileOutcome {
    /// Whether this kind of client trusts the endpoint (`false` when unknown).
    pub fn trusted(&self) -> bool {
        self.outcome == Acceptance::Passes
    }
}

impl fmt::Display for ProfileOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.client, self.outcome, self.reason)
    }
}

/// What a check established that kinds of client weigh differently. Made by the report
/// from its verdict, path, findings' evidence and certificates.
#[derive(Clone, Debug, Default)]
pub(crate) struct Facts {
    /// A refusal no kind of client overlooks (expired, revoked, a bad signature, ...).
    pub(crate) shared: Option<Code>,
    /// The subject of a root that ends the path and no store holds.
    pub(crate) untrusted_root: Option<String>,
    /// The issuer the server left out, and how it was found.
    pub(crate) missing: Option<Missing>,
    /// A certificate on the path (the anchor aside) signed with SHA-1.
    pub(crate) sha1: Option<String>,
    /// The smallest RSA key on the path (the anchor aside), with its subject.
    pub(crate) smallest_rsa: Option<(String, usize)>,
    /// How the leaf names the host, when a strict client refuses it.
    pub(crate) name: Option<Names>,
    /// Whether the path ends (or, completed, would end) in a Mozilla-program root.
    pub(crate) public_anchor: bool,
}

/// A name problem, as clients differ on it.
#[derive(Clone, Debug)]
pub(crate) enum Names {
    /// No DNS subjectAltName names the host; the subject CN does.
    CnOnly(String),
    /// Nothing names it.
    Mismatch,
}

/// The issuer the server left out.
#[derive(Clone, Debug)]
pub(crate) struct Missing {
    pub(crate) issuer: String,
    /// The child's caIssuers URLs.
    pub(crate) urls: Vec<String>,
    /// The first certificate that completed the path (from the pool or by AIA).
    pub(crate) completed: Option<Completed>,
    /// Whether AIA completion ran for it.
    pub(crate) aia_tried: bool,
    /// Why AIA completion found nothing, when it ran and did not.
    pub(crate) aia_failure: Option<String>,
}

/// The certificate that completed a path.
#[derive(Clone, Debug)]
pub(crate) struct Completed {
    pub(crate) subject: String,
    /// The URL it was fetched from; `None` when it came from the pool.
    pub(crate) fetched_from: Option<String>,
}
