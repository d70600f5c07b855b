//! URL schemes: which ones reach a TLS server, on which default port, and whether the
//! connection starts in TLS or upgrades to it.
//!
//! Default ports come from the [IANA service name registry]; the implicit-TLS mail ports are
//! those of [RFC 8314 section 3].
//!
//! [IANA service name registry]: https://www.iana.org/assignments/service-names-port-numbers
//! [RFC 8314 section 3]: https://www.rfc-editor.org/rfc/rfc8314#section-3

use std::fmt;

/// How a client reaches TLS on an [`Endpoint`](crate::Endpoint): from the first byte, or by
/// asking the server to upgrade a plaintext connection.
///
/// A live probe needs this to know what to send before the TLS handshake:
///
/// ```
/// use certdeps::{Endpoint, Protocol, Tls};
/// # fn main() -> Result<(), certdeps::EndpointError> {
/// assert_eq!(Endpoint::parse("https://h.example")?.tls(), Tls::Implicit);
/// let smtp = Endpoint::parse("smtp://mail.example:587")?;
/// assert_eq!(smtp.tls(), Tls::StartTls(Protocol::Smtp));
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Tls {
    /// The connection is TLS from its first byte (`https`, `ldaps`, `smtps`, ...).
    Implicit,
    /// The connection starts in the application protocol, which asks to switch to TLS.
    StartTls(Protocol),
}

/// An application protocol that upgrades a plaintext connection to TLS.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Protocol {
    /// SMTP's `STARTTLS` command ([RFC 3207]).
    ///
    /// [RFC 3207]: https://www.rfc-editor.org/rfc/rfc3207
    Smtp,
    /// IMAP's `STARTTLS` command ([RFC 2595 section 3.1]).
    ///
    /// [RFC 2595 section 3.1]: https://www.rfc-editor.org/rfc/rfc2595#section-3.1
    Imap,
    /// POP3's `STLS` command ([RFC 2595 section 4]).
    ///
    /// [RFC 2595 section 4]: https://www.rfc-editor.org/rfc/rfc2595#section-4
    Pop3,
    /// LDAP's StartTLS extended operation ([RFC 4511 section 4.14]).
    ///
    /// [RFC 4511 section 4.14]: https://www.rfc-editor.org/rfc/rfc4511#section-4.14
    Ldap,
    /// PostgreSQL's `SSLRequest` message, sent before the startup message ([PostgreSQL
    /// protocol, "SSL Session Encryption"]).
    ///
    /// [PostgreSQL protocol, "SSL Session Encryption"]: https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-SSL
    Postgres,
}

impl Protocol {
    /// The protocol that a URL scheme's name upgrades with: `smtp`, `imap`, `pop3`, `ldap`,
    /// `postgres` or `postgresql`, in any case; `None` for any other name, an implicit-TLS
    /// scheme's included. For a `--starttls` option or a manifest's `starttls` key.
    ///
    /// ```
    /// use certdeps::Protocol;
    ///
    /// assert_eq!(Protocol::from_scheme("SMTP"), Some(Protocol::Smtp));
    /// assert_eq!(Protocol::from_scheme("postgresql"), Some(Protocol::Postgres));
    /// assert_eq!(Protocol::from_scheme("smtps"), None);
    /// ```
    pub fn from_scheme(name: &str) -> Option<Self> {
        KNOWN.iter().find_map(|known| match known.tls {
            Tls::StartTls(protocol) if known.name.eq_ignore_ascii_case(name) => Some(protocol),
            _ => None,
        })
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Smtp => "SMTP",
            Self::Imap => "IMAP",
            Self::Pop3 => "POP3",
            Self::Ldap => "LDAP",
            Self::Postgres => "PostgreSQL",
        })
    }
}

/// A scheme that reaches a TLS server.
pub(super) struct Scheme {
    pub(super) name: &'static str,
    pub(super) port: u16,
    pub(super) tls: Tls,
}

const fn scheme(name: &'static str, port: u16, tls: Tls) -> Scheme {
    Scheme { name, port, tls }
}

/// Every scheme [`Endpoint::parse`](crate::Endpoint::parse) accepts. `smtp` defaults to 25,
/// the relay port; mail submission ([RFC 6409 section 3.1]) is `smtp://host:587`.
///
/// [RFC 6409 section 3.1]: https://www.rfc-editor.org/rfc/rfc6409#section-3.1
const KNOWN: &[Scheme] = &[
    scheme("https", 443, Tls::Implicit),
    scheme("wss", 443, Tls::Implicit),
    scheme("smtps", 465, Tls::Implicit),
    scheme("imaps", 993, Tls::Implicit),
    scheme("pop3s", 995, Tls::Implicit),
    scheme("ldaps", 636, Tls::Implicit),
    scheme("ftps", 990, Tls::Implicit),
    scheme("smtp", 25, Tls::StartTls(Protocol::Smtp)),
    scheme("imap", 143, Tls::StartTls(Protocol::Imap)),
    scheme("pop3", 110, Tls::StartTls(Protocol::Pop3)),
    scheme("ldap", 389, Tls::StartTls(Protocol::Ldap)),
    scheme("postgres", 5432, Tls::StartTls(Protocol::Postgres)),
    scheme("postgresql", 5432, Tls::StartTls(Protocol::Postgres)),
];

/// Schemes that never use TLS, each with the scheme of the same service over TLS.
const PLAINTEXT: &[(&str, &str)] = &[("http", "https"), ("ws", "wss"), ("ftp", "ftps")];

/// What certdeps makes of a (lowercase) scheme.
pub(super) enum Lookup {
    Known(&'static Scheme),
    /// No TLS; the field is the scheme to use instead.
    Plaintext(&'static str),
    Unknown,
}

pub(super) fn lookup(name: &str) -> Lookup {
    if let Some(known) = KNOWN.iter().find(|known| known.name == name) {
        return Lookup::Known(known);
    }
    match PLAINTEXT.iter().find(|(plain, _)| *plain == name) {
        Some(&(_, tls)) => Lookup::Plaintext(tls),
        None => Lookup::Unknown,
    }
}

/// The known schemes as a sentence, for the error on an unknown one.
pub(super) fn known_list() -> String {
    let names = |implicit: bool| {
        KNOWN
            .iter()
            .filter(|known| (known.tls == Tls::Implicit) == implicit)
            .map(|known| known.name)
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "{} (implicit TLS); {} (STARTTLS)",
        names(true),
        names(false)
    )
}

/// Whether `input` starts with a URL scheme ([RFC 3986 section 3.1]).
///
/// `scheme://` always counts. A known scheme followed by `:` and something
/// other than a digit also counts (`https:/host` is a typo for a URL, not
/// host `https`); `localhost:8443` does not.
///
/// [RFC 3986 section 3.1]: https://www.rfc-editor.org/rfc/rfc3986#section-3.1
pub(super) fn has_scheme(input: &str) -> bool {
    let Some((scheme, rest)) = input.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !valid {
        return false;
    }
    if rest.starts_with("//") {
        return true;
    }
    let scheme = scheme.to_ascii_lowercase();
    let known = !matches!(lookup(&scheme), Lookup::Unknown) || scheme == "file";
    known && !rest.starts_with(|c: char| c.is_ascii_digit())
}
