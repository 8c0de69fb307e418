//! JUnit XML output (`--format junit`), for CI systems that show test reports (Jenkins,
//! GitLab, Azure Pipelines, CircleCI): one suite per input, one test case per rule of
//! the loaded policies; a rule fails where it has active error or warning findings,
//! is skipped where all its findings are waived, and what could not be checked is an
//! `<error>`. Hand-written: the shape is small and the escaping below is the whole risk.

use std::fmt::Write as _;

use entitle_sdk::Severity;

use super::{Finding, HOST_POLICY, Report, ReportError, SuppressionKind};
use crate::escape::text as esc;

/// One `<testcase>`: its outcome and its output.
struct Case {
    name: String,
    classname: String,
    /// `<failure>`, `<error>` or `<skipped>` with its attributes and body, if any.
    outcome: Option<(Outcome, String, String, String)>,
    out: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Failure,
    Error,
    Skipped,
}

/// Renders the report as a JUnit `<testsuites>` document.
pub fn render_junit(report: &Report) -> String {
    // Suites: every input in report order, then any other file a finding or error
    // points at (a waiver file, a policy), then one for errors with no file.
    let mut paths: Vec<&str> = report.inputs.iter().map(|i| i.path.as_str()).collect();
    let extra = report.findings.iter().map(|f| Some(f.location.path.as_str()));
    for path in extra.chain(report.errors.iter().map(|e| e.path.as_deref())) {
        let path = path.unwrap_or("entitle");
        if !paths.contains(&path) {
            paths.push(path);
        }
    }
    let policy_rules: Vec<&str> =
        report.rules.iter().filter(|(p, _)| p != HOST_POLICY).map(|(_, r)| r.id.as_str()).collect();
    let mut suites = Vec::new();
    for path in paths {
        let input = report.inputs.iter().find(|i| i.path == path);
        let findings: Vec<&Finding> = report.findings.iter().filter(|f| f.location.path == path).collect();
        let mut rules: Vec<&str> =
            if input.is_some_and(|i| i.skipped.is_none()) { policy_rules.clone() } else { vec![] };
        for f in &findings {
            if !rules.contains(&f.rule.as_str()) {
                rules.push(&f.rule);
            }
        }
        let mut cases: Vec<Case> = rules
            .iter()
            .map(|&rule| {
                rule_case(path, rule, &findings.iter().copied().filter(|f| f.rule == rule).collect::<Vec<_>>())
            })
            .collect();
        if let Some(why) = input.and_then(|i| i.skipped.as_ref()) {
            let outcome = Some((Outcome::Skipped, format!("not checked: {why}"), String::new(), String::new()));
            cases.push(Case { name: "entitle:skipped".into(), classname: path.into(), outcome, out: String::new() });
        }
        let errors = report.errors.iter().filter(|e| e.path.as_deref().unwrap_or("entitle") == path);
        cases.extend(errors.map(|e| error_case(path, e)));
        let notes = input.map(|i| i.notes.iter().map(|n| esc(n)).collect::<Vec<_>>().join("\n")).unwrap_or_default();
        suites.push((path, cases, notes));
    }

    let count =
        |cases: &[Case], o: Outcome| cases.iter().filter(|c| c.outcome.as_ref().is_some_and(|x| x.0 == o)).count();
    let total = |o: Option<Outcome>| -> usize {
        suites.iter().map(|(_, cases, _)| o.map_or(cases.len(), |o| count(cases, o))).sum()
    };
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"entitle\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">",
        total(None),
        total(Some(Outcome::Failure)),
        total(Some(Outcome::Error)),
        total(Some(Outcome::Skipped))
    );
    for (path, cases, notes) in &suites {
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">",
            escape(path),
            cases.len(),
            count(cases, Outcome::Failure),
            count(cases, Outcome::Error),
            count(cases, Outcome::Skipped)
        );
        out.push_str("    <properties>\n");
        let policies: Vec<String> = report.policies.iter().map(|p| format!("{}@{}", p.id, p.version)).collect();
        let mut properties = vec![
            ("as_of", report.as_of.to_string()),
            ("catalog.version", report.catalog.version.clone()),
            ("catalog.sha256", report.catalog.sha256.clone()),
            ("policies", policies.join(" ")),
        ];
        if let Some(config) = &report.config {
            properties.push(("config", config.describe()));
        }
        for (name, value) in properties {
            let _ = writeln!(out, "      <property name=\"{name}\" value=\"{}\"/>", escape(&value));
        }
        out.push_str("    </properties>\n");
        for case in cases {
            write_case(&mut out, case);
        }
        if !notes.is_empty() {
            let _ = writeln!(out, "    <system-out>{}</system-out>", content(notes));
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    crate::escape::xml_document(out)
}

fn write_case(out: &mut String, case: &Case) {
    let _ = write!(out, "    <testcase classname=\"{}\" name=\"{}\"", escape(&case.classname), escape(&case.name));
    if case.outcome.is_none() && case.out.is_empty() {
        out.push_str("/>\n");
        return;
    }
    out.push_str(">\n");
    if let Some((outcome, message, kind, body)) = &case.outcome {
        let tag = match outcome {
            Outcome::Failure => "failure",
            Outcome::Error => "error",
            Outcome::Skipped => "skipped",
        };
        let _ = write!(out, "      <{tag} message=\"{}\"", escape(message));
        if !kind.is_empty() {
            let _ = write!(out, " type=\"{}\"", escape(kind));
        }
        if body.is_empty() {
            out.push_str("/>\n");
        } else {
            let _ = writeln!(out, ">{}</{tag}>", content(body));
        }
    }
    if !case.out.is_empty() {
        let _ = writeln!(out, "      <system-out>{}</system-out>", content(&case.out));
    }
    out.push_str("    </testcase>\n");
}

