//! x509-limbo conformance: certdeps' verdict and diagnosis on every SERVER testcase of the
//! public suite (C2SP/x509-limbo), compared with the suite's expected result and, separately,
//! with raw rustls-webpki on the same inputs.
//!
//! The suite is read from `$LIMBO_JSON`, else `../shared/x509-limbo/limbo.json`; without it
//! the tests print one line saying why and pass (a clone of the repository alone still runs
//! `cargo test`). See the README, "Conformance (x509-limbo)".
//!
//! Per SERVER testcase the harness builds what a server would present (the peer certificate
//! followed by every untrusted intermediate, in the suite's order), a trust store holding only
//! `trusted_certs`, the endpoint from `expected_peer_name`, the CRLs, and the validation time
//! (floored to the second; a null time is the fixed [`suite::NULL_TIME`]), and runs
//! `Verifier::check`. The raw webpki verdict is computed here as upstream's `rust-rustls`
//! harness does (`verify_for_usage` with server-auth EKU, the CRLs with webpki's default
//! revocation options, then `verify_is_valid_for_subject_name`), with certdeps' algorithm set.
//!
//! The conformance test fails when
//! (a) certdeps and webpki disagree, except the leaf-key cases listed in
//!     `tests/limbo/stricter.tsv` where certdeps is stricter by design and limbo agrees with it;
//! (b) certdeps' verdict differs from limbo's on a case not listed in
//!     `tests/limbo/exceptions.tsv` (and a listed case that no longer differs is stale);
//! (c) any case panics (caught per case, reported with its id) or hangs;
//! (d) an untrusted report has no error finding, or a trusted one has an error finding.

#[cfg(feature = "rustls")]
mod rustls_verifier;
mod suite;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use certdeps::{
    CertificateDer, CertificateRevocationListDer, Code, Endpoint, Severity, TrustStore, UnixTime,
    Verifier,
};
use pki_types::ServerName;
use suite::{Expected, Limbo, PeerKind, Testcase, ValidationKind};

/// Known differences between certdeps' verdict and limbo's expected result: `id<TAB>reason`.
const EXCEPTIONS: &str = include_str!("exceptions.tsv");

/// Cases where certdeps is stricter than webpki by design (ARCHITECTURE.md, Invariants: the leaf key must be one
/// a client can verify a handshake signature with) and limbo agrees with certdeps.
const STRICTER: &str = include_str!("stricter.tsv");

/// Features the harness knows. A case with any other feature is skipped as unknown.
const KNOWN_FEATURES: &[&str] = &[
    "has-crl",
    "denial-of-service",
    "max-chain-depth",
    "name-constraint-dn",
    "pedantic-webpki-eku",
    "pedantic-webpki-subscriber-key",
    "pedantic-serial-number",
    "pedantic-public-suffix-wildcard",
    "pedantic-rfc5280",
    "rfc5280-incompatible-with-webpki",
    "has-policy-constraints",
    "has-cert-policies",
    "no-cert-policies",
];

/// webpki's fixed limit on intermediates (`MAX_SUB_CA_COUNT`). A `max_chain_depth` at or above
/// it constrains nothing webpki does not already enforce.
const WEBPKI_MAX_INTERMEDIATES: u32 = 6;

/// No case may run longer than this: a hang, not a slow case (the slowest takes milliseconds).
const HANG_LIMIT: Duration = Duration::from_secs(120);

// ---- skipping: the kinds of case certdeps cannot express -------------------------------------

const SKIP_CLIENT: &str = "CLIENT validation: certdeps checks TLS servers only";
const SKIP_FEATURE: &str = "unknown feature";
const SKIP_DEPTH: &str = "max_chain_depth below webpki's fixed limit of 6 intermediates";
const SKIP_KEY_USAGE: &str = "required key_usage: certdeps checks EKU serverAuth, not key usage";
const SKIP_SIG_ALGS: &str = "signature_algorithms: certdeps' algorithm set is fixed";
const SKIP_EKU: &str = "extended_key_usage other than serverAuth";
const SKIP_CONFLICT: &str = "conflicts_with a webpki:: case: the Web PKI reading is followed";
const SKIP_PEER_KIND: &str = "RFC822 peer name: not a TLS server name";
const SKIP_ENDPOINT: &str = "Endpoint::parse refuses or rewrites a name webpki accepts";

