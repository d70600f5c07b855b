//! `certdeps`: the command-line tool (`cargo install certdeps --features cli`), the same
//! code as the `check` example (`check.rs`) without its demo.
//!
//! Exit status: 0 trusted, 1 not trusted, 2 usage or input error (one `error: ...` line on
//! stderr) or an endpoint that could not be probed. The options are the contract in the
//! README ("Checking a server from the command line").

use std::process::ExitCode;

mod args;
mod deps;
mod live;
mod output;
mod run;

fn main() -> ExitCode {
    run::main(std::env::args_os().skip(1), None)
}
