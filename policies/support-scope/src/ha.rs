//! Rules 20–22: HA cluster members need the HA add-on, RHEL HA has no AWS arm64 image,
//! Azure clusters fence with the Azure fence agent and stay in one subnet.

use std::collections::BTreeMap;

use entitle_sdk::context::OrgContext;
use entitle_sdk::model::{BillingModel, HaMembership};
use entitle_sdk::{Finding, Severity, Workload};

use crate::text::{acts, first, lines, rhel_machine};

/// Rule id (domain reference rule 20).
pub const NO_ENTITLEMENT: &str = "HA-NO-ENTITLEMENT";
/// Rule id (domain reference rule 21).
pub const AWS_ARM64: &str = "HA-AWS-ARM64";
/// Rule id (domain reference rule 22).
pub const AZURE_FENCING: &str = "HA-AZURE-FENCING";

/// A RHEL machine's HA membership when strong or declared evidence shows it.
fn member(w: &Workload) -> Option<&HaMembership> {
    w.ha.as_ref().filter(|h| acts(h.strength) && rhel_machine(w))
}

fn cluster_text(h: &HaMembership) -> String {
    let fencing = h.fencing.as_deref().map(|f| format!(", fencing {f}")).unwrap_or_default();
    format!("HA cluster `{}`{fencing}", h.id)
}

/// Rule 20: a member whose image carries no HA and whose BYOS entitlement declares none.
pub fn entitlement(w: &Workload, context: Option<&OrgContext>) -> Option<Finding> {
    let h = member(w)?;
    if w.has_addon("ha") {
        return None;
    }
    let subscribed =
        context.is_some_and(|c| c.subscriptions.iter().any(|s| s.addons.iter().any(|a| a.eq_ignore_ascii_case("ha"))));
    let fix = match (w.billing.model, w.provider.as_str()) {
        (BillingModel::Byos, _) if subscribed => return None,
        (BillingModel::Byos, _) => "Buy the RHEL High Availability add-on for each member and declare it: `addons: [ha]` on the workload in an entitle descriptor, or a subscription with `addons: [ha]` in the org context; or deploy from a PAYG HA image.".to_owned(),
        (BillingModel::Payg, "azure") => "Deploy the members from offer RHEL-HA (RedHat:RHEL-HA:<major>_<minor>-gen2), or RHEL-SAP-HA for SAP, or switch an SAP image to licenseType RHEL_SAPHA (RHEL_BASESAPHA) with the AHBForRHEL extension; or bring your own subscription with the HA add-on.".to_owned(),
        (BillingModel::Payg, "aws") => "Launch the members from a RHEL_HA AMI (billed as usage operation RunInstances:1010, RHEL with HA), or RHEL for SAP with HA and Update Services; or bring your own subscription with the HA add-on (Access2 AMI).".to_owned(),
        (BillingModel::Payg, "gcp") => "Use an image with HA from the rhel-sap-cloud project (a rhel-<major>-<minor>-sap-ha family), or bring your own RHEL for SAP Solutions or RHEL with the HA add-on.".to_owned(),
        (BillingModel::Payg, _) => "Use an image that includes the RHEL High Availability add-on, or bring your own subscription with the HA add-on.".to_owned(),
        (BillingModel::Unknown, _) => return None,
    };
    let billing = match w.billing.model {
        BillingModel::Byos => "a BYOS image with no HA add-on declared",
        _ => "a pay-as-you-go image without the High Availability add-on",
    };
    let message = format!(
        "{} is a member of {} ({}) but runs {billing} ({}): Red Hat supports Pacemaker clusters only on members entitled to RHEL High Availability",
        w.resource,
        cluster_text(h),
        first(&h.evidence),
        w.image_display()
    );
    let mut f = Finding::new(NO_ENTITLEMENT, w, "addons", message);
    for line in lines(&h.evidence) {
        f = f.evidence(line);
    }
    Some(f.fix(fix))
}

/// Rule 21: an AWS member on arm64.
pub fn arm64(w: &Workload) -> Option<Finding> {
    let h = member(w).filter(|_| w.provider == "aws")?;
    let (field, why) = crate::arch::arm64(w)?;
    let message = format!(
        "{} is a member of {} on arm64 ({why}): Red Hat publishes no RHEL High Availability AMI for arm64 on AWS",
        w.resource,
        cluster_text(h)
    );
    let mut f = Finding::new(AWS_ARM64, w, field, message);
    for line in lines(&h.evidence) {
        f = f.evidence(line);
    }
    Some(f.fix("Run the cluster on x86_64 instance types (m7i, r7i, c7i, …) with a RHEL_HA AMI (RunInstances:1010), or bring your own RHEL with the HA add-on and confirm Red Hat supports HA on that arm64 platform."))
}

/// Rule 22 (fencing): an Azure member fenced by something other than the Azure fence agent.
pub fn fencing(w: &Workload) -> Option<Finding> {
    let h = member(w).filter(|_| w.provider == "azure")?;
    let fencing = h.fencing.as_deref().filter(|f| *f != "azure-fence-agent")?;
    let message = format!(
        "{} is a member of HA cluster `{}` fenced by {fencing}: on Azure the only supported fencing for RHEL HA is the Azure fence agent (fence_azure_arm); SBD and watchdog-only fencing are not supported on cloud platforms",
        w.resource, h.id
    );
    let mut f = Finding::new(AZURE_FENCING, w, "ha.fencing", message);
    for line in lines(&h.evidence) {
        f = f.evidence(line);
    }
    Some(f.fix("Fence with the Azure fence agent: `pcs stonith create <name> fence_azure_arm msi=true …` with a managed identity (or service principal) granted a custom role with Microsoft.Compute/*/powerOff/action and …/start/action on the members."))
}

/// Rule 22 (span): one warning per Azure cluster whose members sit in several subnets.
pub fn span(workloads: &[Workload]) -> Vec<Finding> {
    let mut clusters: BTreeMap<&str, Vec<&Workload>> = BTreeMap::new();
    for w in workloads.iter().filter(|w| w.provider == "azure" && !w.id.contains("#alternative-")) {
        if let Some(h) = member(w) {
            clusters.entry(h.id.as_str()).or_default().push(w);
        }
    }
    let mut out = Vec::new();
    for (id, members) in clusters {
        let placed: Vec<(&Workload, &str)> = members
            .iter()
            .filter_map(|w| w.network.as_ref().and_then(|n| n.subnet.as_deref()).map(|s| (*w, s)))
            .collect();
        let mut subnets: Vec<&str> = placed.iter().map(|(_, s)| *s).collect();
        subnets.sort_unstable();
        subnets.dedup();
        let Some((w, _)) = placed.first().filter(|_| subnets.len() > 1) else { continue };
        let message = format!(
            "the members of HA cluster `{id}` sit in {} subnets ({}): clusters spanning several VNets or subnets are outside standard support on Azure",
            subnets.len(),
            subnets.join(", ")
        );
        let mut f = Finding::new(AZURE_FENCING, w, "ha", message).severity(Severity::Warning);
        for (m, s) in &placed {
            f = f.evidence(format!("{} is in subnet {s}", m.resource));
        }
        out.push(f.fix("Place every member's NIC in one subnet of one VNet, behind one internal load balancer."));
    }
    out
}
