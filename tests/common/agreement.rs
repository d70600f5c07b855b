//! What every report must keep against the oracle ([`super::oracle`]'s raw webpki verdict on
//! the same input): shared by the property tests and the fuzz targets, so that both hold
//! certdeps to the same contract.
#![allow(unreachable_pub)] // shared by test crates that include it as a private module

use certdeps::{Code, Report, Severity};

/// The properties every report keeps, against raw webpki's verdict on the same input (`raw`
/// is `None` when the list is over certdeps' limits and webpki was not run):
///
/// - the verdict is webpki's, except that certdeps may refuse a leaf key no rustls handshake
///   can use (`unsupported-algorithm`, with the key named) and refuses oversized lists
///   (`budget-exceeded`);
/// - a trusted report has no error finding; an untrusted one has at least one;
/// - the report renders as text and JSON.
pub fn assert_report(report: &Report, raw: Option<&Result<(), webpki::Error>>) {
    match raw {
        None => {
            assert!(
                !report.is_trusted(),
                "over the limits, yet trusted:\n{report}"
            );
            assert!(report.has(Code::BudgetExceeded), "{report}");
        }
        Some(Ok(())) if !report.is_trusted() => {
            let rejection = report.verdict().rejection();
            assert!(
                rejection
                    .is_some_and(|r| r.code == Code::UnsupportedAlgorithm && r.leaf_key.is_some()),
                "webpki trusts it, certdeps does not:\n{report}"
            );
        }
        Some(Err(e)) => assert!(
            !report.is_trusted(),
            "certdeps trusts what webpki rejects ({e:?}):\n{report}"
        ),
        Some(Ok(())) => {}
    }
    let errors: Vec<Code> = report
        .findings()
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| f.code)
        .collect();
    if report.is_trusted() {
        assert!(
            errors.is_empty(),
            "trusted with errors {errors:?}:\n{report}"
        );
    } else {
        assert!(
            !errors.is_empty(),
            "untrusted with no error finding:\n{report}"
        );
    }
    let _ = report.to_string();
    let _ = report.to_json().to_string();
}
