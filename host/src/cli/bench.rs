//! `entitle bench [--policy P] PATH...`: argument handling and output of the per-policy
//! evaluation timer (the timer is `entitle::authoring::bench`).

use std::io::Write;
use std::path::PathBuf;

use entitle::authoring::{BenchOptions, bench, bench_table};
use entitle::{CheckOptions, Checker, Runtime};

use super::common;
use super::inspect::InfoFormat;

/// `entitle bench`.
#[derive(Debug, clap::Args)]
pub struct BenchArgs {
    /// Inputs to evaluate on (files or directories, as `check` reads them).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Time only this policy: the id of a built-in policy, or a .wasm/.wat file or
    /// directory of them (repeatable; default: every built-in policy).
    #[arg(long = "policy", value_name = "ID|FILE")]
    pub policies: Vec<String>,
    /// Timed evaluations per policy and input, after one untimed warm-up (1 to 100000).
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub iterations: u64,
    /// Evaluation date, YYYY-MM-DD (default: today, UTC).
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = InfoFormat::Human)]
    pub format: InfoFormat,
    /// Compile policies without reading or writing the on-disk cache.
    #[arg(long)]
    pub no_cache: bool,
    /// Map each instance's memory on demand (what `check` did for fewer than 64 inputs
    /// before decision 136) instead of reusing a pre-allocated slot, as `check` does.
    #[arg(long)]
    pub on_demand: bool,
}

/// Prints the timings; exit 2 when an input or a policy could not be read or evaluated.
pub fn run(args: BenchArgs) -> anyhow::Result<u8> {
    let as_of = common::as_of(args.as_of.as_deref())?;
    let (files, mut errors) = entitle::discover(&args.paths);
    let options = entitle::RuntimeOptions {
        cache: if args.no_cache { entitle::CacheMode::Disabled } else { entitle::CacheMode::Default },
        pooling: !args.on_demand,
        ..entitle::RuntimeOptions::default()
    };
    let runtime = Runtime::new(options)?;
    let (ids, extra): (Vec<&String>, Vec<&String>) =
        args.policies.iter().partition(|p| !std::path::Path::new(p.as_str()).exists());
    let extra: Vec<PathBuf> = extra.into_iter().map(PathBuf::from).collect();
    let (mut policies, load_errors) = entitle::load_policies(&runtime, true, &extra);
    errors.extend(load_errors);
    if !args.policies.is_empty() {
        policies.retain(|p| !p.origin.starts_with("builtin:") || ids.iter().any(|id| **id == p.id()));
        if let Some(id) = ids.iter().find(|id| !policies.iter().any(|p| p.id() == id.as_str())) {
            anyhow::bail!("--policy {}: neither a file nor the id of a built-in policy", entitle::escape::text(id));
        }
    }
    let checker = Checker { runtime, policies, catalog: entitle::LoadedCatalog::builtin() };
    let check = CheckOptions::new(as_of);
    let inputs = entitle::read_all(&files, &checker.catalog.catalog, &check.read, 1, &mut errors);
    for input in &inputs {
        errors.extend(input.errors.iter().map(entitle::Error::copy));
    }
    let rows = bench(&checker, &inputs, &check, &BenchOptions { iterations: args.iterations as usize });
    let text = match args.format {
        InfoFormat::Human => bench_table(&rows),
        InfoFormat::Json => format!("{}\n", serde_json::to_string_pretty(&rows)?),
    };
    std::io::stdout().lock().write_all(text.as_bytes())?;
    for e in &errors {
        eprintln!("entitle: error: {}", entitle::escape::text(&e.to_string()));
    }
    let failed = !errors.is_empty() || rows.iter().any(|r| r.error.is_some());
    Ok(if failed { 2 } else { 0 })
}
