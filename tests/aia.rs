//! AIA completion against an HTTP server on 127.0.0.1 that serves intermediates as DER,
//! PEM and PKCS #7, and misbehaves on purpose. Every fetch is bounded, so every test ends
//! within its timeouts whatever the server does.
#![cfg(feature = "aia")]
// Test setup: a failure should panic.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use certdeps::{
    Aia, AiaFailure, CertificateDer, Code, Endpoint, PathSource, Pool, Report, TrustStore, Verifier,
};
use test_pki::http::{Reply, Server, p7c};
use test_pki::server::assert_only_the_fixed_chain_works;
use test_pki::{Ca, CertSpec, now};

const HOST: &str = "www.aia.test";

/// A root, an intermediate, and a leaf whose AIA points at `path` on `server`.
struct Pki {
    root: Ca,
    inter: Ca,
    leaf: CertificateDer<'static>,
}

impl Pki {
    fn new(server: &Server, path: &str) -> Self {
        let root = Ca::root("AIA Test Root");
        let inter = root.intermediate("AIA Test Intermediate");
        let leaf = inter.leaf_with(CertSpec {
            aia_ca_issuers: vec![server.url(path)],
            ..CertSpec::leaf(&[HOST])
        });
        Self { root, inter, leaf }
    }

    fn store(&self) -> TrustStore {
        TrustStore::from_certificates("private", [self.root.der().clone()]).unwrap()
    }

    /// Checks the leaf alone, as a server that leaves out its intermediate sends it.
    fn check(&self, aia: Option<Aia>) -> Report {
        let mut builder = Verifier::builder(self.store());
        if let Some(aia) = aia {
            builder = builder.with_aia(aia);
        }
        check(&builder.build().unwrap(), &self.leaf)
    }
}

/// A verifier that trusts `root` alone and completes chains with default AIA settings.
fn aia_verifier(root: &Ca) -> Verifier {
    let store = TrustStore::from_certificates("private", [root.der().clone()]).unwrap();
    Verifier::builder(store)
        .with_aia(Aia::default())
        .build()
        .unwrap()
}

/// Why each URL tried served no issuer, in order (`None`: it served one).
fn fetch_errors(report: &Report) -> Vec<Option<AiaFailure>> {
    report
        .aia_fetches()
        .iter()
        .map(|f| f.error.clone())
        .collect()
}

fn check(verifier: &Verifier, leaf: &CertificateDer<'static>) -> Report {
    let endpoint = Endpoint::parse(&format!("https://{HOST}/")).unwrap();
    verifier.check(&endpoint, std::slice::from_ref(leaf), now())
}

fn sources(report: &Report) -> Vec<PathSource> {
    report.path().iter().map(|e| e.source).collect()
}

/// Fetched, and served back: the path shows the fetched certificate, the fix is the chain
/// with it, and the verdict is the strict client's all the same.
fn assert_completed(pki: &Pki, report: &Report) {
    assert!(!report.is_trusted(), "{report}");
    assert!(report.has(Code::IncompleteChain), "{report}");
    assert_eq!(
        sources(report),
        [PathSource::Presented, PathSource::Aia, PathSource::Anchor],
        "{report}"
    );
    let fixed = report.fixed_chain().expect("AIA completes the chain");
    assert_eq!(
        fixed.certificates(),
        [pki.leaf.clone(), pki.inter.der().clone()]
    );
    let fetch = &report.aia_fetches()[0];
    assert_eq!(fetch.error, None, "{report}");
    let issuer = fetch.issuer.as_ref().unwrap();
    assert_eq!(issuer.subject, "CN=AIA Test Intermediate");
    let finding = report.finding(Code::IncompleteChain).unwrap();
    assert!(finding.message().contains(&fetch.url), "{report}");
    assert!(
        finding.message().contains("makes the chain trusted"),
        "{report}"
    );
}

#[test]
fn a_der_intermediate_completes_the_chain() {
    let server = Server::start();
    let pki = Pki::new(&server, "/inter.cer");
    server.serve("/inter.cer", Reply::body(pki.inter.der().to_vec()));
    let report = pki.check(Some(Aia::default()));
    assert_completed(&pki, &report);
    // The verdict is the one without AIA.
    let strict = pki.check(None);
    assert_eq!(report.verdict(), strict.verdict());
    assert!(strict.aia_fetches().is_empty());
}

