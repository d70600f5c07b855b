//! Named scenarios: one server configuration per finding code (and healthy ones), each with
//! the exact set of codes certdeps must report, run through certdeps and through raw
//! rustls-webpki.
//!
//! Every module of this binary takes its scenarios from here, so [`crate::differential`] can
//! run [`all`] of them through both verifiers. [`Scenario::run`] asserts, on every
//! report, the invariants of the design through one `#[track_caller]` helper:
//!
//! - untrusted => at least one error finding; trusted => no error finding;
//! - the verdict equals raw webpki's (`EndEntityCert::try_from` + `verify_for_usage` with
//!   the same anchors, intermediates, CRLs, time and `KeyUsage::server_auth()`, then
//!   `verify_is_valid_for_subject_name`), except where certdeps is documented to be
//!   stricter: a leaf key rustls cannot use at the handshake (ARCHITECTURE.md, "Invariants");
//! - every finding's remediation begins with its actor's words ([`certdeps::Actor::words`]),
//!   and it has its code's severity and a valid certificate index;
//! - the codes are exactly the scenario's expected codes.

use std::time::Duration;

use certdeps::{
    Budget, CertificateRevocationListDer, Code, Description, Endpoint, Finding, Pool, Report,
    Severity, TrustStore, UnixTime, Verifier,
};
use pki_types::{CertificateDer, ServerName};
use test_pki::{
    Ca, CaKind, CertSpec, Chain, DAY, Eku, KeyType, NOW, forged_leaf, now, self_signed_leaf,
};
use webpki::{RevocationOptionsBuilder, UnknownStatusPolicy};

/// The host most scenarios are checked for.
pub(crate) const HOST: &str = "mail.contoso.test";

/// Who a remediation must address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Who {
    /// "server operator"
    Server,
    /// "client owner"
    Client,
    /// both are named (either may act).
    Both,
}

/// One server configuration and what certdeps must say about it.
#[derive(Clone, Debug)]
pub(crate) struct Scenario {
    /// Kebab-case name, unique in [`all`].
    pub(crate) name: &'static str,
    /// What the server sends, in its order.
    pub(crate) presented: Vec<CertificateDer<'static>>,
    /// The anchors of the one custom trust store.
    pub(crate) roots: Vec<CertificateDer<'static>>,
    /// The intermediate pool (empty = none configured).
    pub(crate) pool: Vec<CertificateDer<'static>>,
    /// CRLs given to the verifier.
    pub(crate) crls: Vec<CertificateRevocationListDer<'static>>,
    /// The endpoint URL or host; `None` checks the chain alone.
    pub(crate) host: Option<String>,
    /// Verification time.
    pub(crate) at: UnixTime,
    /// Assembly budget, when not the default.
    pub(crate) budget: Option<Budget>,
    /// Whether a strict client trusts it.
    pub(crate) trusted: bool,
    /// Exactly the codes the report must hold (any order, each at least once).
    pub(crate) codes: Vec<Code>,
    /// certdeps is stricter than raw webpki here (the leaf-key case).
    pub(crate) stricter: bool,
}

impl Scenario {
    /// A scenario for `presented` against `roots`, checked for [`HOST`] at [`now`], expected
    /// trusted with no finding until told otherwise.
    pub(crate) fn new(
        name: &'static str,
        presented: Vec<CertificateDer<'static>>,
        roots: Vec<CertificateDer<'static>>,
    ) -> Self {
        Self {
            name,
            presented,
            roots,
            pool: Vec::new(),
            crls: Vec::new(),
            host: Some(HOST.to_owned()),
            at: now(),
            budget: None,
            trusted: true,
            codes: Vec::new(),
            stricter: false,
        }
    }

    /// Expect an untrusted verdict with exactly these codes.
    pub(crate) fn untrusted(mut self, codes: &[Code]) -> Self {
        self.trusted = false;
        self.codes = codes.to_vec();
        self
    }

    /// Expect a trusted verdict with exactly these (warning/info) codes.
    pub(crate) fn trusted(mut self, codes: &[Code]) -> Self {
        self.trusted = true;
        self.codes = codes.to_vec();
        self
    }

    /// Check for this host (or URL) instead of [`HOST`].
    pub(crate) fn host(mut self, host: &str) -> Self {
        self.host = Some(host.to_owned());
        self
    }

    /// Configure an intermediate pool.
    pub(crate) fn pool(mut self, pool: Vec<CertificateDer<'static>>) -> Self {
        self.pool = pool;
        self
    }

    /// Configure CRLs.
    pub(crate) fn crls(mut self, crls: Vec<CertificateRevocationListDer<'static>>) -> Self {
        self.crls = crls;
        self
    }

    /// Configure the assembly budget.
    pub(crate) fn budget(mut self, budget: Budget) -> Self {
        self.budget = Some(budget);
        self
    }

    /// certdeps refuses what raw webpki accepts (documented leaf-key case).
    pub(crate) fn stricter(mut self) -> Self {
        self.stricter = true;
        self
    }

    /// The verifier this scenario configures.
    pub(crate) fn verifier(&self) -> Verifier {
        let store = TrustStore::from_certificates("custom", self.roots.clone())
            .unwrap_or_else(|e| panic!("{}: bad root: {e}", self.name));
        let mut builder = Verifier::builder(store).with_crls(self.crls.clone());
        if !self.pool.is_empty() {
            let mut pool = Pool::new();
            pool.extend(self.pool.clone());
            builder = builder.with_intermediates(pool);
        }
        if let Some(budget) = self.budget {
            builder = builder.with_budget(budget);
        }
        builder
            .build()
            .unwrap_or_else(|e| panic!("{}: {e}", self.name))
    }

    /// The endpoint, when there is a host.
    pub(crate) fn endpoint(&self) -> Option<Endpoint> {
        self.host.as_deref().map(|h| {
            Endpoint::parse(h).unwrap_or_else(|e| panic!("{}: bad host {h}: {e}", self.name))
        })
    }

