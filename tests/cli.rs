//! End to end: the `check` example as a user runs it. Builds it once with `cargo build
//! --example check`, writes chains and root bundles to a temporary directory, and asserts the
//! exit status (0 trusted, 1 not trusted, 2 usage or input error), the one-line `error:` on
//! stderr for every kind of bad input, the JSON fields the README documents, and the demo.

// Helpers may unwrap: a failure here is a failed test, reported with its location.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;
use test_pki::http::Reply;
use test_pki::server::Server;
use test_pki::{Ca, CertSpec, Chain, DAY, KeyType, NOW, pem_bundle, self_signed_leaf};

const HOST: &str = "mail.contoso.test";

/// The example binary, built (or found up to date) once per test process.
fn binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        // `cargo test` has released the build lock by the time tests run. With the test
        // profile this is the very build `cargo test` made of the example, so usually a no-op;
        // it makes `cargo test --test cli` alone use an up-to-date binary too.
        let mut cargo = Command::new(env!("CARGO"));
        cargo
            .args(["build", "--profile", "test", "--example", "check"])
            .arg("--message-format=json")
            .current_dir(env!("CARGO_MANIFEST_DIR"));
        // Cargo gives a test the package's own variables; build scripts (ring's) watch some of
        // them, so passing them on would rebuild those dependencies here and again afterwards.
        for (key, _) in std::env::vars_os() {
            let key = key.to_string_lossy();
            if key.starts_with("CARGO_PKG_")
                || key.starts_with("CARGO_MANIFEST_")
                || [
                    "CARGO_CRATE_NAME",
                    "CARGO_PRIMARY_PACKAGE",
                    "CARGO_TARGET_TMPDIR",
                    "OUT_DIR",
                ]
                .contains(&key.as_ref())
            {
                cargo.env_remove(key.as_ref());
            }
        }
        let output = cargo.output().expect("running cargo");
        assert!(
            output.status.success(),
            "cargo build --example check failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter_map(|line| serde_json::from_str::<Value>(line).ok())
            .filter(|msg| msg["reason"] == "compiler-artifact" && msg["target"]["name"] == "check")
            .find_map(|msg| msg["executable"].as_str().map(PathBuf::from))
            .expect("cargo reported no executable for the check example")
    })
}

