//! Certificates as certdeps reads them: a cheap zero-copy [`Skim`] for the hot path, and a
//! full [`Description`] (via x509-cert) only when something must be explained.
//!
//! webpki decides trust but exposes no validity dates, SAN lists or display names, so the
//! description comes from x509-cert; x509-cert never decides trust.

use std::net::IpAddr;
use std::time::Duration;

use der::asn1::{AnyRef, ObjectIdentifier};
use der::{Decode, Encode, Reader, SliceReader, Tag, TagNumber, Tagged};
use pki_types::{CertificateDer, UnixTime};
use sha2::{Digest, Sha256};
use x509_cert::certificate::Rfc5280;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{
    AuthorityInfoAccessSyntax, AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage,
    SubjectAltName, SubjectKeyIdentifier,
};
use x509_cert::time::Validity;

use crate::key::PublicKey;
use crate::name::San;

/// id-ad-caIssuers ([RFC 5280 section 4.2.2.1]).
///
/// [RFC 5280 section 4.2.2.1]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.2.1
const CA_ISSUERS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.2");
const SUBJECT_KEY_ID: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.14");
const AUTHORITY_KEY_ID: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.35");
const SUBJECT_ALT_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.17");
const ANY_EKU: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.37.0");

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
}

impl<'a> Skim<'a> {
    /// Reads the outer structure of `der` ([RFC 5280 section 4.1]).
    ///
    /// [RFC 5280 section 4.1]: https://www.rfc-editor.org/rfc/rfc5280#section-4.1
    pub(crate) fn new(der: &'a [u8]) -> der::Result<Self> {
        match fast::skim(der) {
            Some(skim) => Ok(skim),
            None => Self::decode(der),
        }
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
    pub(crate) fn extension(&self, oid: &ObjectIdentifier) -> Option<&'a [u8]> {
        let mut reader = SliceReader::new(self.extensions?).ok()?;
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

    /// subjectKeyIdentifier ([RFC 5280 section 4.2.1.2]).
    ///
    /// [RFC 5280 section 4.2.1.2]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.2
    pub(crate) fn subject_key_id(&self) -> Option<&'a [u8]> {
        let value = self.extension(&SUBJECT_KEY_ID)?;
        <&der::asn1::OctetStringRef>::from_der(value)
            .ok()
            .map(|o| o.as_bytes())
    }

    /// authorityKeyIdentifier keyIdentifier ([RFC 5280 section 4.2.1.1]).
    ///
    /// ```text
    /// AuthorityKeyIdentifier ::= SEQUENCE {
    ///    keyIdentifier             [0] KeyIdentifier           OPTIONAL, ... }
    /// ```
    ///
    /// [RFC 5280 section 4.2.1.1]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.1
    pub(crate) fn authority_key_id(&self) -> Option<&'a [u8]> {
        let value = self.extension(&AUTHORITY_KEY_ID)?;
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

/// Where a time falls relative to a certificate's validity period.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ValidityAt {
    Expired,
    NotYetValid,
    Valid,
}

/// The fast path's DER reader, shared with [`crate::key`]'s fast path.
pub(crate) use fast::tlv as fast_tlv;

/// The common shape of a certificate read without the `der` crate's general machinery, which
/// costs several times more than the rest of a healthy check's own work.
///
/// It accepts a strict subset of what [`Skim::new`]'s `der` path accepts (the usual tags, DER
/// lengths up to two bytes, `Z` times from 1970) and returns the same fields; on anything
/// else it answers `None` and the `der` path decides, so the two can never disagree.
mod fast {
    use super::Skim;

    /// One TLV with tag `tag`, DER lengths up to two bytes: its contents and what follows it.
    pub(crate) fn tlv(input: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
        let (&found, rest) = input.split_first()?;
        if found != tag {
            return None;
        }
        let (&first, rest) = rest.split_first()?;
        let (len, rest) = match first {
            0..=0x7f => (usize::from(first), rest),
            // X.690 section 10.1: the long form only when needed, in the fewest octets.
            0x81 => match rest.split_first()? {
                (&len, rest) if len >= 0x80 => (usize::from(len), rest),
                _ => return None,
            },
            0x82 => match rest.split_first_chunk::<2>()? {
                (&len, rest) if len[0] != 0 => (usize::from(u16::from_be_bytes(len)), rest),
                _ => return None,
            },
            _ => return None,
        };
        rest.split_at_checked(len)
    }

