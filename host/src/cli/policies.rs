//! `entitle policies`: every loaded policy with its rules.

use std::fmt::Write as _;
use std::io::Write;

use anyhow::Context;
use entitle::Runtime;
use entitle::report::{HOST_POLICY, ReportError, host_rules};
use serde_json::json;

use super::PoliciesArgs;
use super::common;
use super::inspect::InfoFormat;

/// Lists policies; exit 2 when one failed to load.
pub fn run(args: PoliciesArgs) -> anyhow::Result<u8> {
    let runtime = Runtime::new(common::runtime_options(&args.engine, 0)?)?;
    let (policies, errors) = entitle::load_policies(&runtime, !args.engine.no_builtin, &args.engine.policies);
    let text = match args.format {
        InfoFormat::Json => {
            let list: Vec<_> = policies
                .iter()
                .map(|p| json!({"id": p.id(), "version": p.metadata.version, "origin": p.origin, "sha256": p.sha256, "rules": p.metadata.rules}))
                .chain([json!({"id": HOST_POLICY, "version": env!("CARGO_PKG_VERSION"), "origin": "host", "rules": host_rules()})])
                .collect();
            let errors: Vec<ReportError> = errors.iter().map(ReportError::from).collect();
            format!("{}\n", serde_json::to_string_pretty(&json!({"policies": list, "errors": errors}))?)
        }
        InfoFormat::Human => {
            let mut out = String::new();
            for p in &policies {
                let _ = writeln!(out, "{} {} ({})", p.id(), p.metadata.version, p.origin);
                for rule in &p.metadata.rules {
                    let _ = writeln!(out, "  {:<28} {:<7} {}", rule.id, rule.severity.as_str(), rule.title);
                }
            }
            // entitle's own findings (waivers, parameter values), listed like a policy's.
            let _ = writeln!(out, "{HOST_POLICY} {} (host)", env!("CARGO_PKG_VERSION"));
            for rule in host_rules() {
                let _ = writeln!(out, "  {:<28} {:<7} {}", rule.id, rule.severity.as_str(), rule.title);
            }
            for e in &errors {
                let _ = writeln!(out, "error: {e}");
            }
            out
        }
    };
    std::io::stdout().lock().write_all(text.as_bytes()).context("cannot write to stdout")?;
    Ok(if errors.is_empty() { 0 } else { 2 })
}
