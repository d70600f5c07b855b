//! What a report hands a service team beyond its findings: the complete chain file to serve
//! when the pool completes the chain, the root to import when the path ends in a private
//! one, and each store's own verdict when a verifier has several.

use certdeps::{Code, Endpoint, Pool, Report, StoreKind, TrustStore, Verifier};
use test_pki::{Ca, now};

use crate::scenario::*;

/// A private PKI with two intermediates: root -> "Contoso Policy CA" -> "Contoso Issuing CA".
pub(crate) struct TwoIntermediates {
    pub(crate) root: Ca,
    pub(crate) policy: Ca,
    pub(crate) issuing: Ca,
}

impl TwoIntermediates {
    pub(crate) fn new() -> Self {
        let root = Ca::root("Contoso Root CA");
        let policy = root.intermediate("Contoso Policy CA");
        let issuing = policy.intermediate("Contoso Issuing CA");
        Self {
            root,
            policy,
            issuing,
        }
    }

    /// A verifier trusting the root, with a pool holding both intermediates (the issuing CA
    /// first and twice: the fixed chain must not follow the pool's order or repeat).
    pub(crate) fn verifier(&self) -> Verifier {
        let mut pool = Pool::new();
        pool.extend([
            self.issuing.der().clone(),
            self.policy.der().clone(),
            self.issuing.der().clone(),
        ]);
        Verifier::builder(self.store())
            .with_intermediates(pool)
            .build()
            .unwrap()
    }

    pub(crate) fn store(&self) -> TrustStore {
        TrustStore::from_certificates("custom", [self.root.der().clone()]).unwrap()
    }
}

#[test]
fn the_fixed_chain_is_the_leaf_then_both_intermediates_in_order() {
    let pki = TwoIntermediates::new();
    let leaf = pki.issuing.leaf(&[HOST]);
    let endpoint = Endpoint::parse(HOST).unwrap();
    let report = pki
        .verifier()
        .check(&endpoint, std::slice::from_ref(&leaf), now());
    assert!(report.has(Code::IncompleteChain), "{report}");
    let chain = report.fixed_chain().expect("the pool completes the chain");
    assert_eq!(
        chain.certificates(),
        [leaf, pki.issuing.der().clone(), pki.policy.der().clone()]
    );
    assert_eq!(
        certdeps::decode_certificates(chain.to_pem().as_bytes()).unwrap(),
        chain.certificates()
    );
    assert_eq!(report.to_json()["fixed_chain"], chain.to_pem());
    let text = report.to_string();
    assert!(
        text.contains("fixed chain: the complete file to serve (3 certificates, leaf first):"),
        "{text}"
    );
    assert!(text.ends_with(&chain.to_pem()), "{text}");
    // Served as it is, a strict client with no pool trusts it.
    let client = Verifier::builder(pki.store()).build().unwrap();
    client
        .check(&endpoint, chain.certificates(), now())
        .assert_trusted();
}

#[test]
fn a_presented_root_and_extras_stay_out_of_the_fixed_chain() {
    let pki = TwoIntermediates::new();
    let leaf = pki.issuing.leaf(&[HOST]);
    let presented = [leaf.clone(), other_root(), pki.root.der().clone()];
    let report = pki.verifier().check_chain(&presented, now());
    let chain = report.fixed_chain().expect("the pool completes the chain");
    assert_eq!(
        chain.certificates(),
        [leaf, pki.issuing.der().clone(), pki.policy.der().clone()]
    );
}

#[test]
fn nothing_to_fix_gives_no_fixed_chain() {
    for report in [
        healthy().run(),
        incomplete_chain().run(),
        incomplete_chain_pool_misses().run(),
        untrusted_root_via_pool().run(),
        name_mismatch().run(),
    ] {
        assert_eq!(report.fixed_chain(), None, "{report}");
        assert!(report.to_json()["fixed_chain"].is_null());
        assert!(!report.to_string().contains("fixed chain"));
    }
}

#[track_caller]
fn imports(report: &Report, root: &Ca) {
    let import = report.root_to_import().expect("a known private root");
    assert_eq!(import.certificate, *root.der());
    assert_eq!(import.subject, cn(root.subject_cn()));
    assert_eq!(import.sha256, sha256_hex(root.der()));
    assert_eq!(import.to_pem(), root.pem());
    let json = &report.to_json()["root_to_import"];
    assert_eq!(json["subject"], import.subject);
    assert_eq!(json["sha256"], import.sha256);
    assert_eq!(json["pem"], root.pem());
    assert!(report.to_string().contains(&format!(
        "root to import, once its fingerprint is confirmed: {} (sha256 {})",
        import.subject, import.sha256
    )));
}

#[test]
fn a_presented_private_root_is_the_root_to_import() {
    let pki = Pki::new();
    let presented = vec![pki.leaf(), pki.inter.der().clone(), pki.root.der().clone()];
    let s = Scenario::new("presented-private-root", presented, vec![other_root()])
        .untrusted(&[Code::UntrustedRoot]);
    imports(&s.run(), &pki.root);
}

#[test]
fn a_pooled_private_root_is_the_root_to_import() {
    let pki = Pki::new();
    let s = Scenario::new("pooled-private-root", vec![pki.leaf()], vec![other_root()])
        .pool(vec![pki.inter.der().clone(), pki.root.der().clone()])
        .untrusted(&[Code::IncompleteChain, Code::UntrustedRoot]);
    imports(&s.run(), &pki.root);
}

