//! An organisation's own rule on the model's tags, end to end: "deny a BYOS RHEL workload
//! without the tag `cost-center`" decided by a native rule on the model `entitle facts`
//! prints (so it fails when tags are not modelled), its findings returned by a policy module
//! through `entitle check` (so the host places them: an absent tag at the resource); the
//! module also logs, which `-v` shows on stderr and `--format json` carries in `logs`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use entitle_sdk::model::BillingModel;
use entitle_sdk::{Tag, Workload};
use serde_json::{Value, json};

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/org_rules")
}

fn entitle(args: &[&str], envs: &[(&str, &str)]) -> Output {
    let cache = std::env::temp_dir().join(format!("entitle-org-rules-{}-cache", std::process::id()));
    Command::new(env!("CARGO_BIN_EXE_entitle"))
        .args(args)
        .current_dir(data())
        .env("ENTITLE_CACHE_DIR", cache)
        .env_remove("ENTITLE_LOG")
        .envs(envs.iter().copied())
        .output()
        .expect("run entitle")
}

/// The org rule, as an author writes it against the SDK.
fn missing_cost_center(w: &Workload) -> bool {
    w.is_rhel() && w.billing.model == BillingModel::Byos && w.tag("cost-center") == Tag::Absent
}

/// The workloads of `file` as the model has them.
fn model(file: &str) -> Vec<Workload> {
    let out = entitle(&["facts", file], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let facts: Value = serde_json::from_slice(&out.stdout).unwrap();
    serde_json::from_value(facts["workloads"].clone()).unwrap()
}

/// A policy module `org-rules` whose reply is `findings`, and that logs a warning and an info line.
fn module(findings: &Value) -> PathBuf {
    let reply = json!({"status": "ok", "findings": findings}).to_string();
    let metadata = json!({"id": "org-rules", "version": "0.1.0", "abi_version": 1, "rules": [{
        "id": "ORG-COST-CENTER", "title": "BYOS RHEL without cost-center", "severity": "error",
        "description": "Every BYOS RHEL workload carries the tag cost-center."}]})
    .to_string();
    let quoted = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"");
    let (warn, info) = ("checked the tags of every BYOS workload", "an info line");
    let wat = format!(
        r#"(module
  (import "entitle" "log" (func $log (param i32 i32 i32)))
  (@custom "entitle:metadata" "{metadata}")
  (memory (export "memory") 1)
  (data (i32.const 0) "{{\"status\":\"valid\"}}")
  (data (i32.const 64) "{warn}")
  (data (i32.const 512) "{info}")
  (data (i32.const 1024) "{reply}")
  (func (export "entitle_abi_version") (result i32) (i32.const 1))
  (func (export "entitle_alloc") (param $len i32) (result i32)
    (i32.shl (memory.grow (i32.shr_u (i32.add (local.get $len) (i32.const 65535)) (i32.const 16))) (i32.const 16)))
  (func (export "entitle_dealloc") (param i32 i32))
  (func (export "entitle_metadata") (result i64) (i64.const 0))
  (func (export "entitle_validate_settings") (param i32 i32) (result i64) (i64.const 18))
  (func (export "entitle_evaluate") (param i32 i32) (result i64)
    (call $log (i32.const 1) (i32.const 64) (i32.const {warn_len}))
    (call $log (i32.const 2) (i32.const 512) (i32.const {info_len}))
    (i64.or (i64.shl (i64.const 1024) (i64.const 32)) (i64.const {reply_len}))))"#,
        metadata = quoted(&metadata),
        reply = quoted(&reply),
        warn_len = warn.len(),
        info_len = info.len(),
        reply_len = reply.len(),
    );
    // One file per module: tests run in parallel, and two replies can have one length.
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!("entitle-org-rules-{}-{n}.wat", std::process::id()));
    std::fs::write(&path, wat).unwrap();
    path
}

/// Checks `file` with the org rule; returns the report, stderr, and the line the
/// untagged resource is declared on.
fn check(file: &str, untagged: &str, verbose: &[&str]) -> (Value, String, u32) {
    let workloads = model(file);
    let hits: Vec<&Workload> = workloads.iter().filter(|w| missing_cost_center(w)).collect();
    assert_eq!(hits.iter().map(|w| w.id.as_str()).collect::<Vec<_>>(), [untagged], "{file}: the rule sees the tags");
    let findings: Vec<Value> = hits
        .iter()
        .map(|w| {
            json!({"rule": "ORG-COST-CENTER", "workload": w.id, "field": "tags.cost-center",
                         "message": "a BYOS RHEL workload without the tag cost-center"})
        })
        .collect();
    let policy = module(&Value::Array(findings));
    let args = [&["check", "--no-builtin", "--policy", policy.to_str().unwrap(), "--format", "json"], verbose, &[file]];
    let out = entitle(&args.concat(), &[]);
    std::fs::remove_file(&policy).ok();
    assert_eq!(out.status.code(), Some(1), "an error finding fails the run: {}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    (report, String::from_utf8_lossy(&out.stderr).into_owned(), hits[0].source.line.unwrap())
}

#[test]
fn arm_byos_vm_without_cost_center_is_found_at_the_resource() {
    let (report, _, line) = check("vms.json", "Microsoft.Compute/virtualMachines/untagged", &[]);
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let f = &findings[0];
    assert_eq!((f["rule"].as_str(), f["field"].as_str()), (Some("ORG-COST-CENTER"), Some("tags.cost-center")));
    assert_eq!(f["resource"], "Microsoft.Compute/virtualMachines/untagged");
    assert_eq!((f["location"]["line"].as_u64(), f["location"]["pointer"].as_str()), (Some(16), Some("/resources/1")));
    assert_eq!(line, 16);
}

#[test]
fn terraform_plan_byos_vm_without_cost_center_is_found_at_the_resource() {
    let (report, _, _) = check("plan.json", "azurerm_linux_virtual_machine.untagged", &[]);
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0]["location"]["line"], 7);
    assert_eq!(findings[0]["location"]["pointer"], "/resource_changes/1");
}

#[test]
fn guest_logs_go_to_the_json_report_and_with_verbose_to_stderr() {
    let (report, stderr, _) = check("vms.json", "Microsoft.Compute/virtualMachines/untagged", &[]);
    assert_eq!(
        report["logs"],
        json!([{"policy": "org-rules", "input": "host/tests/data/org_rules/vms.json", "level": "warn",
                "message": "checked the tags of every BYOS workload"}]),
        "warnings and errors only, whatever the verbosity"
    );
    assert!(!stderr.contains("checked the tags"), "quiet without -v: {stderr}");
    let (_, stderr, _) = check("vms.json", "Microsoft.Compute/virtualMachines/untagged", &["-v"]);
    assert!(
        stderr.contains("entitle: policy org-rules on host/tests/data/org_rules/vms.json: warn: checked the tags of every BYOS workload"),
        "{stderr}"
    );
    assert!(!stderr.contains("an info line"), "-v shows errors and warnings: {stderr}");
    let (report, stderr, _) = check("vms.json", "Microsoft.Compute/virtualMachines/untagged", &["-vv"]);
    assert!(stderr.contains("policy org-rules on host/tests/data/org_rules/vms.json: info: an info line"), "{stderr}");
    assert_eq!(report["logs"].as_array().unwrap().len(), 1, "info lines stay out of the report");
}
