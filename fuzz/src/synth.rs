//! Whole certificates synthesised in DER from a few fuzzer bytes, so that the fuzzer reaches
//! the hostile shapes a server can present (many extensions, unparseable extension OIDs,
//! self-issued version-1 certificates, names and key identifiers that collide with the
//! fixtures' issuers, huge SAN lists) without having to grow them byte by byte.
//!
//! The encoder is a few TLV helpers rather than the `der` crate's types because most of what
//! it writes is deliberately invalid (an OID `06 01 80`, extensions in a version-1
//! certificate), which typed encoders refuse. The parts borrowed from the fixtures (names,
//! keys, key identifiers, signature algorithms) are read with x509-cert.

use std::sync::LazyLock;

use der::{Decode, Encode};
use x509_cert::Certificate;
use x509_cert::ext::pkix::SubjectKeyIdentifier;

use crate::FIXTURES;

/// How many parameter bytes follow a synthesised-certificate tag in the frame.
pub const PARAMS: usize = 7;

/// Names beyond the fixtures' subjects: index 0 the empty name, the others `CN=n<k>`, enough
/// distinct names to build issuer cycles that involve no fixture.
const EXTRA_NAMES: usize = 16;

/// What a fixture lends to synthesised certificates, each part complete DER.
struct Parts {
    subject: Vec<u8>,
    spki: Vec<u8>,
    signature_algorithm: Vec<u8>,
    /// The signature BIT STRING: the right size for the key, but over another TBS.
    signature: Vec<u8>,
    /// The subjectKeyIdentifier's key identifier bytes, when the fixture has one.
    ski: Option<Vec<u8>>,
}

/// The fixtures' parts, by fixture index.
static PARTS: LazyLock<Vec<Parts>> = LazyLock::new(|| {
    FIXTURES
        .iter()
        .enumerate()
        .map(|(i, der)| match parts(der) {
            Ok(parts) => parts,
            Err(e) => panic!("fixture {i} does not decode ({e}); regenerate the fixtures"),
        })
        .collect()
});

fn parts(der: &[u8]) -> Result<Parts, der::Error> {
    let cert = Certificate::from_der(der)?;
    let tbs = cert.tbs_certificate();
    let ski = tbs
        .get_extension::<SubjectKeyIdentifier>()?
        .map(|(_, ski)| ski.0.as_bytes().to_vec());
    Ok(Parts {
        subject: tbs.subject().to_der()?,
        spki: tbs.subject_public_key_info().to_der()?,
        signature_algorithm: cert.signature_algorithm().to_der()?,
        signature: cert.signature().to_der()?,
        ski,
    })
}

/// A certificate's shape, decoded from [`PARAMS`] fuzzer bytes:
///
/// 0. flags: bit 0 version 3 (else version 1: no version field, yet extensions if asked);
///    bits 1-2 subjectKeyIdentifier (0 absent, 1 the subject fixture's, 2 the issuer
///    fixture's, 3 junk); bits 3-4 authorityKeyIdentifier (0 absent, 1 the issuer fixture's
///    SKI, 2 the subject fixture's, 3 junk); bit 5 expired at the fuzz time; bit 6 a CA
///    (basicConstraints); bit 7 tiny: empty key, algorithm and signature;
/// 1. subject and 2. issuer: a name index, below the fixture count a fixture's subject (so
///    `1` is the fixtures' leaf issuer), then the extra names;
/// 3. empty extensions (`30 00`), four per unit;
/// 4. an odd extension after them (see [`odd_extension`]), 5. its length parameter;
/// 6. subjectAltName dNSNames, 64 per unit: one-letter names, then `a.test` last.
///
/// The signature is always bogus: a fixture's, over another certificate.
#[derive(Clone, Copy, Debug)]
pub struct Synth([u8; PARAMS]);

impl Synth {
    /// The shape the parameter bytes describe.
    pub fn new(params: [u8; PARAMS]) -> Self {
        Self(params)
    }