    /// The report, without any assertion.
    pub(crate) fn report(&self) -> Report {
        let verifier = self.verifier();
        match self.endpoint() {
            Some(endpoint) => verifier.check(&endpoint, &self.presented, self.at),
            None => verifier.check_chain(&self.presented, self.at),
        }
    }

    /// The report, after asserting every invariant and the expected codes.
    #[track_caller]
    pub(crate) fn run(&self) -> Report {
        let report = self.report();
        assert_invariants(self, &report);
        report
    }

    /// Raw rustls-webpki on the same input, as a rustls client configured with the same
    /// anchors and CRLs does it.
    pub(crate) fn raw_webpki(&self) -> Result<(), String> {
        let anchors: Vec<_> = self
            .roots
            .iter()
            .map(|r| webpki::anchor_from_trusted_cert(r).map(|a| a.to_owned()))
            .collect::<Result<_, _>>()
            .map_err(|e| format!("anchor: {e:?}"))?;
        let crls: Vec<webpki::CertRevocationList<'_>> = self
            .crls
            .iter()
            .map(|c| webpki::OwnedCertRevocationList::from_der(c.as_ref()).map(Into::into))
            .collect::<Result<_, _>>()
            .map_err(|e| format!("crl: {e:?}"))?;
        let crl_refs: Vec<&webpki::CertRevocationList<'_>> = crls.iter().collect();
        let revocation = RevocationOptionsBuilder::new(&crl_refs)
            .ok()
            .map(|b| b.with_status_policy(UnknownStatusPolicy::Allow).build());
        let name: Option<ServerName<'_>> = self.endpoint().map(|e| e.server_name());
        oracle::raw_webpki(
            &self.presented,
            &anchors,
            name.as_ref(),
            revocation,
            self.at,
        )
        .map_err(|e| format!("{e:?}"))
    }
}

/// Asserts the design's invariants on `report`, and that its codes are `scenario.codes`.
#[track_caller]
pub(crate) fn assert_invariants(scenario: &Scenario, report: &Report) {
    let name = scenario.name;
    let errors = report.errors().count();
    if report.is_trusted() {
        assert_eq!(errors, 0, "{name}: trusted yet error findings:\n{report}");
    } else {
        assert!(
            errors > 0,
            "{name}: untrusted without an error finding:\n{report}"
        );
    }
    // Differential: the verdict is webpki's (plus the documented leaf-key check).
    let raw = scenario.raw_webpki();
    match (&raw, report.is_trusted()) {
        (Ok(()), true) | (Err(_), false) => {
            assert!(
                !scenario.stricter,
                "{name}: marked stricter, but verdicts agree"
            );
        }
        (Ok(()), false) => {
            let rejection = report
                .verdict()
                .rejection()
                .expect("untrusted has a rejection");
            assert!(
                scenario.stricter && rejection.leaf_key.is_some(),
                "{name}: webpki accepts, certdeps refuses ({rejection:?}):\n{report}"
            );
        }
        (Err(e), true) => panic!("{name}: webpki refuses ({e}), certdeps trusts:\n{report}"),
    }
    assert_eq!(
        report.is_trusted(),
        scenario.trusted,
        "{name}: verdict (webpki: {raw:?}):\n{report}"
    );
    // Every finding: its code's severity, a real index, someone to act, the order.
    for f in report.findings() {
        assert_eq!(f.severity, f.code.severity(), "{name}: {f}");
        if let Some(i) = f.certificate {
            assert!(
                i < scenario.presented.len(),
                "{name}: index out of range: {f}"
            );
        }
        assert!(!f.message().is_empty(), "{name}: empty message: {f:?}");
        let addressed = format!("{}: ", f.actor().words());
        assert!(
            f.remediation().starts_with(&addressed),
            "{name}: remediation does not begin with its actor ({}): {f}",
            f.actor()
        );
    }
    let severities: Vec<Severity> = report.findings().iter().map(|f| f.severity).collect();
    let mut sorted = severities.clone();
    sorted.sort();
    assert_eq!(
        severities, sorted,
        "{name}: findings not most severe first:\n{report}"
    );
    // Exactly the expected codes.
    let mut got = report.codes();
    got.sort();
    got.dedup();
    let mut want = scenario.codes.clone();
    want.sort();
    want.dedup();
    assert_eq!(got, want, "{name}: codes:\n{report}");
    // The human form always renders.
    let text = report.to_string();
    assert!(text.contains(if report.is_trusted() {
        "TRUSTED"
    } else {
        "NOT TRUSTED"
    }));
}

/// Asserts that `report` holds a finding with `code` for certificate `index`, with
/// the code's own severity ([`Code::severity`]), a message containing every string of `names` (the subjects involved), and a
/// remediation addressed to `who`; returns it.
#[track_caller]
pub(crate) fn assert_finding<'r>(
    report: &'r Report,
    code: Code,
    index: Option<usize>,
    names: &[&str],
    who: Who,
) -> &'r Finding {
    let finding = report
        .findings()
        .iter()
        .find(|f| f.code == code && f.certificate == index)
        .unwrap_or_else(|| {
            panic!(
                "no `{code}` finding for certificate {index:?}; got {:?}:\n{report}",
                report.codes()
            )
        });
    assert_eq!(finding.severity, code.severity(), "{finding}");
    for name in names {
        assert!(
            finding.message().contains(name),
            "message lacks {name:?}: {finding}"
        );
    }
    let server = finding.remediation().contains("server operator");
    let client = finding.remediation().contains("client owner");
    match who {
        Who::Server => assert!(
            server,
            "remediation does not address the server operator: {finding}"
        ),
        Who::Client => assert!(
            client,
            "remediation does not address the client owner: {finding}"
        ),
        Who::Both => assert!(
            server && client,
            "remediation does not address both: {finding}"
        ),
    }
    finding
}

