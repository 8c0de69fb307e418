//! Turning shared arguments into library values: runtime options, the catalog,
//! dates, and small JSON/YAML side files.

use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::Context;
use entitle::{CacheMode, LoadedCatalog, RuntimeOptions};
use entitle_sdk::Date;

use super::EngineArgs;

/// Inputs from which a run pre-allocates instance slots (pooling allocator): its
/// set-up is one address-space reservation (tens of microseconds) and it saves about
/// 50 µs and 11 page faults per evaluation (decision 136), so every run over an input
/// uses it. Runs over no input (`serve`, `explain`, `policies`) keep on-demand memory.
const POOLING_FROM_INPUTS: usize = 1;

/// The longest `--policy-timeout`: past it a stuck policy would look like a hung run.
const MAX_TIMEOUT: Duration = Duration::from_secs(600);

/// Runtime options from the shared engine arguments, for a run over `inputs` files.
/// clap has already bounded every number (see `EngineArgs`), so nothing here overflows.
pub fn runtime_options(args: &EngineArgs, inputs: usize) -> anyhow::Result<RuntimeOptions> {
    Ok(RuntimeOptions {
        timeout: args.policy_timeout,
        memory_limit: args.policy_memory << 20,
        cache: if args.no_cache { CacheMode::Disabled } else { CacheMode::Default },
        pooling: inputs >= POOLING_FROM_INPUTS,
        max_reply_bytes: args.policy_reply_limit << 20,
        max_findings: usize::try_from(args.policy_max_findings).context("--policy-max-findings")?,
        ..RuntimeOptions::default()
    })
}

/// A duration as `humantime` reads it (`500ms`, `2s`, `1m 30s`) or a plain number of
/// seconds, more than zero and at most 10 minutes.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let too_long = || format!("`{text}` is longer than the limit of {}", humantime::format_duration(MAX_TIMEOUT));
    let duration = match text.parse::<u64>() {
        Ok(secs) => secs.checked_mul(1000).map(Duration::from_millis).ok_or_else(too_long)?,
        Err(e) if matches!(e.kind(), std::num::IntErrorKind::PosOverflow) => return Err(too_long()),
        Err(_) => humantime::parse_duration(text).map_err(|e| match e {
            humantime::DurationError::NumberOverflow => too_long(),
            _ => format!("`{text}` is not a duration like 2s, 500ms or 1m 30s"),
        })?,
    };
    if duration.is_zero() {
        return Err("the time limit must be more than zero".into());
    }
    if duration > MAX_TIMEOUT {
        return Err(too_long());
    }
    Ok(duration)
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

/// A JSON or YAML side file (settings) holding one object, with the position of every node.
pub fn side_document(path: &Path, what: &str) -> Result<entitle::document::Document, entitle::Error> {
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
    Ok(docs.remove(0))
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
        plan_before: false,
        without_bodies: false,
    })
}

#[cfg(test)]
mod tests {
    use super::parse_duration;
    use std::time::Duration;

    #[test]
    fn durations_parse_within_bounds() {
        assert_eq!(parse_duration("2s"), Ok(Duration::from_secs(2)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("600"), Ok(Duration::from_secs(600)));
    }

    #[test]
    fn overflowing_or_huge_durations_are_refused_not_wrapped() {
        for text in ["18446744073709552s", "18446744073709551615s", "99999999999999999999ms", "601s", "600001ms", "2 h"]
        {
            let error = parse_duration(text).expect_err(text);
            assert!(error.contains("longer than the limit of 10m"), "{text}: {error}");
        }
        assert_eq!(parse_duration("1m 30s"), Ok(Duration::from_secs(90)));
        assert!(parse_duration("0ms").unwrap_err().contains("more than zero"));
        assert!(parse_duration("-1s").unwrap_err().contains("not a duration"));
        assert!(parse_duration("2 parsecs").unwrap_err().contains("not a duration"));
    }
}
