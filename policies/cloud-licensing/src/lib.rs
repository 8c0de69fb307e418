//! Built-in policy `cloud-licensing`: is the RHEL on each workload of one input paid
//! for once, by the model the author meant, and can it be deployed that way? Azure
//! Hybrid Benefit, BYOS marketplace plans, CSP and China, host-based subscriptions,
//! PAYG images that also attach a subscription, BYOS images that never register, AWS
//! owners and usage operations. Facts come from the catalog; the organisation's
//! accounts and subscriptions from the org context. Counting subscriptions across
//! inputs is the run-scoped policy `subscription-count`.

mod aws;
mod azure;
mod missing;
mod plan;
mod registration;
mod text;

use entitle_sdk::context::OrgContext;
use entitle_sdk::{Evaluation, Finding};

pub use aws::{OWNER_NOT_REDHAT, USAGEOP_MISMATCH};
pub use azure::{
    BYOS_CSP, INELIGIBLE_IMAGE, NEEDS_CLOUDACCESS, NEEDS_EXTENSION, REGION_21VIANET, TYPE_MISMATCH, TYPE_UNKNOWN,
};
pub use plan::PLAN_MISSING;
pub use registration::{DOUBLE_SUBSCRIPTION, NOT_REGISTERED, VDC_ON_PUBLIC_CLOUD};

/// Evaluates every rule on every workload of the input. A rule that needs the org
/// context and lacks it says so once per input (see [`missing`]).
pub fn evaluate(eval: &Evaluation) -> Vec<Finding> {
    // The host validated the context; a context this policy cannot read is treated as none.
    let context = OrgContext::from_evaluation(eval).ok().flatten();
    let mut lacking = missing::Missing::default();
    let mut out = Vec::new();
    for w in &eval.deployment.workloads {
        out.extend(azure::check(eval, context.as_ref(), w, &mut lacking));
        out.extend(plan::check(eval, w));
        out.extend(registration::check(eval, context.as_ref(), w));
        out.extend(aws::check(eval, w));
    }
    out.extend(lacking.notices());
    out
}

entitle_sdk::export_policy!(evaluate);

#[cfg(test)]
mod tests;
