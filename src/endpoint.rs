//! The outbound endpoint: the host and port a TLS client connects to, and the
//! server name it checks the certificate against.
//!
//! Parsing is delegated to the `url` crate (the WHATWG URL standard), so a host
//! goes through the same IDNA mapping, lowercasing and IPv4/IPv6 parsing that
//! HTTP clients apply before they connect. On top of that, [`Endpoint::parse`]
//! accepts the shapes people write in configuration files (`host:port`, a bare
//! host, a bare IPv6 address) and rejects anything that a strict TLS client
//! could not use as a server name.

use std::borrow::Cow;
use std::fmt;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::Arc;

use pki_types::{DnsName, ServerName};

mod credentials;
mod scheme;

pub use scheme::{Protocol, Tls};

use scheme::{Lookup, has_scheme};

/// The longest input [`Endpoint::parse`] accepts, in bytes.
///
/// Browsers and servers stop at a few KiB (IE: 2083, nginx: 8 KiB request
/// lines), so 8 KiB is generous for a configured endpoint while keeping the
/// work on hostile input (fuzzers, pasted files) bounded.
const MAX_INPUT_LEN: usize = 8 * 1024;

/// The longest DNS name, in bytes, without a trailing dot.
///
/// [RFC 1035 section 2.3.4] allows 255 octets on the wire, which is 253
/// characters of text; pki-types and rustls-webpki enforce the same bound.
///
/// [RFC 1035 section 2.3.4]: https://www.rfc-editor.org/rfc/rfc1035#section-2.3.4
pub(crate) const MAX_NAME_LEN: usize = 253;

/// The longest DNS label, in bytes ([RFC 1035 section 2.3.4]).
///
/// [RFC 1035 section 2.3.4]: https://www.rfc-editor.org/rfc/rfc1035#section-2.3.4
pub(crate) const MAX_LABEL_LEN: usize = 63;

/// The scheme assumed when the input has none: the endpoint is checked as the
/// TLS server a strict HTTPS client would talk to.
const DEFAULT_SCHEME: &str = "https";

/// An outbound endpoint: scheme, host and port, as a TLS client sees them.
///
/// Build one with [`Endpoint::parse`]. The host is normalised (IDNA to
/// punycode, lowercase, no trailing dot), so two spellings of the same endpoint
/// compare equal only when they also have the same [`input`](Self::input).
///
/// Cloning is cheap (the parsed parts are shared), so every report can keep its endpoint.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Endpoint {
    parts: Arc<Parts>,
}

#[derive(Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "json", derive(serde::Serialize))]
struct Parts {
    input: String,
    scheme: &'static str,
    // Implied by the scheme, which the JSON already carries.
    #[cfg_attr(feature = "json", serde(skip))]
    tls: Tls,
    host: Host,
    port: u16,
    // Built once while parsing so that `server_name()` cannot fail: `host`
    // has already passed the same validation.
    #[cfg_attr(feature = "json", serde(skip))]
    server_name: ServerName<'static>,
}

impl Endpoint {
    /// Parses a URL, `host:port`, a bare host or a bare IPv6 address.
    ///
    /// Inputs without `scheme://` are read as `https://{input}`; surrounding
    /// whitespace is ignored. DNS hosts are mapped to punycode and lowercased
    /// ([RFC 5890 section 2.3.2.1], via the WHATWG host parser), and one
    /// trailing dot is dropped, as a client does before sending SNI
    /// ([RFC 6066 section 3]).
    ///
    /// The scheme must reach a TLS server. Implicit TLS: `https` and `wss` 443,
    /// `smtps` 465, `imaps` 993, `pop3s` 995, `ldaps` 636, `ftps` 990. STARTTLS
    /// (see [`Endpoint::tls`]): `smtp` 25 (submission is `smtp://host:587`),
    /// `imap` 143, `pop3` 110, `ldap` 389, `postgres` and `postgresql` 5432. The
    /// port is the scheme's default unless the input gives one. `http`, `ws` and
    /// `ftp` carry no TLS and are refused with the scheme to use instead, as is a
    /// scheme certdeps does not know. A URL's credentials are never kept or
    /// quoted (see [`Endpoint::input`]).
    ///
    /// The host must be a name a strict client can verify: a DNS name valid as
    /// a `pki_types::DnsName`, or an IP address.
    ///
    /// ```
    /// use certdeps::{Endpoint, Protocol, Tls};
    ///
    /// let relay = Endpoint::parse("smtp://user:secret@Relay.Contoso.test.:587")?;
    /// assert_eq!(relay.host().to_string(), "relay.contoso.test");
    /// assert_eq!(relay.port(), 587);
    /// assert_eq!(relay.tls(), Tls::StartTls(Protocol::Smtp));
    /// assert!(!relay.input().contains("secret"));
    ///
    /// // No scheme means https; `http` is refused, naming the scheme to use instead.
    /// assert_eq!(Endpoint::parse("api.contoso.test")?.port(), 443);
    /// let refused = Endpoint::parse("http://api.contoso.test").unwrap_err();
    /// assert!(refused.to_string().contains("https"));
    /// # Ok::<(), certdeps::EndpointError>(())
    /// ```
    ///
    /// [RFC 5890 section 2.3.2.1]: https://www.rfc-editor.org/rfc/rfc5890#section-2.3.2.1
    /// [RFC 6066 section 3]: https://www.rfc-editor.org/rfc/rfc6066#section-3
    pub fn parse(input: &str) -> Result<Self, EndpointError> {
        // Checked before any other work so that oversized input costs nothing.
        if input.len() > MAX_INPUT_LEN {
            return Err(EndpointError::TooLong { len: input.len() });
        }
        // From here on, only the redacted form is kept or quoted, errors included.
        let (shown, _) = credentials::redact(input);
        let shown = shown.as_ref();

        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(EndpointError::Empty {
                input: shown.to_owned(),
            });
        }

