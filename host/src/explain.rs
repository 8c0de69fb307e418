//! `entitle explain`: what a rule checks and why, what its policy reads, the catalog rows
//! behind it (with their sources and confidence) and an example finding with its fix from
//! the policy's own golden cases. Everything comes from the policies' metadata, the
//! catalog and the cases: the host holds no copy of any rule's text.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use entitle_sdk::RuleMetadata;
use serde_json::Value;

use crate::catalog::LoadedCatalog;
use crate::escape::text as esc;
use crate::report::{HOST_POLICY, host_rules};
use crate::runtime::Policy;

/// Every rule the loaded policies declare, with entitle's own: `(policy, rule)`, sorted by rule id.
pub fn rules(policies: &[Policy]) -> Vec<(String, RuleMetadata)> {
    let mut all: Vec<(String, RuleMetadata)> = policies
        .iter()
        .flat_map(|p| p.metadata.rules.iter().map(move |r| (p.id().to_owned(), r.clone())))
        .chain(host_rules().into_iter().map(|r| (HOST_POLICY.to_owned(), r)))
        .collect();
    all.sort_by(|a, b| (&a.1.id, &a.0).cmp(&(&b.1.id, &b.0)));
    all
}

/// `entitle explain --list`: one line per rule: id, severity, policy, title.
pub fn list(policies: &[Policy]) -> String {
    let rules = rules(policies);
    let width = rules.iter().map(|(_, r)| r.id.chars().count()).max().unwrap_or(0);
    let policy_width = rules.iter().map(|(p, _)| p.chars().count()).max().unwrap_or(0);
    let mut out = String::new();
    for (policy, r) in &rules {
        let (id, title) = (esc(&r.id), esc(&r.title));
        let _ = writeln!(out, "{id:width$}  {:<7}  {:policy_width$}  {title}", r.severity.as_str(), esc(policy));
    }
    out
}

/// `entitle explain RULE`; `None` when no loaded policy declares the rule. `rows` lists
/// every catalog row, not only the counts and sources per table.
pub fn explain(rule: &str, policies: &[Policy], catalog: &LoadedCatalog, rows: bool) -> Option<String> {
    let (policy_id, meta) = rules(policies).into_iter().find(|(_, r)| r.id == rule)?;
    let policy = policies.iter().find(|p| p.id() == policy_id);
    let mut out = String::new();
    let _ = writeln!(out, "{} — {}", esc(&meta.id), esc(&meta.title));
    let _ = writeln!(out, "severity: {}", meta.severity.as_str());
    match policy {
        Some(p) => {
            let (id, version, origin) = (esc(p.id()), esc(&p.metadata.version), esc(&p.origin));
            let _ = writeln!(out, "policy:   {id} {version} ({origin})");
        }
        None => {
            let _ = writeln!(out, "policy:   {HOST_POLICY} {} (reported by entitle itself)", env!("CARGO_PKG_VERSION"));
        }
    }
    if let Some(url) = &meta.help_url {
        let _ = writeln!(out, "more:     {}", esc(url));
    }
    let _ = writeln!(out, "\nWhy it matters\n  {}", esc(&meta.description));
    if let Some(p) = policy {
        reads(&mut out, p, catalog, rows);
    }
    match policy.filter(|p| p.origin.starts_with("builtin:")).and_then(|p| example(p.id(), rule)) {
        Some((case, finding)) => {
            let field = |k: &str| finding.get(k).and_then(Value::as_str).unwrap_or_default().to_owned();
            let _ = writeln!(out, "\nExample (from the policy's golden case {})", esc(case));
            let _ = writeln!(out, "  {}[{}] {}", esc(&field("severity")), esc(rule), esc(&field("message")));
            let _ = writeln!(out, "  resource: {}", esc(&field("resource")));
            if !field("fix").is_empty() {
                let _ = writeln!(out, "  fix: {}", esc(&field("fix")));
            }
        }
        None => {
            let _ = writeln!(out, "\nExample\n  (no golden case of this policy reports it)");
        }
    }
    Some(out)
}

