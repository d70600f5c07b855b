//! Checks of every certificate on the path: validity ([RFC 5280 section 4.1.2.5]), purpose
//! ([RFC 5280 section 4.2.1.12]), algorithms, and certificates that do not parse.
//!
//! [RFC 5280 section 4.1.2.5]: https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.5
//! [RFC 5280 section 4.2.1.12]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.12

use crate::cert::format_time;
use crate::cert::{Description, ValidityAt};
use crate::chain::Path;
use crate::finding::{Actor, Code, Evidence, Text};
use crate::verdict::Rejection;

use super::words::{article, human, secs};
use super::{Diagnosis, presented_indices};

impl<'p> Diagnosis<'p> {
    /// [RFC 5280 section 4.1.2.5]: every certificate on the path must be valid at the
    /// verification time.
    ///
    /// [RFC 5280 section 4.1.2.5]: https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.5
    #[inline(never)]
    pub(super) fn validity(&mut self, path: Option<&Path<'p>>) {
        for i in presented_indices(path) {
            let Some(skim) = self.skim(i) else { continue };
            let code = match skim.validity_at(self.now) {
                ValidityAt::Valid => continue,
                ValidityAt::Expired => Code::Expired,
                ValidityAt::NotYetValid => Code::NotYetValid,
            };
            let label = self.label(i);
            let (nb, na, now) = (secs(skim.not_before), secs(skim.not_after), self.now);
            let message = Text::lazy(move || {
                let checked = format_time(now);
                if code == Code::Expired {
                    let ago = now.as_secs().saturating_sub(na.as_secs());
                    format!(
                        "{label} expired at {} ({} ago); checked at {checked}",
                        format_time(na),
                        human(ago)
                    )
                } else {
                    let ahead = nb.as_secs().saturating_sub(now.as_secs());
                    format!(
                        "{label} is not valid until {} (in {}); checked at {checked}",
                        format_time(nb),
                        human(ahead)
                    )
                }
            });
            let remediation = if i == 0 {
                "server operator: renew the certificate and install it; if the verification \
                 time is wrong, the client owner must fix the clock"
            } else {
                "server operator: replace this intermediate with the CA's current one; if the \
                 verification time is wrong, the client owner must fix the clock"
            };
            self.push(
                code,
                Some(i),
                Actor::ServerOperator,
                message,
                remediation,
                Evidence::Validity {
                    not_before: nb,
                    not_after: na,
                    at: self.now,
                },
            );
        }
    }

    /// [RFC 5280 section 4.2.1.12]: the path must allow id-kp-serverAuth.
    ///
    /// [RFC 5280 section 4.2.1.12]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.12
    #[inline(never)]
    pub(super) fn wrong_purpose(&mut self, path: Option<&Path<'p>>) {
        for i in presented_indices(path) {
            let Some(skim) = self.skim(i) else {
                continue;
            };
            if skim.allows_server_auth() {
                continue;
            }
            let label = self.label(i);
            let ekus = skim.extended_key_usage().unwrap_or_default().join(", ");
            let who = if i == 0 {
                "server operator: reissue the certificate with the serverAuth extended key usage"
            } else {
                "server operator: use an intermediate whose EKU includes serverAuth (or has none)"
            };
            self.push(
                Code::WrongPurpose,
                Some(i),
                Actor::ServerOperator,
                format!(
                    "{label} is not for TLS servers: its extended key usage is [{ekus}], \
                     without serverAuth"
                ),
                who.to_owned(),
                Evidence::None,
            );
            return;
        }
    }

    #[cold]
    #[inline(never)]
    pub(super) fn algorithms(&mut self, path: Option<&Path<'p>>, rejection: &Rejection) {
        if let Some(key) = &rejection.leaf_key {
            let label = self.label(0);
            self.push(
                Code::UnsupportedAlgorithm,
                Some(0),
                Actor::ServerOperator,
                format!(
                    "{label} has {} {key} key: the chain verifies, but rustls cannot verify a \
                     handshake signature with it",
                    article(&key.to_string())
                ),
                "server operator: reissue the certificate with an RSA 2048-8192, ECDSA \
                 P-256/P-384 or Ed25519 key"
                    .to_owned(),
                Evidence::Key { key: key.clone() },
            );
            return;
        }
        for i in presented_indices(path) {
            let Some(desc) = self.desc(i).cloned() else {
                continue;
            };
            let weak_sig = !matches!(
                desc.signature_algorithm.as_str(),
                "ecdsa-with-SHA256"
                    | "ecdsa-with-SHA384"
                    | "sha256WithRSAEncryption"
                    | "sha384WithRSAEncryption"
                    | "sha512WithRSAEncryption"
                    | "rsassaPss"
                    | "Ed25519"
            );
            let weak_key = i > 0 && !desc.public_key.handshake_capable();
            if !weak_sig && !weak_key {
                continue;
            }
            let label = self.label(i);
            let what = if weak_sig {
                format!(
                    "is signed with {} by \"{}\"",
                    desc.signature_algorithm, desc.issuer
                )
            } else {
                format!(
                    "has {} {} key",
                    article(&desc.public_key.to_string()),
                    desc.public_key
                )
            };
            self.push(
                Code::UnsupportedAlgorithm,
                Some(i),
                Actor::ServerOperator,
                format!("{label} {what}, which strict clients refuse"),
                "server operator: reissue with SHA-256 or better, signed by an RSA 2048-8192 or \
                 ECDSA P-256/P-384 key"
                    .to_owned(),
                Evidence::Key {
                    key: desc.public_key.clone(),
                },
            );
            return;
        }
    }

    #[inline(never)]
    pub(super) fn malformed(&mut self) {
        // A certificate whose outer structure reads is not malformed in any sense a client
        // acts on (webpki judges the rest), and testing that costs nothing; a full decode
        // here would double the cost of every failure report.
        let unreadable: Vec<usize> = (0..self.presented.len())
            .filter(|&i| self.skim(i).is_none())
            .collect();
        self.push_each(
            Code::MalformedCertificate,
            &unreadable,
            Self::malformed_one,
            "unparsable",
            (
                Actor::ServerOperator,
                "server operator: the certificate file is corrupt or not X.509; re-export it \
                 from the CA's download",
            ),
        );
    }

    /// Presented certificate `i`, whose outer structure does not read, with the reason.
    fn malformed_one(&mut self, i: usize) {
        let Some(der) = self.presented.der(i) else {
            return;
        };
        let error = match Description::decode(&der) {
            Err(e) => e.to_string(),
            Ok(_) => "its outer structure is not a certificate".to_owned(),
        };
        let role = if i == 0 {
            "the leaf"
        } else {
            "presented certificate"
        };
        self.push(
            Code::MalformedCertificate,
            Some(i),
            Actor::ServerOperator,
            format!(
                "{role} [{i}] (sha256 {}) does not parse: {error}",
                self.sha(i)
            ),
            "server operator: the certificate file is corrupt or not X.509; re-export it from \
             the CA's download"
                .to_owned(),
            Evidence::None,
        );
    }
}
