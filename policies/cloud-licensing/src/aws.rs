//! AWS: `AWS-AMI-OWNER-NOT-REDHAT` (a RHEL AMI from an account that is not Red Hat's,
//! so a custom image and BYOS) and `AWS-USAGEOP-MISMATCH` (the AMI name's billing word
//! and the usage operation disagree, or HA billed without HA).

use entitle_sdk::{Evaluation, Finding, Workload};

use crate::text::{image, start};

/// Rule id (domain reference rule 18).
pub const OWNER_NOT_REDHAT: &str = "AWS-AMI-OWNER-NOT-REDHAT";
/// Rule id (rule 19).
pub const USAGEOP_MISMATCH: &str = "AWS-USAGEOP-MISMATCH";

/// The AWS findings for `w`.
pub fn check(eval: &Evaluation, w: &Workload) -> Vec<Finding> {
    if w.provider != "aws" || !w.is_rhel() {
        return Vec::new();
    }
    owner(eval, w).into_iter().chain(usage(eval, w)).collect()
}

fn owner(eval: &Evaluation, w: &Workload) -> Option<Finding> {
    let owner = w.image.owner.as_deref()?;
    if eval.catalog.aws_owner(owner).is_some() {
        return None;
    }
    let known: Vec<&str> = eval.catalog.aws_owners.iter().map(|o| o.owner.as_str()).collect();
    let message = format!(
        "{} on {} is a RHEL AMI owned by {owner}, not by Red Hat: it is a custom image, which Red Hat treats as BYOS",
        image(w),
        w.resource
    );
    Some(
        start(OWNER_NOT_REDHAT, eval, w, "image.owner", message)
            .evidence(format!("catalog aws-images.json owners: {}", known.join(", ")))
            .fix(format!("Select an AMI published by Red Hat (owners {}: Red Hat's accounts and the AWS Marketplace) instead of one owned by {owner}, or keep the custom image and cover it with a Red Hat subscription under Cloud Access (register it at boot).", known.iter().map(|o| format!("`{o}`")).collect::<Vec<_>>().join(", "))),
    )
}

fn usage(eval: &Evaluation, w: &Workload) -> Option<Finding> {
    let op = w.image.usage_operation.as_deref()?;
    let row = eval.catalog.aws_usage_operation(op)?;
    let name = w.image.reference.as_deref().or(w.image.id.as_deref()).unwrap_or_default();
    let token = name.split(['-', '_']).find_map(|t| eval.catalog.aws_name_token(t));
    let ha = w.has_addon("ha") || name.starts_with("RHEL_HA");
    let problem = match token {
        Some(t) if t.billing != row.billing => format!(
            "the AMI name says {} ({}) but usage operation {} is {} ({})",
            t.token,
            crate::text::name(t.billing),
            row.usage_operation,
            row.platform_details,
            crate::text::name(row.billing)
        ),
        _ if ha && !row.addons.iter().any(|a| a == "ha") => format!(
            "the workload is RHEL with High Availability but usage operation {} ({}) bills no HA",
            row.usage_operation, row.platform_details
        ),
        _ => return None,
    };
    let expected: Vec<String> = eval
        .catalog
        .aws_usage_operations
        .iter()
        .filter(|r| token.is_none_or(|t| t.billing == r.billing) && (r.addons.iter().any(|a| a == "ha") == ha))
        .map(|r| format!("{} ({})", r.usage_operation, r.platform_details))
        .collect();
    let message = format!("{} on {}: {problem}", image(w), w.resource);
    Some(
        start(USAGEOP_MISMATCH, eval, w, "image.usage_operation", message)
            .evidence(format!("catalog aws-images.json usage operation {}: {} ({})", row.usage_operation, row.platform_details, row.confidence.as_str()))
            .fix(format!("Set the usage operation to {} (License Manager license-type conversion, on a stopped instance), or pick the AMI whose billing word matches the licence you mean to use.", expected.first().cloned().unwrap_or_else(|| "the one matching the AMI".into()))),
    )
}
