//! What issuers may do, and the finding that names the issuer that overstepped:
//! basicConstraints cA (`not-a-ca`), pathLenConstraint (`path-length`) and nameConstraints
//! (`name-constraints`).

use der::Decode;
use x509_cert::ext::pkix::NameConstraints;
use x509_cert::ext::pkix::constraints::name::GeneralSubtrees;
use x509_cert::ext::pkix::name::GeneralName;

use crate::cert::{Skim, hex};
use crate::chain::Path;
use crate::finding::{Actor, Code, Evidence};
use crate::report::{AnchorEntry, name_to_string};

use super::words::{counted, listed};
use super::{Diagnosis, presented_indices};

impl<'p> Diagnosis<'p> {
    /// [RFC 5280 section 4.2.1.9]: an issuer must assert cA in basicConstraints.
    ///
    /// [RFC 5280 section 4.2.1.9]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.9
    #[cold]
    #[inline(never)]
    pub(super) fn not_a_ca(&mut self, path: Option<&Path<'p>>) {
        let indices: Vec<usize> = presented_indices(path).collect();
        for (depth, &i) in indices.iter().enumerate().skip(1) {
            let Some(desc) = self.desc(i).cloned() else {
                continue;
            };
            if desc.is_ca {
                continue;
            }
            let label = self.label(i);
            let child = self.label(indices[depth - 1]);
            self.push(
                Code::NotACa,
                Some(i),
                Actor::ServerOperator,
                format!("{label} issued {child}, but is not a CA (no basicConstraints cA=TRUE)"),
                format!(
                    "server operator: {child} was issued by an end-entity certificate; get it \
                     reissued by a real CA"
                ),
                Evidence::Certificates {
                    indices: vec![indices[depth - 1], i],
                },
            );
            return;
        }
    }

    /// [RFC 5280 section 4.2.1.9]: pathLenConstraint counts the non-self-issued intermediates
    /// that may follow.
    ///
    /// [RFC 5280 section 4.2.1.9]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.9
    #[cold]
    #[inline(never)]
    pub(super) fn path_length(&mut self, path: Option<&Path<'p>>) {
        let indices: Vec<usize> = presented_indices(path).collect();
        for (depth, &i) in indices.iter().enumerate().skip(1) {
            let Some(limit) = self.skim(i).and_then(|s| s.path_len()) else {
                continue;
            };
            let below = indices[1..depth]
                .iter()
                .filter(|&&j| self.skim(j).is_some_and(|s| !s.is_self_issued()))
                .count();
            if below > usize::from(limit) {
                let label = self.label(i);
                self.push(
                    Code::PathLength,
                    Some(i),
                    Actor::IssuingCa,
                    format!(
                        "{label} allows {} below it (pathLenConstraint), but the path has \
                         {below}",
                        counted(usize::from(limit), "intermediate")
                    ),
                    format!(
                        "issuing CA: {label} limits the path below it, so issue the leaf closer \
                         to it; or server operator: get a certificate from a CA without this \
                         limit"
                    ),
                    Evidence::Certificates {
                        indices: indices[..=depth].to_vec(),
                    },
                );
                return;
            }
        }
    }