#[test]
fn a_pem_intermediate_completes_the_chain() {
    let server = Server::start();
    let pki = Pki::new(&server, "/inter.pem");
    server.serve("/inter.pem", Reply::body(pki.inter.pem().into_bytes()));
    assert_completed(&pki, &pki.check(Some(Aia::default())));
}

#[test]
fn a_pkcs7_bundle_completes_the_chain() {
    let server = Server::start();
    let pki = Pki::new(&server, "/inter.p7c");
    server.serve("/inter.p7c", Reply::body(p7c(&[pki.inter.der()])));
    assert_completed(&pki, &pki.check(Some(Aia::default())));
}

#[test]
fn aia_is_off_until_the_builder_turns_it_on() {
    let server = Server::start();
    let pki = Pki::new(&server, "/inter.cer");
    server.serve("/inter.cer", Reply::body(pki.inter.der().to_vec()));
    let report = pki.check(None);
    assert!(report.aia_fetches().is_empty());
    assert_eq!(server.hits(), 0);
    assert_eq!(sources(&report), [PathSource::Presented]);
    assert_eq!(report.fixed_chain(), None);
}

#[test]
fn two_missing_intermediates_are_fetched_in_turn() {
    let server = Server::start();
    let root = Ca::root("AIA Test Root");
    let upper = root.intermediate("AIA Upper CA");
    let lower = upper.intermediate_with(CertSpec {
        aia_ca_issuers: vec![server.url("/upper.cer")],
        ..CertSpec::ca("AIA Lower CA")
    });
    let leaf = lower.leaf_with(CertSpec {
        aia_ca_issuers: vec![server.url("/lower.cer")],
        ..CertSpec::leaf(&[HOST])
    });
    server.serve("/lower.cer", Reply::body(lower.der().to_vec()));
    server.serve("/upper.cer", Reply::body(upper.der().to_vec()));
    let store = TrustStore::from_certificates("private", [root.der().clone()]).unwrap();
    let verifier = Verifier::builder(store.clone())
        .with_aia(Aia::default())
        .build()
        .unwrap();
    let report = check(&verifier, &leaf);
    assert_eq!(
        sources(&report),
        [
            PathSource::Presented,
            PathSource::Aia,
            PathSource::Aia,
            PathSource::Anchor
        ],
        "{report}"
    );
    let fixed = report.fixed_chain().unwrap();
    assert_eq!(fixed.certificates().len(), 3);

    // The per-chain limit stops the walk, and says so.
    let limited = Verifier::builder(store)
        .with_aia(Aia::default().with_max_fetches(1))
        .build()
        .unwrap();
    let report = check(&limited, &leaf);
    let errors = fetch_errors(&report);
    assert_eq!(errors, [None, Some(AiaFailure::LimitReached { max: 1 })]);
    assert_eq!(report.fixed_chain(), None, "{report}");
}

#[test]
fn a_fetched_self_signed_root_is_the_client_owners_to_import() {
    let server = Server::start();
    let private = Ca::root("Private Root");
    let leaf = private.leaf_with(CertSpec {
        aia_ca_issuers: vec![server.url("/root.cer")],
        ..CertSpec::leaf(&[HOST])
    });
    server.serve("/root.cer", Reply::body(private.der().to_vec()));
    let other = Ca::root("Some Other Root");
    let verifier = aia_verifier(&other);
    let report = check(&verifier, &leaf);
    assert!(report.has(Code::UntrustedRoot), "{report}");
    assert!(!report.has(Code::IncompleteChain), "{report}");
    let root = report.root_to_import().expect("the fetched root");
    assert_eq!(root.subject, "CN=Private Root");
    assert_eq!(root.certificate, *private.der());
    assert_eq!(sources(&report), [PathSource::Presented, PathSource::Aia]);
    assert!(report.aia_fetches()[0].issuer.as_ref().unwrap().self_signed);
    assert_eq!(report.fixed_chain(), None);
}

