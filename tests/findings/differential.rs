//! Every scenario of [`crate::scenario`], through certdeps and raw rustls-webpki: the
//! verdicts agree (except the documented leaf-key case), and each report holds exactly the
//! expected codes and keeps the invariants.

use crate::scenario;

#[test]
fn every_scenario_agrees_with_webpki() {
    let mut failures = Vec::new();
    for s in scenario::all() {
        let name = s.name;
        if let Err(e) = std::panic::catch_unwind(|| {
            s.run();
        }) {
            let msg = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            failures.push(format!("{name}: {msg}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failing:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
