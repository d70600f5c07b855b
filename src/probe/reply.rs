//! The line-based replies a probe reads before TLS starts: SMTP, IMAP, POP3, PostgreSQL's
//! one-byte answer, and an HTTP proxy's answer to CONNECT.
//!
//! Pure functions over the bytes received so far, so they can be tested and fuzzed without a
//! socket. Each returns `Ok(None)` while the reply is incomplete, or the reply and how many
//! bytes it took. Every line and every reply is bounded ([`MAX_LINE`], [`MAX_REPLY`]), so a
//! server that never ends a line cannot make the probe buffer without limit.
//!
//! The module imports nothing from the crate, so the fuzz target can compile it on its own.

/// The longest line accepted, CRLF included. SMTP allows 512 octets per reply line ([RFC
/// 5321 section 4.5.3.1.5]) and IMAP lines are usually shorter than 1000; servers with long
/// capability lists exceed both, so the bound is generous but finite.
///
/// [RFC 5321 section 4.5.3.1.5]: https://www.rfc-editor.org/rfc/rfc5321#section-4.5.3.1.5
pub(crate) const MAX_LINE: usize = 4096;

/// The largest reply accepted, all its lines together (a multi-line EHLO reply, an IMAP
/// CAPABILITY exchange, a proxy's response head).
pub(crate) const MAX_REPLY: usize = 16 * 1024;

/// How many bytes of a server's line an error quotes.
pub(crate) const QUOTE_LEN: usize = 80;

/// What a parser makes of the bytes received so far: `None` while the reply is
/// incomplete, or the reply and the bytes it took.
pub(crate) type Parsed<T> = Result<Option<(T, usize)>, ReplyError>;

/// Why a reply could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ReplyError {
    /// A line without its end within [`MAX_LINE`] bytes.
    LineTooLong {
        /// The start of the line, printable.
        start: String,
    },
    /// A reply not finished within [`MAX_REPLY`] bytes.
    TooLarge,
    /// A line that is not of the protocol's shape.
    Malformed {
        /// The line, printable and bounded.
        line: String,
    },
}

/// `bytes` as printable ASCII for an error message, at most `QUOTE_LEN` bytes of them:
/// control and non-ASCII bytes become `\xNN`, so a hostile server cannot write to a
/// terminal through an error.
pub(crate) fn printable(bytes: &[u8]) -> String {
    let mut out = printable_text(&bytes[..bytes.len().min(QUOTE_LEN)]);
    if bytes.len() > QUOTE_LEN {
        out.push_str("...");
    }
    out
}

/// The first line of `buf` without its line end (CRLF, or a bare LF, which some servers
/// send), and the bytes it took; `None` while the line is incomplete.
pub(crate) fn line(buf: &[u8]) -> Parsed<&[u8]> {
    let window = &buf[..buf.len().min(MAX_LINE)];
    match window.iter().position(|&b| b == b'\n') {
        Some(end) => {
            let text = &window[..end];
            let text = text.strip_suffix(b"\r").unwrap_or(text);
            Ok(Some((text, end + 1)))
        }
        None if buf.len() >= MAX_LINE => Err(ReplyError::LineTooLong {
            start: printable(buf),
        }),
        None => Ok(None),
    }
}

/// Lines from the start of `buf` until `last` says one ends the reply, within
/// [`MAX_REPLY`]: the lines and the bytes they took.
fn lines_until(
    buf: &[u8],
    mut last: impl FnMut(&[u8]) -> Result<bool, ReplyError>,
) -> Parsed<Vec<&[u8]>> {
    let mut lines = Vec::new();
    let mut used = 0;
    while let Some((text, len)) = line(&buf[used..])? {
        used += len;
        if used > MAX_REPLY {
            return Err(ReplyError::TooLarge);
        }
        lines.push(text);
        if last(text)? {
            return Ok(Some((lines, used)));
        }
    }
    if buf.len() >= MAX_REPLY {
        return Err(ReplyError::TooLarge);
    }
    Ok(None)
}

/// An SMTP reply: its code and the text of each line ([RFC 5321 section 4.2]).
///
/// [RFC 5321 section 4.2]: https://www.rfc-editor.org/rfc/rfc5321#section-4.2
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SmtpReply {
    /// The three-digit reply code, the same on every line.
    pub(crate) code: u16,
    /// The text after the code on each line (after `-` or a space), printable.
    pub(crate) lines: Vec<String>,
}

