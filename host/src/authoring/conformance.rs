//! `entitle conformance`: the checks a third party runs in its own CI before shipping a
//! policy, each pass or fail with a reason. They use the host's own loader and runner,
//! so a module that passes here behaves in `check`: ABI exports and types, metadata
//! valid and the same from the custom section and the export, the settings phase
//! accepting defaults and rejecting garbage with a message, replies well formed and
//! naming only declared rules and given workloads, the same reply twice, an empty
//! deployment, and a large generated input within the stated time and memory.

use std::time::{Duration, Instant};

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::request::request;
use super::sample;
use crate::runtime::{self, Policy, Runtime, RuntimeOptions};
use crate::{CacheMode, CheckOptions, Checker, ErrorKind, LoadedCatalog};

/// The bounds a policy must keep.
#[derive(Clone, Debug)]
pub struct ConformanceOptions {
    /// Wall-clock limit for one evaluation (as `check --policy-timeout`).
    pub time_limit: Duration,
    /// Memory limit for one evaluation, in bytes (as `check --policy-memory`).
    pub memory_limit: u64,
    /// Workloads in the large generated input.
    pub large_workloads: usize,
    /// Where compiled code is cached.
    pub cache: CacheMode,
}

impl Default for ConformanceOptions {
    fn default() -> Self {
        ConformanceOptions {
            time_limit: Duration::from_secs(2),
            memory_limit: 256 << 20,
            large_workloads: 2000,
            cache: CacheMode::Default,
        }
    }
}

/// One line of the table.
#[derive(Debug, Serialize)]
pub struct Check {
    /// What is checked.
    pub name: &'static str,
    /// Whether it passed.
    pub passed: bool,
    /// What was seen: the reason for a failure, a measurement for a pass.
    pub detail: String,
}

/// The names of the checks, in order (a check that cannot run fails as "not run").
const CHECKS: [&str; 11] = [
    "module is valid wasm within the size limits",
    "ABI exports and types",
    "metadata valid",
    "loads in this host",
    "metadata export matches the custom section",
    "settings: defaults accepted",
    "settings: garbage rejected with a message",
    "empty deployment handled",
    "replies well formed, declared rules, given workloads",
    "same input, same reply",
    "large input within time and memory",
];

/// Runs every check on the module `bytes` (wasm or `.wat`) named `path`.
pub fn conformance(path: &str, bytes: &[u8], options: &ConformanceOptions) -> Vec<Check> {
    let mut checks = Vec::new();
    let mut push = |passed: bool, detail: String| {
        let name = CHECKS[checks.len()];
        checks.push(Check { name, passed, detail });
    };
    let runtime_options = RuntimeOptions {
        timeout: options.time_limit,
        memory_limit: options.memory_limit,
        cache: options.cache.clone(),
        ..RuntimeOptions::default()
    };
    let runtime = match Runtime::new(runtime_options) {
        Ok(runtime) => runtime,
        Err(e) => {
            push(false, format!("cannot start the wasm engine: {e}"));
            return not_run(checks);
        }
    };
    let limits = runtime.options.compile.clone();
    let wasm = match runtime::wasm_bytes(bytes).and_then(|w| runtime::check_shape(&w, &limits).map(|()| w)) {
        Ok(wasm) => wasm.into_owned(),
        Err(why) => {
            push(false, why);
            return not_run(checks);
        }
    };
    push(true, format!("{} bytes", wasm.len()));
    let sha256 = runtime::hex(&Sha256::digest(&wasm));
    match runtime::compile(&runtime.engine, runtime.cache.as_ref(), &sha256, &wasm, &limits)
        .and_then(|module| runtime::check_module(&module))
    {
        Ok(()) => push(
            true,
            format!("memory and the {} exports with their types; imports only entitle.log", runtime::EXPORTS.len()),
        ),
        Err(why) => push(false, why),
    }
    let section = runtime::read_metadata(&wasm);
    match &section {
        Ok(meta) if meta.abi_version == entitle_sdk::ABI_VERSION => {
            push(true, format!("{} {}, {} rules", meta.id, meta.version, meta.rules.len()))
        }
        Ok(meta) => {
            push(false, format!("ABI version {}, this host speaks {}", meta.abi_version, entitle_sdk::ABI_VERSION))
        }
        Err(why) => push(false, why.clone()),
    }
    let policy = match Policy::load(&runtime, path, bytes) {
        Ok(policy) => policy,
        Err(e) => {
            push(false, e.to_string());
            return not_run(checks);
        }
    };
    push(true, format!("entitle_abi_version() = {}", entitle_sdk::ABI_VERSION));
    match policy.metadata_reply(&runtime) {
        Ok(reply) => match entitle_sdk::PolicyMetadata::parse(&reply) {
            Ok(exported) if exported == policy.metadata => push(true, "identical".into()),
            Ok(_) => push(false, "entitle_metadata() returns other metadata than the custom section".into()),
            Err(e) => push(false, format!("entitle_metadata() does not return valid metadata: {e}")),
        },
        Err(e) => push(false, e.to_string()),
    }
    match policy.validate_settings(&runtime, b"null") {
        Ok(()) => push(true, "null (no settings) is valid".into()),
        Err(e) => push(false, e.to_string()),
    }
    match policy.validate_settings(&runtime, b"\x01 not JSON {") {
        Err(e) if matches!(&e.kind, ErrorKind::Config(m) if !m.trim_end().ends_with(':')) => {
            push(true, format!("rejected: {e}"))
        }
        Err(e) => push(false, format!("not rejected with a message: {e}")),
        Ok(()) => push(false, "bytes that are not JSON were accepted as settings".into()),
    }
    let checker = Checker { runtime, policies: vec![policy], catalog: LoadedCatalog::builtin() };
    let options_at = CheckOptions::new(sample::AS_OF.parse().expect("a valid date"));
    empty_deployment(&checker, &options_at, &mut push);
    let first = evaluate(&checker, sample::workloads(40), &options_at);
    match &first {
        Ok((findings, _)) => {
            push(true, format!("{} findings on 40 generated workloads", findings.as_array().map_or(0, Vec::len)))
        }
        Err(why) => push(false, why.clone()),
    }
    match (&first, evaluate(&checker, sample::workloads(40), &options_at)) {
        (Ok((a, _)), Ok((b, _))) if *a == b => push(true, "identical findings twice".into()),
        (Ok(_), Ok(_)) => push(false, "two evaluations of the same input gave different findings".into()),
        (Err(why), _) => push(false, why.clone()),
        (_, Err(why)) => push(false, why),
    }
    let n = options.large_workloads;
    let limit =
        format!("limit {} ms and {} MiB per evaluation", options.time_limit.as_millis(), options.memory_limit >> 20);
    match evaluate(&checker, sample::workloads(n), &options_at) {
        Ok((_, took)) => push(true, format!("{n} workloads in {} ms ({limit})", took.as_millis())),
        Err(why) => push(false, format!("{n} workloads: {why} ({limit})")),
    }
    checks
}

