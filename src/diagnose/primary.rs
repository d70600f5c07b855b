//! webpki's reason as the error finding, when no stage explains a refusal better: a report
//! that is not trusted always carries an error.

use crate::finding::{Actor, Code, Evidence, Severity};
use crate::verdict::{Cause, Rejection};

use super::Diagnosis;

impl<'p> Diagnosis<'p> {
    /// webpki's reason as the error finding, when no stage could explain it better. Always
    /// an error: a code that is not one (or has no meaning here) becomes `rejected`.
    #[cold]
    #[inline(never)]
    pub(super) fn primary_from_webpki(&mut self, rejection: &Rejection) {
        let leaf = self.label(0);
        let webpki = rejection.webpki();
        let (message, actor, who) = match rejection.code {
            Code::BadSignature => (
                format!("a signature on the path from {leaf} does not verify"),
                Actor::ServerOperator,
                "server operator: the chain contains a certificate signed by another key than \
                 its named issuer's; serve the issuer that actually signed it",
            ),
            Code::BudgetExceeded => (
                format!("path building from {leaf} ran out of its work budget"),
                Actor::ServerOperator,
                "server operator: serve a short, direct chain",
            ),
            Code::CaUsedAsLeaf => (
                format!("{leaf} is a CA certificate served as the server certificate"),
                Actor::ServerOperator,
                "server operator: serve the end-entity certificate first",
            ),
            Code::CrlUnusable => (
                format!("a supplied CRL needed to check the path from {leaf} cannot be used"),
                Actor::ClientOwner,
                "client owner: supply current CRLs signed by the issuers on the path",
            ),
            Code::Expired | Code::NotYetValid => (
                format!("a certificate on the path from {leaf} is outside its validity period"),
                Actor::ServerOperator,
                "server operator: renew the certificate; if the time is wrong, the client \
                 owner must fix the clock",
            ),
            Code::IncompleteChain => (
                format!("webpki found no path from {leaf} to a trust anchor"),
                Actor::ServerOperator,
                "server operator: serve the full chain up to a root the clients trust; or \
                 client owner: import the private root",
            ),
            Code::MalformedCertificate => match malformed_text(rejection.cause()) {
                Some(what) => (
                    format!("{leaf} or a certificate on its path {what}"),
                    Actor::ServerOperator,
                    "server operator: get the certificate reissued in a form strict clients \
                     accept",
                ),
                None => (
                    format!("a certificate or CRL involved in checking {leaf} is malformed"),
                    Actor::ServerOperator,
                    "server operator: re-export the certificates as valid DER X.509; client \
                     owner: check the supplied CRLs",
                ),
            },
            Code::NameConstraints => (
                format!("an issuer's name constraints exclude the names of {leaf}"),
                Actor::IssuingCa,
                "issuing CA: certify only names the constraints permit; or server operator: \
                 get a certificate for names the issuing CA may certify",
            ),
            Code::NameMismatch => (
                format!("{leaf} is not valid for the endpoint's host"),
                Actor::ClientOwner,
                "client owner: connect with a host name the certificate covers; or server \
                 operator: reissue the certificate for this host",
            ),
            Code::NotACa => (
                format!("a certificate that issued part of the path from {leaf} is not a CA"),
                Actor::ServerOperator,
                "server operator: get the certificate reissued by a real CA",
            ),
            Code::PathLength => (
                format!("a pathLenConstraint on the path from {leaf} is exceeded"),
                Actor::IssuingCa,
                "issuing CA: issue the leaf closer to the constrained CA; or server operator: \
                 get a certificate from a CA without this limit",
            ),
            Code::Revoked => (
                format!("a supplied CRL revokes a certificate on the path from {leaf}"),
                Actor::ServerOperator,
                "server operator: replace the revoked certificate",
            ),
            Code::UnsupportedAlgorithm => (
                format!("the path from {leaf} uses an algorithm strict clients refuse"),
                Actor::ServerOperator,
                "server operator: reissue with SHA-256 or better and an RSA >= 2048 or ECDSA \
                 P-256/P-384 key",
            ),
            Code::UntrustedRoot => (
                format!("the path from {leaf} ends at a distrusted root"),
                Actor::ServerOperator,
                "server operator: move to a certificate from a CA that is not distrusted",
            ),
            Code::WrongPurpose => (
                format!("a certificate on the path from {leaf} is not for TLS servers"),
                Actor::ServerOperator,
                "server operator: use a certificate (and intermediates) allowing serverAuth",
            ),
            Code::AnchorIncluded
            | Code::CertificateChanged
            | Code::ChainOutOfOrder
            | Code::DuplicateCertificate
            | Code::ExpiredInChain
            | Code::ExpiresSoon
            | Code::ExtraCertificates
            | Code::LeafNotFirst
            | Code::NoCertificates
            | Code::NoCommonCipher
            | Code::ProtocolVersion
            | Code::Rejected
            | Code::RevocationUnknown
            | Code::SelfSigned
            | Code::VerifierDisagreement => (
                format!("the strict client refused {leaf}"),
                Actor::ServerOperator,
                "server operator: see webpki's reason; if it concerns the trust store or the \
                 CRLs, the client owner acts instead",
            ),
        };
        let code = if rejection.code.severity() == Severity::Error {
            rejection.code
        } else {
            Code::Rejected
        };
        self.push(
            code,
            Some(0),
            actor,
            format!("{message} (webpki: {webpki})"),
            who.to_owned(),
            Evidence::Webpki {
                error: webpki.to_owned(),
            },
        );
    }

