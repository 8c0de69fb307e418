//! Runs the real `entitle` binary: exit codes 0/1/2, the JSON report's shape, errors
//! that name file and line, the commands of the README, and the compiled-code cache.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// A fresh scratch directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("entitle-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs entitle in `dir`, sharing one compiled-code cache among this run's tests.
fn entitle(dir: &Path, args: &[&str]) -> Output {
    let cache = std::env::temp_dir().join(format!("entitle-cli-{}-cache", std::process::id()));
    entitle_with_cache(dir, args, &cache)
}

fn entitle_with_cache(dir: &Path, args: &[&str], cache: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_entitle"))
        .args(args)
        .current_dir(dir)
        .env("ENTITLE_CACHE_DIR", cache)
        .env_remove("NO_COLOR")
        .output()
        .expect("run entitle")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(out)))
}

/// An ARM template with one VM using a literal RHEL image SKU (the issue's check).
fn arm_vm(sku: &str) -> String {
    format!(
        r#"{{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "resources": [
    {{
      "type": "Microsoft.Compute/virtualMachines",
      "apiVersion": "2023-03-01",
      "name": "vm1",
      "location": "westeurope",
      "properties": {{
        "storageProfile": {{
          "imageReference": {{
            "publisher": "RedHat",
            "offer": "RHEL",
            "sku": "{sku}",
            "version": "latest"
          }}
        }}
      }}
    }}
  ]
}}
"#
    )
}