    pub(super) fn skim(der: &[u8]) -> Option<Skim<'_>> {
        let (cert, trailing) = tlv(der, 0x30)?;
        let (tbs, signature) = tlv(cert, 0x30)?;
        let (_, signature) = tlv(signature, 0x30)?; // signatureAlgorithm
        let (_, signature) = tlv(signature, 0x03)?; // signatureValue
        if !trailing.is_empty() || !signature.is_empty() {
            return None;
        }
        let mut tbs = tbs;
        if tbs.first() == Some(&0xa0) {
            tbs = tlv(tbs, 0xa0)?.1; // version
        }
        let (_, tbs) = tlv(tbs, 0x02)?; // serialNumber
        let (_, tbs) = tlv(tbs, 0x30)?; // signature
        let (issuer, tbs) = tlv(tbs, 0x30)?;
        let (validity, tbs) = tlv(tbs, 0x30)?;
        let (subject, tbs) = tlv(tbs, 0x30)?;
        let (_, mut rest) = tlv(tbs, 0x30)?;
        let spki = tbs.get(..tbs.len() - rest.len())?;
        let (not_before, validity) = time(validity)?;
        let (not_after, validity) = time(validity)?;
        if !validity.is_empty() {
            return None;
        }
        let mut extensions = None;
        while let Some(&tag) = rest.first() {
            // issuerUniqueID [1], subjectUniqueID [2], extensions [3] EXPLICIT.
            if !matches!(tag, 0x81 | 0x82 | 0xa3) {
                return None;
            }
            let (field, after) = tlv(rest, tag)?;
            if tag == 0xa3 {
                match tlv(field, 0x30)? {
                    (exts, []) => extensions = Some(exts),
                    _ => return None,
                }
            }
            rest = after;
        }
        Some(Skim {
            der,
            issuer,
            subject,
            spki,
            not_before,
            not_after,
            extensions,
        })
    }

    /// A UTCTime `YYMMDDHHMMSSZ` or GeneralizedTime `YYYYMMDDHHMMSSZ` ([RFC 5280 section
    /// 4.1.2.5]) as Unix seconds, from 1970 on, as the `der` crate reads it.
    ///
    /// [RFC 5280 section 4.1.2.5]: https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.5
    pub(super) fn time(input: &[u8]) -> Option<(u64, &[u8])> {
        let (year, digits, rest) = match input.first()? {
            0x17 => {
                let (t, rest) = tlv(input, 0x17)?;
                let (&[y1, y2], digits) = t.split_first_chunk::<2>()?;
                let yy = u64::from(decimal(y1, y2)?);
                (if yy >= 50 { 1900 + yy } else { 2000 + yy }, digits, rest)
            }
            0x18 => {
                let (t, rest) = tlv(input, 0x18)?;
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

    fn decimal(hi: u8, lo: u8) -> Option<u8> {
        (hi.is_ascii_digit() && lo.is_ascii_digit()).then(|| (hi - b'0') * 10 + (lo - b'0'))
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date on or after it (H. Hinnant,
    /// "chrono-Compatible Low-Level Date Algorithms", `days_from_civil`).
    fn days_from_civil(year: u64, month: u64, day: u64) -> u64 {
        let y = if month <= 2 { year - 1 } else { year };
        let era = y / 400;
        let yoe = y - era * 400;
        let mp = (month + 9) % 12;
        let doy = (153 * mp + 2) / 5 + day - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }
}

fn context_tag(number: u32, constructed: bool) -> Tag {
    Tag::ContextSpecific {
        constructed,
        number: TagNumber(number),
    }
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
        let san = match tbs.get_extension::<SubjectAltName>() {
            Ok(Some((_, sans))) => sans.0.iter().map(san_from).collect(),
            Ok(None) => Vec::new(),
            // x509-cert refuses entries webpki reads (a non-ASCII dNSName, a registeredID it
            // cannot represent): read them one by one rather than lose the whole description.
            Err(e) => lenient_sans(tbs.extensions()).ok_or(e)?,
        };
        let (is_ca, path_len) = match tbs.get_extension::<BasicConstraints>()? {
            Some((_, bc)) => (bc.ca, bc.path_len_constraint),
            None => (false, None),
        };
        let subject_key_id = tbs
            .get_extension::<SubjectKeyIdentifier>()?
            .map(|(_, ski)| hex(ski.0.as_bytes()));
        let authority_key_id = tbs
            .get_extension::<AuthorityKeyIdentifier>()?
            .and_then(|(_, aki)| aki.key_identifier.map(|id| hex(id.as_bytes())));
        let ca_issuers = match tbs.get_extension::<AuthorityInfoAccessSyntax>()? {
            Some((_, aia)) => aia
                .0
                .iter()
                .filter(|ad| ad.access_method == CA_ISSUERS)
                .filter_map(|ad| match &ad.access_location {
                    GeneralName::UniformResourceIdentifier(uri) => Some(uri.to_string()),
                    _ => None,
                })
                .collect(),
            None => Vec::new(),
        };
        let extended_key_usage = tbs
            .get_extension::<ExtendedKeyUsage>()?
            .map(|(_, eku)| eku.0.iter().map(eku_name).collect());
        let common_names = tbs
            .subject()
            .iter()
            .filter(|atv| atv.oid == const_oid_cn())
            .filter_map(|atv| directory_string(&atv.value))
            .collect();
        let spki = tbs.subject_public_key_info().to_der()?;
        let self_issued = tbs.subject() == tbs.issuer();
        let self_signed = self_issued
            && match (&subject_key_id, &authority_key_id) {
                (Some(ski), Some(aki)) => ski == aki,
                _ => true,
            };
        Ok(Self {
            subject: name_string(tbs.subject()),
            issuer: name_string(tbs.issuer()),
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
        match &self.extended_key_usage {
            None => true,
            Some(ekus) => ekus.iter().any(|eku| eku == "serverAuth"),
        }
    }
}

/// Wraps name or SPKI contents (webpki's header-less form) back into a DER SEQUENCE.
pub(crate) fn sequence_tlv(contents: &[u8]) -> Vec<u8> {
    let len = contents.len();
    let mut tlv = Vec::with_capacity(len + 4);
    tlv.push(0x30);
    if len < 0x80 {
        tlv.push(len as u8);
    } else {
        // Long form (X.690 section 8.1.3.5): 0x80 | count, then the big-endian length.
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count();
        tlv.push(0x80 | (bytes.len() - skip) as u8);
        tlv.extend_from_slice(&bytes[skip..]);
    }
    tlv.extend_from_slice(contents);
    tlv
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

fn const_oid_cn() -> ObjectIdentifier {
    ObjectIdentifier::new_unwrap("2.5.4.3")
}

/// The attribute types nearly every certificate name uses, with the key x509-cert's
/// `Display` writes for them: the shortest name the OID database has, uppercased.
const NAME_KEYS: [(ObjectIdentifier, &str); 10] = [
    (ObjectIdentifier::new_unwrap("2.5.4.3"), "CN"),
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

/// A name as an [RFC 4514] string, exactly as x509-cert's `Display` writes it, but without
/// the scan of its whole OID database that `Display` makes for every attribute (most of the
/// cost of describing a certificate); other attribute types still go through `Display`.
///
/// [RFC 4514]: https://www.rfc-editor.org/rfc/rfc4514
pub(crate) fn name_string(name: &x509_cert::name::Name) -> String {
    use std::fmt::Write;
    let rdns: Vec<_> = name.iter_rdn().collect();
    let mut out = String::new();
    // RFC 4514 section 2.1: the last RDN first.
    for (i, rdn) in rdns.iter().rev().enumerate() {
        if i > 0 {
            out.push(',');
        }
        for (j, atv) in rdn.iter().enumerate() {
            if j > 0 {
                out.push('+');
            }
            let key = NAME_KEYS.iter().find(|(oid, _)| *oid == atv.oid);
            match (key, attribute_text(&atv.value)) {
                (Some((_, key)), Some(text)) => {
                    out.push_str(key);
                    out.push('=');
                    escape_rfc4514(text, &mut out);
                }
                // Writing to a String cannot fail.
                _ => drop(write!(out, "{atv}")),
            }
        }
    }
    out
}

/// The string forms x509-cert's `Display` prints as text.
fn attribute_text(value: &der::Any) -> Option<&str> {
    use der::asn1::{Ia5StringRef, PrintableStringRef, TeletexStringRef, Utf8StringRef};
    match value.tag() {
        Tag::PrintableString => PrintableStringRef::try_from(value).ok().map(|s| s.as_str()),
        Tag::Utf8String => Utf8StringRef::try_from(value).ok().map(|s| s.as_str()),
        Tag::Ia5String => Ia5StringRef::try_from(value).ok().map(|s| s.as_str()),
        Tag::TeletexString => TeletexStringRef::try_from(value).ok().map(|s| s.as_str()),
        _ => None,
    }
}

/// [RFC 4514 section 2.4] escaping, character for character as x509-cert does it.
///
/// [RFC 4514 section 2.4]: https://www.rfc-editor.org/rfc/rfc4514#section-2.4
fn escape_rfc4514(text: &str, out: &mut String) {
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

/// The subjectAltName entries read one `GeneralName` at a time ([RFC 5280 section 4.2.1.6]),
/// keeping what webpki keeps: dNSName and the other IA5String forms as their bytes (lossily as
/// UTF-8 where they are not ASCII), iPAddress as octets, anything else as
/// [`San::Other`]. `None` when the extension is absent, repeated, or not a SEQUENCE of
/// TLVs.
///
/// [RFC 5280 section 4.2.1.6]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.6
fn lenient_sans(extensions: Option<&x509_cert::ext::Extensions>) -> Option<Vec<San>> {
    let mut found = extensions?.iter().filter(|e| e.extn_id == SUBJECT_ALT_NAME);
    let extension = found.next()?;
    if found.next().is_some() {
        return None;
    }
    let names = AnyRef::from_der(extension.extn_value.as_bytes()).ok()?;
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

fn eku_name(oid: &ObjectIdentifier) -> String {
    match oid.to_string().as_str() {
        "1.3.6.1.5.5.7.3.1" => "serverAuth".to_owned(),
        "1.3.6.1.5.5.7.3.2" => "clientAuth".to_owned(),
        "1.3.6.1.5.5.7.3.3" => "codeSigning".to_owned(),
        "1.3.6.1.5.5.7.3.4" => "emailProtection".to_owned(),
        "1.3.6.1.5.5.7.3.8" => "timeStamping".to_owned(),
        "1.3.6.1.5.5.7.3.9" => "OCSPSigning".to_owned(),
        _ if *oid == ANY_EKU => "anyExtendedKeyUsage".to_owned(),
        other => other.to_owned(),
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
    fn hex_is_lowercase_and_padded() {
        assert_eq!(hex(&[0x00, 0x0a, 0xff]), "000aff");
    }

    #[test]
    fn sequence_tlv_uses_minimal_lengths() {
        assert_eq!(sequence_tlv(&[1, 2]), [0x30, 0x02, 1, 2]);
        assert_eq!(sequence_tlv(&[0; 0x80])[..3], [0x30, 0x81, 0x80]);
        assert_eq!(sequence_tlv(&[0; 0x100])[..4], [0x30, 0x82, 0x01, 0x00]);
        assert_eq!(
            sequence_tlv(&[0; 0x10000])[..5],
            [0x30, 0x83, 0x01, 0x00, 0x00]
        );
    }

    #[test]
    fn lenient_sans_keep_what_x509_cert_refuses() {
        // SEQUENCE { [2] "\u{1f61c}.example.com" (not IA5), [7] 1.2.3.4, [8] OID 2.47.0.0.1 }
        let dns = "\u{1f61c}.example.com".as_bytes();
        let mut names = vec![0x82, dns.len() as u8];
        names.extend_from_slice(dns);
        names.extend_from_slice(&[0x87, 4, 1, 2, 3, 4, 0x88, 4, 0x7f, 0, 0, 1]);
        let extension = x509_cert::ext::Extension {
            extn_id: SUBJECT_ALT_NAME,
            critical: false,
            extn_value: der::asn1::OctetString::new(sequence_tlv(&names)).unwrap(),
        };
        let sans = lenient_sans(Some(&vec![extension.clone()])).unwrap();
        assert_eq!(sans[0], San::Dns("\u{1f61c}.example.com".to_owned()));
        assert_eq!(sans[1], San::Ip(IpAddr::from([1, 2, 3, 4])));
        assert!(matches!(sans[2], San::Other(_)));
        assert_eq!(
            lenient_sans(Some(&vec![extension.clone(), extension])),
            None
        );
        assert_eq!(lenient_sans(None), None);
    }

    #[test]
    fn name_string_writes_what_x509_cert_display_writes() {
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
        for (oid, _) in NAME_KEYS {
            let mut name = x509_cert::name::Name::from_str("CN=v").unwrap();
            let rdn = format!("{oid}=#0c0176");
            name = x509_cert::name::Name::from_str(&format!("{rdn},{name}")).unwrap();
            names.push(name);
        }
        for name in names {
            assert_eq!(name_string(&name), name.to_string());
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
        for i in 0..der.len() {
            for flip in [0x01, 0x02, 0x10, 0x80, 0xff] {
                let mut mutated = der.clone();
                mutated[i] ^= flip;
                assert_fast_agrees(&mutated);
            }
            assert_fast_agrees(&der[..i]);
        }
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
}
