//! `cargo bench -p entitle`: the engine's costs as ratios measured side by side in one
//! run (these machines are shared and noisy, so absolute numbers drift; ratios do not).
//!
//! - compile a policy vs load it from the on-disk cache;
//! - a whole check of N ARM templates from `shared/bench/gen.py` (parse + model +
//!   fresh sandbox per evaluation) vs parsing and modelling alone;
//! - one worker thread vs two.
//!
//! Set `ENTITLE_BENCH_FILES` (default 2000) to change the corpus size.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use entitle::{CacheMode, CheckOptions, Checker, LoadedCatalog, Policy, Runtime, RuntimeOptions};

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf();
    let count: usize = std::env::var("ENTITLE_BENCH_FILES").ok().and_then(|v| v.parse().ok()).unwrap_or(2000);
    let corpus = generate(&root, count);
    let cache_dir = std::env::temp_dir().join(format!("entitle-bench-cache-{}", std::process::id()));
    let (name, wasm) = entitle::BUILTIN_POLICIES[0];

    // 1. Compile vs cached load, interleaved rounds, medians.
    let fresh = || Runtime::new(RuntimeOptions { cache: CacheMode::Disabled, ..RuntimeOptions::default() }).unwrap();
    let cached = || {
        Runtime::new(RuntimeOptions { cache: CacheMode::Dir(cache_dir.clone()), ..RuntimeOptions::default() }).unwrap()
    };
    let warm = cached();
    Policy::load(&warm, name, wasm).unwrap();
    let (mut compile, mut load) = (Vec::new(), Vec::new());
    for _ in 0..7 {
        let rt = fresh();
        compile.push(time(|| drop(Policy::load(&rt, name, wasm).unwrap())));
        let rt = cached();
        load.push(time(|| drop(Policy::load(&rt, name, wasm).unwrap())));
    }
    let (compile, load) = (median(compile), median(load));
    println!("policy {name} ({} KiB)", wasm.len() / 1024);
    println!("  compile              {:>10.2} ms", ms(compile));
    println!("  load from cache      {:>10.3} ms   ({:.0}x faster)", ms(load), ratio(compile, load));

    // 2. Whole check vs parse+model only, and 1 vs 2 threads.
    let (files, _) = entitle::discover(std::slice::from_ref(&corpus));
    let catalog = LoadedCatalog::builtin();
    let pooled = std::env::var_os("ENTITLE_BENCH_POOLING").is_some();
    let runtime = Runtime::new(RuntimeOptions {
        cache: CacheMode::Dir(cache_dir.clone()),
        pooling: pooled,
        ..RuntimeOptions::default()
    })
    .unwrap();
    println!("allocator: {}", if pooled { "pooling" } else { "on-demand" });
    let (policies, errors) = entitle::load_policies(&runtime, true, &[]);
    assert!(errors.is_empty());
    let checker = Checker { runtime, policies, catalog };
    let options = |jobs| CheckOptions { jobs, ..CheckOptions::new("2026-11-25".parse().unwrap()) };
    let (mut parse, mut one, mut two) = (Vec::new(), Vec::new(), Vec::new());
    let mut evaluations = 0;
    for _ in 0..5 {
        parse.push(time(|| {
            for f in &files {
                let _ = entitle::load(f, &checker.catalog.catalog, &Default::default());
            }
        }));
        one.push(time(|| drop(checker.check(&files, Vec::new(), &options(1)))));
        two.push(time(|| {
            let report = checker.check(&files, Vec::new(), &options(2));
            evaluations = report.inputs.iter().filter(|i| i.workloads > 0).count() * checker.policies.len();
        }));
    }
    let (parse, one, two) = (median(parse), median(one), median(two));
    println!("check of {} generated ARM files ({} evaluations in fresh sandboxes)", files.len(), evaluations);
    println!("  parse + model only   {:>10.1} ms", ms(parse));
    println!(
        "  whole check, 1 job   {:>10.1} ms   ({:.2}x parse; {:.1} µs per evaluation beyond parsing)",
        ms(one),
        ratio(one, parse),
        (one.as_secs_f64() - parse.as_secs_f64()) * 1e6 / evaluations.max(1) as f64
    );
    println!("  whole check, 2 jobs  {:>10.1} ms   ({:.2}x speed-up from the second thread)", ms(two), ratio(one, two));
    let _ = std::fs::remove_dir_all(&cache_dir);
}

/// ARM templates from the shared deterministic generator (seed 1).
fn generate(root: &Path, count: usize) -> PathBuf {
    let out = std::env::temp_dir().join(format!("entitle-bench-corpus-{count}"));
    if !out.join("MANIFEST.json").exists() {
        let _ = std::fs::remove_dir_all(&out);
        let status = std::process::Command::new("python3")
            .arg(root.join("../shared/bench/gen.py"))
            .args(["corpus", "--out"])
            .arg(&out)
            .args(["--count", &count.to_string(), "--mix", "arm=100"])
            .stderr(std::process::Stdio::null())
            .status()
            .expect("run python3 ../shared/bench/gen.py");
        assert!(status.success(), "gen.py failed");
    }
    out.join("arm")
}

fn time(f: impl FnOnce()) -> Duration {
    let start = Instant::now();
    f();
    start.elapsed()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64().max(1e-9)
}
