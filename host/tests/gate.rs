//! The pipeline gate through the real binary: waivers (reason and expiry required,
//! expiry honoured, unused ones reported), inline waivers, rule overrides, baselines
//! (a changed image is a new finding), and several formats from one run.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// A scratch directory holding a copy of the RHEL 7.2 example under `infra/`.
fn workspace(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("entitle-gate-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("infra")).unwrap();
    std::fs::copy(root().join("examples/azure-rhel7-payg.json"), dir.join("infra/vm.json")).unwrap();
    dir
}

fn entitle(dir: &Path, args: &[&str]) -> Output {
    let cache = std::env::temp_dir().join(format!("entitle-gate-{}-cache", std::process::id()));
    Command::new(env!("CARGO_BIN_EXE_entitle"))
        .args(args)
        .current_dir(dir)
        .env("ENTITLE_CACHE_DIR", cache)
        .output()
        .unwrap()
}

fn report(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

const WAIVER: &str = r#"[[waiver]]
rule = "RHEL-LC-MAJOR-EOL"
path = "infra/**"
reason = "Decommissioned with the legacy platform"
expires = 2027-03-31
owner = "platform-team"
"#;

#[test]
fn a_waiver_with_reason_and_future_expiry_turns_exit_1_into_0() {
    let dir = workspace("waived");
    assert_eq!(entitle(&dir, &["check", "--as-of", "2026-11-25", "infra"]).status.code(), Some(1));
    std::fs::write(dir.join(".entitle-waivers.toml"), WAIVER).unwrap();
    let out = entitle(&dir, &["check", "--format", "json", "--as-of", "2026-11-25", "infra"]);
    assert_eq!(out.status.code(), Some(0));
    let r = report(&out);
    assert_eq!(r["summary"]["waived"], 1);
    let s = &r["findings"][0]["suppression"];
    assert_eq!(s["kind"], "waiver");
    assert_eq!(s["reason"], "Decommissioned with the legacy platform");
    assert_eq!(s["location"]["line"], 1);
}

#[test]
fn the_same_waiver_past_its_date_fails_again_and_reports_itself_expired() {
    let dir = workspace("expired");
    std::fs::write(dir.join(".entitle-waivers.toml"), WAIVER).unwrap();
    let out = entitle(&dir, &["check", "--format", "json", "--as-of", "2027-04-01", "infra"]);
    assert_eq!(out.status.code(), Some(1));
    let r = report(&out);
    let rules: Vec<&str> = r["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap()).collect();
    assert!(rules.contains(&"RHEL-LC-MAJOR-EOL") && rules.contains(&"ENTITLE-WAIVER-EXPIRED"), "{rules:?}");
    let expired = r["findings"].as_array().unwrap().iter().find(|f| f["rule"] == "ENTITLE-WAIVER-EXPIRED").unwrap();
    assert_eq!(expired["severity"], "warning");
    assert_eq!(expired["location"]["path"], ".entitle-waivers.toml");
    assert_eq!(expired["location"]["line"], 1);
}

#[test]
fn a_waiver_without_reason_is_exit_2_naming_its_line() {
    let dir = workspace("noreason");
    let text = format!("{WAIVER}\n[[waiver]]\nrule = \"RHEL-LC-EUS-EXPIRED\"\npath = \"x\"\nexpires = 2027-01-01\n");
    std::fs::write(dir.join("w.toml"), text).unwrap();
    let out = entitle(&dir, &["check", "--format", "json", "--waivers", "w.toml", "--as-of", "2026-11-25", "infra"]);
    assert_eq!(out.status.code(), Some(2));
    let e = &report(&out)["errors"][0];
    assert_eq!((e["path"].as_str(), e["line"].as_u64()), (Some("w.toml"), Some(8)), "{e}");
    assert!(e["message"].as_str().unwrap().contains("no `reason`"));
}

#[test]
fn an_unused_waiver_is_reported() {
    let dir = workspace("unused");
    std::fs::write(dir.join("w.toml"), WAIVER.replace("infra/**", "elsewhere/**")).unwrap();
    let out = entitle(&dir, &["check", "--format", "json", "--waivers", "w.toml", "--as-of", "2026-11-25", "infra"]);
    assert_eq!(out.status.code(), Some(1));
    let r = report(&out);
    assert!(
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "ENTITLE-WAIVER-UNUSED" && f["severity"] == "info")
    );
}

#[test]
fn inline_waivers_need_a_reason_and_a_date() {
    let dir = workspace("inline");
    let yaml = "entitle: 1\nworkloads:\n  - id: a\n    # entitle:ignore RHEL-LC-MAJOR-EOL audit archive until=2027-01-31\n    os: {product: rhel, version: \"6.10\"}\n  - id: b\n    # entitle:ignore RHEL-LC-MAJOR-EOL until=2027-01-31\n    os: {product: rhel, version: \"6.10\"}\n";
    std::fs::write(dir.join("fleet.yaml"), yaml).unwrap();
    let out = entitle(&dir, &["check", "--format", "json", "--as-of", "2026-11-25", "fleet.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    let r = report(&out);
    assert_eq!(r["summary"]["waived"], 1);
    assert_eq!(r["summary"]["error"], 1);
    assert_eq!(r["errors"][0]["line"], 7);
}

/// Regression (issue 14): `entitle:ignore` inside a string (a tag of a one-line plan, a quoted YAML scalar, an HCL
/// attribute) waived findings; only real comments waive, in YAML, JSONC (ARM) and HCL.
#[test]
fn inline_waivers_are_read_from_comments_never_from_strings() {
    let dir = workspace("inline-comments");
    let ignore = "entitle:ignore RHEL-LC-MAJOR-EOL legacy app until=2099-12-31";
    let plan = format!(
        "{{\"format_version\":\"1.2\",\"resource_changes\":[{{\"address\":\"azurerm_linux_virtual_machine.db\",\
         \"mode\":\"managed\",\"type\":\"azurerm_linux_virtual_machine\",\"name\":\"db\",\"change\":{{\"actions\":[\"create\"],\
         \"before\":null,\"after\":{{\"location\":\"westeurope\",\"source_image_reference\":[{{\"publisher\":\"RedHat\",\
         \"offer\":\"RHEL\",\"sku\":\"7.2\",\"version\":\"latest\"}}],\"tags\":{{\"note\":\"// {ignore}\"}}}},\"after_unknown\":{{}}}}}}]}}"
    );
    std::fs::write(dir.join("plan.json"), plan).unwrap();
    let fleet =
        format!("entitle: 1\nworkloads:\n  - id: \"a # {ignore}\"\n    os: {{product: rhel, version: \"6.10\"}}\n");
    std::fs::write(dir.join("fleet.yaml"), fleet).unwrap();
    let tf = |line: &str| {
        format!(
            "resource \"azurerm_linux_virtual_machine\" \"db\" {{\n  location = \"westeurope\"\n  \
             source_image_reference {{\n    publisher = \"RedHat\"\n    offer = \"RHEL\"\n    {line}\n    sku = \"7.2\"\n  \
             \x20 version = \"latest\"\n  }}\n}}\n"
        )
    };
    for (name, line) in [("tf-string", format!("note = \"# {ignore}\"")), ("tf-comment", format!("# {ignore}"))] {
        std::fs::create_dir_all(dir.join(name)).unwrap();
        std::fs::write(dir.join(name).join("main.tf"), tf(&line)).unwrap();
    }
    let arm = std::fs::read_to_string(root().join("examples/azure-rhel7-payg.json")).unwrap();
    let mut lines: Vec<String> = arm.lines().map(str::to_owned).collect();
    lines.insert(16, format!("          // {ignore}"));
    std::fs::write(dir.join("infra/vm.json"), lines.join("\n")).unwrap();
    let args = ["check", "--format", "json", "--as-of", "2026-11-25", "plan.json", "fleet.yaml", "tf-string"];
    let out = entitle(&dir, &[&args[..], &["tf-comment", "infra"]].concat());
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let r = report(&out);
    let waived = |path: &str| {
        let finding = r["findings"].as_array().unwrap().iter().find(|f| f["location"]["path"] == path);
        let finding = finding.unwrap_or_else(|| panic!("no finding in {path}: {r:#}"));
        assert_eq!(finding["rule"], "RHEL-LC-MAJOR-EOL");
        finding["suppression"]["location"]["line"].as_u64()
    };
    assert_eq!(waived("plan.json"), None, "a string in a one-line plan is not a comment");
    assert_eq!(waived("fleet.yaml"), None, "a # inside a quoted YAML scalar is not a comment");
    assert_eq!(waived("tf-string/main.tf"), None, "a # inside an HCL string is not a comment");
    assert_eq!(waived("tf-comment/main.tf"), Some(6));
    assert_eq!(waived("infra/vm.json"), Some(17));
    assert_eq!(r["summary"]["waived"], 2);
}

#[test]
fn rule_overrides_change_severity_and_unknown_rules_are_errors() {
    let dir = workspace("config");
    std::fs::write(dir.join("entitle.toml"), "[rules.RHEL-LC-MAJOR-EOL]\nseverity = \"warning\"\n").unwrap();
    let out = entitle(&dir, &["check", "--format", "json", "--as-of", "2026-11-25", "infra"]);
    assert_eq!(out.status.code(), Some(0), "a warning does not fail --fail-on error");
    assert_eq!(report(&out)["findings"][0]["severity"], "warning");
    std::fs::write(dir.join("entitle.toml"), "[rules.NO-SUCH-RULE]\nenabled = false\n").unwrap();
    let out = entitle(&dir, &["check", "--format", "json", "--as-of", "2026-11-25", "infra"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(report(&out)["errors"][0]["line"], 1);
}

#[test]
fn a_baseline_passes_the_next_run_and_a_changed_sku_is_new() {
    let dir = workspace("baseline");
    let out = entitle(&dir, &["baseline", "--as-of", "2026-11-25", "infra", "--output", "base.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let out =
        entitle(&dir, &["check", "--format", "json", "--baseline", "base.json", "--as-of", "2026-11-25", "infra"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(report(&out)["summary"]["baselined"], 1);
    // Moving lines keeps the fingerprint; changing the image does not.
    let text = std::fs::read_to_string(dir.join("infra/vm.json")).unwrap();
    std::fs::write(dir.join("infra/vm.json"), format!("\n\n{text}")).unwrap();
    let out = entitle(&dir, &["check", "--baseline", "base.json", "--as-of", "2026-11-25", "infra"]);
    assert_eq!(out.status.code(), Some(0));
    std::fs::write(dir.join("infra/vm.json"), text.replace("\"7.2\"", "\"7.3\"")).unwrap();
    let out =
        entitle(&dir, &["check", "--format", "json", "--baseline", "base.json", "--as-of", "2026-11-25", "infra"]);
    assert_eq!(out.status.code(), Some(1));
    let r = report(&out);
    assert_eq!((r["summary"]["error"].as_u64(), r["summary"]["baselined"].as_u64()), (Some(1), Some(0)));
}

#[test]
fn one_run_writes_several_formats() {
    let dir = workspace("formats");
    let out = entitle(
        &dir,
        &[
            "check",
            "--as-of",
            "2026-11-25",
            "--format",
            "sarif",
            "--output",
            "r.sarif",
            "--format",
            "junit",
            "--output",
            "r.xml",
            "--format",
            "gitlab",
            "--output",
            "cq.json",
            "--format",
            "github",
            "infra",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let github = String::from_utf8_lossy(&out.stdout);
    assert!(github.lines().any(|l| l.starts_with("::error file=infra/vm.json,line=17,col=20")), "{github}");
    let sarif: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("r.sarif")).unwrap()).unwrap();
    assert_eq!(sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"], 17);
    assert!(std::fs::read_to_string(dir.join("r.xml")).unwrap().contains("<testsuite"));
    let cq: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("cq.json")).unwrap()).unwrap();
    assert_eq!(cq.as_array().unwrap().len(), 1);
    let two_on_stdout = entitle(&dir, &["check", "--format", "json", "--format", "human", "infra"]);
    assert_eq!(two_on_stdout.status.code(), Some(2));
}