/// Why a case is skipped, or `None` to run it.
fn skip_reason(tc: &Testcase) -> Option<&'static str> {
    if tc.validation_kind == ValidationKind::Client {
        return Some(SKIP_CLIENT);
    }
    if tc
        .features
        .iter()
        .any(|f| !KNOWN_FEATURES.contains(&f.as_str()))
    {
        return Some(SKIP_FEATURE);
    }
    if tc
        .max_chain_depth
        .is_some_and(|d| d < WEBPKI_MAX_INTERMEDIATES)
    {
        return Some(SKIP_DEPTH);
    }
    if !tc.key_usage.is_empty() {
        return Some(SKIP_KEY_USAGE);
    }
    if !tc.signature_algorithms.is_empty() {
        return Some(SKIP_SIG_ALGS);
    }
    if tc.extended_key_usage.iter().any(|e| e != "serverAuth") {
        return Some(SKIP_EKU);
    }
    if !tc.id.starts_with("webpki::") && tc.conflicts_with.iter().any(|c| c.starts_with("webpki::"))
    {
        return Some(SKIP_CONFLICT);
    }
    match &tc.expected_peer_name {
        Some(peer) if peer.kind == PeerKind::Rfc822 => Some(SKIP_PEER_KIND),
        Some(peer) => endpoint_for(&peer.value).err().map(|_| SKIP_ENDPOINT),
        None => None,
    }
}

/// The certdeps endpoint for a peer name, when it names the same server webpki's
/// `ServerName::try_from` does (DNS names compared case-insensitively, as webpki matches).
fn endpoint_for(value: &str) -> Result<Endpoint, String> {
    let endpoint = Endpoint::parse(value).map_err(|e| e.to_string())?;
    let raw = ServerName::try_from(value).map_err(|e| format!("ServerName: {e}"))?;
    let same = match (endpoint.server_name(), raw) {
        (ServerName::DnsName(a), ServerName::DnsName(b)) => a
            .as_ref()
            .eq_ignore_ascii_case(b.as_ref().trim_end_matches('.')),
        (ServerName::IpAddress(a), ServerName::IpAddress(b)) => a == b,
        _ => false,
    };
    if same {
        Ok(endpoint)
    } else {
        Err(format!(
            "Endpoint::parse({value:?}) names {:?}",
            endpoint.server_name()
        ))
    }
}

// ---- running one case ------------------------------------------------------------------------

/// certdeps' answer on one case.
#[derive(Debug)]
struct Answer {
    trusted: bool,
    /// Codes of the error-severity findings.
    errors: Vec<Code>,
    /// Codes of all findings, for the failure listings.
    codes: Vec<Code>,
    /// webpki's words, when certdeps refused.
    rejection: Option<String>,
    /// The finding code of webpki's refusal.
    rejection_code: Option<Code>,
    /// Positions of the presented certificates certdeps calls malformed, with their DER.
    malformed: Vec<(usize, Vec<u8>)>,
    /// The refusal was the leaf-key check (webpki accepted the chain).
    leaf_key: bool,
    /// A typed input or configuration error instead of a report (counts as untrusted, with
    /// that error as its diagnosis).
    input_error: Option<String>,
}

#[derive(Debug)]
struct Ran {
    expected: Expected,
    certdeps: Answer,
    /// Raw webpki: `Ok` trusted, `Err` its error.
    webpki: Result<(), String>,
    elapsed: Duration,
}

#[derive(Debug)]
enum Outcome {
    Skipped(&'static str),
    Ran(Ran),
    Panicked(String),
}

fn run_case(tc: &Testcase) -> Outcome {
    if let Some(reason) = skip_reason(tc) {
        return Outcome::Skipped(reason);
    }
    let start = Instant::now();
    let result = catch_unwind(AssertUnwindSafe(|| {
        let at = suite::validation_time(tc)?;
        Ok::<_, String>((certdeps_answer(tc, at, false), raw_webpki(tc, at)))
    }));
    match result {
        Ok(Ok((certdeps, webpki))) => Outcome::Ran(Ran {
            expected: tc.expected_result,
            certdeps,
            webpki,
            elapsed: start.elapsed(),
        }),
        Ok(Err(harness_error)) => Outcome::Panicked(format!("harness: {harness_error}")),
        Err(panic) => Outcome::Panicked(panic_text(&*panic)),
    }
}

fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "non-string panic payload".to_owned()
    }
}

