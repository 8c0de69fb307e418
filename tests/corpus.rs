//! The real corpus (`../shared/corpus/real`, descriptors written by other people,
//! some of them traps) checked end to end, with the expected result of every file
//! written down in `tests/corpus/expected.json`: the workloads the front-ends find
//! (OS, billing, what stays unknown), every finding with its line, and every error.
//! A front-end or policy change shows up here as a reviewed diff (`ENTITLE_BLESS=1`).

use std::path::PathBuf;

use entitle::{CacheMode, CheckOptions, Checker, LoadedCatalog, Runtime, RuntimeOptions};
use serde_json::{Value, json};

use crate::support;

fn corpus_dir() -> PathBuf {
    let dir = support::root().join("../shared/corpus/real");
    assert!(dir.is_dir(), "the real corpus is expected at {} (CI provides it)", dir.display());
    dir.canonicalize().unwrap()
}

#[test]
fn real_corpus_gives_the_recorded_results() {
    let dir = corpus_dir();
    let prefix = format!("{}/", dir.display());
    let relative = |p: &str| p.strip_prefix(&prefix).unwrap_or(p).to_owned();
    let catalog = LoadedCatalog::builtin();
    let runtime = Runtime::new(RuntimeOptions { cache: CacheMode::Disabled, ..RuntimeOptions::default() }).unwrap();
    let (policies, load_errors) = entitle::load_policies(&runtime, true, &[]);
    assert!(load_errors.is_empty(), "{load_errors:?}");
    let checker = Checker { runtime, policies, catalog };
    let (files, errors) = entitle::discover(std::slice::from_ref(&dir));
    assert!(files.len() >= 30, "expected the whole corpus, found {} files", files.len());

    let mut inputs = Vec::new();
    for file in &files {
        let entry = match entitle::load(file, &checker.catalog.catalog) {
            Ok(loaded) => json!({
                "path": relative(&loaded.path),
                "format": loaded.format.map(|f| f.name()),
                "skipped": loaded.skipped,
                "workloads": loaded.workloads.iter().map(summarise).collect::<Vec<_>>(),
            }),
            Err(e) => json!({"path": relative(&file.display), "error": e.message()}),
        };
        inputs.push(entry);
    }
    let options = CheckOptions {
        as_of: "2026-11-25".parse().unwrap(),
        warn_within_days: 180,
        settings: Default::default(),
        context: Value::Null,
        jobs: 2,
    };
    let report = checker.check(&files, errors, &options);
    let findings: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            json!({
                "rule": f.rule,
                "at": format!("{}:{}:{}", relative(&f.location.path), f.location.line, f.location.column),
                "resource": f.resource,
                "message": f.message,
            })
        })
        .collect();
    let errors: Vec<Value> = report
        .errors
        .iter()
        .map(|e| json!({"path": e.path.as_deref().map(relative), "phase": e.phase, "line": e.line, "message": e.message}))
        .collect();
    let actual = json!({"as_of": "2026-11-25", "inputs": inputs, "findings": findings, "errors": errors});
    let text = format!("{}\n", serde_json::to_string_pretty(&actual).unwrap());
    let expected = support::root().join("tests/corpus/expected.json");
    if let Some(problem) = support::compare(&expected, &text) {
        panic!(
            "{problem}\nIf the new output is right: ENTITLE_BLESS=1 cargo test -p entitle-tests corpus, then review the diff."
        );
    }
}

/// What a reviewer needs to see of a workload: identity, OS, billing, unknowns.
fn summarise(w: &entitle_sdk::Workload) -> Value {
    let os = match (&w.os.product, w.release()) {
        (Some(product), Some(release)) => Some(format!("{product} {release}")),
        (Some(product), None) => Some(product.clone()),
        (None, _) => w.os.vendor.as_ref().map(|v| format!("{v} (product unknown)")),
    };
    json!({
        "id": w.id,
        "line": w.source.line,
        "image": w.image.reference.clone().or_else(|| w.image.id.clone()),
        "os": os,
        "stream": w.os.stream,
        "billing": w.billing.model,
        "count": w.count,
        "unknown": w.unknown,
    })
}