/// Asserts that no finding has `code`.
#[track_caller]
pub(crate) fn assert_no(report: &Report, code: Code) {
    assert!(!report.has(code), "unexpected `{code}`:\n{report}");
}

/// The leaf's subject as reports write it.
pub(crate) fn cn(name: &str) -> String {
    format!("CN={name}")
}

/// SHA-256 of a certificate, lowercase hex.
pub(crate) fn sha256_hex(der: &CertificateDer<'_>) -> String {
    Description::new(der).expect("parses").sha256
}

/// Seconds since the epoch as a [`UnixTime`].
pub(crate) fn at(secs: u64) -> UnixTime {
    UnixTime::since_unix_epoch(Duration::from_secs(secs))
}

/// A leaf spec for [`HOST`].
pub(crate) fn leaf_spec() -> CertSpec {
    CertSpec::leaf(&[HOST])
}

/// Bytes that are not a certificate.
pub(crate) fn garbage() -> CertificateDer<'static> {
    CertificateDer::from(vec![0x30, 0x03, 0x02, 0x01, 0x05])
}

/// A chain root -> `n` intermediates -> leaf; returns (root, presented leaf-first).
pub(crate) fn long_chain(n: usize) -> (Ca, Vec<CertificateDer<'static>>) {
    let root = Ca::root("certdeps Long Root");
    let mut cas: Vec<Ca> = Vec::new();
    for i in 0..n {
        let next = match cas.last() {
            Some(parent) => parent.intermediate(&format!("certdeps Long Intermediate {i}")),
            None => root.intermediate(&format!("certdeps Long Intermediate {i}")),
        };
        cas.push(next);
    }
    let leaf = cas.last().unwrap_or(&root).leaf(&[HOST]);
    let mut presented = vec![leaf];
    presented.extend(cas.iter().rev().map(|c| c.der().clone()));
    (root, presented)
}

// ---- the scenarios ------------------------------------------------------------------------

/// Subject CN of [`Pki`]'s root.
pub(crate) const ROOT: &str = "Contoso Root CA";
/// Subject CN of [`Pki`]'s intermediate.
pub(crate) const INTER: &str = "Contoso Issuing CA";
/// Where [`INTER`] can be downloaded, as the leaf of [`incomplete_chain`] says.
pub(crate) const AIA_URL: &str = "http://pki.contoso.test/issuing.crt";

/// A private PKI: root -> intermediate, with recognisable names.
pub(crate) struct Pki {
    /// "Contoso Root CA".
    pub(crate) root: Ca,
    /// "Contoso Issuing CA", issued by the root.
    pub(crate) inter: Ca,
}

impl Pki {
    /// A fresh root and intermediate.
    pub(crate) fn new() -> Self {
        let root = Ca::root(ROOT);
        let inter = root.intermediate(INTER);
        Self { root, inter }
    }

    /// A fresh root and an intermediate made from `spec`.
    pub(crate) fn with_inter(spec: CertSpec) -> Self {
        let root = Ca::root(ROOT);
        let inter = root.intermediate_with(spec);
        Self { root, inter }
    }

    /// A healthy leaf for [`HOST`].
    pub(crate) fn leaf(&self) -> CertificateDer<'static> {
        self.inter.leaf(&[HOST])
    }

    /// `[leaf, intermediate]`.
    pub(crate) fn served(&self, leaf: CertificateDer<'static>) -> Vec<CertificateDer<'static>> {
        vec![leaf, self.inter.der().clone()]
    }

    /// The root, as the only anchor.
    pub(crate) fn roots(&self) -> Vec<CertificateDer<'static>> {
        vec![self.root.der().clone()]
    }
}

/// An unrelated root to trust instead of a scenario's own (a private root no store holds).
pub(crate) fn other_root() -> CertificateDer<'static> {
    Ca::root("Fabrikam Root CA").der().clone()
}

/// root -> intermediate -> leaf, served as [leaf, intermediate]: trusted, nothing to say.
pub(crate) fn healthy() -> Scenario {
    let pki = Pki::new();
    Scenario::new("healthy", pki.served(pki.leaf()), pki.roots())
}

/// An IP endpoint against an iPAddress SAN.
pub(crate) fn healthy_ip() -> Scenario {
    let pki = Pki::new();
    let leaf = pki.inter.leaf(&["192.0.2.10"]);
    Scenario::new("healthy-ip", pki.served(leaf), pki.roots()).host("https://192.0.2.10/api")
}

/// A wildcard SAN covering the host.
pub(crate) fn healthy_wildcard() -> Scenario {
    let pki = Pki::new();
    let leaf = pki.inter.leaf(&["*.contoso.test"]);
    Scenario::new("healthy-wildcard", pki.served(leaf), pki.roots())
}

/// Other key types rustls accepts.
pub(crate) fn healthy_key_types() -> Vec<Scenario> {
    let names = [
        (KeyType::EcdsaP384, "healthy-p384"),
        (KeyType::Ed25519, "healthy-ed25519"),
        (KeyType::Rsa2048, "healthy-rsa2048"),
    ];
    names
        .into_iter()
        .map(|(key, name)| {
            let chain = Chain::new(key, HOST);
            Scenario::new(name, chain.presented(), vec![chain.root.der().clone()])
        })
        .collect()
}

/// No endpoint: the chain alone.
pub(crate) fn healthy_no_host() -> Scenario {
    let pki = Pki::new();
    let mut s = Scenario::new("healthy-no-host", pki.served(pki.leaf()), pki.roots());
    s.host = None;
    s
}

/// A pool is configured but not needed.
pub(crate) fn healthy_pool_unused() -> Scenario {
    let pki = Pki::new();
    let pool = vec![pki.inter.der().clone()];
    Scenario::new("healthy-pool-unused", pki.served(pki.leaf()), pki.roots()).pool(pool)
}

/// CRLs from both CAs, revoking something else.
pub(crate) fn healthy_crls() -> Scenario {
    let pki = Pki::new();
    let crls = vec![pki.inter.crl(&[999]), pki.root.crl(&[998])];
    Scenario::new("healthy-crls", pki.served(pki.leaf()), pki.roots()).crls(crls)
}

