//! The common shapes of a certificate and of the parts the failure path reads (extensions,
//! names), read without the `der` crate's general machinery, which costs several times more
//! than the rest of a healthy check's own work.
//!
//! Each reader accepts a strict subset of what its general counterpart in [`super`] accepts
//! ([`Skim::new`]'s `der` path: the usual tags, DER lengths up to two bytes, `Z` times from
//! 1970; x509-cert for extension values and names) and returns the same answer; on anything
//! else it answers `None` and the general path decides, so the two can never disagree.

use der::asn1::ObjectIdentifier;

use crate::der::tlv;

use super::{CA_ISSUERS, COMMON_NAME, KeyIds, NAME_KEYS, Skim, eku_name, escape_rfc4514};

/// The most RDNs [`name_text`] writes here; longer names take the x509-cert route.
const MAX_RDNS: usize = 16;

/// [`super::name_text`] read straight from the DER, allocating only the answer, when
/// every attribute type is one [`NAME_KEYS`] lists and every value a PrintableString,
/// UTF8String, IA5String or TeletexString valid as x509-cert checks it, and each
/// multi-valued RDN is stored in the order x509-cert's decoder sorts a SET OF into (the
/// order of [`Attribute::order`]). `None` for anything else.
pub(super) fn name_text(contents: &[u8]) -> Option<String> {
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

/// [`Skim::common_names`] for names of single-valued RDNs (no SET OF for x509-cert to
/// reorder) whose common names are strings [`Attribute::read`] takes.
pub(super) fn common_names(mut contents: &[u8]) -> Option<Vec<String>> {
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

/// [`Skim::new`] for a certificate of the usual shape ([RFC 5280 section 4.1]: the tags
/// there, DER lengths up to two bytes, times [`time`] reads): the same `Skim`, plus the
/// extension [`Index`]; `None` for anything else, which the `der` path then reads.
///
/// Inlined into [`Skim::new`] so that the `Skim` is written in place, not copied out of
/// the `Option`.
///
/// [RFC 5280 section 4.1]: https://www.rfc-editor.org/rfc/rfc5280#section-4.1
#[inline(always)]
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
    let mut index = Index::default();
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
                    index = self::index(exts).unwrap_or_default();
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
        index,
        key_ids: KeyIds::default(),
    })
}