/// One misbehaving URL: the fetch fails with `expected`, the report says why in the
/// `incomplete-chain` finding, offers no fixed chain, and the whole check ends quickly.
fn assert_fails(reply: impl FnOnce(&Pki) -> Reply, aia: Aia, expected: AiaFailure) {
    let server = Server::start();
    let pki = Pki::new(&server, "/inter.cer");
    server.serve("/inter.cer", reply(&pki));
    let started = Instant::now();
    let report = pki.check(Some(aia));
    assert!(started.elapsed() < Duration::from_secs(3), "{report}");
    assert_eq!(report.aia_fetches().len(), 1, "{report}");
    assert_eq!(report.aia_fetches()[0].error, Some(expected.clone()));
    let finding = report
        .finding(Code::IncompleteChain)
        .expect("still incomplete");
    let said = format!("{}: {expected}", server.url("/inter.cer"));
    assert!(finding.message().contains(&said), "{said}\n{report}");
    assert_eq!(report.fixed_chain(), None);
    assert_eq!(sources(&report), [PathSource::Presented]);
}

#[test]
fn not_found_is_an_http_status() {
    assert_fails(
        |_| Reply::Status(404),
        Aia::default(),
        AiaFailure::Status { status: 404 },
    );
}

#[test]
fn a_slow_answer_times_out() {
    let timeout = Duration::from_millis(300);
    assert_fails(
        |pki| Reply::Slow(Duration::from_secs(10), pki.inter.der().to_vec()),
        Aia::default().with_timeout(timeout),
        AiaFailure::Timeout { timeout },
    );
}

#[test]
fn a_body_over_the_limit_is_refused() {
    assert_fails(
        |_| Reply::body(vec![0x30; 100 * 1024]),
        Aia::default(),
        AiaFailure::TooLarge {
            limit: Aia::DEFAULT_MAX_RESPONSE_BYTES,
        },
    );
}

#[test]
fn a_redirect_loop_ends_at_the_redirect_limit() {
    assert_fails(
        |_| Reply::Redirect("/inter.cer".to_owned()),
        Aia::default(),
        AiaFailure::TooManyRedirects {
            max: Aia::DEFAULT_MAX_REDIRECTS,
        },
    );
}

#[test]
fn a_url_serving_the_certificate_that_points_to_it_is_a_loop() {
    assert_fails(
        |pki| Reply::body(pki.leaf.to_vec()),
        Aia::default(),
        AiaFailure::PointsToItself,
    );
}

#[test]
fn an_unrelated_certificate_is_not_the_issuer() {
    let stranger = Ca::root("Stranger CA");
    assert_fails(
        |_| Reply::body(stranger.der().to_vec()),
        Aia::default(),
        AiaFailure::Unrelated {
            served: "CN=Stranger CA".to_owned(),
            wanted: "CN=AIA Test Intermediate".to_owned(),
        },
    );
}

#[test]
fn a_body_that_is_no_certificate_is_unreadable() {
    let server = Server::start();
    let pki = Pki::new(&server, "/inter.cer");
    server.serve("/inter.cer", Reply::body(b"<html>moved</html>".to_vec()));
    let report = pki.check(Some(Aia::default()));
    assert!(
        matches!(
            report.aia_fetches()[0].error,
            Some(AiaFailure::Unreadable { .. })
        ),
        "{report}"
    );
}

#[test]
fn an_unreachable_url_is_a_network_failure() {
    // Bound, then closed: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let root = Ca::root("AIA Test Root");
    let inter = root.intermediate("AIA Test Intermediate");
    let leaf = inter.leaf_with(CertSpec {
        aia_ca_issuers: vec![
            format!("http://127.0.0.1:{port}/inter.cer"),
            "ldap://ldap.aia.test/cn=AIA".to_owned(),
        ],
        ..CertSpec::leaf(&[HOST])
    });
    let verifier = aia_verifier(&root);
    let report = check(&verifier, &leaf);
    let errors = fetch_errors(&report);
    assert!(
        matches!(
            &errors[..],
            [
                Some(AiaFailure::Network { .. }),
                Some(AiaFailure::Unsupported)
            ]
        ),
        "{report}"
    );
}

