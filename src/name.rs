//! Host matching: is the endpoint's host among the names the leaf certificate
//! is valid for?
//!
//! This explains a name mismatch; the verdict itself is rustls-webpki's
//! (`EndEntityCert::verify_is_valid_for_subject_name`). The rules here mirror
//! webpki 0.103 (`src/subject_name/{dns_name,ip_address}.rs`) so that the two
//! never disagree:
//!
//! - a DNS host is compared with dNSName SANs only, ASCII case-insensitively;
//! - a wildcard is exactly a left-most `*` label, stands for one non-empty
//!   label, and needs two more labels after it (`*.example.com`, not `*.com`);
//! - a trailing dot on the host is ignored, but a dNSName with a trailing dot
//!   is malformed and matches nothing;
//! - an IP host is compared with iPAddress SANs only, by exact address;
//! - the subject common name is never used. It only feeds a hint for users of
//!   legacy clients ([`NameMatch::Mismatch`]'s `cn_only`).

use std::fmt;
use std::net::IpAddr;

use pki_types::{DnsName, IpAddr as IpAddress, ServerName};

use crate::der::tlv;
use crate::endpoint::Host;

/// One subjectAltName entry of a certificate, already decoded
/// ([RFC 5280 section 4.2.1.6]).
///
/// ```text
/// GeneralName ::= CHOICE {
///      otherName                       [0]     OtherName,
///      rfc822Name                      [1]     IA5String,
///      dNSName                         [2]     IA5String,
///      x400Address                     [3]     ORAddress,
///      directoryName                   [4]     Name,
///      ediPartyName                    [5]     EDIPartyName,
///      uniformResourceIdentifier       [6]     IA5String,
///      iPAddress                       [7]     OCTET STRING,
///      registeredID                    [8]     OBJECT IDENTIFIER }
/// ```
///
/// [RFC 5280 section 4.2.1.6]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.6
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "json",
    derive(serde::Serialize),
    serde(tag = "type", content = "value", rename_all = "lowercase")
)]
#[non_exhaustive]
pub enum San {
    /// A `dNSName`, exactly as presented (it may be a wildcard such as
    /// `*.example.com`, or malformed).
    Dns(String),
    /// An `rfc822Name` (email address). Never used for server names.
    Email(String),
    /// An `iPAddress` of 4 or 16 octets.
    Ip(IpAddr),
    /// Any other `GeneralName` (`otherName`, `directoryName`, ...), described
    /// as text. Never used for server names.
    Other(String),
    /// A `uniformResourceIdentifier`. Never used for server names.
    Uri(String),
}

impl fmt::Display for San {
    /// Writes the entry the way OpenSSL prints SANs: `DNS:x`, `IP:1.2.3.4`,
    /// `email:x`, `URI:x`, `other:x`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Dns(name) => write!(f, "DNS:{name}"),
            Self::Email(email) => write!(f, "email:{email}"),
            Self::Ip(ip) => write!(f, "IP:{ip}"),
            Self::Other(other) => write!(f, "other:{other}"),
            Self::Uri(uri) => write!(f, "URI:{uri}"),
        }
    }
}

/// Whether a certificate's names cover a host; see [`match_host`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(
    feature = "json",
    derive(serde::Serialize),
    serde(rename_all = "kebab-case")
)]
#[non_exhaustive]
pub enum NameMatch {
    /// The host is covered; the SAN that covers it.
    Matched(San),
    /// The host is not covered by any SAN.
    Mismatch {
        /// True when a subject common name would have matched the host (as
        /// legacy clients that fall back to the CN would accept) but no SAN
        /// does. The fix is a certificate with the name in its SANs.
        cn_only: bool,
        /// The names the certificate is valid for: its SANs that can identify a
        /// server (dNSName and iPAddress), in certificate order.
        valid_for: Vec<San>,
    },
}

/// Says whether `host` is among the names in `sans`, and which SAN covers it.
///
/// A DNS host is checked against dNSName entries as webpki checks them ([RFC 6125
/// section 6.4], [RFC 9525 section 6.3]): ASCII case-insensitive, one trailing dot on the
/// host ignored, and a wildcard only as a complete left-most `*` label that stands for
/// exactly one label and has at least two labels after it (`*.example.com` covers
/// `a.example.com` but neither `example.com` nor `a.b.example.com`); an IP host against
/// iPAddress entries by exact address equality ([RFC 6125 section 6.2.1],
/// [RFC 9525 section 6.2]), so an IPv4 address never equals its IPv4-mapped
/// IPv6 form, as in webpki. Other SAN types never identify a TLS server. The
/// first covering SAN, in the order given, is reported.
///
/// `common_names` (the subject's CN attributes) never make a match: RFC 9525
/// section 6.3 and every strict client ignore them ([RFC 6125 section 6.4.4]
/// allowed a CN fallback only when there are no dNSName SANs, and webpki
/// never does it). They only set [`NameMatch::Mismatch`]'s `cn_only`, using
/// the same rules for a DNS host and address equality for an IP host.
///
/// [RFC 6125 section 6.2.1]: https://www.rfc-editor.org/rfc/rfc6125#section-6.2.1
/// [RFC 6125 section 6.4]: https://www.rfc-editor.org/rfc/rfc6125#section-6.4
/// [RFC 6125 section 6.4.4]: https://www.rfc-editor.org/rfc/rfc6125#section-6.4.4
/// [RFC 9525 section 6.2]: https://www.rfc-editor.org/rfc/rfc9525#section-6.2
/// [RFC 9525 section 6.3]: https://www.rfc-editor.org/rfc/rfc9525#section-6.3
pub fn match_host(host: &Host, sans: &[San], common_names: &[&str]) -> NameMatch {
    if let Some(san) = sans.iter().find(|san| san_matches(host, san)) {
        return NameMatch::Matched(san.clone());
    }
    NameMatch::Mismatch {
        cn_only: common_names.iter().any(|cn| cn_matches(host, cn)),
        valid_for: sans
            .iter()
            .filter(|san| matches!(san, San::Dns(_) | San::Ip(_)))
            .cloned()
            .collect(),
    }
}

