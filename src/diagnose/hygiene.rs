//! Hygiene, on every report: duplicates, order, certificates on no path, expiry ahead. None
//! of these changes the verdict; they are warnings and infos for the server operator.

use std::collections::HashMap;

use crate::anchor::looks_self_signed;
use crate::cert::ValidityAt;
use crate::cert::format_time;
use crate::finding::{Actor, Code, Evidence};
use crate::report::name_to_string;

use super::Diagnosis;
use super::words::{human, secs};

impl<'p> Diagnosis<'p> {
    /// Duplicates, order, certificates on no path, expiry ahead. `whole` says the path is
    /// complete enough to call the others extra and to judge their order.
    #[inline(never)]
    pub(super) fn hygiene(&mut self, on_path: &[usize], whole: bool) {
        let duplicates = self.duplicates();
        // [RFC 8446 section 4.4.2]: each following certificate SHOULD directly certify the
        // one immediately preceding it.
        let misplaced = on_path.windows(2).find(|w| w[0] > w[1]).map(|w| w[1]);
        if let (true, Some(misplaced)) = (whole, misplaced) {
            let order: Vec<String> = on_path.iter().map(|i| format!("[{i}]")).collect();
            self.push(
                Code::ChainOutOfOrder,
                Some(misplaced),
                Actor::ServerOperator,
                format!(
                    "the issuers are presented out of order: the chain runs {}",
                    order.join(" -> ")
                ),
                "server operator: order the chain file leaf first, then each issuer in turn \
                 (RFC 8446 section 4.4.2 asks for this; old clients need it)"
                    .to_owned(),
                Evidence::Certificates {
                    indices: on_path.to_vec(),
                },
            );
        }
        let mut extras = Vec::new();
        let mut expired = Vec::new();
        for i in 1..self.presented.len() {
            // Both are short and sorted or tiny: no hashing on the healthy path.
            if on_path.contains(&i) || duplicates.binary_search(&i).is_ok() {
                continue;
            }
            match self.unused(i) {
                Unused::Malformed => {
                    if !self.has_for(Code::MalformedCertificate, i) {
                        extras.push(i);
                    }
                }
                Unused::Anchor => {
                    let label = self.label(i);
                    self.push(
                        Code::AnchorIncluded,
                        Some(i),
                        Actor::ServerOperator,
                        format!(
                            "{label} is a trust anchor the client already has; sending it is \
                             unnecessary"
                        ),
                        "server operator: optionally drop the root from the chain file to save \
                         bytes"
                            .to_owned(),
                        Evidence::None,
                    );
                }
                Unused::Expired => expired.push(i),
                // A current cross-sign of a trusted root helps older clients: not extra.
                Unused::AnchorCrossSign => {}
                Unused::Extra => extras.push(i),
            }
        }
        self.push_each(
            Code::ExpiredInChain,
            &expired,
            Self::expired_in_chain,
            "expired, unneeded",
            (
                Actor::ServerOperator,
                "server operator: remove the expired certificates (often old cross-signs) from \
                 the chain file",
            ),
        );
        if whole && !extras.is_empty() && self.skim(0).is_some() {
            let labels: Vec<String> = extras
                .iter()
                .take(5)
                .map(|&i| self.label(i).to_string())
                .collect();
            let more = match extras.len() {
                n if n > 5 => format!(" and {} more", n - 5),
                _ => String::new(),
            };
            let verb = if extras.len() == 1 { "is" } else { "are" };
            self.push(
                Code::ExtraCertificates,
                extras.first().copied(),
                Actor::ServerOperator,
                format!(
                    "{}{more} {verb} not part of the chain of {}",
                    labels.join(", "),
                    self.label(0)
                ),
                "server operator: remove certificates that do not belong to this chain".to_owned(),
                Evidence::Certificates { indices: extras },
            );
        }
        self.expires_soon(on_path);
    }

