use certdeps::{Code, Endpoint, Pool, TrustStore, Verifier};
use test_pki::*;

#[allow(clippy::unwrap_used)] // a test helper: failing is failing the test
fn store(root: &Ca) -> TrustStore {
    TrustStore::from_certificates("custom", [root.der().clone()]).unwrap()
}

#[test]
fn smoke() {
    let chain = Chain::new(KeyType::EcdsaP256, "mail.contoso.test");
    let v = Verifier::builder(store(&chain.root)).build().unwrap();
    let ep = Endpoint::parse("https://mail.contoso.test/EWS").unwrap();
    let r = v.check(&ep, &chain.presented(), now());
    println!("{r}");
    assert!(r.is_trusted());
    let r = v.check(&ep, std::slice::from_ref(&chain.leaf), now());
    println!("{r}");
    assert!(r.has(Code::IncompleteChain));
    let mut pool = Pool::new();
    pool.extend([chain.inter.der().clone()]);
    let v2 = Verifier::builder(store(&chain.root))
        .with_intermediates(pool)
        .build()
        .unwrap();
    let r = v2.check(&ep, std::slice::from_ref(&chain.leaf), now());
    println!("{r}");
    println!("{}", serde_json::to_string_pretty(&r.to_json()).unwrap());
    let ep2 = Endpoint::parse("other.test").unwrap();
    let r = v.check(&ep2, &chain.presented(), now());
    println!("{r}");
    let r = v.check(&ep, &[self_signed_leaf(&["mail.contoso.test"])], now());
    println!("{r}");
    let other = Chain::new(KeyType::EcdsaP256, "mail.contoso.test");
    let r = v.check(
        &ep,
        &[
            other.leaf.clone(),
            other.inter.der().clone(),
            other.root.der().clone(),
        ],
        now(),
    );
    println!("{r}");
}
