//! Built-in policy `support-scope`: will Red Hat support the HA clusters and SAP
//! workloads of one input as deployed? Cluster members need the High Availability add-on,
//! RHEL HA has no AWS arm64 image, Azure clusters fence with the Azure fence agent inside
//! one subnet, SAP workloads run on RHEL for SAP. The host finds the signals (`Workload.ha`,
//! `Workload.sap`, `instance`, `network`) with their evidence and strength; a rule acts on
//! strong or declared evidence only, never on a name alone.

mod arch;
mod ha;
mod sap;
mod text;

use entitle_sdk::{Evaluation, Finding};

pub use arch::arm64;
pub use ha::{AWS_ARM64, AZURE_FENCING, NO_ENTITLEMENT};
pub use sap::NEEDS_SAP;

/// Evaluates every rule on every workload of the input.
pub fn evaluate(eval: &Evaluation) -> Vec<Finding> {
    let context = entitle_sdk::context::OrgContext::from_evaluation(eval).ok().flatten();
    let mut out = Vec::new();
    for w in &eval.deployment.workloads {
        out.extend(ha::entitlement(w, context.as_ref()));
        out.extend(ha::arm64(w));
        out.extend(ha::fencing(w));
        out.extend(sap::entitlement(w, context.as_ref()));
    }
    out.extend(ha::span(&eval.deployment.workloads));
    out
}

entitle_sdk::export_policy!(evaluate);

#[cfg(test)]
mod tests;