/// Whether one presented dNSName `pattern` covers the reference DNS name
/// `host`, exactly as rustls-webpki 0.103 decides it.
///
/// - Comparison is ASCII case-insensitive ([RFC 6125 section 6.4.1],
///   [RFC 4343 section 3]); names are expected in A-label (punycode) form,
///   and anything non-ASCII matches nothing.
/// - `host` must be a valid `pki_types::DnsName` (the only reference name
///   webpki is ever given); one trailing dot on it is ignored.
/// - `pattern` must be a relative name in the preferred name syntax
///   ([RFC 5280 section 4.2.1.6], underscores allowed as in webpki); a
///   trailing dot makes it malformed, so it matches nothing.
/// - A wildcard is only a complete left-most `*` label ([RFC 9525 section
///   6.3] item 1; webpki and NSS reject the `f*o` forms [RFC 6125 section
///   6.4.3] tolerated); it stands for exactly one non-empty label, so
///   `*.example.com` covers `a.example.com` but neither `example.com` nor
///   `a.b.example.com`.
/// - A wildcard needs at least two labels after it: `*.com` and `*.example`
///   are malformed (webpki follows NSS here rather than a public suffix list).
/// - A wildcard may stand for an IDNA A-label (`*.example.com` covers
///   `xn--bcher-kva.example.com`), as in webpki.
///
/// [RFC 4343 section 3]: https://www.rfc-editor.org/rfc/rfc4343#section-3
/// [RFC 5280 section 4.2.1.6]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.6
/// [RFC 6125 section 6.4.1]: https://www.rfc-editor.org/rfc/rfc6125#section-6.4.1
/// [RFC 6125 section 6.4.3]: https://www.rfc-editor.org/rfc/rfc6125#section-6.4.3
/// [RFC 9525 section 6.3]: https://www.rfc-editor.org/rfc/rfc9525#section-6.3
pub(crate) fn dns_name_matches(pattern: &str, host: &str) -> bool {
    // The host is validated last: only a candidate match pays for it.
    covers(pattern.as_bytes(), host.as_bytes()) && DnsName::try_from(host).is_ok()
}

/// [`dns_name_matches`] for a `host` already known to be a valid reference name (a
/// `DnsName`), on bytes: a non-ASCII `pattern` is malformed, so it covers nothing.
///
/// The pattern must also be a well-formed presented name, as webpki's
/// `is_valid_dns_id(_, IdRole::Presented, Wildcards::Allow)` requires: labels of 1-63
/// letters, digits, hyphens (not first or last) and underscores, at most 253 bytes, no
/// trailing dot ([RFC 1034 section 3.5], relaxed by [RFC 1123 section 2.1]). A pattern equal
/// to the host up to ASCII case (or, after `*.`, to the host's labels after the first) is as
/// well-formed as the host, which passed those rules as a `DnsName` and whose labels they do
/// not judge by case; so only what a reference name may lack is checked here: a last label
/// not all digits (not every rustls-pki-types release refuses one in a reference name), and
/// at least two labels after a wildcard (NSS's rule, kept by webpki: `*.com` would cover a
/// whole top-level domain). The label-by-label rule in the tests checks this reasoning.
///
/// [RFC 1034 section 3.5]: https://www.rfc-editor.org/rfc/rfc1034#section-3.5
/// [RFC 1123 section 2.1]: https://www.rfc-editor.org/rfc/rfc1123#section-2.1
fn covers(pattern: &[u8], host: &[u8]) -> bool {
    // A valid reference name has no empty label, so at most one trailing dot.
    let host = host.strip_suffix(b".").unwrap_or(host);
    let (name, covered) = match pattern.strip_prefix(b"*.") {
        // The wildcard stands for exactly the host's first label, which is not empty.
        Some(suffix) => match host.iter().position(|&b| b == b'.') {
            Some(dot) if dot > 0 && suffix.contains(&b'.') => (suffix, &host[dot + 1..]),
            _ => return false,
        },
        None => (pattern, host),
    };
    name.eq_ignore_ascii_case(covered)
        && !name
            .rsplit(|&b| b == b'.')
            .next()
            .is_some_and(|last| last.iter().all(u8::is_ascii_digit))
}

/// Whether a leaf whose subjectAltName extnValue is `san` (`None`: it has none) is valid
/// for `server_name`, exactly as rustls-webpki 0.103's
/// `EndEntityCert::verify_is_valid_for_subject_name` decides, read in place without
/// allocating.
///
/// Like webpki, it takes the first dNSName (for a DNS name, by [`dns_name_matches`]) or
/// iPAddress (for an IP address, by equal octets) entry that matches, never the subject CN
/// ([RFC 9525 section 6.3]). webpki stops at the first `GeneralName` ([RFC 5280 section
/// 4.2.1.6]) it cannot read, and so says "not valid"; rather than copy that judgement, this
/// answers `None`, leaving the question to webpki, when it meets an entry before its answer
/// that webpki refuses (an unknown or wrongly constructed tag) or that it does not read
/// itself (a length over two octets), and for a server name kind other than DNS and IP.
///
/// [RFC 5280 section 4.2.1.6]: https://www.rfc-editor.org/rfc/rfc5280#section-4.2.1.6
/// [RFC 9525 section 6.3]: https://www.rfc-editor.org/rfc/rfc9525#section-6.3
pub(crate) fn san_names(san: Option<&[u8]>, server_name: &ServerName<'_>) -> Option<bool> {
    let reference: &[u8] = match server_name {
        ServerName::DnsName(name) => name.as_ref().as_bytes(),
        ServerName::IpAddress(IpAddress::V4(ip)) => ip.as_ref(),
        ServerName::IpAddress(IpAddress::V6(ip)) => ip.as_ref(),
        _ => return None,
    };
    let is_dns = matches!(server_name, ServerName::DnsName(_));
    let Some(san) = san else {
        return Some(false);
    };
    let (mut names, []) = tlv(san, 0x30)? else {
        return None;
    };
    while let Some(&tag) = names.first() {
        let (value, rest) = tlv(names, tag)?;
        names = rest;
        let matched = match tag {
            // dNSName [2] and iPAddress [7], IMPLICIT primitive.
            0x82 => is_dns && covers(value, reference),
            0x87 => !is_dns && value == reference,
            // The other forms webpki reads, then ignores: otherName [0], rfc822Name [1],
            // x400Address [3], directoryName [4], ediPartyName [5], URI [6], registeredID
            // [8].
            0xa0 | 0x81 | 0xa3 | 0xa4 | 0xa5 | 0x86 | 0x88 => false,
            _ => return None,
        };
        if matched {
            return Some(true);
        }
    }
    Some(false)
}

