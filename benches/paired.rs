//! Paired ratios: certdeps against raw rustls-webpki on the same input, in the same process,
//! alternating in many short rounds, so that a 5 % target can be judged on a noisy machine.
//!
//! `cargo bench --bench paired [-- FILTER...]` prints, for each pair, one line
//!
//! ```text
//! pair <group>/<key-type> median=<ratio> ci=[<low>,<high>]
//! ```
//!
//! where the ratio is A's time over B's (below 1: A is faster): per round, the fastest of
//! A's segments over the fastest of B's, then the median over the rounds and its 95 %
//! confidence interval (binomial order statistics). A round is `PAIRED_SEGMENTS` short
//! segments of each side (each the same number of calls, about `PAIRED_SEGMENT_US` long),
//! interleaved A B B A B A A B ..., so a drift in the machine's speed cancels, and the fastest
//! segment of each side is one no other process interrupted: on a shared 2-core machine most
//! longer stretches are. The `null` pairs (webpki against itself) say whether the run can be
//! believed: it counts only when every one reads 1.00 +/- 0.01, which the last line
//! (`run valid=...`) reports.
//!
//! Groups (A vs B): `null` webpki vs webpki; `healthy` and `healthy-mozilla` certdeps' full
//! check vs webpki; `diagnose-<cause>` certdeps' diagnosis of a failing chain vs webpki on
//! the healthy chain; `diagnose-read-<cause>` that diagnosis with every finding's words
//! written (they are rendered on first read) vs the same; `diagnose-same-<cause>` the
//! diagnosis vs webpki on that failing chain; `repeat` a cached certdeps check vs webpki; `describe` a full `Description` of
//! the leaf and the intermediate vs webpki; `aws-lc-rs-vs-ring` webpki with
//! aws-lc-rs vs with ring; `decode` (PEM bundles of N RSA certificates) certdeps vs
//! rustls-pki-types' PEM reader; `assemble` (pool of N vs pool of 10); `openssl` OpenSSL's
//! `X509_verify_cert` vs webpki (with `--features openssl`); `hostile/<shape>` certdeps'
//! full check (with the shape's pool) vs webpki on a presented list a hostile server chooses
//! (`test_pki::hostile`, the lists `tests/hostile.rs` bounds in work); `probe/healthy`
//! `check_live` (connect, handshake up to the certificates, diagnosis) of a rustls server
//! on 127.0.0.1 vs a bare rustls client's full handshake with the same server (the floor);
//! `probe/100-at-once` `check_all` of 100 such servers, 16 at once, vs one by one;
//! `rustls-verifier` a full
//! in-memory TLS handshake with certdeps' `ExplainingVerifier` vs the same handshake with
//! rustls' `WebPkiServerVerifier`, `rustls-verifier-loopback` the same over TCP to a server on
//! 127.0.0.1, and `rustls-verifier-refused` the in-memory one on a leaf-only chain
//! (with the `rustls` feature, on by default).
//!
//! The target for a hostile list is certdeps within twice webpki's time plus 1 ms, which a
//! ratio cannot judge when webpki refuses in a microsecond: each hostile pair also prints
//!
//! ```text
//! hostile <shape> a=<ms> b=<ms> bound=<2b+1ms> within=<true|false> (presented <n>, ...)
//! ```
//!
//! from each side's median time per call. Some of these lists take webpki hundreds of
//! milliseconds, so a hostile pair runs fewer segments per round, and then fewer rounds
//! (never under 11), to keep its timed calls to about 10 s.
//!
//! Environment: `PAIRED_ROUNDS` (default 101), `PAIRED_SEGMENTS` (per side and round,
//! default 8), `PAIRED_SEGMENT_US` (default 250), `PAIRED_TIMES=1` (also print each side's
//! median time per call, on a `# times` line). `PAIRED_PROFILE=N` times nothing: it runs A then B N times each, in the
//! functions `paired::side_a` and `paired::side_b`, for an instruction profile:
//!
//! ```text
//! PAIRED_PROFILE=200 valgrind --tool=callgrind --toggle-collect='paired::side_*' \
//!     target/release/deps/paired-<hash> healthy/rsa-2048
//! callgrind_annotate --inclusive=yes callgrind.out.<pid>   # side_a / 200 = A per call
//! ```

