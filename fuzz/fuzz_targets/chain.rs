//! Chain assembly and the verdict on arbitrary certificate lists and pools (see
//! `certdeps_fuzz::frame` for the input format): the verdict is raw webpki's, a pool never
//! changes it, and every report keeps `certdeps_fuzz::assert_report`'s properties.
#![no_main]

use certdeps::{Endpoint, Pool, TrustStore, Verifier};
use certdeps_fuzz::{FIXTURES, anchors, assert_report, check, frame, over_limits, raw_webpki};
use libfuzzer_sys::fuzz_target;
use pki_types::CertificateDer;

fuzz_target!(|data: &[u8]| {
    let lists = frame(data);
    let store = match TrustStore::from_certificates("fuzz", [CertificateDer::from(FIXTURES[0])]) {
        Ok(store) => store,
        Err(e) => panic!("fixture 0 is not a usable anchor: {e}"),
    };
    let endpoint = lists.host.map(|h| match Endpoint::parse(h) {
        Ok(endpoint) => endpoint,
        Err(e) => panic!("fixture host {h}: {e}"),
    });
    let mut pool = Pool::new();
    pool.extend(lists.pool.iter().cloned());
    let plain = Verifier::builder(store.clone()).build();
    let pooled = Verifier::builder(store).with_intermediates(pool).build();
    let (Ok(plain), Ok(pooled)) = (plain, pooled) else {
        panic!("a one-anchor verifier must build");
    };
    let report = check(&pooled, endpoint.as_ref(), &lists.presented);
    let raw = (!over_limits(&lists.presented)).then(|| {
        let name = endpoint.as_ref().map(Endpoint::server_name);
        raw_webpki(&lists.presented, &anchors(), name.as_ref())
    });
    assert_report(&report, raw.as_ref());
    // The pool explains; it never changes the verdict.
    let without = check(&plain, endpoint.as_ref(), &lists.presented);
    assert_eq!(
        without.is_trusted(),
        report.is_trusted(),
        "the pool changed the verdict"
    );
});
