//! `entitle explain RULE` and `entitle explain --list`: argument handling and output
//! (the text comes from the library's [`entitle::explain`]).

use std::io::Write;

use anyhow::{Context, bail};
use entitle::Runtime;

use super::{EngineArgs, common};

/// `entitle explain`.
#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// The rule to explain (`RHEL-LC-MAJOR-EOL`; case does not matter).
    #[arg(value_name = "RULE", required_unless_present = "list", conflicts_with = "list")]
    pub rule: Option<String>,
    /// List every rule: id, severity, policy and title.
    #[arg(long)]
    pub list: bool,
    /// List every catalog row the rule's policy reads, not only counts and sources.
    #[arg(long)]
    pub rows: bool,
    #[command(flatten)]
    pub engine: EngineArgs,
}

/// Prints the explanation or the list; exit 0, or 2 (unknown rule, a policy failed to load).
pub fn run(args: ExplainArgs) -> anyhow::Result<u8> {
    let runtime = Runtime::new(common::runtime_options(&args.engine, 0)?)?;
    let catalog = common::catalog(args.engine.catalog.as_deref())
        .map_err(|e| anyhow::Error::new(e).context("cannot load the catalog"))?;
    let (policies, errors) = entitle::load_policies(&runtime, !args.engine.no_builtin, &args.engine.policies);
    for e in &errors {
        eprintln!("entitle: error: {}", entitle::escape::text(&e.to_string()));
    }
    let text = match &args.rule {
        None => entitle::explain::list(&policies),
        Some(rule) => {
            let known = entitle::explain::rules(&policies);
            let id = known.iter().map(|(_, r)| &r.id).find(|id| id.eq_ignore_ascii_case(rule));
            match id.and_then(|id| entitle::explain::explain(id, &policies, &catalog, args.rows)) {
                Some(text) => text,
                None => bail!(
                    "no loaded policy declares rule `{}`; `entitle explain --list` lists the rules",
                    entitle::escape::text(rule)
                ),
            }
        }
    };
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes()).context("cannot write to stdout")?;
    Ok(if errors.is_empty() { 0 } else { 2 })
}