/// A scratch directory, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "certdeps-cli-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    /// Writes `contents` to `name` inside the directory and returns its path as a string.
    fn file(&self, name: &str, contents: impl AsRef<[u8]>) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, contents).unwrap();
        path.to_str().unwrap().to_owned()
    }

    fn path(&self, name: &str) -> String {
        self.0.join(name).to_str().unwrap().to_owned()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What one run printed and returned.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

#[track_caller]
fn check(args: &[&str]) -> Run {
    let Output {
        status,
        stdout,
        stderr,
    } = Command::new(binary())
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("running the check example");
    let run = Run {
        code: status.code(),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    };
    for text in [&run.stdout, &run.stderr] {
        assert!(
            !text.contains("panicked") && !text.contains("RUST_BACKTRACE"),
            "check {args:?} panicked:\n{text}"
        );
    }
    run
}

/// Runs, expects exit status 2 and exactly one `error: ...` line on stderr, and returns it.
#[track_caller]
fn usage_error(args: &[&str]) -> String {
    let run = check(args);
    assert_eq!(
        run.code,
        Some(2),
        "check {args:?}: want exit 2\nstdout:\n{}\nstderr:\n{}",
        run.stdout,
        run.stderr
    );
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(
        lines.len(),
        1,
        "check {args:?}: want one stderr line:\n{}",
        run.stderr
    );
    assert!(
        lines[0].starts_with("error: "),
        "check {args:?}: {}",
        lines[0]
    );
    assert!(
        run.stdout.is_empty(),
        "check {args:?} printed:\n{}",
        run.stdout
    );
    lines[0].to_owned()
}

#[track_caller]
fn json(run: &Run) -> Value {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", run.stdout, run.stderr))
}

const AT: &str = "2026-06-01T00:00:00Z";

#[test]
fn trusted_chain_exits_0_and_its_json_has_the_contract_fields() {
    let chain = Chain::new(KeyType::EcdsaP256, HOST);
    let dir = Scratch::new();
    let chain_file = dir.file("fullchain.pem", chain.pem());
    let roots = dir.file("roots.pem", chain.root.pem());
    let url = format!("https://{HOST}:8443/EWS/Exchange.asmx");

    let run = check(&[
        "--url",
        &url,
        "--roots",
        &roots,
        "--at",
        AT,
        "--json",
        &chain_file,
    ]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    let report = json(&run);
    assert_eq!(report["endpoint"]["input"], url);
    assert_eq!(report["endpoint"]["host"], HOST);
    assert_eq!(report["endpoint"]["port"], 8443);
    assert_eq!(report["trusted"], true);
    assert_eq!(report["at"], AT);

    let presented = report["presented"].as_array().unwrap();
    assert_eq!(presented.len(), 2);
    assert_eq!(presented[0]["index"], 0);
    assert_eq!(presented[0]["subject"], format!("CN={HOST}"));
    assert_eq!(presented[0]["san"], serde_json::json!([HOST]));
    assert_eq!(presented[0]["is_ca"], false);
    assert_eq!(
        presented[1]["subject"],
        "CN=certdeps Test Intermediate EcdsaP256"
    );
    assert_eq!(presented[1]["is_ca"], true);
    for cert in presented {
        let sha = cert["sha256"].as_str().unwrap();
        assert!(
            sha.len() == 64 && sha.bytes().all(|b| b.is_ascii_hexdigit()),
            "{sha}"
        );
    }

    let sources: Vec<&str> = report["path"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["source"].as_str().unwrap())
        .collect();
    assert_eq!(sources, ["presented", "presented", "anchor"]);
    assert_eq!(report["path"][0]["sha256"], presented[0]["sha256"]);
    assert_eq!(
        report["anchor"]["subject"],
        "CN=certdeps Test Root EcdsaP256"
    );
    assert_eq!(report["anchor"]["store"], "custom");
    assert_eq!(report["findings"], serde_json::json!([]));
}

#[test]
fn incomplete_chain_exits_1_and_the_pool_shows_the_fix_in_json() {
    let chain = Chain::new(KeyType::EcdsaP256, HOST);
    let dir = Scratch::new();
    let leaf_only = dir.file("leaf.pem", pem_bundle(&[&chain.leaf]));
    let roots = dir.file("roots.pem", chain.root.pem());
    let pool = dir.file("pool.pem", chain.inter.pem());
    let fixed = dir.path("fixed.pem");

    let run = check(&[
        "--url",
        HOST,
        "--roots",
        &roots,
        "--intermediates",
        &pool,
        "--at",
        "1780272000",
        "--json",
        "--fixed-chain",
        &fixed,
        &leaf_only,
    ]);
    assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
    let report = json(&run);
    assert_eq!(report["trusted"], false);
    assert_eq!(report["endpoint"]["host"], HOST);
    assert_eq!(report["endpoint"]["port"], 443);
    let sources: Vec<&str> = report["path"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["source"].as_str().unwrap())
        .collect();
    assert_eq!(sources, ["presented", "pool", "anchor"]);
    assert_eq!(report["anchor"]["store"], "custom");

    let finding = &report["findings"][0];
    assert_eq!(finding["code"], "incomplete-chain");
    assert_eq!(finding["severity"], "error");
    assert_eq!(finding["certificate"], 0);
    let message = finding["message"].as_str().unwrap();
    assert!(
        message.contains("CN=certdeps Test Intermediate EcdsaP256"),
        "{message}"
    );
    let remediation = finding["remediation"].as_str().unwrap();
    assert!(remediation.starts_with("server operator"), "{remediation}");

    // The file to serve: the leaf, then the intermediate the pool supplied.
    let served = std::fs::read_to_string(&fixed).unwrap();
    assert_eq!(served, pem_bundle(&[&chain.leaf, chain.inter.der()]));
    assert_eq!(report["fixed_chain"], served);
}

#[test]
fn fixed_chain_writes_nothing_when_there_is_nothing_to_fix() {
    let chain = Chain::new(KeyType::EcdsaP256, HOST);
    let dir = Scratch::new();
    let served = dir.file("chain.pem", chain.pem());
    let roots = dir.file("roots.pem", chain.root.pem());
    let fixed = dir.path("fixed.pem");
    let run = check(&[
        "--roots",
        &roots,
        "--at",
        "1780272000",
        "--fixed-chain",
        &fixed,
        &served,
    ]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    assert!(!Path::new(&fixed).exists());
}

#[test]
fn untrusted_chains_exit_1_with_a_human_report() {
    let dir = Scratch::new();
    let self_signed = dir.file("self.pem", pem_bundle(&[&self_signed_leaf(&[HOST])]));
    // The Mozilla roots are the default store.
    let run = check(&["--url", HOST, "--at", AT, &self_signed]);
    assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("verdict: NOT TRUSTED"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("[self-signed]"), "{}", run.stdout);
    assert!(run.stderr.is_empty(), "{}", run.stderr);

    let chain = Chain::new(KeyType::EcdsaP256, HOST);
    let chain_file = dir.file("chain.pem", chain.pem());
    let roots = dir.file("roots.pem", chain.root.pem());
    let run = check(&[
        "--url",
        "other.test",
        "--roots",
        &roots,
        "--at",
        AT,
        &chain_file,
    ]);
    assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("[name-mismatch]"), "{}", run.stdout);
}

#[test]
fn add_roots_extends_the_mozilla_store_and_names_the_store() {
    let chain = Chain::new(KeyType::EcdsaP256, HOST);
    let dir = Scratch::new();
    let chain_file = dir.file("chain.pem", chain.pem());
    let roots = dir.file("private-root.pem", chain.root.pem());

    let without = check(&["--url", HOST, "--at", AT, "--json", &chain_file]);
    assert_eq!(without.code, Some(1), "{}", without.stdout);
    let codes: Vec<Value> = json(&without)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].clone())
        .collect();
    assert!(codes.contains(&"incomplete-chain".into()), "{codes:?}");

    let with = check(&[
        "--url",
        HOST,
        "--add-roots",
        &roots,
        "--at",
        AT,
        "--json",
        &chain_file,
    ]);
    assert_eq!(with.code, Some(0), "{}{}", with.stdout, with.stderr);
    let report = json(&with);
    assert_eq!(report["anchor"]["store"], "custom");
    assert_eq!(report["anchor"]["store_name"], "added");
}

