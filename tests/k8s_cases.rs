//! Focused Kubernetes / OpenShift / KubeVirt and Deployment Manager cases: each folder under
//! `tests/k8s/` is checked as one run (image streams in one file resolve triggers in another); the
//! result, with each workload's evidence, cluster and registration, must match
//! `tests/k8s/<case>.expected.json` (bless with `ENTITLE_BLESS=1`).

use serde_json::json;

use crate::case_folders;

#[test]
fn every_k8s_case_matches_its_expected_result() {
    // Adds what the shared summary leaves out and these front-ends fill: evidence, the cluster
    // and registration entries (with their lines).
    case_folders::check("k8s", 4, "k8s_cases", &|summary, w, prefix| {
        // Evidence names other inputs by the path given; keep the expectation portable.
        summary["evidence"] = json!(w.evidence.iter().map(|e| e.replace(prefix, "")).collect::<Vec<_>>());
        summary["cluster"] = json!(w.cluster);
        summary["registration"] = json!(
            w.registration
                .iter()
                .map(|r| format!("{} {} (line {})", r.action, r.text, r.source.line.unwrap_or(0)))
                .collect::<Vec<_>>()
        );
    });
}
