//! Azure Resource Manager templates: virtual machines and scale sets with literal
//! image references, plans, licence types and counts.
//!
//! Values written as ARM expressions (`[parameters('sku')]`) are not evaluated yet:
//! each becomes unknown with the expression as the reason, never a guess.

use entitle_sdk::model::{BillingModel, Plan};
use entitle_sdk::{Catalog, Workload};
use serde_json::Value;

use super::{apply_azure_image, source};
use crate::Error;
use crate::classify::AzureImage;
use crate::document::{Document, escape_token};

const VM: &str = "microsoft.compute/virtualmachines";
const VMSS: &str = "microsoft.compute/virtualmachinescalesets";

/// Every VM and scale set in the template's `resources` (array, or the object form of
/// languageVersion 2.0), including child resources.
pub fn workloads(path: &str, doc: &Document, catalog: &Catalog) -> Result<Vec<Workload>, Error> {
    let mut out = Vec::new();
    if let Some(resources) = doc.value.get("resources") {
        collect(path, "/resources", resources, catalog, &mut out);
    }
    dedupe_ids(&mut out);
    Ok(out)
}

fn collect(path: &str, pointer: &str, resources: &Value, catalog: &Catalog, out: &mut Vec<Workload>) {
    let entries: Vec<(String, &Value)> = match resources {
        Value::Array(items) => items.iter().enumerate().map(|(i, r)| (format!("{pointer}/{i}"), r)).collect(),
        Value::Object(map) => map.iter().map(|(k, r)| (format!("{pointer}/{}", escape_token(k)), r)).collect(),
        _ => return,
    };
    for (at, resource) in entries {
        let ty = resource.get("type").and_then(Value::as_str).unwrap_or("").to_ascii_lowercase();
        let skipped = resource.get("existing").and_then(Value::as_bool) == Some(true)
            || resource.get("condition").and_then(Value::as_bool) == Some(false);
        if (ty == VM || ty == VMSS) && !skipped {
            out.push(workload(path, &at, resource, ty == VMSS, catalog));
        }
        if let Some(children) = resource.get("resources") {
            collect(path, &format!("{at}/resources"), children, catalog, out);
        }
    }
}

/// A literal string, or the reason it is not one.
enum Field<'a> {
    Literal(&'a str),
    Unknown(String),
    Absent,
}

fn field<'a>(value: Option<&'a Value>) -> Field<'a> {
    match value {
        None | Some(Value::Null) => Field::Absent,
        Some(Value::String(s)) if is_expression(s) => {
            Field::Unknown(format!("ARM expression `{s}` is not evaluated yet"))
        }
        Some(Value::String(s)) => Field::Literal(s),
        Some(other) => Field::Unknown(format!("expected a string, found `{other}`")),
    }
}

/// `[...]` is an expression; `[[...` is an escaped literal `[`.
fn is_expression(s: &str) -> bool {
    s.starts_with('[') && s.ends_with(']') && !s.starts_with("[[")
}

fn unescape(s: &str) -> String {
    s.strip_prefix("[[").map(|rest| format!("[{rest}")).unwrap_or_else(|| s.to_owned())
}

/// Where a walk down an object path stopped.
enum Walk<'a> {
    Found(&'a Value),
    Expression(String, String),
    Missing(String),
}

/// Follows `keys` from `value` (at `pointer`), stopping at an expression or a gap.
fn walk<'a>(value: &'a Value, pointer: &str, keys: &[&str]) -> Walk<'a> {
    let (mut cursor, mut at) = (value, pointer.to_owned());
    for key in keys {
        at = format!("{at}/{}", escape_token(key));
        match cursor.get(key) {
            Some(Value::String(s)) if is_expression(s) => return Walk::Expression(at, s.clone()),
            Some(next) => cursor = next,
            None => return Walk::Missing(at),
        }
    }
    Walk::Found(cursor)
}

