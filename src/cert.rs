//! Certificates as certdeps reads them: a cheap zero-copy [`Skim`] for the hot path, and a
//! full [`Description`] (via x509-cert) only when something must be explained.
//!
//! webpki decides trust but exposes no validity dates, SAN lists or display names, so the
//! description comes from x509-cert; x509-cert never decides trust.

use std::net::IpAddr;
use std::time::Duration;

use der::asn1::{AnyRef, ObjectIdentifier};
use der::oid::AssociatedOid;
use der::{Decode, Encode, Reader, SliceReader, Tag, Tagged};
use pki_types::{CertificateDer, UnixTime};
use sha2::{Digest, Sha256};
use x509_cert::certificate::Rfc5280;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{
    AuthorityInfoAccessSyntax, AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage,
    SubjectAltName, SubjectKeyIdentifier,
};
use x509_cert::time::Validity;

use crate::der::{context_tag, sequence};
/// Crate-internal callers that wrap header-less contents find it here, beside the
/// certificate fields they wrap.
pub(crate) use crate::der::sequence_tlv;
use crate::key::PublicKey;
use crate::name::San;

/// Zero-copy readers for the usual shapes of a certificate and its extensions.
mod fast;

/// id-ad-caIssuers ([RFC 5280 section 4.2.2.1]).
///
/// [RFC 5280 section 4.2.2.1]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.2.1
const CA_ISSUERS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.2");
const SUBJECT_KEY_ID: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.14");
const AUTHORITY_KEY_ID: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.35");
/// id-kp-serverAuth, 1.3.6.1.5.5.7.3.1 ([RFC 5280 section 4.2.1.12]), as its DER content
/// bytes.
///
/// [RFC 5280 section 4.2.1.12]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.12
const SERVER_AUTH_OID: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01];

/// The fields of a certificate that chain assembly and the healthy path need, borrowed from
/// the DER without decoding anything else.
///
/// ```text
/// Certificate  ::=  SEQUENCE  { tbsCertificate TBSCertificate, ... }
/// TBSCertificate  ::=  SEQUENCE  {
///      version         [0]  EXPLICIT Version DEFAULT v1,
///      serialNumber         CertificateSerialNumber,
///      signature            AlgorithmIdentifier,
///      issuer               Name,
///      validity             Validity,
///      subject              Name,
///      subjectPublicKeyInfo SubjectPublicKeyInfo, ... }
/// ```
#[derive(Clone, Copy, Debug)]
pub(crate) struct Skim<'a> {
    pub(crate) der: &'a [u8],
    /// Contents of the issuer Name, without its SEQUENCE header (webpki's form).
    pub(crate) issuer: &'a [u8],
    /// Contents of the subject Name, without its SEQUENCE header (webpki's form).
    pub(crate) subject: &'a [u8],
    /// The whole SubjectPublicKeyInfo TLV.
    pub(crate) spki: &'a [u8],
    pub(crate) not_before: u64,
    pub(crate) not_after: u64,
    /// Contents of the `[3] EXPLICIT Extensions` field, when present.
    extensions: Option<&'a [u8]>,
    /// Where the extensions the accessors read are in `extensions`, so that each lookup
    /// (a failing check makes several per certificate) does not walk the list again; empty
    /// (every lookup walks) unless [`fast::skim`] read the certificate.
    index: fast::Index,
    /// subjectKeyIdentifier and the authorityKeyIdentifier keyIdentifier, read once when
    /// the certificate is skimmed: chain assembly asks for them for every pair of
    /// candidates, and where the index knows nothing (a list only the `der` crate reads)
    /// each lookup would walk the whole list twice.
    key_ids: KeyIds<'a>,
}

/// What [`Skim::subject_key_id`] and [`Skim::authority_key_id`] answer.
#[derive(Clone, Copy, Debug, Default)]
struct KeyIds<'a> {
    subject: Option<&'a [u8]>,
    authority: Option<&'a [u8]>,
}

impl<'a> Skim<'a> {
    /// Reads the outer structure of `der` ([RFC 5280 section 4.1]).
    ///
    /// [RFC 5280 section 4.1]: https://www.rfc-editor.org/rfc/rfc5280#section-4.1
    pub(crate) fn new(der: &'a [u8]) -> der::Result<Self> {
        let mut skim = match fast::skim(der) {
            Some(skim) => skim,
            None => Self::decode(der)?,
        };
        skim.key_ids = KeyIds {
            subject: skim.read_subject_key_id(),
            authority: skim.read_authority_key_id(),
        };
        Ok(skim)
    }

    /// [`Skim::new`] with the `der` crate's general reader, for every shape of input.
    fn decode(der: &'a [u8]) -> der::Result<Self> {
        let mut reader = SliceReader::new(der)?;
        let skim = reader.sequence(|cert| {
            cert.sequence(|tbs| {
                if Tag::peek(tbs)? == context_tag(0, true) {
                    AnyRef::decode(tbs)?;
                }
                AnyRef::decode(tbs)?; // serialNumber
                AnyRef::decode(tbs)?; // signature
                let issuer = name_contents(tbs)?;
                let validity = Validity::<Rfc5280>::decode(tbs)?;
                let subject = name_contents(tbs)?;
                let spki = tbs.tlv_bytes()?;
                let mut extensions = None;
                while !tbs.is_finished() {
                    let field = AnyRef::decode(tbs)?;
                    if field.tag() == context_tag(3, true) {
                        extensions = Some(AnyRef::from_der(field.value())?.value());
                    }
                }
                Ok::<_, der::Error>(Skim {
                    der,
                    issuer,
                    subject,
                    spki,
                    not_before: validity.not_before.to_unix_duration().as_secs(),
                    not_after: validity.not_after.to_unix_duration().as_secs(),
                    extensions,
                    index: fast::Index::default(),
                    key_ids: KeyIds::default(),
                })
            })
            .and_then(|skim| {
                AnyRef::decode(cert)?; // signatureAlgorithm
                AnyRef::decode(cert)?; // signatureValue
                Ok::<_, der::Error>(skim)
            })
        })?;
        reader.finish()?;
        Ok(skim)
    }

    /// The extnValue contents of the first extension with this OID
    /// ([RFC 5280 section 4.1.2.9]); `None` when absent or unreadable.
    ///
    /// [RFC 5280 section 4.1.2.9]: https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.9
    // Inlined so that the slot of a constant OID is worked out at compile time.
    #[inline(always)]
    pub(crate) fn extension(&self, oid: &ObjectIdentifier) -> Option<&'a [u8]> {
        let extensions = self.extensions?;
        match fast::slot(oid.as_bytes()).and_then(|slot| self.index.get(extensions, slot)) {
            Some(found) => found,
            None => walked_extension(extensions, oid),
        }
    }

    /// subjectKeyIdentifier ([RFC 5280 section 4.2.1.2]), as read when skimmed.
    ///
    /// [RFC 5280 section 4.2.1.2]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.2
    pub(crate) fn subject_key_id(&self) -> Option<&'a [u8]> {
        self.key_ids.subject
    }

    /// authorityKeyIdentifier keyIdentifier ([RFC 5280 section 4.2.1.1]), as read when
    /// skimmed.
    ///
    /// [RFC 5280 section 4.2.1.1]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.1
    pub(crate) fn authority_key_id(&self) -> Option<&'a [u8]> {
        self.key_ids.authority
    }

    /// [`Skim::subject_key_id`] from the extension ([RFC 5280 section 4.2.1.2]).
    ///
    /// [RFC 5280 section 4.2.1.2]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.2
    fn read_subject_key_id(&self) -> Option<&'a [u8]> {
        let value = self.extension(&SUBJECT_KEY_ID)?;
        if let Some((id, [])) = crate::der::tlv(value, 0x04) {
            return Some(id);
        }
        <&der::asn1::OctetStringRef>::from_der(value)
            .ok()
            .map(|o| o.as_bytes())
    }

    /// [`Skim::authority_key_id`] from the extension ([RFC 5280 section 4.2.1.1]).
    ///
    /// ```text
    /// AuthorityKeyIdentifier ::= SEQUENCE {
    ///    keyIdentifier             [0] KeyIdentifier           OPTIONAL, ... }
    /// ```
    ///
    /// [RFC 5280 section 4.2.1.1]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.1
    fn read_authority_key_id(&self) -> Option<&'a [u8]> {
        let value = self.extension(&AUTHORITY_KEY_ID)?;
        if let Some((fields, [])) = crate::der::tlv(value, 0x30) {
            if fields.is_empty() || fields[0] != 0x80 {
                return None;
            }
            if let Some((id, _)) = crate::der::tlv(fields, 0x80) {
                return Some(id);
            }
        }
        let seq = AnyRef::from_der(value).ok()?;
        let mut reader = SliceReader::new(seq.value()).ok()?;
        if reader.is_finished() {
            return None;
        }
        let first = AnyRef::decode(&mut reader).ok()?;
        (first.tag() == context_tag(0, false)).then(|| first.value())
    }

    /// Subject and issuer are the same name: a root, a self-signed leaf, or a self-issued
    /// key rollover ([RFC 5280 section 3.2]).
    ///
    /// [RFC 5280 section 3.2]: https://www.rfc-editor.org/rfc/rfc5280#section-3.2
    pub(crate) fn is_self_issued(&self) -> bool {
        self.issuer == self.subject
    }

    /// Whether `time` is inside notBefore..=notAfter ([RFC 5280 section 4.1.2.5]).
    ///
    /// [RFC 5280 section 4.1.2.5]: https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.5
    pub(crate) fn validity_at(&self, time: UnixTime) -> ValidityAt {
        let now = time.as_secs();
        if now < self.not_before {
            ValidityAt::NotYetValid
        } else if now > self.not_after {
            ValidityAt::Expired
        } else {
            ValidityAt::Valid
        }
    }
}

