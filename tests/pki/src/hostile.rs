//! Presented lists a hostile server chooses, built in one place for the tests that bound
//! certdeps' work on them (`tests/hostile.rs`, `tests/adversarial.rs`) and for the bench
//! that times certdeps against raw webpki on the same lists (`benches/paired.rs`).
//!
//! Two kinds of builder. DER by hand ([`tlv`], [`unsigned`], [`v1_decoy`], ...) makes
//! certificates no CA would sign: tiny, version 1 with extensions, or not signed at all.
//! Byte patching ([`variant`]) copies one real certificate thousands of times with distinct
//! serials and keys, without signing anything: path building compares names and keys long
//! before it checks a signature, so a copy whose signature no longer verifies is as costly
//! to it as a real one. [`Shape`] puts them together into whole presented lists.
//!
//! Every builder indexes the DER it was given (or made) directly and panics on a
//! certificate it cannot walk: its callers are tests and benches.

use pki_types::CertificateDer;

use crate::{CA_NOT_BEFORE, Ca, CertSpec, DAY};

// ---- DER by hand -----------------------------------------------------------------------

/// A DER TLV: `tag`, the definite length of `body` (X.690 section 8.1.3), then `body`.
pub fn tlv(tag: u8, body: &[u8]) -> Vec<u8> {
    let len = body.len();
    let mut out = vec![tag];
    match len {
        0..0x80 => out.push(len as u8),
        0x80..0x100 => out.extend([0x81, len as u8]),
        0x100..0x1_0000 => out.extend([0x82, (len >> 8) as u8, len as u8]),
        _ => out.extend([0x83, (len >> 16) as u8, (len >> 8) as u8, len as u8]),
    }
    out.extend_from_slice(body);
    out
}

/// A SEQUENCE of `parts`, each already a whole TLV.
pub fn seq(parts: &[&[u8]]) -> Vec<u8> {
    tlv(0x30, &parts.concat())
}

/// The TLVs inside the TLV at the start of `der`, each whole.
pub fn children(der: &[u8]) -> Vec<&[u8]> {
    let header = |at: &[u8]| -> (usize, usize) {
        let first = at[1];
        if first < 0x80 {
            return (2, usize::from(first));
        }
        let n = usize::from(first & 0x7f);
        let len = at[2..2 + n]
            .iter()
            .fold(0, |acc, &b| acc << 8 | usize::from(b));
        (2 + n, len)
    };
    let (start, len) = header(der);
    let mut body = &der[start..start + len];
    let mut out = Vec::new();
    while !body.is_empty() {
        let (h, l) = header(body);
        out.push(&body[..h + l]);
        body = &body[h + l..];
    }
    out
}

/// The fields of a certificate's TBSCertificate from its serial number on (RFC 5280 section
/// 4.1.2): serial, signature, issuer, validity, subject, subjectPublicKeyInfo, ...; the
/// optional `[0]` version (absent in version 1) skipped.
fn tbs_fields(cert: &[u8]) -> Vec<&[u8]> {
    let fields = children(children(cert)[0]);
    let skip = usize::from(fields[0][0] == 0xa0);
    fields[skip..].to_vec()
}

/// The issuer Name (whole TLV) of a certificate.
pub fn issuer_of(cert: &[u8]) -> Vec<u8> {
    tbs_fields(cert)[2].to_vec()
}

/// A Name with one attribute, commonName `name` (a UTF8String).
pub fn cn(name: &str) -> Vec<u8> {
    let atv = seq(&[&tlv(0x06, &[0x55, 4, 3]), &tlv(0x0c, name.as_bytes())]);
    seq(&[&tlv(0x31, &atv)])
}

/// 2020-01-01 .. 2040-01-01 when `current`, else 2020-01-01 .. 2021-01-01 (UTCTime).
fn validity(current: bool) -> Vec<u8> {
    let end: &[u8] = if current {
        b"400101000000Z"
    } else {
        b"210101000000Z"
    };
    seq(&[&tlv(0x17, b"200101000000Z"), &tlv(0x17, end)])
}

