//! Distinguished names ([RFC 5280 section 4.1.2.4]) as text: the one [RFC 4514] writer,
//! and the subject's common names.
//!
//! [RFC 5280 section 4.1.2.4]: https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.4
//! [RFC 4514]: https://www.rfc-editor.org/rfc/rfc4514

use der::asn1::{AnyRef, ObjectIdentifier};

use crate::der::{sequence, tlv};

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

/// A Name's contents (webpki's form, without the SEQUENCE header:
/// [`Skim::subject`](super::Skim::subject), [`Skim::issuer`](super::Skim::issuer)) as an
/// [RFC 4514] string, exactly as x509-cert's `Display` writes the name x509-cert decodes from
/// them, or `(unreadable name)` when x509-cert refuses them: the crate's one name writer.
///
/// Names whose every attribute is one [`NAME_KEYS`] lists, with a string value valid for
/// its type, are written straight from the DER; only the rest are decoded.
///
/// [RFC 4514]: https://www.rfc-editor.org/rfc/rfc4514
pub(crate) fn name_text(contents: &[u8]) -> String {
    direct_name_text(contents).unwrap_or_else(|| decoded_name_text(contents))
}

/// [`name_text`] through x509-cert: decode the whole name and write it with its `Display`,
/// which also writes the attribute types and string types the fast path leaves out.
pub(super) fn decoded_name_text(contents: &[u8]) -> String {
    match sequence(contents).and_then(AnyRef::decode_as::<x509_cert::name::Name>) {
        Ok(name) => name.to_string(),
        Err(_) => "(unreadable name)".to_owned(),
    }
}

/// The most RDNs [`name_text`] writes here; longer names take the x509-cert route.
const MAX_RDNS: usize = 16;

/// [`name_text`] read straight from the DER, allocating only the answer, when
/// every attribute type is one [`NAME_KEYS`] lists and every value a PrintableString,
/// UTF8String, IA5String or TeletexString valid as x509-cert checks it, and each
/// multi-valued RDN is stored in the order x509-cert's decoder sorts a SET OF into (the
/// order of [`Attribute::order`]). `None` for anything else.
pub(super) fn direct_name_text(contents: &[u8]) -> Option<String> {
    let mut rdns = [&[][..]; MAX_RDNS];
    let mut count = 0;
    let mut rest = contents;
    while !rest.is_empty() {
        let (rdn, after) = tlv(rest, 0x31)?;
        *rdns.get_mut(count)? = rdn;
        count += 1;
        rest = after;
    }
    let mut out = String::with_capacity(contents.len());
    // RFC 4514 section 2.1: the last RDN first.
    for (i, rdn) in rdns.get(..count)?.iter().rev().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let mut previous: Option<Attribute<'_>> = None;
        let mut rest = *rdn;
        while !rest.is_empty() {
            let (atv, after) = tlv(rest, 0x30)?;
            let attribute = Attribute::read(atv)?;
            if let Some(previous) = previous {
                if previous.order() > attribute.order() {
                    return None;
                }
                out.push('+');
            }
            out.push_str(attribute.key);
            out.push('=');
            escape_rfc4514(attribute.text, &mut out);
            previous = Some(attribute);
            rest = after;
        }
    }
    Some(out)
}

/// [`Skim::common_names`](super::Skim::common_names) for names of single-valued RDNs (no SET OF for
/// x509-cert to reorder) whose common names are strings [`Attribute::read`] takes.
pub(super) fn direct_common_names(mut contents: &[u8]) -> Option<Vec<String>> {
    let mut names = Vec::new();
    while !contents.is_empty() {
        let (rdn, rest) = tlv(contents, 0x31)?;
        let (atv, []) = tlv(rdn, 0x30)? else {
            return None;
        };
        if tlv(atv, 0x06)?.0 == COMMON_NAME.as_bytes() {
            names.push(Attribute::read(atv)?.text.to_owned());
        }
        contents = rest;
    }
    Some(names)
}

/// The values of every AttributeTypeAndValue in a Name's contents, with their types' OID
/// contents, in encoded order ([RFC 5280 section 4.1.2.4]): each value's contents, whatever
/// its string type. Stops at the first part that does not read, in place and without
/// allocating.
///
/// [RFC 5280 section 4.1.2.4]: https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.4
pub(crate) fn attribute_values(contents: &[u8]) -> impl Iterator<Item = (&[u8], &[u8])> {
    let mut rdns = contents;
    let mut atvs: &[u8] = &[];
    std::iter::from_fn(move || {
        while atvs.is_empty() {
            let (rdn, rest) = tlv(rdns, 0x31)?;
            (atvs, rdns) = (rdn, rest);
        }
        let (atv, rest) = tlv(atvs, 0x30)?;
        atvs = rest;
        let (oid, value) = tlv(atv, 0x06)?;
        let (value, _) = tlv(value, *value.first()?)?;
        Some((oid, value))
    })
}

