//! Front-ends: detect a document's format by its content and turn it into workloads.
//!
//! Each front-end records, for every field it fills, the JSON pointer the value came
//! from; [`locate`] then resolves every pointer to line and column, so policies never
//! deal with positions.

pub mod amis;
mod arm;
pub mod base64;
pub mod bicep;
pub mod body;
#[cfg(test)]
mod body_tests;
pub mod cfn;
#[cfg(test)]
mod choice_trail_tests;
pub mod gcpdm;
pub mod k8s;
mod native;
pub mod partial;
pub mod products;
pub mod tfhcl;
pub mod tfplan;

use std::path::{Path, PathBuf};
use std::rc::Rc;

use entitle_sdk::model::Source;
use entitle_sdk::{Catalog, Workload};
use serde_json::Value;

use crate::Error;
use crate::classify::{
    AwsImage, AzureImage, Classification, classify_aws, classify_azure, classify_gcp, parse_gcp_image,
};
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
    /// A Terraform / OpenTofu plan or state as JSON (`terraform show -json`).
    TerraformPlan,
    /// An AWS CloudFormation template (JSON or YAML).
    CloudFormation,
    /// Kubernetes / OpenShift / KubeVirt manifests (YAML or JSON, lists and templates).
    Kubernetes,
    /// A Google Cloud Deployment Manager configuration (plain or expanded).
    GcpDeploymentManager,
    /// Terraform source: a module's `.tf` files, evaluated without a plan.
    TerraformHcl,
    /// Bicep source (`.bicep`, `.bicepparam`), compiled to ARM and evaluated as ARM.
    Bicep,
}

impl Format {
    /// The name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            Format::Arm => "arm",
            Format::ArmParameters => "arm-parameters",
            Format::Native => "native",
            Format::TerraformPlan => "terraform-plan",
            Format::CloudFormation => "cloudformation",
            Format::Kubernetes => "kubernetes",
            Format::GcpDeploymentManager => "gcp-deployment-manager",
            Format::TerraformHcl => "terraform-hcl",
            Format::Bicep => "bicep",
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
    if tfplan::detect(doc) {
        return Some(Format::TerraformPlan);
    }
    if cfn::detect(doc) {
        return Some(Format::CloudFormation);
    }
    if k8s::detect(doc) {
        return Some(Format::Kubernetes);
    }
    if gcpdm::detect(doc) {
        return Some(Format::GcpDeploymentManager);
    }
    None
}

/// What a front-end found in one input.
#[derive(Debug, Default)]
pub struct Extracted {
    /// The workloads.
    pub workloads: Vec<Workload>,
    /// Problems in parts of the input (the rest was still modelled).
    pub errors: Vec<Error>,
    /// Other files read to model it (parameters files, linked templates).
    pub includes: Vec<PathBuf>,
    /// What the reader should know about parts that were not modelled.
    pub notes: Vec<String>,
    /// What the Kubernetes front-end leaves to the run-wide pass.
    pub k8s: k8s::RunFacts,
    /// Findings about the input itself (a parameters-file value outside its allowed values).
    pub findings: Vec<crate::input_finding::InputFinding>,
}

/// How front-ends read inputs.
#[derive(Clone, Debug, Default)]
pub struct ReadOptions {
    /// A parameters file to use instead of the one beside each template (ARM
    /// parameters, or CloudFormation's `[{"ParameterKey", "ParameterValue"}]`).
    pub params: Option<PathBuf>,
    /// Names for opaque AMI ids (`--ami-catalog`).
    pub amis: Option<std::sync::Arc<amis::AmiCatalog>>,
    /// The one region to consider for region-keyed choices (`--region`).
    pub region: Option<String>,
    /// The cluster platform (`--platform`: openshift, aks, eks, gke, kubernetes).
    pub platform: Option<String>,
    /// Terraform variables files (`--var-file`), in the order given.
    pub var_files: Vec<PathBuf>,
    /// Terraform variables (`--var NAME=VALUE`), in the order given.
    pub vars: Vec<(String, String)>,
    /// The directory tree the input being read may read other files from (the directory
    /// the user named, or a named file's directory); set per input by `input::load`.
    /// `None`: the input's own directory.
    pub confine: Option<crate::confined::Root>,
    /// Walked descriptors entitle cannot check (Deployment Manager templates)
    /// are listed as "not checked" instead of failing the run (`--allow-unchecked`).
    pub allow_unchecked: bool,
    /// Terraform plans are read from each change's `before` (what runs before apply)
    /// instead of its `after`: the other side of `entitle bom`'s plan delta.
    pub plan_before: bool,
    /// No policy of the run reads resource bodies (`reads_properties`): workloads are read
    /// without [`entitle_sdk::Workload::properties`] and the provenance and reasons of its
    /// members, which are most of a model's memory. Tags are read as always.
    pub without_bodies: bool,
}

