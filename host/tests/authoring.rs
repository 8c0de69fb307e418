//! The authoring commands through the real binary: `inspect` and `conformance` on the
//! built-in policies and on the hostile fixtures, `bench` on the examples, `test` on a
//! built policy with its cases, and `new` followed by `test` on a crate outside the
//! repository (the one test here that builds a crate with cargo).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// A fresh scratch directory for one test, outside the repository.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("entitle-authoring-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn entitle(dir: &Path, args: &[&str]) -> Output {
    let cache = std::env::temp_dir().join(format!("entitle-authoring-{}-cache", std::process::id()));
    Command::new(env!("CARGO_BIN_EXE_entitle"))
        .args(args)
        .current_dir(dir)
        .env("ENTITLE_CACHE_DIR", cache)
        .output()
        .expect("run entitle")
}

fn text(out: &Output) -> String {
    format!("stdout:\n{}\nstderr:\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}\n{}", text(out)))
}

/// Every built-in policy written to `dir` as a `.wasm` file.
fn builtin_files(dir: &Path) -> Vec<PathBuf> {
    entitle::BUILTIN_POLICIES
        .iter()
        .map(|(name, bytes)| {
            let path = dir.join(name);
            std::fs::write(&path, bytes).unwrap();
            path
        })
        .collect()
}

fn hostile(name: &str) -> PathBuf {
    root().join("tests/fixtures/hostile").join(format!("{name}.wat"))
}

