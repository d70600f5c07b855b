//! The extensions list of a certificate ([RFC 5280 section 4.1.2.9]): finding one
//! extension by its OID, by the [`Index`] a skim builds once or by walking the list.
//!
//! [`extension`] and [`index`] read the usual shape of an `Extension` without the `der`
//! crate's general machinery and answer `None` on anything else, where
//! [`decoded_extension`] decides, so that the two can never disagree.
//!
//! [RFC 5280 section 4.1.2.9]: https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.9

use der::asn1::ObjectIdentifier;
use der::{Decode, Reader, SliceReader};

use crate::der::tlv;

/// [`Skim::extension`] over `Extension`s of the usual shape ([RFC 5280 section
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
    /// The extnValue OCTET STRING TLV, which ends the extension.
    value_tlv: &'a [u8],
    /// Its contents.
    value: &'a [u8],
}

/// The first `Extension` of `extensions` and what follows it, when it has the usual shape:
/// the one reading [`extension`] and [`index`] share, so that the index accepts exactly
/// what the plain walk does.
#[inline(always)]
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
    let extension = Extension {
        id,
        value_tlv: fields,
        value,
    };
    Some((extension, rest))
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

/// How many extensions [`Index`] keeps: those [`Skim`]'s accessors ask for.
const SLOTS: usize = 6;

/// id-pe-authorityInfoAccess, 1.3.6.1.5.5.7.1.1 ([RFC 5280 section 4.2.2.1]), as its DER
/// content bytes.
///
/// [RFC 5280 section 4.2.2.1]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.2.1
const AIA: [u8; 8] = [0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x01];

/// The [`Index`] slot of the extension whose extnID has these content bytes, `None` for one
/// the index does not keep. id-ce's (2.5.29.n, `55 1d n`) are told apart by their last byte
/// and AIA by one 8-byte compare: cheaper than comparing arbitrary slices, which calls
/// memcmp.
#[inline]
pub(super) fn slot(id: &[u8]) -> Option<usize> {
    match id {
        [0x55, 0x1d, n] => id_ce_slot(*n),
        _ => (<&[u8; 8]>::try_from(id).ok() == Some(&AIA)).then_some(5),
    }
}

/// The [`Index`] slot of id-ce extension 2.5.29.`n`.
#[inline]
const fn id_ce_slot(n: u8) -> Option<usize> {
    match n {
        0x0e => Some(0), // subjectKeyIdentifier, RFC 5280 section 4.2.1.2
        0x11 => Some(1), // subjectAltName, section 4.2.1.6
        0x13 => Some(2), // basicConstraints, section 4.2.1.9
        0x23 => Some(3), // authorityKeyIdentifier, section 4.2.1.1
        0x25 => Some(4), // extendedKeyUsage, section 4.2.1.12
        _ => None,
    }
}

/// [`id_ce_slot`] for each `n` under 128, [`SLOTS`] for none: one load where the walk in
/// [`index`] would otherwise branch through a jump table per extension.
const ID_CE_SLOTS: [u8; 128] = {
    let mut slots = [SLOTS as u8; 128];
    let mut n = 0;
    while n < 128 {
        if let Some(slot) = id_ce_slot(n as u8) {
            slots[n] = slot as u8;
        }
        n += 1;
    }
    slots
};

/// The extension at `pos` in `list` when it has the shape of nearly every one in practice,
/// an id-ce extension under 128 bytes, as (n of 2.5.29.n, where its extnValue OCTET STRING
/// starts in `list`, where the next extension starts); `None` for anything else, which
/// [`next_extension`] then reads. It accepts only what [`next_extension`] and
/// [`passable_id`] accept:
///
/// ```text
/// 30 L  06 03 55 1d n  04 M value                  (L, n < 0x80; M = L - 7)
/// 30 L  06 03 55 1d n  01 01 00|ff  04 M value     (L, n < 0x80; M = L - 10)
/// ```
///
/// The first eight bytes are tested as one little-endian word and the critical flag's four
/// as another, in place of a compare per byte; an extension that ends the list less than 12
/// bytes in (an empty or two-byte value without the flag) takes [`next_extension`].
#[inline(always)]
fn id_ce_extension(list: &[u8], pos: usize) -> Option<(u8, usize, usize)> {
    let head = list.get(pos..)?.first_chunk::<12>()?;
    let word = u64::from_le_bytes(*head.first_chunk::<8>()?);
    // 30, L with bit 7 clear, 06 03 55 1d, n with bit 7 clear; byte 7 is told apart below.
    if word & 0x0080_ffff_ffff_80ff != 0x0000_1d55_0306_0030 {
        return None;
    }
    let len = usize::from(head[1]);
    let next = pos + 2 + len;
    if next > list.len() {
        return None;
    }
    // Where the OCTET STRING starts in the extension's contents, after the critical flag
    // if any. The length octet M is checked against L, which bounds every byte read here
    // to the extension: a shorter one cannot match.
    let at = match head[7] {
        0x04 if usize::from(head[8]) + 7 == len => 5,
        // 01 01 (00 | ff) 04 M: a BOOLEAN takes only those two values in DER.
        0x01 if u32::from_le_bytes([head[8], head[9], head[10], 0]) & 0xff_00ff == 0x04_0001
            && matches!(head[9], 0x00 | 0xff)
            && usize::from(head[11]) + 10 == len =>
        {
            8
        }
        _ => return None,
    };
    Some((head[6], pos + 2 + at, next))
}

