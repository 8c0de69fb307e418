//! SARIF 2.1.0 output (`--format sarif`), for code-scanning dashboards (GitHub code
//! scanning, Azure DevOps, IDE viewers): one run, the rules of the loaded policies,
//! one result per finding (suppressed ones marked as such), and what could not be
//! checked as tool-execution notifications.

use entitle_sdk::Severity;
use serde_json::{Map, Value, json};

use super::{Finding, Location, Report, ReportError, SuppressionKind};

/// The SARIF schema this output follows.
const SCHEMA: &str = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// Renders the report as one SARIF 2.1.0 log (pretty JSON, newline-terminated).
pub fn render_sarif(report: &Report) -> String {
    let rules: Vec<Value> = report
        .rules
        .iter()
        .map(|(policy, rule)| {
            let mut d = json!({
                "id": rule.id,
                "name": pascal_case(&rule.title),
                "shortDescription": {"text": rule.title},
                "fullDescription": {"text": rule.description},
                "help": {"text": rule.description},
                "defaultConfiguration": {"level": level(rule.severity)},
                "properties": {"policy": policy},
            });
            if let Some(url) = &rule.help_url {
                d["helpUri"] = json!(url);
            }
            d
        })
        .collect();
    let results: Vec<Value> = report.findings.iter().map(|f| result(report, f)).collect();
    let mut notifications: Vec<Value> = report.errors.iter().map(notification).collect();
    notifications.extend(report.inputs.iter().filter_map(not_checked));
    let mut properties = json!({
        "asOf": report.as_of,
        "catalogVersion": report.catalog.version,
        "catalogSha256": report.catalog.sha256,
        "policies": report.policies,
    });
    if let Some(config) = &report.config {
        properties["config"] = json!(config);
    }
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": report.tool.name,
                "version": report.tool.version,
                "semanticVersion": report.tool.version,
                "rules": rules,
            }},
            "invocations": [{
                "executionSuccessful": report.errors.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
            "columnKind": "unicodeCodePoints",
            "properties": properties,
        }],
    });
    let mut text = serde_json::to_string_pretty(&log).expect("the SARIF log serialises");
    text.push('\n');
    crate::escape::json_document(text)
}

/// SARIF `level` for a severity.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn result(report: &Report, f: &Finding) -> Value {
    let mut text = f.message.clone();
    if let Some(fix) = &f.fix {
        text.push_str("\nFix: ");
        text.push_str(fix);
    }
    let mut properties = Map::new();
    properties.insert("policy".into(), json!(f.policy));
    properties.insert("resource".into(), json!(f.resource));
    properties.insert("workload".into(), json!(f.workload));
    properties.insert("field".into(), json!(f.field));
    properties.insert("pointer".into(), json!(f.location.pointer));
    if let Some(alternative) = &f.alternative {
        properties.insert("alternative".into(), json!(alternative));
    }
    properties.insert("evidence".into(), json!(f.evidence));
    let mut r = json!({
        "ruleId": f.rule,
        "level": level(f.severity),
        "message": {"text": text},
        "locations": [location(&f.location)],
        "partialFingerprints": {"entitle/v1": f.fingerprint},
        "properties": properties,
    });
    let index = (report.rules.iter().position(|(p, r)| *p == f.policy && r.id == f.rule))
        .or_else(|| report.rules.iter().position(|(_, r)| r.id == f.rule));
    if let Some(index) = index {
        r["ruleIndex"] = json!(index);
    }
    if !f.trail.is_empty() {
        // A choice's trail is the choice's own: say so, so it is not read as the default's.
        let text = match &f.alternative {
            Some(when) => format!("value from here, if deployed with {when}"),
            None => "value from here".to_owned(),
        };
        let related: Vec<Value> = f
            .trail
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let mut related = location(l);
                related["id"] = json!(i + 1);
                related["message"] = json!({"text": text});
                related
            })
            .collect();
        r["relatedLocations"] = json!(related);
    }
    // An empty list says "checked, not suppressed"; an absent one would say "unknown".
    r["suppressions"] = match &f.suppression {
        None => json!([]),
        Some(s) => {
            let mut suppression = json!({
                "kind": if s.kind == SuppressionKind::Inline { "inSource" } else { "external" },
                "status": "accepted",
                "justification": s.reason,
            });
            if let Some(l) = &s.location {
                suppression["location"] = location(l);
            }
            let mut bag = Map::new();
            bag.insert("source".into(), json!(s.kind));
            for (key, value) in [("owner", &s.owner), ("ticket", &s.ticket)] {
                if let Some(value) = value {
                    bag.insert(key.into(), json!(value));
                }
            }
            if let Some(expires) = s.expires {
                bag.insert("expires".into(), json!(expires));
            }
            suppression["properties"] = Value::Object(bag);
            json!([suppression])
        }
    };
    r
}

