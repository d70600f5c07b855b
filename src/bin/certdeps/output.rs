//! What every kind of check writes: the report (human or JSON) on standard output, the
//! fixed chain to its file, and the exit status for an error.

use std::io::{self, Write};

use certdeps::Report;

use crate::args::Options;

/// Exit status 2: usage or input error, or an endpoint that could not be probed.
pub(crate) const FAILURE: u8 = 2;

/// `--fixed-chain`: writes the chain the pool or AIA completed, when one did.
pub(crate) fn write_fixed_chain(options: &Options, report: &Report) -> Result<(), String> {
    if let (Some(path), Some(chain)) = (&options.fixed_chain, report.fixed_chain()) {
        std::fs::write(path, chain.to_pem())
            .map_err(|e| format!("cannot write --fixed-chain {}: {e}", path.display()))?;
    }
    Ok(())
}

/// Writes `value` to stdout, pretty-printed, on lines of its own.
pub(crate) fn emit_json(value: &serde_json::Value) -> Result<(), String> {
    let json = serde_json::to_string_pretty(value)
        .map_err(|e| format!("cannot render the report as JSON: {e}"))?;
    emit(&format!("{json}\n"))
}

/// Writes to stdout. A closed pipe (`check ... | head`) is not an error worth a message:
/// the reader has what it wanted.
pub(crate) fn emit(text: &str) -> Result<(), String> {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            Err(format!("cannot write to standard output: {e}"))
        }
        _ => Ok(()),
    }
}
