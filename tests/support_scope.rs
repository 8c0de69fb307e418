//! Support-scope cases (HA clusters and SAP workloads, rules 20–23): each folder under
//! `tests/support_scope/` is checked as one run with every built-in policy; the result,
//! with each workload's HA membership, SAP workload, instance size and subnet as the host
//! found them (evidence with its lines), must match `tests/support_scope/<case>.expected.json`
//! (bless with `ENTITLE_BLESS=1`).

use serde_json::{Value, json};

use crate::{summary, support};

#[test]
fn every_support_scope_case_matches_its_expected_result() {
    let dir = support::root().join("tests/support_scope");
    let mut cases: Vec<_> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    cases.sort();
    assert!(cases.len() >= 6, "expected the support-scope cases under {}", dir.display());
    let mut failures = Vec::new();
    for case in cases {
        let mut result = summary::check_tree(&case);
        add_signals(&case, &mut result);
        let text = format!("{}\n", serde_json::to_string_pretty(&result).unwrap());
        if let Some(problem) = support::compare(&case.with_extension("expected.json"), &text) {
            failures.push(problem);
        }
    }
    assert!(
        failures.is_empty(),
        "{}\nIf the new output is right: ENTITLE_BLESS=1 cargo test -p entitle-tests support_scope, then review the diff.",
        failures.join("\n")
    );
}

/// Adds the support-scope signals of every workload, each piece of evidence with its line.
fn add_signals(case: &std::path::Path, result: &mut std::collections::BTreeMap<String, Value>) {
    let prefix = format!("{}/", case.display());
    let catalog = entitle::LoadedCatalog::builtin();
    let (files, _) = entitle::discover(&[case.to_path_buf()]);
    let loaded = entitle::read_all(&files, &catalog.catalog, &Default::default(), 1, &mut Vec::new());
    let shown = |e: &entitle_sdk::model::Evidence| {
        let path = e.source.path.strip_prefix(&prefix).unwrap_or(&e.source.path);
        format!("{:?} {} ({path}:{})", e.strength, e.text, e.source.line.unwrap_or(0))
    };
    for input in loaded {
        let key = input.path.strip_prefix(&prefix).unwrap_or(&input.path).to_owned();
        let key = if input.path == case.display().to_string() { ".".to_owned() } else { key };
        let Some(Value::Array(workloads)) = result.get_mut(&key).and_then(|r| r.get_mut("workloads")) else { continue };
        for (summary, w) in workloads.iter_mut().zip(&input.workloads) {
            summary["ha"] = json!(w.ha.as_ref().map(|h| json!({
                "id": h.id, "fencing": h.fencing, "strength": h.strength,
                "evidence": h.evidence.iter().map(shown).collect::<Vec<_>>(),
            })));
            summary["sap"] = json!(w.sap.as_ref().map(|s| json!({
                "kind": s.kind, "strength": s.strength,
                "evidence": s.evidence.iter().map(shown).collect::<Vec<_>>(),
            })));
            summary["instance"] = json!(w.instance);
            summary["network"] = json!(w.network);
        }
    }
}