/// An intermediate whose name constraints permit the host.
pub(crate) fn healthy_name_constraints() -> Scenario {
    let pki = Pki::with_inter(CertSpec {
        permitted_dns: vec!["contoso.test".to_owned()],
        ..CertSpec::ca(INTER)
    });
    Scenario::new(
        "healthy-name-constraints",
        pki.served(pki.leaf()),
        pki.roots(),
    )
}

/// pathLenConstraint 1 with one intermediate below: allowed.
pub(crate) fn healthy_path_len() -> Scenario {
    let root = Ca::root(ROOT);
    let upper = root.intermediate_with(CertSpec {
        ca: CaKind::PathLen(1),
        ..CertSpec::ca("Contoso Policy CA")
    });
    let lower = upper.intermediate(INTER);
    let presented = vec![
        lower.leaf(&[HOST]),
        lower.der().clone(),
        upper.der().clone(),
    ];
    Scenario::new("healthy-path-len", presented, vec![root.der().clone()])
}

/// A self-signed leaf that the client trusts as an anchor (pinned).
pub(crate) fn healthy_self_signed_trusted() -> Scenario {
    let leaf = self_signed_leaf(&[HOST]);
    Scenario::new(
        "healthy-self-signed-trusted",
        vec![leaf.clone()],
        vec![leaf],
    )
}

/// Expires in 31 days: outside the 30-day horizon.
pub(crate) fn healthy_renewal_margin() -> Scenario {
    let pki = Pki::new();
    let leaf = pki.inter.leaf_with(CertSpec {
        not_after: NOW + 31 * DAY,
        ..leaf_spec()
    });
    Scenario::new("healthy-renewal-margin", pki.served(leaf), pki.roots())
}

/// serverAuth among other purposes.
pub(crate) fn healthy_multi_eku() -> Scenario {
    let pki = Pki::new();
    let leaf = pki.inter.leaf_with(CertSpec {
        eku: vec![Eku::ServerAuth, Eku::ClientAuth],
        ..leaf_spec()
    });
    Scenario::new("healthy-multi-eku", pki.served(leaf), pki.roots())
}

/// Every healthy scenario.
pub(crate) fn healthy_all() -> Vec<Scenario> {
    let mut out = vec![
        healthy(),
        healthy_ip(),
        healthy_wildcard(),
        healthy_no_host(),
        healthy_pool_unused(),
        healthy_crls(),
        healthy_name_constraints(),
        healthy_path_len(),
        healthy_self_signed_trusted(),
        healthy_renewal_margin(),
        healthy_multi_eku(),
        healthy_six_intermediates(),
        healthy_anchor_cross_sign(),
    ];
    out.extend(healthy_key_types());
    out
}

/// The leaf only; its AIA says where the intermediate is.
pub(crate) fn incomplete_chain() -> Scenario {
    let pki = Pki::new();
    let leaf = pki.inter.leaf_with(CertSpec {
        aia_ca_issuers: vec![AIA_URL.to_owned()],
        ..leaf_spec()
    });
    Scenario::new("incomplete-chain", vec![leaf], pki.roots()).untrusted(&[Code::IncompleteChain])
}

/// The leaf only; the pool holds the missing intermediate (and something unrelated).
pub(crate) fn incomplete_chain_pool() -> (Scenario, CertificateDer<'static>) {
    let pki = Pki::new();
    let unrelated = Pki::new().inter.der().clone();
    let inter = pki.inter.der().clone();
    let s = Scenario::new("incomplete-chain-pool", vec![pki.leaf()], pki.roots())
        .pool(vec![unrelated, inter.clone()])
        .untrusted(&[Code::IncompleteChain]);
    (s, inter)
}

/// The leaf only; the pool does not have the intermediate.
pub(crate) fn incomplete_chain_pool_misses() -> Scenario {
    let pki = Pki::new();
    let unrelated = Pki::new().inter.der().clone();
    Scenario::new(
        "incomplete-chain-pool-misses",
        vec![pki.leaf()],
        pki.roots(),
    )
    .pool(vec![unrelated])
    .untrusted(&[Code::IncompleteChain])
}

/// root -> policy CA -> issuing CA -> leaf, served without the policy CA.
pub(crate) fn incomplete_chain_deep() -> Scenario {
    let root = Ca::root(ROOT);
    let upper = root.intermediate("Contoso Policy CA");
    let lower = upper.intermediate(INTER);
    let presented = vec![lower.leaf(&[HOST]), lower.der().clone()];
    Scenario::new("incomplete-chain-deep", presented, vec![root.der().clone()])
        .untrusted(&[Code::IncompleteChain])
}

/// The server sends an intermediate, but not the one that issued its leaf.
pub(crate) fn incomplete_chain_wrong_intermediate() -> Scenario {
    let pki = Pki::new();
    let wrong = Ca::root("Fabrikam Root CA")
        .intermediate("Fabrikam Issuing CA")
        .der()
        .clone();
    Scenario::new(
        "incomplete-chain-wrong-intermediate",
        vec![pki.leaf(), wrong],
        pki.roots(),
    )
    .untrusted(&[Code::IncompleteChain, Code::ExtraCertificates])
}

/// A private PKI served without its root, which the client does not trust.
pub(crate) fn incomplete_chain_private_root() -> Scenario {
    let pki = Pki::new();
    Scenario::new(
        "incomplete-chain-private-root",
        pki.served(pki.leaf()),
        vec![other_root()],
    )
    .untrusted(&[Code::IncompleteChain])
}

/// A self-signed leaf nothing vouches for.
pub(crate) fn self_signed() -> Scenario {
    Scenario::new(
        "self-signed",
        vec![self_signed_leaf(&[HOST])],
        vec![other_root()],
    )
    .untrusted(&[Code::SelfSigned])
}