/// The workloads of a document in `format` (`path` as shown, `fs_path` on disk; a
/// CloudFormation template in its long form, [`cfn::LongForms`]).
pub fn workloads(
    format: Format,
    path: &str,
    fs_path: &Path,
    doc: Rc<Document>,
    catalog: &Catalog,
    options: &ReadOptions,
) -> Result<Extracted, Error> {
    match format {
        Format::Arm => arm::workloads(path, fs_path, doc, catalog, options.params.as_deref(), options.confine.as_ref()),
        Format::ArmParameters | Format::TerraformHcl | Format::Bicep => Ok(Extracted::default()),
        Format::TerraformPlan => tfplan::workloads(path, &doc, catalog, options.amis.as_deref(), options.plan_before),
        Format::CloudFormation => {
            let mut found = cfn::workloads(path, &doc, catalog, options.params.as_deref(), options.amis.as_deref())?;
            if let Some(region) = &options.region {
                found.workloads.iter_mut().for_each(|w| choose_region(w, region));
            }
            Ok(found)
        }
        Format::Kubernetes => Ok(k8s::workloads(path, &doc, catalog)),
        Format::GcpDeploymentManager => Ok(gcpdm::workloads(path, &doc, catalog)),
        Format::Native => {
            let mut workloads = native::workloads(path, &doc, catalog)?;
            locate(&mut workloads, &[(path.to_owned(), &*doc)]);
            Ok(Extracted { workloads, ..Extracted::default() })
        }
    }
}

/// Fills line and column of every source, provenance and trail entry from the
/// document of its file (the first document when the path is not among them).
pub fn locate(workloads: &mut [Workload], docs: &[(String, &Document)]) {
    let fill = |source: &mut Source| {
        let doc = docs.iter().find(|(p, _)| *p == source.path).or(docs.first()).map(|(_, d)| *d);
        if let Some(doc) = doc {
            let at = doc.nearest_position(&source.pointer);
            source.line = Some(at.line);
            source.column = Some(at.column);
        }
    };
    for w in workloads {
        fill(&mut w.source);
        w.provenance.values_mut().for_each(fill);
        w.trail.values_mut().flatten().for_each(fill);
        w.boot.iter_mut().for_each(|b| fill(&mut b.source));
        w.registration.iter_mut().for_each(|r| fill(&mut r.source));
        w.kernel.iter_mut().for_each(|k| fill(&mut k.source));
        for alt in &mut w.alternatives {
            alt.provenance.values_mut().for_each(fill);
            alt.trail.values_mut().flatten().for_each(fill);
        }
    }
}

/// Ends the trail of each field a parameter choice decides with where the choice is
/// written (`chosen`: the chosen values in the parameters' `allowedValues`), after the
/// literal the value came from: a field whose value, provenance or trail under the choice
/// differs from the default's. A trail that already passes through the chosen value (the
/// value is the parameter's) is left as it is.
pub(crate) fn choice_trail(alt: &mut Workload, default: &Workload, chosen: &[Source]) {
    if chosen.is_empty() {
        return;
    }
    // Each side serialised once, and only when a field's provenance and trail are alike: without its body, looked up
    // where it lies, and without provenance, trail or alternatives, which no field path reaches.
    let mut json: Option<(Option<serde_json::Value>, Option<serde_json::Value>)> = None;
    let fields: Vec<String> = alt.provenance.keys().cloned().collect();
    for field in fields {
        let decided = alt.provenance.get(&field) != default.provenance.get(&field)
            || alt.trail.get(&field) != default.trail.get(&field)
            || {
                let (a, d) = json.get_or_insert_with(|| {
                    let light = |w: &Workload| serde_json::to_value(crate::check::plain(w)).ok();
                    (light(alt), light(default))
                });
                let pointer = format!("/{}", field.replace('.', "/"));
                field_value(a.as_ref(), alt, &pointer) != field_value(d.as_ref(), default, &pointer)
            };
        if !decided {
            continue;
        }
        let trail = alt.trail.entry(field).or_default();
        let missing: Vec<Source> = chosen.iter().filter(|c| !trail.contains(c)).cloned().collect();
        trail.extend(missing);
    }
}

