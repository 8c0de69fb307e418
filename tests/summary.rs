//! What a golden file records of a checked tree: per input its format and workloads
//! (image, OS, billing, plan, count, unknowns, alternatives, boot entries), and the
//! findings and errors located in it — everything relative to the tree's root. Tags and
//! properties (and their unknowns) are not recorded: their own tests cover them.

use std::collections::BTreeMap;
use std::path::Path;

use entitle::{CacheMode, CheckOptions, Checker, LoadedCatalog, Runtime, RuntimeOptions};
use entitle_sdk::Workload;
use serde_json::{Value, json};

/// Checks everything under `root` as of 2026-11-25 with the built-in policies and
/// returns one summary per input file, keyed by its path relative to `root`.
pub fn check_tree(root: &Path) -> BTreeMap<String, Value> {
    check_tree_with(root, &entitle::ReadOptions::default())
}

/// [`check_tree`] with read options (Terraform variables, parameters files).
pub fn check_tree_with(root: &Path, read: &entitle::ReadOptions) -> BTreeMap<String, Value> {
    let (whole, prefix) = (root.display().to_string(), format!("{}/", root.display()));
    // The root itself is `.` (a Terraform module directory given as the tree is one input).
    let relative = |p: &str| if p == whole { ".".to_owned() } else { p.strip_prefix(&prefix).unwrap_or(p).to_owned() };
    let cache = std::env::temp_dir().join("entitle-tests-cache");
    let runtime = Runtime::new(RuntimeOptions { cache: CacheMode::Dir(cache), ..RuntimeOptions::default() }).unwrap();
    let (policies, load_errors) = entitle::load_policies(&runtime, true, &[]);
    assert!(load_errors.is_empty(), "{load_errors:?}");
    let checker = Checker { runtime, policies, catalog: LoadedCatalog::builtin() };
    let (files, errors) = entitle::discover(&[root.to_path_buf()]);
    let mut read_errors = Vec::new();
    let loaded = entitle::read_all(&files, &checker.catalog.catalog, read, 2, &mut read_errors);
    let mut out: BTreeMap<String, Value> = BTreeMap::new();
    for input in &loaded {
        out.insert(
            relative(&input.path),
            json!({
                "format": input.format.map(|f| f.name()),
                "skipped": input.skipped,
                "read_with": input.read_with.as_deref().map(relative),
                "workloads": input.workloads.iter().map(|w| workload(w, &relative)).collect::<Vec<_>>(),
                "findings": [],
                "errors": [],
            }),
        );
    }
    let options = CheckOptions { jobs: 2, read: read.clone(), ..CheckOptions::new("2026-11-25".parse().unwrap()) };
    let report = checker.check(&files, errors, &options);
    for f in &report.findings {
        let entry = out.entry(relative(&f.location.path)).or_insert_with(|| json!({"findings": [], "errors": []}));
        entry["findings"].as_array_mut().unwrap().push(json!({
            "rule": f.rule,
            "severity": f.severity,
            "at": format!("{}:{}", f.location.line, f.location.column),
            "pointer": f.location.pointer,
            "trail": f.trail.iter().map(|l| format!("{}:{}:{}", relative(&l.path), l.line, l.column)).collect::<Vec<_>>(),
            "alternative": f.alternative,
            "resource": f.resource,
            "message": f.message,
        }));
    }
    for e in &report.errors {
        let key = e.path.as_deref().map(relative).unwrap_or_default();
        let entry = out.entry(key).or_insert_with(|| json!({"findings": [], "errors": []}));
        entry["errors"].as_array_mut().unwrap().push(json!({"phase": e.phase, "line": e.line, "message": e.message}));
    }
    out
}

fn workload(w: &Workload, relative: &dyn Fn(&str) -> String) -> Value {
    let release = |product: &Option<String>, major: Option<u32>, minor: Option<u32>| -> Option<String> {
        let product = product.as_ref()?;
        Some(match (major, minor) {
            (Some(a), Some(b)) => format!("{product} {a}.{b}"),
            (Some(a), None) => format!("{product} {a}"),
            _ => product.clone(),
        })
    };
    let alternatives: Vec<Value> = w
        .alternatives
        .iter()
        .map(|a| {
            json!({
                "when": a.when,
                "image": a.image.urn().or_else(|| a.image.id.clone()),
                "plan": a.image.plan,
                "os": release(&a.os.product, a.os.major, a.os.minor),
                "billing": a.billing.model,
            })
        })
        .collect();
    json!({
        "id": w.id,
        "kind": w.kind,
        "at": format!("{}:{}", relative(&w.source.path), w.source.line.unwrap_or(0)),
        "image": w.image.reference.clone().or_else(|| w.image.id.clone()),
        "image_at": w.provenance.get("image.sku").or(w.provenance.get("image")).map(|s| format!("{}:{}", relative(&s.path), s.line.unwrap_or(0))),
        "plan": w.image.plan,
        "license_type": w.billing.license_type,
        "os": release(&w.os.product, w.os.major, w.os.minor).or_else(|| w.os.vendor.clone()),
        "stream": w.os.stream,
        "billing": w.billing.model,
        "count": w.count,
        "unknown": w.unknown.iter().filter(|(k, _)| !is_tag_or_property(k)).collect::<BTreeMap<_, _>>(),
        "alternatives": alternatives,
        "boot": w.boot.iter().map(|b| json!({"kind": b.kind, "type": b.extension_type, "text": b.text, "unknown": b.unknown})).collect::<Vec<_>>(),
        "registration": w.registration.iter().map(|r| json!({"action": r.action, "text": r.text, "at": format!("{}:{}", relative(&r.source.path), r.source.line.unwrap_or(0))})).collect::<Vec<_>>(),
    })
}

/// A field of the tags or properties, which the summary does not record.
fn is_tag_or_property(field: &str) -> bool {
    ["tags", "properties"]
        .iter()
        .any(|p| field == *p || field.strip_prefix(p).is_some_and(|rest| rest.starts_with('.')))
}