#[test]
fn a_verifier_fetches_each_url_once() {
    let server = Server::start();
    let pki = Pki::new(&server, "/inter.cer");
    server.serve("/inter.cer", Reply::body(pki.inter.der().to_vec()));
    let verifier = Verifier::builder(pki.store())
        .with_aia(Aia::default())
        .build()
        .unwrap();
    let first = check(&verifier, &pki.leaf);
    // Another endpoint of the same CA, checked by a clone: from the cache.
    let sibling = pki.inter.leaf_with(CertSpec {
        aia_ca_issuers: vec![server.url("/inter.cer")],
        ..CertSpec::leaf(&[HOST])
    });
    let second = check(&verifier.clone(), &sibling);
    assert_eq!(server.hits(), 1);
    assert!(!first.aia_fetches()[0].cached);
    assert!(second.aia_fetches()[0].cached);
    assert_completed(&pki, &first);
    assert!(second.fixed_chain().is_some());
}

#[test]
fn the_disk_cache_outlives_the_verifier() {
    let server = Server::start();
    let pki = Pki::new(&server, "/inter.cer");
    server.serve("/inter.cer", Reply::body(pki.inter.der().to_vec()));
    let dir = std::env::temp_dir().join(format!("certdeps-aia-test-{}", std::process::id()));
    let aia = || Aia::default().with_cache_dir(&dir);
    let first = pki.check(Some(aia()));
    let second = pki.check(Some(aia()));
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(server.hits(), 1);
    assert!(second.aia_fetches()[0].cached, "{second}");
    assert_eq!(first.fixed_chain(), second.fixed_chain());
}

#[test]
fn a_proxy_is_used_only_when_configured() {
    let proxy = Server::start();
    let pki = Pki::new(&proxy, "/inter.cer");
    // The proxy answers for the URL's own address, which it is here too.
    proxy.serve("/inter.cer", Reply::body(pki.inter.der().to_vec()));
    let aia = Aia::default().with_proxy(&proxy.url("")).unwrap();
    assert_completed(&pki, &pki.check(Some(aia)));
    assert_eq!(proxy.proxied(), 1);
    assert_eq!(
        Aia::default().with_proxy("not a proxy").unwrap_err().url,
        "not a proxy"
    );
}

#[test]
fn the_pool_still_comes_first() {
    let server = Server::start();
    let pki = Pki::new(&server, "/inter.cer");
    server.serve("/inter.cer", Reply::body(pki.inter.der().to_vec()));
    let mut pool = Pool::new();
    pool.extend([pki.inter.der().clone()]);
    let verifier = Verifier::builder(pki.store())
        .with_intermediates(pool)
        .with_aia(Aia::default())
        .build()
        .unwrap();
    let report = check(&verifier, &pki.leaf);
    assert_eq!(server.hits(), 0);
    assert!(report.aia_fetches().is_empty());
    assert_eq!(
        sources(&report),
        [PathSource::Presented, PathSource::Pool, PathSource::Anchor]
    );
}

#[cfg(feature = "json")]
#[test]
fn the_json_report_lists_each_fetch_as_the_readme_documents() {
    let server = Server::start();
    let pki = Pki::new(&server, "/inter.cer");
    server.serve("/inter.cer", Reply::body(pki.inter.der().to_vec()));
    let json = pki.check(Some(Aia::default())).to_json();
    let fetch = &json["aia"][0];
    let readme = include_str!("../README.md");
    let fields = ["url", "for_subject", "issuer", "error", "cached"];
    for field in fields {
        assert!(fetch.get(field).is_some(), "{field}: {fetch}");
        assert!(readme.contains(&format!("| `aia[].{field}` |")), "{field}");
    }
    assert_eq!(fetch.as_object().unwrap().len(), fields.len(), "{fetch}");
    assert_eq!(fetch["issuer"]["subject"], "CN=AIA Test Intermediate");
    assert_eq!(json["path"][1]["source"], "aia");
    assert!(json["fixed_chain"].is_string());
}