/// What the failure path reads of a certificate, each from its own extension's bytes rather
/// than from a full [`Description`].
impl<'a> Skim<'a> {
    /// The extension `T` read from its own extnValue by `decode` (one of the `*_in`
    /// functions [`Description::new`] uses too); `None` when absent or unreadable.
    fn read<T: AssociatedOid, V>(&self, decode: impl Fn(&[u8]) -> der::Result<V>) -> Option<V> {
        decode(self.extension(&T::OID)?).ok()
    }

    /// basicConstraints cA ([RFC 5280 section 4.2.1.9]): the subject is a CA. `false` when
    /// the extension is absent or unreadable, as [`Description::is_ca`] reads it.
    ///
    /// [RFC 5280 section 4.2.1.9]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.9
    pub(crate) fn is_ca(&self) -> bool {
        self.basic_constraints().0
    }

    /// basicConstraints pathLenConstraint ([RFC 5280 section 4.2.1.9]): how many
    /// non-self-issued intermediates may follow this CA. `None` when absent or unreadable.
    ///
    /// [RFC 5280 section 4.2.1.9]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.9
    pub(crate) fn path_len(&self) -> Option<u8> {
        self.basic_constraints().1
    }

    fn basic_constraints(&self) -> (bool, Option<u8>) {
        self.read::<BasicConstraints, _>(basic_constraints_in)
            .unwrap_or_default()
    }

    /// The subjectAltName extnValue, undecoded ([RFC 5280 section 4.2.1.6]).
    ///
    /// [RFC 5280 section 4.2.1.6]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.6
    pub(crate) fn san_value(&self) -> Option<&'a [u8]> {
        self.extension(&SubjectAltName::OID)
    }

    /// subjectAltName entries in certificate order ([RFC 5280 section 4.2.1.6]), exactly
    /// [`Description::san`]; empty when the extension is absent, `None` when it is present
    /// but does not read (then a client cannot know the names either).
    ///
    /// [RFC 5280 section 4.2.1.6]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.6
    pub(crate) fn sans(&self) -> Option<Vec<San>> {
        match self.san_value() {
            None => Some(Vec::new()),
            Some(value) => sans_in(value).ok(),
        }
    }

    /// AIA caIssuers URIs ([RFC 5280 section 4.2.2.1]), exactly [`Description::ca_issuers`];
    /// empty when the extension is absent or unreadable.
    ///
    /// [RFC 5280 section 4.2.2.1]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.2.1
    pub(crate) fn ca_issuers(&self) -> Vec<String> {
        self.read::<AuthorityInfoAccessSyntax, _>(ca_issuers_in)
            .unwrap_or_default()
    }

    /// extendedKeyUsage purposes ([RFC 5280 section 4.2.1.12]), exactly
    /// [`Description::extended_key_usage`]: `None` when absent (any purpose). An extension
    /// that does not decode admits no purpose (`Some` of nothing): webpki refuses it too.
    ///
    /// [RFC 5280 section 4.2.1.12]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.12
    pub(crate) fn extended_key_usage(&self) -> Option<Vec<String>> {
        let value = self.extension(&ExtendedKeyUsage::OID)?;
        Some(eku_in(value).unwrap_or_default())
    }

    /// Whether extendedKeyUsage admits TLS server authentication ([RFC 5280 section
    /// 4.2.1.12]), exactly [`Description::allows_server_auth`].
    ///
    /// [RFC 5280 section 4.2.1.12]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.12
    pub(crate) fn allows_server_auth(&self) -> bool {
        let Some(value) = self.extension(&ExtendedKeyUsage::OID) else {
            return true;
        };
        // Comparing the OIDs' bytes answers without writing out every purpose.
        fast::lists_oid(value, SERVER_AUTH_OID)
            .unwrap_or_else(|| allows_server_auth(Some(&eku_in(value).unwrap_or_default())))
    }

    /// The subject's common names ([RFC 5280 section 4.1.2.6]), exactly
    /// [`Description::common_names`]; empty when the subject does not decode.
    ///
    /// [RFC 5280 section 4.1.2.6]: https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.6
    pub(crate) fn common_names(&self) -> Vec<String> {
        fast::common_names(self.subject).unwrap_or_else(|| {
            sequence(self.subject)
                .and_then(AnyRef::decode_as::<x509_cert::name::Name>)
                .map(|name| common_names_in(&name))
                .unwrap_or_default()
        })
    }

    /// The subject name as an [RFC 4514] string: [`name_text`] of [`Skim::subject`].
    ///
    /// [RFC 4514]: https://www.rfc-editor.org/rfc/rfc4514
    pub(crate) fn subject_text(&self) -> String {
        name_text(self.subject)
    }
}

/// Where a time falls relative to a certificate's validity period.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ValidityAt {
    Expired,
    NotYetValid,
    Valid,
}

/// [`Skim::extension`] by walking the list: the fast reader, then the `der` crate's where
/// the fast one cannot tell. Kept out of line so that indexed lookups inline small.
#[inline(never)]
fn walked_extension<'a>(extensions: &'a [u8], oid: &ObjectIdentifier) -> Option<&'a [u8]> {
    fast::extension(extensions, oid).unwrap_or_else(|| decoded_extension(extensions, oid))
}

/// [`Skim::extension`] with the `der` crate's general reader, for every shape of input.
fn decoded_extension<'a>(extensions: &'a [u8], oid: &ObjectIdentifier) -> Option<&'a [u8]> {
    let mut reader = SliceReader::new(extensions).ok()?;
    while !reader.is_finished() {
        let found = reader
            .sequence(|ext| {
                let id = ObjectIdentifier::decode(ext)?;
                let _critical = Option::<bool>::decode(ext)?;
                let value = <&der::asn1::OctetStringRef>::decode(ext)?;
                Ok::<_, der::Error>((id == *oid).then(|| value.as_bytes()))
            })
            .ok()?;
        if found.is_some() {
            return found;
        }
    }
    None
}

fn name_contents<'a>(reader: &mut SliceReader<'a>) -> der::Result<&'a [u8]> {
    let any = AnyRef::decode(reader)?;
    if any.tag() != Tag::Sequence {
        return Err(der::ErrorKind::TagUnexpected {
            expected: Some(Tag::Sequence),
            actual: any.tag(),
        }
        .into());
    }
    Ok(any.value())
}

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
        serde(serialize_with = "crate::report::serialize_time")
    )]
    pub not_before: UnixTime,
    /// End of validity.
    #[cfg_attr(
        feature = "json",
        serde(serialize_with = "crate::report::serialize_time")
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
    pub fn new(der: &CertificateDer<'_>) -> Result<Self, der::Error> {
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

/// The one rule behind both `allows_server_auth`s ([RFC 5280 section 4.2.1.12]): no
/// extension, or one listing serverAuth.
///
/// [RFC 5280 section 4.2.1.12]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.12
fn allows_server_auth(ekus: Option<&[String]>) -> bool {
    ekus.is_none_or(|ekus| ekus.iter().any(|eku| eku == "serverAuth"))
}

/// The extnValue of the extension with this OID, as x509-cert's `get_extension` finds it:
/// an error when it occurs more than once ([RFC 5280 section 4.2]: "MUST NOT include more
/// than one instance of a particular extension").
///
/// [RFC 5280 section 4.2]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2
fn only_extension<'e>(
    extensions: Option<&'e x509_cert::ext::Extensions>,
    oid: &ObjectIdentifier,
) -> der::Result<Option<&'e [u8]>> {
    let mut found = extensions
        .into_iter()
        .flatten()
        .filter(|e| e.extn_id == *oid);
    match (found.next(), found.next()) {
        (Some(_), Some(_)) => Err(der::ErrorKind::Failed.into()),
        (first, _) => Ok(first.map(|e| e.extn_value.as_bytes())),
    }
}

/// SHA-256 of `bytes` as lowercase hex.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Lowercase hex, no separators.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    // A table, not `write!`: every description formats several fingerprints and key ids.
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    out
}

fn unix(duration: Duration) -> UnixTime {
    UnixTime::since_unix_epoch(duration)
}

/// id-at-commonName ([RFC 5280 appendix A.1]).
///
/// [RFC 5280 appendix A.1]: https://www.rfc-editor.org/rfc/rfc5280#appendix-A.1
const COMMON_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");

/// The attribute types nearly every certificate name uses, with the key x509-cert's
/// `Display` writes for them: the shortest name the OID database has, uppercased.
static NAME_KEYS: [(ObjectIdentifier, &str); 10] = [
    (COMMON_NAME, "CN"),
    (ObjectIdentifier::new_unwrap("2.5.4.10"), "O"),
    (ObjectIdentifier::new_unwrap("2.5.4.11"), "OU"),
    (ObjectIdentifier::new_unwrap("2.5.4.6"), "C"),
    (ObjectIdentifier::new_unwrap("2.5.4.7"), "L"),
    (ObjectIdentifier::new_unwrap("2.5.4.8"), "ST"),
    (ObjectIdentifier::new_unwrap("2.5.4.5"), "SERIALNUMBER"),
    (ObjectIdentifier::new_unwrap("2.5.4.9"), "STREET"),
    (
        ObjectIdentifier::new_unwrap("0.9.2342.19200300.100.1.25"),
        "DC",
    ),
    (
        ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.1"),
        "EMAIL",
    ),
];

/// A Name's contents (webpki's form, without the SEQUENCE header: [`Skim::subject`],
/// [`Skim::issuer`]) as an [RFC 4514] string, exactly as x509-cert's `Display` writes the
/// name x509-cert decodes from them, or `(unreadable name)` when x509-cert refuses them:
/// the crate's one name writer.
///
/// Names whose every attribute is one [`NAME_KEYS`] lists, with a string value valid for
/// its type, are written straight from the DER; only the rest are decoded.
///
/// [RFC 4514]: https://www.rfc-editor.org/rfc/rfc4514
pub(crate) fn name_text(contents: &[u8]) -> String {
    fast::name_text(contents).unwrap_or_else(|| decoded_name_text(contents))
}

