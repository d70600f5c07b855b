//! The manifest of outbound dependencies against servers started here on 127.0.0.1
//! (reached through each endpoint's `resolve`): snapshots updated, checked offline,
//! certificates rotated and the changes named, every kind of manifest mistake, the outputs
//! for CI, and 200 endpoints on a bounded number of probes at once.
//!
//! The servers sign the handshake with a throwaway key: the probe refuses the chain before
//! it checks the handshake signature (see tests/probe.rs).
#![cfg(feature = "manifest")]
// Test servers and helpers: a failed setup should panic.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use certdeps::manifest::{Change, CheckError, FailOn, Manifest, Mode, Problem, Status};
use certdeps::{Code, UnixTime};
use pki_types::CertificateDer;
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};
use rustls::server::ServerConnection;
use test_pki::server::{read_line, server_config, throwaway_key};
use test_pki::{DAY, NOW, now};

// ---- a PKI that keeps its keys, so a leaf can be renewed with the same one -------------

struct Ca(CertifiedIssuer<'static, KeyPair>);

fn validity(p: &mut CertificateParams, not_after: u64) {
    p.not_before = time::OffsetDateTime::from_unix_timestamp((NOW - 400 * DAY) as i64).unwrap();
    p.not_after = time::OffsetDateTime::from_unix_timestamp(not_after as i64).unwrap();
}

fn ca_params(cn: &str) -> CertificateParams {
    let mut p = CertificateParams::default();
    p.distinguished_name.push(DnType::CommonName, cn);
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    p.use_authority_key_identifier_extension = true;
    validity(&mut p, NOW + 3650 * DAY);
    p
}

impl Ca {
    fn root(cn: &str) -> Self {
        Self(CertifiedIssuer::self_signed(ca_params(cn), KeyPair::generate().unwrap()).unwrap())
    }

    fn intermediate(&self, cn: &str) -> Self {
        let key = KeyPair::generate().unwrap();
        Self(CertifiedIssuer::signed_by(ca_params(cn), key, &self.0).unwrap())
    }

    fn der(&self) -> CertificateDer<'static> {
        self.0.der().clone()
    }

    /// A server leaf for `san` with `key`, valid until `not_after`, serial `serial`.
    fn leaf(
        &self,
        key: &KeyPair,
        san: &str,
        not_after: u64,
        serial: u64,
    ) -> CertificateDer<'static> {
        let mut p = CertificateParams::new(vec![san.to_owned()]).unwrap();
        p.distinguished_name.push(DnType::CommonName, san);
        p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        p.serial_number = Some(serial.into());
        p.use_authority_key_identifier_extension = true;
        validity(&mut p, not_after);
        p.signed_by(key, &self.0).unwrap().der().clone()
    }
}

const YEAR_AHEAD: u64 = NOW + 365 * DAY;

// ---- servers: each serves its current chain to every connection until dropped ---------

/// How many handshakes are in progress across servers, and the most at once.
#[derive(Default)]
struct Gauge {
    now: AtomicUsize,
    most: AtomicUsize,
}

struct Server {
    address: SocketAddr,
    chain: Arc<Mutex<Vec<CertificateDer<'static>>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    fn start(chain: Vec<CertificateDer<'static>>, gauge: Arc<Gauge>, dwell: Duration) -> Self {
        Self::after(chain, gauge, dwell, |_| {})
    }

    /// A server that runs `dialogue` (a STARTTLS exchange) on each connection before TLS.
    fn after(
        chain: Vec<CertificateDer<'static>>,
        gauge: Arc<Gauge>,
        dwell: Duration,
        dialogue: fn(&mut TcpStream),
    ) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        let chain = Arc::new(Mutex::new(chain));
        let stop = Arc::new(AtomicBool::new(false));
        let (served, stopped) = (Arc::clone(&chain), Arc::clone(&stop));
        let thread = thread::spawn(move || {
            for stream in listener.incoming() {
                if stopped.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(mut stream) = stream else { continue };
                stream
                    .set_read_timeout(Some(Duration::from_secs(10)))
                    .unwrap();
                // Counted from the accept to the server's reply to the ClientHello: inside
                // the time the probe's connection is open, so never more than the probes
                // at once.
                let at_once = gauge.now.fetch_add(1, Ordering::SeqCst) + 1;
                gauge.most.fetch_max(at_once, Ordering::SeqCst);
                // Long enough for probes to overlap, so the bound is seen to hold.
                thread::sleep(dwell);
                dialogue(&mut stream);
                let chain = served.lock().unwrap().clone();
                let mut conn =
                    ServerConnection::new(server_config(chain, throwaway_key())).unwrap();
                while !conn.wants_write() {
                    let read = conn.read_tls(&mut stream);
                    if !matches!(read, Ok(n) if n > 0) || conn.process_new_packets().is_err() {
                        break;
                    }
                }
                // Before the flight goes out: the probe cannot end until it arrives.
                gauge.now.fetch_sub(1, Ordering::SeqCst);
                while conn.wants_write() && conn.write_tls(&mut stream).is_ok() {}
                while conn.is_handshaking() && conn.complete_io(&mut stream).is_ok() {}
            }
        });
        Self {
            address,
            chain,
            stop,
            thread: Some(thread),
        }
    }

    fn serve(&self, chain: Vec<CertificateDer<'static>>) {
        *self.chain.lock().unwrap() = chain;
    }

    fn port(&self) -> u16 {
        self.address.port()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.address);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

