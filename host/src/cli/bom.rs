//! `entitle bom`: reads the inputs as `facts` does, builds the subscription bill of
//! materials, weighs it against `--context`, adds the change against a Terraform plan's
//! `before` (or `--baseline`), and prints it in one format.

use std::io::{Read as _, Write as _};

use anyhow::Context as _;
use entitle::bom::{self, Bom};
use entitle::report::ReportError;

use super::{BomArgs, BomFormat, common};

/// The largest baseline BOM read (64 MiB).
const BASELINE_LIMIT: u64 = 64 << 20;

/// Prints the BOM; exit 2 when an input could not be read (the BOM is then incomplete).
pub fn run(mut args: BomArgs) -> anyhow::Result<u8> {
    let others = &mut [&mut args.catalog, &mut args.context, &mut args.baseline, &mut args.output];
    super::rooted::enter_reading(args.root.as_deref(), &mut args.paths, &mut args.read, others)?;
    let catalog = common::catalog(args.catalog.as_deref()).map_err(anyhow::Error::new)?;
    let as_of = common::as_of(args.as_of.as_deref())?;
    let read = common::read_options(&args.read)?;
    let (files, mut errors) = entitle::discover(&args.paths);
    let context = match &args.context {
        Some(path) => match entitle::context::read(path) {
            Ok(value) => Some(serde_json::from_value(value).context("the org context")?),
            Err(e) => {
                errors.push(e);
                None
            }
        },
        None => None,
    };
    let (workloads, has_plan) = read_workloads(&files, &catalog, &read, &mut errors);
    let inputs = bom::Inputs { workloads: &workloads, catalog: &catalog, as_of, context: context.as_ref() };
    let mut out = bom::build(&inputs);
    if let Some(path) = &args.baseline {
        let before = baseline(path)?;
        out.delta = Some(bom::compare(&format!("baseline {}", path.display()), &before.totals, &out.totals));
    } else if has_plan {
        let before_read = entitle::ReadOptions { plan_before: true, ..read.clone() };
        let mut ignored = Vec::new();
        let (before, _) = read_workloads(&files, &catalog, &before_read, &mut ignored);
        let before = bom::build(&bom::Inputs { workloads: &before, context: None, ..inputs });
        out.delta = Some(bom::compare(
            "the Terraform plan's before (resource_changes[].change.before)",
            &before.totals,
            &out.totals,
        ));
    }
    out.errors = errors.iter().map(ReportError::from).collect();
    for e in &out.errors {
        let at = e.path.as_deref().unwrap_or("-");
        let line = e.line.map_or_else(String::new, |l| format!(":{l}"));
        eprintln!("entitle bom: {}{line}: {}", entitle::escape::text(at), entitle::escape::text(&e.message));
    }
    let text = match args.format {
        BomFormat::Table => bom::render_table(&out),
        BomFormat::Json => bom::render_json(&out).context("serialise the BOM")?,
        BomFormat::Csv => bom::render_csv(&out),
        BomFormat::Cyclonedx => bom::render_cyclonedx(&out).context("serialise the BOM")?,
    };
    match &args.output {
        Some(path) => std::fs::write(path, &text).with_context(|| format!("cannot write {}", path.display()))?,
        None => std::io::stdout().lock().write_all(text.as_bytes()).context("cannot write to stdout")?,
    }
    Ok(if out.errors.is_empty() { 0 } else { 2 })
}

/// The workloads of every input, and whether one is a Terraform plan.
fn read_workloads(
    files: &[entitle::InputFile],
    catalog: &entitle::LoadedCatalog,
    read: &entitle::ReadOptions,
    errors: &mut Vec<entitle::Error>,
) -> (Vec<entitle_sdk::Workload>, bool) {
    let (mut workloads, mut has_plan) = (Vec::new(), false);
    for loaded in entitle::read_all(files, &catalog.catalog, read, 1, errors) {
        has_plan |= loaded.format == Some(entitle::Format::TerraformPlan);
        errors.extend(loaded.errors.iter().map(entitle::Error::copy));
        workloads.extend(loaded.workloads);
    }
    (workloads, has_plan)
}

/// A previous BOM (JSON), read with a size limit.
fn baseline(path: &std::path::Path) -> anyhow::Result<Bom> {
    let file = std::fs::File::open(path).with_context(|| format!("--baseline {}", path.display()))?;
    let mut text = String::new();
    file.take(BASELINE_LIMIT + 1)
        .read_to_string(&mut text)
        .with_context(|| format!("--baseline {}", path.display()))?;
    anyhow::ensure!(text.len() as u64 <= BASELINE_LIMIT, "--baseline {}: larger than 64 MiB", path.display());
    let bom: Bom =
        serde_json::from_str(&text).with_context(|| format!("--baseline {}: not a BOM JSON", path.display()))?;
    anyhow::ensure!(
        bom.schema == bom::SCHEMA,
        "--baseline {}: schema `{}`, expected `{}`",
        path.display(),
        bom.schema,
        bom::SCHEMA
    );
    Ok(bom)
}
