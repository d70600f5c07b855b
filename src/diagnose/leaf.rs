//! The leaf's own checks: what the first certificate is ([RFC 8446 section 4.4.2]), whether
//! it names the host ([RFC 9525 section 6.3]), and whether its key can sign a handshake.
//!
//! [RFC 8446 section 4.4.2]: https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2
//! [RFC 9525 section 6.3]: https://www.rfc-editor.org/rfc/rfc9525#section-6.3

use pki_types::CertificateDer;

use crate::finding::{Actor, Code, Evidence, Text};
use crate::key::PublicKey;
use crate::name::{NameMatch, match_host, san_names};
use crate::verdict::{self, Rejection};

use super::Diagnosis;
use super::words::{article, name_remediation, san_list};

/// What the first presented certificate turned out to be, for the untrusted path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum First {
    /// An end-entity certificate (or one that does not parse).
    Leaf,
    /// A CA certificate, and the end-entity is later in the list (`leaf-not-first`).
    CaBeforeLeaf,
    /// A CA certificate, and no end-entity is presented at all (`ca-used-as-leaf`).
    CaAlone,
}

impl<'p> Diagnosis<'p> {
    #[cold]
    #[inline(never)]
    pub(super) fn ca_used_as_leaf(&mut self, first: First, rejection: &Rejection) {
        if first == First::CaBeforeLeaf {
            // `leaf-not-first` already says what is wrong and what to do.
            return;
        }
        let leaf = self.label(0);
        self.push(
            Code::CaUsedAsLeaf,
            Some(0),
            Actor::ServerOperator,
            format!(
                "{leaf} is a CA certificate (basicConstraints cA=TRUE) served as the server \
                 certificate, and no end-entity certificate is presented"
            ),
            "server operator: serve an end-entity certificate for this host (issued by this \
             CA), then its intermediates, not the CA certificate alone"
                .to_owned(),
            Evidence::Webpki {
                error: rejection.webpki().to_owned(),
            },
        );
    }

    /// Whether the leaf is valid for the endpoint's host, as webpki judges it
    /// ([`verdict::names_host`]), read from the skimmed SANs where they are plain
    /// ([`san_names`]). `true` when there is nothing to judge: no endpoint, or a leaf that
    /// does not parse (`malformed-certificate` says so).
    #[inline(never)]
    pub(super) fn leaf_names_host(&self) -> bool {
        let (Some(endpoint), Some(skim)) = (self.endpoint, self.skim(0)) else {
            return true;
        };
        let name = endpoint.server_name_ref();
        san_names(skim.san_value(), name)
            .unwrap_or_else(|| verdict::names_host(&CertificateDer::from(skim.der), name))
    }

    /// Host matching ([RFC 9525 section 6.3]) against the leaf's SANs. With `rejection`,
    /// webpki said the name does not match: if certdeps' matcher disagrees, webpki's word is
    /// reported as the error and the disagreement as a warning.
    ///
    /// [RFC 9525 section 6.3]: https://www.rfc-editor.org/rfc/rfc9525#section-6.3
    #[cold]
    #[inline(never)]
    pub(super) fn name_mismatch(&mut self, rejection: Option<&Rejection>) {
        let Some(endpoint) = self.endpoint else {
            return;
        };
        let Some(skim) = self.skim(0) else {
            return;
        };
        let host = endpoint.host();
        // A leaf whose names do not read is `malformed-certificate`'s business.
        let Some(sans) = skim.sans() else {
            return;
        };
        if let NameMatch::Matched(san) = match_host(host, &sans, &[]) {
            if let Some(rejection) = rejection {
                let label = self.label(0);
                self.push(
                    Code::NameMismatch,
                    Some(0),
                    Actor::ClientOwner,
                    format!(
                        "webpki says {label} is not valid for host {host} ({}); {}",
                        rejection.webpki(),
                        san_list(&sans)
                    ),
                    name_remediation(host),
                    Evidence::Names {
                        host: host.to_string(),
                        san: sans,
                        cn_only: false,
                    },
                );
                self.push(
                    Code::VerifierDisagreement,
                    Some(0),
                    Actor::ClientOwner,
                    format!(
                        "certdeps' host matching says SAN {san} of {label} covers {host}, \
                         but webpki disagrees"
                    ),
                    "client owner: the verdict stays webpki's; please report this case to \
                     certdeps",
                    Evidence::None,
                );
            }
            return;
        }
        let common_names = skim.common_names();
        let common_names: Vec<&str> = common_names.iter().map(String::as_str).collect();
        let cn_only = matches!(
            match_host(host, &[], &common_names),
            NameMatch::Mismatch { cn_only: true, .. }
        );
        let (label, quoted_host) = (self.label(0), host.clone());
        let [message, remediation] = Text::lazy_pair(move || {
            let sans = label.skim().and_then(|s| s.sans()).unwrap_or_default();
            let cn_note = if cn_only {
                "; only its subject CN names the host, and clients ignore the CN (RFC 9525 \
                 section 6.3)"
            } else {
                ""
            };
            [
                format!(
                    "{label} is not valid for host {quoted_host}: {}{cn_note}",
                    san_list(&sans)
                ),
                name_remediation(&quoted_host),
            ]
        });
        self.push(
            Code::NameMismatch,
            Some(0),
            Actor::ClientOwner,
            message,
            remediation,
            Evidence::Names {
                host: host.to_string(),
                san: sans,
                cn_only,
            },
        );
    }