/// id-at-organizationName's contents ([RFC 5280 appendix A.1]: 2.5.4.10).
///
/// [RFC 5280 appendix A.1]: https://www.rfc-editor.org/rfc/rfc5280#appendix-A.1
const ORGANIZATION: &[u8] = &[0x55, 0x04, 0x0a];

/// The organizationName values of a Name's contents, as their encoded contents: two names
/// of one CA write it alike.
pub(crate) fn organisations(name: &[u8]) -> impl Iterator<Item = &[u8]> {
    attribute_values(name).filter_map(|(oid, value)| (oid == ORGANIZATION).then_some(value))
}

/// One AttributeTypeAndValue ([RFC 5280 section 4.1.2.4]) of a kind [`name_text`] writes.
///
/// [RFC 5280 section 4.1.2.4]: https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.4
#[derive(Clone, Copy)]
struct Attribute<'a> {
    /// The SEQUENCE contents.
    atv: &'a [u8],
    /// The OID contents.
    oid: &'a [u8],
    key: &'static str,
    tag: u8,
    /// The string value's contents.
    value: &'a [u8],
    text: &'a str,
}

impl<'a> Attribute<'a> {
    fn read(atv: &'a [u8]) -> Option<Self> {
        let (oid, value) = tlv(atv, 0x06)?;
        let &(_, key) = NAME_KEYS
            .iter()
            .find(|(known, _)| known.as_bytes() == oid)?;
        let tag = *value.first()?;
        let (value, []) = tlv(value, tag)? else {
            return None;
        };
        // The checks der's string types make (PrintableStringRef::new and the like).
        let valid = match tag {
            0x13 => value
                .iter()
                .all(|&c| c.is_ascii_alphanumeric() || b" '()+,-./:=?".contains(&c)),
            0x16 | 0x14 => value.is_ascii(), // IA5String, TeletexString
            0x0c => true,                    // UTF8String: from_utf8 below
            _ => false,
        };
        if !valid {
            return None;
        }
        let text = std::str::from_utf8(value).ok()?;
        Some(Self {
            atv,
            oid,
            key,
            tag,
            value,
            text,
        })
    }

    /// The order the `der` crate's `DerOrd` puts AttributeTypeAndValues in when it sorts
    /// a decoded SET OF: SEQUENCE length, then OID length and bytes, then the value's
    /// tag, length and bytes.
    fn order(&self) -> (usize, usize, &'a [u8], u8, usize, &'a [u8]) {
        let Self {
            atv,
            oid,
            tag,
            value,
            ..
        } = *self;
        (atv.len(), oid.len(), oid, tag, value.len(), value)
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
pub(super) fn common_names_in(name: &x509_cert::name::Name) -> Vec<String> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use der::{Decode, Encode};

    use crate::cert::fixtures::tlv;
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
                if let Some(fast) = direct_name_text(&contents) {
                    prop_assert_eq!(&fast, &expected);
                }
                prop_assert_eq!(name_text(&contents), expected);
            }

            /// attribute_values reads every attribute x509-cert decodes from a Name that
            /// decodes (in encoded order, where x509-cert sorts each RDN's SET).
            #[test]
            fn attribute_values_agree_with_x509_cert(contents in name()) {
                let decoded = sequence(&contents)
                    .and_then(|any| any.decode_as::<x509_cert::name::Name>());
                if let Ok(decoded) = decoded {
                    let mut expected: Vec<(Vec<u8>, Vec<u8>)> = (decoded.iter())
                        .map(|atv| (atv.oid.as_bytes().to_vec(), atv.value.value().to_vec()))
                        .collect();
                    let mut read: Vec<(Vec<u8>, Vec<u8>)> = attribute_values(&contents)
                        .map(|(oid, value)| (oid.to_vec(), value.to_vec()))
                        .collect();
                    expected.sort();
                    read.sort();
                    prop_assert_eq!(read, expected);
                }
            }
        }

        #[test]
        fn the_fast_path_takes_common_names() {
            let runner = &mut proptest::test_runner::TestRunner::deterministic();
            let (mut fast, mut all) = (0, 0);
            for _ in 0..2000 {
                let contents = name().new_tree(runner).unwrap().current();
                all += 1;
                fast += usize::from(direct_name_text(&contents).is_some());
            }
            assert!(fast * 5 > all, "{fast} of {all} names took the fast path");
        }
    }
}