/// Whether one SAN identifies `host`.
///
/// Written without a catch-all arm so that a new host or SAN kind must be
/// decided here explicitly rather than silently failing open or closed.
fn san_matches(host: &Host, san: &San) -> bool {
    match (host, san) {
        (Host::Dns(host), San::Dns(pattern)) => dns_name_matches(pattern, host),
        (Host::Ip(host), San::Ip(presented)) => host == presented,
        // RFC 6125 section 6.2.1: an IP reference is never matched against a
        // dNSName (not even "1.2.3.4" written as text), nor a DNS reference
        // against an iPAddress; email, URI and other names identify no server.
        (Host::Dns(_), San::Email(_) | San::Ip(_) | San::Other(_) | San::Uri(_)) => false,
        (Host::Ip(_), San::Dns(_) | San::Email(_) | San::Other(_) | San::Uri(_)) => false,
    }
}

/// Whether a subject common name would have matched `host` for a legacy
/// client that falls back to the CN.
fn cn_matches(host: &Host, common_name: &str) -> bool {
    match host {
        Host::Dns(host) => dns_name_matches(common_name, host),
        Host::Ip(ip) => common_name.parse::<IpAddr>().is_ok_and(|cn| cn == *ip),
    }
}

#[cfg(test)]
mod tests {
    use std::net::{Ipv4Addr, Ipv6Addr};

    use super::*;

