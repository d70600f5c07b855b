//! Certificates and damaged copies of them that the readers' tests share.

use der::asn1::ObjectIdentifier;

use super::skim::Skim;
use crate::der::sequence_tlv;

/// Every single-byte flip (by 0x01, 0x02, 0x10, 0x80, 0xff) and every truncation of `der`.
pub(super) fn mutations(der: &[u8]) -> impl Iterator<Item = Vec<u8>> + '_ {
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

/// A DER TLV with minimal length octets.
pub(super) fn tlv(tag: u8, contents: &[u8]) -> Vec<u8> {
    let mut tlv = sequence_tlv(contents).unwrap();
    tlv[0] = tag;
    tlv
}

/// One AttributeTypeAndValue: `oid` with a value of type `tag`.
pub(super) fn atv(oid: &str, tag: u8, value: &[u8]) -> Vec<u8> {
    let oid = ObjectIdentifier::new(oid).unwrap();
    tlv(0x30, &[tlv(0x06, oid.as_bytes()), tlv(tag, value)].concat())
}

/// `der` with its subject Name replaced by one with these contents (the signature no
/// longer verifies; nothing here checks it).
pub(super) fn with_subject(der: &[u8], subject: &[u8]) -> Vec<u8> {
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
pub(super) fn varied_certificates() -> Vec<Vec<u8>> {
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

pub(super) const UNKNOWN: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.99.99");

/// The distinct certificates of x509-limbo (peers, intermediates, trust anchors) as PEM;
/// `None`, once the reason is printed, when the suite is missing and `test` is skipped.
pub(super) fn limbo_pems(test: &str) -> Option<Vec<String>> {
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
