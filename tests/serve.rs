//! The fixed chain works where it matters: a plain rustls client (no pool, only the root)
//! completes a full handshake with a rustls server that serves it, where the leaf alone
//! fails it.

// Test setup: a failure should panic.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use certdeps::{Code, Endpoint, Pool, TrustStore, Verifier};
use test_pki::server::assert_only_the_fixed_chain_works;
use test_pki::{Ca, CertSpec, now};

const HOST: &str = "mail.contoso.test";

#[test]
fn a_rustls_client_accepts_the_fixed_chain_served_by_a_rustls_server() {
    let root = Ca::root("Contoso Root CA");
    let policy = root.intermediate("Contoso Policy CA");
    let issuing = policy.intermediate("Contoso Issuing CA");
    let (leaf, key) = issuing.leaf_and_key(CertSpec::leaf(&[HOST]));

    // The server as misconfigured: the leaf alone. certdeps, with a pool, says what to serve.
    let mut pool = Pool::new();
    pool.extend([issuing.der().clone(), policy.der().clone()]);
    let verifier =
        Verifier::builder(TrustStore::from_certificates("contoso", [root.der().clone()]).unwrap())
            .with_intermediates(pool)
            .build()
            .unwrap();
    let endpoint = Endpoint::parse(&format!("https://{HOST}/")).unwrap();
    let report = verifier.check(&endpoint, std::slice::from_ref(&leaf), now());
    assert!(report.has(Code::IncompleteChain), "{report}");
    let fixed = report.fixed_chain().expect("the pool completes the chain");
    assert_eq!(fixed.certificates().len(), 3, "leaf, issuing, policy");

    let fixed = fixed.certificates().to_vec();
    assert_only_the_fixed_chain_works(HOST, leaf, key, fixed, root.der().clone());
}
