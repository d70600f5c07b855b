//! Reaching the server: DNS, TCP, and an HTTP proxy's tunnel, each within the deadline.

use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use super::deadline::{Conn, Deadline};
use super::error::{Phase, ProbeError};
use super::reply::{self, ReplyError, printable};
use crate::endpoint::Host;

/// The addresses of `host`, port `port`.
///
/// The system resolver cannot be given a timeout, so a DNS name is looked up on a thread of
/// its own and the probe waits for it only until the deadline; a resolver that answers later
/// finishes on its own and its answer is dropped.
pub(super) fn resolve(
    host: &Host,
    port: u16,
    deadline: &Deadline,
) -> Result<Vec<SocketAddr>, ProbeError> {
    let name = match host {
        Host::Ip(ip) => return Ok(vec![SocketAddr::new(*ip, port)]),
        Host::Dns(name) => name.clone(),
    };
    let left = deadline.remaining(Phase::Resolve)?;
    let (send, receive) = mpsc::channel();
    let lookup = name.clone();
    thread::Builder::new()
        .name("certdeps-resolve".to_owned())
        .spawn(move || {
            let found = (lookup.as_str(), port)
                .to_socket_addrs()
                .map(Iterator::collect::<Vec<_>>);
            // The probe may have stopped waiting; then nobody wants the answer.
            let _ = send.send(found);
        })
        .map_err(|source| ProbeError::Io {
            phase: Phase::Resolve,
            source,
        })?;
    let failed = |reason: String| ProbeError::Resolve {
        host: name.clone(),
        reason,
    };
    match receive.recv_timeout(left) {
        Ok(Ok(found)) if found.is_empty() => Err(failed("no address".to_owned())),
        Ok(Ok(found)) => Ok(found),
        Ok(Err(e)) => Err(failed(e.to_string())),
        Err(mpsc::RecvTimeoutError::Timeout) => Err(deadline.timed_out(Phase::Resolve)),
        Err(mpsc::RecvTimeoutError::Disconnected) => Err(failed(
            "the resolver thread ended without an answer".to_owned(),
        )),
    }
}

/// A TCP connection to the first of `addresses` that accepts, each attempt bounded by
/// `timeout` and by the deadline; the error is the last attempt's.
pub(super) fn connect(
    addresses: &[SocketAddr],
    timeout: Duration,
    deadline: &Deadline,
) -> Result<(TcpStream, SocketAddr), ProbeError> {
    let mut last = None;
    for &address in addresses {
        let left = deadline.remaining(Phase::Connect)?;
        match TcpStream::connect_timeout(&address, timeout.min(left)) {
            Ok(stream) => return Ok((stream, address)),
            Err(e) => {
                last = Some(match e.kind() {
                    std::io::ErrorKind::ConnectionRefused => ProbeError::Refused { address },
                    std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => {
                        deadline.timed_out(Phase::Connect)
                    }
                    _ => ProbeError::Connect { address, source: e },
                });
            }
        }
    }
    Err(last.unwrap_or_else(|| deadline.timed_out(Phase::Connect)))
}

/// Asks the HTTP proxy on `conn` for a tunnel to `authority` (`host:port`) ([RFC 9110
/// section 9.3.6]); on success the connection carries the tunnel.
///
/// [RFC 9110 section 9.3.6]: https://www.rfc-editor.org/rfc/rfc9110#section-9.3.6
pub(super) fn tunnel(conn: &mut Conn, authority: &str) -> Result<(), ProbeError> {
    let request = format!("CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n\r\n");
    conn.write_all(request.as_bytes(), Phase::Proxy)?;
    let mut head = Vec::new();
    let mut chunk = [0; 1024];
    let status = loop {
        match reply::http_head(&head) {
            Ok(Some((status, used))) => {
                // Bytes after the head would be the server's, sent before it was asked.
                if used != head.len() {
                    return Err(ProbeError::ProxyRefused {
                        status_line: format!("{} (and data after it)", status.line),
                    });
                }
                break status;
            }
            Ok(None) => {}
            Err(e) => {
                let status_line = match e {
                    ReplyError::Malformed { line } => line,
                    ReplyError::LineTooLong { start } => start,
                    ReplyError::TooLarge => "a response head over 16 KiB".to_owned(),
                };
                return Err(ProbeError::ProxyRefused { status_line });
            }
        }
        let n = conn.read(&mut chunk, Phase::Proxy)?;
        head.extend_from_slice(&chunk[..n]);
    };
    if (200..300).contains(&status.code) {
        Ok(())
    } else {
        Err(ProbeError::ProxyRefused {
            status_line: printable(status.line.as_bytes()),
        })
    }
}
