//! Test PKI: generates root, intermediate and leaf certificates, and CRLs, at test time.
//!
//! A crate of its own (`publish = false`) so that everything that needs certificates takes
//! it as an ordinary dependency: certdeps' integration tests, the `check` example and the
//! benches. It depends only on `rcgen` (with its `aws_lc_rs` feature, needed for RSA key
//! generation), `rustls-pki-types`, `time` and rustls (the TLS servers of [`server`]; [`http`] serves plain HTTP), and
//! never on certdeps: a dev-dependency that depended on certdeps would bring a second copy
//! of it into certdeps' own unit tests.
//!
//! Every certificate is made fresh with a new key; nothing is cached across
//! processes. Key generation is cheap for ECDSA and Ed25519 but slow for RSA,
//! so a test that needs many certificates should reuse one [`Ca`].
//!
//! All validity periods are fixed so that verification at [`now()`] is
//! deterministic:
//!
//! | certificate | not before | not after |
//! |---|---|---|
//! | CA (root, intermediate, cross-sign) | [`CA_NOT_BEFORE`] 2020-01-01 | [`CA_NOT_AFTER`] 2040-01-01 |
//! | leaf | [`LEAF_NOT_BEFORE`] 2025-01-01 | [`LEAF_NOT_AFTER`] 2028-01-01 |
//! | CRL ([`Ca::crl`]) | [`NOW`] - 10 days | [`NOW`] + 20 days |
//!
//! ```
//! use test_pki::{CertSpec, Chain, DAY, KeyType, NOW};
//!
//! let chain = Chain::new(KeyType::EcdsaP256, "a.test");
//! let served = chain.presented();           // [leaf, intermediate]
//! let anchor = chain.root.der();            // the trust anchor
//! let expired = chain.inter.leaf_with(CertSpec {
//!     not_after: NOW - DAY,
//!     ..CertSpec::leaf(&["a.test"])
//! });
//! # assert_eq!(served.len(), 2);
//! # assert_ne!(anchor, &expired);
//! ```
#![forbid(unsafe_code)]
// A generator that cannot make a certificate has nothing better to do than panic: its callers
// are tests, benches and a demo, for which a failed setup is a failed run.
#![allow(clippy::expect_used, clippy::unwrap_used)]

pub mod hostile;
pub mod http;
pub mod server;

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use pki_types::{CertificateDer, CertificateRevocationListDer, UnixTime};
use rcgen::{
    CertificateParams, CertificateRevocationListParams, CustomExtension, DistinguishedName, DnType,
    ExtendedKeyUsagePurpose, GeneralSubtree, IsCa, Issuer, KeyIdMethod, KeyPair, KeyUsagePurpose,
    NameConstraints, PublicKeyData, RevokedCertParams, SerialNumber, SignatureAlgorithm,
};
use time::OffsetDateTime;

/// The fixed verification time: 2026-06-01T00:00:00Z, in seconds since the Unix epoch.
pub const NOW: u64 = 1_780_272_000;

/// One day, in seconds.
pub const DAY: u64 = 86_400;

/// Default `not_before` of CA certificates: 2020-01-01T00:00:00Z.
pub const CA_NOT_BEFORE: u64 = 1_577_836_800;

/// Default `not_after` of CA certificates: 2040-01-01T00:00:00Z.
pub const CA_NOT_AFTER: u64 = 2_208_988_800;

/// Default `not_before` of leaf certificates: 2025-01-01T00:00:00Z.
pub const LEAF_NOT_BEFORE: u64 = 1_735_689_600;

/// Default `not_after` of leaf certificates: 2028-01-01T00:00:00Z.
pub const LEAF_NOT_AFTER: u64 = 1_830_297_600;

/// Writes `text` (and a line break, unless it ends with one) to the process' standard
/// error directly, not through `eprintln!`, so that it shows even though the test harness captures the output of
/// passing tests: for a test skipped for want of something (with the reason), and for a
/// suite's summary figures.
pub fn tell(text: &str) {
    use std::io::Write;
    let end = if text.ends_with('\n') { "" } else { "\n" };
    let _ = write!(std::io::stderr(), "{text}{end}");
}

