//! Hostile guests through the real `entitle` binary: every misbehaviour of a policy is
//! an error named for its input, policy and phase (exit 2), never a pass, and the rest
//! of the run still reports its findings.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;

/// An ARM template with one VM on RedHat:RHEL:7.2:latest: the built-in
/// rhel-lifecycle policy reports RHEL-LC-MAJOR-EOL on it as of 2026-11-25.
const RHEL72_ARM: &str = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "resources": [
    {
      "type": "Microsoft.Compute/virtualMachines",
      "apiVersion": "2022-03-01",
      "name": "web1",
      "location": "westeurope",
      "properties": {
        "storageProfile": {
          "imageReference": { "publisher": "RedHat", "offer": "RHEL", "sku": "7.2", "version": "latest" }
        }
      }
    }
  ]
}
"#;

/// The built-in finding for [`RHEL72_ARM`].
const BUILTIN_RULE: &str = "RHEL-LC-MAJOR-EOL";

/// Every hostile fixture, with the phase it must fail in.
const HOSTILE: [(&str, &str); 14] = [
    ("bad-finding", "evaluate"),
    ("endless-loop", "evaluate"),
    ("flood-reply", "evaluate"),
    ("garbage-reply", "evaluate"),
    ("memory-grab", "evaluate"),
    ("many-findings", "evaluate"),
    ("missing-export", "load"),
    ("no-metadata", "load"),
    ("out-of-bounds-reply", "evaluate"),
    ("settings-loop", "settings"),
    ("trap", "evaluate"),
    ("wasi-import", "load"),
    ("wrong-abi", "load"),
    ("wrong-abi-metadata", "load"),
];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("host/ has a parent").join("tests/fixtures/hostile")
}

fn fixture(name: &str) -> PathBuf {
    fixtures().join(format!("{name}.wat"))
}

/// A directory under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("entitle-hostile-{}-{tag}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create temp dir");
        TempDir(dir)
    }

    /// Writes the RHEL 7.2 ARM template and returns its path as text.
    fn rhel72(&self) -> String {
        let path = self.0.join("rhel72.json");
        std::fs::write(&path, RHEL72_ARM).expect("write input");
        path.display().to_string()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// One finished run of the binary.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    elapsed: Duration,
}

impl Run {
    fn report(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not a JSON report ({e}):\n{}\nstderr:\n{}", self.stdout, self.stderr))
    }
}

/// `entitle check --no-cache --as-of 2026-11-25 <extra...> <input>`.
fn check(extra: &[&str], input: &str) -> Run {
    run_check(None, extra, input)
}

/// As [`check`], but caching compiled code in `cache` (`ENTITLE_CACHE_DIR`) instead of
/// `--no-cache`, for loops that would otherwise recompile the built-in policy each time.
fn check_cached(cache: &Path, extra: &[&str], input: &str) -> Run {
    run_check(Some(cache), extra, input)
}

fn run_check(cache: Option<&Path>, extra: &[&str], input: &str) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_entitle"));
    command.args(["check", "--as-of", "2026-11-25"]);
    match cache {
        Some(dir) => command.env("ENTITLE_CACHE_DIR", dir),
        None => command.arg("--no-cache"),
    };
    command.args(extra).arg(input);
    let start = Instant::now();
    let output = command.output().expect("run entitle");
    let elapsed = start.elapsed();
    Run {
        code: output.status.code().expect("entitle exits normally, not by a signal"),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
        elapsed,
    }
}

/// Runs one fixture alone (`--no-builtin`, JSON) with `extra` flags on the RHEL 7.2 input.
fn check_alone(name: &str, extra: &[&str]) -> (Run, Value, String) {
    let dir = TempDir::new(name);
    let input = dir.rhel72();
    let policy = fixture(name).display().to_string();
    let mut args = vec!["--no-builtin", "--format", "json", "--policy", &policy];
    args.extend_from_slice(extra);
    let run = check(&args, &input);
    let report = run.report();
    (run, report, input)
}

fn strings<'a>(report: &'a Value, list: &str, key: &str) -> Vec<&'a str> {
    report[list]
        .as_array()
        .unwrap_or_else(|| panic!("report has no `{list}` array"))
        .iter()
        .map(|v| v[key].as_str().unwrap_or(""))
        .collect()
}