/// Where the extensions [`slot`] knows are in one certificate's extensions list, found by
/// one walk when the certificate is skimmed, so that each lookup is O(1) rather than a walk
/// of its own.
///
/// 14 bytes: [`Skim`] is copied into chain links and Vecs, and a chain link of 128 bytes
/// or less keeps a stack of 8 of them within what glibc's malloc serves from its per-thread
/// cache (1,032 bytes). So one `u16` offset per slot, relative to the contents of the
/// `[3] Extensions` field (which [`tlv`] bounds to 65,535 bytes), of the extnValue OCTET
/// STRING, whose length is read again on lookup.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Index {
    /// Per slot, where the first such extension's extnValue OCTET STRING starts; 0 when
    /// there is none (an Extension SEQUENCE starts there, never an OCTET STRING).
    at: [u16; SLOTS],
    /// The walk read the whole list as [`extension`] does. Otherwise (a list only the `der`
    /// path reads, or a certificate [`skim`] did not read) the index knows nothing and every
    /// lookup takes the plain walk.
    complete: bool,
}

impl Index {
    /// What [`extension`] answers for the OID in `slot` on `extensions` (the list this index
    /// was built from), without walking it; `None` when the index cannot tell.
    #[inline]
    pub(super) fn get<'a>(&self, extensions: &'a [u8], slot: usize) -> Option<Option<&'a [u8]>> {
        if !self.complete {
            return None;
        }
        match *self.at.get(slot)? {
            0 => Some(None),
            at => Some(Some(tlv(extensions.get(usize::from(at)..)?, 0x04)?.0)),
        }
    }
}

/// One walk of `extensions` (the contents of the `[3] Extensions` field) with
/// [`extension`]'s validation, recording the first extension of each slot. `None` where
/// [`extension`] would stop on the list for some OID, or for a list over 65,535 bytes
/// (more than [`tlv`] reads, so never one [`skim`] passes): the caller then keeps no index.
///
/// Inlined into [`skim`], its one caller, like [`time`]: the calls and the answers returned
/// through memory were about 60 of a skim's instructions.
#[inline(always)]
pub(super) fn index(list: &[u8]) -> Option<Index> {
    if list.len() > usize::from(u16::MAX) {
        return None;
    }
    // Slot SLOTS (and the unused 7) takes the extensions the index does not keep, so that
    // each extension is recorded without a branch on whether it is kept; 8 slots so that
    // `& 7` bounds the store.
    let mut at = [0u16; 8];
    let mut pos = 0;
    while pos < list.len() {
        // (slot, where the extnValue OCTET STRING starts in `list`, where the next starts)
        let (slot, value_at, next) = match id_ce_extension(list, pos) {
            Some((n, value_at, next)) => (ID_CE_SLOTS[usize::from(n & 0x7f)], value_at, next),
            None => {
                let (extension, rest) = next_extension(list.get(pos..)?)?;
                let slot = slot(extension.id);
                if slot.is_none() {
                    passable_id(extension.id)?; // a kept extnID is a valid OID
                }
                let next = list.len() - rest.len();
                let slot = slot.map_or(SLOTS as u8, |slot| slot as u8);
                (slot, next - extension.value_tlv.len(), next)
            }
        };
        let first = &mut at[usize::from(slot) & 7];
        // The first one wins, as in the plain walk; the offset fits, as `list` does.
        if *first == 0 {
            *first = u16::try_from(value_at).ok()?;
        }
        pos = next;
    }
    let [at @ .., _, _] = at;
    Some(Index { at, complete: true })
}

/// [`Skim::extension`] by walking the list: the fast reader, then the `der` crate's where
/// the fast one cannot tell. Kept out of line so that indexed lookups inline small.
#[inline(never)]
pub(super) fn walked_extension<'a>(
    extensions: &'a [u8],
    oid: &ObjectIdentifier,
) -> Option<&'a [u8]> {
    extension(extensions, oid).unwrap_or_else(|| decoded_extension(extensions, oid))
}

/// [`Skim::extension`] with the `der` crate's general reader, for every shape of input.
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
