//! Baselines: the fingerprints of findings already known, so a pipeline fails only on
//! new ones. A fingerprint covers rule, file, resource, field and the values the
//! finding rests on, so a changed image on the same resource is a new finding.

use std::collections::BTreeSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use entitle_sdk::Severity;

use crate::report::{Finding, HOST_POLICY, Location, Report, Suppression, SuppressionKind};
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
    /// The file it was read from and the line of each entry's fingerprint (empty when made).
    #[serde(skip)]
    read_from: Option<(String, Vec<u32>)>,
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
        Baseline { version: 1, as_of: report.as_of.to_string(), findings, read_from: None }
    }

    /// Reads a baseline file.
    pub fn load(path: &Path) -> Result<Baseline, Error> {
        let shown = path.display().to_string();
        let text =
            std::fs::read_to_string(path).map_err(|e| Error::new(Phase::Config, ErrorKind::Io(e)).path(&shown))?;
        let mut baseline: Baseline = serde_json::from_str(&text).map_err(|e| {
            Error::new(Phase::Config, ErrorKind::Syntax(format!("not a baseline: {e}")))
                .path(&shown)
                .at(e.line() as u32, e.column() as u32)
        })?;
        let lines = baseline
            .findings
            .iter()
            .map(|e| {
                let at = text.find(&format!("\"{}\"", e.fingerprint)).unwrap_or(0);
                super::tomlfile::line_column(&text, at).0
            })
            .collect();
        baseline.read_from = Some((shown, lines));
        Ok(baseline)
    }

    /// As pretty JSON.
    pub fn to_json(&self) -> String {
        format!("{}\n", serde_json::to_string_pretty(self).expect("a baseline serialises"))
    }

    /// Marks findings already in the baseline; reports each entry that matches no
    /// finding of this run (waived or not) as stale, at its line (info).
    pub fn apply(&self, report: &mut Report) {
        let known: BTreeSet<&str> = self.findings.iter().map(|e| e.fingerprint.as_str()).collect();
        let found: BTreeSet<String> =
            report.findings.iter().filter(|f| super::acceptable(f)).map(|f| f.fingerprint.clone()).collect();
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
        let (file, lines) = self.read_from.clone().unwrap_or_default();
        for (i, entry) in self.findings.iter().enumerate().filter(|(_, e)| !found.contains(&e.fingerprint)) {
            let line = lines.get(i).copied().unwrap_or(1);
            let at = Location { path: file.clone(), line, column: 1, pointer: String::new() };
            report.findings.push(stale(entry, at, &self.as_of));
        }
    }
}

/// A finding entitle makes about a baseline entry that matches nothing any more.
fn stale(entry: &Entry, at: Location, as_of: &str) -> Finding {
    use sha2::{Digest, Sha256};
    let message = format!(
        "the baseline entry for {} on {} in {} matches no finding in this run: the finding was fixed, or its file was not checked",
        entry.rule, entry.resource, entry.path
    );
    let digest = Sha256::digest(format!("{STALE}\0{}\0{}", at.path, entry.fingerprint).as_bytes());
    Finding {
        rule: STALE.to_owned(),
        policy: HOST_POLICY.to_owned(),
        severity: Severity::Info,
        message,
        resource: format!("baseline entry {}", entry.fingerprint),
        workload: String::new(),
        field: String::new(),
        location: at,
        trail: Vec::new(),
        alternative: None,
        evidence: vec![format!("fingerprint: {}", entry.fingerprint), format!("baseline taken on {as_of}")],
        fix: Some("Take the baseline again (`entitle baseline`) so it holds only findings that still occur.".into()),
        fingerprint: crate::runtime::hex(&digest[..8]),
        suppression: None,
    }
}

/// The rule of a stale baseline entry.
pub const STALE: &str = "ENTITLE-BASELINE-STALE";
