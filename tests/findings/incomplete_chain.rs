//! `incomplete-chain`: the server omitted issuer(s) between what it sent and any anchor.

use crate::scenario::*;
use certdeps::{Actor, Code, Evidence, decode_certificates};

#[test]
fn names_the_missing_issuer_its_key_id_and_aia() {
    let s = incomplete_chain();
    let report = s.run();
    let f = assert_finding(
        &report,
        Code::IncompleteChain,
        Some(0),
        &[&cn(HOST), &cn(INTER), "did not send", AIA_URL],
        Who::Server,
    );
    assert!(f.remediation().contains(AIA_URL), "{f}");
    // The AIA URL is the evidence of a public-style intermediate: the server operator's fix
    // first, with that reason, and the private-root import only second.
    assert_eq!(f.actor(), Actor::ServerOperator);
    assert!(
        f.remediation()
            .starts_with("server operator: serve the full chain"),
        "{f}"
    );
    let reason = f
        .remediation()
        .find("carries an AIA caIssuers URL, as the certificates of publicly trusted CAs do")
        .expect("the reason");
    let second = f
        .remediation()
        .find("private root instead, client owner: import")
        .expect("the other fix, second");
    assert!(reason < second, "{f}");
    let Evidence::MissingIssuer {
        subject,
        key_id,
        ca_issuers,
        add,
        bundle,
    } = &f.evidence
    else {
        panic!("evidence: {:?}", f.evidence);
    };
    assert_eq!(subject, &cn(INTER));
    let key_id = key_id.as_deref().expect("the leaf has an AKI");
    assert_eq!(
        key_id.len(),
        40,
        "SHA-256 key id truncated to 20 bytes, hex"
    );
    assert!(f.message().contains(key_id), "{f}");
    assert_eq!(ca_issuers, &[AIA_URL.to_owned()]);
    assert!(add.is_empty() && bundle.is_none(), "no pool configured");
}

#[test]
fn pool_completes_it_with_the_exact_certificates() {
    let (s, inter) = incomplete_chain_pool();
    let report = s.run();
    let f = assert_finding(
        &report,
        Code::IncompleteChain,
        Some(0),
        &[
            &cn(HOST),
            &cn(INTER),
            "pool has it",
            "makes the chain trusted",
        ],
        Who::Server,
    );
    let Evidence::MissingIssuer { add, bundle, .. } = &f.evidence else {
        panic!("evidence: {:?}", f.evidence);
    };
    assert_eq!(
        add,
        &[sha256_hex(&inter)],
        "exactly the missing intermediate"
    );
    assert!(f.remediation().contains(&add[0]), "{f}");
    // The pool proved the issuer is an intermediate: no private-root hedge.
    assert_eq!(f.actor(), Actor::ServerOperator);
    assert!(
        !f.remediation().contains("client owner") && !f.remediation().contains("private root"),
        "{f}"
    );
    let bundle = bundle.as_deref().expect("a bundle to append");
    assert_eq!(bundle, test_pki::pem_bundle(&[&inter]));
    // The path shown runs through the pool to the anchor.
    let path = report.path();
    assert_eq!(path.len(), 3, "{report}");
    assert_eq!(path[1].source, certdeps::PathSource::Pool);
    assert_eq!(path[2].source, certdeps::PathSource::Anchor);
    // The fix works: the server adds the bundle and a strict client trusts it.
    let mut fixed = s.clone();
    fixed.name = "incomplete-chain-pool-fixed";
    fixed
        .presented
        .extend(decode_certificates(bundle.as_bytes()).unwrap());
    fixed.trusted = true;
    fixed.codes = Vec::new();
    fixed.run();
}

#[test]
fn pool_without_the_issuer_says_so() {
    let report = incomplete_chain_pool_misses().run();
    let f = assert_finding(
        &report,
        Code::IncompleteChain,
        Some(0),
        &[&cn(INTER), "pool does not have it"],
        Who::Server,
    );
    let Evidence::MissingIssuer { add, bundle, .. } = &f.evidence else {
        panic!("evidence: {:?}", f.evidence);
    };
    assert!(add.is_empty() && bundle.is_none());
    assert!(
        f.remediation().contains("ask the issuing CA"),
        "no AIA: {f}"
    );
}

