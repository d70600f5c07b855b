//! What a server sends but need not: `extra-certificates`, `anchor-included`,
//! `duplicate-certificate` (all info: they never change the verdict).

use crate::scenario::*;
use certdeps::{Code, Evidence};

#[test]
fn unrelated_certificate() {
    let report = extra_certificates().run();
    let f = assert_finding(
        &report,
        Code::ExtraCertificates,
        Some(2),
        &["Fabrikam Issuing CA", &cn(HOST)],
        Who::Server,
    );
    assert_eq!(f.evidence, Evidence::Certificates { indices: vec![2] });
}

#[test]
fn root_sent_along() {
    let report = anchor_included().run();
    assert_finding(
        &report,
        Code::AnchorIncluded,
        Some(2),
        &[&cn(ROOT), "trust anchor"],
        Who::Server,
    );
    assert_no(&report, Code::ExtraCertificates);
}

#[test]
fn same_certificate_twice() {
    let report = duplicate_certificate().run();
    let f = assert_finding(
        &report,
        Code::DuplicateCertificate,
        Some(2),
        &[&cn(INTER), "position 1"],
        Who::Server,
    );
    assert_eq!(
        f.evidence,
        Evidence::Certificates {
            indices: vec![1, 2]
        }
    );
    assert_no(&report, Code::ExtraCertificates);
}

#[test]
fn current_cross_sign_of_the_anchor_is_not_extra() {
    let report = healthy_anchor_cross_sign().run();
    assert_no(&report, Code::ExtraCertificates);
    assert_no(&report, Code::AnchorIncluded);
}

#[test]
fn not_judged_on_a_chain_cut_short() {
    // Assembly stopped at its budget: the rest is not "extra", it was never reached.
    assert_no(&budget_exceeded_assembly().run(), Code::ExtraCertificates);
}

#[test]
fn absent_from_a_minimal_chain() {
    let report = healthy().run();
    for code in [
        Code::ExtraCertificates,
        Code::AnchorIncluded,
        Code::DuplicateCertificate,
    ] {
        assert_no(&report, code);
    }
}
