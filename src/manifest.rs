//! Every outbound dependency in one file: a TOML manifest of the endpoints a service calls,
//! committed snapshots of what each presents, and one call that checks them all (feature
//! `manifest`).
//!
//! A service's team lists its endpoints in `certdeps.toml`:
//!
//! ```toml
//! [defaults]
//! expiry_horizon_days = 30              # expires-soon within this; also checked at now + 30 days
//! add_roots = ["certs/corp-root.pem"]   # anchors besides the Mozilla roots, beside this file
//!
//! [[endpoint]]
//! url = "https://api.partner.example/v1/orders"
//!
//! [[endpoint]]
//! url = "smtp://relay.contoso.example:587"
//! resolve = "127.0.0.1"                 # connect here instead of resolving the host
//! starttls = "smtp"                     # when the scheme does not say
//! add_roots = ["certs/partner-root.pem"]
//! snapshot = "tests/certdeps/relay.pem" # default: certdeps/<host>-<port>.pem beside this file
//! ```
//!
//! The other keys: `mozilla_roots = false` (in `[defaults]` or an endpoint: trust only
//! `add_roots`), and in `[defaults]`, `concurrency` (probes at once, default
//! [`DEFAULT_AT_ONCE`](crate::probe::DEFAULT_AT_ONCE)), `timeout_seconds` (each probe's
//! deadline, default 10) and `aia` (default true: a chain probed live that misses an issuer
//! is completed from its AIA caIssuers URL with [`Aia::default`](crate::Aia), as the probe's
//! own check does; a snapshot checked offline never fetches).
//!
//! Three [`Mode`]s: [`Mode::Update`] probes every endpoint and writes its snapshot;
//! [`Mode::Offline`] checks the snapshots without the network, which is what a unit test
//! runs; [`Mode::Live`] probes and compares each endpoint with its snapshot, so a changed
//! certificate is a `certificate-changed` warning that says what changed, beside the usual
//! diagnosis of the new chain. Every mode also checks each chain at now plus the horizon,
//! so a certificate that lapses before then fails ahead of time.
//!
//! ```no_run
//! use certdeps::UnixTime;
//! use certdeps::manifest::{FailOn, Manifest, Mode};
//! # fn main() -> Result<(), certdeps::manifest::ManifestError> {
//! let manifest = Manifest::load("certdeps.toml")?;
//! let outcomes = manifest.check(Mode::Live, UnixTime::now());
//! print!("{}", outcomes.human());
//! std::fs::write("certdeps.xml", outcomes.junit(FailOn::NotTrusted)).ok();
//! std::process::exit(outcomes.exit_code(FailOn::NotTrusted));
//! # }
//! ```
//!
//! In a service's own tests, [`assert_dependencies`] is the one line.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use pki_types::{CertificateDer, UnixTime};

use crate::endpoint::Endpoint;
use crate::probe::{self, Options};
use crate::report::Report;
use crate::verifier::Verifier;

mod assertion;
mod change;
mod error;
mod junit;
mod outcome;
mod output;
mod schema;
mod snapshot;

pub use assertion::{LIVE_VAR, STRICT_VAR, UPDATE_VAR, assert_dependencies};
pub use change::Change;
pub use error::{CheckError, ManifestError, Problem};
pub use outcome::{FailOn, Outcome, Outcomes, Status};

use outcome::Checked;

/// A loaded manifest: its endpoints, each with its probe options, its snapshot file and its
/// verifier (one per distinct set of roots, shared).
#[derive(Clone, Debug)]
pub struct Manifest {
    file: PathBuf,
    horizon: Duration,
    at_once: usize,
    dependencies: Vec<Dependency>,
    /// One per distinct root set.
    verifiers: Vec<Arc<Verifier>>,
}

/// One `[[endpoint]]` of a manifest.
#[derive(Clone, Debug)]
pub struct Dependency {
    url: String,
    line: usize,
    endpoint: Endpoint,
    options: Options,
    snapshot: PathBuf,
    /// Shared by every endpoint with the same roots.
    verifier: Arc<Verifier>,
}

impl Dependency {
    /// The URL as written in the manifest.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The manifest line its `[[endpoint]]` table starts on.
    pub fn line(&self) -> usize {
        self.line
    }

    /// The endpoint the URL names.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// Its snapshot file, resolved against the manifest's folder.
    pub fn snapshot(&self) -> &Path {
        &self.snapshot
    }