        // The URL parser silently deletes tabs and newlines inside a URL, so
        // "exa\nmple.com" would become "example.com": reject instead of
        // checking a host nobody wrote. Searched in the redacted text so that the
        // offset points into the input the error shows.
        if let Some((offset, _)) = shown.trim().char_indices().find(|(_, c)| c.is_control()) {
            let leading = shown.len() - shown.trim_start().len();
            return Err(EndpointError::ControlCharacter {
                input: shown.to_owned(),
                offset: leading + offset,
            });
        }

        let text = with_scheme(trimmed);
        let url = match url::Url::parse(&text) {
            Ok(url) => url,
            Err(url::ParseError::EmptyHost) => {
                return Err(EndpointError::NoHost {
                    input: shown.to_owned(),
                });
            }
            Err(url::ParseError::InvalidPort) => return Err(port_error(shown, &text)),
            Err(source) => {
                return Err(EndpointError::Url {
                    input: shown.to_owned(),
                    source,
                });
            }
        };

        let scheme = match scheme::lookup(url.scheme()) {
            Lookup::Known(scheme) => scheme,
            Lookup::Plaintext(tls) => {
                return Err(EndpointError::NoTls {
                    input: shown.to_owned(),
                    scheme: url.scheme().to_owned(),
                    tls_scheme: tls.to_owned(),
                });
            }
            Lookup::Unknown => {
                return Err(EndpointError::UnknownScheme {
                    input: shown.to_owned(),
                    scheme: url.scheme().to_owned(),
                });
            }
        };
        let host = host_of(shown, &url)?;
        let port = url.port().unwrap_or(scheme.port);
        // The URL standard accepts port 0, but it is reserved in the IANA port
        // registry and no server is reachable there.
        if port == 0 {
            let port = port_text(&text).unwrap_or("0").to_owned();
            return Err(EndpointError::PortOutOfRange {
                input: shown.to_owned(),
                port,
            });
        }

        let server_name = server_name_of(shown, &host)?;
        Ok(Self {
            parts: Arc::new(Parts {
                input: shown.to_owned(),
                scheme: scheme.name,
                tls: scheme.tls,
                host,
                port,
                server_name,
            }),
        })
    }

    /// The input as given to [`Endpoint::parse`], whitespace included, except that a URL's
    /// credentials (the userinfo before `@`, user name included, since tokens are often passed
    /// as one) are replaced by `***`: `https://user:secret@host/` becomes `https://***@host/`.
    /// Reports, JSON, `Debug` and errors quote only this form, so a secret in a configured URL
    /// never reaches a log.
    pub fn input(&self) -> &str {
        &self.parts.input
    }

    /// The URL scheme, lowercase; `https` when the input had none.
    pub fn scheme(&self) -> &str {
        self.parts.scheme
    }

    /// Whether the connection is TLS from its first byte or upgrades to it with STARTTLS,
    /// as the scheme says.
    pub fn tls(&self) -> Tls {
        self.parts.tls
    }

    /// The host: a normalised DNS name or an IP address.
    pub fn host(&self) -> &Host {
        &self.parts.host
    }

    /// The port: explicit in the input, or the scheme's default.
    pub fn port(&self) -> u16 {
        self.parts.port
    }

    /// The name rustls and rustls-webpki verify the certificate against.
    ///
    /// A DNS host becomes `ServerName::DnsName` (also sent as SNI); an IP host
    /// becomes `ServerName::IpAddress`, which is matched against iPAddress
    /// SANs only ([RFC 6125 section 6.2.1]).
    ///
    /// [RFC 6125 section 6.2.1]: https://www.rfc-editor.org/rfc/rfc6125#section-6.2.1
    pub fn server_name(&self) -> ServerName<'static> {
        self.parts.server_name.clone()
    }

    /// [`Endpoint::server_name`] without the copy, for checks that only read it.
    pub(crate) fn server_name_ref(&self) -> &ServerName<'static> {
        &self.parts.server_name
    }
}

impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Endpoint")
            .field("input", &self.parts.input)
            .field("scheme", &self.parts.scheme)
            .field("tls", &self.parts.tls)
            .field("host", &self.parts.host)
            .field("port", &self.parts.port)
            .finish()
    }
}

#[cfg(feature = "json")]
impl serde::Serialize for Endpoint {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.parts.serialize(s)
    }
}

impl fmt::Display for Endpoint {
    /// Writes `host:port`, with an IPv6 host in brackets (`[::1]:443`) as in
    /// [RFC 3986 section 3.2.2].
    ///
    /// [RFC 3986 section 3.2.2]: https://www.rfc-editor.org/rfc/rfc3986#section-3.2.2
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.parts.host {
            Host::Ip(IpAddr::V6(ip)) => write!(f, "[{ip}]:{}", self.parts.port),
            Host::Dns(_) | Host::Ip(IpAddr::V4(_)) => {
                write!(f, "{}:{}", self.parts.host, self.parts.port)
            }
        }
    }
}

/// The host of an [`Endpoint`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "json", derive(serde::Serialize), serde(untagged))]
#[non_exhaustive]
pub enum Host {
    /// A DNS name: ASCII (IDNA A-labels), lowercase, without a trailing dot.
    Dns(String),
    /// An IPv4 or IPv6 address.
    Ip(IpAddr),
}

impl fmt::Display for Host {
    /// Writes the name, or the address in its canonical text form (IPv6
    /// without brackets, [RFC 5952 section 4]).
    ///
    /// [RFC 5952 section 4]: https://www.rfc-editor.org/rfc/rfc5952#section-4
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Dns(name) => f.write_str(name),
            Self::Ip(ip) => write!(f, "{ip}"),
        }
    }
}