/// A version-1 certificate signed by nobody, as small as a certificate gets (about 130
/// bytes), with `extra` (whole TLVs) after its key: `n` (below 65,536) makes its serial and
/// Ed25519 key distinct, `current` says whether it is valid at [`crate::NOW`].
pub fn unsigned(
    n: u32,
    issuer: &[u8],
    subject: &[u8],
    current: bool,
    extra: &[u8],
) -> CertificateDer<'static> {
    let ed25519 = seq(&[&tlv(0x06, &[0x2b, 0x65, 0x70])]);
    let mut key = vec![0];
    key.extend(n.to_be_bytes().repeat(8));
    let spki = seq(&[&ed25519, &tlv(0x03, &key)]);
    let serial = tlv(0x02, &(0x01_0000 | n).to_be_bytes()[1..]);
    let validity = validity(current);
    let tbs = seq(&[&serial, &ed25519, issuer, &validity, subject, &spki, extra]);
    CertificateDer::from(seq(&[&tbs, &ed25519, &tlv(0x03, &[0])]))
}

/// A version-1 certificate, self-issued under `name`, carrying what a version-1 certificate
/// may not (RFC 5280 section 4.1.2.9: extensions are version 3 only): 700 empty
/// extensions, then one whose extnID is not an OID (`06 01 80`, a subidentifier that never
/// ends). Hostile to any reader that walks the extensions.
pub fn v1_decoy(n: u32, name: &[u8]) -> CertificateDer<'static> {
    let mut list = [0x30, 0x00].repeat(700);
    list.extend(seq(&[&[0x06, 0x01, 0x80], &tlv(0x04, &[])]));
    let extensions = tlv(0xa3, &tlv(0x30, &list));
    unsigned(n, name, name, true, &extensions)
}

/// A tiny expired certificate: distinct by `n`, issued by an "Old CA" nobody has.
pub fn tiny_expired(n: u32) -> CertificateDer<'static> {
    unsigned(n, &cn("Old CA"), &cn(&format!("c{n}")), false, &[])
}

// ---- byte patching ---------------------------------------------------------------------

/// A copy of `template` with `n` written into the last bytes of its serial number and, when
/// `new_key`, of its public key: a distinct certificate (and, for webpki's loop check, a
/// distinct key) whose signature no longer verifies, made without signing anything.
pub fn variant(template: &[u8], n: u32, new_key: bool) -> CertificateDer<'static> {
    let fields = tbs_fields(template);
    let mut der = template.to_vec();
    let mut patch = |field: &[u8]| {
        let end = field.as_ptr() as usize - template.as_ptr() as usize + field.len();
        der[end - 4..end].copy_from_slice(&n.to_be_bytes());
    };
    patch(fields[0]);
    if new_key {
        // The subjectPublicKey BIT STRING, after the AlgorithmIdentifier.
        patch(children(fields[5])[1]);
    }
    CertificateDer::from(der)
}

/// `count` short distinct DNS labels (`n` in base 36, three digits), for a leaf with as
/// many names as fit; 46,656 at most.
pub fn short_names(count: usize) -> Vec<String> {
    let digit = |d: usize| char::from_digit(d as u32, 36).unwrap_or('0');
    (0..count)
        .map(|n| {
            [n / 1296 % 36, n / 36 % 36, n % 36]
                .into_iter()
                .map(digit)
                .collect()
        })
        .collect()
}

// ---- whole presented lists -------------------------------------------------------------

/// One hostile input: what the server presents for [`Shape::HOST`], the only trust anchor,
/// and the intermediates a client has configured (empty for none).
pub struct Shape {
    /// The only trust anchor.
    pub root: Ca,
    /// The presented list, leaf first.
    pub presented: Vec<CertificateDer<'static>>,
    /// The configured pool of intermediates; empty when the shape has none.
    pub pool: Vec<CertificateDer<'static>>,
}

/// How [`Shape::v1_decoys`] arranges the leaf and its issuer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decoyed {
    /// An expired leaf; its issuer nowhere.
    ExpiredLeaf,
    /// A valid leaf; its issuer nowhere.
    ValidLeaf,
    /// A valid leaf; its real issuer only in the pool.
    IssuerInPool,
}

