//! A verdict per kind of client: for each everyday failure, every built-in profile's
//! outcome, derived from what the check established.
#![cfg(feature = "aia")]
// Test setup: a failure should panic.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use certdeps::{
    Acceptance, Aia, CertificateDer, Code, Endpoint, Profile, Report, TrustStore, Verifier,
};
use test_pki::hostile::{children, seq, tlv};
use test_pki::http::{Reply, Server};
use test_pki::{Ca, CertSpec, now};

use Acceptance::{Fails, Passes, Unknown};

const HOST: &str = "api.profiles.test";

fn check(store: &Ca, presented: &[CertificateDer<'static>], aia: Option<Aia>) -> Report {
    let store = TrustStore::from_certificates("private", [store.der().clone()]).unwrap();
    let mut builder = Verifier::builder(store);
    if let Some(aia) = aia {
        builder = builder.with_aia(aia);
    }
    let endpoint = Endpoint::parse(&format!("https://{HOST}/")).unwrap();
    builder.build().unwrap().check(&endpoint, presented, now())
}

/// Each profile's outcome, in [`Profile::ALL`]'s order, and that each reason contains
/// what `says` asks of it.
fn assert_outcomes(report: &Report, expected: [(&str, Acceptance, &str); 8]) {
    let outcomes = report.profiles();
    let ids: Vec<&str> = Profile::ALL.iter().map(|p| p.id).collect();
    assert_eq!(
        ids,
        [
            "rustls",
            "openssl",
            "go",
            "java",
            "dotnet",
            "dotnet-no-downloads",
            "chrome",
            "firefox"
        ]
    );
    for (outcome, (client, acceptance, says)) in outcomes.iter().zip(expected) {
        assert_eq!(outcome.client, client);
        assert_eq!(outcome.outcome, acceptance, "{outcome}\n{report}");
        assert_eq!(outcome.trusted(), acceptance == Passes);
        assert!(
            outcome.reason.contains(says),
            "{outcome}: {says:?}\n{report}"
        );
    }
    // The strict client's outcome is the verdict.
    assert_eq!(outcomes[0].trusted(), report.is_trusted());
}

struct Pki {
    root: Ca,
    inter: Ca,
}

impl Pki {
    fn new() -> Self {
        let root = Ca::root("Profiles Root");
        let inter = root.intermediate("Profiles Issuing CA");
        Self { root, inter }
    }

    fn leaf_pointing_at(&self, url: String) -> CertificateDer<'static> {
        self.inter.leaf_with(CertSpec {
            aia_ca_issuers: vec![url],
            ..CertSpec::leaf(&[HOST])
        })
    }
}

const OMITS: &str = "the server omits \"CN=Profiles Issuing CA\"";

#[test]
fn an_incomplete_chain_whose_intermediate_aia_reaches() {
    let server = Server::start();
    let pki = Pki::new();
    server.serve("/ca.cer", Reply::body(pki.inter.der().to_vec()));
    let url = server.url("/ca.cer");
    let leaf = pki.leaf_pointing_at(url.clone());
    let report = check(&pki.root, std::slice::from_ref(&leaf), Some(Aia::default()));
    assert!(report.has(Code::IncompleteChain), "{report}");
    let fetches = format!("fetches \"CN=Profiles Issuing CA\" from {url}");
    assert_outcomes(
        &report,
        [
            ("rustls", Fails, OMITS),
            ("openssl", Fails, OMITS),
            ("go", Fails, OMITS),
            ("java", Fails, OMITS),
            ("dotnet", Passes, &fetches),
            ("dotnet-no-downloads", Fails, OMITS),
            ("chrome", Passes, &fetches),
            // A private intermediate: not among those Firefox preloads.
            ("firefox", Fails, OMITS),
        ],
    );
    let text = report.to_string();
    assert!(text.contains("clients:\n  rustls "), "{text}");
    assert!(
        text.contains(&format!("  dotnet              passes  {fetches}")),
        "{text}"
    );

    // Offline, the fetching clients' outcome is not known.
    let offline = check(&pki.root, &[leaf], None);
    let outcomes = offline.profiles();
    for (outcome, expected) in outcomes.iter().zip(Profile::ALL) {
        let acceptance = match expected.fetches_aia {
            true => Unknown,
            false => Fails,
        };
        let acceptance = match expected.preloads_intermediates {
            true => Unknown,
            false => acceptance,
        };
        assert_eq!(outcome.outcome, acceptance, "{outcome}");
    }
    assert!(outcomes[4].reason.contains(&url), "{}", outcomes[4]);
}

#[test]
fn an_incomplete_chain_whose_intermediate_aia_does_not_reach() {
    let server = Server::start();
    let pki = Pki::new();
    let url = server.url("/gone.cer");
    let leaf = pki.leaf_pointing_at(url.clone());
    let report = check(&pki.root, &[leaf], Some(Aia::default()));
    let failed = format!("fetching it fails ({url}: HTTP status 404)");
    assert_outcomes(
        &report,
        [
            ("rustls", Fails, OMITS),
            ("openssl", Fails, OMITS),
            ("go", Fails, OMITS),
            ("java", Fails, OMITS),
            ("dotnet", Fails, &failed),
            ("dotnet-no-downloads", Fails, OMITS),
            ("chrome", Fails, &failed),
            // Whether a public intermediate by that name exists, the check cannot see.
            ("firefox", Unknown, "publicly disclosed intermediate"),
        ],
    );
    let json = report.to_json();
    assert_eq!(json["profiles"][4]["client"], "dotnet");
    assert_eq!(json["profiles"][4]["trusted"], false);
    assert_eq!(json["profiles"][7]["outcome"], "unknown");
}