    /// webpki's rule for a presented dNSName (`is_valid_dns_id`, presented, wildcards
    /// allowed), stated label by label as the RFCs put it.
    fn is_valid_pattern(pattern: &[u8]) -> bool {
        use crate::endpoint::{MAX_LABEL_LEN, MAX_NAME_LEN};
        if pattern.len() > MAX_NAME_LEN {
            return false;
        }
        let (is_wildcard, name) = match pattern.strip_prefix(b"*.") {
            Some(rest) => (true, rest),
            None => (false, pattern),
        };
        let labels: Vec<&[u8]> = name.split(|&b| b == b'.').collect();
        let label_ok = |label: &&[u8]| {
            !label.is_empty()
                && label.len() <= MAX_LABEL_LEN
                && label.first() != Some(&b'-')
                && label.last() != Some(&b'-')
                && label
                    .iter()
                    .all(|&b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        };
        labels.iter().all(label_ok)
            && !labels
                .last()
                .is_some_and(|l| l.iter().all(u8::is_ascii_digit))
            && (!is_wildcard || labels.len() >= 2)
    }

    /// What `covers` decides, stated in full: the pattern matches the host (a wildcard
    /// standing for its non-empty first label) and is itself well-formed.
    fn covers_by_the_rules(pattern: &[u8], host: &[u8]) -> bool {
        let host = host.strip_suffix(b".").unwrap_or(host);
        let candidate = match pattern.strip_prefix(b"*.") {
            Some(suffix) => match host.iter().position(|&b| b == b'.') {
                Some(dot) => dot > 0 && host[dot + 1..].eq_ignore_ascii_case(suffix),
                None => false,
            },
            None => pattern.eq_ignore_ascii_case(host),
        };
        candidate && is_valid_pattern(pattern)
    }

    /// `covers` leaves most of the pattern's syntax to the host's: for every valid reference
    /// name, it answers as the full rule does, on patterns made from the host (case flipped,
    /// wildcarded, one byte changed, a label added or dropped) and on unrelated ones.
    #[test]
    fn covers_agrees_with_the_full_rule_for_valid_hosts() {
        use proptest::prelude::*;
        use proptest::test_runner::{Config, TestRunner};
        let byte = prop::sample::select(b"aZ09-_.*\xc3".to_vec());
        let label = prop::collection::vec(prop::sample::select(b"aBz09-_".to_vec()), 1..6);
        let host = prop::collection::vec(label, 1..5).prop_map(|labels| labels.join(&b'.'));
        let edit = (
            0usize..8,
            any::<prop::sample::Index>(),
            byte.clone(),
            any::<bool>(),
        );
        let mut runner = TestRunner::new(Config::with_cases(8192));
        let (valid, covered) = (std::cell::Cell::new(0), std::cell::Cell::new(0));
        runner
            .run(
                &(host, edit, prop::collection::vec(byte, 0..12)),
                |(host, (how, at, b, dot), other)| {
                    if DnsName::try_from(&host[..]).is_err() {
                        return Ok(());
                    }
                    valid.set(valid.get() + 1);
                    let mut pattern = host.clone();
                    let i = at
                        .index(pattern.len().max(1))
                        .min(pattern.len().saturating_sub(1));
                    match how {
                        0 => pattern.make_ascii_uppercase(),
                        1 => {
                            let first = pattern
                                .iter()
                                .position(|&c| c == b'.')
                                .unwrap_or(pattern.len());
                            pattern.splice(..first, *b"*");
                        }
                        2 => pattern[i] = b,
                        3 => pattern.insert(i, b),
                        4 => pattern = [&b"x."[..], &pattern].concat(),
                        5 => pattern = other,
                        6 if dot => pattern.push(b'.'),
                        _ => {}
                    }
                    let reference = if dot {
                        [&host[..], b"."].concat()
                    } else {
                        host.clone()
                    };
                    let want = covers_by_the_rules(&pattern, &reference);
                    covered.set(covered.get() + usize::from(want));
                    prop_assert_eq!(
                        covers(&pattern, &reference),
                        want,
                        "{:?} for {:?}",
                        String::from_utf8_lossy(&pattern),
                        String::from_utf8_lossy(&reference)
                    );
                    Ok(())
                },
            )
            .unwrap();
        let (valid, covered) = (valid.get(), covered.get());
        println!("{valid} valid hosts, {covered} covered");
        assert!(
            valid > 1000 && covered > 500,
            "{valid} valid hosts, {covered} covered"
        );
        // What covers leaves to the host: rustls-pki-types refuses each of these forms as a
        // reference name, so no pattern equal to a valid host has them.
        let longest = [
            &[b'a'; 63][..],
            b".",
            &[b'a'; 63],
            b".",
            &[b'a'; 63],
            b".",
            &[b'a'; 61],
        ]
        .concat();
        let long_label = [&[b'a'; 64][..], b".b"].concat();
        let long_name = [&longest[..], b"a"].concat();
        for refused in [
            &b"-a.b"[..],
            b"a-.b",
            b"a..b",
            b".a.b",
            b"a b.c",
            b"a*.b",
            b"*.a.b",
            "\u{e9}.b".as_bytes(),
            &long_label,
            &long_name,
        ] {
            let text = std::str::from_utf8(refused).unwrap();
            assert!(DnsName::try_from(text).is_err(), "{text:?}");
        }
        // At the limits: an all-digit last label, and the longest names and labels.
        for (pattern, host) in [
            (&b"a.1"[..], &b"a.1"[..]),
            (b"*.b.c", b"a.b.c"),
            (b"*.c", b"b.c"),
            (b"*.b.c", b".b.c"),
        ] {
            assert_eq!(covers(pattern, host), covers_by_the_rules(pattern, host));
        }
        assert!(DnsName::try_from(&longest[..]).is_ok());
        assert!(covers(&longest, &longest) && covers_by_the_rules(&longest, &longest));
    }

    /// `(pattern, host, matches)`.
    ///
    /// The first block is `PRESENTED_MATCHES_REFERENCE` from rustls-webpki
    /// 0.103.17, `src/subject_name/dns_name.rs` (itself from mozilla::pkix and
    /// Chromium's `x509_certificate_unittest.cc`), with webpki's
    /// `Err(MalformedDnsIdentifier)` read as "no match": that is how
    /// `verify_dns_names` treats a malformed SAN.
    #[rustfmt::skip]
    const DNS_VECTORS: &[(&str, &str, bool)] = &[
        // --- rustls-webpki PRESENTED_MATCHES_REFERENCE ---
        ("", "a", false),
        ("a", "a", true),
        ("b", "a", false),
        ("*.b.a", "c.b.a", true),
        ("*.b.a", "b.a", false),
        ("*.b.a", "b.a.", false),
        ("d.c.b.a", "d.c.b.a", true),
        ("d.*.b.a", "d.c.b.a", false),
        ("d.c*.b.a", "d.c.b.a", false),
        ("d.c*.b.a", "d.cc.b.a", false),
        ("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", true),
        ("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz", true),
        ("aBc", "Abc", true),
        ("a1", "a1", true),
        ("example", "example", true),
        ("example.", "example.", false),
        ("example", "example.", true),
        ("example.", "example", false),
        ("example.com", "example.com", true),
        ("example.com.", "example.com.", false),
        ("example.com", "example.com.", true),
        ("example.com.", "example.com", false),
        ("example.com..", "example.com.", false),
        ("example.com..", "example.com", false),
        ("example.com...", "example.com.", false),
        ("x*.b.a", "xa.b.a", false),
        ("x*.b.a", "xna.b.a", false),
        ("x*.b.a", "xn-a.b.a", false),
        ("x*.b.a", "xn--a.b.a", false),
        ("xn*.b.a", "xn--a.b.a", false),
        ("xn-*.b.a", "xn--a.b.a", false),
        ("xn--*.b.a", "xn--a.b.a", false),
        ("xn---*.b.a", "xn--a.b.a", false),
        ("c*.b.a", "c.b.a", false),
        ("foo.com", "foo.com", true),
        ("f", "f", true),
        ("i", "h", false),
        ("*.foo.com", "bar.foo.com", true),
        ("*.test.fr", "www.test.fr", true),
        ("*.test.FR", "wwW.tESt.fr", true),
        (".uk", "f.uk", false),
        ("?.bar.foo.com", "w.bar.foo.com", false),
        ("(www|ftp).foo.com", "www.foo.com", false),
        ("www.foo.com\0", "www.foo.com", false),
        ("www.foo.com\0*.foo.com", "www.foo.com", false),
        ("ww.house.example", "www.house.example", false),
        ("www.test.org", "test.org", false),
        ("*.test.org", "test.org", false),
        ("*.org", "test.org", false),
        ("w*.bar.foo.com", "w.bar.foo.com", false),
        ("ww*ww.bar.foo.com", "www.bar.foo.com", false),
        ("ww*ww.bar.foo.com", "wwww.bar.foo.com", false),
        ("w*w.bar.foo.com", "wwww.bar.foo.com", false),
        ("w*w.bar.foo.c0m", "wwww.bar.foo.com", false),
        ("wa*.bar.foo.com", "WALLY.bar.foo.com", false),
        ("*Ly.bar.foo.com", "wally.bar.foo.com", false),
        ("*.test.de", "www.test.co.jp", false),
        ("*.jp", "www.test.co.jp", false),
        ("www.test.co.uk", "www.test.co.jp", false),
        ("www.*.co.jp", "www.test.co.jp", false),
        ("www.bar.foo.com", "www.bar.foo.com", true),
        ("*.foo.com", "www.bar.foo.com", false),
        ("*.*.foo.com", "www.bar.foo.com", false),
        ("www.bath.org", "www.bath.org", true),
        ("xn--poema-9qae5a.com.br", "xn--poema-9qae5a.com.br", true),
        ("*.xn--poema-9qae5a.com.br", "www.xn--poema-9qae5a.com.br", true),
        ("*.xn--poema-9qae5a.com.br", "xn--poema-9qae5a.com.br", false),
        ("xn--poema-*.com.br", "xn--poema-9qae5a.com.br", false),
        ("xn--*-9qae5a.com.br", "xn--poema-9qae5a.com.br", false),
        ("*--poema-9qae5a.com.br", "xn--poema-9qae5a.com.br", false),
        ("*.example.com", "foo.example.com", true),
        ("*.example.com", "bar.foo.example.com", false),
        ("*.example.com", "example.com", false),
        ("baz*.example.net", "baz1.example.net", false),
        ("*baz.example.net", "foobaz.example.net", false),
        ("b*z.example.net", "buzz.example.net", false),
        ("*.test.example", "www.test.example", true),
        ("*.example.co.uk", "test.example.co.uk", true),
        ("*.example", "test.example", false),
        ("*.co.uk", "example.co.uk", true),
        ("*.com", "foo.com", false),
        ("*.us", "foo.us", false),
        ("*", "foo", false),
        ("*.xn--poema-9qae5a.com.br", "www.xn--poema-9qae5a.com.br", true),
        ("*.example.xn--mgbaam7a8h", "test.example.xn--mgbaam7a8h", true),
        ("*.com.br", "xn--poema-9qae5a.com.br", true),
        ("*.xn--mgbaam7a8h", "example.xn--mgbaam7a8h", false),
        ("*.appspot.com", "www.appspot.com", true),
        ("*.s3.amazonaws.com", "foo.s3.amazonaws.com", true),
        ("*.*.com", "foo.example.com", false),
        ("*.bar.*.com", "foo.bar.example.com", false),
        ("foo.com.", "foo.com", false),
        ("foo.com", "foo.com.", true),
        ("foo.com.", "foo.com.", false),
        ("f.", "f", false),
        ("f", "f.", true),
        ("f.", "f.", false),
        ("*.bar.foo.com.", "www-3.bar.foo.com", false),
        ("*.bar.foo.com", "www-3.bar.foo.com.", true),
        ("*.bar.foo.com.", "www-3.bar.foo.com.", false),
        ("*.com.", "example.com", false),
        ("*.com", "example.com.", false),
        ("*.com.", "example.com.", false),
        ("*.", "foo.", false),
        ("*.", "foo", false),
        ("*.co.uk.", "foo.co.uk", false),
        ("*.co.uk.", "foo.co.uk.", false),
        // --- certdeps' own ---
        // IDNA: names are compared in A-label form; U-labels match nothing.
        ("xn--bcher-kva.example", "xn--bcher-kva.example", true),
        ("XN--BCHER-KVA.example", "xn--bcher-kva.EXAMPLE", true),
        ("*.example.com", "xn--bcher-kva.example.com", true),
        ("*.xn--bcher-kva.example", "www.xn--bcher-kva.example", true),
        ("*.xn--bcher-kva.example", "a.b.xn--bcher-kva.example", false),
        ("xn--*.example.com", "xn--bcher-kva.example.com", false),
        ("*-kva.example.com", "xn--bcher-kva.example.com", false),
        ("bücher.example", "bücher.example", false),
        ("bücher.example", "xn--bcher-kva.example", false),
        // uppercase everywhere, wildcard included
        ("*.EXAMPLE.COM", "WWW.example.com", true),
        ("MAIL.CONTOSO.TEST", "mail.contoso.test", true),
        // trailing dots
        ("*.example.com", "www.example.com.", true),
        ("*.example.com.", "www.example.com.", false),
        ("www.example.com", "www.example.com..", false),
        // a wildcard never matches an empty label or across dots
        ("*.example.com", ".example.com", false),
        ("*.example.com", "a.b.example.com", false),
        ("*.example.com", "wwwexample.com", false),
        // malformed patterns
        ("*.*.example.com", "a.b.example.com", false),
        ("**.example.com", "a.example.com", false),
        ("*.-a.example", "x.-a.example", false),
        ("a-.example.com", "a-.example.com", false),
        ("a..example.com", "a..example.com", false),
        ("www.example.123", "www.example.123", false),
        ("www example.com", "www example.com", false),
        // underscores and digits are allowed, as in webpki
        ("_dmarc.example.com", "_dmarc.example.com", true),
        ("*.example.com", "_svc.example.com", true),
        ("*.1.example", "2.1.example", true),
        ("123.example", "123.example", true),
        // hosts that are not valid DnsNames never match
        ("*.example.com", "-a.example.com", false),
        ("example.com", "", false),
        ("example.com", ".", false),
        ("*.com", "1.2.3.com", false),
        ("1.2.3.4", "1.2.3.4", false),
    ];

    #[test]
    fn dns_vectors() {
        for &(pattern, host, expected) in DNS_VECTORS {
            assert_eq!(
                dns_name_matches(pattern, host),
                expected,
                "{pattern:?} vs {host:?}"
            );
        }
    }

    #[test]
    fn length_limits() {
        let l63 = "a".repeat(63);
        let l64 = "a".repeat(64);
        let n253 = [l63.as_str(), &l63, &l63, &"b".repeat(61)].join(".");
        let n254 = [l63.as_str(), &l63, &l63, &"b".repeat(62)].join(".");
        let w253 = format!("*.{}", &n253[2..]);
        let cases: &[(String, String, bool)] = &[
            (format!("{l63}.example"), format!("{l63}.example"), true),
            (format!("{l64}.example"), format!("{l64}.example"), false),
            (n253.clone(), n253.clone(), true),
            // pki-types counts the trailing dot against the 253 bytes, so
            // rustls could never be asked about this host.
            (n253.clone(), format!("{n253}."), false),
            (n253[2..].to_owned(), format!("{}.", &n253[2..]), true),
            (n254.clone(), n254.clone(), false),
            (w253.clone(), format!("x.{}", &n253[2..]), true),
            (format!("*.{n253}"), format!("x.{n253}"), false),
        ];
        for (pattern, host, expected) in cases {
            assert_eq!(
                dns_name_matches(pattern, host),
                *expected,
                "{pattern:?} vs {host:?}"
            );
        }
    }

    fn dns(name: &str) -> Host {
        Host::Dns(name.to_owned())
    }

    fn ip(text: &str) -> Host {
        Host::Ip(text.parse().unwrap())
    }

    fn san_dns(name: &str) -> San {
        San::Dns(name.to_owned())
    }

    fn san_ip(text: &str) -> San {
        San::Ip(text.parse().unwrap())
    }

    /// Mismatches are compared on `cn_only` here; `valid_for` has its own test.
    const MISMATCH: NameMatch = NameMatch::Mismatch {
        cn_only: false,
        valid_for: Vec::new(),
    };
    const CN_ONLY: NameMatch = NameMatch::Mismatch {
        cn_only: true,
        valid_for: Vec::new(),
    };

    fn without_names(found: NameMatch) -> NameMatch {
        match found {
            NameMatch::Mismatch { cn_only, .. } => NameMatch::Mismatch {
                cn_only,
                valid_for: Vec::new(),
            },
            matched => matched,
        }
    }

    /// `(host, sans, common names, expected)`.
    fn host_vectors() -> Vec<(Host, Vec<San>, Vec<&'static str>, NameMatch)> {
        let matched = NameMatch::Matched;
        vec![
            // the usual case, and which SAN is reported
            (
                dns("mail.contoso.test"),
                vec![
                    san_dns("autodiscover.contoso.test"),
                    san_dns("mail.contoso.test"),
                ],
                vec!["mail.contoso.test"],
                matched(san_dns("mail.contoso.test")),
            ),
            // the first covering SAN wins
            (
                dns("www.example.com"),
                vec![san_dns("*.example.com"), san_dns("www.example.com")],
                vec![],
                matched(san_dns("*.example.com")),
            ),
            (
                dns("www.example.com"),
                vec![san_dns("*.EXAMPLE.com")],
                vec![],
                matched(san_dns("*.EXAMPLE.com")),
            ),
            // the apex is not covered by its wildcard
            (
                dns("example.com"),
                vec![san_dns("*.example.com")],
                vec![],
                MISMATCH,
            ),
            // CN-only certificates: a hint, never a match
            (
                dns("legacy.example"),
                vec![],
                vec!["legacy.example"],
                CN_ONLY,
            ),
            (
                dns("legacy.example"),
                vec![san_dns("other.example")],
                vec!["LEGACY.example"],
                CN_ONLY,
            ),
            (
                dns("a.legacy.example"),
                vec![],
                vec!["*.legacy.example"],
                CN_ONLY,
            ),
            (
                dns("legacy.example"),
                vec![],
                vec!["Legacy Corp Server"],
                MISMATCH,
            ),
            (
                dns("legacy.example"),
                vec![],
                vec!["x.example", "legacy.example"],
                CN_ONLY,
            ),
            // a malformed CN wildcard does not count either
            (dns("foo.com"), vec![], vec!["*.com"], MISMATCH),
            // other SAN types never identify a server
            (
                dns("mail.contoso.test"),
                vec![
                    San::Email("mail.contoso.test".to_owned()),
                    San::Uri("https://mail.contoso.test/".to_owned()),
                    San::Other("mail.contoso.test".to_owned()),
                ],
                vec![],
                MISMATCH,
            ),
            // a DNS host never matches an iPAddress, an IP host never a dNSName
            (
                dns("10.0.0.1.example"),
                vec![san_ip("10.0.0.1")],
                vec![],
                MISMATCH,
            ),
            (ip("10.0.0.1"), vec![san_dns("10.0.0.1")], vec![], MISMATCH),
            (
                ip("10.0.0.1"),
                vec![san_dns("10.0.0.1"), san_ip("10.0.0.1")],
                vec![],
                matched(san_ip("10.0.0.1")),
            ),
            (ip("10.0.0.2"), vec![san_ip("10.0.0.1")], vec![], MISMATCH),
            // IPv6: equal addresses however written
            (
                ip("::1"),
                vec![san_ip("0:0::1")],
                vec![],
                matched(san_ip("::1")),
            ),
            (
                ip("2001:db8::1"),
                vec![san_ip("2001:0DB8:0:0:0:0:0:1")],
                vec![],
                matched(san_ip("2001:db8::1")),
            ),
            // IPv4-mapped IPv6 is a different iPAddress (4 vs 16 octets in webpki)
            (
                ip("10.0.0.1"),
                vec![san_ip("::ffff:10.0.0.1")],
                vec![],
                MISMATCH,
            ),
            (
                ip("::ffff:10.0.0.1"),
                vec![san_ip("10.0.0.1")],
                vec![],
                MISMATCH,
            ),
            // an IP host's CN hint compares parsed addresses
            (ip("10.0.0.1"), vec![], vec!["10.0.0.1"], CN_ONLY),
            (ip("::1"), vec![], vec!["0:0::1"], CN_ONLY),
            (ip("10.0.0.1"), vec![], vec!["10.0.0.01"], MISMATCH),
            (ip("10.0.0.1"), vec![], vec!["::ffff:10.0.0.1"], MISMATCH),
            // an IP host is not matched by a DNS wildcard CN or SAN
            (
                ip("10.0.0.1"),
                vec![san_dns("*.0.0.1")],
                vec!["*.0.0.1"],
                MISMATCH,
            ),
            // a host that is not a valid name (built by hand) matches nothing
            (
                dns("*.example.com"),
                vec![san_dns("*.example.com")],
                vec!["*.example.com"],
                MISMATCH,
            ),
            // no names at all
            (dns("example.com"), vec![], vec![], MISMATCH),
            (ip("::1"), vec![], vec![], MISMATCH),
        ]
    }

    #[test]
    fn match_host_vectors() {
        for (host, sans, common_names, expected) in host_vectors() {
            assert_eq!(
                without_names(match_host(&host, &sans, &common_names)),
                expected,
                "{host} against {sans:?} / CN {common_names:?}"
            );
        }
    }

    /// A mismatch lists the names that can identify a server, and only those.
    #[test]
    fn a_mismatch_lists_the_server_names() {
        let sans = [
            san_dns("a.example"),
            San::Email("ops@example".to_owned()),
            san_ip("192.0.2.1"),
        ];
        assert_eq!(
            match_host(&dns("b.example"), &sans, &[]),
            NameMatch::Mismatch {
                cn_only: false,
                valid_for: vec![san_dns("a.example"), san_ip("192.0.2.1")],
            }
        );
    }

    #[test]
    fn san_display() {
        let cases = [
            (San::Dns("*.example.com".to_owned()), "DNS:*.example.com"),
            (San::Ip(IpAddr::V4(Ipv4Addr::new(1, 2, 3, 4))), "IP:1.2.3.4"),
            (San::Ip(IpAddr::V6(Ipv6Addr::LOCALHOST)), "IP:::1"),
            (
                San::Email("ops@example.com".to_owned()),
                "email:ops@example.com",
            ),
            (
                San::Uri("https://example.com/".to_owned()),
                "URI:https://example.com/",
            ),
            (San::Other("DirName:CN=x".to_owned()), "other:DirName:CN=x"),
        ];
        for (san, expected) in cases {
            assert_eq!(san.to_string(), expected);
        }
    }

    /// The matcher agrees with the endpoint parser: every host `Endpoint`
    /// produces is a valid reference name, so only the SANs decide.
    #[test]
    fn endpoint_hosts_are_valid_references() {
        let inputs = [
            "Example.COM.",
            "bücher.example",
            "my_svc.example",
            "localhost",
        ];
        for input in inputs {
            let endpoint = crate::endpoint::Endpoint::parse(input).unwrap();
            let Host::Dns(host) = endpoint.host() else {
                panic!("{input:?} is not a DNS host");
            };
            assert!(dns_name_matches(host, host), "{input:?}");
        }
    }

    #[cfg(feature = "json")]
    #[test]
    fn json_shape() {
        let cases = [
            (
                NameMatch::Matched(San::Dns("*.example.com".to_owned())),
                r#"{"matched":{"type":"dns","value":"*.example.com"}}"#,
            ),
            (
                NameMatch::Matched(San::Ip(IpAddr::V6(Ipv6Addr::LOCALHOST))),
                r#"{"matched":{"type":"ip","value":"::1"}}"#,
            ),
            (CN_ONLY, r#"{"mismatch":{"cn_only":true,"valid_for":[]}}"#),
        ];
        for (value, json) in cases {
            assert_eq!(serde_json::to_string(&value).unwrap(), json);
        }
    }

    /// `san_names` against webpki's own judgement on a whole certificate.
    mod scan {
        use super::super::san_names;
        use crate::cert::Skim;
        use crate::verdict::names_host;
        use pki_types::{CertificateDer, ServerName};
        use proptest::prelude::*;

        /// DER of one `GeneralName` with short or one-octet long form length.
        fn general_name(tag: u8, value: &[u8]) -> Vec<u8> {
            let mut out = vec![tag];
            match value.len() {
                n @ 0..=0x7f => out.push(n as u8),
                n => out.extend([0x81, n as u8]),
            }
            out.extend(value);
            out
        }

        fn sequence(entries: &[Vec<u8>]) -> Vec<u8> {
            general_name(0x30, &entries.concat())
        }

        /// A self-signed leaf carrying exactly `san` as its subjectAltName extnValue
        /// (`None`: no such extension).
        fn leaf(key: &rcgen::KeyPair, san: Option<&[u8]>) -> CertificateDer<'static> {
            let mut params = rcgen::CertificateParams::default();
            if let Some(san) = san {
                params
                    .custom_extensions
                    .push(rcgen::CustomExtension::from_oid_content(
                        &[2, 5, 29, 17],
                        san.to_vec(),
                    ));
            }
            params.self_signed(key).unwrap().der().clone()
        }

        fn dns(name: &str) -> ServerName<'static> {
            ServerName::try_from(name.to_owned()).unwrap()
        }

        /// What the scan answers on `san`, after checking it against webpki whenever it
        /// answers.
        fn agreed(key: &rcgen::KeyPair, san: Option<&[u8]>, name: &ServerName<'_>) -> Option<bool> {
            let der = leaf(key, san);
            let skim = Skim::new(&der).unwrap();
            let fast = san_names(skim.san_value(), name);
            if let Some(fast) = fast {
                assert_eq!(fast, names_host(&der, name), "{san:02x?} for {name:?}");
            }
            fast
        }

        #[test]
        fn answers_and_defers_like_webpki() {
            let key = rcgen::KeyPair::generate().unwrap();
            let host = dns("www.example.com");
            let ip = ServerName::from(std::net::IpAddr::from([10, 0, 0, 1]));
            let apex = dns("example.com");
            let d = |name: &str| general_name(0x82, name.as_bytes());
            let odd = general_name(0x89, b"x"); // no GeneralName has tag [9]
            let constructed_dns = general_name(0xa2, &d("www.example.com"));
            // (subjectAltName extnValue, server name, the scan's answer)
            type Case<'n> = (Option<Vec<u8>>, &'n ServerName<'n>, Option<bool>);
            let cases: Vec<Case<'_>> = vec![
                (None, &host, Some(false)),
                (Some(sequence(&[])), &host, Some(false)),
                (Some(sequence(&[d("www.example.com")])), &host, Some(true)),
                (Some(sequence(&[d("WWW.Example.COM")])), &host, Some(true)),
                (Some(sequence(&[d("*.example.com")])), &host, Some(true)),
                (Some(sequence(&[d("*.com")])), &apex, Some(false)),
                (Some(sequence(&[d("www.example.com.")])), &host, Some(false)),
                (
                    Some(sequence(&[d("other.example"), d("www.example.com")])),
                    &host,
                    Some(true),
                ),
                (
                    Some(sequence(&[general_name(0x82, b"www.ex\xffmple.com")])),
                    &host,
                    Some(false),
                ),
                // The other forms are read and skipped.
                (
                    Some(sequence(&[
                        general_name(0x81, b"ops@example.com"),
                        general_name(0x86, b"https://www.example.com/"),
                        general_name(0xa4, &[0x30, 0x00]),
                        general_name(0x88, &[0x2a, 0x03]),
                        d("www.example.com"),
                    ])),
                    &host,
                    Some(true),
                ),
                // A dNSName never names an IP host, an iPAddress never a DNS one.
                (Some(sequence(&[d("10.0.0.1")])), &ip, Some(false)),
                (
                    Some(sequence(&[general_name(0x87, &[10, 0, 0, 1])])),
                    &ip,
                    Some(true),
                ),
                (
                    Some(sequence(&[general_name(0x87, &[10, 0, 0, 1])])),
                    &host,
                    Some(false),
                ),
                (
                    Some(sequence(&[general_name(0x87, &[10, 0, 0, 1, 0])])),
                    &ip,
                    Some(false),
                ),
                // webpki stops at an entry it cannot read; the scan leaves that to it, but a
                // match before it is a match for both.
                (
                    Some(sequence(&[odd.clone(), d("www.example.com")])),
                    &host,
                    None,
                ),
                (
                    Some(sequence(&[constructed_dns, d("www.example.com")])),
                    &host,
                    None,
                ),
                (
                    Some(sequence(&[d("www.example.com"), odd])),
                    &host,
                    Some(true),
                ),
                // A length beyond the reader's forms.
                (
                    Some(sequence(&[[&[0x82, 0x83, 0, 0, 3][..], b"a.b"].concat()])),
                    &host,
                    None,
                ),
            ];
            for (san, name, expected) in cases {
                assert_eq!(
                    agreed(&key, san.as_deref(), name),
                    expected,
                    "{san:02x?} for {name:?}"
                );
            }
        }