    #[cold]
    #[inline(never)]
    pub(super) fn primary_fallback(&mut self) {
        if let Some(rejection) = self.verdict.rejection().cloned() {
            self.primary_from_webpki(&rejection);
        }
    }
}

/// webpki's errors about certificates that parse as X.509 but that it refuses, in words.
fn malformed_text(cause: &Cause) -> Option<&'static str> {
    use webpki::Error as E;
    let Cause::Webpki(error) = cause else {
        return None;
    };
    Some(match error {
        E::UnsupportedCriticalExtension => {
            "carries a critical extension webpki does not support (RFC 5280 section 4.2: a \
             client must then reject the certificate)"
        }
        E::UnsupportedCertVersion => "is not an X.509 version 3 certificate",
        E::InvalidCertValidity => "has a notBefore later than its notAfter",
        E::InvalidSerialNumber => "has an invalid serial number",
        E::BadDerTime => "has an unreadable validity time",
        E::MalformedDnsIdentifier => "has a malformed DNS name",
        E::MalformedExtensions => "has malformed extensions",
        E::ExtensionValueInvalid => "has an invalid extension value",
        E::TrailingData(_) => "has data after the end of an encoded field",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use crate::diagnose::Diagnosis;
    use crate::diagnose::tests::{now, pinned};
    use crate::finding::{Code, Evidence, Severity};
    use crate::presented::{Presented, skim_all};
    use crate::verdict::{Cause, Rejection, verify};

    #[test]
    fn a_webpki_code_that_is_not_an_error_becomes_rejected() {
        // `revocation-unknown` is a warning; were webpki ever to refuse with it (a Deny
        // policy), the report must still carry an error.
        let (config, presented) = pinned();
        let verdict = verify(&presented, &[], None, &[], now());
        let presented = Presented::copy(&presented);
        let skims = skim_all(&presented);
        let mut diagnosis = Diagnosis::new(&config, None, &presented, &skims, &verdict, now());
        diagnosis.primary_from_webpki(&Rejection::new(
            Code::RevocationUnknown,
            Cause::Webpki(webpki::Error::UnknownRevocationStatus),
        ));
        let f = &diagnosis.findings[0];
        assert_eq!((f.code, f.severity), (Code::Rejected, Severity::Error));
        assert!(
            f.message().contains("UnknownRevocationStatus") && f.message().contains("leaf [0]")
        );
        assert_eq!(
            f.evidence,
            Evidence::Webpki {
                error: "UnknownRevocationStatus".to_owned()
            }
        );
    }
}
