//! What issuers may do: `not-a-ca` (basicConstraints), `path-length` (pathLenConstraint) and
//! `name-constraints` (nameConstraints), each naming the issuer concerned.

use crate::scenario::*;
use certdeps::{Code, Evidence, San};

#[test]
fn not_a_ca_names_the_issuer_and_what_it_issued() {
    let report = not_a_ca().run();
    let f = assert_finding(
        &report,
        Code::NotACa,
        Some(1),
        &[&cn(INTER), &cn(HOST), "not a CA"],
        Who::Server,
    );
    assert_eq!(
        f.evidence,
        Evidence::Certificates {
            indices: vec![0, 1]
        }
    );
}

#[test]
fn path_length_names_the_constrained_ca() {
    let report = path_length().run();
    let f = assert_finding(
        &report,
        Code::PathLength,
        Some(2),
        &["Contoso Policy CA", "allows 0", "has 1"],
        Who::Server,
    );
    assert_eq!(
        f.evidence,
        Evidence::Certificates {
            indices: vec![0, 1, 2]
        }
    );
}

#[test]
fn name_constraints_name_the_leaf_and_the_constraining_issuer() {
    let report = name_constraints().run();
    let f = assert_finding(
        &report,
        Code::NameConstraints,
        Some(0),
        &[&cn(HOST), &cn(INTER), "permit only fabrikam.test"],
        Who::Server,
    );
    assert_eq!(
        f.evidence,
        Evidence::Constraints {
            issuer: cn(INTER),
            permitted: vec!["fabrikam.test".to_owned()],
            excluded: Vec::new(),
            san: vec![San::Dns(HOST.to_owned())],
        }
    );
    #[cfg(feature = "json")]
    {
        let json = report.to_json();
        let evidence = &json["findings"][0]["evidence"];
        assert_eq!(evidence["kind"], "constraints", "{json:#}");
        assert_eq!(evidence["permitted"][0], "fabrikam.test");
        assert_eq!(evidence["san"][0]["value"], HOST, "{json:#}");
    }
}

#[test]
fn excluded_subtree() {
    let report = name_constraints_excluded().run();
    assert_finding(
        &report,
        Code::NameConstraints,
        Some(0),
        &[&cn(HOST), &cn(INTER), "exclude contoso.test"],
        Who::Server,
    );
}

#[test]
fn constraints_on_the_trust_anchor() {
    let report = name_constraints_anchor().run();
    let f = assert_finding(
        &report,
        Code::NameConstraints,
        Some(0),
        &[
            &cn(HOST),
            "trust anchor",
            &cn(ROOT),
            "permit only fabrikam.test",
        ],
        Who::Server,
    );
    assert!(matches!(&f.evidence, Evidence::Constraints { issuer, .. } if issuer == &cn(ROOT)));
}

#[test]
fn absent_when_the_constraints_hold() {
    let report = healthy_path_len().run();
    assert_no(&report, Code::PathLength);
    assert_no(&report, Code::NotACa);
    assert_no(&healthy_name_constraints().run(), Code::NameConstraints);
    let report = healthy().run();
    for code in [Code::NotACa, Code::PathLength, Code::NameConstraints] {
        assert_no(&report, code);
    }
}
