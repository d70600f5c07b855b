//! The full public [`Description`] of a certificate, decoded by x509-cert only when
//! something must be explained.

use std::time::Duration;

use der::asn1::ObjectIdentifier;
use der::oid::AssociatedOid;
use der::{Decode, Encode};
use pki_types::{CertificateDer, UnixTime};
use x509_cert::ext::pkix::{
    AuthorityInfoAccessSyntax, AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage,
    SubjectAltName, SubjectKeyIdentifier,
};

use super::dn::{common_names_in, name_text};
use super::extension_values::{
    allows_server_auth, basic_constraints_in, ca_issuers_in, eku_in, only_extension, sans_in,
};
use super::skim::Skim;
use super::{hex, sha256_hex};
use crate::input::InputError;
use crate::key::PublicKey;
use crate::name::San;

/// Everything a report says about one certificate: owned, decoded once, only when needed.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "json", derive(serde::Serialize))]
#[non_exhaustive]
pub struct Description {
    /// Subject distinguished name ([RFC 4514] string form).
    ///
    /// [RFC 4514]: https://www.rfc-editor.org/rfc/rfc4514
    pub subject: String,
    /// Issuer distinguished name.
    pub issuer: String,
    /// Serial number, lowercase hex.
    pub serial: String,
    /// Start of validity.
    #[cfg_attr(
        feature = "json",
        serde(serialize_with = "crate::cert::serialize_time")
    )]
    pub not_before: UnixTime,
    /// End of validity.
    #[cfg_attr(
        feature = "json",
        serde(serialize_with = "crate::cert::serialize_time")
    )]
    pub not_after: UnixTime,
    /// SHA-256 of the DER, lowercase hex: the fingerprint people compare.
    pub sha256: String,
    /// subjectAltName entries, in certificate order.
    pub san: Vec<San>,
    /// Subject common names (never used for host matching).
    pub common_names: Vec<String>,
    /// basicConstraints cA is true.
    pub is_ca: bool,
    /// basicConstraints pathLenConstraint, when present.
    pub path_len: Option<u8>,
    /// Subject equals issuer and the key identifiers do not contradict it.
    pub self_signed: bool,
    /// subjectKeyIdentifier, lowercase hex.
    pub subject_key_id: Option<String>,
    /// authorityKeyIdentifier keyIdentifier, lowercase hex.
    pub authority_key_id: Option<String>,
    /// AIA caIssuers URLs: where the issuer certificate can be downloaded.
    pub ca_issuers: Vec<String>,
    /// Extended key usage OIDs; `None` when the extension is absent (any purpose).
    pub extended_key_usage: Option<Vec<String>>,
    /// The subject public key.
    pub public_key: PublicKey,
    /// The signature algorithm OID (dotted), with its common name when known.
    pub signature_algorithm: String,
}

impl Description {
    /// Decodes a certificate fully with x509-cert.
    ///
    /// # Errors
    ///
    /// [`InputError::Certificate`] (index 0) with the byte offset and the decoder's reason
    /// when `der` is not a certificate x509-cert reads ([RFC 5280 section 4.1]).
    ///
    /// [RFC 5280 section 4.1]: https://www.rfc-editor.org/rfc/rfc5280#section-4.1
    pub fn new(der: &CertificateDer<'_>) -> Result<Self, InputError> {
        Self::decode(der).map_err(|e| InputError::certificate(0, &e))
    }

