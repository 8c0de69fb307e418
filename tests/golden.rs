//! Golden cases: every `policies/<policy>/cases/<case>.json` runs through the real
//! host (format detection, front-end, wasm policy, location resolution) and must
//! produce `<case>.expected.json`. Rewrite expectations with `ENTITLE_BLESS=1`.
//!
//! The runner is `entitle::authoring::run_cases`, the one `entitle test` uses for a
//! policy crate outside this repository; the case format is documented there.

use std::path::Path;

use entitle::authoring::{CaseOutcome, run_cases};
use entitle::{CacheMode, Checker, LoadedCatalog, Policy, Runtime, RuntimeOptions};

use crate::support;

#[test]
fn every_policy_case_matches_its_expected_report() {
    let root = support::root();
    let mut failures = Vec::new();
    let mut ran = 0;
    for policy_dir in sorted_dirs(&root.join("policies")) {
        let cases = policy_dir.join("cases");
        if !cases.is_dir() {
            continue;
        }
        let name = policy_dir.file_name().unwrap().to_string_lossy().replace('-', "_");
        let runtime = Runtime::new(RuntimeOptions { cache: CacheMode::Disabled, ..RuntimeOptions::default() }).unwrap();
        let bytes = entitle::BUILTIN_POLICIES
            .iter()
            .find(|(file, _)| *file == format!("{name}.wasm"))
            .unwrap_or_else(|| panic!("{} is not a built-in policy", policy_dir.display()))
            .1;
        let policy = Policy::load(&runtime, &format!("builtin:{name}.wasm"), bytes).unwrap();
        let checker = Checker { runtime, policies: vec![policy], catalog: LoadedCatalog::builtin() };
        let runs = run_cases(&checker, &cases, &root, support::blessing()).unwrap_or_else(|e| panic!("{e}"));
        for run in runs {
            ran += 1;
            match run.outcome {
                CaseOutcome::Passed | CaseOutcome::Blessed => {}
                CaseOutcome::Differs(diff) => failures.push(format!("{} differs:\n{diff}", run.expected.display())),
                CaseOutcome::Missing => failures
                    .push(format!("{} is missing; run with ENTITLE_BLESS=1 to create it", run.expected.display())),
                CaseOutcome::Broken(why) => failures.push(format!("{}: {why}", run.shown)),
            }
        }
    }
    assert!(ran > 0, "no golden cases found under policies/*/cases");
    assert!(
        failures.is_empty(),
        "{} golden case(s) differ:\n\n{}\nIf the new output is right: ENTITLE_BLESS=1 cargo test -p entitle-tests golden, then review the diff.",
        failures.len(),
        failures.join("\n")
    );
}

fn sorted_dirs(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    found.sort();
    found
}