/// A complete private chain, root included, that the client does not trust.
pub(crate) fn untrusted_root() -> Scenario {
    let pki = Pki::new();
    let presented = vec![pki.leaf(), pki.inter.der().clone(), pki.root.der().clone()];
    Scenario::new("untrusted-root", presented, vec![other_root()]).untrusted(&[Code::UntrustedRoot])
}

/// The leaf only; the pool completes it, but to a root the client does not trust.
pub(crate) fn untrusted_root_via_pool() -> Scenario {
    let pki = Pki::new();
    let pool = vec![pki.inter.der().clone(), pki.root.der().clone()];
    Scenario::new(
        "untrusted-root-via-pool",
        vec![pki.leaf()],
        vec![other_root()],
    )
    .pool(pool)
    .untrusted(&[Code::IncompleteChain, Code::UntrustedRoot])
}

/// A private PKI served without its root, which only the intermediate pool holds: the pool
/// shows the missing issuer is a root, which the client owner must import.
pub(crate) fn untrusted_root_in_pool() -> Scenario {
    let pki = Pki::new();
    Scenario::new(
        "untrusted-root-in-pool",
        pki.served(pki.leaf()),
        vec![other_root()],
    )
    .pool(pki.roots())
    .untrusted(&[Code::UntrustedRoot])
}

/// The host is not among the SANs.
pub(crate) fn name_mismatch() -> Scenario {
    let pki = Pki::new();
    let leaf = pki.inter.leaf(&[HOST, "autodiscover.contoso.test"]);
    Scenario::new("name-mismatch", pki.served(leaf), pki.roots())
        .host("https://owa.contoso.test/owa")
        .untrusted(&[Code::NameMismatch])
}

/// Only the subject CN names the host.
pub(crate) fn name_mismatch_cn_only() -> Scenario {
    let pki = Pki::new();
    let leaf = pki.inter.leaf_with(CertSpec {
        cn: HOST.to_owned(),
        ..CertSpec::leaf(&["www.contoso.test"])
    });
    Scenario::new("name-mismatch-cn-only", pki.served(leaf), pki.roots())
        .untrusted(&[Code::NameMismatch])
}

/// No SAN at all, only a CN.
pub(crate) fn name_mismatch_no_san() -> Scenario {
    let pki = Pki::new();
    let leaf = pki.inter.leaf_with(CertSpec {
        cn: HOST.to_owned(),
        ..CertSpec::leaf(&[])
    });
    Scenario::new("name-mismatch-no-san", pki.served(leaf), pki.roots())
        .untrusted(&[Code::NameMismatch])
}

/// An IP endpoint against a DNS-only certificate.
pub(crate) fn name_mismatch_ip() -> Scenario {
    let pki = Pki::new();
    Scenario::new("name-mismatch-ip", pki.served(pki.leaf()), pki.roots())
        .host("192.0.2.10:8443")
        .untrusted(&[Code::NameMismatch])
}

/// The leaf expired three days ago.
pub(crate) fn expired() -> Scenario {
    let pki = Pki::new();
    let leaf = pki.inter.leaf_with(CertSpec {
        not_after: NOW - 3 * DAY,
        ..leaf_spec()
    });
    Scenario::new("expired", pki.served(leaf), pki.roots()).untrusted(&[Code::Expired])
}

/// The intermediate expired yesterday.
pub(crate) fn expired_intermediate() -> Scenario {
    let pki = Pki::with_inter(CertSpec {
        not_after: NOW - DAY,
        ..CertSpec::ca(INTER)
    });
    Scenario::new("expired-intermediate", pki.served(pki.leaf()), pki.roots())
        .untrusted(&[Code::Expired])
}

/// The leaf becomes valid in two days.
pub(crate) fn not_yet_valid() -> Scenario {
    let pki = Pki::new();
    let leaf = pki.inter.leaf_with(CertSpec {
        not_before: NOW + 2 * DAY,
        ..leaf_spec()
    });
    Scenario::new("not-yet-valid", pki.served(leaf), pki.roots()).untrusted(&[Code::NotYetValid])
}

/// Two problems at once: webpki stops at the first, certdeps reports both.
pub(crate) fn expired_and_incomplete() -> Scenario {
    let pki = Pki::new();
    let leaf = pki.inter.leaf_with(CertSpec {
        not_after: NOW - 3 * DAY,
        ..leaf_spec()
    });
    Scenario::new("expired-and-incomplete", vec![leaf], pki.roots())
        .untrusted(&[Code::Expired, Code::IncompleteChain])
}

/// A client-authentication certificate served by a server.
pub(crate) fn wrong_purpose() -> Scenario {
    let pki = Pki::new();
    let leaf = pki.inter.leaf_with(CertSpec {
        eku: vec![Eku::ClientAuth],
        ..leaf_spec()
    });
    Scenario::new("wrong-purpose", pki.served(leaf), pki.roots()).untrusted(&[Code::WrongPurpose])
}

/// An intermediate restricted to client authentication.
pub(crate) fn wrong_purpose_intermediate() -> Scenario {
    let pki = Pki::with_inter(CertSpec {
        eku: vec![Eku::ClientAuth],
        ..CertSpec::ca(INTER)
    });
    Scenario::new(
        "wrong-purpose-intermediate",
        pki.served(pki.leaf()),
        pki.roots(),
    )
    .untrusted(&[Code::WrongPurpose])
}

/// The leaf was issued by an end-entity certificate.
pub(crate) fn not_a_ca() -> Scenario {
    let pki = Pki::with_inter(CertSpec {
        ca: CaKind::No,
        ..CertSpec::ca(INTER)
    });
    Scenario::new("not-a-ca", pki.served(pki.leaf()), pki.roots()).untrusted(&[Code::NotACa])
}