/// Why [`Endpoint::parse`] rejected its input.
///
/// Every variant but [`TooLong`](Self::TooLong) carries the input as given,
/// with a URL's credentials replaced by `***` as in [`Endpoint::input`]; an
/// oversized input is not copied into the error.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EndpointError {
    /// The input contains a control character (tab, newline, NUL, ...).
    #[error(
        "invalid endpoint {input:?}: control character at byte {offset}; \
         remove it (tabs and newlines are often pasted by accident)"
    )]
    ControlCharacter {
        /// The input as given.
        input: String,
        /// Byte offset of the first control character in `input`.
        offset: usize,
    },

    /// The input is empty or only whitespace.
    #[error("invalid endpoint {input:?}: it is empty; expected a URL, host:port or host")]
    Empty {
        /// The input as given.
        input: String,
    },

    /// The URL parser accepted the host, but it is not a name a TLS client can
    /// verify a certificate against.
    #[error("invalid endpoint {input:?}: host {host:?} is not a valid TLS server name: {reason}")]
    InvalidHost {
        /// The input as given.
        input: String,
        /// The host after URL processing (punycode, lowercase).
        host: String,
        /// What is wrong with it.
        reason: String,
    },

    /// The port is not a decimal number.
    #[error("invalid endpoint {input:?}: port {port:?} is not a number")]
    InvalidPort {
        /// The input as given.
        input: String,
        /// The port text as written.
        port: String,
    },

    /// The scheme never uses TLS (`http`, `ws`, `ftp`), so there is no
    /// certificate to check.
    #[error(
        "invalid endpoint {input:?}: {scheme}:// does not use TLS, so the server \
         presents no certificate; use {tls_scheme}:// for the same service over TLS"
    )]
    NoTls {
        /// The input as given.
        input: String,
        /// The scheme, lowercase.
        scheme: String,
        /// The scheme of the same service over TLS.
        tls_scheme: String,
    },

    /// The input has no host (`https://`, `:443`, `mailto:x`).
    #[error("invalid endpoint {input:?}: it has no host")]
    NoHost {
        /// The input as given.
        input: String,
    },

    /// The port is a number outside 1-65535.
    #[error("invalid endpoint {input:?}: port {port} is out of range (1-65535)")]
    PortOutOfRange {
        /// The input as given.
        input: String,
        /// The port text as written.
        port: String,
    },

    /// The input is longer than 8 KiB.
    #[error("invalid endpoint: it is {len} bytes long; at most {MAX_INPUT_LEN} are accepted")]
    TooLong {
        /// The input's length in bytes.
        len: usize,
    },

    /// The scheme is not one certdeps knows how to reach TLS with.
    #[error(
        "invalid endpoint {input:?}: unknown scheme {scheme:?}; certdeps knows {}",
        scheme::known_list()
    )]
    UnknownScheme {
        /// The input as given.
        input: String,
        /// The scheme, lowercase.
        scheme: String,
    },

    /// The URL parser rejected the input.
    #[error("invalid endpoint {input:?}: {source}")]
    Url {
        /// The input as given.
        input: String,
        /// What the URL parser reported.
        #[source]
        source: url::ParseError,
    },
}

/// Returns the text to give the URL parser: `input` itself when it names a
/// scheme, otherwise `https://{input}` (with brackets around a bare IPv6
/// address, which would otherwise read as `host:port`).
fn with_scheme(input: &str) -> Cow<'_, str> {
    if input.parse::<Ipv6Addr>().is_ok() {
        return Cow::Owned(format!("{DEFAULT_SCHEME}://[{input}]"));
    }
    if has_scheme(input) {
        return Cow::Borrowed(input);
    }
    Cow::Owned(format!("{DEFAULT_SCHEME}://{input}"))
}

/// Extracts the port text from the authority of `text` (a string with a
/// scheme), as written: `h:70000` gives `70000`, `[::1]:x` gives `x`.
///
/// Used only to word errors, so it may be lenient: the URL parser has the
/// final say.
fn port_text(text: &str) -> Option<&str> {
    let (_, rest) = text.split_once(':')?;
    let rest = rest.trim_start_matches(['/', '\\']);
    let end = rest.find(['/', '?', '#', '\\']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let host_port = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host_port)| host_port);
    match host_port.strip_prefix('[') {
        Some(bracketed) => bracketed.split_once(']')?.1.strip_prefix(':'),
        None => host_port.split_once(':').map(|(_, port)| port),
    }
}

/// Turns the URL parser's `InvalidPort` into an error naming the port.
fn port_error(input: &str, text: &str) -> EndpointError {
    let input = input.to_owned();
    match port_text(text) {
        Some(port) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => {
            EndpointError::PortOutOfRange {
                input,
                port: port.to_owned(),
            }
        }
        Some(port) => EndpointError::InvalidPort {
            input,
            port: port.to_owned(),
        },
        None => EndpointError::Url {
            input,
            source: url::ParseError::InvalidPort,
        },
    }
}

