//! Wording shared by the stages: how a message names a certificate, lists names, and
//! writes durations, written when a finding's text is read.

use std::fmt;

use pki_types::UnixTime;

use crate::cert::Skim;
use crate::endpoint::Host;
use crate::finding::LISTED_NAMES;
use crate::name::San;
use crate::presented::Presented;

/// How a message names presented certificate `.0`: `leaf [0]` or `certificate [i]`.
#[derive(Clone, Copy, Debug)]
pub(super) struct Role(pub(super) usize);

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            0 => f.write_str("leaf [0]"),
            i => write!(f, "certificate [{i}]"),
        }
    }
}

/// A presented certificate as messages name it, `leaf [0] "CN=..."`, written on demand from
/// the shared certificates so that a finding's deferred text can own it.
#[derive(Clone, Debug)]
pub(super) struct Label {
    pub(super) certificates: Presented,
    pub(super) index: usize,
}

impl Label {
    /// The same label, but `certificate [0]` rather than `leaf [0]` (for a first certificate
    /// that is not the leaf).
    pub(super) fn as_certificate(&self) -> impl fmt::Display + Send + Sync + 'static {
        let label = self.clone();
        Lazily(move |f: &mut fmt::Formatter<'_>| {
            write!(f, "certificate [{}]", label.index)?;
            label.write_subject(f)
        })
    }

    /// The certificate's outer fields, read again.
    pub(super) fn skim(&self) -> Option<Skim<'_>> {
        self.certificates
            .get(self.index)
            .and_then(|der| Skim::new(der).ok())
    }

    fn write_subject(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.skim() {
            Some(skim) => write!(f, " \"{}\"", skim.subject_text()),
            None => f.write_str(" (does not parse)"),
        }
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Role(self.index).fmt(f)?;
        self.write_subject(f)
    }
}

/// A certificate named in a message: a presented one by its label, any other in words.
#[derive(Clone, Debug)]
pub(super) enum Named {
    Label(Label),
    Text(String),
}

impl fmt::Display for Named {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Label(label) => label.fmt(f),
            Self::Text(text) => f.write_str(text),
        }
    }
}

/// Displays by calling `.0`.
pub(super) struct Lazily<F>(F);

impl<F: Fn(&mut fmt::Formatter<'_>) -> fmt::Result> fmt::Display for Lazily<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (self.0)(f)
    }
}

/// `it is only valid for DNS:a or DNS:b`, or that it has none.
pub(super) fn san_list(sans: &[San]) -> String {
    if sans.is_empty() {
        return "it has no subjectAltName at all".to_owned();
    }
    let listed: Vec<String> = sans
        .iter()
        .take(LISTED_NAMES)
        .map(ToString::to_string)
        .collect();
    match sans.len() - listed.len() {
        0 => format!("it is only valid for {}", join_or(&listed)),
        more => format!(
            "it is only valid for {} and {more} more names (the finding's evidence lists them \
             all)",
            listed.join(", ")
        ),
    }
}

/// `a, b, c`, or the first [`LISTED_NAMES`] of a longer list and how many more: for the
/// names and name constraints a certificate may carry by the thousand.
pub(super) fn listed(items: &[String]) -> String {
    let first = items.get(..LISTED_NAMES).unwrap_or(items);
    match items.len() - first.len() {
        0 => first.join(", "),
        more => format!("{} and {more} more", first.join(", ")),
    }
}

pub(super) fn name_remediation(host: &Host) -> String {
    let host_kind = match host {
        Host::Ip(_) => "an iPAddress",
        _ => "a dNSName",
    };
    format!(
        "client owner: connect with a host name the certificate covers; or server operator: \
         reissue the certificate with {host_kind} SAN for {host}"
    )
}

pub(super) fn secs(s: u64) -> UnixTime {
    UnixTime::since_unix_epoch(std::time::Duration::from_secs(s))
}

pub(super) fn human(secs: u64) -> String {
    match secs {
        s if s < 120 => format!("{s} seconds"),
        s if s < 2 * 3600 => format!("{} minutes", s / 60),
        s if s < 2 * 86_400 => format!("{} hours", s / 3600),
        s => format!("{} days", s / 86_400),
    }
}

/// "an" before a vowel sound as the key names are spoken (an RSA, an ECDSA, an Ed25519).
pub(super) fn article(word: &str) -> &'static str {
    match word.chars().next() {
        Some('A' | 'E' | 'I' | 'O' | 'R' | 'U') => "an",
        _ => "a",
    }
}

/// `1 certificate`, `2 certificates`: a count with its noun in the number the count takes.
/// Every noun certdeps counts (certificate, intermediate, issuer) takes a plain `s`.
pub(super) fn counted(n: usize, noun: &str) -> String {
    match n {
        1 => format!("1 {noun}"),
        n => format!("{n} {noun}s"),
    }
}

pub(super) fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn article_and_lists_read_well() {
        assert_eq!(article("RSA 1024"), "an");
        assert_eq!(article("ECDSA P-192"), "an");
        assert_eq!(article("DSA"), "a");
        assert_eq!(
            join_or(&["a".to_owned(), "b".to_owned(), "c".to_owned()]),
            "a, b or c"
        );
        let dns =
            |n: usize| -> Vec<San> { (0..n).map(|i| San::Dns(format!("h{i}.example"))).collect() };
        assert_eq!(
            san_list(&dns(2)),
            "it is only valid for DNS:h0.example or DNS:h1.example"
        );
        let long = san_list(&dns(LISTED_NAMES + 4990));
        assert!(
            long.ends_with(
                "DNS:h9.example and 4990 more names (the finding's evidence lists them all)"
            ),
            "{long}"
        );
        assert!(!long.contains("DNS:h10.example"), "{long}");
        assert_eq!(counted(1, "certificate"), "1 certificate");
        assert_eq!(counted(0, "intermediate"), "0 intermediates");
        assert_eq!(
            counted(3, "more unparsable certificate"),
            "3 more unparsable certificates"
        );
        assert_eq!(human(90), "90 seconds");
        assert_eq!(human(3 * 86_400), "3 days");
    }
}
