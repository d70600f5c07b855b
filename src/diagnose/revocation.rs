//! Revocation: which certificate a supplied CRL revokes, which CRL cannot be used, and which
//! path certificate no CRL covers, matched by issuer name and serial bytes against the CRLs
//! the configuration read ([`crate::crl::Crls`]), to name what webpki's revocation verdict
//! is about ([RFC 5280 section 5]); webpki alone decides.
//!
//! [RFC 5280 section 5]: https://www.rfc-editor.org/rfc/rfc5280#section-5

use der::Decode;
use x509_cert::Certificate;

use crate::anchor::looks_self_signed;
use crate::cert::format_time;
use crate::chain::Path;
use crate::finding::{Actor, Code, Evidence};
use crate::report::name_to_string;
use crate::verdict::{Cause, Rejection};

use super::{Diagnosis, presented_indices};

impl<'p> Diagnosis<'p> {
    /// [RFC 5280 section 6.3]: which certificate on the path a supplied CRL revokes.
    ///
    /// [RFC 5280 section 6.3]: https://www.rfc-editor.org/rfc/rfc5280#section-6.3
    #[cold]
    #[inline(never)]
    pub(super) fn revoked(&mut self, path: Option<&Path<'p>>) {
        let crls = self.config.crls();
        for i in presented_indices(path) {
            let (Some(skim), Some(der)) = (self.skim(i), self.presented.get(i)) else {
                continue;
            };
            let Ok(cert) = Certificate::from_der(der) else {
                continue;
            };
            let serial = cert.tbs_certificate().serial_number().as_bytes();
            let Some((k, at)) = crls.revoking(skim.issuer, serial) else {
                continue;
            };
            let Some(desc) = self.desc(i).cloned() else {
                continue;
            };
            let label = self.label(i);
            let who = if i == 0 {
                "server operator: replace the revoked certificate with a newly issued one"
            } else {
                "server operator: this intermediate is revoked; get the CA's current chain and \
                 a leaf issued under it"
            };
            self.push(
                Code::Revoked,
                Some(i),
                Actor::ServerOperator,
                format!(
                    "{label} (serial {}) is revoked by the supplied CRL [{k}] of \"{}\" \
                     (revoked at {})",
                    desc.serial,
                    desc.issuer,
                    format_time(at)
                ),
                who.to_owned(),
                Evidence::Crl {
                    index: k,
                    issuer: Some(desc.issuer.clone()),
                    serial: Some(desc.serial.clone()),
                },
            );
            return;
        }
    }

    /// A supplied CRL that webpki cannot use: one that does not parse, else the one issued
    /// in the name of a path certificate's issuer.
    #[cold]
    #[inline(never)]
    pub(super) fn crl_unusable(&mut self, path: Option<&Path<'p>>, rejection: &Rejection) {
        let crls = self.config.crls();
        let mut any = false;
        for (k, error) in crls.unparsable() {
            any = true;
            self.push(
                Code::CrlUnusable,
                None,
                Actor::ClientOwner,
                format!("the supplied CRL [{k}] does not parse: {error}"),
                "client owner: supply the CRL exactly as the CA publishes it (DER or PEM \
                 X509 CRL)"
                    .to_owned(),
                Evidence::Crl {
                    index: k,
                    issuer: None,
                    serial: None,
                },
            );
        }
        if any || rejection.code != Code::CrlUnusable {
            return;
        }
        let why = crl_error_text(rejection.cause());
        for i in presented_indices(path) {
            let Some(k) = self.skim(i).and_then(|skim| crls.issued_by(skim.issuer)) else {
                continue;
            };
            let Some(desc) = self.desc(i).cloned() else {
                continue;
            };
            let label = self.label(i);
            self.push(
                Code::CrlUnusable,
                Some(i),
                Actor::ClientOwner,
                format!(
                    "the supplied CRL [{k}] of \"{}\", needed to check {label}, cannot be \
                     used: {why} (webpki: {})",
                    desc.issuer,
                    rejection.webpki()
                ),
                format!(
                    "client owner: supply the current CRL published and signed by \"{}\", or \
                     remove this one",
                    desc.issuer
                ),
                Evidence::Crl {
                    index: k,
                    issuer: Some(desc.issuer.clone()),
                    serial: None,
                },
            );
            return;
        }
    }

    /// CRLs were supplied but none is issued by the issuer of a certificate on the path:
    /// its revocation status is unknown, which certdeps (like rustls) allows.
    #[inline(never)]
    pub(super) fn revocation_coverage(&mut self, on_path: &[usize]) {
        let crls = self.config.crls();
        if crls.is_empty() {
            return;
        }
        if crls.unparsable().next().is_some() {
            // Whom an unreadable CRL was meant to cover is unknown; `crl-unusable` says it.
            return;
        }
        for &i in on_path {
            let Some(skim) = self.skim(i) else { continue };
            if looks_self_signed(skim) {
                continue;
            }
            if crls.issued_by(skim.issuer).is_some() {
                continue;
            }
            let issuer = name_to_string(skim.issuer);
            let label = self.label(i);
            self.push(
                Code::RevocationUnknown,
                Some(i),
                Actor::ClientOwner,
                format!(
                    "no supplied CRL is issued by \"{issuer}\", so whether {label} is revoked is \
                     unknown (allowed, as rustls allows it by default)"
                ),
                format!(
                    "client owner: also supply the current CRL of \"{issuer}\" to check {label}"
                ),
                Evidence::Certificates { indices: vec![i] },
            );
        }
    }
}

/// webpki's CRL errors in words, whether webpki met them reading the CRL or using it.
// The deprecated unit variants are still returned by some 0.103 code paths.
#[allow(deprecated)]
fn crl_error_text(cause: &Cause) -> &'static str {
    use webpki::Error as E;
    let (Cause::Webpki(error) | Cause::UnreadableCrl(error)) = cause else {
        return "webpki refuses it";
    };
    match error {
        E::InvalidCrlSignatureForPublicKey => "its signature does not verify with the issuer's key",
        E::IssuerNotCrlSigner => "the issuer's key usage does not allow signing CRLs",
        E::CrlExpired { .. } => "it is past its nextUpdate",
        E::UnsupportedCrlSignatureAlgorithm
        | E::UnsupportedCrlSignatureAlgorithmContext(_)
        | E::UnsupportedCrlSignatureAlgorithmForPublicKey
        | E::UnsupportedCrlSignatureAlgorithmForPublicKeyContext(_) => {
            "it is signed with an algorithm webpki does not support"
        }
        E::UnsupportedDeltaCrl => "it is a delta CRL, which webpki does not support",
        E::UnsupportedIndirectCrl => "it is an indirect CRL, which webpki does not support",
        E::UnsupportedCrlIssuingDistributionPoint => {
            "its issuing distribution point is of a form webpki does not support"
        }
        E::UnsupportedRevocationReason | E::UnsupportedRevocationReasonsPartitioning => {
            "it uses a revocation reason webpki does not support"
        }
        E::UnsupportedCrlVersion => "it is not a version 2 CRL",
        E::InvalidCrlNumber => "its CRL number is invalid",
        _ => "webpki refuses it",
    }
}