/// pathLenConstraint 0 on the upper intermediate, yet another intermediate below it.
pub(crate) fn path_length() -> Scenario {
    let root = Ca::root(ROOT);
    let upper = root.intermediate_with(CertSpec {
        ca: CaKind::PathLen(0),
        ..CertSpec::ca("Contoso Policy CA")
    });
    let lower = upper.intermediate(INTER);
    let presented = vec![
        lower.leaf(&[HOST]),
        lower.der().clone(),
        upper.der().clone(),
    ];
    Scenario::new("path-length", presented, vec![root.der().clone()]).untrusted(&[Code::PathLength])
}

/// The intermediate may only certify names under fabrikam.test.
pub(crate) fn name_constraints() -> Scenario {
    let pki = Pki::with_inter(CertSpec {
        permitted_dns: vec!["fabrikam.test".to_owned()],
        ..CertSpec::ca(INTER)
    });
    Scenario::new("name-constraints", pki.served(pki.leaf()), pki.roots())
        .untrusted(&[Code::NameConstraints])
}

/// The intermediate excludes contoso.test.
pub(crate) fn name_constraints_excluded() -> Scenario {
    let pki = Pki::with_inter(CertSpec {
        excluded_dns: vec!["contoso.test".to_owned()],
        ..CertSpec::ca(INTER)
    });
    Scenario::new(
        "name-constraints-excluded",
        pki.served(pki.leaf()),
        pki.roots(),
    )
    .untrusted(&[Code::NameConstraints])
}

/// The leaf names the intermediate as issuer, but another key signed it.
pub(crate) fn bad_signature() -> Scenario {
    let pki = Pki::new();
    let forged = forged_leaf(&pki.inter, &[HOST]);
    Scenario::new("bad-signature", pki.served(forged), pki.roots()).untrusted(&[Code::BadSignature])
}

/// The client trusts a root with the right name but another key (a re-keyed root).
pub(crate) fn bad_signature_rekeyed_root() -> Scenario {
    let pki = Pki::new();
    let rekeyed = Ca::root(ROOT).der().clone();
    Scenario::new(
        "bad-signature-rekeyed-root",
        pki.served(pki.leaf()),
        vec![rekeyed],
    )
    .untrusted(&[Code::BadSignature])
}

/// An RSA-1024 leaf: webpki accepts the chain, rustls cannot use the key.
pub(crate) fn unsupported_leaf_key() -> Scenario {
    let pki = Pki::new();
    let leaf = pki.inter.leaf_with(CertSpec {
        key: KeyType::Rsa1024,
        ..leaf_spec()
    });
    Scenario::new("unsupported-leaf-key", pki.served(leaf), pki.roots())
        .untrusted(&[Code::UnsupportedAlgorithm])
        .stricter()
}

/// The root itself carries the name constraints.
pub(crate) fn name_constraints_anchor() -> Scenario {
    let root = Ca::root_with(CertSpec {
        include_aki: false,
        permitted_dns: vec!["fabrikam.test".to_owned()],
        ..CertSpec::ca(ROOT)
    });
    let inter = root.intermediate(INTER);
    let presented = vec![inter.leaf(&[HOST]), inter.der().clone()];
    Scenario::new(
        "name-constraints-anchor",
        presented,
        vec![root.der().clone()],
    )
    .untrusted(&[Code::NameConstraints])
}

/// The leaf is signed with ecdsa-with-SHA512 by a P-521 intermediate.
pub(crate) fn unsupported_signature() -> Scenario {
    let root = Ca::root(ROOT);
    let inter = root.p521_intermediate(INTER);
    let presented = vec![inter.leaf(&[HOST]), inter.der().clone()];
    Scenario::new("unsupported-signature", presented, vec![root.der().clone()])
        .untrusted(&[Code::UnsupportedAlgorithm])
}

/// Serial of the leaf [`revoked`] revokes.
pub(crate) const REVOKED_SERIAL: u64 = 0x4242;

/// The intermediate's CRL revokes the leaf.
pub(crate) fn revoked() -> Scenario {
    let pki = Pki::new();
    let leaf = pki.inter.leaf_with(CertSpec {
        serial: Some(REVOKED_SERIAL),
        ..leaf_spec()
    });
    let crls = vec![pki.inter.crl(&[1, REVOKED_SERIAL]), pki.root.crl(&[])];
    Scenario::new("revoked", pki.served(leaf), pki.roots())
        .crls(crls)
        .untrusted(&[Code::Revoked])
}

/// The root's CRL revokes the intermediate.
pub(crate) fn revoked_intermediate() -> Scenario {
    let pki = Pki::with_inter(CertSpec {
        serial: Some(REVOKED_SERIAL),
        ..CertSpec::ca(INTER)
    });
    let crls = vec![pki.inter.crl(&[]), pki.root.crl(&[REVOKED_SERIAL])];
    Scenario::new("revoked-intermediate", pki.served(pki.leaf()), pki.roots())
        .crls(crls)
        .untrusted(&[Code::Revoked])
}

/// A CRL in the intermediate's name, signed by another key.
pub(crate) fn crl_unusable() -> Scenario {
    let pki = Pki::new();
    let crls = vec![pki.inter.forged_crl(&[]), pki.root.crl(&[])];
    Scenario::new("crl-unusable", pki.served(pki.leaf()), pki.roots())
        .crls(crls)
        .untrusted(&[Code::CrlUnusable])
}

/// A "CRL" that does not parse.
pub(crate) fn crl_malformed() -> Scenario {
    let pki = Pki::new();
    let crls = vec![CertificateRevocationListDer::from(vec![0x30, 0x00])];
    Scenario::new("crl-malformed", pki.served(pki.leaf()), pki.roots())
        .crls(crls)
        .untrusted(&[Code::CrlUnusable])
}

/// Only the root's CRL: the leaf's status is unknown (allowed, as rustls allows it).
pub(crate) fn revocation_unknown() -> Scenario {
    let pki = Pki::new();
    let crls = vec![pki.root.crl(&[])];
    Scenario::new("revocation-unknown", pki.served(pki.leaf()), pki.roots())
        .crls(crls)
        .trusted(&[Code::RevocationUnknown])
}

