//! The plaintext dialogues that ask a server to switch to TLS, one per [`Protocol`]. The
//! replies are read by the pure parsers of [`reply`](super::reply) and
//! [`ldap`](super::ldap); this module only sends the commands and judges the answers.

use std::net::IpAddr;

use super::deadline::Conn;
use super::error::{Phase, ProbeError};
use super::ldap;
use super::reply::{self, ImapTag, ReplyError, printable};
use crate::endpoint::Protocol;

/// Asks the server on `conn` to start TLS with `protocol`; on success the next byte on the
/// connection is the ClientHello's.
pub(super) fn upgrade(conn: &mut Conn, protocol: Protocol) -> Result<(), ProbeError> {
    let mut dialogue = Dialogue {
        conn,
        protocol,
        buf: Vec::new(),
    };
    match protocol {
        Protocol::Smtp => smtp(&mut dialogue),
        Protocol::Imap => imap(&mut dialogue),
        Protocol::Pop3 => pop3(&mut dialogue),
        Protocol::Ldap => ldap(&mut dialogue),
        Protocol::Postgres => postgres(&mut dialogue),
    }?;
    dialogue.finish()
}

/// [RFC 3207 section 4]: the greeting (220), EHLO (250, listing STARTTLS), STARTTLS (220).
///
/// [RFC 3207 section 4]: https://www.rfc-editor.org/rfc/rfc3207#section-4
fn smtp(d: &mut Dialogue<'_>) -> Result<(), ProbeError> {
    let greeting = d.receive("the greeting", reply::smtp)?;
    match greeting.code {
        220 => {}
        // RFC 5321 section 3.1: 554 instead of 220 means "no SMTP service here".
        554 => return Err(d.refused("the connection", greeting.first_line())),
        _ => return Err(d.unexpected("the greeting", greeting.first_line())),
    }
    // RFC 5321 section 4.1.4: a client without a name gives its address literal.
    let ehlo = match d.conn.stream().local_addr().map(|a| a.ip()) {
        Ok(IpAddr::V6(ip)) => format!("EHLO [IPv6:{ip}]\r\n"),
        Ok(IpAddr::V4(ip)) => format!("EHLO [{ip}]\r\n"),
        Err(_) => "EHLO [127.0.0.1]\r\n".to_owned(),
    };
    d.send(ehlo.as_bytes())?;
    let capabilities = d.receive("EHLO", reply::smtp)?;
    if capabilities.code != 250 {
        return Err(d.unexpected("EHLO", capabilities.first_line()));
    }
    if !capabilities.offers("STARTTLS") {
        return Err(d.not_offered("EHLO", capabilities.lines.join(" | ")));
    }
    d.send(b"STARTTLS\r\n")?;
    let answer = d.receive("STARTTLS", reply::smtp)?;
    match answer.code {
        220 => Ok(()),
        // 454: TLS not available for a temporary reason; 5xx: refused (RFC 3207 section 4).
        454 | 500..=599 => Err(d.refused("STARTTLS", answer.first_line())),
        _ => Err(d.unexpected("STARTTLS", answer.first_line())),
    }
}

/// [RFC 9051 section 6.2.1] (and RFC 2595 section 3.1): the greeting (`* OK`), CAPABILITY
/// (listing STARTTLS), STARTTLS (tagged OK).
///
/// [RFC 9051 section 6.2.1]: https://www.rfc-editor.org/rfc/rfc9051#section-6.2.1
fn imap(d: &mut Dialogue<'_>) -> Result<(), ProbeError> {
    let greeting = d.receive("the greeting", reply::imap)?;
    match (&greeting.tag, greeting.keyword().as_str()) {
        (ImapTag::Untagged, "OK") => {}
        // PREAUTH: already authenticated, where STARTTLS is no longer allowed; BYE: refused.
        (ImapTag::Untagged, "PREAUTH" | "BYE") => {
            return Err(d.refused("the connection", greeting.shown()));
        }
        _ => return Err(d.unexpected("the greeting", greeting.shown())),
    }
    let mut offered = greeting.offers("STARTTLS");
    let capability = d.command("a1", "CAPABILITY", |line| {
        offered |= line.offers("STARTTLS");
    })?;
    if capability.keyword() != "OK" {
        return Err(d.unexpected("CAPABILITY", capability.shown()));
    }
    if !offered {
        return Err(d.not_offered("CAPABILITY", capability.shown()));
    }
    let answer = d.command("a2", "STARTTLS", |_| {})?;
    match answer.keyword().as_str() {
        "OK" => Ok(()),
        "NO" | "BAD" => Err(d.refused("STARTTLS", answer.shown())),
        _ => Err(d.unexpected("STARTTLS", answer.shown())),
    }
}

/// [RFC 2595 section 4]: the greeting (`+OK`), STLS (`+OK`).
///
/// [RFC 2595 section 4]: https://www.rfc-editor.org/rfc/rfc2595#section-4
fn pop3(d: &mut Dialogue<'_>) -> Result<(), ProbeError> {
    let greeting = d.receive("the greeting", reply::pop3)?;
    if !greeting.ok {
        return Err(d.refused("the connection", greeting.line));
    }
    d.send(b"STLS\r\n")?;
    let answer = d.receive("STLS", reply::pop3)?;
    if answer.ok {
        Ok(())
    } else {
        Err(d.refused("STLS", answer.line))
    }
}

