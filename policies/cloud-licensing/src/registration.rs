//! Who entitles the RHEL a workload runs: `PAYG-DOUBLE-SUBSCRIPTION` (a PAYG image that
//! also attaches a subscription at boot), `BYOS-NOT-REGISTERED` (a BYOS image that never
//! registers) and `CLOUD-VDC-ON-PUBLIC-CLOUD` (BYOS VMs whose only subscriptions are
//! host-based).

use entitle_sdk::context::OrgContext;
use entitle_sdk::model::{BillingModel, Registration};
use entitle_sdk::{Evaluation, Finding, Severity, Workload};

use crate::text::{start, subject};

/// Rule id (domain reference rule 15).
pub const DOUBLE_SUBSCRIPTION: &str = "PAYG-DOUBLE-SUBSCRIPTION";
/// Rule id (rule 16).
pub const NOT_REGISTERED: &str = "BYOS-NOT-REGISTERED";
/// Rule id (rule 14).
pub const VDC_ON_PUBLIC_CLOUD: &str = "CLOUD-VDC-ON-PUBLIC-CLOUD";

/// Actions that consume an entitlement (the old attach model).
const ATTACHES: [&str; 3] = ["attach", "auto_attach", "pool"];
/// Public clouds: no hypervisor for virt-who to report.
const PUBLIC_CLOUDS: [&str; 3] = ["azure", "aws", "gcp"];

/// The findings for `w`.
pub fn check(eval: &Evaluation, ctx: Option<&OrgContext>, w: &Workload) -> Vec<Finding> {
    if !w.is_rhel() {
        return Vec::new();
    }
    let mut out = Vec::new();
    match w.billing.model {
        BillingModel::Payg => out.extend(double(eval, w)),
        BillingModel::Byos => {
            out.extend(not_registered(eval, w));
            out.extend(vdc(eval, ctx, w));
        }
        BillingModel::Unknown => {}
    }
    out
}

fn double(eval: &Evaluation, w: &Workload) -> Option<Finding> {
    let attach = w.registration.iter().position(|r| ATTACHES.contains(&r.action.as_str()));
    let plain = ["register", "rhc_connect"].iter().find_map(|a| w.registration.iter().position(|r| r.action == *a));
    let index = attach.or(plain).or(if w.registration.is_empty() { None } else { Some(0) })?;
    let r = &w.registration[index];
    let seen = evidence(&w.registration);
    if attach.is_some() {
        let message = format!(
            "{} is PAYG (RHEL is billed by the hour) and its boot script also attaches a Red Hat subscription ({}): RHEL is paid twice",
            subject(w),
            r.action.replace('_', "-")
        );
        let fix = format!(
            "Drop `{}` from the boot script ({}) and any pool id handed to it; keep a plain `subscription-manager register` only if you want Red Hat Insights (under Simple Content Access it consumes nothing). Or, to use your subscription, switch to a BYOS image (Azure offer rhel-byos with its plan, an AWS Access2 AMI, a GCP rhel-byos-cloud image).",
            r.text,
            at(r)
        );
        Some(start(DOUBLE_SUBSCRIPTION, eval, w, &format!("registration.{index}"), message).evidence(seen).fix(fix))
    } else {
        let message = format!(
            "{} is PAYG and its boot script registers it with Red Hat ({}) without attaching a subscription: allowed under Simple Content Access, but check that no subscription gets attached",
            subject(w),
            r.action.replace('_', "-")
        );
        let fix = "Nothing to change if the Red Hat account uses Simple Content Access; otherwise make sure the activation key or registration attaches no subscription (no `--auto-attach`).";
        Some(
            start(DOUBLE_SUBSCRIPTION, eval, w, &format!("registration.{index}"), message)
                .severity(Severity::Info)
                .evidence(seen)
                .fix(fix),
        )
    }
}

fn not_registered(eval: &Evaluation, w: &Workload) -> Option<Finding> {
    // Registered, or not known either way (a boot script whose text is not known, an
    // entitle descriptor that does not declare `registration`): not shown is not absent.
    if !w.registration.is_empty() || w.unknown.contains_key("registration") {
        return None;
    }
    let scripts = match w.boot.len() {
        0 if eval.deployment.format == "native" => "its declared `registration` is empty".to_owned(),
        0 => "it has no boot script".to_owned(),
        n => format!(
            "none of its {n} boot entries runs subscription-manager register, rhc connect or a Satellite registration"
        ),
    };
    let message =
        format!("{} is BYOS but {scripts}: it gets no updates and its subscription use goes unaccounted", subject(w));
    let place = match w.provider.as_str() {
        "azure" => "`osProfile.customData` (cloud-init) or a CustomScript extension",
        "aws" => "`UserData`",
        "gcp" => "the `startup-script` metadata",
        _ => "the boot script",
    };
    let field = if w.boot.is_empty() { "billing.model" } else { "boot" };
    Some(start(NOT_REGISTERED, eval, w, field, message).fix(format!(
        "Register at boot in {place}: `subscription-manager register --org <ORG_ID> --activationkey <KEY>` (or `rhc connect --organization <ORG_ID> --activation-key <KEY>`, or register to your Satellite)."
    )))
}

fn vdc(eval: &Evaluation, ctx: Option<&OrgContext>, w: &Workload) -> Option<Finding> {
    let ctx = ctx?;
    if !PUBLIC_CLOUDS.contains(&w.provider.as_str()) || ctx.subscriptions.is_empty() {
        return None;
    }
    let table = &eval.catalog.licensing;
    if ctx.subscriptions.iter().any(|s| table.host_based(&s.product).is_none()) {
        return None; // a subscription that can entitle a cloud VM exists; the count rule weighs it
    }
    let names: Vec<String> = ctx.subscriptions.iter().map(|s| format!("{} ({})", s.sku, s.product)).collect();
    let row = table.host_based(&ctx.subscriptions[0].product)?;
    let message = format!(
        "{} is BYOS, but the only RHEL subscriptions in the org context are host-based ({}): they entitle guests of a hypervisor, never {} VMs",
        subject(w),
        names.join(", "),
        w.provider
    );
    Some(
        start(VDC_ON_PUBLIC_CLOUD, eval, w, "billing.model", message)
            .evidence(format!("catalog licensing.json host-based product words `{}` ({}, {})", row.words, row.confidence.as_str(), row.source))
            .fix("Buy RHEL subscriptions with a cloud-compatible unit (Physical or Virtual Nodes, vCPU, core) and enrol them in Cloud Access, or deploy a PAYG image (Azure offer RHEL, AWS Hourly2, GCP rhel-cloud)."),
    )
}

/// `registration seen: attach at file:line: subscription-manager attach --pool=…`.
fn evidence(found: &[Registration]) -> String {
    let items: Vec<String> = found.iter().map(|r| format!("{} `{}` at {}", r.action, r.text, at(r))).collect();
    format!("registration seen: {}", items.join("; "))
}

fn at(r: &Registration) -> String {
    match r.source.line {
        Some(line) => format!("{}:{line}", r.source.path),
        None => r.source.path.clone(),
    }
}
