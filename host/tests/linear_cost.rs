//! Large inputs cost linear work: a plan (or ARM template) four times as large costs at most 4.4 times the heap
//! allocations (calls and bytes) of the whole check, read to report with the gate. Counted by a global allocator of
//! this test binary, so the bound does not depend on the machine's speed or load and cannot flake; a test binary of
//! its own, because the counters are per process. A pass over every resource per workload (what support detection
//! did) makes the ratio about 7 at these sizes.

use std::alloc::System;
use std::path::{Path, PathBuf};

use entitle::gate::GateOptions;
use entitle::{CacheMode, CheckOptions, Checker, LoadedCatalog, Runtime, RuntimeOptions};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

mod generated;
use generated::{arm, plan};

/// The system allocator, counting allocations and the bytes asked for (a maintained wrapper, so this test needs
/// no `unsafe` of its own).
#[global_allocator]
static ALLOCATOR: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Allocation calls and bytes of one whole check of `file`, with its finding count.
fn cost(checker: &Checker, file: &Path) -> (u64, u64, usize) {
    let (files, errors) = entitle::discover(&[file.to_path_buf()]);
    let options = CheckOptions::new("2026-11-25".parse().unwrap());
    let region = Region::new(ALLOCATOR);
    let mut report = checker.check(&files, errors, &options);
    entitle::gate::apply(&mut report, &GateOptions::default());
    let found = report.findings.len();
    drop(report);
    assert!(found > 0, "the generated input has findings");
    let stats = region.change();
    ((stats.allocations + stats.reallocations) as u64, stats.bytes_allocated as u64, found)
}

#[test]
fn four_times_the_input_costs_at_most_four_point_four_times_the_allocations() {
    let dir = std::env::temp_dir().join(format!("entitle-linear-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let cache = std::env::temp_dir().join("entitle-tests-cache");
    let runtime = Runtime::new(RuntimeOptions { cache: CacheMode::Dir(cache), ..RuntimeOptions::default() }).unwrap();
    let (policies, load_errors) = entitle::load_policies(&runtime, true, &[]);
    assert!(load_errors.is_empty(), "{load_errors:?}");
    let checker = Checker { runtime, policies, catalog: LoadedCatalog::builtin() };
    let write = |name: &str, text: String| -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    for (kind, small, large) in [
        ("plan", write("small-plan.json", plan(250)), write("large-plan.json", plan(1000))),
        ("ARM template", write("small-arm.json", arm(250)), write("large-arm.json", arm(1000))),
    ] {
        let (s, l) = (cost(&checker, &small), cost(&checker, &large));
        let size = std::fs::metadata(&large).unwrap().len() as f64 / std::fs::metadata(&small).unwrap().len() as f64;
        assert!((3.9..4.1).contains(&size), "{kind}: sizes {size}");
        let (calls, bytes) = (l.0 as f64 / s.0 as f64, l.1 as f64 / s.1 as f64);
        eprintln!(
            "{kind}: {size:.2}x the bytes, {:.2}x the findings: {calls:.2}x the allocations, {bytes:.2}x the bytes allocated",
            l.2 as f64 / s.2 as f64
        );
        assert!(
            calls <= 4.4 && bytes <= 4.4,
            "{kind}: {calls:.2}x the allocation calls, {bytes:.2}x the bytes ({s:?} → {l:?})"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
