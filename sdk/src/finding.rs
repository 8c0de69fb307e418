//! A finding: what a policy reports about one workload and one of its fields.
//!
//! Policies never give line numbers. They name the workload and a field path
//! (`os.major`, `billing.license_type`) and the host resolves the location.

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
}

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
        }
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
