//! Demand (BYOS RHEL instances, by default and under each parameter choice, as
//! [`entitle_sdk::coverage`] finds them) and supply (instances the subscriptions owned
//! cover), and the finding when demand is larger.

use entitle_sdk::context::OrgContext;
use entitle_sdk::model::BillingModel;
use entitle_sdk::{Evaluation, Finding, Workload};

use crate::SUBSCRIPTION_COUNT;

pub use entitle_sdk::coverage::Instances as Demand;
use entitle_sdk::coverage::total;

/// What the subscriptions owned cover, in instances, and what they say about themselves.
struct Supply {
    instances: u64,
    lines: Vec<String>,
    /// Some subscription counts vCPUs, cores or an unknown unit: not weighed in instances.
    uncounted: bool,
}

fn supply(eval: &Evaluation, ctx: &OrgContext) -> Supply {
    let table = &eval.catalog.licensing;
    let mut s = Supply { instances: 0, lines: Vec::new(), uncounted: false };
    for sub in &ctx.subscriptions {
        let name = format!("{} {} × {} ({})", sub.sku, sub.quantity, sub.unit, sub.product);
        if table.host_based(&sub.product).is_some() {
            s.lines.push(format!("{name}: host-based, covers no cloud VM"));
            continue;
        }
        // A type whose terms cap the systems (Developer for Individuals) covers that many,
        // whatever its unit says; going past it is DEV-INDIVIDUAL-LIMITS.
        let terms = sub.kind.as_deref().and_then(|k| eval.catalog.subscription_terms.kind(k));
        if let Some((row, max)) = terms.and_then(|r| Some((r, r.max_systems?))) {
            s.instances += max;
            let why = format!("catalog subscription-terms.json: {}, {}", row.source, row.confidence.as_str());
            s.lines.push(format!("{name}: {} covers up to {max} systems ({why})", row.name));
            continue;
        }
        match table.unit(&sub.unit) {
            Some(u) if u.counts == "instances" => {
                let covered = sub.quantity * u.per_unit;
                s.instances += covered;
                let why = format!("catalog licensing.json: {} per unit, {}", u.per_unit, u.confidence.as_str());
                s.lines.push(format!("{name}: covers {covered} instance(s) ({why})"));
            }
            Some(u) => {
                s.uncounted = true;
                s.lines.push(format!(
                "{name}: counts {}; the descriptors do not resolve VM sizes to {}, so no instances are counted against it (no ratio is applied)",
                    u.counts, u.counts
                ));
            }
            None => {
                s.uncounted = true;
                s.lines.push(format!("{name}: unit `{}` is not in the catalog, so it is not counted", sub.unit));
            }
        }
    }
    s
}

/// The findings: one for the default deployment when it needs more than is owned, and
/// one per parameter choice that would.
pub fn judge(eval: &Evaluation, ctx: &OrgContext, demand: &Demand) -> Vec<Finding> {
    let supply = supply(eval, ctx);
    let (needed, exact) = total(&demand.default);
    let mut out = Vec::new();
    if needed > supply.instances
        && let Some(w) = demand.first_workload(eval).filter(|_| !demand.default.is_empty())
    {
        out.push(finding(eval, w, needed, exact, &demand.default, &supply));
    }
    for (id, count) in &demand.choices {
        let mut items = demand.default.clone();
        items.push((id.clone(), *count));
        let (with_choice, exact) = total(&items);
        if with_choice > supply.instances
            && needed <= supply.instances
            && let Some(w) = eval.deployment.workloads.iter().find(|w| &w.id == id)
        {
            out.push(finding(eval, w, with_choice, exact, &items, &supply));
        }
    }
    out
}

fn finding(
    eval: &Evaluation,
    w: &Workload,
    needed: u64,
    exact: bool,
    items: &[(String, Option<u64>)],
    supply: &Supply,
) -> Finding {
    let at_least = if exact { "" } else { "at least " };
    let mut message = format!(
        "{at_least}{needed} BYOS RHEL instance(s) in this run need Red Hat entitlements, but the subscriptions in the org context cover {}",
        supply.instances
    );
    if supply.uncounted {
        message.push_str(" counted in instances; the others count vCPUs, cores or an unknown unit, which the descriptors do not resolve, so the shortfall cannot be confirmed");
    }
    let mut f = Finding::new(SUBSCRIPTION_COUNT, w, "count", message);
    if supply.uncounted {
        f = f.severity(entitle_sdk::Severity::Info);
    }
    for (id, count) in items {
        let Some(x) = eval.deployment.workloads.iter().find(|x| &x.id == id) else { continue };
        let n = count.map_or_else(|| "an unknown number (counted as 1)".to_owned(), |c| c.to_string());
        f = f.evidence(format!("{}: {} × {n} ({})", x.source.path, x.resource, x.image_display()));
    }
    for line in &supply.lines {
        f = f.evidence(format!("owned: {line}"));
    }
    if let Some(row) = eval.catalog.licensing.support_for(&w.provider, BillingModel::Byos) {
        f = f.evidence(format!("as deployed (BYOS): {}; supported by {}", row.bills, row.supports));
    }
    let short = needed - supply.instances;
    f.fix(format!(
        "Cover {short} more instance(s): buy {} more Physical or Virtual Nodes subscription(s) (2 VMs each) and enrol them in Cloud Access, reduce the BYOS instances to {}, or deploy the surplus from PAYG images.",
        short.div_ceil(2),
        supply.instances
    ))
}
