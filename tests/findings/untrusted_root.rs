//! `untrusted-root`: the path ends in a root that no configured store trusts.

use crate::scenario::*;
use certdeps::{Actor, Code, Evidence};

#[test]
fn names_the_root_and_its_fingerprint_for_the_client_owner() {
    let s = untrusted_root();
    let report = s.run();
    let f = assert_finding(
        &report,
        Code::UntrustedRoot,
        Some(2),
        &[&cn(ROOT), "custom"],
        Who::Client,
    );
    let sha = sha256_hex(&s.presented[2]);
    assert!(f.remediation().contains(&sha), "{f}");
    assert!(
        f.remediation().contains("server operator"),
        "alternative: {f}"
    );
    assert_eq!(
        f.evidence,
        Evidence::Root {
            subject: cn(ROOT),
            sha256: sha
        }
    );
}

#[test]
fn root_found_in_the_pool_is_named_too() {
    let s = untrusted_root_via_pool();
    let report = s.run();
    let f = assert_finding(
        &report,
        Code::UntrustedRoot,
        None,
        &[&cn(ROOT), "pool"],
        Who::Client,
    );
    assert_eq!(
        f.evidence,
        Evidence::Root {
            subject: cn(ROOT),
            sha256: sha256_hex(&s.pool[1])
        }
    );
    assert_finding(
        &report,
        Code::IncompleteChain,
        Some(0),
        &[&cn(INTER), "lead to a root no store trusts"],
        Who::Server,
    );
}

/// The server sends leaf and intermediate, as RFC 8446 allows, and the pool holds the root:
/// that settles it is a root, so the finding is the client owner's import, not a gap the
/// server must fill.
#[test]
fn root_the_pool_supplies_is_the_client_owners_to_import() {
    let s = untrusted_root_in_pool();
    let report = s.run();
    let sha = sha256_hex(&s.pool[0]);
    let f = assert_finding(
        &report,
        Code::UntrustedRoot,
        None,
        &[&cn(ROOT), "pool", "self-signed root", &sha],
        Who::Client,
    );
    assert_eq!(f.actor(), Actor::ClientOwner);
    assert!(
        f.remediation().starts_with(&format!(
            "client owner: if \"{}\" is a private root meant to be trusted, compare its \
             SHA-256 fingerprint {sha}",
            cn(ROOT)
        )),
        "{f}"
    );
    assert_eq!(
        f.evidence,
        Evidence::Root {
            subject: cn(ROOT),
            sha256: sha
        }
    );
    assert_no(&report, Code::IncompleteChain);
}

#[test]
fn absent_when_the_root_is_trusted() {
    // The same shape of chain, root included, against a store that holds the root.
    let report = anchor_included().run();
    assert_no(&report, Code::UntrustedRoot);
    assert_no(&healthy().run(), Code::UntrustedRoot);
}

#[test]
fn absent_when_the_root_is_not_sent() {
    // Without the root, the gap is what the report names (with the private-root advice).
    let report = incomplete_chain_private_root().run();
    assert_no(&report, Code::UntrustedRoot);
}
