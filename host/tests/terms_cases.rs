//! Golden cases of the subscription-terms rules, through the real binary: each folder under
//! `tests/terms/` holds an org context (`context.yaml`) and the descriptors of one run
//! (`inputs/`); `entitle check --context context.yaml inputs/` is run in that folder and
//! the findings of policy `subscription-terms` (with their trails) and every error must
//! match `tests/terms/<case>.expected.json`. Rewrite expectations with `ENTITLE_BLESS=1`.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

fn cases() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/terms");
    let mut found: Vec<PathBuf> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    found.sort();
    found
}

/// The run's subscription-terms findings and its errors, as pretty JSON.
fn run(case: &Path) -> String {
    let cache = std::env::temp_dir().join(format!("entitle-terms-{}-cache", std::process::id()));
    let out = Command::new(env!("CARGO_BIN_EXE_entitle"))
        .args(["check", "--as-of", "2026-12-07", "--format", "json", "--context", "context.yaml", "inputs/"])
        .current_dir(case)
        .env("ENTITLE_CACHE_DIR", cache)
        .output()
        .expect("run entitle");
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{}: not JSON ({e}): {}", case.display(), String::from_utf8_lossy(&out.stderr)));
    let findings: Vec<Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["policy"] == "subscription-terms")
        .map(|f| {
            let at = |l: &Value| format!("{}:{}:{}", l["path"].as_str().unwrap(), l["line"], l["column"]);
            json!({
                "rule": f["rule"],
                "severity": f["severity"],
                "at": at(&f["location"]),
                "pointer": f["location"]["pointer"],
                "trail": f.get("trail").and_then(Value::as_array).map(|t| t.iter().map(at).collect::<Vec<_>>()),
                "resource": f["resource"],
                "message": f["message"],
                "evidence": f["evidence"],
                "fix": f["fix"],
                "suppression": f["suppression"]["kind"],
            })
        })
        .collect();
    let result = json!({"exit": out.status.code(), "findings": findings, "errors": report["errors"]});
    format!("{}\n", serde_json::to_string_pretty(&result).unwrap())
}

#[test]
fn every_subscription_terms_case_matches_its_expected_result() {
    let bless = std::env::var_os("ENTITLE_BLESS").is_some_and(|v| !v.is_empty() && v != "0");
    let cases = cases();
    assert!(cases.len() >= 7, "expected the subscription-terms cases under tests/terms");
    let mut failures = Vec::new();
    for case in cases {
        let actual = run(&case);
        let expected = case.with_extension("expected.json");
        if bless {
            std::fs::write(&expected, &actual).unwrap();
        } else if std::fs::read_to_string(&expected).ok().as_deref() != Some(actual.as_str()) {
            failures.push(format!("{} differs; got:\n{actual}", expected.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "{}\nIf the new output is right: ENTITLE_BLESS=1 cargo test -p entitle --test terms_cases, then review the diff.",
        failures.join("\n")
    );
}

/// A finding on the context is placed in the context file, so an inline waiver written
/// there, above the add-on, accepts it like any other.
#[test]
fn an_inline_waiver_in_the_context_file_accepts_a_context_finding() {
    let case = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/terms/selfsupport-ha");
    let dir = std::env::temp_dir().join(format!("entitle-terms-{}-waiver", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("inputs")).unwrap();
    std::fs::copy(case.join("inputs/cluster.yaml"), dir.join("inputs/cluster.yaml")).unwrap();
    let context = std::fs::read_to_string(case.join("context.yaml")).unwrap().replace(
        "    addons: [ha]",
        "    # entitle:ignore SUB-ADDON-ON-SELFSUPPORT HA support is bought separately until=2027-06-30\n    addons: [ha]",
    );
    std::fs::write(dir.join("context.yaml"), context).unwrap();
    let result: Value = serde_json::from_str(&run(&dir)).unwrap();
    let report = result["findings"].as_array().unwrap();
    assert_eq!(report.len(), 2, "{result:#}");
    // The context finding is waived; the workload's finding, in the descriptor, is not.
    let on_context: Vec<&Value> = report.iter().filter(|f| f["resource"] == "subscription RH00005").collect();
    assert_eq!(on_context.len(), 1, "{result:#}");
    assert_eq!(on_context[0]["suppression"], "inline", "{result:#}");
    assert!(report.iter().any(|f| f["resource"] == "hana-node" && f["suppression"].is_null()), "{result:#}");
    assert_eq!(result["exit"], 1);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The README's example context is valid and says what the README says: its Standard
/// subscription covers the examples' one BYOS instance, and its terms break nothing.
#[test]
fn the_example_context_is_valid_and_clean() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = Command::new(env!("CARGO_BIN_EXE_entitle"))
        .args(["check", "--as-of", "2026-11-25", "--format", "json", "--context", "examples/.org-context.yaml"])
        .arg("examples/")
        .current_dir(&root)
        .env("ENTITLE_CACHE_DIR", std::env::temp_dir().join(format!("entitle-terms-{}-cache", std::process::id())))
        .output()
        .expect("run entitle");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["errors"], json!([]), "{report:#}");
    let rules: Vec<&str> = report["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap()).collect();
    assert!(!rules.contains(&"BYOS-SUBSCRIPTION-COUNT"), "{rules:?}");
    assert!(report["findings"].as_array().unwrap().iter().all(|f| f["policy"] != "subscription-terms"), "{rules:?}");
    assert_eq!(out.status.code(), Some(1), "the examples' lifecycle findings remain");
}