fn workload(path: &str, at: &str, resource: &Value, scale_set: bool, catalog: &Catalog) -> Workload {
    let name = resource.get("name").and_then(Value::as_str).unwrap_or("<unnamed>");
    let ty = resource.get("type").and_then(Value::as_str).unwrap_or("");
    let mut w = Workload {
        id: format!("{ty}/{name}"),
        kind: if scale_set { "scale_set" } else { "vm" }.to_owned(),
        provider: "azure".to_owned(),
        resource: format!("{ty}/{name}"),
        source: source(path, at),
        ..Workload::default()
    };
    let profile: &[&str] = if scale_set { &["properties", "virtualMachineProfile"] } else { &["properties"] };
    let image_keys = [profile, &["storageProfile", "imageReference"]].concat();
    let image_at = format!("{at}/{}", image_keys.join("/"));
    let mut literals = AzureImage { publisher: None, offer: None, sku: None, version: None };
    match walk(resource, at, &image_keys) {
        Walk::Found(image) => image_fields(&mut w, path, &image_at, image, &mut literals),
        Walk::Expression(pointer, expr) => {
            unknown(&mut w, "image", path, &pointer, format!("ARM expression `{expr}` is not evaluated yet"))
        }
        Walk::Missing(pointer) => {
            let create_keys = [profile, &["storageProfile", "osDisk", "createOption"]].concat();
            let reason = match walk(resource, at, &create_keys) {
                Walk::Found(Value::String(c)) if c.eq_ignore_ascii_case("attach") => {
                    "the OS disk is attached (createOption Attach), so its image is not visible"
                }
                _ => "the resource has no imageReference",
            };
            unknown(&mut w, "image", path, &pointer, reason.to_owned());
        }
    }
    w.image.reference = w.image.urn();
    classify(&mut w, &image_at, path, literals, catalog);
    plan(&mut w, path, at, resource);
    let license_keys = [profile, &["licenseType"]].concat();
    license(&mut w, path, at, resource, &license_keys);
    count(&mut w, path, at, resource, scale_set);
    if let Field::Literal(location) = field(resource.get("location")) {
        w.region = Some(location.to_owned());
        w.provenance.insert("region".into(), source(path, &format!("{at}/location")));
    }
    w
}

fn unknown(w: &mut Workload, field: &str, path: &str, pointer: &str, reason: String) {
    w.unknown.insert(field.to_owned(), reason);
    w.provenance.insert(field.to_owned(), source(path, pointer));
}

/// Reads publisher, offer, sku, version and id of a literal `imageReference`.
fn image_fields<'a>(w: &mut Workload, path: &str, image_at: &str, image: &'a Value, literals: &mut AzureImage<'a>) {
    for key in ["publisher", "offer", "sku", "version"] {
        let pointer = format!("{image_at}/{key}");
        let name = format!("image.{key}");
        match field(image.get(key)) {
            Field::Literal(s) => {
                w.provenance.insert(name, source(path, &pointer));
                let slot = match key {
                    "publisher" => (&mut literals.publisher, &mut w.image.publisher),
                    "offer" => (&mut literals.offer, &mut w.image.offer),
                    "sku" => (&mut literals.sku, &mut w.image.sku),
                    _ => (&mut literals.version, &mut w.image.version),
                };
                *slot.0 = Some(s);
                *slot.1 = Some(unescape(s));
            }
            Field::Unknown(reason) => unknown(w, &name, path, &pointer, reason),
            Field::Absent => {}
        }
    }
    let id_at = format!("{image_at}/id");
    match field(image.get("id")) {
        Field::Literal(id) => {
            w.image.id = Some(unescape(id));
            w.provenance.insert("image.id".into(), source(path, &id_at));
            let reason = "a custom or gallery image; its lineage is not visible".to_owned();
            unknown(w, "os.product", path, &id_at, reason);
        }
        Field::Unknown(reason) => unknown(w, "image.id", path, &id_at, reason),
        Field::Absent => {}
    }
}

