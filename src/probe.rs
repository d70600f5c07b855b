//! The live probe: connect to an endpoint, capture exactly the certificates its server
//! presents, and check them in one step.
//!
//! The starting point is usually a URL that fails ("Could not establish trust
//! relationship", rustls' `UnknownIssuer`) and no chain file. [`probe`] connects (through
//! STARTTLS when the scheme says so), runs a rustls handshake up to the server's
//! certificates, records them in the order sent, and ends the handshake there: the chain is
//! captured even when no client would trust it, no application data is ever sent, and
//! session resumption is off (a resumed session skips the certificate message).
//! [`check_live`] then hands the chain to [`Verifier::check`], so a live report is exactly the
//! report of the same chain checked offline.
//!
//! The probe is synchronous, on `std::net`, so unit tests and services without a runtime
//! can call it. An async service runs it on its blocking pool:
//!
//! ```ignore
//! // Inside an async fn, with tokio (not a dependency of certdeps).
//! use certdeps::Endpoint;
//! use certdeps::probe::{Options, probe};
//! let endpoint = Endpoint::parse("smtp://mail.contoso.test:587")?;
//! let probed = tokio::task::spawn_blocking(move || probe(&endpoint, &Options::default()))
//!     .await??;
//! println!("{} certificates from {}", probed.presented().len(), probed.address());
//! ```
//!
//! Every phase is bounded by one overall deadline ([`Options::with_deadline`]): before each
//! read and write, the socket's timeout is set to the time left, so no server can hold a
//! probe past it, whether it never speaks or trickles a byte at a time.
//!
//! This module is the crate's only network code. It sits above the pure core, which never
//! imports it.

use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use pki_types::{CertificateDer, ServerName, UnixTime};
pub use rustls::{CipherSuite, ProtocolVersion};

use crate::endpoint::{Endpoint, Host, Protocol, Tls};
pub use crate::report::Timings;
use crate::report::{Connection, Report};
use crate::verifier::Verifier;

mod deadline;
mod error;
mod handshake;
mod ldap;
mod net;
mod refusal;
mod reply;
mod starttls;

pub use error::{Phase, ProbeError};

use deadline::{Conn, Deadline};

/// The default overall deadline: long enough for a slow server across the world, short
/// enough for a health check.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(10);

/// The default bound on one TCP connection attempt, so that an address that drops packets
/// leaves time to try the host's next address.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// How to probe: deadlines, and overrides of what the endpoint implies.
///
/// ```
/// use std::time::Duration;
/// use certdeps::Protocol;
/// use certdeps::probe::Options;
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let options = Options::default()
///     .with_deadline(Duration::from_secs(5))
///     .with_resolve("192.0.2.10:587".parse()?)
///     .with_starttls(Protocol::Smtp)
///     .with_proxy("http://proxy.contoso.test:3128")?;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Options {
    deadline: Duration,
    connect_timeout: Duration,
    resolve: Option<SocketAddr>,
    server_name: Option<Endpoint>,
    starttls: Option<Protocol>,
    proxy: Option<(String, u16)>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            deadline: DEFAULT_DEADLINE,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            resolve: None,
            server_name: None,
            starttls: None,
            proxy: None,
        }
    }
}

impl Options {
    /// The time the whole probe may take, DNS to certificates (default
    /// [`DEFAULT_DEADLINE`]).
    pub fn with_deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// The time one TCP connection attempt may take, within the deadline (default
    /// [`DEFAULT_CONNECT_TIMEOUT`]).
    pub fn with_connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Connects to `address` instead of the endpoint's host and port, still sending the
    /// endpoint's name, as curl's `--resolve HOST:PORT:ADDR` does: to probe one server
    /// behind a load balancer, or a name DNS does not know yet.
    pub fn with_resolve(mut self, address: SocketAddr) -> Self {
        self.resolve = Some(address);
        self
    }

    /// Sends `name` as SNI and checks the certificate against it instead of the endpoint's
    /// host: to check a server reached by IP address for the name its clients use. `name`
    /// is a host as [`Endpoint::parse`] reads one.
    pub fn with_server_name(mut self, name: &str) -> Result<Self, ProbeError> {
        self.server_name = Some(Endpoint::parse(name)?);
        Ok(self)
    }

    /// Starts TLS with `protocol`'s STARTTLS whatever the endpoint's scheme says.
    pub fn with_starttls(mut self, protocol: Protocol) -> Self {
        self.starttls = Some(protocol);
        self
    }

