//! Built-in policy `product-support`: the support scope of what a descriptor runs beside
//! RHEL. Windows worker nodes of OpenShift are judged against the Windows Machine Config
//! Operator prerequisites ([`windows`]), UBI and RHEL containers against the platform they
//! run on and the org context's support claims ([`ubi`]), and Red Hat products other than
//! RHEL against their life cycles ([`lifecycle`]). Every table is catalog data.

mod lifecycle;
mod ocp_version;
mod ubi;
mod windows;

use entitle_sdk::{Evaluation, Finding};

/// Rule id (domain reference rule 30).
pub const OCP_WINDOWS: &str = "OCP-WINDOWS-UNSUPPORTED";
/// Rule id (domain reference rule 29).
pub const UBI_HOST: &str = "UBI-ON-NON-REDHAT-HOST";
/// entitle's own rule: a Red Hat product past its support.
pub const PRODUCT_EOL: &str = "RH-PRODUCT-EOL";

/// Evaluates every rule on the input's workloads.
pub fn evaluate(eval: &Evaluation) -> Vec<Finding> {
    let mut out = Vec::new();
    for w in &eval.deployment.workloads {
        out.extend(windows::check(eval, w));
    }
    out.extend(ubi::check(eval));
    out.extend(lifecycle::check(eval));
    out
}

entitle_sdk::export_policy!(evaluate);

#[cfg(test)]
mod tests;
