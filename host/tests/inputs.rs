//! Hostile inputs through the real binary: linked templates that try to read outside the
//! tree (or block, or never end), walks with symlinks, FIFOs and no descriptor at all,
//! descriptors entitle cannot check, a config file that switches rules off, and names and
//! guest messages that try to forge output lines or CI commands.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// A fresh scratch directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("entitle-inputs-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs entitle in `dir` with stdin an open pipe nobody writes to (so reading
/// `/dev/stdin` would hang), killed after 60 s.
fn entitle(dir: &Path, args: &[&str]) -> Output {
    entitle_env(dir, args, &[])
}

fn entitle_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    // Shared across runs: the first run compiles the built-in policies once.
    let cache = std::env::temp_dir().join("entitle-inputs-cache");
    let mut child = Command::new(env!("CARGO_BIN_EXE_entitle"))
        .args(args)
        .current_dir(dir)
        .env("ENTITLE_CACHE_DIR", cache)
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run entitle");
    let _stdin = child.stdin.take();
    wait(child, Duration::from_secs(300))
}

fn wait(mut child: Child, limit: Duration) -> Output {
    let (mut out, mut err) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let reader = std::thread::spawn(move || {
        let mut text = Vec::new();
        out.read_to_end(&mut text).unwrap();
        text
    });
    let errors = std::thread::spawn(move || {
        let mut text = Vec::new();
        err.read_to_end(&mut text).unwrap();
        text
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > limit {
            child.kill().unwrap();
            panic!("entitle did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output { status, stdout: reader.join().unwrap(), stderr: errors.join().unwrap() }
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(out)))
}

/// An ARM template with one VM named `name` on a RHEL image SKU.
fn arm_vm(name: &str, sku: &str) -> String {
    let name = serde_json::to_string(name).unwrap();
    format!(
        r#"{{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "resources": [
    {{
      "type": "Microsoft.Compute/virtualMachines",
      "apiVersion": "2023-03-01",
      "name": {name},
      "location": "westeurope",
      "properties": {{
        "storageProfile": {{
          "imageReference": {{ "publisher": "RedHat", "offer": "RHEL", "sku": "{sku}", "version": "latest" }}
        }}
      }}
    }}
  ]
}}
"#
    )
}

/// An ARM template whose deployments link each of `links` by `relativePath`.
fn linking(links: &[&str]) -> String {
    let deployments: Vec<Value> = links
        .iter()
        .enumerate()
        .map(|(i, link)| {
            serde_json::json!({
                "type": "Microsoft.Resources/deployments",
                "apiVersion": "2022-09-01",
                "name": format!("linked{i}"),
                "properties": {"mode": "Incremental", "templateLink": {"relativePath": link}},
            })
        })
        .collect();
    let template = serde_json::json!({
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        "resources": deployments,
    });
    serde_json::to_string_pretty(&template).unwrap()
}

fn notes(report: &Value) -> Vec<String> {
    let inputs = report["inputs"].as_array().unwrap();
    inputs.iter().flat_map(|i| i["notes"].as_array().cloned().unwrap_or_default()).map(|n| n.to_string()).collect()
}

