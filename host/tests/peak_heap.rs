//! A large input's whole check (read, parse, model, evaluate, report with the gate) holds at most a few times the
//! file's size in heap at once. Counted by a global allocator that keeps the high-water mark of live heap bytes, so
//! the bound does not depend on the machine's speed or load and cannot flake; a test binary of its own, because the
//! counters are per process. A parse that holds a syntax tree, the value and a pointer's text per node at once peaks
//! at about 11x a plan's size.

use std::path::{Path, PathBuf};

use entitle::gate::GateOptions;
use entitle::{CheckOptions, Checker};
use peak_alloc::PeakAlloc;

mod generated;
mod setup;
use generated::{arm, plan};
use setup::{builtin_checker, fresh_dir};

/// The system allocator, keeping the current and the highest live heap bytes (a maintained wrapper, so this test
/// needs no `unsafe` of its own).
#[global_allocator]
static ALLOCATOR: PeakAlloc = PeakAlloc;

/// The high-water mark is the whole process's: the tests take turns, so one never counts the other's heap.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// The most live heap, beyond what was live before, during one whole check of `file`.
fn peak(checker: &Checker, file: &Path) -> usize {
    let (files, errors) = entitle::discover(&[file.to_path_buf()]);
    let options = CheckOptions::new("2026-11-25".parse().unwrap());
    let before = ALLOCATOR.current_usage();
    ALLOCATOR.reset_peak_usage();
    let mut report = checker.check(&files, errors, &options);
    entitle::gate::apply(&mut report, &GateOptions::default());
    let peak = ALLOCATOR.peak_usage() - before;
    assert!(report.findings.len() > 100, "the generated input has findings");
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    peak
}

/// The most live heap, beyond what was live before, while `text` is parsed with positions (the document dropped);
/// with `elide`, as an input is parsed.
fn parse_peak(text: &str, elide: bool) -> usize {
    let before = ALLOCATOR.current_usage();
    ALLOCATOR.reset_peak_usage();
    let doc = if elide {
        entitle::document::parse_json_eliding(text, entitle::formats::tfplan::ELIDE).expect("parses").0
    } else {
        entitle::document::parse_json(text).expect("parses")
    };
    assert!(doc.position("/0").is_none() && doc.position("").is_some());
    drop(doc);
    ALLOCATOR.peak_usage() - before
}

#[test]
fn parsing_a_large_plan_or_arm_template_holds_the_value_and_little_else() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    // A plan's `planned_values` (a third of this one) is checked but not held as an input is parsed.
    let (plan, arm) = (plan(2700), arm(6000));
    for (kind, text, elide, bound) in
        [("plan", &plan, false, 16.0), ("plan, as an input", &plan, true, 9.0), ("ARM template", &arm, false, 16.0)]
    {
        let ratio = parse_peak(text, elide) as f64 / text.len() as f64;
        eprintln!("{kind}: {:.1} MB, parse peak heap {ratio:.2}x its size", text.len() as f64 / 1e6);
        assert!(ratio <= bound, "{kind}: the parse's peak heap is {ratio:.2}x the text's size (bound {bound}x)");
    }
}

#[test]
fn a_large_plan_or_arm_template_peaks_at_a_few_times_its_size() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let (dir, checker) = (fresh_dir("peak"), builtin_checker());
    let write = |name: &str, text: String| -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    for (kind, file, bound) in
        [("plan", write("plan.json", plan(2700)), 15.0), ("ARM template", write("arm.json", arm(6000)), 34.0)]
    {
        let size = std::fs::metadata(&file).unwrap().len() as f64;
        assert!(size > 3.5e6, "{kind}: {size} bytes");
        let ratio = peak(&checker, &file) as f64 / size;
        eprintln!("{kind}: {:.1} MB, peak heap {ratio:.2}x its size", size / 1e6);
        assert!(ratio <= bound, "{kind}: the check's peak heap is {ratio:.2}x the file's size (bound {bound}x)");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
