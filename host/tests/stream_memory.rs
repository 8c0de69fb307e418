//! A run's memory follows its findings, not its corpus: each input is evaluated as soon as it
//! is read and only its findings and a packed record stay (decision 134). The heap's
//! high-water mark of a whole check, counted by this test binary's global allocator, grows by
//! at most 10 KB per extra input, each of these one-VM templates bringing its findings into the
//! report (7.1 KB measured). Reading every input first and keeping its model and text until the
//! report cost 17.4 KB per input more than that. Until decision 141 each run also read every
//! cached policy file into the heap (about 2 MB at once), which hid the per-input growth below
//! it (the test then read 850 bytes per input). Counted, not timed, so it cannot flake; a test
//! binary of its own, because the counter is per process.

use std::path::{Path, PathBuf};

use entitle::{CacheMode, CheckOptions, Checker, LoadedCatalog, Runtime, RuntimeOptions};
use peak_alloc::PeakAlloc;

/// The system allocator, keeping its peak (a maintained wrapper: no `unsafe` of ours).
#[global_allocator]
static PEAK: PeakAlloc = PeakAlloc;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// `n` ARM templates of one RHEL VM each (the example, its resource renamed per file).
fn corpus(dir: &Path, n: usize) {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).unwrap();
    let arm = std::fs::read_to_string(root().join("examples/azure-rhel7-payg.json")).unwrap();
    for i in 0..n {
        std::fs::write(dir.join(format!("t{i:05}.json")), arm.replace("legacy", &format!("legacy{i}"))).unwrap();
    }
}

/// Bytes the heap's high-water mark rose by over one check of `dir` (the report dropped after).
fn peak_of(checker: &Checker, dir: &Path) -> (usize, usize) {
    let (files, errors) = entitle::discover(&[dir.to_path_buf()]);
    let options = CheckOptions { jobs: 1, ..CheckOptions::new("2026-11-25".parse().unwrap()) };
    let before = PEAK.current_usage();
    PEAK.reset_peak_usage();
    let report = checker.check(&files, errors, &options);
    let peak = PEAK.peak_usage() - before;
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    (peak, report.findings.len())
}

#[test]
fn peak_heap_grows_by_a_few_kb_per_input() {
    let base = std::env::temp_dir().join(format!("entitle-stream-memory-{}", std::process::id()));
    let cache = std::env::temp_dir().join("entitle-tests-cache");
    let runtime = Runtime::new(RuntimeOptions { cache: CacheMode::Dir(cache), ..RuntimeOptions::default() }).unwrap();
    let (policies, load_errors) = entitle::load_policies(&runtime, true, &[]);
    assert!(load_errors.is_empty(), "{load_errors:?}");
    let checker = Checker { runtime, policies, catalog: LoadedCatalog::builtin() };
    let (small, large) = (base.join("small"), base.join("large"));
    corpus(&small, 50);
    corpus(&large, 200);
    peak_of(&checker, &small); // warm: lazily built tables, the module cache
    let (peak_small, found_small) = peak_of(&checker, &small);
    let (peak_large, found_large) = peak_of(&checker, &large);
    let _ = std::fs::remove_dir_all(&base);
    assert_eq!(found_large, 4 * found_small, "every input has its findings");
    let per_input = (peak_large.saturating_sub(peak_small)) / 150;
    eprintln!("peak heap: {peak_small} B for 50 inputs, {peak_large} B for 200: {per_input} B per extra input");
    assert!(per_input <= 10 * 1024, "{per_input} bytes per extra input");
}