/// What the policy reads: its catalog tables (their rows' confidence and sources), the
/// resource bodies or not, one input or the whole run.
fn reads(out: &mut String, p: &Policy, catalog: &LoadedCatalog, rows: bool) {
    let m = &p.metadata;
    let _ = writeln!(out, "\nWhat it reads");
    let scope = match m.scope {
        entitle_sdk::Scope::Run => "every input of the run at once",
        _ => "one input at a time",
    };
    let _ = writeln!(
        out,
        "  the deployment model ({scope}){}",
        if m.reads_properties { ", with resource bodies" } else { "" }
    );
    if !m.workload_fields.is_empty() {
        let fields: Vec<String> = m.workload_fields.iter().map(|f| esc(f).into_owned()).collect();
        let _ =
            writeln!(out, "  workload fields: {} (besides id, kind, provider, resource, source)", fields.join(", "));
    }
    let tables: Vec<String> = if m.catalog.is_empty() {
        entitle_sdk::catalog::CATALOG_TABLES.iter().map(|t| (*t).to_owned()).collect()
    } else {
        m.catalog.clone()
    };
    let _ = writeln!(
        out,
        "  catalog tables: {}",
        tables.iter().map(|t| esc(t).into_owned()).collect::<Vec<_>>().join(", ")
    );
    let version = esc(&catalog.catalog.version);
    let _ = writeln!(out, "\nCatalog rows it uses (catalog {version}, {})", esc(&catalog.origin));
    for table in &tables {
        let value = serde_json::to_value(catalog.catalog.subset(std::slice::from_ref(table))).unwrap_or(Value::Null);
        let mut found = Vec::new();
        collect_rows(&value, &mut found);
        let mut by_confidence: BTreeMap<&str, usize> = BTreeMap::new();
        let mut sources: BTreeMap<&str, usize> = BTreeMap::new();
        for (_, confidence, source) in &found {
            *by_confidence.entry(confidence).or_default() += 1;
            *sources.entry(source).or_default() += 1;
        }
        let counts: Vec<String> = by_confidence.iter().map(|(c, n)| format!("{n} {}", esc(c))).collect();
        let _ = writeln!(out, "  {}: {} rows ({})", esc(table), found.len(), counts.join(", "));
        if rows {
            for (label, confidence, source) in &found {
                let _ = writeln!(out, "    {} — {}, {}", esc(label), esc(confidence), esc(source));
            }
        } else {
            for (source, n) in &sources {
                let _ = writeln!(out, "    {n:>3} from {}", esc(source));
            }
        }
    }
}

/// Catalog rows: objects that carry a `confidence`, as (a label of their other scalar
/// fields, confidence, source).
fn collect_rows<'a>(value: &'a Value, found: &mut Vec<(String, &'a str, &'a str)>) {
    match value {
        Value::Object(map) => match map.get("confidence").and_then(Value::as_str) {
            Some(confidence) => {
                let source =
                    map.get("source").and_then(Value::as_str).filter(|s| !s.is_empty()).unwrap_or("(no source given)");
                let label: Vec<String> = map
                    .iter()
                    .filter(|(k, _)| !matches!(k.as_str(), "source" | "confidence" | "note" | "description"))
                    .filter_map(|(k, v)| match v {
                        Value::String(s) => Some(format!("{k} {s}")),
                        Value::Number(n) => Some(format!("{k} {n}")),
                        Value::Bool(b) => Some(format!("{k} {b}")),
                        _ => None,
                    })
                    .take(4)
                    .collect();
                found.push((label.join(", "), confidence, source));
            }
            None => map.values().for_each(|v| collect_rows(v, found)),
        },
        Value::Array(items) => items.iter().for_each(|v| collect_rows(v, found)),
        _ => {}
    }
}

/// The first finding of `rule` by `policy` in the built-in golden cases (sorted by file).
fn example(policy: &str, rule: &str) -> Option<(&'static str, Value)> {
    crate::BUILTIN_CASES.iter().find_map(|(case, text)| {
        let expected: Value = serde_json::from_str(text).ok()?;
        let findings = expected.get("findings")?.as_array()?;
        let hit = findings.iter().find(|f| f["rule"] == rule && f["policy"] == policy)?;
        Some((case.trim_end_matches(".expected.json"), hit.clone()))
    })
}
