//! `unsupported-algorithm`: a signature or key algorithm strict clients refuse, including
//! the leaf key webpki accepts but rustls cannot use at the handshake (certdeps is stricter
//! than raw webpki there, as ARCHITECTURE.md's invariants document).

use crate::scenario::*;
use certdeps::{Code, Evidence, PublicKey};

#[test]
fn rsa_1024_leaf_key() {
    let s = unsupported_leaf_key();
    assert!(s.raw_webpki().is_ok(), "raw webpki accepts the chain");
    let report = s.run();
    let f = assert_finding(
        &report,
        Code::UnsupportedAlgorithm,
        Some(0),
        &[&cn(HOST), "an RSA 1024 key", "handshake"],
        Who::Server,
    );
    assert_eq!(
        f.evidence,
        Evidence::Key {
            key: PublicKey::Rsa {
                bits: 1024,
                pss: false
            }
        }
    );
    let rejection = report.verdict().rejection().unwrap();
    assert_eq!(rejection.code, Code::UnsupportedAlgorithm);
    assert!(rejection.leaf_key.is_some());
}

#[test]
fn sha512_ecdsa_signature_names_the_signed_certificate() {
    let report = unsupported_signature().run();
    assert_finding(
        &report,
        Code::UnsupportedAlgorithm,
        Some(0),
        &[&cn(HOST), "ecdsa-with-SHA512", &cn(INTER)],
        Who::Server,
    );
}

#[test]
fn absent_for_the_algorithms_rustls_accepts() {
    for s in healthy_key_types() {
        assert_no(&s.run(), Code::UnsupportedAlgorithm);
    }
    assert_no(&healthy().run(), Code::UnsupportedAlgorithm);
}
