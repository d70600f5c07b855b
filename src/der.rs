//! The crate's one low-level DER reader ([X.690]), which every module that reads
//! certificate bytes imports: certificates, names, keys and the trust store.
//!
//! [`tlv`] reads the strict subset of DER that nearly every certificate uses, without the
//! `der` crate's general machinery; the rest of this module hands the general cases to the
//! `der` crate, so that no module writes its own headers.
//!
//! [X.690]: https://www.itu.int/rec/T-REC-X.690

use ::der::asn1::AnyRef;
use ::der::{Decode, Encode, Tag, TagNumber};

/// One TLV with tag `tag` ([X.690 section 8.1]), DER lengths up to two bytes: its contents
/// and what follows it. `None` for another tag, a longer length, or one that is not in its
/// shortest form (X.690 section 10.1), so a caller that gets `None` hands the input to the
/// `der` crate, which reads every length.
///
/// [X.690 section 8.1]: https://www.itu.int/rec/T-REC-X.690
#[inline]
pub(crate) fn tlv(input: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
    // One test of the input's length for the tag and the first length octet.
    let [found, first, rest @ ..] = input else {
        return None;
    };
    if *found != tag {
        return None;
    }
    let (len, rest) = match *first {
        0..=0x7f => (usize::from(*first), rest),
        // X.690 section 10.1: the long form only when needed, in the fewest octets.
        0x81 => match rest {
            [len @ 0x80..=0xff, rest @ ..] => (usize::from(*len), rest),
            _ => return None,
        },
        0x82 => match rest {
            [high @ 1..=0xff, low, rest @ ..] => {
                (usize::from(*high) << 8 | usize::from(*low), rest)
            }
            _ => return None,
        },
        _ => return None,
    };
    rest.split_at_checked(len)
}

/// The contents of `tlv`, one whole DER TLV of any tag and length; `None` when it is not
/// exactly one.
pub(crate) fn contents(tlv: &[u8]) -> Option<&[u8]> {
    AnyRef::from_der(tlv).ok().map(AnyRef::value)
}

/// Header-less SEQUENCE contents (the form webpki keeps names and keys in) as the SEQUENCE
/// they came from, for the `der` crate's decoders (`AnyRef::decode_as`): no copy is made.
pub(crate) fn sequence(contents: &[u8]) -> ::der::Result<AnyRef<'_>> {
    AnyRef::new(Tag::Sequence, contents)
}

/// Header-less SEQUENCE contents encoded back into the whole DER SEQUENCE, for callers that
/// compare or parse whole TLVs (a trust anchor's SubjectPublicKeyInfo).
pub(crate) fn sequence_tlv(contents: &[u8]) -> ::der::Result<Vec<u8>> {
    sequence(contents)?.to_der()
}

/// The context-specific tag `[number]` ([X.690 section 8.1.2]), as the `der` crate names it.
///
/// [X.690 section 8.1.2]: https://www.itu.int/rec/T-REC-X.690
pub(crate) fn context_tag(number: u32, constructed: bool) -> Tag {
    Tag::ContextSpecific {
        constructed,
        number: TagNumber(number),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequence_tlv_uses_minimal_lengths() {
        let tlv = |len: usize| sequence_tlv(&vec![0; len]).unwrap();
        assert_eq!(sequence_tlv(&[1, 2]).unwrap(), [0x30, 0x02, 1, 2]);
        assert_eq!(tlv(0x80)[..3], [0x30, 0x81, 0x80]);
        assert_eq!(tlv(0x100)[..4], [0x30, 0x82, 0x01, 0x00]);
        assert_eq!(tlv(0x10000)[..5], [0x30, 0x83, 0x01, 0x00, 0x00]);
    }

    #[test]
    fn tlv_reads_short_lengths_in_their_shortest_form() {
        assert_eq!(tlv(&[0x04, 0x01, 7, 8], 0x04), Some((&[7][..], &[8][..])));
        assert_eq!(tlv(&[0x04, 0x01, 7], 0x02), None, "another tag");
        assert_eq!(
            tlv(&[0x04, 0x81, 0x01, 7], 0x04),
            None,
            "not the shortest form"
        );
        assert_eq!(
            tlv(&[0x04, 0x82, 0x00, 0x80], 0x04),
            None,
            "not the shortest form"
        );
        assert_eq!(
            tlv(&[0x04, 0x83, 0x01, 0, 0], 0x04),
            None,
            "three length octets"
        );
        assert_eq!(tlv(&[0x04, 0x02, 7], 0x04), None, "short contents");
        assert_eq!(contents(&[0x30, 0x01, 5]), Some(&[5][..]));
        assert_eq!(contents(&[0x30, 0x01, 5, 6]), None, "trailing bytes");
    }
}