        /// Labels that make valid, invalid, wildcard and case-folded names.
        const LABELS: &[&str] = &[
            "a",
            "b",
            "example",
            "EXAMPLE",
            "com",
            "*",
            "xn--bcher-kva",
            "-x",
            "x-",
            "1",
            "_s",
            "",
            "a*",
            "\u{e9}",
        ];

        fn name_strategy() -> impl Strategy<Value = String> {
            (
                prop::collection::vec(prop::sample::select(LABELS), 1..5),
                any::<bool>(),
            )
                .prop_map(|(labels, dot)| {
                    let name = labels.join(".");
                    if dot { name + "." } else { name }
                })
        }

        fn entry_strategy() -> impl Strategy<Value = Vec<u8>> {
            let ip = prop_oneof![
                Just(vec![10, 0, 0, 1]),
                Just(vec![10, 0, 0, 2]),
                Just([0u8; 15].into_iter().chain([1]).collect::<Vec<u8>>()),
                prop::collection::vec(any::<u8>(), 0..20),
            ];
            prop_oneof![
                6 => name_strategy().prop_map(|n| general_name(0x82, n.as_bytes())),
                2 => ip.prop_map(|v| general_name(0x87, &v)),
                1 => (
                    prop::sample::select(&[0x80u8, 0x81, 0x83, 0x86, 0x88, 0x89, 0xa0, 0xa2, 0xa3, 0xa4, 0xa5][..]),
                    prop::collection::vec(any::<u8>(), 0..8),
                )
                    .prop_map(|(tag, v)| general_name(tag, &v)),
                1 => prop::collection::vec(any::<u8>(), 130..140).prop_map(|v| general_name(0x82, &v)),
            ]
        }

