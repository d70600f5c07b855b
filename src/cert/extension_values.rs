//! What each extension a report reads says, from its extnValue ([RFC 5280 section 4.2]):
//! subjectAltName, basicConstraints, authorityInfoAccess, extendedKeyUsage.
//!
//! Each reader tries the usual shape first, read straight from the bytes, and otherwise
//! answers as x509-cert decodes the value, error for error.
//!
//! [RFC 5280 section 4.2]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2

use std::net::IpAddr;

use der::asn1::{AnyRef, ObjectIdentifier};
use der::{Decode, Reader, SliceReader, Tag, Tagged};
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{
    AuthorityInfoAccessSyntax, BasicConstraints, ExtendedKeyUsage, SubjectAltName,
};

use super::hex;
use crate::der::{context_tag, tlv};
use crate::name::San;

/// id-ad-caIssuers ([RFC 5280 section 4.2.2.1]).
///
/// [RFC 5280 section 4.2.2.1]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.2.1
const CA_ISSUERS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.2");

/// id-kp-serverAuth, 1.3.6.1.5.5.7.3.1 ([RFC 5280 section 4.2.1.12]), as its DER content
/// bytes.
///
/// [RFC 5280 section 4.2.1.12]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.12
pub(super) const SERVER_AUTH_OID: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01];

/// The one rule behind both `allows_server_auth`s ([RFC 5280 section 4.2.1.12]): no
/// extension, or one listing serverAuth.
///
/// [RFC 5280 section 4.2.1.12]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.12
pub(super) fn allows_server_auth(ekus: Option<&[String]>) -> bool {
    ekus.is_none_or(|ekus| ekus.iter().any(|eku| eku == "serverAuth"))
}