    /// The certificate's DER, with `serial` (so that repeated shapes stay distinct).
    pub fn der(&self, serial: u16) -> Vec<u8> {
        let [flags, subject, issuer, empties, odd, odd_len, sans] = self.0;
        let parts = &*PARTS;
        let subject_parts = parts.get(name_index(subject));
        let issuer_parts = parts.get(name_index(issuer));
        let fallback = &parts[0];
        let tiny = flags & 0x80 != 0;
        let key_id = |mode: u8, own: Option<&Parts>, other: Option<&Parts>| match mode & 3 {
            0 => None,
            1 => Some(own.and_then(|p| p.ski.clone()).unwrap_or_default()),
            2 => Some(other.and_then(|p| p.ski.clone()).unwrap_or_default()),
            _ => Some(vec![0x5a; 20]),
        };

        let mut extensions = Vec::new();
        if let Some(ski) = key_id(flags >> 1, subject_parts, issuer_parts) {
            // RFC 5280 section 4.2.1.2: id-ce-subjectKeyIdentifier, an OCTET STRING.
            extensions.push(extension(&[0x55, 0x1d, 0x0e], false, &tlv(0x04, &ski)));
        }
        if let Some(aki) = key_id(flags >> 3, issuer_parts, subject_parts) {
            // RFC 5280 section 4.2.1.1: id-ce-authorityKeyIdentifier, keyIdentifier [0].
            extensions.push(extension(
                &[0x55, 0x1d, 0x23],
                false,
                &tlv(0x30, &tlv(0x80, &aki)),
            ));
        }
        if flags & 0x40 != 0 {
            // RFC 5280 section 4.2.1.9: basicConstraints cA TRUE, critical.
            let bc = tlv(0x30, &[0x01, 0x01, 0xff]);
            extensions.push(extension(&[0x55, 0x1d, 0x13], true, &bc));
        }
        if sans > 0 {
            extensions.push(extension(
                &[0x55, 0x1d, 0x11],
                false,
                &san(usize::from(sans) * 64),
            ));
        }
        extensions.extend(std::iter::repeat_n(
            vec![0x30, 0x00],
            usize::from(empties) * 4,
        ));
        extensions.extend(odd_extension(odd, odd_len));

        let mut tbs = Vec::new();
        if flags & 1 != 0 {
            tbs.extend(tlv(0xa0, &[0x02, 0x01, 0x02]));
        }
        let [hi, lo] = serial.to_be_bytes();
        tbs.extend(tlv(0x02, &[0x01, hi, lo]));
        let algorithm = match issuer_parts {
            _ if tiny => vec![0x30, 0x00],
            Some(p) => p.signature_algorithm.clone(),
            None => fallback.signature_algorithm.clone(),
        };
        tbs.extend(&algorithm);
        tbs.extend(name(issuer));
        // Valid from 2026-01-01; until 2027-01-01, or, expired, until 2026-03-01 (before
        // the fuzz time, 2026-06-01).
        let not_after: &[u8] = if flags & 0x20 != 0 {
            b"260301000000Z"
        } else {
            b"270101000000Z"
        };
        tbs.extend(tlv(
            0x30,
            &[tlv(0x17, b"260101000000Z"), tlv(0x17, not_after)].concat(),
        ));
        tbs.extend(name(subject));
        tbs.extend(match subject_parts {
            _ if tiny => vec![0x30, 0x00],
            Some(p) => p.spki.clone(),
            None => fallback.spki.clone(),
        });
        if !extensions.is_empty() {
            tbs.extend(tlv(0xa3, &tlv(0x30, &extensions.concat())));
        }
        let signature = match issuer_parts {
            _ if tiny => vec![0x03, 0x01, 0x00],
            Some(p) => p.signature.clone(),
            None => fallback.signature.clone(),
        };
        tlv(0x30, &[tlv(0x30, &tbs), algorithm, signature].concat())
    }
}

/// The fixture whose subject name index `index` selects (past the fixtures: an extra name).
fn name_index(index: u8) -> usize {
    usize::from(index) % (FIXTURES.len() + EXTRA_NAMES)
}