/// The one error of a single-policy run, checked for phase, policy, path and words,
/// and checked not to have passed: exit 2, counted in the summary, no findings.
fn assert_one_error<'a>(
    run: &Run,
    report: &'a Value,
    phase: &str,
    policy: Option<&str>,
    path: &str,
    words: &[&str],
) -> &'a str {
    assert_eq!(
        run.code, 2,
        "a hostile guest must make the run exit 2\nstdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    let errors = report["errors"].as_array().expect("errors[]");
    assert_eq!(errors.len(), 1, "exactly one error expected: {errors:#?}");
    let error = &errors[0];
    assert_eq!(error["phase"], phase, "{error:#}");
    assert_eq!(error["policy"].as_str(), policy, "{error:#}");
    // Paths inside the project root (here the repository's top) are reported relative to it.
    let top = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("host/ has a parent");
    let path = Path::new(path).strip_prefix(top).map(|p| p.to_string_lossy().into_owned()).unwrap_or(path.to_owned());
    assert_eq!(error["path"], path.as_str(), "{error:#}");
    let message = error["message"].as_str().expect("message is a string");
    for word in words {
        assert!(message.contains(word), "message lacks {word:?}: {message}");
    }
    assert_eq!(report["summary"]["errors"], 1, "the error is counted: {:#}", report["summary"]);
    assert_eq!(report["findings"], Value::Array(Vec::new()), "a failed policy reports no findings");
    // A policy that failed to load must not be listed as having run; one that failed
    // while evaluating was loaded, and the input it failed on was read.
    let ran = strings(report, "policies", "id");
    match (phase, policy) {
        ("load", Some(id)) => assert!(!ran.contains(&id), "{id} failed to load but is listed as run: {ran:?}"),
        ("load", None) => assert!(ran.is_empty(), "nothing loaded, yet policies ran: {ran:?}"),
        (_, Some(id)) => {
            assert_eq!(ran, [id]);
            assert_eq!(report["inputs"][0]["workloads"], 1, "the input was modelled: {:#}", report["inputs"]);
        }
        _ => panic!("an evaluate error always names its policy"),
    }
    message
}

/// The built-in finding is reported, and every finding comes from the built-in policy.
fn assert_builtin_only(report: &Value, context: &str) {
    let rules = strings(report, "findings", "rule");
    assert!(rules.contains(&BUILTIN_RULE), "{context}: the built-in finding is missing: {rules:?}");
    let policies = strings(report, "findings", "policy");
    assert!(policies.iter().all(|p| *p == "rhel-lifecycle"), "{context}: findings from {policies:?}");
}

#[test]
fn well_behaved_control_passes_cleanly() {
    let (run, report, _) = check_alone("well-behaved", &[]);
    assert_eq!(run.code, 0, "stdout:\n{}\nstderr:\n{}", run.stdout, run.stderr);
    assert_eq!(report["errors"], Value::Array(Vec::new()));
    assert_eq!(report["findings"], Value::Array(Vec::new()));
    assert_eq!(strings(&report, "policies", "id"), ["well-behaved"]);
    assert_eq!(report["inputs"][0]["workloads"], 1, "the control was given a workload to evaluate");
}

#[test]
fn endless_loop_is_stopped_at_the_default_time_limit() {
    let (run, report, input) = check_alone("endless-loop", &[]);
    assert_one_error(&run, &report, "evaluate", Some("hostile-endless-loop"), &input, &["time limit", "2s"]);
    // A limit check, not a benchmark: stopped well before 5 s, and not before its 2 s.
    assert!(run.elapsed < Duration::from_secs(5), "took {:?}", run.elapsed);
    assert!(run.elapsed >= Duration::from_secs(2), "cut short at {:?}", run.elapsed);
}

#[test]
fn endless_loop_obeys_policy_timeout() {
    let (run, report, input) = check_alone("endless-loop", &["--policy-timeout", "300ms"]);
    assert_one_error(&run, &report, "evaluate", Some("hostile-endless-loop"), &input, &["300ms time limit"]);
    assert!(run.elapsed < Duration::from_secs(2), "a 300 ms limit took {:?}", run.elapsed);
}

#[test]
fn memory_grab_hits_the_default_memory_limit() {
    let (run, report, input) = check_alone("memory-grab", &[]);
    assert_one_error(&run, &report, "evaluate", Some("hostile-memory-grab"), &input, &["memory limit", "256 MiB"]);
}

#[test]
fn memory_grab_obeys_policy_memory() {
    let (run, report, input) = check_alone("memory-grab", &["--policy-memory", "16"]);
    assert_one_error(&run, &report, "evaluate", Some("hostile-memory-grab"), &input, &["memory limit of 16 MiB"]);
}

