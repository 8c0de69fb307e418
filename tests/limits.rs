//! The sandbox's guarantees through the library API: each hostile guest in
//! `fixtures/hostile/` becomes a typed error (phase, policy, kind) from `Policy::load`,
//! `Policy::evaluate` or `Checker::check`, the runtime stays usable after it, and no
//! failure is ever a pass. Each test runs under both instance allocators (on demand,
//! and the pooling allocator the CLI turns on for large runs), since the limits must
//! not depend on which one is in use.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use entitle::{
    CacheMode, CheckOptions, Checker, CompileLimits, Error, ErrorKind, FailOn, LoadedCatalog, Phase, Policy, Runtime,
    RuntimeOptions,
};
use entitle_sdk::Severity;

/// The text of `fixtures/hostile/NAME.wat`.
macro_rules! fixture {
    ($name:literal) => {
        ($name, include_str!(concat!("fixtures/hostile/", $name, ".wat")))
    };
}

/// A fixture's name and text.
type Fixture = (&'static str, &'static str);

/// The time limit used here: short, so the endless loop costs little.
const TIMEOUT: Duration = Duration::from_millis(250);
/// The memory limit used here.
const MEMORY: u64 = 16 << 20;
/// What an evaluation is called on; the hostile guests never read the request.
const INPUT: &str = "infra/main.json";

/// `RuntimeOptions::pooling` values: both allocation strategies.
const POOLING: [bool; 2] = [false, true];

fn runtime(pooling: bool) -> Runtime {
    Runtime::new(RuntimeOptions {
        timeout: TIMEOUT,
        memory_limit: MEMORY,
        cache: CacheMode::Disabled,
        pooling,
        ..RuntimeOptions::default()
    })
    .expect("the engine starts")
}

fn load(runtime: &Runtime, (name, text): Fixture) -> Result<Policy, Error> {
    Policy::load(runtime, &format!("{name}.wat"), text.as_bytes())
}

fn loaded(runtime: &Runtime, fixture: Fixture) -> Policy {
    load(runtime, fixture).unwrap_or_else(|e| panic!("{} should load: {e}", fixture.0))
}

/// Evaluates and expects an error; checks it is named for this input and policy.
fn evaluate_err(runtime: &Runtime, policy: &Policy) -> Error {
    let error = match policy.evaluate(runtime, b"{}", INPUT) {
        Ok(evaluated) => panic!("{} passed with {} findings", policy.id(), evaluated.findings.len()),
        Err(e) => e,
    };
    assert_eq!(error.phase, Phase::Evaluate, "{error}");
    assert_eq!(error.policy.as_deref(), Some(policy.id()), "{error}");
    assert_eq!(error.path.as_deref(), Some(INPUT), "{error}");
    assert!(error.message().contains(policy.id()), "the message names the policy: {error}");
    error
}

#[test]
fn well_behaved_control_loads_and_finds_nothing() {
    for pooling in POOLING {
        let runtime = runtime(pooling);
        let policy = loaded(&runtime, fixture!("well-behaved"));
        assert_eq!(policy.id(), "well-behaved");
        assert_eq!(policy.metadata.rules.len(), 1);
        policy.validate_settings(&runtime, b"null").expect("settings are valid");
        let evaluated = policy.evaluate(&runtime, b"{}", INPUT).expect("the control evaluates");
        assert!(evaluated.findings.is_empty(), "pooling={pooling}");
        assert!(evaluated.logs.is_empty(), "pooling={pooling}");
    }
}

/// Stopped at its limit, not before; and the deadline belongs to one evaluation: a
/// second run gets its full time again, and the control on the same runtime afterwards
/// is not cut short.
#[test]
fn endless_loop_stops_at_the_time_limit_of_each_evaluation() {
    for pooling in POOLING {
        let runtime = runtime(pooling);
        let endless = loaded(&runtime, fixture!("endless-loop"));
        let control = loaded(&runtime, fixture!("well-behaved"));
        for round in 0..2 {
            let start = Instant::now();
            let error = evaluate_err(&runtime, &endless);
            let elapsed = start.elapsed();
            let at = format!("pooling={pooling} round {round}");
            assert!(matches!(error.kind, ErrorKind::Timeout { limit_ms: 250 }), "{at}: {:?}", error.kind);
            assert!(error.message().contains("250ms time limit on infra/main.json"), "{at}: {error}");
            assert!(elapsed >= TIMEOUT, "{at}: stopped before its limit, at {elapsed:?}");
            assert!(elapsed < Duration::from_secs(2), "{at}: a 250 ms limit took {elapsed:?}");
            control.evaluate(&runtime, b"{}", INPUT).unwrap_or_else(|e| panic!("{at}: control failed: {e}"));
        }
    }
}

