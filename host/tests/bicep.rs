//! The Bicep front-end through the real binary: the scenario issue 19 names (a RHEL VM
//! whose SKU is an `@allowed` parameter, looped three times, with `customData` loaded
//! from a script that attaches a subscription, a `.bicepparam` file, and a local module
//! given the image), syntax errors at `path:line:column` with exit 2, and loads and
//! modules that try to leave the tree.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn cases() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/bicep")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("entitle-bicep-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn entitle(dir: &Path, args: &[&str]) -> Output {
    let cache = std::env::temp_dir().join("entitle-inputs-cache");
    Command::new(env!("CARGO_BIN_EXE_entitle"))
        .args(args)
        .current_dir(dir)
        .env("ENTITLE_CACHE_DIR", cache)
        .output()
        .expect("run entitle")
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(out)))
}

/// `path:line` of a location or trail entry, the path relative to `tests/bicep` (`check`
/// spells paths from the project root, here the repository's top).
fn at(l: &Value) -> String {
    let path = l["path"].as_str().unwrap();
    format!("{}:{}", path.strip_prefix("tests/bicep/").unwrap_or(path), l["line"])
}

#[test]
fn the_issue_scenario_is_found_at_bicep_lines() {
    let out = entitle(&cases(), &["check", "--format", "json", "--as-of", "2026-11-25", "issue"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let report = json(&out);
    assert_eq!(report["errors"], serde_json::json!([]), "{report}");
    let findings = report["findings"].as_array().unwrap();
    let find = |rule: &str, alternative: bool, resource: &str| {
        findings
            .iter()
            .find(|f| f["rule"] == rule && f["alternative"].is_string() == alternative && f["resource"] == resource)
            .unwrap_or_else(|| panic!("no {rule} (alternative {alternative}) on {resource}: {report}"))
    };
    let vm = "Microsoft.Compute/virtualMachines/rhel-vm-0";
    // The default SKU: at the '7.2' literal, through the variable and the resource.
    let eol = find("RHEL-LC-MAJOR-EOL", false, vm);
    assert_eq!(at(&eol["location"]), "issue/main.bicep:7", "{eol}");
    assert_eq!(eol["location"]["column"], 24, "{eol}");
    let trail: Vec<String> = eol["trail"].as_array().unwrap().iter().map(at).collect();
    assert_eq!(trail, ["issue/main.bicep:28", "issue/main.bicep:16"], "{eol}");
    // The 9_4 choice: an alternative at its own literal in @allowed, with its own trail.
    let choice = find("PAYG-DOUBLE-SUBSCRIPTION", true, vm);
    assert_eq!(choice["alternative"], "parameter rhelSku = 9_4", "{choice}");
    let eus = find("RHEL-LC-EUS-EXPIRED", true, vm);
    assert_eq!(at(&eus["location"]), "issue/main.bicep:5", "{eus}");
    assert!(!eus["trail"].as_array().unwrap().is_empty(), "{eus}");
    // Paid twice: at the loadFileAsBase64 call that brings the script in.
    let payg = find("PAYG-DOUBLE-SUBSCRIPTION", false, vm);
    assert_eq!(at(&payg["location"]), "issue/main.bicep:33", "{payg}");
    // The module's image: at the literal passed in main.bicep, the trail through the module.
    let module = find("RHEL-LC-MAJOR-EOL", false, "Microsoft.Compute/virtualMachines/worker-vm");
    assert_eq!(at(&module["location"]), "issue/main.bicep:41", "{module}");
    let trail: Vec<String> = module["trail"].as_array().unwrap().iter().map(at).collect();
    assert_eq!(trail, ["issue/modules/vm.bicep:12"], "{module}");
    // Three machines, the count from main.bicepparam.
    let facts = json(&entitle(&cases(), &["facts", "issue"]));
    let w = facts["workloads"].as_array().unwrap().iter().find(|w| w["resource"] == vm).cloned().unwrap();
    assert_eq!(w["count"], 3, "{w}");
    assert_eq!(at(&w["provenance"]["count"]), "issue/main.bicep:20", "{w}");
    assert_eq!(at(&w["provenance"]["properties.copy.count"]), "issue/main.bicepparam:3", "{w}");
}

#[test]
fn a_syntax_error_is_reported_at_its_line_and_column_and_fails_the_run() {
    let dir = scratch("syntax");
    std::fs::write(
        dir.join("main.bicep"),
        "param sku string = '7.2'\nresource vm 'T@1' = {\n  name: 'a'\n  location:\n}\n",
    )
    .unwrap();
    let out = entitle(&dir, &["check", "--as-of", "2026-11-25", "."]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("main.bicep:5:1: error[parse]"), "{}", text(&out));
    std::fs::write(dir.join("main.bicep"), "param sku string = '7.2\n").unwrap();
    let out = entitle(&dir, &["check", "--as-of", "2026-11-25", "main.bicep"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("main.bicep:1:20: error[parse]"), "{}", text(&out));
}

#[test]
fn loads_and_modules_stay_inside_the_tree() {
    let dir = scratch("confined");
    std::fs::create_dir_all(dir.join("in")).unwrap();
    std::fs::write(dir.join("secret.sh"), "subscription-manager attach --auto\n").unwrap();
    std::fs::write(dir.join("outside.bicep"), "param sku string\n").unwrap();
    let main = "resource vm 'Microsoft.Compute/virtualMachines@2023-03-01' = {\n  name: 'vm'\n  properties: {\n    osProfile: {\n      customData: loadFileAsBase64('../secret.sh')\n    }\n  }\n}\nmodule m '../outside.bicep' = {\n  name: 'm'\n  params: { sku: '7.2' }\n}\n";
    std::fs::write(dir.join("in/main.bicep"), main).unwrap();
    let out = entitle(&dir, &["check", "--as-of", "2026-11-25", "in"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let all = text(&out);
    assert!(
        all.contains("in/main.bicep:5:19: error[model] loadFileAsBase64('../secret.sh'): not read: outside"),
        "{all}"
    );
    assert!(all.contains("outside.bicep") && all.contains("outside the directory tree"), "{all}");
    assert!(!all.contains("PAYG-DOUBLE-SUBSCRIPTION"), "{all}");
}

#[test]
fn human_findings_quote_the_bicep_line_with_a_caret_at_the_literal() {
    let out = entitle(&cases(), &["check", "--as-of", "2026-11-25", "issue"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let shown = String::from_utf8_lossy(&out.stdout);
    let line = std::fs::read_to_string(cases().join("issue/main.bicep")).unwrap().lines().nth(6).unwrap().to_owned();
    let lines: Vec<&str> = shown.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.trim_start().starts_with("7 | ") && l.ends_with(&line))
        .unwrap_or_else(|| panic!("no quote of line 7:\n{shown}"));
    assert_eq!(lines[at + 1].find('^'), lines[at].find("'7.2'"), "{shown}");
}
