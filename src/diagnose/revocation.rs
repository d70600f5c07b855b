//! The supplied CRLs, read with x509-cert to name what webpki's revocation verdict is about
//! ([RFC 5280 section 5]). webpki alone decides; this only explains.
//!
//! [RFC 5280 section 5]: https://www.rfc-editor.org/rfc/rfc5280#section-5

use std::time::Duration;

use der::Decode;
use pki_types::{CertificateRevocationListDer, UnixTime};
use x509_cert::certificate::Rfc5280;
use x509_cert::crl::CertificateList;

use crate::cert::hex;

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