#![allow(clippy::unwrap_used, clippy::expect_used)] // benches: a failed setup is a failed run

mod fixtures;

use std::hint::black_box;
use std::time::{Duration, Instant};

use fixtures::{AWS_LC_RS, CAUSES, Fixture, RING, fixtures};

/// The median of per-round ratios and its 95 % confidence interval, and the median time of
/// one call of each side.
struct Ratio {
    median: f64,
    low: f64,
    high: f64,
    a_ns: f64,
    b_ns: f64,
    /// Segments per side and round, and rounds: `PAIRED_SEGMENTS` and `PAIRED_ROUNDS`, or
    /// fewer under a pair's time limit.
    segments: usize,
    rounds: usize,
}

struct Runner {
    filters: Vec<String>,
    rounds: usize,
    segments: usize,
    segment: Duration,
    profile: Option<u64>,
    /// `PAIRED_TIMES=1`: also print each side's time per call, on a `#` line.
    times: bool,
    nulls: Vec<f64>,
}

impl Runner {
    fn from_env() -> Self {
        // cargo passes `--bench`; anything else not starting with `-` filters pairs.
        let filters = std::env::args()
            .skip(1)
            .filter(|a| !a.starts_with('-'))
            .collect();
        let var = |name: &str, default: u64| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(default)
        };
        Self {
            filters,
            rounds: var("PAIRED_ROUNDS", 101).max(11) as usize,
            segments: var("PAIRED_SEGMENTS", 8).max(1) as usize,
            segment: Duration::from_micros(var("PAIRED_SEGMENT_US", 250).max(10)),
            profile: std::env::var("PAIRED_PROFILE")
                .ok()
                .and_then(|v| v.parse().ok()),
            times: var("PAIRED_TIMES", 0) == 1,
            nulls: Vec::new(),
        }
    }

    fn selected(&self, id: &str) -> bool {
        self.filters.is_empty() || self.filters.iter().any(|f| id.contains(f.as_str()))
    }

    /// Measures A against B and prints the pair line.
    fn pair<A: FnMut(), B: FnMut()>(&mut self, group: &str, key: &str, a: A, b: B) {
        self.pair_within(group, key, None, a, b);
    }

    /// [`Runner::pair`], with the timed calls of the whole pair held to about `limit` by
    /// running fewer segments per round (never fewer than one): for inputs slow enough per
    /// call that the usual rounds would take minutes. Returns the measurement, if it ran.
    fn pair_within<A: FnMut(), B: FnMut()>(
        &mut self,
        group: &str,
        key: &str,
        limit: Option<Duration>,
        mut a: A,
        mut b: B,
    ) -> Option<Ratio> {
        let id = format!("{group}/{key}");
        if !self.selected(&id) {
            return None;
        }
        if let Some(n) = self.profile {
            side_a(&mut a, n);
            side_b(&mut b, n);
            println!("profile {id}: ran A and B {n} times each");
            return None;
        }
        let ratio = measure(&mut a, &mut b, self, limit);
        println!(
            "pair {id} median={:.3} ci=[{:.3},{:.3}]",
            ratio.median, ratio.low, ratio.high
        );
        if self.times {
            println!("# times {id} a={:.0}ns b={:.0}ns", ratio.a_ns, ratio.b_ns);
        }
        if group == "null" {
            self.nulls.push(ratio.median);
        }
        Some(ratio)
    }
}

#[inline(never)]
fn side_a(f: &mut dyn FnMut(), n: u64) {
    (0..n).for_each(|_| f());
}

#[inline(never)]
fn side_b(f: &mut dyn FnMut(), n: u64) {
    (0..n).for_each(|_| f());
}

/// Runs `f` `n` times and returns the elapsed time.
fn run(f: &mut impl FnMut(), n: u64) -> Duration {
    let start = Instant::now();
    for _ in 0..n {
        f();
    }
    start.elapsed()
}

