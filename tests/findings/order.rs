//! Order: `leaf-not-first` (a CA first, the leaf later), `ca-used-as-leaf` (a CA and no
//! leaf at all) and `chain-out-of-order` (issuers not leaf-to-root).

use crate::scenario::*;
use certdeps::{Code, Evidence};

#[test]
fn ca_first_leaf_later() {
    let report = leaf_not_first().run();
    let f = assert_finding(
        &report,
        Code::LeafNotFirst,
        Some(0),
        &[&cn(INTER), &cn(HOST), "certificate [1]"],
        Who::Server,
    );
    assert!(f.remediation().contains("RFC 8446"), "{f}");
    assert_eq!(
        f.evidence,
        Evidence::Certificates {
            indices: vec![0, 1]
        }
    );
    // One cause, one error: not also "ca-used-as-leaf", "name-mismatch", "extra".
    assert_eq!(report.codes(), vec![Code::LeafNotFirst], "{report}");
}

#[test]
fn ca_alone() {
    let report = ca_used_as_leaf().run();
    assert_finding(
        &report,
        Code::CaUsedAsLeaf,
        Some(0),
        &[&cn(INTER), "CA certificate"],
        Who::Server,
    );
    assert_no(&report, Code::LeafNotFirst);
    let report = ca_used_as_leaf_root().run();
    assert_finding(
        &report,
        Code::CaUsedAsLeaf,
        Some(0),
        &[&cn(ROOT)],
        Who::Server,
    );
}

#[test]
fn issuers_out_of_order() {
    let report = chain_out_of_order().run();
    assert!(report.is_trusted());
    let f = assert_finding(
        &report,
        Code::ChainOutOfOrder,
        Some(1),
        &["[0] -> [2] -> [1]"],
        Who::Server,
    );
    assert_eq!(
        f.evidence,
        Evidence::Certificates {
            indices: vec![0, 2, 1]
        }
    );
}

#[test]
fn absent_when_ordered() {
    for s in [healthy(), healthy_path_len(), healthy_six_intermediates()] {
        let report = s.run();
        for code in [
            Code::LeafNotFirst,
            Code::CaUsedAsLeaf,
            Code::ChainOutOfOrder,
        ] {
            assert_no(&report, code);
        }
    }
}