#[test]
fn rhel_72_is_reported_inside_the_vm_resource_with_exit_1() {
    let dir = scratch("rhel72");
    std::fs::write(dir.join("vm.json"), arm_vm("7.2")).unwrap();
    let out = entitle(&dir, &["check", "--format", "json", "--as-of", "2026-11-25", "vm.json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let report = json(&out);
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1);
    let f = &findings[0];
    assert_eq!(f["rule"], "RHEL-LC-MAJOR-EOL");
    assert_eq!(f["location"]["path"], "vm.json");
    // The VM resource spans lines 5-21; the SKU is on line 15.
    assert_eq!(f["location"]["line"], 15);
    assert_eq!(f["location"]["column"], 20);
    assert!(f["message"].as_str().unwrap().contains("RedHat:RHEL:7.2"));
    assert!(f["message"].as_str().unwrap().contains("2024-06-30"));
    assert!(f["fix"].as_str().is_some_and(|fix| !fix.is_empty()));
    assert!(!f["evidence"].as_array().unwrap().is_empty());
}

#[test]
fn supported_skus_report_nothing_with_exit_0() {
    let dir = scratch("supported");
    for sku in ["8_10", "9-lvm-gen2"] {
        std::fs::write(dir.join("vm.json"), arm_vm(sku)).unwrap();
        let out = entitle(&dir, &["check", "--format", "json", "--as-of", "2026-11-25", "vm.json"]);
        assert_eq!(out.status.code(), Some(0), "sku {sku}: {}", stdout(&out));
        assert_eq!(json(&out)["findings"], Value::Array(vec![]), "sku {sku}");
    }
}

#[test]
fn json_report_has_the_documented_shape() {
    let dir = scratch("shape");
    std::fs::write(dir.join("vm.json"), arm_vm("7.2")).unwrap();
    let report = json(&entitle(&dir, &["check", "--format", "json", "--as-of", "2026-11-25", "vm.json"]));
    for key in ["version", "tool", "as_of", "catalog", "policies", "inputs", "findings", "errors", "summary"] {
        assert!(report.get(key).is_some(), "missing {key}");
    }
    assert_eq!(report["version"], 1);
    assert_eq!(report["tool"]["name"], "entitle");
    assert_eq!(report["as_of"], "2026-11-25");
    assert_eq!(report["catalog"]["sha256"].as_str().unwrap().len(), 64);
    assert!(
        report["policies"].as_array().unwrap().iter().any(|p| p["id"] == "rhel-lifecycle"),
        "{}",
        report["policies"]
    );
    assert_eq!(report["inputs"][0], serde_json::json!({"path": "vm.json", "format": "arm", "workloads": 1}));
    assert_eq!(
        report["summary"],
        serde_json::json!({"error": 1, "warning": 0, "info": 0, "waived": 0, "baselined": 0, "errors": 0})
    );
    let f = &report["findings"][0];
    for key in ["rule", "policy", "severity", "message", "resource", "location", "evidence", "fix", "fingerprint"] {
        assert!(f.get(key).is_some(), "finding lacks {key}");
    }
    assert_eq!(f["resource"], "Microsoft.Compute/virtualMachines/vm1");
    assert_eq!(f["location"]["pointer"], "/resources/0/properties/storageProfile/imageReference/sku");
}

#[test]
fn truncated_json_names_path_line_and_column_with_exit_2() {
    let dir = scratch("truncated");
    let text = arm_vm("7.2");
    std::fs::write(dir.join("broken.json"), &text[..text.find("\"offer\"").unwrap()]).unwrap();
    let out = entitle(&dir, &["check", "--as-of", "2026-11-25", "broken.json"]);
    assert_eq!(out.status.code(), Some(2));
    let text = stdout(&out);
    let line = text.lines().find(|l| l.starts_with("broken.json:")).unwrap_or_else(|| panic!("{text}"));
    let mut parts = line.split(':');
    assert_eq!(parts.next(), Some("broken.json"));
    assert!(parts.next().unwrap().parse::<u32>().is_ok(), "{line}");
    assert!(parts.next().unwrap().parse::<u32>().is_ok(), "{line}");
    let report = json(&entitle(&dir, &["check", "--format", "json", "broken.json"]));
    assert_eq!(report["errors"][0]["phase"], "parse");
    assert!(report["errors"][0]["line"].as_u64().unwrap() >= 14);
}

#[test]
fn examples_have_findings_and_the_run_prints_the_as_of_date() {
    let out = entitle(&root(), &["check", "--as-of", "2026-11-25", "examples/"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("examples/azure-rhel7-payg.json:17:20: error[RHEL-LC-MAJOR-EOL]"), "{text}");
    assert!(text.contains("examples/fleet.yaml:12:"), "{text}");
    assert!(text.contains("as of 2026-11-25"), "{text}");
    assert!(!text.contains("azure-rhel9-scaleset.json:"), "{text}");
}

#[test]
fn fail_on_changes_the_exit_code_and_rejects_unknown_values() {
    let dir = scratch("failon");
    std::fs::write(dir.join("vm.json"), arm_vm("7.2")).unwrap();
    let never = entitle(&dir, &["check", "--fail-on", "never", "--as-of", "2026-11-25", "vm.json"]);
    assert_eq!(never.status.code(), Some(0));
    let bogus = entitle(&dir, &["check", "--fail-on", "sometimes", "vm.json"]);
    assert_eq!(bogus.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bogus.stderr).contains("sometimes"));
}

#[test]
fn a_missing_path_and_a_bad_date_are_errors() {
    let dir = scratch("missing");
    let out = entitle(&dir, &["check", "--format", "json", "--as-of", "2026-11-25", "nope.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(json(&out)["errors"][0]["path"], "nope.json");
    let out = entitle(&dir, &["check", "--as-of", "2026-02-30", "nope.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("2026-02-30"));
}

#[test]
fn output_file_receives_the_report_and_stdout_stays_empty() {
    let dir = scratch("output");
    std::fs::write(dir.join("vm.json"), arm_vm("7.2")).unwrap();
    let out = entitle(&dir, &["check", "--format", "json", "--output", "r.json", "--as-of", "2026-11-25", "vm.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let report: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("r.json")).unwrap()).unwrap();
    assert_eq!(report["summary"]["error"], 1);
}

#[test]
fn bom_crlf_and_tabs_keep_exact_locations() {
    let dir = scratch("bom");
    let text = arm_vm("7.2").replace("  ", "\t").replace('\n', "\r\n");
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(text.as_bytes());
    std::fs::write(dir.join("vm.json"), bytes).unwrap();
    let report = json(&entitle(&dir, &["check", "--format", "json", "--as-of", "2026-11-25", "vm.json"]));
    let loc = &report["findings"][0]["location"];
    assert_eq!((loc["line"].as_u64(), loc["column"].as_u64()), (Some(15), Some(14)), "{loc}");
}

#[test]
fn native_yaml_descriptor_is_checked() {
    let dir = scratch("native");
    let yaml = "entitle: 1\nworkloads:\n  - id: db\n    os: {product: rhel, version: \"6.10\"}\n  - id: ok\n    os: {product: rhel, version: \"7.9\"}\n    addons: [els]\n";
    std::fs::write(dir.join("fleet.yaml"), yaml).unwrap();
    let report = json(&entitle(&dir, &["check", "--format", "json", "--as-of", "2026-11-25", "fleet.yaml"]));
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{report}");
    assert_eq!(findings[0]["workload"], "db");
    assert_eq!(findings[0]["location"]["line"], 4);
}

#[test]
fn a_file_that_is_not_a_descriptor_is_an_error_when_named_and_a_note_when_walked() {
    let dir = scratch("unknown");
    std::fs::create_dir_all(dir.join("infra")).unwrap();
    std::fs::write(dir.join("infra/other.json"), "{\"hello\": 1}").unwrap();
    std::fs::write(dir.join("infra/vm.jinja"), "resources:\n- name: {{ env['name'] }}\n  type: compute.v1.instance\n")
        .unwrap();
    let named = entitle(&dir, &["check", "--as-of", "2026-11-25", "infra/other.json"]);
    assert_eq!(named.status.code(), Some(2));
    // Walked, a Deployment Manager template fails the gate; allowed, both are listed, and since nothing was
    // checked the run still cannot pass.
    let walked = entitle(&dir, &["check", "--format", "json", "--as-of", "2026-11-25", "infra"]);
    assert_eq!(walked.status.code(), Some(2), "{}", stdout(&walked));
    let allowed = ["check", "--allow-unchecked", "--format", "json", "--as-of", "2026-11-25", "infra"];
    let walked = entitle(&dir, &allowed);
    assert_eq!(walked.status.code(), Some(2), "{}", stdout(&walked));
    let report = json(&walked);
    let inputs = report["inputs"].as_array().unwrap().clone();
    assert_eq!(inputs.len(), 2);
    assert!(inputs.iter().all(|i| i["skipped"].is_string()), "{inputs:?}");
    assert!(report["errors"][0]["message"].as_str().unwrap().contains("nothing was checked"), "{report}");
}

#[test]
fn facts_prints_the_canonical_model() {
    let dir = scratch("facts");
    std::fs::write(dir.join("vm.json"), arm_vm("8_4")).unwrap();
    let out = entitle(&dir, &["facts", "vm.json"]);
    assert_eq!(out.status.code(), Some(0));
    let facts = json(&out);
    let w = &facts["workloads"][0];
    assert_eq!(w["os"]["product"], "rhel");
    assert_eq!((w["os"]["major"].as_u64(), w["os"]["minor"].as_u64()), (Some(8), Some(4)));
    assert_eq!(w["os"]["stream"], "eus");
    assert_eq!(w["billing"]["model"], "payg");
    assert_eq!(w["source"]["line"], 5);
    assert_eq!(w["provenance"]["os.major"]["line"], 15);
}

#[test]
fn policies_lists_the_builtin_rules() {
    let out = entitle(&root(), &["policies"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.contains("rhel-lifecycle 0.1.0"), "{text}");
    assert!(text.contains("RHEL-LC-MAJOR-EOL"), "{text}");
    // entitle's own rules are listed too, as a policy of the host.
    assert!(text.contains("entitle ") && text.contains("ENTITLE-PARAM-NOT-ALLOWED"), "{text}");
    let listed = json(&entitle(&root(), &["policies", "--format", "json"]));
    let host = listed["policies"].as_array().unwrap().iter().find(|p| p["id"] == "entitle").expect("host rules");
    assert!(host["rules"].as_array().unwrap().iter().any(|r| r["id"] == "ENTITLE-WAIVER-EXPIRED"));
}

#[test]
fn compiled_policies_are_cached_and_a_damaged_cache_is_recompiled() {
    let dir = scratch("cache");
    std::fs::write(dir.join("vm.json"), arm_vm("7.2")).unwrap();
    let cache = dir.join(".cache");
    let run = || entitle_with_cache(&dir, &["check", "--as-of", "2026-11-25", "vm.json"], &cache);
    assert_eq!(run().status.code(), Some(1));
    let mut cached: Vec<_> = std::fs::read_dir(dir.join(".cache")).unwrap().map(|e| e.unwrap().path()).collect();
    cached.sort();
    let (prepared, modules): (Vec<_>, Vec<_>) =
        cached.iter().partition(|p| p.file_name().unwrap().to_string_lossy().starts_with("prepared-"));
    // Every built-in policy exports `entitle_prepare`, so each has its snapshot too (decision 130).
    assert_eq!(modules.len(), entitle::BUILTIN_POLICIES.len(), "one module per built-in policy: {cached:?}");
    assert_eq!(prepared.len(), entitle::BUILTIN_POLICIES.len(), "one snapshot per built-in policy: {cached:?}");
    assert!(cached.iter().all(|p| p.to_string_lossy().ends_with(".cwasm")), "{cached:?}");
    // A warm run reads a policy's snapshot alone; when the snapshot is damaged, it needs
    // the policy's module to snapshot it again, so damage every module too.
    for damaged in modules.iter().chain([&prepared[0]]) {
        std::fs::write(damaged, b"not compiled code").unwrap();
    }
    assert_eq!(run().status.code(), Some(1));
    assert!(std::fs::metadata(prepared[0]).unwrap().len() > 1000, "the damaged {:?} was rewritten", prepared[0]);
    let rewritten = modules.iter().filter(|m| std::fs::metadata(m).unwrap().len() > 1000).count();
    assert_eq!(rewritten, 1, "the module of that one policy was compiled again, and no other was read");
}

#[test]
fn a_run_without_any_policy_is_an_error_not_a_pass() {
    let dir = scratch("nopolicy");
    std::fs::write(dir.join("vm.json"), arm_vm("7.2")).unwrap();
    let out = entitle(&dir, &["check", "--no-builtin", "--format", "json", "--as-of", "2026-11-25", "vm.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(json(&out)["errors"][0]["message"].as_str().unwrap().contains("no policy is loaded"));
}

/// `--ami-catalog` names AMI ids that a plan or template leaves opaque, and
/// `--region` picks one region of a region-keyed mapping (both from the real corpus).
#[test]
fn an_ami_catalogue_names_opaque_amis_and_region_picks_one() {
    let corpus = root().join("../shared/corpus/real");
    let amis = root().join("host/tests/data/describe-images.json").display().to_string();
    let plan = corpus.join("terraform-plan/checkov/runner-resources-plan.tfplan.json").display().to_string();
    let dir = scratch("amis");
    let without = json(&entitle(&dir, &["check", "--format", "json", "--as-of", "2026-11-25", &plan]));
    assert_eq!(without["summary"]["error"], 0, "the AMI is opaque without a catalogue");
    let with = entitle(&dir, &["check", "--format", "json", "--as-of", "2026-11-25", "--ami-catalog", &amis, &plan]);
    assert_eq!(with.status.code(), Some(1));
    let f = &json(&with)["findings"][0];
    assert_eq!(
        (f["rule"].as_str(), f["resource"].as_str()),
        (Some("RHEL-LC-MAJOR-EOL"), Some("aws_instance.web_host"))
    );

    let cfn = corpus
        .join("cloudformation/aws-cloudformation-templates/AmazonCloudWatchAgent-inline-redhat.json")
        .display()
        .to_string();
    let out = entitle(&dir, &["facts", "--ami-catalog", &amis, "--region", "us-east-1", &cfn]);
    let w = &json(&out)["workloads"][0];
    assert_eq!((w["os"]["major"].as_u64(), w["os"]["minor"].as_u64()), (Some(9), Some(4)), "{w}");
    assert_eq!(w["billing"]["model"], "byos");
    assert_eq!(w["region"], "us-east-1");
    assert_eq!(w["alternatives"], Value::Null, "other regions are dropped");
}

#[test]
fn terraform_source_takes_var_and_var_file_with_terraforms_precedence() {
    let dir = scratch("tfhcl");
    std::fs::create_dir_all(dir.join("mod")).unwrap();
    let main = "variable \"sku\" {\n  default = \"9_4\"\n}\nresource \"azurerm_linux_virtual_machine\" \"vm\" {\n  source_image_reference {\n    publisher = \"RedHat\"\n    offer     = \"RHEL\"\n    sku       = var.sku\n    version   = \"latest\"\n  }\n}\n";
    std::fs::write(dir.join("mod/main.tf"), main).unwrap();
    std::fs::write(dir.join("mod/terraform.tfvars"), "sku = \"8_6\"\n").unwrap();
    std::fs::write(dir.join("old.tfvars"), "sku = \"7_9\"\n").unwrap();
    let facts = |args: &[&str]| {
        let out = entitle(&dir, &[&["facts", "--format", "json"], args, &["mod"]].concat());
        assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
        let w = json(&out)["workloads"][0].clone();
        let sku = &w["provenance"]["image.sku"];
        (w["image"]["sku"].as_str().unwrap().to_owned(), format!("{}:{}", sku["path"].as_str().unwrap(), sku["line"]))
    };
    assert_eq!(facts(&[]), ("8_6".to_owned(), "mod/terraform.tfvars:1".to_owned()));
    assert_eq!(facts(&["--var-file", "old.tfvars"]), ("7_9".to_owned(), "old.tfvars:1".to_owned()));
    assert_eq!(facts(&["--var-file", "old.tfvars", "--var", "sku=9_6"]).0, "9_6");
    let report = json(&entitle(
        &dir,
        &["check", "--format", "json", "--as-of", "2026-11-25", "--var-file", "old.tfvars", "mod"],
    ));
    let rules: Vec<&str> = report["findings"].as_array().unwrap().iter().filter_map(|f| f["rule"].as_str()).collect();
    assert!(rules.contains(&"RHEL-LC-MAJOR-EOL"), "{report}");
    assert_eq!(report["findings"][0]["location"]["path"], "old.tfvars");
}
