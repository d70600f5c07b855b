//! Presented lists a hostile server chooses, and huge offline inputs: each test builds its
//! input here (nothing is committed) and asserts what the input must not change: the
//! verdict is raw webpki's, the findings are the usual ones, and the reports grow at most
//! linearly with the input, with per-certificate findings capped. No test asserts on time;
//! sizes and counts are what the work is bounded by.

// Test helpers outside `#[test]` functions: a failed setup should panic.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use certdeps::{
    Budget, Code, Endpoint, Evidence, MAX_PRESENTED_BYTES, Pool, Report, TrustStore, Verifier,
};
use pki_types::{CertificateDer, ServerName, TrustAnchor};
use test_pki::{Ca, CertSpec, now};

// ---- DER by hand -----------------------------------------------------------------------

fn tlv(tag: u8, body: &[u8]) -> Vec<u8> {
    let len = body.len();
    let mut out = vec![tag];
    match len {
        0..0x80 => out.push(len as u8),
        0x80..0x100 => out.extend([0x81, len as u8]),
        0x100..0x1_0000 => out.extend([0x82, (len >> 8) as u8, len as u8]),
        _ => out.extend([0x83, (len >> 16) as u8, (len >> 8) as u8, len as u8]),
    }
    out.extend_from_slice(body);
    out
}

fn seq(parts: &[&[u8]]) -> Vec<u8> {
    tlv(0x30, &parts.concat())
}

/// The TLVs inside the TLV at the start of `der`, each whole.
fn children(der: &[u8]) -> Vec<&[u8]> {
    let header = |at: &[u8]| -> (usize, usize) {
        let first = at[1];
        if first < 0x80 {
            return (2, usize::from(first));
        }
        let n = usize::from(first & 0x7f);
        let len = at[2..2 + n]
            .iter()
            .fold(0, |acc, &b| acc << 8 | usize::from(b));
        (2 + n, len)
    };
    let (start, len) = header(der);
    let mut body = &der[start..start + len];
    let mut out = Vec::new();
    while !body.is_empty() {
        let (h, l) = header(body);
        out.push(&body[..h + l]);
        body = &body[h + l..];
    }
    out
}

/// The issuer Name (whole TLV) of a certificate.
fn issuer_of(cert: &[u8]) -> Vec<u8> {
    let tbs = children(cert)[0];
    let fields = children(tbs);
    let skip = usize::from(fields[0][0] == 0xa0);
    fields[skip + 2].to_vec()
}

fn cn(name: &str) -> Vec<u8> {
    let atv = seq(&[&tlv(0x06, &[0x55, 4, 3]), &tlv(0x0c, name.as_bytes())]);
    seq(&[&tlv(0x31, &atv)])
}

/// 2020-01-01 .. 2040-01-01 when `current`, else 2020-01-01 .. 2021-01-01 (UTCTime).
fn validity(current: bool) -> Vec<u8> {
    let end: &[u8] = if current {
        b"400101000000Z"
    } else {
        b"210101000000Z"
    };
    seq(&[&tlv(0x17, b"200101000000Z"), &tlv(0x17, end)])
}

/// A certificate signed by nobody, as small as a certificate gets (about 130 bytes): `n`
/// (below 65,536) makes its serial and Ed25519 key distinct.
fn unsigned(n: u32, issuer: &[u8], subject: &[u8], current: bool, extra: &[u8]) -> Vec<u8> {
    let ed25519 = seq(&[&tlv(0x06, &[0x2b, 0x65, 0x70])]);
    let mut key = vec![0];
    key.extend(n.to_be_bytes().repeat(8));
    let spki = seq(&[&ed25519, &tlv(0x03, &key)]);
    let serial = tlv(0x02, &(0x01_0000 | n).to_be_bytes()[1..]);
    let validity = validity(current);
    let tbs = seq(&[&serial, &ed25519, issuer, &validity, subject, &spki, extra]);
    seq(&[&tbs, &ed25519, &tlv(0x03, &[0])])
}

/// A version-1 certificate, self-issued under `name`, carrying what a v1 certificate may
/// not: 700 empty extensions, then one whose extnID is not an OID (`06 01 80`).
fn v1_decoy(n: u32, name: &[u8]) -> CertificateDer<'static> {
    let mut list = [0x30, 0x00].repeat(700);
    list.extend(seq(&[&[0x06, 0x01, 0x80], &tlv(0x04, &[])]));
    let extensions = tlv(0xa3, &tlv(0x30, &list));
    CertificateDer::from(unsigned(n, name, name, true, &extensions))
}

