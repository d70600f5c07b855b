//! `check`: the command-line face of certdeps.
//!
//! ```text
//! cargo run --example check                                   # the bundled demo
//! cargo run --example check -- --url https://mail.contoso.test/EWS fullchain.pem
//! cargo run --example check -- --help
//! ```
//!
//! Exit status: 0 trusted, 1 not trusted, 2 usage or input error (one `error: ...` line on
//! stderr). The options are the contract in the README ("Checking a server from the command line").

use std::ffi::OsString;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use certdeps::{CertificateDer, Endpoint, Pool, Report, TrustStore, UnixTime, Verifier};

const USAGE: &str = "\
certdeps check: will a strict TLS client trust this endpoint, and if not, why?

usage: cargo run --example check -- [OPTIONS] [CHAIN_FILE]
       cargo run --example check            (no arguments: run the bundled demo)

arguments:
  CHAIN_FILE            PEM or DER file with the certificates the server presents,
                        leaf first (any order tolerated); '-' reads standard input

options:
  --url URL             the endpoint the chain must be valid for
                        (https://host[:port]/..., host:port or host)
  --roots FILE          trust only the anchors in this PEM bundle (not the Mozilla roots)
  --add-roots FILE      trust these anchors in addition to the Mozilla roots
  --intermediates FILE  a pool of known intermediates, used to explain and fix an
                        incomplete chain (never to make it trusted)
  --at TIME             validation time: RFC 3339 (2026-06-01T00:00:00Z) or unix seconds
                        (default: now)
  --json                print the report as JSON
  --fixed-chain FILE    when the intermediate pool completes the chain, write the
                        complete chain file to serve (PEM, leaf first) to FILE
  -h, --help            print this help

exit status: 0 trusted, 1 not trusted, 2 usage or input error
";

/// The latest time accepted by `--at`: 9999-12-31T23:59:59Z, the last second an X.509
/// GeneralizedTime can express (RFC 5280 section 4.1.2.5.2).
const MAX_AT: u64 = 253_402_300_799;

fn main() -> ExitCode {
    match run(std::env::args_os().skip(1)) {
        Ok(code) => code,
        Err(message) => {
            // One line, whatever the underlying error's text holds.
            let line = message.split_whitespace().collect::<Vec<_>>().join(" ");
            eprintln!("error: {line}");
            ExitCode::from(2)
        }
    }
}

/// What the command line asks for.
enum Command {
    Check(Options),
    Demo,
    Help,
}

#[derive(Default)]
struct Options {
    chain: Option<PathBuf>,
    url: Option<String>,
    roots: Option<PathBuf>,
    add_roots: Option<PathBuf>,
    intermediates: Option<PathBuf>,
    at: Option<UnixTime>,
    json: bool,
    fixed_chain: Option<PathBuf>,
}

fn run(args: impl IntoIterator<Item = OsString>) -> Result<ExitCode, String> {
    match parse(args)? {
        Command::Help => {
            emit(USAGE)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo => {
            demo()?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Check(options) => check(&options),
    }
}

fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Command, String> {
    use lexopt::prelude::*;

    let mut parser = lexopt::Parser::from_args(args);
    let mut options = Options::default();
    let mut any = false;
    while let Some(arg) = parser.next().map_err(usage_error)? {
        any = true;
        match arg {
            Short('h') | Long("help") => return Ok(Command::Help),
            Long("json") => options.json = true,
            Long("url") => {
                let url = value(&mut parser, "--url")?.string().map_err(usage_error)?;
                set_once(&mut options.url, url, "--url")?;
            }
            Long("roots") => {
                let path = value(&mut parser, "--roots")?.into();
                set_once(&mut options.roots, path, "--roots")?;
            }
            Long("add-roots") => {
                let path = value(&mut parser, "--add-roots")?.into();
                set_once(&mut options.add_roots, path, "--add-roots")?;
            }
            Long("intermediates") => {
                let path = value(&mut parser, "--intermediates")?.into();
                set_once(&mut options.intermediates, path, "--intermediates")?;
            }
            Long("fixed-chain") => {
                let path = value(&mut parser, "--fixed-chain")?.into();
                set_once(&mut options.fixed_chain, path, "--fixed-chain")?;
            }
            Long("at") => {
                let text = value(&mut parser, "--at")?.string().map_err(usage_error)?;
                set_once(&mut options.at, parse_time(&text)?, "--at")?;
            }
            Value(path) if options.chain.is_none() => options.chain = Some(path.into()),
            Value(path) => {
                return Err(format!(
                    "unexpected argument {:?}: give exactly one CHAIN_FILE (see --help)",
                    path.to_string_lossy()
                ));
            }
            _ => return Err(usage_error(arg.unexpected())),
        }
    }
    if !any {
        return Ok(Command::Demo);
    }
    if options.chain.is_none() {
        return Err(
            "no CHAIN_FILE given: pass the file with the certificates the server presents \
             (run with no arguments for the demo, --help for usage)"
                .to_owned(),
        );
    }
    Ok(Command::Check(options))
}

/// The value of an option that takes one. lexopt would take the next argument whatever it
/// is, so `--url --json` would check the URL "--json"; an option-like value is refused.
fn value(parser: &mut lexopt::Parser, option: &str) -> Result<OsString, String> {
    let value = parser.value().map_err(usage_error)?;
    let text = value.to_string_lossy();
    let short_option = text.len() == 2
        && text.starts_with('-')
        && text.chars().nth(1).is_some_and(|c| c.is_ascii_alphabetic());
    if text.starts_with("--") || short_option {
        return Err(format!(
            "missing value for option '{option}' (found option '{text}' instead; see --help)"
        ));
    }
    Ok(value)
}

fn set_once<T>(slot: &mut Option<T>, value: T, option: &str) -> Result<(), String> {
    if slot.replace(value).is_some() {
        return Err(format!("option '{option}' given more than once"));
    }
    Ok(())
}

fn usage_error(err: lexopt::Error) -> String {
    format!("{err} (see --help)")
}

/// `--at`: unix seconds, or an RFC 3339 timestamp (RFC 3339 section 5.6).
fn parse_time(text: &str) -> Result<UnixTime, String> {
    let expected = "expected RFC 3339 (2026-06-01T00:00:00Z) or unix seconds (1780272000)";
    let secs = if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        text.parse::<u64>()
            .map_err(|_| format!("--at {text:?}: number too large; {expected}"))?
    } else {
        let format = time::format_description::well_known::Rfc3339;
        let parsed = time::OffsetDateTime::parse(text, &format)
            .map_err(|e| format!("--at {text:?}: {e}; {expected}"))?;
        u64::try_from(parsed.unix_timestamp())
            .map_err(|_| format!("--at {text:?}: before 1970-01-01T00:00:00Z"))?
    };
    if secs > MAX_AT {
        return Err(format!(
            "--at {text:?}: after 9999-12-31T23:59:59Z, the last time a certificate can express"
        ));
    }
    Ok(UnixTime::since_unix_epoch(Duration::from_secs(secs)))
}

fn check(options: &Options) -> Result<ExitCode, String> {
    let endpoint = match &options.url {
        Some(url) => Some(Endpoint::parse(url).map_err(|e| format!("--url: {e}"))?),
        None => None,
    };

    let store = match &options.roots {
        Some(path) => TrustStore::from_pem(&read(path, "--roots")?)
            .map_err(|e| format!("--roots {}: {e}", path.display()))?,
        None => TrustStore::mozilla(),
    };
    let mut builder = Verifier::builder(store);
    if let Some(path) = &options.add_roots {
        let bytes = read(path, "--add-roots")?;
        let added = certdeps::decode_certificates(&bytes)
            .map_err(|e| e.to_string())
            .and_then(|certs| {
                // Named apart from the `--roots` store ("custom") so a report can tell them
                // apart.
                TrustStore::from_certificates("added", certs).map_err(|e| e.to_string())
            })
            .map_err(|e| format!("--add-roots {}: {e}", path.display()))?;
        builder = builder.with_store(added);
    }
    if let Some(path) = &options.intermediates {
        let pool = Pool::from_pem(&read(path, "--intermediates")?)
            .map_err(|e| format!("--intermediates {}: {e}", path.display()))?;
        builder = builder.with_intermediates(pool);
    }
    let verifier = builder.build().map_err(|e| e.to_string())?;

    let Some(chain_path) = &options.chain else {
        return Err("no CHAIN_FILE given (see --help)".to_owned());
    };
    let presented = certdeps::decode_certificates(&read(chain_path, "CHAIN_FILE")?)
        .map_err(|e| format!("{}: {e}", chain_path.display()))?;

    let at = options.at.unwrap_or_else(UnixTime::now);
    let report = match &endpoint {
        Some(endpoint) => verifier.check(endpoint, &presented, at),
        None => verifier.check_chain(&presented, at),
    };
    if options.json {
        let json = serde_json::to_string_pretty(&report.to_json())
            .map_err(|e| format!("cannot render the report as JSON: {e}"))?;
        emit(&format!("{json}\n"))?;
    } else {
        emit(&report.to_string())?;
    }
    if let (Some(path), Some(chain)) = (&options.fixed_chain, report.fixed_chain()) {
        std::fs::write(path, chain.to_pem())
            .map_err(|e| format!("cannot write --fixed-chain {}: {e}", path.display()))?;
    }
    Ok(if report.is_trusted() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Reads a whole file; `-` is standard input.
fn read(path: &Path, what: &str) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    let result = if path == Path::new("-") {
        io::stdin().lock().read_to_end(&mut bytes).map(|_| ())
    } else {
        std::fs::File::open(path).and_then(|mut file| file.read_to_end(&mut bytes).map(|_| ()))
    };
    result.map_err(|e| format!("cannot read {what} {}: {e}", path.display()))?;
    Ok(bytes)
}

/// Writes to stdout. A closed pipe (`check ... | head`) is not an error worth a message:
/// the reader has what it wanted.
fn emit(text: &str) -> Result<(), String> {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            Err(format!("cannot write to standard output: {e}"))
        }
        _ => Ok(()),
    }
}

/// The bundled demo: one server per common cause of "could not establish trust", each chain
/// generated now by the test PKI crate (`tests/pki`, shared with the integration tests), so
/// nothing is committed and nothing expires; all checked at the fixed time `test_pki::now()`
/// (2026-06-01T00:00:00Z).
fn demo() -> Result<(), String> {
    use test_pki::{Ca, CertSpec, DAY, NOW};

    let now = test_pki::now();
    let url = "https://mail.contoso.test/EWS/Exchange.asmx";
    let host = "mail.contoso.test";
    let endpoint = Endpoint::parse(url).map_err(|e| e.to_string())?;

    // The client's trust store: one demo root standing in for the Mozilla roots.
    let public_root = Ca::root("Demo Public Root CA");
    let issuing = public_root.intermediate("Demo Issuing CA 1");
    let store = TrustStore::from_certificates("demo", [public_root.der().clone()])
        .map_err(|e| e.to_string())?;
    let client = Verifier::builder(store.clone())
        .build()
        .map_err(|e| e.to_string())?;
    let leaf = issuing.leaf(&[host]);
    let healthy = vec![leaf.clone(), issuing.der().clone()];

    emit(&format!(
        "certdeps demo: six servers, one per common cause of \"could not establish trust\".\n\
         The client trusts one root, \"CN=Demo Public Root CA\" (standing in for the Mozilla\n\
         roots), and connects to {url}.\n\
         Every chain is generated now; all are checked at 2026-06-01T00:00:00Z.\n\
         To check your own server: cargo run --example check -- --help\n"
    ))?;
    let mut summary = Vec::new();
    let mut show = |number: usize, title: &str, story: &str, report: &Report| {
        summary.push(format!("  {number}. {title:<26} {}", report.summary()));
        emit(&format!(
            "\n=== {number}/6 {title} ===\n{story}\n\n{report}"
        ))
    };

    // 1. What a correctly configured server sends.
    let report = client.check(&endpoint, &healthy, now);
    show(
        1,
        "healthy chain",
        "The server sends its leaf and the intermediate; the root is in the client's store.",
        &report,
    )?;

    // 2. The classic: the server forgot the intermediate. A pool of known intermediates
    //    (`--intermediates`) does not make it trusted, but names the exact fix.
    let with_pool = Verifier::builder(store)
        .with_intermediates({
            let mut pool = Pool::new();
            pool.extend([issuing.der().clone()]);
            pool
        })
        .build()
        .map_err(|e| e.to_string())?;
    let report = with_pool.check(&endpoint, std::slice::from_ref(&leaf), now);
    show(
        2,
        "incomplete chain",
        "The server sends only its leaf. Browsers fetch the missing intermediate; strict\n\
         clients do not. Checked with an intermediate pool (--intermediates), which finds\n\
         the missing certificate but never makes the chain trusted.",
        &report,
    )?;

    // 3. Nothing vouches for a self-signed certificate.
    let report = client.check(&endpoint, &[test_pki::self_signed_leaf(&[host])], now);
    show(
        3,
        "self-signed certificate",
        "The server presents a certificate it signed itself.",
        &report,
    )?;

    // 4. A complete chain to a root the client does not hold: the fix is on the client.
    let enterprise_root = Ca::root("Contoso Enterprise Root CA");
    let enterprise_issuing = enterprise_root.intermediate("Contoso Issuing CA");
    let private: Vec<CertificateDer<'static>> = vec![
        enterprise_issuing.leaf(&[host]),
        enterprise_issuing.der().clone(),
        enterprise_root.der().clone(),
    ];
    let report = client.check(&endpoint, &private, now);
    show(
        4,
        "private root",
        "The chain is complete but ends in the company's own root, which the client's\n\
         store does not hold (--add-roots adds it).",
        &report,
    )?;

    // 5. The right chain for the wrong name.
    let other = Endpoint::parse("https://webmail.contoso.test/").map_err(|e| e.to_string())?;
    let report = client.check(&other, &healthy, now);
    show(
        5,
        "name mismatch",
        "The client connects to webmail.contoso.test; the certificate names only\n\
         mail.contoso.test.",
        &report,
    )?;

    // 6. A rotation that did not happen.
    let expired = issuing.leaf_with(CertSpec {
        not_before: NOW - 400 * DAY,
        not_after: NOW - 10 * DAY,
        ..CertSpec::leaf(&[host])
    });
    let report = client.check(&endpoint, &[expired, issuing.der().clone()], now);
    show(
        6,
        "expired certificate",
        "The leaf's validity ended ten days before the check.",
        &report,
    )?;

    emit(&format!(
        "\n=== summary ===\n{}\n\nREADME.md lists every finding code and what it means.\n",
        summary.join("\n")
    ))
}