/// [`name_text`] through x509-cert: decode the whole name and write it with its `Display`,
/// which also writes the attribute types and string types the fast path leaves out.
fn decoded_name_text(contents: &[u8]) -> String {
    match sequence(contents).and_then(AnyRef::decode_as::<x509_cert::name::Name>) {
        Ok(name) => name.to_string(),
        Err(_) => "(unreadable name)".to_owned(),
    }
}

/// [RFC 4514 section 2.4] escaping, character for character as x509-cert does it.
///
/// [RFC 4514 section 2.4]: https://www.rfc-editor.org/rfc/rfc4514#section-2.4
fn escape_rfc4514(text: &str, out: &mut String) {
    // Most values need no escape: say so from the bytes (all the special characters are
    // ASCII) and copy them at once.
    let special = |b: &u8| {
        matches!(
            b,
            b'"' | b'+' | b',' | b';' | b'<' | b'>' | b'\\' | 0..=0x1f | 0x7f
        )
    };
    let bytes = text.as_bytes();
    if !bytes.iter().any(special)
        && !matches!(bytes.first(), Some(b'#' | b' '))
        && bytes.last() != Some(&b' ')
    {
        out.push_str(text);
        return;
    }
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '#' if i == 0 => out.push_str("\\#"),
            ' ' if i == 0 || chars.peek().is_none() => out.push_str("\\ "),
            '"' | '+' | ',' | ';' | '<' | '>' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\x00'..='\x1f' | '\x7f' => out.push_str(&format!("\\{:02x}", c as u8)),
            _ => out.push(c),
        }
    }
}

/// The common names of `name` ([RFC 5280 section 4.1.2.6]) that read as text.
///
/// [RFC 5280 section 4.1.2.6]: https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.6
fn common_names_in(name: &x509_cert::name::Name) -> Vec<String> {
    name.iter()
        .filter(|atv| atv.oid == COMMON_NAME)
        .filter_map(|atv| directory_string(&atv.value))
        .collect()
}

fn directory_string(value: &der::Any) -> Option<String> {
    use x509_cert::ext::pkix::name::DirectoryString;
    if let Ok(ds) = DirectoryString::try_from(value) {
        return Some(String::from(ds));
    }
    // Some issuers write the CN as IA5String; show it rather than drop it.
    value
        .decode_as::<der::asn1::Ia5String>()
        .ok()
        .map(|s| s.to_string())
}

fn san_from(name: &GeneralName) -> San {
    match name {
        GeneralName::DnsName(dns) => San::Dns(dns.to_string()),
        GeneralName::IpAddress(ip) => ip_san(ip.as_bytes()),
        GeneralName::Rfc822Name(email) => San::Email(email.to_string()),
        GeneralName::UniformResourceIdentifier(uri) => San::Uri(uri.to_string()),
        GeneralName::DirectoryName(dn) => San::Other(format!("dirName:{dn}")),
        GeneralName::OtherName(other) => San::Other(format!("otherName:{}", other.type_id)),
        GeneralName::RegisteredId(oid) => San::Other(format!("registeredID:{oid}")),
        GeneralName::EdiPartyName(_) => San::Other("ediPartyName".to_owned()),
    }
}

fn ip_san(octets: &[u8]) -> San {
    if let Ok(v4) = <[u8; 4]>::try_from(octets) {
        San::Ip(IpAddr::from(v4))
    } else if let Ok(v6) = <[u8; 16]>::try_from(octets) {
        San::Ip(IpAddr::from(v6))
    } else {
        San::Other(format!("malformed iPAddress {}", hex(octets)))
    }
}

/// A subjectAltName extnValue's entries in order ([RFC 5280 section 4.2.1.6]), the way
/// [`Description::san`] reports them: x509-cert's reading, or [`lenient_sans`]'s where
/// x509-cert refuses an entry webpki reads (a non-ASCII dNSName, a registeredID it cannot
/// represent) rather than lose the whole description. When every entry is one
/// [`lenient_sans`] reads exactly as x509-cert does (ASCII dNSName, rfc822Name and URI; a
/// 4- or 16-octet iPAddress), its reading is the answer and x509-cert is not asked.
///
/// [RFC 5280 section 4.2.1.6]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.6
fn sans_in(value: &[u8]) -> der::Result<Vec<San>> {
    let plain = |san: &San| match san {
        San::Dns(text) | San::Email(text) | San::Uri(text) => text.is_ascii(),
        San::Ip(_) => true,
        San::Other(_) => false,
    };
    match lenient_sans(value) {
        Some(sans) if sans.iter().all(plain) => Ok(sans),
        lenient => match SubjectAltName::from_der(value) {
            Ok(names) => Ok(names.0.iter().map(san_from).collect()),
            Err(e) => lenient.ok_or(e),
        },
    }
}

/// A subjectAltName extnValue read one `GeneralName` at a time ([RFC 5280 section
/// 4.2.1.6]), keeping what webpki keeps: dNSName and the other IA5String forms as their
/// bytes (lossily as UTF-8 where they are not ASCII), iPAddress as octets, anything else as
/// [`San::Other`]. `None` when it is not a SEQUENCE of TLVs.
///
/// [RFC 5280 section 4.2.1.6]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.6
fn lenient_sans(value: &[u8]) -> Option<Vec<San>> {
    let names = AnyRef::from_der(value).ok()?;
    if names.tag() != Tag::Sequence {
        return None;
    }
    let mut reader = SliceReader::new(names.value()).ok()?;
    let mut sans = Vec::new();
    while !reader.is_finished() {
        let name = AnyRef::decode(&mut reader).ok()?;
        let text = || String::from_utf8_lossy(name.value()).into_owned();
        sans.push(match name.tag() {
            t if t == context_tag(1, false) => San::Email(text()),
            t if t == context_tag(2, false) => San::Dns(text()),
            t if t == context_tag(6, false) => San::Uri(text()),
            t if t == context_tag(7, false) => ip_san(name.value()),
            other => San::Other(format!("undecodable {other} entry")),
        });
    }
    Some(sans)
}

/// basicConstraints (cA, pathLenConstraint) from its extnValue ([RFC 5280 section
/// 4.2.1.9]), as x509-cert decodes it.
///
/// [RFC 5280 section 4.2.1.9]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.9
fn basic_constraints_in(value: &[u8]) -> der::Result<(bool, Option<u8>)> {
    match fast::basic_constraints(value) {
        Some(found) => Ok(found),
        None => BasicConstraints::from_der(value).map(|bc| (bc.ca, bc.path_len_constraint)),
    }
}

/// The caIssuers URIs of an AIA extnValue ([RFC 5280 section 4.2.2.1]), in order, as
/// x509-cert decodes it.
///
/// [RFC 5280 section 4.2.2.1]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.2.1
fn ca_issuers_in(value: &[u8]) -> der::Result<Vec<String>> {
    if let Some(uris) = fast::ca_issuers(value) {
        return Ok(uris);
    }
    let aia = AuthorityInfoAccessSyntax::from_der(value)?;
    Ok(aia
        .0
        .iter()
        .filter(|ad| ad.access_method == CA_ISSUERS)
        .filter_map(|ad| match &ad.access_location {
            GeneralName::UniformResourceIdentifier(uri) => Some(uri.to_string()),
            _ => None,
        })
        .collect())
}

/// The purposes of an extendedKeyUsage extnValue ([RFC 5280 section 4.2.1.12]), by name,
/// as x509-cert decodes it.
///
/// [RFC 5280 section 4.2.1.12]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.12
fn eku_in(value: &[u8]) -> der::Result<Vec<String>> {
    match fast::eku_names(value) {
        Some(names) => Ok(names),
        None => ExtendedKeyUsage::from_der(value).map(|eku| eku.0.iter().map(eku_name).collect()),
    }
}

/// The key purposes with a name ([RFC 5280 section 4.2.1.12]); others are written dotted.
///
/// [RFC 5280 section 4.2.1.12]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.12
static EKU_NAMES: [(ObjectIdentifier, &str); 7] = [
    (
        ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.1"),
        "serverAuth",
    ),
    (
        ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.2"),
        "clientAuth",
    ),
    (
        ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.3"),
        "codeSigning",
    ),
    (
        ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.4"),
        "emailProtection",
    ),
    (
        ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.8"),
        "timeStamping",
    ),
    (
        ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.9"),
        "OCSPSigning",
    ),
    (
        ObjectIdentifier::new_unwrap("2.5.29.37.0"),
        "anyExtendedKeyUsage",
    ),
];

