//! The fuzz corpus and crash reproducers, replayed on stable: every file under
//! `fuzz/corpus/<target>/` and `fuzz/regressions/<target>/` goes through the same
//! `entitle::fuzzing` function the libFuzzer target calls. A panic, or an input that
//! takes longer than the bound, fails the test naming the file, so a fixed crash,
//! timeout or blow-up stays fixed. (`fuzz/pending/` holds reproducers not fixed yet.)

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Per-input bound in this (debug) build; libFuzzer's own bound on a release build is
/// 10 s (`fuzz/run.sh`), and corpus inputs take milliseconds.
const BOUND: Duration = Duration::from_secs(20);

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("host/ sits in the workspace").join("fuzz")
}

/// The files of `dir` (none when it does not exist), sorted.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_file()).collect())
        .unwrap_or_default();
    found.sort();
    found
}

/// Runs every input of every target; returns the failures (panics and slow inputs).
fn replay(target: &str, run: entitle::fuzzing::Target, inputs: &[PathBuf], bound: Duration) -> Vec<String> {
    let mut failures = Vec::new();
    for path in inputs {
        let data = std::fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
        let started = Instant::now();
        let outcome = std::panic::catch_unwind(|| run(&data));
        let took = started.elapsed();
        match outcome {
            Err(_) => failures.push(format!("{target}: {} panicked", path.display())),
            Ok(()) if took > bound => {
                failures.push(format!("{target}: {} took {took:?} (bound {bound:?})", path.display()))
            }
            Ok(()) => {}
        }
    }
    failures
}

#[test]
fn every_target_has_a_seed_corpus_and_a_dictionary() {
    let dir = fuzz_dir();
    for (target, _) in entitle::fuzzing::TARGETS {
        assert!(!files(&dir.join("corpus").join(target)).is_empty(), "fuzz/corpus/{target}/ is empty");
        assert!(dir.join("dict").join(format!("{target}.dict")).is_file(), "fuzz/dict/{target}.dict is missing");
        assert!(dir.join("fuzz_targets").join(format!("{target}.rs")).is_file(), "no fuzz target {target}");
    }
}

#[test]
fn corpus_and_regressions_run_clean() {
    let dir = fuzz_dir();
    entitle::fuzzing::warm_up();
    // The targets run in parallel, two threads, so the suite stays quick on two cores.
    let targets: Vec<_> = entitle::fuzzing::TARGETS.to_vec();
    let (left, right) = targets.split_at(targets.len() / 2);
    let work = |part: &[(&'static str, entitle::fuzzing::Target)]| {
        let mut failures = Vec::new();
        for (target, run) in part {
            let mut inputs = files(&dir.join("corpus").join(target));
            inputs.extend(files(&dir.join("regressions").join(target)));
            failures.extend(replay(target, *run, &inputs, BOUND));
        }
        failures
    };
    let failures = std::thread::scope(|s| {
        let a = s.spawn(|| work(left));
        let b = work(right);
        let mut all = a.join().expect("the replay thread catches panics");
        all.extend(b);
        all
    });
    assert!(failures.is_empty(), "{} fuzz inputs fail:\n{}", failures.len(), failures.join("\n"));
}

/// The harness itself catches what it should: a panicking or slow target fails it.
#[test]
fn the_replay_catches_panics_and_slow_inputs() {
    let dir = std::env::temp_dir().join(format!("entitle-fuzz-replay-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("input");
    std::fs::write(&input, b"x").unwrap();
    fn panics(_: &[u8]) {
        panic!("boom");
    }
    fn slow(_: &[u8]) {
        std::thread::sleep(Duration::from_millis(50));
    }
    fn quick(_: &[u8]) {}
    let one = std::slice::from_ref(&input);
    let bound = Duration::from_millis(20);
    assert!(replay("t", panics, one, bound)[0].contains("panicked"));
    assert!(replay("t", slow, one, bound)[0].contains("took"));
    assert!(replay("t", quick, one, bound).is_empty());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Triage on stable: `ENTITLE_FUZZ_INPUT=TARGET:FILE cargo test -p entitle --test fuzz_corpus
/// one_input -- --ignored --nocapture` runs one file through one target and prints the time.
#[test]
#[ignore = "runs the file named by ENTITLE_FUZZ_INPUT"]
fn one_input() {
    let spec = std::env::var("ENTITLE_FUZZ_INPUT").expect("set ENTITLE_FUZZ_INPUT=TARGET:FILE");
    let (target, file) = spec.split_once(':').expect("TARGET:FILE");
    let (_, run) = entitle::fuzzing::TARGETS.iter().find(|(t, _)| *t == target).expect("a known target");
    if ["guest_reply", "waivers", "config"].contains(&target) {
        entitle::fuzzing::warm_up();
    }
    let failures = replay(target, *run, &[PathBuf::from(file)], BOUND);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
