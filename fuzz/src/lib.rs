//! What the fuzz targets share: the fixture certificates, the framing that turns fuzzer bytes
//! into certificate lists, and, from the `oracle` crate of the test suite (`tests/oracle`),
//! the raw-webpki oracle and the properties every report must keep.
//!
//! The fixtures (`fuzz/fixtures/*.der`) and seeds (`fuzz/seeds/<target>/`) are written by
//! `tests/properties.rs` (`CERTDEPS_WRITE_FUZZ_SEEDS=1 cargo test --test properties
//! fuzz_fixtures`), from the same rcgen PKI as the test suite.
#![forbid(unsafe_code)]

use std::time::Duration;

use certdeps::{Endpoint, MAX_PRESENTED_BYTES, Report, Verifier};
use pki_types::{CertificateDer, ServerName, TrustAnchor, UnixTime};

mod frame;
mod synth;

pub use frame::{HOSTS, Lists, frame};

/// The verification time of every target: 2026-06-01T00:00:00Z, as in the test PKI
/// (`tests/pki`).
pub const NOW: u64 = 1_780_272_000;

/// [`NOW`] as webpki and certdeps take it.
pub fn now() -> UnixTime {
    UnixTime::since_unix_epoch(Duration::from_secs(NOW))
}

/// The fixture certificates, by index; the framing refers to them by that index. Index 0 is
/// the one trust anchor of the fuzz verifier.
pub static FIXTURES: &[&[u8]] = &[
    include_bytes!("../fixtures/00-root-a.der"),
    include_bytes!("../fixtures/01-inter-a.der"),
    include_bytes!("../fixtures/02-leaf-a.der"),
    include_bytes!("../fixtures/03-root-b.der"),
    include_bytes!("../fixtures/04-inter-b.der"),
    include_bytes!("../fixtures/05-leaf-b.der"),
    include_bytes!("../fixtures/06-a-by-b.der"),
    include_bytes!("../fixtures/07-b-by-a.der"),
    include_bytes!("../fixtures/08-self-signed.der"),
    include_bytes!("../fixtures/09-expired-leaf.der"),
    include_bytes!("../fixtures/10-client-auth-leaf.der"),
    include_bytes!("../fixtures/11-inter-pathlen0.der"),
    include_bytes!("../fixtures/12-sub-inter.der"),
    include_bytes!("../fixtures/13-leaf-too-deep.der"),
    include_bytes!("../fixtures/14-leaf-ed25519.der"),
    include_bytes!("../fixtures/15-leaf-rsa1024.der"),
    include_bytes!("../fixtures/16-inter-constrained.der"),
    include_bytes!("../fixtures/17-leaf-excluded.der"),
];

/// Raw rustls-webpki on exactly what was presented, as a rustls client calls it: the oracle
/// every differential test uses, at the fuzz time and without CRLs.
pub fn raw_webpki(
    presented: &[CertificateDer<'_>],
    anchors: &[TrustAnchor<'_>],
    name: Option<&ServerName<'_>>,
) -> Result<(), webpki::Error> {
    oracle::raw_webpki(presented, anchors, name, None, now())
}

/// `verifier`'s report on `presented` at the fuzz time: for `endpoint` when the input names
/// one, else for the chain alone, as the framing's "no endpoint" host selector asks.
pub fn check(
    verifier: &Verifier,
    endpoint: Option<&Endpoint>,
    presented: &[CertificateDer<'_>],
) -> Report {
    match endpoint {
        Some(endpoint) => verifier.check(endpoint, presented, now()),
        None => verifier.check_chain(presented, now()),
    }
}

/// The fuzz trust anchor (fixture 0), as webpki takes it.
pub fn anchors() -> Vec<TrustAnchor<'static>> {
    let root = CertificateDer::from(FIXTURES[0]);
    match webpki::anchor_from_trusted_cert(&root) {
        Ok(anchor) => vec![anchor.to_owned()],
        Err(e) => panic!("fixture 0 is not a usable anchor: {e:?}; regenerate the fixtures"),
    }
}

/// Whether `presented` is over certdeps' presented-list limits (then webpki is not run).
pub fn over_limits(presented: &[CertificateDer<'_>]) -> bool {
    let bytes = presented
        .iter()
        .fold(3usize, |sum, c| sum.saturating_add(3 + c.len()));
    bytes > MAX_PRESENTED_BYTES
}

pub use oracle::assert_report;

/// PEM text of `certs`, 64 columns, with `eol` as the line ending: the encoder the decode
/// target round-trips through, independent of certdeps' decoder.
pub fn pem(certs: &[CertificateDer<'_>], eol: &str) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for cert in certs {
        out.push_str("-----BEGIN CERTIFICATE-----");
        out.push_str(eol);
        let mut b64 = String::new();
        for chunk in cert.chunks(3) {
            let b = [
                chunk[0],
                chunk.get(1).copied().unwrap_or(0),
                chunk.get(2).copied().unwrap_or(0),
            ];
            let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
            for i in 0..4 {
                if i <= chunk.len() {
                    b64.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
                } else {
                    b64.push('=');
                }
            }
        }
        for line in b64.as_bytes().chunks(64) {
            out.push_str(&String::from_utf8_lossy(line));
            out.push_str(eol);
        }
        out.push_str("-----END CERTIFICATE-----");
        out.push_str(eol);
    }
    out
}