/// The memory cap is per evaluation too: the guest hits it every time, and the
/// control still runs in a fresh store afterwards.
#[test]
fn memory_grab_stops_at_the_memory_limit_every_time() {
    for pooling in POOLING {
        let runtime = runtime(pooling);
        let grab = loaded(&runtime, fixture!("memory-grab"));
        let control = loaded(&runtime, fixture!("well-behaved"));
        for round in 0..2 {
            let at = format!("pooling={pooling} round {round}");
            let error = evaluate_err(&runtime, &grab);
            assert!(
                matches!(error.kind, ErrorKind::OutOfMemory { limit_bytes } if limit_bytes == MEMORY),
                "{at}: {:?}",
                error.kind
            );
            assert!(error.message().contains("memory limit of 16 MiB"), "{at}: {error}");
            control.evaluate(&runtime, b"{}", INPUT).unwrap_or_else(|e| panic!("{at}: control failed: {e}"));
        }
    }
}

#[test]
fn trap_carries_the_logged_message() {
    for pooling in POOLING {
        let runtime = runtime(pooling);
        let policy = loaded(&runtime, fixture!("trap"));
        let error = evaluate_err(&runtime, &policy);
        match &error.kind {
            ErrorKind::Trap(message) => {
                assert!(message.contains("unreachable"), "pooling={pooling}: {message}");
                assert!(message.contains("hostile guest panicked: on purpose!"), "pooling={pooling}: {message}");
            }
            other => panic!("pooling={pooling}: expected a trap, got {other:?}"),
        }
    }
}

#[test]
fn broken_replies_are_malformed() {
    for pooling in POOLING {
        let runtime = runtime(pooling);
        for (fixture, detail) in [
            (fixture!("garbage-reply"), "<html>not a reply</html>"),
            (fixture!("out-of-bounds-reply"), "outside guest memory"),
        ] {
            let at = format!("{} pooling={pooling}", fixture.0);
            let policy = loaded(&runtime, fixture);
            let error = evaluate_err(&runtime, &policy);
            match &error.kind {
                ErrorKind::Reply(message) => assert!(message.contains(detail), "{at}: {message}"),
                other => panic!("{at}: expected a malformed reply, got {other:?}"),
            }
            assert!(error.message().contains("malformed reply"), "{at}: {error}");
        }
    }
}

#[test]
fn abi_violations_fail_at_load() {
    let cases: [(Fixture, Option<&str>, &[&str]); 5] = [
        (fixture!("missing-export"), Some("hostile-missing-export"), &["missing export `entitle_evaluate`"]),
        (fixture!("wrong-abi"), Some("hostile-wrong-abi"), &["entitle_abi_version() returned 2", "version 1"]),
        (fixture!("wrong-abi-metadata"), Some("hostile-wrong-abi-metadata"), &["ABI version 2", "version 1"]),
        (fixture!("wasi-import"), Some("hostile-wasi-import"), &["wasi_snapshot_preview1.fd_write", "entitle.log"]),
        (fixture!("no-metadata"), None, &["entitle:metadata"]),
    ];
    for pooling in POOLING {
        let runtime = runtime(pooling);
        for (fixture, id, words) in cases {
            let at = format!("{} pooling={pooling}", fixture.0);
            let error = match load(&runtime, fixture) {
                Ok(_) => panic!("{at}: loaded"),
                Err(e) => e,
            };
            assert_eq!(error.phase, Phase::Load, "{at}: {error}");
            assert!(matches!(error.kind, ErrorKind::Abi(_)), "{at}: {:?}", error.kind);
            assert_eq!(error.path.as_deref(), Some(format!("{}.wat", fixture.0).as_str()), "{at}: {error}");
            assert_eq!(error.policy.as_deref(), id, "{at}: {error}");
            let message = error.message();
            for word in words {
                assert!(message.contains(word), "{at}: {word:?} missing from {message}");
            }
        }
    }
}

/// Compiling is bounded: a module over the size, function-count or compile-time limit
/// fails to load, named for its file and policy, in phase `load`.
#[test]
fn compile_limits_fail_at_load_naming_the_policy() {
    let well = fixture!("well-behaved");
    let cases: [(CompileLimits, &str); 4] = [
        (CompileLimits { max_module_bytes: 100, ..CompileLimits::default() }, "more than the limit of 100 bytes"),
        (CompileLimits { max_functions: 5, ..CompileLimits::default() }, "more than 5 functions"),
        (CompileLimits { max_function_bytes: 8, ..CompileLimits::default() }, "limit of 8 bytes"),
        (CompileLimits { timeout: Duration::from_nanos(1), ..CompileLimits::default() }, "compiling took longer"),
    ];
    for (compile, words) in cases {
        let runtime = Runtime::new(RuntimeOptions { cache: CacheMode::Disabled, compile, ..RuntimeOptions::default() })
            .expect("the engine starts");
        let error = match load(&runtime, well) {
            Ok(_) => panic!("{words}: loaded"),
            Err(e) => e,
        };
        assert_eq!(error.phase, Phase::Load, "{error}");
        assert!(matches!(error.kind, ErrorKind::Compile(_)), "{:?}", error.kind);
        assert_eq!(error.path.as_deref(), Some("well-behaved.wat"), "{error}");
        assert!(error.message().contains(words), "{words:?} missing from {error}");
        if !words.contains("100 bytes") {
            assert_eq!(error.policy.as_deref(), Some("well-behaved"), "{error}");
        }
    }
    // The defaults load it.
    loaded(&runtime(false), well);
}