#[test]
fn at_takes_rfc3339_with_offsets_and_unix_seconds() {
    let chain = Chain::new(KeyType::EcdsaP256, HOST);
    let dir = Scratch::new();
    let chain_file = dir.file("chain.pem", chain.pem());
    let roots = dir.file("roots.pem", chain.root.pem());
    let check_at = |at: &str| {
        let run = check(&["--roots", &roots, "--at", at, "--json", &chain_file]);
        (run.code, json(&run)["at"].clone())
    };
    assert_eq!(check_at("2026-06-01T02:00:00+02:00"), (Some(0), AT.into()));
    assert_eq!(check_at("2026-06-01T00:00:00.75Z"), (Some(0), AT.into()));
    assert_eq!(check_at(&NOW.to_string()), (Some(0), AT.into()));
    // The leaf is valid until 2028-01-01: a day later it has expired.
    let after = (test_pki::LEAF_NOT_AFTER + DAY).to_string();
    assert_eq!(check_at(&after), (Some(1), "2028-01-02T00:00:00Z".into()));
}

#[test]
fn an_expired_leaf_reports_expired() {
    let chain = Chain::new(KeyType::EcdsaP256, HOST);
    let expired = chain.inter.leaf_with(CertSpec {
        not_after: NOW - DAY,
        ..CertSpec::leaf(&[HOST])
    });
    let dir = Scratch::new();
    let chain_file = dir.file("chain.pem", pem_bundle(&[&expired, chain.inter.der()]));
    let roots = dir.file("roots.pem", chain.root.pem());
    let run = check(&["--url", HOST, "--roots", &roots, "--at", AT, &chain_file]);
    assert_eq!(run.code, Some(1));
    assert!(run.stdout.contains("[expired]"), "{}", run.stdout);
}

