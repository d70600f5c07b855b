//! Public keys: which ones a strict TLS client can verify a handshake signature with.
//!
//! rustls-webpki checks the signatures *on* certificates, but not whether the leaf's own key
//! is one the client will accept in the handshake. rustls (with either provider) verifies
//! `CertificateVerify` only with RSA 2048-8192 bits, ECDSA P-256/P-384 and Ed25519, so a leaf
//! with any other key passes the chain check and still fails every handshake.

use std::borrow::Cow;
use std::fmt;

use der::asn1::{AnyRef, BitStringRef, ObjectIdentifier, UintRef};
use der::{Decode, Reader, SliceReader};

const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const RSA_PSS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");
const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const DSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10040.4.1");
const ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
const ED448: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.113");
const P192: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.1");
const P224: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.33");
const P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const P521: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.35");

/// The kind and size of a certificate's subject public key.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "json", derive(serde::Serialize))]
#[cfg_attr(feature = "json", serde(tag = "type", rename_all = "kebab-case"))]
#[non_exhaustive]
pub enum PublicKey {
    /// DSA (FIPS 186); no TLS 1.3 client accepts it.
    Dsa,
    /// ECDSA on a named curve.
    Ecdsa {
        /// The curve, by name when known, else its OID. A known name is not allocated.
        curve: Cow<'static, str>,
    },
    /// EdDSA over Curve25519 ([RFC 8410]).
    ///
    /// [RFC 8410]: https://www.rfc-editor.org/rfc/rfc8410
    Ed25519,
    /// EdDSA over Curve448.
    Ed448,
    /// RSA ([RFC 8017]); `pss` is set for an id-RSASSA-PSS key.
    ///
    /// [RFC 8017]: https://www.rfc-editor.org/rfc/rfc8017
    Rsa {
        /// Modulus size in bits.
        bits: usize,
        /// Whether the key is restricted to RSASSA-PSS.
        pss: bool,
    },
    /// Any other algorithm, by OID; also a key whose encoding could not be read.
    Other {
        /// The algorithm OID in dotted form, or a note on what could not be read.
        algorithm: String,
    },
}

impl PublicKey {
    /// Reads a DER `SubjectPublicKeyInfo` ([RFC 5280 section 4.1.2.7]).
    ///
    /// Never fails: what cannot be read is [`PublicKey::Other`], which no client accepts.
    ///
    /// [RFC 5280 section 4.1.2.7]: https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.7
    pub fn from_spki(spki: &[u8]) -> Self {
        if let Some(kind) = fast::read_spki(spki) {
            return kind.key();
        }
        read_spki(spki).unwrap_or_else(|_| Self::Other {
            algorithm: "unreadable SubjectPublicKeyInfo".to_owned(),
        })
    }

    /// Whether rustls can verify a handshake signature made with this key.
    ///
    /// rustls' `WebPkiSupportedAlgorithms` for both providers: RSA PKCS#1 and PSS with
    /// 2048 to 8192 bit moduli, ECDSA with P-256 and P-384, and Ed25519
    /// ([RFC 8446 section 4.2.3] lists the schemes; rustls implements that subset).
    ///
    /// [RFC 8446 section 4.2.3]: https://www.rfc-editor.org/rfc/rfc8446#section-4.2.3
    pub fn handshake_capable(&self) -> bool {
        match self {
            Self::Rsa { bits, .. } => RSA_HANDSHAKE_BITS.contains(bits),
            Self::Ecdsa { curve } => curve == "P-256" || curve == "P-384",
            Self::Ed25519 => true,
            Self::Dsa | Self::Ed448 | Self::Other { .. } => false,
        }
    }
}

/// The RSA modulus sizes rustls verifies handshake signatures with
/// ([`PublicKey::handshake_capable`]).
const RSA_HANDSHAKE_BITS: std::ops::RangeInclusive<usize> = 2048..=8192;