fn eku_name(oid: &ObjectIdentifier) -> String {
    // A table of OIDs, not `oid.to_string()` first: formatting the arcs costs more than the rest.
    match EKU_NAMES.iter().find(|(known, _)| known == oid) {
        Some((_, name)) => (*name).to_owned(),
        None => oid.to_string(),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_auth_bytes_are_its_oid() {
        let oid = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.1");
        assert_eq!(oid.as_bytes(), SERVER_AUTH_OID);
    }

    #[test]
    fn hex_is_lowercase_and_padded() {
        assert_eq!(hex(&[0x00, 0x0a, 0xff]), "000aff");
    }

    #[test]
    fn lenient_sans_keep_what_x509_cert_refuses() {
        // SEQUENCE { [2] "\u{1f61c}.example.com" (not IA5), [7] 1.2.3.4, [8] OID 2.47.0.0.1 }
        let dns = "\u{1f61c}.example.com".as_bytes();
        let mut names = vec![0x82, dns.len() as u8];
        names.extend_from_slice(dns);
        names.extend_from_slice(&[0x87, 4, 1, 2, 3, 4, 0x88, 4, 0x7f, 0, 0, 1]);
        let value = sequence_tlv(&names).unwrap();
        assert!(
            SubjectAltName::from_der(&value).is_err(),
            "x509-cert refuses it"
        );
        let sans = sans_in(&value).unwrap();
        assert_eq!(sans, lenient_sans(&value).unwrap());
        assert_eq!(sans[0], San::Dns("\u{1f61c}.example.com".to_owned()));
        assert_eq!(sans[1], San::Ip(IpAddr::from([1, 2, 3, 4])));
        assert!(matches!(sans[2], San::Other(_)));
        assert_eq!(lenient_sans(&[0x04, 0x00]), None, "not a SEQUENCE");
        assert_eq!(lenient_sans(&[0x30, 0x02, 0x82]), None, "not TLVs");
        let extension = x509_cert::ext::Extension {
            extn_id: SubjectAltName::OID,
            critical: false,
            extn_value: der::asn1::OctetString::new(value.clone()).unwrap(),
        };
        let once = vec![extension.clone()];
        let twice = vec![extension.clone(), extension];
        let oid = SubjectAltName::OID;
        assert_eq!(only_extension(Some(&once), &oid), Ok(Some(&value[..])));
        assert!(only_extension(Some(&twice), &oid).is_err(), "repeated");
        assert_eq!(only_extension(None, &oid), Ok(None));
    }

    #[test]
    fn name_text_writes_what_x509_cert_display_writes() {
        use std::str::FromStr;
        let mut names: Vec<x509_cert::name::Name> = [
            "CN=a.test",
            "CN=certdeps Test Root,O=Contoso\\, Ltd.,OU=IT+OU=Ops,C=US",
            "L=K\u{f6}ln,ST=NRW,STREET=Main 1,SERIALNUMBER=0042",
            "DC=example,DC=com,EMAILADDRESS=ops@example.com",
            "CN=\\#hash\\ ,O=quote\\\"semi\\;lt\\<gt\\>plus\\+back\\\\",
            "UID=jdoe,CN=x",
            "2.5.4.4=Surname,CN=y",
        ]
        .iter()
        .map(|s| x509_cert::name::Name::from_str(s).unwrap_or_else(|e| panic!("{s}: {e}")))
        .collect();
        // PrintableString values and a control character, as CAs write them.
        let mut dn = rcgen::DistinguishedName::new();
        dn.push(
            rcgen::DnType::CommonName,
            rcgen::DnValue::PrintableString("Printable Name".try_into().unwrap()),
        );
        dn.push(rcgen::DnType::OrganizationName, "tab\there");
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        params.distinguished_name = dn;
        let key = rcgen::KeyPair::generate().unwrap();
        let cert =
            x509_cert::Certificate::from_der(params.self_signed(&key).unwrap().der()).unwrap();
        names.push(cert.tbs_certificate().subject().clone());
        for (oid, _) in &NAME_KEYS {
            let mut name = x509_cert::name::Name::from_str("CN=v").unwrap();
            let rdn = format!("{oid}=#0c0176");
            name = x509_cert::name::Name::from_str(&format!("{rdn},{name}")).unwrap();
            names.push(name);
        }
        for name in names {
            let der = name.to_der().unwrap();
            let contents = crate::der::contents(&der).unwrap();
            assert_eq!(name_text(contents), name.to_string());
        }
    }

    /// The fast reader answers only where the `der` path agrees, field for field.
    fn assert_fast_agrees(der: &[u8]) -> bool {
        let Some(fast) = fast::skim(der) else {
            return false;
        };
        let full = Skim::decode(der).expect("the der path accepts what the fast path does");
        assert_eq!(
            (fast.issuer, fast.subject, fast.spki, fast.extensions),
            (full.issuer, full.subject, full.spki, full.extensions)
        );
        assert_eq!(
            (fast.not_before, fast.not_after),
            (full.not_before, full.not_after)
        );
        true
    }

    #[test]
    fn fast_skim_agrees_with_der_on_certificates_and_their_mutations() {
        let mut params = rcgen::CertificateParams::new(vec!["a.test".to_owned()]).unwrap();
        params.not_before = rcgen::date_time_ymd(1999, 2, 28);
        params.not_after = rcgen::date_time_ymd(2051, 1, 1); // a GeneralizedTime
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = params.self_signed(&key).unwrap();
        let der = cert.der().to_vec();
        assert!(
            assert_fast_agrees(&der),
            "the usual shape takes the fast path"
        );
        for mutated in mutations(&der) {
            assert_fast_agrees(&mutated);
        }
    }

    /// Every single-byte flip (by 0x01, 0x02, 0x10, 0x80, 0xff) and every truncation of `der`.
    fn mutations(der: &[u8]) -> impl Iterator<Item = Vec<u8>> + '_ {
        (0..der.len()).flat_map(move |i| {
            [0x01, 0x02, 0x10, 0x80, 0xff]
                .into_iter()
                .map(move |flip| {
                    let mut mutated = der.to_vec();
                    mutated[i] ^= flip;
                    mutated
                })
                .chain([der[..i].to_vec()])
        })
    }

    #[test]
    fn fast_time_agrees_with_der() {
        let mut accepted = 0;
        for year in 1965..=2101u32 {
            for month in 0..=13u32 {
                for day in [0, 1, 15, 28, 29, 30, 31, 32] {
                    let (h, m, s) = match (year + month + day) % 4 {
                        0 => (0, 0, 0),
                        1 => (23, 59, 59),
                        2 => (24, 0, 0),
                        _ => (12, 60, 60),
                    };
                    let body = format!("{month:02}{day:02}{h:02}{m:02}{s:02}Z");
                    let general = format!("{year:04}{body}");
                    let mut tlv = vec![0x18, general.len() as u8];
                    tlv.extend_from_slice(general.as_bytes());
                    let full = der::asn1::GeneralizedTime::from_der(&tlv)
                        .map(|t| t.to_unix_duration().as_secs());
                    if let Some((secs, [])) = fast::time(&tlv) {
                        assert_eq!(full, Ok(secs), "{general}");
                        accepted += 1;
                    } else {
                        assert!(full.is_err(), "{general} refused by the fast path only");
                    }
                    let utc = format!("{:02}{body}", year % 100);
                    let mut tlv = vec![0x17, utc.len() as u8];
                    tlv.extend_from_slice(utc.as_bytes());
                    let full =
                        der::asn1::UtcTime::from_der(&tlv).map(|t| t.to_unix_duration().as_secs());
                    match fast::time(&tlv) {
                        Some((secs, [])) => assert_eq!(full, Ok(secs), "{utc}"),
                        _ => assert!(full.is_err(), "{utc} refused by the fast path only"),
                    }
                }
            }
        }
        assert!(accepted > 4_000, "{accepted}");
        for bad in [
            &b"\x17\x0d2601010000a0Z"[..],
            b"\x17\x0c260101000000",
            b"\x18\x0d2601010000000",
        ] {
            assert_eq!(fast::time(bad), None);
        }
    }

    /// The time reader as it was before it read whole words (a branch per digit), kept as
    /// the oracle the word reader must match on every input, `rest` included.
    fn time_by_bytes(input: &[u8]) -> Option<(u64, &[u8])> {
        fn decimal(hi: u8, lo: u8) -> Option<u8> {
            (hi.is_ascii_digit() && lo.is_ascii_digit()).then(|| (hi - b'0') * 10 + (lo - b'0'))
        }
        fn days_from_civil(year: u64, month: u64, day: u64) -> u64 {
            let y = if month <= 2 { year - 1 } else { year };
            let era = y / 400;
            let yoe = y - era * 400;
            let mp = (month + 9) % 12;
            let doy = (153 * mp + 2) / 5 + day - 1;
            let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
            era * 146_097 + doe - 719_468
        }
        let (year, digits, rest) = match input.first()? {
            0x17 => {
                let (t, rest) = crate::der::tlv(input, 0x17)?;
                let (&[y1, y2], digits) = t.split_first_chunk::<2>()?;
                let yy = u64::from(decimal(y1, y2)?);
                (if yy >= 50 { 1900 + yy } else { 2000 + yy }, digits, rest)
            }
            0x18 => {
                let (t, rest) = crate::der::tlv(input, 0x18)?;
                let (&[y1, y2, y3, y4], digits) = t.split_first_chunk::<4>()?;
                let year = u64::from(decimal(y1, y2)?) * 100 + u64::from(decimal(y3, y4)?);
                (year, digits, rest)
            }
            _ => return None,
        };
        let &[m1, m2, d1, d2, h1, h2, n1, n2, s1, s2, b'Z'] = digits else {
            return None;
        };
        let (month, day) = (decimal(m1, m2)?, decimal(d1, d2)?);
        let (hour, minute, second) = (decimal(h1, h2)?, decimal(n1, n2)?, decimal(s1, s2)?);
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let month_days = match month {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            1..=12 => 31,
            _ => return None,
        };
        if year < 1970 || day == 0 || day > month_days || hour > 23 || minute > 59 || second > 59 {
            return None;
        }
        let days = days_from_civil(year, u64::from(month), u64::from(day));
        let secs =
            days * 86_400 + u64::from(hour) * 3600 + u64::from(minute) * 60 + u64::from(second);
        Some((secs, rest))
    }

    /// `fast::time` and [`time_by_bytes`] agree on `input`, and on `input` with bytes after it.
    fn assert_time_agrees(input: &[u8]) -> Option<u64> {
        let fast = fast::time(input);
        assert_eq!(fast, time_by_bytes(input), "{input:02x?}");
        let mut longer = input.to_vec();
        longer.extend_from_slice(&[0x18, 0x0f, b'2']);
        assert_eq!(fast::time(&longer), time_by_bytes(&longer), "{longer:02x?}");
        fast.map(|(secs, _)| secs)
    }

    /// A GeneralizedTime TLV for these fields, or with `general` false a UTCTime one.
    fn time_tlv(general: bool, [year, month, day, h, m, s]: [u32; 6]) -> Vec<u8> {
        let body = format!("{month:02}{day:02}{h:02}{m:02}{s:02}Z");
        let (tag, text) = if general {
            (0x18, format!("{year:04}{body}"))
        } else {
            (0x17, format!("{:02}{body}", year % 100))
        };
        [&[tag, text.len() as u8][..], text.as_bytes()].concat()
    }

    /// The word reader against the byte reader and the `der` crate on a calendar grid
    /// around every boundary: the years the readers treat apart (UTCTime's 1950/2049 pivot,
    /// 1970, the century leap rules, 9999), every day 0 to 32 of months 0 to 13, and clocks
    /// at and past their limits.
    #[test]
    fn word_time_reader_agrees_on_dates() {
        let years = (1965..=2105).chain([
            0, 1, 4, 99, 100, 400, 1600, 1896, 1899, 1900, 1904, 1949, 1950, 2200, 2400, 2800,
            9896, 9900, 9996, 9999,
        ]);
        let clocks = [
            [0, 0, 0],
            [23, 59, 59],
            [24, 0, 0],
            [23, 60, 0],
            [23, 59, 60],
            [99, 99, 99],
            [12, 34, 56],
            [19, 9, 30],
        ];
        let (mut accepted, mut leap_days) = (0, 0);
        for year in years {
            for month in (0..=13).chain([19, 20, 99]) {
                for day in 0..=32 {
                    for (i, [h, m, s]) in clocks.into_iter().enumerate() {
                        // Every clock on the days around the month's end, one elsewhere.
                        if day % 28 > 3 && i != (year + month + day) as usize % clocks.len() {
                            continue;
                        }
                        for general in [false, true] {
                            let tlv = time_tlv(general, [year, month, day, h, m, s]);
                            let secs = assert_time_agrees(&tlv);
                            let full = if general {
                                der::asn1::GeneralizedTime::from_der(&tlv)
                                    .map(|t| t.to_unix_duration().as_secs())
                            } else {
                                der::asn1::UtcTime::from_der(&tlv)
                                    .map(|t| t.to_unix_duration().as_secs())
                            };
                            match secs {
                                Some(secs) => assert_eq!(full, Ok(secs), "{tlv:02x?}"),
                                None => assert!(full.is_err(), "{tlv:02x?} fast refuses"),
                            }
                            accepted += usize::from(secs.is_some());
                            leap_days += usize::from(secs.is_some() && month == 2 && day == 29);
                        }
                    }
                }
            }
        }
        println!("{accepted} accepted, {leap_days} of them on February 29");
        assert!(
            accepted > 50_000 && leap_days > 40,
            "{accepted} {leap_days}"
        );
    }

    /// The word reader against the byte reader with every byte of valid times replaced by
    /// every value (digits, their ASCII neighbours and the rest), on every prefix, and on
    /// random strings of 0 to 20 bytes that are mostly digits in the right frame.
    #[test]
    fn word_time_reader_agrees_on_damaged_and_random_bytes() {
        let bases = [
            time_tlv(false, [2026, 5, 31, 23, 59, 59]),
            time_tlv(false, [2000, 2, 29, 0, 0, 0]),
            time_tlv(false, [1970, 1, 1, 0, 0, 0]),
            time_tlv(false, [2049, 12, 31, 12, 0, 0]),
            time_tlv(true, [2050, 1, 1, 0, 0, 0]),
            time_tlv(true, [9999, 12, 31, 23, 59, 59]),
            time_tlv(true, [2400, 2, 29, 1, 2, 3]),
            time_tlv(true, [1970, 1, 1, 0, 0, 0]),
        ];
        let mut accepted = 0;
        for base in &bases {
            assert!(assert_time_agrees(base).is_some(), "{base:02x?}");
            for end in 0..base.len() {
                assert_eq!(assert_time_agrees(&base[..end]), None);
            }
            for at in 0..base.len() {
                for byte in 0..=255 {
                    let mut damaged = base.clone();
                    damaged[at] = byte;
                    accepted += usize::from(assert_time_agrees(&damaged).is_some());
                }
            }
        }
        assert!(accepted > 500, "{accepted}");
        // SplitMix64 (Steele et al. 2014): a fixed seed, so every run checks the same strings.
        let mut state = 0x5eed_u64;
        let mut next = move || {
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        };
        let mut random_accepted = 0;
        for _ in 0..200_000 {
            let bytes = if next() % 3 == 0 {
                // Random bytes of 0 to 20, mostly digits, mostly in one type's frame: tag,
                // length, a Z at its end.
                let len = (next() % 21) as usize;
                let mut bytes: Vec<u8> = (0..len)
                    .map(|_| match next() % 16 {
                        0 => next() as u8,
                        1 => [b'/', b':', b'Z', 0x00, 0xb0, 0x3f][(next() % 6) as usize],
                        _ => b'0' + (next() % 10) as u8,
                    })
                    .collect();
                if next() % 8 != 0 && len >= 2 {
                    let general = next() % 2 == 0;
                    bytes[0] = if general { 0x18 } else { 0x17 };
                    bytes[1] = if general { 15 } else { 13 };
                    if let Some(z) = bytes.get_mut(if general { 16 } else { 14 }) {
                        *z = b'Z';
                    }
                }
                bytes
            } else {
                // Random fields, each a little past its range, and sometimes one byte
                // changed to anything.
                let year = if next() % 2 == 0 {
                    1940 + next() % 220
                } else {
                    next() % 10_000
                };
                let mut ranges = [60, 13, 32, 24, 60, 60].map(|max| next() % (max + 1));
                ranges[0] = year;
                let mut bytes = time_tlv(next() % 2 == 0, ranges.map(|v| v as u32));
                if next() % 4 == 0 {
                    let at = (next() % bytes.len() as u64) as usize;
                    bytes[at] = next() as u8;
                }
                bytes
            };
            random_accepted += usize::from(assert_time_agrees(&bytes).is_some());
        }
        println!("{random_accepted} random strings accepted");
        assert!(random_accepted > 20_000, "{random_accepted}");
    }

    #[test]
    fn skim_rejects_garbage_without_panicking() {
        for input in [
            &[][..],
            &[0x30],
            &[0x30, 0x00],
            &[0x30, 0x81],
            &[0x04, 0x00],
        ] {
            assert!(Skim::new(input).is_err(), "{input:?}");
        }
    }

    /// A DER TLV with minimal length octets.
    fn tlv(tag: u8, contents: &[u8]) -> Vec<u8> {
        let mut tlv = sequence_tlv(contents).unwrap();
        tlv[0] = tag;
        tlv
    }

    /// One AttributeTypeAndValue: `oid` with a value of type `tag`.
    fn atv(oid: &str, tag: u8, value: &[u8]) -> Vec<u8> {
        let oid = ObjectIdentifier::new(oid).unwrap();
        tlv(0x30, &[tlv(0x06, oid.as_bytes()), tlv(tag, value)].concat())
    }

    /// `der` with its subject Name replaced by one with these contents (the signature no
    /// longer verifies; nothing here checks it).
    fn with_subject(der: &[u8], subject: &[u8]) -> Vec<u8> {
        let skim = Skim::new(der).unwrap();
        let (cert, _) = crate::der::tlv(der, 0x30).unwrap();
        let (tbs, signature) = crate::der::tlv(cert, 0x30).unwrap();
        let at = skim.subject.as_ptr() as usize - tbs.as_ptr() as usize;
        let header = sequence_tlv(skim.subject).unwrap().len() - skim.subject.len();
        let rest = &tbs[at + skim.subject.len()..];
        let tbs = [&tbs[..at - header], &tlv(0x30, subject), rest].concat();
        tlv(0x30, &[tlv(0x30, &tbs), signature.to_vec()].concat())
    }

    /// Certificates covering what the accessors read: SANs of every kind (one that only the
    /// lenient reader takes), AIA, EKU present and absent, CAs with and without a path
    /// length, names with escapes, UTF-8, every string type and multi-valued RDNs.
    fn varied_certificates() -> Vec<Vec<u8>> {
        use rcgen::{
            BasicConstraints as Bc, CertificateParams, CustomExtension, DnType, DnValue,
            ExtendedKeyUsagePurpose as Eku, IsCa, Issuer, KeyPair, SanType,
        };
        let ec = || KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        let name = |entries: Vec<(DnType, DnValue)>| {
            let mut dn = rcgen::DistinguishedName::new();
            for (ty, value) in entries {
                dn.push(ty, value);
            }
            dn
        };
        let email = DnType::CustomDnType(vec![1, 2, 840, 113_549, 1, 9, 1]);
        let mut certs = Vec::new();

        let mut root = CertificateParams::new(Vec::<String>::new()).unwrap();
        root.is_ca = IsCa::Ca(Bc::Unconstrained);
        root.distinguished_name = name(vec![
            (
                DnType::CountryName,
                DnValue::PrintableString("US".try_into().unwrap()),
            ),
            (
                DnType::OrganizationName,
                "Contoso, Ltd. + \"Friends\"".into(),
            ),
            (DnType::CommonName, " #certdeps Root; <1> \\ ".into()),
        ]);
        let root_key = ec();
        certs.push(root.self_signed(&root_key).unwrap().der().to_vec());
        let root = Issuer::new(root, root_key);

        let mut intermediate = CertificateParams::new(Vec::<String>::new()).unwrap();
        intermediate.is_ca = IsCa::Ca(Bc::Constrained(2));
        intermediate.distinguished_name = name(vec![
            (
                DnType::StateOrProvinceName,
                DnValue::TeletexString("NRW".try_into().unwrap()),
            ),
            (DnType::LocalityName, "K\u{f6}ln \u{1f61c}".into()),
            (
                DnType::OrganizationalUnitName,
                DnValue::Ia5String("ops@x".try_into().unwrap()),
            ),
            (
                DnType::CommonName,
                DnValue::BmpString("BMP Intermediate".try_into().unwrap()),
            ),
        ]);
        intermediate.extended_key_usages = vec![Eku::ServerAuth, Eku::ClientAuth];
        let intermediate_key = ec();
        certs.push(
            intermediate
                .signed_by(&intermediate_key, &root)
                .unwrap()
                .der()
                .to_vec(),
        );

        let mut leaf = CertificateParams::new(vec!["a.test".to_owned()]).unwrap();
        leaf.subject_alt_names.extend([
            SanType::DnsName("*.wild.test".try_into().unwrap()),
            SanType::IpAddress("192.0.2.7".parse().unwrap()),
            SanType::IpAddress("2001:db8::1".parse().unwrap()),
            SanType::Rfc822Name("ops@a.test".try_into().unwrap()),
            SanType::URI("https://a.test/x".try_into().unwrap()),
            SanType::OtherName((
                vec![1, 3, 6, 1, 4, 1, 311, 20, 2, 3],
                rcgen::OtherNameValue::Utf8String("upn@a.test".to_owned()),
            )),
        ]);
        leaf.distinguished_name = name(vec![
            (DnType::CommonName, "a.test".into()),
            (
                email.clone(),
                DnValue::Ia5String("ops@a.test".try_into().unwrap()),
            ),
            (DnType::CustomDnType(vec![2, 5, 4, 4]), "Surname".into()),
            (DnType::OrganizationName, "tab\there\u{7f}".into()),
        ]);
        leaf.extended_key_usages = vec![Eku::ServerAuth, Eku::Other(vec![1, 3, 6, 1, 4, 1, 99])];
        // AIA: caIssuers, OCSP, a second caIssuers, and a caIssuers that is not a URI.
        let access = |method: &str, location: Vec<u8>| {
            let oid = ObjectIdentifier::new(method).unwrap();
            tlv(0x30, &[tlv(0x06, oid.as_bytes()), location].concat())
        };
        let aia = tlv(
            0x30,
            &[
                access("1.3.6.1.5.5.7.48.2", tlv(0x86, b"http://ca.test/ca.der")),
                access("1.3.6.1.5.5.7.48.1", tlv(0x86, b"http://ocsp.test")),
                access("1.3.6.1.5.5.7.48.2", tlv(0x86, b"http://ca.test/2.p7c")),
                access("1.3.6.1.5.5.7.48.2", tlv(0x82, b"dns.test")),
            ]
            .concat(),
        );
        leaf.custom_extensions = vec![CustomExtension::from_oid_content(
            &[1, 3, 6, 1, 5, 5, 7, 1, 1],
            aia,
        )];
        let leaf_der = leaf.signed_by(&ec(), &root).unwrap().der().to_vec();
        certs.push(leaf_der.clone());

        let mut client = CertificateParams::new(Vec::<String>::new()).unwrap();
        client.extended_key_usages = vec![Eku::ClientAuth, Eku::Any];
        // A non-ASCII dNSName x509-cert refuses, an iPAddress of 5 octets, a registeredID.
        let dns = "\u{1f61c}.example.com".as_bytes();
        let sans = tlv(
            0x30,
            &[
                tlv(0x82, dns),
                tlv(0x87, &[1, 2, 3, 4, 5]),
                tlv(0x88, &[0x2a, 3, 4]),
            ]
            .concat(),
        );
        client.custom_extensions = vec![CustomExtension::from_oid_content(&[2, 5, 29, 17], sans)];
        certs.push(client.self_signed(&ec()).unwrap().der().to_vec());

        // Multi-valued RDNs, in x509-cert's order and not, and an empty RDN.
        let (cn, ou) = ("2.5.4.3", "2.5.4.11");
        for subject in [
            [
                tlv(
                    0x31,
                    &[atv(ou, 0x0c, b"IT"), atv(ou, 0x0c, b"Ops")].concat(),
                ),
                tlv(0x31, &[atv(cn, 0x13, b"b"), atv(ou, 0x0c, b"a")].concat()),
            ]
            .concat(),
            [
                tlv(
                    0x31,
                    &[atv(ou, 0x0c, b"Ops"), atv(ou, 0x0c, b"IT")].concat(),
                ),
                tlv(0x31, &[atv(cn, 0x0c, b"x"), atv(cn, 0x13, b"x")].concat()),
                tlv(0x31, &[]),
            ]
            .concat(),
            Vec::new(),
        ] {
            certs.push(with_subject(&leaf_der, &subject));
        }
        certs
    }

    /// Where [`Description::new`] decodes `der`, every accessor answers what it says;
    /// [`name_text`] always answers what the x509-cert route does, and the fast extension
    /// lookup what the `der` one does. Whether it decoded.
    fn assert_accessors_agree(der: &[u8]) -> bool {
        let Ok(skim) = Skim::new(der) else {
            assert!(Description::new(&CertificateDer::from(der)).is_err());
            return false;
        };
        if let Some(extensions) = skim.extensions {
            for oid in [
                &SUBJECT_KEY_ID,
                &AUTHORITY_KEY_ID,
                &BasicConstraints::OID,
                &UNKNOWN,
            ] {
                if let Some(found) = fast::extension(extensions, oid) {
                    assert_eq!(found, decoded_extension(extensions, oid));
                }
            }
        }
        let Ok(description) = Description::new(&CertificateDer::from(der)) else {
            for name in [skim.subject, skim.issuer] {
                assert_eq!(name_text(name), decoded_name_text(name), "{name:02x?}");
            }
            return false;
        };
        // The description's names are the x509-cert route's.
        assert_eq!(skim.subject_text(), description.subject);
        assert_eq!(name_text(skim.issuer), description.issuer);
        assert_eq!(skim.is_ca(), description.is_ca);
        assert_eq!(skim.path_len(), description.path_len);
        assert_eq!(skim.sans(), Some(description.san.clone()));
        assert_eq!(skim.ca_issuers(), description.ca_issuers);
        assert_eq!(skim.extended_key_usage(), description.extended_key_usage);
        assert_eq!(skim.allows_server_auth(), description.allows_server_auth());
        assert_eq!(skim.common_names(), description.common_names);
        assert_eq!(skim.subject_key_id().map(hex), description.subject_key_id);
        assert_eq!(
            skim.authority_key_id().map(hex),
            description.authority_key_id
        );
        true
    }

    const UNKNOWN: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.99.99");

    /// The extension readers answer what x509-cert does, error for error, on the extension
    /// values of [`varied_certificates`], a few odd shapes, and every mutation of them.
    #[test]
    fn extension_readers_agree_with_x509_cert() {
        let mut values: Vec<(ObjectIdentifier, Vec<u8>)> = [
            (BasicConstraints::OID, &[0x30, 0x03, 0x01, 0x01, 0x00][..]), // explicit FALSE
            (
                BasicConstraints::OID,
                &[0x30, 0x06, 0x01, 0x01, 0xff, 0x02, 0x01, 0x80],
            ),
            (
                BasicConstraints::OID,
                &[0x30, 0x07, 0x01, 0x01, 0xff, 0x02, 0x02, 0x00, 0x80],
            ),
            (BasicConstraints::OID, &[0x30, 0x03, 0x02, 0x01, 0x00]),
            (AuthorityInfoAccessSyntax::OID, &[0x30, 0x00]),
            (ExtendedKeyUsage::OID, &[0x30, 0x00]),
            (SubjectAltName::OID, &[0x30, 0x00]),
        ]
        .map(|(oid, value)| (oid, value.to_vec()))
        .to_vec();
        // The usual AIA: OCSP, then caIssuers.
        let ocsp = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1");
        let access = |oid: ObjectIdentifier, uri: &[u8]| {
            tlv(0x30, &[tlv(0x06, oid.as_bytes()), tlv(0x86, uri)].concat())
        };
        let usual = [
            access(ocsp, b"http://o.test"),
            access(CA_ISSUERS, b"http://i.test/"),
        ];
        values.push((AuthorityInfoAccessSyntax::OID, tlv(0x30, &usual.concat())));
        let (mut fast_bc, mut fast_aia, mut fast_eku) = (0, 0, 0);
        for der in varied_certificates() {
            let skim = Skim::new(&der).unwrap();
            for oid in [
                BasicConstraints::OID,
                AuthorityInfoAccessSyntax::OID,
                ExtendedKeyUsage::OID,
                SubjectAltName::OID,
            ] {
                if let Some(value) = skim.extension(&oid) {
                    values.push((oid, value.to_vec()));
                }
            }
        }
        for (oid, original) in values {
            for value in mutations(&original).chain([original.clone()]) {
                let value = &value[..];
                if oid == BasicConstraints::OID {
                    let x509 = BasicConstraints::from_der(value);
                    let x509 = x509.map(|bc| (bc.ca, bc.path_len_constraint));
                    assert_eq!(basic_constraints_in(value).ok(), x509.ok(), "{value:02x?}");
                    fast_bc += usize::from(fast::basic_constraints(value).is_some());
                } else if oid == AuthorityInfoAccessSyntax::OID {
                    let x509 = AuthorityInfoAccessSyntax::from_der(value).map(|aia| {
                        aia.0
                            .iter()
                            .filter(|ad| ad.access_method == CA_ISSUERS)
                            .filter_map(|ad| match &ad.access_location {
                                GeneralName::UniformResourceIdentifier(uri) => {
                                    Some(uri.to_string())
                                }
                                _ => None,
                            })
                            .collect::<Vec<_>>()
                    });
                    assert_eq!(ca_issuers_in(value).ok(), x509.ok(), "{value:02x?}");
                    fast_aia += usize::from(fast::ca_issuers(value).is_some());
                } else if oid == ExtendedKeyUsage::OID {
                    let x509 = ExtendedKeyUsage::from_der(value)
                        .map(|eku| eku.0.iter().map(eku_name).collect::<Vec<_>>());
                    assert_eq!(eku_in(value).ok(), x509.ok(), "{value:02x?}");
                    fast_eku += usize::from(fast::eku_names(value).is_some());
                } else {
                    let x509 = match SubjectAltName::from_der(value) {
                        Ok(names) => Some(names.0.iter().map(san_from).collect()),
                        Err(_) => lenient_sans(value),
                    };
                    assert_eq!(sans_in(value).ok(), x509, "{value:02x?}");
                }
            }
        }
        // The fast readers do take the usual shapes.
        assert!(
            fast_bc > 4 && fast_aia > 4 && fast_eku > 4,
            "{fast_bc} {fast_aia} {fast_eku}"
        );
    }

    #[test]
    fn accessors_agree_with_description_on_certificates_and_their_mutations() {
        let certs = varied_certificates();
        for der in &certs {
            assert!(
                assert_accessors_agree(der),
                "x509-cert decodes the originals"
            );
            let decoded = mutations(der).filter(|m| assert_accessors_agree(m)).count();
            assert!(decoded > der.len(), "{decoded} mutations decoded");
        }
        let descriptions: Vec<_> = certs
            .iter()
            .map(|der| Description::new(&CertificateDer::from(&der[..])).unwrap())
            .collect();
        // The cases are what they claim to be, so the agreement above means something.
        let [root, intermediate, leaf, client, sorted, unsorted, empty] = &descriptions[..] else {
            panic!("{} certificates", descriptions.len());
        };
        assert_eq!((root.is_ca, root.path_len), (true, None));
        assert_eq!((intermediate.is_ca, intermediate.path_len), (true, Some(2)));
        assert_eq!(
            root.subject,
            "CN=\\ #certdeps Root\\; \\<1\\> \\\\\\ ,O=Contoso\\, Ltd. \\+ \\\"Friends\\\",C=US"
        );
        assert!(
            intermediate.subject.starts_with("2.5.4.3=#1e"),
            "{}",
            intermediate.subject
        );
        assert_eq!(leaf.san.len(), 7);
        assert!(leaf.san.contains(&San::Ip("2001:db8::1".parse().unwrap())));
        assert_eq!(
            leaf.ca_issuers,
            ["http://ca.test/ca.der", "http://ca.test/2.p7c"]
        );
        assert!(leaf.allows_server_auth() && !client.allows_server_auth());
        assert_eq!(root.extended_key_usage, None);
        assert_eq!(client.san[0], San::Dns("\u{1f61c}.example.com".to_owned()));
        assert_eq!(sorted.subject, "CN=b+OU=a,OU=IT+OU=Ops");
        assert_eq!(unsorted.subject, ",CN=x+CN=x,OU=IT+OU=Ops");
        assert_eq!(empty.subject, "");
        // Which names the fast path writes: escapes, a default name, x509-cert's order and
        // the empty name; not a BMPString, a surname, or a SET OF out of x509-cert's order.
        let fast = |i: usize| fast::name_text(Skim::new(&certs[i]).unwrap().subject).is_some();
        assert_eq!(
            (0..7).map(fast).collect::<Vec<_>>(),
            [true, false, false, true, true, false, true]
        );
    }

    /// The distinct certificates of x509-limbo (peers, intermediates, trust anchors) as PEM;
    /// `None`, once the reason is printed, when the suite is missing and `test` is skipped.
    fn limbo_pems(test: &str) -> Option<Vec<String>> {
        let mut seen = std::collections::HashSet::new();
        Some(
            crate::testdata::limbo_cases_or_skip(test)?
                .into_iter()
                .flat_map(|tc| {
                    std::iter::once(tc.peer_certificate)
                        .chain(tc.untrusted_intermediates)
                        .chain(tc.trusted_certs)
                })
                .filter(|pem| seen.insert(pem.clone()))
                .collect(),
        )
    }

    #[test]
    fn accessors_agree_with_description_on_limbo_certificates() {
        let Some(pems) = limbo_pems("the x509-limbo agreement") else {
            return;
        };
        let pems: Vec<&str> = pems.iter().map(String::as_str).collect();
        // Two threads: a debug build takes about 0.5 ms a certificate.
        let total = pems.len();
        let decoded: usize = std::thread::scope(|scope| {
            let agree = |pems: &[&str]| {
                pems.iter()
                    .map(|pem| pem::parse(pem).unwrap().into_contents())
                    .filter(|der| assert_accessors_agree(der))
                    .count()
            };
            let (first, second) = pems.split_at(total / 2);
            let first = scope.spawn(move || agree(first));
            agree(second) + first.join().unwrap()
        });
        println!("{decoded} of {total} distinct x509-limbo certificates decode and agree");
        assert!(decoded * 10 > total * 9, "{decoded} of {total}");
    }

    /// The OIDs of the index differential: every one the crate looks up, id-ce's it does
    /// not (keyUsage, certificatePolicies, nameConstraints, an unassigned one), AIA's
    /// neighbours (subjectInfoAccess, id-pe-tlsfeature), and ones no certificate has.
    fn index_oids() -> Vec<ObjectIdentifier> {
        let mut oids = vec![
            SUBJECT_KEY_ID,
            AUTHORITY_KEY_ID,
            BasicConstraints::OID,
            SubjectAltName::OID,
            ExtendedKeyUsage::OID,
            AuthorityInfoAccessSyntax::OID,
            UNKNOWN,
        ];
        oids.extend(
            [
                "2.5.29.15",
                "2.5.29.32",
                "2.5.29.30",
                "2.5.29.127",
                "2.5.29.17.1",
                "1.3.6.1.5.5.7.1.11",
                "1.3.6.1.5.5.7.1.24",
                "1.3.6.1.5.5.7.1.1.1",
                "1.3.6.1.5.5.7.48.2",
            ]
            .map(ObjectIdentifier::new_unwrap),
        );
        oids
    }

    /// The lookup [`Skim::extension`] made before the index: the fast walk, then the `der`
    /// one where the fast walk cannot tell.
    fn plain_extension<'a>(skim: &Skim<'a>, oid: &ObjectIdentifier) -> Option<&'a [u8]> {
        let extensions = skim.extensions?;
        fast::extension(extensions, oid).unwrap_or_else(|| decoded_extension(extensions, oid))
    }

    /// Whether `skim` answers lookups from its index (rather than by walking).
    fn indexed(skim: &Skim<'_>) -> bool {
        skim.extensions
            .is_some_and(|extensions| skim.index.get(extensions, 0).is_some())
    }

    /// Every lookup of [`index_oids`] on `der` answers what the plain walk does, on both
    /// readers' skims. `(skimmed, indexed)`.
    fn assert_index_agrees(der: &[u8]) -> (bool, bool) {
        let Ok(skim) = Skim::new(der) else {
            return (false, false);
        };
        for oid in &index_oids() {
            assert_eq!(
                skim.extension(oid),
                plain_extension(&skim, oid),
                "{oid} in {der:02x?}"
            );
        }
        if let Ok(decoded) = Skim::decode(der) {
            assert!(!indexed(&decoded), "the der reader keeps no index");
            for oid in &index_oids() {
                assert_eq!(decoded.extension(oid), plain_extension(&decoded, oid));
            }
        }
        (true, indexed(&skim))
    }

    /// The indexed lookup answers what the plain walk does on the generated certificates
    /// and every mutation of them, where the index is kept and where it is not.
    #[test]
    fn indexed_extensions_agree_with_the_walk_on_certificates_and_their_mutations() {
        let (mut skimmed, mut indexed) = (0, 0);
        for der in varied_certificates() {
            assert_eq!(
                assert_index_agrees(&der),
                (true, true),
                "the originals index"
            );
            for mutated in mutations(&der) {
                let (s, i) = assert_index_agrees(&mutated);
                skimmed += usize::from(s);
                indexed += usize::from(i);
            }
        }
        // Both routes ran: indexed lookups, and skims that walk (a list the index refuses,
        // or a certificate only the der reader reads).
        assert!(
            indexed > 10_000 && skimmed > indexed + 500,
            "{skimmed} {indexed}"
        );
    }

    /// The indexed lookup answers what the plain walk does on x509-limbo's certificates.
    #[test]
    fn indexed_extensions_agree_with_the_walk_on_limbo_certificates() {
        let Some(pems) = limbo_pems("the x509-limbo index agreement") else {
            return;
        };
        let (mut skimmed, mut indexed) = (0, 0);
        for pem in &pems {
            let (s, i) = assert_index_agrees(&pem::parse(pem).unwrap().into_contents());
            skimmed += usize::from(s);
            indexed += usize::from(i);
        }
        println!("{indexed} of {skimmed} skimmed x509-limbo certificates indexed");
        assert!(indexed * 10 > pems.len() * 9, "{indexed} of {}", pems.len());
    }

    /// `der` (whose last tbsCertificate field is its extensions) with its extensions list
    /// replaced by one with these contents.
    fn with_extensions(der: &[u8], list: &[u8]) -> Vec<u8> {
        let skim = Skim::new(der).unwrap();
        let old = tlv(0xa3, &tlv(0x30, skim.extensions.unwrap()));
        let (cert, _) = crate::der::tlv(der, 0x30).unwrap();
        let (tbs, signature) = crate::der::tlv(cert, 0x30).unwrap();
        let (head, field) = tbs.split_at(tbs.len() - old.len());
        assert_eq!(field, old, "the extensions come last");
        let tbs = [head, &tlv(0xa3, &tlv(0x30, list))].concat();
        tlv(0x30, &[tlv(0x30, &tbs), signature.to_vec()].concat())
    }

    /// Lists the mutations reach only by chance: duplicates, an extension found before the
    /// list turns unreadable, invalid extnIDs before and after, AIA look-alikes, empty
    /// values, explicit critical flags.
    #[test]
    fn indexed_extensions_agree_with_the_walk_on_odd_lists() {
        let ext = |id: &[u8], critical: &[u8], value: &[u8]| {
            tlv(
                0x30,
                &[tlv(0x06, id), critical.to_vec(), tlv(0x04, value)].concat(),
            )
        };
        let (san, bc, aia) = (
            SubjectAltName::OID,
            BasicConstraints::OID,
            AuthorityInfoAccessSyntax::OID,
        );
        let (san, bc, aia) = (san.as_bytes(), bc.as_bytes(), aia.as_bytes());
        let sia = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.1.11");
        let first = tlv(0x30, &tlv(0x82, b"first.test"));
        let second = tlv(0x30, &tlv(0x82, b"second.test"));
        let ca = [0x30, 0x03, 0x01, 0x01, 0xff];
        let base = &varied_certificates()[2];
        /// The list, whether it is indexed, what the SAN lookup answers.
        type Case<'a> = (Vec<u8>, bool, Option<&'a [u8]>);
        let cases: Vec<Case<'_>> = vec![
            (
                [ext(san, &[], &first), ext(san, &[], &second)].concat(),
                true,
                Some(&first),
            ),
            (
                [
                    ext(san, &[1, 1, 0xff], &first),
                    ext(bc, &[], &ca),
                    ext(san, &[], &second),
                ]
                .concat(),
                true,
                Some(&first),
            ),
            (
                [ext(san, &[1, 1, 0], &[]), ext(bc, &[1, 1, 0xff], &ca)].concat(),
                true,
                Some(&[]),
            ),
            // Unreadable after the SAN: the fast walk still finds it; BC is the der walk's.
            (
                [ext(san, &[], &first), vec![0x30, 0x01, 0x00]].concat(),
                false,
                Some(&first),
            ),
            (
                [ext(san, &[], &first), ext(&[0x2a, 0x80], &[], &ca)].concat(),
                false,
                Some(&first),
            ),
            (
                [ext(&[0x2a, 0x80], &[], &ca), ext(san, &[], &first)].concat(),
                false,
                None,
            ),
            (
                [ext(&[0x55, 0x1d, 0x91], &[], &ca), ext(san, &[], &first)].concat(),
                false,
                None,
            ),
            // A critical flag DER does not allow, a long-form length DER does not allow.
            ([ext(san, &[1, 1, 0x01], &first)].concat(), false, None),
            (
                [
                    vec![0x30, 0x81, 0x07, 0x06, 0x03],
                    san.to_vec(),
                    vec![0x04, 0x00],
                    ext(bc, &[], &ca),
                ]
                .concat(),
                false,
                None,
            ),
            (
                [
                    ext(sia.as_bytes(), &[], &first),
                    ext(&aia[..7], &[], &first),
                    ext(&[aia, &[0]].concat(), &[], &first),
                    ext(aia, &[], &second),
                    ext(&[0x55, 0x1d, 0x7f], &[], &second),
                ]
                .concat(),
                true,
                None,
            ),
            (Vec::new(), true, None),
            // Seven-byte extensions (no critical flag, an empty value), shorter than the
            // word the id-ce fast path reads: the general reading indexes them.
            (
                [
                    ext(&[0x55, 0x1d, 0x0f], &[], &[]),
                    ext(san, &[], &[]),
                    ext(san, &[], &first),
                ]
                .concat(),
                true,
                Some(&[]),
            ),
        ];
        for (i, (list, want_indexed, want_san)) in cases.into_iter().enumerate() {
            let der = with_extensions(base, &list);
            let skim = Skim::new(&der).unwrap();
            assert_eq!(indexed(&skim), want_indexed, "case {i}");
            assert_eq!(skim.extension(&SubjectAltName::OID), want_san, "case {i}");
            assert_eq!(assert_index_agrees(&der), (true, want_indexed), "case {i}");
        }
    }

    /// A list the index cannot hold (700 empty extensions, the subject key identifier, then
    /// an extnID that is not a valid OID) answers the key identifiers that the walks do,
    /// read once when skimmed rather than by two walks of the list per lookup.
    #[test]
    fn key_ids_of_a_list_the_index_refuses_are_read_once() {
        let ext = |id: &[u8], value: &[u8]| {
            tlv(0x30, &[tlv(0x06, id), tlv(0x04, value)].concat())
        };
        let key_usage = ext(&[0x55, 0x1d, 0x0f], &[]);
        let ski = ext(SUBJECT_KEY_ID.as_bytes(), &[0x04, 0x02, 0xaa, 0xbb]);
        let invalid = tlv(0x30, &[0x06, 0x01, 0x80, 0x04, 0x00]);
        let list = [key_usage.repeat(700), ski, invalid].concat();
        let der = with_extensions(&varied_certificates()[2], &list);
        let skim = Skim::new(&der).unwrap();
        assert!(!indexed(&skim), "the index refuses the list");
        assert_eq!(skim.subject_key_id(), Some(&[0xaa, 0xbb][..]));
        assert_eq!(skim.authority_key_id(), None);
        assert_eq!(skim.subject_key_id(), skim.read_subject_key_id());
        assert_eq!(skim.authority_key_id(), skim.read_authority_key_id());
    }

    /// [`Skim`] is copied into chain links, which assembly keeps in place (`SmallVec`), and
    /// into a diagnosis' list of skims: the index grows it from 96 to 112 bytes and the key
    /// identifiers read once to 144, no more, so that every check does not fill and move
    /// larger blocks.
    #[test]
    fn skim_stays_small() {
        let size = size_of::<Skim<'_>>();
        println!("size_of::<Skim>() = {size}");
        assert!(size <= 144, "{size}");
    }

    mod names {
        use super::*;
        use proptest::prelude::*;
        use proptest::strategy::ValueTree;

        /// Attribute types: every NAME_KEYS one, two the database knows but NAME_KEYS does
        /// not (surname, UID), one it does not know, and a malformed OID.
        fn oid() -> impl Strategy<Value = Vec<u8>> {
            let known = NAME_KEYS.map(|(oid, _)| oid.as_bytes().to_vec());
            prop_oneof![
                6 => proptest::sample::select(known.to_vec()),
                1 => Just(ObjectIdentifier::new_unwrap("2.5.4.4").as_bytes().to_vec()),
                1 => Just(
                    ObjectIdentifier::new_unwrap("0.9.2342.19200300.100.1.1").as_bytes().to_vec()
                ),
                1 => Just(ObjectIdentifier::new_unwrap("1.3.6.1.4.1.99.1").as_bytes().to_vec()),
                1 => Just(vec![0x2a, 0x80]),
            ]
        }

        /// Value bytes: mostly text with the characters escaping and the string types care
        /// about, sometimes any bytes.
        fn value() -> impl Strategy<Value = Vec<u8>> {
            prop_oneof![
                4 => proptest::collection::vec(
                    proptest::sample::select(
                        b"aZ09 '()+,-./:=?#\"\\;<>*@_\t\x00\x7f\xc3\xb6\xe2\x82\xac\xff".to_vec()
                    ),
                    0..12,
                ),
                1 => proptest::collection::vec(any::<u8>(), 0..12),
            ]
        }

        /// String tags x509-cert writes as text, others it writes as hex, and a few more.
        fn tag() -> impl Strategy<Value = u8> {
            prop_oneof![
                6 => proptest::sample::select(vec![0x13, 0x0c, 0x16, 0x14]),
                1 => proptest::sample::select(vec![0x1e, 0x1c, 0x04, 0x02, 0x33, 0x1f]),
            ]
        }

        /// A Name's contents: RDNs of 0 to 3 attributes, sometimes damaged.
        fn name() -> impl Strategy<Value = Vec<u8>> {
            let attribute = (oid(), tag(), value()).prop_map(|(oid, tag, value)| {
                tlv(0x30, &[tlv(0x06, &oid), tlv(tag, &value)].concat())
            });
            let rdn = proptest::collection::vec(attribute, 0..4)
                .prop_map(|atvs| tlv(0x31, &atvs.concat()));
            let contents = proptest::collection::vec(rdn, 0..6).prop_map(|rdns| rdns.concat());
            (contents, 0..8u8, any::<usize>(), any::<u8>()).prop_map(
                |(mut der, damage, at, byte)| {
                    if !der.is_empty() {
                        let at = at % der.len();
                        match damage {
                            0 => der.truncate(at),
                            1 => der[at] = byte,
                            2 => der.insert(at, byte),
                            _ => {}
                        }
                    }
                    der
                },
            )
        }

        proptest! {
            #![proptest_config(ProptestConfig {
                cases: 2048,
                failure_persistence: None,
                ..ProptestConfig::default()
            })]

            /// name_text writes what the x509-cert route writes, whichever path it takes.
            #[test]
            fn name_text_agrees_with_x509_cert(contents in name()) {
                let expected = decoded_name_text(&contents);
                if let Some(fast) = fast::name_text(&contents) {
                    prop_assert_eq!(&fast, &expected);
                }
                prop_assert_eq!(name_text(&contents), expected);
            }
        }

        #[test]
        fn the_fast_path_takes_common_names() {
            let runner = &mut proptest::test_runner::TestRunner::deterministic();
            let (mut fast, mut all) = (0, 0);
            for _ in 0..2000 {
                let contents = name().new_tree(runner).unwrap().current();
                all += 1;
                fast += usize::from(fast::name_text(&contents).is_some());
            }
            assert!(fast * 5 > all, "{fast} of {all} names took the fast path");
        }
    }
}