    /// [RFC 5280 section 4.2.1.10]: names the leaf and the issuer whose nameConstraints
    /// exclude the leaf's names (a presented intermediate, else the anchor).
    ///
    /// [RFC 5280 section 4.2.1.10]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.10
    #[cold]
    #[inline(never)]
    pub(super) fn name_constraints(
        &mut self,
        path: Option<&Path<'p>>,
        anchor: Option<&AnchorEntry>,
    ) {
        let leaf = self.label(0);
        let san = self.desc(0).map(|d| d.san.clone()).unwrap_or_default();
        let names: Vec<String> = san.iter().map(ToString::to_string).collect();
        let names = if names.is_empty() {
            "no subjectAltName".to_owned()
        } else {
            listed(&names)
        };
        let presented = presented_indices(path)
            .skip(1)
            .filter_map(|i| Some((Some(i), self.presented.get(i)?)));
        let anchor_cert = anchor
            .and_then(|a| a.certificate())
            .map(|c| (None, c.as_ref()));
        let carrier = presented
            .chain(anchor_cert)
            .find_map(|(i, der)| Some((i, der, constraints_of(der)?)));
        let Some((index, der, (permitted, excluded))) = carrier else {
            return;
        };
        let (issuer_label, issuer) = match index {
            Some(i) => (self.label(i).to_string(), self.subject(i)),
            None => {
                let subject = Skim::new(der)
                    .map(|s| name_to_string(s.subject))
                    .unwrap_or_default();
                (format!("the trust anchor \"{subject}\""), subject)
            }
        };
        let mut rules = Vec::new();
        if !permitted.is_empty() {
            rules.push(format!("permit only {}", listed(&permitted)));
        }
        if !excluded.is_empty() {
            rules.push(format!("exclude {}", listed(&excluded)));
        }
        self.push(
            Code::NameConstraints,
            Some(0),
            Actor::IssuingCa,
            format!(
                "{leaf} (names: {names}) is outside the name constraints of {issuer_label}, \
                 which {}",
                rules.join(" and ")
            ),
            format!(
                "issuing CA: the name constraints {issuer_label} carries forbid these names, so \
                 certify only names they permit; or server operator: get a certificate for \
                 names {issuer_label} may certify, or one from a CA without this constraint"
            ),
            Evidence::Constraints {
                issuer,
                permitted,
                excluded,
                san,
            },
        );
    }
}

/// The permitted and excluded subtrees of a certificate's nameConstraints, as text; `None`
/// when it has none ([RFC 5280 section 4.2.1.10]).
///
/// [RFC 5280 section 4.2.1.10]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.10
fn constraints_of(der: &[u8]) -> Option<(Vec<String>, Vec<String>)> {
    let cert = x509_cert::Certificate::from_der(der).ok()?;
    let (_, nc) = cert
        .tbs_certificate()
        .get_extension::<NameConstraints>()
        .ok()??;
    let text = |subtrees: &Option<GeneralSubtrees>| {
        subtrees
            .iter()
            .flatten()
            .map(|t| general_name_text(&t.base))
            .collect::<Vec<_>>()
    };
    Some((text(&nc.permitted_subtrees), text(&nc.excluded_subtrees)))
}

fn general_name_text(name: &GeneralName) -> String {
    match name {
        GeneralName::DnsName(dns) => dns.to_string(),
        GeneralName::IpAddress(ip) => ip_subtree_text(ip.as_bytes()),
        GeneralName::Rfc822Name(email) => format!("email {email}"),
        GeneralName::UniformResourceIdentifier(uri) => format!("URI {uri}"),
        GeneralName::DirectoryName(dn) => format!("dirName {dn}"),
        GeneralName::OtherName(other) => format!("otherName {}", other.type_id),
        GeneralName::RegisteredId(oid) => format!("registeredID {oid}"),
        GeneralName::EdiPartyName(_) => "ediPartyName".to_owned(),
    }
}

/// An iPAddress subtree, address then mask ([RFC 5280 section 4.2.1.10]), as `addr/prefix`
/// (`192.0.2.0/24`); anything else as hex.
///
/// [RFC 5280 section 4.2.1.10]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.10
fn ip_subtree_text(bytes: &[u8]) -> String {
    let prefix = |mask: &[u8]| mask.iter().map(|b| b.count_ones()).sum::<u32>();
    match bytes.len() {
        8 => {
            let mut addr = [0u8; 4];
            addr.copy_from_slice(&bytes[..4]);
            format!("{}/{}", std::net::Ipv4Addr::from(addr), prefix(&bytes[4..]))
        }
        32 => {
            let mut addr = [0u8; 16];
            addr.copy_from_slice(&bytes[..16]);
            format!(
                "{}/{}",
                std::net::Ipv6Addr::from(addr),
                prefix(&bytes[16..])
            )
        }
        _ => format!("IP {}", hex(bytes)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ip_subtrees_read_as_prefixes() {
        assert_eq!(
            ip_subtree_text(&[192, 0, 2, 0, 255, 255, 255, 0]),
            "192.0.2.0/24"
        );
        let mut v6 = [0u8; 32];
        v6[..2].copy_from_slice(&[0x20, 0x01]);
        v6[16..20].copy_from_slice(&[0xff; 4]);
        assert_eq!(ip_subtree_text(&v6), "2001::/32");
        assert_eq!(ip_subtree_text(&[1, 2, 3]), "IP 010203");
    }
}