/// Extracts and normalises the host of a parsed URL.
///
/// Special schemes (`https`, `wss`, ...) already had their host processed by
/// the URL parser. Other schemes (`ldaps`, `smtps`, ...) get an opaque,
/// case-preserved, percent-encoded host, so it is run through the same host
/// parser here: a TLS client resolves and verifies it as a DNS name or an IP
/// address all the same.
fn host_of(input: &str, url: &url::Url) -> Result<Host, EndpointError> {
    let no_host = || EndpointError::NoHost {
        input: input.to_owned(),
    };
    let host = match url.host() {
        None => return Err(no_host()),
        Some(url::Host::Domain("")) => return Err(no_host()),
        Some(url::Host::Domain(domain)) if url.is_special() => url::Host::Domain(domain.to_owned()),
        Some(url::Host::Domain(opaque)) => {
            url::Host::parse(opaque).map_err(|source| EndpointError::Url {
                input: input.to_owned(),
                source,
            })?
        }
        Some(url::Host::Ipv4(ip)) => url::Host::Ipv4(ip),
        Some(url::Host::Ipv6(ip)) => url::Host::Ipv6(ip),
    };
    match host {
        url::Host::Domain(domain) => {
            // An absolute name ("example.com.") names the same host; clients
            // strip the dot before SNI and name checks ([RFC 6066 section 3]).
            let name = domain.strip_suffix('.').unwrap_or(&domain);
            if name.is_empty() {
                return Err(no_host());
            }
            // Only one dot goes: "a.." (percent-decoding can produce it) has
            // an empty label.
            if name.ends_with('.') {
                return Err(EndpointError::InvalidHost {
                    input: input.to_owned(),
                    reason: dns_name_problem(&domain),
                    host: domain,
                });
            }
            Ok(Host::Dns(name.to_owned()))
        }
        url::Host::Ipv4(ip) => Ok(Host::Ip(IpAddr::V4(ip))),
        url::Host::Ipv6(ip) => Ok(Host::Ip(IpAddr::V6(ip))),
    }
}

/// Builds the rustls server name for `host`, or explains why there is none.
fn server_name_of(input: &str, host: &Host) -> Result<ServerName<'static>, EndpointError> {
    match host {
        Host::Ip(ip) => Ok(ServerName::IpAddress((*ip).into())),
        // `DnsName` accepts and drops a trailing dot, but `host_of` already
        // dropped one: a dot left here would make `host` and the server name
        // differ, so it is refused (this is unreachable from `parse`).
        Host::Dns(name) => match DnsName::try_from(name.clone()) {
            Ok(dns_name) if !name.ends_with('.') => Ok(ServerName::DnsName(dns_name)),
            Ok(_) | Err(_) => Err(EndpointError::InvalidHost {
                input: input.to_owned(),
                host: name.clone(),
                reason: dns_name_problem(name),
            }),
        },
    }
}

/// Says why `name` is not a valid DNS name for a TLS client, following the
/// preferred name syntax of [RFC 1034 section 3.5] as relaxed by
/// [RFC 1123 section 2.1] (and, as in pki-types, allowing underscores).
///
/// The verdict itself is `pki_types::DnsName`'s; this only words it.
///
/// [RFC 1034 section 3.5]: https://www.rfc-editor.org/rfc/rfc1034#section-3.5
/// [RFC 1123 section 2.1]: https://www.rfc-editor.org/rfc/rfc1123#section-2.1
fn dns_name_problem(name: &str) -> String {
    if name.len() > MAX_NAME_LEN {
        return format!(
            "it is {} bytes long; DNS names are at most {MAX_NAME_LEN}",
            name.len()
        );
    }
    if let Some(c) = name.chars().find(|&c| !is_dns_char(c) && c != '.') {
        if c == '*' {
            return "'*' is a wildcard, not a host; use one of the names it covers".to_owned();
        }
        return format!("{c:?} is not allowed (only letters, digits, '-', '_' and '.')");
    }
    let mut last = "";
    for label in name.split('.') {
        if label.is_empty() {
            return "it has an empty label (\"..\")".to_owned();
        }
        if label.len() > MAX_LABEL_LEN {
            return format!(
                "label {label:?} is {} bytes long; labels are at most {MAX_LABEL_LEN}",
                label.len()
            );
        }
        if label.starts_with('-') || label.ends_with('-') {
            return format!("label {label:?} starts or ends with '-'");
        }
        last = label;
    }
    if is_numeric_label(last) {
        return format!(
            "its last label {last:?} is a number, so the name reads as an IPv4 address"
        );
    }
    "it is not a valid DNS name".to_owned()
}

/// Whether `c` may appear inside a DNS label.
fn is_dns_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

/// Whether `label` is decimal or `0x` hex, which the WHATWG "ends in a number"
/// rule and pki-types refuse as a last label.
fn is_numeric_label(label: &str) -> bool {
    let hex = label
        .strip_prefix("0x")
        .or_else(|| label.strip_prefix("0X"));
    match hex {
        Some(digits) => digits.bytes().all(|b| b.is_ascii_hexdigit()),
        None => !label.is_empty() && label.bytes().all(|b| b.is_ascii_digit()),
    }
}

#[cfg(test)]
mod tests {
    use std::net::{Ipv4Addr, Ipv6Addr};

    use super::*;

