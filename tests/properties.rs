//! Property tests on stable: valid chains, mutated (bit flips, truncation, swapped, repeated,
//! removed, inserted and shuffled certificates; corrupted PEM text), must never panic, and
//! certdeps' verdict must be raw rustls-webpki's on the same input, with the two documented
//! departures (a leaf key no handshake can use; a presented list over the limits).
//!
//! Also the fuzz fixtures: `fuzz_fixtures` checks the committed `fuzz/fixtures` and
//! `fuzz/seeds`, and rewrites them from this file's PKI when `CERTDEPS_WRITE_FUZZ_SEEDS=1`.

// Test helpers outside `#[test]` functions: a failed setup should panic.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use certdeps::{
    Endpoint, MAX_PRESENTED_BYTES, Pool, Report, TrustStore, Verifier, decode_certificates,
};
use pki_types::{CertificateDer, ServerName, TrustAnchor};
use proptest::prelude::*;
use test_pki::*;

// ---- the oracle ------------------------------------------------------------------------

/// Raw rustls-webpki on exactly what was presented, as a rustls client calls it
/// ([`oracle`]).
fn raw_webpki(
    presented: &[CertificateDer<'_>],
    anchor: &TrustAnchor<'_>,
    host: Option<&str>,
) -> Result<(), webpki::Error> {
    let name = host
        .map(|h| ServerName::try_from(h).map_err(|_| webpki::Error::BadDer))
        .transpose()?;
    oracle::raw_webpki(
        presented,
        std::slice::from_ref(anchor),
        name.as_ref(),
        None,
        now(),
    )
}

fn over_limits(presented: &[CertificateDer<'_>]) -> bool {
    let bytes = 3 + presented.iter().map(|c| 3 + c.len()).sum::<usize>();
    bytes > MAX_PRESENTED_BYTES
}

/// The verdict is webpki's (modulo the two departures), and the findings match the verdict
/// ([`oracle::assert_report`], which the fuzz targets check too).
fn check_report(report: &Report, presented: &[CertificateDer<'_>], host: Option<&str>) {
    let raw = (!over_limits(presented)).then(|| raw_webpki(presented, &world().anchor, host));
    oracle::assert_report(report, raw.as_ref());
}

// ---- the PKI ---------------------------------------------------------------------------

/// The fixture certificates, in the order of `fuzz/src/lib.rs`'s `FIXTURES` (index 0 is the
/// anchor), made once per process.
struct World {
    certs: Vec<(&'static str, CertificateDer<'static>)>,
    anchor: TrustAnchor<'static>,
    plain: Verifier,
    pooled: Verifier,
}

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let certs = make_fixtures();
        world_from(certs)
    })
}

fn world_from(certs: Vec<(&'static str, CertificateDer<'static>)>) -> World {
    let root = certs[0].1.clone();
    let anchor = webpki::anchor_from_trusted_cert(&root).unwrap().to_owned();
    let store = TrustStore::from_certificates("custom", [root]).unwrap();
    let mut pool = Pool::new();
    pool.extend(certs.iter().map(|(_, c)| c.clone()));
    World {
        plain: Verifier::builder(store.clone()).build().unwrap(),
        pooled: Verifier::builder(store)
            .with_intermediates(pool)
            .build()
            .unwrap(),
        certs,
        anchor,
    }
}

