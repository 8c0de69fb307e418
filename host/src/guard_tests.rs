//! The panic boundary end to end: faults injected (test-only, see `guard::fault`) while
//! one input is read and while another is evaluated become internal errors of those
//! inputs, and the third input's finding is still reported.

use std::path::PathBuf;

use crate::guard::fault;
use crate::{
    CacheMode, CheckOptions, Checker, FailOn, InputFile, LoadedCatalog, Phase, Policy, Runtime, RuntimeOptions,
};

/// One VM on RHEL 7.2; its workload id is `Microsoft.Compute/virtualMachines/web1`.
const ARM: &str = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "resources": [{
    "type": "Microsoft.Compute/virtualMachines", "apiVersion": "2022-03-01", "name": "web1",
    "properties": {"storageProfile": {"imageReference":
      {"publisher": "RedHat", "offer": "RHEL", "sku": "7.2", "version": "latest"}}}
  }]
}"#;

/// A policy that reports one finding on `web1` of every input.
const ONE_FINDING: &str = r#"(module
  (@custom "entitle:metadata" "{\"id\":\"one-finding\",\"version\":\"0.1.0\",\"abi_version\":1,\"description\":\"d\",\"rules\":[{\"id\":\"ONE\",\"title\":\"t\",\"severity\":\"error\",\"description\":\"d\"}]}")
  (memory (export "memory") 1)
  (data (i32.const 0) "{\"status\":\"valid\"}")
  (data (i32.const 32) "{\"status\":\"ok\",\"findings\":[{\"rule\":\"ONE\",\"workload\":\"Microsoft.Compute/virtualMachines/web1\",\"field\":\"os\",\"message\":\"m\"}]}")
  (func (export "entitle_abi_version") (result i32) (i32.const 1))
  (func (export "entitle_alloc") (param $len i32) (result i32)
    (i32.shl (memory.grow (i32.shr_u (i32.add (local.get $len) (i32.const 65535)) (i32.const 16))) (i32.const 16)))
  (func (export "entitle_dealloc") (param i32 i32))
  (func (export "entitle_metadata") (result i64) (i64.const 0))
  (func (export "entitle_validate_settings") (param i32 i32) (result i64) (i64.const 18))
  (func (export "entitle_evaluate") (param i32 i32) (result i64)
    (i64.or (i64.shl (i64.const 32) (i64.const 32)) (i64.const 122))))"#;

/// `names` written as copies of [`ARM`] in a fresh directory, as explicit inputs.
fn inputs(dir: &std::path::Path, names: &[&str]) -> Vec<InputFile> {
    std::fs::create_dir_all(dir).unwrap();
    names
        .iter()
        .map(|name| {
            let path: PathBuf = dir.join(name);
            std::fs::write(&path, ARM).unwrap();
            let root = crate::confined::Root::of_file(&path).ok();
            InputFile {
                display: path.display().to_string(),
                path,
                explicit: true,
                root,
                walked_from: None,
                unread: None,
            }
        })
        .collect()
}

/// A checker of the one-finding policy, without a cache.
fn checker() -> Checker {
    let runtime = Runtime::new(RuntimeOptions { cache: CacheMode::Disabled, ..RuntimeOptions::default() }).unwrap();
    let policy = Policy::load(&runtime, "one-finding.wat", ONE_FINDING.as_bytes()).expect("the test policy loads");
    Checker { runtime, policies: vec![policy], catalog: LoadedCatalog::builtin() }
}

/// The paths of a report's findings, and the path and phase of each of its errors.
fn outcome(report: &crate::Report) -> (Vec<&str>, Vec<(Option<&str>, Phase)>) {
    let found = report.findings.iter().map(|f| f.location.path.as_str()).collect();
    (found, report.errors.iter().map(|e| (e.path.as_deref(), e.phase)).collect())
}

#[test]
fn a_panic_in_one_input_is_that_inputs_internal_error() {
    let dir = std::env::temp_dir().join(format!("entitle-guard-{}", std::process::id()));
    let files = inputs(&dir, &["a-fine.json", "b-read-boom.json", "c-eval-boom.json"]);
    fault::inject("read", "b-read-boom");
    fault::inject("evaluate", "c-eval-boom");

    let options = CheckOptions { jobs: 2, ..CheckOptions::new("2026-11-25".parse().unwrap()) };
    let report = checker().check(&files, Vec::new(), &options);
    let _ = std::fs::remove_dir_all(&dir);

    let (found, errors) = outcome(&report);
    assert_eq!(found, [files[0].display.as_str()], "the unharmed input is still checked");
    assert_eq!(
        errors,
        [(Some(files[1].display.as_str()), Phase::Parse), (Some(files[2].display.as_str()), Phase::Evaluate)]
    );
    for (error, stage) in report.errors.iter().zip(["read", "evaluate"]) {
        assert!(error.message.starts_with("internal error: "), "{}", error.message);
        assert!(error.message.contains(&format!("injected fault in {stage}")), "{}", error.message);
    }
    assert_eq!(report.exit_code(FailOn::Never), 2, "an internal error is exit 2, never a pass");
    let json: serde_json::Value = serde_json::from_str(&report.to_json()).expect("the report is still valid JSON");
    assert_eq!(json["summary"]["errors"], 2);
}

/// One worker evaluates its inputs as one batch, policy by policy: a panic while one input of the batch is prepared or
/// evaluated is that input's internal error, and the inputs before and after it in the batch keep their findings.
#[test]
fn a_panic_in_a_batch_is_only_that_inputs_error() {
    let dir = std::env::temp_dir().join(format!("entitle-guard-batch-{}", std::process::id()));
    let names = ["a-fine.json", "b-fine.json", "c-batch-prepare-boom.json", "d-batch-policy-boom.json", "e-fine.json"];
    let files = inputs(&dir, &names);
    fault::inject("evaluate", "c-batch-prepare-boom");
    fault::inject("evaluate-one", "d-batch-policy-boom");
    let options = CheckOptions { jobs: 1, ..CheckOptions::new("2026-11-25".parse().unwrap()) };
    let report = checker().check(&files, Vec::new(), &options);
    let _ = std::fs::remove_dir_all(&dir);

    let (found, errors) = outcome(&report);
    let display = |i: usize| files[i].display.as_str();
    assert_eq!(found, [display(0), display(1), display(4)]);
    assert_eq!(errors, [(Some(display(2)), Phase::Evaluate), (Some(display(3)), Phase::Evaluate)]);
    for (error, stage) in report.errors.iter().zip(["evaluate", "evaluate-one"]) {
        assert!(error.message.contains(&format!("injected fault in {stage} ")), "{}", error.message);
    }
}
