//! Focused ARM front-end cases: each folder under `tests/arm/` is a small template set
//! (parameters files, nested and linked templates beside it) checked as a tree; the
//! result must match `tests/arm/<case>.expected.json` (bless with `ENTITLE_BLESS=1`).

use crate::{summary, support};

#[test]
fn every_arm_case_matches_its_expected_result() {
    let dir = support::root().join("tests/arm");
    let mut cases: Vec<_> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    cases.sort();
    assert!(cases.len() >= 5, "expected the ARM cases under {}", dir.display());
    let mut failures = Vec::new();
    for case in cases {
        let result = summary::check_tree(&case);
        let text = format!("{}\n", serde_json::to_string_pretty(&result).unwrap());
        let expected = case.with_extension("expected.json");
        if let Some(problem) = support::compare(&expected, &text) {
            failures.push(problem);
        }
    }
    assert!(
        failures.is_empty(),
        "{}\nIf the new output is right: ENTITLE_BLESS=1 cargo test -p entitle-tests arm_cases, then review the diff.",
        failures.join("\n")
    );
}
