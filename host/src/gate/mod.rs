//! The pipeline gate: per-rule severity overrides (`entitle.toml`), waivers (a waiver
//! file and inline comments or metadata, each with a reason and an expiry), and
//! baselines. All of it turns a report's findings into what fails the run.

mod baseline;
mod config;
mod inline;
mod inline_source;
mod tomlfile;
mod waivers;

pub use baseline::Baseline;
pub use config::GateConfig;
pub use inline::apply_inline;
pub use inline_source::InlineSource;
pub(crate) use inline_source::MARKER as INLINE_MARKER;
pub use waivers::Waivers;

use std::path::PathBuf;

use crate::report::Report;

/// Whether a waiver or baseline may accept `f`: every finding but entitle's findings
/// about waivers and baselines themselves (a waiver cannot waive its own expiry). entitle's findings
/// about inputs (`ENTITLE-PARAM-NOT-ALLOWED`) are accepted like a policy's.
pub(crate) fn acceptable(f: &crate::report::Finding) -> bool {
    f.policy != crate::report::HOST_POLICY
        || !(f.rule.starts_with("ENTITLE-WAIVER-") || f.rule.starts_with("ENTITLE-BASELINE-"))
}

/// Where the gate's files are (each optional).
#[derive(Clone, Debug, Default)]
pub struct GateOptions {
    /// Rule overrides (`entitle.toml`).
    pub config: Option<PathBuf>,
    /// How the config file was found (`--config`, or `project root` when it was
    /// picked up there), as every format's run metadata says it.
    pub config_found: &'static str,
    /// The waiver file (`.entitle-waivers.toml`).
    pub waivers: Option<PathBuf>,
    /// Findings already accepted.
    pub baseline: Option<PathBuf>,
}

/// Applies rule overrides, inline waivers, the waiver file and the baseline, in that
/// order, then recounts. Problems with any of them are errors of the run (exit 2).
pub fn apply(report: &mut Report, options: &GateOptions) {
    let mut errors = Vec::new();
    if let Some(path) = &options.config {
        match GateConfig::load(path) {
            Ok(config) => {
                errors.extend(config.validate(report));
                config.apply(report);
                report.config = Some(config.info(options.config_found));
            }
            Err(e) => errors.push(e),
        }
    }
    errors.extend(apply_inline(report));
    if let Some(path) = &options.waivers {
        match Waivers::load(path) {
            Ok(waivers) => {
                errors.extend(waivers.validate(report));
                waivers.apply(report);
            }
            Err(e) => errors.extend(e),
        }
    }
    if let Some(path) = &options.baseline {
        match Baseline::load(path) {
            Ok(baseline) => baseline.apply(report),
            Err(e) => errors.push(e),
        }
    }
    report.add_errors(errors);
    report.finish();
}