    /// The expected host, as a constant: a DNS name or an IP address.
    #[derive(Clone, Copy, Debug)]
    enum H {
        D(&'static str),
        I(&'static str),
    }
    use H::{D, I};

    impl H {
        fn host(self) -> Host {
            match self {
                D(name) => Host::Dns(name.to_owned()),
                I(ip) => Host::Ip(ip.parse().unwrap()),
            }
        }
    }

    /// (input, scheme, host, port, Display)
    #[rustfmt::skip]
    const ACCEPTED: &[(&str, &str, H, u16, &str)] = &[
        // full URLs
        ("https://mail.contoso.test/EWS/Exchange.asmx", "https", D("mail.contoso.test"), 443, "mail.contoso.test:443"),
        ("https://user@h.example:8443/x?y#z", "https", D("h.example"), 8443, "h.example:8443"),
        ("https://user:pw@h.example/", "https", D("h.example"), 443, "h.example:443"),
        ("smtp://u:p@mail.example:587", "smtp", D("mail.example"), 587, "mail.example:587"),
        ("https://h.example:443", "https", D("h.example"), 443, "h.example:443"),
        ("wss://h", "wss", D("h"), 443, "h:443"),
        ("wss://h:80", "wss", D("h"), 80, "h:80"),
        ("ldaps://h", "ldaps", D("h"), 636, "h:636"),
        ("smtps://smtp.example", "smtps", D("smtp.example"), 465, "smtp.example:465"),
        ("imaps://imap.example", "imaps", D("imap.example"), 993, "imap.example:993"),
        ("pop3s://pop.example", "pop3s", D("pop.example"), 995, "pop.example:995"),
        ("ftps://ftp.example", "ftps", D("ftp.example"), 990, "ftp.example:990"),
        ("smtp://mx.example", "smtp", D("mx.example"), 25, "mx.example:25"),
        ("imap://imap.example", "imap", D("imap.example"), 143, "imap.example:143"),
        ("pop3://pop.example", "pop3", D("pop.example"), 110, "pop.example:110"),
        ("ldap://dc.example", "ldap", D("dc.example"), 389, "dc.example:389"),
        ("postgres://db.example/app", "postgres", D("db.example"), 5432, "db.example:5432"),
        ("PostgreSQL://db.example:6432", "postgresql", D("db.example"), 6432, "db.example:6432"),
        ("ldaps://dc01.corp.example:3269", "ldaps", D("dc01.corp.example"), 3269, "dc01.corp.example:3269"),
        // an explicit port equal to another scheme's default survives
        ("ldaps://h:443", "ldaps", D("h"), 443, "h:443"),
        // host:port and bare hosts
        ("mail.contoso.test:8443", "https", D("mail.contoso.test"), 8443, "mail.contoso.test:8443"),
        ("mail.contoso.test", "https", D("mail.contoso.test"), 443, "mail.contoso.test:443"),
        ("localhost", "https", D("localhost"), 443, "localhost:443"),
        ("localhost:8443", "https", D("localhost"), 8443, "localhost:8443"),
        ("h.example:8443/path?q", "https", D("h.example"), 8443, "h.example:8443"),
        ("h.example/redirect?to=http://other", "https", D("h.example"), 443, "h.example:443"),
        ("h.example:", "https", D("h.example"), 443, "h.example:443"),
        ("h.example:00443", "https", D("h.example"), 443, "h.example:443"),
        ("h.example:65535", "https", D("h.example"), 65535, "h.example:65535"),
        ("h.example:1", "https", D("h.example"), 1, "h.example:1"),
        // surrounding whitespace (a trailing newline from a config file)
        ("  h.example:8443\n", "https", D("h.example"), 8443, "h.example:8443"),
        // uppercase, trailing dot
        ("HTTPS://Mail.Contoso.TEST/EWS", "https", D("mail.contoso.test"), 443, "mail.contoso.test:443"),
        ("Example.COM.", "https", D("example.com"), 443, "example.com:443"),
        ("https://example.com.:8443/", "https", D("example.com"), 8443, "example.com:8443"),
        ("LDAPS://DC01.Corp.Example.:636", "ldaps", D("dc01.corp.example"), 636, "dc01.corp.example:636"),
        // IDNA: Unicode to punycode, for special and opaque hosts alike
        ("bücher.example", "https", D("xn--bcher-kva.example"), 443, "xn--bcher-kva.example:443"),
        ("https://BÜCHER.example/", "https", D("xn--bcher-kva.example"), 443, "xn--bcher-kva.example:443"),
        ("ldaps://bücher.example", "ldaps", D("xn--bcher-kva.example"), 636, "xn--bcher-kva.example:636"),
        ("https://xn--bcher-kva.example", "https", D("xn--bcher-kva.example"), 443, "xn--bcher-kva.example:443"),
        ("https://例え.テスト", "https", D("xn--r8jz45g.xn--zckzah"), 443, "xn--r8jz45g.xn--zckzah:443"),
        // underscores are accepted by pki-types and rustls-webpki
        ("my_service.example", "https", D("my_service.example"), 443, "my_service.example:443"),
        // IPv4
        ("10.0.0.1:8443", "https", I("10.0.0.1"), 8443, "10.0.0.1:8443"),
        ("10.0.0.1", "https", I("10.0.0.1"), 443, "10.0.0.1:443"),
        ("https://10.0.0.1/", "https", I("10.0.0.1"), 443, "10.0.0.1:443"),
        ("ldaps://10.0.0.1", "ldaps", I("10.0.0.1"), 636, "10.0.0.1:636"),
        // the URL standard's legacy IPv4 forms: what an HTTP client connects to
        ("https://0x7f.1", "https", I("127.0.0.1"), 443, "127.0.0.1:443"),
        // IPv6
        ("[::1]:443", "https", I("::1"), 443, "[::1]:443"),
        ("[::1]", "https", I("::1"), 443, "[::1]:443"),
        ("::1", "https", I("::1"), 443, "[::1]:443"),
        ("0:0::1", "https", I("::1"), 443, "[::1]:443"),
        ("https://[2001:DB8::1]:8443/x", "https", I("2001:db8::1"), 8443, "[2001:db8::1]:8443"),
        ("ldaps://[2001:db8::1]", "ldaps", I("2001:db8::1"), 636, "[2001:db8::1]:636"),
        ("[::ffff:10.0.0.1]:443", "https", I("::ffff:10.0.0.1"), 443, "[::ffff:10.0.0.1]:443"),
        // a known scheme without "//" is still a URL, not host "https"
        ("https:/h.example", "https", D("h.example"), 443, "h.example:443"),
    ];

    #[test]
    fn accepted() {
        for &(input, scheme, host, port, display) in ACCEPTED {
            let endpoint = match Endpoint::parse(input) {
                Ok(endpoint) => endpoint,
                Err(err) => panic!("{input:?}: {err}"),
            };
            assert_eq!(endpoint.input(), credentials::redact(input).0, "{input:?}");
            assert_eq!(endpoint.scheme(), scheme, "{input:?}");
            assert_eq!(endpoint.host(), &host.host(), "{input:?}");
            assert_eq!(endpoint.port(), port, "{input:?}");
            assert_eq!(endpoint.to_string(), display, "{input:?}");
        }
    }

    #[test]
    fn server_name() {
        let cases: &[(&str, ServerName<'static>)] = &[
            (
                "https://Example.COM./x",
                ServerName::try_from("example.com").unwrap(),
            ),
            (
                "bücher.example",
                ServerName::try_from("xn--bcher-kva.example").unwrap(),
            ),
            (
                "10.0.0.1:8443",
                ServerName::from(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1))),
            ),
            (
                "[0:0::1]",
                ServerName::from(IpAddr::V6(Ipv6Addr::LOCALHOST)),
            ),
        ];
        for (input, expected) in cases {
            let endpoint = Endpoint::parse(input).unwrap();
            assert_eq!(&endpoint.server_name(), expected, "{input:?}");
            // The DNS name handed to rustls is exactly the host certdeps matches.
            if let (ServerName::DnsName(name), Host::Dns(host)) =
                (endpoint.server_name(), endpoint.host())
            {
                assert_eq!(name.as_ref(), host, "{input:?}");
            }
        }
    }

