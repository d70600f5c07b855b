//! What a live probe learnt about the connection, carried by the report of a probed
//! endpoint: plain values, so that the report names no TLS library's types.

use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

/// How the connection to a probed endpoint went: where it went, what the server chose, and
/// how long each phase took. Set only on the reports of [`crate::probe::check_live`]; the
/// rest of such a report is exactly the offline report of the same chain.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Connection {
    /// The address connected to: the server's, or the proxy's when `proxied`.
    pub address: SocketAddr,
    /// Whether the connection went through an HTTP proxy's tunnel.
    pub proxied: bool,
    /// The TLS version the server chose, e.g. `TLS 1.3`.
    pub protocol_version: Option<String>,
    /// The cipher suite the server chose, as rustls names it, e.g.
    /// `TLS13_AES_256_GCM_SHA384`.
    pub cipher_suite: Option<String>,
    /// The application protocol the server chose by ALPN ([RFC 7301]), printable.
    ///
    /// [RFC 7301]: https://www.rfc-editor.org/rfc/rfc7301
    pub alpn: Option<String>,
    /// Whether the server stapled an OCSP response ([RFC 6066 section 8]).
    ///
    /// [RFC 6066 section 8]: https://www.rfc-editor.org/rfc/rfc6066#section-8
    pub ocsp_stapled: bool,
    /// The time each phase took.
    pub timings: Timings,
}

/// Two lines of the human report: the connection, then the time each phase took.
impl fmt::Display for Connection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let through = if self.proxied { " (the proxy)" } else { "" };
        write!(f, "connection: {}{through}", self.address)?;
        match (&self.protocol_version, &self.cipher_suite) {
            (Some(version), Some(suite)) => write!(f, ", {version}, {suite}")?,
            (Some(version), None) => write!(f, ", {version}")?,
            // The handshake ended before the server chose (it refused the hello).
            (None, _) => write!(f, ", no TLS version agreed")?,
        }
        if let Some(alpn) = &self.alpn {
            write!(f, ", ALPN {alpn}")?;
        }
        let stapled = if self.ocsp_stapled { "" } else { "no " };
        writeln!(f, ", {stapled}OCSP response stapled")?;
        write!(f, "probe took:")?;
        for (i, (phase, took)) in self.timings.phases().enumerate() {
            let comma = if i == 0 { "" } else { "," };
            write!(f, "{comma} {phase} {:.1} ms", millis(took))?;
        }
        writeln!(f)
    }
}

/// The time each phase of a probe took.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Timings {
    /// DNS resolution (zero for an IP address or a resolve override).
    pub resolve: Duration,
    /// The TCP connection, and the proxy's tunnel when there is one.
    pub connect: Duration,
    /// The STARTTLS dialogue, when the protocol has one.
    pub starttls: Option<Duration>,
    /// The TLS handshake, up to the server's certificates.
    pub handshake: Duration,
}

impl Timings {
    /// Each phase that ran, named, in order.
    pub(crate) fn phases(&self) -> impl Iterator<Item = (&'static str, Duration)> {
        [
            Some(("resolve", self.resolve)),
            Some(("connect", self.connect)),
            self.starttls.map(|t| ("starttls", t)),
            Some(("handshake", self.handshake)),
        ]
        .into_iter()
        .flatten()
    }
}

/// A duration in milliseconds, to the microsecond: the unit of the report's timings.
pub(crate) fn millis(duration: Duration) -> f64 {
    (duration.as_micros() as f64) / 1000.0
}
