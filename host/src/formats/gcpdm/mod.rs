//! Google Cloud Deployment Manager configurations (plain YAML, or the `expandedConfig` of a
//! deployment's manifest): `compute.*.instance` and `instanceTemplate` resources, their boot disk's
//! `initializeParams.sourceImage` (and disk `licenses`) classified by the one GCP image normaliser.
//! Jinja and Python templates are not data: [`TEMPLATE_SOURCE`] says what to pass instead.

use entitle_sdk::model::BootConfig;
use entitle_sdk::{Catalog, Workload};
use serde_json::Value;

use super::{Extracted, apply_classification_at, source};
use crate::classify::{GcpImage, classify_gcp, parse_gcp_image};
use crate::document::Document;

/// Why a Jinja or Python Deployment Manager template is not checked, and what to check instead.
pub const TEMPLATE_SOURCE: &str = "a Deployment Manager Jinja or Python template is not data until Deployment Manager expands it; check the expanded config instead (`gcloud deployment-manager manifests describe MANIFEST --deployment DEPLOYMENT --format='value(expandedConfig)' > expanded.yaml`)";

/// Why an instance template has no count.
const TEMPLATE_COUNT: &str = "an instance template runs no instance itself: its instances are counted where it is used";

/// True for a Deployment Manager configuration: a `resources` list whose entries have a `name`
/// and a `type` (and none of the ARM or CloudFormation markers).
pub fn detect(doc: &Document) -> bool {
    let Value::Object(top) = &doc.value else { return false };
    let Some(Value::Array(resources)) = top.get("resources") else { return false };
    !resources.is_empty()
        && !top.contains_key("contentVersion")
        && resources.iter().all(|r| {
            r.get("name").is_some_and(Value::is_string)
                && r.get("type").and_then(Value::as_str).is_some_and(|t| !t.trim().is_empty())
        })
}

/// True when the text of a `.jinja` / `.py` file met in a directory walk looks like a Deployment
/// Manager template (Jinja with `resources:`, Python with `GenerateConfig`).
pub fn looks_like_template(text: &str) -> bool {
    text.contains("resources:") || text.contains("def GenerateConfig") || text.contains("def generate_config")
}

/// The workloads of a configuration.
pub fn workloads(path: &str, doc: &Document, catalog: &Catalog) -> Extracted {
    let mut out = Extracted::default();
    let resources = doc.value.get("resources").and_then(Value::as_array).cloned().unwrap_or_default();
    for (i, r) in resources.iter().enumerate() {
        let (Some(name), Some(ty)) = (r.get("name").and_then(Value::as_str), r.get("type").and_then(Value::as_str))
        else {
            continue;
        };
        let at = format!("/resources/{i}");
        let kind = match ty.rsplit('.').next().unwrap_or_default() {
            _ if ty.ends_with(".jinja") || ty.ends_with(".py") => {
                out.notes.push(format!("resource {name} is of type {ty}: {TEMPLATE_SOURCE}"));
                continue;
            }
            "instance" if ty.starts_with("compute.") => "vm",
            "instanceTemplate" | "regionInstanceTemplate" if ty.starts_with("compute.") => "instance_template",
            _ => continue,
        };
        let props = if kind == "vm" { format!("{at}/properties") } else { format!("{at}/properties/properties") };
        let mut w = Workload {
            id: name.to_owned(),
            kind: kind.to_owned(),
            provider: "gcp".to_owned(),
            resource: format!("{ty}/{name}"),
            source: source(path, &at),
            ..Workload::default()
        };
        if kind == "vm" {
            w.count = Some(1);
            if let Some(zone) = doc.value.pointer(&format!("{props}/zone")).and_then(Value::as_str) {
                w.region = Some(zone.to_owned());
                w.provenance.insert("region".into(), source(path, &format!("{props}/zone")));
            }
        } else {
            w.unknown.insert("count".into(), TEMPLATE_COUNT.into());
        }
        boot_image(path, doc, &props, catalog, &mut w);
        machine_type(path, doc, &props, &mut w);
        startup_script(path, doc, &props, &mut w);
        let mut body = super::body::Node::json(r, path, &at);
        body.mark_strings(&deployment_reference);
        let labels =
            if kind == "vm" { &["properties", "labels"][..] } else { &["properties", "properties", "labels"][..] };
        super::body::tags(&mut w, labels.iter().try_fold(&body, |n, k| n.get(k)));
        super::body::record(&mut w, &body);
        out.workloads.push(w);
    }
    super::locate(&mut out.workloads, &[(path.to_owned(), doc)]);
    out
}

