//! Running a command: the verifier the options describe, and the offline check of a chain
//! file; a probe (`live`) and a manifest (`deps`) go to modules of their own.

use std::ffi::OsString;
use std::io::{self, Read};
use std::path::Path;
use std::process::ExitCode;

use certdeps::{Endpoint, Pool, TrustStore, UnixTime, Verifier};

use crate::args::{self, Command, Options};
use crate::output::{FAILURE, emit, emit_json, write_fixed_chain};
use crate::{deps, live};

/// Runs the command line `args`. `demo` is what no arguments run, when this build has one.
pub(crate) fn main(
    args: impl IntoIterator<Item = OsString>,
    demo: Option<fn() -> Result<(), String>>,
) -> ExitCode {
    match run(args, demo) {
        Ok(code) => code,
        Err(message) => {
            // One line, whatever the underlying error's text holds.
            let line = message.split_whitespace().collect::<Vec<_>>().join(" ");
            eprintln!("error: {line}");
            ExitCode::from(FAILURE)
        }
    }
}

fn run(
    args: impl IntoIterator<Item = OsString>,
    demo: Option<fn() -> Result<(), String>>,
) -> Result<ExitCode, String> {
    match (args::parse(args)?, demo) {
        (Command::Help, _) => {
            emit(args::USAGE)?;
            Ok(ExitCode::SUCCESS)
        }
        (Command::Demo, Some(demo)) => {
            demo()?;
            Ok(ExitCode::SUCCESS)
        }
        (Command::Demo, None) => {
            Err("no CHAIN_FILE or --url given (see --help for usage)".to_owned())
        }
        (Command::Check(options), _) => match &options.deps.manifest {
            Some(manifest) => deps::check(manifest, &options),
            None => {
                let verifier = verifier(&options)?;
                match &options.chain {
                    Some(chain) => offline(&options, &verifier, chain),
                    None => live::check(&options, &verifier),
                }
            }
        },
    }
}

/// The verifier `--roots`, `--add-roots`, `--intermediates`, `--aia` and `--proxy` describe.
fn verifier(options: &Options) -> Result<Verifier, String> {
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
    if options.aia() {
        let mut aia = certdeps::Aia::default();
        if let Some(proxy) = &options.probe.proxy {
            aia = aia.with_proxy(proxy).map_err(|e| format!("--proxy: {e}"))?;
        }
        builder = builder.with_aia(aia);
    }
    builder.build().map_err(|e| e.to_string())
}

/// Checks the chain in `chain_path`, for the `--url` endpoint when there is one.
fn offline(options: &Options, verifier: &Verifier, chain_path: &Path) -> Result<ExitCode, String> {
    let endpoint = match options.urls.first() {
        Some(url) => Some(Endpoint::parse(url).map_err(|e| format!("--url: {e}"))?),
        None => None,
    };
    let presented = certdeps::decode_certificates(&read(chain_path, "CHAIN_FILE")?)
        .map_err(|e| format!("{}: {e}", chain_path.display()))?;

    let at = options.at.unwrap_or_else(UnixTime::now);
    let report = match &endpoint {
        Some(endpoint) => verifier.check(endpoint, &presented, at),
        None => verifier.check_chain(&presented, at),
    };
    if options.json {
        emit_json(&report.to_json())?;
    } else {
        emit(&report.to_string())?;
    }
    write_fixed_chain(options, &report)?;
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
