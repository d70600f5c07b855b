//! `verifier-disagreement` and `rejected` are certdeps' own alarms: the first says its
//! stages contradict webpki (a certdeps bug), the second that webpki refused for a reason
//! certdeps has no code for (impossible with rustls-webpki 0.103.17, whose every error
//! variant is mapped). Neither may appear for any real server configuration; the unit tests
//! in `src/diagnose.rs` force both and check their content.

use crate::scenario::*;
use certdeps::Code;

#[test]
fn never_raised_by_any_scenario() {
    let scenarios = all();
    assert!(scenarios.len() > 60, "{} scenarios", scenarios.len());
    for s in scenarios {
        let report = s.report();
        for code in [Code::VerifierDisagreement, Code::Rejected] {
            assert!(!report.has(code), "{}: `{code}`:\n{report}", s.name);
        }
    }
}

#[test]
fn every_other_code_is_raised_by_some_scenario() {
    // The scenarios are the evidence that each code appears where it applies. A live
    // probe's handshake raises `no-common-cipher` and `protocol-version` (tests/probe.rs),
    // never an offline chain.
    let mut seen: Vec<Code> = all().iter().flat_map(|s| s.codes.clone()).collect();
    seen.sort();
    seen.dedup();
    let missing: Vec<Code> = Code::ALL
        .iter()
        .copied()
        .filter(|c| !seen.contains(c))
        .collect();
    // `certificate-changed` compares a chain with its snapshot, which no single check
    // has: tests/manifest.rs raises it.
    assert_eq!(
        missing,
        vec![
            Code::CertificateChanged,
            Code::NoCommonCipher,
            Code::ProtocolVersion,
            Code::Rejected,
            Code::VerifierDisagreement
        ]
    );
}
