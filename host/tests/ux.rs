//! The command-line comforts (issue #18 items 3, 4, 5) through the real binary: snippets
//! with a caret under the value, long lines cut, fixes printed once, `--quiet`, the
//! per-rule table, stderr summaries and errors, `explain`, `--rule`/`--skip-rule`,
//! `completions`, `--version`, formats a command does not take, and the progress bar.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("entitle-ux-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn entitle(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_entitle")).args(args).current_dir(dir).env_remove("NO_COLOR").output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// An ARM template with `n` VMs on RHEL 7.2 (RHEL-LC-MAJOR-EOL as of 2026-11-25).
fn vms(n: usize, pretty: bool) -> String {
    let vm = |i: usize| {
        format!(
            r#"{{"type": "Microsoft.Compute/virtualMachines", "apiVersion": "2022-03-01", "name": "vm{i}", "location": "westeurope",
  "properties": {{"storageProfile": {{"imageReference": {{"publisher": "RedHat", "offer": "RHEL",
    "sku": "7.2", "version": "latest"}}}}}}}}"#
        )
    };
    let resources: Vec<String> = (0..n).map(vm).collect();
    let text = format!(
        "{{\"$schema\": \"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#\",\n\"contentVersion\": \"1.0.0.0\",\n\"resources\": [\n{}\n]}}\n",
        resources.join(",\n")
    );
    if pretty { text } else { text.replace('\n', " ") }
}

