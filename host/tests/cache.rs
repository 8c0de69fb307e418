//! The compiled-code cache can never make entitle run code other than the policy it
//! was given: a cache file swapped for another policy's, corrupted, replaced by a
//! symlink or a FIFO, or a cache directory others can write, is not used; the policy
//! is compiled again and the run's findings and exit code are those of a cold cache.
#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// One VM on RHEL 7.2: the built-in RHEL-LC-MAJOR-EOL fires on it as of 2026-11-25.
const RHEL72_ARM: &str = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "resources": [{
    "type": "Microsoft.Compute/virtualMachines", "apiVersion": "2022-03-01", "name": "web1",
    "properties": {"storageProfile": {"imageReference":
      {"publisher": "RedHat", "offer": "RHEL", "sku": "7.2", "version": "latest"}}}
  }]
}"#;

/// A scratch directory with the input, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(tag: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("entitle-cache-{}-{tag}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("vm.json"), RHEL72_ARM).unwrap();
        Scratch(dir)
    }

    fn cache(&self) -> PathBuf {
        self.0.join("cache")
    }

    /// The cache files, sorted.
    fn cached(&self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> =
            std::fs::read_dir(self.cache()).unwrap().map(|e| e.unwrap().path()).filter(|p| is_cwasm(p)).collect();
        files.sort();
        files
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::set_permissions(self.cache(), std::fs::Permissions::from_mode(0o700));
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn is_cwasm(path: &Path) -> bool {
    path.extension().is_some_and(|x| x == "cwasm")
}

/// What a run decided: exit code, findings (rule, policy, place, message) and errors.
#[derive(Debug, PartialEq)]
struct Outcome {
    code: i32,
    findings: Vec<(String, String, String, String)>,
    errors: Vec<String>,
}

/// `entitle check --format json` of vm.json with the cache in `scratch`; stops it if
/// it has not finished within ten minutes (a FIFO must not hang the run; a debug
/// build on a busy machine compiles the built-in policies in a minute or two). Returns the
/// outcome and stderr.
fn run(scratch: &Scratch, extra: &[&str]) -> (Outcome, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_entitle"))
        .args(["check", "--format", "json", "--as-of", "2026-11-25"])
        .args(extra)
        .arg("vm.json")
        .current_dir(&scratch.0)
        .env("ENTITLE_CACHE_DIR", scratch.cache())
        // Where a refused cache directory's private replacement goes (`entitle-cache-UID`).
        .env("TMPDIR", scratch.0.join("tmp"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run entitle");
    let start = Instant::now();
    while child.try_wait().expect("wait for entitle").is_none() {
        if start.elapsed() > Duration::from_secs(600) {
            let _ = child.kill();
            panic!("entitle hung");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let code = output.status.code().unwrap_or_else(|| panic!("entitle was killed by a signal; stderr:\n{stderr}"));
    let report: Value =
        serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("not a JSON report ({e}); stderr:\n{stderr}"));
    let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    let findings = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let at = format!("{}:{}:{}", text(&f["location"]["path"]), f["location"]["line"], f["location"]["column"]);
            (text(&f["rule"]), text(&f["policy"]), at, text(&f["message"]))
        })
        .collect();
    let errors = report["errors"].as_array().unwrap().iter().map(|e| text(&e["message"])).collect();
    (Outcome { code, findings, errors }, stderr)
}

/// A small policy `id` that reports `rule` on the input's VM.
fn policy(scratch: &Scratch, id: &str, rule: &str) -> String {
    let reply = format!(
        r#"{{"status":"ok","findings":[{{"rule":"{rule}","workload":"Microsoft.Compute/virtualMachines/web1","field":"os","message":"{id} ran"}}]}}"#
    );
    let metadata = format!(
        r#"{{"id":"{id}","version":"0.1.0","abi_version":1,"description":"d","rules":[{{"id":"{rule}","title":"t","severity":"error","description":"d"}}]}}"#
    );
    let quoted = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"");
    let wat = format!(
        r#"(module
  (@custom "entitle:metadata" "{}")
  (memory (export "memory") 1)
  (data (i32.const 0) "{{\"status\":\"valid\"}}")
  (data (i32.const 64) "{}")
  (func (export "entitle_abi_version") (result i32) (i32.const 1))
  (func (export "entitle_alloc") (param $len i32) (result i32)
    (i32.shl (memory.grow (i32.shr_u (i32.add (local.get $len) (i32.const 65535)) (i32.const 16))) (i32.const 16)))
  (func (export "entitle_dealloc") (param i32 i32))
  (func (export "entitle_metadata") (result i64) (i64.const 0))
  (func (export "entitle_validate_settings") (param i32 i32) (result i64) (i64.const 18))
  (func (export "entitle_evaluate") (param i32 i32) (result i64)
    (i64.or (i64.shl (i64.const 64) (i64.const 32)) (i64.const {}))))"#,
        quoted(&metadata),
        quoted(&reply),
        reply.len()
    );
    let path = scratch.0.join(format!("{id}.wat"));
    std::fs::write(&path, wat).unwrap();
    path.display().to_string()
}

