//! `entitle facts`: the canonical model of the inputs as JSON, for debugging a
//! front-end or writing a policy.

use std::io::Write;

use anyhow::Context;
use entitle::report::ReportError;
use serde_json::json;

use super::FactsArgs;
use super::common;

/// Prints `{"inputs": [...], "workloads": [...], "errors": [...]}`; exit 2 on errors.
pub fn run(mut args: FactsArgs) -> anyhow::Result<u8> {
    super::rooted::enter_reading(args.root.as_deref(), &mut args.paths, &mut args.read, &mut [&mut args.catalog])?;
    let catalog = common::catalog(args.catalog.as_deref()).map_err(anyhow::Error::new)?;
    let (files, mut errors) = entitle::discover(&args.paths);
    let read = common::read_options(&args.read)?;
    let (mut inputs, mut workloads) = (Vec::new(), Vec::new());
    for loaded in entitle::read_all(&files, &catalog.catalog, &read, 1, &mut errors) {
        inputs.push(json!({
            "path": loaded.path,
            "format": loaded.format.map(|f| f.name()),
            "workloads": loaded.workloads.len(),
            "skipped": loaded.skipped,
            "read_with": loaded.read_with,
        }));
        errors.extend(loaded.errors.iter().map(entitle::Error::copy));
        workloads.extend(loaded.workloads);
    }
    let errors: Vec<ReportError> = errors.iter().map(ReportError::from).collect();
    let out = json!({ "inputs": inputs, "workloads": workloads, "errors": errors });
    let mut text = serde_json::to_string_pretty(&out).context("serialise facts")?;
    text.push('\n');
    std::io::stdout().lock().write_all(text.as_bytes()).context("cannot write to stdout")?;
    Ok(if errors.is_empty() { 0 } else { 2 })
}
