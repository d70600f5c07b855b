//! The cheap per-certificate [`Skim`]: the fields chain assembly and the healthy path read,
//! borrowed from the DER ([RFC 5280 section 4.1]) without decoding anything else.
//!
//! [`read_usual`] reads the usual shape without the `der` crate's general machinery, which
//! costs several times more than the rest of a healthy check's own work; anything else
//! goes to [`Skim::decode`], so the two can never disagree.
//!
//! [RFC 5280 section 4.1]: https://www.rfc-editor.org/rfc/rfc5280#section-4.1

use der::asn1::{AnyRef, ObjectIdentifier};
use der::oid::AssociatedOid;
use der::{Decode, Reader, SliceReader, Tag, Tagged};
use pki_types::UnixTime;
use x509_cert::certificate::Rfc5280;
use x509_cert::ext::pkix::{
    AuthorityInfoAccessSyntax, BasicConstraints, ExtendedKeyUsage, SubjectAltName,
};
use x509_cert::time::Validity;

use super::dn::{common_names_in, direct_common_names, name_text};
use super::extension_values::{
    SERVER_AUTH_OID, allows_server_auth, basic_constraints_in, ca_issuers_in, eku_in, lists_oid,
    sans_in,
};
use super::extensions::walked_extension;
use super::time::time;
use crate::der::{context_tag, sequence, tlv};
use crate::name::San;

const SUBJECT_KEY_ID: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.14");

