//! The command line: what it accepts, read into [`Options`]. Every refusal is one line that
//! names the option and the value.

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

use certdeps::{Protocol, UnixTime};
use lexopt::ValueExt;

pub(crate) const USAGE: &str = "\
certdeps check: will a strict TLS client trust this endpoint, and if not, why?

usage: certdeps [OPTIONS] [CHAIN_FILE]
       certdeps --deps MANIFEST [--offline | --update-snapshots] [--strict] [--junit FILE]
       cargo run --example check -- [OPTIONS] [CHAIN_FILE]
       cargo run --example check            (no arguments: run the bundled demo)

With a CHAIN_FILE, the chain in it is checked offline (for --url, when given). With
--url and no CHAIN_FILE, each endpoint is probed: certdeps connects, captures the
certificates its server presents, and checks them. With --deps, every endpoint of a
manifest (certdeps.toml) is checked.

arguments:
  CHAIN_FILE            PEM or DER file with the certificates the server presents,
                        leaf first (any order tolerated); '-' reads standard input

options:
  --url URL             the endpoint (https://host[:port]/..., smtp://host:587,
                        host:port or host); without CHAIN_FILE it is probed, and it
                        may repeat: up to 16 endpoints are probed at once
  --roots FILE          trust only the anchors in this PEM bundle (not the Mozilla roots)
  --add-roots FILE      trust these anchors in addition to the Mozilla roots
  --intermediates FILE  a pool of known intermediates, used to explain and fix an
                        incomplete chain (never to make it trusted)
  --at TIME             validation time: RFC 3339 (2026-06-01T00:00:00Z) or unix seconds
                        (default: now)
  --json                print the report as JSON (several endpoints: an array)
  --fixed-chain FILE    when the intermediate pool (or AIA) completes the chain, write
                        the complete chain file to serve (PEM, leaf first) to FILE
  --aia                 fetch a missing intermediate from its AIA caIssuers URL (HTTP)
                        to name the fix; on by default when probing, off offline
  --no-aia              never fetch (the verdict is the same either way)

probe options (--url without CHAIN_FILE):
  --resolve HOST:PORT:ADDR
                        connect to ADDR for HOST:PORT, still sending HOST (as curl's
                        --resolve); may repeat
  --timeout SECS        the deadline of each probe, DNS to certificates (default 10)
  --starttls PROTO      upgrade with STARTTLS whatever the scheme says: smtp, imap,
                        pop3, ldap or postgres
  --proxy URL           connect through this HTTP proxy (http://host:port, CONNECT);
                        AIA fetches go through it too (offline: with --aia)
  --servername NAME     send NAME as SNI and check the certificate for it

manifest options (--deps, instead of CHAIN_FILE and --url):
  --deps MANIFEST       check every endpoint the manifest names: probe each and compare
                        it with its snapshot (the default), or as the options below say
  --offline             check the committed snapshots, without any network
  --update-snapshots    probe every endpoint and rewrite its snapshot
  --strict              warnings (expires-soon, certificate-changed, ...) fail too
  --junit FILE          also write a JUnit XML report to FILE, one testcase per endpoint
  -h, --help            print this help

exit status: 0 trusted (every endpoint), 1 not trusted (with --strict: or a warning), 2
usage or input error, or an endpoint that could not be probed or has no snapshot
";

/// The latest time accepted by `--at`: 9999-12-31T23:59:59Z, the last second an X.509
/// GeneralizedTime can express (RFC 5280 section 4.1.2.5.2).
const MAX_AT: u64 = 253_402_300_799;

/// What the command line asks for.
pub(crate) enum Command {
    Check(Box<Options>),
    Demo,
    Help,
}

#[derive(Default)]
pub(crate) struct Options {
    pub(crate) chain: Option<PathBuf>,
    pub(crate) urls: Vec<String>,
    pub(crate) roots: Option<PathBuf>,
    pub(crate) add_roots: Option<PathBuf>,
    pub(crate) intermediates: Option<PathBuf>,
    pub(crate) at: Option<UnixTime>,
    pub(crate) json: bool,
    pub(crate) fixed_chain: Option<PathBuf>,
    /// `--aia` (`Some(true)`) or `--no-aia` (`Some(false)`); unset, AIA follows the probe.
    pub(crate) aia: Option<bool>,
    pub(crate) probe: ProbeArgs,
    pub(crate) deps: DepsArgs,
}

impl Options {
    /// Whether AIA completion runs: as asked, else when the endpoints are probed.
    pub(crate) fn aia(&self) -> bool {
        self.aia.unwrap_or(self.chain.is_none())
    }
}

/// The options of a manifest check (`--deps`).
#[derive(Default)]
pub(crate) struct DepsArgs {
    pub(crate) manifest: Option<PathBuf>,
    pub(crate) offline: bool,
    pub(crate) update_snapshots: bool,
    pub(crate) strict: bool,
    pub(crate) junit: Option<PathBuf>,
}

impl DepsArgs {
    /// The first option given that only a manifest check takes.
    fn first_given(&self) -> Option<&'static str> {
        [
            (self.offline, "--offline"),
            (self.update_snapshots, "--update-snapshots"),
            (self.strict, "--strict"),
            (self.junit.is_some(), "--junit"),
        ]
        .into_iter()
        .find_map(|(given, name)| given.then_some(name))
    }
}