/// Flips 256 bytes in the middle of a file, where the compiled code is.
fn corrupt(path: &Path) {
    let mut bytes = std::fs::read(path).unwrap();
    let middle = bytes.len() / 2;
    for b in &mut bytes[middle..middle + 256] {
        *b ^= 0xff;
    }
    std::fs::write(path, bytes).unwrap();
}

fn mkfifo(path: &Path) {
    std::fs::remove_file(path).unwrap();
    let status = Command::new("mkfifo").arg(path).status().expect("mkfifo");
    assert!(status.success());
}

/// The two small policies: a run finds CACHE-A from cache-a and CACHE-B from cache-b.
fn two_policies(scratch: &Scratch) -> Vec<String> {
    let a = policy(scratch, "cache-a", "CACHE-A");
    let b = policy(scratch, "cache-b", "CACHE-B");
    vec!["--no-builtin".into(), "--policy".into(), a, "--policy".into(), b]
}

/// The built-in policies through a tampered cache: one file holds another built-in
/// policy's (valid, entitle-written) file, one has its code corrupted, one is a FIFO.
/// The files tampered with are prepared snapshots, the only files a warm run reads for
/// a built-in policy (a run loads a policy from its snapshot alone when one is cached).
/// The run matches the cold-cache run exactly, and the cache is repaired.
#[test]
fn a_tampered_cache_never_changes_the_builtin_findings() {
    let scratch = Scratch::new("builtin");
    let (cold, _) = run(&scratch, &[]);
    assert_eq!(cold.code, 1, "{cold:?}");
    assert!(cold.findings.iter().any(|f| f.0 == "RHEL-LC-MAJOR-EOL"), "{cold:?}");
    let prepared = |p: &PathBuf| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("prepared-"));
    let cached: Vec<PathBuf> = scratch.cached().into_iter().filter(prepared).collect();
    assert!(cached.len() >= 3, "one snapshot per built-in policy: {cached:?}");
    std::fs::copy(&cached[1], &cached[0]).unwrap();
    corrupt(&cached[1]);
    mkfifo(&cached[2]);

    let (tampered, stderr) = run(&scratch, &[]);
    assert_eq!(tampered, cold, "stderr:\n{stderr}");
    assert_eq!(stderr.matches("not using cached compiled code").count(), 1, "said once:\n{stderr}");
    let (repaired, stderr) = run(&scratch, &[]);
    assert_eq!(repaired, cold);
    assert!(stderr.is_empty(), "a repaired cache is used silently:\n{stderr}");
    for file in scratch.cached() {
        assert!(std::fs::symlink_metadata(&file).unwrap().file_type().is_file(), "{file:?}");
    }
}

/// A warm run loads each built-in policy from its prepared snapshot alone: with the
/// compiled modules gone from the cache, it reports the same and compiles nothing.
#[test]
fn a_warm_run_reads_only_the_prepared_snapshots() {
    let scratch = Scratch::new("snapshots");
    let (cold, _) = run(&scratch, &[]);
    let (prepared, modules): (Vec<PathBuf>, Vec<PathBuf>) = scratch
        .cached()
        .into_iter()
        .partition(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("prepared-")));
    assert!(!prepared.is_empty() && !modules.is_empty(), "a cold run caches both: {prepared:?} {modules:?}");
    for module in &modules {
        std::fs::remove_file(module).unwrap();
    }
    let (warm, stderr) = run(&scratch, &[]);
    assert_eq!(warm, cold, "stderr:\n{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
    assert_eq!(scratch.cached(), prepared, "no module was compiled again");
}

