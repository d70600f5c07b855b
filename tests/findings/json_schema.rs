//! The JSON report's schema is the README's "JSON report" table: every field any scenario's
//! report writes is documented there (so the contract cannot fall behind the code), and
//! every documented field is one some report writes (so it cannot promise what is gone).

use std::collections::BTreeSet;

use serde_json::Value;

use crate::scenario;

/// The field paths the README documents: the first column of the table under
/// `## JSON report`, e.g. `presented[].subject`.
fn documented() -> BTreeSet<String> {
    let readme = include_str!("../../README.md");
    let section = readme
        .split("\n## ")
        .find(|s| s.starts_with("JSON report"))
        .expect("the README has a `## JSON report` section");
    section
        .lines()
        .filter_map(|line| line.strip_prefix("| `"))
        .filter_map(|rest| rest.split('`').next())
        .map(str::to_owned)
        .collect()
}

/// Every field path in `value`, arrays written `[]`; objects inside `evidence` are named by
/// field only, since which fields appear depends on the evidence's `kind`.
fn paths(value: &Value, prefix: &str, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                out.insert(path.clone());
                // A SAN in evidence is an object of its own ({type, value}): a value, not
                // more schema.
                if key != "san" && key != "key" {
                    paths(child, &path, out);
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                paths(item, &format!("{prefix}[]"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn every_field_a_report_writes_is_documented_and_every_documented_field_is_written() {
    let documented = documented();
    let mut written = BTreeSet::new();
    // The scenarios use one store; a report with several writes `stores[]` too.
    let reports = scenario::all()
        .into_iter()
        .map(|s| (s.name, s.report()))
        .chain([("two-stores", crate::fixes::two_stores())]);
    for (name, report) in reports {
        let json = report.to_json();
        assert_eq!(
            json["schema_version"],
            certdeps::Report::JSON_SCHEMA_VERSION,
            "{name}"
        );
        paths(&json, "", &mut written);
    }
    let undocumented: Vec<_> = written.difference(&documented).collect();
    assert!(
        undocumented.is_empty(),
        "fields the reports write that the README's JSON table does not list: {undocumented:?}"
    );
    // Written only for a leaf with more names than a finding lists (tests/hostile.rs), and
    // when AIA completion ran (tests/aia.rs).
    let rare = [
        "findings[].evidence.san_count",
        "aia[].url",
        "aia[].for_subject",
        "aia[].issuer",
        "aia[].issuer.subject",
        "aia[].issuer.sha256",
        "aia[].issuer.self_signed",
        "aia[].error",
        "aia[].cached",
    ];
    let unwritten: Vec<_> = documented
        .difference(&written)
        .filter(|path| !rare.contains(&path.as_str()))
        .collect();
    assert!(
        unwritten.is_empty(),
        "fields the README's JSON table lists that no scenario's report writes: {unwritten:?}"
    );
}
