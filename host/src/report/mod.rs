//! The report: one findings model that every output format renders.

mod github;
mod gitlab;
mod human;
mod human_tail;
mod junit;
mod quote;
mod rename;
mod sarif;
mod select;

use entitle_sdk::{Date, RuleMetadata, Severity};
use serde::Serialize;

use crate::catalog::LoadedCatalog;
use crate::input::LoadedInput;
use crate::runtime::Policy;
use crate::{Error, Phase};

pub use github::render_github;
pub use gitlab::render_gitlab;
pub use human::{HumanOptions, HumanStyle, render_human, render_human_with};
pub use human_tail::{error_line, summary_line};
pub use junit::render_junit;
pub use quote::{Excerpts, MAX_QUOTED};
pub use sarif::render_sarif;

/// Policy id of the findings entitle itself makes about waivers.
pub const HOST_POLICY: &str = "entitle";

/// Rules entitle itself reports (about waivers and about inputs), for formats that list rules.
pub fn host_rules() -> Vec<RuleMetadata> {
    let rule = |id: &str, title: &str, severity, description: &str| RuleMetadata {
        id: id.into(),
        title: title.into(),
        severity,
        description: description.into(),
        help_url: None,
    };
    vec![
        rule(
            "ENTITLE-WAIVER-EXPIRED",
            "A waiver has expired",
            Severity::Warning,
            "A waiver's expiry date has passed: it no longer waives anything. Renew it with a reason, or fix the finding.",
        ),
        rule(
            "ENTITLE-WAIVER-UNUSED",
            "A waiver matches no finding",
            Severity::Info,
            "A waiver matched no finding in this run: the problem was fixed, or the waiver's rule, path or resource is wrong.",
        ),
        rule(
            "ENTITLE-BASELINE-STALE",
            "A baseline entry matches no finding",
            Severity::Info,
            "A baseline entry matched no finding in this run: the problem was fixed, or its file was not checked. Take the baseline again.",
        ),
    ]
    .into_iter()
    .chain(crate::input_finding::rules())
    .collect()
}

/// Version of the JSON report shape.
pub const REPORT_VERSION: u32 = 1;

/// Everything a run found, in the shape of `--format json`.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// Report shape version.
    pub version: u32,
    /// This tool.
    pub tool: Tool,
    /// The evaluation date.
    pub as_of: Date,
    /// The catalog used.
    pub catalog: CatalogInfo,
    /// The policies that ran.
    pub policies: Vec<PolicyInfo>,
    /// Every rule of the policies that ran (for formats that list rules), with
    /// entitle's own waiver rules; the effective severity after overrides.
    #[serde(skip)]
    pub rules: Vec<(String, RuleMetadata)>,
    /// The rule-override file the gate applied, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config: Option<ConfigInfo>,
    /// Every input read.
    pub inputs: Vec<InputInfo>,
    /// Findings, sorted by location.
    pub findings: Vec<Finding>,
    /// Everything that could not be checked.
    pub errors: Vec<ReportError>,
    /// Warnings and errors policies logged, by input and policy, in the order logged.
    pub logs: Vec<crate::guest_log::GuestLog>,
    /// Counts.
    pub summary: Summary,
    /// Each input's inline waivers (by path as shown), from its first parse, for the gate.
    #[serde(skip)]
    pub inline: std::collections::BTreeMap<String, crate::gate::InlineSource>,
    /// The lines findings point at, for the human report (see [`Report::quote`]).
    #[serde(skip)]
    pub excerpts: Excerpts,
}

/// Tool name and version.
#[derive(Clone, Debug, Serialize)]
pub struct Tool {
    /// `entitle`.
    pub name: &'static str,
    /// The crate version.
    pub version: &'static str,
}

/// Catalog version and digest.
#[derive(Clone, Debug, Serialize)]
pub struct CatalogInfo {
    /// Version string from `catalog.json`.
    pub version: String,
    /// sha256 of the catalog files.
    pub sha256: String,
}

/// One policy that ran.
#[derive(Clone, Debug, Serialize)]
pub struct PolicyInfo {
    /// Policy id.
    pub id: String,
    /// Policy version.
    pub version: String,
    /// sha256 of its wasm module.
    pub sha256: String,
}

/// The rule-override file (`entitle.toml`) a run applied.
#[derive(Clone, Debug, Serialize)]
pub struct ConfigInfo {
    /// The file, as named or found.
    pub path: String,
    /// How it was found: `--config`, or `project root`.
    pub found: String,
    /// Every rule it disables or re-levels.
    pub rules: Vec<ConfigRule>,
}

