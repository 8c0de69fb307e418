//! `entitle.toml`: per-rule severity overrides and switches. An override naming a
//! rule that no loaded policy has is an error, never a silent no-op.
//!
//! ```toml
//! [rules.RHEL-LC-EXPIRES-SOON]
//! severity = "error"
//! [rules.RHEL-LC-FULL-SUPPORT-ENDS]
//! enabled = false
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use entitle_sdk::Severity;
use serde::Deserialize;

use super::tomlfile::{line_column, read};
use crate::report::{ConfigInfo, ConfigRule, Report};
use crate::{Error, ErrorKind, Phase};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    rules: BTreeMap<String, toml::Spanned<RuleOverride>>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleOverride {
    severity: Option<Severity>,
    enabled: Option<bool>,
}

/// Loaded rule overrides.
#[derive(Clone, Debug, Default)]
pub struct GateConfig {
    path: String,
    rules: BTreeMap<String, (RuleOverride, u32)>,
}

impl GateConfig {
    /// What the report says about this file: its path, how it was found, and every rule
    /// it switches off or re-levels, so a run's metadata shows what the gate was told.
    pub fn info(&self, found: &str) -> ConfigInfo {
        let rules = self
            .rules
            .iter()
            .filter(|(_, (o, _))| o.enabled.is_some() || o.severity.is_some())
            .map(|(id, (o, line))| ConfigRule {
                rule: id.clone(),
                line: *line,
                enabled: o.enabled,
                severity: o.severity,
            })
            .collect();
        ConfigInfo { path: self.path.clone(), found: found.to_owned(), rules }
    }

    /// Reads a config file.
    pub fn load(path: &Path) -> Result<GateConfig, Error> {
        let (text, file): (String, File) = read(path)?;
        let rules = file
            .rules
            .into_iter()
            .map(|(id, spanned)| {
                let line = line_column(&text, spanned.span().start).0;
                (id, (spanned.into_inner(), line))
            })
            .collect();
        Ok(GateConfig { path: path.display().to_string(), rules })
    }

    /// Checks every override names a loaded rule; errors name the line.
    pub fn validate(&self, report: &Report) -> Vec<Error> {
        self.rules
            .iter()
            .filter(|(id, _)| !report.rules.iter().any(|(_, r)| &r.id == *id))
            .map(|(id, (_, line))| {
                let message = format!("`[rules.{id}]` names a rule that no loaded policy has");
                Error::new(Phase::Config, ErrorKind::Config(message)).path(&self.path).at(*line, 1)
            })
            .collect()
    }

    /// Drops findings of disabled rules and applies severity overrides (also to the
    /// rule list, so formats that list rules show the effective level).
    pub fn apply(&self, report: &mut Report) {
        let get = |id: &str| self.rules.get(id).map(|(o, _)| o);
        report.findings.retain(|f| get(&f.rule).and_then(|o| o.enabled) != Some(false));
        for f in &mut report.findings {
            if let Some(severity) = get(&f.rule).and_then(|o| o.severity) {
                f.severity = severity;
            }
        }
        report.rules.retain(|(_, r)| get(&r.id).and_then(|o| o.enabled) != Some(false));
        for (_, rule) in &mut report.rules {
            if let Some(severity) = get(&rule.id).and_then(|o| o.severity) {
                rule.severity = severity;
            }
        }
    }
}