/// A UTCTime `YYMMDDHHMMSSZ` or GeneralizedTime `YYYYMMDDHHMMSSZ` ([RFC 5280 section
/// 4.1.2.5]) as Unix seconds, from 1970 on, as the `der` crate reads it.
///
/// Each has one DER shape of a fixed length (a one-byte length, 13 or 15), so the TLV is
/// matched whole and its digits read as two overlapping 8-byte words, each checked and
/// paired by a few word operations rather than a branch per byte. Inlined: [`skim`] calls
/// it twice.
///
/// [RFC 5280 section 4.1.2.5]: https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.5
#[inline(always)]
pub(super) fn time(input: &[u8]) -> Option<(u64, &[u8])> {
    // (century, year of the century, month, DDHHMMSS as pairs, what follows)
    let (century, yy, month, clock, rest) = match input.first()? {
        0x17 => {
            let (&[0x17, 13, ref t @ .., b'Z'], rest) = input.split_first_chunk::<15>()? else {
                return None;
            };
            // t is YYMMDDHHMMSS: words YYMMDDHH and DDHHMMSS.
            let (head, clock) = pairs(t, 0, 4)?;
            let yy = lane(head, 0);
            // RFC 5280 section 4.1.2.5.1: YY >= 50 is 19YY, else 20YY.
            let century = if yy >= 50 { 19 } else { 20 };
            (century, yy, lane(head, 1), clock, rest)
        }
        0x18 => {
            let (&[0x18, 15, ref t @ .., b'Z'], rest) = input.split_first_chunk::<17>()? else {
                return None;
            };
            // t is YYYYMMDDHHMMSS: words YYYYMMDD and DDHHMMSS.
            let (head, clock) = pairs(t, 0, 6)?;
            (lane(head, 0), lane(head, 1), lane(head, 2), clock, rest)
        }
        _ => return None,
    };
    let year = u32::from(century) * 100 + u32::from(yy);
    // hour <= 23, minute <= 59 and second <= 59 in one test: adding 0x80 - (max + 1) to a
    // lane (at most 99, so nothing carries out of its low byte) sets its bit 7 exactly when
    // it exceeds max.
    const OVER: u64 = 0x0044_0044_0068_0000;
    if (clock + OVER) & 0x0080_0080_0080_0000 != 0 || year < 1970 {
        return None;
    }
    let &(month_days, before) = MONTHS.get(usize::from(month))?;
    // Gregorian: every 4th year is a leap year, but of the centuries only every 4th.
    let leap = if yy == 0 {
        century % 4 == 0
    } else {
        yy % 4 == 0
    };
    let day = lane(clock, 0);
    // Day 0 wraps to 255; month 0 has no days.
    if day.wrapping_sub(1) >= month_days + u8::from(month == 2 && leap) {
        return None;
    }
    // Days since 0000-03-01 (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms",
    // `days_from_civil`: the year starts in March so that a leap day ends it), less the
    // 719,468 to 1970-01-01; `year >= 1970` keeps it from going below 0.
    let y = year - u32::from(month <= 2);
    let c = y / 100;
    let days = 365 * y + y / 4 - c + c / 4 + u32::from(before) + u32::from(day) - 1 - 719_468;
    let [hour, minute, second] = [1, 2, 3].map(|i| u64::from(lane(clock, i)));
    Some((
        u64::from(days) * 86_400 + hour * 3600 + minute * 60 + second,
        rest,
    ))
}

/// Per month (index 1 to 12): its days outside a leap year, and the days from March 1 to
/// its first day. Index 0 (no month) has no days, so no day passes.
const MONTHS: [(u8, u16); 13] = [
    (0, 0),
    (31, 306),
    (28, 337),
    (31, 0),
    (30, 31),
    (31, 61),
    (30, 92),
    (31, 122),
    (31, 153),
    (30, 184),
    (31, 214),
    (30, 245),
    (31, 275),
];

/// `0x01` in every byte of a `u64`.
const BYTES: u64 = 0x0101_0101_0101_0101;

/// The eight bytes of `digits` from `a` and the eight from `b`, each as four decimal pairs,
/// one per 16-bit lane from the lowest (`"20260531"` is lanes 20, 26, 5, 31); `None` unless
/// all sixteen are ASCII digits.
#[inline(always)]
fn pairs(digits: &[u8], a: usize, b: usize) -> Option<(u64, u64)> {
    let load = |at: usize| {
        digits
            .get(at..)?
            .first_chunk::<8>()
            .map(|w| u64::from_le_bytes(*w))
    };
    let (x, y) = (load(a)? ^ (0x30 * BYTES), load(b)? ^ (0x30 * BYTES));
    // b'0'..=b'9' XOR 0x30 are the bytes 0 to 9: high nibble clear, and adding 6 leaves it
    // clear. A passing word has every high nibble clear, so nothing carries between bytes.
    let six = 0x06 * BYTES;
    if (x | x.wrapping_add(six) | y | y.wrapping_add(six)) & (0xf0 * BYTES) != 0 {
        return None;
    }
    // Each even byte becomes 10 times itself plus the next byte (at most 99, no carry).
    let pair = |d: u64| (d * 10 + (d >> 8)) & 0x00ff_00ff_00ff_00ff;
    Some((pair(x), pair(y)))
}

/// Lane `i` of [`pairs`]'s answer.
#[inline(always)]
fn lane(pairs: u64, i: u32) -> u8 {
    (pairs >> (16 * i)) as u8
}