#[test]
fn a_finding_shows_its_line_with_a_caret_under_the_value() {
    let dir = scratch("caret");
    std::fs::write(dir.join("main.json"), vms(1, true)).unwrap();
    let out = entitle(&dir, &["check", "--as-of", "2026-11-25", "main.json"]);
    assert_eq!(out.status.code(), Some(1));
    let shown = text(&out.stdout);
    assert!(!shown.contains('\x1b'), "no colour when stdout is not a terminal:\n{shown}");
    assert!(shown.contains("main.json:6:12: error[RHEL-LC-MAJOR-EOL]"), "{shown}");
    let lines: Vec<&str> = shown.lines().collect();
    let at = lines.iter().position(|l| l.starts_with("6 |") && l.contains(r#""sku": "7.2""#)).expect(&shown);
    let caret = lines[at + 1];
    let value = lines[at].find(r#""7.2""#).unwrap();
    assert_eq!(caret.find('^'), Some(value), "caret under the value:\n{shown}");
    assert_eq!(caret[value..].trim_end().split(' ').next(), Some("^^^^^"), "{shown}");
    assert!(caret.ends_with("resource: Microsoft.Compute/virtualMachines/vm0"), "{shown}");
}

#[test]
fn a_long_line_is_cut_around_the_value_and_a_fix_is_printed_once_per_rule() {
    let dir = scratch("long");
    // Three findings on one 3 MB line.
    let one_line = vms(3, false).replacen(
        "\"contentVersion\"",
        &format!("\"metadata\": {{\"pad\": \"{}\"}}, \"contentVersion\"", "x".repeat(3_000_000)),
        1,
    );
    std::fs::write(dir.join("min.json"), one_line).unwrap();
    let out = entitle(&dir, &["check", "--as-of", "2026-11-25", "min.json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let shown = text(&out.stdout);
    assert!(shown.len() < 6_000, "a cut line, not the 3 MB one: {} bytes", shown.len());
    assert_eq!(shown.matches("error[RHEL-LC-MAJOR-EOL]").count(), 3, "{shown}");
    let quoted: Vec<&str> = shown.lines().filter(|l| l.starts_with("1 | …")).collect();
    assert_eq!(quoted.len(), 3, "each finding quotes its window of line 1:\n{shown}");
    for line in &quoted {
        assert!(line.contains(r#""sku": "7.2""#) && line.chars().count() < 140, "{line}");
    }
    // The fix text once, with the count; the other two findings point back to it.
    let fix = "Move the workload to RHEL 9 or 10";
    assert_eq!(shown.matches(fix).count(), 1, "{shown}");
    assert!(shown.contains("(the same for all 3 RHEL-LC-MAJOR-EOL findings)"), "{shown}");
    assert_eq!(shown.matches("= fix: as for the first RHEL-LC-MAJOR-EOL finding above").count(), 2, "{shown}");
}

#[test]
fn quiet_keeps_errors_the_rule_table_and_the_summary() {
    let dir = scratch("quiet");
    std::fs::write(dir.join("main.json"), vms(2, true)).unwrap();
    let out = entitle(&dir, &["check", "--as-of", "2026-11-25", "--quiet", "main.json", "missing.json"]);
    assert_eq!(out.status.code(), Some(2));
    let shown = text(&out.stdout);
    assert!(!shown.contains("main.json:6:12") && !shown.contains(" | "), "no findings with --quiet:\n{shown}");
    assert!(shown.contains("missing.json: error[read]"), "{shown}");
    let table: Vec<&str> = shown.lines().skip_while(|l| !l.starts_with("rule ")).collect();
    assert!(table[0].split_whitespace().eq(["rule", "error", "warning", "info", "suppressed"]), "{shown}");
    assert!(table[1].split_whitespace().eq(["RHEL-LC-MAJOR-EOL", "2", "0", "0", "0"]), "{shown}");
    assert!(table[2].starts_with("entitle: 2 errors, 0 warnings, 0 info; 1 check failed;"), "{shown}");
    // The error is also on stderr; with a format on stdout, the summary is not.
    let stderr = text(&out.stderr);
    assert!(stderr.contains("entitle: missing.json: error[read]"), "{stderr}");
    assert!(!stderr.contains("entitle: 2 errors"), "{stderr}");
}

#[test]
fn every_format_to_a_file_still_prints_a_summary_and_the_errors_on_stderr() {
    let dir = scratch("files");
    std::fs::write(dir.join("main.json"), vms(1, true)).unwrap();
    let args = ["check", "--as-of", "2026-11-25", "--format", "sarif", "--output", "r.sarif", "main.json", "gone.json"];
    let out = entitle(&dir, &args);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = text(&out.stderr);
    assert!(stderr.contains("entitle: gone.json: error[read]"), "{stderr}");
    assert!(stderr.contains("entitle: 1 error, 0 warnings, 0 info; 1 check failed; 1 input"), "{stderr}");
}

#[test]
fn rule_and_skip_rule_select_findings_and_an_unknown_id_is_an_error() {
    let dir = std::fs::canonicalize(root().join("examples")).unwrap();
    let rules = |args: &[&str]| {
        let mut all = vec!["check", "--as-of", "2026-11-25", "--format", "json", "."];
        all.extend(args);
        let out = entitle(&dir, &all);
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let mut ids: Vec<String> =
            report["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap().to_owned()).collect();
        ids.sort();
        ids.dedup();
        (out.status.code(), ids)
    };
    let (_, all) = rules(&[]);
    assert!(all.len() > 3 && all.contains(&"RHEL-LC-MAJOR-EOL".to_owned()), "{all:?}");
    assert_eq!(rules(&["--rule", "rhel-lc-major-eol"]), (Some(1), vec!["RHEL-LC-MAJOR-EOL".to_owned()]));
    let (_, skipped) = rules(&["--skip-rule", "RHEL-LC-MAJOR-EOL"]);
    assert_eq!(skipped.len(), all.len() - 1, "{skipped:?}");
    assert!(!skipped.contains(&"RHEL-LC-MAJOR-EOL".to_owned()));
    let out = entitle(&dir, &["check", "--as-of", "2026-11-25", "--skip-rule", "RHEL-LC-MAJOR-EOLL", "."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--skip-rule `RHEL-LC-MAJOR-EOLL`: no loaded policy declares this rule"));
}

#[test]
fn explain_tells_a_rule_from_its_policy_and_the_catalog() {
    let dir = scratch("explain");
    let policies: serde_json::Value =
        serde_json::from_slice(&entitle(&dir, &["policies", "--format", "json"]).stdout).unwrap();
    let rule = policies["policies"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["rules"].as_array().unwrap())
        .find(|r| r["id"] == "RHEL-LC-MAJOR-EOL")
        .unwrap()
        .clone();
    let out = entitle(&dir, &["explain", "RHEL-LC-MAJOR-EOL"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let shown = text(&out.stdout);
    assert!(shown.starts_with(&format!("RHEL-LC-MAJOR-EOL — {}\n", rule["title"].as_str().unwrap())), "{shown}");
    assert!(shown.contains(rule["description"].as_str().unwrap()), "{shown}");
    assert!(shown.contains("policy:   rhel-lifecycle "), "{shown}");
    assert!(shown.contains("catalog tables: lifecycle, minor-releases"), "{shown}");
    assert!(
        shown.contains("  lifecycle: ") && shown.contains("verified") && shown.contains("from https://"),
        "{shown}"
    );
    assert!(shown.contains("policies/rhel-lifecycle/cases/") && shown.contains("  fix: "), "{shown}");
    // Every row, with its source and confidence, on request.
    let rows = text(&entitle(&dir, &["explain", "--rows", "RHEL-LC-MAJOR-EOL"]).stdout);
    assert!(rows.lines().filter(|l| l.starts_with("    ") && l.contains(" — ")).count() > 20, "{rows}");
    let list = text(&entitle(&dir, &["explain", "--list"]).stdout);
    assert!(list.lines().any(|l| l.split_whitespace().take(3).eq(["RHEL-LC-MAJOR-EOL", "error", "rhel-lifecycle"])));
    assert!(list.lines().any(|l| l.starts_with("ENTITLE-WAIVER-EXPIRED ")), "{list}");
    let unknown = entitle(&dir, &["explain", "NO-SUCH-RULE"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(text(&unknown.stderr).contains("no loaded policy declares rule `NO-SUCH-RULE`"));
    // A policy that lists its workload fields says which.
    let count = text(&entitle(&dir, &["explain", "BYOS-SUBSCRIPTION-COUNT"]).stdout);
    assert!(count.contains("(every input of the run at once)"), "{count}");
    assert!(count.contains("workload fields: addons, billing, count, ha, image, instance, os (besides id,"), "{count}");
}

#[test]
fn completions_version_and_unsupported_formats() {
    let dir = scratch("misc");
    let bash = entitle(&dir, &["completions", "bash"]);
    assert_eq!(bash.status.code(), Some(0));
    let script = text(&bash.stdout);
    assert!(script.contains("_entitle()") && script.contains("explain") && script.contains("--skip-rule"));
    assert_eq!(entitle(&dir, &["completions", "cmd"]).status.code(), Some(2));
    let version = text(&entitle(&dir, &["--version"]).stdout);
    let catalog = std::fs::read_to_string(root().join("policies/catalog/catalog.json")).unwrap();
    let catalog: serde_json::Value = serde_json::from_str(&catalog).unwrap();
    assert!(version.contains(&format!("\ncatalog {}\n", catalog["version"].as_str().unwrap())), "{version}");
    assert!(version.contains("\npolicy rhel-lifecycle ") && version.contains("\nwasmtime "), "{version}");
    let sarif = entitle(&dir, &["policies", "--format", "sarif"]);
    assert_eq!(sarif.status.code(), Some(2));
    assert!(text(&sarif.stderr).contains("invalid value 'sarif'"), "{}", text(&sarif.stderr));
    assert_eq!(entitle(&dir, &["bom", "--format", "junit", "x.json"]).status.code(), Some(2));
}

/// A run of over a second (a policy stopped at a 1.5 s limit): no bar when stderr is a
/// pipe; a bar under `script`, which gives the run a terminal.
#[test]
fn the_progress_bar_is_drawn_only_on_a_terminal() {
    let dir = scratch("progress");
    std::fs::write(dir.join("main.json"), vms(1, true)).unwrap();
    let policy = root().join("tests/fixtures/hostile/endless-loop.wat").display().to_string();
    let args = ["check", "--no-cache", "--no-builtin", "--policy", &policy, "--policy-timeout", "1500ms", "main.json"];
    let out = entitle(&dir, &args);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(!stderr.contains('\r') && !stderr.contains("evaluations") && !stderr.contains('\x1b'), "{stderr:?}");
    if !Path::new("/usr/bin/script").exists() {
        return;
    }
    let line = format!("{} {} 2>&1 >/dev/null", env!("CARGO_BIN_EXE_entitle"), args.join(" "));
    let out = Command::new("/usr/bin/script").args(["-qec", &line, "/dev/null"]).current_dir(&dir).output().unwrap();
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(shown.contains("read 1/1 files, 1 workloads; 0/1 evaluations"), "{shown:?}");
}