fn make_fixtures() -> Vec<(&'static str, CertificateDer<'static>)> {
    let root_a = Ca::root("certdeps Fuzz Root A");
    let inter_a = root_a.intermediate("certdeps Fuzz Intermediate A");
    let root_b = Ca::root("certdeps Fuzz Root B");
    let inter_b = root_b.intermediate("certdeps Fuzz Intermediate B");
    let pathlen0 = root_a.intermediate_with(CertSpec {
        ca: CaKind::PathLen(0),
        ..CertSpec::ca("certdeps Fuzz PathLen0")
    });
    let sub = pathlen0.intermediate("certdeps Fuzz Sub");
    let constrained = root_a.intermediate_with(CertSpec {
        permitted_dns: vec!["a.test".to_owned()],
        ..CertSpec::ca("certdeps Fuzz Constrained")
    });
    vec![
        ("00-root-a", root_a.der().clone()),
        ("01-inter-a", inter_a.der().clone()),
        (
            "02-leaf-a",
            inter_a.leaf_with(CertSpec {
                aia_ca_issuers: vec!["http://a.test/inter-a.der".to_owned()],
                ..CertSpec::leaf(&["a.test", "*.w.test", "192.0.2.1"])
            }),
        ),
        ("03-root-b", root_b.der().clone()),
        ("04-inter-b", inter_b.der().clone()),
        ("05-leaf-b", inter_b.leaf(&["b.test", "a.test"])),
        ("06-a-by-b", root_b.cross_sign(&root_a)),
        ("07-b-by-a", root_a.cross_sign(&root_b)),
        ("08-self-signed", self_signed_leaf(&["a.test"])),
        (
            "09-expired-leaf",
            inter_a.leaf_with(CertSpec {
                not_after: NOW - DAY,
                ..CertSpec::leaf(&["a.test"])
            }),
        ),
        (
            "10-client-auth-leaf",
            inter_a.leaf_with(CertSpec {
                eku: vec![Eku::ClientAuth],
                ..CertSpec::leaf(&["a.test"])
            }),
        ),
        ("11-inter-pathlen0", pathlen0.der().clone()),
        ("12-sub-inter", sub.der().clone()),
        ("13-leaf-too-deep", sub.leaf(&["a.test"])),
        (
            "14-leaf-ed25519",
            inter_a.leaf_with(CertSpec {
                key: KeyType::Ed25519,
                ..CertSpec::leaf(&["a.test"])
            }),
        ),
        (
            "15-leaf-rsa1024",
            inter_a.leaf_with(CertSpec {
                key: KeyType::Rsa1024,
                ..CertSpec::leaf(&["a.test"])
            }),
        ),
        ("16-inter-constrained", constrained.der().clone()),
        ("17-leaf-excluded", constrained.leaf(&["b.test"])),
    ]
}

/// Presented lists the mutations start from, as fixture indices: healthy, with the root,
/// cross-signed, untrusted root, self-signed, expired, wrong purpose, path length, weak leaf
/// key, Ed25519, name constraints, incomplete.
const BASES: &[&[usize]] = &[
    &[2, 1],
    &[2, 1, 0],
    &[2, 1, 6, 3],
    &[5, 4, 7],
    &[5, 4, 3],
    &[8],
    &[9, 1],
    &[10, 1],
    &[13, 12, 11],
    &[15, 1],
    &[14, 1],
    &[17, 16],
    &[2],
];

/// Hosts the properties check against; `None` checks the chain alone.
const HOSTS: &[Option<&str>] = &[
    Some("a.test"),
    Some("x.w.test"),
    Some("192.0.2.1"),
    Some("b.test"),
    None,
];

// ---- mutations -------------------------------------------------------------------------

#[derive(Clone, Debug)]
enum Op {
    FlipBit(usize, usize),
    Truncate(usize, usize),
    Swap(usize, usize),
    Repeat(usize),
    Remove(usize),
    Insert(usize, usize),
    Shuffle(u64),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (any::<usize>(), any::<usize>()).prop_map(|(c, b)| Op::FlipBit(c, b)),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(c, n)| Op::Truncate(c, n)),
        2 => (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Op::Swap(a, b)),
        2 => any::<usize>().prop_map(Op::Repeat),
        1 => any::<usize>().prop_map(Op::Remove),
        2 => (any::<usize>(), any::<usize>()).prop_map(|(at, f)| Op::Insert(at, f)),
        1 => any::<u64>().prop_map(Op::Shuffle),
    ]
}

