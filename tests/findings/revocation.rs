//! CRLs (`Verifier::with_crls`): `revoked`, `crl-unusable`, and the `revocation-unknown`
//! warning when the supplied CRLs do not cover a certificate on the path.

use crate::scenario::*;
use certdeps::{Code, Evidence};

#[test]
fn revoked_leaf_names_the_crl_issuer() {
    let report = revoked().run();
    let f = assert_finding(
        &report,
        Code::Revoked,
        Some(0),
        &[
            &cn(HOST),
            "serial 4242",
            "CRL [0]",
            &cn(INTER),
            "2026-05-27T00:00:00Z",
        ],
        Who::Server,
    );
    assert_eq!(
        f.evidence,
        Evidence::Crl {
            index: 0,
            issuer: Some(cn(INTER)),
            serial: Some("4242".to_owned()),
        }
    );
    #[cfg(feature = "json")]
    {
        let json = report.to_json();
        let evidence = &json["findings"][0]["evidence"];
        assert_eq!(evidence["kind"], "crl", "{json:#}");
        assert_eq!(evidence["index"], 0);
        assert_eq!(evidence["serial"], "4242");
    }
}

#[test]
fn revoked_intermediate_names_the_root_crl() {
    let report = revoked_intermediate().run();
    assert_finding(
        &report,
        Code::Revoked,
        Some(1),
        &[&cn(INTER), "CRL [1]", &cn(ROOT)],
        Who::Server,
    );
}

#[test]
fn crl_signed_by_another_key() {
    let report = crl_unusable().run();
    let f = assert_finding(
        &report,
        Code::CrlUnusable,
        Some(0),
        &[
            "CRL [0]",
            &cn(INTER),
            &cn(HOST),
            "signature does not verify",
        ],
        Who::Client,
    );
    assert!(
        matches!(f.evidence, Evidence::Crl { index: 0, .. }),
        "{f:?}"
    );
}

#[test]
fn crl_that_does_not_parse() {
    let report = crl_malformed().run();
    let f = assert_finding(
        &report,
        Code::CrlUnusable,
        None,
        &["CRL [0]", "does not parse"],
        Who::Client,
    );
    assert_eq!(
        f.evidence,
        Evidence::Crl {
            index: 0,
            issuer: None,
            serial: None
        }
    );
    // The verdict's own code is webpki's BadDer; certdeps does not blame a certificate.
    assert_no(&report, Code::MalformedCertificate);
}

#[test]
fn uncovered_leaf_is_a_warning_on_a_trusted_chain() {
    let report = revocation_unknown().run();
    assert!(report.is_trusted());
    let f = assert_finding(
        &report,
        Code::RevocationUnknown,
        Some(0),
        &[&cn(HOST), &cn(INTER), "unknown"],
        Who::Client,
    );
    assert_eq!(f.evidence, Evidence::Certificates { indices: vec![0] });
    // The intermediate is covered by the root's CRL.
    assert!(
        !report.findings().iter().any(|f| f.certificate == Some(1)),
        "{report}"
    );
}

#[test]
fn absent_without_crls_or_when_they_cover_the_path() {
    for s in [healthy(), healthy_crls()] {
        let report = s.run();
        for code in [Code::Revoked, Code::CrlUnusable, Code::RevocationUnknown] {
            assert_no(&report, code);
        }
    }
}
