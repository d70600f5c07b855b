//! The human report (`Display`) for one scenario per everyday cause (incomplete chain,
//! self-signed leaf, private root, name mismatch, expiry): it says the verdict, lists what was presented and the path, and gives each finding with its
//! fix. Run with `--nocapture` to read them.

use crate::scenario::*;
use certdeps::Report;

#[track_caller]
fn shows(report: &Report, phrases: &[&str]) {
    let text = report.to_string();
    println!("{text}");
    for phrase in phrases {
        assert!(text.contains(phrase), "missing {phrase:?} in:\n{text}");
    }
    // Every finding line is followed by its fix, indented under it.
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        if line.starts_with("  - ") {
            let next = lines.get(i + 1).copied().unwrap_or_default();
            assert!(
                next.starts_with("      fix: "),
                "no fix after {line:?}:\n{text}"
            );
        }
    }
    assert!(
        !text.contains("DnsName(\""),
        "webpki Debug text leaked:\n{text}"
    );
}

#[test]
fn incomplete_chain_reads_well() {
    let report = incomplete_chain().run();
    shows(
        &report,
        &[
            "endpoint: mail.contoso.test (mail.contoso.test:443)",
            "checked at: 2026-06-01T00:00:00Z",
            "verdict: NOT TRUSTED",
            "presented (1):",
            "[0] CN=mail.contoso.test",
            "issuer CN=Contoso Issuing CA",
            "path:\n  CN=mail.contoso.test (presented [0])\n",
            "error [incomplete-chain]: leaf [0] \"CN=mail.contoso.test\" is issued by \"CN=Contoso Issuing CA\" (key id ",
            "fix: server operator: serve the full chain",
            "download it from http://pki.contoso.test/issuing.crt",
        ],
    );
}

#[test]
fn pool_fix_reads_well() {
    let (s, _) = incomplete_chain_pool();
    shows(
        &s.run(),
        &[
            "CN=Contoso Issuing CA (pool [1])",
            "CN=Contoso Root CA (anchor, custom store)",
            "adding 1 certificate makes the chain trusted",
            "append the 1 certificate the pool completes it with (sha256 ",
        ],
    );
}

#[test]
fn self_signed_reads_well() {
    shows(
        &self_signed().run(),
        &[
            "verdict: NOT TRUSTED",
            "error [self-signed]: leaf [0] \"CN=mail.contoso.test\" is self-signed",
            "fix: server operator: install a certificate issued by a CA the clients trust",
            "client owner: trust this exact certificate (sha256 ",
        ],
    );
}

#[test]
fn private_root_reads_well() {
    shows(
        &untrusted_root().run(),
        &[
            "error [untrusted-root]: the chain ends in root certificate [2] \"CN=Contoso Root CA\", which no configured trust store (custom) holds",
            "fix: client owner: if \"CN=Contoso Root CA\" is a private root meant to be trusted, compare its SHA-256 fingerprint ",
            "with its owner's and import it into the client's trust store",
        ],
    );
}

#[test]
fn name_mismatch_reads_well() {
    shows(
        &name_mismatch().run(),
        &[
            "endpoint: https://owa.contoso.test/owa (owa.contoso.test:443)",
            "error [name-mismatch]: leaf [0] \"CN=mail.contoso.test\" is not valid for host owa.contoso.test: it is only valid for DNS:mail.contoso.test or DNS:autodiscover.contoso.test",
            "fix: client owner: connect with a host name the certificate covers; or server operator: reissue",
        ],
    );
}

#[test]
fn expired_reads_well() {
    shows(
        &expired().run(),
        &[
            "CN=Contoso Root CA (anchor, custom store)",
            "error [expired]: leaf [0] \"CN=mail.contoso.test\" expired at 2026-05-29T00:00:00Z (3 days ago); checked at 2026-06-01T00:00:00Z",
            "fix: server operator: renew the certificate and install it",
        ],
    );
}

#[test]
fn trusted_with_notes_reads_well() {
    shows(
        &expires_soon().run(),
        &[
            "verdict: TRUSTED",
            "warning [expires-soon]: leaf [0] \"CN=mail.contoso.test\" expires at 2026-06-11T00:00:00Z (in 10 days)",
        ],
    );
    shows(&healthy().run(), &["verdict: TRUSTED", "findings: none"]);
}
