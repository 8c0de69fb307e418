//! Support-scope platform cases (issue 15, rules 27 and 28): each folder under
//! `tests/platform/` is checked as one run with the built-in policies; the result, with each
//! workload's instance (size, family, vCPUs, architecture and the line of the size) and kernel
//! changes (kind, command and line), must match `tests/platform/<case>.expected.json` (bless with
//! `ENTITLE_BLESS=1`). Every front-end that carries a size or a boot script has a file here.

use serde_json::json;

use crate::case_folders;

#[test]
fn every_platform_case_matches_its_expected_result() {
    case_folders::check("platform", 3, "platform_cases", &|summary, w, _| {
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
    });
}
