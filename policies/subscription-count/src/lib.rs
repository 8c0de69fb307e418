//! Built-in policy `subscription-count` (`"scope": "run"`): do the RHEL subscriptions
//! the organisation owns cover the BYOS RHEL instances of the whole run? Instances are
//! counted with their counts (copies, capacities, desired sizes); each parameter choice
//! that would make a workload BYOS is weighed on its own, the others at their defaults.
//! What one unit covers comes from the catalog (`licensing.json`): a Physical or Virtual
//! Nodes subscription covers 2 VMs; a vCPU or core subscription is never turned into
//! instances by a ratio: it covers VMs by the vCPUs or cores of their size (catalog size
//! table), and an HA cluster of BYOS nodes needs the HA add-on for each node.

mod count;

use entitle_sdk::context::OrgContext;
use entitle_sdk::{Evaluation, Finding, Severity};

pub use count::Demand;

/// Rule id (domain reference rule 17).
pub const SUBSCRIPTION_COUNT: &str = "BYOS-SUBSCRIPTION-COUNT";

/// Evaluates the rule once over the run's workloads.
pub fn evaluate(eval: &Evaluation) -> Vec<Finding> {
    let demand = Demand::of(eval);
    let Some(first) = demand.first_workload(eval) else { return Vec::new() };
    let context = OrgContext::from_evaluation(eval).ok().flatten();
    let Some(ctx) = context.filter(|c| !c.subscriptions.is_empty()) else {
        let message = format!(
            "{SUBSCRIPTION_COUNT} cannot be judged: the org context lists no RHEL subscriptions (--context) for the BYOS RHEL instances of this run ({})",
            demand.text()
        );
        let mut notice = Finding::new(SUBSCRIPTION_COUNT, first, "count", message).severity(Severity::Info);
        if let Some(row) = eval.catalog.licensing.support_for(&first.provider, entitle_sdk::model::BillingModel::Byos) {
            notice = notice.evidence(format!("as deployed (BYOS): {}; supported by {}", row.bills, row.supports));
        }
        return vec![
            notice
                .evidence("said once for the whole run")
                .fix("List the subscriptions owned in the org context: subscriptions: [{sku: RH00004, product: \"Red Hat Enterprise Linux Server, Standard (Physical or Virtual Nodes)\", unit: Physical or Virtual Nodes, quantity: 1}]"),
        ];
    };
    count::judge(eval, &ctx, &demand)
}

entitle_sdk::export_policy!(evaluate);

#[cfg(test)]
mod tests;