impl fmt::Display for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Dsa => f.write_str("DSA"),
            Self::Ecdsa { curve } => write!(f, "ECDSA {curve}"),
            Self::Ed25519 => f.write_str("Ed25519"),
            Self::Ed448 => f.write_str("Ed448"),
            Self::Rsa { bits, pss: false } => write!(f, "RSA {bits}"),
            Self::Rsa { bits, pss: true } => write!(f, "RSA-PSS {bits}"),
            Self::Other { algorithm } => write!(f, "unsupported key ({algorithm})"),
        }
    }
}

/// The keys of nearly every TLS leaf (RSA, ECDSA P-256/P-384, Ed25519 in their one usual
/// encoding) read by comparing bytes, since this runs on every healthy check. A strict subset
/// of what [`read_spki`] accepts, with the same answer; `None` on anything else, and then
/// [`read_spki`] decides.
mod fast {
    // The same strict subset of DER that the certificate fast path reads.
    use std::borrow::Cow;

    use super::PublicKey;
    use crate::der::tlv;

    /// AlgorithmIdentifier TLVs ([RFC 5480 section 2.1.1], [RFC 8410 section 3],
    /// [RFC 3279 section 2.3.1]).
    ///
    /// [RFC 5480 section 2.1.1]: https://www.rfc-editor.org/rfc/rfc5480#section-2.1.1
    /// [RFC 8410 section 3]: https://www.rfc-editor.org/rfc/rfc8410#section-3
    /// [RFC 3279 section 2.3.1]: https://www.rfc-editor.org/rfc/rfc3279#section-2.3.1
    const P256: &[u8] = &[
        0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86,
        0x48, 0xce, 0x3d, 0x03, 0x01, 0x07,
    ];
    const P384: &[u8] = &[
        0x30, 0x10, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x05, 0x2b, 0x81,
        0x04, 0x00, 0x22,
    ];
    const ED25519: &[u8] = &[0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70];
    const RSA: &[u8] = &[
        0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00,
    ];

    /// A positive INTEGER in its minimal encoding, without a leading zero octet.
    fn positive(integer: &[u8]) -> Option<&[u8]> {
        match integer {
            [0, next, ..] if *next >= 0x80 => Some(&integer[1..]),
            [first, ..] if (1..0x80).contains(first) => Some(integer),
            _ => None,
        }
    }

    /// What the fast reader saw, before any allocation: a caller that only asks whether a
    /// handshake can use the key needs no [`PublicKey`].
    #[derive(Clone, Copy)]
    pub(super) enum Kind {
        P256,
        P384,
        Ed25519,
        Rsa { bits: usize },
    }

    impl Kind {
        /// The key, allocating nothing.
        pub(super) fn key(self) -> PublicKey {
            match self {
                Self::P256 => PublicKey::Ecdsa {
                    curve: Cow::Borrowed("P-256"),
                },
                Self::P384 => PublicKey::Ecdsa {
                    curve: Cow::Borrowed("P-384"),
                },
                Self::Ed25519 => PublicKey::Ed25519,
                Self::Rsa { bits } => PublicKey::Rsa { bits, pss: false },
            }
        }
    }

    pub(super) fn read_spki(spki: &[u8]) -> Option<Kind> {
        let (body, []) = tlv(spki, 0x30)? else {
            return None;
        };
        let (_, after) = tlv(body, 0x30)?;
        let algorithm = body.get(..body.len() - after.len())?;
        let (bits, []) = tlv(after, 0x03)? else {
            return None;
        };
        let (0, key) = bits.split_first()? else {
            return None;
        };
        Some(match algorithm {
            P256 => Kind::P256,
            P384 => Kind::P384,
            ED25519 => Kind::Ed25519,
            RSA => {
                let (rsa, []) = tlv(key, 0x30)? else {
                    return None;
                };
                let (modulus, rest) = tlv(rsa, 0x02)?;
                let (exponent, []) = tlv(rest, 0x02)? else {
                    return None;
                };
                let modulus = positive(modulus)?;
                positive(exponent)?;
                Kind::Rsa {
                    bits: modulus.len() * 8 - modulus.first()?.leading_zeros() as usize,
                }
            }
            _ => return None,
        })
    }
}