#[test]
fn linked_templates_outside_the_tree_are_notes_never_reads() {
    let dir = scratch("outside");
    std::fs::create_dir_all(dir.join("repo/infra/nested")).unwrap();
    std::fs::write(dir.join("outside.json"), arm_vm("OUTSIDE-SECRET-NAME", "7.2")).unwrap();
    std::fs::write(dir.join("repo/infra/nested/vm.json"), arm_vm("inside-vm", "7.2")).unwrap();
    let mut links = vec![
        "/etc/passwd",
        "../../outside.json",
        "/dev/zero",
        "/dev/urandom",
        "/dev/stdin",
        "/proc/self/environ",
        "nested/vm.json",
    ];
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(dir.join("outside.json"), dir.join("repo/infra/escape.json")).unwrap();
        std::os::unix::fs::symlink("/dev/zero", dir.join("repo/infra/zero.json")).unwrap();
        links.extend(["escape.json", "zero.json"]);
    }
    std::fs::write(dir.join("repo/infra/main.json"), linking(&links)).unwrap();
    for named in ["infra", "infra/main.json"] {
        let out = entitle(&dir.join("repo"), &["check", "--format", "json", "--as-of", "2026-11-25", named]);
        let all = text(&out);
        assert!(!all.contains("OUTSIDE-SECRET-NAME") && !all.contains("root:"), "{named}: {all}");
        let report = json(&out);
        let notes = notes(&report);
        for link in &links[..6] {
            // Shown as a path from where the user stands (`infra/../../outside.json`).
            let shown = if link.starts_with('/') { (*link).to_owned() } else { link.replacen("../", "", 1) };
            let said = format!("linked template {shown}: not read: outside the directory tree of the input");
            assert!(notes.iter().any(|n| n.contains(&said) && n.contains("infra/main.json:")), "{link}: {notes:?}");
        }
        // The template inside the tree is still read, and its finding points into it.
        let findings = report["findings"].as_array().unwrap();
        assert!(
            findings.iter().any(|f| f["location"]["path"] == "infra/nested/vm.json"
                && f["resource"].as_str().unwrap().ends_with("inside-vm")),
            "{named}: {findings:?}"
        );
    }
}

#[test]
fn a_linked_file_inside_the_tree_is_never_quoted_and_a_huge_one_is_not_read() {
    let dir = scratch("contents");
    std::fs::write(dir.join("notes.txt"), "TOP-SECRET-CONTENT here\n").unwrap();
    std::fs::write(dir.join("broken.json"), "{\"TOP-SECRET-KEY\": [1, 2\n").unwrap();
    let mut big = arm_vm("big", "10-lvm-gen2");
    big.push_str(&" ".repeat(5 << 20));
    std::fs::write(dir.join("big.json"), big).unwrap();
    std::fs::write(dir.join("main.json"), linking(&["notes.txt", "broken.json", "big.json"])).unwrap();
    let out = entitle(&dir, &["check", "--format", "json", "--as-of", "2026-11-25", "main.json"]);
    let all = text(&out);
    assert!(!all.contains("TOP-SECRET"), "{all}");
    let notes = notes(&json(&out));
    assert!(notes.iter().any(|n| n.contains("notes.txt: not an ARM template")), "{notes:?}");
    assert!(notes.iter().any(|n| n.contains("broken.json:2:")), "{notes:?}");
    assert!(notes.iter().any(|n| n.contains("big.json: not read: larger than 4194304 bytes")), "{notes:?}");
}

