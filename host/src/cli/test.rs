//! `entitle test [DIR|FILE.wasm]...`: argument handling and output for the golden-case
//! runner (the runner is `entitle::authoring`).

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use entitle::authoring::{self, CaseOutcome};
use entitle::{Checker, Policy, Runtime};

use super::common;

/// `entitle test`.
#[derive(Debug, clap::Args)]
pub struct TestArgs {
    /// Policy crates (built with cargo for wasm32) or built policies (.wasm/.wat); default `.`.
    #[arg(value_name = "DIR|FILE.wasm")]
    pub paths: Vec<PathBuf>,
    /// Rewrite every expected file with what the policy reports now (review the diff).
    #[arg(long)]
    pub bless: bool,
    /// The cases of a policy given as a file (default: `cases/` beside it).
    #[arg(long, value_name = "DIR")]
    pub cases: Option<PathBuf>,
    /// Show paths (and compare expected locations) relative to this directory instead of the
    /// crate's (or the cases' parent); the built-in policies' cases use the workspace root.
    #[arg(long, value_name = "DIR")]
    pub relative_to: Option<PathBuf>,
    /// Use this catalog directory instead of the built-in one.
    #[arg(long, value_name = "DIR")]
    pub catalog: Option<PathBuf>,
    /// Compile the policy without reading or writing the on-disk cache.
    #[arg(long)]
    pub no_cache: bool,
}

/// Runs every case; exit 0 when all match, 1 when one differs or has no expected file,
/// 2 when a policy cannot be built or loaded, or a case cannot run.
pub fn run(args: TestArgs) -> anyhow::Result<u8> {
    let paths = if args.paths.is_empty() { vec![PathBuf::from(".")] } else { args.paths.clone() };
    let mut code = 0;
    for path in &paths {
        code = code.max(test_one(path, &args).unwrap_or_else(|e| {
            let shown = format!("{}: {e:#}", path.display());
            eprintln!("entitle: error: {}", entitle::escape::text(&shown));
            2
        }));
    }
    Ok(code)
}

/// Builds or reads one policy and runs its cases.
fn test_one(path: &Path, args: &TestArgs) -> anyhow::Result<u8> {
    let (wasm, cases, base) = if path.is_dir() {
        let wasm = authoring::build_crate(path)?;
        eprintln!("entitle: built {}", entitle::escape::text(&wasm.display().to_string()));
        (wasm, args.cases.clone().unwrap_or_else(|| path.join("cases")), path.to_path_buf())
    } else {
        let beside = path.parent().unwrap_or(Path::new(".")).to_path_buf();
        let cases = args.cases.clone().unwrap_or_else(|| beside.join("cases"));
        let base = cases.parent().unwrap_or(Path::new(".")).to_path_buf();
        (path.to_path_buf(), cases, base)
    };
    let base = args.relative_to.clone().unwrap_or(base);
    let options = entitle::RuntimeOptions {
        cache: if args.no_cache { entitle::CacheMode::Disabled } else { entitle::CacheMode::Default },
        ..entitle::RuntimeOptions::default()
    };
    let runtime = Runtime::new(options)?;
    let max = runtime.options().compile.max_module_bytes as u64;
    let bytes = entitle::confined::read_regular(&wasm, max).with_context(|| format!("{}", wasm.display()))?;
    let policy = Policy::load(&runtime, &wasm.display().to_string(), &bytes)?;
    let catalog = common::catalog(args.catalog.as_deref()).context("cannot load the catalog")?;
    let id = policy.id().to_owned();
    let checker = Checker { runtime, policies: vec![policy], catalog };
    let runs = authoring::run_cases(&checker, &cases, &base, args.bless)?;
    if runs.is_empty() {
        anyhow::bail!("no golden cases (*.json) in {}: nothing was tested", cases.display());
    }
    let mut out = std::io::stdout().lock();
    let (mut code, mut passed) = (0, 0);
    for run in &runs {
        let shown = entitle::escape::text(&run.shown);
        let line = match &run.outcome {
            CaseOutcome::Passed => {
                passed += 1;
                format!("ok      {shown}\n")
            }
            CaseOutcome::Blessed => {
                passed += 1;
                format!("blessed {shown}\n")
            }
            CaseOutcome::Differs(diff) => {
                code = code.max(1);
                let diff: String = diff.lines().map(|l| format!("{}\n", entitle::escape::text(l))).collect();
                format!("FAIL    {shown}: differs from {}\n{diff}", entitle::escape::text(&expected(run)))
            }
            CaseOutcome::Missing => {
                code = code.max(1);
                format!(
                    "FAIL    {shown}: no {} (run with --bless to create it, then review it)\n",
                    entitle::escape::text(&expected(run))
                )
            }
            CaseOutcome::Broken(why) => {
                code = 2;
                format!("ERROR   {shown}: {}\n", entitle::escape::text(why))
            }
        };
        out.write_all(line.as_bytes())?;
    }
    let failed = runs.len() - passed;
    writeln!(out, "{}: {passed} passed, {failed} failed", entitle::escape::text(&id))?;
    if code == 1 && !args.bless {
        writeln!(out, "If the new output is right: entitle test --bless, then review the diff.")?;
    }
    Ok(code)
}

fn expected(run: &authoring::CaseRun) -> String {
    run.expected.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}
