//! Support-scope platform cases (issue 15, rules 27 and 28): each folder under
//! `tests/platform/` is checked as one run with the built-in policies; the result, with each
//! workload's instance (size, family, vCPUs, architecture and the line of the size) and kernel
//! changes (kind, command and line), must match `tests/platform/<case>.expected.json` (bless with
//! `ENTITLE_BLESS=1`). Every front-end that carries a size or a boot script has a file here.

use serde_json::{Value, json};

use crate::{summary, support};

#[test]
fn every_platform_case_matches_its_expected_result() {
    let dir = support::root().join("tests/platform");
    let mut cases: Vec<_> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    cases.sort();
    assert!(cases.len() >= 3, "expected the platform cases under {}", dir.display());
    let mut failures = Vec::new();
    for case in cases {
        let mut result = summary::check_tree(&case);
        add_support_details(&case, &mut result);
        let text = format!("{}\n", serde_json::to_string_pretty(&result).unwrap());
        if let Some(problem) = support::compare(&case.with_extension("expected.json"), &text) {
            failures.push(problem);
        }
    }
    assert!(
        failures.is_empty(),
        "{}\nIf the new output is right: ENTITLE_BLESS=1 cargo test -p entitle-tests platform_cases, then review the diff.",
        failures.join("\n")
    );
}

/// Adds the instance and kernel signals (with their lines) to each workload's summary.
fn add_support_details(case: &std::path::Path, result: &mut std::collections::BTreeMap<String, Value>) {
    let prefix = format!("{}/", case.display());
    let catalog = entitle::LoadedCatalog::builtin();
    let (files, _) = entitle::discover(&[case.to_path_buf()]);
    let loaded = entitle::read_all(&files, &catalog.catalog, &Default::default(), 1, &mut Vec::new());
    for input in loaded {
        let key = input.path.strip_prefix(&prefix).unwrap_or(&input.path).to_owned();
        let Some(Value::Array(workloads)) = result.get_mut(&key).and_then(|r| r.get_mut("workloads")) else { continue };
        for (summary, w) in workloads.iter_mut().zip(&input.workloads) {
            let line = |field: &str| w.provenance.get(field).and_then(|s| s.line).unwrap_or(0);
            summary["instance"] = json!(w.instance.as_ref().map(|i| json!({
                "size": i.size, "family": i.family, "vcpus": i.vcpus, "arch": i.arch, "line": line("instance.size"),
            })));
            summary["kernel"] = json!(
                w.kernel
                    .iter()
                    .map(|k| format!("{} `{}` (line {})", k.kind, k.text, k.source.line.unwrap_or(0)))
                    .collect::<Vec<_>>()
            );
        }
    }
}
