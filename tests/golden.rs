//! Golden cases: every `policies/<policy>/cases/<case>.json` runs through the real
//! host (format detection, front-end, wasm policy, location resolution) and must
//! produce `<case>.expected.json`. Rewrite expectations with `ENTITLE_BLESS=1`.
//!
//! A case file is `{"description": …, "as_of": "YYYY-MM-DD", "settings": {…}?,
//! "context": {…}?, "input": <a descriptor>}`; the input and the context keep their line
//! numbers in the case file, so expected locations point into the case itself.

use std::path::Path;

use entitle::{CacheMode, CheckOptions, Checker, LoadedCatalog, Policy, Runtime, RuntimeOptions};
use serde_json::{Value, json};

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
        for case in sorted_files(&cases) {
            let file = case.file_name().unwrap().to_string_lossy().into_owned();
            if !file.ends_with(".json") || file.ends_with(".expected.json") {
                continue;
            }
            ran += 1;
            let shown = case.strip_prefix(&root).unwrap().display().to_string();
            let actual = run_case(&checker, &case, &shown);
            let expected = case.with_file_name(file.replace(".json", ".expected.json"));
            if let Some(problem) = support::compare(&expected, &actual) {
                failures.push(problem);
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

/// Runs one case; the result is the report's findings and errors as pretty JSON.
fn run_case(checker: &Checker, case: &Path, shown: &str) -> String {
    let text = std::fs::read_to_string(case).unwrap();
    let doc = entitle::document::parse_json(&text).unwrap_or_else(|e| panic!("{shown}: {e}"));
    let as_of = doc.value["as_of"].as_str().unwrap_or_else(|| panic!("{shown}: `as_of` is required"));
    let input = doc.subdocument("/input").unwrap_or_else(|| panic!("{shown}: `input` is required"));
    let mut settings = std::collections::BTreeMap::new();
    if let Some(value) = doc.value.get("settings") {
        settings.insert(checker.policies[0].id().to_owned(), value.clone());
    }
    let options = CheckOptions {
        warn_within_days: doc.value.get("warn_within_days").and_then(Value::as_u64).unwrap_or(180) as u32,
        settings,
        context: doc.value.get("context").cloned().unwrap_or(Value::Null),
        // The case's context keeps its lines in the case file, like its input.
        context_file: doc
            .subdocument("/context")
            .map(|document| entitle::context::ContextFile { path: shown.to_owned(), document }),
        ..CheckOptions::new(as_of.parse().unwrap())
    };
    let read = entitle::ReadOptions::default();
    let report = match entitle::load_documents(shown, case, &text, vec![input], true, &checker.catalog.catalog, &read) {
        Ok(loaded) => serde_json::to_value(checker.check_loaded(loaded, &options)).unwrap(),
        Err(e) => json!({"findings": [], "errors": [entitle::report::ReportError::from(&e)]}),
    };
    let out = json!({"findings": report["findings"], "errors": report["errors"]});
    format!("{}\n", serde_json::to_string_pretty(&out).unwrap())
}

fn sorted_dirs(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    found.sort();
    found
}

fn sorted_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found: Vec<_> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_file()).collect();
    found.sort();
    found
}
