//! `bad-signature`: a signature on the path does not verify; the report names which one.

use crate::scenario::*;
use certdeps::{Code, Evidence};

#[test]
fn forged_leaf_is_the_one_named() {
    let report = bad_signature().run();
    let f = assert_finding(
        &report,
        Code::BadSignature,
        Some(0),
        &[&cn(HOST), &cn(INTER), "does not verify"],
        Who::Server,
    );
    assert_eq!(
        f.evidence,
        Evidence::Certificates {
            indices: vec![0, 1]
        }
    );
}

#[test]
fn outdated_intermediate_with_the_same_name() {
    let report = bad_signature_outdated_intermediate().run();
    let f = assert_finding(
        &report,
        Code::BadSignature,
        Some(0),
        &[&cn(HOST), &cn(INTER), "another key with the same name"],
        Who::Server,
    );
    assert!(f.remediation().contains("current one"), "{f}");
    assert_no(&report, Code::IncompleteChain);
}

#[test]
fn rekeyed_root_names_the_top_intermediate_and_the_anchor() {
    let s = bad_signature_rekeyed_root();
    let report = s.run();
    let f = assert_finding(
        &report,
        Code::BadSignature,
        Some(1),
        &[
            &cn(INTER),
            &cn(ROOT),
            "trust anchor",
            &sha256_hex(&s.roots[0]),
        ],
        Who::Both,
    );
    assert_eq!(f.evidence, Evidence::Certificates { indices: vec![1] });
}

#[test]
fn absent_from_a_healthy_chain() {
    assert_no(&healthy().run(), Code::BadSignature);
    assert_no(&healthy_path_len().run(), Code::BadSignature);
}