fn measure(
    a: &mut impl FnMut(),
    b: &mut impl FnMut(),
    runner: &Runner,
    limit: Option<Duration>,
) -> Ratio {
    // Warm up both and calibrate: a segment of the slower side should take `segment`.
    let warm = Instant::now();
    let (mut n, mut slower) = (1u64, Duration::MAX);
    while warm.elapsed() < Duration::from_millis(150) {
        slower = slower.min(run(a, n).max(run(b, n)));
        if slower < runner.segment {
            n *= 2;
            slower = Duration::MAX;
        }
    }
    let per_iter = slower.as_secs_f64() / n as f64;
    let n = ((runner.segment.as_secs_f64() / per_iter).round() as u64).max(1);
    // Under a limit, fewer segments per round first, then fewer rounds (never under the 11
    // the confidence interval needs): both sides run `n` calls per segment.
    let pair_segment = 2.0 * n as f64 * per_iter;
    let (segments, rounds) = limit.map_or((runner.segments, runner.rounds), |limit| {
        let fit = (limit.as_secs_f64() / pair_segment) as usize;
        let segments = (fit / runner.rounds).clamp(1, runner.segments);
        (segments, (fit / segments).clamp(11, runner.rounds))
    });
    let (mut a_ns, mut b_ns) = (Vec::new(), Vec::new());
    let mut ratios: Vec<f64> = (0..rounds)
        .map(|r| {
            let (mut fa, mut fb) = (Duration::MAX, Duration::MAX);
            for s in 0..segments {
                // A B, B A, B A, A B, ...: the Thue-Morse order, balanced at every scale.
                if (r + s).count_ones() % 2 == 0 {
                    fa = fa.min(run(a, n));
                    fb = fb.min(run(b, n));
                } else {
                    fb = fb.min(run(b, n));
                    fa = fa.min(run(a, n));
                }
            }
            a_ns.push(fa.as_secs_f64() * 1e9 / n as f64);
            b_ns.push(fb.as_secs_f64() * 1e9 / n as f64);
            fa.as_secs_f64() / fb.as_secs_f64()
        })
        .collect();
    a_ns.sort_by(f64::total_cmp);
    b_ns.sort_by(f64::total_cmp);
    ratios.sort_by(f64::total_cmp);
    // Ranks of the 95 % interval of the median: n/2 -/+ 1.96 sqrt(n)/2 (normal approximation
    // of the binomial, Conover 1999, section 3.2).
    let len = ratios.len() as f64;
    let half = 0.98 * len.sqrt();
    let low = ((len / 2.0 - half).floor() as usize).min(ratios.len() - 1);
    let high = ((len / 2.0 + half).ceil() as usize).min(ratios.len() - 1);
    Ratio {
        median: ratios[ratios.len() / 2],
        low: ratios[low],
        high: ratios[high],
        a_ns: a_ns[a_ns.len() / 2],
        b_ns: b_ns[b_ns.len() / 2],
        segments,
        rounds,
    }
}

fn key_type_pairs(runner: &mut Runner, f: &Fixture) {
    let name = f.name;
    runner.pair(
        "null",
        name,
        || drop(black_box(f.healthy.webpki())),
        || drop(black_box(f.healthy.webpki())),
    );
    runner.pair(
        "healthy",
        name,
        || drop(black_box(f.healthy.certdeps())),
        || drop(black_box(f.healthy.webpki())),
    );
    runner.pair(
        "healthy-mozilla",
        name,
        || drop(black_box(f.mozilla.certdeps())),
        || drop(black_box(f.mozilla.webpki())),
    );
    for cause in CAUSES {
        let failing = f.failing(cause);
        runner.pair(
            &format!("diagnose-{cause}"),
            name,
            || drop(black_box(failing.certdeps())),
            || drop(black_box(f.healthy.webpki())),
        );
        // What a reader pays: the same diagnosis with every finding's words written.
        runner.pair(
            &format!("diagnose-read-{cause}"),
            name,
            || {
                let report = failing.certdeps();
                for finding in report.findings() {
                    black_box((finding.message(), finding.remediation()));
                }
            },
            || drop(black_box(f.healthy.webpki())),
        );
        runner.pair(
            &format!("diagnose-same-{cause}"),
            name,
            || drop(black_box(failing.certdeps())),
            || drop(black_box(failing.webpki())),
        );
    }
    // Warm the cache once; every timed check is then a hit.
    f.cached.certdeps().assert_trusted();
    runner.pair(
        "repeat",
        name,
        || drop(black_box(f.cached.certdeps())),
        || drop(black_box(f.healthy.webpki())),
    );
    // What explaining costs: a full description of the leaf and the intermediate, as every
    // failure report makes them.
    runner.pair(
        "describe",
        name,
        || {
            for cert in &f.healthy.presented {
                drop(black_box(certdeps::Description::new(cert)));
            }
        },
        || drop(black_box(f.healthy.webpki())),
    );
    runner.pair(
        "aws-lc-rs-vs-ring",
        name,
        || drop(black_box(f.healthy.webpki_with(AWS_LC_RS))),
        || drop(black_box(f.healthy.webpki_with(RING))),
    );
    #[cfg(feature = "openssl")]
    {
        let ossl = fixtures::ossl::OpenSsl::new(f);
        runner.pair(
            "openssl",
            name,
            || {
                black_box(ossl.verify());
            },
            || drop(black_box(f.healthy.webpki())),
        );
    }
}

