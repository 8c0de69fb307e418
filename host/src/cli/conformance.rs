//! `entitle conformance FILE.wasm`: argument handling and output of the pass/fail table
//! (the checks are `entitle::authoring::conformance`).

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use entitle::authoring::{ConformanceOptions, conformance, conformance_table};

use super::common;
use super::inspect::InfoFormat;

/// `entitle conformance`.
#[derive(Debug, clap::Args)]
pub struct ConformanceArgs {
    /// The policy module (.wasm or .wat).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Time one evaluation may take (`2s`, `500ms`), as `check --policy-timeout`.
    #[arg(long, value_name = "DURATION", default_value = "2s", value_parser = common::parse_duration)]
    pub time_limit: std::time::Duration,
    /// Memory one evaluation may use, in MiB (1 to 4096), as `check --policy-memory`.
    #[arg(long, value_name = "MIB", default_value_t = 256, value_parser = clap::value_parser!(u64).range(1..=4096))]
    pub memory_limit: u64,
    /// Workloads in the large generated input (1 to 100000).
    #[arg(long, value_name = "N", default_value_t = 2000, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub large: u64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = InfoFormat::Human)]
    pub format: InfoFormat,
    /// Compile without reading or writing the on-disk cache.
    #[arg(long)]
    pub no_cache: bool,
}

/// Prints the table; exit 0 when every check passes, 1 when one fails.
pub fn run(args: ConformanceArgs) -> anyhow::Result<u8> {
    let max = entitle::CompileLimits::default().max_module_bytes as u64;
    let bytes = entitle::confined::read_regular(&args.file, max)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let options = ConformanceOptions {
        time_limit: args.time_limit,
        memory_limit: args.memory_limit << 20,
        large_workloads: args.large as usize,
        cache: if args.no_cache { entitle::CacheMode::Disabled } else { entitle::CacheMode::Default },
    };
    let checks = conformance(&args.file.display().to_string(), &bytes, &options);
    let text = match args.format {
        InfoFormat::Human => conformance_table(&checks),
        InfoFormat::Json => format!("{}\n", serde_json::to_string_pretty(&checks)?),
    };
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(if checks.iter().all(|c| c.passed) { 0 } else { 1 })
}
