//! `UBI-ON-NON-REDHAT-HOST`: UBI or RHEL container content on a cluster that is not a Red Hat
//! platform (AKS, EKS, GKE, another Kubernetes), reported only where the org context claims
//! Red Hat support for that platform or its cloud. UBI itself is free to run anywhere.

use entitle_sdk::context::OrgContext;
use entitle_sdk::{Evaluation, Finding, Workload};

use crate::UBI_HOST;

/// The cloud a managed Kubernetes platform runs on.
fn cloud_of(platform: &str) -> Option<&'static str> {
    match platform {
        "aks" => Some("azure"),
        "eks" => Some("aws"),
        "gke" => Some("gcp"),
        _ => None,
    }
}

/// The findings for the input's containers.
pub fn check(eval: &Evaluation) -> Vec<Finding> {
    let Some(ctx) = OrgContext::from_evaluation(eval).ok().flatten() else { return Vec::new() };
    eval.deployment.workloads.iter().filter_map(|w| one(&ctx, w)).collect()
}

fn one(ctx: &OrgContext, w: &Workload) -> Option<Finding> {
    let content = w.os.product.as_deref().filter(|p| matches!(*p, "ubi" | "rhel"))?;
    if w.kind != "container" || w.os.vendor.as_deref() != Some("redhat") {
        return None;
    }
    let platform = w.cluster.as_ref()?.platform.as_deref()?;
    if platform == "openshift" {
        return None;
    }
    let claims = |name: &str| ctx.require_red_hat_support.iter().any(|p| p.trim().eq_ignore_ascii_case(name));
    let claim =
        if claims(platform) { platform.to_owned() } else { cloud_of(platform).filter(|c| claims(c))?.to_owned() };
    let what = if content == "ubi" { "a Universal Base Image" } else { "RHEL container content" };
    let shown = platform.to_ascii_uppercase();
    let message = format!(
        "{} is {what} running on {shown}, which is not a Red Hat platform: Red Hat supports it as RHEL only on RHEL or OpenShift, so the Red Hat support the org context requires for {claim} does not cover it",
        w.image_display()
    );
    let mut f = Finding::new(UBI_HOST, w, "image", message)
        .evidence(format!("org context require_red_hat_support names {claim}"))
        .fix("Run it on OpenShift (for example Azure Red Hat OpenShift or Red Hat OpenShift Service on AWS) or on RHEL worker nodes to keep Red Hat support; on this cluster it runs unsupported, which UBI's terms allow.");
    for e in w.evidence.iter().filter(|e| e.contains("cluster platform") || e.contains("catalog container-images")) {
        f = f.evidence(e.clone());
    }
    Some(f)
}
