//! `budget-exceeded`: webpki's path limits, and certdeps' own assembly budget.

use crate::scenario::*;
use certdeps::Code;

#[test]
fn more_intermediates_than_webpki_follows() {
    let report = budget_exceeded().run();
    let f = assert_finding(
        &report,
        Code::BudgetExceeded,
        Some(0),
        &[&cn(HOST), "7 intermediates", "at most 6"],
        Who::Server,
    );
    assert!(f.remediation().contains("short"), "{f}");
}

#[test]
fn assembly_budget_says_the_explanation_is_incomplete() {
    let report = budget_exceeded_assembly().run();
    let f = assert_finding(
        &report,
        Code::BudgetExceeded,
        Some(0),
        &[&cn(HOST), "incomplete"],
        Who::Client,
    );
    assert!(f.remediation().contains("Budget::max_depth"), "{f}");
}

#[test]
fn absent_at_the_limit() {
    assert_no(&healthy_six_intermediates().run(), Code::BudgetExceeded);
    assert_no(&healthy().run(), Code::BudgetExceeded);
}
