//! `wrong-purpose`: an extended key usage on the path excludes TLS server authentication.

use crate::scenario::*;
use certdeps::Code;

#[test]
fn client_auth_leaf() {
    let report = wrong_purpose().run();
    assert_finding(
        &report,
        Code::WrongPurpose,
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
