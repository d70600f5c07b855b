//! [`ProbeError`]: why a probe got no certificates, one line each, with the value that
//! explains it (the host, the address, the phase and time, the server's own words).

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use rustls::AlertDescription;

use crate::endpoint::{EndpointError, Protocol};

/// A step of a probe, for timings and for errors that say where a probe stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Phase {
    /// Looking the host up in DNS.
    Resolve,
    /// Opening the TCP connection (to the proxy, when there is one).
    Connect,
    /// Asking the HTTP proxy to open a tunnel (`CONNECT`).
    Proxy,
    /// The plaintext dialogue that asks the server for TLS.
    StartTls,
    /// The TLS handshake, up to the server's certificates.
    Handshake,
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Resolve => "DNS resolution",
            Self::Connect => "TCP connect",
            Self::Proxy => "proxy CONNECT",
            Self::StartTls => "STARTTLS",
            Self::Handshake => "TLS handshake",
        })
    }
}

/// Why [`probe`](super::probe) got no certificates from the server.
///
/// Every message is one line. What a server sent is quoted printably (control and non-ASCII
/// bytes as `\xNN`) and bounded, so a hostile server cannot flood or rewrite a terminal.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProbeError {
    /// The proxy URL given to [`Options::with_proxy`](super::Options::with_proxy) is not one
    /// the probe can use.
    #[error("invalid proxy {proxy:?}: {reason}")]
    InvalidProxy {
        /// The proxy URL (credentials never kept: such a URL is refused unquoted).
        proxy: String,
        /// What is wrong with it.
        reason: &'static str,
    },

    /// The name given to [`Options::with_server_name`](super::Options::with_server_name), or
    /// the endpoint made from it, is not valid.
    #[error(transparent)]
    ServerName(#[from] EndpointError),

    /// The host has no address: the DNS lookup failed or returned none.
    #[error("DNS resolution of {host} failed: {reason}")]
    Resolve {
        /// The host looked up.
        host: String,
        /// The resolver's answer.
        reason: String,
    },

    /// Nothing listens on the port: the connection was refused.
    #[error("connection to {address} refused: nothing listens on that port (check the port)")]
    Refused {
        /// The address connected to.
        address: SocketAddr,
    },

    /// The TCP connection failed for another reason (no route, network unreachable).
    #[error("connection to {address} failed: {source}")]
    Connect {
        /// The address connected to.
        address: SocketAddr,
        /// The operating system's error.
        source: io::Error,
    },

    /// The probe ran out of time.
    #[error("timed out during the {phase} after {} ms", after.as_millis())]
    TimedOut {
        /// The phase that was running.
        phase: Phase,
        /// The time the probe had taken, from its start.
        after: Duration,
    },

    /// The server closed the connection.
    #[error("the server closed the connection during the {phase}")]
    Closed {
        /// The phase that was running.
        phase: Phase,
    },

    /// Reading from or writing to the connection failed.
    #[error("I/O error during the {phase}: {source}")]
    Io {
        /// The phase that was running.
        phase: Phase,
        /// The operating system's error.
        source: io::Error,
    },

    /// The server answered the ClientHello with something other than TLS.
    #[error("the server does not speak TLS on this port: it sent \"{sent}\"; {hint}")]
    NotTls {
        /// The first bytes the server sent, printable and bounded.
        sent: String,
        /// What the bytes look like, and the scheme that fits.
        hint: &'static str,
    },

    /// The server and a strict client share no TLS version: rustls speaks TLS 1.2 and 1.3
    /// only ([RFC 8996] deprecates TLS 1.0 and 1.1).
    ///
    /// [RFC 8996]: https://www.rfc-editor.org/rfc/rfc8996
    #[error(
        "no TLS version in common: a strict client speaks TLS 1.2 and 1.3 only, and the server \
         ({detail}) likely speaks only TLS 1.0 or 1.1 (deprecated by RFC 8996)"
    )]
    NoCommonVersion {
        /// How the server showed it (its alert, or the version it chose).
        detail: String,
    },

    /// The server and a strict client share no cipher suite, key exchange group or
    /// signature scheme.
    #[error("no {what} in common with the server: a strict client refuses it")]
    NoCommonParameters {
        /// What is missing, as rustls names it.
        what: String,
    },

    /// The server ended the handshake with a TLS alert ([RFC 8446 section 6]).
    ///
    /// [RFC 8446 section 6]: https://www.rfc-editor.org/rfc/rfc8446#section-6
    #[error("the server refused the handshake with the TLS alert {alert:?}{}", alert_hint(*alert))]
    Alert {
        /// The alert.
        alert: AlertDescription,
    },

    /// A handshake message (in practice the certificate list) larger than the 64 KiB a
    /// rustls client buffers; see [`MAX_PRESENTED_BYTES`](crate::MAX_PRESENTED_BYTES).
    #[error(
        "the server's certificate message is larger than the 64 KiB a rustls client accepts: \
         serve fewer or smaller certificates"
    )]
    CertificateMessageTooLarge,

    /// The handshake failed for another reason rustls gives.
    #[error("TLS handshake failed: {0}")]
    Tls(rustls::Error),

    /// The server does not offer the STARTTLS upgrade.
    #[error("the {protocol} server does not offer STARTTLS: its reply to {step} was \"{line}\"")]
    StartTlsNotOffered {
        /// The protocol.
        protocol: Protocol,
        /// The step whose reply lacks it.
        step: &'static str,
        /// The server's line, printable and bounded.
        line: String,
    },

    /// The server refused the STARTTLS upgrade, or refused the dialogue before it.
    #[error("the {protocol} server refused {step}: \"{line}\"")]
    StartTlsRefused {
        /// The protocol.
        protocol: Protocol,
        /// The step refused.
        step: &'static str,
        /// The server's line, printable and bounded.
        line: String,
    },

    /// The server's reply is not what the protocol says it should be.
    #[error("unexpected {protocol} reply to {step}: \"{line}\"")]
    StartTlsUnexpected {
        /// The protocol.
        protocol: Protocol,
        /// The step answered.
        step: &'static str,
        /// The server's line (or what is wrong with it), printable and bounded.
        line: String,
    },

    /// The HTTP proxy refused to open the tunnel.
    #[error("the proxy refused CONNECT: \"{status_line}\"")]
    ProxyRefused {
        /// The proxy's status line (or what is wrong with its answer), printable and bounded.
        status_line: String,
    },
}