    /// Connects through the HTTP proxy at `url` (`http://host:port`), which is asked for a
    /// tunnel with `CONNECT` ([RFC 9110 section 9.3.6]). Off unless set. A URL with
    /// credentials is refused: the probe does not authenticate to proxies.
    ///
    /// [RFC 9110 section 9.3.6]: https://www.rfc-editor.org/rfc/rfc9110#section-9.3.6
    pub fn with_proxy(mut self, url: &str) -> Result<Self, ProbeError> {
        let invalid = |proxy: &str, reason| ProbeError::InvalidProxy {
            proxy: proxy.to_owned(),
            reason,
        };
        let parsed = url::Url::parse(url).map_err(|_| invalid(url, "not a URL"))?;
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(invalid("(redacted)", "proxy credentials are not supported"));
        }
        if parsed.scheme() != "http" {
            return Err(invalid(url, "only http:// proxies are supported"));
        }
        let host = match parsed.host() {
            Some(url::Host::Domain(name)) => name.to_owned(),
            Some(url::Host::Ipv4(ip)) => ip.to_string(),
            Some(url::Host::Ipv6(ip)) => ip.to_string(),
            None => return Err(invalid(url, "no host")),
        };
        let port = parsed.port_or_known_default().unwrap_or(80);
        self.proxy = Some((host, port));
        Ok(self)
    }
}

/// What [`probe`] saw: the certificates the server presented, and how the connection went.
#[derive(Clone, Debug)]
pub struct Probed {
    presented: Vec<CertificateDer<'static>>,
    address: SocketAddr,
    proxied: bool,
    version: Option<ProtocolVersion>,
    cipher_suite: Option<CipherSuite>,
    alpn: Option<Vec<u8>>,
    ocsp_stapled: bool,
    timings: Timings,
}

impl Probed {
    /// The certificates exactly as the server sent them, in its order (the leaf first, if
    /// the server is right).
    pub fn presented(&self) -> &[CertificateDer<'static>] {
        &self.presented
    }

    /// [`Probed::presented`], without the copy.
    pub fn into_presented(self) -> Vec<CertificateDer<'static>> {
        self.presented
    }

    /// The address the TCP connection went to: the server's, or the proxy's when
    /// [`Probed::proxied`].
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Whether the connection went through an HTTP proxy.
    pub fn proxied(&self) -> bool {
        self.proxied
    }

    /// The TLS version the server chose.
    pub fn protocol_version(&self) -> Option<ProtocolVersion> {
        self.version
    }

    /// The cipher suite the server chose.
    pub fn cipher_suite(&self) -> Option<CipherSuite> {
        self.cipher_suite
    }

    /// The application protocol the server chose by ALPN ([RFC 7301]), if it chose one.
    /// The probe offers `h2` and `http/1.1` for `https` and `wss`, nothing otherwise.
    ///
    /// [RFC 7301]: https://www.rfc-editor.org/rfc/rfc7301
    pub fn alpn(&self) -> Option<&[u8]> {
        self.alpn.as_deref()
    }

    /// Whether the server stapled an OCSP response to its certificates ([RFC 6066 section
    /// 8]).
    ///
    /// [RFC 6066 section 8]: https://www.rfc-editor.org/rfc/rfc6066#section-8
    pub fn ocsp_stapled(&self) -> bool {
        self.ocsp_stapled
    }

    /// The time each phase took.
    pub fn timings(&self) -> &Timings {
        &self.timings
    }

    /// What a report says of this connection: the same facts as plain values.
    fn connection(&self) -> Connection {
        Connection {
            address: self.address,
            proxied: self.proxied,
            protocol_version: self.version.map(version_name),
            cipher_suite: (self.cipher_suite).map(|suite| {
                suite
                    .as_str()
                    .map_or_else(|| format!("{suite:?}"), str::to_owned)
            }),
            alpn: self.alpn.as_deref().map(reply::printable),
            ocsp_stapled: self.ocsp_stapled,
            timings: self.timings,
        }
    }
}

/// A TLS version as people write it (`TLS 1.3`); rustls' name for any other.
fn version_name(version: ProtocolVersion) -> String {
    match version {
        ProtocolVersion::TLSv1_3 => "TLS 1.3".to_owned(),
        ProtocolVersion::TLSv1_2 => "TLS 1.2".to_owned(),
        ProtocolVersion::TLSv1_1 => "TLS 1.1".to_owned(),
        ProtocolVersion::TLSv1_0 => "TLS 1.0".to_owned(),
        ProtocolVersion::SSLv3 => "SSL 3.0".to_owned(),
        other => format!("{other:?}"),
    }
}