/// [`NOW`] as the time argument that webpki and certdeps take.
pub fn now() -> UnixTime {
    UnixTime::since_unix_epoch(Duration::from_secs(NOW))
}

/// The kind of key a certificate's subject holds (and, for a CA, signs with).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyType {
    /// ECDSA on P-256, signing with SHA-256.
    EcdsaP256,
    /// ECDSA on P-384, signing with SHA-384.
    EcdsaP384,
    /// RSA 2048 bits, signing with PKCS#1 v1.5 and SHA-256. Slow to generate.
    Rsa2048,
    /// RSA 1024 bits: the weak-key case. Leaves only: aws-lc-rs neither
    /// generates nor signs with RSA keys under 2048 bits, so this is one fixed,
    /// embedded public key (every RSA-1024 leaf shares it) and a CA of this
    /// type panics. webpki accepts such a leaf; rustls cannot use it.
    Rsa1024,
    /// Ed25519.
    Ed25519,
}

impl KeyType {
    /// Every key type, in declaration order.
    pub const ALL: [KeyType; 5] = [
        KeyType::EcdsaP256,
        KeyType::EcdsaP384,
        KeyType::Rsa2048,
        KeyType::Rsa1024,
        KeyType::Ed25519,
    ];

    /// Generates a fresh key pair of this type (panics for `Rsa1024`).
    fn generate(self) -> KeyPair {
        let alg: &'static SignatureAlgorithm = match self {
            KeyType::EcdsaP256 => &rcgen::PKCS_ECDSA_P256_SHA256,
            KeyType::EcdsaP384 => &rcgen::PKCS_ECDSA_P384_SHA384,
            KeyType::Rsa2048 => &rcgen::PKCS_RSA_SHA256,
            KeyType::Ed25519 => &rcgen::PKCS_ED25519,
            KeyType::Rsa1024 => panic!(
                "KeyType::Rsa1024 cannot sign (aws-lc-rs only handles RSA keys of 2048-8192 bits): \
                 use it for leaves only"
            ),
        };
        KeyPair::generate_for(alg).unwrap_or_else(|e| {
            panic!("generating a {self:?} key failed ({e}); RSA needs rcgen's `aws_lc_rs` feature")
        })
    }
}

/// Whether, and how, a certificate is a CA (its basicConstraints extension).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CaKind {
    /// No basicConstraints extension at all (an end entity, as for a v1 cert).
    Absent,
    /// basicConstraints present (critical) with `cA` false: an end entity.
    No,
    /// A CA without a path length constraint.
    Unconstrained,
    /// A CA allowing at most this many intermediates below it (`pathLenConstraint`).
    PathLen(u8),
}

impl CaKind {
    /// Whether this makes the certificate a CA.
    pub fn is_ca(self) -> bool {
        matches!(self, CaKind::Unconstrained | CaKind::PathLen(_))
    }
}

/// An extended key usage purpose.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Eku {
    /// id-kp-serverAuth (TLS server).
    ServerAuth,
    /// id-kp-clientAuth (TLS client).
    ClientAuth,
    /// id-kp-codeSigning.
    CodeSigning,
    /// anyExtendedKeyUsage.
    Any,
}

/// Everything a test may vary about one certificate.
///
/// Start from [`CertSpec::leaf`] or [`CertSpec::ca`] (the healthy values) and
/// override fields: `CertSpec { not_after: NOW - DAY, ..CertSpec::leaf(&["a.test"]) }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertSpec {
    /// Subject common name; empty means a subject with no CN (an empty DN).
    pub cn: String,
    /// Subject alternative names: DNS names (wildcards allowed), or IP literals
    /// (`"192.0.2.1"`, `"::1"`), which become iPAddress entries. Empty = no SAN extension.
    pub sans: Vec<String>,
    /// The subject's key type (a fresh key of it is generated).
    pub key: KeyType,
    /// Start of validity, seconds since the Unix epoch.
    pub not_before: u64,
    /// End of validity, seconds since the Unix epoch.
    pub not_after: u64,
    /// basicConstraints. Key usage follows it: CAs get keyCertSign + cRLSign,
    /// others digitalSignature (+ keyEncipherment for RSA).
    pub ca: CaKind,
    /// Extended key usages, in order; empty = no EKU extension.
    pub eku: Vec<Eku>,
    /// Authority Information Access caIssuers URLs; empty = no AIA extension.
    pub aia_ca_issuers: Vec<String>,
    /// Name constraints: permitted DNS subtrees (e.g. `"example.com"`).
    pub permitted_dns: Vec<String>,
    /// Name constraints: excluded DNS subtrees.
    pub excluded_dns: Vec<String>,
    /// Whether to write a subjectKeyIdentifier.
    pub include_ski: bool,
    /// Whether to write an authorityKeyIdentifier (the issuer's key id).
    pub include_aki: bool,
    /// Serial number; `None` = a unique one (20 bytes derived from the fresh
    /// subject key; a process-wide counter for `Rsa1024` leaves).
    pub serial: Option<u64>,
}