fn read_spki(spki: &[u8]) -> der::Result<PublicKey> {
    let mut outer = SliceReader::new(spki)?;
    let (algorithm, parameters, key) = outer.sequence(|spki| {
        let (algorithm, parameters) = spki.sequence(|alg| {
            let oid = ObjectIdentifier::decode(alg)?;
            let params = Option::<AnyRef<'_>>::decode(alg)?;
            Ok::<_, der::Error>((oid, params))
        })?;
        let key = BitStringRef::decode(spki)?;
        Ok::<_, der::Error>((algorithm, parameters, key))
    })?;
    outer.finish()?;
    Ok(match algorithm {
        RSA_ENCRYPTION | RSA_PSS => PublicKey::Rsa {
            bits: rsa_modulus_bits(key.raw_bytes())?,
            pss: algorithm == RSA_PSS,
        },
        EC_PUBLIC_KEY => {
            let curve = match parameters.map(|p| p.decode_as::<ObjectIdentifier>()) {
                Some(Ok(oid)) => curve_name(oid),
                // ecParameters given explicitly (not a named curve): RFC 5480 section 2.1.1
                // forbids them and no TLS client accepts them.
                _ => Cow::Borrowed("explicit or missing curve parameters"),
            };
            PublicKey::Ecdsa { curve }
        }
        DSA => PublicKey::Dsa,
        ED25519 => PublicKey::Ed25519,
        ED448 => PublicKey::Ed448,
        other => PublicKey::Other {
            algorithm: other.to_string(),
        },
    })
}

/// RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } ([RFC 8017 A.1.1]).
///
/// [RFC 8017 A.1.1]: https://www.rfc-editor.org/rfc/rfc8017#appendix-A.1.1
fn rsa_modulus_bits(key: &[u8]) -> der::Result<usize> {
    let mut reader = SliceReader::new(key)?;
    let modulus = reader.sequence(|seq| {
        let modulus = UintRef::decode(seq)?;
        let _exponent = UintRef::decode(seq)?;
        Ok::<_, der::Error>(modulus)
    })?;
    let bytes = modulus.as_bytes();
    Ok(match bytes.first() {
        Some(top) => bytes.len() * 8 - top.leading_zeros() as usize,
        None => 0,
    })
}

fn curve_name(oid: ObjectIdentifier) -> Cow<'static, str> {
    Cow::Borrowed(match oid {
        P192 => "P-192",
        P224 => "P-224",
        P256 => "P-256",
        P384 => "P-384",
        P521 => "P-521",
        other => return Cow::Owned(other.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast reader answers only where the `der` reader agrees.
    fn assert_fast_agrees(spki: &[u8]) -> bool {
        let Some(kind) = fast::read_spki(spki) else {
            return false;
        };
        let key = read_spki(spki).ok();
        assert_eq!(key, Some(kind.key()), "{spki:02x?}");
        true
    }

    #[test]
    fn fast_spki_agrees_with_der_on_keys_and_their_mutations() {
        let algs: [&'static rcgen::SignatureAlgorithm; 4] = [
            &rcgen::PKCS_ECDSA_P256_SHA256,
            &rcgen::PKCS_ECDSA_P384_SHA384,
            &rcgen::PKCS_ED25519,
            &rcgen::PKCS_RSA_SHA256,
        ];
        for alg in algs {
            let key = rcgen::KeyPair::generate_for(alg).unwrap();
            let spki = rcgen::PublicKeyData::subject_public_key_info(&key);
            assert!(assert_fast_agrees(&spki), "{alg:?} takes the fast path");
            assert!(PublicKey::from_spki(&spki).handshake_capable());
            for i in 0..spki.len() {
                for flip in [0x01, 0x02, 0x10, 0x7f, 0x80, 0xff] {
                    let mut mutated = spki.clone();
                    mutated[i] ^= flip;
                    assert_fast_agrees(&mutated);
                }
                assert_fast_agrees(&spki[..i]);
            }
        }
    }
}
