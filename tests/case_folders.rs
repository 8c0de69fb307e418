//! Golden case folders shared by the front-end and support-scope suites: each folder under
//! `tests/<dir>/` is checked as one run; its summary, with what a suite adds to each
//! workload from the model, must match `tests/<dir>/<case>.expected.json` (bless with
//! `ENTITLE_BLESS=1`).

use std::collections::BTreeMap;

use entitle_sdk::Workload;
use serde_json::Value;

use crate::{summary, support};

/// What a suite adds to one workload's summary: `(summary, workload, case prefix)`, the
/// prefix being the case folder's path with a trailing `/` (to keep expectations portable).
pub type Details<'a> = &'a dyn Fn(&mut Value, &Workload, &str);

/// Checks every case folder under `tests/<dir>/` (at least `at_least` of them); `name` is the
/// test filter a failure tells the reader to bless with.
pub fn check(dir: &str, at_least: usize, name: &str, details: Details<'_>) {
    let root = support::root().join("tests").join(dir);
    let mut cases: Vec<_> =
        std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    cases.sort();
    assert!(cases.len() >= at_least, "expected at least {at_least} cases under {}", root.display());
    let mut failures = Vec::new();
    for case in cases {
        let mut result = summary::check_tree(&case);
        add_details(&case, &mut result, details);
        let text = format!("{}\n", serde_json::to_string_pretty(&result).unwrap());
        if let Some(problem) = support::compare(&case.with_extension("expected.json"), &text) {
            failures.push(problem);
        }
    }
    assert!(
        failures.is_empty(),
        "{}\nIf the new output is right: ENTITLE_BLESS=1 cargo test -p entitle-tests {name}, then review the diff.",
        failures.join("\n")
    );
}

/// Reads the case again for its model and lets `details` add to each workload's summary.
fn add_details(case: &std::path::Path, result: &mut BTreeMap<String, Value>, details: Details<'_>) {
    let prefix = format!("{}/", case.display());
    let catalog = entitle::LoadedCatalog::builtin();
    let (files, _) = entitle::discover(&[case.to_path_buf()]);
    let loaded = entitle::read_all(&files, &catalog.catalog, &Default::default(), 1, &mut Vec::new());
    for input in loaded {
        let key = input.path.strip_prefix(&prefix).unwrap_or(&input.path).to_owned();
        // A Terraform module read from the case folder itself is summarised under `.`.
        let key = if input.path == case.display().to_string() { ".".to_owned() } else { key };
        let Some(Value::Array(workloads)) = result.get_mut(&key).and_then(|r| r.get_mut("workloads")) else { continue };
        for (summary, w) in workloads.iter_mut().zip(&input.workloads) {
            details(summary, w, &prefix);
        }
    }
}