/// What an alert usually means when it answers a ClientHello, for the error message.
fn alert_hint(alert: AlertDescription) -> &'static str {
    match alert {
        AlertDescription::HandshakeFailure => {
            " (usually no cipher suite, group or signature scheme in common)"
        }
        AlertDescription::UnrecognisedName => " (the server knows no certificate for this name)",
        AlertDescription::InternalError => " (a fault on the server)",
        _ => "",
    }
}

/// What `sent`, the first bytes of a server that is not speaking TLS, looks like, and the
/// scheme that fits it.
pub(super) fn not_tls_hint(sent: &[u8]) -> &'static str {
    let starts = |prefix: &[u8]| sent.starts_with(prefix);
    if starts(b"HTTP/") {
        "a plain HTTP server: the port serves http://, not https:// (check the port)"
    } else if starts(b"220") {
        "an SMTP greeting: use smtp://host:port (STARTTLS), or the implicit TLS port 465"
    } else if starts(b"* OK") || starts(b"* PREAUTH") {
        "an IMAP greeting: use imap://host:port (STARTTLS), or imaps:// on port 993"
    } else if starts(b"+OK") {
        "a POP3 greeting: use pop3://host:port (STARTTLS), or pop3s:// on port 995"
    } else if starts(b"SSH-") {
        "an SSH server, which does not use TLS"
    } else {
        "not a TLS record (check the port and the scheme)"
    }
}
