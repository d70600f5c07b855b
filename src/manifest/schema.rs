//! The manifest file: its TOML schema, read with serde, and its validation into a
//! [`Manifest`], every error located by file, line and key.
//!
//! Every table denies unknown keys: a misspelt `add_root` silently ignored would check an
//! endpoint against the wrong anchors, and pass or fail for the wrong reason.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

use super::error::{ManifestError, Problem};
use super::{Dependency, Manifest};
use crate::aia::Aia;
use crate::endpoint::{Endpoint, Host, Protocol};
use crate::input::read_certificates;
use crate::probe::{DEFAULT_AT_ONCE, DEFAULT_DEADLINE, Options};
use crate::store::TrustStore;
use crate::verifier::{Verifier, VerifierBuilder};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    defaults: Defaults,
    #[serde(default, rename = "endpoint")]
    endpoints: Vec<Spanned<Entry>>,
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Defaults {
    expiry_horizon_days: Option<Spanned<u64>>,
    #[serde(default)]
    add_roots: Vec<Spanned<String>>,
    mozilla_roots: Option<Spanned<bool>>,
    concurrency: Option<Spanned<u64>>,
    timeout_seconds: Option<Spanned<u64>>,
    aia: Option<Spanned<bool>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    url: Spanned<String>,
    resolve: Option<Spanned<String>>,
    starttls: Option<Spanned<String>>,
    #[serde(default)]
    add_roots: Vec<Spanned<String>>,
    mozilla_roots: Option<Spanned<bool>>,
    snapshot: Option<Spanned<String>>,
}

/// Where a manifest's errors point.
struct Source<'a> {
    text: &'a str,
    file: &'a Path,
}

impl Source<'_> {
    /// The 1-based line of a byte offset.
    fn line(&self, span: &Range<usize>) -> usize {
        let before = self.text.get(..span.start).unwrap_or(self.text);
        before.bytes().filter(|&b| b == b'\n').count() + 1
    }

    fn error(&self, span: &Range<usize>, key: &str, problem: Problem) -> ManifestError {
        ManifestError::new(self.file, Some(self.line(span)), Some(key), problem)
    }

    fn invalid<T>(
        &self,
        value: &Spanned<T>,
        key: &str,
        shown: &str,
        reason: String,
    ) -> ManifestError {
        let problem = Problem::Invalid {
            value: shown.to_owned(),
            reason,
        };
        self.error(&value.span(), key, problem)
    }

    /// The TOML reader's error, with an unknown key told apart: it names the key and the
    /// keys allowed there.
    fn syntax(&self, error: &toml::de::Error) -> ManifestError {
        let span = error.span();
        let line = span.as_ref().map(|s| self.line(s));
        let message = error.message();
        if let Some(rest) = message.strip_prefix("unknown field `") {
            if let Some((key, expected)) = rest.split_once('`') {
                let expected = expected
                    .trim_start_matches(", expected ")
                    .trim_start_matches("one of ")
                    .to_owned();
                let problem = Problem::UnknownKey { expected };
                return ManifestError::new(self.file, line, Some(key), problem);
            }
        }
        let problem = Problem::Syntax(message.trim().to_owned());
        ManifestError::new(self.file, line, None, problem)
    }
}

