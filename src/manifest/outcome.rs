//! What a manifest check found: one [`Outcome`] per endpoint, in manifest order, and the
//! [`Outcomes`] of the whole manifest with the exit status a CI job reports.

use std::path::{Path, PathBuf};

use pki_types::UnixTime;

use super::change::Change;
use super::error::CheckError;
use super::{Dependency, Mode};
use crate::finding::Severity;
use crate::report::{PathSource, Report};

/// What was checked for an endpoint, when it could be.
#[derive(Debug)]
pub(super) struct Checked {
    pub(super) report: Report,
    /// The check at now plus the horizon, kept only when it fails while now passes.
    pub(super) ahead: Option<Report>,
    /// What differs from the snapshot (live and update checks).
    pub(super) changes: Vec<Change>,
}

/// One endpoint's result.
#[derive(Debug)]
pub struct Outcome {
    url: String,
    line: usize,
    snapshot: PathBuf,
    checked: Result<Checked, CheckError>,
}

/// The verdict on one endpoint, as the summary table and the exit status see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Status {
    /// It could not be checked (probe, or snapshot).
    Error,
    /// A strict client refuses it.
    NotTrusted,
    /// Trusted, without warnings.
    Trusted,
    /// Trusted, with a warning (`expires-soon`, `certificate-changed`, ...) or a failure at
    /// the horizon: it fails only with [`FailOn::Warning`].
    Warning,
}

/// Which endpoints fail a run: the command line's `--strict` is [`FailOn::Warning`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FailOn {
    /// An endpoint that is not trusted, or could not be checked.
    #[default]
    NotTrusted,
    /// Those, and a trusted endpoint with a warning: a certificate that changed or expires
    /// within the horizon.
    Warning,
}

impl Status {
    /// The word the summary table and JSON use.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Trusted => "trusted",
            Self::Warning => "warning",
            Self::NotTrusted => "not-trusted",
            Self::Error => "error",
        }
    }

    /// Whether it fails a run: always for an error or a refusal, and for a warning when
    /// `fail_on` says so.
    pub fn fails(self, fail_on: FailOn) -> bool {
        match self {
            Self::Error | Self::NotTrusted => true,
            Self::Trusted => false,
            Self::Warning => fail_on == FailOn::Warning,
        }
    }
}

impl Outcome {
    pub(super) fn new(dependency: &Dependency, checked: Result<Checked, CheckError>) -> Self {
        Self {
            url: dependency.url.clone(),
            line: dependency.line,
            snapshot: dependency.snapshot.clone(),
            checked,
        }
    }

    /// The endpoint's URL, as written in the manifest.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The manifest line of its `[[endpoint]]`.
    pub fn line(&self) -> usize {
        self.line
    }

    /// Its snapshot file.
    pub fn snapshot(&self) -> &Path {
        &self.snapshot
    }

    /// The report at the check's time, when the endpoint could be checked; a change from
    /// the snapshot is its `certificate-changed` finding.
    pub fn report(&self) -> Option<&Report> {
        self.checked.as_ref().ok().map(|c| &c.report)
    }

    /// Why the endpoint could not be checked.
    pub fn error(&self) -> Option<&CheckError> {
        self.checked.as_ref().err()
    }

    /// What differs from the snapshot: in a live check, what the `certificate-changed`
    /// finding says; when updating, what the new snapshot replaced.
    pub fn changes(&self) -> &[Change] {
        self.checked.as_ref().map_or(&[], |c| &c.changes)
    }

    /// The report at the check's time plus the manifest's horizon, when the chain is
    /// trusted now and will not be then.
    pub fn at_horizon(&self) -> Option<&Report> {
        self.checked.as_ref().ok()?.ahead.as_ref()
    }

    /// The endpoint's status.
    pub fn status(&self) -> Status {
        let Ok(checked) = &self.checked else {
            return Status::Error;
        };
        let report = &checked.report;
        if !report.is_trusted() {
            Status::NotTrusted
        } else if checked.ahead.is_some()
            || report
                .findings()
                .iter()
                .any(|f| f.severity == Severity::Warning)
        {
            Status::Warning
        } else {
            Status::Trusted
        }
    }

    /// Whole days from the check's time to the first notAfter among the presented
    /// certificates on the path (all presented ones when there is no path); negative once
    /// one has expired.
    pub fn days_until_expiry(&self) -> Option<i64> {
        let report = self.report()?;
        let at = i64::try_from(report.at().as_secs()).ok()?;
        let presented = report.presented();
        let on_path: Vec<usize> = (report.path().iter())
            .filter(|e| e.source == PathSource::Presented)
            .filter_map(|e| e.index)
            .collect();
        let first = (presented.iter().enumerate())
            .filter(|(i, _)| on_path.is_empty() || on_path.contains(i))
            .filter_map(|(_, d)| d.as_ref())
            .filter_map(|d| i64::try_from(d.not_after.as_secs()).ok())
            .min()?;
        Some((first - at).div_euclid(86_400))
    }
}

/// Every endpoint's outcome, in manifest order, and how to report them: [`Outcomes::human`]
/// for people, [`Outcomes::to_json`] for programs, [`Outcomes::junit`] for CI test
/// reporters, [`Outcomes::exit_code`] for the shell.
#[derive(Debug)]
pub struct Outcomes {
    pub(super) file: PathBuf,
    pub(super) mode: Mode,
    pub(super) at: UnixTime,
    pub(super) outcomes: Vec<Outcome>,
}

impl Outcomes {
    pub(super) fn new(file: PathBuf, mode: Mode, at: UnixTime, outcomes: Vec<Outcome>) -> Self {
        Self {
            file,
            mode,
            at,
            outcomes,
        }
    }

    /// The outcomes, in manifest order.
    pub fn outcomes(&self) -> &[Outcome] {
        &self.outcomes
    }

    /// The mode they were checked in.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// The time they were checked for.
    pub fn at(&self) -> UnixTime {
        self.at
    }

    /// Whether every endpoint passes as `fail_on` says.
    pub fn passed(&self, fail_on: FailOn) -> bool {
        self.exit_code(fail_on) == 0
    }

    /// The exit status for a command: 2 when any endpoint could not be checked, else 1
    /// when any fails as `fail_on` says (not trusted, or with a warning), else 0.
    pub fn exit_code(&self, fail_on: FailOn) -> i32 {
        let statuses = || self.outcomes.iter().map(Outcome::status);
        if statuses().any(|s| s == Status::Error) {
            2
        } else if statuses().any(|s| s.fails(fail_on)) {
            1
        } else {
            0
        }
    }
}