/// A tiny expired certificate: distinct by `n`, issued by an "Old CA" nobody has.
fn tiny_expired(n: u32) -> CertificateDer<'static> {
    CertificateDer::from(unsigned(
        n,
        &cn("Old CA"),
        &cn(&format!("c{n}")),
        false,
        &[],
    ))
}

// ---- running both ----------------------------------------------------------------------

struct Setup {
    root: Ca,
    verifier: Verifier,
}

impl Setup {
    fn new(root: Ca, pool: Option<Vec<CertificateDer<'static>>>) -> Self {
        Self::with_budget(root, pool, Budget::default())
    }

    fn with_budget(root: Ca, pool: Option<Vec<CertificateDer<'static>>>, budget: Budget) -> Self {
        let store = TrustStore::from_certificates("custom", [root.der().clone()]).unwrap();
        let mut builder = Verifier::builder(store).with_budget(budget);
        if let Some(pool) = pool {
            let mut known = Pool::new();
            known.extend(pool);
            builder = builder.with_intermediates(known);
        }
        Self {
            root,
            verifier: builder.build().unwrap(),
        }
    }

    /// certdeps' report, and raw webpki's answer on the same list.
    fn check(
        &self,
        host: Option<&str>,
        presented: &[CertificateDer<'_>],
    ) -> (Report, Result<(), webpki::Error>) {
        let report = match host {
            Some(host) => {
                let endpoint = Endpoint::parse(host).unwrap();
                self.verifier.check(&endpoint, presented, now())
            }
            None => self.verifier.check_chain(presented, now()),
        };
        let anchor: TrustAnchor<'_> = webpki::anchor_from_trusted_cert(self.root.der()).unwrap();
        let name = host.map(|h| ServerName::try_from(h).unwrap());
        let raw = oracle::raw_webpki(presented, &[anchor], name.as_ref(), None, now());
        (report, raw)
    }
}

/// The verdict is raw webpki's: trusted exactly when webpki trusts, and refused for the
/// reason webpki gives.
#[track_caller]
fn assert_webpkis_verdict(report: &Report, raw: &Result<(), webpki::Error>, code: Code) {
    assert_eq!(report.is_trusted(), raw.is_ok(), "{raw:?}\n{report}");
    let rejection = report.verdict().rejection().expect("refused");
    assert_eq!(rejection.code, code, "{raw:?}\n{report}");
    assert!(report.has(code), "{report}");
}

const HOST: &str = "a.test";

fn expired_leaf(ca: &Ca) -> CertificateDer<'static> {
    ca.leaf_with(CertSpec {
        not_before: test_pki::CA_NOT_BEFORE,
        not_after: test_pki::CA_NOT_BEFORE + 86_400,
        ..CertSpec::leaf(&[HOST])
    })
}

// ---- presented lists -------------------------------------------------------------------

/// An expired leaf, then ten v1 decoys named like its issuer, each with 700 empty
/// extensions and a broken extnID: webpki answers at the leaf; certdeps says what it says.
#[test]
fn v1_decoys_with_hostile_extensions_behind_an_expired_leaf() {
    let root = Ca::root("certdeps Hostile Root");
    let inter = root.intermediate("certdeps Hostile Intermediate");
    let leaf = expired_leaf(&inter);
    let name = issuer_of(&leaf);
    let mut presented = vec![leaf];
    presented.extend((0..10).map(|n| v1_decoy(n, &name)));
    let setup = Setup::new(root, None);
    let (report, raw) = setup.check(Some(HOST), &presented);
    assert!(
        matches!(raw, Err(webpki::Error::CertExpired { .. })),
        "{raw:?}"
    );
    assert_webpkis_verdict(&report, &raw, Code::Expired);
    // A decoy reads as self-signed: the path assembly explains ends in it.
    assert_eq!(
        report.codes(),
        [Code::Expired, Code::UntrustedRoot],
        "{report}"
    );
}

