//! What cannot be read: `no-certificates` and `malformed-certificate`.

use crate::scenario::*;
use certdeps::Code;

#[test]
fn nothing_presented() {
    let report = no_certificates().run();
    assert_finding(
        &report,
        Code::NoCertificates,
        None,
        &["no certificate"],
        Who::Server,
    );
    assert_eq!(report.findings().len(), 1, "{report}");
}

#[test]
fn unparsable_leaf() {
    let s = malformed_leaf();
    let report = s.run();
    assert_finding(
        &report,
        Code::MalformedCertificate,
        Some(0),
        &[
            "leaf [0]",
            &sha256_of_bytes(&s.presented[0]),
            "does not parse",
        ],
        Who::Server,
    );
}

#[test]
fn unparsable_intermediate_and_the_gap_it_leaves() {
    let report = malformed_intermediate().run();
    assert_finding(
        &report,
        Code::MalformedCertificate,
        Some(1),
        &["certificate [1]", "does not parse"],
        Who::Server,
    );
    assert_finding(
        &report,
        Code::IncompleteChain,
        Some(0),
        &[&cn(HOST), &cn(INTER)],
        Who::Server,
    );
    let malformed = report
        .findings()
        .iter()
        .filter(|f| f.code == Code::MalformedCertificate)
        .count();
    assert_eq!(malformed, 1, "one finding per bad certificate:\n{report}");
}

#[test]
fn unparsable_extra_on_a_trusted_chain_is_only_an_extra() {
    let report = malformed_extra().run();
    assert_no(&report, Code::MalformedCertificate);
    assert_finding(
        &report,
        Code::ExtraCertificates,
        Some(1),
        &["certificate [1] (does not parse)"],
        Who::Server,
    );
}

#[test]
fn critical_extension_webpki_does_not_support() {
    let report = malformed_critical_extension().run();
    let f = assert_finding(
        &report,
        Code::MalformedCertificate,
        Some(0),
        &[&cn(HOST), "critical extension"],
        Who::Server,
    );
    assert!(f.message().contains("UnsupportedCriticalExtension"), "{f}");
}

#[test]
fn absent_from_a_healthy_chain() {
    let report = healthy().run();
    assert_no(&report, Code::MalformedCertificate);
    assert_no(&report, Code::NoCertificates);
}

/// SHA-256 of arbitrary bytes, via a report (the bytes do not parse as a certificate).
fn sha256_of_bytes(der: &certdeps::CertificateDer<'_>) -> String {
    let report = malformed_leaf()
        .verifier()
        .check_chain(std::slice::from_ref(der), test_pki::now());
    let json = report.to_json();
    json["presented"][0]["sha256"].as_str().unwrap().to_owned()
}
