//! `self-signed`: the leaf is self-signed and not itself trusted.

use crate::scenario::*;
use certdeps::{Code, Evidence};

#[test]
fn self_signed_leaf_names_itself_and_its_fingerprint() {
    let s = self_signed();
    let report = s.run();
    let f = assert_finding(
        &report,
        Code::SelfSigned,
        Some(0),
        &[&cn(HOST), "self-signed"],
        Who::Both,
    );
    let sha = sha256_hex(&s.presented[0]);
    assert!(f.remediation().contains(&sha), "pin by fingerprint: {f}");
    assert_eq!(
        f.evidence,
        Evidence::Root {
            subject: cn(HOST),
            sha256: sha
        }
    );
    assert_no(&report, Code::UntrustedRoot);
    assert_no(&report, Code::IncompleteChain);
}

#[test]
fn absent_when_the_self_signed_leaf_is_trusted() {
    let report = healthy_self_signed_trusted().run();
    assert_no(&report, Code::SelfSigned);
}

#[test]
fn absent_for_a_self_issued_leaf_of_another_key() {
    // Same subject and issuer name, but the AKI names another key: someone else issued it.
    let report = self_issued_leaf().run();
    assert_no(&report, Code::SelfSigned);
}

#[test]
fn absent_for_a_root_served_as_the_leaf() {
    // A CA certificate is not a self-signed *leaf*: `ca-used-as-leaf` says what is wrong.
    let report = ca_used_as_leaf_root().run();
    assert_no(&report, Code::SelfSigned);
}

#[test]
fn absent_from_a_healthy_chain() {
    assert_no(&healthy().run(), Code::SelfSigned);
}