/// The same decoys behind a valid leaf: webpki finds no issuer among them.
#[test]
fn v1_decoys_with_hostile_extensions_behind_a_valid_leaf() {
    let root = Ca::root("certdeps Hostile Root");
    let inter = root.intermediate("certdeps Hostile Intermediate");
    let leaf = inter.leaf(&[HOST]);
    let name = issuer_of(&leaf);
    let mut presented = vec![leaf];
    presented.extend((0..10).map(|n| v1_decoy(n, &name)));
    let setup = Setup::new(root, None);
    let (report, raw) = setup.check(Some(HOST), &presented);
    assert!(
        matches!(raw, Err(webpki::Error::UnsupportedCertVersion)),
        "{raw:?}"
    );
    assert_webpkis_verdict(&report, &raw, Code::MalformedCertificate);
    assert_eq!(
        report.codes(),
        [Code::MalformedCertificate, Code::UntrustedRoot],
        "{report}"
    );
}

/// The decoys again, with the leaf's real issuer only in the pool: webpki refuses the v1
/// decoys, and the explanation is the same as without the pool.
#[test]
fn v1_decoys_with_the_real_issuer_in_the_pool() {
    let root = Ca::root("certdeps Hostile Root");
    let inter = root.intermediate("certdeps Hostile Intermediate");
    let leaf = inter.leaf(&[HOST]);
    let name = issuer_of(&leaf);
    let mut presented = vec![leaf];
    presented.extend((0..10).map(|n| v1_decoy(n, &name)));
    let setup = Setup::new(root, Some(vec![inter.der().clone()]));
    let (report, raw) = setup.check(Some(HOST), &presented);
    assert_webpkis_verdict(&report, &raw, Code::MalformedCertificate);
    assert_eq!(
        report.codes(),
        [Code::MalformedCertificate, Code::UntrustedRoot],
        "{report}"
    );
}

/// A leaf sent with 100 unrelated CA certificates and without its issuer, which the pool
/// has: the fix is confirmed with webpki on the completed path alone, and offered.
#[test]
fn junk_with_the_real_issuer_in_the_pool() {
    let root = Ca::root("certdeps Hostile Root");
    let inter = root.intermediate("certdeps Hostile Intermediate");
    let junk = Ca::root("certdeps Junk CA");
    let mut presented = vec![inter.leaf(&[HOST])];
    presented.extend((0..100).map(|n| rekeyed(junk.der(), n)));
    let setup = Setup::new(root, Some(vec![inter.der().clone()]));
    let (report, raw) = setup.check(Some(HOST), &presented);
    assert_webpkis_verdict(&report, &raw, Code::IncompleteChain);
    let finding = report.finding(Code::IncompleteChain).unwrap();
    assert!(
        finding
            .message()
            .contains("adding 1 certificate makes the chain trusted"),
        "{finding}"
    );
    let Evidence::MissingIssuer { add, .. } = &finding.evidence else {
        panic!("{finding:?}");
    };
    assert_eq!(add.len(), 1);
    assert_bounded_text(&report, presented.len());
}

/// A self-issued cycle under the leaf's issuer name, a dead end first, and the real issuer
/// only in the pool: webpki spends its path-building budget on the cycle, so certdeps does
/// not run it again to confirm the pool's fix, and says the fix is unconfirmed.
#[test]
fn issuer_cycle_with_the_real_issuer_in_the_pool() {
    let root = Ca::root("certdeps Hostile Root");
    let inter = root.intermediate("certdeps Looping CA");
    // Named like the leaf's issuer, and issued under that name by another key: each is
    // self-issued but not self-signed, so webpki (and assembly) look for its issuer.
    let looped = Ca::root("certdeps Looping CA").intermediate("certdeps Looping CA");
    // Named like it too, issued by a CA nobody has: the path assembly explains.
    let dead_end = Ca::root("certdeps Gone CA").intermediate("certdeps Looping CA");
    let leaf = inter.leaf(&[HOST]);
    let mut presented = vec![leaf, dead_end.der().clone()];
    presented.extend((0..10).map(|n| rekeyed(looped.der(), n)));
    // Assembly stops at three certificates, so that it leaves the cycle for the pool.
    let mut budget = Budget::default();
    budget.max_depth = 3;
    let setup = Setup::with_budget(root, Some(vec![inter.der().clone()]), budget);
    let (report, raw) = setup.check(Some(HOST), &presented);
    println!("raw webpki: {raw:?}");
    let rejection = report.verdict().rejection().expect("refused");
    assert_eq!(rejection.webpki(), format!("{:?}", raw.unwrap_err()));
    assert_eq!(rejection.code, Code::BudgetExceeded, "{report}");
    let finding = report.finding(Code::IncompleteChain).unwrap();
    assert!(
        finding.message().contains("could not be confirmed"),
        "{finding}"
    );
    let Evidence::MissingIssuer { add, bundle, .. } = &finding.evidence else {
        panic!("{finding:?}");
    };
    assert_eq!(add.len(), 1, "the fix is still offered");
    assert!(bundle.is_some());
}

