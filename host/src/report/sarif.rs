//! SARIF 2.1.0 output (`--format sarif`), for code-scanning dashboards (GitHub code
//! scanning, Azure DevOps, IDE viewers): one run, the rules of the loaded policies,
//! one result per finding (suppressed ones marked as such), and what could not be
//! checked as tool-execution notifications. The log is built from serde-sarif's typed
//! structures (generated from the OASIS schema), so a misspelt or misplaced property does
//! not compile.

use std::collections::BTreeMap;

use entitle_sdk::Severity;
use serde_json::{Value, json};
use serde_sarif::sarif as s;

use super::{Finding, Location, Report, ReportError, SuppressionKind};

/// The SARIF schema this output follows.
const SCHEMA: &str = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// Renders the report as one SARIF 2.1.0 log (pretty JSON, newline-terminated, keys sorted).
pub fn render_sarif(report: &Report) -> String {
    let rules: Vec<s::ReportingDescriptor> =
        report.rules.iter().map(|(policy, rule)| descriptor(policy, rule)).collect();
    let results: Vec<s::Result> = report.findings.iter().map(|f| result(report, f)).collect();
    let mut notifications: Vec<s::Notification> = report.errors.iter().map(notification).collect();
    notifications.extend(report.inputs.iter().filter_map(not_checked));
    let mut properties = BTreeMap::from([
        ("asOf".to_owned(), json!(report.as_of)),
        ("catalogVersion".to_owned(), json!(report.catalog.version)),
        ("catalogSha256".to_owned(), json!(report.catalog.sha256)),
        ("policies".to_owned(), json!(report.policies)),
    ]);
    if let Some(config) = &report.config {
        properties.insert("config".into(), json!(config));
    }
    let mut driver = s::ToolComponent::builder().name(report.tool.name).rules(rules).build();
    driver.version = Some(report.tool.version.to_owned());
    driver.semantic_version = Some(report.tool.version.to_owned());
    let invocation = s::Invocation::builder()
        .execution_successful(report.errors.is_empty())
        .tool_execution_notifications(notifications)
        .build();
    let run = s::Run::builder()
        .tool(driver)
        .invocations(vec![invocation])
        .results(results)
        .column_kind(json!(s::ResultColumnKind::UnicodeCodePoints))
        .properties(bag(properties))
        .build();
    let log = s::Sarif::builder().schema(SCHEMA).version(json!(s::Version::V2_1_0)).runs(vec![run]).build();
    // Through a `Value`, whose objects sort their keys: the same bytes for the same report.
    let value = serde_json::to_value(&log).expect("the SARIF log serialises");
    let mut text = serde_json::to_string_pretty(&value).expect("the SARIF log serialises");
    text.push('\n');
    crate::escape::json_document(text)
}

/// A rule of a loaded policy.
fn descriptor(policy: &str, rule: &super::RuleMetadata) -> s::ReportingDescriptor {
    let mut d = s::ReportingDescriptor::builder()
        .id(&rule.id)
        .name(pascal_case(&rule.title))
        .short_description(&rule.title)
        .full_description(&rule.description)
        .help(&rule.description)
        .default_configuration(s::ReportingConfiguration::builder().level(json!(level(rule.severity))).build())
        .properties(bag(BTreeMap::from([("policy".to_owned(), json!(policy))])))
        .build();
    d.help_uri = rule.help_url.clone();
    d
}

/// SARIF `level` for a severity.
fn level(severity: Severity) -> s::ResultLevel {
    match severity {
        Severity::Error => s::ResultLevel::Error,
        Severity::Warning => s::ResultLevel::Warning,
        Severity::Info => s::ResultLevel::Note,
    }
}

/// A property bag of these properties.
fn bag(properties: BTreeMap<String, Value>) -> s::PropertyBag {
    s::PropertyBag::builder().additional_properties(properties).build()
}

fn result(report: &Report, f: &Finding) -> s::Result {
    let mut text = f.message.clone();
    if let Some(fix) = &f.fix {
        text.push_str("\nFix: ");
        text.push_str(fix);
    }
    let mut properties = BTreeMap::from([
        ("policy".to_owned(), json!(f.policy)),
        ("resource".to_owned(), json!(f.resource)),
        ("workload".to_owned(), json!(f.workload)),
        ("field".to_owned(), json!(f.field)),
        ("pointer".to_owned(), json!(f.location.pointer)),
        ("evidence".to_owned(), json!(f.evidence)),
    ]);
    if let Some(alternative) = &f.alternative {
        properties.insert("alternative".into(), json!(alternative));
    }
    let mut r = s::Result::builder()
        .rule_id(&f.rule)
        .level(level(f.severity))
        .message(text.as_str())
        .locations(vec![location(&f.location)])
        .partial_fingerprints(BTreeMap::from([("entitle/v1".to_owned(), f.fingerprint.clone())]))
        .properties(bag(properties))
        // An empty list says "checked, not suppressed"; an absent one would say "unknown".
        .suppressions(f.suppression.iter().map(suppression).collect::<Vec<_>>())
        .build();
    let index = (report.rules.iter().position(|(p, r)| *p == f.policy && r.id == f.rule))
        .or_else(|| report.rules.iter().position(|(_, r)| r.id == f.rule));
    r.rule_index = index.map(|i| i as i64);
    if !f.trail.is_empty() {
        // A choice's trail is the choice's own: say so, so it is not read as the default's.
        let text = match &f.alternative {
            Some(when) => format!("value from here, if deployed with {when}"),
            None => "value from here".to_owned(),
        };
        let related = f.trail.iter().enumerate().map(|(i, l)| {
            let mut related = location(l);
            related.id = Some(i as i64 + 1);
            related.message = Some(text.as_str().into());
            related
        });
        r.related_locations = Some(related.collect());
    }
    r
}