/// [RFC 4511 section 4.14]: the StartTLS extended request, answered by an ExtendedResponse
/// whose resultCode is success.
///
/// [RFC 4511 section 4.14]: https://www.rfc-editor.org/rfc/rfc4511#section-4.14
fn ldap(d: &mut Dialogue<'_>) -> Result<(), ProbeError> {
    const STEP: &str = "the StartTLS extended request";
    d.send(&ldap::start_tls_request())?;
    let response = d.receive_with(STEP, ldap::extended_response, |e| format!("{e:?}"))?;
    let shown = || {
        format!(
            "resultCode {} ({}) {}",
            response.result_code,
            ldap::result_name(response.result_code),
            printable(&response.diagnostic)
        )
    };
    if response.message_id != ldap::MESSAGE_ID {
        // Message ID 0 is a notice of disconnection (RFC 4511 section 4.4.1).
        return Err(d.refused(STEP, shown()));
    }
    match response.result_code {
        0 => Ok(()),
        _ => Err(d.refused(STEP, shown())),
    }
}

/// The PostgreSQL protocol's SSLRequest: length 8 and the code 80877103, answered by `S`.
fn postgres(d: &mut Dialogue<'_>) -> Result<(), ProbeError> {
    const SSL_REQUEST_CODE: u32 = 80_877_103;
    let mut request = 8u32.to_be_bytes().to_vec();
    request.extend(SSL_REQUEST_CODE.to_be_bytes());
    d.send(&request)?;
    if d.receive("SSLRequest", reply::postgres)? {
        Ok(())
    } else {
        Err(d.refused(
            "SSLRequest",
            "N (the server does not accept SSL)".to_owned(),
        ))
    }
}

/// One dialogue: the connection, and what the server sent that no reply has taken yet.
struct Dialogue<'c> {
    conn: &'c mut Conn,
    protocol: Protocol,
    buf: Vec<u8>,
}

impl Dialogue<'_> {
    fn send(&mut self, bytes: &[u8]) -> Result<(), ProbeError> {
        self.conn.write_all(bytes, Phase::StartTls)
    }

    /// The next reply, read with a parser of [`reply`].
    fn receive<T>(
        &mut self,
        step: &'static str,
        parse: impl Fn(&[u8]) -> reply::Parsed<T>,
    ) -> Result<T, ProbeError> {
        self.receive_with(step, parse, |e| match e {
            ReplyError::LineTooLong { start } => {
                format!("{start} (a line over {} bytes)", reply::MAX_LINE)
            }
            ReplyError::TooLarge => format!("a reply over {} bytes", reply::MAX_REPLY),
            ReplyError::Malformed { line } => line,
        })
    }

    /// The next reply, read with `parse`, whose errors `show` words.
    fn receive_with<T, E>(
        &mut self,
        step: &'static str,
        parse: impl Fn(&[u8]) -> Result<Option<(T, usize)>, E>,
        show: impl Fn(E) -> String,
    ) -> Result<T, ProbeError> {
        let mut chunk = [0; 1024];
        loop {
            match parse(&self.buf) {
                Ok(Some((reply, used))) => {
                    self.buf.drain(..used);
                    return Ok(reply);
                }
                Ok(None) => {}
                Err(e) => return Err(self.unexpected(step, show(e))),
            }
            let n = self.conn.read(&mut chunk, Phase::StartTls)?;
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }

    /// Sends the IMAP command `name` tagged `tag` and reads lines up to its tagged
    /// completion, which it returns; untagged lines go to `untagged`.
    fn command(
        &mut self,
        tag: &str,
        name: &'static str,
        mut untagged: impl FnMut(&reply::ImapLine),
    ) -> Result<reply::ImapLine, ProbeError> {
        self.send(format!("{tag} {name}\r\n").as_bytes())?;
        loop {
            let line = self.receive(name, reply::imap)?;
            match &line.tag {
                ImapTag::Tagged(t) if t == tag => return Ok(line),
                ImapTag::Untagged => untagged(&line),
                _ => return Err(self.unexpected(name, line.shown())),
            }
        }
    }

    /// Refuses bytes the server sent after agreeing to TLS: they would be read as part of
    /// the handshake, which is how plaintext injection into STARTTLS works (CVE-2011-0411).
    fn finish(self) -> Result<(), ProbeError> {
        if self.buf.is_empty() {
            Ok(())
        } else {
            Err(self.unexpected("the upgrade", printable(&self.buf)))
        }
    }

    fn not_offered(&self, step: &'static str, line: String) -> ProbeError {
        ProbeError::StartTlsNotOffered {
            protocol: self.protocol,
            step,
            line: printable(line.as_bytes()),
        }
    }

    fn refused(&self, step: &'static str, line: String) -> ProbeError {
        ProbeError::StartTlsRefused {
            protocol: self.protocol,
            step,
            line: printable(line.as_bytes()),
        }
    }

    fn unexpected(&self, step: &'static str, line: String) -> ProbeError {
        ProbeError::StartTlsUnexpected {
            protocol: self.protocol,
            step,
            line: printable(line.as_bytes()),
        }
    }
}