/// The Name DER that `index` selects.
fn name(index: u8) -> Vec<u8> {
    let index = name_index(index);
    match PARTS.get(index) {
        Some(parts) => parts.subject.clone(),
        None => match index - FIXTURES.len() {
            0 => vec![0x30, 0x00],
            k => {
                // RFC 5280 section 4.1.2.4: one RDN, id-at-commonName (2.5.4.3), UTF8String.
                let cn = format!("n{k}");
                let atv = tlv(
                    0x30,
                    &[
                        &[0x06, 0x03, 0x55, 0x04, 0x03][..],
                        &tlv(0x0c, cn.as_bytes()),
                    ]
                    .concat(),
                );
                tlv(0x30, &tlv(0x31, &atv))
            }
        },
    }
}

/// An Extension (RFC 5280 section 4.1): `extnID`, `critical` when true, `extnValue`.
fn extension(oid: &[u8], critical: bool, value: &[u8]) -> Vec<u8> {
    let mut content = tlv(0x06, oid);
    if critical {
        content.extend([0x01, 0x01, 0xff]);
    }
    content.extend(tlv(0x04, value));
    tlv(0x30, &content)
}

/// The extension `kind` selects, with an empty value; `len` sizes the long ones:
///
/// - 1: `extnID` `06 01 80` (a leading 0x80 arc byte, invalid in X.690 section 8.19.2);
/// - 2: a valid OID of `4 * len + 1` arcs; 3: one arc of `len + 1` bytes, past any integer;
/// - 4: an empty OID; 5: an OCTET STRING where the OID belongs;
/// - 6: an OID whose length runs past its extension;
/// - 7: a critical extension with a valid, unknown OID (RFC 5280 section 4.2: refused);
/// - 0 and the rest: none.
fn odd_extension(kind: u8, len: u8) -> Option<Vec<u8>> {
    let len = usize::from(len);
    let value = [0x04, 0x00];
    let with_id = |id: Vec<u8>| tlv(0x30, &[id, value.to_vec()].concat());
    Some(match kind % 8 {
        1 => with_id(vec![0x06, 0x01, 0x80]),
        2 => with_id(tlv(0x06, &[&[0x2a][..], &vec![0x01; 4 * len]].concat())),
        3 => with_id(tlv(
            0x06,
            &[&[0x2a][..], &vec![0x81; len], &[0x01]].concat(),
        )),
        4 => with_id(vec![0x06, 0x00]),
        5 => with_id(vec![0x04, 0x00]),
        6 => tlv(0x30, &[0x06, 0x05, 0x2a, 0x04, 0x00]),
        7 => extension(&[0x2b, 0x06, 0x01, 0x04, 0x01, 0x86, 0x8d, 0x1f], true, &[]),
        _ => return None,
    })
}

/// A subjectAltName value (RFC 5280 section 4.2.1.6) of `count` dNSNames: one-letter names
/// that match nothing, then `a.test`, so that a matcher has to read them all.
fn san(count: usize) -> Vec<u8> {
    let mut names: Vec<u8> = (0..count.saturating_sub(1))
        .flat_map(|i| [0x82, 0x01, b'b' + (i % 24) as u8])
        .collect();
    names.extend(tlv(0x82, b"a.test"));
    tlv(0x30, &names)
}

/// One DER TLV: `tag`, the definite length (X.690 section 8.1.3), `content`.
fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let len = content.len();
    let mut out = vec![tag];
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend(&bytes[skip..]);
    }
    out.extend(content);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Without empty extensions or odd OIDs, every version-3 shape is a well-formed
    /// certificate, so what the fuzzer adds on top is the only thing wrong with it.
    #[test]
    fn plain_shapes_decode() {
        for flags in [0x01, 0x03, 0x1f, 0x41, 0x7f] {
            for (subject, issuer) in [(2, 1), (1, 0), (20, 21), (18, 18)] {
                let der = Synth::new([flags, subject, issuer, 0, 7, 0, 1]).der(7);
                if let Err(e) = Certificate::from_der(&der) {
                    panic!("flags {flags:#x}, names {subject}/{issuer}: {e}");
                }
            }
        }
    }

    #[test]
    fn long_lengths_encode() {
        assert_eq!(tlv(4, &[0; 0x80])[..3], [4, 0x81, 0x80]);
        assert_eq!(tlv(4, &[0; 0x1234])[..4], [4, 0x82, 0x12, 0x34]);
    }
}
