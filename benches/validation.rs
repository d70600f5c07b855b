//! Criterion groups on the hot validation path, each certdeps figure next to raw
//! rustls-webpki on the same input in the same run; inputs are built before any timing and
//! the verification time is fixed (2026-06-01).
//!
//! `cargo bench --bench validation [-- FILTER] [--warm-up-time 1 --measurement-time 3]`
//!
//! Groups: `healthy/<key>/{webpki,certdeps}`, `healthy-mozilla/<key>/...` (the Mozilla store
//! plus the test root), `diagnose/<cause>/{webpki,certdeps}` (ECDSA P-256; webpki's error vs
//! certdeps' whole diagnosis), `repeat/<key>/{webpki,certdeps-cached}`,
//! `providers/<key>/{ring,aws-lc-rs}` (webpki alone), `assemble/pool-<n>` (an incomplete
//! chain whose issuer is in a pool of n), `decode/bundle-<n>/{certdeps,pki-types}` (PEM), and
//! with `--features openssl` `openssl/<key>/{webpki,openssl}`. Ratios that must hold to a few
//! percent come from `benches/paired.rs`, not from comparing these means.

#![allow(clippy::unwrap_used, clippy::expect_used)] // benches: a failed setup is a failed run

mod fixtures;

use std::hint::black_box;
use std::time::Duration;

use certdeps::CertificateDer;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use fixtures::{AWS_LC_RS, CAUSES, RING, fixtures};
use pki_types::pem::PemObject;

fn healthy(c: &mut Criterion) {
    for (group, mozilla) in [("healthy", false), ("healthy-mozilla", true)] {
        let mut g = c.benchmark_group(group);
        for f in fixtures() {
            let case = if mozilla { &f.mozilla } else { &f.healthy };
            g.bench_function(BenchmarkId::new(f.name, "webpki"), |b| {
                b.iter(|| black_box(case.webpki()))
            });
            g.bench_function(BenchmarkId::new(f.name, "certdeps"), |b| {
                b.iter(|| black_box(case.certdeps()))
            });
        }
        g.finish();
    }
}

fn diagnose(c: &mut Criterion) {
    let mut g = c.benchmark_group("diagnose");
    let f = &fixtures()[0];
    for cause in CAUSES {
        let case = f.failing(cause);
        g.bench_function(BenchmarkId::new(cause, "webpki"), |b| {
            b.iter(|| black_box(case.webpki()))
        });
        g.bench_function(BenchmarkId::new(cause, "certdeps"), |b| {
            b.iter(|| black_box(case.certdeps()))
        });
    }
    g.finish();
}

fn repeat(c: &mut Criterion) {
    let mut g = c.benchmark_group("repeat");
    for f in fixtures() {
        g.bench_function(BenchmarkId::new(f.name, "webpki"), |b| {
            b.iter(|| black_box(f.healthy.webpki()))
        });
        f.cached.certdeps().assert_trusted();
        g.bench_function(BenchmarkId::new(f.name, "certdeps-cached"), |b| {
            b.iter(|| black_box(f.cached.certdeps()))
        });
    }
    g.finish();
}

fn providers(c: &mut Criterion) {
    let mut g = c.benchmark_group("providers");
    for f in fixtures() {
        g.bench_function(BenchmarkId::new(f.name, "ring"), |b| {
            b.iter(|| black_box(f.healthy.webpki_with(RING)))
        });
        g.bench_function(BenchmarkId::new(f.name, "aws-lc-rs"), |b| {
            b.iter(|| black_box(f.healthy.webpki_with(AWS_LC_RS)))
        });
    }
    g.finish();
}

fn assemble(c: &mut Criterion) {
    let mut g = c.benchmark_group("assemble");
    for size in [10, 1000, 100_000] {
        // Built on first use only: 100,000 intermediates take a while to generate.
        let mut case = None;
        g.bench_function(format!("pool-{size}"), |b| {
            let case = case.get_or_insert_with(|| fixtures::pool_case(size));
            b.iter(|| black_box(case.case.certdeps()))
        });
    }
    g.finish();
}

fn decode(c: &mut Criterion) {
    let mut g = c.benchmark_group("decode");
    let f = &fixtures()[2];
    for count in [1, 10, 100] {
        let certs: Vec<&CertificateDer<'_>> = [&f.chain.leaf, f.chain.inter.der()]
            .into_iter()
            .cycle()
            .take(count)
            .collect();
        let pem = test_pki::pem_bundle(&certs);
        g.bench_function(
            BenchmarkId::new(format!("bundle-{count}"), "certdeps"),
            |b| b.iter(|| black_box(certdeps::decode_certificates(pem.as_bytes()))),
        );
        g.bench_function(
            BenchmarkId::new(format!("bundle-{count}"), "pki-types"),
            |b| {
                b.iter(|| {
                    black_box(
                        CertificateDer::pem_slice_iter(pem.as_bytes())
                            .collect::<Result<Vec<_>, _>>(),
                    )
                })
            },
        );
    }
    g.finish();
}

#[cfg(feature = "openssl")]
fn openssl(c: &mut Criterion) {
    let mut g = c.benchmark_group("openssl");
    for f in fixtures() {
        let ossl = fixtures::ossl::OpenSsl::new(f);
        g.bench_function(BenchmarkId::new(f.name, "webpki"), |b| {
            b.iter(|| black_box(f.healthy.webpki()))
        });
        g.bench_function(BenchmarkId::new(f.name, "openssl"), |b| {
            b.iter(|| black_box(ossl.verify()))
        });
    }
    g.finish();
}

#[cfg(not(feature = "openssl"))]
fn openssl(_: &mut Criterion) {}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(30)
}

criterion_group! {
    name = benches;
    config = config();
    targets = healthy, diagnose, repeat, providers, assemble, decode, openssl
}
criterion_main!(benches);