fn apply(list: &mut Vec<CertificateDer<'static>>, op: &Op) {
    let fixtures = &world().certs;
    let n = list.len();
    match *op {
        Op::Insert(at, f) => {
            let cert = fixtures[f % fixtures.len()].1.clone();
            list.insert(at % (n + 1), cert);
        }
        _ if n == 0 => {}
        // An earlier truncation may have left nothing to flip or cut.
        Op::FlipBit(c, _) | Op::Truncate(c, _) if list[c % n].is_empty() => {}
        Op::FlipBit(c, bit) => {
            let mut der = list[c % n].to_vec();
            let bit = bit % (der.len() * 8);
            der[bit / 8] ^= 1 << (bit % 8);
            list[c % n] = CertificateDer::from(der);
        }
        Op::Truncate(c, len) => {
            let mut der = list[c % n].to_vec();
            der.truncate(len % der.len());
            list[c % n] = CertificateDer::from(der);
        }
        Op::Swap(a, b) => list.swap(a % n, b % n),
        Op::Repeat(c) => {
            let cert = list[c % n].clone();
            list.insert(c % n, cert);
        }
        Op::Remove(c) => {
            list.remove(c % n);
        }
        Op::Shuffle(seed) => {
            // Fisher-Yates with a small xorshift: deterministic for a given seed.
            let mut x = seed | 1;
            for i in (1..n).rev() {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                list.swap(i, (x % (i as u64 + 1)) as usize);
            }
        }
    }
}

fn base(index: usize) -> Vec<CertificateDer<'static>> {
    let fixtures = &world().certs;
    BASES[index % BASES.len()]
        .iter()
        .map(|&i| fixtures[i].1.clone())
        .collect()
}

fn check_both(presented: &[CertificateDer<'static>], host: Option<&str>) {
    let world = world();
    let endpoint = host.map(|h| Endpoint::parse(h).unwrap());
    let check = |v: &Verifier| match &endpoint {
        Some(e) => v.check(e, presented, now()),
        None => v.check_chain(presented, now()),
    };
    let report = check(&world.plain);
    check_report(&report, presented, host);
    let pooled = check(&world.pooled);
    check_report(&pooled, presented, host);
    assert_eq!(
        pooled.is_trusted(),
        report.is_trusted(),
        "the pool changed the verdict"
    );
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 512,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Mutated certificate lists: the verdict is webpki's and nothing panics.
    #[test]
    fn mutated_chains_agree_with_webpki(
        start in 0..BASES.len(),
        host in 0..HOSTS.len(),
        ops in proptest::collection::vec(op(), 0..6),
    ) {
        let mut presented = base(start);
        for op in &ops {
            apply(&mut presented, op);
        }
        check_both(&presented, HOSTS[host]);
    }

    /// Mutated PEM text (a byte changed, a cut, line endings rewritten): decoding never
    /// panics, and whatever decodes gets webpki's verdict.
    #[test]
    fn mutated_pem_never_panics(
        start in 0..BASES.len(),
        host in 0..HOSTS.len(),
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..4),
        cut in proptest::option::of(any::<usize>()),
        crlf in any::<bool>(),
    ) {
        let refs: Vec<CertificateDer<'static>> = base(start);
        let mut text = pem_bundle(&refs.iter().collect::<Vec<_>>()).into_bytes();
        if crlf {
            text = String::from_utf8(text).unwrap().replace('\n', "\r\n").into_bytes();
        }
        for (at, byte) in edits {
            let at = at % text.len();
            text[at] = byte;
        }
        if let Some(cut) = cut {
            text.truncate(cut % (text.len() + 1));
        }
        if let Ok(presented) = decode_certificates(&text) {
            check_both(&presented, HOSTS[host]);
        }
    }
}

/// Every base list, unmutated, with every host: the starting points themselves agree.
#[test]
fn bases_agree_with_webpki() {
    for start in 0..BASES.len() {
        for host in HOSTS {
            check_both(&base(start), *host);
        }
    }
    // The healthy chain is trusted, so the mutations start from a trusted verdict.
    let report = world()
        .plain
        .check(&Endpoint::parse("a.test").unwrap(), &base(0), now());
    assert!(report.is_trusted(), "{report}");
}

// ---- fuzz fixtures and seeds -----------------------------------------------------------

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz")
}

