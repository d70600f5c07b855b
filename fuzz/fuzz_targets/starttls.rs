//! The replies the probe reads before TLS starts (SMTP, IMAP, POP3, LDAP's ExtendedResponse,
//! PostgreSQL's answer, an HTTP proxy's head): never panic; what they accept took bytes that
//! exist, parses the same from exactly those bytes, is incomplete from any shorter prefix
//! (so reading in pieces finds the same reply), and, written out again, parses back the same.
//!
//! The parsers are crate-private, pure and import nothing from certdeps, so their source is
//! compiled here as it is; the first input byte picks one, the rest is what a server sent.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../../src/probe/reply.rs"]
mod reply;

#[allow(dead_code)]
#[path = "../../src/probe/ldap.rs"]
mod ldap;

/// Checks the properties of one parser on `data`; `write` writes an accepted reply back out.
fn check<T: PartialEq + std::fmt::Debug, E: std::fmt::Debug>(
    data: &[u8],
    parse: impl Fn(&[u8]) -> Result<Option<(T, usize)>, E>,
    write: impl Fn(&T) -> Option<Vec<u8>>,
) {
    let Ok(Some((reply, used))) = parse(data) else {
        return;
    };
    assert!(used > 0 && used <= data.len(), "took {used} of {} bytes", data.len());
    let again = parse(&data[..used]);
    assert!(
        matches!(&again, Ok(Some((r, u))) if *r == reply && *u == used),
        "{reply:?} from {used} bytes, then {again:?}"
    );
    for cut in [0, used / 2, used - 1] {
        assert!(
            matches!(parse(&data[..cut]), Ok(None)),
            "a prefix of {cut} of {used} bytes is not incomplete"
        );
    }
    if let Some(written) = write(&reply) {
        let back = parse(&written);
        assert!(
            matches!(&back, Ok(Some((r, u))) if *r == reply && *u == written.len()),
            "{reply:?} written as {written:?} parses as {back:?}"
        );
    }
}

fuzz_target!(|input: &[u8]| {
    let Some((&which, data)) = input.split_first() else {
        return;
    };
    let _ = reply::printable(data);
    match which % 6 {
        0 => check(data, reply::smtp, |r| {
            let last = r.lines.len().checked_sub(1)?;
            let mut out = Vec::new();
            for (i, line) in r.lines.iter().enumerate() {
                let sep = if i == last { ' ' } else { '-' };
                out.extend(format!("{}{sep}{line}\r\n", r.code).bytes());
            }
            Some(out)
        }),
        1 => check(data, reply::imap, |r| Some(format!("{}\r\n", r.shown()).into_bytes())),
        2 => check(data, reply::pop3, |r| Some(format!("{}\r\n", r.line).into_bytes())),
        3 => check(data, reply::postgres, |&ok| Some(vec![if ok { b'S' } else { b'N' }])),
        4 => check(data, reply::http_head, |_| None),
        _ => check(data, ldap::extended_response, |_| None),
    }
});