    fn too_long(len: usize) -> EndpointError {
        EndpointError::TooLong { len }
    }

    fn url(input: &str, source: url::ParseError) -> EndpointError {
        EndpointError::Url {
            input: input.to_owned(),
            source,
        }
    }

    fn invalid_host(input: &str, host: &str, reason: &str) -> EndpointError {
        EndpointError::InvalidHost {
            input: input.to_owned(),
            host: host.to_owned(),
            reason: reason.to_owned(),
        }
    }

    fn out_of_range(input: &str, port: &str) -> EndpointError {
        EndpointError::PortOutOfRange {
            input: input.to_owned(),
            port: port.to_owned(),
        }
    }

    fn invalid_port(input: &str, port: &str) -> EndpointError {
        EndpointError::InvalidPort {
            input: input.to_owned(),
            port: port.to_owned(),
        }
    }

    fn no_host(input: &str) -> EndpointError {
        EndpointError::NoHost {
            input: input.to_owned(),
        }
    }

    fn unknown_scheme(input: &str, scheme: &str) -> EndpointError {
        EndpointError::UnknownScheme {
            input: input.to_owned(),
            scheme: scheme.to_owned(),
        }
    }

    fn no_tls(input: &str, scheme: &str, tls_scheme: &str) -> EndpointError {
        EndpointError::NoTls {
            input: input.to_owned(),
            scheme: scheme.to_owned(),
            tls_scheme: tls_scheme.to_owned(),
        }
    }

    fn empty(input: &str) -> EndpointError {
        EndpointError::Empty {
            input: input.to_owned(),
        }
    }

    fn control(input: &str, offset: usize) -> EndpointError {
        EndpointError::ControlCharacter {
            input: input.to_owned(),
            offset,
        }
    }

    const KNOWN: &str = "https, wss, smtps, imaps, pop3s, ldaps, ftps (implicit TLS); smtp, imap, \
                         pop3, ldap, postgres, postgresql (STARTTLS)";

