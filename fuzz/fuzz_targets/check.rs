//! The full check from bytes: the first line is the URL, the rest the presented bundle (PEM
//! or DER). Decoding, endpoint parsing and the verdict never panic; the verdict is raw
//! webpki's on the decoded certificates, and `certdeps::check` (Mozilla roots, the clock)
//! fails exactly when decoding or parsing does.
#![no_main]

use certdeps::{Endpoint, TrustStore, Verifier, decode_certificates};
use certdeps_fuzz::{FIXTURES, anchors, assert_report, check, over_limits, raw_webpki};
use libfuzzer_sys::fuzz_target;
use pki_types::CertificateDer;

fuzz_target!(|data: &[u8]| {
    let (url, bundle) = match data.iter().position(|&b| b == b'\n') {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let url = String::from_utf8_lossy(url);
    let endpoint = Endpoint::parse(&url);
    let certs = decode_certificates(bundle);
    let one_call = certdeps::check(&url, bundle);
    assert_eq!(
        one_call.is_ok(),
        endpoint.is_ok() && certs.is_ok(),
        "certdeps::check disagrees with its stages"
    );
    if let Ok(report) = &one_call {
        let _ = report.to_string();
    }
    let Ok(certs) = certs else { return };
    let store = match TrustStore::from_certificates("fuzz", [CertificateDer::from(FIXTURES[0])]) {
        Ok(store) => store,
        Err(e) => panic!("fixture 0 is not a usable anchor: {e}"),
    };
    let Ok(verifier) = Verifier::builder(store).build() else {
        panic!("a one-anchor verifier must build");
    };
    let endpoint = endpoint.ok();
    let report = check(&verifier, endpoint.as_ref(), &certs);
    let raw = (!over_limits(&certs)).then(|| {
        let name = endpoint.as_ref().map(Endpoint::server_name);
        raw_webpki(&certs, &anchors(), name.as_ref())
    });
    assert_report(&report, raw.as_ref());
});
