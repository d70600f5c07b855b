//! The supplied CRLs, read once when a verifier is built: by webpki for the verdict, and with
//! x509-cert for the fields the diagnosis names (issuer and revoked serials, [RFC 5280
//! section 5.1]). webpki alone decides; these fields only say which certificate its
//! revocation verdict is about.
//!
//! [RFC 5280 section 5.1]: https://www.rfc-editor.org/rfc/rfc5280#section-5.1

use std::sync::Arc;
use std::time::Duration;

use der::asn1::AnyRef;
use der::{Decode, Encode};
use pki_types::{CertificateRevocationListDer, UnixTime};
use x509_cert::certificate::Rfc5280;
use x509_cert::crl::CertificateList;

use crate::verdict::RevocationLists;

/// Every supplied CRL, as webpki and the diagnosis read it, in the order given.
#[derive(Clone, Debug, Default)]
pub(crate) struct Crls {
    webpki: RevocationLists,
    /// Each CRL's fields, or why x509-cert cannot read it. Shared: cloning a verifier does
    /// not copy them.
    read: Arc<[Result<Crl, der::Error>]>,
    /// The CRLs as supplied, for a verifier outside the crate (rustls') to read the same ones.
    #[cfg(feature = "rustls")]
    der: Arc<[CertificateRevocationListDer<'static>]>,
}

/// The fields of one CRL the diagnosis matches certificates against.
#[derive(Clone, Debug)]
struct Crl {
    /// Issuer Name contents without the SEQUENCE header: the form a certificate's issuer is
    /// skimmed in, so that matching is a byte comparison, as webpki's is.
    issuer: Vec<u8>,
    /// Revoked serial numbers (the INTEGER's content bytes) and when each was revoked.
    revoked: Vec<(Vec<u8>, UnixTime)>,
}

impl Crls {
    /// Reads every CRL; one that does not parse is kept as such, to be reported (as
    /// `crl-unusable`) by every check, which is when a report can say it.
    pub(crate) fn read(crls: &[CertificateRevocationListDer<'_>]) -> Self {
        Self {
            webpki: RevocationLists::read(crls),
            read: crls.iter().map(|der| Crl::read(der.as_ref())).collect(),
            #[cfg(feature = "rustls")]
            der: (crls.iter())
                .map(|der| CertificateRevocationListDer::from(der.as_ref().to_vec()))
                .collect(),
        }
    }

    /// The CRLs as supplied, in the order given.
    #[cfg(feature = "rustls")]
    pub(crate) fn der(&self) -> &[CertificateRevocationListDer<'static>] {
        &self.der
    }

    /// Whether no CRL was supplied.
    pub(crate) fn is_empty(&self) -> bool {
        self.read.is_empty()
    }

    /// The CRLs as webpki read them, for the verdict.
    pub(crate) fn webpki(&self) -> &RevocationLists {
        &self.webpki
    }

    /// The CRLs that do not parse: position and x509-cert's reason.
    pub(crate) fn unparsable(&self) -> impl Iterator<Item = (usize, &der::Error)> + '_ {
        self.read
            .iter()
            .enumerate()
            .filter_map(|(k, crl)| crl.as_ref().err().map(|why| (k, why)))
    }

    /// The first CRL issued in the name `issuer` (Name contents).
    pub(crate) fn issued_by(&self, issuer: &[u8]) -> Option<usize> {
        self.read
            .iter()
            .position(|crl| crl.as_ref().is_ok_and(|crl| crl.issuer == issuer))
    }

    /// The CRL of `issuer` (Name contents) that revokes `serial` (INTEGER content bytes),
    /// and when it was revoked.
    pub(crate) fn revoking(&self, issuer: &[u8], serial: &[u8]) -> Option<(usize, UnixTime)> {
        self.read.iter().enumerate().find_map(|(k, crl)| {
            let crl = crl.as_ref().ok().filter(|crl| crl.issuer == issuer)?;
            let (_, at) = crl.revoked.iter().find(|(s, _)| s == serial)?;
            Some((k, *at))
        })
    }
}

impl Crl {
    fn read(der: &[u8]) -> Result<Self, der::Error> {
        let tbs = CertificateList::<Rfc5280>::from_der(der)?.tbs_cert_list;
        let issuer = tbs.issuer.to_der()?;
        let issuer = AnyRef::from_der(&issuer)?.value().to_vec();
        let revoked = tbs
            .revoked_certificates
            .unwrap_or_default()
            .iter()
            .map(|r| {
                let at = UnixTime::since_unix_epoch(Duration::from_secs(
                    r.revocation_date.to_unix_duration().as_secs(),
                ));
                (r.serial_number.as_bytes().to_vec(), at)
            })
            .collect();
        Ok(Self { issuer, revoked })
    }
}