/// The value at a workload field's `pointer`: in its body for `properties…`, else in `light` (the rest, serialised).
fn field_value<'a>(
    light: Option<&'a serde_json::Value>,
    w: &'a Workload,
    pointer: &str,
) -> Option<&'a serde_json::Value> {
    match pointer.strip_prefix("/properties") {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => w.properties.pointer(rest),
        _ => light?.pointer(pointer),
    }
}

/// A `Source` for `pointer` in `path` (line and column are filled by [`locate`]).
pub(crate) fn source(path: &str, pointer: &str) -> Source {
    Source { path: path.to_owned(), pointer: pointer.to_owned(), line: None, column: None }
}

/// Classifies a GCP image reference (`projects/rhel-cloud/global/images/family/rhel-9`)
/// or an AWS AMI name (`RHEL-9.4.0_HVM-…-Hourly2-GP3`) on a workload, by provider.
pub(crate) fn apply_cloud_image(w: &mut Workload, reference: &str, at: Source, catalog: &Catalog) {
    let found = match w.provider.as_str() {
        "gcp" => classify_gcp(&parse_gcp_image(reference), catalog),
        "aws" => {
            let (owner, usage_operation) = (w.image.owner.clone(), w.image.usage_operation.clone());
            let image = AwsImage {
                name: Some(reference),
                owner: owner.as_deref(),
                usage_operation: usage_operation.as_deref(),
                ..AwsImage::default()
            };
            classify_aws(&image, catalog)
        }
        _ => return,
    };
    apply_classification(w, found, at.clone(), at);
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
    apply_classification(w, classify_azure(image, catalog), sku, offer);
}

