//! PKCS #7 certs-only bundles (`.p7b`, `.p7c`): the certificates of a CMS `SignedData`
//! ([RFC 5652 section 5.1]), as CAs publish chains and as Windows exports them.
//!
//! Read by hand on the `der` crate's header reader rather than with the `cms` crate: only
//! the `certificates` field is needed, and the one `cms` release on `x509-cert` 0.3 is a
//! release candidate. The fields after `certificates` (CRLs, signer infos) are not read: a
//! certs-only bundle signs nothing, and certdeps only needs the certificates.
//!
//! ```text
//! ContentInfo ::= SEQUENCE { contentType OBJECT IDENTIFIER (id-signedData),
//!                            content [0] EXPLICIT SignedData }
//! SignedData ::= SEQUENCE { version INTEGER, digestAlgorithms SET, encapContentInfo SEQUENCE,
//!                           certificates [0] IMPLICIT SET OF CertificateChoices OPTIONAL, ... }
//! ```
//!
//! [RFC 5652 section 5.1]: https://www.rfc-editor.org/rfc/rfc5652#section-5.1

use std::ops::Range;

use der::asn1::ObjectIdentifier;
use der::{Decode, Header, Reader, SliceReader, Tag, TagNumber};

/// `id-signedData` ([RFC 5652 section 5.1]).
///
/// [RFC 5652 section 5.1]: https://www.rfc-editor.org/rfc/rfc5652#section-5.1
const ID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");

/// `[0]`, constructed: both the `EXPLICIT` content of `ContentInfo` and the `IMPLICIT`
/// `SET OF` certificates of `SignedData`.
const CONTEXT_0: Tag = Tag::ContextSpecific {
    constructed: true,
    number: TagNumber(0),
};

/// Why a bundle could not be read, and at which byte of it.
pub(super) struct Pkcs7Problem {
    pub(super) at: usize,
    pub(super) reason: String,
}

/// Whether `der` (one well-formed DER `SEQUENCE`) is a `ContentInfo` holding `SignedData`.
/// A certificate or CRL starts with a `SEQUENCE`, never an OID, so this cannot misfire.
pub(super) fn is_signed_data(der: &[u8]) -> bool {
    let content_type = element(der, 0..der.len(), "ContentInfo", Tag::Sequence)
        .and_then(|outer| element(der, outer.content, "contentType", Tag::ObjectIdentifier));
    content_type.is_ok_and(|oid| der.get(oid.content) == Some(ID_SIGNED_DATA.as_bytes()))
}

/// The DER certificates of a `SignedData` bundle, in the order they are encoded (which is the
/// order the bundle was made in: producers do not sort this `SET OF`). Empty when the optional
/// `certificates` field is absent or empty.
pub(super) fn certificates(der: &[u8]) -> Result<Vec<Vec<u8>>, Pkcs7Problem> {
    let outer = element(der, 0..der.len(), "ContentInfo", Tag::Sequence)?;
    let mut fields = outer.content.clone();
    let oid = next(der, &mut fields, "contentType", Tag::ObjectIdentifier)?;
    if der.get(oid.content.clone()) != Some(ID_SIGNED_DATA.as_bytes()) {
        return Err(problem(
            oid.start,
            "the content type is not id-signedData, so this is not a certificate bundle",
        ));
    }
    let explicit = next(der, &mut fields, "content [0]", CONTEXT_0)?;
    let signed = element(der, explicit.content, "SignedData", Tag::Sequence)?;
    let mut fields = signed.content;
    next(der, &mut fields, "SignedData version", Tag::Integer)?;
    next(der, &mut fields, "digestAlgorithms", Tag::Set)?;
    next(der, &mut fields, "encapContentInfo", Tag::Sequence)?;
    if fields.is_empty() || header(der, fields.start)?.0.tag() != CONTEXT_0 {
        return Ok(Vec::new());
    }
    let set = next(der, &mut fields, "certificates [0]", CONTEXT_0)?;
    let mut choices = set.content;
    let mut found = Vec::new();
    while !choices.is_empty() {
        let at = choices.start;
        let tag = header(der, at)?.0.tag();
        if tag != Tag::Sequence {
            // [RFC 5652 section 10.2.2]: the other CertificateChoices are obsolete PKCS #6
            // certificates and attribute certificates, none of which a TLS server presents.
            return Err(problem(
                at,
                format!(
                    "the certificates entry at byte {at} is {tag}, not an X.509 certificate \
                     (a SEQUENCE); certdeps reads only X.509 certificates"
                ),
            ));
        }
        let cert = next(der, &mut choices, "certificate", Tag::Sequence)?;
        found.push(
            der.get(cert.start..cert.content.end)
                .unwrap_or_default()
                .to_vec(),
        );
    }
    Ok(found)
}

/// One TLV: where it starts, and the byte range of its content.
struct Element {
    start: usize,
    content: Range<usize>,
}

/// Reads the element at the start of `within` and moves `within` past it.
fn next(
    der: &[u8],
    within: &mut Range<usize>,
    what: &str,
    expected: Tag,
) -> Result<Element, Pkcs7Problem> {
    let found = element(der, within.clone(), what, expected)?;
    within.start = found.content.end;
    Ok(found)
}

/// Reads the element at the start of `within`, which must have tag `expected` and fit.
fn element(
    der: &[u8],
    within: Range<usize>,
    what: &str,
    expected: Tag,
) -> Result<Element, Pkcs7Problem> {
    let at = within.start;
    if within.is_empty() {
        return Err(problem(
            at,
            format!("the data ends at byte {at}, before the {what} ({expected})"),
        ));
    }
    let (header, header_len) = header(der, at)?;
    if header.tag() != expected {
        return Err(problem(
            at,
            format!(
                "the {what} at byte {at} should be {expected} but is {}",
                header.tag()
            ),
        ));
    }
    let len = usize::try_from(header.length()).unwrap_or(usize::MAX);
    let start = at + header_len;
    let available = within.end.saturating_sub(start);
    if len > available {
        return Err(problem(
            at,
            format!(
                "the {what} at byte {at} declares {len} content bytes but only {available} \
                 remain, so the bundle is truncated"
            ),
        ));
    }
    Ok(Element {
        start: at,
        content: start..start + len,
    })
}

/// The DER header at byte `at`, and its length in bytes.
fn header(der: &[u8], at: usize) -> Result<(Header, usize), Pkcs7Problem> {
    let bytes = der.get(at..).unwrap_or_default();
    let mut reader = SliceReader::new(bytes).map_err(|error| problem(at, error.to_string()))?;
    let header = Header::decode(&mut reader)
        .map_err(|error| problem(at, format!("bad DER header at byte {at}: {error}")))?;
    let len = usize::try_from(reader.position()).unwrap_or(usize::MAX);
    Ok((header, len))
}

fn problem(at: usize, reason: impl Into<String>) -> Pkcs7Problem {
    Pkcs7Problem {
        at,
        reason: reason.into(),
    }
}