/// One rule a config file changes.
#[derive(Clone, Debug, Serialize)]
pub struct ConfigRule {
    /// Rule id.
    pub rule: String,
    /// Line of its `[rules.…]` table.
    pub line: u32,
    /// `false` when the rule is switched off.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// The severity it is given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
}

impl ConfigRule {
    /// What the override does, in words (`disabled`, `severity error`).
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        match self.enabled {
            Some(false) => parts.push("disabled".to_owned()),
            Some(true) => parts.push("enabled".to_owned()),
            None => {}
        }
        if let Some(severity) = self.severity {
            parts.push(format!("severity {severity}"));
        }
        format!("{} {}", self.rule, parts.join(", "))
    }
}

impl ConfigInfo {
    /// `entitle.toml (project root): RULE disabled; RULE severity error`.
    pub fn describe(&self) -> String {
        let rules: Vec<String> = self.rules.iter().map(ConfigRule::describe).collect();
        let rules = if rules.is_empty() { "no rule changed".to_owned() } else { rules.join("; ") };
        format!("{} ({}): {rules}", self.path, self.found)
    }
}

/// One input read.
#[derive(Clone, Debug, Serialize)]
pub struct InputInfo {
    /// As the user named it.
    pub path: String,
    /// Detected format, `null` when not recognised.
    pub format: Option<&'static str>,
    /// Number of workloads found.
    pub workloads: usize,
    /// Why it was not checked, when it was not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
    /// The input that reads this file (a linked template or parameters file) and
    /// through which it is checked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_with: Option<String>,
    /// What the reader should know about parts that were not modelled.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// Where a finding points.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Location {
    /// File, as the user named it.
    pub path: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// JSON pointer of the value.
    pub pointer: String,
}

/// One finding, placed.
#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    /// Rule id.
    pub rule: String,
    /// Policy id.
    pub policy: String,
    /// Effective severity.
    pub severity: Severity,
    /// What is wrong.
    pub message: String,
    /// The resource as a reviewer knows it.
    pub resource: String,
    /// Workload id in the canonical model.
    pub workload: String,
    /// The field path the finding rests on.
    pub field: String,
    /// file:line:column and pointer: the place a user would edit.
    pub location: Location,
    /// Where the value came from before that (variables, parameter defaults,
    /// parameters-file values, linked templates), outermost first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub trail: Vec<Location>,
    /// The parameter choice under which this finding applies (not the default).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alternative: Option<String>,
    /// Facts the finding rests on.
    pub evidence: Vec<String>,
    /// What to change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
    /// Stable id for baselines and SARIF: rule, file, workload, field and the
    /// resolved values the finding rests on (lines may move; values may not).
    pub fingerprint: String,
    /// Why the finding does not fail the gate (a waiver or a baseline), if it does not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppression: Option<Suppression>,
}

/// Where a suppression comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SuppressionKind {
    /// A `[[waiver]]` in the waiver file.
    Waiver,
    /// An `entitle:ignore` comment or `metadata.entitle.ignore` in the descriptor.
    Inline,
    /// The finding was already in the `--baseline` file.
    Baseline,
}

/// An accepted finding: reported, but not failing the gate.
#[derive(Clone, Debug, Serialize)]
pub struct Suppression {
    /// Waiver file, inline, or baseline.
    pub kind: SuppressionKind,
    /// Why it is accepted (the waiver's reason).
    pub reason: String,
    /// Who owns the decision.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// A ticket tracking it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
    /// When the waiver stops applying.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<Date>,
    /// Where the waiver is written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

/// Something that could not be checked.
#[derive(Clone, Debug, Serialize)]
pub struct ReportError {
    /// The input (or policy file) concerned.
    pub path: Option<String>,
    /// The policy concerned.
    pub policy: Option<String>,
    /// The step that failed.
    pub phase: Phase,
    /// What happened, in words.
    pub message: String,
    /// 1-based line, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// 1-based column, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    /// JSON pointer, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
}

impl From<&Error> for ReportError {
    fn from(e: &Error) -> ReportError {
        ReportError {
            path: e.path.clone(),
            policy: e.policy.clone(),
            phase: e.phase,
            message: e.message(),
            line: e.line,
            column: e.column,
            pointer: e.pointer.clone(),
        }
    }
}

/// Counts by severity (of findings that are not suppressed), plus errors.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Summary {
    /// Active findings at `error`.
    pub error: usize,
    /// Active findings at `warning`.
    pub warning: usize,
    /// Active findings at `info`.
    pub info: usize,
    /// Findings waived (waiver file or inline).
    pub waived: usize,
    /// Findings already in the baseline.
    pub baselined: usize,
    /// Things that could not be checked.
    pub errors: usize,
}

