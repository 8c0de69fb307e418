//! Golden cases of the `product-support` policy through the whole host: each folder under
//! `tests/product/` holds `case.json` (`as_of`, and optionally `platform`, `context`,
//! `warn_within_days`), optionally a `context.yaml` read as `--context` reads it (findings
//! that rest on a context entry need its lines), and an `inputs/` folder checked as one run
//! with every built-in policy.
//! The `product-support` findings (rule, severity, place, message, evidence) must match
//! `tests/product/<case>.expected.json` (bless with `ENTITLE_BLESS=1`).

use entitle::{CacheMode, CheckOptions, Checker, LoadedCatalog, Runtime, RuntimeOptions};
use serde_json::{Value, json};

use crate::support;

#[test]
fn every_product_case_matches_its_expected_findings() {
    let dir = support::root().join("tests/product");
    let mut cases: Vec<_> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    cases.sort();
    assert!(cases.len() >= 6, "expected the product-support cases under {}", dir.display());
    let cache = std::env::temp_dir().join("entitle-tests-cache");
    let runtime = Runtime::new(RuntimeOptions { cache: CacheMode::Dir(cache), ..RuntimeOptions::default() }).unwrap();
    let (policies, load_errors) = entitle::load_policies(&runtime, true, &[]);
    assert!(load_errors.is_empty(), "{load_errors:?}");
    let checker = Checker { runtime, policies, catalog: LoadedCatalog::builtin() };
    let mut failures = Vec::new();
    for case in cases {
        let config: Value = serde_json::from_str(&std::fs::read_to_string(case.join("case.json")).unwrap()).unwrap();
        let read = entitle::ReadOptions {
            platform: config.get("platform").and_then(Value::as_str).map(str::to_owned),
            ..entitle::ReadOptions::default()
        };
        let context_path = case.join("context.yaml");
        let context_file = context_path.exists().then(|| entitle::context::read_file(&context_path).unwrap());
        let context = match &context_file {
            Some(file) => file.document.value.clone(),
            None => config.get("context").cloned().unwrap_or(Value::Null),
        };
        let options = CheckOptions {
            context,
            context_file,
            warn_within_days: config.get("warn_within_days").and_then(Value::as_u64).unwrap_or(180) as u32,
            read,
            ..CheckOptions::new(config["as_of"].as_str().unwrap().parse().unwrap())
        };
        let (files, errors) = entitle::discover(&[case.join("inputs")]);
        let report = checker.check(&files, errors, &options);
        let prefix = format!("{}/", case.display());
        let shown = |p: &str| p.strip_prefix(&prefix).unwrap_or(p).to_owned();
        let findings: Vec<Value> = report
            .findings
            .iter()
            .filter(|f| f.policy == "product-support")
            .map(|f| {
                json!({
                    "rule": f.rule,
                    "severity": f.severity,
                    "at": format!("{}:{}", shown(&f.location.path), f.location.line),
                    "field": f.field,
                    "message": f.message,
                    "evidence": f.evidence,
                    "trail": f.trail.iter().map(|t| format!("{}:{}", shown(&t.path), t.line)).collect::<Vec<_>>(),
                })
            })
            .collect();
        let errors: Vec<String> = report.errors.iter().map(|e| e.message.clone()).collect();
        let out = json!({"findings": findings, "errors": errors});
        let text = format!("{}\n", serde_json::to_string_pretty(&out).unwrap());
        if let Some(problem) = support::compare(&case.with_extension("expected.json"), &text) {
            failures.push(problem);
        }
    }
    assert!(
        failures.is_empty(),
        "{}\nIf the new output is right: ENTITLE_BLESS=1 cargo test -p entitle-tests product_cases, then review the diff.",
        failures.join("\n")
    );
}