#[test]
fn missing_export_fails_to_load_naming_it() {
    let (run, report, _) = check_alone("missing-export", &[]);
    let path = fixture("missing-export").display().to_string();
    assert_one_error(&run, &report, "load", Some("hostile-missing-export"), &path, &["entitle_evaluate"]);
}

/// A guest stuck validating its settings is stopped, reported in the settings phase,
/// and never runs on the input (so it cannot be counted as a pass).
#[test]
fn settings_loop_is_stopped_in_the_settings_phase() {
    let (run, report, _) = check_alone("settings-loop", &[]);
    assert_eq!(run.code, 2, "stdout:\n{}\nstderr:\n{}", run.stdout, run.stderr);
    let errors = report["errors"].as_array().expect("errors[]");
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0]["phase"], "settings");
    assert_eq!(errors[0]["policy"], "hostile-settings-loop");
    assert!(errors[0]["message"].as_str().unwrap().contains("time limit"), "{:#}", errors[0]);
    assert!(run.elapsed < std::time::Duration::from_secs(5), "stopped within the limit: {:?}", run.elapsed);
}

#[test]
fn garbage_reply_is_malformed() {
    let (run, report, input) = check_alone("garbage-reply", &[]);
    let words = ["malformed reply", "<html>not a reply</html>"];
    assert_one_error(&run, &report, "evaluate", Some("hostile-garbage-reply"), &input, &words);
}

/// A 224 MiB reply (inside the guest's 256 MiB) is refused by its size before the host
/// copies or parses it (it used to cost 3 GB of host memory and a 1 GB report).
#[test]
fn a_reply_past_the_size_limit_is_refused_before_it_is_read() {
    let (run, report, input) = check_alone("flood-reply", &[]);
    let words = ["malformed reply", "the reply is 234880954 bytes", "limit of 16 MiB", "--policy-reply-limit"];
    assert_one_error(&run, &report, "evaluate", Some("hostile-flood-reply"), &input, &words);
    assert!(run.stdout.len() < 64 << 10, "the report stays small: {} bytes", run.stdout.len());
}

/// `--policy-reply-limit` lowers the size limit: a 2.2 MB reply fails a 1 MiB limit.
#[test]
fn policy_reply_limit_is_obeyed() {
    let (run, report, input) = check_alone("many-findings", &["--policy-reply-limit", "1"]);
    let words = ["the reply is 2280028 bytes", "limit of 1 MiB"];
    assert_one_error(&run, &report, "evaluate", Some("hostile-many-findings"), &input, &words);
}

/// 20,000 findings in one reply (under the size limit) exceed the default limit of
/// 10,000 findings per evaluation; raised with `--policy-max-findings`, all are placed.
#[test]
fn findings_past_the_limit_are_refused_and_the_limit_is_configurable() {
    let (run, report, input) = check_alone("many-findings", &[]);
    let words = ["malformed reply", "more than 10000 findings", "--policy-max-findings"];
    assert_one_error(&run, &report, "evaluate", Some("hostile-many-findings"), &input, &words);
    let (run, report, _) = check_alone("many-findings", &["--policy-max-findings", "20000"]);
    assert_eq!(run.code, 1, "stderr:\n{}", run.stderr);
    let findings = report["findings"].as_array().expect("findings[]");
    assert_eq!(findings.len(), 20_000);
    let sku = "/resources/0/properties/storageProfile/imageReference/sku";
    let placed = |f: &Value| f["location"]["line"] == 12 && f["location"]["pointer"] == sku;
    assert!(findings.iter().all(placed), "each is placed at the SKU literal: {:#}", findings[0]);
}

#[test]
fn live_abi_version_mismatch_fails_to_load() {
    let (run, report, _) = check_alone("wrong-abi", &[]);
    let path = fixture("wrong-abi").display().to_string();
    let words = ["entitle_abi_version() returned 2", "version 1"];
    assert_one_error(&run, &report, "load", Some("hostile-wrong-abi"), &path, &words);
}

#[test]
fn metadata_abi_version_mismatch_fails_to_load() {
    let (run, report, _) = check_alone("wrong-abi-metadata", &[]);
    let path = fixture("wrong-abi-metadata").display().to_string();
    let words = ["ABI version 2", "version 1"];
    assert_one_error(&run, &report, "load", Some("hostile-wrong-abi-metadata"), &path, &words);
}

