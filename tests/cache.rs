//! The verdict cache (`VerifierBuilder::with_cache`): a cached check reports exactly what a
//! fresh one does, at every time, including the edges of the window the verdict holds in; the
//! key covers the chain bytes and the host; the cache stays within its capacity.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: failing is failing the test

use certdeps::{
    CertificateDer, CertificateRevocationListDer, Code, Endpoint, Report, TrustStore, Verifier,
};
use test_pki::*;

fn at(secs: u64) -> certdeps::UnixTime {
    certdeps::UnixTime::since_unix_epoch(std::time::Duration::from_secs(secs))
}

fn store(root: &Ca) -> TrustStore {
    TrustStore::from_certificates("custom", [root.der().clone()]).unwrap()
}

fn cached(root: &Ca, capacity: usize) -> Verifier {
    Verifier::builder(store(root))
        .with_cache(capacity)
        .build()
        .unwrap()
}

fn fresh(root: &Ca) -> Verifier {
    Verifier::builder(store(root)).build().unwrap()
}

fn endpoint(host: &str) -> Endpoint {
    Endpoint::parse(&format!("https://{host}/health")).unwrap()
}

/// Everything a report says, compared.
fn assert_same(cached: &Report, fresh: &Report) {
    assert_eq!(cached.verdict(), fresh.verdict());
    assert_eq!(cached.findings(), fresh.findings());
    assert_eq!(cached.path(), fresh.path());
    assert_eq!(cached.anchor(), fresh.anchor());
    assert_eq!(cached.at(), fresh.at());
    assert_eq!(cached.to_string(), fresh.to_string());
    #[cfg(feature = "json")]
    assert_eq!(cached.to_json(), fresh.to_json());
}