impl SmtpReply {
    /// Whether an EHLO reply lists `keyword` as an extension: every line after the first
    /// starts with one ([RFC 5321 section 4.1.1.1]), matched without regard to case.
    ///
    /// [RFC 5321 section 4.1.1.1]: https://www.rfc-editor.org/rfc/rfc5321#section-4.1.1.1
    pub(crate) fn offers(&self, keyword: &str) -> bool {
        self.lines.iter().skip(1).any(|line| {
            line.split_ascii_whitespace()
                .next()
                .is_some_and(|word| word.eq_ignore_ascii_case(keyword))
        })
    }

    /// The reply's first line as the server wrote it, for error messages.
    pub(crate) fn first_line(&self) -> String {
        match self.lines.first() {
            Some(text) if !text.is_empty() => format!("{} {text}", self.code),
            _ => self.code.to_string(),
        }
    }
}

/// One SMTP reply, one line or several: `ddd-text` continues it, `ddd text` (or a bare
/// `ddd`) ends it ([RFC 5321 section 4.2.1]).
///
/// [RFC 5321 section 4.2.1]: https://www.rfc-editor.org/rfc/rfc5321#section-4.2.1
pub(crate) fn smtp(buf: &[u8]) -> Parsed<SmtpReply> {
    let mut code = None;
    let found = lines_until(buf, |text| {
        let malformed = || ReplyError::Malformed {
            line: printable(text),
        };
        let (digits, rest) = text.split_at_checked(3).ok_or_else(malformed)?;
        let this = parse_code(digits).ok_or_else(malformed)?;
        // RFC 5321 section 4.2.1: every line of a multi-line reply has the same code.
        if *code.get_or_insert(this) != this {
            return Err(malformed());
        }
        match rest.first() {
            None | Some(b' ') => Ok(true),
            Some(b'-') => Ok(false),
            Some(_) => Err(malformed()),
        }
    })?;
    let Some((lines, used)) = found else {
        return Ok(None);
    };
    let code = code.ok_or(ReplyError::TooLarge)?;
    let lines = lines
        .iter()
        .map(|text| printable_text(text.get(4..).unwrap_or_default()))
        .collect();
    Ok(Some((SmtpReply { code, lines }, used)))
}

/// Three ASCII digits, the first 2-5 as RFC 5321 section 4.2 allows.
fn parse_code(digits: &[u8]) -> Option<u16> {
    match digits {
        [a @ b'2'..=b'5', b @ b'0'..=b'9', c @ b'0'..=b'9'] => {
            Some(u16::from(a - b'0') * 100 + u16::from(b - b'0') * 10 + u16::from(c - b'0'))
        }
        _ => None,
    }
}

