//! Focused Kubernetes / OpenShift / KubeVirt and Deployment Manager cases: each folder under
//! `tests/k8s/` is checked as one run (image streams in one file resolve triggers in another); the
//! result, with each workload's evidence, cluster and registration, must match
//! `tests/k8s/<case>.expected.json` (bless with `ENTITLE_BLESS=1`).

use serde_json::{Value, json};

use crate::{summary, support};

#[test]
fn every_k8s_case_matches_its_expected_result() {
    let dir = support::root().join("tests/k8s");
    let mut cases: Vec<_> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    cases.sort();
    assert!(cases.len() >= 4, "expected the Kubernetes cases under {}", dir.display());
    let mut failures = Vec::new();
    for case in cases {
        let mut result = summary::check_tree(&case);
        add_model_details(&case, &mut result);
        let text = format!("{}\n", serde_json::to_string_pretty(&result).unwrap());
        if let Some(problem) = support::compare(&case.with_extension("expected.json"), &text) {
            failures.push(problem);
        }
    }
    assert!(
        failures.is_empty(),
        "{}\nIf the new output is right: ENTITLE_BLESS=1 cargo test -p entitle-tests k8s_cases, then review the diff.",
        failures.join("\n")
    );
}

/// Adds what the shared summary leaves out and these front-ends fill: evidence, the cluster and
/// registration entries (with their lines).
fn add_model_details(case: &std::path::Path, result: &mut std::collections::BTreeMap<String, Value>) {
    let prefix = format!("{}/", case.display());
    let catalog = entitle::LoadedCatalog::builtin();
    let (files, _) = entitle::discover(&[case.to_path_buf()]);
    let loaded = entitle::read_all(&files, &catalog.catalog, &Default::default(), 1, &mut Vec::new());
    for input in loaded {
        let key = input.path.strip_prefix(&prefix).unwrap_or(&input.path).to_owned();
        let Some(Value::Array(workloads)) = result.get_mut(&key).and_then(|r| r.get_mut("workloads")) else { continue };
        for (summary, w) in workloads.iter_mut().zip(&input.workloads) {
            // Evidence names other inputs by the path given; keep the expectation portable.
            summary["evidence"] = json!(w.evidence.iter().map(|e| e.replace(&prefix, "")).collect::<Vec<_>>());
            summary["cluster"] = json!(w.cluster);
            summary["registration"] = json!(
                w.registration
                    .iter()
                    .map(|r| format!("{} {} (line {})", r.action, r.text, r.source.line.unwrap_or(0)))
                    .collect::<Vec<_>>()
            );
        }
    }
}