// ---- files ---------------------------------------------------------------------------

/// A folder of its own under the system's temporary folder, removed when dropped.
struct Folder(PathBuf);

impl Folder {
    fn new(name: &str) -> Self {
        let path =
            std::env::temp_dir().join(format!("certdeps-manifest-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(path.join("certs")).unwrap();
        Self(path)
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    fn root(&self, name: &str, ca: &Ca) {
        self.write(&format!("certs/{name}.pem"), &ca.0.pem());
    }
}

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn at(secs: u64) -> UnixTime {
    UnixTime::since_unix_epoch(Duration::from_secs(secs))
}

fn codes(outcome: &certdeps::manifest::Outcome) -> Vec<Code> {
    outcome.report().map(|r| r.codes()).unwrap_or_default()
}

// ---- snapshots, offline, rotation ----------------------------------------------------

#[test]
fn snapshots_are_taken_checked_offline_and_changes_are_named() {
    let gauge = Arc::new(Gauge::default());
    let serve = |chain| Server::start(chain, Arc::clone(&gauge), Duration::ZERO);
    let corp = Ca::root("Corp Root CA");
    let corp_issuing = corp.intermediate("Corp Issuing CA");
    let partner = Ca::root("Partner Root CA");
    let partner_issuing = partner.intermediate("Partner Issuing CA");
    let key = |_: ()| KeyPair::generate().unwrap();
    let (orders_key, billing_key) = (key(()), key(()));

    let orders = serve(vec![
        corp_issuing.leaf(&orders_key, "orders.corp.test", YEAR_AHEAD, 1),
        corp_issuing.der(),
    ]);
    let billing = serve(vec![
        corp_issuing.leaf(&billing_key, "billing.corp.test", YEAR_AHEAD, 2),
        corp_issuing.der(),
    ]);
    let relay = serve(vec![
        partner_issuing.leaf(&key(()), "relay.partner.test", YEAR_AHEAD, 3),
        partner_issuing.der(),
    ]);
    let moving = serve(vec![
        corp_issuing.leaf(&key(()), "moving.corp.test", YEAR_AHEAD, 4),
        corp_issuing.der(),
    ]);

    let folder = Folder::new("rotation");
    folder.root("corp-root", &corp);
    folder.root("partner-root", &partner);
    let manifest_path = folder.write(
        "certdeps.toml",
        &format!(
            r#"[defaults]
mozilla_roots = false
add_roots = ["certs/corp-root.pem"]
timeout_seconds = 5

[[endpoint]]
url = "https://orders.corp.test:{}/v1/orders"
resolve = "127.0.0.1"

[[endpoint]]
url = "https://billing.corp.test:{}/"
resolve = "127.0.0.1"

[[endpoint]]
url = "https://relay.partner.test:{}"
resolve = "127.0.0.1"
add_roots = ["certs/partner-root.pem"]
snapshot = "tests/certdeps/relay.pem"

[[endpoint]]
url = "https://moving.corp.test:{}"
resolve = "127.0.0.1:{}"
add_roots = ["certs/partner-root.pem"]
"#,
            orders.port(),
            billing.port(),
            relay.port(),
            moving.port(),
            moving.port()
        ),
    );
    let manifest = Manifest::load(&manifest_path).unwrap();
    let urls: Vec<&str> = manifest.dependencies().iter().map(|d| d.url()).collect();
    assert_eq!(urls.len(), 4);
    assert!(urls[0].starts_with("https://orders.corp.test:"));

    // Update: every endpoint probed, trusted, its snapshot written with its header.
    let updated = manifest.check(Mode::Update, now());
    assert_eq!(updated.exit_code(FailOn::Warning), 0, "{}", updated.human());
    let relay_snapshot = folder.0.join("tests/certdeps/relay.pem");
    assert_eq!(updated.outcomes()[2].snapshot(), relay_snapshot);
    let text = std::fs::read_to_string(&relay_snapshot).unwrap();
    assert!(text.starts_with("certdeps snapshot: "), "{text}");
    assert!(
        text.contains(&format!("\nendpoint: {}\n", urls[2])),
        "{text}"
    );
    assert!(
        text.contains("\ncaptured: 2026-06-01T00:00:00Z\n"),
        "{text}"
    );
    assert!(text.contains("\ntls: TLSv1_3\n"), "{text}");
    let read_back = certdeps::read_certificates(&relay_snapshot).unwrap();
    assert_eq!(read_back, relay.chain.lock().unwrap().clone());
    let orders_snapshot = folder
        .0
        .join(format!("certdeps/orders.corp.test-{}.pem", orders.port()));
    assert!(orders_snapshot.is_file());

    // Offline: the snapshots, trusted now and at the horizon, without a probe.
    let connections = Arc::strong_count(&gauge);
    let offline = manifest.check(Mode::Offline, now());
    assert_eq!(offline.exit_code(FailOn::Warning), 0, "{}", offline.human());
    assert!(
        offline
            .outcomes()
            .iter()
            .all(|o| o.status() == Status::Trusted)
    );
    assert_eq!(Arc::strong_count(&gauge), connections);

    // Rotation: orders gets a new key; billing is renewed with the same key; relay's CA
    // issues from a new intermediate; moving moves to the partner's PKI.
    let partner_issuing_2 = partner.intermediate("Partner Issuing CA 2");
    orders.serve(vec![
        corp_issuing.leaf(&key(()), "orders.corp.test", YEAR_AHEAD, 11),
        corp_issuing.der(),
    ]);
    billing.serve(vec![
        corp_issuing.leaf(&billing_key, "billing.corp.test", YEAR_AHEAD + DAY, 12),
        corp_issuing.der(),
    ]);
    relay.serve(vec![
        partner_issuing_2.leaf(&key(()), "relay.partner.test", YEAR_AHEAD, 13),
        partner_issuing_2.der(),
    ]);
    moving.serve(vec![
        partner_issuing.leaf(&key(()), "moving.corp.test", YEAR_AHEAD, 14),
        partner_issuing.der(),
    ]);

    // Offline still checks what was committed.
    let offline = manifest.check(Mode::Offline, now());
    assert_eq!(offline.exit_code(FailOn::Warning), 0);

    let live = manifest.check(Mode::Live, now());
    let [orders_o, billing_o, relay_o, moving_o] = live.outcomes() else {
        panic!("four outcomes");
    };
    for outcome in live.outcomes() {
        assert_eq!(outcome.status(), Status::Warning, "{}", live.human());
        assert_eq!(
            codes(outcome),
            vec![Code::CertificateChanged],
            "{}",
            live.human()
        );
        assert!(outcome.report().unwrap().is_trusted());
    }
    assert!(
        matches!(
            orders_o.changes(),
            [Change::NewLeaf {
                same_key: false,
                ..
            }]
        ),
        "{:?}",
        orders_o.changes()
    );
    assert!(
        matches!(
            billing_o.changes(),
            [Change::NewLeaf { same_key: true, .. }]
        ),
        "{:?}",
        billing_o.changes()
    );
    let relay_changes = relay_o.changes();
    assert!(
        matches!(
            relay_changes[0],
            Change::NewLeaf {
                same_key: false,
                ..
            }
        ),
        "{relay_changes:?}"
    );
    assert_eq!(
        relay_changes[1],
        Change::NewIssuer {
            was: "CN=Partner Issuing CA".to_owned(),
            now: "CN=Partner Issuing CA 2".to_owned()
        }
    );
    assert!(
        matches!(&relay_changes[2], Change::IntermediateAdded { subject, .. } if subject == "CN=Partner Issuing CA 2")
    );
    assert!(
        matches!(&relay_changes[3], Change::IntermediateDropped { subject, .. } if subject == "CN=Partner Issuing CA")
    );
    assert_eq!(
        relay_changes.len(),
        4,
        "same root: no new-root: {relay_changes:?}"
    );
    assert!(
        moving_o.changes().contains(&Change::NewRoot {
            was: Some("CN=Corp Root CA".to_owned()),
            now: Some("CN=Partner Root CA".to_owned()),
        }),
        "{:?}",
        moving_o.changes()
    );

    // The finding says what changed, and its evidence points at the new certificates.
    let finding = relay_o
        .report()
        .unwrap()
        .finding(Code::CertificateChanged)
        .unwrap();
    assert!(
        finding
            .message()
            .contains("new issuer CN=Partner Issuing CA 2 (was CN=Partner Issuing CA)"),
        "{}",
        finding.message()
    );
    assert!(
        finding.message().contains("relay.pem"),
        "{}",
        finding.message()
    );
    assert!(finding.remediation().starts_with("client owner: "));
    assert!(
        matches!(&finding.evidence, certdeps::Evidence::Certificates { indices } if indices == &[0, 1])
    );
    let billing_finding = billing_o
        .report()
        .unwrap()
        .finding(Code::CertificateChanged)
        .unwrap();
    assert!(
        billing_finding.message().contains("(same key)"),
        "{}",
        billing_finding.message()
    );

    // Warnings pass, and fail under --strict.
    assert_eq!(live.exit_code(FailOn::NotTrusted), 0);
    assert_eq!(live.exit_code(FailOn::Warning), 1);
    let human = live.human();
    assert!(human.contains("WARNING"), "{human}");
    assert!(human.contains("=== https://relay.partner.test:"), "{human}");

    // Update again: the new chains become the snapshots, and the human output says what
    // they replaced; live then sees no change.
    let updated = manifest.check(Mode::Update, now());
    assert_eq!(updated.outcomes()[0].changes().len(), 1);
    assert!(
        updated
            .human()
            .contains("replaced: new leaf CN=orders.corp.test (new key)"),
        "{}",
        updated.human()
    );
    assert!(codes(&updated.outcomes()[0]).is_empty());
    let live = manifest.check(Mode::Live, now());
    assert_eq!(live.exit_code(FailOn::Warning), 0, "{}", live.human());
}

// ---- outputs -------------------------------------------------------------------------

#[test]
fn json_junit_and_exit_status_for_ci() {
    let gauge = Arc::new(Gauge::default());
    let root = Ca::root("Corp Root CA");
    let issuing = root.intermediate("Corp Issuing CA");
    let key = KeyPair::generate().unwrap();
    // Trusted; leaf only (incomplete); expires within the horizon; nobody listening.
    let good = Server::start(
        vec![
            issuing.leaf(&key, "good.corp.test", YEAR_AHEAD, 1),
            issuing.der(),
        ],
        Arc::clone(&gauge),
        Duration::ZERO,
    );
    let bare = Server::start(
        vec![issuing.leaf(&key, "bare.corp.test", YEAR_AHEAD, 2)],
        Arc::clone(&gauge),
        Duration::ZERO,
    );
    let soon = Server::start(
        vec![
            issuing.leaf(&key, "soon.corp.test", NOW + 10 * DAY, 3),
            issuing.der(),
        ],
        Arc::clone(&gauge),
        Duration::ZERO,
    );
    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();

    let folder = Folder::new("outputs");
    folder.root("corp-root", &root);
    let manifest_path = folder.write(
        "certdeps.toml",
        &format!(
            r#"[defaults]
mozilla_roots = false
add_roots = ["certs/corp-root.pem"]
timeout_seconds = 5

[[endpoint]]
url = "https://good.corp.test:{}/"
resolve = "127.0.0.1"

[[endpoint]]
url = "https://bare.corp.test:{}/?q=<a>&b=\"c\""
resolve = "127.0.0.1"

[[endpoint]]
url = "https://soon.corp.test:{}/"
resolve = "127.0.0.1"

[[endpoint]]
url = "https://closed.corp.test:{closed}/"
resolve = "127.0.0.1"
"#,
            good.port(),
            bare.port(),
            soon.port(),
        ),
    );
    let manifest = Manifest::load(&manifest_path).unwrap();
    let live = manifest.check(Mode::Live, now());
    let statuses: Vec<Status> = live.outcomes().iter().map(|o| o.status()).collect();
    assert_eq!(
        statuses,
        [
            Status::Trusted,
            Status::NotTrusted,
            Status::Warning,
            Status::Error
        ]
    );
    assert!(matches!(
        live.outcomes()[3].error(),
        Some(CheckError::Probe(_))
    ));
    assert_eq!(live.exit_code(FailOn::NotTrusted), 2);
    assert_eq!(live.outcomes()[2].days_until_expiry(), Some(10));
    assert_eq!(codes(&live.outcomes()[2]), vec![Code::ExpiresSoon]);
    // Trusted now, not in 30 days: the horizon check says so.
    assert!(live.outcomes()[2].at_horizon().is_some());

    // The table: one line per endpoint, then the failing endpoints' reports.
    let human = live.human();
    let lines: Vec<&str> = human.lines().collect();
    assert!(lines[0].contains("4 endpoints checked live"), "{human}");
    assert!(
        lines[1].contains("TRUSTED") && lines[1].ends_with("expires in 365 days"),
        "{human}"
    );
    assert!(
        lines[2].contains("NOT TRUSTED") && lines[2].contains("incomplete-chain"),
        "{human}"
    );
    assert!(
        lines[3].contains("WARNING")
            && lines[3].contains("expires-soon, fails at horizon")
            && lines[3].ends_with("expires in 10 days"),
        "{human}"
    );
    assert!(lines[4].contains("ERROR"), "{human}");
    assert!(human.contains("will have expired by"), "{human}");
    assert!(!human.contains("=== https://good.corp.test"), "{human}");

    // JSON: an array of reports in manifest order, each with its endpoint as written.
    let json = live.to_json();
    let array = json.as_array().unwrap();
    assert_eq!(array.len(), 4);
    assert_eq!(array[1]["endpoint"], manifest.dependencies()[1].url());
    assert_eq!(array[1]["status"], "not-trusted");
    assert_eq!(array[1]["report"]["trusted"], false);
    assert_eq!(array[1]["line"], 10);
    assert_eq!(array[2]["days_until_expiry"], 10);
    assert_eq!(array[2]["at_horizon"]["trusted"], false);
    assert_eq!(array[3]["status"], "error");
    assert!(array[3]["report"].is_null() && array[3]["error"].is_string());

    // JUnit: parsed back; one testcase per endpoint, failures carrying the report.
    for fail_on in [FailOn::NotTrusted, FailOn::Warning] {
        let strict = fail_on == FailOn::Warning;
        let xml = live.junit(fail_on);
        let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{e}:\n{xml}"));
        let suite = doc
            .descendants()
            .find(|n| n.has_tag_name("testsuite"))
            .unwrap();
        assert_eq!(suite.attribute("tests"), Some("4"));
        assert_eq!(suite.attribute("errors"), Some("1"));
        assert_eq!(
            suite.attribute("failures"),
            Some(if strict { "2" } else { "1" })
        );
        let cases: Vec<_> = suite
            .children()
            .filter(|n| n.has_tag_name("testcase"))
            .collect();
        assert_eq!(cases.len(), 4);
        assert_eq!(
            cases[1].attribute("name"),
            Some(manifest.dependencies()[1].url())
        );
        let failure = cases[1]
            .children()
            .find(|n| n.has_tag_name("failure"))
            .unwrap();
        assert!(
            failure
                .attribute("message")
                .unwrap()
                .contains("NOT TRUSTED (incomplete-chain")
        );
        let body = failure.text().unwrap();
        assert!(body.contains("verdict: NOT TRUSTED"), "{body}");
        assert!(
            body.contains("<a>&b=\"c\""),
            "the URL's markup survives: {body}"
        );
        assert_eq!(
            cases[2].children().any(|n| n.has_tag_name("failure")),
            strict
        );
        assert!(cases[3].children().any(|n| n.has_tag_name("error")));
        assert!(cases[0].children().all(|n| !n.is_element()));
    }
}

#[test]
fn offline_without_snapshots_is_an_error_and_the_assertion_says_so() {
    let folder = Folder::new("no-snapshots");
    let path = folder.write(
        "certdeps.toml",
        "[[endpoint]]\nurl = \"https://api.contoso.test\"\n\n[[endpoint]]\nurl = \"imap://mail.contoso.test\"\n",
    );
    let manifest = Manifest::load(&path).unwrap();
    let outcomes = manifest.check(Mode::Offline, now());
    assert_eq!(outcomes.exit_code(FailOn::NotTrusted), 2);
    let error = outcomes.outcomes()[1].error().unwrap();
    assert!(
        matches!(error, CheckError::NoSnapshot { path } if path.ends_with("certdeps/mail.contoso.test-143.pem"))
    );
    assert!(error.to_string().contains("--update-snapshots"), "{error}");

    let panic =
        std::panic::catch_unwind(|| certdeps::manifest::assert_dependencies(&path)).unwrap_err();
    let message = panic.downcast_ref::<String>().unwrap();
    assert!(message.contains("2 endpoints checked offline"), "{message}");
    assert!(
        message.contains("=== imap://mail.contoso.test (line 4) ==="),
        "{message}"
    );
}

#[test]
fn the_assertion_passes_on_good_snapshots() {
    let root = Ca::root("Corp Root CA");
    let issuing = root.intermediate("Corp Issuing CA");
    let leaf = issuing.leaf(
        &KeyPair::generate().unwrap(),
        "api.corp.test",
        NOW + 3000 * DAY,
        1,
    );
    let folder = Folder::new("assertion");
    folder.root("corp-root", &root);
    folder.write("api.pem", &test_pki::pem_bundle(&[&leaf, &issuing.der()]));
    let path = folder.write(
        "certdeps.toml",
        "[defaults]\nadd_roots = [\"certs/corp-root.pem\"]\n\n[[endpoint]]\nurl = \"https://api.corp.test\"\nsnapshot = \"api.pem\"\n",
    );
    // Against the clock, not a fixed time: the chain is valid for years either way.
    certdeps::manifest::assert_dependencies(&path);
}

// ---- mistakes ------------------------------------------------------------------------

#[test]
fn every_kind_of_mistake_names_the_file_the_line_and_the_key() {
    let folder = Folder::new("mistakes");
    folder.root("corp-root", &Ca::root("Corp Root CA"));
    folder.write("certs/not-a-cert.pem", "hello\n");
    // (what, manifest text, line, key, words of the message)
    type Case<'a> = (&'a str, &'a str, Option<usize>, Option<&'a str>, &'a str);
    let cases: &[Case<'_>] = &[
        (
            "unknown top-level key",
            "[default]\n",
            Some(1),
            Some("default"),
            "unknown key; expected one of",
        ),
        (
            "unknown endpoint key",
            "[[endpoint]]\nurl = \"https://a.test\"\nresolv = \"127.0.0.1\"\n",
            Some(3),
            Some("resolv"),
            "`resolve`",
        ),
        (
            "bad URL",
            "\n[[endpoint]]\nurl = \"https://exa mple.test\"\n",
            Some(3),
            Some("url"),
            "is not an endpoint",
        ),
        (
            "unsupported scheme",
            "[[endpoint]]\nurl = \"gopher://a.test\"\n",
            Some(2),
            Some("url"),
            "is not an endpoint",
        ),
        (
            "missing url",
            "[[endpoint]]\nresolve = \"127.0.0.1\"\n",
            Some(1),
            None,
            "missing field `url`",
        ),
        (
            "missing roots file",
            "[defaults]\nadd_roots = [\n  \"certs/corp-root.pem\",\n  \"certs/gone.pem\",\n]\n",
            Some(4),
            Some("add_roots"),
            "certs/gone.pem: cannot read",
        ),
        (
            "roots file without certificates",
            "[[endpoint]]\nurl = \"https://a.test\"\nadd_roots = [\"certs/not-a-cert.pem\"]\n",
            Some(3),
            Some("add_roots"),
            "roots file",
        ),
        (
            "bad address",
            "[[endpoint]]\nurl = \"https://a.test\"\nresolve = \"localhost\"\n",
            Some(3),
            Some("resolve"),
            "\"localhost\" is not an IP address",
        ),
        (
            "bad protocol",
            "[[endpoint]]\nurl = \"https://a.test\"\nstarttls = \"xmpp\"\n",
            Some(3),
            Some("starttls"),
            "not a STARTTLS protocol",
        ),
        (
            "wrong type",
            "[defaults]\nexpiry_horizon_days = \"30\"\n",
            Some(2),
            None,
            "invalid type",
        ),
        ("not TOML", "[[endpoint]\nurl = 1\n", Some(1), None, ""),
        (
            "no concurrency",
            "[defaults]\nconcurrency = 0\n",
            Some(2),
            Some("concurrency"),
            "at least 1",
        ),
        (
            "no anchors",
            "[defaults]\nmozilla_roots = false\n\n[[endpoint]]\nurl = \"https://a.test\"\n",
            Some(5),
            Some("mozilla_roots"),
            "no trust anchor",
        ),
        (
            "two endpoints, one snapshot",
            "[[endpoint]]\nurl = \"https://a.test\"\n\n[[endpoint]]\nurl = \"https://a.test:443/other\"\n",
            Some(5),
            Some("url"),
            "the endpoint on line 1 writes the same snapshot",
        ),
    ];
    for &(name, text, line, key, words) in cases {
        let path = folder.write("certdeps.toml", text);
        let error = Manifest::load(&path)
            .err()
            .unwrap_or_else(|| panic!("{name}: loaded"));
        let message = error.to_string();
        assert_eq!(error.file(), path, "{name}");
        assert_eq!(error.line(), line, "{name}: {message}");
        assert_eq!(error.key(), key, "{name}: {message}");
        assert!(
            message.starts_with(&path.display().to_string()),
            "{name}: {message}"
        );
        assert!(message.contains(words), "{name}: {message}");
    }
    let error = Manifest::load(folder.0.join("absent.toml")).unwrap_err();
    assert!(matches!(error.problem(), Problem::Read(_)), "{error}");
    assert_eq!(error.line(), None);
}

#[test]
fn relative_paths_resolve_against_the_manifests_folder() {
    let folder = Folder::new("relative");
    folder.root("corp-root", &Ca::root("Corp Root CA"));
    let text = "[defaults]\nadd_roots = [\"certs/corp-root.pem\"]\n\n[[endpoint]]\nurl = \"ldap://dir.corp.test\"\nsnapshot = \"snaps/dir.pem\"\n\n[[endpoint]]\nurl = \"https://[2001:db8::1]:8443\"\n";
    let manifest = Manifest::parse(text, folder.0.join("certdeps.toml")).unwrap();
    let deps = manifest.dependencies();
    assert_eq!(deps[0].snapshot(), folder.0.join("snaps/dir.pem"));
    assert_eq!(
        deps[1].snapshot(),
        folder.0.join("certdeps/2001_db8__1-8443.pem")
    );
    assert_eq!(deps[0].line(), 4);
    assert_eq!(manifest.expiry_horizon(), Duration::from_secs(30 * DAY));
}

// ---- scale ---------------------------------------------------------------------------

#[test]
fn two_hundred_endpoints_on_a_bounded_number_of_probes() {
    const ENDPOINTS: usize = 200;
    const AT_ONCE: usize = 8;
    let gauge = Arc::new(Gauge::default());
    let root = Ca::root("Corp Root CA");
    let issuing = root.intermediate("Corp Issuing CA");
    let key = KeyPair::generate().unwrap();
    let chain = vec![
        issuing.leaf(&key, "*.corp.test", YEAR_AHEAD, 1),
        issuing.der(),
    ];
    let servers: Vec<Server> = (0..ENDPOINTS)
        .map(|_| Server::start(chain.clone(), Arc::clone(&gauge), Duration::from_millis(20)))
        .collect();
    let folder = Folder::new("scale");
    folder.root("corp-root", &root);
    let mut text = format!(
        "[defaults]\nmozilla_roots = false\nadd_roots = [\"certs/corp-root.pem\"]\nconcurrency = {AT_ONCE}\ntimeout_seconds = 10\n"
    );
    for (i, server) in servers.iter().enumerate() {
        text.push_str(&format!(
            "\n[[endpoint]]\nurl = \"https://svc-{i}.corp.test:{}/\"\nresolve = \"127.0.0.1\"\n",
            server.port()
        ));
    }
    let manifest = Manifest::parse(&text, folder.0.join("certdeps.toml")).unwrap();
    assert_eq!(manifest.concurrency(), AT_ONCE);

    let started = Instant::now();
    let updated = manifest.check(Mode::Update, now());
    let live_time = started.elapsed();
    let started = Instant::now();
    let offline = manifest.check(Mode::Offline, now());
    let offline_time = started.elapsed();
    println!(
        "{ENDPOINTS} endpoints, {AT_ONCE} at once: update (live) {live_time:?}, offline {offline_time:?}, \
         most handshakes at once {}",
        gauge.most.load(Ordering::SeqCst)
    );
    for outcomes in [&updated, &offline] {
        assert_eq!(outcomes.outcomes().len(), ENDPOINTS);
        for (i, outcome) in outcomes.outcomes().iter().enumerate() {
            assert!(
                outcome
                    .url()
                    .starts_with(&format!("https://svc-{i}.corp.test:"))
            );
            assert_eq!(outcome.status(), Status::Trusted, "{}", outcomes.human());
        }
        assert_eq!(outcomes.exit_code(FailOn::Warning), 0);
    }
    let most = gauge.most.load(Ordering::SeqCst);
    assert!(most <= AT_ONCE, "{most} probes at once, bound {AT_ONCE}");
    assert!(most > 1, "the probes ran one at a time");
}

/// An expired snapshot is `expired`, exit status 1, and the table says since when.
#[test]
fn an_expired_snapshot_fails_offline() {
    let root = Ca::root("Corp Root CA");
    let issuing = root.intermediate("Corp Issuing CA");
    let leaf = issuing.leaf(&KeyPair::generate().unwrap(), "api.corp.test", NOW - DAY, 1);
    let folder = Folder::new("expired");
    folder.root("corp-root", &root);
    folder.write("api.pem", &test_pki::pem_bundle(&[&leaf, &issuing.der()]));
    let path = folder.write(
        "certdeps.toml",
        "[defaults]\nmozilla_roots = false\nadd_roots = [\"certs/corp-root.pem\"]\n\n[[endpoint]]\nurl = \"https://api.corp.test\"\nsnapshot = \"api.pem\"\n",
    );
    let outcomes = Manifest::load(&path).unwrap().check(Mode::Offline, at(NOW));
    assert_eq!(outcomes.exit_code(FailOn::NotTrusted), 1);
    assert_eq!(codes(&outcomes.outcomes()[0]), vec![Code::Expired]);
    assert_eq!(outcomes.outcomes()[0].days_until_expiry(), Some(-1));
    let human = outcomes.human();
    assert!(
        human.contains("NOT TRUSTED  expired  expired 1 day ago"),
        "{human}"
    );
}

#[test]
fn a_reordered_chain_is_a_change_and_an_unreadable_snapshot_is_replaced_by_an_update() {
    let gauge = Arc::new(Gauge::default());
    let root = Ca::root("Corp Root CA");
    let issuing = root.intermediate("Corp Issuing CA");
    let leaf = issuing.leaf(
        &KeyPair::generate().unwrap(),
        "api.corp.test",
        YEAR_AHEAD,
        1,
    );
    let server = Server::start(
        vec![leaf.clone(), issuing.der(), root.der()],
        gauge,
        Duration::ZERO,
    );
    let folder = Folder::new("reordered");
    folder.root("corp-root", &root);
    let snapshot = folder.write("api.pem", "not a certificate\n");
    let path = folder.write(
        "certdeps.toml",
        &format!(
            "[defaults]\nmozilla_roots = false\nadd_roots = [\"certs/corp-root.pem\"]\n\n\
             [[endpoint]]\nurl = \"https://api.corp.test:{}\"\nresolve = \"127.0.0.1\"\nsnapshot = \"api.pem\"\n",
            server.port()
        ),
    );
    let manifest = Manifest::load(&path).unwrap();

    let live = manifest.check(Mode::Live, now());
    assert!(
        matches!(
            live.outcomes()[0].error(),
            Some(CheckError::Snapshot { .. })
        ),
        "{}",
        live.human()
    );
    assert_eq!(live.exit_code(FailOn::NotTrusted), 2);
    let updated = manifest.check(Mode::Update, now());
    assert_eq!(updated.exit_code(FailOn::Warning), 0, "{}", updated.human());
    assert_eq!(certdeps::read_certificates(&snapshot).unwrap().len(), 3);

    server.serve(vec![leaf, root.der(), issuing.der()]);
    let live = manifest.check(Mode::Live, now());
    let outcome = &live.outcomes()[0];
    assert_eq!(outcome.changes(), [Change::Reordered]);
    assert!(
        codes(outcome).contains(&Code::CertificateChanged),
        "{}",
        live.human()
    );
    // The finding is a warning, so it sorts after no error and before the infos.
    let report = outcome.report().unwrap();
    let severities: Vec<_> = report.findings().iter().map(|f| f.severity).collect();
    let mut sorted = severities.clone();
    sorted.sort();
    assert_eq!(severities, sorted, "{report}");
}

/// An SMTP relay on a port its URL does not name as SMTP: `starttls` says how to reach TLS.
#[test]
fn starttls_comes_from_the_manifest() {
    let root = Ca::root("Partner Root CA");
    let issuing = root.intermediate("Partner Issuing CA");
    let leaf = issuing.leaf(
        &KeyPair::generate().unwrap(),
        "relay.partner.test",
        YEAR_AHEAD,
        1,
    );
    let smtp = |s: &mut TcpStream| {
        s.write_all(b"220 relay.partner.test ESMTP\r\n").unwrap();
        assert!(read_line(s).starts_with("EHLO "));
        s.write_all(b"250-relay.partner.test\r\n250 STARTTLS\r\n")
            .unwrap();
        assert_eq!(read_line(s), "STARTTLS\r\n");
        s.write_all(b"220 2.0.0 go ahead\r\n").unwrap();
    };
    let gauge = Arc::new(Gauge::default());
    let server = Server::after(vec![leaf, issuing.der()], gauge, Duration::ZERO, smtp);
    let folder = Folder::new("starttls");
    folder.root("partner-root", &root);
    let path = folder.write(
        "certdeps.toml",
        &format!(
            "[[endpoint]]\nurl = \"relay.partner.test:{}\"\nresolve = \"127.0.0.1\"\n\
             starttls = \"smtp\"\nadd_roots = [\"certs/partner-root.pem\"]\n",
            server.port()
        ),
    );
    let manifest = Manifest::load(&path).unwrap();
    let updated = manifest.check(Mode::Update, now());
    assert_eq!(updated.exit_code(FailOn::Warning), 0, "{}", updated.human());
    let live = manifest.check(Mode::Live, now());
    assert_eq!(
        live.outcomes()[0].status(),
        Status::Trusted,
        "{}",
        live.human()
    );
    assert!(live.outcomes()[0].changes().is_empty());
}

#[test]
fn a_chain_probed_live_is_completed_from_aia_and_a_snapshot_never_fetches() {
    use test_pki::http::{self, Reply};

    let http = http::Server::start();
    let root = test_pki::Ca::root("AIA Corp Root CA");
    let issuing = root.intermediate("AIA Corp Issuing CA");
    http.serve("/issuing.cer", Reply::body(issuing.der().to_vec()));
    let leaf = issuing.leaf_with(test_pki::CertSpec {
        aia_ca_issuers: vec![http.url("/issuing.cer")],
        ..test_pki::CertSpec::leaf(&["api.aia-corp.test"])
    });
    let gauge = Arc::new(Gauge::default());
    let server = Server::start(vec![leaf], gauge, Duration::ZERO);
    let folder = Folder::new("aia");
    folder.write("certs/corp-root.pem", &root.pem());
    let manifest = |aia: &str| {
        let text = format!(
            "[defaults]\nmozilla_roots = false\nadd_roots = [\"certs/corp-root.pem\"]\n{aia}\n\
             [[endpoint]]\nurl = \"https://api.aia-corp.test:{}/\"\nresolve = \"127.0.0.1\"\n",
            server.port()
        );
        Manifest::load(folder.write("certdeps.toml", &text)).unwrap()
    };

    // Live, by default: the server leaves out its intermediate, AIA names it, and the
    // report carries the chain to serve.
    let updated = manifest("").check(Mode::Update, now());
    let report = updated.outcomes()[0].report().expect("probed");
    assert_eq!(report.codes(), vec![Code::IncompleteChain], "{report}");
    assert_eq!(http.hits(), 1);
    assert_eq!(
        report.fixed_chain().map(|c| c.certificates().len()),
        Some(2)
    );

    // Offline, the snapshot just written is checked without any network.
    let offline = manifest("").check(Mode::Offline, now());
    let report = offline.outcomes()[0].report().expect("the snapshot");
    assert_eq!(report.codes(), vec![Code::IncompleteChain], "{report}");
    assert!(report.aia_fetches().is_empty() && report.fixed_chain().is_none());

    // `aia = false` keeps a live check from fetching too.
    let live = manifest("aia = false").check(Mode::Live, now());
    let report = live.outcomes()[0].report().expect("probed");
    assert!(report.aia_fetches().is_empty(), "{report}");
    assert_eq!(http.hits(), 1, "no fetch offline or with aia = false");
}