    /// Byte-identical certificates after their first appearance; returns their positions,
    /// in increasing order.
    #[inline(never)]
    fn duplicates(&mut self) -> Vec<usize> {
        let mut repeats = Vec::new();
        if self.presented.len() <= 16 {
            // The usual few certificates: comparing is cheaper than hashing every byte.
            for (i, cert) in self.presented.iter().enumerate() {
                if let Some(first) = self.presented.iter().take(i).position(|c| c == cert) {
                    repeats.push((first, i));
                }
            }
        } else {
            let mut first_seen: HashMap<&[u8], usize> = HashMap::new();
            for (i, cert) in self.presented.iter().enumerate() {
                match first_seen.get(cert) {
                    Some(&first) => repeats.push((first, i)),
                    None => {
                        first_seen.insert(cert, i);
                    }
                }
            }
        }
        let again: Vec<usize> = repeats.iter().map(|&(_, i)| i).collect();
        self.push_each(
            Code::DuplicateCertificate,
            &again,
            |diagnosis, i| {
                // `repeats` is in increasing order of the repeat's position.
                let Ok(at) = repeats.binary_search_by_key(&i, |&(_, again)| again) else {
                    return;
                };
                let first = repeats.get(at).map_or(0, |&(first, _)| first);
                let label = diagnosis.label(i);
                diagnosis.push(
                    Code::DuplicateCertificate,
                    Some(i),
                    Actor::ServerOperator,
                    format!("{label} is presented again (first at position {first})"),
                    "server operator: list each certificate once in the chain file".to_owned(),
                    Evidence::Certificates {
                        indices: vec![first, i],
                    },
                );
            },
            "repeated",
            (
                Actor::ServerOperator,
                "server operator: list each certificate once in the chain file",
            ),
        );
        again
    }

    /// Presented certificate `i`, on no path, expired: harmless to the verdict, but some
    /// clients try it and fail.
    fn expired_in_chain(&mut self, i: usize) {
        let Some(skim) = self.skim(i) else { return };
        let label = self.label(i);
        self.push(
            Code::ExpiredInChain,
            Some(i),
            Actor::ServerOperator,
            format!(
                "{label}, issued by \"{}\", expired at {} and is not needed, but some clients \
                 may try it",
                name_to_string(skim.issuer),
                format_time(secs(skim.not_after))
            ),
            "server operator: remove the expired certificate (often an old cross-sign) from \
             the chain file"
                .to_owned(),
            Evidence::Validity {
                not_before: secs(skim.not_before),
                not_after: secs(skim.not_after),
                at: self.now,
            },
        );
    }

    /// What a presented certificate that is on no path is.
    fn unused(&self, i: usize) -> Unused {
        let Some(skim) = self.skim(i) else {
            return Unused::Malformed;
        };
        let anchors = self.config.stores();
        let anchor_key = anchors.iter().any(|s| s.contains(skim.subject, skim.spki));
        if anchor_key && looks_self_signed(skim) {
            return Unused::Anchor;
        }
        if skim.validity_at(self.now) == ValidityAt::Expired {
            return Unused::Expired;
        }
        if anchor_key {
            return Unused::AnchorCrossSign;
        }
        Unused::Extra
    }

    #[inline(never)]
    fn expires_soon(&mut self, on_path: &[usize]) {
        let horizon = self.config.expiry_horizon().as_secs();
        for &i in on_path {
            let Some(skim) = self.skim(i) else { continue };
            if skim.validity_at(self.now) != ValidityAt::Valid {
                continue;
            }
            let left = skim.not_after.saturating_sub(self.now.as_secs());
            if left > horizon {
                continue;
            }
            let label = self.label(i);
            let who = if i == 0 {
                "server operator: renew it and deploy the new certificate before then"
            } else {
                "server operator: get the CA's current intermediate and serve it before then"
            };
            self.push(
                Code::ExpiresSoon,
                Some(i),
                Actor::ServerOperator,
                format!(
                    "{label} expires at {} (in {})",
                    format_time(secs(skim.not_after)),
                    human(left)
                ),
                who.to_owned(),
                Evidence::Validity {
                    not_before: secs(skim.not_before),
                    not_after: secs(skim.not_after),
                    at: self.now,
                },
            );
        }
    }
}

/// A presented certificate on no path, by what it is.
enum Unused {
    /// It does not parse.
    Malformed,
    /// A root the client already trusts.
    Anchor,
    /// Expired: not needed, and some clients may try it anyway.
    Expired,
    /// A current cross-certificate of a trusted root: for older clients.
    AnchorCrossSign,
    /// Nothing the chain needs.
    Extra,
}
