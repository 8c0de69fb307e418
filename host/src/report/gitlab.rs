//! GitLab Code Quality output (`--format gitlab`): the JSON array GitLab reads from a
//! `codequality` report artifact to annotate merge requests. Active findings and
//! errors with a file only, and inputs that were not checked (as `info`): waived and
//! baselined findings are left out.

use std::collections::HashMap;

use entitle_sdk::Severity;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::Report;

/// Renders the report as a GitLab Code Quality report (pretty JSON array).
pub fn render_gitlab(report: &Report) -> String {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut issues: Vec<Value> = Vec::new();
    for f in report.findings.iter().filter(|f| f.suppression.is_none()) {
        let severity = match f.severity {
            Severity::Error => "critical",
            Severity::Warning => "major",
            Severity::Info => "info",
        };
        let mut description = f.message.clone();
        if let Some(fix) = &f.fix {
            description.push_str(" Fix: ");
            description.push_str(fix);
        }
        issues.push(json!({
            "type": "issue",
            "description": description,
            "check_name": f.rule,
            "fingerprint": fingerprint(&mut seen, &["finding", &f.fingerprint]),
            "severity": severity,
            "location": {"path": path(&f.location.path), "lines": {"begin": f.location.line.max(1)}},
        }));
    }
    for e in &report.errors {
        let Some(file) = &e.path else { continue };
        let phase = serde_json::to_value(e.phase).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
        let policy = e.policy.as_deref().unwrap_or("");
        issues.push(json!({
            "type": "issue",
            "description": format!("could not be checked: {}", e.message),
            "check_name": format!("entitle:{phase}"),
            "fingerprint": fingerprint(&mut seen, &["error", &phase, file, policy, &e.message]),
            "severity": "blocker",
            "location": {"path": path(file), "lines": {"begin": e.line.unwrap_or(1).max(1)}},
        }));
    }
    for input in &report.inputs {
        let Some(why) = &input.skipped else { continue };
        issues.push(json!({
            "type": "issue",
            "description": format!("not checked: {why}"),
            "check_name": "entitle:not-checked",
            "fingerprint": fingerprint(&mut seen, &["not-checked", &input.path]),
            "severity": "info",
            "location": {"path": path(&input.path), "lines": {"begin": 1}},
        }));
    }
    // Code Quality has no run metadata: a rule the config file changes is an issue at its line.
    if let Some(config) = &report.config {
        for rule in &config.rules {
            issues.push(json!({
                "type": "issue",
                "description": format!("{} by this rule-override file ({})", rule.describe(), config.found),
                "check_name": "entitle:config",
                "fingerprint": fingerprint(&mut seen, &["config", &config.path, &rule.rule]),
                "severity": "info",
                "location": {"path": path(&config.path), "lines": {"begin": rule.line.max(1)}},
            }));
        }
    }
    let mut text = serde_json::to_string_pretty(&issues).expect("the Code Quality report serialises");
    text.push('\n');
    crate::escape::json_document(text)
}

/// 32 hex digits (an MD5's length) from the parts that identify an issue across
/// runs: the finding's own fingerprint, which does not move with line numbers. A
/// repeat of the same parts in one run is numbered, so every issue's is unique.
fn fingerprint(seen: &mut HashMap<String, usize>, parts: &[&str]) -> String {
    let key = parts.join("\0");
    let n = seen.entry(key.clone()).or_default();
    *n += 1;
    let digest = Sha256::digest(format!("entitle/v1\0{key}\0{n}"));
    digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// The repository-relative path GitLab matches against the diff.
fn path(path: &str) -> String {
    let slashed = path.replace('\\', "/");
    let mut relative = slashed.as_str();
    while let Some(rest) = relative.strip_prefix("./") {
        relative = rest;
    }
    relative.to_owned()
}