#[test]
fn out_of_bounds_reply_is_malformed() {
    let (run, report, input) = check_alone("out-of-bounds-reply", &[]);
    let words = ["malformed reply", "outside guest memory"];
    assert_one_error(&run, &report, "evaluate", Some("hostile-out-of-bounds-reply"), &input, &words);
}

#[test]
fn trap_reports_what_the_guest_logged() {
    let (run, report, input) = check_alone("trap", &[]);
    let words = ["trapped", "unreachable", "hostile guest panicked: on purpose!"];
    assert_one_error(&run, &report, "evaluate", Some("hostile-trap"), &input, &words);
}

#[test]
fn wasi_import_fails_to_load() {
    let (run, report, _) = check_alone("wasi-import", &[]);
    let path = fixture("wasi-import").display().to_string();
    let words = ["wasi_snapshot_preview1.fd_write", "entitle.log"];
    assert_one_error(&run, &report, "load", Some("hostile-wasi-import"), &path, &words);
}

#[test]
fn module_without_metadata_fails_to_load() {
    let (run, report, _) = check_alone("no-metadata", &[]);
    let path = fixture("no-metadata").display().to_string();
    assert_one_error(&run, &report, "load", None, &path, &["entitle:metadata"]);
}

#[test]
fn finding_for_an_undeclared_rule_is_malformed() {
    let (run, report, input) = check_alone("bad-finding", &[]);
    let words = ["malformed reply", "HOSTILE-UNDECLARED", "does not declare"];
    assert_one_error(&run, &report, "evaluate", Some("hostile-bad-finding"), &input, &words);
}

/// No silent allow: even with `--fail-on never` each hostile guest makes the run exit
/// 2, and the built-in policy loaded beside it still reports its finding. The runs
/// share a code cache in the temp dir so the built-in policy compiles once, not 11 times.
#[test]
fn each_hostile_guest_is_an_error_beside_the_builtin_finding() {
    let dir = TempDir::new("beside-builtin");
    let input = dir.rhel72();
    let cache = dir.0.join("cache");
    for (name, phase) in HOSTILE {
        let policy = fixture(name).display().to_string();
        let run = check_cached(&cache, &["--format", "json", "--fail-on", "never", "--policy", &policy], &input);
        assert_eq!(run.code, 2, "{name}: stdout:\n{}\nstderr:\n{}", run.stdout, run.stderr);
        let report = run.report();
        let errors = report["errors"].as_array().expect("errors[]");
        assert_eq!(errors.len(), 1, "{name}: {errors:#?}");
        assert_eq!(errors[0]["phase"], phase, "{name}: {:#}", errors[0]);
        assert_eq!(report["summary"]["errors"], 1, "{name}");
        assert_builtin_only(&report, name);
    }
}

/// All fixtures at once (`--policy DIR`) with the built-in policy: one error per
/// hostile guest, each named for its own policy or file, the control and the
/// built-in policy unharmed.
#[test]
fn run_goes_on_past_every_hostile_guest_at_once() {
    let dir = TempDir::new("all-at-once");
    let input = dir.rhel72();
    let all = fixtures().display().to_string();
    let run = check(&["--format", "json", "--policy", &all], &input);
    assert_eq!(run.code, 2, "stdout:\n{}\nstderr:\n{}", run.stdout, run.stderr);
    let report = run.report();
    let errors = report["errors"].as_array().expect("errors[]");
    assert_eq!(errors.len(), HOSTILE.len(), "one error per hostile guest: {errors:#?}");
    assert_eq!(report["summary"]["errors"], HOSTILE.len());
    for (name, phase) in HOSTILE {
        let file = fixture(name).display().to_string();
        let mine = |e: &&Value| match phase {
            // Inside the project root (the repository's top): reported relative to it.
            "load" => e["path"].as_str().is_some_and(|p| file.ends_with(&format!("/{p}"))),
            "settings" => e["policy"] == format!("hostile-{name}").as_str() && e["path"].is_null(),
            _ => e["policy"] == format!("hostile-{name}").as_str() && e["path"] == input.as_str(),
        };
        let found: Vec<&Value> = errors.iter().filter(mine).collect();
        assert_eq!(found.len(), 1, "{name}: {errors:#?}");
        assert_eq!(found[0]["phase"], phase, "{name}: {:#}", found[0]);
    }
    let ran = strings(&report, "policies", "id");
    for id in ["rhel-lifecycle", "well-behaved", "hostile-endless-loop", "hostile-trap"] {
        assert!(ran.contains(&id), "{id} should have run: {ran:?}");
    }
    assert_builtin_only(&report, "all fixtures");
}