/// Connects to `endpoint` and captures the certificates its server presents.
///
/// TLS starts as [`Endpoint::tls`] says, or as [`Options::with_starttls`] overrides. The
/// SNI is the endpoint's DNS name, none for an IP address ([RFC 6066 section 3]), or the
/// [`Options::with_server_name`] name.
///
/// [RFC 6066 section 3]: https://www.rfc-editor.org/rfc/rfc6066#section-3
pub fn probe(endpoint: &Endpoint, options: &Options) -> Result<Probed, ProbeError> {
    attempt(endpoint, options).map_err(|failure| failure.error)
}

/// Why [`attempt`] got no certificates; when the connection was made before the failure,
/// what the probe had learnt by then.
struct Failure {
    error: ProbeError,
    connected: Option<Box<Probed>>,
}

impl From<ProbeError> for Failure {
    fn from(error: ProbeError) -> Self {
        Self {
            error,
            connected: None,
        }
    }
}

/// [`probe`], keeping the connection's facts when the handshake fails.
fn attempt(endpoint: &Endpoint, options: &Options) -> Result<Probed, Failure> {
    let deadline = Deadline::new(options.deadline);
    let mut timings = Timings::default();

    let started = Instant::now();
    let target = match options.resolve {
        Some(address) => vec![address],
        None if options.proxy.is_some() => Vec::new(),
        None => net::resolve(endpoint.host(), endpoint.port(), &deadline)?,
    };
    let proxy = match &options.proxy {
        Some((host, port)) => {
            let host = match host.parse::<IpAddr>() {
                Ok(ip) => Host::Ip(ip),
                Err(_) => Host::Dns(host.clone()),
            };
            Some(net::resolve(&host, *port, &deadline)?)
        }
        None => None,
    };
    timings.resolve = started.elapsed();

    let started = Instant::now();
    let (stream, address) = net::connect(
        proxy.as_deref().unwrap_or(&target),
        options.connect_timeout,
        &deadline,
    )?;
    let mut conn = Conn::new(stream, deadline);
    if proxy.is_some() {
        let authority = match target.first() {
            Some(address) => address.to_string(),
            None => endpoint.to_string(),
        };
        net::tunnel(&mut conn, &authority)?;
    }
    timings.connect = started.elapsed();

    let protocol = match (options.starttls, endpoint.tls()) {
        (Some(protocol), _) | (None, Tls::StartTls(protocol)) => Some(protocol),
        (None, _) => None,
    };
    if let Some(protocol) = protocol {
        let started = Instant::now();
        starttls::upgrade(&mut conn, protocol)?;
        timings.starttls = Some(started.elapsed());
    }

    let started = Instant::now();
    let name = server_name(endpoint, options);
    let alpn = match endpoint.scheme() {
        "https" | "wss" => vec![b"h2".to_vec(), b"http/1.1".to_vec()],
        _ => Vec::new(),
    };
    let handshake = handshake::run(&mut conn, name, alpn);
    timings.handshake = started.elapsed();

    let mut probed = Probed {
        presented: Vec::new(),
        address,
        proxied: proxy.is_some(),
        version: None,
        cipher_suite: None,
        alpn: None,
        ocsp_stapled: false,
        timings,
    };
    match handshake {
        Ok(handshake) => {
            probed.presented = handshake.presented;
            probed.version = handshake.version;
            probed.cipher_suite = handshake.cipher_suite;
            probed.alpn = handshake.alpn;
            probed.ocsp_stapled = handshake.ocsp_stapled;
            Ok(probed)
        }
        Err(error) => Err(Failure {
            error,
            connected: Some(Box::new(probed)),
        }),
    }
}

/// Probes `endpoint` and checks what its server presented with `verifier` at time `now`:
/// the report is exactly [`Verifier::check`]'s on the same chain, plus what the probe learnt
/// ([`Report::connection`]).
///
/// With [`Options::with_server_name`], the chain is checked for that name, on the
/// endpoint's scheme and port.
///
/// A server that a strict client cannot even negotiate with, because it speaks only TLS
/// 1.0 or 1.1 or shares no cipher suite with rustls, is a finding rather than an error: the
/// report is not trusted, has no presented certificates (the server sent none) and one
/// `protocol-version` or `no-common-cipher` finding, and the [`Probed`] has no certificates
/// either. [`probe`] itself gives the typed [`ProbeError`] for such a server.
///
/// It blocks for up to the deadline: an async service calls it on its blocking pool, as
/// the [module documentation](crate::probe) shows for [`probe`], and checks a list of
/// endpoints with [`check_all`], which probes them concurrently on threads of its own.
pub fn check_live(
    verifier: &Verifier,
    endpoint: &Endpoint,
    options: &Options,
    now: UnixTime,
) -> Result<(Report, Probed), ProbeError> {
    let (probed, refusal) = match attempt(endpoint, options) {
        Ok(probed) => (probed, None),
        Err(Failure {
            error,
            connected: Some(probed),
        }) => match refusal::finding(&error) {
            Some(finding) => (*probed, Some(finding)),
            None => return Err(error),
        },
        Err(failure) => return Err(failure.error),
    };
    let checked = match &options.server_name {
        Some(name) => {
            let host = match name.host() {
                Host::Ip(IpAddr::V6(ip)) => format!("[{ip}]"),
                host => host.to_string(),
            };
            let url = format!("{}://{host}:{}", endpoint.scheme(), endpoint.port());
            Endpoint::parse(&url)?
        }
        None => endpoint.clone(),
    };
    let mut report = verifier.check(&checked, probed.presented(), now);
    if let Some(finding) = refusal {
        report = report.refused_handshake(finding);
    }
    let report = report.with_connection(probed.connection());
    Ok((report, probed))
}