impl Shape {
    /// The host every hostile leaf is issued for.
    pub const HOST: &'static str = "a.test";

    /// A leaf of `inter`'s for [`Shape::HOST`] that expired one day after 2020-01-01.
    pub fn expired_leaf(inter: &Ca) -> CertificateDer<'static> {
        inter.leaf_with(CertSpec {
            not_before: CA_NOT_BEFORE,
            not_after: CA_NOT_BEFORE + DAY,
            ..CertSpec::leaf(&[Self::HOST])
        })
    }

    /// A leaf, then ten [`v1_decoy`]s self-issued under its issuer's name: the decoys are
    /// the only candidates for the leaf's issuer in the list.
    pub fn v1_decoys(arrangement: Decoyed) -> Self {
        let root = Ca::root("certdeps Hostile Root");
        let inter = root.intermediate("certdeps Hostile Intermediate");
        let leaf = match arrangement {
            Decoyed::ExpiredLeaf => Self::expired_leaf(&inter),
            Decoyed::ValidLeaf | Decoyed::IssuerInPool => inter.leaf(&[Self::HOST]),
        };
        let name = issuer_of(&leaf);
        let mut presented = vec![leaf];
        presented.extend((0..10).map(|n| v1_decoy(n, &name)));
        let pool = match arrangement {
            Decoyed::IssuerInPool => vec![inter.der().clone()],
            Decoyed::ExpiredLeaf | Decoyed::ValidLeaf => Vec::new(),
        };
        Self {
            root,
            presented,
            pool,
        }
    }

    /// A leaf sent with `junk` unrelated CA certificates and without its issuer, which is
    /// only in the pool.
    pub fn junk_with_issuer_in_pool(junk: u32) -> Self {
        let root = Ca::root("certdeps Hostile Root");
        let inter = root.intermediate("certdeps Hostile Intermediate");
        let other = Ca::root("certdeps Junk CA");
        let mut presented = vec![inter.leaf(&[Self::HOST])];
        presented.extend((0..junk).map(|n| variant(other.der(), n, true)));
        Self {
            root,
            presented,
            pool: vec![inter.der().clone()],
        }
    }

    /// A leaf, a dead end named like its issuer (issued by a CA nobody has), ten
    /// certificates self-issued under that name by another key (each can follow each other:
    /// a cycle webpki walks until its path-building budget runs out), then `junk` unrelated
    /// CA certificates, which webpki compares on every path-building call without charging
    /// its budget. The leaf's real issuer is only in the pool.
    pub fn issuer_cycle_with_issuer_in_pool(junk: u32) -> Self {
        let root = Ca::root("certdeps Hostile Root");
        let inter = root.intermediate("certdeps Looping CA");
        // Self-issued but not self-signed, so path building looks for its issuer.
        let looped = Ca::root("certdeps Looping CA").intermediate("certdeps Looping CA");
        let dead_end = Ca::root("certdeps Gone CA").intermediate("certdeps Looping CA");
        let mut presented = vec![inter.leaf(&[Self::HOST]), dead_end.der().clone()];
        presented.extend((0..10).map(|n| variant(looped.der(), n, true)));
        if junk > 0 {
            let other = Ca::root("certdeps Junk CA");
            presented.extend((0..junk).map(|n| variant(other.der(), n, true)));
        }
        Self {
            root,
            presented,
            pool: vec![inter.der().clone()],
        }
    }

    /// An expired leaf, then 482 tiny certificates ([`unsigned`]) whose subject is the
    /// leaf's issuer name: as many as fit in what a TLS client receives (64 KiB), each a
    /// candidate issuer for path building to try.
    pub fn expired_leaf_behind_482_decoys() -> Self {
        let root = Ca::root("certdeps Hostile Root");
        // A one-letter name keeps each decoy small enough for 482 to fit.
        let inter = root.intermediate("H");
        let leaf = Self::expired_leaf(&inter);
        let name = issuer_of(&leaf);
        let mut presented = vec![leaf];
        presented.extend((0..482).map(|n| unsigned(n, &cn("x"), &name, true, &[])));
        Self {
            root,
            presented,
            pool: Vec::new(),
        }
    }
}
