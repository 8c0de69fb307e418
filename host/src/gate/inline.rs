//! Inline waivers, written next to what they waive: a comment on the finding's line or
//! the line above it (`# entitle:ignore RULE-ID reason until=YYYY-MM-DD` in YAML and HCL,
//! `//` or `/* */` in JSONC ARM templates), or, for strict JSON, the resource's own metadata:
//! `"metadata": {"entitle": {"ignore": [{"rule", "reason", "until"}]}}` (ARM) or
//! `"Metadata"` (CloudFormation). Reason and date are required, as in the file.
//!
//! Comments are the ones the file's parser reports, never a search of the text: `entitle:ignore`
//! inside a string (a tag value, a one-line plan) waives nothing. They are indexed by line once
//! per file, so matching costs O(findings + comments). An input's come from its first parse
//! ([`InlineSource`], kept in the report); only other files findings point at (a module's `.tf`
//! files, a linked template) are read here.

use std::collections::{BTreeMap, HashMap};

use entitle_sdk::{Date, Severity};
use serde_json::Value;

use super::inline_source::{InlineSource, MARKER};
use super::waivers::waiver_finding;
use crate::document::{Comment, Position};
use crate::report::{Location, Report, Suppression, SuppressionKind};
use crate::{Error, ErrorKind, Phase};

/// One inline waiver and where it is written.
struct Inline {
    rule: String,
    reason: String,
    until: Date,
    at: Location,
}

/// Applies inline waivers to the report's findings; malformed ones are errors.
pub fn apply_inline(report: &mut Report) -> Vec<Error> {
    let mut read: BTreeMap<String, Option<InlineSource>> = BTreeMap::new();
    let (mut errors, mut expired) = (Vec::new(), Vec::new());
    let sources = &report.inline;
    for f in report.findings.iter_mut().filter(|f| f.suppression.is_none() && super::acceptable(f)) {
        let path = &f.location.path;
        let source = match sources.get(path) {
            Some(source) => source,
            None => match read.entry(path.clone()).or_insert_with(|| InlineSource::read(path)) {
                Some(source) => source,
                None => continue,
            },
        };
        let mut found = comments(&source.by_line, path, f.location.line, &mut errors);
        found.extend(metadata(&source.metadata, path, &f.location.pointer, &mut errors));
        if let Some(w) = found.into_iter().find(|w| w.rule == f.rule) {
            if report.as_of <= w.until {
                f.suppression = Some(Suppression {
                    kind: SuppressionKind::Inline,
                    reason: w.reason,
                    owner: None,
                    ticket: None,
                    expires: Some(w.until),
                    location: Some(w.at),
                });
            } else if !expired.iter().any(|(e, _): &(Inline, String)| e.at == w.at) {
                let message =
                    format!("the inline waiver for {} expired on {} and no longer waives anything", w.rule, w.until);
                expired.push((w, message));
            }
        }
    }
    for (w, message) in expired {
        report.findings.push(waiver_finding(
            "ENTITLE-WAIVER-EXPIRED",
            Severity::Warning,
            message,
            w.at,
            &w.reason,
            w.until,
        ));
    }
    errors
}

/// `entitle:ignore` comments on `line` or the line above it.
fn comments(by_line: &HashMap<u32, Vec<Comment>>, path: &str, line: u32, errors: &mut Vec<Error>) -> Vec<Inline> {
    let mut out = Vec::new();
    for n in [line.saturating_sub(1), line].into_iter().filter(|n| *n >= 1) {
        for comment in by_line.get(&n).into_iter().flatten() {
            let Some(at) = comment.text.find(MARKER) else { continue };
            let column = comment.position.column.saturating_add(comment.text[..at].chars().count() as u32);
            let location = Location { path: path.to_owned(), line: n, column, pointer: String::new() };
            let words: Vec<&str> = comment.text[at + MARKER.len()..].split_whitespace().collect();
            match parse(&words) {
                Ok((rule, reason, until)) => out.push(Inline { rule, reason, until, at: location }),
                Err(why) => {
                    let error = Error::new(Phase::Config, ErrorKind::Config(format!("inline waiver: {why}")))
                        .path(path)
                        .at(n, column);
                    if !errors.iter().any(|e| e.path == error.path && e.line == error.line) {
                        errors.push(error);
                    }
                }
            }
        }
    }
    out
}

/// `RULE-ID reason words… until=YYYY-MM-DD`.
fn parse(words: &[&str]) -> Result<(String, String, Date), String> {
    let rule = words.first().ok_or("`entitle:ignore` needs a rule id, a reason and until=YYYY-MM-DD")?.to_string();
    let until = words
        .iter()
        .find_map(|w| w.strip_prefix("until="))
        .ok_or(format!("the waiver for {rule} has no until=YYYY-MM-DD"))?;
    let until = Date::parse(until).map_err(|e| format!("until: {e}"))?;
    let reason: Vec<&str> = words[1..].iter().filter(|w| !w.starts_with("until=")).copied().collect();
    if reason.is_empty() {
        return Err(format!("the waiver for {rule} has no reason"));
    }
    Ok((rule, reason.join(" "), until))
}

/// `metadata.entitle.ignore` (or CloudFormation `Metadata`) of the resource that
/// contains `pointer`.
fn metadata(
    lists: &HashMap<String, Vec<(Value, Position)>>,
    path: &str,
    pointer: &str,
    errors: &mut Vec<Error>,
) -> Vec<Inline> {
    let tokens: Vec<&str> = pointer.split('/').collect();
    let Some(end) = (1..tokens.len()).rev().find(|&i| matches!(tokens[i - 1], "resources" | "Resources")) else {
        return Vec::new();
    };
    let resource = tokens[..=end].join("/");
    let mut out = Vec::new();
    for key in ["metadata", "Metadata"] {
        let base = format!("{resource}/{key}/entitle/ignore");
        let Some(items) = lists.get(&base) else { continue };
        for (i, (item, position)) in items.iter().enumerate() {
            let at_pointer = format!("{base}/{i}");
            let location =
                Location { path: path.to_owned(), line: position.line, column: position.column, pointer: at_pointer };
            let field = |k: &str| item.get(k).and_then(Value::as_str).unwrap_or_default().to_owned();
            let words = [field("rule"), field("reason"), format!("until={}", field("until"))];
            let words: Vec<&str> =
                words.iter().map(String::as_str).filter(|w| !w.is_empty() && *w != "until=").collect();
            match parse(&words) {
                Ok((rule, reason, until)) => out.push(Inline { rule, reason, until, at: location }),
                Err(why) => errors.push(
                    Error::new(Phase::Config, ErrorKind::Config(format!("metadata waiver: {why}")))
                        .path(path)
                        .at(position.line, position.column),
                ),
            }
        }
    }
    out
}
