//! `certdeps::rustls::ExplainingVerifier` against rustls' own `WebPkiServerVerifier`, called
//! directly: the same verdict on every scenario of the findings suite, the same error inside
//! each refusal, and what a refusal carries (the report, its words, the callback, the kept
//! chain). `report_of` through the wrappers HTTP clients put around rustls' error.
#![cfg(feature = "rustls")]

use std::error::Error as StdError;
use std::fmt;
use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use crate::scenario;
use certdeps::rustls::{ExplainingVerifier, Failure};
use certdeps::{Code, ConfigError, TrustStore, UnixTime, Verifier};
use pki_types::{CertificateDer, ServerName};
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::ServerCertVerifier;
use rustls::{CertificateError, RootCertStore};
use test_pki::{Chain, KeyType, now};

/// rustls' verifier as a client configured with `scenario`'s roots and CRLs builds it, with
/// unknown revocation status allowed, as certdeps allows it.
fn webpki_verifier(s: &scenario::Scenario) -> Result<Arc<WebPkiServerVerifier>, String> {
    let mut roots = RootCertStore::empty();
    for root in &s.roots {
        roots.add(root.clone()).map_err(|e| format!("{e:?}"))?;
    }
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut builder = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider);
    if !s.crls.is_empty() {
        builder = builder
            .with_crls(s.crls.iter().cloned())
            .allow_unknown_revocation_status();
    }
    builder.build().map_err(|e| format!("{e:?}"))
}

/// The `Failure` inside a refusal of the explaining verifier.
fn failure(error: &rustls::Error) -> &Failure {
    let report = certdeps::report_of(error);
    assert!(report.is_some(), "no report in {error:?}");
    match error {
        rustls::Error::InvalidCertificate(CertificateError::Other(other)) => {
            other.0.downcast_ref::<Failure>().unwrap()
        }
        other => panic!("not a certificate refusal: {other:?}"),
    }
}

#[test]
fn the_verdict_is_rustls_on_every_scenario() {
    let (mut compared, mut skipped) = (0, Vec::new());
    for s in scenario::all() {
        let (Some(endpoint), Some((leaf, intermediates))) =
            (s.endpoint(), s.presented.split_first())
        else {
            // rustls always verifies for a name, and refuses an empty list before any
            // verifier sees it.
            skipped.push(s.name);
            continue;
        };
        let name = endpoint.server_name();
        let theirs = match webpki_verifier(&s) {
            Ok(verifier) => verifier,
            Err(why) => {
                let ours = ExplainingVerifier::new(s.verifier());
                assert!(
                    matches!(
                        ours,
                        Err(certdeps::Error::Config(ConfigError::Rustls { .. }))
                    ),
                    "{}: rustls refuses the configuration ({why}), certdeps: {ours:?}",
                    s.name
                );
                compared += 1;
                continue;
            }
        };
        let ours = ExplainingVerifier::new(s.verifier()).unwrap();
        let want = theirs.verify_server_cert(leaf, intermediates, &name, &[], s.at);
        let got = ours.verify_server_cert(leaf, intermediates, &name, &[], s.at);
        match (want, got) {
            (Ok(_), Ok(_)) => {}
            (Err(rustls::Error::InvalidCertificate(want)), Err(got)) => {
                let failure = failure(&got);
                // `Other` never equals itself: compare what it says.
                assert_eq!(
                    format!("{want:?}"),
                    format!("{:?}", failure.rustls_error()),
                    "{}",
                    s.name
                );
                let report = failure.report();
                assert!(!report.is_trusted(), "{}: {report}", s.name);
                assert!(report.errors().next().is_some(), "{}: {report}", s.name);
            }
            // Not about a certificate (a CRL rustls refuses at verification time): rustls'
            // own error, untouched.
            (Err(want), Err(got)) if !matches!(want, rustls::Error::InvalidCertificate(_)) => {
                assert_eq!(format!("{want:?}"), format!("{got:?}"), "{}", s.name);
            }
            (want, got) => panic!("{}: rustls {want:?}, certdeps {got:?}", s.name),
        }
        compared += 1;
    }
    println!(
        "compared {compared} scenarios with WebPkiServerVerifier; skipped {} without a host \
         or a certificate: {skipped:?}",
        skipped.len()
    );
    assert!(compared > 40, "only {compared} scenarios compared");
}

