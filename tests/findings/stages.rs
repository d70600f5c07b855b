//! The three public stages composed by hand (assemble, match the anchor, match the host)
//! answer as `Verifier::check` does, on every scenario: the same path, the same anchor, the
//! same name result.

use certdeps::{
    AnchorMatch, CertificateDer, Code, Description, NameMatch, PathSource, Pool, Source, assemble,
    match_anchor, match_endpoint,
};

use crate::scenario::{Scenario, all};

/// Scenarios where the host stage and the report legitimately differ, and why. Paths and
/// anchors agree on every scenario, including the trusted ones (webpki's path) and those the
/// pool completes.
const HOST_DIFFERS: &[(&str, &str)] = &[
    (
        "leaf-not-first",
        "presented[0] is the CA; the report says the leaf is not first instead of judging \
         the CA's names",
    ),
    (
        "ca-used-as-leaf",
        "the end-entity position holds a CA certificate; the report says so instead of \
         judging its names",
    ),
    (
        "ca-used-as-leaf-root",
        "as ca-used-as-leaf, with a root in the end-entity position",
    ),
];

/// A report path element's (source, index), as assembly states it.
fn source(element: &certdeps::PathElement) -> Option<Source> {
    match (element.source, element.index) {
        (PathSource::Presented, Some(i)) => Some(Source::Presented(i)),
        (PathSource::Pool, Some(i)) => Some(Source::Pool(i)),
        _ => None,
    }
}

/// What differs between the stages composed by hand and the report, as (kind, words).
fn compose(scenario: &Scenario) -> Vec<(&'static str, String)> {
    let mut differences = Vec::new();
    let report = scenario.report();
    let verifier = scenario.verifier();
    let stores = verifier.stores();
    let pool = (!scenario.pool.is_empty()).then(|| {
        let mut pool = Pool::new();
        pool.extend(scenario.pool.clone());
        pool
    });
    let budget = scenario.budget.unwrap_or_default();
    let Ok(assembly) = assemble(&scenario.presented, pool.as_ref(), stores, budget) else {
        // No readable leaf: the report shows at most that leaf, unassembled.
        assert!(report.path().len() <= 1, "{}: {report}", scenario.name);
        return differences;
    };
    assert!(
        assembly.work() <= budget.max_work_per_certificate * scenario.presented.len(),
        "{}: work {}",
        scenario.name,
        assembly.work()
    );

    // The path: the report's, leaf first, without its anchor element.
    let shown: Vec<Option<Source>> = report
        .path()
        .iter()
        .filter(|e| e.source != PathSource::Anchor)
        .map(source)
        .collect();
    let assembled: Vec<Option<Source>> = assembly.path().iter().map(|l| Some(l.source())).collect();
    if shown != assembled {
        differences.push(("path", format!("path {shown:?} != assembled {assembled:?}")));
    }

    // The anchor: of the report's path (webpki's, when trusted) and of the assembled one.
    let der = |s: Option<Source>| -> Option<CertificateDer<'static>> {
        match s? {
            Source::Presented(i) => scenario.presented.get(i).cloned(),
            Source::Pool(i) => scenario.pool.get(i).cloned(),
            _ => None,
        }
    };
    let shown_der: Option<Vec<_>> = shown.iter().map(|s| der(*s)).collect();
    let reported = report.anchor().map(|a| a.store_name);
    if let Some(path) = shown_der.filter(|p| !p.is_empty()) {
        let matched = match_anchor(&path, stores).unwrap();
        let named = match matched {
            AnchorMatch::Anchored { store, anchor } => {
                let store = &stores[store];
                let certificate = store.anchors()[anchor].certificate().cloned();
                let sha = certificate.map(|c| Description::new(&c).unwrap().sha256);
                let reported_sha = report.path().last().map(|e| e.sha256.clone());
                if sha != reported_sha {
                    differences.push((
                        "anchor",
                        format!("anchor {sha:?} != reported {reported_sha:?}"),
                    ));
                }
                Some(store.name().to_owned())
            }
            _ => None,
        };
        if named != reported {
            differences.push((
                "anchor",
                format!("anchor store {named:?} != reported {reported:?}"),
            ));
        }
        // Assembly's own end is the anchor stage's answer on its path.
        let own: Vec<_> = assembly.path().iter().map(|l| l.der()).collect();
        let end = match_anchor(&own, stores).unwrap();
        if assembly.end() != AnchorMatch::TooDeep {
            assert_eq!(assembly.end(), end, "{}", scenario.name);
        }
    }

    // The host: a mismatch exactly when the report says so.
    if let (Some(endpoint), Some(leaf)) = (scenario.endpoint(), scenario.presented.first()) {
        if let Ok(matched) = match_endpoint(&endpoint, leaf) {
            let mismatch = matches!(matched, NameMatch::Mismatch { .. });
            if mismatch != report.has(Code::NameMismatch) {
                differences.push((
                    "host",
                    format!("host {matched:?}, report {:?}", report.codes()),
                ));
            }
        }
    }
    differences
}

/// Every scenario, composed by hand, answers as the verifier does, except the documented
/// host differences, which must still occur (so the list cannot go stale).
#[test]
fn the_stages_composed_answer_as_the_verifier() {
    let mut failures = Vec::new();
    for scenario in all() {
        let documented = HOST_DIFFERS.iter().any(|(name, _)| *name == scenario.name);
        let differences = compose(&scenario);
        let expected = documented && differences.iter().any(|(kind, _)| *kind == "host");
        let unexpected: Vec<&str> = differences
            .iter()
            .filter(|(kind, _)| !(documented && *kind == "host"))
            .map(|(_, words)| words.as_str())
            .collect();
        if !unexpected.is_empty() || (documented && !expected) {
            failures.push(format!("{}: {}", scenario.name, unexpected.join("; ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
