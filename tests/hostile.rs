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
use test_pki::hostile::{Decoyed, Shape, short_names, tiny_expired, tlv};
use test_pki::{Ca, CertSpec, now};

// ---- running both ----------------------------------------------------------------------

struct Setup {
    root: Ca,
    verifier: Verifier,
}

impl Setup {
    /// The shape's anchor, and its pool when it has one.
    fn of(shape: Shape) -> Self {
        Self::with_budget_of(shape, Budget::default())
    }

    fn with_budget_of(shape: Shape, budget: Budget) -> Self {
        let pool = (!shape.pool.is_empty()).then_some(shape.pool);
        Self::with_budget(shape.root, pool, budget)
    }

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

const HOST: &str = Shape::HOST;

// ---- presented lists -------------------------------------------------------------------

/// An expired leaf, then ten v1 decoys named like its issuer, each with 700 empty
/// extensions and a broken extnID: webpki answers at the leaf; certdeps says what it says.
#[test]
fn v1_decoys_with_hostile_extensions_behind_an_expired_leaf() {
    let shape = Shape::v1_decoys(Decoyed::ExpiredLeaf);
    let presented = shape.presented.clone();
    let setup = Setup::of(shape);
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
    let shape = Shape::v1_decoys(Decoyed::ValidLeaf);
    let presented = shape.presented.clone();
    let setup = Setup::of(shape);
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
    let shape = Shape::v1_decoys(Decoyed::IssuerInPool);
    let presented = shape.presented.clone();
    let setup = Setup::of(shape);
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
    let shape = Shape::junk_with_issuer_in_pool(100);
    let presented = shape.presented.clone();
    let setup = Setup::of(shape);
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
    let shape = Shape::issuer_cycle_with_issuer_in_pool(0);
    let presented = shape.presented.clone();
    // Assembly stops at three certificates, so that it leaves the cycle for the pool.
    let mut budget = Budget::default();
    budget.max_depth = 3;
    let setup = Setup::with_budget_of(shape, budget);
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
    let shape = Shape::expired_leaf_behind_482_decoys();
    let presented = shape.presented.clone();
    let bytes = presented.iter().map(|c| 3 + c.len()).sum::<usize>() + 3;
    assert!(bytes <= MAX_PRESENTED_BYTES, "{bytes} bytes");
    let setup = Setup::of(shape);
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
    let names = short_names(10_000);
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