/// Seeds for `fuzz/fuzz_targets/chain.rs`, in `certdeps_fuzz::frame`'s format: a host byte
/// (an index into its `HOSTS`: 0 a.test, 1 x.w.test, 2 192.0.2.1, 3 b.test, 5 none), then
/// fixture indices, `0xff` switching to the pool.
const CHAIN_SEEDS: &[(&str, &[u8])] = &[
    ("healthy", &[0, 2, 1]),
    ("healthy-wildcard", &[1, 2, 1]),
    ("healthy-ip", &[2, 2, 1]),
    ("with-root", &[0, 2, 1, 0]),
    ("cross-signed", &[0, 2, 1, 6, 3]),
    ("untrusted-root", &[3, 5, 4, 3]),
    ("cross-cycle", &[3, 5, 4, 7, 6, 3, 0]),
    ("incomplete", &[0, 2]),
    ("incomplete-pool", &[0, 2, 0xff, 1, 4, 6, 7]),
    ("self-signed", &[0, 8]),
    ("expired", &[0, 9, 1]),
    ("client-auth", &[0, 10, 1]),
    ("path-length", &[0, 13, 12, 11]),
    ("ed25519", &[0, 14, 1]),
    ("rsa1024", &[0, 15, 1]),
    ("name-constraints", &[3, 17, 16]),
    ("out-of-order", &[0, 13, 11, 12]),
    ("mutated", &[0, 2, 0x80, 1, 0, 40, 1]),
    ("no-host", &[5, 2, 1]),
];

/// A synthesised-certificate item of the `chain` frame (`certdeps_fuzz::frame`, whose `Synth`
/// documents the bytes): `[flags, subject, issuer, empty extensions / 4, odd extension kind,
/// its length, dNSNames / 64]`, names below 18 being the fixtures' subjects (1 the leaf's
/// issuer, inter-a), 18 the empty name and 19.. `CN=n1`...
fn synth(params: [u8; 7]) -> Vec<u8> {
    [&[0xe0][..], &params].concat()
}

/// The frame item repeating the previous one `count` more times.
fn repeat(count: u16) -> Vec<u8> {
    [&[0xfe][..], &count.to_be_bytes()].concat()
}

/// Seeds for the hostile shapes synthesised certificates describe, each a list a server could
/// send that once made certdeps (not webpki) take seconds.
fn hostile_chain_seeds() -> Vec<(&'static str, Vec<u8>)> {
    let v1_junk = synth([0x00, 1, 1, 175, 1, 0, 0]);
    // The leaf's issuer name, then n1 -> n2 -> ... -> n9 -> the leaf's issuer again.
    let cycle = (0..10u8).flat_map(|i| {
        let name = |k: u8| if k % 10 == 0 { 1 } else { 18 + k % 10 };
        synth([0x41, name(i), name(i + 1), 0, 0, 0, 0])
    });
    let tiny_decoy = synth([0x80, 1, 0, 0, 0, 0, 0]);
    let mut seeds = vec![
        (
            "v1-empty-extensions-bad-oid",
            [vec![0, 2], v1_junk.repeat(10)].concat(),
        ),
        (
            "issuer-cycle-pool",
            [
                vec![0, 2],
                cycle.collect(),
                vec![0x80, 1, 0, 40, 0, 0xff, 1],
            ]
            .concat(),
        ),
        (
            "same-subject-decoys",
            [vec![0, 2], tiny_decoy, repeat(481), vec![1]].concat(),
        ),
        (
            "many-sans",
            [vec![0], synth([0x0b, 2, 1, 0, 0, 0, 157]), vec![1]].concat(),
        ),
        (
            "tiny-certificates",
            [vec![0, 2, 1, 0xc0, 0, 2, 0x30, 0], repeat(12_000)].concat(),
        ),
        (
            "forged-intermediate",
            [vec![0, 2], synth([0x4b, 1, 0, 0, 0, 0, 0])].concat(),
        ),
    ];
    // A leaf with a few empty extensions, then each kind of odd extension.
    let odd = [
        ("odd-extension-bad-oid", 1),
        ("odd-extension-long-oid", 2),
        ("odd-extension-huge-arc", 3),
        ("odd-extension-empty-oid", 4),
        ("odd-extension-not-oid", 5),
        ("odd-extension-overrun", 6),
        ("odd-extension-critical", 7),
    ];
    for (name, kind) in odd {
        let leaf = synth([0x0b, 2, 1, 2, kind, 200, 0]);
        seeds.push((name, [vec![0], leaf, vec![1]].concat()));
    }
    seeds
}