impl CertSpec {
    /// A healthy TLS server leaf: CN = first SAN, the given SANs, P-256,
    /// valid 2025-01-01..2028-01-01, `CA:FALSE`, EKU serverAuth, SKI and AKI.
    pub fn leaf(sans: &[&str]) -> Self {
        CertSpec {
            cn: sans.first().copied().unwrap_or_default().to_owned(),
            sans: sans.iter().map(|s| (*s).to_owned()).collect(),
            key: KeyType::EcdsaP256,
            not_before: LEAF_NOT_BEFORE,
            not_after: LEAF_NOT_AFTER,
            ca: CaKind::No,
            eku: vec![Eku::ServerAuth],
            aia_ca_issuers: Vec::new(),
            permitted_dns: Vec::new(),
            excluded_dns: Vec::new(),
            include_ski: true,
            include_aki: true,
            serial: None,
        }
    }

    /// A healthy CA: the given CN, P-256, valid 2020-01-01..2040-01-01,
    /// unconstrained, no EKU, SKI and AKI ([`Ca::root`] drops the AKI).
    pub fn ca(cn: &str) -> Self {
        CertSpec {
            cn: cn.to_owned(),
            sans: Vec::new(),
            key: KeyType::EcdsaP256,
            not_before: CA_NOT_BEFORE,
            not_after: CA_NOT_AFTER,
            ca: CaKind::Unconstrained,
            eku: Vec::new(),
            aia_ca_issuers: Vec::new(),
            permitted_dns: Vec::new(),
            excluded_dns: Vec::new(),
            include_ski: true,
            include_aki: true,
            serial: None,
        }
    }
}

/// A certificate authority that can issue certificates.
///
/// Holds its certificate, its key and the spec it was made from.
pub struct Ca {
    spec: CertSpec,
    issuer: Issuer<'static, KeyPair>,
    der: CertificateDer<'static>,
}

impl std::fmt::Debug for Ca {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ca")
            .field("spec", &self.spec)
            .finish_non_exhaustive()
    }
}

impl Ca {
    /// A self-signed root: P-256, valid 2020-01-01..2040-01-01, unconstrained
    /// CA, SKI, no AKI.
    pub fn root(cn: &str) -> Ca {
        Ca::root_with(CertSpec {
            include_aki: false,
            ..CertSpec::ca(cn)
        })
    }

    /// A self-signed certificate made from `spec`, able to issue (even if
    /// `spec.ca` says it is not a CA, which makes what it issues untrusted).
    pub fn root_with(spec: CertSpec) -> Ca {
        let key = spec.key.generate();
        let params = params(&spec, &key);
        let der = params.self_signed(&key).expect("self-signing").into();
        Ca {
            spec,
            issuer: Issuer::new(params, key),
            der,
        }
    }

    /// An intermediate CA named `cn` issued by `self` (P-256, unconstrained, SKI, AKI).
    pub fn intermediate(&self, cn: &str) -> Ca {
        self.intermediate_with(CertSpec::ca(cn))
    }

    /// A certificate made from `spec` issued by `self`, able to issue in turn.
    pub fn intermediate_with(&self, spec: CertSpec) -> Ca {
        let key = spec.key.generate();
        let params = params(&spec, &key);
        let der = params
            .signed_by(&key, &self.issuer)
            .expect("signing")
            .into();
        Ca {
            spec,
            issuer: Issuer::new(params, key),
            der,
        }
    }