    /// (input, error, message)
    #[rustfmt::skip]
    fn rejected() -> Vec<(String, EndpointError, String)> {
        let mut cases = vec![
            ("".to_owned(), empty(""), r#"invalid endpoint "": it is empty; expected a URL, host:port or host"#.to_owned()),
            (" \t\n ".to_owned(), empty(" \t\n "), r#"invalid endpoint " \t\n ": it is empty; expected a URL, host:port or host"#.to_owned()),
            ("https://".to_owned(), no_host("https://"), r#"invalid endpoint "https://": it has no host"#.to_owned()),
            (":443".to_owned(), no_host(":443"), r#"invalid endpoint ":443": it has no host"#.to_owned()),
            ("ldaps://".to_owned(), no_host("ldaps://"), r#"invalid endpoint "ldaps://": it has no host"#.to_owned()),
            ("ldaps:///dn".to_owned(), no_host("ldaps:///dn"), r#"invalid endpoint "ldaps:///dn": it has no host"#.to_owned()),
            // an unknown scheme without "//" reads as host:port
            ("mailto:someone".to_owned(), invalid_port("mailto:someone", "someone"), r#"invalid endpoint "mailto:someone": port "someone" is not a number"#.to_owned()),
            ("https://a..".to_owned(), invalid_host("https://a..", "a..", "it has an empty label (\"..\")"), r#"invalid endpoint "https://a..": host "a.." is not a valid TLS server name: it has an empty label ("..")"#.to_owned()),
            ("https://./".to_owned(), no_host("https://./"), r#"invalid endpoint "https://./": it has no host"#.to_owned()),
            ("http://[::1".to_owned(), url("http://[::1", url::ParseError::InvalidIpv6Address), r#"invalid endpoint "http://[::1": invalid IPv6 address"#.to_owned()),
            ("https://999.1.1.1".to_owned(), url("https://999.1.1.1", url::ParseError::InvalidIpv4Address), r#"invalid endpoint "https://999.1.1.1": invalid IPv4 address"#.to_owned()),
            ("exa mple.com".to_owned(), url("exa mple.com", url::ParseError::IdnaError), r#"invalid endpoint "exa mple.com": invalid international domain name"#.to_owned()),
            ("h:70000".to_owned(), out_of_range("h:70000", "70000"), r#"invalid endpoint "h:70000": port 70000 is out of range (1-65535)"#.to_owned()),
            ("h:65536".to_owned(), out_of_range("h:65536", "65536"), r#"invalid endpoint "h:65536": port 65536 is out of range (1-65535)"#.to_owned()),
            ("https://u@h:99999999999/x".to_owned(), out_of_range("https://***@h:99999999999/x", "99999999999"), r#"invalid endpoint "https://***@h:99999999999/x": port 99999999999 is out of range (1-65535)"#.to_owned()),
            ("https://u:pw@h:x".to_owned(), invalid_port("https://***@h:x", "x"), r#"invalid endpoint "https://***@h:x": port "x" is not a number"#.to_owned()),
            ("https://u:pw@h\t.example".to_owned(), control("https://***@h\t.example", 13), r#"invalid endpoint "https://***@h\t.example": control character at byte 13; remove it (tabs and newlines are often pasted by accident)"#.to_owned()),
            ("http://u:pw@h.example".to_owned(), no_tls("http://***@h.example", "http", "https"), r#"invalid endpoint "http://***@h.example": http:// does not use TLS, so the server presents no certificate; use https:// for the same service over TLS"#.to_owned()),
            ("ws://h:8080".to_owned(), no_tls("ws://h:8080", "ws", "wss"), r#"invalid endpoint "ws://h:8080": ws:// does not use TLS, so the server presents no certificate; use wss:// for the same service over TLS"#.to_owned()),
            ("FTP://files.example".to_owned(), no_tls("FTP://files.example", "ftp", "ftps"), r#"invalid endpoint "FTP://files.example": ftp:// does not use TLS, so the server presents no certificate; use ftps:// for the same service over TLS"#.to_owned()),
            ("http:/h.example".to_owned(), no_tls("http:/h.example", "http", "https"), r#"invalid endpoint "http:/h.example": http:// does not use TLS, so the server presents no certificate; use https:// for the same service over TLS"#.to_owned()),
            ("[::1]:70000".to_owned(), out_of_range("[::1]:70000", "70000"), r#"invalid endpoint "[::1]:70000": port 70000 is out of range (1-65535)"#.to_owned()),
            ("ldaps://h:70000".to_owned(), out_of_range("ldaps://h:70000", "70000"), r#"invalid endpoint "ldaps://h:70000": port 70000 is out of range (1-65535)"#.to_owned()),
            ("h:0".to_owned(), out_of_range("h:0", "0"), r#"invalid endpoint "h:0": port 0 is out of range (1-65535)"#.to_owned()),
            ("https://h:000/".to_owned(), out_of_range("https://h:000/", "000"), r#"invalid endpoint "https://h:000/": port 000 is out of range (1-65535)"#.to_owned()),
            ("h:84x3".to_owned(), invalid_port("h:84x3", "84x3"), r#"invalid endpoint "h:84x3": port "84x3" is not a number"#.to_owned()),
            ("h:-1".to_owned(), invalid_port("h:-1", "-1"), r#"invalid endpoint "h:-1": port "-1" is not a number"#.to_owned()),
            ("gopher://h".to_owned(), unknown_scheme("gopher://h", "gopher"), format!(r#"invalid endpoint "gopher://h": unknown scheme "gopher"; certdeps knows {KNOWN}"#)),
            ("Custom://u:pw@h:7000/x".to_owned(), unknown_scheme("Custom://***@h:7000/x", "custom"), format!(r#"invalid endpoint "Custom://***@h:7000/x": unknown scheme "custom"; certdeps knows {KNOWN}"#)),
            ("*.example.com".to_owned(), invalid_host("*.example.com", "*.example.com", "'*' is a wildcard, not a host; use one of the names it covers"), r#"invalid endpoint "*.example.com": host "*.example.com" is not a valid TLS server name: '*' is a wildcard, not a host; use one of the names it covers"#.to_owned()),
            ("https://a..b/".to_owned(), invalid_host("https://a..b/", "a..b", "it has an empty label (\"..\")"), r#"invalid endpoint "https://a..b/": host "a..b" is not a valid TLS server name: it has an empty label ("..")"#.to_owned()),
            ("-a.example".to_owned(), invalid_host("-a.example", "-a.example", "label \"-a\" starts or ends with '-'"), r#"invalid endpoint "-a.example": host "-a.example" is not a valid TLS server name: label "-a" starts or ends with '-'"#.to_owned()),
            ("a!b.example".to_owned(), invalid_host("a!b.example", "a!b.example", "'!' is not allowed (only letters, digits, '-', '_' and '.')"), r#"invalid endpoint "a!b.example": host "a!b.example" is not a valid TLS server name: '!' is not allowed (only letters, digits, '-', '_' and '.')"#.to_owned()),
            ("ldaps://a%2Ab.example".to_owned(), invalid_host("ldaps://a%2Ab.example", "a*b.example", "'*' is a wildcard, not a host; use one of the names it covers"), r#"invalid endpoint "ldaps://a%2Ab.example": host "a*b.example" is not a valid TLS server name: '*' is a wildcard, not a host; use one of the names it covers"#.to_owned()),
            ("ldaps://a%2Fb".to_owned(), url("ldaps://a%2Fb", url::ParseError::IdnaError), r#"invalid endpoint "ldaps://a%2Fb": invalid international domain name"#.to_owned()),
            ("https://a<b".to_owned(), url("https://a<b", url::ParseError::IdnaError), r#"invalid endpoint "https://a<b": invalid international domain name"#.to_owned()),
            ("exa\tmple.com".to_owned(), control("exa\tmple.com", 3), r#"invalid endpoint "exa\tmple.com": control character at byte 3; remove it (tabs and newlines are often pasted by accident)"#.to_owned()),
            (" h.example\n:443".to_owned(), control(" h.example\n:443", 10), r#"invalid endpoint " h.example\n:443": control character at byte 10; remove it (tabs and newlines are often pasted by accident)"#.to_owned()),
            ("h\0.example".to_owned(), control("h\0.example", 1), r#"invalid endpoint "h\0.example": control character at byte 1; remove it (tabs and newlines are often pasted by accident)"#.to_owned()),
        ];

        let label64 = "a".repeat(64);
        let input = format!("{label64}.example");
        cases.push((
            input.clone(),
            invalid_host(&input, &input, &format!("label \"{label64}\" is 64 bytes long; labels are at most 63")),
            format!("invalid endpoint \"{input}\": host \"{input}\" is not a valid TLS server name: label \"{label64}\" is 64 bytes long; labels are at most 63"),
        ));

        // 4 x 63 + 3 dots = 255 bytes: each label fine, the name too long.
        let long = ["a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(63)].join(".");
        cases.push((
            long.clone(),
            invalid_host(&long, &long, "it is 255 bytes long; DNS names are at most 253"),
            format!("invalid endpoint \"{long}\": host \"{long}\" is not a valid TLS server name: it is 255 bytes long; DNS names are at most 253"),
        ));

        let over = format!("https://{}/", "a".repeat(MAX_INPUT_LEN));
        cases.push((
            over.clone(),
            too_long(over.len()),
            "invalid endpoint: it is 8201 bytes long; at most 8192 are accepted".to_owned(),
        ));
        let huge = format!("https://h.example/{}", "x".repeat(64 * 1024));
        cases.push((
            huge.clone(),
            too_long(huge.len()),
            "invalid endpoint: it is 65554 bytes long; at most 8192 are accepted".to_owned(),
        ));
        let huge_host = "a".repeat(64 * 1024);
        cases.push((
            huge_host.clone(),
            too_long(65536),
            "invalid endpoint: it is 65536 bytes long; at most 8192 are accepted".to_owned(),
        ));
        cases
    }

    #[test]
    fn rejected_inputs() {
        for (input, expected, message) in rejected() {
            let short = input.chars().take(80).collect::<String>();
            match Endpoint::parse(&input) {
                Ok(endpoint) => panic!("{short:?} accepted as {endpoint}"),
                Err(err) => {
                    assert_eq!(err, expected, "{short:?}");
                    assert_eq!(err.to_string(), message, "{short:?}");
                }
            }
        }
    }

    #[test]
    fn limits_are_inclusive() {
        // Exactly 8 KiB is accepted; a 253-byte name and a 63-byte label are too.
        let at_limit = format!("https://h.example/{}", "x".repeat(MAX_INPUT_LEN - 18));
        assert_eq!(at_limit.len(), MAX_INPUT_LEN);
        assert!(Endpoint::parse(&at_limit).is_ok());

        let name = [
            "a".repeat(63),
            "b".repeat(63),
            "c".repeat(63),
            "d".repeat(61),
        ]
        .join(".");
        assert_eq!(name.len(), MAX_NAME_LEN);
        assert_eq!(
            Endpoint::parse(&name).unwrap().host(),
            &Host::Dns(name.clone())
        );
        let absolute = format!("{name}.");
        assert_eq!(Endpoint::parse(&absolute).unwrap().host(), &Host::Dns(name));
    }

    /// Never panics, and whatever is accepted prints as `host:port` that
    /// parses back to the same host, port and server name. Inputs come from a
    /// fixed-seed generator over the characters that matter to URL parsing.
    #[test]
    fn generated_inputs_round_trip() {
        const ALPHABET: &[&str] = &[
            "a", "Z", "0", "9", "-", "_", ".", ":", "/", "//", "[", "]", "@", "%", "%2e", "?", "#",
            "*", " ", "\t", "ü", "xn--", "::", "1.2.3.4", "https://", "ldaps://", "x://", "443",
            "70000", "0x", "\\",
        ];
        let mut state: u64 = 0x1fed_f00d;
        let mut next = move || {
            // xorshift64: deterministic and dependency-free.
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..20_000 {
            let len = next() % 8;
            let input: String = (0..len)
                .map(|_| ALPHABET[(next() % ALPHABET.len() as u64) as usize])
                .collect();
            let Ok(endpoint) = Endpoint::parse(&input) else {
                continue;
            };
            let again = match Endpoint::parse(&endpoint.to_string()) {
                Ok(again) => again,
                Err(err) => panic!("{input:?} -> {endpoint}: {err}"),
            };
            assert_eq!(again.host(), endpoint.host(), "{input:?}");
            assert_eq!(again.port(), endpoint.port(), "{input:?}");
            assert_eq!(again.server_name(), endpoint.server_name(), "{input:?}");
        }
    }

    #[test]
    fn url_error_keeps_its_source() {
        let err = Endpoint::parse("http://[::1").unwrap_err();
        let source = std::error::Error::source(&err).map(ToString::to_string);
        assert_eq!(source.as_deref(), Some("invalid IPv6 address"));
    }

    #[test]
    fn port_text_vectors() {
        let cases: &[(&str, Option<&str>)] = &[
            ("https://h:1", Some("1")),
            ("https://u:p@h:2/x", Some("2")),
            ("https://[::1]:3?q", Some("3")),
            ("https://[::1]", None),
            ("https://h", None),
            ("https://h:#f", Some("")),
            ("https:/h:4", Some("4")),
        ];
        for (text, expected) in cases {
            assert_eq!(port_text(text), *expected, "{text:?}");
        }
    }

    #[test]
    fn equality_follows_the_input() {
        let a = Endpoint::parse("Example.COM").unwrap();
        let b = Endpoint::parse("example.com").unwrap();
        assert_eq!(a.host(), b.host());
        assert_eq!(a.server_name(), b.server_name());
        assert_ne!(a, b);
        assert_eq!(a, Endpoint::parse("Example.COM").unwrap());
    }

    #[cfg(feature = "json")]
    #[test]
    fn json_shape() {
        let cases: &[(&str, &str)] = &[
            (
                "https://mail.contoso.test/EWS",
                r#"{"input":"https://mail.contoso.test/EWS","scheme":"https","host":"mail.contoso.test","port":443}"#,
            ),
            (
                "[::1]:8443",
                r#"{"input":"[::1]:8443","scheme":"https","host":"::1","port":8443}"#,
            ),
        ];
        for (input, json) in cases {
            let endpoint = Endpoint::parse(input).unwrap();
            assert_eq!(
                serde_json::to_string(&endpoint).unwrap(),
                *json,
                "{input:?}"
            );
        }
    }
}
