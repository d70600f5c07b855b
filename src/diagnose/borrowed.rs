//! Certificates from outside the presented list that complete a path: the configured pool,
//! and what AIA completion fetched. Either explains and fixes a chain; neither trusts one.

use crate::cert::sha256_hex;
use crate::chain::{Path, Source};
use crate::pool::Pool;
use crate::report::{AiaFetch, PathSource};

use super::Diagnosis;

/// What AIA completion fetched for one chain, offered to the diagnosis as a pool: the
/// configured pool's certificates, then the fetched ones from position `first` on. The
/// fetching is network code above this module; this is its result, as plain data.
#[derive(Debug)]
pub(crate) struct Fetched {
    pub(crate) pool: Pool,
    pub(crate) first: usize,
    /// Every URL tried, in order.
    pub(crate) log: Vec<AiaFetch>,
}

impl<'p> Diagnosis<'p> {
    /// The intermediates to complete a chain with: what AIA fetched (with the configured
    /// pool) when it ran, else the configured pool.
    pub(super) fn pool(&self) -> Option<&'p Pool> {
        match self.fetched {
            Some(fetched) => Some(&fetched.pool),
            None => self.config.pool(),
        }
    }

    /// Where pool position `i` came from: the configured pool, or an AIA fetch.
    pub(super) fn pool_source(&self, i: usize) -> PathSource {
        match self.fetched {
            Some(fetched) if i >= fetched.first => PathSource::Aia,
            _ => PathSource::Pool,
        }
    }

    /// Who supplies the certificates `path` borrows, in a message's words: the AIA URL that
    /// served the first fetched one, else the intermediate pool.
    pub(super) fn supplier(&self, path: &Path<'p>) -> Supplier {
        let fetched = path.links.iter().find_map(|l| match l.source {
            Source::Pool(i) if self.pool_source(i) == PathSource::Aia => Some(l.skim.der),
            _ => None,
        });
        let url = fetched.and_then(|der| {
            let sha = sha256_hex(der);
            let log = &self.fetched?.log;
            log.iter()
                .find(|f| f.issuer.as_ref().is_some_and(|i| i.sha256 == sha))
                .map(|f| f.url.as_str())
        });
        match fetched {
            Some(_) => Supplier::Aia(url.map(str::to_owned)),
            None => Supplier::Pool,
        }
    }

    /// Why AIA completion found nothing, URL by URL: empty when it did not run or did not
    /// fail.
    pub(super) fn aia_failures(&self) -> String {
        let Some(fetched) = self.fetched else {
            return String::new();
        };
        let failed: Vec<String> = (fetched.log.iter())
            .filter_map(|f| Some(format!("{}: {}", f.url, f.error.as_ref()?)))
            .collect();
        match failed.is_empty() {
            true => String::new(),
            false => format!("; AIA fetching failed ({})", failed.join("; ")),
        }
    }
}

/// Where the certificates that complete a path came from, as a message names it.
#[derive(Clone, Debug)]
pub(super) enum Supplier {
    Pool,
    /// Fetched; the URL that served the first of them, when the log says.
    Aia(Option<String>),
}

impl std::fmt::Display for Supplier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Pool => f.write_str("the intermediate pool"),
            Self::Aia(Some(url)) => write!(f, "AIA caIssuers {url}"),
            Self::Aia(None) => f.write_str("AIA caIssuers fetching"),
        }
    }
}