/// The committed fuzz fixtures are the ones `fuzz/src/lib.rs` expects and still make a
/// trusted chain at the fixed time; with `CERTDEPS_WRITE_FUZZ_SEEDS=1`, regenerates them and
/// the seed corpora first (new keys: commit the result).
#[test]
fn fuzz_fixtures() {
    let dir = fuzz_dir();
    if std::env::var_os("CERTDEPS_WRITE_FUZZ_SEEDS").is_some() {
        write_fuzz_files(&dir, &world().certs);
    }
    let fixtures = dir.join("fixtures");
    if !fixtures.is_dir() {
        tell(&format!(
            "skipped: {} is missing (set CERTDEPS_WRITE_FUZZ_SEEDS=1)",
            fixtures.display()
        ));
        return;
    }
    let names: Vec<&str> = world().certs.iter().map(|(n, _)| *n).collect();
    let certs: Vec<(&'static str, CertificateDer<'static>)> = names
        .iter()
        .map(|name| {
            let path = fixtures.join(format!("{name}.der"));
            let der = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (*name, CertificateDer::from(der))
        })
        .collect();
    let committed = world_from(certs);
    let healthy: Vec<CertificateDer<'static>> = [2, 1]
        .iter()
        .map(|&i| committed.certs[i].1.clone())
        .collect();
    let report = committed
        .plain
        .check(&Endpoint::parse("a.test").unwrap(), &healthy, now());
    assert!(
        report.is_trusted(),
        "committed fuzz fixtures no longer verify:\n{report}"
    );
    assert!(raw_webpki(&healthy, &committed.anchor, Some("a.test")).is_ok());
    for target in ["decode", "endpoint", "chain", "check"] {
        let seeds = dir.join("seeds").join(target);
        let count = std::fs::read_dir(&seeds).map(|d| d.count()).unwrap_or(0);
        assert!(count > 0, "no seeds in {}", seeds.display());
    }
}

fn write_fuzz_files(dir: &Path, certs: &[(&'static str, CertificateDer<'static>)]) {
    let write = |path: PathBuf, bytes: &[u8]| {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    };
    for (name, der) in certs {
        write(dir.join("fixtures").join(format!("{name}.der")), der);
    }
    let seeds = dir.join("seeds");
    for (name, bytes) in CHAIN_SEEDS {
        write(seeds.join("chain").join(name), bytes);
    }
    for (name, bytes) in hostile_chain_seeds() {
        write(seeds.join("chain").join(name), &bytes);
    }
    let healthy = [&certs[2].1, &certs[1].1];
    let pem = pem_bundle(&healthy);
    write(seeds.join("decode").join("bundle-lf"), pem.as_bytes());
    write(
        seeds.join("decode").join("bundle-crlf-text"),
        format!("subject=CN = a.test\r\n{}", pem.replace('\n', "\r\n")).as_bytes(),
    );
    write(seeds.join("decode").join("der"), &certs[2].1);
    for (name, url) in [
        ("url", "https://a.test/path?q=1"),
        ("host-port", "a.test:8443"),
        ("ipv6", "[2001:db8::1]:443"),
        ("idna", "ldaps://B\u{fc}cher.example./"),
        ("ipv4", "192.0.2.1"),
    ] {
        write(seeds.join("endpoint").join(name), url.as_bytes());
    }
    write(
        seeds.join("check").join("healthy"),
        format!("https://a.test/\n{pem}").as_bytes(),
    );
    write(
        seeds.join("check").join("wildcard-crlf"),
        format!("x.w.test:443\n{}", pem.replace('\n', "\r\n")).as_bytes(),
    );
    let mut der_seed = b"192.0.2.1\n".to_vec();
    der_seed.extend_from_slice(&certs[2].1);
    write(seeds.join("check").join("der-ip"), &der_seed);
}
