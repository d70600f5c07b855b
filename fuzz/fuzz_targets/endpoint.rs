//! Endpoint parsing: never panics; an accepted host is normalised (lowercase ASCII, no
//! trailing dot, at most 253 bytes), and `scheme://host:port` of a parsed endpoint parses
//! back to the same scheme, host, port and server name.
#![no_main]

use certdeps::{Endpoint, Host};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let endpoint = match Endpoint::parse(text) {
        Ok(endpoint) => endpoint,
        Err(err) => {
            assert!(!err.to_string().is_empty());
            return;
        }
    };
    // The input is kept as given, except for a URL's credentials, which are redacted.
    if !text.contains('@') {
        assert_eq!(endpoint.input(), text);
    }
    assert_ne!(endpoint.port(), 0);
    if let Host::Dns(name) = endpoint.host() {
        assert!(!name.is_empty() && name.len() <= 253, "{name:?}");
        assert!(
            name.is_ascii() && *name == name.to_ascii_lowercase(),
            "{name:?}"
        );
        assert!(!name.ends_with('.'), "{name:?}");
    }
    let again = format!("{}://{endpoint}", endpoint.scheme());
    let reparsed = match Endpoint::parse(&again) {
        Ok(reparsed) => reparsed,
        Err(err) => panic!("{text:?} parsed, but its own form {again:?} does not: {err}"),
    };
    assert_eq!(
        reparsed.scheme(),
        endpoint.scheme(),
        "{text:?} -> {again:?}"
    );
    assert_eq!(reparsed.host(), endpoint.host(), "{text:?} -> {again:?}");
    assert_eq!(reparsed.port(), endpoint.port(), "{text:?} -> {again:?}");
    assert_eq!(
        reparsed.server_name(),
        endpoint.server_name(),
        "{text:?} -> {again:?}"
    );
});