/// Input files in a fresh directory under the system temp dir, removed on drop.
struct Inputs(PathBuf);

impl Inputs {
    /// `names` each hold one VM on RedHat:RHEL:7.2:latest (RHEL-LC-MAJOR-EOL as of 2026-11-25).
    fn rhel72(names: &[&str]) -> Inputs {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("entitle-limits-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create temp dir");
        let template = r#"{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "resources": [{
    "type": "Microsoft.Compute/virtualMachines", "apiVersion": "2022-03-01", "name": "web1",
    "location": "westeurope",
    "properties": {"storageProfile": {"imageReference":
      {"publisher": "RedHat", "offer": "RHEL", "sku": "7.2", "version": "latest"}}}
  }]
}"#;
        for name in names {
            std::fs::write(dir.join(name), template).expect("write input");
        }
        Inputs(dir)
    }

    fn path(&self, name: &str) -> String {
        self.0.join(name).display().to_string()
    }
}

impl Drop for Inputs {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn options() -> CheckOptions {
    CheckOptions { jobs: 2, ..CheckOptions::new("2026-11-25".parse().expect("a date")) }
}

/// The built-in policy beside every guest that fails while evaluating, on two
/// inputs: one error per (input, hostile policy), the built-in finding on each input,
/// the control silent, and the run fails with exit 2 whatever `--fail-on` says.
#[test]
fn checker_reports_every_failure_and_keeps_the_builtin_findings() {
    for pooling in POOLING {
        check_beside_builtin(pooling);
    }
}

fn check_beside_builtin(pooling: bool) {
    let runtime = runtime(pooling);
    let (mut policies, load_errors) = entitle::load_policies(&runtime, true, &[]);
    assert!(load_errors.is_empty(), "the built-in policies load: {load_errors:?}");
    let hostile = [
        fixture!("bad-finding"),
        fixture!("endless-loop"),
        fixture!("garbage-reply"),
        fixture!("memory-grab"),
        fixture!("out-of-bounds-reply"),
        fixture!("trap"),
    ];
    for fixture in hostile.into_iter().chain([fixture!("well-behaved")]) {
        policies.push(loaded(&runtime, fixture));
    }
    let inputs = Inputs::rhel72(&["a.json", "b.json"]);
    let (files, errors) = entitle::discover(std::slice::from_ref(&inputs.0));
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(files.len(), 2);
    let checker = Checker { runtime, policies, catalog: LoadedCatalog::builtin() };
    let report = checker.check(&files, Vec::new(), &options());

    for input in ["a.json", "b.json"].map(|name| inputs.path(name)) {
        for (name, _) in hostile {
            let id = format!("hostile-{name}");
            let mine: Vec<_> = report
                .errors
                .iter()
                .filter(|e| e.policy.as_deref() == Some(id.as_str()) && e.path.as_deref() == Some(input.as_str()))
                .collect();
            assert_eq!(mine.len(), 1, "{id} on {input}, pooling={pooling}: {:#?}", report.errors);
            assert_eq!(mine[0].phase, Phase::Evaluate, "pooling={pooling}: {mine:?}");
        }
        let builtin = report.findings.iter().filter(|f| f.location.path == input && f.policy == "rhel-lifecycle");
        assert!(
            builtin.map(|f| f.rule.as_str()).any(|r| r == "RHEL-LC-MAJOR-EOL"),
            "{input}, pooling={pooling}: {:#?}",
            report.findings
        );
    }
    assert_eq!(report.errors.len(), 2 * hostile.len(), "pooling={pooling}: {:#?}", report.errors);
    assert_eq!(report.summary.errors, report.errors.len());
    assert!(report.findings.iter().all(|f| f.policy == "rhel-lifecycle"), "{:#?}", report.findings);
    let bad = report.errors.iter().find(|e| e.policy.as_deref() == Some("hostile-bad-finding")).expect("listed");
    assert!(bad.message.contains("malformed reply") && bad.message.contains("HOSTILE-UNDECLARED"), "{}", bad.message);
    assert_eq!(report.exit_code(FailOn::Never), 2);
    assert_eq!(report.exit_code(FailOn::Severity(Severity::Error)), 2);
}
