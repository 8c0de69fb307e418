//! `entitle check`: load policies and catalog, check the inputs, write the report,
//! and turn the outcome into an exit code.

use std::io::{IsTerminal, Write};

use anyhow::Context;
use entitle::report::{HumanStyle, render_human};
use entitle::{CheckOptions, Checker, FailOn, Runtime};
use entitle_sdk::Severity;

use super::common;
use super::{CheckArgs, FailOnArg, OutputFormat};

/// Runs the check; returns the exit code (0, 1 or 2).
pub fn run(args: CheckArgs) -> anyhow::Result<u8> {
    let as_of = common::as_of(args.as_of.as_deref())?;
    let (files, discover_errors) = entitle::discover(&args.paths);
    let runtime = Runtime::new(common::runtime_options(&args.engine, files.len())?)?;
    let mut errors = discover_errors;
    let catalog = match common::catalog(args.engine.catalog.as_deref()) {
        Ok(catalog) => catalog,
        // A broken catalog means nothing can be judged: say so and stop.
        Err(e) => return Err(anyhow::Error::new(e).context("cannot load the catalog")),
    };
    let (policies, load_errors) = entitle::load_policies(&runtime, !args.engine.no_builtin, &args.engine.policies);
    errors.extend(load_errors);
    if policies.is_empty() && errors.iter().all(|e| e.phase != entitle::Phase::Load) {
        // Checking with no rules at all would pass everything: never a silent allow.
        let none = entitle::ErrorKind::Config("no policy is loaded, so nothing can be checked".into());
        errors.push(entitle::Error::new(entitle::Phase::Load, none));
    }
    let settings = match &args.settings {
        Some(path) => match common::side_file(path, "settings") {
            Ok(serde_json::Value::Object(map)) => map.into_iter().collect(),
            Ok(_) => Default::default(),
            Err(e) => {
                errors.push(e);
                Default::default()
            }
        },
        None => Default::default(),
    };
    let context = match &args.context {
        Some(path) => common::side_file(path, "context").unwrap_or_else(|e| {
            errors.push(e);
            serde_json::Value::Null
        }),
        None => serde_json::Value::Null,
    };
    let jobs = args.jobs.unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1));
    let read = entitle::ReadOptions { arm_params: args.params.clone() };
    let options = CheckOptions { as_of, warn_within_days: args.warn_within, settings, context, jobs, read };
    let checker = Checker { runtime, policies, catalog };
    let report = checker.check(&files, errors, &options);

    let text = match args.format {
        OutputFormat::Json => report.to_json(),
        OutputFormat::Human => {
            let color =
                args.output.is_none() && std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            render_human(&report, if color { HumanStyle::Color } else { HumanStyle::Plain })
        }
    };
    match &args.output {
        Some(path) => std::fs::write(path, &text).with_context(|| format!("cannot write {}", path.display()))?,
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes()).context("cannot write to stdout")?;
            out.flush().context("cannot write to stdout")?;
        }
    }
    let fail_on = match args.fail_on {
        FailOnArg::Error => FailOn::Severity(Severity::Error),
        FailOnArg::Warning => FailOn::Severity(Severity::Warning),
        FailOnArg::Info => FailOn::Severity(Severity::Info),
        FailOnArg::Never => FailOn::Never,
    };
    Ok(report.exit_code(fail_on))
}