#[test]
fn inspect_shows_a_builtin_policy_and_says_it_loads() {
    let dir = scratch("inspect-builtin");
    let file = builtin_files(&dir).into_iter().find(|p| p.ends_with("rhel_lifecycle.wasm")).unwrap();
    let out = entitle(&dir, &["inspect", "--format", "json", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let report = json(&out);
    assert_eq!(report["metadata"]["id"], "rhel-lifecycle");
    assert_eq!(report["metadata"]["abi_version"], 1);
    assert!(report["metadata"]["catalog"].as_array().unwrap().iter().any(|t| t == "lifecycle"));
    let rule = &report["metadata"]["rules"][0];
    assert!(rule["severity"].is_string() && rule["help_url"].as_str().unwrap().starts_with("https://"), "{rule}");
    assert_eq!(report["imports"], serde_json::json!(["entitle.log: func (i32, i32, i32) -> ()"]));
    assert!(report["exports"].as_array().unwrap().iter().any(|e| e == "entitle_evaluate: func (i32, i32) -> (i64)"));
    assert_eq!(report["size"], std::fs::metadata(&file).unwrap().len());
    assert_eq!(report["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(report["loads"], true);
    let human = entitle(&dir, &["inspect", file.to_str().unwrap()]);
    let shown = String::from_utf8_lossy(&human.stdout);
    assert!(shown.contains("loads:       yes") && shown.contains("RHEL-LC-MAJOR-EOL [error]"), "{shown}");
}

#[test]
fn inspect_says_why_a_hostile_module_does_not_load() {
    let out = entitle(&root(), &["inspect", "--format", "json", hostile("wasi-import").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let report = json(&out);
    assert_eq!(report["metadata"]["id"], "hostile-wasi-import");
    assert_eq!(report["loads"], false);
    assert!(report["imports"][0].as_str().unwrap().starts_with("wasi_snapshot_preview1.fd_write"), "{report}");
    assert!(report["load_error"].as_str().unwrap().contains("may import only `entitle.log"), "{report}");
}

#[test]
fn conformance_passes_every_builtin_policy() {
    let dir = scratch("conformance-builtin");
    for file in builtin_files(&dir) {
        let out = entitle(&dir, &["conformance", file.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(0), "{}: {}", file.display(), text(&out));
        let table = String::from_utf8_lossy(&out.stdout);
        assert_eq!(table.lines().filter(|l| l.starts_with("pass  ")).count(), 11, "{table}");
        assert!(table.ends_with("conformant\n"), "{table}");
    }
}

#[test]
fn conformance_fails_every_hostile_fixture_with_a_reason() {
    // (fixture, a check that must fail, words its reason must hold)
    let cases = [
        ("bad-finding", "replies well formed", "does not declare"),
        ("endless-loop", "empty deployment", "time limit"),
        ("flood-reply", "replies well formed", "more than the limit"),
        ("garbage-reply", "replies well formed", "expected value"),
        ("many-findings", "replies well formed", "more than 10000 findings"),
        ("memory-grab", "replies well formed", "memory limit"),
        ("missing-export", "ABI exports", "missing export `entitle_evaluate`"),
        ("no-metadata", "metadata valid", "no `entitle:metadata` custom section"),
        ("out-of-bounds-reply", "replies well formed", "outside guest memory"),
        ("settings-loop", "settings: defaults accepted", "time limit"),
        ("trap", "replies well formed", "unreachable"),
        ("wasi-import", "ABI exports", "wasi_snapshot_preview1"),
        ("wrong-abi", "loads in this host", "returned 2"),
        ("wrong-abi-metadata", "metadata valid", "ABI version 2"),
        ("well-behaved", "settings: garbage rejected", "accepted as settings"),
    ];
    let fixtures = std::fs::read_dir(root().join("tests/fixtures/hostile")).unwrap().count();
    assert_eq!(cases.len(), fixtures, "every fixture has a line here");
    for (name, check, words) in cases {
        // The default limits: a shorter time limit would turn a flood into a timeout on a busy machine.
        let args = ["conformance", "--format", "json", "--large", "200"];
        let out = entitle(&root(), &[&args[..], &[hostile(name).to_str().unwrap()]].concat());
        assert_eq!(out.status.code(), Some(1), "{name}: {}", text(&out));
        let checks = json(&out);
        let failed = checks.as_array().unwrap().iter().find(|c| c["name"].as_str().unwrap().starts_with(check));
        let failed = failed.unwrap_or_else(|| panic!("{name}: no check `{check}`: {checks}"));
        assert_eq!(failed["passed"], false, "{name}: {failed}");
        assert!(failed["detail"].as_str().unwrap().contains(words), "{name}: {failed}");
    }
}

#[test]
fn bench_prints_per_policy_times_for_the_examples() {
    let out = entitle(&root(), &["bench", "--iterations", "2", "--as-of", "2026-11-25", "examples"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let table = String::from_utf8_lossy(&out.stdout);
    let header = table.lines().next().unwrap();
    for field in ["policy", "workloads", "median µs", "min µs", "max µs", "±mad µs", "evals/s", "input"] {
        assert!(header.contains(field), "{header}");
    }
    for (name, _) in entitle::BUILTIN_POLICIES {
        let id = name.trim_end_matches(".wasm").replace('_', "-");
        assert!(table.lines().any(|l| l.starts_with(&id)), "{id} missing:\n{table}");
    }
    let out = entitle(
        &root(),
        &["bench", "--iterations", "2", "--format", "json", "--policy", "rhel-lifecycle", "examples/fleet.yaml"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let rows = json(&out);
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["policy"], "rhel-lifecycle");
    for field in ["median_us", "min_us", "max_us", "mad_us", "per_second"] {
        assert!(rows[0][field].as_f64().unwrap() > 0.0, "{field}: {}", rows[0]);
    }
}

/// An ARM template with one RHEL 7.2 VM: rhel-lifecycle reports RHEL-LC-MAJOR-EOL on its SKU.
const ARM: &str = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "resources": [
    {
      "type": "Microsoft.Compute/virtualMachines",
      "apiVersion": "2022-03-01",
      "name": "web1",
      "properties": {
        "storageProfile": {
          "imageReference": { "publisher": "RedHat", "offer": "RHEL", "sku": "7.2", "version": "latest" }
        }
      }
    }
  ]
}
"#;

#[test]
fn test_runs_cases_of_a_built_policy_and_exits_0_1_2() {
    let dir = scratch("test-wasm");
    assert!(builtin_files(&dir).iter().any(|p| p.ends_with("rhel_lifecycle.wasm")));
    let cases = dir.join("cases");
    // Inputs in files sit in a folder of their own, so they are not taken for cases.
    std::fs::create_dir_all(cases.join("inputs")).unwrap();
    std::fs::write(cases.join("inputs/vm.json"), ARM).unwrap();
    std::fs::write(cases.join("arm.json"), r#"{"as_of": "2026-11-25", "input_file": "inputs/vm.json"}"#).unwrap();
    std::fs::write(cases.join("arm.expected.json"), "{}\n").unwrap();
    let test = |args: &[&str]| entitle(&dir, &[&["test", "rhel_lifecycle.wasm"][..], args].concat());

    let out = test(&[]);
    assert_eq!(out.status.code(), Some(1), "a differing case fails: {}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("FAIL    cases/arm.json: differs"), "{}", text(&out));

    let out = test(&["--bless"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(cases.join("arm.expected.json")).unwrap()).unwrap();
    let finding = &expected["findings"][0];
    assert_eq!(finding["rule"], "RHEL-LC-MAJOR-EOL");
    assert_eq!(finding["severity"], "error");
    // The finding points at the SKU literal (`"7.2"`, line 11 column 78) of the input file.
    assert_eq!(finding["location"]["path"], "cases/inputs/vm.json");
    assert_eq!((finding["location"]["line"].as_u64(), finding["location"]["column"].as_u64()), (Some(11), Some(78)));

    let out = test(&[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 passed, 0 failed"), "{}", text(&out));

    std::fs::write(dir.join("secret.json"), ARM).unwrap();
    std::fs::write(cases.join("escape.json"), r#"{"as_of": "2026-11-25", "input_file": "../secret.json"}"#).unwrap();
    let out = test(&[]);
    assert_eq!(out.status.code(), Some(2), "an input outside the cases is refused: {}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("outside the directory tree"), "{}", text(&out));
}

#[test]
fn new_writes_a_crate_outside_the_repository_that_entitle_test_builds_and_passes() {
    let dir = scratch("new");
    let out = entitle(&dir, &["new", "org-rules"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let krate = dir.join("org-rules");
    // Pin the versions the workspace already has (so no network is needed), and share a
    // target directory between runs so the dependencies are compiled once.
    std::fs::copy(root().join("Cargo.lock"), krate.join("Cargo.lock")).unwrap();
    let target = root().join("target").join("entitle-new-test");
    let run_in = |cwd: &Path, args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_entitle"))
            .args(args)
            .current_dir(cwd)
            .env("CARGO_TARGET_DIR", &target)
            .env("CARGO_NET_OFFLINE", "true")
            .env("ENTITLE_CACHE_DIR", dir.join("cache"))
            .output()
            .expect("run entitle")
    };
    let run = |args: &[&str]| run_in(&krate, args);
    let out = run(&["test"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(
        shown.contains("ok      cases/old-major.json") && shown.contains("org-rules: 2 passed, 0 failed"),
        "{shown}"
    );
    let wasm = target.join("wasm32-unknown-unknown/release/org_rules.wasm");
    let out = run(&["conformance", wasm.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "the scaffold is conformant: {}", text(&out));
    // The built policy in a check of an ARM template: one finding, at the SKU literal.
    let arm = root().join("examples/azure-rhel7-payg.json");
    let args = ["check", "--no-builtin", "--format", "json", "--as-of", "2026-11-25", "--policy"];
    let out = run(&[&args[..], &[wasm.to_str().unwrap(), arm.to_str().unwrap()]].concat());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let findings = json(&out)["findings"].clone();
    assert_eq!(findings.as_array().unwrap().len(), 1, "{findings}");
    assert_eq!(findings[0]["rule"], "ORG-RHEL-OLD-MAJOR");
    assert_eq!(
        (findings[0]["location"]["line"].as_u64(), findings[0]["location"]["column"].as_u64()),
        (Some(17), Some(20))
    );
    // A change to the rule shows as a failing case with a diff (the crate named by a
    // relative path from its parent, as an author in the parent folder would).
    let lib = krate.join("src/lib.rs");
    let source = std::fs::read_to_string(&lib).unwrap().replace("unwrap_or(8)", "unwrap_or(7)");
    std::fs::write(&lib, source).unwrap();
    let out = run_in(&dir, &["test", "org-rules"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("-       \"rule\": \"ORG-RHEL-OLD-MAJOR\","),
        "{}",
        text(&out)
    );
}

/// Copies `from` into `to`, leaving out build output (`target/`).
fn copy_crate(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let (path, dest) = (entry.path(), to.join(entry.file_name()));
        if entry.file_type().unwrap().is_dir() {
            if entry.file_name() != "target" {
                copy_crate(&path, &dest);
            }
        } else {
            std::fs::copy(&path, &dest).unwrap();
        }
    }
}

/// The author's path stays working: `examples/policies/cost-center` (the example of
/// docs/GUIDE.md, an outside crate with its own workspace) builds, passes its golden cases
/// through `entitle test`, and is conformant. It runs from a copy whose SDK path is made
/// absolute, so nothing is written into the repository.
#[test]
fn the_cost_center_example_passes_entitle_test_and_conformance() {
    let dir = scratch("cost-center");
    let krate = dir.join("cost-center");
    copy_crate(&root().join("examples/policies/cost-center"), &krate);
    let manifest = std::fs::read_to_string(krate.join("Cargo.toml")).unwrap();
    let sdk = root().join("sdk");
    let manifest = manifest.replace("path = \"../../../sdk\"", &format!("path = {:?}", sdk.to_str().unwrap()));
    assert!(manifest.contains(sdk.to_str().unwrap()), "the example depends on ../../../sdk");
    std::fs::write(krate.join("Cargo.toml"), manifest).unwrap();
    let target = root().join("target").join("entitle-new-test");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_entitle"))
            .args(args)
            .current_dir(&krate)
            .env("CARGO_TARGET_DIR", &target)
            .env("CARGO_NET_OFFLINE", "true")
            .env("ENTITLE_CACHE_DIR", dir.join("cache"))
            .output()
            .expect("run entitle")
    };
    let out = run(&["test"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(shown.contains("cost-center: 4 passed, 0 failed"), "{shown}");
    let wasm = target.join("wasm32-unknown-unknown/release/cost_center.wasm");
    let out = run(&["conformance", wasm.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let _ = std::fs::remove_dir_all(&dir);
}