/// The only certificate does not parse.
pub(crate) fn malformed_leaf() -> Scenario {
    Scenario::new("malformed-leaf", vec![garbage()], vec![other_root()])
        .untrusted(&[Code::MalformedCertificate])
}

/// The intermediate slot holds garbage.
pub(crate) fn malformed_intermediate() -> Scenario {
    let pki = Pki::new();
    Scenario::new(
        "malformed-intermediate",
        vec![pki.leaf(), garbage()],
        pki.roots(),
    )
    .untrusted(&[Code::MalformedCertificate, Code::IncompleteChain])
}

/// A leaf carrying a critical extension nobody understands: it parses, webpki refuses it.
pub(crate) fn malformed_critical_extension() -> Scenario {
    let pki = Pki::new();
    let leaf = pki.inter.leaf_with_unknown_critical_extension(leaf_spec());
    Scenario::new(
        "malformed-critical-extension",
        pki.served(leaf),
        pki.roots(),
    )
    .untrusted(&[Code::MalformedCertificate])
}

/// Garbage after a complete chain: webpki skips it.
pub(crate) fn malformed_extra() -> Scenario {
    let pki = Pki::new();
    let presented = vec![pki.leaf(), garbage(), pki.inter.der().clone()];
    Scenario::new("malformed-extra", presented, pki.roots()).trusted(&[Code::ExtraCertificates])
}

/// The intermediate first, the leaf second.
pub(crate) fn leaf_not_first() -> Scenario {
    let pki = Pki::new();
    let presented = vec![pki.inter.der().clone(), pki.leaf()];
    Scenario::new("leaf-not-first", presented, pki.roots()).untrusted(&[Code::LeafNotFirst])
}

/// The server presents its issuing CA's certificate as its own.
pub(crate) fn ca_used_as_leaf() -> Scenario {
    let pki = Pki::new();
    Scenario::new(
        "ca-used-as-leaf",
        vec![pki.inter.der().clone()],
        pki.roots(),
    )
    .untrusted(&[Code::CaUsedAsLeaf])
}

/// The server presents the (trusted) root as its certificate.
pub(crate) fn ca_used_as_leaf_root() -> Scenario {
    let pki = Pki::new();
    Scenario::new("ca-used-as-leaf-root", pki.roots(), pki.roots()).untrusted(&[Code::CaUsedAsLeaf])
}

/// The leaf expires in 10 days.
pub(crate) fn expires_soon() -> Scenario {
    let pki = Pki::new();
    let leaf = pki.inter.leaf_with(CertSpec {
        not_after: NOW + 10 * DAY,
        ..leaf_spec()
    });
    Scenario::new("expires-soon", pki.served(leaf), pki.roots()).trusted(&[Code::ExpiresSoon])
}

/// The intermediate expires in 5 days.
pub(crate) fn expires_soon_intermediate() -> Scenario {
    let pki = Pki::with_inter(CertSpec {
        not_after: NOW + 5 * DAY,
        ..CertSpec::ca(INTER)
    });
    Scenario::new(
        "expires-soon-intermediate",
        pki.served(pki.leaf()),
        pki.roots(),
    )
    .trusted(&[Code::ExpiresSoon])
}

/// root -> policy CA -> issuing CA -> leaf, served [leaf, policy, issuing].
pub(crate) fn chain_out_of_order() -> Scenario {
    let root = Ca::root(ROOT);
    let upper = root.intermediate("Contoso Policy CA");
    let lower = upper.intermediate(INTER);
    let presented = vec![
        lower.leaf(&[HOST]),
        upper.der().clone(),
        lower.der().clone(),
    ];
    Scenario::new("chain-out-of-order", presented, vec![root.der().clone()])
        .trusted(&[Code::ChainOutOfOrder])
}

/// An old, expired cross-sign of the root is still served after the chain.
pub(crate) fn expired_in_chain() -> Scenario {
    let pki = Pki::new();
    let old = Ca::root("Contoso Legacy Root");
    let cross = old.cross_sign_until(&pki.root, NOW - 30 * DAY);
    let mut presented = pki.served(pki.leaf());
    presented.push(cross);
    Scenario::new("expired-in-chain", presented, pki.roots()).trusted(&[Code::ExpiredInChain])
}

/// An unrelated intermediate served after a complete chain.
pub(crate) fn extra_certificates() -> Scenario {
    let pki = Pki::new();
    let unrelated = Ca::root("Fabrikam Root CA").intermediate("Fabrikam Issuing CA");
    let mut presented = pki.served(pki.leaf());
    presented.push(unrelated.der().clone());
    Scenario::new("extra-certificates", presented, pki.roots()).trusted(&[Code::ExtraCertificates])
}

/// The root is served too.
pub(crate) fn anchor_included() -> Scenario {
    let pki = Pki::new();
    let mut presented = pki.served(pki.leaf());
    presented.push(pki.root.der().clone());
    Scenario::new("anchor-included", presented, pki.roots()).trusted(&[Code::AnchorIncluded])
}

/// The intermediate is served twice.
pub(crate) fn duplicate_certificate() -> Scenario {
    let pki = Pki::new();
    let mut presented = pki.served(pki.leaf());
    presented.push(pki.inter.der().clone());
    Scenario::new("duplicate-certificate", presented, pki.roots())
        .trusted(&[Code::DuplicateCertificate])
}

/// Nothing at all.
pub(crate) fn no_certificates() -> Scenario {
    Scenario::new("no-certificates", Vec::new(), vec![other_root()])
        .untrusted(&[Code::NoCertificates])
}

/// Seven intermediates: one more than webpki (and most clients) follow.
pub(crate) fn budget_exceeded() -> Scenario {
    let (root, presented) = long_chain(7);
    Scenario::new("budget-exceeded", presented, vec![root.der().clone()])
        .untrusted(&[Code::BudgetExceeded])
}