#[test]
fn der_input_and_standard_input_are_read() {
    let chain = Chain::new(KeyType::EcdsaP256, HOST);
    let dir = Scratch::new();
    // A DER file holds one certificate: the leaf, completed from the pool.
    let leaf = dir.file("leaf.der", chain.leaf.as_ref());
    let roots = dir.file("roots.pem", chain.root.pem());
    let pool = dir.file("pool.pem", chain.inter.pem());
    let run = check(&[
        "--roots",
        &roots,
        "--intermediates",
        &pool,
        "--at",
        AT,
        &leaf,
    ]);
    assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("(pool [0])"), "{}", run.stdout);

    let output = Command::new(binary())
        .args(["--roots", &roots, "--at", AT, "-"])
        .stdin(std::fs::File::open(dir.file("chain.pem", chain.pem())).unwrap())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn every_bad_input_is_one_error_line_and_exit_2() {
    let chain = Chain::new(KeyType::EcdsaP256, HOST);
    let dir = Scratch::new();
    let good = dir.file("good.pem", chain.pem());
    let pem = chain.pem();
    let half = &pem[..pem.len() / 2];
    let cases: Vec<(&str, Vec<String>, &str)> = vec![
        ("empty file", vec![dir.file("empty.pem", "")], "empty"),
        (
            "garbage",
            vec![dir.file("garbage.bin", b"\x01\x02\x03 not a certificate")],
            "no PEM or DER data",
        ),
        (
            "truncated PEM",
            vec![dir.file("truncated.pem", half)],
            "malformed PEM",
        ),
        (
            "PEM without a certificate",
            vec![dir.file(
                "key.pem",
                "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
            )],
            "no CERTIFICATE block",
        ),
        (
            "bad base64",
            vec![dir.file(
                "b64.pem",
                "-----BEGIN CERTIFICATE-----\nMII!!!\n-----END CERTIFICATE-----\n",
            )],
            "malformed PEM",
        ),
        (
            "missing file",
            vec![dir.path("no-such-file.pem")],
            "cannot read",
        ),
        (
            "a directory",
            vec![dir.0.to_str().unwrap().to_owned()],
            "cannot read",
        ),
        (
            "bad URL",
            vec![
                "--url".into(),
                "https://exa mple.test/".into(),
                good.clone(),
            ],
            "--url",
        ),
        (
            "URL without host",
            vec!["--url".into(), "https://".into(), good.clone()],
            "--url",
        ),
        (
            "port out of range",
            vec![
                "--url".into(),
                "mail.contoso.test:70000".into(),
                good.clone(),
            ],
            "out of range",
        ),
        (
            "unknown option",
            vec!["--bogus".into(), good.clone()],
            "--bogus",
        ),
        (
            "unknown short option",
            vec!["-x".into(), good.clone()],
            "-x",
        ),
        (
            "missing option value",
            vec![good.clone(), "--url".into()],
            "--url",
        ),
        (
            "option as option value",
            vec!["--roots".into(), "--json".into(), good.clone()],
            "missing value",
        ),
        (
            "no CHAIN_FILE or --url",
            vec!["--json".into()],
            "CHAIN_FILE",
        ),
        (
            "two CHAIN_FILEs",
            vec![good.clone(), good.clone()],
            "CHAIN_FILE",
        ),
        (
            "repeated option",
            vec![
                "--at".into(),
                AT.into(),
                "--at".into(),
                AT.into(),
                good.clone(),
            ],
            "more than once",
        ),
        (
            "bad --at",
            vec!["--at".into(), "yesterday".into(), good.clone()],
            "--at",
        ),
        (
            "impossible date",
            vec!["--at".into(), "2026-13-01T00:00:00Z".into(), good.clone()],
            "--at",
        ),
        (
            "negative --at",
            vec!["--at".into(), "-5".into(), good.clone()],
            "--at",
        ),
        (
            "huge --at",
            vec!["--at".into(), "99999999999999999999".into(), good.clone()],
            "--at",
        ),
        (
            "garbage --roots",
            vec!["--roots".into(), dir.file("r.pem", "junk"), good.clone()],
            "--roots",
        ),
        (
            "empty --add-roots",
            vec!["--add-roots".into(), dir.file("a.pem", ""), good.clone()],
            "--add-roots",
        ),
        (
            "missing --intermediates",
            vec!["--intermediates".into(), dir.path("nope.pem"), good.clone()],
            "--intermediates",
        ),
        (
            "a probe option with a CHAIN_FILE",
            vec!["--timeout".into(), "3".into(), good.clone()],
            "--timeout",
        ),
        (
            "two --url with a CHAIN_FILE",
            vec![
                "--url".into(),
                "a.test".into(),
                "--url".into(),
                "b.test".into(),
                good.clone(),
            ],
            "one --url",
        ),
        (
            "--fixed-chain with two probes",
            vec![
                "--url".into(),
                "a.test".into(),
                "--url".into(),
                "b.test".into(),
                "--fixed-chain".into(),
                dir.path("fixed.pem"),
            ],
            "--fixed-chain",
        ),
        (
            "bad --timeout",
            vec![
                "--url".into(),
                "a.test".into(),
                "--timeout".into(),
                "0".into(),
            ],
            "--timeout",
        ),
        (
            "bad --starttls",
            vec![
                "--url".into(),
                "a.test".into(),
                "--starttls".into(),
                "ftp".into(),
            ],
            "--starttls",
        ),
        (
            "bad --proxy",
            vec![
                "--url".into(),
                "a.test".into(),
                "--proxy".into(),
                "socks5://p:1080".into(),
            ],
            "--proxy",
        ),
        (
            "bad --servername",
            vec![
                "--url".into(),
                "127.0.0.1".into(),
                "--servername".into(),
                "exa mple".into(),
            ],
            "--servername",
        ),
        (
            "malformed --resolve",
            vec![
                "--url".into(),
                "a.test".into(),
                "--resolve".into(),
                "a.test:443".into(),
            ],
            "HOST:PORT:ADDR",
        ),
        (
            "--resolve to no address",
            vec![
                "--url".into(),
                "a.test".into(),
                "--resolve".into(),
                "a.test:443:nowhere".into(),
            ],
            "not an IP address",
        ),
        (
            "--resolve for another endpoint",
            vec![
                "--url".into(),
                "a.test".into(),
                "--resolve".into(),
                "b.test:443:127.0.0.1".into(),
            ],
            "no --url has that host and port",
        ),
        (
            "bad URL to probe",
            vec!["--url".into(), "https://".into()],
            "--url",
        ),
        (
            "--aia and --no-aia",
            vec![good.clone(), "--aia".into(), "--no-aia".into()],
            "--aia/--no-aia",
        ),
        (
            "--proxy offline without --aia",
            vec![good.clone(), "--proxy".into(), "http://127.0.0.1:1".into()],
            "applies to a probe",
        ),
        (
            "--deps with a chain file",
            vec!["--deps".into(), "certdeps.toml".into(), good.clone()],
            "cannot be combined with --deps",
        ),
        (
            "--deps with --url",
            vec![
                "--deps".into(),
                "certdeps.toml".into(),
                "--url".into(),
                "a.test".into(),
            ],
            "cannot be combined with --deps",
        ),
        (
            "--offline and --update-snapshots",
            vec![
                "--deps".into(),
                "certdeps.toml".into(),
                "--offline".into(),
                "--update-snapshots".into(),
            ],
            "cannot be combined",
        ),
        (
            "--strict without --deps",
            vec![good.clone(), "--strict".into()],
            "give --deps MANIFEST",
        ),
        (
            "a missing manifest",
            vec![
                "--deps".into(),
                dir.path("no-such.toml"),
                "--offline".into(),
            ],
            "no-such.toml",
        ),
        (
            "an unknown key in the manifest",
            vec![
                "--deps".into(),
                dir.file(
                    "typo.toml",
                    "[[endpoint]]\nurl = \"https://a.test/\"\nrezolve = \"127.0.0.1\"\n",
                ),
                "--offline".into(),
            ],
            "rezolve",
        ),
    ];
    for (what, args, expect) in &cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let line = usage_error(&args);
        assert!(line.contains(expect), "{what}: want {expect:?} in: {line}");
    }
}