/// The timed calls of one hostile pair, at most (about): the five take under a minute.
const HOSTILE_LIMIT: Duration = Duration::from_secs(10);

/// certdeps' full check against raw webpki on the presented lists a hostile server chooses
/// (`test_pki::hostile`, the lists `tests/hostile.rs` bounds in work), with the pool where
/// the shape has one. The ratio alone cannot judge the target when webpki answers in
/// microseconds, so each pair also prints a verdict line against it: certdeps within twice
/// webpki's time plus one millisecond.
fn hostile_pairs(runner: &mut Runner) {
    use test_pki::hostile::{Decoyed, Shape};
    /// Each list is built only when its pair is selected.
    type Build = fn() -> Shape;
    let shapes: [(&str, Build); 5] = [
        ("v1-decoys-expired-leaf", || {
            Shape::v1_decoys(Decoyed::ExpiredLeaf)
        }),
        ("v1-decoys-valid-leaf", || {
            Shape::v1_decoys(Decoyed::ValidLeaf)
        }),
        ("v1-decoys-issuer-in-pool", || {
            Shape::v1_decoys(Decoyed::IssuerInPool)
        }),
        ("issuer-cycle-junk-issuer-in-pool", || {
            Shape::issuer_cycle_with_issuer_in_pool(HOSTILE_JUNK)
        }),
        (
            "482-decoys-expired-leaf",
            Shape::expired_leaf_behind_482_decoys,
        ),
    ];
    for (name, shape) in shapes {
        if !runner.selected(&format!("hostile/{name}")) {
            continue;
        }
        let case = fixtures::hostile_case(shape());
        let Some(ratio) = runner.pair_within(
            "hostile",
            name,
            Some(HOSTILE_LIMIT),
            || drop(black_box(case.certdeps())),
            || drop(black_box(case.webpki())),
        ) else {
            continue;
        };
        let (a, b) = (ratio.a_ns / 1e6, ratio.b_ns / 1e6);
        let bound = 2.0 * b + 1.0;
        println!(
            "hostile {name} a={a:.3}ms b={b:.3}ms bound={bound:.3}ms within={} \
             (presented {}, {} rounds of {} segments)",
            a <= bound,
            case.presented.len(),
            ratio.rounds,
            ratio.segments
        );
    }
}

/// The timed calls of the `probe/100-at-once` pair, at most (about): each call is 100
/// connections and handshakes.
const CONCURRENT_LIMIT: Duration = Duration::from_secs(20);

