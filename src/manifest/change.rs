//! "The certificate changed": what an endpoint presents now, compared with its snapshot,
//! said in the terms an operator acts on (a renewal with the same key, a new key, a new
//! issuer or root, intermediates added or dropped), and the `certificate-changed` finding
//! that carries it.

use std::collections::HashSet;
use std::fmt;
use std::path::Path;

use pki_types::CertificateDer;

use crate::cert::{Skim, name_text, sha256_hex};
use crate::finding::{Actor, Code, Evidence, Finding, Text};
use crate::report::{PathSource, Report};

/// One difference between what an endpoint presented when its snapshot was taken and what
/// it presents now.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Change {
    /// A certificate after the leaf that the snapshot did not have.
    IntermediateAdded {
        /// Its subject.
        subject: String,
        /// Its SHA-256.
        sha256: String,
    },
    /// A certificate after the leaf that the snapshot had and the server no longer sends.
    IntermediateDropped {
        /// Its subject.
        subject: String,
        /// Its SHA-256.
        sha256: String,
    },
    /// The leaf names another issuer, or the same name with another authority key id
    /// ([RFC 5280 section 4.2.1.1]): the CA, or the CA's key, changed.
    ///
    /// [RFC 5280 section 4.2.1.1]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.1
    NewIssuer {
        /// The snapshot leaf's issuer (with its key id when only that differs).
        was: String,
        /// The new leaf's issuer (likewise).
        now: String,
    },
    /// The first certificate is another one: a renewal when `same_key`, a new key pair
    /// otherwise (a key rotation, or a different server answering).
    NewLeaf {
        /// Whether the new leaf certifies the same public key.
        same_key: bool,
        /// The new leaf's subject.
        subject: String,
        /// SHA-256 of the snapshot's leaf.
        was_sha256: String,
        /// SHA-256 of the new leaf.
        sha256: String,
    },
    /// The path ends in another root.
    NewRoot {
        /// The root the snapshot's chain ended in, when it ended in one.
        was: Option<String>,
        /// The root the new chain ends in, when it ends in one.
        now: Option<String>,
    },
    /// The same certificates, in another order.
    Reordered,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NewLeaf {
                same_key, subject, ..
            } => {
                let key = if *same_key { "same key" } else { "new key" };
                write!(f, "new leaf {subject} ({key})")
            }
            Self::NewIssuer { was, now } => write!(f, "new issuer {now} (was {was})"),
            Self::NewRoot { was, now } => {
                let none = "(none)";
                let (was, now) = (
                    was.as_deref().unwrap_or(none),
                    now.as_deref().unwrap_or(none),
                );
                write!(f, "new root {now} (was {was})")
            }
            Self::IntermediateAdded { subject, .. } => write!(f, "intermediate added: {subject}"),
            Self::IntermediateDropped { subject, .. } => {
                write!(f, "intermediate dropped: {subject}")
            }
            Self::Reordered => f.write_str("the same certificates in another order"),
        }
    }
}