/// The certdeps pipeline, as a user calls it.
fn certdeps_answer(tc: &Testcase, at: UnixTime, show: bool) -> Answer {
    let refused = |error: String| Answer {
        trusted: false,
        errors: Vec::new(),
        codes: Vec::new(),
        rejection: None,
        rejection_code: None,
        malformed: Vec::new(),
        leaf_key: false,
        input_error: Some(error),
    };
    let mut presented = Vec::with_capacity(1 + tc.untrusted_intermediates.len());
    for pem in std::iter::once(&tc.peer_certificate).chain(&tc.untrusted_intermediates) {
        match certdeps::decode_certificates(pem.as_bytes()) {
            Ok(certs) => presented.extend(certs),
            Err(e) => return refused(format!("presented certificate: {e}")),
        }
    }
    let mut anchors: Vec<CertificateDer<'static>> = Vec::new();
    for pem in &tc.trusted_certs {
        match certdeps::decode_certificates(pem.as_bytes()) {
            Ok(certs) => anchors.extend(certs),
            Err(e) => return refused(format!("trusted certificate: {e}")),
        }
    }
    // As upstream's harness does (with a warning), leave out anchors webpki cannot use; a
    // certdeps user would get `StoreError::BadAnchor` for them.
    let usable: Vec<CertificateDer<'static>> = anchors
        .into_iter()
        .filter(|a| TrustStore::from_certificates("probe", [a.clone()]).is_ok())
        .collect();
    let store = match TrustStore::from_certificates("limbo", usable) {
        Ok(store) => store,
        Err(e) => return refused(format!("trust store: {e}")),
    };
    let mut crls: Vec<CertificateRevocationListDer<'static>> = Vec::new();
    for pem in &tc.crls {
        match certdeps::decode_crls(pem.as_bytes()) {
            Ok(list) => crls.extend(list),
            Err(e) => return refused(format!("CRL: {e}")),
        }
    }
    let verifier = match Verifier::builder(store).with_crls(crls).build() {
        Ok(v) => v,
        Err(e) => return refused(format!("verifier: {e}")),
    };
    let endpoint = match &tc.expected_peer_name {
        // skip_reason already refused names Endpoint cannot take.
        Some(peer) => match endpoint_for(&peer.value) {
            Ok(endpoint) => Some(endpoint),
            Err(e) => return refused(format!("endpoint: {e}")),
        },
        None => None,
    };
    let report = match &endpoint {
        Some(e) => verifier.check(e, &presented, at),
        None => verifier.check_chain(&presented, at),
    };
    if show {
        println!("{}\n{report}\n", tc.id);
    }
    let rejection = report.verdict().rejection();
    Answer {
        trusted: report.is_trusted(),
        errors: report.errors().map(|f| f.code).collect(),
        codes: report.codes(),
        rejection: rejection.map(|r| format!("{} ({})", r.code, r.webpki())),
        rejection_code: rejection.map(|r| r.code),
        malformed: report
            .errors()
            .filter(|f| f.code == Code::MalformedCertificate)
            .filter_map(|f| {
                let i = f.certificate?;
                Some((i, presented.get(i)?.to_vec()))
            })
            .collect(),
        leaf_key: rejection.is_some_and(|r| r.leaf_key.is_some()),
        input_error: None,
    }
}

