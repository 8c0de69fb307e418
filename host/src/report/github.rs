//! GitHub Actions output (`--format github`): workflow commands that GitHub turns into
//! annotations on the pull request's files: one line per finding, one per error,
//! and a closing summary notice.

use std::fmt::Write as _;

use entitle_sdk::Severity;

use super::{Finding, Report, SuppressionKind};
use crate::escape;

/// Renders the report as GitHub Actions workflow commands, one per line.
pub fn render_github(report: &Report) -> String {
    let mut out = String::new();
    for f in &report.findings {
        line(&mut out, f);
    }
    for e in &report.errors {
        let phase = serde_json::to_value(e.phase).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
        let mut props = Vec::new();
        if let Some(path) = &e.path {
            props.push(("file", path.replace('\\', "/")));
            if let Some(line) = e.line {
                props.push(("line", line.to_string()));
                if let Some(column) = e.column {
                    props.push(("col", column.to_string()));
                }
            }
        }
        props.push(("title", format!("entitle:{phase}")));
        let mut message = format!("could not be checked: {}", e.message);
        if let Some(policy) = &e.policy {
            let _ = write!(message, " (policy {policy})");
        }
        command(&mut out, "error", &props, &message);
    }
    for input in &report.inputs {
        if let Some(why) = &input.skipped {
            let props = [("file", input.path.replace('\\', "/")), ("title", "entitle".to_owned())];
            command(&mut out, "notice", &props, &format!("not checked: {why}"));
        }
    }
    if let Some(config) = &report.config {
        for rule in &config.rules {
            let props = [
                ("file", config.path.replace('\\', "/")),
                ("line", rule.line.to_string()),
                ("title", "entitle:config".to_owned()),
            ];
            let what = format!("{} by this rule-override file ({})", rule.describe(), config.found);
            command(&mut out, "notice", &props, &what);
        }
    }
    let s = &report.summary;
    let count = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let summary = format!(
        "entitle: {}, {}, {}; {} waived, {} baselined; {}; {}; as of {}; catalog {}{}",
        count(s.error, "error", "errors"),
        count(s.warning, "warning", "warnings"),
        count(s.info, "info", "info"),
        s.waived,
        s.baselined,
        count(s.errors, "check failed", "checks failed"),
        count(report.inputs.len(), "input", "inputs"),
        report.as_of,
        report.catalog.version,
        report.config.as_ref().map(|c| format!("; config {}", c.describe())).unwrap_or_default()
    );
    command(&mut out, "notice", &[("title", "entitle".to_owned())], &summary);
    out
}

/// The command for one finding: an annotation at its severity, or a notice when it
/// is waived or baselined.
fn line(out: &mut String, f: &Finding) {
    let loc = &f.location;
    let mut props = vec![("file", loc.path.replace('\\', "/"))];
    if loc.line >= 1 {
        props.push(("line", loc.line.to_string()));
        if loc.column >= 1 {
            props.push(("col", loc.column.to_string()));
        }
    }
    let mut message = f.message.clone();
    if let Some(fix) = &f.fix {
        let _ = write!(message, " Fix: {fix}");
    }
    let kind = match (&f.suppression, f.severity) {
        (Some(s), _) => {
            let what = if s.kind == SuppressionKind::Baseline { "baselined" } else { "waived" };
            props.push(("title", format!("{} ({what})", f.rule)));
            let mut why = format!("{what} ({}): {}", f.severity, s.reason);
            for (key, value) in [("owner", &s.owner), ("ticket", &s.ticket)] {
                if let Some(value) = value {
                    let _ = write!(why, "; {key} {value}");
                }
            }
            if let Some(expires) = s.expires {
                let _ = write!(why, "; expires {expires}");
            }
            message = format!("{why} — {message}");
            "notice"
        }
        (None, severity) => {
            props.push(("title", f.rule.clone()));
            match severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            }
        }
    };
    command(out, kind, &props, &message);
}

/// Writes `::kind key=value,…::message` with GitHub's escaping.
fn command(out: &mut String, kind: &str, props: &[(&str, String)], message: &str) {
    let _ = write!(out, "::{kind}");
    for (i, (key, value)) in props.iter().enumerate() {
        let _ = write!(out, "{}{key}={}", if i == 0 { " " } else { "," }, escape::github_property(value));
    }
    let _ = writeln!(out, "::{}", escape::github_data(message));
}
