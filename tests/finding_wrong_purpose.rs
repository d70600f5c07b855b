//! `wrong-purpose`: an extended key usage on the path excludes TLS server authentication.

// Test helpers outside `#[test]` functions: a failed setup should panic.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use certdeps::{Code, Severity};
use common::scenario::*;

#[test]
fn client_auth_leaf() {
    let report = wrong_purpose().run();
    assert_finding(
        &report,
        Code::WrongPurpose,
        Severity::Error,
        Some(0),
        &[&cn(HOST), "clientAuth", "serverAuth"],
        Who::Server,
    );
}

#[test]
fn client_auth_intermediate() {
    let report = wrong_purpose_intermediate().run();
    let f = assert_finding(
        &report,
        Code::WrongPurpose,
        Severity::Error,
        Some(1),
        &[&cn(INTER), "clientAuth"],
        Who::Server,
    );
    assert!(f.remediation().contains("intermediate"), "{f}");
}

#[test]
fn absent_when_server_auth_is_allowed() {
    // serverAuth among others; no EKU at all on the CAs (any purpose).
    assert_no(&healthy_multi_eku().run(), Code::WrongPurpose);
    assert_no(&healthy().run(), Code::WrongPurpose);
}
