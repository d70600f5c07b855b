//! What can stop a manifest from loading, and what can stop one endpoint's check: each
//! names the file, the line and the key, or the endpoint and the file, so the message says
//! where to look.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use thiserror::Error;

use crate::error::{ConfigError, StoreError};
use crate::input::InputError;
use crate::probe::ProbeError;

/// A manifest that cannot be used: unreadable, not TOML, an unknown key, a value that
/// means nothing, or a roots file that is missing or holds no anchor.
///
/// Its `Display` starts `FILE:LINE: key \`KEY\`: `, as compilers print a location, so an
/// editor or a CI log links straight to the line.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use certdeps::manifest::Manifest;
/// let text = "[[endpoint]]\nurl = \"https://api.contoso.test\"\nretries = 3\n";
/// let error = Manifest::parse(text, "certdeps.toml").unwrap_err();
/// assert_eq!(error.line(), Some(3));
/// assert_eq!(error.key(), Some("retries"));
/// assert!(error.to_string().starts_with("certdeps.toml:3: key `retries`: unknown key"));
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct ManifestError(Box<Located>);

/// Boxed, so that a `Result` carrying the error stays small on the success path.
#[derive(Debug)]
struct Located {
    file: PathBuf,
    line: Option<usize>,
    key: Option<String>,
    problem: Problem,
}

/// What is wrong, without where.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum Problem {
    /// A value of the right type that means nothing here.
    #[error("{value:?} {reason}")]
    Invalid {
        /// The value as written.
        value: String,
        /// Why it is refused, and what would do.
        reason: String,
    },
    /// The manifest file could not be read.
    #[error("cannot read the manifest: {0}")]
    Read(#[source] Arc<io::Error>),
    /// An `add_roots` file that cannot be read or holds a certificate that cannot be an
    /// anchor.
    #[error("roots file {}: {}", path.display(), store_reason(source))]
    Roots {
        /// The file, resolved against the manifest's folder.
        path: PathBuf,
        /// Why it cannot be used.
        source: StoreError,
    },
    /// Two endpoints would write the same snapshot file, each overwriting the other's.
    #[error(
        "the endpoint on line {first} writes the same snapshot {}; give one of them a \
         `snapshot` of its own",
        path.display()
    )]
    SharedSnapshot {
        /// The snapshot file.
        path: PathBuf,
        /// The line of the first endpoint that writes it.
        first: usize,
    },
    /// Not TOML, or not the manifest's shape (a missing `url`, a number where a list goes),
    /// in the TOML reader's words.
    #[error("{0}")]
    Syntax(String),
    /// A key the manifest does not define (a typo, or an option of another version).
    #[error("unknown key; expected one of {expected}")]
    UnknownKey {
        /// The keys allowed where it stands, in the TOML reader's words.
        expected: String,
    },
    /// The roots an endpoint names make no usable verifier.
    #[error("{0}")]
    Verifier(#[source] ConfigError),
}

/// A store error's own words: a file that does not decode says so without the "trust
/// store" prefix, since the message already names the roots file.
fn store_reason(error: &StoreError) -> String {
    match error {
        StoreError::Input(input) => input.to_string(),
        other => other.to_string(),
    }
}

impl ManifestError {
    pub(super) fn new(
        file: &Path,
        line: Option<usize>,
        key: Option<&str>,
        problem: Problem,
    ) -> Self {
        Self(Box::new(Located {
            file: file.to_owned(),
            line,
            key: key.map(str::to_owned),
            problem,
        }))
    }

    /// The manifest file, as given to [`Manifest::load`](super::Manifest::load).
    pub fn file(&self) -> &Path {
        &self.0.file
    }

    /// The 1-based line, when the problem has one.
    pub fn line(&self) -> Option<usize> {
        self.0.line
    }

    /// The key whose value is wrong (or which is unknown), when there is one.
    pub fn key(&self) -> Option<&str> {
        self.0.key.as_deref()
    }

    /// What is wrong.
    pub fn problem(&self) -> &Problem {
        &self.0.problem
    }
}

/// `FILE:LINE: key `KEY`: PROBLEM`, each part when known.
impl fmt::Display for ManifestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = &self.0;
        write!(f, "{}", e.file.display())?;
        if let Some(line) = e.line {
            write!(f, ":{line}")?;
        }
        if let Some(key) = &e.key {
            write!(f, ": key `{key}`")?;
        }
        write!(f, ": {}", e.problem)
    }
}

/// The message already says everything [`ManifestError::problem`] holds, so no source
/// repeats it.
impl std::error::Error for ManifestError {}

/// Why one endpoint of a manifest could not be checked: its outcome says so, and the other
/// endpoints are checked all the same.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum CheckError {
    /// An offline check found no snapshot to check.
    #[error(
        "no snapshot at {}: capture one with `check --deps MANIFEST --update-snapshots` \
         (CERTDEPS_UPDATE=1 in a test)",
        path.display()
    )]
    NoSnapshot {
        /// Where the snapshot should be.
        path: PathBuf,
    },
    /// The live probe failed (DNS, connection, STARTTLS, handshake, deadline).
    #[error(transparent)]
    Probe(#[from] ProbeError),
    /// A snapshot exists but cannot be read back.
    #[error("snapshot {}: {source}", path.display())]
    Snapshot {
        /// The snapshot file.
        path: PathBuf,
        /// Why it cannot be read.
        source: InputError,
    },
    /// A new snapshot could not be written.
    #[error("cannot write snapshot {}: {source}", path.display())]
    Write {
        /// The snapshot file.
        path: PathBuf,
        /// The I/O error.
        source: Arc<io::Error>,
    },
}
