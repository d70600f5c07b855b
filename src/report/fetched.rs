//! What AIA completion did, as the report keeps it: each caIssuers URL tried, and what it
//! gave or why it gave nothing. Plain data: the fetching itself is network code
//! (`crate::aia`), which the report never imports.

use std::time::Duration;

/// One caIssuers URL tried while completing a chain ([RFC 5280 section 4.2.2.1]), in the
/// order tried.
///
/// [RFC 5280 section 4.2.2.1]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.2.1
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct AiaFetch {
    /// The URL, as the certificate that asked carries it.
    pub url: String,
    /// Subject of the certificate whose issuer was looked for.
    pub for_subject: String,
    /// The issuer it gave, when it gave one.
    pub issuer: Option<FetchedIssuer>,
    /// Why it gave none.
    pub error: Option<AiaFailure>,
    /// Whether the answer came from the verifier's cache rather than the network.
    pub cached: bool,
}

/// The issuer a caIssuers URL served.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct FetchedIssuer {
    /// Its subject name, RFC 4514.
    pub subject: String,
    /// SHA-256 of the certificate, lowercase hex.
    pub sha256: String,
    /// Whether it is self-signed (a root: the client owner's to import, not the server's
    /// to send).
    pub self_signed: bool,
}

/// Why a caIssuers URL gave no issuer. Each says what was refused and the bound it hit.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AiaFailure {
    /// Not an `http://` URL: caIssuers may also be `ldap://`, which certdeps does not fetch,
    /// and fetching over https would need the very trust being diagnosed.
    #[error("not fetched: only http:// URLs are fetched")]
    Unsupported,
    /// The server answered with an HTTP error status.
    #[error("HTTP status {status}")]
    Status {
        /// The status code.
        status: u16,
    },
    /// No complete answer within the per-request timeout.
    #[error("no answer within {} ms", timeout.as_millis())]
    Timeout {
        /// The timeout.
        timeout: Duration,
    },
    /// The body was longer than the limit, so it was not read further.
    #[error("response larger than {limit} bytes")]
    TooLarge {
        /// The limit, in bytes.
        limit: u64,
    },
    /// More redirects than allowed (a redirect loop ends here too).
    #[error("more than {max} redirects")]
    TooManyRedirects {
        /// The redirect limit.
        max: u32,
    },
    /// The request failed below HTTP: DNS, connection, protocol.
    #[error("request failed: {reason}")]
    Network {
        /// What failed.
        reason: String,
    },
    /// The body is no DER certificate, PEM certificate or PKCS #7 certs-only bundle
    /// ([RFC 5280 section 4.2.2.1]).
    ///
    /// [RFC 5280 section 4.2.2.1]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.2.1
    #[error("the response is no certificate: {reason}")]
    Unreadable {
        /// The reader's error.
        reason: String,
    },
    /// The URL served the certificate that points to it.
    #[error("the URL serves the certificate that points to it")]
    PointsToItself,
    /// The URL served certificates, none of them the issuer looked for.
    #[error("served \"{served}\", not the issuer \"{wanted}\"")]
    Unrelated {
        /// Subject of the (first) certificate served.
        served: String,
        /// The issuer name looked for.
        wanted: String,
    },
    /// The certificate served was already fetched on this chain: the URLs form a loop.
    #[error("served a certificate already fetched for this chain (a loop)")]
    SeenTwice,
    /// The URL was already tried for this chain: the certificates point in a loop.
    #[error("already tried for this chain (a loop)")]
    UrlSeenTwice,
    /// The chain's fetch budget was spent before this URL.
    #[error("not fetched: the limit of {max} fetches per chain was reached")]
    LimitReached {
        /// The per-chain limit.
        max: usize,
    },
}