/// A healthy chain and the same chain without its intermediate, for `mail.contoso.test`.
fn chains() -> (Chain, Vec<CertificateDer<'static>>) {
    let chain = Chain::new(KeyType::EcdsaP256, scenario::HOST);
    let leaf_only = vec![chain.leaf.clone()];
    (chain, leaf_only)
}

fn name() -> ServerName<'static> {
    ServerName::try_from(scenario::HOST).unwrap()
}

fn explaining(chain: &Chain) -> ExplainingVerifier {
    let store = TrustStore::from_certificates("test roots", [chain.root.der().clone()]).unwrap();
    ExplainingVerifier::new(Verifier::builder(store).build().unwrap()).unwrap()
}

fn verify(
    verifier: &ExplainingVerifier,
    presented: &[CertificateDer<'static>],
    at: UnixTime,
) -> Result<(), rustls::Error> {
    let (leaf, rest) = presented.split_first().unwrap();
    verifier
        .verify_server_cert(leaf, rest, &name(), &[], at)
        .map(drop)
}

#[test]
fn a_refusal_says_the_cause_and_the_fix_in_two_lines_and_debug_in_one() {
    let (chain, leaf_only) = chains();
    let error = verify(&explaining(&chain), &leaf_only, now()).unwrap_err();
    let failure = failure(&error);
    let shown = failure.to_string();
    let lines: Vec<&str> = shown.lines().collect();
    assert_eq!(lines.len(), 2, "{shown}");
    assert!(
        lines[0].starts_with("mail.contoso.test: incomplete-chain: ")
            && lines[0].contains("certdeps Test Intermediate EcdsaP256"),
        "{shown}"
    );
    assert!(lines[1].starts_with("fix: server operator: "), "{shown}");
    // rustls prints it with `Debug`: the first line, and no more.
    let debug = format!("{failure:?}");
    assert_eq!(debug, format!("Failure({})", lines[0]));
    assert_eq!(
        error.to_string(),
        format!("invalid peer certificate: Other(OtherError({debug}))")
    );
    assert_eq!(failure.rustls_error(), &CertificateError::UnknownIssuer);
    assert_eq!(failure.server_name(), &name());
    // The report holds the chain as presented, checked at rustls' time.
    let report = failure.report();
    assert!(report.presented_der().eq(leaf_only.iter().cloned()));
    assert_eq!(report.at(), now());
    assert!(report.has(Code::IncompleteChain));
}

#[test]
fn the_callback_runs_on_failures_only_and_the_last_chain_is_kept() {
    let (chain, leaf_only) = chains();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let calls = Arc::new(AtomicUsize::new(0));
    let verifier = {
        let (seen, calls) = (seen.clone(), calls.clone());
        explaining(&chain)
            .on_failure(move |failure| {
                calls.fetch_add(1, Ordering::Relaxed);
                seen.lock().unwrap().push(failure.report().codes());
            })
            .keep_last_chains()
    };
    verify(&verifier, &chain.presented(), now()).unwrap();
    assert_eq!(
        calls.load(Ordering::Relaxed),
        0,
        "a healthy chain is not explained"
    );
    assert_eq!(
        verifier.last_chain(&name()).as_deref(),
        Some(&chain.presented()[..])
    );
    verify(&verifier, &leaf_only, now()).unwrap_err();
    assert_eq!(calls.load(Ordering::Relaxed), 1);
    assert!(seen.lock().unwrap()[0].contains(&Code::IncompleteChain));
    assert_eq!(
        verifier.last_chain(&name()).as_deref(),
        Some(&leaf_only[..])
    );
    let other = ServerName::try_from("other.test").unwrap();
    assert!(verifier.last_chain(&other).is_none());
    // Without `keep_last_chains`, nothing is kept.
    let plain = explaining(&chain);
    verify(&plain, &leaf_only, now()).unwrap_err();
    assert!(plain.last_chain(&name()).is_none());
}

#[test]
fn the_kept_chains_are_bounded_and_the_first_met_name_goes_first() {
    let (chain, _) = chains();
    let verifier = explaining(&chain).keep_last_chains();
    let names: Vec<ServerName<'static>> = (0..=ExplainingVerifier::MAX_KEPT_CHAINS)
        .map(|i| ServerName::try_from(format!("host{i}.test")).unwrap())
        .collect();
    let (leaf, rest) = chain
        .presented()
        .split_first()
        .map(|(l, r)| (l.clone(), r.to_vec()))
        .unwrap();
    for name in &names {
        // The wrong name for the leaf: refused, and kept all the same.
        let refused = verifier.verify_server_cert(&leaf, &rest, name, &[], now());
        assert!(refused.is_err());
    }
    assert!(
        verifier.last_chain(&names[0]).is_none(),
        "the first met is forgotten"
    );
    for name in &names[1..] {
        assert!(verifier.last_chain(name).is_some(), "{name:?}");
    }
}

/// An application's own error around a client's, with a `source()`.
#[derive(Debug)]
struct Outer(io::Error);

impl fmt::Display for Outer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("fetching the price list")
    }
}

