//! Human output: one line per finding as `path:line:column: severity[RULE] message`,
//! the fix indented under it, then errors, skipped files and a summary line.

use std::fmt::Write as _;

use entitle_sdk::Severity;

use super::Report;
use crate::escape::text as esc;

/// Whether to colour severities (only for a terminal, and never with `NO_COLOR`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HumanStyle {
    /// Plain text.
    Plain,
    /// ANSI colours on severities.
    Color,
}

/// Renders the report for people.
pub fn render_human(report: &Report, style: HumanStyle) -> String {
    let paint = |severity: &str, code: &str| match style {
        HumanStyle::Color => format!("\x1b[1;{code}m{severity}\x1b[0m"),
        HumanStyle::Plain => severity.to_owned(),
    };
    let mut out = String::new();
    for f in report.findings.iter().filter(|f| f.suppression.is_none()) {
        let code = match f.severity {
            Severity::Error => "31",
            Severity::Warning => "33",
            Severity::Info => "36",
        };
        let loc = &f.location;
        let _ = writeln!(
            out,
            "{}:{}:{}: {}[{}] {}",
            esc(&loc.path),
            loc.line,
            loc.column,
            paint(f.severity.as_str(), code),
            esc(&f.rule),
            esc(&f.message)
        );
        let _ = writeln!(out, "    resource: {}", esc(&f.resource));
        if !f.trail.is_empty() {
            let steps: Vec<String> =
                f.trail.iter().map(|l| format!("{}:{}:{}", esc(&l.path), l.line, l.column)).collect();
            let _ = writeln!(out, "    value from: {}", steps.join(" ← "));
        }
        if let Some(fix) = &f.fix {
            let _ = writeln!(out, "    fix: {}", esc(fix));
        }
    }
    for f in report.findings.iter() {
        let Some(s) = &f.suppression else { continue };
        let loc = &f.location;
        let how = if s.kind == super::SuppressionKind::Baseline { "baselined" } else { "waived" };
        let (path, rule, message) = (esc(&loc.path), esc(&f.rule), esc(&f.message));
        let _ = writeln!(out, "{path}:{}:{}: {how}[{rule}] {message}", loc.line, loc.column);
        let until = s.expires.map(|d| format!(" (until {d})")).unwrap_or_default();
        let by = s.owner.as_ref().map(|o| format!(", owner {}", esc(o))).unwrap_or_default();
        let _ = writeln!(out, "    {how}: {}{until}{by}", esc(&s.reason));
    }
    for e in &report.errors {
        let mut at = esc(e.path.as_deref().unwrap_or("entitle")).into_owned();
        if let (Some(line), Some(column)) = (e.line, e.column) {
            let _ = write!(at, ":{line}:{column}");
        }
        let phase = serde_json::to_value(e.phase).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
        let _ = writeln!(out, "{at}: {}[{phase}] {}", paint("error", "31"), esc(&e.message));
    }
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
    let s = &report.summary;
    let workloads: usize = report.inputs.iter().map(|i| i.workloads).sum();
    let count = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let _ = writeln!(
        out,
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
    );
    out
}
