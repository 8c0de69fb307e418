//! Terraform and OpenTofu plan JSON (`terraform show -json plan`) and state JSON: one workload
//! per compute resource instance the plan leaves running, read from `change.after`.
//!
//! Addresses are built from `module_address`, `type`, `name` and `index`. Every field points at
//! its value in `resource_changes/N/change/after/…` (a single-line plan still gets the column).
//! An image the plan does not show is explained through `configuration` references and the data
//! sources read during planning (`prior_state`); `configuration` is never taken as the
//! deployment. Values marked sensitive are never read into evidence or boot text.

mod address;
mod ami;
mod aws;
mod azure;
mod boot;
mod config;
mod context;
mod entry;
mod gcp;
mod image;
mod links;
mod named;
mod plan;
mod properties;
mod wrapper;

#[cfg(test)]
mod cases;
#[cfg(test)]
mod tests;

use entitle_sdk::{Catalog, Workload};
use serde_json::Value;

use self::config::Config;
use self::context::Context;
use self::entry::Entry;
use self::plan::{Plan, Shape};
pub use self::wrapper::unwrap_setup_terraform;
use super::{Extracted, locate};
use crate::document::{Document, Elide};
use crate::{Error, ErrorKind, Phase};

/// How a resource type becomes a workload: its kind and the function that fills it.
type Builder = fn(&Context<'_, '_>, &Entry<'_>, &mut Workload);

/// The resource types modelled, with their workload kind.
const MODELLED: &[(&str, &str, Builder)] = &[
    ("azurerm_linux_virtual_machine", "vm", azure::machine),
    ("azurerm_windows_virtual_machine", "vm", azure::machine),
    ("azurerm_linux_virtual_machine_scale_set", "scale_set", azure::machine),
    ("azurerm_windows_virtual_machine_scale_set", "scale_set", azure::machine),
    ("azurerm_orchestrated_virtual_machine_scale_set", "scale_set", azure::machine),
    ("azurerm_virtual_machine", "vm", azure::legacy),
    ("azurerm_virtual_machine_scale_set", "scale_set", azure::legacy),
    ("azurerm_managed_disk", "disk", azure::disk),
    ("azurerm_shared_image", "gallery_image", azure::shared_image),
    ("aws_instance", "vm", aws::instance),
    ("aws_spot_instance_request", "vm", aws::instance),
    ("aws_launch_template", "launch_template", aws::template),
    ("aws_launch_configuration", "launch_template", aws::template),
    ("aws_autoscaling_group", "scale_set", aws::autoscaling_group),
    ("google_compute_instance", "vm", gcp::instance),
    ("google_compute_instance_template", "instance_template", gcp::template),
    ("google_compute_region_instance_template", "instance_template", gcp::template),
];

/// Compute resource types that run an OS but are not modelled (named in a note).
const NOT_MODELLED: &[&str] = &[
    "aws_spot_fleet_request",
    "aws_ec2_fleet",
    "aws_eks_node_group",
    "aws_imagebuilder_image_recipe",
    "google_compute_instance_from_template",
    "google_compute_instance_from_machine_image",
    "google_compute_instance_group_manager",
    "google_compute_region_instance_group_manager",
    "google_container_node_pool",
    "azurerm_kubernetes_cluster_node_pool",
];

/// What an input's parse leaves out: a plan's `planned_values` when it has `resource_changes`, which
/// lists the same instances (with their changes) and is the only one read then. Terraform writes
/// both, so this is about a third of a plan's text that was parsed and held for nothing.
pub const ELIDE: Elide = Elide { member: "planned_values", when: "resource_changes" };

/// A Terraform (or OpenTofu) plan or state JSON document: `format_version` plus
/// `resource_changes` or `planned_values`, or a state's `values.root_module`.
pub fn detect(doc: &Document) -> bool {
    let Value::Object(top) = &doc.value else { return false };
    top.contains_key("format_version")
        && (top.contains_key("resource_changes")
            || top.contains_key("planned_values")
            || doc.value.pointer("/values/root_module").is_some())
}

/// The workloads of a plan (path as shown; the document already parsed with positions), after
/// apply, or before it when `before` (`resource_changes[].change.before`).
pub fn workloads(
    path: &str,
    doc: &Document,
    catalog: &Catalog,
    amis: Option<&crate::formats::amis::AmiCatalog>,
    before: bool,
) -> Result<Extracted, Error> {
    let side = if before { plan::Side::Before } else { plan::Side::After };
    let plan = Plan::read(path, &doc.value, side).map_err(|why| {
        let at = doc.nearest_position("/format_version");
        let message = format!("not a Terraform plan or state JSON entitle can read: {why}");
        Error::new(Phase::Model, ErrorKind::Shape(message)).path(path).at(at.line, at.column).pointer("/format_version")
    })?;
    let mut out = model(&plan, catalog, amis);
    locate(&mut out.workloads, &[(path.to_owned(), doc)]);
    Ok(out)
}

/// The workloads of a `resource_changes` document the Terraform HCL front-end built from source:
/// the same per-type extraction as a plan's, with the reasons its unknown values carry (by
/// pointer). Sources point into `value` under `path`; the caller maps them back to the `.tf` files.
pub(crate) fn from_source(
    path: &str,
    value: &Value,
    reasons: &std::collections::BTreeMap<String, String>,
    catalog: &Catalog,
    amis: Option<&crate::formats::amis::AmiCatalog>,
) -> Result<Extracted, String> {
    let mut plan = Plan::new(path, value)?;
    plan.shape = plan::Shape::Source;
    plan.entries.iter_mut().for_each(|e| e.reasons = Some(reasons));
    Ok(model(&plan, catalog, amis))
}

/// One workload per modelled managed resource instance, linked to its templates.
fn model(plan: &Plan<'_>, catalog: &Catalog, amis: Option<&crate::formats::amis::AmiCatalog>) -> Extracted {
    let config = Config::new(plan.root);
    let cx = Context { plan, config: &config, catalog, amis };
    let mut out = Extracted::default();
    // Sized up front: a workload is a few KiB, and a doubling vector of them held up to twice what a large plan needs.
    let modelled = |e: &&Entry<'_>| e.mode == "managed" && MODELLED.iter().any(|(ty, _, _)| *ty == e.ty);
    let mut built: Vec<(usize, Workload)> = Vec::with_capacity(plan.entries.iter().filter(modelled).count());
    let (mut deleted, mut unmodelled) = (Vec::new(), Vec::new());
    for entry in &plan.entries {
        if entry.mode != "managed" {
            continue;
        }
        let Some((_, kind, build)) = MODELLED.iter().find(|(ty, _, _)| *ty == entry.ty) else {
            if NOT_MODELLED.contains(&entry.ty) && !removed(entry) {
                unmodelled.push(entry.address());
            }
            continue;
        };
        if removed(entry) || entry.values.is_null() {
            deleted.push(entry.address());
            continue;
        }
        let mut w = cx.base(entry, kind);
        build(&cx, entry, &mut w);
        properties::record(&mut w, entry, plan.path);
        built.push((entry.number, w));
    }
    links::link(&cx, &mut built);
    notes(plan, &mut out.notes, &deleted, &unmodelled);
    out.workloads = built.into_iter().map(|(_, w)| w).collect();
    out
}

/// A planned deletion (or `forget`): the instance does not run after apply, or is no longer managed.
fn removed(entry: &Entry<'_>) -> bool {
    !entry.actions.is_empty() && entry.actions.iter().all(|a| matches!(*a, "delete" | "forget"))
}

/// What the reader should know about what was not modelled.
fn notes(plan: &Plan<'_>, notes: &mut Vec<String>, deleted: &[String], unmodelled: &[String]) {
    if plan.shape == Shape::State {
        notes.push("a Terraform state: its resources are modelled as what runs now".into());
    }
    if !deleted.is_empty() {
        notes.push(format!("planned for deletion (or forgotten), so not modelled: {}", deleted.join(", ")));
    }
    if !unmodelled.is_empty() {
        notes.push(format!("compute resources entitle does not model yet: {}", unmodelled.join(", ")));
    }
    let flag = |key: &str| plan.root.get(key).and_then(Value::as_bool);
    if flag("errored") == Some(true) {
        notes.push("the plan errored: Terraform may have left resources out of it".into());
    }
    if flag("complete") == Some(false) {
        notes.push("the plan is not complete: more changes follow after apply".into());
    }
    let deferred = plan.root.get("deferred_changes").and_then(Value::as_array).map_or(0, Vec::len);
    if deferred > 0 {
        notes.push(format!("Terraform deferred {deferred} resource changes; they are not in the plan"));
    }
}