/// Reads and validates a manifest's text; `file` names it in errors, and relative paths
/// resolve against its folder.
pub(super) fn parse(text: &str, file: &Path) -> Result<Manifest, ManifestError> {
    let source = Source { text, file };
    let parsed: File = toml::from_str(text).map_err(|e| source.syntax(&e))?;
    let base = file.parent().unwrap_or(Path::new("")).to_owned();
    let defaults = &parsed.defaults;

    let horizon = match &defaults.expiry_horizon_days {
        Some(days) => Duration::from_secs(days.get_ref().saturating_mul(86_400)),
        None => VerifierBuilder::DEFAULT_EXPIRY_HORIZON,
    };
    let at_once = match &defaults.concurrency {
        Some(n) if *n.get_ref() == 0 => {
            let reason = "is no concurrency: at least 1 endpoint must be probed at a time";
            return Err(source.invalid(n, "concurrency", "0", reason.to_owned()));
        }
        Some(n) => usize::try_from(*n.get_ref()).unwrap_or(usize::MAX),
        None => DEFAULT_AT_ONCE,
    };
    let deadline = match &defaults.timeout_seconds {
        Some(s) if *s.get_ref() == 0 => {
            let reason = "leaves no time for a probe: give at least 1 second";
            return Err(source.invalid(s, "timeout_seconds", "0", reason.to_owned()));
        }
        Some(s) => Duration::from_secs(*s.get_ref()),
        None => DEFAULT_DEADLINE,
    };
    let mozilla = defaults.mozilla_roots.as_ref().is_none_or(|m| *m.get_ref());
    // AIA completion for the chains probed live, on unless turned off; a snapshot checked
    // offline never fetches.
    let aia = (defaults.aia.as_ref())
        .is_none_or(|on| *on.get_ref())
        .then(Aia::default);

    let mut anchors = Anchors {
        source: &source,
        base: &base,
        files: HashMap::new(),
        verifiers: Vec::new(),
        sets: HashMap::new(),
        horizon,
        aia,
    };
    let defaults = Inherited {
        roots: anchors.resolve(&defaults.add_roots)?,
        mozilla,
        deadline,
    };
    let mut dependencies: Vec<Dependency> = Vec::with_capacity(parsed.endpoints.len());
    let mut snapshots: HashMap<PathBuf, usize> = HashMap::new();
    for entry in &parsed.endpoints {
        let dependency = dependency(&mut anchors, &defaults, entry)?;
        if let Some(&first) = snapshots.get(&dependency.snapshot) {
            let entry = entry.get_ref();
            let problem = Problem::SharedSnapshot {
                path: dependency.snapshot,
                first,
            };
            let (key, span) = match &entry.snapshot {
                Some(snapshot) => ("snapshot", snapshot.span()),
                None => ("url", entry.url.span()),
            };
            return Err(source.error(&span, key, problem));
        }
        snapshots.insert(dependency.snapshot.clone(), dependency.line);
        dependencies.push(dependency);
    }
    Ok(Manifest {
        file: file.to_owned(),
        horizon,
        at_once,
        dependencies,
        verifiers: anchors.verifiers,
    })
}

/// What every endpoint takes from `[defaults]`.
struct Inherited {
    roots: Vec<PathBuf>,
    mozilla: bool,
    deadline: Duration,
}

/// One `[[endpoint]]`, validated: its URL, probe options, verifier and snapshot file.
fn dependency(
    anchors: &mut Anchors<'_>,
    defaults: &Inherited,
    entry: &Spanned<Entry>,
) -> Result<Dependency, ManifestError> {
    let source = anchors.source;
    let line = source.line(&entry.span());
    let entry = entry.get_ref();
    let url = entry.url.get_ref();
    let endpoint = Endpoint::parse(url)
        .map_err(|e| source.invalid(&entry.url, "url", url, format!("is not an endpoint: {e}")))?;
    let mut options = Options::default().with_deadline(defaults.deadline);
    if let Some(resolve) = &entry.resolve {
        options = options.with_resolve(address(source, resolve, endpoint.port())?);
    }
    if let Some(starttls) = &entry.starttls {
        options = options.with_starttls(protocol(source, starttls)?);
    }
    // An endpoint's roots add to the defaults'.
    let mut roots = defaults.roots.clone();
    for root in anchors.resolve(&entry.add_roots)? {
        if !roots.contains(&root) {
            roots.push(root);
        }
    }
    let (mozilla, span) = match &entry.mozilla_roots {
        Some(m) => (*m.get_ref(), m.span()),
        None => (defaults.mozilla, entry.url.span()),
    };
    let verifier = anchors.verifier(mozilla, roots, &span)?;
    let snapshot = match &entry.snapshot {
        Some(path) => anchors.base.join(path.get_ref()),
        None => anchors.base.join("certdeps").join(snapshot_name(&endpoint)),
    };
    Ok(Dependency {
        url: url.clone(),
        line,
        endpoint,
        options,
        snapshot,
        verifier,
    })
}

/// `resolve`: an address, with the endpoint's port unless it names one.
fn address(
    source: &Source<'_>,
    resolve: &Spanned<String>,
    port: u16,
) -> Result<SocketAddr, ManifestError> {
    let text = resolve.get_ref();
    if let Ok(address) = text.parse::<SocketAddr>() {
        return Ok(address);
    }
    let bare = text.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<IpAddr>() {
        Ok(ip) => Ok(SocketAddr::new(ip, port)),
        Err(_) => Err(source.invalid(
            resolve,
            "resolve",
            text,
            "is not an IP address (`192.0.2.10`, `[2001:db8::1]`) or an address with a port \
             (`192.0.2.10:8443`)"
                .to_owned(),
        )),
    }
}

