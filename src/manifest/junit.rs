//! JUnit XML, the test-report format GitLab, Jenkins and GitHub's test reporters read: one
//! `testcase` per endpoint, a `failure` carrying the endpoint's full report when it fails,
//! an `error` when it could not be checked.
//!
//! Written by hand: the format is a handful of elements, and what needs care is escaping.
//! Report text holds `<`, `&` and quotes, and may quote a server's bytes; XML 1.0 forbids
//! most control characters even as references ([XML 1.0 section 2.2]), so they become
//! U+FFFD rather than a file no reader opens.
//!
//! [XML 1.0 section 2.2]: https://www.w3.org/TR/xml/#charsets

use std::fmt::Write;

use super::outcome::{FailOn, Outcomes, Status};
use super::output::details;

impl Outcomes {
    /// The outcomes as a JUnit XML document: a `testsuite` named after the manifest file,
    /// a `testcase` per endpoint (named by its URL as written), failing as
    /// [`Status::fails`] says for `fail_on`.
    pub fn junit(&self, fail_on: FailOn) -> String {
        let statuses: Vec<Status> = self.outcomes.iter().map(|o| o.status()).collect();
        let count = |f: &dyn Fn(Status) -> bool| statuses.iter().filter(|&&s| f(s)).count();
        let errors = count(&|s| s == Status::Error);
        let failures = count(&|s| s != Status::Error && s.fails(fail_on));
        let suite = attribute(&self.file.display().to_string());
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let _ = writeln!(
            out,
            "<testsuites name=\"certdeps\" tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\">",
            self.outcomes.len()
        );
        let _ = writeln!(
            out,
            "  <testsuite name=\"{suite}\" tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\">",
            self.outcomes.len(),
        );
        for (outcome, status) in self.outcomes.iter().zip(statuses) {
            let _ = write!(
                out,
                "    <testcase name=\"{}\" classname=\"{suite}\"",
                attribute(outcome.url())
            );
            let summary = match (outcome.report(), outcome.error()) {
                (_, Some(error)) => error.to_string(),
                (Some(report), None) => report.summary(),
                (None, None) => String::new(),
            };
            let element = match status {
                Status::Error => "error",
                status if status.fails(fail_on) => "failure",
                _ => {
                    out.push_str("/>\n");
                    continue;
                }
            };
            let _ = writeln!(
                out,
                ">\n      <{element} message=\"{}\" type=\"{}\">{}</{element}>\n    </testcase>",
                attribute(&summary),
                status.as_str(),
                text(&details(outcome))
            );
        }
        out.push_str("  </testsuite>\n</testsuites>\n");
        out
    }
}

/// Character data: markup characters as references, forbidden characters replaced.
fn text(raw: &str) -> String {
    escape(raw, false)
}

/// An attribute value in double quotes: as [`text`], and line breaks and tabs as
/// references, which attribute-value normalization would otherwise turn into spaces
/// ([XML 1.0 section 3.3.3]).
///
/// [XML 1.0 section 3.3.3]: https://www.w3.org/TR/xml/#AVNormalize
fn attribute(raw: &str) -> String {
    escape(raw, true)
}

fn escape(raw: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\r' if attribute => out.push_str("&#13;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if allowed(c) => out.push(c),
            _ => out.push('\u{fffd}'),
        }
    }
    out
}

/// XML 1.0's `Char` production, less what [`escape`] handles first.
fn allowed(c: char) -> bool {
    matches!(c, '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_quotes_and_forbidden_characters_are_escaped() {
        let raw = "a<b> & \"c\" 'd'\u{0}\u{1b}\u{fffe}\ttab\nline";
        assert_eq!(
            text(raw),
            "a&lt;b&gt; &amp; &quot;c&quot; &apos;d&apos;\u{fffd}\u{fffd}\u{fffd}\ttab\nline"
        );
        assert!(attribute(raw).ends_with("&#9;tab&#10;line"));
        assert_eq!(
            text("CN=Contoso Root CA, O=\u{e9}"),
            "CN=Contoso Root CA, O=\u{e9}"
        );
    }
}