fn classify(w: &mut Workload, image_at: &str, path: &str, image: AzureImage<'_>, catalog: &Catalog) {
    if image.publisher.is_none() && image.offer.is_none() && image.sku.is_none() {
        let explained = w.unknown.keys().any(|k| k == "image" || k.starts_with("image."));
        if !explained && w.image.id.is_none() {
            w.unknown.insert("image".into(), "the image reference has no publisher, offer or sku".into());
        }
        return;
    }
    let (sku, offer) = (source(path, &format!("{image_at}/sku")), source(path, &format!("{image_at}/offer")));
    apply_azure_image(w, &image, catalog, sku, offer);
}

fn plan(w: &mut Workload, path: &str, at: &str, resource: &Value) {
    match resource.get("plan") {
        None | Some(Value::Null) => {}
        Some(Value::String(s)) => {
            w.unknown.insert("image.plan".into(), format!("ARM expression `{s}` is not evaluated yet"));
            w.provenance.insert("image.plan".into(), source(path, &format!("{at}/plan")));
        }
        Some(plan) => {
            let get = |k: &str| match field(plan.get(k)) {
                Field::Literal(s) => Some(unescape(s)),
                _ => None,
            };
            w.image.plan = Some(Plan { name: get("name"), publisher: get("publisher"), product: get("product") });
            w.provenance.insert("image.plan".into(), source(path, &format!("{at}/plan")));
        }
    }
}

fn license(w: &mut Workload, path: &str, at: &str, resource: &Value, keys: &[&str]) {
    let pointer = format!("{at}/{}", keys.join("/"));
    let value = match walk(resource, at, keys) {
        Walk::Found(v) => field(Some(v)),
        Walk::Expression(_, expr) => Field::Unknown(format!("ARM expression `{expr}` is not evaluated yet")),
        Walk::Missing(_) => Field::Absent,
    };
    match value {
        Field::Literal(value) => {
            w.billing.license_type = Some(value.to_owned());
            w.provenance.insert("billing.license_type".into(), source(path, &pointer));
            let upper = value.to_ascii_uppercase();
            if upper == "RHEL_BYOS" {
                w.billing.model = BillingModel::Byos;
                w.evidence.push(format!("licenseType {value} switches billing to BYOS (Azure Hybrid Benefit)"));
                w.provenance.insert("billing.model".into(), source(path, &pointer));
            } else if upper.starts_with("RHEL_") {
                w.billing.model = BillingModel::Payg;
                w.evidence.push(format!("licenseType {value} bills RHEL through Azure (Azure Hybrid Benefit)"));
                w.provenance.insert("billing.model".into(), source(path, &pointer));
            }
        }
        Field::Unknown(reason) => {
            w.unknown.insert("billing.license_type".into(), reason);
            w.provenance.insert("billing.license_type".into(), source(path, &pointer));
        }
        Field::Absent => {}
    }
}

fn count(w: &mut Workload, path: &str, at: &str, resource: &Value, scale_set: bool) {
    let mut total: Option<u64> = Some(1);
    let mut factor = |value: Option<&Value>, pointer: String, what: &str, w: &mut Workload| match value {
        None => {}
        Some(Value::Number(n)) if n.as_u64().is_some() => {
            total = total.map(|t| t * n.as_u64().unwrap_or(1));
            w.provenance.insert("count".into(), source(path, &pointer));
        }
        Some(other) => {
            total = None;
            let shown = other.as_str().map(str::to_owned).unwrap_or_else(|| other.to_string());
            w.unknown.insert("count".into(), format!("{what} `{shown}` is not evaluated yet"));
            w.provenance.insert("count".into(), source(path, &pointer));
        }
    };
    factor(resource.pointer("/copy/count"), format!("{at}/copy/count"), "copy count", w);
    if scale_set {
        factor(resource.pointer("/sku/capacity"), format!("{at}/sku/capacity"), "scale set capacity", w);
    }
    w.count = total;
}

/// Ids must be unique within an input: suffix repeats with their position.
fn dedupe_ids(workloads: &mut [Workload]) {
    let mut seen = std::collections::BTreeMap::<String, usize>::new();
    for w in workloads.iter() {
        *seen.entry(w.id.clone()).or_default() += 1;
    }
    for w in workloads.iter_mut() {
        if seen[&w.id] > 1 {
            w.id = format!("{}@{}", w.id, w.source.pointer);
        }
    }
}