/// `starttls`: the protocol's name as its URL scheme spells it.
fn protocol(source: &Source<'_>, starttls: &Spanned<String>) -> Result<Protocol, ManifestError> {
    let text = starttls.get_ref();
    Protocol::from_scheme(text).ok_or_else(|| {
        let reason = "is not a STARTTLS protocol: smtp, imap, pop3, ldap or postgres";
        source.invalid(starttls, "starttls", text, reason.to_owned())
    })
}

/// The default snapshot file name, `<host>-<port>.pem`, with an IPv6 address's colons made
/// safe for every file system.
fn snapshot_name(endpoint: &Endpoint) -> String {
    let host = match endpoint.host() {
        Host::Ip(IpAddr::V6(ip)) => ip.to_string().replace(':', "_"),
        host => host.to_string(),
    };
    format!("{host}-{}.pem", endpoint.port())
}

/// The anchors files read so far, and a verifier per distinct root set: forty endpoints
/// behind one corporate root share one verifier, and each file is read once.
struct Anchors<'a> {
    source: &'a Source<'a>,
    base: &'a Path,
    /// Each roots file's store, by resolved path.
    files: HashMap<PathBuf, TrustStore>,
    verifiers: Vec<Arc<Verifier>>,
    /// Verifier by (Mozilla roots or not, roots files in order).
    sets: HashMap<(bool, Vec<PathBuf>), Arc<Verifier>>,
    horizon: Duration,
    /// AIA completion for chains probed live, when on.
    aia: Option<Aia>,
}

impl Anchors<'_> {
    /// Reads each roots file not read yet; their resolved paths, in order.
    fn resolve(&mut self, roots: &[Spanned<String>]) -> Result<Vec<PathBuf>, ManifestError> {
        let mut paths = Vec::with_capacity(roots.len());
        for root in roots {
            let path = self.base.join(root.get_ref());
            if !self.files.contains_key(&path) {
                let store = read_certificates(&path)
                    .map_err(Into::into)
                    .and_then(|certs| TrustStore::from_certificates(root.get_ref(), certs))
                    .map_err(|source| {
                        let problem = Problem::Roots {
                            path: path.clone(),
                            source,
                        };
                        self.source.error(&root.span(), "add_roots", problem)
                    })?;
                self.files.insert(path.clone(), store);
            }
            if !paths.contains(&path) {
                paths.push(path);
            }
        }
        Ok(paths)
    }

    /// The verifier for a root set, built the first time it is asked for.
    fn verifier(
        &mut self,
        mozilla: bool,
        roots: Vec<PathBuf>,
        span: &Range<usize>,
    ) -> Result<Arc<Verifier>, ManifestError> {
        let key = (mozilla, roots);
        if let Some(verifier) = self.sets.get(&key) {
            return Ok(Arc::clone(verifier));
        }
        let mut stores = (key.1.iter()).filter_map(|path| self.files.get(path).cloned());
        let first = match (mozilla, stores.next()) {
            (true, next) => {
                let builder = Verifier::builder(TrustStore::mozilla());
                next.into_iter().fold(builder, VerifierBuilder::with_store)
            }
            (false, Some(store)) => Verifier::builder(store),
            (false, None) => {
                let reason = "leaves no trust anchor: with `mozilla_roots = false`, name the \
                              anchors in `add_roots`";
                let problem = Problem::Invalid {
                    value: "false".to_owned(),
                    reason: reason.to_owned(),
                };
                return Err(self.source.error(span, "mozilla_roots", problem));
            }
        };
        let mut builder = stores
            .fold(first, VerifierBuilder::with_store)
            .with_expiry_horizon(self.horizon);
        if let Some(aia) = &self.aia {
            builder = builder.with_aia(aia.clone());
        }
        let verifier = builder
            .build()
            .map_err(|e| self.source.error(span, "add_roots", Problem::Verifier(e)))?;
        let verifier = Arc::new(verifier);
        self.verifiers.push(Arc::clone(&verifier));
        self.sets.insert(key, Arc::clone(&verifier));
        Ok(verifier)
    }
}