/// `cert` with its signature algorithm (both the outer one and the TBS copy, [RFC 5280
/// section 4.1.1.2]) replaced by ecdsa-with-SHA1. The signature no longer verifies, which
/// no client gets as far as checking: the algorithm is refused, or accepted, first.
fn sha1_signed(cert: &CertificateDer<'_>) -> CertificateDer<'static> {
    const ECDSA_WITH_SHA1: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x01];
    let algorithm = seq(&[&tlv(0x06, ECDSA_WITH_SHA1)]);
    let outer = children(cert);
    let mut tbs = children(outer[0]);
    tbs[2] = &algorithm;
    let tbs = seq(&tbs);
    CertificateDer::from(seq(&[&tbs, &algorithm, outer[2]]))
}

#[test]
fn a_sha1_signed_intermediate() {
    let pki = Pki::new();
    let leaf = pki.inter.leaf(&[HOST]);
    let inter = sha1_signed(pki.inter.der());
    let report = check(&pki.root, &[leaf, inter], None);
    assert!(report.has(Code::UnsupportedAlgorithm), "{report}");
    let refuses = "refuses the SHA-1 signature on \"CN=Profiles Issuing CA\"";
    let private = "accepts the SHA-1 signature on \"CN=Profiles Issuing CA\" under a private root";
    assert_outcomes(
        &report,
        [
            ("rustls", Fails, refuses),
            ("openssl", Fails, refuses),
            ("go", Fails, refuses),
            ("java", Passes, private),
            ("dotnet", Passes, private),
            ("dotnet-no-downloads", Passes, private),
            ("chrome", Fails, refuses),
            ("firefox", Fails, refuses),
        ],
    );
}

#[test]
fn a_leaf_naming_the_host_only_in_its_cn() {
    let pki = Pki::new();
    let leaf = pki.inter.leaf_with(CertSpec {
        cn: HOST.to_owned(),
        ..CertSpec::leaf(&[])
    });
    let report = check(&pki.root, &[leaf, pki.inter.der().clone()], None);
    assert!(report.has(Code::NameMismatch), "{report}");
    let cn = format!("falls back to the subject CN \"{HOST}\"");
    let san_only = "only in its subject CN";
    assert_outcomes(
        &report,
        [
            ("rustls", Fails, san_only),
            ("openssl", Passes, &cn),
            ("go", Fails, san_only),
            ("java", Passes, &cn),
            ("dotnet", Passes, &cn),
            ("dotnet-no-downloads", Passes, &cn),
            ("chrome", Fails, san_only),
            ("firefox", Fails, san_only),
        ],
    );
}

#[test]
fn a_private_root_not_in_the_store() {
    let pki = Pki::new();
    let other = Ca::root("Some Other Root");
    let presented = [
        pki.inter.leaf(&[HOST]),
        pki.inter.der().clone(),
        pki.root.der().clone(),
    ];
    let report = check(&other, &presented, Some(Aia::default()));
    assert!(report.has(Code::UntrustedRoot), "{report}");
    let root = "the root \"CN=Profiles Root\" is in no trust store it uses";
    assert_outcomes(&report, Profile::ALL.map(|p| (p.id, Fails, root)));
}

#[test]
fn a_healthy_chain_passes_everywhere() {
    let pki = Pki::new();
    let presented = [pki.inter.leaf(&[HOST]), pki.inter.der().clone()];
    let report = check(&pki.root, &presented, None);
    report.assert_trusted();
    assert_outcomes(
        &report,
        Profile::ALL.map(|p| (p.id, Passes, "complete chain")),
    );
    assert!(!report.to_string().contains("clients:"));
}

#[test]
fn an_expired_leaf_fails_everywhere() {
    let pki = Pki::new();
    let leaf = pki.inter.leaf_with(CertSpec {
        not_after: test_pki::NOW - test_pki::DAY,
        ..CertSpec::leaf(&[HOST])
    });
    let report = check(&pki.root, &[leaf, pki.inter.der().clone()], None);
    assert_outcomes(
        &report,
        Profile::ALL.map(|p| (p.id, Fails, "expired, which every kind of client refuses")),
    );
}

#[test]
fn a_1024_bit_rsa_leaf() {
    let pki = Pki::new();
    let leaf = pki.inter.leaf_with(CertSpec {
        key: test_pki::KeyType::Rsa1024,
        ..CertSpec::leaf(&[HOST])
    });
    let report = check(&pki.root, &[leaf, pki.inter.der().clone()], None);
    assert!(report.has(Code::UnsupportedAlgorithm), "{report}");
    let key = format!("the 1024-bit RSA key of \"CN={HOST}\"");
    let [refuses, accepts] = [format!("refuses {key}"), format!("accepts {key}")];
    assert_outcomes(
        &report,
        [
            ("rustls", Fails, &refuses),
            ("openssl", Passes, &accepts),
            ("go", Passes, &accepts),
            ("java", Passes, &accepts),
            ("dotnet", Passes, &accepts),
            ("dotnet-no-downloads", Passes, &accepts),
            ("chrome", Passes, &accepts),
            ("firefox", Passes, &accepts),
        ],
    );
}