    /// The leaf-key check also after a chain failure, so both problems are reported.
    #[inline(never)]
    pub(super) fn leaf_key(&mut self) {
        let Some(skim) = self.skim(0) else { return };
        let key = PublicKey::from_spki(skim.spki);
        if key.handshake_capable() || self.has(Code::UnsupportedAlgorithm) {
            return;
        }
        let label = self.label(0);
        self.push(
            Code::UnsupportedAlgorithm,
            Some(0),
            Actor::ServerOperator,
            format!(
                "{label} has {} {key} key, which rustls cannot verify a handshake signature with",
                article(&key.to_string())
            ),
            "server operator: reissue the certificate with an RSA 2048-8192, ECDSA P-256/P-384 \
             or Ed25519 key"
                .to_owned(),
            Evidence::Key { key },
        );
    }

    /// [RFC 8446 section 4.4.2]: "The sender's certificate MUST come in the first
    /// CertificateEntry in the list." Says what the first certificate is, and reports
    /// `leaf-not-first` when it is a CA and an end-entity follows.
    ///
    /// [RFC 8446 section 4.4.2]: https://www.rfc-editor.org/rfc/rfc8446#section-4.4.2
    #[inline(never)]
    pub(super) fn first(&mut self) -> First {
        if !self.skim(0).is_some_and(|s| s.is_ca()) {
            return First::Leaf;
        }
        let leaf = (1..self.presented.len()).find(|&i| self.skim(i).is_some_and(|s| !s.is_ca()));
        let Some(j) = leaf else {
            return First::CaAlone;
        };
        let first = self.label(0).as_certificate();
        let label = self.label(j);
        self.push(
            Code::LeafNotFirst,
            Some(0),
            Actor::ServerOperator,
            format!(
                "the first presented certificate, {first}, is a CA; the end-entity {label} \
                 comes later, but every client takes the first as the server's certificate"
            ),
            "server operator: order the chain file leaf first, then its issuers (RFC 8446 \
             section 4.4.2)"
                .to_owned(),
            Evidence::Certificates {
                indices: vec![0, j],
            },
        );
        First::CaBeforeLeaf
    }
}

#[cfg(test)]
mod tests {
    use pki_types::ServerName;

    use crate::diagnose::tests::{HOST, codes, findings, now, pinned};
    use crate::endpoint::Endpoint;
    use crate::finding::{Code, Severity};
    use crate::verdict::verify;

    #[test]
    fn host_disagreement_keeps_webpkis_error_and_adds_a_warning() {
        // webpki judged another name than the one certdeps matches: a stand-in for a
        // matcher bug, which is exactly what the finding exists to surface.
        let (config, presented) = pinned();
        let other = ServerName::try_from("owa.contoso.test").unwrap();
        let verdict = verify(&presented, config.anchors(), Some(&other), &[], now());
        assert_eq!(verdict.rejection().unwrap().code, Code::NameMismatch);
        let endpoint = Endpoint::parse(HOST).unwrap();
        let found = findings(&config, &endpoint, &presented, &verdict);
        assert_eq!(
            codes(&found),
            vec![
                (Code::NameMismatch, Severity::Error),
                (Code::VerifierDisagreement, Severity::Warning)
            ]
        );
        let disagreement = &found[1];
        assert_eq!(disagreement.certificate, Some(0));
        assert!(disagreement.message().contains(HOST), "{disagreement}");
        assert!(
            disagreement.message().contains("webpki disagrees"),
            "{disagreement}"
        );
        assert!(
            disagreement.remediation().starts_with("client owner"),
            "{disagreement}"
        );
        assert!(
            found[0].message().contains("CertNotValidForName"),
            "{}",
            found[0]
        );
    }
}