/// A run over many inputs, in the CLI's pooling allocator (`POOLING_FROM_INPUTS` in
/// host/src/cli/common.rs), as many inputs as it has slots: the memory limit and the
/// trap still hold, once per input, each error naming its own input.
#[test]
fn limits_hold_on_a_large_run() {
    const INPUTS: usize = 64;
    let dir = TempDir::new("large-run");
    let inputs: Vec<String> = (0..INPUTS)
        .map(|i| {
            let path = dir.0.join(format!("vm{i:02}.json"));
            std::fs::write(&path, RHEL72_ARM).expect("write input");
            path.display().to_string()
        })
        .collect();
    let grab = fixture("memory-grab").display().to_string();
    let trap = fixture("trap").display().to_string();
    let all = dir.0.display().to_string();
    let args = ["--no-builtin", "--format", "json", "--policy-memory", "16", "--jobs", "2"];
    let run = check(&[&args[..], &["--policy", &grab, "--policy", &trap]].concat(), &all);
    assert_eq!(run.code, 2, "stdout:\n{}\nstderr:\n{}", run.stdout, run.stderr);
    let report = run.report();
    let errors = report["errors"].as_array().expect("errors[]");
    assert_eq!(errors.len(), 2 * INPUTS, "one error per input and policy");
    for input in &inputs {
        for (id, words) in [("hostile-memory-grab", "memory limit of 16 MiB"), ("hostile-trap", "on purpose!")] {
            let mine: Vec<&Value> =
                errors.iter().filter(|e| e["path"] == input.as_str() && e["policy"] == id).collect();
            assert_eq!(mine.len(), 1, "{id} on {input}: {mine:#?}");
            assert_eq!(mine[0]["phase"], "evaluate");
            let message = mine[0]["message"].as_str().unwrap_or("");
            assert!(message.contains(words) && message.contains(input.as_str()), "{message}");
        }
    }
}

/// The human report goes to stdout and names the policy, the input and the cause.
#[test]
fn human_report_names_the_failing_policy_on_stdout() {
    let dir = TempDir::new("human");
    let input = dir.rhel72();
    let policy = fixture("trap").display().to_string();
    let run = check(&["--no-builtin", "--format", "human", "--policy", &policy], &input);
    assert_eq!(run.code, 2, "stdout:\n{}\nstderr:\n{}", run.stdout, run.stderr);
    let line = run
        .stdout
        .lines()
        .find(|l| l.contains("hostile-trap"))
        .unwrap_or_else(|| panic!("no stdout line names the policy:\n{}", run.stdout));
    for word in [input.as_str(), "evaluate", "trapped", "hostile guest panicked: on purpose!"] {
        assert!(line.contains(word), "{word:?} missing from {line:?}");
    }
    assert!(!run.stdout.contains('\x1b'), "no colour when stdout is not a terminal:\n{}", run.stdout);
    // The report is not on stderr; the error is, once (#18: errors always also go to stderr).
    assert!(!run.stderr.contains("entitle: 0 errors"), "the report is not on stderr:\n{}", run.stderr);
    assert_eq!(run.stderr.lines().filter(|l| l.contains("hostile-trap")).count(), 1, "{}", run.stderr);
    assert!(run.stderr.contains(&format!("entitle: {line}")), "the stdout line, on stderr:\n{}", run.stderr);
}

/// Rule 2 of DESIGN.md: every error names its policy id. A load error knows the id
/// (it comes from the metadata section), so the human line names it too.
#[test]
fn human_load_error_names_the_policy_id() {
    let dir = TempDir::new("human-load");
    let input = dir.rhel72();
    let policy = fixture("missing-export").display().to_string();
    let run = check(&["--no-builtin", "--format", "human", "--policy", &policy], &input);
    assert_eq!(run.code, 2, "stdout:\n{}\nstderr:\n{}", run.stdout, run.stderr);
    let line = run
        .stdout
        .lines()
        .find(|l| l.contains("entitle_evaluate"))
        .unwrap_or_else(|| panic!("no stdout line for the load error:\n{}", run.stdout));
    assert!(line.contains("hostile-missing-export"), "policy id missing from {line:?}");
}
