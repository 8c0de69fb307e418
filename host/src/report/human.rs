//! Human output: each finding as `path:line:column: severity[RULE] message` with a
//! rustc-style snippet under it (the line, a caret under the value, the lines its value
//! came from), each rule's fix once with a count, then waived findings, errors, notes,
//! a per-rule table and a summary line.

use std::collections::HashMap;
use std::fmt::Write as _;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use anstyle::{AnsiColor, Style};
use entitle_sdk::Severity;

use super::{Finding, Report};
use crate::escape::text as esc;

/// Whether to colour the output (only for a terminal, and never with `NO_COLOR`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HumanStyle {
    /// Plain text.
    Plain,
    /// ANSI colours.
    Color,
}

/// How much of the report to print.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HumanOptions {
    /// Colours or not.
    pub style: HumanStyle,
    /// Only errors, the per-rule table and the summary line (`--quiet`).
    pub quiet: bool,
}

/// Renders the whole report for people.
pub fn render_human(report: &Report, style: HumanStyle) -> String {
    render_human_with(report, HumanOptions { style, quiet: false })
}

/// Renders the report for people, as `options` ask.
pub fn render_human_with(report: &Report, options: HumanOptions) -> String {
    let paint = Paint(options.style);
    let mut out = String::new();
    if !options.quiet {
        findings(&mut out, report, paint);
        suppressed(&mut out, report);
    }
    super::human_tail::errors(&mut out, report, paint);
    if !options.quiet {
        super::human_tail::notes(&mut out, report);
    }
    super::human_tail::rule_table(&mut out, report);
    out.push_str(&super::human_tail::summary_line(report));
    out.push('\n');
    out
}

/// Colours through `anstyle`, or none.
#[derive(Clone, Copy)]
pub(super) struct Paint(pub HumanStyle);

impl Paint {
    /// `text` in the colour of `severity` (bold), when colouring.
    pub(super) fn severity(self, text: &str, severity: Severity) -> String {
        let colour = match severity {
            Severity::Error => AnsiColor::Red,
            Severity::Warning => AnsiColor::Yellow,
            Severity::Info => AnsiColor::Cyan,
        };
        match self.0 {
            HumanStyle::Color => {
                let style = Style::new().bold().fg_color(Some(colour.into()));
                format!("{style}{text}{style:#}")
            }
            HumanStyle::Plain => text.to_owned(),
        }
    }

    fn renderer(self) -> Renderer {
        match self.0 {
            HumanStyle::Color => Renderer::styled(),
            HumanStyle::Plain => Renderer::plain(),
        }
    }
}

/// Every finding that fails or would fail the gate, with its snippet.
fn findings(out: &mut String, report: &Report, paint: Paint) {
    let active: Vec<&Finding> = report.findings.iter().filter(|f| f.suppression.is_none()).collect();
    // How many findings of a rule share one fix text: it is printed once, with the count.
    let mut same_fix: HashMap<(&str, &str), usize> = HashMap::new();
    for f in &active {
        if let Some(fix) = &f.fix {
            *same_fix.entry((&f.rule, fix)).or_default() += 1;
        }
    }
    let mut fix_shown: HashMap<(&str, &str), ()> = HashMap::new();
    for f in active {
        let loc = &f.location;
        let (path, rule, message) = (esc(&loc.path), esc(&f.rule), esc(&f.message));
        let severity = paint.severity(f.severity.as_str(), f.severity);
        let _ = writeln!(out, "{path}:{}:{}: {severity}[{rule}] {message}", loc.line, loc.column);
        let fix = f.fix.as_deref().map(|fix| {
            let key = (f.rule.as_str(), fix);
            let n = same_fix.get(&key).copied().unwrap_or(1);
            if fix_shown.insert(key, ()).is_some() {
                format!("as for the first {rule} finding above")
            } else if n > 1 {
                format!("{} (the same for all {n} {rule} findings)", esc(fix))
            } else {
                esc(fix).into_owned()
            }
        });
        out.push_str(&snippet(report, f, fix.as_deref(), paint));
        out.push('\n');
    }
}

/// The snippet under one finding: its line with a caret under the value, each line its
/// value came from, and the fix; lines that were not kept are cited by place only.
fn snippet(report: &Report, f: &Finding, fix: Option<&str>, paint: Paint) -> String {
    let level = match f.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::INFO,
    };
    let resource = format!("resource: {}", esc(&f.resource));
    let mut group = Group::with_level(level.clone());
    match report.excerpt(&f.location) {
        // The header line names the place: the snippet only shows it.
        Some(e) => {
            let mark = AnnotationKind::Primary.span(e.value.clone()).label(resource);
            group = group.element(Snippet::source(e.text.as_str()).line_start(line(f.location.line)).annotation(mark));
        }
        None => group = group.element(Level::NOTE.with_name("resource").message(esc(&f.resource).into_owned())),
    }
    for step in &f.trail {
        match report.excerpt(step).filter(|e| !e.cut_start) {
            // Not cut at its start, so the column annotate-snippets prints is the line's.
            Some(e) => {
                let mark = AnnotationKind::Context.span(e.value.clone()).label("value from here");
                let source = Snippet::source(e.text.as_str()).line_start(line(step.line)).path(esc(&step.path));
                group = group.element(source.annotation(mark));
            }
            None => {
                let at = format!("{}:{}:{}", esc(&step.path), step.line, step.column);
                group = group.element(Level::NOTE.with_name("value from").message(at));
            }
        }
    }
    if let Some(fix) = fix {
        group = group.element(Level::HELP.with_name("fix").message(fix.to_owned()));
    }
    let mut text = paint.renderer().render(&[group]);
    text.push('\n');
    text
}

fn line(n: u32) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// Waived and baselined findings: one line each and why.
fn suppressed(out: &mut String, report: &Report) {
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
}
