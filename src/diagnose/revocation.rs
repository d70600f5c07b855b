//! Revocation: which certificate a supplied CRL revokes, which CRL cannot be used, and which
//! path certificate no CRL covers. The CRLs are read with x509-cert to name what webpki's
//! revocation verdict is about ([RFC 5280 section 5]); webpki alone decides.
//!
//! [RFC 5280 section 5]: https://www.rfc-editor.org/rfc/rfc5280#section-5

use std::time::Duration;

use der::Decode;
use pki_types::{CertificateRevocationListDer, UnixTime};
use x509_cert::certificate::Rfc5280;
use x509_cert::crl::CertificateList;

use crate::cert::hex;
use crate::chain::{Path, looks_self_signed};
use crate::finding::{Code, Evidence};
use crate::report::{format_time, name_to_string};
use crate::verify::{Cause, Rejection};

use super::{Diagnosis, presented_indices};

impl<'p> Diagnosis<'p> {
    /// [RFC 5280 section 6.3]: which certificate on the path a supplied CRL revokes.
    ///
    /// [RFC 5280 section 6.3]: https://www.rfc-editor.org/rfc/rfc5280#section-6.3
    #[cold]
    #[inline(never)]
    pub(super) fn revoked(&mut self, path: Option<&Path<'p>>) {
        let crls = Crls::parse(self.config.crls());
        for i in presented_indices(path) {
            let Some(desc) = self.desc(i).cloned() else {
                continue;
            };
            let Some((k, at)) = crls.revoking(&desc.issuer, &desc.serial) else {
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
        let crls = Crls::parse(self.config.crls());
        let mut any = false;
        for (k, error) in crls.unparsable() {
            any = true;
            self.push(
                Code::CrlUnusable,
                None,
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
            let Some(desc) = self.desc(i).cloned() else {
                continue;
            };
            let Some(k) = crls.issued_by(&desc.issuer) else {
                continue;
            };
            let label = self.label(i);
            self.push(
                Code::CrlUnusable,
                Some(i),
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
        if self.config.crls().is_empty() {
            return;
        }
        let crls = Crls::parse(self.config.crls());
        if crls.unparsable().next().is_some() {
            // Whom an unreadable CRL was meant to cover is unknown; `crl-unusable` says it.
            return;
        }
        for &i in on_path {
            let Some(skim) = self.skim(i) else { continue };
            if looks_self_signed(skim) {
                continue;
            }
            let issuer = name_to_string(skim.issuer);
            if crls.issued_by(&issuer).is_some() {
                continue;
            }
            let label = self.label(i);
            self.push(
                Code::RevocationUnknown,
                Some(i),
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

/// Every supplied CRL, parsed or with the reason it does not parse, in the order given.
pub(super) struct Crls {
    entries: Vec<Result<Crl, String>>,
}

struct Crl {
    /// Issuer name, in the RFC 4514 form `Description` uses.
    issuer: String,
    /// Revoked serial numbers (lowercase hex, as `Description::serial`) and when.
    revoked: Vec<(String, UnixTime)>,
}

impl Crls {
    pub(super) fn parse(crls: &[CertificateRevocationListDer<'_>]) -> Self {
        let entries = crls
            .iter()
            .map(|der| {
                let list = CertificateList::<Rfc5280>::from_der(der.as_ref())
                    .map_err(|e| e.to_string())?;
                let tbs = list.tbs_cert_list;
                let revoked = tbs
                    .revoked_certificates
                    .unwrap_or_default()
                    .iter()
                    .map(|r| {
                        let at = UnixTime::since_unix_epoch(Duration::from_secs(
                            r.revocation_date.to_unix_duration().as_secs(),
                        ));
                        (hex(r.serial_number.as_bytes()), at)
                    })
                    .collect();
                Ok(Crl {
                    issuer: tbs.issuer.to_string(),
                    revoked,
                })
            })
            .collect();
        Self { entries }
    }

    /// The CRLs that do not parse: position and reason.
    pub(super) fn unparsable(&self) -> impl Iterator<Item = (usize, &str)> + '_ {
        self.entries
            .iter()
            .enumerate()
            .filter_map(|(k, e)| e.as_ref().err().map(|why| (k, why.as_str())))
    }

    /// The first CRL issued in the name `issuer`.
    pub(super) fn issued_by(&self, issuer: &str) -> Option<usize> {
        self.entries
            .iter()
            .position(|e| e.as_ref().is_ok_and(|crl| crl.issuer == issuer))
    }

    /// The CRL of `issuer` that revokes `serial`, and when it was revoked.
    pub(super) fn revoking(&self, issuer: &str, serial: &str) -> Option<(usize, UnixTime)> {
        self.entries.iter().enumerate().find_map(|(k, e)| {
            let crl = e.as_ref().ok().filter(|crl| crl.issuer == issuer)?;
            let (_, at) = crl.revoked.iter().find(|(s, _)| s == serial)?;
            Some((k, *at))
        })
    }
}