/// When a run fails: at or above a severity, or never.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailOn {
    /// Findings at or above this severity fail the run.
    Severity(Severity),
    /// Findings never fail the run (errors still exit 2).
    Never,
}

impl Report {
    /// An empty report for a run.
    pub fn new(as_of: Date, catalog: &LoadedCatalog, policies: &[Policy]) -> Report {
        Report {
            version: REPORT_VERSION,
            tool: Tool { name: "entitle", version: env!("CARGO_PKG_VERSION") },
            as_of,
            catalog: CatalogInfo { version: catalog.catalog.version.clone(), sha256: catalog.sha256.clone() },
            policies: policies
                .iter()
                .map(|p| PolicyInfo {
                    id: p.id().to_owned(),
                    version: p.metadata.version.clone(),
                    sha256: p.sha256.clone(),
                })
                .collect(),
            rules: policies
                .iter()
                .flat_map(|p| p.metadata.rules.iter().map(move |r| (p.id().to_owned(), r.clone())))
                .chain(host_rules().into_iter().map(|r| (HOST_POLICY.to_owned(), r)))
                .collect(),
            config: None,
            inputs: Vec::new(),
            findings: Vec::new(),
            errors: Vec::new(),
            logs: Vec::new(),
            summary: Summary::default(),
            inline: Default::default(),
            excerpts: Excerpts::new(),
        }
    }

    /// Records an input.
    pub fn add_input(&mut self, loaded: &LoadedInput) {
        self.add_input_counted(loaded, loaded.workloads.len());
    }

    /// Records an input that has `workloads` workloads (kept apart from it).
    pub(crate) fn add_input_counted(&mut self, loaded: &LoadedInput, workloads: usize) {
        if let Some(source) = &loaded.inline {
            self.inline.entry(loaded.path.clone()).or_insert_with(|| source.clone());
        }
        self.inputs.push(InputInfo {
            path: loaded.path.clone(),
            format: loaded.format.map(|f| f.name()),
            workloads,
            skipped: loaded.skipped.clone(),
            read_with: loaded.read_with.clone(),
            notes: loaded.notes.clone(),
        });
    }

    /// Records errors.
    pub fn add_errors(&mut self, errors: Vec<Error>) {
        self.errors.extend(errors.iter().map(ReportError::from));
    }

    /// Sorts everything and counts.
    pub fn finish(&mut self) {
        // Stable: each policy's lines stay in the order it logged them.
        self.logs.sort_by(|a, b| (&a.input, &a.policy).cmp(&(&b.input, &b.policy)));
        self.findings.sort_by(|a, b| {
            (&a.location, &a.rule, &a.workload, &a.field).cmp(&(&b.location, &b.rule, &b.workload, &b.field))
        });
        self.errors.sort_by(|a, b| {
            (&a.path, a.line, &a.policy, a.phase, &a.message).cmp(&(&b.path, b.line, &b.policy, b.phase, &b.message))
        });
        let mut summary = Summary { errors: self.errors.len(), ..Summary::default() };
        for f in &self.findings {
            match f.suppression.as_ref().map(|s| s.kind) {
                Some(SuppressionKind::Baseline) => {
                    summary.baselined += 1;
                    continue;
                }
                Some(_) => {
                    summary.waived += 1;
                    continue;
                }
                None => {}
            }
            match f.severity {
                Severity::Error => summary.error += 1,
                Severity::Warning => summary.warning += 1,
                Severity::Info => summary.info += 1,
            }
        }
        self.summary = summary;
    }

    /// 2 when anything could not be checked, else 1 when a finding is at or above
    /// `fail_on`, else 0.
    pub fn exit_code(&self, fail_on: FailOn) -> u8 {
        if !self.errors.is_empty() {
            return 2;
        }
        let failing = match fail_on {
            FailOn::Never => false,
            FailOn::Severity(min) => self.findings.iter().any(|f| f.suppression.is_none() && f.severity >= min),
        };
        u8::from(failing)
    }

    /// The report as pretty JSON (`--format json`).
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("the report serialises");
        text.push('\n');
        crate::escape::json_document(text)
    }
}