#[test]
fn help_exits_0_and_lists_every_option() {
    for flag in ["-h", "--help"] {
        let run = check(&[flag]);
        assert_eq!(run.code, Some(0));
        for option in [
            "CHAIN_FILE",
            "--url",
            "--roots",
            "--add-roots",
            "--intermediates",
            "--at",
            "--json",
            "--fixed-chain",
            "--resolve",
            "--timeout",
            "--starttls",
            "--proxy",
            "--servername",
            "--aia",
            "--no-aia",
            "--deps",
            "--offline",
            "--update-snapshots",
            "--strict",
            "--junit",
        ] {
            assert!(
                run.stdout.contains(option),
                "{flag}: {option} missing:\n{}",
                run.stdout
            );
        }
    }
}

#[test]
fn the_demo_runs_every_scenario_and_exits_0() {
    let run = check(&[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    for expected in [
        "=== 1/6 healthy chain ===",
        "=== 2/6 incomplete chain ===",
        "=== 3/6 self-signed certificate ===",
        "=== 4/6 private root ===",
        "=== 5/6 name mismatch ===",
        "=== 6/6 expired certificate ===",
        "1. healthy chain              https://mail.contoso.test/EWS/Exchange.asmx: TRUSTED",
        "NOT TRUSTED (incomplete-chain)",
        "NOT TRUSTED (self-signed)",
        "NOT TRUSTED (untrusted-root)",
        "NOT TRUSTED (name-mismatch)",
        "NOT TRUSTED (expired)",
        "fixed chain: the complete file to serve (2 certificates, leaf first):\n\
         -----BEGIN CERTIFICATE-----",
        "root to import, once its fingerprint is confirmed: CN=Contoso Enterprise Root CA",
    ] {
        assert!(
            run.stdout.contains(expected),
            "demo lacks {expected:?}:\n{}",
            run.stdout
        );
    }
}

/// `--url` and `--resolve` for a TLS server started here presenting `presented`: the
/// endpoint's URL and the arguments that reach it.
fn served(presented: Vec<certdeps::CertificateDer<'static>>) -> (Server, String, [String; 4]) {
    let server = Server::tls(presented, |_| {});
    let port = server.address.port();
    let url = format!("https://{HOST}:{port}/");
    let args = [
        "--url".to_owned(),
        url.clone(),
        "--resolve".to_owned(),
        format!("{HOST}:{port}:127.0.0.1"),
    ];
    (server, url, args)
}

#[test]
fn a_url_without_chain_file_is_probed_and_its_json_is_one_report() {
    let chain = Chain::new(KeyType::EcdsaP256, HOST);
    let dir = Scratch::new();
    let roots = dir.file("roots.pem", chain.root.pem());
    let (server, url, args) = served(chain.presented());
    let mut argv: Vec<&str> = args.iter().map(String::as_str).collect();
    argv.extend(["--roots", &roots, "--at", AT, "--timeout", "5", "--json"]);
    let run = check(&argv);
    assert_eq!(server.join().as_deref(), Some(HOST), "the SNI");
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    let report = json(&run);
    assert_eq!(report["endpoint"]["input"], url);
    assert_eq!(report["trusted"], true);
    assert_eq!(report["presented"].as_array().unwrap().len(), 2);
    let connection = &report["connection"];
    assert_eq!(
        connection["address"],
        format!("127.0.0.1:{}", url_port(&url))
    );
    assert_eq!(connection["protocol_version"], "TLS 1.3", "{connection}");
    assert!(
        connection["timings_ms"]["handshake"].is_f64(),
        "{connection}"
    );
}

fn url_port(url: &str) -> &str {
    url.rsplit(':').next().unwrap().trim_end_matches('/')
}

#[test]
fn servername_checks_an_ip_address_url_for_that_name() {
    let chain = Chain::new(KeyType::EcdsaP256, HOST);
    let dir = Scratch::new();
    let roots = dir.file("roots.pem", chain.root.pem());
    let server = Server::tls(chain.presented(), |_| {});
    let url = format!("https://{}/", server.address);
    let run = check(&[
        "--url",
        &url,
        "--servername",
        HOST,
        "--roots",
        &roots,
        "--at",
        AT,
    ]);
    assert_eq!(server.join().as_deref(), Some(HOST), "the SNI");
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("verdict: TRUSTED"), "{}", run.stdout);
}

#[test]
fn several_urls_are_reported_in_order_then_summarised() {
    let chain = Chain::new(KeyType::EcdsaP256, HOST);
    let dir = Scratch::new();
    let roots = dir.file("roots.pem", chain.root.pem());
    let (healthy, healthy_url, healthy_args) = served(chain.presented());
    let (leaf_only, leaf_only_url, leaf_only_args) = served(vec![chain.leaf.clone()]);
    let mut argv: Vec<&str> = (healthy_args.iter().chain(&leaf_only_args))
        .map(String::as_str)
        .collect();
    argv.extend(["--roots", &roots, "--at", AT]);
    let run = check(&argv);
    healthy.join();
    leaf_only.join();
    assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
    let first = run
        .stdout
        .find(&format!("endpoint: {healthy_url}"))
        .unwrap();
    let second = run
        .stdout
        .find(&format!("endpoint: {leaf_only_url}"))
        .unwrap();
    assert!(first < second, "{}", run.stdout);
    let summary = run.stdout.split("=== summary ===\n").nth(1).unwrap();
    assert_eq!(
        summary,
        format!("{healthy_url}: TRUSTED\n{leaf_only_url}: NOT TRUSTED (incomplete-chain)\n")
    );
}

#[test]
fn an_endpoint_that_cannot_be_probed_is_one_line_and_exits_2() {
    let chain = Chain::new(KeyType::EcdsaP256, HOST);
    let dir = Scratch::new();
    let roots = dir.file("roots.pem", chain.root.pem());
    let (healthy, healthy_url, healthy_args) = served(chain.presented());
    // A port nothing listens on: bound, then released.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let closed_url = format!("https://{HOST}:{closed}/");
    let closed_resolve = format!("{HOST}:{closed}:127.0.0.1");
    let mut argv: Vec<&str> = healthy_args.iter().map(String::as_str).collect();
    argv.extend(["--url", &closed_url, "--resolve", &closed_resolve]);
    argv.extend(["--roots", &roots, "--at", AT, "--timeout", "5"]);

    let run = check(&argv);
    healthy.join();
    assert_eq!(run.code, Some(2), "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains(&format!(
            "endpoint: {closed_url}\ncould not be probed: connection to 127.0.0.1:{closed} refused"
        )),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(&format!(
            "{healthy_url}: TRUSTED\n{closed_url}: NOT PROBED ("
        )),
        "{}",
        run.stdout
    );

    // In JSON, an array in the order given; the failed probe says why.
    let (healthy, _, healthy_args) = served(chain.presented());
    let mut argv: Vec<&str> = healthy_args.iter().map(String::as_str).collect();
    argv.extend(["--url", &closed_url, "--resolve", &closed_resolve]);
    argv.extend(["--roots", &roots, "--at", AT, "--json"]);
    let run = check(&argv);
    healthy.join();
    assert_eq!(run.code, Some(2), "{}{}", run.stdout, run.stderr);
    let reports = json(&run);
    assert_eq!(reports[0]["trusted"], true, "{reports}");
    assert_eq!(reports[1]["endpoint"]["input"], closed_url.as_str());
    assert_eq!(reports[1]["trusted"], false);
    assert!(
        reports[1]["probe_error"]
            .as_str()
            .unwrap()
            .contains("refused"),
        "{reports}"
    );
}