    /// [`Description::new`] with the decoder's own error, whose words a finding quotes.
    pub(crate) fn decode(der: &CertificateDer<'_>) -> der::Result<Self> {
        let cert = x509_cert::Certificate::from_der(der.as_ref())?;
        let tbs = cert.tbs_certificate();
        // The names through the one writer, from the bytes x509-cert decoded them from; a
        // skim reads whatever x509-cert does, and should it not, `Display` is what the
        // writer answers for a name x509-cert decodes.
        let skim = Skim::new(der.as_ref()).ok();
        let names = skim.map(|skim| (name_text(skim.subject), name_text(skim.issuer)));
        let (subject, issuer) =
            names.unwrap_or_else(|| (tbs.subject().to_string(), tbs.issuer().to_string()));
        let extension = |oid| only_extension(tbs.extensions(), oid);
        let san = match extension(&SubjectAltName::OID)? {
            Some(value) => sans_in(value)?,
            None => Vec::new(),
        };
        let (is_ca, path_len) = match extension(&BasicConstraints::OID)? {
            Some(value) => basic_constraints_in(value)?,
            None => (false, None),
        };
        let subject_key_id = tbs
            .get_extension::<SubjectKeyIdentifier>()?
            .map(|(_, ski)| hex(ski.0.as_bytes()));
        let authority_key_id = tbs
            .get_extension::<AuthorityKeyIdentifier>()?
            .and_then(|(_, aki)| aki.key_identifier.map(|id| hex(id.as_bytes())));
        let ca_issuers = match extension(&AuthorityInfoAccessSyntax::OID)? {
            Some(value) => ca_issuers_in(value)?,
            None => Vec::new(),
        };
        let extended_key_usage = extension(&ExtendedKeyUsage::OID)?.map(eku_in).transpose()?;
        let common_names = common_names_in(tbs.subject());
        let spki = tbs.subject_public_key_info().to_der()?;
        let self_issued = tbs.subject() == tbs.issuer();
        let self_signed = self_issued
            && match (&subject_key_id, &authority_key_id) {
                (Some(ski), Some(aki)) => ski == aki,
                _ => true,
            };
        Ok(Self {
            subject,
            issuer,
            serial: hex(tbs.serial_number().as_bytes()),
            not_before: unix(tbs.validity().not_before.to_unix_duration()),
            not_after: unix(tbs.validity().not_after.to_unix_duration()),
            sha256: sha256_hex(der.as_ref()),
            san,
            common_names,
            is_ca,
            path_len,
            self_signed,
            subject_key_id,
            authority_key_id,
            ca_issuers,
            extended_key_usage,
            public_key: PublicKey::from_spki(&spki),
            signature_algorithm: signature_name(cert.signature_algorithm().oid),
        })
    }

    /// Whether the EKU extension admits TLS server authentication ([RFC 5280 section
    /// 4.2.1.12]): absent, or listing serverAuth. webpki does not honour anyExtendedKeyUsage.
    ///
    /// [RFC 5280 section 4.2.1.12]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.12
    pub fn allows_server_auth(&self) -> bool {
        allows_server_auth(self.extended_key_usage.as_deref())
    }
}

fn unix(duration: Duration) -> UnixTime {
    UnixTime::since_unix_epoch(duration)
}

/// Whether the certificate is signed with SHA-1, which modern clients refuse ([RFC 9155]
/// deprecates it in TLS; browsers and Go refuse it in certificates). Read from the name
/// [`signature_name`] gives it.
///
/// [RFC 9155]: https://www.rfc-editor.org/rfc/rfc9155
pub(crate) fn signed_with_sha1(description: &Description) -> bool {
    matches!(
        description.signature_algorithm.as_str(),
        "sha1WithRSAEncryption" | "ecdsa-with-SHA1" | "dsa-with-sha1"
    )
}

fn signature_name(oid: ObjectIdentifier) -> String {
    let name = match oid.to_string().as_str() {
        "1.2.840.113549.1.1.4" => "md5WithRSAEncryption",
        "1.2.840.113549.1.1.5" => "sha1WithRSAEncryption",
        "1.2.840.113549.1.1.11" => "sha256WithRSAEncryption",
        "1.2.840.113549.1.1.12" => "sha384WithRSAEncryption",
        "1.2.840.113549.1.1.13" => "sha512WithRSAEncryption",
        "1.2.840.113549.1.1.10" => "rsassaPss",
        "1.2.840.10045.4.1" => "ecdsa-with-SHA1",
        "1.2.840.10045.4.3.2" => "ecdsa-with-SHA256",
        "1.2.840.10045.4.3.3" => "ecdsa-with-SHA384",
        "1.2.840.10045.4.3.4" => "ecdsa-with-SHA512",
        "1.3.101.112" => "Ed25519",
        "1.2.840.10040.4.3" => "dsa-with-sha1",
        _ => return oid.to_string(),
    };
    name.to_owned()
}