/// An expired leaf behind 482 tiny certificates named like its issuer: as many as a TLS
/// client receives ([`MAX_PRESENTED_BYTES`]), so webpki runs on them all.
#[test]
fn expired_leaf_behind_482_same_subject_decoys() {
    let root = Ca::root("certdeps Hostile Root");
    let inter = root.intermediate("H");
    let leaf = expired_leaf(&inter);
    let name = issuer_of(&leaf);
    let mut presented = vec![leaf];
    presented
        .extend((0..482).map(|n| CertificateDer::from(unsigned(n, &cn("x"), &name, true, &[]))));
    let bytes = presented.iter().map(|c| 3 + c.len()).sum::<usize>() + 3;
    assert!(bytes <= MAX_PRESENTED_BYTES, "{bytes} bytes");
    let setup = Setup::new(root, None);
    let (report, raw) = setup.check(Some(HOST), &presented);
    assert_webpkis_verdict(&report, &raw, Code::Expired);
    println!("{:?}", report.codes());
    assert!(report.findings().len() <= 4, "{:?}", report.codes());
    assert_bounded_text(&report, presented.len());
}

// ---- names -----------------------------------------------------------------------------

/// A 50 KB leaf with 10,000 names, none the host: each name is in the JSON once (in the
/// leaf's entry), and webpki's words count them instead of repeating them.
#[test]
fn leaf_with_10000_names_says_each_once() {
    let root = Ca::root("certdeps Hostile Root");
    let inter = root.intermediate("certdeps Hostile Intermediate");
    let names: Vec<String> = (0..10_000).map(base36).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let leaf = inter.leaf_with(CertSpec {
        cn: String::new(),
        ..CertSpec::leaf(&refs)
    });
    println!("leaf with 10,000 names: {} bytes", leaf.len());
    let presented = vec![leaf, inter.der().clone()];
    let setup = Setup::new(root, None);
    let (report, raw) = setup.check(Some("other.a.test"), &presented);
    assert_webpkis_verdict(&report, &raw, Code::NameMismatch);
    assert_eq!(report.codes(), [Code::NameMismatch], "{report}");

    let webpki = report.verdict().rejection().unwrap().webpki();
    assert!(webpki.contains("CertNotValidForName"), "{webpki}");
    assert!(webpki.contains("10000 names"), "{webpki}");
    assert!(!webpki.contains(&names[5_000]), "{webpki}");

    let json = report.to_json();
    let text = json.to_string();
    let quoted = format!("\"{}\"", names[5_000]);
    assert_eq!(text.matches(&quoted).count(), 1, "listed once");
    assert_eq!(
        json["presented"][0]["san"].as_array().unwrap().len(),
        10_000
    );
    let evidence = &json["findings"][0]["evidence"];
    assert_eq!(evidence["kind"], "names");
    assert_eq!(evidence["san"].as_array().unwrap().len(), 10);
    assert_eq!(evidence["san_count"], 10_000);
    // The names once, about 8 bytes each, and the rest of the report.
    println!("json {} B, text {} B", text.len(), report.to_string().len());
    assert!(text.len() < 100_000 + 10 * names.len(), "{}", text.len());
    assert!(report.to_string().len() < 8_000);
    // The Rust evidence keeps them all.
    let Evidence::Names { san, .. } = &report.findings()[0].evidence else {
        panic!()
    };
    assert_eq!(san.len(), 10_000);
}

// ---- huge offline input ----------------------------------------------------------------