    /// Checks `certs` as this endpoint's chain, with its verifier and without the network:
    /// a snapshot's check, and a live chain's at the horizon or as it was before.
    fn check(&self, certs: &[CertificateDer<'_>], now: UnixTime) -> Report {
        (self.verifier.without_aia()).check(&self.endpoint, certs, now)
    }

    /// [`Dependency::check`] of a chain just probed: online anyway, so AIA completion runs
    /// when the manifest has it on (the default).
    fn check_live(&self, certs: &[CertificateDer<'_>], now: UnixTime) -> Report {
        self.verifier.check(&self.endpoint, certs, now)
    }
}

/// How [`Manifest::check`] gets each endpoint's chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Mode {
    /// From the endpoints, compared with their snapshots.
    Live,
    /// From the snapshots, without any network: deterministic, for unit tests.
    Offline,
    /// From the endpoints, and written to their snapshots.
    Update,
}

impl Manifest {
    /// Reads and validates the manifest at `path`: every URL, address and protocol is
    /// parsed and every roots file read now, so that a mistake is an error naming the
    /// file, the line and the key before anything is probed.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, ManifestError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| {
            let problem = Problem::Read(Arc::new(e));
            ManifestError::new(path, None, None, problem)
        })?;
        Self::parse(&text, path)
    }

    /// [`Manifest::load`] for text already read; `file` names it in errors, and relative
    /// paths resolve against its folder.
    ///
    /// ```
    /// use certdeps::manifest::Manifest;
    /// let manifest = Manifest::parse(
    ///     "[[endpoint]]\nurl = \"smtp://relay.contoso.test:587\"\nresolve = \"127.0.0.1\"\n",
    ///     "deps/certdeps.toml",
    /// )?;
    /// let relay = &manifest.dependencies()[0];
    /// assert_eq!(relay.line(), 1);
    /// assert_eq!(relay.snapshot(), std::path::Path::new("deps/certdeps/relay.contoso.test-587.pem"));
    /// # Ok::<(), certdeps::manifest::ManifestError>(())
    /// ```
    pub fn parse(text: &str, file: impl AsRef<Path>) -> Result<Self, ManifestError> {
        schema::parse(text, file.as_ref())
    }

    /// The manifest file.
    pub fn file(&self) -> &Path {
        &self.file
    }

    /// The endpoints, in manifest order.
    pub fn dependencies(&self) -> &[Dependency] {
        &self.dependencies
    }

    /// How far ahead a certificate's expiry is a warning, and when the second check runs.
    pub fn expiry_horizon(&self) -> Duration {
        self.horizon
    }

    /// How many endpoints are probed at once, at most.
    pub fn concurrency(&self) -> usize {
        self.at_once
    }

    /// Checks every endpoint at `now` as `mode` says; the outcomes come in manifest order,
    /// one per endpoint, whatever failed.
    ///
    /// Live and update probes run on at most [`Manifest::concurrency`] threads
    /// ([`probe::check_all`]), each within its own deadline.
    pub fn check(&self, mode: Mode, now: UnixTime) -> Outcomes {
        let outcomes = match mode {
            Mode::Offline => (self.dependencies.iter())
                .map(|d| Outcome::new(d, self.offline(d, now)))
                .collect(),
            Mode::Live | Mode::Update => self.live(mode, now),
        };
        Outcomes::new(self.file.clone(), mode, now, outcomes)
    }

    fn offline(&self, dependency: &Dependency, now: UnixTime) -> Result<Checked, CheckError> {
        let certs =
            snapshot::read(&dependency.snapshot)?.ok_or_else(|| CheckError::NoSnapshot {
                path: dependency.snapshot.clone(),
            })?;
        let report = dependency.check(&certs, now);
        Ok(self.checked(dependency, &certs, report, Vec::new(), now))
    }

    fn live(&self, mode: Mode, now: UnixTime) -> Vec<Outcome> {
        let targets: Vec<(Endpoint, Options)> = (self.dependencies.iter())
            .map(|d| (d.endpoint.clone(), d.options.clone()))
            .collect();
        let Some(pool) = self.pool_verifier() else {
            return Vec::new();
        };
        let probed = probe::check_all(pool, &targets, now, self.at_once);
        (self.dependencies.iter().zip(probed))
            .map(|(dependency, result)| {
                let checked = result
                    .map_err(CheckError::from)
                    .and_then(|(report, probed)| {
                        // The pool checked with its verifier; an endpoint with roots of its own
                        // is checked again with its own, on the chain just captured.
                        let report = if Arc::ptr_eq(&dependency.verifier, pool) {
                            report
                        } else {
                            dependency.check_live(probed.presented(), now)
                        };
                        self.compare(dependency, report, &probed, mode, now)
                    });
                Outcome::new(dependency, checked)
            })
            .collect()
    }

    /// Compares a live chain with the snapshot: a finding in [`Mode::Live`], the record of
    /// what was replaced in [`Mode::Update`], which then writes the new snapshot.
    fn compare(
        &self,
        dependency: &Dependency,
        mut report: Report,
        probed: &probe::Probed,
        mode: Mode,
        now: UnixTime,
    ) -> Result<Checked, CheckError> {
        let presented = probed.presented();
        let mut changes = Vec::new();
        let old = match snapshot::read(&dependency.snapshot) {
            Ok(old) => old,
            // Updating replaces a snapshot that no longer reads.
            Err(_) if mode == Mode::Update => None,
            Err(e) => return Err(e),
        };
        if let Some(old) = old {
            let old_report = dependency.check(&old, now);
            changes = change::compare(&old, &old_report, presented, &report);
            if mode == Mode::Live && !changes.is_empty() {
                let snapshot = &dependency.snapshot;
                report.add_finding(change::finding(&changes, snapshot, &old, presented));
            }
        }
        if mode == Mode::Update {
            snapshot::write(&dependency.snapshot, &dependency.url, probed, now)?;
        }
        Ok(self.checked(dependency, presented, report, changes, now))
    }

    /// The report at `now` with, when it is trusted, the check at the horizon.
    fn checked(
        &self,
        dependency: &Dependency,
        certs: &[CertificateDer<'_>],
        report: Report,
        changes: Vec<Change>,
        now: UnixTime,
    ) -> Checked {
        let later = Duration::from_secs(now.as_secs()).saturating_add(self.horizon);
        let ahead = (report.is_trusted())
            .then(|| dependency.check(certs, UnixTime::since_unix_epoch(later)))
            .filter(|ahead| !ahead.is_trusted());
        Checked {
            report,
            ahead,
            changes,
        }
    }

    /// The verifier most endpoints use, for the probe pool: every other endpoint costs one
    /// more offline check; `None` for a manifest without endpoints.
    fn pool_verifier(&self) -> Option<&Arc<Verifier>> {
        let uses = |v: &Arc<Verifier>| {
            let n = self
                .dependencies
                .iter()
                .filter(|d| Arc::ptr_eq(&d.verifier, v));
            n.count()
        };
        self.verifiers.iter().rev().max_by_key(|v| uses(v))
    }
}
