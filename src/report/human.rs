//! The human form of a report: what `Display` prints.

use std::fmt;

use super::{PathSource, Report};
use crate::cert::format_time;

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.endpoint {
            Some(endpoint) => writeln!(f, "endpoint: {} ({endpoint})", endpoint.input())?,
            None => writeln!(
                f,
                "endpoint: (none given; chain checked without a host name)"
            )?,
        }
        if let Some(connection) = &self.connection {
            write!(f, "{connection}")?;
        }
        writeln!(f, "checked at: {}", format_time(self.at))?;
        writeln!(
            f,
            "verdict: {}",
            if self.is_trusted() {
                "TRUSTED"
            } else {
                "NOT TRUSTED"
            }
        )?;
        let stores = self.store_verdicts();
        if !stores.is_empty() {
            writeln!(f, "stores:")?;
            let width = stores.iter().map(|s| s.name.len()).max().unwrap_or(0);
            for store in stores {
                match store.verdict.rejection() {
                    None => writeln!(f, "  {:<width$}  TRUSTED", store.name)?,
                    Some(r) => writeln!(
                        f,
                        "  {:<width$}  NOT TRUSTED ({}: {})",
                        store.name,
                        r.code,
                        r.webpki()
                    )?,
                }
            }
        }
        writeln!(f, "presented ({}):", self.presented.len())?;
        // A screenful: the report of a list of thousands stays readable, and describing
        // only what is shown keeps it cheap.
        let shown = self.presented.len().min(SHOWN_CERTIFICATES);
        for i in 0..shown {
            match self.description(i).as_deref() {
                Some(d) => writeln!(
                    f,
                    "  [{i}] {}\n      issuer {}; valid {} .. {}; sha256 {}",
                    d.subject,
                    d.issuer,
                    format_time(d.not_before),
                    format_time(d.not_after),
                    short(&d.sha256)
                )?,
                None => writeln!(f, "  [{i}] (does not parse)")?,
            }
        }
        if let Some(more) = self.presented.len().checked_sub(shown).filter(|&n| n > 0) {
            writeln!(f, "  ... and {more} more (the JSON report lists every one)")?;
        }
        let path = self.path();
        if !path.is_empty() {
            writeln!(f, "path:")?;
            for element in &path {
                let source = match (element.source, element.index) {
                    (PathSource::Presented, Some(i)) => format!("presented [{i}]"),
                    (PathSource::Pool, Some(i)) => format!("pool [{i}]"),
                    (PathSource::Presented, None) => "presented".to_owned(),
                    (PathSource::Pool, None) => "pool".to_owned(),
                    (PathSource::Aia, _) => "aia".to_owned(),
                    (PathSource::Anchor, _) => match &self.anchor {
                        Some(a) => format!("anchor, {} store", a.store_name),
                        None => "anchor".to_owned(),
                    },
                };
                writeln!(f, "  {} ({source})", element.subject)?;
            }
        }
        aia_fetches(self, f)?;
        if self.findings.is_empty() {
            writeln!(f, "findings: none")?;
        } else {
            writeln!(f, "findings:")?;
            for finding in &self.findings {
                writeln!(f, "  - {}", finding.to_string().replace('\n', "\n  "))?;
            }
        }
        profiles(self, f)?;
        if let Some(chain) = self.fixed_chain() {
            write!(
                f,
                "fixed chain: the complete file to serve ({} certificates, leaf first):\n{}",
                chain.certificates().len(),
                chain.to_pem()
            )?;
        }
        if let Some(root) = self.root_to_import() {
            write!(
                f,
                "root to import, once its fingerprint is confirmed: {} (sha256 {})\n{}",
                root.subject,
                root.sha256,
                root.to_pem()
            )?;
        }
        Ok(())
    }
}

/// The caIssuers URLs AIA completion tried, one line each, when it ran.
fn aia_fetches(report: &Report, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    if report.aia.is_empty() {
        return Ok(());
    }
    writeln!(f, "aia fetches:")?;
    for fetch in &report.aia {
        let cached = if fetch.cached { " (cached)" } else { "" };
        match (&fetch.issuer, &fetch.error) {
            (Some(issuer), _) => writeln!(
                f,
                "  {} -> {} (sha256 {}){cached}",
                fetch.url,
                issuer.subject,
                short(&issuer.sha256)
            )?,
            (None, Some(error)) => writeln!(f, "  {} -> failed: {error}{cached}", fetch.url)?,
            (None, None) => writeln!(f, "  {}", fetch.url)?,
        }
    }
    Ok(())
}

/// A table of how each kind of client fares, when the strict verdict is a refusal (when
/// it trusts, they all do, and the table would say nothing).
fn profiles(report: &Report, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    if report.is_trusted() {
        return Ok(());
    }
    writeln!(f, "clients:")?;
    for outcome in report.profiles() {
        let verdict = outcome.outcome.to_string();
        writeln!(
            f,
            "  {:<19} {verdict:<7} {}",
            outcome.client, outcome.reason
        )?;
    }
    Ok(())
}

/// The most presented certificates the human report describes one by one.
const SHOWN_CERTIFICATES: usize = 20;

fn short(hex: &str) -> &str {
    hex.get(..16).unwrap_or(hex)
}
