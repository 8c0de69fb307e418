//! Demand (BYOS RHEL instances, by default and under each parameter choice, as
//! [`entitle_sdk::coverage`] finds them) weighed against supply (what the subscriptions
//! owned cover, in their own units) with [`entitle_sdk::units`], the counting the host's
//! bill of materials uses too; and the add-ons cluster members and extended-stream
//! instances need.

use entitle_sdk::context::{OrgContext, Subscription};
use entitle_sdk::model::BillingModel;
use entitle_sdk::units::{self, Allocation, Group, Measure, Supply};
use entitle_sdk::{Evaluation, Finding, Severity, Workload};

use crate::SUBSCRIPTION_COUNT;

pub use entitle_sdk::coverage::Instances as Demand;
use entitle_sdk::coverage::total;

/// The groups of `items` (workload ids with counts), sized from the catalog.
fn groups(eval: &Evaluation, items: &[(String, Option<u64>)]) -> Vec<Group> {
    let sizes = &eval.catalog.instance_sizes;
    items
        .iter()
        .filter_map(|(id, count)| {
            let w = eval.deployment.workloads.iter().find(|w| &w.id == id)?;
            Some(Group { count: *count, ..Group::of(w, sizes) })
        })
        .collect()
}

/// The findings: one for the default deployment when it needs more than is owned, one per
/// parameter choice that would, and one per add-on the default deployment lacks.
pub fn judge(eval: &Evaluation, ctx: &OrgContext, demand: &Demand) -> Vec<Finding> {
    let supplies: Vec<Supply> = ctx.subscriptions.iter().map(|s| units::supply(s, &eval.catalog)).collect();
    let owned: Vec<(&Subscription, &Supply)> = ctx.subscriptions.iter().zip(&supplies).collect();
    let caps: Vec<(Measure, u64)> = supplies.iter().filter_map(|s| s.covers).collect();
    let base = units::allocate(&groups(eval, &demand.default), &caps);
    let mut out = Vec::new();
    if !base.covered()
        && let Some(w) = demand.first_workload(eval).filter(|_| !demand.default.is_empty())
    {
        out.push(finding(eval, w, &demand.default, &base, &owned));
    }
    for (id, count) in &demand.choices {
        let mut items = demand.default.clone();
        items.push((id.clone(), *count));
        let with_choice = units::allocate(&groups(eval, &items), &caps);
        if !with_choice.covered()
            && base.covered()
            && let Some(w) = eval.deployment.workloads.iter().find(|w| &w.id == id)
        {
            out.push(finding(eval, w, &items, &with_choice, &owned));
        }
    }
    out.extend(addons(eval, ctx, demand));
    out
}

fn finding(
    eval: &Evaluation,
    w: &Workload,
    items: &[(String, Option<u64>)],
    alloc: &Allocation,
    owned: &[(&Subscription, &Supply)],
) -> Finding {
    let (needed, exact) = total(items);
    let at_least = if exact { "" } else { "at least " };
    let short = alloc.instances();
    let mut message = format!(
        "{at_least}{needed} BYOS RHEL instance(s) in this run need Red Hat entitlements, but the subscriptions in the org context leave {short} of them uncovered"
    );
    if alloc.unconfirmed() {
        message.push_str(": their size is unknown (not stated, or not in the catalog's size table) and the subscriptions left count vCPUs or cores, so the shortfall cannot be confirmed");
    }
    let mut f = Finding::new(SUBSCRIPTION_COUNT, w, "count", message);
    if alloc.unconfirmed() {
        f = f.severity(Severity::Info);
    }
    // Sizes matter only when a subscription counts vCPUs or cores.
    let sized = owned.iter().any(|(_, s)| s.covers.is_some_and(|(m, _)| m != Measure::Instances));
    for g in groups(eval, items) {
        let Some(x) = eval.deployment.workloads.iter().find(|x| x.id == g.id) else { continue };
        let n = g.count.map_or_else(|| "an unknown number (counted as 1)".to_owned(), |c| c.to_string());
        let size = match (x.instance.as_ref().and_then(|i| i.size.as_deref()), g.vcpus) {
            _ if !sized => String::new(),
            (Some(size), Some(v)) => format!(", {size}: {v} vCPUs each"),
            (Some(size), None) => {
                format!(", {size}: not in the size table, so its vCPUs are unknown (no ratio is applied)")
            }
            (None, _) => ", size not stated, so its vCPUs are unknown (no ratio is applied)".to_owned(),
        };
        f = f.evidence(format!("{}: {} × {n} ({}){size}", x.source.path, x.resource, x.image_display()));
    }
    for (_, supply) in owned {
        f = f.evidence(format!("owned: {}", supply.line));
    }
    if let Some(row) = eval.catalog.licensing.support_for(&w.provider, BillingModel::Byos) {
        f = f.evidence(format!("as deployed (BYOS): {}; supported by {}", row.bills, row.supports));
    }
    let buy = units::purchase(alloc, owned, &eval.catalog)
        .map_or_else(String::new, |p| format!("buy {} and enrol it in Cloud Access, ", p.text()));
    f.fix(format!(
        "Cover {short} more instance(s): {buy}reduce the BYOS instances, or deploy the surplus from PAYG images."
    ))
}