/// The README's finding table is the user's catalog: it must list every code.
#[test]
fn starttls_and_proxy_reach_the_server_as_told() {
    use std::io::Write;
    use test_pki::server::{handshake, read_line};

    let chain = Chain::new(KeyType::EcdsaP256, HOST);
    let dir = Scratch::new();
    let roots = dir.file("roots.pem", chain.root.pem());

    // --starttls smtp on a port the https scheme says nothing about.
    let server = Server::tls(chain.presented(), |s| {
        s.write_all(b"220 mail.contoso.test ESMTP\r\n").unwrap();
        assert!(read_line(s).starts_with("EHLO "));
        s.write_all(b"250-mail.contoso.test\r\n250 STARTTLS\r\n")
            .unwrap();
        assert_eq!(read_line(s), "STARTTLS\r\n");
        s.write_all(b"220 go ahead\r\n").unwrap();
    });
    let port = server.address.port();
    let url = format!("https://{HOST}:{port}/");
    let resolve = format!("{HOST}:{port}:127.0.0.1");
    let run = check(&[
        "--url",
        &url,
        "--resolve",
        &resolve,
        "--starttls",
        "smtp",
        "--roots",
        &roots,
        "--at",
        AT,
        "--json",
    ]);
    server.join();
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    assert!(json(&run)["connection"]["timings_ms"]["starttls"].is_f64());

    // --proxy: the CONNECT names the endpoint, then the proxy's tunnel reaches TLS.
    let proxy = Server::start(move |mut stream| {
        let request = read_line(&mut stream);
        while read_line(&mut stream) != "\r\n" {}
        stream
            .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
            .unwrap();
        handshake(&mut stream, chain.presented());
        Some(request)
    });
    let proxy_url = format!("http://{}", proxy.address);
    let run = check(&[
        "--url",
        &format!("https://{HOST}:8443/"),
        "--proxy",
        &proxy_url,
        "--roots",
        &roots,
        "--at",
        AT,
        "--no-aia",
        "--json",
    ]);
    assert_eq!(
        proxy.join().as_deref(),
        Some(format!("CONNECT {HOST}:8443 HTTP/1.1\r\n").as_str())
    );
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    assert_eq!(json(&run)["connection"]["proxied"], true);
}