/// How many endpoints [`check_all`] probes at once by default: enough to hide the network's
/// latency behind a few dozen endpoints, few enough that a long list opens no flood of
/// connections or threads.
pub const DEFAULT_AT_ONCE: usize = 16;

/// What [`check_live`] gives for one endpoint.
pub type Checked = Result<(Report, Probed), ProbeError>;

/// [`check_live`] for many endpoints, each with its own options, probed concurrently on at
/// most `at_once` threads (at least one); the results come in the order of `endpoints`.
///
/// Each probe keeps its own deadline, so the whole list takes at most about
/// `endpoints.len() / at_once` deadlines, whatever the servers do.
///
/// ```no_run
/// use certdeps::probe::{DEFAULT_AT_ONCE, Options, check_all};
/// use certdeps::{Endpoint, TrustStore, UnixTime, Verifier};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let verifier = Verifier::builder(TrustStore::mozilla()).build()?;
/// let endpoints = ["https://api.contoso.test", "imap://mail.contoso.test"]
///     .into_iter()
///     .map(|url| Ok((Endpoint::parse(url)?, Options::default())))
///     .collect::<Result<Vec<_>, certdeps::EndpointError>>()?;
/// for result in check_all(&verifier, &endpoints, UnixTime::now(), DEFAULT_AT_ONCE) {
///     match result {
///         Ok((report, _)) => println!("{}", report.is_trusted()),
///         Err(error) => println!("{error}"),
///     }
/// }
/// # Ok(()) }
/// ```
pub fn check_all(
    verifier: &Verifier,
    endpoints: &[(Endpoint, Options)],
    now: UnixTime,
    at_once: usize,
) -> Vec<Checked> {
    let next = AtomicUsize::new(0);
    let workers = at_once.clamp(1, endpoints.len().max(1));
    // Each worker takes the next endpoint until none is left, and keeps its results with
    // their positions; sorting by position restores the input order.
    let mut done: Vec<(usize, Checked)> = thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some((endpoint, options)) = endpoints.get(i) else {
                            return mine;
                        };
                        mine.push((i, check_live(verifier, endpoint, options, now)));
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            // A worker panics only if check_live does, which is a bug; resume it here
            // rather than drop that endpoint's result.
            .flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, result)| result).collect()
}

/// The name the certificate is verified for, also sent as SNI when it is a DNS name.
fn server_name(endpoint: &Endpoint, options: &Options) -> ServerName<'static> {
    match &options.server_name {
        Some(name) => name.server_name(),
        None => endpoint.server_name(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The SNI rustls sends for a server name: DNS names only (RFC 6066 section 3).
    fn sni(endpoint: &Endpoint, options: &Options) -> Option<String> {
        match server_name(endpoint, options) {
            ServerName::DnsName(name) => Some(name.as_ref().to_owned()),
            _ => None,
        }
    }

    #[test]
    fn sni_is_the_dns_name_none_for_an_ip_or_the_override() {
        let named = Endpoint::parse("https://mail.contoso.test").unwrap();
        let ip = Endpoint::parse("https://192.0.2.1").unwrap();
        let defaults = Options::default();
        assert_eq!(sni(&named, &defaults).as_deref(), Some("mail.contoso.test"));
        assert_eq!(sni(&ip, &defaults), None);
        let renamed = Options::default().with_server_name("other.test").unwrap();
        assert_eq!(sni(&ip, &renamed).as_deref(), Some("other.test"));
    }

    #[test]
    fn proxy_urls_are_checked() {
        let ok = Options::default().with_proxy("http://[::1]:3128").unwrap();
        assert_eq!(ok.proxy, Some(("::1".to_owned(), 3128)));
        for bad in ["socks5://p:1080", "not a url", "http://user:secret@p:3128"] {
            let e = Options::default().with_proxy(bad).unwrap_err();
            assert!(!e.to_string().contains("secret"), "{e}");
        }
    }
}
