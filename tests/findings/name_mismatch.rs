//! `name-mismatch`: the URL host is not covered by the leaf's SANs.

use crate::scenario::*;
use certdeps::{Code, Evidence, San};

fn dns(name: &str) -> San {
    San::Dns(name.to_owned())
}

#[test]
fn lists_the_sans() {
    let report = name_mismatch().run();
    let f = assert_finding(
        &report,
        Code::NameMismatch,
        Some(0),
        &[
            &cn(HOST),
            "owa.contoso.test",
            HOST,
            "autodiscover.contoso.test",
        ],
        Who::Both,
    );
    assert!(
        !f.message().contains("subject CN"),
        "no CN note without a CN match: {f}"
    );
    assert_eq!(
        f.evidence,
        Evidence::Names {
            host: "owa.contoso.test".to_owned(),
            san: vec![dns(HOST), dns("autodiscover.contoso.test")],
            cn_only: false,
        }
    );
}

#[test]
fn notes_a_cn_only_match() {
    let report = name_mismatch_cn_only().run();
    let f = assert_finding(
        &report,
        Code::NameMismatch,
        Some(0),
        &[&cn(HOST), "www.contoso.test", "subject CN", "ignore"],
        Who::Both,
    );
    assert!(
        matches!(f.evidence, Evidence::Names { cn_only: true, .. }),
        "{f:?}"
    );
}

#[test]
fn no_san_at_all() {
    let report = name_mismatch_no_san().run();
    let f = assert_finding(
        &report,
        Code::NameMismatch,
        Some(0),
        &[&cn(HOST), "no subjectAltName"],
        Who::Both,
    );
    assert!(matches!(f.evidence, Evidence::Names { cn_only: true, ref san, .. } if san.is_empty()));
}

#[test]
fn ip_host_needs_an_ip_san() {
    let report = name_mismatch_ip().run();
    let f = assert_finding(
        &report,
        Code::NameMismatch,
        Some(0),
        &["192.0.2.10", HOST],
        Who::Both,
    );
    assert!(f.remediation().contains("iPAddress"), "{f}");
}

#[test]
fn wildcard_covers_one_label_only() {
    let report = name_mismatch_wildcard_depth().run();
    assert_finding(
        &report,
        Code::NameMismatch,
        Some(0),
        &["a.mail.contoso.test", "*.contoso.test"],
        Who::Both,
    );
}

#[test]
fn absent_when_a_san_covers_the_host() {
    for s in [
        healthy(),
        healthy_ip(),
        healthy_wildcard(),
        healthy_no_host(),
    ] {
        assert_no(&s.run(), Code::NameMismatch);
    }
}

#[test]
fn absent_when_the_leaf_is_a_ca() {
    // A CA served as the leaf has no SAN for the host, but that is not the problem to fix.
    assert_no(&ca_used_as_leaf().run(), Code::NameMismatch);
    assert_no(&leaf_not_first().run(), Code::NameMismatch);
}