/// A root, its intermediate served over HTTP at the AIA caIssuers URL of a leaf the
/// server presents alone, and the root bundle a check trusts.
struct AiaCase {
    http: test_pki::http::Server,
    leaf: certdeps::CertificateDer<'static>,
    roots: String,
}

impl AiaCase {
    fn new(dir: &Scratch) -> Self {
        let http = test_pki::http::Server::start();
        let root = Ca::root("CLI AIA Root");
        let inter = root.intermediate("CLI AIA Issuing CA");
        http.serve("/issuing.cer", Reply::body(inter.der().to_vec()));
        let leaf = inter.leaf_with(CertSpec {
            aia_ca_issuers: vec![http.url("/issuing.cer")],
            ..CertSpec::leaf(&[HOST])
        });
        let roots = dir.file("aia-roots.pem", root.pem());
        Self { http, leaf, roots }
    }
}

#[test]
fn a_probe_completes_a_missing_intermediate_from_aia_unless_told_not_to() {
    let dir = Scratch::new();
    let case = AiaCase::new(&dir);
    for (flag, fetches) in [(None, 1), (Some("--no-aia"), 0)] {
        let (server, _, args) = served(vec![case.leaf.clone()]);
        let mut argv: Vec<&str> = args.iter().map(String::as_str).collect();
        argv.extend(["--roots", &case.roots, "--at", AT, "--json"]);
        argv.extend(flag);
        let before = case.http.hits();
        let run = check(&argv);
        server.join();
        assert_eq!(run.code, Some(1), "{flag:?}: {}{}", run.stdout, run.stderr);
        let report = json(&run);
        assert_eq!(
            report["findings"][0]["code"], "incomplete-chain",
            "{flag:?}"
        );
        assert_eq!(case.http.hits() - before, fetches, "{flag:?}: fetches");
        let aia = report["aia"].as_array().unwrap();
        assert_eq!(aia.len(), fetches, "{flag:?}: {report}");
        assert_eq!(report["fixed_chain"].is_string(), fetches == 1, "{flag:?}");
    }
}

