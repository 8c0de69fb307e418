//! Front-ends: detect a document's format by its content and turn it into workloads.
//!
//! Each front-end records, for every field it fills, the JSON pointer the value came
//! from; [`locate`] then resolves every pointer to line and column, so policies never
//! deal with positions.

mod arm;
mod native;

use entitle_sdk::model::Source;
use entitle_sdk::{Catalog, Workload};
use serde_json::Value;

use crate::Error;
use crate::classify::{AzureImage, classify_azure};
use crate::document::Document;

/// A descriptor format entitle reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Format {
    /// Azure Resource Manager template (also Bicep output).
    Arm,
    /// Azure deployment parameters file (read with its template).
    ArmParameters,
    /// entitle's own descriptor.
    Native,
}

impl Format {
    /// The name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            Format::Arm => "arm",
            Format::ArmParameters => "arm-parameters",
            Format::Native => "native",
        }
    }
}

/// Recognises a document by its content; `None` when it is none of the formats.
pub fn detect(doc: &Document) -> Option<Format> {
    let Value::Object(top) = &doc.value else { return None };
    if top.contains_key("entitle") {
        return Some(Format::Native);
    }
    let schema = top.get("$schema").and_then(Value::as_str).unwrap_or("").to_ascii_lowercase();
    if schema.contains("deploymentparameters") {
        return Some(Format::ArmParameters);
    }
    if schema.contains("deploymenttemplate") || (top.contains_key("resources") && top.contains_key("contentVersion")) {
        return Some(Format::Arm);
    }
    None
}

/// The workloads of a document in `format`.
pub fn workloads(format: Format, path: &str, doc: &Document, catalog: &Catalog) -> Result<Vec<Workload>, Error> {
    let mut found = match format {
        Format::Arm => arm::workloads(path, doc, catalog),
        Format::ArmParameters => Ok(Vec::new()),
        Format::Native => native::workloads(path, doc, catalog),
    }?;
    locate(&mut found, doc);
    Ok(found)
}

/// Fills line and column of every source and provenance entry from the document.
pub fn locate(workloads: &mut [Workload], doc: &Document) {
    let fill = |source: &mut Source| {
        let at = doc.nearest_position(&source.pointer);
        source.line = Some(at.line);
        source.column = Some(at.column);
    };
    for w in workloads {
        fill(&mut w.source);
        w.provenance.values_mut().for_each(fill);
    }
}

/// A `Source` for `pointer` in `path` (line and column are filled by [`locate`]).
pub(crate) fn source(path: &str, pointer: &str) -> Source {
    Source { path: path.to_owned(), pointer: pointer.to_owned(), line: None, column: None }
}

/// Applies what an Azure marketplace image says (OS, billing, add-ons, evidence and
/// what stays unknown) to a workload. OS release fields point at the SKU; product,
/// vendor, billing and add-ons at the offer. Reasons already recorded are kept.
pub(crate) fn apply_azure_image(
    w: &mut Workload,
    image: &AzureImage<'_>,
    catalog: &Catalog,
    sku: Source,
    offer: Source,
) {
    let found = classify_azure(image, catalog);
    w.os = found.os;
    w.billing.model = found.billing;
    w.addons = found.addons;
    w.evidence.extend(found.evidence);
    for (field, reason) in found.unknown {
        w.unknown.entry(field).or_insert(reason);
    }
    for field in ["os.major", "os.minor", "os.stream"] {
        w.provenance.insert(field.into(), sku.clone());
    }
    for field in ["os.vendor", "os.product", "billing.model", "addons"] {
        w.provenance.insert(field.into(), offer.clone());
    }
}
