//! The manifest's outputs for people and programs: a summary table with each failing
//! endpoint's full report after it, and a JSON array of reports.

use std::fmt::Write;

use serde_json::{Value, json};

use super::Mode;
use super::outcome::{Outcome, Outcomes, Status};
use crate::cert::format_time;

impl Outcomes {
    /// For people: a header, one line per endpoint (its URL as written, the verdict, the
    /// finding codes, and the days until its first certificate expires), then the full
    /// report of every endpoint that is not plainly trusted, warnings included, so a CI
    /// log says what changed or what lapses without a second run.
    pub fn human(&self) -> String {
        let mut out = String::new();
        let how = match self.mode {
            Mode::Live => "live (compared with the snapshots)",
            Mode::Offline => "offline (from the snapshots)",
            Mode::Update => "live (snapshots rewritten)",
        };
        let _ = writeln!(
            out,
            "{}: {} endpoint{} checked {how} at {}",
            self.file.display(),
            self.outcomes.len(),
            if self.outcomes.len() == 1 { "" } else { "s" },
            format_time(self.at)
        );
        let rows: Vec<[String; 4]> = self.outcomes.iter().map(row).collect();
        let width = |col: usize| rows.iter().map(|r| r[col].len()).max().unwrap_or(0);
        let (w0, w1, w2) = (width(0), width(1), width(2));
        for [url, verdict, codes, expiry] in &rows {
            let line = format!("  {url:<w0$}  {verdict:<w1$}  {codes:<w2$}  {expiry}");
            let _ = writeln!(out, "{}", line.trim_end());
        }
        for outcome in &self.outcomes {
            if self.mode == Mode::Update && !outcome.changes().is_empty() {
                let _ = writeln!(
                    out,
                    "\nsnapshot {} replaced: {}",
                    outcome.snapshot().display(),
                    joined(outcome)
                );
            }
        }
        for outcome in self
            .outcomes
            .iter()
            .filter(|o| o.status() != Status::Trusted)
        {
            let _ = write!(out, "\n{}", details(outcome));
        }
        out
    }

    /// For programs: an array in manifest order, one object per endpoint with `endpoint`
    /// (the URL as written), `line`, `snapshot`, `status` (`trusted`, `warning`,
    /// `not-trusted`, `error`), `error` (why it could not be checked, or null),
    /// `days_until_expiry`, `changes` (each with a `kind`: `new-leaf`, `new-issuer`,
    /// `new-root`, `intermediate-added`, `intermediate-dropped`, `reordered`), `report` (the
    /// report in the README's schema, or null) and `at_horizon` (the report at the
    /// horizon when it fails there, or null).
    pub fn to_json(&self) -> Value {
        let outcomes = self.outcomes.iter().map(|o| {
            json!({
                "endpoint": o.url(),
                "line": o.line(),
                "snapshot": o.snapshot().display().to_string(),
                "status": o.status().as_str(),
                "error": o.error().map(ToString::to_string),
                "days_until_expiry": o.days_until_expiry(),
                "changes": o.changes(),
                "report": o.report().map(crate::Report::to_json),
                "at_horizon": o.at_horizon().map(crate::Report::to_json),
            })
        });
        Value::Array(outcomes.collect())
    }
}

/// The table's columns for one endpoint.
fn row(outcome: &Outcome) -> [String; 4] {
    let verdict = match outcome.status() {
        Status::Trusted => "TRUSTED",
        Status::Warning => "WARNING",
        Status::NotTrusted => "NOT TRUSTED",
        Status::Error => "ERROR",
    };
    let codes = match (outcome.report(), outcome.error()) {
        (_, Some(_)) => "-".to_owned(),
        (Some(report), None) => {
            let mut codes: Vec<&str> = report.findings().iter().map(|f| f.code.as_str()).collect();
            if outcome.at_horizon().is_some() {
                codes.push("fails at horizon");
            }
            if codes.is_empty() {
                "-".to_owned()
            } else {
                codes.join(", ")
            }
        }
        (None, None) => String::new(),
    };
    let expiry = match (outcome.error(), outcome.days_until_expiry()) {
        (Some(error), _) => first_line(&error.to_string()),
        (None, days) => expiry(days),
    };
    [outcome.url().to_owned(), verdict.to_owned(), codes, expiry]
}

/// The last column: how long until the first certificate expires.
fn expiry(days: Option<i64>) -> String {
    match days {
        Some(-1) => "expired 1 day ago".to_owned(),
        Some(days) if days < 0 => format!("expired {} days ago", -days),
        Some(1) => "expires in 1 day".to_owned(),
        Some(days) => format!("expires in {days} days"),
        None => String::new(),
    }
}

/// Everything known about one endpoint that is not plainly trusted: the full report (and
/// the one at the horizon), or the error.
pub(super) fn details(outcome: &Outcome) -> String {
    let mut out = format!("=== {} (line {}) ===\n", outcome.url(), outcome.line());
    if let Some(error) = outcome.error() {
        let _ = writeln!(out, "error: {error}");
    }
    if let Some(report) = outcome.report() {
        match outcome.at_horizon() {
            // It says what lapses by then, and ends with the report at now.
            Some(ahead) => out.push_str(&ahead.look_ahead_failure(report)),
            None => {
                let _ = write!(out, "{report}");
            }
        }
    }
    out
}

fn joined(outcome: &Outcome) -> String {
    let changes: Vec<String> = outcome.changes().iter().map(ToString::to_string).collect();
    changes.join("; ")
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().to_owned()
}
