//! The assertions a service's tests call: each passes on what it promises and panics with
//! the expected words otherwise.

use std::time::Duration;

use certdeps::Code;
use test_pki::{DAY, now};

use crate::scenario::*;

const MONTH: Duration = Duration::from_secs(30 * DAY);

/// The scenario's verifier, endpoint and chain, asserted trusted for `ahead`.
fn trusted_for(s: &Scenario, ahead: Duration) -> certdeps::Report {
    let endpoint = s.endpoint().unwrap();
    s.verifier()
        .assert_trusted_for(&endpoint, &s.presented, s.at, ahead)
}

#[test]
fn trusted_for_a_month_passes_on_a_leaf_valid_for_longer() {
    let report = trusted_for(&healthy_renewal_margin(), MONTH);
    assert!(report.is_trusted());
    assert_eq!(report.at(), now());
}

#[test]
#[should_panic(
    expected = "endpoint is trusted at 2026-06-01T00:00:00Z but will not be at 2026-07-01T00:00:00Z:\n  - certificate [0] CN=mail.contoso.test will have expired by 2026-07-01T00:00:00Z (valid until 2026-06-11T00:00:00Z)"
)]
fn trusted_for_a_month_fails_on_a_leaf_that_expires_first() {
    trusted_for(&expires_soon(), MONTH);
}

#[test]
#[should_panic(
    expected = "will have expired by 2026-07-01T00:00:00Z (valid until 2026-06-06T00:00:00Z)"
)]
fn trusted_for_looks_at_the_intermediate_too() {
    trusted_for(&expires_soon_intermediate(), MONTH);
}

#[test]
#[should_panic(expected = "endpoint is not trusted by a strict TLS client")]
fn trusted_for_fails_at_once_on_an_untrusted_endpoint() {
    trusted_for(&expired(), MONTH);
}

#[test]
fn no_warnings_passes_a_clean_report_and_infos() {
    healthy().run().assert_no_warnings();
    anchor_included().run().assert_no_warnings();
}

#[test]
#[should_panic(expected = "expected no warning or error, got [ExpiresSoon]")]
fn no_warnings_fails_on_a_trusted_report_that_expires_soon() {
    let report = expires_soon().run();
    report.assert_trusted();
    report.assert_no_warnings();
}

#[test]
fn no_finding_passes_without_that_code() {
    expires_soon()
        .run()
        .assert_no_finding(Code::IncompleteChain);
}

#[test]
#[should_panic(
    expected = "expected no `expires-soon` finding, got one:\nendpoint: mail.contoso.test"
)]
fn no_finding_fails_with_that_code() {
    expires_soon().run().assert_no_finding(Code::ExpiresSoon);
}

#[test]
fn the_summary_is_one_line_with_endpoint_verdict_and_codes() {
    assert_eq!(healthy().run().summary(), "mail.contoso.test: TRUSTED");
    assert_eq!(
        expires_soon().run().summary(),
        "mail.contoso.test: TRUSTED (expires-soon)"
    );
    assert_eq!(
        anchor_included()
            .host("https://mail.contoso.test/EWS")
            .run()
            .summary(),
        "https://mail.contoso.test/EWS: TRUSTED (anchor-included)"
    );
    assert_eq!(
        incomplete_chain().run().summary(),
        "mail.contoso.test: NOT TRUSTED (incomplete-chain)"
    );
    assert_eq!(
        healthy_no_host().run().summary(),
        "(chain, no host): TRUSTED"
    );
}