/// The live probe against rustls servers on 127.0.0.1 that sign with the leaf's own key, so
/// that a bare rustls client completes its handshake: `check_live` against that handshake
/// (the floor a probe cannot go under; target <= 1.10), and 100 endpoints checked 16 at once
/// against one by one.
fn probe_pairs(runner: &mut Runner) {
    use certdeps::probe::{DEFAULT_AT_ONCE, Options, check_all, check_live};
    use std::net::TcpStream;
    use std::sync::Arc;
    use test_pki::server::{serve_every, server_config};

    if !runner.selected("probe/healthy") && !runner.selected("probe/100-at-once") {
        return;
    }
    let root = test_pki::Ca::root("certdeps Bench Root");
    let issuing = root.intermediate("certdeps Bench Issuing CA");
    let (leaf, key) = issuing.leaf_and_key(test_pki::CertSpec::leaf(&[fixtures::HOST]));
    let config = server_config(vec![leaf, issuing.der().clone()], key);
    let verifier = certdeps::Verifier::builder(
        certdeps::TrustStore::from_certificates("bench", [root.der().clone()]).unwrap(),
    )
    .build()
    .unwrap();
    let endpoint = |address: std::net::SocketAddr| {
        let url = format!("https://{}:{}", fixtures::HOST, address.port());
        (
            certdeps::Endpoint::parse(&url).unwrap(),
            Options::default().with_resolve(address),
        )
    };
    let now = test_pki::now();

    let address = serve_every(config.clone());
    let (live, options) = endpoint(address);
    let client = {
        let mut roots = rustls::RootCertStore::empty();
        roots.add(root.der().clone()).unwrap();
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let mut client = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
        // A full handshake every time, as the probe makes.
        client.resumption = rustls::client::Resumption::disabled();
        Arc::new(client)
    };
    let name = pki_types::ServerName::try_from(fixtures::HOST).unwrap();
    runner.pair(
        "probe",
        "healthy",
        || {
            let (report, _) = check_live(&verifier, &live, &options, now).unwrap();
            assert!(report.is_trusted());
        },
        || {
            let mut tcp = TcpStream::connect(address).unwrap();
            let mut tls = rustls::ClientConnection::new(client.clone(), name.clone()).unwrap();
            while tls.is_handshaking() {
                tls.complete_io(&mut tcp).unwrap();
            }
        },
    );

    if runner.selected("probe/100-at-once") {
        let endpoints: Vec<_> = (0..100)
            .map(|_| endpoint(serve_every(config.clone())))
            .collect();
        let all_trusted = |at_once| {
            let results = check_all(&verifier, &endpoints, now, at_once);
            assert!(results.iter().all(|r| r.as_ref().unwrap().0.is_trusted()));
        };
        runner.pair_within(
            "probe",
            "100-at-once",
            Some(CONCURRENT_LIMIT),
            || all_trusted(DEFAULT_AT_ONCE),
            || all_trusted(1),
        );
    }
}

/// A full TLS handshake in memory (`test_pki::server::handshake_in_memory`: client and
/// server connections, default protocol versions, no resumption, so every handshake verifies
/// the chain and the handshake signature), with certdeps' `ExplainingVerifier` (A) against
/// the same handshake with rustls' `WebPkiServerVerifier` on the same root (B). Per key
/// type: `rustls-verifier` on the healthy chain (target <= 1.02: a handshake rustls accepts
/// pays nothing for the diagnosis), and `rustls-verifier-refused` on the leaf alone, where A
/// also writes the report a refusal carries.
#[cfg(feature = "rustls")]
fn rustls_verifier_pairs(runner: &mut Runner) {
    use std::sync::Arc;

    use certdeps::rustls::ExplainingVerifier;
    use certdeps::{TrustStore, Verifier};
    use rustls::ClientConfig;
    use rustls::client::Resumption;
    use test_pki::server::{handshake_in_memory, server_config};
    use test_pki::{Ca, CertSpec};

    for (key, key_name) in fixtures::KEY_TYPES {
        if !runner.selected(&format!("rustls-verifier/{key_name}"))
            && !runner.selected(&format!("rustls-verifier-refused/{key_name}"))
            && !runner.selected(&format!("rustls-verifier-loopback/{key_name}"))
        {
            continue;
        }
        let root = Ca::root_with(CertSpec {
            key,
            include_aki: false,
            ..CertSpec::ca("certdeps Bench Root")
        });
        let inter = root.intermediate_with(CertSpec {
            key,
            ..CertSpec::ca("certdeps Bench Intermediate")
        });
        let (leaf, leaf_key) = inter.leaf_and_key(CertSpec {
            key,
            ..CertSpec::leaf(&[fixtures::HOST])
        });
        let healthy = server_config(
            vec![leaf.clone(), inter.der().clone()],
            leaf_key.clone_key(),
        );
        let leaf_only = server_config(vec![leaf], leaf_key);
        let name = pki_types::ServerName::try_from(fixtures::HOST).unwrap();

        let store = TrustStore::from_certificates("bench", [root.der().clone()]).unwrap();
        let explaining =
            Arc::new(ExplainingVerifier::new(Verifier::builder(store).build().unwrap()).unwrap());
        let mut ours = explaining.client_config().unwrap();
        let mut roots = rustls::RootCertStore::empty();
        roots.add(root.der().clone()).unwrap();
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let mut theirs = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
        // A resumed handshake verifies nothing: every one starts afresh.
        ours.resumption = Resumption::disabled();
        theirs.resumption = Resumption::disabled();
        let (ours, theirs) = (Arc::new(ours), Arc::new(theirs));

        let handshake = |client: &Arc<ClientConfig>, server: &Arc<rustls::ServerConfig>| {
            handshake_in_memory(client.clone(), server.clone(), name.clone())
        };
        handshake(&ours, &healthy).unwrap();
        handshake(&theirs, &healthy).unwrap();
        runner.pair(
            "rustls-verifier",
            key_name,
            || drop(black_box(handshake(&ours, &healthy))),
            || drop(black_box(handshake(&theirs, &healthy))),
        );
        handshake(&ours, &leaf_only).unwrap_err();
        runner.pair(
            "rustls-verifier-refused",
            key_name,
            || drop(black_box(handshake(&ours, &leaf_only))),
            || drop(black_box(handshake(&theirs, &leaf_only))),
        );
        // The same healthy handshake over a loopback TCP connection, as a client makes it.
        if runner.selected(&format!("rustls-verifier-loopback/{key_name}")) {
            let address = test_pki::server::serve_every(healthy.clone());
            let over_tcp = |client: &Arc<ClientConfig>| {
                let mut tcp = std::net::TcpStream::connect(address).unwrap();
                let mut tls = rustls::ClientConnection::new(client.clone(), name.clone()).unwrap();
                while tls.is_handshaking() {
                    tls.complete_io(&mut tcp).unwrap();
                }
            };
            runner.pair(
                "rustls-verifier-loopback",
                key_name,
                || over_tcp(&ours),
                || over_tcp(&theirs),
            );
        }
    }
}