/// The options that only a probe uses.
#[derive(Default)]
pub(crate) struct ProbeArgs {
    /// `HOST:PORT:ADDR`, as given.
    pub(crate) resolve: Vec<String>,
    pub(crate) timeout: Option<Duration>,
    pub(crate) starttls: Option<Protocol>,
    pub(crate) proxy: Option<String>,
    pub(crate) servername: Option<String>,
}

impl ProbeArgs {
    /// The first probe option given, for the error that refuses it offline. `--proxy` is
    /// also AIA's, so `with_aia` lets it through.
    fn first_given(&self, with_aia: bool) -> Option<&'static str> {
        [
            (!self.resolve.is_empty(), "--resolve"),
            (self.timeout.is_some(), "--timeout"),
            (self.starttls.is_some(), "--starttls"),
            (self.proxy.is_some() && !with_aia, "--proxy"),
            (self.servername.is_some(), "--servername"),
        ]
        .into_iter()
        .find_map(|(given, name)| given.then_some(name))
    }
}

pub(crate) fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Command, String> {
    use lexopt::prelude::*;

    let mut parser = lexopt::Parser::from_args(args);
    let mut options = Options::default();
    let mut any = false;
    while let Some(arg) = parser.next().map_err(usage_error)? {
        any = true;
        match arg {
            Short('h') | Long("help") => return Ok(Command::Help),
            Long("json") => options.json = true,
            Long("aia") => set_once(&mut options.aia, true, "--aia/--no-aia")?,
            Long("no-aia") => set_once(&mut options.aia, false, "--aia/--no-aia")?,
            Long("deps") => set_path(&mut parser, &mut options.deps.manifest, "--deps")?,
            Long("offline") => options.deps.offline = true,
            Long("update-snapshots") => options.deps.update_snapshots = true,
            Long("strict") => options.deps.strict = true,
            Long("junit") => set_path(&mut parser, &mut options.deps.junit, "--junit")?,
            Long("url") => options.urls.push(string(&mut parser, "--url")?),
            Long("roots") => set_path(&mut parser, &mut options.roots, "--roots")?,
            Long("add-roots") => set_path(&mut parser, &mut options.add_roots, "--add-roots")?,
            Long("intermediates") => {
                set_path(&mut parser, &mut options.intermediates, "--intermediates")?
            }
            Long("fixed-chain") => {
                set_path(&mut parser, &mut options.fixed_chain, "--fixed-chain")?
            }
            Long("at") => {
                let text = string(&mut parser, "--at")?;
                set_once(&mut options.at, parse_time(&text)?, "--at")?;
            }
            Long("resolve") => {
                let text = string(&mut parser, "--resolve")?;
                options.probe.resolve.push(text);
            }
            Long("timeout") => {
                let text = string(&mut parser, "--timeout")?;
                set_once(
                    &mut options.probe.timeout,
                    parse_timeout(&text)?,
                    "--timeout",
                )?;
            }
            Long("starttls") => {
                let text = string(&mut parser, "--starttls")?;
                let protocol = parse_protocol(&text)?;
                set_once(&mut options.probe.starttls, protocol, "--starttls")?;
            }
            Long("proxy") => {
                let text = string(&mut parser, "--proxy")?;
                set_once(&mut options.probe.proxy, text, "--proxy")?;
            }
            Long("servername") => {
                let text = string(&mut parser, "--servername")?;
                set_once(&mut options.probe.servername, text, "--servername")?;
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
    check_combination(&options)?;
    Ok(Command::Check(Box::new(options)))
}

/// Refuses the combinations that say two things at once.
fn check_combination(options: &Options) -> Result<(), String> {
    if options.deps.manifest.is_some() {
        return check_deps_combination(options);
    }
    if let Some(option) = options.deps.first_given() {
        return Err(format!(
            "option '{option}' applies to a manifest check: give --deps MANIFEST"
        ));
    }
    match (&options.chain, options.urls.len()) {
        (None, 0) => Err(
            "no CHAIN_FILE or --url given: pass the file with the certificates the server \
             presents, or --url to probe the endpoint (run with no arguments for the demo, \
             --help for usage)"
                .to_owned(),
        ),
        (Some(_), 2..) => Err(
            "a CHAIN_FILE is checked for one --url: give one, or no CHAIN_FILE to probe each \
             endpoint"
                .to_owned(),
        ),
        (Some(_), _) => match options.probe.first_given(options.aia()) {
            Some(option) => Err(format!(
                "option '{option}' applies to a probe: give --url without a CHAIN_FILE"
            )),
            None => Ok(()),
        },
        (None, 2..) if options.fixed_chain.is_some() => {
            Err("option '--fixed-chain' takes one endpoint: give one --url with it".to_owned())
        }
        (None, _) => Ok(()),
    }
}

/// `--deps`: the manifest names the endpoints, their roots and probe options, so nothing
/// else may; `--offline` and `--update-snapshots` are two different modes.
fn check_deps_combination(options: &Options) -> Result<(), String> {
    let elsewhere = [
        (options.chain.is_some(), "CHAIN_FILE"),
        (!options.urls.is_empty(), "--url"),
        (options.roots.is_some(), "--roots"),
        (options.add_roots.is_some(), "--add-roots"),
        (options.intermediates.is_some(), "--intermediates"),
        (options.fixed_chain.is_some(), "--fixed-chain"),
        (options.aia.is_some(), "--aia/--no-aia"),
    ]
    .into_iter()
    .find_map(|(given, name)| given.then_some(name))
    .or_else(|| options.probe.first_given(false));
    if let Some(option) = elsewhere {
        return Err(format!(
            "'{option}' cannot be combined with --deps: the manifest names each endpoint, \
             its roots and its probe options"
        ));
    }
    if options.deps.offline && options.deps.update_snapshots {
        return Err(
            "--offline and --update-snapshots cannot be combined: updating the snapshots \
             probes every endpoint"
                .to_owned(),
        );
    }
    Ok(())
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

/// [`value`], as UTF-8 text.
fn string(parser: &mut lexopt::Parser, option: &str) -> Result<String, String> {
    value(parser, option)?.string().map_err(usage_error)
}

/// An option that names a file, given at most once.
fn set_path(
    parser: &mut lexopt::Parser,
    slot: &mut Option<PathBuf>,
    option: &str,
) -> Result<(), String> {
    let path = value(parser, option)?.into();
    set_once(slot, path, option)
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

/// `--timeout`: seconds, fractions allowed, more than zero and at most an hour (a probe
/// that needs longer is not one a client would wait for).
fn parse_timeout(text: &str) -> Result<Duration, String> {
    text.parse::<f64>()
        .ok()
        .filter(|secs| *secs > 0.0 && *secs <= 3600.0)
        .map(Duration::from_secs_f64)
        .ok_or_else(|| {
            format!("--timeout {text:?}: expected seconds, more than 0 and at most 3600")
        })
}

/// `--starttls`: the protocols the probe can upgrade, by their URL scheme's name.
fn parse_protocol(text: &str) -> Result<Protocol, String> {
    Protocol::from_scheme(text)
        .ok_or_else(|| format!("--starttls {text:?}: expected smtp, imap, pop3, ldap or postgres"))
}
