//! `--deps MANIFEST`: every endpoint a manifest names, checked as the mode options say, with
//! the manifest's own outputs (the table and reports, JSON, JUnit) and exit status.

use std::path::Path;
use std::process::ExitCode;

use certdeps::UnixTime;
use certdeps::manifest::{FailOn, Manifest, Mode};

use crate::args::Options;
use crate::output::{emit, emit_json};

/// Loads the manifest at `path`, checks every endpoint and writes the outputs asked for.
pub(crate) fn check(path: &Path, options: &Options) -> Result<ExitCode, String> {
    let args = &options.deps;
    let manifest = Manifest::load(path).map_err(|e| e.to_string())?;
    let mode = if args.offline {
        Mode::Offline
    } else if args.update_snapshots {
        Mode::Update
    } else {
        Mode::Live
    };
    let fail_on = if args.strict {
        FailOn::Warning
    } else {
        FailOn::NotTrusted
    };
    let outcomes = manifest.check(mode, options.at.unwrap_or_else(UnixTime::now));
    if options.json {
        emit_json(&outcomes.to_json())?;
    } else {
        emit(&outcomes.human())?;
    }
    if let Some(junit) = &args.junit {
        std::fs::write(junit, outcomes.junit(fail_on))
            .map_err(|e| format!("cannot write --junit {}: {e}", junit.display()))?;
    }
    let code = u8::try_from(outcomes.exit_code(fail_on)).unwrap_or(2);
    Ok(ExitCode::from(code))
}
