//! What a policy says about itself: its id, version, ABI version and rules.
//!
//! A policy crate keeps this as `policy.json` beside its `Cargo.toml`; the export
//! macro embeds the file in the custom section [`METADATA_SECTION`] so the host
//! reads it without running the module.

use serde::{Deserialize, Serialize};

/// The guest ABI version this SDK and host speak.
pub const ABI_VERSION: i32 = 1;

/// Name of the wasm custom section that holds the policy's metadata JSON.
pub const METADATA_SECTION: &str = "entitle:metadata";

/// How serious a finding is. Ordered: `Info < Warning < Error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; never a problem by itself.
    Info,
    /// Likely wrong or soon to be wrong.
    Warning,
    /// Unlicensed, unsupported or mis-billed as written.
    Error,
}

impl Severity {
    /// The lowercase name used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A policy's description of itself (the content of `policy.json`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyMetadata {
    /// Stable id, lowercase with dashes (`rhel-lifecycle`).
    pub id: String,
    /// The policy's own version (semver).
    pub version: String,
    /// The guest ABI version the policy was built for.
    pub abi_version: i32,
    /// One paragraph on what the policy checks.
    #[serde(default)]
    pub description: String,
    /// Every rule the policy can report.
    pub rules: Vec<RuleMetadata>,
    /// The catalog tables the policy reads ([`crate::catalog::CATALOG_TABLES`]); the
    /// host sends only these, which keeps every request small. Empty means all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub catalog: Vec<String>,
    /// What one evaluation sees: one input (the default) or the whole run.
    #[serde(default, skip_serializing_if = "Scope::is_input")]
    pub scope: Scope,
    /// Whether the policy reads [`crate::Workload::properties`] (the resolved resource
    /// bodies). The host sends them only to policies that say so: they are most of the
    /// model's bytes, and most rules need none of them.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub reads_properties: bool,
    /// The workload fields the policy reads ([`crate::model::WORKLOAD_FIELDS`]) besides the
    /// ones every workload carries (`id`, `kind`, `provider`, `resource`, `source`); the host
    /// sends only these, and any other reads as its default (empty, `None`). Empty means all.
    /// A run-scoped policy sees every workload of the run, so a short list keeps its request
    /// a fraction of the run's model.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub workload_fields: Vec<String>,
}

/// What one evaluation of a policy covers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Evaluated once per input file (most rules).
    #[default]
    Input,
    /// Evaluated once over the workloads of every input of the run (counting rules); the
    /// deployment's `path` is empty, `format` is `run`, and each workload's id is
    /// `<input number>:<id>` (its `source.path` names the input).
    Run,
}

impl Scope {
    fn is_input(&self) -> bool {
        *self == Scope::Input
    }
}

/// One rule of a policy.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleMetadata {
    /// Stable id (`RHEL-LC-MAJOR-EOL`).
    pub id: String,
    /// A short title.
    pub title: String,
    /// Severity used when a finding does not set its own.
    pub severity: Severity,
    /// What the rule checks and why it matters.
    pub description: String,
    /// Where to read more.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help_url: Option<String>,
}

impl PolicyMetadata {
    /// Parses and checks metadata JSON (ids present, rules unique, ABI version known).
    pub fn parse(bytes: &[u8]) -> Result<PolicyMetadata, String> {
        let meta: PolicyMetadata = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
        meta.check()?;
        Ok(meta)
    }

    /// Checks the invariants the host relies on.
    pub fn check(&self) -> Result<(), String> {
        let id_ok =
            |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.');
        if !id_ok(&self.id) {
            return Err(format!("policy id `{}` must be non-empty ASCII letters, digits, `-`, `_` or `.`", self.id));
        }
        if self.version.is_empty() {
            return Err("policy version is empty".into());
        }
        if self.rules.is_empty() {
            return Err("policy declares no rules".into());
        }
        for table in &self.catalog {
            if !crate::catalog::CATALOG_TABLES.contains(&table.as_str()) {
                let known = crate::catalog::CATALOG_TABLES.join(", ");
                return Err(format!("catalog table `{table}` does not exist (known: {known})"));
            }
        }
        for (i, field) in self.workload_fields.iter().enumerate() {
            if self.workload_fields[..i].contains(field) {
                return Err(format!("workload field `{field}` is listed twice"));
            }
            if field == "properties" {
                return Err("workload field `properties` is asked for with `\"reads_properties\": true`".into());
            }
            if !crate::model::WORKLOAD_FIELDS.contains(&field.as_str()) {
                let known = crate::model::WORKLOAD_FIELDS.join(", ");
                return Err(format!("workload field `{field}` does not exist or is always sent (known: {known})"));
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        for rule in &self.rules {
            if !id_ok(&rule.id) {
                return Err(format!("rule id `{}` is not a valid id", rule.id));
            }
            if !seen.insert(rule.id.as_str()) {
                return Err(format!("rule `{}` is declared twice", rule.id));
            }
        }
        Ok(())
    }

    /// The rule with this id.
    pub fn rule(&self, id: &str) -> Option<&RuleMetadata> {
        self.rules.iter().find(|r| r.id == id)
    }
}
