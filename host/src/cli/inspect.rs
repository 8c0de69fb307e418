//! `entitle inspect FILE.wasm`: argument handling and output.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use entitle::Runtime;

/// `entitle inspect`.
#[derive(Debug, clap::Args)]
pub struct InspectArgs {
    /// The policy module (.wasm or .wat).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = InfoFormat::Human)]
    pub format: InfoFormat,
    /// Compile without reading or writing the on-disk cache.
    #[arg(long)]
    pub no_cache: bool,
}

/// Formats of the authoring commands' reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum InfoFormat {
    /// Text for people.
    Human,
    /// JSON.
    Json,
}

/// Prints what the module is; exit 0 when this host loads it, 1 when it does not.
pub fn run(args: InspectArgs) -> anyhow::Result<u8> {
    let options = entitle::RuntimeOptions {
        cache: if args.no_cache { entitle::CacheMode::Disabled } else { entitle::CacheMode::Default },
        ..entitle::RuntimeOptions::default()
    };
    let runtime = Runtime::new(options)?;
    let max = runtime.options().compile.max_module_bytes as u64;
    let bytes = entitle::confined::read_regular(&args.file, max)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let inspection = entitle::authoring::inspect(&runtime, &args.file.display().to_string(), &bytes);
    let text = match args.format {
        InfoFormat::Human => inspection.to_text(),
        InfoFormat::Json => format!("{}\n", serde_json::to_string_pretty(&inspection)?),
    };
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(if inspection.loads { 0 } else { 1 })
}