#[test]
fn a_directory_with_nothing_to_check_fails_the_run() {
    let dir = scratch("empty");
    std::fs::create_dir_all(dir.join("docs")).unwrap();
    std::fs::write(dir.join("docs/README.md"), "# nothing here\n").unwrap();
    let out = entitle(&dir, &["check", "--as-of", "2026-11-25", "docs"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("docs: error[parse] no deployment descriptor was found"), "{}", text(&out));

    // Files were found, but none is a descriptor: still nothing checked.
    std::fs::write(dir.join("docs/package.json"), "{\"name\": \"x\"}").unwrap();
    let out = entitle(&dir, &["check", "--as-of", "2026-11-25", "docs"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("so nothing was checked"), "{}", text(&out));

    // Beside a descriptor, a package.json is a note and fails nothing.
    std::fs::write(dir.join("docs/vm.json"), arm_vm("vm1", "10-lvm-gen2")).unwrap();
    let out = entitle(&dir, &["check", "--as-of", "2026-11-25", "docs"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("docs/package.json: note: not checked"), "{}", text(&out));
}

#[cfg(unix)]
#[test]
fn symlinks_fifos_and_loops_in_a_walk_are_checked_or_listed_never_hang() {
    use std::os::unix::fs::symlink;
    let dir = scratch("links");
    std::fs::create_dir_all(dir.join("infra/.hidden")).unwrap();
    std::fs::write(dir.join("outside.json"), arm_vm("OUTSIDE-VM", "7.2")).unwrap();
    std::fs::write(dir.join("infra/vm.json"), arm_vm("real-vm", "7.2")).unwrap();
    std::fs::write(dir.join("infra/.hidden/kept.json"), arm_vm("linked-vm", "7.2")).unwrap();
    symlink(dir.join("infra/.hidden/kept.json"), dir.join("infra/alias.json")).unwrap();
    symlink("vm.json", dir.join("infra/same.json")).unwrap();
    symlink(dir.join("outside.json"), dir.join("infra/out.json")).unwrap();
    symlink(&dir, dir.join("infra/up")).unwrap();
    symlink(".", dir.join("infra/loop")).unwrap();
    assert!(Command::new("mkfifo").arg(dir.join("infra/pipe.json")).status().unwrap().success());
    let out = entitle(&dir, &["check", "--format", "json", "--as-of", "2026-11-25", "infra"]);
    let report = json(&out);
    assert!(!text(&out).contains("OUTSIDE-VM"), "{}", text(&out));
    let skipped = |path: &str| -> String {
        let input = report["inputs"].as_array().unwrap().iter().find(|i| i["path"] == path);
        input.unwrap_or_else(|| panic!("{path} not listed: {report}"))["skipped"].as_str().unwrap_or("").to_owned()
    };
    assert_eq!(skipped("infra/alias.json"), "", "a link inside the tree is checked");
    assert!(skipped("infra/same.json").contains("checked under that name"));
    assert!(skipped("infra/out.json").contains("leads outside the walked directory"));
    assert!(skipped("infra/up").contains("leads outside the walked directory"));
    assert!(skipped("infra/pipe.json").contains("a FIFO, not a regular file"));
    let resources: Vec<&str> =
        report["findings"].as_array().unwrap().iter().map(|f| f["resource"].as_str().unwrap()).collect();
    assert!(
        resources.iter().any(|r| r.ends_with("linked-vm")) && resources.iter().any(|r| r.ends_with("real-vm")),
        "{resources:?}"
    );
    assert_eq!(resources.iter().filter(|r| r.ends_with("real-vm")).count(), 1, "checked once: {resources:?}");
}

#[cfg(unix)]
#[test]
fn a_named_fifo_or_device_is_an_error_without_hanging() {
    let dir = scratch("named-fifo");
    assert!(Command::new("mkfifo").arg(dir.join("pipe.json")).status().unwrap().success());
    for path in ["pipe.json", "/dev/zero", "/dev/stdin"] {
        let out = entitle(&dir, &["check", "--as-of", "2026-11-25", path]);
        assert_eq!(out.status.code(), Some(2), "{path}: {}", text(&out));
        assert!(text(&out).contains("not a regular file"), "{path}: {}", text(&out));
    }
}

#[test]
fn a_config_file_from_the_working_directory_is_named_in_every_format() {
    let dir = scratch("config");
    std::fs::write(dir.join("vm.json"), arm_vm("vm1", "7.2")).unwrap();
    let toml = "# quiet please\n[rules.RHEL-LC-MAJOR-EOL]\nenabled = false\n\n[rules.RHEL-LC-EXPIRES-SOON]\nseverity = \"error\"\n";
    std::fs::write(dir.join("entitle.toml"), toml).unwrap();
    let run = |format: &str| {
        let out = entitle(&dir, &["check", "--format", format, "--as-of", "2026-11-25", "vm.json"]);
        assert_eq!(out.status.code(), Some(0), "{format}: {}", text(&out));
        String::from_utf8(out.stdout).unwrap()
    };
    let human = run("human");
    assert!(
        human.contains("entitle.toml:2:1: note: RHEL-LC-MAJOR-EOL disabled by this rule-override file (project root)"),
        "{human}"
    );
    assert!(human.contains("entitle.toml:5:1: note: RHEL-LC-EXPIRES-SOON severity error"), "{human}");
    assert!(human.trim_end().ends_with("; config entitle.toml"), "{human}");
    let report: Value = serde_json::from_str(&run("json")).unwrap();
    assert_eq!(report["config"]["path"], "entitle.toml");
    assert_eq!(report["config"]["found"], "project root");
    assert_eq!(
        report["config"]["rules"][0],
        serde_json::json!({"rule": "RHEL-LC-EXPIRES-SOON", "line": 5, "severity": "error"})
    );
    assert_eq!(
        report["config"]["rules"][1],
        serde_json::json!({"rule": "RHEL-LC-MAJOR-EOL", "line": 2, "enabled": false})
    );
    let sarif: Value = serde_json::from_str(&run("sarif")).unwrap();
    assert_eq!(sarif["runs"][0]["properties"]["config"]["rules"][1]["enabled"], false);
    let junit = run("junit");
    assert!(junit.contains("<property name=\"config\" value=\"entitle.toml (project root): RHEL-LC-EXPIRES-SOON severity error; RHEL-LC-MAJOR-EOL disabled\"/>"), "{junit}");
    let github = run("github");
    assert!(
        github.contains("::notice file=entitle.toml,line=2,title=entitle%3Aconfig::RHEL-LC-MAJOR-EOL disabled"),
        "{github}"
    );
    let gitlab: Value = serde_json::from_str(&run("gitlab")).unwrap();
    let issue = gitlab
        .as_array()
        .unwrap()
        .iter()
        .find(|i| {
            i["check_name"] == "entitle:config"
                && i["description"].as_str().unwrap().starts_with("RHEL-LC-MAJOR-EOL disabled")
        })
        .expect("a config issue");
    assert_eq!(issue["location"], serde_json::json!({"path": "entitle.toml", "lines": {"begin": 2}}));
}

#[test]
fn walked_deployment_manager_templates_fail_the_gate_unless_allowed_and_bicep_is_read() {
    let dir = scratch("bicep");
    std::fs::create_dir_all(dir.join("infra")).unwrap();
    std::fs::write(dir.join("infra/vm.json"), arm_vm("vm1", "10-lvm-gen2")).unwrap();
    let bicep = "resource vm 'Microsoft.Compute/virtualMachines@2023-03-01' = {\n  name: 'vm2'\n  properties: {\n    storageProfile: {\n      imageReference: { publisher: 'RedHat', offer: 'RHEL', sku: '10-lvm-gen2', version: 'latest' }\n    }\n  }\n}\n";
    std::fs::write(dir.join("infra/main.bicep"), bicep).unwrap();
    std::fs::write(dir.join("infra/vm.jinja"), "resources:\n- name: {{ env['name'] }}\n  type: compute.v1.instance\n")
        .unwrap();
    std::fs::write(dir.join("infra/tool.py"), "print('not a template')\n").unwrap();
    let out = entitle(&dir, &["check", "--as-of", "2026-11-25", "infra"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let all = text(&out);
    assert!(!all.contains("main.bicep: error"), "{all}");
    assert!(all.contains("infra/vm.jinja: error[parse]") && all.contains("expandedConfig"), "{all}");
    assert!(!all.contains("tool.py"), "{all}");
    let allowed = entitle(&dir, &["check", "--allow-unchecked", "--format", "json", "--as-of", "2026-11-25", "infra"]);
    assert_eq!(allowed.status.code(), Some(0), "{}", text(&allowed));
    let report: serde_json::Value = serde_json::from_slice(&allowed.stdout).unwrap();
    let bicep = report["inputs"].as_array().unwrap().iter().find(|i| i["path"] == "infra/main.bicep").cloned();
    let bicep = bicep.expect("the Bicep file is an input");
    assert_eq!((bicep["format"].as_str(), bicep["workloads"].as_u64()), (Some("bicep"), Some(1)), "{bicep}");
}

/// The characters a name or message uses to forge lines, terminal state and CI commands.
const FORGERY: &str = "x\n::error file=a.json::forged\r##vso[task.complete result=Succeeded;]\u{1b}[2J\u{202e}\u{0}";

/// Asserts `out` (one format's whole output) carries none of [`FORGERY`]'s weapons.
fn assert_unforged(format: &str, out: &str) {
    assert!(!out.contains("##vso["), "{format}: {out}");
    assert!(!out.contains('\u{1b}') && !out.contains('\r') && !out.contains('\u{0}'), "{format}: {out}");
    assert!(!out.lines().any(|l| l.trim_start().starts_with("::error file=a.json")), "{format}: {out}");
    if matches!(format, "human" | "github") {
        assert!(!out.contains('\u{202e}'), "{format}: {out}");
    }
}

#[cfg(unix)]
#[test]
fn hostile_resource_and_file_names_cannot_forge_output_in_any_format() {
    let dir = scratch("names");
    std::fs::create_dir_all(dir.join("infra")).unwrap();
    let file = format!("infra/{}.json", FORGERY.replace(['\0', '/'], ""));
    std::fs::write(dir.join(&file), arm_vm(FORGERY, "7.2")).unwrap();
    for format in ["human", "json", "sarif", "junit", "github", "gitlab"] {
        let out = entitle(&dir, &["check", "--format", format, "--as-of", "2026-11-25", "infra"]);
        assert_eq!(out.status.code(), Some(1), "{format}: {}", text(&out));
        let stdout = String::from_utf8(out.stdout.clone()).unwrap();
        assert!(stdout.contains("RHEL-LC-MAJOR-EOL"), "{format}: {stdout}");
        assert_unforged(format, &stdout);
        if format == "json" {
            // Structured formats keep the exact value.
            let report: Value = serde_json::from_str(&stdout).unwrap();
            assert!(report["findings"][0]["resource"].as_str().unwrap().ends_with(FORGERY));
        }
    }
    // stderr diagnostics too: a name in an error.
    let out = entitle(
        &dir,
        &[
            "baseline",
            "--as-of",
            "2026-11-25",
            "--output",
            &format!("{}.base", FORGERY.replace(['\0', '/'], "")),
            "infra",
        ],
    );
    assert_unforged("stderr", &String::from_utf8_lossy(&out.stderr));
}

/// A guest that declares HOSTILE-SAY, logs [`FORGERY`] and reports it as message and fix.
fn forging_guest(dir: &Path) -> PathBuf {
    let reply = serde_json::json!({"status": "ok", "findings": [{
        "rule": "HOSTILE-SAY",
        "workload": "Microsoft.Compute/virtualMachines/web1",
        "field": "os.major",
        "message": FORGERY,
        "fix": FORGERY,
    }]})
    .to_string();
    let bytes = |s: &str| s.bytes().map(|b| format!("\\{b:02x}")).collect::<String>();
    let wat = format!(
        r#"(module
  (import "entitle" "log" (func $log (param i32 i32 i32)))
  (@custom "entitle:metadata" "{{\"id\":\"hostile-say\",\"version\":\"0.1.0\",\"abi_version\":1,\"description\":\"d\",\"rules\":[{{\"id\":\"HOSTILE-SAY\",\"title\":\"t\",\"severity\":\"error\",\"description\":\"d\"}}]}}")
  (memory (export "memory") 1)
  (data (i32.const 0) "{{\"status\":\"valid\"}}")
  (func (export "entitle_abi_version") (result i32) (i32.const 1))
  (func (export "entitle_alloc") (param $len i32) (result i32)
    (i32.shl (memory.grow (i32.shr_u (i32.add (local.get $len) (i32.const 65535)) (i32.const 16))) (i32.const 16)))
  (func (export "entitle_dealloc") (param i32 i32))
  (func (export "entitle_metadata") (result i64) (i64.const 0))
  (func (export "entitle_validate_settings") (param i32 i32) (result i64) (i64.const 18))
  (data (i32.const 64) "{reply}")
  (data (i32.const 8192) "{log}")
  (func (export "entitle_evaluate") (param i32 i32) (result i64)
    (call $log (i32.const 1) (i32.const 8192) (i32.const {log_len}))
    (i64.or (i64.shl (i64.const 64) (i64.const 32)) (i64.const {reply_len}))))
"#,
        reply = bytes(&reply),
        reply_len = reply.len(),
        log = bytes(FORGERY),
        log_len = FORGERY.len(),
    );
    let path = dir.join("say.wat");
    std::fs::write(&path, wat).unwrap();
    path
}

/// A guest that reports one finding on a member of web1's body (its image's `sku`), declaring
/// that it reads bodies (`reads_properties`) or not.
fn body_guest(dir: &Path, reads_properties: bool) -> PathBuf {
    let reply = serde_json::json!({"status": "ok", "findings": [{
        "rule": "BODY-SAY",
        "workload": "Microsoft.Compute/virtualMachines/web1",
        "field": "properties.properties.storageProfile.imageReference.sku",
        "message": "m",
    }]})
    .to_string();
    let bytes = |s: &str| s.bytes().map(|b| format!("\\{b:02x}")).collect::<String>();
    let metadata = serde_json::json!({"id": "body-say", "version": "0.1.0", "abi_version": 1, "description": "d",
        "reads_properties": reads_properties,
        "rules": [{"id": "BODY-SAY", "title": "t", "severity": "error", "description": "d"}]})
    .to_string();
    let wat = format!(
        r#"(module
  (@custom "entitle:metadata" "{metadata}")
  (memory (export "memory") 1)
  (func (export "entitle_abi_version") (result i32) (i32.const 1))
  (func (export "entitle_alloc") (param $len i32) (result i32)
    (i32.shl (memory.grow (i32.shr_u (i32.add (local.get $len) (i32.const 65535)) (i32.const 16))) (i32.const 16)))
  (func (export "entitle_dealloc") (param i32 i32))
  (func (export "entitle_metadata") (result i64) (i64.const 0))
  (data (i32.const 0) "{{\"status\":\"valid\"}}")
  (func (export "entitle_validate_settings") (param i32 i32) (result i64) (i64.const 18))
  (data (i32.const 64) "{reply}")
  (func (export "entitle_evaluate") (param i32 i32) (result i64)
    (i64.or (i64.shl (i64.const 64) (i64.const 32)) (i64.const {reply_len}))))
"#,
        metadata = bytes(&metadata),
        reply = bytes(&reply),
        reply_len = reply.len(),
    );
    let path = dir.join(format!("body-{reads_properties}.wat"));
    std::fs::write(&path, wat).unwrap();
    path
}

/// Resource bodies are read only when a policy of the run reads them (decision 155): a
/// finding on a body member is placed at the member's line then, and at its workload when
/// no policy could have seen the body.
#[test]
fn bodies_are_read_for_the_policies_that_read_them() {
    let dir = scratch("bodies");
    std::fs::write(dir.join("vm.json"), arm_vm("web1", "9-lvm-gen2")).unwrap();
    for (reads, line) in [(true, 12), (false, 5)] {
        let policy = body_guest(&dir, reads).display().to_string();
        let args =
            ["check", "--no-builtin", "--policy", &policy, "--format", "json", "--as-of", "2026-11-25", "vm.json"];
        let out = entitle(&dir, &args);
        assert_eq!(out.status.code(), Some(1), "reads_properties {reads}: {}", text(&out));
        let report = json(&out);
        let finding = &report["findings"][0];
        assert_eq!(finding["rule"], "BODY-SAY", "{report}");
        assert_eq!(finding["location"]["line"], line, "reads_properties {reads}: {finding}");
    }
}

#[test]
fn a_guest_message_fix_and_log_cannot_forge_output_in_any_format() {
    let dir = scratch("guest");
    std::fs::write(dir.join("vm.json"), arm_vm("web1", "10-lvm-gen2")).unwrap();
    let policy = forging_guest(&dir).display().to_string();
    for format in ["human", "json", "sarif", "junit", "github", "gitlab"] {
        let args =
            ["check", "--no-builtin", "--policy", &policy, "--format", format, "--as-of", "2026-11-25", "vm.json"];
        let out = entitle_env(&dir, &args, &[("ENTITLE_LOG", "1")]);
        assert_eq!(out.status.code(), Some(1), "{format}: {}", text(&out));
        let stdout = String::from_utf8(out.stdout.clone()).unwrap();
        assert!(stdout.contains("HOSTILE-SAY"), "{format}: {stdout}");
        assert_unforged(format, &stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("policy hostile-say on vm.json: warn: x\\n::error"), "{stderr}");
        assert_unforged("stderr", &stderr);
    }
}