/// What changed from `was` (the snapshot, with `was_report` its check) to `now` (with
/// `now_report`); empty when the server sends exactly the snapshot's certificates.
pub(super) fn compare(
    was: &[CertificateDer<'_>],
    was_report: &Report,
    now: &[CertificateDer<'_>],
    now_report: &Report,
) -> Vec<Change> {
    if was == now {
        return Vec::new();
    }
    let mut changes = Vec::new();
    let (old_leaf, new_leaf) = (was.first(), now.first());
    if old_leaf != new_leaf {
        let (old, new) = (old_leaf.map(skim), new_leaf.map(skim));
        let (old, new) = (old.flatten(), new.flatten());
        changes.push(Change::NewLeaf {
            same_key: matches!((&old, &new), (Some(o), Some(n)) if o.spki == n.spki),
            subject: new
                .as_ref()
                .map_or_else(unparsable, |n| name_text(n.subject)),
            was_sha256: old_leaf.map_or_else(String::new, |c| sha256_hex(c)),
            sha256: new_leaf.map_or_else(String::new, |c| sha256_hex(c)),
        });
        if let (Some(o), Some(n)) = (old, new) {
            let aki = |s: &Skim<'_>| s.authority_key_id().map(crate::cert::hex);
            let (old_id, new_id) = (aki(&o), aki(&n));
            if o.issuer != n.issuer || old_id != new_id {
                let same_name = o.issuer == n.issuer;
                let issuer = |name: &[u8], id: Option<String>| match (same_name, id) {
                    (true, Some(id)) => format!("{} (key id {id})", name_text(name)),
                    _ => name_text(name),
                };
                changes.push(Change::NewIssuer {
                    was: issuer(o.issuer, old_id),
                    now: issuer(n.issuer, new_id),
                });
            }
        }
    }
    let (old_root, new_root) = (root(was_report), root(now_report));
    if old_root.as_ref().map(|r| &r.1) != new_root.as_ref().map(|r| &r.1) {
        changes.push(Change::NewRoot {
            was: old_root.map(|r| r.0),
            now: new_root.map(|r| r.0),
        });
    }
    let (old_rest, new_rest) = (rest(was), rest(now));
    let (old_set, new_set) = (set(old_rest), set(new_rest));
    for cert in new_rest.iter().filter(|c| !old_set.contains(c.as_ref())) {
        changes.push(Change::IntermediateAdded {
            subject: skim(cert).map_or_else(unparsable, |s| name_text(s.subject)),
            sha256: sha256_hex(cert),
        });
    }
    for cert in old_rest.iter().filter(|c| !new_set.contains(c.as_ref())) {
        changes.push(Change::IntermediateDropped {
            subject: skim(cert).map_or_else(unparsable, |s| name_text(s.subject)),
            sha256: sha256_hex(cert),
        });
    }
    if changes.is_empty() {
        // Equal lists would have returned early; the same certificates, so another order
        // (or the same one repeated differently).
        changes.push(Change::Reordered);
    }
    changes
}

/// The `certificate-changed` warning for `changes` against the snapshot at `snapshot`;
/// its evidence lists the presented positions the snapshot did not hold.
pub(super) fn finding(
    changes: &[Change],
    snapshot: &Path,
    was: &[CertificateDer<'_>],
    now: &[CertificateDer<'_>],
) -> Finding {
    let old = set(was);
    let new: Vec<usize> = (now.iter().enumerate())
        .filter(|(_, c)| !old.contains(c.as_ref()))
        .map(|(i, _)| i)
        .collect();
    let mut described: Vec<String> = (changes.iter().take(DESCRIBED))
        .map(Change::to_string)
        .collect();
    if let Some(more) = changes.len().checked_sub(DESCRIBED).filter(|&n| n > 0) {
        described.push(format!("and {more} more"));
    }
    let message = format!(
        "the endpoint presents other certificates than its snapshot {}: {}",
        snapshot.display(),
        described.join("; ")
    );
    let remediation = Text::from(
        "client owner: confirm the change was planned (a renewal, a new CA), then commit the \
         new snapshot (`check --deps MANIFEST --update-snapshots`, or CERTDEPS_UPDATE=1 in \
         the test); an unplanned new key or root may be an interception or a wrong server",
    );
    Finding::new(
        Code::CertificateChanged,
        new.first().copied(),
        Actor::ClientOwner,
        message,
        remediation,
        Evidence::Certificates { indices: new },
    )
}

/// The most changes the finding's message spells out: a server that swaps a long list
/// still gets a one-line message (the outcome's `changes` keep every one).
const DESCRIBED: usize = 8;

/// The certificates of a list, to ask in constant time whether one is in it: the lists
/// come from a server and a file, and may be long.
fn set<'a>(list: &'a [CertificateDer<'_>]) -> HashSet<&'a [u8]> {
    list.iter().map(AsRef::as_ref).collect()
}

/// The certificates after the leaf.
fn rest<'a, 'b>(list: &'a [CertificateDer<'b>]) -> &'a [CertificateDer<'b>] {
    list.get(1..).unwrap_or_default()
}

fn skim<'a>(cert: &'a CertificateDer<'_>) -> Option<Skim<'a>> {
    Skim::new(cert.as_ref()).ok()
}

fn unparsable() -> String {
    "(unparsable certificate)".to_owned()
}

/// The root a report's path ends in, as (subject, SHA-256): its anchor, or the untrusted
/// root the server or pool supplied.
fn root(report: &Report) -> Option<(String, String)> {
    if let Some(anchor) = report
        .path()
        .pop()
        .filter(|e| e.source == PathSource::Anchor)
    {
        return Some((anchor.subject, anchor.sha256));
    }
    report.root_to_import().map(|r| (r.subject, r.sha256))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_spells_out_a_few_changes_and_counts_the_rest() {
        let pem = concat!(
            include_str!("../../tests/data/contoso/leaf.pem"),
            include_str!("../../tests/data/contoso/intermediate.pem"),
        );
        let now = crate::input::decode_certificates(pem.as_bytes()).unwrap();
        let was = &now[..1];
        let changes = vec![Change::Reordered; DESCRIBED + 3];
        let finding = finding(&changes, Path::new("certdeps/a.test-443.pem"), was, &now);
        assert_eq!(finding.code, Code::CertificateChanged);
        assert_eq!(finding.severity, crate::Severity::Warning);
        assert_eq!(finding.certificate, Some(1));
        assert_eq!(
            finding.evidence,
            Evidence::Certificates { indices: vec![1] }
        );
        let message = finding.message();
        assert!(
            message.starts_with(
                "the endpoint presents other certificates than its \
                                     snapshot certdeps/a.test-443.pem: "
            ),
            "{message}"
        );
        assert!(message.ends_with("; and 3 more"), "{message}");
        assert_eq!(message.matches("another order").count(), DESCRIBED);
    }
}