/// Why a value holding a Deployment Manager reference (`$(ref.net.selfLink)`) is not known.
fn deployment_reference(text: &str) -> Option<String> {
    text.contains("$(ref.").then(|| {
        "a reference to another resource's attribute ($(ref.…)), known when the deployment is created".to_owned()
    })
}

/// The machine type (a name or a `…/machineTypes/NAME` URL), unless it is filled in at
/// deployment (`$(ref.…)`, a template expression).
fn machine_type(path: &str, doc: &Document, props: &str, w: &mut Workload) {
    let at = format!("{props}/machineType");
    let Some(text) = doc.value.pointer(&at).and_then(Value::as_str) else { return };
    w.provenance.insert("instance.size".into(), source(path, &at));
    if text.contains("$(") || text.contains("{{") || text.contains("{%") {
        let why = format!("the machine type {text} is filled in when the deployment runs");
        w.unknown.insert("instance.size".into(), why);
        return;
    }
    crate::support::instance::set_size(w, text.rsplit('/').next().unwrap_or(text), None);
}

/// Classifies the boot disk (`boot: true`, else the first disk).
fn boot_image(path: &str, doc: &Document, props: &str, catalog: &Catalog, w: &mut Workload) {
    let disks = doc.value.pointer(&format!("{props}/disks")).and_then(Value::as_array).cloned().unwrap_or_default();
    let Some(boot) =
        disks.iter().position(|d| d.get("boot") == Some(&Value::Bool(true))).or((!disks.is_empty()).then_some(0))
    else {
        w.unknown.insert("image".into(), "no disk is declared".into());
        return;
    };
    let disk = format!("{props}/disks/{boot}");
    let image_at = format!("{disk}/initializeParams/sourceImage");
    let Some(reference) = doc.value.pointer(&image_at).and_then(Value::as_str) else {
        let why = match doc.value.pointer(&format!("{disk}/source")).and_then(Value::as_str) {
            Some(existing) => format!("the boot disk is the existing disk {existing}, whose image is not visible"),
            None => "the boot disk has no initializeParams.sourceImage".to_owned(),
        };
        w.unknown.insert("image".into(), why);
        w.provenance.insert("image".into(), source(path, &disk));
        return;
    };
    w.image.reference = Some(reference.to_owned());
    w.provenance.insert("image".into(), source(path, &image_at));
    if reference.contains("$(ref.") {
        let why = format!("{reference} refers to another resource of the deployment, resolved when it is deployed");
        w.unknown.insert("image".into(), why.clone());
        w.unknown.insert("os.product".into(), why);
        return;
    }
    let licences: Vec<&str> =
        disks[boot].get("licenses").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
    let parsed = parse_gcp_image(reference);
    let image = GcpImage { licenses: &licences, ..parsed };
    if image.project.is_none() && image.family.is_none() && image.name.is_none() {
        w.evidence.push(format!("{reference} is not an image reference the GCP normaliser reads"));
    }
    apply_classification_at(w, classify_gcp(&image, catalog), &source(path, &image_at), &[]);
}

/// `metadata.items[]` with key `startup-script` as a boot entry.
fn startup_script(path: &str, doc: &Document, props: &str, w: &mut Workload) {
    let items =
        doc.value.pointer(&format!("{props}/metadata/items")).and_then(Value::as_array).cloned().unwrap_or_default();
    for (i, item) in items.iter().enumerate() {
        if item.get("key").and_then(Value::as_str) != Some("startup-script") {
            continue;
        }
        w.boot.push(BootConfig {
            kind: "startup_script".into(),
            text: item.get("value").and_then(Value::as_str).map(str::to_owned),
            source: source(path, &format!("{props}/metadata/items/{i}/value")),
            ..BootConfig::default()
        });
    }
}

#[cfg(test)]
mod tests;