/// A line's text, printable as [`printable`] makes it, without the bound it puts on quotes:
/// replies are already bounded by [`MAX_LINE`].
fn printable_text(text: &[u8]) -> String {
    let mut out = String::with_capacity(text.len());
    for &b in text {
        match b {
            b' '..=b'~' => out.push(char::from(b)),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out
}

/// Who an IMAP response line is from ([RFC 9051 section 2.2.2]).
///
/// [RFC 9051 section 2.2.2]: https://www.rfc-editor.org/rfc/rfc9051#section-2.2.2
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ImapTag {
    /// `*`: data or a status the server volunteers.
    Untagged,
    /// `+`: a continuation request.
    Continuation,
    /// The tag of the command this line completes.
    Tagged(String),
}

/// One IMAP response line: its tag and the rest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ImapLine {
    /// Who the line is from.
    pub(crate) tag: ImapTag,
    /// The text after the tag, printable.
    pub(crate) text: String,
}

impl ImapLine {
    /// The status word (`OK`, `NO`, `BAD`, `PREAUTH`, `BYE`) or data keyword (`CAPABILITY`)
    /// that starts the text, in upper case.
    pub(crate) fn keyword(&self) -> String {
        self.text
            .split_ascii_whitespace()
            .next()
            .unwrap_or_default()
            .to_ascii_uppercase()
    }

    /// Whether the line lists `capability`: as CAPABILITY data, or in a `[CAPABILITY ...]`
    /// response code ([RFC 9051 section 7.1]).
    ///
    /// [RFC 9051 section 7.1]: https://www.rfc-editor.org/rfc/rfc9051#section-7.1
    pub(crate) fn offers(&self, capability: &str) -> bool {
        let list = if self.keyword() == "CAPABILITY" {
            Some(self.text.as_str())
        } else {
            self.text
                .find('[')
                .map(|at| &self.text[at + 1..])
                .filter(|code| {
                    code.get(..10)
                        .is_some_and(|word| word.eq_ignore_ascii_case("CAPABILITY"))
                })
                .map(|code| code.split(']').next().unwrap_or_default())
        };
        list.is_some_and(|list| {
            list.split_ascii_whitespace()
                .skip(1)
                .any(|word| word.eq_ignore_ascii_case(capability))
        })
    }

    /// The line as the server wrote it, for error messages.
    pub(crate) fn shown(&self) -> String {
        match &self.tag {
            ImapTag::Untagged => format!("* {}", self.text),
            ImapTag::Continuation => format!("+ {}", self.text),
            ImapTag::Tagged(tag) => format!("{tag} {}", self.text),
        }
    }
}

/// One IMAP response line.
pub(crate) fn imap(buf: &[u8]) -> Parsed<ImapLine> {
    let Some((text, used)) = line(buf)? else {
        return Ok(None);
    };
    let (tag, rest) = match text.iter().position(|&b| b == b' ') {
        Some(at) => (&text[..at], &text[at + 1..]),
        None => (text, &[][..]),
    };
    let tag = match tag {
        b"*" => ImapTag::Untagged,
        b"+" => ImapTag::Continuation,
        // RFC 9051 section 9: a tag is ASTRING-CHARs other than "+".
        tag if !tag.is_empty() && tag.iter().all(|b| b.is_ascii_graphic() && *b != b'+') => {
            ImapTag::Tagged(printable_text(tag))
        }
        _ => {
            return Err(ReplyError::Malformed {
                line: printable(text),
            });
        }
    };
    let text = printable_text(rest);
    Ok(Some((ImapLine { tag, text }, used)))
}

/// A POP3 status line: `+OK` or `-ERR` and the text after it ([RFC 1939 section 3]).
///
/// [RFC 1939 section 3]: https://www.rfc-editor.org/rfc/rfc1939#section-3
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Pop3Reply {
    /// `+OK`.
    pub(crate) ok: bool,
    /// The line as the server wrote it, printable.
    pub(crate) line: String,
}

/// One POP3 status line.
pub(crate) fn pop3(buf: &[u8]) -> Parsed<Pop3Reply> {
    let Some((text, used)) = line(buf)? else {
        return Ok(None);
    };
    let ok = match status_word(text) {
        b"+OK" => true,
        b"-ERR" => false,
        _ => {
            return Err(ReplyError::Malformed {
                line: printable(text),
            });
        }
    };
    let line = printable_text(text);
    Ok(Some((Pop3Reply { ok, line }, used)))
}

/// The first word of a line.
fn status_word(text: &[u8]) -> &[u8] {
    let end = text.iter().position(|&b| b == b' ').unwrap_or(text.len());
    &text[..end]
}

/// PostgreSQL's answer to an SSLRequest: one byte, `S` to go on with TLS or `N` to refuse
/// ([PostgreSQL protocol, "SSL Session Encryption"]); anything else is not that answer
/// (a server older than 7.0 sends an error message, `E`). `Ok(None)` for no byte yet.
///
/// [PostgreSQL protocol, "SSL Session Encryption"]: https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-SSL
pub(crate) fn postgres(buf: &[u8]) -> Parsed<bool> {
    match buf.first() {
        None => Ok(None),
        Some(b'S') => Ok(Some((true, 1))),
        Some(b'N') => Ok(Some((false, 1))),
        Some(_) => Err(ReplyError::Malformed {
            line: printable(buf),
        }),
    }
}

/// An HTTP response head's status ([RFC 9112 section 4]).
///
/// [RFC 9112 section 4]: https://www.rfc-editor.org/rfc/rfc9112#section-4
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct HttpStatus {
    /// The status code.
    pub(crate) code: u16,
    /// The status line, printable.
    pub(crate) line: String,
}

/// An HTTP/1.x response head, up to the empty line that ends it: its status.
pub(crate) fn http_head(buf: &[u8]) -> Parsed<HttpStatus> {
    let Some((lines, used)) = lines_until(buf, |text| Ok(text.is_empty()))? else {
        return Ok(None);
    };
    let first = lines.first().copied().unwrap_or_default();
    let malformed = || ReplyError::Malformed {
        line: printable(first),
    };
    // status-line = HTTP-version SP status-code SP [ reason-phrase ]
    let version = status_word(first);
    if !(version.starts_with(b"HTTP/1.") && version.len() == 8) {
        return Err(malformed());
    }
    let code = first
        .get(9..12)
        .filter(|_| first.get(8) == Some(&b' '))
        .and_then(|digits| std::str::from_utf8(digits).ok())
        .filter(|digits| digits.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|digits| digits.parse().ok())
        .ok_or_else(malformed)?;
    let line = printable_text(first);
    Ok(Some((HttpStatus { code, line }, used)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_reads_a_multi_line_reply() {
        let ehlo = b"250-mail.test greets you\r\n250-SIZE 1000\r\n250 STARTTLS\r\nrest";
        let (reply, used) = smtp(ehlo).unwrap().unwrap();
        assert_eq!(reply.code, 250);
        assert_eq!(
            reply.lines,
            ["mail.test greets you", "SIZE 1000", "STARTTLS"]
        );
        assert_eq!(&ehlo[used..], b"rest");
        assert!(reply.offers("starttls"));
        assert!(!reply.offers("mail.test"));
        assert_eq!(reply.first_line(), "250 mail.test greets you");
    }

    #[test]
    fn smtp_waits_for_the_last_line() {
        assert_eq!(smtp(b"220-first\r\n220-sec").unwrap(), None);
        assert_eq!(smtp(b"").unwrap(), None);
        let (reply, _) = smtp(b"220\n").unwrap().unwrap();
        assert_eq!((reply.code, reply.lines.len()), (220, 1));
    }

    #[test]
    fn smtp_refuses_what_is_not_a_reply() {
        for bad in [
            &b"HTTP/1.1 400 Bad\r\n"[..],
            b"250-a\r\n251 b\r\n",
            b"2x0 a\r\n",
            b"250_a\r\n",
        ] {
            assert!(
                matches!(smtp(bad), Err(ReplyError::Malformed { .. })),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn lines_and_replies_are_bounded() {
        let long = vec![b'a'; MAX_LINE];
        assert!(matches!(smtp(&long), Err(ReplyError::LineTooLong { .. })));
        let many = b"250-x\r\n".repeat(MAX_REPLY / 7 + 1);
        assert_eq!(smtp(&many), Err(ReplyError::TooLarge));
    }

    #[test]
    fn imap_reads_tags_and_capabilities() {
        let (greeting, _) = imap(b"* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n")
            .unwrap()
            .unwrap();
        assert_eq!(greeting.tag, ImapTag::Untagged);
        assert_eq!(greeting.keyword(), "OK");
        assert!(greeting.offers("STARTTLS"));
        assert!(!greeting.offers("ready"));
        let (caps, _) = imap(b"* CAPABILITY IMAP4rev1 starttls\r\n")
            .unwrap()
            .unwrap();
        assert!(caps.offers("STARTTLS"));
        let (done, _) = imap(b"a1 OK done\r\n").unwrap().unwrap();
        assert_eq!(done.tag, ImapTag::Tagged("a1".into()));
        assert_eq!(done.shown(), "a1 OK done");
        assert!(imap(b" OK\r\n").is_err());
    }

    #[test]
    fn pop3_reads_status_lines() {
        let (ok, used) = pop3(b"+OK POP3 ready\r\n").unwrap().unwrap();
        assert!(ok.ok);
        assert_eq!(used, 16);
        assert!(!pop3(b"-ERR no\r\n").unwrap().unwrap().0.ok);
        assert!(pop3(b"* OK imap\r\n").is_err());
    }

    #[test]
    fn postgres_reads_one_byte() {
        assert_eq!(postgres(b"S").unwrap(), Some((true, 1)));
        assert_eq!(postgres(b"N").unwrap(), Some((false, 1)));
        assert_eq!(postgres(b"").unwrap(), None);
        assert!(postgres(b"E\0\0").is_err());
    }

    #[test]
    fn http_head_reads_the_status() {
        let (status, used) = http_head(b"HTTP/1.1 403 Forbidden\r\nX: y\r\n\r\nbody")
            .unwrap()
            .unwrap();
        assert_eq!(
            (status.code, status.line.as_str()),
            (403, "HTTP/1.1 403 Forbidden")
        );
        assert_eq!(used, 32);
        assert_eq!(http_head(b"HTTP/1.1 200 OK\r\n").unwrap(), None);
        assert!(http_head(b"SSH-2.0-x\r\n\r\n").is_err());
    }

    #[test]
    fn printable_escapes_and_bounds() {
        assert_eq!(printable(b"220 a\r\n\x1b[2J"), "220 a\\x0d\\x0a\\x1b[2J");
        assert_eq!(printable(&[b'a'; 100]).len(), QUOTE_LEN + 3);
    }
}
