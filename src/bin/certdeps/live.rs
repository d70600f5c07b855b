//! `--url` without a CHAIN_FILE: each endpoint is probed, concurrently, and its report
//! printed in the order given, then one summary line per endpoint.

use std::net::{IpAddr, SocketAddr};
use std::process::ExitCode;

use certdeps::probe::{self, Checked, DEFAULT_AT_ONCE, check_all};
use certdeps::{Endpoint, UnixTime, Verifier};
use serde_json::{Value, json};

use crate::args::{Options, ProbeArgs};
use crate::output::{FAILURE, emit, emit_json, write_fixed_chain};

/// Probes every `--url` endpoint and checks what each presented.
pub(crate) fn check(options: &Options, verifier: &Verifier) -> Result<ExitCode, String> {
    let endpoints = endpoints(&options.urls, &options.probe)?;
    let at = options.at.unwrap_or_else(UnixTime::now);
    let results = check_all(verifier, &endpoints, at, DEFAULT_AT_ONCE);

    if options.json {
        let mut values: Vec<Value> = (endpoints.iter().zip(&results))
            .map(|((endpoint, _), result)| match result {
                Ok((report, _)) => report.to_json(),
                Err(error) => unprobed_json(endpoint, error),
            })
            .collect();
        // One endpoint prints its report as the offline check does; several, an array.
        let value = match values.len() {
            1 => values.swap_remove(0),
            _ => Value::Array(values),
        };
        emit_json(&value)?;
    } else {
        let mut out = String::new();
        for ((endpoint, _), result) in endpoints.iter().zip(&results) {
            match result {
                Ok((report, _)) => out.push_str(&format!("{report}\n")),
                Err(error) => out.push_str(&format!(
                    "endpoint: {}\ncould not be probed: {error}\n\n",
                    endpoint.input()
                )),
            }
        }
        out.push_str("=== summary ===\n");
        for ((endpoint, _), result) in endpoints.iter().zip(&results) {
            match result {
                Ok((report, _)) => out.push_str(&report.summary()),
                Err(error) => out.push_str(&format!("{}: NOT PROBED ({error})", endpoint.input())),
            }
            out.push('\n');
        }
        emit(&out)?;
    }
    if let [Ok((report, _))] = &results[..] {
        write_fixed_chain(options, report)?;
    }
    Ok(exit_status(&results))
}

/// 2 if any endpoint could not be probed, else 1 if any is not trusted, else 0.
fn exit_status(results: &[Checked]) -> ExitCode {
    if results.iter().any(Result::is_err) {
        ExitCode::from(FAILURE)
    } else if results
        .iter()
        .flatten()
        .all(|(report, _)| report.is_trusted())
    {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// The JSON for an endpoint that could not be probed: its `endpoint` as a report has it,
/// `trusted` false, and the error in `probe_error`.
fn unprobed_json(endpoint: &Endpoint, error: &probe::ProbeError) -> Value {
    json!({
        "schema_version": certdeps::Report::JSON_SCHEMA_VERSION,
        "endpoint": {
            "input": endpoint.input(),
            "host": endpoint.host().to_string(),
            "port": endpoint.port(),
        },
        "trusted": false,
        "probe_error": error.to_string(),
    })
}

/// Each `--url` with its probe options: the shared ones, and the `--resolve` address for
/// its host and port. A `--resolve` that matches no endpoint is refused: it is a typo.
fn endpoints(urls: &[String], args: &ProbeArgs) -> Result<Vec<(Endpoint, probe::Options)>, String> {
    let mut shared = probe::Options::default();
    if let Some(timeout) = args.timeout {
        shared = shared.with_deadline(timeout);
    }
    if let Some(protocol) = args.starttls {
        shared = shared.with_starttls(protocol);
    }
    if let Some(proxy) = &args.proxy {
        shared = shared
            .with_proxy(proxy)
            .map_err(|e| format!("--proxy: {e}"))?;
    }
    if let Some(name) = &args.servername {
        shared = (shared.with_server_name(name)).map_err(|e| format!("--servername: {e}"))?;
    }
    let resolves = (args.resolve.iter())
        .map(|text| parse_resolve(text))
        .collect::<Result<Vec<_>, _>>()?;
    let mut used = vec![false; resolves.len()];
    let endpoints = urls
        .iter()
        .map(|url| {
            let endpoint = Endpoint::parse(url).map_err(|e| format!("--url {url}: {e}"))?;
            let mut options = shared.clone();
            let wanted = |(_, (target, _)): &(usize, &(Endpoint, SocketAddr))| {
                target.host() == endpoint.host() && target.port() == endpoint.port()
            };
            if let Some((i, (_, address))) = resolves.iter().enumerate().find(wanted) {
                used[i] = true;
                options = options.with_resolve(*address);
            }
            Ok((endpoint, options))
        })
        .collect::<Result<Vec<_>, String>>()?;
    if let Some(i) = used.iter().position(|used| !used) {
        return Err(format!(
            "--resolve {}: no --url has that host and port",
            args.resolve[i]
        ));
    }
    Ok(endpoints)
}

/// `--resolve HOST:PORT:ADDR`, as curl reads it: connect to ADDR (an IP address, IPv6 in
/// brackets or not) for the endpoint HOST:PORT.
fn parse_resolve(text: &str) -> Result<(Endpoint, SocketAddr), String> {
    let invalid = |why: &str| format!("--resolve {text:?}: {why}; expected HOST:PORT:ADDR");
    let (host, rest) = match text.strip_prefix('[') {
        Some(bracketed) => bracketed
            .split_once("]:")
            .map(|(host, rest)| (format!("[{host}]"), rest)),
        None => text
            .split_once(':')
            .map(|(host, rest)| (host.to_owned(), rest)),
    }
    .ok_or_else(|| invalid("no port"))?;
    let (port, address) = rest.split_once(':').ok_or_else(|| invalid("no address"))?;
    if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid("the port is not a number"));
    }
    let target = Endpoint::parse(&format!("{host}:{port}")).map_err(|e| invalid(&e.to_string()))?;
    let ip = address.strip_prefix('[').and_then(|a| a.strip_suffix(']'));
    let ip: IpAddr = (ip.unwrap_or(address).parse())
        .map_err(|_| invalid(&format!("{address:?} is not an IP address")))?;
    let port = target.port();
    Ok((target, SocketAddr::new(ip, port)))
}