/// Tens of thousands of distinct tiny expired certificates, as a PEM file given to the
/// `check` example holds them: ten `expired-in-chain` findings, then one that counts the
/// rest; the same findings for 2,000 and 4,000, and reports linear in the count.
#[test]
fn tens_of_thousands_of_expired_certificates() {
    let setup = Setup::new(Ca::root("certdeps Hostile Root"), None);
    let mut sizes = Vec::new();
    for n in [2_000, 4_000, 30_000] {
        let presented: Vec<CertificateDer<'static>> = (0..n).map(tiny_expired).collect();
        let (report, _) = setup.check(None, &presented);
        assert!(!report.is_trusted());
        let expired: Vec<_> = report
            .findings()
            .iter()
            .filter(|f| f.code == Code::ExpiredInChain)
            .collect();
        assert_eq!(expired.len(), 11, "{:?}", report.codes());
        for (f, i) in expired.iter().take(10).zip(1..) {
            assert_eq!(f.certificate, Some(i), "in order, one by one");
        }
        let rest = expired[10];
        let more = n as usize - 11;
        assert_eq!(rest.certificate, None);
        assert!(
            rest.message()
                .starts_with(&format!("and {more} more expired")),
            "{rest}"
        );
        let Evidence::Certificates { indices } = &rest.evidence else {
            panic!("{rest:?}");
        };
        assert_eq!(indices.len(), more);
        assert_eq!(indices.first(), Some(&11));
        let text = assert_bounded_text(&report, presented.len());
        let json = report.to_json().to_string().len();
        println!(
            "{n} certificates: {} findings, text {text} B, json {json} B",
            report.findings().len()
        );
        sizes.push((report.codes(), text, json));
    }
    let (small, large) = (&sizes[0], &sizes[1]);
    assert_eq!(small.0, large.0, "the same findings");
    assert_eq!(small.1, large.1, "the same human report, bar counts");
    // Linear: twice the certificates, about twice the JSON, never four times.
    assert!(large.2 < small.2 * 5 / 2, "{} vs {}", small.2, large.2);
}

/// Thousands of entries that are not certificates at all: ten `malformed-certificate`
/// findings, then one that counts the rest.
#[test]
fn thousands_of_unparsable_entries() {
    let setup = Setup::new(Ca::root("certdeps Hostile Root"), None);
    let mut presented = vec![tiny_expired(0)];
    presented.extend((0..3_000u32).map(|n| CertificateDer::from(tlv(0x04, &n.to_be_bytes()))));
    let (report, _) = setup.check(None, &presented);
    let malformed: Vec<_> = report
        .findings()
        .iter()
        .filter(|f| f.code == Code::MalformedCertificate)
        .collect();
    assert_eq!(malformed.len(), 11, "{:?}", report.codes());
    assert_eq!(malformed[9].certificate, Some(10));
    let rest = malformed[10];
    assert!(rest.message().starts_with("and 2990 more"), "{rest}");
    let Evidence::Certificates { indices } = &rest.evidence else {
        panic!("{rest:?}");
    };
    assert_eq!(indices.len(), 2_990);
    assert!(!report.has(Code::ExtraCertificates), "{report}");
    assert_bounded_text(&report, presented.len());
}

// ---- helpers ---------------------------------------------------------------------------

/// The human report describes a screenful whatever the list's length; returns its size.
#[track_caller]
fn assert_bounded_text(report: &Report, presented: usize) -> usize {
    let text = report.to_string();
    let described = text.lines().filter(|l| l.starts_with("  [")).count();
    assert_eq!(described, presented.min(20), "{text}");
    if presented > 20 {
        assert!(
            text.contains(&format!("  ... and {} more", presented - 20)),
            "{text}"
        );
    }
    assert!(text.len() < 20_000, "{} B:\n{text}", text.len());
    // Counts differ in width between runs; the size of the rest does not.
    text.len() - text.matches(char::is_numeric).count()
}

/// `certificate` with `n` written into the last bytes of its key: a distinct key (and so a
/// distinct certificate to webpki's loop check) whose signature no longer verifies.
fn rekeyed(certificate: &[u8], n: u32) -> CertificateDer<'static> {
    let tbs = children(certificate)[0];
    let fields = children(tbs);
    let skip = usize::from(fields[0][0] == 0xa0);
    let spki = fields[skip + 5];
    let key = children(spki)[1];
    let at = key.as_ptr() as usize - certificate.as_ptr() as usize + key.len();
    let mut der = certificate.to_vec();
    der[at - 4..at].copy_from_slice(&n.to_be_bytes());
    CertificateDer::from(der)
}

/// `n` in base 36, three digits: 10,000 short distinct DNS labels.
fn base36(n: usize) -> String {
    let digit = |d: usize| char::from_digit(d as u32, 36).unwrap();
    [n / 1296 % 36, n / 36 % 36, n % 36]
        .into_iter()
        .map(digit)
        .collect()
}