/// The extnValue of the extension with this OID, as x509-cert's `get_extension` finds it:
/// an error when it occurs more than once ([RFC 5280 section 4.2]: "MUST NOT include more
/// than one instance of a particular extension").
///
/// [RFC 5280 section 4.2]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2
pub(super) fn only_extension<'e>(
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
/// [`Description::san`](crate::Description::san) reports them: x509-cert's reading, or
/// [`lenient_sans`]'s where x509-cert refuses an entry webpki reads (a non-ASCII dNSName, a
/// registeredID it cannot represent) rather than lose the whole description. When every entry
/// is one [`lenient_sans`] reads exactly as x509-cert does (ASCII dNSName, rfc822Name and
/// URI; a 4- or 16-octet iPAddress), its reading is the answer and x509-cert is not asked.
///
/// [RFC 5280 section 4.2.1.6]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.6
pub(super) fn sans_in(value: &[u8]) -> der::Result<Vec<San>> {
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
pub(super) fn basic_constraints_in(value: &[u8]) -> der::Result<(bool, Option<u8>)> {
    match basic_constraints(value) {
        Some(found) => Ok(found),
        None => BasicConstraints::from_der(value).map(|bc| (bc.ca, bc.path_len_constraint)),
    }
}

/// basicConstraints ([RFC 5280 section 4.2.1.9]) as (cA, pathLenConstraint) in the three
/// shapes CAs write: no fields, cA TRUE, cA TRUE with a length under 128.
///
/// [RFC 5280 section 4.2.1.9]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.9
pub(super) fn basic_constraints(value: &[u8]) -> Option<(bool, Option<u8>)> {
    match tlv(value, 0x30)? {
        ([], []) => Some((false, None)),
        ([0x01, 0x01, 0xff], []) => Some((true, None)),
        ([0x01, 0x01, 0xff, 0x02, 0x01, len @ 0..=0x7f], []) => Some((true, Some(*len))),
        _ => None,
    }
}

/// The caIssuers URIs of an AIA extnValue ([RFC 5280 section 4.2.2.1]), in order, as
/// x509-cert decodes it.
///
/// [RFC 5280 section 4.2.2.1]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.2.1
pub(super) fn ca_issuers_in(value: &[u8]) -> der::Result<Vec<String>> {
    if let Some(uris) = ca_issuers(value) {
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

/// The caIssuers URIs of an AIA extension ([RFC 5280 section 4.2.2.1]) whose every
/// accessLocation is an ASCII uniformResourceIdentifier.
///
/// [RFC 5280 section 4.2.2.1]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.2.1
pub(super) fn ca_issuers(value: &[u8]) -> Option<Vec<String>> {
    let (mut descriptions, []) = tlv(value, 0x30)? else {
        return None;
    };
    let mut uris = Vec::new();
    while !descriptions.is_empty() {
        let (description, rest) = tlv(descriptions, 0x30)?;
        let (method, location) = tlv(description, 0x06)?;
        let (uri, []) = tlv(location, 0x86)? else {
            return None;
        };
        if !uri.is_ascii() {
            return None; // x509-cert's IA5String refuses it
        }
        if method == CA_ISSUERS.as_bytes() {
            uris.push(std::str::from_utf8(uri).ok()?.to_owned());
        } else {
            ObjectIdentifier::from_bytes(method).ok()?;
        }
        descriptions = rest;
    }
    Some(uris)
}

/// The purposes of an extendedKeyUsage extnValue ([RFC 5280 section 4.2.1.12]), by name,
/// as x509-cert decodes it.
///
/// [RFC 5280 section 4.2.1.12]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.12
pub(super) fn eku_in(value: &[u8]) -> der::Result<Vec<String>> {
    match eku_names(value) {
        Some(names) => Ok(names),
        None => ExtendedKeyUsage::from_der(value).map(|eku| eku.0.iter().map(eku_name).collect()),
    }
}

/// Calls `each` with the content bytes of every OID in a `SEQUENCE OF OBJECT IDENTIFIER`
/// (an extendedKeyUsage value, [RFC 5280 section 4.2.1.12]); `None` when it is not of that
/// shape or `each` gives up.
///
/// [RFC 5280 section 4.2.1.12]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.12
fn each_oid(value: &[u8], mut each: impl FnMut(&[u8]) -> Option<()>) -> Option<()> {
    let (mut oids, []) = tlv(value, 0x30)? else {
        return None;
    };
    while !oids.is_empty() {
        let (oid, rest) = tlv(oids, 0x06)?;
        each(oid)?;
        oids = rest;
    }
    Some(())
}

/// Whether an extendedKeyUsage value lists the OID whose content bytes are `oid`; `None`
/// when it is not a `SEQUENCE OF OBJECT IDENTIFIER`.
pub(super) fn lists_oid(value: &[u8], oid: &[u8]) -> Option<bool> {
    let mut found = false;
    each_oid(value, |listed| {
        found |= listed == oid;
        Some(())
    })?;
    Some(found)
}

/// The purposes of an extendedKeyUsage value, by name; `None` when it is not a `SEQUENCE OF
/// OBJECT IDENTIFIER` of valid OIDs.
pub(super) fn eku_names(value: &[u8]) -> Option<Vec<String>> {
    let mut names = Vec::new();
    each_oid(value, |oid| {
        names.push(eku_name(&ObjectIdentifier::from_bytes(oid).ok()?));
        Some(())
    })?;
    Some(names)
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

#[cfg(test)]
mod tests {
    use super::*;
    use der::oid::AssociatedOid;

    use crate::cert::fixtures::{mutations, tlv, varied_certificates};
    use crate::cert::skim::Skim;
    use crate::der::sequence_tlv;
    #[test]
    fn server_auth_bytes_are_its_oid() {
        let oid = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.1");
        assert_eq!(oid.as_bytes(), SERVER_AUTH_OID);
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
                    fast_bc += usize::from(basic_constraints(value).is_some());
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
                    fast_aia += usize::from(ca_issuers(value).is_some());
                } else if oid == ExtendedKeyUsage::OID {
                    let x509 = ExtendedKeyUsage::from_der(value)
                        .map(|eku| eku.0.iter().map(eku_name).collect::<Vec<_>>());
                    assert_eq!(eku_in(value).ok(), x509.ok(), "{value:02x?}");
                    fast_eku += usize::from(eku_names(value).is_some());
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
}