/// Applies a classification: OS release fields point at `sku` (where the release is
/// written), product, vendor, billing and add-ons at `offer`. Reasons already
/// recorded are kept.
fn apply_classification(w: &mut Workload, found: Classification, sku: Source, offer: Source) {
    w.os = found.os;
    w.billing.model = found.billing;
    w.addons = found.addons;
    w.evidence.extend(found.evidence);
    for (field, value) in [("image.owner", found.owner), ("image.usage_operation", found.usage_operation)] {
        if let Some(value) = value {
            let slot = if field == "image.owner" { &mut w.image.owner } else { &mut w.image.usage_operation };
            *slot = Some(value);
            w.provenance.entry(field.into()).or_insert_with(|| offer.clone());
        }
    }
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

/// The fields a classification fills.
pub(crate) const CLASSIFIED: [&str; 7] =
    ["os.vendor", "os.product", "os.major", "os.minor", "os.stream", "billing.model", "addons"];

/// Applies a classification whose every field points at `at`, keeping `trail`.
pub(crate) fn apply_classification_at(w: &mut Workload, found: Classification, at: &Source, trail: &[Source]) {
    apply_classification(w, found, at.clone(), at.clone());
    if !trail.is_empty() {
        for field in CLASSIFIED {
            w.trail.insert(field.to_owned(), trail.to_vec());
        }
    }
}

/// Classifies a workload's own Azure image fields (publisher, offer, sku, version),
/// pointing OS fields at where `image.sku` and `image.offer` came from (else at the
/// workload itself).
pub(crate) fn apply_own_azure_image(w: &mut Workload, catalog: &Catalog) {
    let parts = w.image.clone();
    let image = AzureImage {
        publisher: parts.publisher.as_deref(),
        offer: parts.offer.as_deref(),
        sku: parts.sku.as_deref(),
        version: parts.version.as_deref(),
    };
    let sku =
        w.provenance.get("image.sku").or(w.provenance.get("image.offer")).cloned().unwrap_or_else(|| w.source.clone());
    let offer = w.provenance.get("image.offer").cloned().unwrap_or_else(|| sku.clone());
    apply_azure_image(w, &image, catalog, sku, offer);
}

/// Azure Hybrid Benefit: a `licenseType` (exact, case-sensitive catalog value)
/// switches a RHEL workload's billing and may add add-ons. An invalid value, or one
/// for another distribution, changes nothing (Azure rejects or ignores it); the
/// evidence says which.
pub(crate) fn apply_license_type(w: &mut Workload, value: &str, at: Source, catalog: &Catalog) {
    let Some(row) = catalog.azure_license_type(value) else {
        w.evidence.push(format!(
            "licenseType {value} is not a valid Azure value (values are case-sensitive), so it changes no billing"
        ));
        return;
    };
    let (Some(distro), Some(billing)) = (&row.distro, row.billing) else { return };
    match w.os.product.as_deref() {
        Some(product) if product == distro => {
            w.billing.model = billing;
            w.unknown.remove("billing.model");
            for addon in &row.addons {
                if !w.addons.contains(addon) {
                    w.addons.push(addon.clone());
                }
            }
            if let Some(stream) = &row.stream {
                w.os.stream = Some(stream.clone());
                w.unknown.remove("os.stream");
                w.provenance.insert("os.stream".into(), at.clone());
            }
            w.evidence.push(format!("licenseType {value} (Azure Hybrid Benefit): {}", row.meaning));
            w.provenance.insert("billing.model".into(), at.clone());
            w.provenance.insert("addons".into(), at);
        }
        Some(product) => w.evidence.push(format!(
            "licenseType {value} is for {distro}, not {product}: Azure ignores it and bills as the image does"
        )),
        None => w.evidence.push(format!(
            "licenseType {value} is for {distro}; the image's OS is not known, so its effect is not either"
        )),
    }
}

/// Every combination of the choices' values except the one equal to `current` in
/// every position, or `None` when there are more than `max` of them. Shared by the
/// front-ends that enumerate parameter choices.
pub(crate) fn combinations<T: Clone>(
    choices: &[(String, Vec<T>)],
    is_current: impl Fn(usize, &T) -> bool,
    max: usize,
) -> Option<Vec<Vec<(String, T)>>> {
    let total = choices.iter().try_fold(1usize, |acc, (_, allowed)| acc.checked_mul(allowed.len().max(1)))?;
    if total > max + 1 {
        return None;
    }
    let mut combos: Vec<Vec<(String, T)>> = vec![Vec::new()];
    for (name, allowed) in choices {
        combos = combos
            .into_iter()
            .flat_map(|c| allowed.iter().map(move |v| [c.clone(), vec![(name.clone(), v.clone())]].concat()))
            .collect();
    }
    Some(combos.into_iter().filter(|c| c.iter().enumerate().any(|(i, (_, v))| !is_current(i, v))).collect())
}

/// `--region`: the workload as deployed in `region`. The alternative chosen by that
/// region becomes the default (the region is then known), and the other regions'
/// alternatives are dropped; choices of other parameters stay.
fn choose_region(w: &mut Workload, region: &str) {
    let mentions = |when: &str, r: &str| when.split(['=', ',', ';', ' ']).any(|t| t == r);
    let is_region_choice = |when: &str| when.starts_with("region ") || when.contains("; or region ");
    if let Some(alt) =
        w.alternatives.iter().find(|a| a.when.starts_with("region ") && mentions(&a.when, region)).cloned()
    {
        (w.image, w.os, w.billing, w.addons) = (alt.image, alt.os, alt.billing, alt.addons);
        for field in ["image", "image.id", "region", "os.product", "os.major", "os.minor", "billing.model"] {
            w.unknown.remove(field);
        }
        w.evidence.push(format!("--region {region}: the deployment in that region"));
    }
    w.region = Some(region.to_owned());
    w.alternatives.retain(|a| !is_region_choice(&a.when));
}
