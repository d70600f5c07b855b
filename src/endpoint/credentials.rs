//! Keeping a URL's credentials out of everything certdeps shows.
//!
//! A configured URL may carry a user name and password (`https://user:secret@host/`, the
//! userinfo of [RFC 3986 section 3.2.1]), or a token in the user name position
//! (`https://TOKEN@host/`). Reports, errors and logs travel further than configuration, so the
//! whole userinfo is replaced by [`REDACTED`] before an input is stored or quoted anywhere.
//!
//! [RFC 3986 section 3.2.1]: https://www.rfc-editor.org/rfc/rfc3986#section-3.2.1

use std::borrow::Cow;
use std::ops::Range;

use super::scheme::has_scheme;

/// What stands in for a URL's userinfo.
pub(super) const REDACTED: &str = "***";

/// The schemes whose authority the URL standard also ends at a backslash.
const SPECIAL: &[&str] = &["http", "https", "ws", "wss", "ftp", "file"];

/// `input` with its userinfo replaced by [`REDACTED`], and the replaced byte range.
///
/// The userinfo is found as the [WHATWG URL parser] finds it, so nothing the parser would take
/// as a credential is shown: the authority starts after `scheme:` and any slashes (or at the
/// start, for `host:port` input, which is read as `https://`), ends at the first `/`, `?` or
/// `#` (or `\` for special schemes), and its userinfo is everything before its last `@`.
/// Reserved characters in a password must be percent-encoded ([RFC 3986 section 3.2.1]); an
/// unencoded `/` ends the authority, so nothing after it is taken as a password.
///
/// [WHATWG URL parser]: https://url.spec.whatwg.org/#authority-state
/// [RFC 3986 section 3.2.1]: https://www.rfc-editor.org/rfc/rfc3986#section-3.2.1
pub(super) fn redact(input: &str) -> (Cow<'_, str>, Option<Range<usize>>) {
    let Some(userinfo) = userinfo(input) else {
        return (Cow::Borrowed(input), None);
    };
    let mut shown = String::with_capacity(input.len());
    shown.push_str(&input[..userinfo.start]);
    shown.push_str(REDACTED);
    shown.push_str(&input[userinfo.end..]);
    (Cow::Owned(shown), Some(userinfo))
}

/// The byte range of the userinfo in `input` (without its `@`), if it has one.
fn userinfo(input: &str) -> Option<Range<usize>> {
    let lead = input.len() - input.trim_start().len();
    let trimmed = &input[lead..];
    let (start, special) = match trimmed.split_once(':') {
        Some((scheme, rest)) if has_scheme(trimmed) => {
            let slashes = rest.len() - rest.trim_start_matches(['/', '\\']).len();
            let scheme = scheme.to_ascii_lowercase();
            (
                lead + scheme.len() + 1 + slashes,
                SPECIAL.contains(&scheme.as_str()),
            )
        }
        // Without a scheme the input is read as `https://{input}`.
        _ => (lead, true),
    };
    let authority = &input[start..];
    let end = authority
        .find(|c| matches!(c, '/' | '?' | '#') || (special && c == '\\'))
        .unwrap_or(authority.len());
    let at = authority[..end].rfind('@')?;
    Some(start..start + at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors() {
        let cases: &[(&str, &str)] = &[
            ("https://user:secret@h.example/", "https://***@h.example/"),
            ("https://TOKEN@h.example", "https://***@h.example"),
            ("https://u:p@w@h.example/x", "https://***@h.example/x"),
            ("https://@h.example", "https://***@h.example"),
            ("HTTPS:\\\\u:p@h", "HTTPS:\\\\***@h"),
            ("https:u:p@h", "https:***@h"),
            ("u:p@h.example:8443", "***@h.example:8443"),
            ("  u:p@h\n", "  ***@h\n"),
            ("ldaps://u\\p:q@h", "ldaps://***@h"),
            ("smtp://u%40x:p@h:587", "smtp://***@h:587"),
            // '@' outside the authority is not a credential.
            (
                "https://h.example/@scope/pkg",
                "https://h.example/@scope/pkg",
            ),
            ("https://h?to=u:p@x", "https://h?to=u:p@x"),
            ("https://h\\u:p@x", "https://h\\u:p@x"),
            ("h.example", "h.example"),
            ("", ""),
        ];
        for &(input, shown) in cases {
            assert_eq!(redact(input).0, shown, "{input:?}");
        }
    }
}