#[test]
fn an_unknown_or_trusted_root_is_not_offered() {
    for report in [
        healthy().run(),
        self_signed().run(),
        incomplete_chain_private_root().run(),
    ] {
        assert_eq!(report.root_to_import(), None, "{report}");
        assert!(report.to_json()["root_to_import"].is_null());
    }
}

/// A chain to a private root, checked against the Mozilla roots and a store holding that
/// root.
pub(crate) fn two_stores() -> Report {
    let pki = Pki::new();
    let verifier = Verifier::builder(TrustStore::mozilla())
        .with_store(TrustStore::from_certificates("contoso", pki.roots()).unwrap())
        .build()
        .unwrap();
    let endpoint = Endpoint::parse(HOST).unwrap();
    verifier.check(&endpoint, &pki.served(pki.leaf()), now())
}

#[test]
fn each_store_has_its_own_verdict_and_reason() {
    let report = two_stores();
    assert!(report.is_trusted(), "{report}");
    let stores = report.store_verdicts();
    assert_eq!(stores.len(), 2);
    assert_eq!(
        (stores[0].name.as_str(), &stores[0].kind),
        ("mozilla", &StoreKind::Mozilla)
    );
    let refused = stores[0]
        .verdict
        .rejection()
        .expect("no Mozilla root issued it");
    assert_eq!(refused.webpki(), "UnknownIssuer");
    assert_eq!(stores[1].name, "contoso");
    assert!(stores[1].verdict.is_trusted());

    let json = report.to_json();
    assert_eq!(
        json["stores"],
        serde_json::json!([
            {"name": "mozilla", "trusted": false, "reason": "UnknownIssuer"},
            {"name": "contoso", "trusted": true, "reason": null},
        ])
    );
    let text = report.to_string();
    assert!(
        text.contains("stores:\n  mozilla  NOT TRUSTED (incomplete-chain: UnknownIssuer)\n  contoso  TRUSTED\n"),
        "{text}"
    );
}

#[test]
fn the_anchoring_store_verdict_is_the_one_webpki_gives_that_store_alone() {
    // The store that ends the trusted path is not judged again: its verdict is derived
    // from the overall one. It must be exactly what webpki says with that store alone,
    // the anchor's position in it included; a store listed second checks the rebasing.
    let pki = Pki::new();
    let contoso = || TrustStore::from_certificates("contoso", pki.roots()).unwrap();
    let endpoint = Endpoint::parse(HOST).unwrap();
    let presented = pki.served(pki.leaf());
    let alone = Verifier::builder(contoso()).build().unwrap();
    let alone = alone.check(&endpoint, &presented, now());
    assert!(alone.is_trusted(), "{alone}");

    let report = two_stores();
    assert_eq!(&report.store_verdicts()[1].verdict, alone.verdict());
    let mozilla = Verifier::builder(TrustStore::mozilla()).build().unwrap();
    let mozilla = mozilla.check(&endpoint, &presented, now());
    assert_eq!(&report.store_verdicts()[0].verdict, mozilla.verdict());
}

#[test]
fn one_store_pays_for_no_second_verdict() {
    let report = healthy().run();
    assert!(report.store_verdicts().is_empty());
    assert_eq!(report.to_json()["stores"], serde_json::json!([]));
    assert!(!report.to_string().contains("stores:"));
}

#[test]
fn a_cached_verdict_still_gives_each_store_its_own() {
    let pki = Pki::new();
    let verifier = Verifier::builder(TrustStore::mozilla())
        .with_store(TrustStore::from_certificates("contoso", pki.roots()).unwrap())
        .with_cache(8)
        .build()
        .unwrap();
    let endpoint = Endpoint::parse(HOST).unwrap();
    let presented = pki.served(pki.leaf());
    let first = verifier.check(&endpoint, &presented, now());
    let again = verifier.check(&endpoint, &presented, now());
    assert_eq!(verifier.cache_stats().unwrap().hits, 1);
    assert_eq!(first.store_verdicts(), again.store_verdicts());
    assert_eq!(again.store_verdicts().len(), 2);
}

#[test]
fn the_rejection_is_structured_beside_webpki_words() {
    let report = name_mismatch().run();
    let rejection = report.verdict().rejection().unwrap();
    assert_eq!(rejection.error(), "CertNotValidForName");
    assert_eq!(
        rejection.name_mismatch(),
        Some(("owa.contoso.test".to_owned(), 2))
    );
    let json = report.to_json();
    assert_eq!(
        json["rejection"],
        serde_json::json!({
            "code": "name-mismatch",
            "error": "CertNotValidForName",
            "expected": "owa.contoso.test",
            "presented_names": 2,
        })
    );
    assert_eq!(json["webpki"], rejection.webpki());

    let json = incomplete_chain().run().to_json();
    assert_eq!(
        json["rejection"],
        serde_json::json!({
            "code": "incomplete-chain",
            "error": "UnknownIssuer",
            "expected": null,
            "presented_names": null,
        })
    );
    let json = expired().run().to_json();
    assert_eq!(json["rejection"]["error"], "CertExpired");
    assert!(healthy().run().to_json()["rejection"].is_null());
}