/// One finding per add-on (HA, SAP, EUS, E4S, ELS) the default BYOS instances need that the
/// subscriptions including it do not cover: an HA cluster of BYOS nodes needs HA for each node.
fn addons(eval: &Evaluation, ctx: &OrgContext, demand: &Demand) -> Vec<Finding> {
    let mut out = Vec::new();
    for addon in units::ADDONS {
        let needing: Vec<(String, Option<u64>)> = demand
            .default
            .iter()
            .filter(|(id, _)| {
                eval.deployment
                    .workloads
                    .iter()
                    .any(|w| &w.id == id && units::addons_needed(w).iter().any(|a| a == addon))
            })
            .cloned()
            .collect();
        let Some(w) = needing.first().and_then(|(id, _)| eval.deployment.workloads.iter().find(|w| &w.id == id)) else {
            continue;
        };
        let with: Vec<&Subscription> = ctx.subscriptions.iter().filter(|s| units::includes(s, addon)).collect();
        let supplies: Vec<Supply> = with.iter().map(|s| units::supply(s, &eval.catalog)).collect();
        let caps: Vec<(Measure, u64)> = supplies.iter().filter_map(|s| s.covers).collect();
        let alloc = units::allocate(&groups(eval, &needing), &caps);
        if alloc.covered() {
            continue;
        }
        let (needed, exact) = total(&needing);
        let at_least = if exact { "" } else { "at least " };
        let field = if addon == "ha" && w.ha.is_some() { "ha" } else { "addons" };
        let message = format!(
            "{at_least}{needed} BYOS RHEL instance(s) need the {} add-on, but the subscriptions in the org context that include it leave {} uncovered",
            addon_name(addon),
            alloc.instances()
        );
        let mut f = Finding::new(SUBSCRIPTION_COUNT, w, field, message);
        if alloc.unconfirmed() {
            f = f.severity(Severity::Info);
        }
        for g in groups(eval, &needing) {
            let n = g.count.map_or_else(|| "an unknown number (counted as 1)".to_owned(), |c| c.to_string());
            f = f.evidence(format!("needs {addon}: {} × {n}", g.id));
        }
        for s in &supplies {
            f = f.evidence(format!("owned with {addon}: {}", s.line));
        }
        if with.is_empty() {
            f = f.evidence(format!("no subscription in the org context lists the add-on `{addon}`"));
        }
        out.push(f.fix(format!(
            "Add the {} add-on to the subscriptions that entitle these instances (list it under `addons` in the org context once bought).",
            addon_name(addon)
        )));
    }
    out
}

/// The add-on's name for text.
pub fn addon_name(addon: &str) -> &'static str {
    match addon {
        "ha" => "High Availability",
        "sap" => "RHEL for SAP Solutions",
        "eus" => "Extended Update Support (EUS)",
        "e4s" => "Update Services for SAP Solutions (E4S)",
        "els" => "Extended Life Cycle Support (ELS)",
        _ => "named",
    }
}