#[test]
fn gap_higher_up_names_the_intermediate_whose_issuer_is_missing() {
    let report = incomplete_chain_deep().run();
    assert_finding(
        &report,
        Code::IncompleteChain,
        Some(1),
        &[&cn(INTER), "Contoso Policy CA"],
        Who::Server,
    );
}

#[test]
fn wrong_intermediate_is_missing_issuer_plus_extra() {
    let report = incomplete_chain_wrong_intermediate().run();
    assert_finding(
        &report,
        Code::IncompleteChain,
        Some(0),
        &[&cn(HOST), &cn(INTER)],
        Who::Server,
    );
    assert_finding(
        &report,
        Code::ExtraCertificates,
        Some(1),
        &["Fabrikam Issuing CA"],
        Who::Server,
    );
}

/// Leaf and intermediate sent (RFC 8446 lets the server omit the root), no AIA URL, and a
/// root name no store holds: the client owner's import comes first, with the reason, and
/// serving it is only the second choice.
#[test]
fn private_root_not_sent_tells_the_client_owner_to_import_it_first() {
    let report = incomplete_chain_private_root().run();
    let f = assert_finding(
        &report,
        Code::IncompleteChain,
        Some(1),
        &[&cn(INTER), &cn(ROOT)],
        Who::Both,
    );
    assert_eq!(f.actor(), Actor::ClientOwner);
    let import = format!(
        "client owner: import \"{}\" into the client's trust store",
        cn(ROOT)
    );
    assert!(f.remediation().starts_with(&import), "{f}");
    for reason in [
        "carries no AIA caIssuers URL",
        "is named as a root that no configured trust store holds",
        "most likely the organisation's private root",
    ] {
        assert!(f.remediation().contains(reason), "{reason:?}: {f}");
    }
    assert!(
        f.remediation()
            .contains("If it is an intermediate instead, server operator: serve the full chain"),
        "{f}"
    );
}

#[test]
fn self_issued_leaf_named_like_its_ca_is_a_missing_issuer_not_self_signed() {
    let report = self_issued_leaf().run();
    assert_finding(
        &report,
        Code::IncompleteChain,
        Some(0),
        &[&cn(HOST)],
        Who::Server,
    );
    assert_no(&report, Code::SelfSigned);
}

#[test]
fn expired_leaf_without_its_intermediate_reports_both() {
    let report = expired_and_incomplete().run();
    assert_finding(&report, Code::Expired, Some(0), &[&cn(HOST)], Who::Server);
    assert_finding(
        &report,
        Code::IncompleteChain,
        Some(0),
        &[&cn(INTER)],
        Who::Server,
    );
}

#[test]
fn absent_from_complete_chains() {
    for s in [
        healthy(),
        healthy_pool_unused(),
        healthy_path_len(),
        anchor_included(),
    ] {
        let report = s.run();
        assert_no(&report, Code::IncompleteChain);
    }
}

/// Two same-name CAs that certify each other, neither under a trusted root (x509-limbo's
/// `pathological::intermediate-cycle-same-logical-ca`): the issuer the last certificate names
/// was sent and is already on the path, so the finding says the chain loops, not that the
/// issuer was not sent.
#[test]
fn a_loop_of_same_name_cas_is_not_called_unsent() {
    let a = test_pki::Ca::root(INTER);
    let b = test_pki::Ca::root(INTER);
    // [1]: b's key, certified by a; [2]: a's key, certified by b. The leaf's AKI picks [2],
    // whose issuer is [1], whose issuer is [2] again.
    let presented = vec![a.leaf(&[HOST]), a.cross_sign(&b), b.cross_sign(&a)];
    let s = Scenario::new("incomplete-chain-loop", presented, vec![other_root()])
        .untrusted(&[Code::IncompleteChain, Code::ChainOutOfOrder]);
    let report = s.run();
    let f = assert_finding(
        &report,
        Code::IncompleteChain,
        Some(1),
        &[&cn(INTER), "[2]", "already on this path", "loops"],
        Who::Server,
    );
    assert!(!f.message().contains("did not send"), "{f}");
    assert!(f.remediation().contains("only certify each other"), "{f}");
}