/// A waiver, baseline entry or inline comment that suppressed a finding.
fn suppression(s: &super::Suppression) -> s::Suppression {
    let mut bag_of = BTreeMap::from([("source".to_owned(), json!(s.kind))]);
    for (key, value) in [("owner", &s.owner), ("ticket", &s.ticket)] {
        if let Some(value) = value {
            bag_of.insert(key.into(), json!(value));
        }
    }
    if let Some(expires) = s.expires {
        bag_of.insert("expires".into(), json!(expires));
    }
    let kind =
        if s.kind == SuppressionKind::Inline { s::SupressionKind::InSource } else { s::SupressionKind::External };
    let mut out = s::Suppression::builder()
        .kind(json!(kind))
        .status(json!(s::SupressionStatus::Accepted))
        .justification(&s.reason)
        .properties(bag(bag_of))
        .build();
    out.location = s.location.as_ref().map(location);
    out
}

/// A note for an input that was not checked (a source format entitle does not read), with why.
fn not_checked(input: &super::InputInfo) -> Option<s::Notification> {
    let why = input.skipped.as_ref()?;
    let physical = s::PhysicalLocation::builder().artifact_location(artifact(&input.path)).build();
    let mut n = s::Notification::builder()
        .level(json!(s::ResultLevel::Note))
        .message(format!("not checked: {why}").as_str())
        .descriptor(s::ReportingDescriptorReference::builder().id("entitle:not-checked").build())
        .build();
    n.locations = Some(vec![s::Location::builder().physical_location(physical).build()]);
    Some(n)
}

fn notification(e: &ReportError) -> s::Notification {
    let mut properties = BTreeMap::from([("phase".to_owned(), json!(e.phase))]);
    if let Some(policy) = &e.policy {
        properties.insert("policy".into(), json!(policy));
    }
    if let Some(pointer) = &e.pointer {
        properties.insert("pointer".into(), json!(pointer));
    }
    let mut n = s::Notification::builder()
        .level(json!(s::ResultLevel::Error))
        .message(e.message.as_str())
        .properties(bag(properties))
        .build();
    if let Some(path) = &e.path {
        let line = e.line.filter(|&l| l >= 1);
        let region = line.map(|line| region(line, e.column.filter(|&c| c >= 1).unwrap_or(0)));
        let mut physical = s::PhysicalLocation::builder().artifact_location(artifact(path)).build();
        physical.region = region;
        n.locations = Some(vec![s::Location::builder().physical_location(physical).build()]);
    }
    n
}

/// A SARIF `location` for a place in a file (no region when the line is unknown).
fn location(l: &Location) -> s::Location {
    let mut physical = s::PhysicalLocation::builder().artifact_location(artifact(&l.path)).build();
    physical.region = (l.line >= 1).then(|| region(l.line, l.column));
    s::Location::builder().physical_location(physical).build()
}

/// A region starting at `line` (1-based), and at `column` when it is known (not 0).
fn region(line: u32, column: u32) -> s::Region {
    let mut region = s::Region::builder().start_line(i64::from(line)).build();
    region.start_column = (column >= 1).then_some(i64::from(column));
    region
}

/// An `artifactLocation`: relative paths stay relative to `%SRCROOT%`; absolute ones
/// become `file:` URIs. Separators become `/`, and anything a URI cannot hold is
/// percent-encoded.
fn artifact(path: &str) -> s::ArtifactLocation {
    let slashed = path.replace('\\', "/");
    let bytes = slashed.as_bytes();
    let drive = bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':';
    if drive && (bytes.len() == 2 || bytes[2] == b'/') {
        absolute(format!("file:///{}", encode(&slashed, true)))
    } else if let Some(unc) = slashed.strip_prefix("//") {
        absolute(format!("file://{}", encode(unc, true)))
    } else if slashed.starts_with('/') {
        absolute(format!("file://{}", encode(&slashed, true)))
    } else {
        let mut relative = slashed.as_str();
        while let Some(rest) = relative.strip_prefix("./") {
            relative = rest;
        }
        // A colon is encoded in relative references so `a:b/c` is not read as a scheme.
        s::ArtifactLocation::builder().uri(encode(relative, false)).uri_base_id("%SRCROOT%").build()
    }
}

fn absolute(uri: String) -> s::ArtifactLocation {
    s::ArtifactLocation::builder().uri(uri).build()
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
