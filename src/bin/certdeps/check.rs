//! `check`: the command-line face of certdeps, as the example the README runs; the same
//! code as the `certdeps` binary (`main.rs`), plus the bundled demo.
//!
//! ```text
//! cargo run --example check                                   # the bundled demo
//! cargo run --example check -- --url https://mail.contoso.test/EWS fullchain.pem
//! cargo run --example check -- --url https://mail.contoso.test/EWS   # probes it
//! cargo run --example check -- --help
//! ```
//!
//! Exit status: 0 trusted, 1 not trusted, 2 usage or input error (one `error: ...` line on
//! stderr) or an endpoint that could not be probed. The options are the contract in the
//! README ("Checking a server from the command line").

use std::process::ExitCode;

mod args;
mod demo;
mod deps;
mod live;
mod output;
mod run;

fn main() -> ExitCode {
    run::main(std::env::args_os().skip(1), Some(demo::run))
}
