//! Where instance memory comes from does not change a report: every `check` over an
//! input takes its instances from the pooling allocator's slots (decision 136), the
//! library's default maps them on demand, and both must report the examples and the
//! real corpus byte for byte alike.

use std::path::{Path, PathBuf};

use entitle::{CacheMode, CheckOptions, Checker, LoadedCatalog, Runtime, RuntimeOptions};

fn report(pooling: bool, paths: &[PathBuf]) -> String {
    let cache = std::env::temp_dir().join("entitle-tests-cache");
    let runtime = Runtime::new(RuntimeOptions { cache: CacheMode::Dir(cache), pooling, ..RuntimeOptions::default() })
        .expect("the engine starts");
    let (policies, load_errors) = entitle::load_policies(&runtime, true, &[]);
    assert!(load_errors.is_empty(), "{load_errors:?}");
    let checker = Checker { runtime, policies, catalog: LoadedCatalog::builtin() };
    let (files, errors) = entitle::discover(paths);
    let mut options = CheckOptions::new("2026-11-25".parse().unwrap());
    options.jobs = 2;
    let report = checker.check(&files, errors, &options);
    assert!(!report.findings.is_empty(), "the inputs have findings");
    serde_json::to_string_pretty(&report).expect("the report serialises")
}

#[test]
fn pooled_and_on_demand_instances_report_the_same() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut paths = vec![root.join("examples")];
    let real = root.join("../shared/corpus/real");
    if real.is_dir() {
        paths.push(real);
    }
    let (on_demand, pooled) = (report(false, &paths), report(true, &paths));
    assert!(on_demand == pooled, "the reports differ:\n{}", first_difference(&on_demand, &pooled));
}

/// The first line where `a` and `b` differ, with its neighbours.
fn first_difference(a: &str, b: &str) -> String {
    let (a, b): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    let at = a.iter().zip(&b).position(|(x, y)| x != y).unwrap_or(a.len().min(b.len()));
    let window = |l: &[&str]| l[at.saturating_sub(3)..(at + 3).min(l.len())].join("\n");
    format!("on demand, line {at}:\n{}\npooled:\n{}", window(&a), window(&b))
}
