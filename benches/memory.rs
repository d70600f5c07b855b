//! What certdeps holds and allocates, counted by an instrumented allocator (so it is its own
//! bench binary: the counting would tilt the timed ones).
//!
//! `cargo bench --bench memory` prints one line per figure:
//!
//! ```text
//! memory pool-<n> held=<bytes per intermediate> der=<DER bytes per intermediate> ratio=<held/der>
//! allocations <group>/<key-type> certdeps=<per check> webpki=<per check>
//! ```
//!
//! `held` is what the pool keeps after `Pool::extend` (the DER copies, the indexes and the
//! digests), as requested from the allocator, plus 16 bytes of malloc header per live
//! allocation.

#![allow(clippy::unwrap_used, clippy::expect_used)] // benches: a failed setup is a failed run

mod fixtures;

use std::alloc::System;

use certdeps::Pool;
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// glibc's per-chunk overhead on 64-bit targets.
const MALLOC_HEADER: isize = 16;

fn selected(id: &str) -> bool {
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    filters.is_empty() || filters.iter().any(|f| id.contains(f.as_str()))
}

/// Live bytes (with malloc headers) and live allocations added by `f`, and what it returns.
fn held<T>(f: impl FnOnce() -> T) -> (isize, isize, T) {
    let region = Region::new(GLOBAL);
    let value = f();
    let change = region.change();
    let live = change.allocations as isize - change.deallocations as isize;
    let bytes = change.bytes_allocated as isize - change.bytes_deallocated as isize
        + change.bytes_reallocated;
    (bytes + MALLOC_HEADER * live, live, value)
}

/// Allocations made by one call of `f` (after a warm-up call).
fn allocations<T>(mut f: impl FnMut() -> T) -> usize {
    drop(f());
    let region = Region::new(GLOBAL);
    drop(f());
    region.change().allocations
}

fn main() {
    for size in [1000, 100_000] {
        let id = format!("pool-{size}");
        if !selected(&id) {
            continue;
        }
        let (_chain, certificates) = fixtures::pool_certificates(size);
        let der: usize = certificates.iter().map(|c| c.len()).sum();
        let (bytes, live, pool) = held(|| {
            let mut pool = Pool::new();
            pool.extend(certificates.iter().cloned());
            pool
        });
        assert_eq!(pool.len(), size);
        let n = size as f64;
        println!(
            "memory {id} held={:.0} der={:.0} ratio={:.2} allocations={:.1}",
            bytes as f64 / n,
            der as f64 / n,
            bytes as f64 / der as f64,
            live as f64 / n
        );
    }
    for f in fixtures::fixtures() {
        for (group, case) in [
            ("healthy", &f.healthy),
            ("healthy-mozilla", &f.mozilla),
            ("repeat", &f.cached),
        ] {
            let id = format!("{group}/{}", f.name);
            if !selected(&id) {
                continue;
            }
            println!(
                "allocations {id} certdeps={} webpki={}",
                allocations(|| case.certdeps()),
                allocations(|| f.healthy.webpki())
            );
        }
        for cause in fixtures::CAUSES {
            let id = format!("diagnose-{cause}/{}", f.name);
            if !selected(&id) {
                continue;
            }
            let failing = f.failing(cause);
            println!(
                "allocations {id} certdeps={} webpki={}",
                allocations(|| failing.certdeps()),
                allocations(|| failing.webpki())
            );
        }
    }
}