/// A valid file of another policy under this policy's name is rejected by its digest:
/// cache-a never runs cache-b's code.
#[test]
fn another_policys_artifact_under_this_name_is_not_run() {
    let scratch = Scratch::new("swap");
    let args = two_policies(&scratch);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (cold, _) = run(&scratch, &args);
    assert_eq!(cold.code, 1);
    let rules: Vec<&str> = cold.findings.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(rules, ["CACHE-A", "CACHE-B"], "{cold:?}");
    let cached = scratch.cached();
    assert_eq!(cached.len(), 2);
    let (first, second) = (std::fs::read(&cached[0]).unwrap(), std::fs::read(&cached[1]).unwrap());
    std::fs::write(&cached[0], &second).unwrap();
    std::fs::write(&cached[1], &first).unwrap();
    let (swapped, stderr) = run(&scratch, &args);
    assert_eq!(swapped, cold, "stderr:\n{stderr}");
    assert!(stderr.contains("digest does not match"), "{stderr}");
}

/// A symlink in the cache is not followed, even to a valid file of the same policy
/// outside it; the link is replaced by a file of the cache's own and the target is
/// left untouched.
#[test]
fn a_symlink_out_of_the_cache_is_not_followed() {
    let scratch = Scratch::new("symlink");
    let args = two_policies(&scratch);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (cold, _) = run(&scratch, &args);
    let cached = scratch.cached();
    let outside = scratch.0.join("outside.cwasm");
    std::fs::rename(&cached[0], &outside).unwrap();
    std::os::unix::fs::symlink(&outside, &cached[0]).unwrap();
    let before = std::fs::read(&outside).unwrap();
    let (linked, stderr) = run(&scratch, &args);
    assert_eq!(linked, cold, "stderr:\n{stderr}");
    assert!(stderr.contains("symbolic link"), "{stderr}");
    assert!(std::fs::symlink_metadata(&cached[0]).unwrap().file_type().is_file(), "the link was replaced");
    assert_eq!(std::fs::read(&outside).unwrap(), before, "the link's target is not written");
}

/// A cache file that others can write is not used.
#[test]
fn a_cache_file_writable_by_others_is_not_used() {
    let scratch = Scratch::new("file-mode");
    let args = two_policies(&scratch);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (cold, _) = run(&scratch, &args);
    let cached = scratch.cached();
    std::fs::set_permissions(&cached[0], std::fs::Permissions::from_mode(0o666)).unwrap();
    let (open, stderr) = run(&scratch, &args);
    assert_eq!(open, cold, "stderr:\n{stderr}");
    assert!(stderr.contains("writable by other users"), "{stderr}");
}

/// A cache directory others can write is not used, and not `chmod`ed either: policies
/// are compiled into a private directory of this user instead, created 0700; when that
/// one is not private either, nothing is cached.
#[test]
fn a_world_writable_cache_directory_is_refused_and_left_alone() {
    let scratch = Scratch::new("dir-mode");
    let args = two_policies(&scratch);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    std::fs::create_dir_all(scratch.cache()).unwrap();
    std::fs::create_dir_all(scratch.0.join("tmp")).unwrap();
    std::fs::set_permissions(scratch.cache(), std::fs::Permissions::from_mode(0o777)).unwrap();
    let (outcome, stderr) = run(&scratch, &args);
    assert_eq!(outcome.code, 1, "{outcome:?}");
    assert!(stderr.contains("not using the cache directory") && stderr.contains("writable by other users"), "{stderr}");
    assert!(scratch.cached().is_empty(), "nothing is written there");
    let mode = std::fs::metadata(scratch.cache()).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o777, "the directory's mode is not changed");
    let uid = std::os::unix::fs::MetadataExt::uid(&std::fs::metadata(&scratch.0).unwrap());
    let private = scratch.0.join("tmp").join(format!("entitle-cache-{uid}"));
    assert_eq!(std::fs::metadata(&private).unwrap().permissions().mode() & 0o777, 0o700);
    let compiled = std::fs::read_dir(&private).unwrap().filter(|e| is_cwasm(&e.as_ref().unwrap().path())).count();
    assert!(compiled >= 2, "the two policies are compiled into the private directory");
    // The private directory opened to others is refused too: then nothing is cached.
    std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o777)).unwrap();
    let (again, stderr) = run(&scratch, &args);
    assert_eq!(again, outcome);
    assert!(stderr.contains("not caching compiled policies"), "{stderr}");
    std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o700)).unwrap();
}

/// A new cache directory is created private (0700) and its files 0600.
#[test]
fn a_new_cache_is_private() {
    let scratch = Scratch::new("new");
    let args = two_policies(&scratch);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run(&scratch, &args);
    assert_eq!(std::fs::metadata(scratch.cache()).unwrap().permissions().mode() & 0o777, 0o700);
    for file in scratch.cached() {
        assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600, "{file:?}");
    }
}