    /// A healthy TLS server leaf for `sans` issued by `self`; see [`CertSpec::leaf`].
    pub fn leaf(&self, sans: &[&str]) -> CertificateDer<'static> {
        self.leaf_with(CertSpec::leaf(sans))
    }

    /// A certificate made from `spec` issued by `self` (its key is thrown away).
    pub fn leaf_with(&self, spec: CertSpec) -> CertificateDer<'static> {
        let signed = match spec.key {
            KeyType::Rsa1024 => {
                // rcgen derives the default serial from the key, which is fixed here.
                static NEXT: AtomicU64 = AtomicU64::new(0x1024_0000);
                let serial = spec
                    .serial
                    .unwrap_or_else(|| NEXT.fetch_add(1, Ordering::Relaxed));
                let spec = CertSpec {
                    serial: Some(serial),
                    ..spec
                };
                params(&spec, &WeakRsa1024).signed_by(&WeakRsa1024, &self.issuer)
            }
            key_type => {
                let key = key_type.generate();
                params(&spec, &key).signed_by(&key, &self.issuer)
            }
        };
        signed.expect("signing").into()
    }

    /// A cross-certificate: `other`'s subject, key and extensions (with an
    /// AKI), issued by `self`. With it, `other`'s subordinates chain to `self` too.
    pub fn cross_sign(&self, other: &Ca) -> CertificateDer<'static> {
        self.cross_sign_until(other, other.spec.not_after)
    }

    /// [`Ca::cross_sign`] with its own end of validity, for the cases where the
    /// cross-certificate expires before (or after) the CA it certifies.
    pub fn cross_sign_until(&self, other: &Ca, not_after: u64) -> CertificateDer<'static> {
        let spec = CertSpec {
            include_aki: true,
            not_after,
            ..other.spec.clone()
        };
        let key = other.issuer.key();
        params(&spec, key)
            .signed_by(key, &self.issuer)
            .expect("signing")
            .into()
    }

    /// An intermediate CA named `cn` issued by `self` with a P-521 key: what it
    /// signs uses ecdsa-with-SHA512, which rustls' default algorithms lack
    /// (there is no P-521 [`KeyType`], as no leaf or root of the suite needs one).
    pub fn p521_intermediate(&self, cn: &str) -> Ca {
        let spec = CertSpec::ca(cn);
        let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P521_SHA512).expect("P-521 key");
        let params = params(&spec, &key);
        let der = params
            .signed_by(&key, &self.issuer)
            .expect("signing")
            .into();
        Ca {
            spec,
            issuer: Issuer::new(params, key),
            der,
        }
    }

    /// A certificate made from `spec` issued by `self`, carrying a critical
    /// extension of a private OID: RFC 5280 section 4.2 makes a verifier reject a
    /// certificate with a critical extension it does not recognise.
    pub fn leaf_with_unknown_critical_extension(&self, spec: CertSpec) -> CertificateDer<'static> {
        let key = spec.key.generate();
        let mut params = params(&spec, &key);
        let mut ext = CustomExtension::from_oid_content(OID_PRIVATE_TEST, vec![0x05, 0x00]);
        ext.set_criticality(true);
        params.custom_extensions.push(ext);
        params
            .signed_by(&key, &self.issuer)
            .expect("signing")
            .into()
    }

    /// A CRL issued by `self` revoking `serials`, current at [`NOW`]
    /// (this update 10 days before, next update 20 days after).
    pub fn crl(&self, serials: &[u64]) -> CertificateRevocationListDer<'static> {
        crl_signed(&self.issuer, serials)
    }

    /// A CRL naming `self` as issuer (name and key identifier) but signed by
    /// another key: a verifier must find it unusable.
    pub fn forged_crl(&self, serials: &[u64]) -> CertificateRevocationListDer<'static> {
        crl_signed(&self.forger(), serials)
    }

    /// An issuer with `self`'s name and key identifier but a fresh key of the
    /// same type: what it signs claims to come from `self` and does not verify.
    fn forger(&self) -> Issuer<'static, KeyPair> {
        let mut issuer_params = params(&self.spec, self.issuer.key());
        issuer_params.key_identifier_method = KeyIdMethod::PreSpecified(self.key_id());
        Issuer::new(issuer_params, self.spec.key.generate())
    }

    /// This CA's own certificate, DER.
    pub fn der(&self) -> &CertificateDer<'static> {
        &self.der
    }

    /// This CA's own certificate, PEM.
    pub fn pem(&self) -> String {
        pem_bundle(&[&self.der])
    }

    /// The subject common name.
    pub fn subject_cn(&self) -> &str {
        &self.spec.cn
    }

    /// The spec this CA's certificate was made from.
    pub fn spec(&self) -> &CertSpec {
        &self.spec
    }

    /// This CA's key identifier: its SKI (when written) and the AKI of what it issues.
    pub fn key_id(&self) -> Vec<u8> {
        params(&self.spec, self.issuer.key()).key_identifier(self.issuer.key())
    }
}

