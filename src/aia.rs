//! AIA completion (feature `aia`): when a server leaves out an intermediate, fetch it from
//! the caIssuers URL of the last certificate reached ([RFC 5280 section 4.2.2.1]), as
//! browsers and Windows do and rustls, Go, OpenSSL and Java (by default) do not.
//!
//! This is network code, above the pure core: the [`crate::Verifier`] calls it after the
//! verdict, and hands what it fetched to the diagnosis as one more pool of intermediates,
//! marked as fetched. A fetched certificate appears on the report's path with source
//! [`crate::PathSource::Aia`] and decides what the diagnosis says (`incomplete-chain` with
//! the chain to serve, or `untrusted-root` with the root to import); it never changes the
//! verdict, which is made before anything is fetched.
//!
//! Every fetch is bounded ([`Aia`]): a timeout per request, a response size, a number of
//! fetches per chain, a number of redirects, and loops broken when a URL or a certificate
//! comes round twice. A proxy is used only when [`Aia::with_proxy`] names one; the
//! environment's `http_proxy` is never read.
//!
//! [RFC 5280 section 4.2.2.1]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.2.1

mod cache;
mod http;
mod walk;

use std::path::PathBuf;
use std::time::Duration;

use pki_types::CertificateDer;

use crate::report::AiaFailure;

use cache::Cache;

/// The bounds and options of AIA completion; every bound is a named default.
///
/// ```
/// use std::time::Duration;
/// use certdeps::{Aia, TrustStore, Verifier};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let aia = Aia::default()
///     .with_timeout(Duration::from_secs(2))
///     .with_cache_dir(std::env::temp_dir().join("certdeps-aia"));
/// assert_eq!(aia.max_fetches(), Aia::DEFAULT_MAX_FETCHES);
/// let verifier = Verifier::builder(TrustStore::mozilla()).with_aia(aia).build()?;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Aia {
    timeout: Duration,
    max_response_bytes: u64,
    max_fetches: usize,
    max_redirects: u32,
    proxy: Option<ureq::Proxy>,
    cache_dir: Option<PathBuf>,
}

impl Default for Aia {
    fn default() -> Self {
        Self {
            timeout: Self::DEFAULT_TIMEOUT,
            max_response_bytes: Self::DEFAULT_MAX_RESPONSE_BYTES,
            max_fetches: Self::DEFAULT_MAX_FETCHES,
            max_redirects: Self::DEFAULT_MAX_REDIRECTS,
            proxy: None,
            cache_dir: None,
        }
    }
}

/// A proxy URL that is not one: the offending value.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not a proxy URL: {url:?} (expected e.g. http://proxy.example:3128)")]
pub struct InvalidProxy {
    /// The URL given.
    pub url: String,
}

impl Aia {
    /// The default per-request timeout, connection to last byte: 5 seconds. Windows'
    /// CryptoAPI allows about 15 s for all of a chain's URLs; a check of many endpoints
    /// should not wait longer than that on one.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);
    /// The default largest response: 64 KiB. An intermediate is 1-2 KiB, a PKCS #7 bundle
    /// of a few a few KiB; anything larger is not what a caIssuers URL should serve.
    pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 64 * 1024;
    /// The default most fetches per chain: 5. webpki follows at most 6 intermediates; a
    /// real chain misses one, rarely two.
    pub const DEFAULT_MAX_FETCHES: usize = 5;
    /// The default most redirects per request: 3, enough for a CDN moving a file.
    pub const DEFAULT_MAX_REDIRECTS: u32 = 3;

    /// The per-request timeout, from connecting to the last byte.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The largest response read; a longer body is refused unread.
    pub fn with_max_response_bytes(mut self, bytes: u64) -> Self {
        self.max_response_bytes = bytes;
        self
    }

    /// The most caIssuers URLs tried for one chain.
    pub fn with_max_fetches(mut self, fetches: usize) -> Self {
        self.max_fetches = fetches;
        self
    }

    /// The most redirects followed by one request.
    pub fn with_max_redirects(mut self, redirects: u32) -> Self {
        self.max_redirects = redirects;
        self
    }

    /// Fetches through this HTTP proxy. Without it, no proxy is used, whatever the
    /// environment says: a diagnosis must not depend on variables nobody passed it.
    pub fn with_proxy(mut self, url: &str) -> Result<Self, InvalidProxy> {
        let proxy = ureq::Proxy::new(url).map_err(|_| InvalidProxy {
            url: url.to_owned(),
        })?;
        self.proxy = Some(proxy);
        Ok(self)
    }

    /// Also keeps fetched responses in this directory, one file per URL, so that they
    /// outlive the verifier. It is created when first written to; an unwritable directory
    /// only means no disk cache.
    pub fn with_cache_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.cache_dir = Some(dir.into());
        self
    }

    /// The per-request timeout.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The largest response read, in bytes.
    pub fn max_response_bytes(&self) -> u64 {
        self.max_response_bytes
    }

    /// The most caIssuers URLs tried for one chain.
    pub fn max_fetches(&self) -> usize {
        self.max_fetches
    }

    /// The most redirects followed by one request.
    pub fn max_redirects(&self) -> u32 {
        self.max_redirects
    }
}

/// Fetches caIssuers URLs within the bounds of an [`Aia`], through a cache that every check
/// of one verifier shares, so that checking many endpoints of one CA fetches each
/// intermediate once.
#[derive(Debug)]
pub(crate) struct Fetcher {
    settings: Aia,
    agent: ureq::Agent,
    cache: Cache,
}

/// Certificates one URL served, or why it served none.
type Answer = Result<Vec<CertificateDer<'static>>, AiaFailure>;

impl Fetcher {
    pub(crate) fn new(settings: Aia) -> Self {
        let agent = http::agent(&settings);
        let cache = Cache::new(settings.cache_dir.clone());
        Self {
            settings,
            agent,
            cache,
        }
    }

    /// What `url` serves, and whether the answer came from the cache. Answers are kept in
    /// memory for the verifier's life, failures included, so that an unreachable CA costs
    /// one timeout, not one per endpoint; only certificates go to the disk cache.
    fn get(&self, url: &str) -> (Answer, bool) {
        if let Some(answer) = self.cache.get(url) {
            return (answer, true);
        }
        let answer = http::get(&self.agent, url, &self.settings).and_then(|body| {
            crate::input::decode_certificates(&body).map_err(|e| AiaFailure::Unreadable {
                reason: e.to_string(),
            })
        });
        self.cache.put(url, &answer);
        (answer, false)
    }
}