const AUTHORITY_KEY_ID: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.35");

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
    /// subjectKeyIdentifier and the authorityKeyIdentifier keyIdentifier, read once when
    /// the certificate is skimmed: chain assembly asks for them for every pair of
    /// candidates, and each lookup walks the
    /// extensions list, twice where the usual-shape walk cannot read it.
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
        let mut skim = match read_usual(der) {
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
    pub(crate) fn extension(&self, oid: &ObjectIdentifier) -> Option<&'a [u8]> {
        walked_extension(self.extensions?, oid)
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
        if let Some((id, [])) = tlv(value, 0x04) {
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
        if let Some((fields, [])) = tlv(value, 0x30) {
            if fields.is_empty() || fields[0] != 0x80 {
                return None;
            }
            if let Some((id, _)) = tlv(fields, 0x80) {
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
/// than from a full [`Description`](crate::Description).
impl<'a> Skim<'a> {
    /// The extension `T` read from its own extnValue by `decode` (one of the `*_in`
    /// functions [`Description::new`](crate::Description::new) uses too); `None` when absent or
    /// unreadable.
    fn read<T: AssociatedOid, V>(&self, decode: impl Fn(&[u8]) -> der::Result<V>) -> Option<V> {
        decode(self.extension(&T::OID)?).ok()
    }

    /// basicConstraints cA ([RFC 5280 section 4.2.1.9]): the subject is a CA. `false` when
    /// the extension is absent or unreadable, as [`Description::is_ca`](crate::Description::is_ca)
    /// reads it.
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
    /// [`Description::san`](crate::Description::san); empty when the extension is absent, `None`
    /// when it is present but does not read (then a client cannot know the names either).
    ///
    /// [RFC 5280 section 4.2.1.6]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.6
    pub(crate) fn sans(&self) -> Option<Vec<San>> {
        match self.san_value() {
            None => Some(Vec::new()),
            Some(value) => sans_in(value).ok(),
        }
    }

    /// AIA caIssuers URIs ([RFC 5280 section 4.2.2.1]), exactly
    /// [`Description::ca_issuers`](crate::Description::ca_issuers); empty when the extension is
    /// absent or unreadable.
    ///
    /// [RFC 5280 section 4.2.2.1]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.2.1
    pub(crate) fn ca_issuers(&self) -> Vec<String> {
        self.read::<AuthorityInfoAccessSyntax, _>(ca_issuers_in)
            .unwrap_or_default()
    }

    /// extendedKeyUsage purposes ([RFC 5280 section 4.2.1.12]), exactly
    /// [`Description::extended_key_usage`](crate::Description::extended_key_usage): `None` when
    /// absent (any purpose). An extension that does not decode admits no purpose (`Some` of
    /// nothing): webpki refuses it too.
    ///
    /// [RFC 5280 section 4.2.1.12]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.12
    pub(crate) fn extended_key_usage(&self) -> Option<Vec<String>> {
        let value = self.extension(&ExtendedKeyUsage::OID)?;
        Some(eku_in(value).unwrap_or_default())
    }

    /// Whether extendedKeyUsage admits TLS server authentication ([RFC 5280 section
    /// 4.2.1.12]), exactly
    /// [`Description::allows_server_auth`](crate::Description::allows_server_auth).
    ///
    /// [RFC 5280 section 4.2.1.12]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.12
    pub(crate) fn allows_server_auth(&self) -> bool {
        let Some(value) = self.extension(&ExtendedKeyUsage::OID) else {
            return true;
        };
        // Comparing the OIDs' bytes answers without writing out every purpose.
        lists_oid(value, SERVER_AUTH_OID)
            .unwrap_or_else(|| allows_server_auth(Some(&eku_in(value).unwrap_or_default())))
    }

    /// The subject's common names ([RFC 5280 section 4.1.2.6]), exactly
    /// [`Description::common_names`](crate::Description::common_names); empty when the subject does
    /// not decode.
    ///
    /// [RFC 5280 section 4.1.2.6]: https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.6
    pub(crate) fn common_names(&self) -> Vec<String> {
        direct_common_names(self.subject).unwrap_or_else(|| {
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

/// [`Skim::new`] for a certificate of the usual shape ([RFC 5280 section 4.1]: the tags
/// there, DER lengths up to two bytes, times [`time`] reads): the same `Skim`; `None`
/// for anything else, which the `der` path then reads.
///
/// [RFC 5280 section 4.1]: https://www.rfc-editor.org/rfc/rfc5280#section-4.1
pub(super) fn read_usual(der: &[u8]) -> Option<Skim<'_>> {
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
                (exts, []) => {
                    extensions = Some(exts);
                }
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
        key_ids: KeyIds::default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use pki_types::CertificateDer;

    use crate::cert::Description;
    use crate::cert::dn::{decoded_name_text, direct_name_text};
    use crate::cert::extensions::{decoded_extension, extension};
    use crate::cert::fixtures::{UNKNOWN, limbo_pems, mutations, tlv, varied_certificates};
    use crate::cert::hex;
    /// The fast reader answers only where the `der` path agrees, field for field.
    fn assert_fast_agrees(der: &[u8]) -> bool {
        let Some(fast) = read_usual(der) else {
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

    /// Where [`Description::new`](crate::Description::new) decodes `der`, every accessor answers
    /// what it says;
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
                if let Some(found) = extension(extensions, oid) {
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
        let fast = |i: usize| direct_name_text(Skim::new(&certs[i]).unwrap().subject).is_some();
        assert_eq!(
            (0..7).map(fast).collect::<Vec<_>>(),
            [true, false, false, true, true, false, true]
        );
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

    /// The OIDs of the lookup differential: every one the crate looks up, id-ce's it does
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

    /// Whether the usual-shape walk reads the whole extensions list of a certificate the
    /// usual-shape skim reads, so that no lookup needs the `der` crate's walk.
    fn read_whole(der: &[u8]) -> bool {
        read_usual(der)
            .and_then(|skim| skim.extensions)
            .is_some_and(|list| extension(list, &UNKNOWN).is_some())
    }

    /// Every lookup of [`index_oids`] on `der` answers what the `der` crate's walk does
    /// wherever the usual-shape walk answers, on both readers' skims. `(skimmed, read
    /// whole)`.
    fn assert_walks_agree(der: &[u8]) -> (bool, bool) {
        let Ok(skim) = Skim::new(der) else {
            return (false, false);
        };
        for skim in [Some(skim), Skim::decode(der).ok()].into_iter().flatten() {
            let Some(list) = skim.extensions else {
                continue;
            };
            for oid in &index_oids() {
                let decoded = decoded_extension(list, oid);
                let usual = extension(list, oid);
                if let Some(usual) = usual {
                    assert_eq!(usual, decoded, "{oid} in {der:02x?}");
                }
                assert_eq!(skim.extension(oid), usual.unwrap_or(decoded));
            }
        }
        (true, read_whole(der))
    }

    /// The two walks agree on the generated certificates and every mutation of them, where
    /// the usual-shape walk reads the whole list and where it does not.
    #[test]
    fn extension_walks_agree_on_certificates_and_their_mutations() {
        let (mut skimmed, mut whole) = (0, 0);
        for der in varied_certificates() {
            assert_eq!(
                assert_walks_agree(&der),
                (true, true),
                "the originals read whole"
            );
            for mutated in mutations(&der) {
                let (s, i) = assert_walks_agree(&mutated);
                skimmed += usize::from(s);
                whole += usize::from(i);
            }
        }
        // Both routes ran: lists the usual-shape walk reads whole, and lists it stops in
        // (or certificates only the der reader reads).
        assert!(whole > 10_000 && skimmed > whole + 500, "{skimmed} {whole}");
    }

    /// The two walks agree on x509-limbo's certificates.
    #[test]
    fn extension_walks_agree_on_limbo_certificates() {
        let Some(pems) = limbo_pems("the x509-limbo extension walk agreement") else {
            return;
        };
        let (mut skimmed, mut whole) = (0, 0);
        for pem in &pems {
            let (s, i) = assert_walks_agree(&pem::parse(pem).unwrap().into_contents());
            skimmed += usize::from(s);
            whole += usize::from(i);
        }
        println!("{whole} of {skimmed} skimmed x509-limbo certificates read whole");
        assert!(whole * 10 > pems.len() * 9, "{whole} of {}", pems.len());
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
    fn extension_walks_agree_on_odd_lists() {
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
        /// The list, whether the usual-shape walk reads it whole, what the SAN lookup answers.
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
            // word the id-ce fast path reads: the general reading reads them.
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
            assert_eq!(read_whole(&der), want_indexed, "case {i}");
            assert_eq!(skim.extension(&SubjectAltName::OID), want_san, "case {i}");
            assert_eq!(assert_walks_agree(&der), (true, want_indexed), "case {i}");
        }
    }

    /// A list the usual-shape walk cannot read (700 empty extensions, the subject key identifier,
    /// then an extnID that is not a valid OID) answers the key identifiers that the walks do, read
    /// once when skimmed rather than by two walks of the list per lookup.
    #[test]
    fn key_ids_of_a_list_the_usual_walk_refuses_are_read_once() {
        let ext = |id: &[u8], value: &[u8]| tlv(0x30, &[tlv(0x06, id), tlv(0x04, value)].concat());
        let key_usage = ext(&[0x55, 0x1d, 0x0f], &[]);
        let ski = ext(SUBJECT_KEY_ID.as_bytes(), &[0x04, 0x02, 0xaa, 0xbb]);
        let invalid = tlv(0x30, &[0x06, 0x01, 0x80, 0x04, 0x00]);
        let list = [key_usage.repeat(700), ski, invalid].concat();
        let der = with_extensions(&varied_certificates()[2], &list);
        let skim = Skim::new(&der).unwrap();
        assert!(!read_whole(&der), "the usual-shape walk stops in the list");
        assert_eq!(skim.subject_key_id(), Some(&[0xaa, 0xbb][..]));
        assert_eq!(skim.authority_key_id(), None);
        assert_eq!(skim.subject_key_id(), skim.read_subject_key_id());
        assert_eq!(skim.authority_key_id(), skim.read_authority_key_id());
    }

    /// [`Skim`] is copied into chain links, which assembly keeps in place (`SmallVec`), and
    /// into a diagnosis' list of skims: the key identifiers read once grow it from 96 to 128
    /// bytes, no more, so that every check does not fill and move larger blocks.
    #[test]
    fn skim_stays_small() {
        let size = size_of::<Skim<'_>>();
        println!("size_of::<Skim>() = {size}");
        assert!(size <= 128, "{size}");
    }
}