/// A root, an intermediate and a leaf: the healthy chain of a public server.
#[derive(Debug)]
pub struct Chain {
    /// The self-signed root (the trust anchor).
    pub root: Ca,
    /// The intermediate, issued by `root`.
    pub inter: Ca,
    /// The leaf for the host, issued by `inter`.
    pub leaf: CertificateDer<'static>,
}

impl Chain {
    /// root -> intermediate -> leaf for `host` (a DNS name or an IP literal),
    /// every key of type `key`, except that with `Rsa1024` only the leaf is
    /// RSA-1024 and the two CAs are `Rsa2048`.
    pub fn new(key: KeyType, host: &str) -> Chain {
        let ca_key = if key == KeyType::Rsa1024 {
            KeyType::Rsa2048
        } else {
            key
        };
        let root = Ca::root_with(CertSpec {
            key: ca_key,
            include_aki: false,
            ..CertSpec::ca(&format!("certdeps Test Root {key:?}"))
        });
        let inter = root.intermediate_with(CertSpec {
            key: ca_key,
            ..CertSpec::ca(&format!("certdeps Test Intermediate {key:?}"))
        });
        let leaf = inter.leaf_with(CertSpec {
            key,
            ..CertSpec::leaf(&[host])
        });
        Chain { root, inter, leaf }
    }

    /// What a correctly configured server sends: `[leaf, intermediate]`.
    pub fn presented(&self) -> Vec<CertificateDer<'static>> {
        vec![self.leaf.clone(), self.inter.der().clone()]
    }

    /// [`Chain::presented`] as a PEM bundle.
    pub fn pem(&self) -> String {
        pem_bundle(&[&self.leaf, self.inter.der()])
    }
}

/// PEM text of several certificates, in the given order.
pub fn pem_bundle(certs: &[&CertificateDer<'_>]) -> String {
    let mut out = String::new();
    for cert in certs {
        out.push_str("-----BEGIN CERTIFICATE-----\n");
        let b64 = base64(cert);
        for line in b64.as_bytes().chunks(64) {
            out.push_str(std::str::from_utf8(line).expect("base64 is ASCII"));
            out.push('\n');
        }
        out.push_str("-----END CERTIFICATE-----\n");
    }
    out
}

/// A leaf whose signature does not verify: its issuer DN and AKI are `ca`'s,
/// but it is signed by a different key of the same type.
pub fn forged_leaf(ca: &Ca, sans: &[&str]) -> CertificateDer<'static> {
    let key = KeyType::EcdsaP256.generate();
    params(&CertSpec::leaf(sans), &key)
        .signed_by(&key, &ca.forger())
        .expect("signing")
        .into()
}

/// A self-signed leaf (not a CA) for the given names; otherwise as [`CertSpec::leaf`].
pub fn self_signed_leaf(sans: &[&str]) -> CertificateDer<'static> {
    let key = KeyType::EcdsaP256.generate();
    params(&CertSpec::leaf(sans), &key)
        .self_signed(&key)
        .expect("self-signing")
        .into()
}

