//! Time: `expired` / `not-yet-valid` (errors, which certificate on the path),
//! `expires-soon` (warning) and `expired-in-chain` (an expired extra, not needed).

use std::time::Duration;

use crate::scenario::*;
use certdeps::{Code, Evidence, TrustStore, Verifier};
use test_pki::{DAY, NOW, now};

#[test]
fn expired_leaf() {
    let report = expired().run();
    let f = assert_finding(
        &report,
        Code::Expired,
        Some(0),
        &[
            &cn(HOST),
            "expired at 2026-05-29T00:00:00Z",
            "3 days ago",
            "2026-06-01T00:00:00Z",
        ],
        Who::Server,
    );
    assert!(f.remediation().contains("clock"), "{f}");
    let Evidence::Validity {
        not_after, at: t, ..
    } = f.evidence
    else {
        panic!("{:?}", f.evidence);
    };
    assert_eq!(not_after, at(NOW - 3 * DAY));
    assert_eq!(t, now());
}

#[test]
fn expired_intermediate_is_the_one_named() {
    let report = expired_intermediate().run();
    assert_finding(
        &report,
        Code::Expired,
        Some(1),
        &[&cn(INTER), "expired at 2026-05-31T00:00:00Z"],
        Who::Server,
    );
    assert!(
        report.findings().iter().all(|f| f.certificate != Some(0)),
        "the leaf is fine:\n{report}"
    );
}

#[test]
fn not_yet_valid_leaf() {
    let report = not_yet_valid().run();
    assert_finding(
        &report,
        Code::NotYetValid,
        Some(0),
        &[
            &cn(HOST),
            "not valid until 2026-06-03T00:00:00Z",
            "in 2 days",
        ],
        Who::Server,
    );
    assert_no(&report, Code::Expired);
}

#[test]
fn not_after_is_inclusive() {
    // RFC 5280 section 4.1.2.5: valid through notAfter; webpki agrees (the scenario checks).
    let report = expires_at_now().run();
    assert_no(&report, Code::Expired);
    assert_finding(
        &report,
        Code::ExpiresSoon,
        Some(0),
        &[&cn(HOST)],
        Who::Server,
    );
    let report = expired_one_second().run();
    assert_finding(&report, Code::Expired, Some(0), &[&cn(HOST)], Who::Server);
}

#[test]
fn expires_soon_leaf_and_intermediate() {
    let report = expires_soon().run();
    let f = assert_finding(
        &report,
        Code::ExpiresSoon,
        Some(0),
        &[&cn(HOST), "2026-06-11T00:00:00Z", "in 10 days"],
        Who::Server,
    );
    assert!(f.remediation().contains("renew"), "{f}");
    let report = expires_soon_intermediate().run();
    assert_finding(
        &report,
        Code::ExpiresSoon,
        Some(1),
        &[&cn(INTER), "in 5 days"],
        Who::Server,
    );
}

#[test]
fn expires_soon_follows_the_horizon() {
    // 31 days left: outside the default 30-day horizon, inside a 60-day one.
    let s = healthy_renewal_margin();
    assert_no(&s.run(), Code::ExpiresSoon);
    let store = TrustStore::from_certificates("custom", s.roots.clone()).unwrap();
    let verifier = Verifier::builder(store)
        .with_expiry_horizon(Duration::from_secs(60 * DAY))
        .build()
        .unwrap();
    let report = match s.endpoint() {
        Some(e) => verifier.check(&e, &s.presented, s.at),
        None => verifier.check_chain(&s.presented, s.at),
    };
    assert!(report.is_trusted());
    assert_finding(
        &report,
        Code::ExpiresSoon,
        Some(0),
        &["in 31 days"],
        Who::Server,
    );
}

#[test]
fn expired_cross_sign_not_needed_is_a_warning() {
    let report = expired_in_chain().run();
    assert!(report.is_trusted());
    let f = assert_finding(
        &report,
        Code::ExpiredInChain,
        Some(2),
        &[&cn(ROOT), "Contoso Legacy Root", "not needed"],
        Who::Server,
    );
    assert!(f.remediation().contains("remove"), "{f}");
    assert_no(&report, Code::Expired);
    assert_no(&report, Code::AnchorIncluded);
}

#[test]
fn expired_certificate_on_the_path_is_not_expired_in_chain() {
    assert_no(&expired_intermediate().run(), Code::ExpiredInChain);
    assert_no(&expired().run(), Code::ExpiredInChain);
}

#[test]
fn absent_from_a_healthy_chain() {
    let report = healthy().run();
    for code in [
        Code::Expired,
        Code::NotYetValid,
        Code::ExpiresSoon,
        Code::ExpiredInChain,
    ] {
        assert_no(&report, code);
    }
    // A current cross-sign of the root is not an expired extra either.
    assert_no(&healthy_anchor_cross_sign().run(), Code::ExpiredInChain);
}