/// A note for an input that was not checked (a source format entitle does not read), with why.
fn not_checked(input: &super::InputInfo) -> Option<Value> {
    let why = input.skipped.as_ref()?;
    Some(json!({
        "level": "note",
        "message": {"text": format!("not checked: {why}")},
        "descriptor": {"id": "entitle:not-checked"},
        "locations": [{"physicalLocation": {"artifactLocation": artifact(&input.path)}}],
    }))
}

fn notification(e: &ReportError) -> Value {
    let mut n = json!({"level": "error", "message": {"text": e.message}});
    let mut bag = Map::new();
    bag.insert("phase".into(), json!(e.phase));
    if let Some(policy) = &e.policy {
        bag.insert("policy".into(), json!(policy));
    }
    if let Some(pointer) = &e.pointer {
        bag.insert("pointer".into(), json!(pointer));
    }
    n["properties"] = Value::Object(bag);
    if let Some(path) = &e.path {
        let mut physical = json!({"artifactLocation": artifact(path)});
        if let Some(line) = e.line.filter(|&l| l >= 1) {
            physical["region"] = json!({"startLine": line});
            if let Some(column) = e.column.filter(|&c| c >= 1) {
                physical["region"]["startColumn"] = json!(column);
            }
        }
        n["locations"] = json!([{"physicalLocation": physical}]);
    }
    n
}

/// A SARIF `location` for a place in a file (no region when the line is unknown).
fn location(l: &Location) -> Value {
    let mut physical = json!({"artifactLocation": artifact(&l.path)});
    if l.line >= 1 {
        physical["region"] = json!({"startLine": l.line});
        if l.column >= 1 {
            physical["region"]["startColumn"] = json!(l.column);
        }
    }
    json!({"physicalLocation": physical})
}

/// An `artifactLocation`: relative paths stay relative to `%SRCROOT%`; absolute ones
/// become `file:` URIs. Separators become `/`, and anything a URI cannot hold is
/// percent-encoded.
fn artifact(path: &str) -> Value {
    let slashed = path.replace('\\', "/");
    let bytes = slashed.as_bytes();
    let drive = bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':';
    if drive && (bytes.len() == 2 || bytes[2] == b'/') {
        json!({"uri": format!("file:///{}", encode(&slashed, true))})
    } else if let Some(unc) = slashed.strip_prefix("//") {
        json!({"uri": format!("file://{}", encode(unc, true))})
    } else if slashed.starts_with('/') {
        json!({"uri": format!("file://{}", encode(&slashed, true))})
    } else {
        let mut relative = slashed.as_str();
        while let Some(rest) = relative.strip_prefix("./") {
            relative = rest;
        }
        // A colon is encoded in relative references so `a:b/c` is not read as a scheme.
        json!({"uri": encode(relative, false), "uriBaseId": "%SRCROOT%"})
    }
}

/// Percent-encodes every byte that is not an RFC 3986 path character.
fn encode(path: &str, keep_colon: bool) -> String {
    let mut out = String::with_capacity(path.len());
    for &b in path.as_bytes() {
        let plain = b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=@/".contains(&b) || (keep_colon && b == b':');
        if plain {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `A waiver has expired` → `AWaiverHasExpired` (SARIF's rule `name` convention).
fn pascal_case(title: &str) -> String {
    title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            let first = chars.next().map(|c| c.to_uppercase().collect::<String>()).unwrap_or_default();
            first + chars.as_str()
        })
        .collect()
}