#[test]
fn the_chain_completed_by_aia_makes_a_plain_rustls_client_succeed() {
    let server = Server::start();
    let root = Ca::root("TLS Root");
    let inter = root.intermediate("TLS Issuing CA");
    server.serve("/issuing.cer", Reply::body(inter.der().to_vec()));
    let (leaf, key) = inter.leaf_and_key(CertSpec {
        aia_ca_issuers: vec![server.url("/issuing.cer")],
        ..CertSpec::leaf(&[HOST])
    });

    let store = TrustStore::from_certificates("tls", [root.der().clone()]).unwrap();
    let verifier = Verifier::builder(store)
        .with_aia(Aia::default())
        .build()
        .unwrap();
    let endpoint = Endpoint::parse(&format!("https://{HOST}/")).unwrap();
    let report = verifier.check(&endpoint, std::slice::from_ref(&leaf), now());
    assert!(report.has(Code::IncompleteChain), "{report}");
    let fixed = report.fixed_chain().expect("AIA completes the chain");

    let fixed = fixed.certificates().to_vec();
    assert_only_the_fixed_chain_works(HOST, leaf, key, fixed, root.der().clone());
}

#[test]
fn a_url_seen_twice_ends_the_walk() {
    let server = Server::start();
    let url = server.url("/ca.cer");
    let root = Ca::root("Unserved Root");
    // The intermediate points at the URL that served it.
    let inter = root.intermediate_with(CertSpec {
        aia_ca_issuers: vec![url.clone()],
        ..CertSpec::ca("Looping Intermediate")
    });
    let leaf = inter.leaf_with(CertSpec {
        aia_ca_issuers: vec![url],
        ..CertSpec::leaf(&[HOST])
    });
    server.serve("/ca.cer", Reply::body(inter.der().to_vec()));
    let other = Ca::root("Some Other Root");
    let verifier = aia_verifier(&other);
    let report = check(&verifier, &leaf);
    let errors = fetch_errors(&report);
    assert_eq!(errors, [None, Some(AiaFailure::UrlSeenTwice)], "{report}");
    assert_eq!(server.hits(), 1);
}

#[test]
fn a_certificate_seen_twice_ends_the_walk() {
    let server = Server::start();
    // X and Y certify each other, and each cross-certificate points at the other.
    let x = Ca::root_with(CertSpec {
        aia_ca_issuers: vec![server.url("/y.cer")],
        include_aki: false,
        ..CertSpec::ca("Cross X")
    });
    let y = Ca::root_with(CertSpec {
        aia_ca_issuers: vec![server.url("/x-again.cer")],
        include_aki: false,
        ..CertSpec::ca("Cross Y")
    });
    let x_by_y = y.cross_sign(&x);
    let y_by_x = x.cross_sign(&y);
    server.serve("/x.cer", Reply::body(x_by_y.to_vec()));
    server.serve("/y.cer", Reply::body(y_by_x.to_vec()));
    server.serve("/x-again.cer", Reply::body(x_by_y.to_vec()));
    let leaf = x.leaf_with(CertSpec {
        aia_ca_issuers: vec![server.url("/x.cer")],
        ..CertSpec::leaf(&[HOST])
    });
    let other = Ca::root("Some Other Root");
    let verifier = aia_verifier(&other);
    let report = check(&verifier, &leaf);
    let errors = fetch_errors(&report);
    assert_eq!(
        errors,
        [None, None, Some(AiaFailure::SeenTwice)],
        "{report}"
    );
    assert!(report.has(Code::IncompleteChain), "{report}");
}

/// The environment's proxy is never read: run in a child process whose `http_proxy` points
/// at nothing, the fetch still goes straight to the server.
#[test]
fn the_environment_proxy_is_ignored() {
    const CHILD: &str = "CERTDEPS_AIA_TEST_CHILD";
    if std::env::var_os(CHILD).is_none() {
        let dead = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        let child = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "the_environment_proxy_is_ignored",
                "--test-threads=1",
            ])
            .env(CHILD, "1")
            .env("http_proxy", format!("http://{dead}"))
            .env("HTTP_PROXY", format!("http://{dead}"))
            .env("ALL_PROXY", format!("http://{dead}"))
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&child.stdout);
        assert!(child.status.success(), "{said}");
        return;
    }
    let server = Server::start();
    let pki = Pki::new(&server, "/inter.cer");
    server.serve("/inter.cer", Reply::body(pki.inter.der().to_vec()));
    assert_completed(&pki, &pki.check(Some(Aia::default())));
}