/// Unrelated certificates after the issuer cycle: webpki compares each on every one of
/// its path-building calls, so they make its run slower (hundreds of milliseconds; with
/// 100 it takes seconds, too long to time in many rounds).
const HOSTILE_JUNK: u32 = 10;

fn main() {
    let mut runner = Runner::from_env();
    println!(
        "# paired: fastest-segment ratio A/B per round, median and 95% CI over {} rounds of \
         {} segments of ~{:?} per side; provider {}",
        runner.rounds,
        runner.segments,
        runner.segment,
        fixtures::PROVIDER
    );
    for f in fixtures() {
        key_type_pairs(&mut runner, f);
    }
    // PEM decoding: certdeps (typed errors with positions, every block checked) against
    // rustls-pki-types' own PEM reader, on bundles of leaf and intermediate.
    let f = &fixtures()[2];
    for count in [1, 10, 100] {
        let certs: Vec<&certdeps::CertificateDer<'_>> = [&f.chain.leaf, f.chain.inter.der()]
            .into_iter()
            .cycle()
            .take(count)
            .collect();
        let pem = test_pki::pem_bundle(&certs);
        runner.pair(
            "decode",
            &format!("bundle-{count}"),
            || drop(black_box(certdeps::decode_certificates(pem.as_bytes()))),
            || {
                use pki_types::pem::PemObject;
                let all = certdeps::CertificateDer::pem_slice_iter(pem.as_bytes());
                drop(black_box(all.collect::<Result<Vec<_>, _>>()));
            },
        );
    }
    if runner.selected("assemble/pool-100000") || runner.selected("assemble/pool-1000") {
        let small = fixtures::pool_case(10);
        for size in [1000, 100_000] {
            if !runner.selected(&format!("assemble/pool-{size}")) {
                continue;
            }
            let big = fixtures::pool_case(size);
            runner.pair(
                "assemble",
                &format!("pool-{size}"),
                || drop(black_box(big.case.certdeps())),
                || drop(black_box(small.case.certdeps())),
            );
        }
    }
    hostile_pairs(&mut runner);
    probe_pairs(&mut runner);
    #[cfg(feature = "rustls")]
    rustls_verifier_pairs(&mut runner);
    let valid = !runner.nulls.is_empty() && runner.nulls.iter().all(|m| (0.99..=1.01).contains(m));
    println!(
        "run valid={valid} (null pairs: {:?})",
        runner
            .nulls
            .iter()
            .map(|m| format!("{m:.3}"))
            .collect::<Vec<_>>()
    );
}
