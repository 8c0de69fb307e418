//! `entitle check` and `entitle baseline`: load policies and catalog, check the
//! inputs, apply the gate (overrides, waivers, baseline), write each requested format,
//! and turn the outcome into an exit code.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, bail};
use entitle::gate::{Baseline, GateOptions};
use entitle::report::{HumanOptions, HumanStyle, render_github, render_gitlab, render_junit, render_sarif};
use entitle::{CheckOptions, Checker, FailOn, Report, Runtime};
use entitle_sdk::Severity;

use super::settings::SettingsFile;
use super::{BaselineArgs, CheckArgs, FailOnArg, OutputFormat, RunArgs};
use super::{common, rooted};

/// Runs the check; returns the exit code (0, 1 or 2).
pub fn run(mut args: CheckArgs) -> anyhow::Result<u8> {
    let formats = if args.format.is_empty() { vec![OutputFormat::Human] } else { args.format.clone() };
    if args.output.len() > formats.len() {
        bail!(
            "{} --output files for {} --format values: each --output goes with one --format",
            args.output.len(),
            formats.len()
        );
    }
    if formats.len() - args.output.len() > 1 {
        bail!("only one --format can go to stdout; give the others an --output each");
    }
    let mut others: Vec<&mut PathBuf> = args.output.iter_mut().chain(args.baseline.as_mut()).collect();
    let entered = rooted::enter(&mut args.run, Some(args.waivers.clone()), &mut others)?;
    let gate = GateOptions {
        config: entered.config,
        config_found: entered.config_found,
        waivers: entered.waivers,
        baseline: args.baseline.clone(),
    };
    let mut report = check(&args.run)?;
    entitle::gate::apply(&mut report, &gate);
    // After the gate: a waiver of a rule left out still matches its finding.
    report.select_rules(&args.run.rules, &args.run.skip_rules)?;
    if args.absolute_paths {
        entered.root.absolutise(&mut report);
    }
    for (i, format) in formats.iter().enumerate() {
        let target = args.output.get(i);
        let text = render(&report, *format, target.is_none(), args.quiet);
        match target {
            Some(path) => std::fs::write(path, &text).with_context(|| format!("cannot write {}", path.display()))?,
            None => {
                let mut out = std::io::stdout().lock();
                out.write_all(text.as_bytes()).context("cannot write to stdout")?;
                out.flush().context("cannot write to stdout")?;
            }
        }
    }
    super::stderr_summary::write(&report, args.output.len() == formats.len());
    let fail_on = match args.fail_on {
        FailOnArg::Error => FailOn::Severity(Severity::Error),
        FailOnArg::Warning => FailOn::Severity(Severity::Warning),
        FailOnArg::Info => FailOn::Severity(Severity::Info),
        FailOnArg::Never => FailOn::Never,
    };
    Ok(report.exit_code(fail_on))
}

/// Writes a baseline of today's findings; exit 2 when something could not be checked
/// (a baseline taken on a broken run would hide problems).
pub fn baseline(mut args: BaselineArgs) -> anyhow::Result<u8> {
    let entered = rooted::enter(&mut args.run, None, &mut [&mut args.output])?;
    let mut report = check(&args.run)?;
    let gate = GateOptions { config: entered.config, config_found: entered.config_found, ..GateOptions::default() };
    entitle::gate::apply(&mut report, &gate);
    report.select_rules(&args.run.rules, &args.run.skip_rules)?;
    let baseline = Baseline::of(&report);
    std::fs::write(&args.output, baseline.to_json())
        .with_context(|| format!("cannot write {}", args.output.display()))?;
    let output = args.output.display().to_string();
    let output = entitle::escape::text(&output);
    eprintln!("entitle: baseline of {} findings written to {output}", baseline.findings.len());
    for e in &report.errors {
        let path = entitle::escape::text(e.path.as_deref().unwrap_or("entitle"));
        eprintln!("entitle: error: {path}: {}", entitle::escape::text(&e.message));
    }
    Ok(if report.errors.is_empty() { 0 } else { 2 })
}

/// The report of one run, before the gate.
fn check(args: &RunArgs) -> anyhow::Result<Report> {
    let as_of = common::as_of(args.as_of.as_deref())?;
    let (files, discover_errors) = entitle::discover(&args.paths);
    let jobs = args
        .jobs
        .map(|n| n as usize)
        .unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1));
    let mut runtime_options = common::runtime_options(&args.engine, files.len())?;
    runtime_options.pooling &= entitle::RuntimeOptions::pooling_fits(jobs);
    let runtime = Runtime::new(runtime_options)?;
    let mut errors = discover_errors;
    let catalog = common::catalog(args.engine.catalog.as_deref())
        .map_err(|e| anyhow::Error::new(e).context("cannot load the catalog"))?;
    let (policies, load_errors) =
        entitle::load_policies_for(&runtime, !args.engine.no_builtin, &args.engine.policies, &catalog);
    errors.extend(load_errors);
    if policies.is_empty() && errors.iter().all(|e| e.phase != entitle::Phase::Load) {
        // Checking with no rules at all would pass everything: never a silent allow.
        let none = entitle::ErrorKind::Config("no policy is loaded, so nothing can be checked".into());
        errors.push(entitle::Error::new(entitle::Phase::Load, none));
    }
    let settings_file =
        args.settings.as_ref().and_then(|path| SettingsFile::read(path).map_err(|e| errors.push(e)).ok());
    let settings = settings_file.as_ref().map(SettingsFile::by_policy).unwrap_or_default();
    let context_file =
        args.context.as_ref().and_then(|path| entitle::context::read_file(path).map_err(|e| errors.push(e)).ok());
    let context = context_file.as_ref().map_or(serde_json::Value::Null, |f| f.document.value.clone());
    let read = common::read_options(&args.read)?;
    // ENTITLE_LOG=1, the older switch, still means -v.
    let verbosity = match std::env::var_os("ENTITLE_LOG") {
        Some(_) => args.verbose.max(1),
        None => args.verbose,
    };
    let options = CheckOptions {
        as_of,
        warn_within_days: args.warn_within,
        settings,
        context,
        context_file,
        jobs,
        read,
        verbosity,
        progress: Default::default(),
    };
    let checker = Checker { runtime, policies, catalog };
    let bar = super::progress_bar::start(&options.progress);
    let mut report = checker.check(&files, errors, &options);
    drop(bar);
    if let Some(file) = &settings_file {
        file.place(&mut report.errors);
        report.finish();
    }
    Ok(report)
}

fn render(report: &Report, format: OutputFormat, to_stdout: bool, quiet: bool) -> String {
    match format {
        OutputFormat::Json => report.to_json(),
        OutputFormat::Sarif => render_sarif(report),
        OutputFormat::Junit => render_junit(report),
        OutputFormat::Github => render_github(report),
        OutputFormat::Gitlab => render_gitlab(report),
        OutputFormat::Human => {
            // anstream's choice: a terminal, and neither NO_COLOR nor TERM=dumb (CLICOLOR_FORCE forces it).
            let color = to_stdout && anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never;
            let style = if color { HumanStyle::Color } else { HumanStyle::Plain };
            entitle::report::render_human_with(report, HumanOptions { style, quiet })
        }
    }
}