/// Every check not yet run fails as not run.
fn not_run(mut checks: Vec<Check>) -> Vec<Check> {
    for name in &CHECKS[checks.len()..] {
        checks.push(Check { name, passed: false, detail: "not run: an earlier check failed".into() });
    }
    checks
}

/// An empty deployment gets a well-formed reply with no findings (`check` never sends
/// one for an input, but a run-scoped policy or another host may).
fn empty_deployment(checker: &Checker, options: &CheckOptions, push: &mut impl FnMut(bool, String)) {
    let policy = &checker.policies[0];
    let (request, prepared) = request(checker, policy, b"null", &[], options);
    match policy.evaluate_prepared(&checker.runtime, prepared.as_ref(), &request, "(empty deployment)") {
        Ok(e) if e.findings.is_empty() => push(true, "no findings".into()),
        Ok(e) => push(false, format!("{} findings on a deployment without workloads", e.findings.len())),
        Err(e) => push(false, e.to_string()),
    }
}

/// Findings (as JSON) of one run of the policy over generated `text`, and the time it
/// took, or every error the host reported (malformed replies, undeclared rules, unknown
/// workloads, traps, limits).
fn evaluate(checker: &Checker, text: String, options: &CheckOptions) -> Result<(serde_json::Value, Duration), String> {
    let path = "generated.json";
    let doc = crate::document::parse_json(&text).map_err(|e| format!("generated input: {e}"))?;
    let loaded =
        crate::load_documents(path, path.as_ref(), &text, vec![doc], true, &checker.catalog.catalog, &options.read)
            .map_err(|e| format!("generated input: {e}"))?;
    let start = Instant::now();
    let report = checker.check_loaded(loaded, options);
    let took = start.elapsed();
    if let Some(e) = report.errors.first() {
        return Err(format!("{} error(s), the first: {}", report.errors.len(), e.message));
    }
    Ok((serde_json::to_value(&report.findings).map_err(|e| e.to_string())?, took))
}

/// The table, one line per check, and a last line with the verdict.
pub fn table(checks: &[Check]) -> String {
    let mut out = String::new();
    for c in checks {
        let mark = if c.passed { "pass" } else { "FAIL" };
        out.push_str(&format!("{mark}  {:<52} {}\n", c.name, crate::escape::text(&c.detail)));
    }
    let failed = checks.iter().filter(|c| !c.passed).count();
    out.push_str(&if failed == 0 {
        "conformant\n".to_owned()
    } else {
        format!("not conformant: {failed} check(s) failed\n")
    });
    out
}
