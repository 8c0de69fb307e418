//! Support-scope cases (HA clusters and SAP workloads, rules 20–23): each folder under
//! `tests/support_scope/` is checked as one run with every built-in policy; the result,
//! with each workload's HA membership, SAP workload, instance size and subnet as the host
//! found them (evidence with its lines), must match `tests/support_scope/<case>.expected.json`
//! (bless with `ENTITLE_BLESS=1`).

use serde_json::json;

use crate::case_folders;

#[test]
fn every_support_scope_case_matches_its_expected_result() {
    // The support-scope signals of every workload, each piece of evidence with its line.
    case_folders::check("support_scope", 6, "support_scope", &|summary, w, prefix| {
        let shown = |e: &entitle_sdk::model::Evidence| {
            let path = e.source.path.strip_prefix(prefix).unwrap_or(&e.source.path);
            format!("{:?} {} ({path}:{})", e.strength, e.text, e.source.line.unwrap_or(0))
        };
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
    });
}
