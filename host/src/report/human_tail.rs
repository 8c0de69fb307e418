//! The end of the human report: errors, notes, the per-rule table and the one-line
//! summary (which also goes to stderr when every format is written to a file).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use entitle_sdk::Severity;

use super::Report;
use super::human::Paint;
use crate::escape::text as esc;

/// Everything that could not be checked, one line each.
pub(super) fn errors(out: &mut String, report: &Report, paint: Paint) {
    for e in &report.errors {
        let _ = writeln!(out, "{}", error_line(e, &paint.severity("error", Severity::Error)));
    }
}

/// `path:line:column: error[phase] message`; `error` as given (coloured or not).
pub fn error_line(e: &super::ReportError, error: &str) -> String {
    let mut at = esc(e.path.as_deref().unwrap_or("entitle")).into_owned();
    if let (Some(line), Some(column)) = (e.line, e.column) {
        let _ = write!(at, ":{line}:{column}");
    }
    let phase = serde_json::to_value(e.phase).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
    format!("{at}: {error}[{phase}] {}", esc(&e.message))
}

/// Inputs not checked, notes about inputs, and the rules an override file changed.
pub(super) fn notes(out: &mut String, report: &Report) {
    for input in &report.inputs {
        if let Some(why) = &input.skipped {
            let _ = writeln!(out, "{}: note: not checked: {}", esc(&input.path), esc(why));
        }
        for note in &input.notes {
            let _ = writeln!(out, "{}: note: {}", esc(&input.path), esc(note));
        }
    }
    if let Some(config) = &report.config {
        for rule in &config.rules {
            let _ = writeln!(
                out,
                "{}:{}:1: note: {} by this rule-override file ({})",
                esc(&config.path),
                rule.line,
                esc(&rule.describe()),
                config.found
            );
        }
    }
}

/// Findings per rule and severity, and how many were waived or baselined; nothing when
/// there are no findings.
pub(super) fn rule_table(out: &mut String, report: &Report) {
    let mut rows: BTreeMap<&str, [usize; 4]> = BTreeMap::new();
    for f in &report.findings {
        let row = rows.entry(&f.rule).or_default();
        let column = match (&f.suppression, f.severity) {
            (Some(_), _) => 3,
            (None, Severity::Error) => 0,
            (None, Severity::Warning) => 1,
            (None, Severity::Info) => 2,
        };
        row[column] += 1;
    }
    if rows.is_empty() {
        return;
    }
    let rules: Vec<(String, [usize; 4])> = rows.into_iter().map(|(r, n)| (esc(r).into_owned(), n)).collect();
    let width = rules.iter().map(|(r, _)| r.chars().count()).max().unwrap_or(0).max("rule".len());
    let _ = writeln!(out, "{:width$}  {:>5}  {:>7}  {:>4}  {:>10}", "rule", "error", "warning", "info", "suppressed");
    for (rule, [error, warning, info, suppressed]) in rules {
        let _ = writeln!(out, "{rule:width$}  {error:>5}  {warning:>7}  {info:>4}  {suppressed:>10}");
    }
}

/// `entitle: 1 error, 0 warnings, …; as of DATE; catalog VERSION`.
pub fn summary_line(report: &Report) -> String {
    let s = &report.summary;
    let workloads: usize = report.inputs.iter().map(|i| i.workloads).sum();
    let count = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    format!(
        "entitle: {}, {}, {}{}; {}; {}, {}, {}; as of {}; catalog {}{}",
        count(s.error, "error", "errors"),
        count(s.warning, "warning", "warnings"),
        count(s.info, "info", "info"),
        match (s.waived, s.baselined) {
            (0, 0) => String::new(),
            (w, b) => format!(" ({w} waived, {b} baselined)"),
        },
        count(s.errors, "check failed", "checks failed"),
        count(report.inputs.len(), "input", "inputs"),
        count(workloads, "workload", "workloads"),
        count(report.policies.len(), "policy", "policies"),
        report.as_of,
        esc(&report.catalog.version),
        report.config.as_ref().map(|c| format!("; config {}", esc(&c.path))).unwrap_or_default()
    )
}
