//! A finding: what a policy reports about one workload and one of its fields.
//!
//! Policies never give line numbers. They name the workload and a field path
//! (`os.major`, `billing.license_type`) and the host resolves the location. A run-scoped
//! policy may also place a finding on the org context itself ([`Finding::on_context`]) or
//! cite the context entry a workload's finding rests on ([`Finding::rests_on_context`]).

use serde::{Deserialize, Serialize};

use crate::{Severity, Workload};

/// One problem a policy found.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// The rule's id; it must be declared in the policy's metadata.
    pub rule: String,
    /// The [`Workload::id`] the finding is about.
    pub workload: String,
    /// The field path the finding rests on (`os.major`); the host turns it into a location.
    pub field: String,
    /// What is wrong, in one sentence that names the image, release and date.
    pub message: String,
    /// Overrides the rule's default severity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    /// The facts the finding rests on, including the catalog rows used.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<String>,
    /// What to change, in plain words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
    /// A JSON pointer into the org context (`/subscriptions/0`) the finding also rests on:
    /// the host adds where that entry is written to the finding's trail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
}

/// The [`Finding::workload`] of a finding placed on the org context file, whose
/// [`Finding::field`] is then a JSON pointer into the context (run-scoped policies only).
pub const CONTEXT_WORKLOAD: &str = "@context";

impl Finding {
    /// A finding of `rule` on `field` of `workload`.
    pub fn new(rule: &str, workload: &Workload, field: &str, message: impl Into<String>) -> Finding {
        Finding {
            rule: rule.to_owned(),
            workload: workload.id.clone(),
            field: field.to_owned(),
            message: message.into(),
            severity: None,
            evidence: Vec::new(),
            fix: None,
            context: None,
        }
    }

    /// A finding of `rule` placed on the org context entry at `pointer` (`/subscriptions/0`),
    /// for a policy whose metadata says `"scope": "run"`.
    pub fn on_context(rule: &str, pointer: &str, message: impl Into<String>) -> Finding {
        Finding {
            rule: rule.to_owned(),
            workload: CONTEXT_WORKLOAD.to_owned(),
            field: pointer.to_owned(),
            message: message.into(),
            severity: None,
            evidence: Vec::new(),
            fix: None,
            context: None,
        }
    }

    /// Names the org context entry (a JSON pointer) this finding also rests on.
    pub fn rests_on_context(mut self, pointer: &str) -> Finding {
        self.context = Some(pointer.to_owned());
        self
    }

    /// Adds a line of evidence.
    pub fn evidence(mut self, line: impl Into<String>) -> Finding {
        self.evidence.push(line.into());
        self
    }

    /// Sets the fix.
    pub fn fix(mut self, fix: impl Into<String>) -> Finding {
        self.fix = Some(fix.into());
        self
    }

    /// Overrides the severity.
    pub fn severity(mut self, severity: Severity) -> Finding {
        self.severity = Some(severity);
        self
    }
}