/// rustls-webpki alone, as upstream's `rust-rustls` harness calls it.
fn raw_webpki(tc: &Testcase, at: UnixTime) -> Result<(), String> {
    let der = |text: &str| -> Result<Vec<u8>, String> {
        pem::parse(text)
            .map(pem::Pem::into_contents)
            .map_err(|e| format!("PEM: {e}"))
    };
    let leaf_der = CertificateDer::from(der(&tc.peer_certificate)?);
    let intermediates = tc
        .untrusted_intermediates
        .iter()
        .map(|p| der(p).map(CertificateDer::from))
        .collect::<Result<Vec<_>, _>>()?;
    let anchor_ders = tc
        .trusted_certs
        .iter()
        .map(|p| der(p).map(CertificateDer::from))
        .collect::<Result<Vec<_>, _>>()?;
    // Upstream skips invalid anchors with a warning.
    let anchors: Vec<_> = anchor_ders
        .iter()
        .filter_map(|d| webpki::anchor_from_trusted_cert(d).ok())
        .collect();
    let crls = tc
        .crls
        .iter()
        .map(|p| {
            let der = der(p)?;
            webpki::OwnedCertRevocationList::from_der(&der)
                .map(webpki::CertRevocationList::from)
                .map_err(|e| format!("CRL: {e:?}"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let crl_refs: Vec<&webpki::CertRevocationList<'_>> = crls.iter().collect();
    // Upstream's harness discards the results of the builder's `with_*` calls, so it runs
    // with webpki's defaults: whole chain, unknown status denied, expiry ignored.
    let revocation = webpki::RevocationOptionsBuilder::new(&crl_refs)
        .ok()
        .map(|b| b.build());
    let name = match &tc.expected_peer_name {
        Some(peer) => Some(ServerName::try_from(peer.value.as_str()).map_err(|e| format!("{e}"))?),
        None => None,
    };
    let mut presented = vec![leaf_der];
    presented.extend(intermediates);
    oracle::raw_webpki(&presented, &anchors, name.as_ref(), revocation, at)
        .map_err(|e| format!("{e:?}"))
}

// ---- running the suite -----------------------------------------------------------------------

/// Runs every case on two worker threads; fails (by panicking) if one case runs past
/// [`HANG_LIMIT`], naming it. Returns the outcomes in suite order and the wall time.
fn run_suite(limbo: &'static Limbo) -> (Vec<Outcome>, Duration) {
    let start = Instant::now();
    let workers = std::thread::available_parallelism()
        .map(|n| n.get().min(2))
        .unwrap_or(1);
    let next = Arc::new(AtomicUsize::new(0));
    let running = Arc::new(Mutex::new(vec![None::<(usize, Instant)>; workers]));
    let (tx, rx) = mpsc::channel::<(usize, Outcome)>();
    for w in 0..workers {
        let (next, running, tx) = (Arc::clone(&next), Arc::clone(&running), tx.clone());
        // Detached on purpose: if a case hangs, the test fails and the process exits
        // without waiting for it.
        std::thread::spawn(move || {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(tc) = limbo.testcases.get(i) else {
                    break;
                };
                if let Ok(mut r) = running.lock() {
                    r[w] = Some((i, Instant::now()));
                }
                let outcome = run_case(tc);
                if let Ok(mut r) = running.lock() {
                    r[w] = None;
                }
                if tx.send((i, outcome)).is_err() {
                    break;
                }
            }
        });
    }
    drop(tx);
    let mut outcomes: Vec<Option<Outcome>> = limbo.testcases.iter().map(|_| None).collect();
    let mut done = 0;
    while done < outcomes.len() {
        match rx.recv_timeout(Duration::from_secs(1)) {
            Ok((i, outcome)) => {
                outcomes[i] = Some(outcome);
                done += 1;
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let hung: Vec<String> = running
                    .lock()
                    .map(|r| {
                        r.iter()
                            .flatten()
                            .filter(|(_, t)| t.elapsed() > HANG_LIMIT)
                            .map(|(i, t)| format!("{} ({:?})", limbo.testcases[*i].id, t.elapsed()))
                            .collect()
                    })
                    .unwrap_or_default();
                assert!(hung.is_empty(), "(c) cases hang: {}", hung.join(", "));
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    let outcomes = outcomes
        .into_iter()
        .map(|o| o.unwrap_or(Outcome::Panicked("worker thread died".to_owned())))
        .collect();
    (outcomes, start.elapsed())
}

/// `id -> reason` from a checked-in list; `#` starts a comment line.
fn read_list(name: &str, text: &'static str) -> BTreeMap<&'static str, &'static str> {
    let mut out = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (id, reason) = line
            .split_once('\t')
            .unwrap_or_else(|| panic!("{name}:{}: expected id<TAB>reason", n + 1));
        assert!(
            !reason.trim().is_empty(),
            "{name}:{}: {id} has no reason",
            n + 1
        );
        assert!(
            out.insert(id, reason).is_none(),
            "{name}:{}: {id} listed twice",
            n + 1
        );
    }
    out
}

/// Whether a `finding` error explains webpki's refusal `code`: the same code, or a more
/// precise one certdeps derives from it (which of the causes of an unknown issuer it is; a
/// signature that "does not verify" because the signer's key is refused).
fn explains(code: Code, finding: Code) -> bool {
    finding == code
        || match code {
            Code::IncompleteChain => matches!(finding, Code::SelfSigned | Code::UntrustedRoot),
            Code::BadSignature => finding == Code::UnsupportedAlgorithm,
            _ => false,
        }
}

#[derive(Default)]
struct Row {
    cases: usize,
    skipped: usize,
    limbo_agree: usize,
    limbo_disagree: usize,
    webpki_agree: usize,
    webpki_disagree: usize,
    panicked: usize,
}

impl Row {
    fn add(&mut self, other: &Self) {
        self.cases += other.cases;
        self.skipped += other.skipped;
        self.limbo_agree += other.limbo_agree;
        self.limbo_disagree += other.limbo_disagree;
        self.webpki_agree += other.webpki_agree;
        self.webpki_disagree += other.webpki_disagree;
        self.panicked += other.panicked;
    }
}

fn table(limbo: &Limbo, outcomes: &[Outcome]) -> String {
    let mut rows: BTreeMap<&str, Row> = BTreeMap::new();
    for (tc, outcome) in limbo.testcases.iter().zip(outcomes) {
        let row = rows.entry(tc.namespace()).or_default();
        row.cases += 1;
        match outcome {
            Outcome::Skipped(_) => row.skipped += 1,
            Outcome::Panicked(_) => row.panicked += 1,
            Outcome::Ran(ran) => {
                if ran.certdeps.trusted == (ran.expected == Expected::Success) {
                    row.limbo_agree += 1;
                } else {
                    row.limbo_disagree += 1;
                }
                if ran.certdeps.trusted == ran.webpki.is_ok() {
                    row.webpki_agree += 1;
                } else {
                    row.webpki_disagree += 1;
                }
            }
        }
    }
    let mut total = Row::default();
    let mut out = String::from(
        "| namespace | cases | skipped | limbo agree | limbo disagree | webpki agree | webpki disagree |\n\
         |---|---:|---:|---:|---:|---:|---:|\n",
    );
    for (ns, row) in &rows {
        total.add(row);
        let _ = writeln!(
            out,
            "| `{ns}` | {} | {} | {} | {} | {} | {} |",
            row.cases,
            row.skipped,
            row.limbo_agree,
            row.limbo_disagree,
            row.webpki_agree,
            row.webpki_disagree
        );
    }
    let _ = writeln!(
        out,
        "| **total** | {} | {} | {} | {} | {} | {} |",
        total.cases,
        total.skipped,
        total.limbo_agree,
        total.limbo_disagree,
        total.webpki_agree,
        total.webpki_disagree
    );
    let ran = total.limbo_agree + total.limbo_disagree;
    let pct = |n: usize| 100.0 * n as f64 / ran.max(1) as f64;
    let _ = writeln!(
        out,
        "\nran {ran} of {} (skipped {}, panicked {}): agree with limbo {}/{ran} ({:.2}%), \
         with webpki {}/{ran} ({:.2}%)",
        total.cases,
        total.skipped,
        total.panicked,
        total.limbo_agree,
        pct(total.limbo_agree),
        total.webpki_agree,
        pct(total.webpki_agree)
    );
    out
}

// ---- the tests -------------------------------------------------------------------------------

#[test]
fn limbo_conformance() {
    let limbo = match suite::load() {
        Ok(limbo) => limbo,
        Err(why) => {
            test_pki::tell(&format!("x509-limbo conformance skipped: {why}\n"));
            return;
        }
    };
    let exceptions = read_list("exceptions.tsv", EXCEPTIONS);
    let stricter = read_list("stricter.tsv", STRICTER);
    let (outcomes, wall) = run_suite(limbo);

    let ids: HashSet<&str> = limbo.testcases.iter().map(|t| t.id.as_str()).collect();
    let mut failures: Vec<String> = Vec::new();
    for (name, list) in [("exceptions.tsv", &exceptions), ("stricter.tsv", &stricter)] {
        for id in list.keys().filter(|id| !ids.contains(*id)) {
            failures.push(format!("{name}: {id} is not a testcase of this suite"));
        }
    }
    let mut skips: BTreeMap<&str, usize> = BTreeMap::new();
    let mut used_exceptions: HashSet<&str> = HashSet::new();
    let mut used_stricter: HashSet<&str> = HashSet::new();
    let mut slowest: Vec<(Duration, &str)> = Vec::new();
    for (tc, outcome) in limbo.testcases.iter().zip(&outcomes) {
        let id = tc.id.as_str();
        let ran = match outcome {
            Outcome::Skipped(reason) => {
                *skips.entry(reason).or_default() += 1;
                continue;
            }
            Outcome::Panicked(message) => {
                failures.push(format!("(c) {id} panicked: {message}"));
                continue;
            }
            Outcome::Ran(ran) => ran,
        };
        slowest.push((ran.elapsed, id));
        let answer = &ran.certdeps;
        let expected_success = ran.expected == Expected::Success;
        let detail = || {
            format!(
                "certdeps {} {:?}{}{}, webpki {}, limbo {:?}",
                if answer.trusted {
                    "trusted"
                } else {
                    "untrusted"
                },
                answer.codes,
                answer
                    .rejection
                    .as_ref()
                    .map(|r| format!(" [{r}]"))
                    .unwrap_or_default(),
                answer
                    .input_error
                    .as_ref()
                    .map(|e| format!(" [input error: {e}]"))
                    .unwrap_or_default(),
                match &ran.webpki {
                    Ok(()) => "trusted".to_owned(),
                    Err(e) => format!("untrusted ({e})"),
                },
                ran.expected
            )
        };
        // (a) certdeps against raw webpki.
        if answer.trusted != ran.webpki.is_ok() {
            let by_design = stricter.contains_key(id)
                && !answer.trusted
                && answer.leaf_key
                && !expected_success;
            if by_design {
                used_stricter.insert(id);
            } else {
                failures.push(format!(
                    "(a) {id}: certdeps disagrees with webpki: {}",
                    detail()
                ));
            }
        }
        // (b) certdeps against limbo.
        if answer.trusted != expected_success {
            if exceptions.contains_key(id) {
                used_exceptions.insert(id);
            } else {
                failures.push(format!(
                    "(b) {id}: certdeps disagrees with limbo and the case is not in \
                     exceptions.tsv: {}",
                    detail()
                ));
            }
        }
        // (d) the verdict and the findings tell the same story.
        let has_error = !answer.errors.is_empty() || answer.input_error.is_some();
        if answer.trusted && has_error {
            failures.push(format!(
                "(d) {id}: trusted with error findings: {}",
                detail()
            ));
        }
        if !answer.trusted && !has_error {
            failures.push(format!(
                "(d) {id}: untrusted without an error finding: {}",
                detail()
            ));
        }
        // (d) ... and never contradict webpki: the errors name webpki's reason (or a more
        // precise form of it), and when webpki's reason is not a malformed certificate, no
        // certificate webpki parses is called malformed.
        if let Some(code) = answer.rejection_code {
            if !answer.errors.iter().any(|e| explains(code, *e)) {
                failures.push(format!(
                    "(d) {id}: no error finding explains webpki's {code}: {}",
                    detail()
                ));
            }
        }
        let webpki_says_malformed = answer.rejection_code == Some(Code::MalformedCertificate);
        for (i, der) in answer.malformed.iter().filter(|_| !webpki_says_malformed) {
            let der = CertificateDer::from(der.as_slice());
            if webpki::EndEntityCert::try_from(&der).is_ok() {
                failures.push(format!(
                    "(d) {id}: certificate [{i}] is called malformed but webpki parses it: {}",
                    detail()
                ));
            }
        }
    }
    for id in exceptions
        .keys()
        .filter(|id| !used_exceptions.contains(*id))
    {
        failures.push(format!(
            "(b) exceptions.tsv: {id} no longer disagrees with limbo (or is skipped): remove it"
        ));
    }
    for id in stricter.keys().filter(|id| !used_stricter.contains(*id)) {
        failures.push(format!(
            "(a) stricter.tsv: {id} is not a leaf-key refusal that webpki accepts and limbo \
             rejects: remove it"
        ));
    }

    let mut summary = format!(
        "\nx509-limbo conformance ({} testcases, {:.1} s wall)\n\n{}",
        limbo.testcases.len(),
        wall.as_secs_f64(),
        table(limbo, &outcomes)
    );
    summary.push_str("\nskipped, by reason:\n");
    for (reason, n) in &skips {
        let _ = writeln!(summary, "  {n:5}  {reason}");
    }
    let mut categories: BTreeMap<&str, usize> = BTreeMap::new();
    for id in &used_exceptions {
        let category = exceptions[id].split(':').next().unwrap_or_default();
        *categories.entry(category).or_default() += 1;
    }
    let categories: Vec<String> = categories.iter().map(|(c, n)| format!("{c} {n}")).collect();
    let _ = writeln!(
        summary,
        "known divergences from limbo (exceptions.tsv): {} ({}); stricter than webpki by \
         design (stricter.tsv): {}",
        used_exceptions.len(),
        categories.join(", "),
        used_stricter.len()
    );
    slowest.sort_by_key(|b| std::cmp::Reverse(b.0));
    let slow: Vec<String> = slowest
        .iter()
        .take(5)
        .map(|(d, id)| format!("{id} {:.1} ms", d.as_secs_f64() * 1e3))
        .collect();
    let _ = writeln!(summary, "slowest cases: {}", slow.join(", "));
    let pathological: Vec<String> = slowest
        .iter()
        .filter(|(_, id)| id.starts_with("pathological::"))
        .map(|(d, id)| format!("{id} {:.1} ms", d.as_secs_f64() * 1e3))
        .collect();
    let _ = writeln!(summary, "pathological cases: {}", pathological.join(", "));
    test_pki::tell(&summary);
    if let Some(path) = std::env::var_os("LIMBO_REPORT") {
        let mut tsv = String::from("id\texpected\tcertdeps\twebpki\tcodes\trejection\tms\n");
        for (tc, outcome) in limbo.testcases.iter().zip(&outcomes) {
            let _ = match outcome {
                Outcome::Skipped(reason) => writeln!(
                    tsv,
                    "{}\t{:?}\tSKIPPED\t-\t-\t{reason}\t-",
                    tc.id, tc.expected_result
                ),
                Outcome::Panicked(message) => writeln!(
                    tsv,
                    "{}\t{:?}\tPANIC\t-\t-\t{message}\t-",
                    tc.id, tc.expected_result
                ),
                Outcome::Ran(ran) => writeln!(
                    tsv,
                    "{}\t{:?}\t{}\t{}\t{}\t{}\t{:.1}",
                    tc.id,
                    ran.expected,
                    if ran.certdeps.trusted {
                        "trusted"
                    } else {
                        "untrusted"
                    },
                    match &ran.webpki {
                        Ok(()) => "trusted".to_owned(),
                        Err(e) => e.clone(),
                    },
                    ran.certdeps
                        .codes
                        .iter()
                        .map(|c| c.as_str())
                        .collect::<Vec<_>>()
                        .join(","),
                    ran.certdeps
                        .rejection
                        .as_deref()
                        .or(ran.certdeps.input_error.as_deref())
                        .unwrap_or("-"),
                    ran.elapsed.as_secs_f64() * 1e3,
                ),
            };
        }
        if let Err(e) = std::fs::write(&path, tsv) {
            test_pki::tell(&format!(
                "LIMBO_REPORT: cannot write {}: {e}\n",
                path.to_string_lossy()
            ));
        }
    }

    assert!(
        failures.is_empty(),
        "{} conformance failure(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Diagnoses that must name the cause limbo's description gives: `(id, the error finding
/// code certdeps must report, the cause as the description states it)`. Ids from every
/// namespace whose descriptions say why a chain fails (`bettertls` descriptions do not, and
/// `online` cases all succeed); across the whole suite the conformance test separately checks
/// that the errors always explain webpki's own reason.
const DIAGNOSES: &[(&str, Code, &str)] = &[
    (
        "crl::revoked-certificate-with-crl",
        Code::Revoked,
        "revoked by the CA's CRL",
    ),
    (
        "cve::cve-2025-61727",
        Code::NameConstraints,
        "excluded subtree, wildcard SAN",
    ),
    (
        "cve::cve-2025-61727-nc-permits-variant",
        Code::NameConstraints,
        "outside permitted",
    ),
    (
        "invalid::invalid-issuer-key",
        Code::BadSignature,
        "issuer key does not verify",
    ),
    (
        "pathlen::intermediate-violates-pathlen-0",
        Code::PathLength,
        "pathlen:0 violated",
    ),
    (
        "pathlen::intermediate-pathlen-too-long",
        Code::PathLength,
        "pathlen:0 violated",
    ),
    (
        "pathological::intermediate-cycle-distinct-cas",
        Code::IncompleteChain,
        "no issuer up to the root",
    ),
    (
        "pathological::pathological-chain-same-subject-same-key",
        Code::UntrustedRoot,
        "self-signed ICA, not trusted",
    ),
    (
        "pathological::nc-dos-2",
        Code::NameConstraints,
        "name-constraint work limit",
    ),
    (
        "rfc5280::validity::expired-leaf",
        Code::Expired,
        "leaf expired",
    ),
    (
        "rfc5280::validity::expired-intermediate",
        Code::Expired,
        "intermediate expired",
    ),
    (
        "rfc5280::validity::expired-1-second",
        Code::Expired,
        "expired 1 s ago",
    ),
    (
        "rfc5280::validity::not-yet-valid-1-second",
        Code::NotYetValid,
        "valid 1 s later",
    ),
    (
        "rfc5280::validity::notbefore-fractional",
        Code::NotYetValid,
        "time floored to the second",
    ),
    (
        "rfc5280::eku::ee-wrong-eku",
        Code::WrongPurpose,
        "clientAuth only",
    ),
    (
        "rfc5280::eku::ee-eku-empty",
        Code::WrongPurpose,
        "empty EKU",
    ),
    (
        "rfc5280::nc::permitted-dns-mismatch",
        Code::NameConstraints,
        "SAN outside permitted dNSName",
    ),
    (
        "rfc5280::nc::excluded-ipv4-match",
        Code::NameConstraints,
        "SAN in excluded iPAddress",
    ),
    (
        "rfc5280::nc::excluded-dn-match",
        Code::NameConstraints,
        "excluded directoryName",
    ),
    (
        "rfc5280::nc::invalid-ipv4-address",
        Code::NameConstraints,
        "malformed iPAddress constraint",
    ),
    (
        "rfc5280::intermediate-ca-without-ca-bit",
        Code::NotACa,
        "issuer without cA",
    ),
    (
        "rfc5280::chain-untrusted-root",
        Code::UntrustedRoot,
        "root not in the trusted set",
    ),
    (
        "rfc5280::san::ip-in-dns",
        Code::NameMismatch,
        "IP address as a dNSName",
    ),
    (
        "rfc5280::unknown-critical-extension-ee",
        Code::MalformedCertificate,
        "unknown critical extension",
    ),
    (
        "webpki::san::mismatch-domain-san",
        Code::NameMismatch,
        "SAN for another domain",
    ),
    (
        "webpki::san::wildcard-match-across-labels-san",
        Code::NameMismatch,
        "wildcard spans labels",
    ),
    ("webpki::san::no-san", Code::NameMismatch, "no SAN, CN only"),
    (
        "webpki::san::unicode-emoji-san",
        Code::NameMismatch,
        "U-label SAN vs A-label name",
    ),
    (
        "webpki::cryptographydotio-chain-missing-intermediate",
        Code::IncompleteChain,
        "intermediate not sent",
    ),
    (
        "webpki::forbidden-weak-rsa-key-in-root",
        Code::UnsupportedAlgorithm,
        "RSA-1024 root",
    ),
    (
        "webpki::forbidden-dsa-root",
        Code::UnsupportedAlgorithm,
        "DSA root",
    ),
    (
        "webpki::forbidden-p192-leaf",
        Code::UnsupportedAlgorithm,
        "P-192 leaf key",
    ),
    (
        "webpki::forbidden-weak-rsa-in-leaf",
        Code::UnsupportedAlgorithm,
        "RSA-1024 leaf key",
    ),
    (
        "webpki::explicit-curve",
        Code::UnsupportedAlgorithm,
        "explicit EC parameters",
    ),
    (
        "webpki::ca-as-leaf",
        Code::CaUsedAsLeaf,
        "CA certificate as the leaf",
    ),
    (
        "webpki::ee-basicconstraints-ca",
        Code::CaUsedAsLeaf,
        "leaf with cA=TRUE",
    ),
];

/// The namespaces whose descriptions say why a chain fails; each needs a row in [`DIAGNOSES`].
const DIAGNOSED_NAMESPACES: &[&str] = &[
    "crl",
    "cve",
    "invalid",
    "pathlen",
    "pathological",
    "rfc5280",
    "webpki",
];

#[test]
fn limbo_diagnoses_name_the_cause() {
    let limbo = match suite::load() {
        Ok(limbo) => limbo,
        Err(why) => {
            test_pki::tell(&format!("x509-limbo diagnoses skipped: {why}\n"));
            return;
        }
    };
    let by_id: HashMap<&str, &Testcase> =
        limbo.testcases.iter().map(|t| (t.id.as_str(), t)).collect();
    let mut failures = Vec::new();
    let mut namespaces = HashSet::new();
    for &(id, code, cause) in DIAGNOSES {
        assert_eq!(
            code.severity(),
            Severity::Error,
            "{id}: {code} is not an error"
        );
        let Some(tc) = by_id.get(id) else {
            failures.push(format!("{id}: not in the suite"));
            continue;
        };
        namespaces.insert(tc.namespace());
        // A case skipped only for a requirement certdeps does not apply (a key usage) still
        // has a chain to explain.
        let skip = skip_reason(tc);
        assert!(
            skip.is_none() || skip == Some(SKIP_KEY_USAGE),
            "{id} is skipped by the harness: {skip:?}"
        );
        assert_eq!(tc.expected_result, Expected::Failure, "{id} ({cause})");
        let at = suite::validation_time(tc).unwrap_or_else(|e| panic!("{id}: {e}"));
        let answer = certdeps_answer(tc, at, false);
        if answer.trusted || !answer.errors.contains(&code) {
            failures.push(format!(
                "{id} ({cause}): expected error {code}, got {} with errors {:?} [{}]",
                if answer.trusted {
                    "trusted"
                } else {
                    "untrusted"
                },
                answer.errors,
                answer.rejection.as_deref().unwrap_or("-")
            ));
        }
    }
    for ns in DIAGNOSED_NAMESPACES {
        assert!(namespaces.contains(ns), "no diagnosis case from {ns}");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Prints certdeps' full report for the ids in `$LIMBO_SHOW` (comma-separated):
/// `LIMBO_SHOW=id,id cargo test --test limbo show -- --ignored --nocapture`.
#[test]
#[ignore = "a debugging aid: prints reports for the ids in $LIMBO_SHOW"]
fn show() {
    let Ok(limbo) = suite::load() else { return };
    let wanted = std::env::var("LIMBO_SHOW").unwrap_or_default();
    for id in wanted.split(',').filter(|s| !s.is_empty()) {
        let Some(tc) = limbo.testcases.iter().find(|t| t.id == id) else {
            println!("{id}: not in the suite");
            continue;
        };
        println!("{id}: skip {:?}\n{}", skip_reason(tc), tc.description);
        let at = suite::validation_time(tc).unwrap_or_else(|e| panic!("{id}: {e}"));
        let answer = certdeps_answer(tc, at, true);
        println!("{answer:?}\nwebpki: {:?}\n", raw_webpki(tc, at));
    }
}