        fn server_name_strategy() -> impl Strategy<Value = ServerName<'static>> {
            prop_oneof![
                4 => name_strategy().prop_filter_map("not a DNS name", |n| ServerName::try_from(n).ok()),
                1 => Just(ServerName::from(std::net::IpAddr::from([10, 0, 0, 1]))),
                1 => Just(ServerName::from(std::net::IpAddr::from([0u16, 0, 0, 0, 0, 0, 0, 1]))),
            ]
        }

        #[test]
        fn agrees_with_webpki_on_random_names() {
            let key = rcgen::KeyPair::generate().unwrap();
            let answered = std::cell::Cell::new(0);
            let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
                cases: 512,
                ..ProptestConfig::default()
            });
            let strategy = (
                prop::collection::vec(entry_strategy(), 0..5),
                server_name_strategy(),
            );
            runner
                .run(&strategy, |(entries, name)| {
                    if agreed(&key, Some(&sequence(&entries)), &name).is_some() {
                        answered.set(answered.get() + 1);
                    }
                    Ok(())
                })
                .unwrap();
            // The scan must answer most lists itself, or it saves nothing.
            let answered = answered.get();
            assert!(
                answered > 512 / 2,
                "the scan answered only {answered} of 512"
            );
        }

        #[test]
        fn agrees_with_webpki_on_limbo_leaves() {
            let Some(cases) = crate::testdata::limbo_cases_or_skip("the x509-limbo host agreement")
            else {
                return;
            };
            let (mut answered, mut deferred) = (0, 0);
            for case in &cases {
                let Some(peer) = &case.expected_peer_name else {
                    continue;
                };
                let name = match peer.kind.as_str() {
                    "DNS" => ServerName::try_from(peer.value.clone()).ok(),
                    "IP" => peer
                        .value
                        .parse::<std::net::IpAddr>()
                        .ok()
                        .map(ServerName::from),
                    _ => None,
                };
                let Some(name) = name else { continue };
                let der = CertificateDer::from(
                    pem::parse(&case.peer_certificate).unwrap().into_contents(),
                );
                // Where webpki cannot read the leaf, it judges no names, and diagnosis uses
                // certdeps' own matcher.
                if webpki::EndEntityCert::try_from(&der).is_err() {
                    continue;
                }
                let Ok(skim) = Skim::new(&der) else { continue };
                match san_names(skim.san_value(), &name) {
                    Some(fast) => {
                        answered += 1;
                        assert_eq!(fast, names_host(&der, &name), "{name:?}: {}", peer.value);
                    }
                    None => deferred += 1,
                }
            }
            println!(
                "x509-limbo: the scan answered {answered} leaf/host pairs as webpki, deferred {deferred}"
            );
            assert!(answered > 1000, "{answered}");
        }
    }
}