/// The rcgen parameters for `spec` with subject key `key`.
fn params(spec: &CertSpec, key: &impl PublicKeyData) -> CertificateParams {
    let mut p = CertificateParams::new(spec.sans.clone()).expect("SANs must be ASCII");
    p.distinguished_name = DistinguishedName::new();
    if !spec.cn.is_empty() {
        p.distinguished_name
            .push(DnType::CommonName, spec.cn.as_str());
    }
    p.not_before = unix_to_time(spec.not_before);
    p.not_after = unix_to_time(spec.not_after);
    p.serial_number = spec.serial.map(Into::into);
    p.key_identifier_method = KeyIdMethod::Sha256;
    p.use_authority_key_identifier_extension = spec.include_aki;
    p.key_usages = if spec.ca.is_ca() {
        vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign]
    } else if spec.key == KeyType::Rsa2048 || spec.key == KeyType::Rsa1024 {
        vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyEncipherment,
        ]
    } else {
        vec![KeyUsagePurpose::DigitalSignature]
    };
    p.extended_key_usages = spec
        .eku
        .iter()
        .map(|eku| match eku {
            Eku::ServerAuth => ExtendedKeyUsagePurpose::ServerAuth,
            Eku::ClientAuth => ExtendedKeyUsagePurpose::ClientAuth,
            Eku::CodeSigning => ExtendedKeyUsagePurpose::CodeSigning,
            Eku::Any => ExtendedKeyUsagePurpose::Any,
        })
        .collect();
    if !spec.permitted_dns.is_empty() || !spec.excluded_dns.is_empty() {
        let dns = |names: &[String]| names.iter().cloned().map(GeneralSubtree::DnsName).collect();
        p.name_constraints = Some(NameConstraints {
            permitted_subtrees: dns(&spec.permitted_dns),
            excluded_subtrees: dns(&spec.excluded_dns),
        });
    }
    // rcgen ties the SKI to basicConstraints; we write both ourselves so that
    // each can be present or absent independently.
    p.is_ca = IsCa::NoCa;
    if spec.include_ski {
        let ski = der_tlv(0x04, &p.key_identifier(key));
        p.custom_extensions
            .push(CustomExtension::from_oid_content(OID_SKI, ski));
    }
    if spec.ca != CaKind::Absent {
        let mut bc =
            CustomExtension::from_oid_content(OID_BASIC_CONSTRAINTS, basic_constraints(spec.ca));
        bc.set_criticality(true);
        p.custom_extensions.push(bc);
    }
    if !spec.aia_ca_issuers.is_empty() {
        let aia = authority_info_access(&spec.aia_ca_issuers);
        p.custom_extensions
            .push(CustomExtension::from_oid_content(OID_AIA, aia));
    }
    p
}

/// A CRL signed by `issuer` revoking `serials` 5 days before [`NOW`].
fn crl_signed(
    issuer: &Issuer<'_, KeyPair>,
    serials: &[u64],
) -> CertificateRevocationListDer<'static> {
    let params = CertificateRevocationListParams {
        this_update: unix_to_time(NOW - 10 * DAY),
        next_update: unix_to_time(NOW + 20 * DAY),
        crl_number: SerialNumber::from(7u64),
        issuing_distribution_point: None,
        revoked_certs: serials
            .iter()
            .map(|&s| RevokedCertParams {
                serial_number: SerialNumber::from(s),
                revocation_time: unix_to_time(NOW - 5 * DAY),
                reason_code: None,
                invalidity_date: None,
            })
            .collect(),
        key_identifier_method: KeyIdMethod::Sha256,
    };
    params.signed_by(issuer).expect("signing CRL").der().clone()
}

fn unix_to_time(secs: u64) -> OffsetDateTime {
    let secs = i64::try_from(secs).expect("time out of range");
    OffsetDateTime::from_unix_timestamp(secs).expect("time out of range")
}

const OID_SKI: &[u64] = &[2, 5, 29, 14];
const OID_BASIC_CONSTRAINTS: &[u64] = &[2, 5, 29, 19];
const OID_AIA: &[u64] = &[1, 3, 6, 1, 5, 5, 7, 1, 1];
/// An OID under a private enterprise arc that no verifier knows.
const OID_PRIVATE_TEST: &[u64] = &[1, 3, 6, 1, 4, 1, 55555, 1];
/// DER of OBJECT IDENTIFIER 1.3.6.1.5.5.7.48.2 (id-ad-caIssuers).
const DER_OID_CA_ISSUERS: &[u8] = &[0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x02];