/// An untrusted chain explained under a tiny assembly budget.
pub(crate) fn budget_exceeded_assembly() -> Scenario {
    let (_root, presented) = long_chain(3);
    let mut budget = Budget::default();
    budget.max_depth = 2;
    Scenario::new("budget-exceeded-assembly", presented, vec![other_root()])
        .budget(budget)
        .untrusted(&[Code::BudgetExceeded])
}

/// The CA renewed its intermediate with a new key (same name); the server still sends the
/// old one.
pub(crate) fn bad_signature_outdated_intermediate() -> Scenario {
    let root = Ca::root(ROOT);
    let old = root.intermediate(INTER);
    let renewed = root.intermediate(INTER);
    let presented = vec![renewed.leaf(&[HOST]), old.der().clone()];
    Scenario::new(
        "bad-signature-outdated-intermediate",
        presented,
        vec![root.der().clone()],
    )
    .untrusted(&[Code::BadSignature])
}

/// root -> policy CA -> issuing CA -> leaf, served with an older policy CA of the same name
/// and another key: the signature on the intermediate does not verify.
pub(crate) fn bad_signature_intermediate() -> Scenario {
    let root = Ca::root(ROOT);
    let old = root.intermediate("Contoso Policy CA");
    let renewed = root.intermediate("Contoso Policy CA");
    let issuing = renewed.intermediate(INTER);
    let presented = vec![
        issuing.leaf(&[HOST]),
        issuing.der().clone(),
        old.der().clone(),
    ];
    Scenario::new(
        "bad-signature-intermediate",
        presented,
        vec![root.der().clone()],
    )
    .untrusted(&[Code::BadSignature])
}

/// A leaf issued by a CA that carries the leaf's own name: self-issued, not self-signed.
pub(crate) fn self_issued_leaf() -> Scenario {
    let ca = Ca::root(HOST);
    Scenario::new(
        "self-issued-leaf",
        vec![ca.leaf(&[HOST])],
        vec![other_root()],
    )
    .untrusted(&[Code::IncompleteChain])
}

/// A wildcard covers one label only.
pub(crate) fn name_mismatch_wildcard_depth() -> Scenario {
    let pki = Pki::new();
    let leaf = pki.inter.leaf(&["*.contoso.test"]);
    Scenario::new(
        "name-mismatch-wildcard-depth",
        pki.served(leaf),
        pki.roots(),
    )
    .host("https://a.mail.contoso.test/")
    .untrusted(&[Code::NameMismatch])
}

/// The leaf's last valid second is the verification time: still valid (RFC 5280: notAfter
/// is inclusive), and expiring now.
pub(crate) fn expires_at_now() -> Scenario {
    let pki = Pki::new();
    let leaf = pki.inter.leaf_with(CertSpec {
        not_after: NOW,
        ..leaf_spec()
    });
    Scenario::new("expires-at-now", pki.served(leaf), pki.roots()).trusted(&[Code::ExpiresSoon])
}

/// One second past notAfter.
pub(crate) fn expired_one_second() -> Scenario {
    let pki = Pki::new();
    let leaf = pki.inter.leaf_with(CertSpec {
        not_after: NOW - 1,
        ..leaf_spec()
    });
    Scenario::new("expired-one-second", pki.served(leaf), pki.roots()).untrusted(&[Code::Expired])
}

/// Six intermediates: the most webpki follows.
pub(crate) fn healthy_six_intermediates() -> Scenario {
    let (root, presented) = long_chain(6);
    Scenario::new(
        "healthy-six-intermediates",
        presented,
        vec![root.der().clone()],
    )
}

/// A current cross-sign of the trusted root, for older clients: not an extra.
pub(crate) fn healthy_anchor_cross_sign() -> Scenario {
    let pki = Pki::new();
    let legacy = Ca::root("Contoso Legacy Root");
    let cross = legacy.cross_sign_until(&pki.root, NOW + 365 * DAY);
    let mut presented = pki.served(pki.leaf());
    presented.push(cross);
    Scenario::new("healthy-anchor-cross-sign", presented, pki.roots())
}

/// Every scenario, each on a fresh PKI.
pub(crate) fn all() -> Vec<Scenario> {
    let mut out = healthy_all();
    out.extend([
        incomplete_chain(),
        incomplete_chain_pool().0,
        incomplete_chain_pool_misses(),
        incomplete_chain_deep(),
        incomplete_chain_wrong_intermediate(),
        incomplete_chain_private_root(),
        self_signed(),
        untrusted_root(),
        untrusted_root_via_pool(),
        untrusted_root_in_pool(),
        name_mismatch(),
        name_mismatch_cn_only(),
        name_mismatch_no_san(),
        name_mismatch_ip(),
        expired(),
        expired_intermediate(),
        not_yet_valid(),
        expired_and_incomplete(),
        wrong_purpose(),
        wrong_purpose_intermediate(),
        not_a_ca(),
        path_length(),
        name_constraints(),
        name_constraints_excluded(),
        name_constraints_anchor(),
        bad_signature(),
        bad_signature_rekeyed_root(),
        unsupported_leaf_key(),
        unsupported_signature(),
        revoked(),
        revoked_intermediate(),
        crl_unusable(),
        crl_malformed(),
        revocation_unknown(),
        malformed_leaf(),
        malformed_intermediate(),
        malformed_extra(),
        malformed_critical_extension(),
        leaf_not_first(),
        ca_used_as_leaf(),
        ca_used_as_leaf_root(),
        expires_soon(),
        expires_soon_intermediate(),
        chain_out_of_order(),
        expired_in_chain(),
        extra_certificates(),
        anchor_included(),
        duplicate_certificate(),
        no_certificates(),
        budget_exceeded(),
        budget_exceeded_assembly(),
        bad_signature_outdated_intermediate(),
        bad_signature_intermediate(),
        self_issued_leaf(),
        name_mismatch_wildcard_depth(),
        expires_at_now(),
        expired_one_second(),
    ]);
    out
}
