//! Turning shared arguments into library values: runtime options, the catalog,
//! dates, and small JSON/YAML side files.

use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, bail};
use entitle::{CacheMode, LoadedCatalog, RuntimeOptions};
use entitle_sdk::Date;

use super::EngineArgs;

/// Inputs from which a run pre-allocates instance slots (pooling allocator): its
/// set-up costs a few milliseconds once and saves tens of microseconds per evaluation.
const POOLING_FROM_INPUTS: usize = 64;

/// Runtime options from the shared engine arguments, for a run over `inputs` files.
pub fn runtime_options(args: &EngineArgs, inputs: usize) -> anyhow::Result<RuntimeOptions> {
    if args.policy_memory == 0 {
        bail!("--policy-memory must be at least 1 MiB");
    }
    Ok(RuntimeOptions {
        timeout: parse_duration(&args.policy_timeout).context("--policy-timeout")?,
        memory_limit: args.policy_memory << 20,
        cache: if args.no_cache { CacheMode::Disabled } else { CacheMode::Default },
        pooling: inputs >= POOLING_FROM_INPUTS,
    })
}

/// `500ms`, `2s` or a plain number of seconds.
fn parse_duration(text: &str) -> anyhow::Result<Duration> {
    let text = text.trim();
    let (number, unit) = match text.strip_suffix("ms") {
        Some(n) => (n, 1),
        None => (text.strip_suffix('s').unwrap_or(text), 1000),
    };
    let value: u64 = number.trim().parse().with_context(|| format!("`{text}` is not a duration like 2s or 500ms"))?;
    if value == 0 {
        bail!("the time limit must be more than zero");
    }
    Ok(Duration::from_millis(value * unit))
}

/// The built-in catalog, or `--catalog DIR`.
pub fn catalog(dir: Option<&Path>) -> Result<LoadedCatalog, entitle::Error> {
    match dir {
        Some(dir) => LoadedCatalog::from_dir(dir),
        None => Ok(LoadedCatalog::builtin()),
    }
}

/// `--as-of`, or today in UTC.
pub fn as_of(text: Option<&str>) -> anyhow::Result<Date> {
    match text {
        Some(text) => Date::parse(text).context("--as-of"),
        None => {
            let secs = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
            Ok(Date::from_days_since_epoch((secs / 86_400) as i64))
        }
    }
}

/// A JSON or YAML side file (settings, context) as one JSON value.
pub fn side_file(path: &Path, what: &str) -> Result<serde_json::Value, entitle::Error> {
    use entitle::{Error, ErrorKind, Phase, document};
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| Error::new(Phase::Config, ErrorKind::Io(e)).path(&shown))?;
    let syntax = |e: document::SyntaxError| {
        Error::new(Phase::Config, ErrorKind::Syntax(e.message.clone())).path(&shown).at(e.line, e.column)
    };
    let mut docs = document::parse_bytes(&bytes).map_err(syntax)?;
    if docs.len() != 1 || !docs[0].value.is_object() {
        return Err(Error::new(
            Phase::Config,
            ErrorKind::Shape(format!("the {what} file must hold one JSON or YAML object")),
        )
        .path(shown));
    }
    Ok(docs.remove(0).value)
}

/// How inputs are read: parameters file, AMI catalogue, region.
pub fn read_options(args: &super::ReadArgs) -> anyhow::Result<entitle::ReadOptions> {
    let amis = match &args.ami_catalog {
        Some(path) => Some(std::sync::Arc::new(entitle::formats::amis::AmiCatalog::load(path)?)),
        None => None,
    };
    let mut vars = Vec::new();
    for pair in &args.vars {
        let (name, value) = pair.split_once('=').with_context(|| format!("--var {pair}: expected NAME=VALUE"))?;
        vars.push((name.trim().to_owned(), value.to_owned()));
    }
    Ok(entitle::ReadOptions {
        params: args.params.clone(),
        amis,
        region: args.region.clone(),
        platform: args.platform.map(|p| p.name().to_owned()),
        var_files: args.var_files.clone(),
        vars,
        confine: None,
        allow_unchecked: args.allow_unchecked,
    })
}
