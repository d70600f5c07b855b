//! The bundled demo of the `check` example: one server per common cause of "could not
//! establish trust", each chain made by the test PKI crate (a dev-dependency, so the
//! `certdeps` binary has no demo).

use certdeps::{CertificateDer, Endpoint, Pool, Report, TrustStore, Verifier};

use crate::output::emit;

/// The bundled demo: one server per common cause of "could not establish trust", each chain
/// generated now by the test PKI crate (`tests/pki`, shared with the integration tests), so
/// nothing is committed and nothing expires; all checked at the fixed time `test_pki::now()`
/// (2026-06-01T00:00:00Z).
pub(crate) fn run() -> Result<(), String> {
    use test_pki::{Ca, CertSpec, DAY, NOW};

    let now = test_pki::now();
    let url = "https://mail.contoso.test/EWS/Exchange.asmx";
    let host = "mail.contoso.test";
    let endpoint = Endpoint::parse(url).map_err(|e| e.to_string())?;

    // The client's trust store: one demo root standing in for the Mozilla roots.
    let public_root = Ca::root("Demo Public Root CA");
    let issuing = public_root.intermediate("Demo Issuing CA 1");
    let store = TrustStore::from_certificates("demo", [public_root.der().clone()])
        .map_err(|e| e.to_string())?;
    let client = Verifier::builder(store.clone())
        .build()
        .map_err(|e| e.to_string())?;
    let leaf = issuing.leaf(&[host]);
    let healthy = vec![leaf.clone(), issuing.der().clone()];

    emit(&format!(
        "certdeps demo: six servers, one per common cause of \"could not establish trust\".\n\
         The client trusts one root, \"CN=Demo Public Root CA\" (standing in for the Mozilla\n\
         roots), and connects to {url}.\n\
         Every chain is generated now; all are checked at 2026-06-01T00:00:00Z.\n\
         To check your own server: cargo run --example check -- --help\n"
    ))?;
    let mut summary = Vec::new();
    let mut show = |number: usize, title: &str, story: &str, report: &Report| {
        summary.push(format!("  {number}. {title:<26} {}", report.summary()));
        emit(&format!(
            "\n=== {number}/6 {title} ===\n{story}\n\n{report}"
        ))
    };

    // 1. What a correctly configured server sends.
    let report = client.check(&endpoint, &healthy, now);
    show(
        1,
        "healthy chain",
        "The server sends its leaf and the intermediate; the root is in the client's store.",
        &report,
    )?;

    // 2. The classic: the server forgot the intermediate. A pool of known intermediates
    //    (`--intermediates`) does not make it trusted, but names the exact fix.
    let with_pool = Verifier::builder(store)
        .with_intermediates({
            let mut pool = Pool::new();
            pool.extend([issuing.der().clone()]);
            pool
        })
        .build()
        .map_err(|e| e.to_string())?;
    let report = with_pool.check(&endpoint, std::slice::from_ref(&leaf), now);
    show(
        2,
        "incomplete chain",
        "The server sends only its leaf. Browsers fetch the missing intermediate; strict\n\
         clients do not. Checked with an intermediate pool (--intermediates), which finds\n\
         the missing certificate but never makes the chain trusted.",
        &report,
    )?;

    // 3. Nothing vouches for a self-signed certificate.
    let report = client.check(&endpoint, &[test_pki::self_signed_leaf(&[host])], now);
    show(
        3,
        "self-signed certificate",
        "The server presents a certificate it signed itself.",
        &report,
    )?;

    // 4. A complete chain to a root the client does not hold: the fix is on the client.
    let enterprise_root = Ca::root("Contoso Enterprise Root CA");
    let enterprise_issuing = enterprise_root.intermediate("Contoso Issuing CA");
    let private: Vec<CertificateDer<'static>> = vec![
        enterprise_issuing.leaf(&[host]),
        enterprise_issuing.der().clone(),
        enterprise_root.der().clone(),
    ];
    let report = client.check(&endpoint, &private, now);
    show(
        4,
        "private root",
        "The chain is complete but ends in the company's own root, which the client's\n\
         store does not hold (--add-roots adds it).",
        &report,
    )?;

    // 5. The right chain for the wrong name.
    let other = Endpoint::parse("https://webmail.contoso.test/").map_err(|e| e.to_string())?;
    let report = client.check(&other, &healthy, now);
    show(
        5,
        "name mismatch",
        "The client connects to webmail.contoso.test; the certificate names only\n\
         mail.contoso.test.",
        &report,
    )?;

    // 6. A rotation that did not happen.
    let expired = issuing.leaf_with(CertSpec {
        not_before: NOW - 400 * DAY,
        not_after: NOW - 10 * DAY,
        ..CertSpec::leaf(&[host])
    });
    let report = client.check(&endpoint, &[expired, issuing.der().clone()], now);
    show(
        6,
        "expired certificate",
        "The leaf's validity ended ten days before the check.",
        &report,
    )?;

    emit(&format!(
        "\n=== summary ===\n{}\n\nREADME.md lists every finding code and what it means.\n",
        summary.join("\n")
    ))
}
