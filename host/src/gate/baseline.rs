//! Baselines: the fingerprints of findings already known, so a pipeline fails only on
//! new ones. A fingerprint covers rule, file, resource, field and the values the
//! finding rests on, so a changed image on the same resource is a new finding.

use std::collections::BTreeSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::report::{Report, Suppression, SuppressionKind};
use crate::{Error, ErrorKind, Phase};

/// A baseline file.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// Shape version (1).
    pub version: u32,
    /// The evaluation date it was taken on.
    pub as_of: String,
    /// One entry per finding, sorted.
    pub findings: Vec<Entry>,
}

/// A baselined finding; only `fingerprint` is compared, the rest is for reviewers.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The finding's fingerprint.
    pub fingerprint: String,
    /// Rule id.
    pub rule: String,
    /// File.
    pub path: String,
    /// Resource.
    pub resource: String,
}

impl Baseline {
    /// The baseline of a report: every finding that is not about a waiver.
    pub fn of(report: &Report) -> Baseline {
        let mut findings: Vec<Entry> = report
            .findings
            .iter()
            .filter(|f| super::acceptable(f))
            .map(|f| Entry {
                fingerprint: f.fingerprint.clone(),
                rule: f.rule.clone(),
                path: f.location.path.clone(),
                resource: f.resource.clone(),
            })
            .collect();
        findings.sort();
        findings.dedup();
        Baseline { version: 1, as_of: report.as_of.to_string(), findings }
    }

    /// Reads a baseline file.
    pub fn load(path: &Path) -> Result<Baseline, Error> {
        let shown = path.display().to_string();
        let text =
            std::fs::read_to_string(path).map_err(|e| Error::new(Phase::Config, ErrorKind::Io(e)).path(&shown))?;
        serde_json::from_str(&text).map_err(|e| {
            Error::new(Phase::Config, ErrorKind::Syntax(format!("not a baseline: {e}")))
                .path(&shown)
                .at(e.line() as u32, e.column() as u32)
        })
    }

    /// As pretty JSON.
    pub fn to_json(&self) -> String {
        format!("{}\n", serde_json::to_string_pretty(self).expect("a baseline serialises"))
    }

    /// Marks findings already in the baseline.
    pub fn apply(&self, report: &mut Report) {
        let known: BTreeSet<&str> = self.findings.iter().map(|e| e.fingerprint.as_str()).collect();
        for f in report.findings.iter_mut().filter(|f| f.suppression.is_none() && super::acceptable(f)) {
            if known.contains(f.fingerprint.as_str()) {
                f.suppression = Some(Suppression {
                    kind: SuppressionKind::Baseline,
                    reason: format!("in the baseline taken on {}", self.as_of),
                    owner: None,
                    ticket: None,
                    expires: None,
                    location: None,
                });
            }
        }
    }
}