/// `BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER OPTIONAL }`
fn basic_constraints(ca: CaKind) -> Vec<u8> {
    let mut body = Vec::new();
    if ca.is_ca() {
        body.extend_from_slice(&[0x01, 0x01, 0xff]);
    }
    if let CaKind::PathLen(n) = ca {
        if n < 0x80 {
            body.extend_from_slice(&[0x02, 0x01, n]);
        } else {
            body.extend_from_slice(&[0x02, 0x02, 0x00, n]);
        }
    }
    der_tlv(0x30, &body)
}

/// `AuthorityInfoAccessSyntax ::= SEQUENCE OF AccessDescription`, each
/// `SEQUENCE { id-ad-caIssuers, [6] IMPLICIT IA5String url }`.
fn authority_info_access(urls: &[String]) -> Vec<u8> {
    let mut body = Vec::new();
    for url in urls {
        assert!(url.is_ascii(), "AIA URLs must be ASCII");
        let mut desc = DER_OID_CA_ISSUERS.to_vec();
        desc.extend(der_tlv(0x86, url.as_bytes()));
        body.extend(der_tlv(0x30, &desc));
    }
    der_tlv(0x30, &body)
}

/// One DER tag-length-value (contents up to 64 KiB).
fn der_tlv(tag: u8, contents: &[u8]) -> Vec<u8> {
    let len = contents.len();
    let mut out = vec![tag];
    if len < 0x80 {
        out.push(len as u8);
    } else if len <= 0xff {
        out.extend_from_slice(&[0x81, len as u8]);
    } else {
        let len = u16::try_from(len).expect("DER value too long");
        out.push(0x82);
        out.extend_from_slice(&len.to_be_bytes());
    }
    out.extend_from_slice(contents);
    out
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The fixed RSA-1024 public key of [`KeyType::Rsa1024`] leaves (its private
/// key was discarded: nothing is ever signed with it).
struct WeakRsa1024;

impl PublicKeyData for WeakRsa1024 {
    fn der_bytes(&self) -> &[u8] {
        RSA1024_PUBLIC_KEY
    }

    fn algorithm(&self) -> &'static SignatureAlgorithm {
        &rcgen::PKCS_RSA_SHA256
    }
}

/// `RSAPublicKey` (PKCS#1) DER: a 1024-bit modulus, exponent 65537.
const RSA1024_PUBLIC_KEY: &[u8] = &[
    0x30, 0x81, 0x89, 0x02, 0x81, 0x81, 0x00, 0xa9, 0x50, 0x1a, 0x8d, 0x1a, 0x7a, 0x7d, 0x94, 0xab,
    0xf2, 0x90, 0x0f, 0x8f, 0x5e, 0xcf, 0x3b, 0x39, 0x1d, 0x4e, 0x30, 0xc2, 0xdf, 0x8c, 0x98, 0x42,
    0xfe, 0x82, 0x84, 0xcc, 0xa3, 0x94, 0xf5, 0xa9, 0x68, 0x4e, 0xfd, 0x0a, 0x8d, 0x66, 0x2c, 0xe9,
    0xb8, 0xda, 0xb6, 0x03, 0x1e, 0x65, 0xa9, 0xf3, 0xb6, 0x6f, 0x34, 0x7f, 0x3c, 0x62, 0x2c, 0x5b,
    0x40, 0x81, 0x69, 0x70, 0x61, 0x48, 0x72, 0x59, 0x5c, 0xc4, 0x11, 0xb8, 0xa5, 0x23, 0xcf, 0xb8,
    0x4f, 0xf7, 0xec, 0xf6, 0x91, 0x3f, 0x81, 0xa8, 0x4b, 0xd5, 0xe4, 0xb1, 0xb3, 0x47, 0xe3, 0xc8,
    0xd4, 0x55, 0x12, 0x6f, 0x90, 0x21, 0xce, 0xf5, 0x1a, 0xb0, 0x1e, 0x9e, 0x5d, 0x73, 0xe6, 0xa5,
    0x6b, 0x1d, 0x96, 0x2e, 0xbe, 0xd4, 0x29, 0x8d, 0x86, 0x83, 0x6e, 0xa3, 0x34, 0x48, 0x54, 0x6f,
    0x94, 0x11, 0x62, 0x22, 0x03, 0x5c, 0xfd, 0x02, 0x03, 0x01, 0x00, 0x01,
];