/// Checks `presented` for `host` at `time` with both verifiers; returns the cached report
/// after asserting it equals the fresh one.
fn check_both(
    cache: &Verifier,
    plain: &Verifier,
    host: Option<&str>,
    presented: &[CertificateDer<'static>],
    time: u64,
) -> Report {
    let endpoint = host.map(endpoint);
    let check = |v: &Verifier| match &endpoint {
        Some(e) => v.check(e, presented, at(time)),
        None => v.check_chain(presented, at(time)),
    };
    let a = check(cache);
    let b = check(plain);
    assert_same(&a, &b);
    a
}

fn hits(verifier: &Verifier) -> (u64, u64) {
    let stats = verifier.cache_stats().expect("a cache");
    (stats.hits, stats.misses)
}

#[test]
fn a_repeated_healthy_check_is_a_hit_and_equals_a_fresh_one() {
    let chain = Chain::new(KeyType::EcdsaP256, "a.test");
    let (cache, plain) = (cached(&chain.root, 8), fresh(&chain.root));
    for _ in 0..3 {
        let report = check_both(&cache, &plain, Some("a.test"), &chain.presented(), NOW);
        report.assert_trusted();
    }
    assert_eq!(hits(&cache), (2, 1));
    // Clones share the cache (same configuration).
    cache
        .clone()
        .check(&endpoint("a.test"), &chain.presented(), now());
    assert_eq!(hits(&cache), (3, 1));
}

#[test]
fn the_window_is_the_leafs_validity_and_its_edges_are_exact() {
    let chain = Chain::new(KeyType::EcdsaP256, "a.test");
    let (cache, plain) = (cached(&chain.root, 8), fresh(&chain.root));
    let presented = chain.presented();
    check_both(&cache, &plain, Some("a.test"), &presented, NOW).assert_trusted();
    // Inside the window, edges included: hits, and the same report as a fresh check, down
    // to the expires-soon countdown.
    for time in [
        LEAF_NOT_BEFORE,
        LEAF_NOT_BEFORE + 1,
        LEAF_NOT_AFTER - DAY,
        LEAF_NOT_AFTER - 1,
        LEAF_NOT_AFTER,
    ] {
        let before = hits(&cache).0;
        check_both(&cache, &plain, Some("a.test"), &presented, time).assert_trusted();
        assert_eq!(hits(&cache).0, before + 1, "a hit at {time}");
    }
    let last = check_both(&cache, &plain, Some("a.test"), &presented, LEAF_NOT_AFTER);
    assert!(last.has(Code::ExpiresSoon));
    // One second outside: a fresh check, and not trusted.
    for (time, code) in [
        (LEAF_NOT_BEFORE - 1, Code::NotYetValid),
        (LEAF_NOT_AFTER + 1, Code::Expired),
    ] {
        let (before, misses) = hits(&cache);
        let report = check_both(&cache, &plain, Some("a.test"), &presented, time);
        assert!(!report.is_trusted(), "{report}");
        assert!(report.has(code), "{report}");
        assert_eq!(hits(&cache), (before, misses + 1), "a miss at {time}");
    }
    // The entry survives the misses, and rejections are not stored.
    check_both(&cache, &plain, Some("a.test"), &presented, NOW).assert_trusted();
    assert_eq!(cache.cache_stats().unwrap().len, 1);
}

#[test]
fn an_intermediate_expiring_first_ends_the_window() {
    let root = Ca::root("certdeps Cache Root");
    let inter_end = NOW + 10 * DAY;
    let inter = root.intermediate_with(CertSpec {
        not_after: inter_end,
        ..CertSpec::ca("certdeps Cache Intermediate")
    });
    let presented = vec![inter.leaf(&["a.test"]), inter.der().clone()];
    let (cache, plain) = (cached(&root, 8), fresh(&root));
    check_both(&cache, &plain, Some("a.test"), &presented, NOW).assert_trusted();
    check_both(&cache, &plain, Some("a.test"), &presented, inter_end).assert_trusted();
    assert_eq!(hits(&cache), (1, 1));
    let report = check_both(&cache, &plain, Some("a.test"), &presented, inter_end + 1);
    assert!(report.has(Code::Expired), "{report}");
    assert_eq!(hits(&cache), (1, 2));
}

#[test]
fn a_presented_certificate_off_the_path_bounds_the_window_too() {
    // An extra certificate that becomes valid later could change what webpki tries, so the
    // verdict is reused only while every presented certificate keeps its validity status.
    let chain = Chain::new(KeyType::EcdsaP256, "a.test");
    let starts = NOW + 5 * DAY;
    let future = chain.root.intermediate_with(CertSpec {
        not_before: starts,
        ..CertSpec::ca("certdeps Future Intermediate")
    });
    let presented = vec![
        chain.leaf.clone(),
        chain.inter.der().clone(),
        future.der().clone(),
    ];
    let (cache, plain) = (cached(&chain.root, 8), fresh(&chain.root));
    check_both(&cache, &plain, Some("a.test"), &presented, NOW).assert_trusted();
    check_both(&cache, &plain, Some("a.test"), &presented, starts - 1).assert_trusted();
    assert_eq!(hits(&cache), (1, 1));
    check_both(&cache, &plain, Some("a.test"), &presented, starts).assert_trusted();
    assert_eq!(
        hits(&cache),
        (1, 2),
        "the status change at {starts} forces a fresh check"
    );
}

#[test]
fn the_host_and_every_presented_byte_are_part_of_the_key() {
    let chain = Chain::new(KeyType::EcdsaP256, "a.test");
    let (cache, plain) = (cached(&chain.root, 8), fresh(&chain.root));
    let presented = chain.presented();
    check_both(&cache, &plain, Some("a.test"), &presented, NOW).assert_trusted();
    let other = check_both(&cache, &plain, Some("b.test"), &presented, NOW);
    assert!(other.has(Code::NameMismatch), "{other}");
    check_both(&cache, &plain, None, &presented, NOW).assert_trusted();
    let alone = check_both(&cache, &plain, Some("a.test"), &presented[..1], NOW);
    assert!(alone.has(Code::IncompleteChain), "{alone}");
    let mut with_root = presented.clone();
    with_root.push(chain.root.der().clone());
    let sent = check_both(&cache, &plain, Some("a.test"), &with_root, NOW);
    assert!(sent.has(Code::AnchorIncluded), "{sent}");
    // The same certificates in another order are another key.
    let reversed: Vec<_> = presented.iter().rev().cloned().collect();
    check_both(&cache, &plain, Some("a.test"), &reversed, NOW);
    // One flipped byte in the intermediate's signature, outside the 32 bytes the key hash
    // reads: the same hash, so only the full comparison of the bytes tells them apart.
    let mut forged = presented.clone();
    let mut bytes = forged[1].to_vec();
    let last = bytes.len() - 40;
    bytes[last] ^= 1;
    forged[1] = CertificateDer::from(bytes);
    let report = check_both(&cache, &plain, Some("a.test"), &forged, NOW);
    assert!(!report.is_trusted(), "{report}");
    assert_eq!(
        hits(&cache).0,
        0,
        "no check above could reuse another's verdict"
    );
}

#[test]
fn the_cache_holds_at_most_its_capacity() {
    let chain = Chain::new(KeyType::EcdsaP256, "a.test");
    let (cache, plain) = (cached(&chain.root, 2), fresh(&chain.root));
    let leaves: Vec<_> = (0..5).map(|_| chain.inter.leaf(&["a.test"])).collect();
    for round in 0..3 {
        for leaf in &leaves {
            let presented = vec![leaf.clone(), chain.inter.der().clone()];
            check_both(&cache, &plain, Some("a.test"), &presented, NOW + round).assert_trusted();
            assert!(cache.cache_stats().unwrap().len <= 2);
        }
    }
    // A chain checked over and over stays while others come and go.
    let hot = vec![leaves[0].clone(), chain.inter.der().clone()];
    for leaf in leaves.iter().cycle().take(20) {
        check_both(&cache, &plain, Some("a.test"), &hot, NOW).assert_trusted();
        let presented = vec![leaf.clone(), chain.inter.der().clone()];
        check_both(&cache, &plain, Some("a.test"), &presented, NOW).assert_trusted();
    }
    let stats = cache.cache_stats().unwrap();
    assert_eq!((stats.capacity, stats.len), (2, 2));
    assert!(stats.hits >= 19, "the hot chain stays cached: {stats:?}");
}

#[test]
fn a_shared_verifier_answers_alike_from_many_threads() {
    let chain = Chain::new(KeyType::EcdsaP256, "a.test");
    let (cache, plain) = (cached(&chain.root, 8), fresh(&chain.root));
    let presented = chain.presented();
    let expected = plain.check(&endpoint("a.test"), &presented, now());
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                for _ in 0..10 {
                    let report = cache.check(&endpoint("a.test"), &presented, now());
                    assert_same(&report, &expected);
                }
            });
        }
    });
    let (hit, miss) = hits(&cache);
    assert_eq!(hit + miss, 40);
    assert!(hit >= 36, "at most one miss per thread: {hit}");
}

#[test]
fn crls_or_a_zero_capacity_turn_the_cache_off() {
    let chain = Chain::new(KeyType::EcdsaP256, "a.test");
    let with_crl = Verifier::builder(store(&chain.root))
        .with_cache(8)
        .with_crls([CertificateRevocationListDer::from(vec![0x30, 0x00])])
        .build()
        .unwrap();
    assert_eq!(with_crl.cache_stats(), None);
    let zero = Verifier::builder(store(&chain.root))
        .with_cache(0)
        .build()
        .unwrap();
    assert_eq!(zero.cache_stats(), None);
    assert_eq!(fresh(&chain.root).cache_stats(), None);
}

#[test]
fn each_key_type_is_cached_alike() {
    for key in [KeyType::EcdsaP384, KeyType::Rsa2048, KeyType::Ed25519] {
        let chain = Chain::new(key, "a.test");
        let (cache, plain) = (cached(&chain.root, 8), fresh(&chain.root));
        for _ in 0..2 {
            check_both(&cache, &plain, Some("a.test"), &chain.presented(), NOW).assert_trusted();
        }
        assert_eq!(hits(&cache), (1, 1), "{key:?}");
    }
}
