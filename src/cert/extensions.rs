//! The extensions list of a certificate ([RFC 5280 section 4.1.2.9]): finding one
//! extension by its OID.
//!
//! [`extension`] reads the usual shape of an `Extension` without the `der` crate's general
//! machinery and answers `None` on anything else, where [`decoded_extension`] decides, so
//! that the two can never disagree.
//!
//! [RFC 5280 section 4.1.2.9]: https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.9

use der::asn1::ObjectIdentifier;
use der::{Decode, Reader, SliceReader};

use crate::der::tlv;

/// [`walked_extension`] over `Extension`s of the usual shape ([RFC 5280 section
/// 4.1.2.9]): `Some(found)` where the `der` path answers the same, `None` where only it
/// can tell.
///
/// [RFC 5280 section 4.1.2.9]: https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.9
pub(super) fn extension<'a>(
    mut extensions: &'a [u8],
    oid: &ObjectIdentifier,
) -> Option<Option<&'a [u8]>> {
    while !extensions.is_empty() {
        let (extension, rest) = next_extension(extensions)?;
        if extension.id == oid.as_bytes() {
            return Some(Some(extension.value));
        }
        passable_id(extension.id)?;
        extensions = rest;
    }
    Some(None)
}

/// One `Extension` ([RFC 5280 section 4.1.2.9]) as [`next_extension`] reads it.
///
/// [RFC 5280 section 4.1.2.9]: https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.9
struct Extension<'a> {
    /// The extnID contents.
    id: &'a [u8],
    /// The extnValue OCTET STRING contents.
    value: &'a [u8],
}

/// The first `Extension` of `extensions` and what follows it, when it has the usual shape.
fn next_extension(extensions: &[u8]) -> Option<(Extension<'_>, &[u8])> {
    let (extension, rest) = tlv(extensions, 0x30)?;
    let (id, mut fields) = tlv(extension, 0x06)?;
    if fields.first() == Some(&0x01) {
        // critical: DER writes a BOOLEAN as 0x00 or 0xff.
        match tlv(fields, 0x01)? {
            ([0x00 | 0xff], after) => fields = after,
            _ => return None,
        }
    }
    let (value, []) = tlv(fields, 0x04)? else {
        return None;
    };
    Some((Extension { id, value }, rest))
}

/// `Some` when the `der` path would walk past an extension with this extnID that is not
/// the one sought: it decodes every OID it passes, and stops at one that is invalid.
fn passable_id(id: &[u8]) -> Option<()> {
    // id-ce's (2.5.29.n, n < 128: RFC 5280's own extensions) are valid.
    if !matches!(id, [0x55, 0x1d, 0..=0x7f]) {
        ObjectIdentifier::from_bytes(id).ok()?;
    }
    Some(())
}

/// The extnValue contents of the first extension with this OID in `extensions` (the
/// contents of the `[3] Extensions` field), by walking the list: the usual-shape walk,
/// then the `der` crate's where it cannot tell.
pub(super) fn walked_extension<'a>(
    extensions: &'a [u8],
    oid: &ObjectIdentifier,
) -> Option<&'a [u8]> {
    extension(extensions, oid).unwrap_or_else(|| decoded_extension(extensions, oid))
}

/// [`walked_extension`] with the `der` crate's general reader, for every shape of input.
pub(super) fn decoded_extension<'a>(
    extensions: &'a [u8],
    oid: &ObjectIdentifier,
) -> Option<&'a [u8]> {
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