/// The test case for one rule in one file.
fn rule_case(path: &str, rule: &str, findings: &[&Finding]) -> Case {
    let failing: Vec<&Finding> =
        findings.iter().copied().filter(|f| f.suppression.is_none() && f.severity >= Severity::Warning).collect();
    let suppressed: Vec<&Finding> = findings.iter().copied().filter(|f| f.suppression.is_some()).collect();
    let info: Vec<&Finding> =
        findings.iter().copied().filter(|f| f.suppression.is_none() && f.severity == Severity::Info).collect();
    let outcome = if let Some(worst) = failing.iter().map(|f| f.severity).max() {
        let n = failing.len();
        let message = format!("{n} {} finding{}: {}", worst, if n == 1 { "" } else { "s" }, failing[0].message);
        let body: Vec<String> = failing.iter().chain(&suppressed).map(|f| describe(f)).collect();
        Some((Outcome::Failure, message, worst.to_string(), body.join("\n\n")))
    } else if !suppressed.is_empty() && info.is_empty() {
        let mut reasons: Vec<String> = Vec::new();
        for f in &suppressed {
            let reason = suppression_note(f);
            if !reasons.contains(&reason) {
                reasons.push(reason);
            }
        }
        let body: Vec<String> = suppressed.iter().map(|f| describe(f)).collect();
        Some((Outcome::Skipped, reasons.join("; "), String::new(), body.join("\n\n")))
    } else {
        None
    };
    // Info findings never fail; they (and suppressions beside them) are output.
    let mut out: Vec<String> = info.iter().map(|f| describe(f)).collect();
    if outcome.is_none() {
        out.extend(suppressed.iter().map(|f| describe(f)));
    }
    Case { name: rule.into(), classname: path.into(), outcome, out: out.join("\n\n") }
}

fn error_case(path: &str, e: &ReportError) -> Case {
    let phase = serde_json::to_value(e.phase).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
    let mut at = esc(path).into_owned();
    if let Some(line) = e.line {
        let _ = write!(at, ":{line}");
        if let Some(column) = e.column {
            let _ = write!(at, ":{column}");
        }
    }
    let mut body = format!("{at}: {}", esc(&e.message));
    if let Some(policy) = &e.policy {
        let _ = write!(body, "\npolicy: {policy}");
    }
    if let Some(pointer) = &e.pointer {
        let _ = write!(body, "\npointer: {pointer}");
    }
    let outcome = Some((Outcome::Error, e.message.clone(), phase.clone(), body));
    Case { name: format!("entitle:{phase}"), classname: path.into(), outcome, out: String::new() }
}

/// `waived: reason` / `baselined: reason`, as the skip message says it.
fn suppression_note(f: &Finding) -> String {
    let Some(s) = &f.suppression else { return String::new() };
    let kind = if s.kind == SuppressionKind::Baseline { "baselined" } else { "waived" };
    format!("{kind}: {}", s.reason)
}

/// One finding as a reader sees it in the human format.
fn describe(f: &Finding) -> String {
    let l = &f.location;
    let (path, rule, message) = (esc(&l.path), esc(&f.rule), esc(&f.message));
    let mut text = format!("{path}:{}:{}: {}[{rule}] {message}", l.line, l.column, f.severity);
    let _ = write!(text, "\n    resource: {}", esc(&f.resource));
    if !f.trail.is_empty() {
        let steps: Vec<String> = f.trail.iter().map(|l| format!("{}:{}:{}", esc(&l.path), l.line, l.column)).collect();
        let _ = write!(text, "\n    value from: {}", steps.join(" ← "));
    }
    if let Some(fix) = &f.fix {
        let _ = write!(text, "\n    fix: {}", esc(fix));
    }
    if let Some(s) = &f.suppression {
        let _ = write!(text, "\n    {}", esc(&suppression_note(f)));
        for (key, value) in [("owner", &s.owner), ("ticket", &s.ticket)] {
            if let Some(value) = value {
                let _ = write!(text, "; {key}: {}", esc(value));
            }
        }
        if let Some(expires) = s.expires {
            let _ = write!(text, "; expires: {expires}");
        }
    }
    text
}

/// Escapes text for an XML 1.0 attribute value (`attribute`) or element content.
/// In attributes, tabs and line breaks become character references (attribute
/// normalisation would turn them into spaces); `\r` always does. Characters XML 1.0
/// cannot carry at all (other C0 controls, U+FFFE, U+FFFF) become a visible
/// `\u{…}`; DEL and C1 controls, legal but invisible, become references.
fn escape_as(text: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' if !attribute => out.push(c),
            '\t' | '\n' | '\r' | '\u{7f}'..='\u{9f}' => {
                let _ = write!(out, "&#x{:X};", u32::from(c));
            }
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

/// Escapes an attribute value.
fn escape(text: &str) -> String {
    escape_as(text, true)
}

/// Escapes element content.
fn content(text: &str) -> String {
    escape_as(text, false)
}