#[test]
fn an_offline_check_fetches_from_aia_only_with_the_flag() {
    let dir = Scratch::new();
    let case = AiaCase::new(&dir);
    let chain = dir.file("leaf.pem", pem_bundle(&[&case.leaf]));
    let fixed = dir.path("fixed.pem");
    let base = ["--url", HOST, "--roots", &case.roots, "--at", AT];

    let run = check(&[&base[..], &[chain.as_str(), "--fixed-chain", &fixed]].concat());
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_eq!(case.http.hits(), 0, "fetched without --aia");
    assert!(!Path::new(&fixed).exists(), "nothing completed the chain");

    let run = check(
        &[
            &base[..],
            &[chain.as_str(), "--aia", "--fixed-chain", &fixed],
        ]
        .concat(),
    );
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_eq!(case.http.hits(), 1);
    assert!(
        run.stdout.contains(&case.http.url("/issuing.cer")),
        "{}",
        run.stdout
    );
    let written = std::fs::read_to_string(&fixed).unwrap();
    assert_eq!(written.matches("BEGIN CERTIFICATE").count(), 2, "{written}");
}

#[test]
fn deps_updates_the_snapshots_then_checks_them_offline_with_junit() {
    let chain = Chain::new(KeyType::EcdsaP256, HOST);
    let dir = Scratch::new();
    dir.file("root.pem", chain.root.pem());
    let server = Server::tls(chain.presented(), |_| {});
    let manifest = dir.file(
        "certdeps.toml",
        format!(
            "[defaults]\nmozilla_roots = false\nadd_roots = [\"root.pem\"]\n\n\
             [[endpoint]]\nurl = \"https://{HOST}:{}/\"\nresolve = \"127.0.0.1\"\n",
            server.address.port()
        ),
    );
    let snapshot = dir.path(&format!("certdeps/{HOST}-{}.pem", server.address.port()));

    let run = check(&["--deps", &manifest, "--update-snapshots", "--at", AT]);
    server.join();
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    let written = std::fs::read_to_string(&snapshot).expect("the snapshot is written");
    assert_eq!(written.matches("BEGIN CERTIFICATE").count(), 2, "{written}");

    // No server now: offline reads the snapshot alone.
    let junit = dir.path("certdeps.xml");
    let run = check(&[
        "--deps",
        &manifest,
        "--offline",
        "--at",
        AT,
        "--json",
        "--junit",
        &junit,
    ]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    let outcomes = json(&run);
    assert_eq!(outcomes.as_array().map(Vec::len), Some(1), "{outcomes}");
    assert_eq!(outcomes[0]["report"]["trusted"], true, "{outcomes}");
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(
        xml.contains("<testcase") && !xml.contains("<failure"),
        "{xml}"
    );

    // Within the horizon of the leaf's expiry, --strict fails on the warning.
    let late = "2027-12-20T00:00:00Z";
    let run = check(&["--deps", &manifest, "--offline", "--at", late]);
    assert_eq!(
        run.code,
        Some(0),
        "a warning passes: {}{}",
        run.stdout,
        run.stderr
    );
    let run = check(&["--deps", &manifest, "--offline", "--at", late, "--strict"]);
    assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("expires-soon"), "{}", run.stdout);
}

#[test]
fn readme_lists_every_finding_code() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    for code in certdeps::Code::ALL {
        let row = format!("| `{code}` |");
        assert!(readme.contains(&row), "README.md has no row {row}");
    }
    for command in ["cargo run --example check", "cargo test"] {
        assert!(
            readme.contains(command),
            "README.md does not show `{command}`"
        );
    }
}