impl StdError for Outer {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&self.0)
    }
}

#[test]
fn report_of_looks_inside_io_errors_and_sources() {
    let (chain, leaf_only) = chains();
    let refusal = verify(&explaining(&chain), &leaf_only, now()).unwrap_err();
    // As hyper-util and tokio-rustls wrap it: an `io::Error` in an `io::Error`, whose
    // `source()` would skip straight past rustls' error.
    let inner = io::Error::new(io::ErrorKind::InvalidData, refusal.clone());
    let outer = Outer(io::Error::other(inner));
    assert!(outer.0.source().is_none());
    let report = certdeps::report_of(&outer).expect("found through io::Error::get_ref");
    assert!(report.has(Code::IncompleteChain));
    // The `Failure` itself, rustls' `OtherError` and a plain error.
    let rustls::Error::InvalidCertificate(CertificateError::Other(other)) = &refusal else {
        panic!("{refusal:?}")
    };
    assert!(certdeps::report_of(other).is_some());
    assert!(certdeps::report_of(failure(&refusal)).is_some());
    assert!(
        certdeps::report_of(&rustls::Error::InvalidCertificate(
            CertificateError::UnknownIssuer
        ))
        .is_none()
    );
    assert!(certdeps::report_of(&io::Error::other("reset")).is_none());
}

#[test]
fn the_constructors_mirror_rustls() {
    let (chain, leaf_only) = chains();
    let mut roots = RootCertStore::empty();
    roots.add(chain.root.der().clone()).unwrap();
    let verifier = ExplainingVerifier::with_root_certificates(roots).unwrap();
    verify(&verifier, &chain.presented(), now()).unwrap();
    verify(&verifier, &leaf_only, now()).unwrap_err();
    assert_eq!(verifier.verifier().stores()[0].name(), "custom");
    // No anchors: refused when built, as rustls refuses.
    assert!(matches!(
        ExplainingVerifier::with_root_certificates(RootCertStore::empty()),
        Err(certdeps::Error::Config(ConfigError::NoAnchors))
    ));
    // The Mozilla roots do not trust a test root.
    let mozilla = ExplainingVerifier::mozilla().unwrap();
    let error = verify(&mozilla, &chain.presented(), now()).unwrap_err();
    assert!(
        failure(&error).report().has(Code::IncompleteChain),
        "{error}"
    );
    let config = Arc::new(mozilla).client_config().unwrap();
    // No client authentication.
    assert!(!config.client_auth_cert_resolver.has_certs());
}

#[test]
fn a_crl_rustls_cannot_read_is_a_configuration_error() {
    let (chain, _) = chains();
    let store = TrustStore::from_certificates("test roots", [chain.root.der().clone()]).unwrap();
    let junk = certdeps::CertificateRevocationListDer::from(vec![0x30, 0x03, 0x02, 0x01, 0x01]);
    let verifier = Verifier::builder(store).with_crls([junk]).build().unwrap();
    let error = ExplainingVerifier::new(verifier).unwrap_err();
    assert!(
        matches!(&error, certdeps::Error::Config(ConfigError::Rustls { reason }) if reason.contains("InvalidCrl")),
        "{error:?}"
    );
}
