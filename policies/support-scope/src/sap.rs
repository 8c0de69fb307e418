//! Rule 23: an SAP workload on plain RHEL.

use entitle_sdk::context::OrgContext;
use entitle_sdk::model::BillingModel;
use entitle_sdk::{Finding, Severity, Workload};

use crate::text::{acts, first, lines, rhel_machine};

/// Rule id (domain reference rule 23).
pub const NEEDS_SAP: &str = "SAP-NEEDS-SAP-ENTITLEMENT";

/// An SAP workload (strong or declared) whose image carries no SAP entitlement.
pub fn entitlement(w: &Workload, context: Option<&OrgContext>) -> Option<Finding> {
    let sap = w.sap.as_ref().filter(|s| acts(s.strength) && rhel_machine(w))?;
    if w.has_addon("sap") || w.billing.model == BillingModel::Unknown {
        return None;
    }
    let subscribed = context.is_some_and(|c| {
        c.subscriptions.iter().any(|s| {
            s.addons.iter().any(|a| a.eq_ignore_ascii_case("sap")) || s.product.to_ascii_lowercase().contains("for sap")
        })
    });
    if w.billing.model == BillingModel::Byos && subscribed {
        return None;
    }
    let in_ha = w.ha.as_ref().is_some_and(|h| acts(h.strength));
    let s4 = sap.kind == "s4hana" && in_ha;
    let message = format!(
        "{} runs an SAP workload ({}: {}) on plain RHEL ({}): Red Hat supports SAP on RHEL for SAP Solutions or RHEL for SAP with HA and Update Services{}",
        w.resource,
        sap.kind,
        first(&sap.evidence),
        w.image_display(),
        if s4 { ", and assists S/4HANA in an HA cluster only on those subscriptions" } else { "" }
    );
    let mut f = Finding::new(NEEDS_SAP, w, "addons", message);
    if s4 {
        f = f.severity(Severity::Error);
    }
    for line in lines(&sap.evidence) {
        f = f.evidence(line);
    }
    let fix = match (w.billing.model, w.provider.as_str()) {
        (BillingModel::Byos, _) => {
            "Entitle the machine with RHEL for SAP Solutions (declare `addons: [sap]` or a subscription with `addons: [sap]` in the org context), or deploy a PAYG RHEL for SAP image."
        }
        (_, "azure") => {
            "Deploy from offer RHEL-SAP-HA (<maj><min>sapha-gen2) or RHEL-SAP-APPS, or set licenseType RHEL_SAPHA / RHEL_SAPAPPS with the AHBForRHEL extension; or bring RHEL for SAP Solutions (BYOS)."
        }
        (_, "aws") => {
            "Launch from a RHEL for SAP with High Availability and Update Services AMI (AWS Marketplace), or bring RHEL for SAP Solutions (Access2 AMI)."
        }
        (_, "gcp") => {
            "Use an image from the rhel-sap-cloud project (rhel-<major>-<minor>-sap-ha), or bring RHEL for SAP Solutions (…-sap-byos)."
        }
        _ => "Run the SAP workload on RHEL for SAP Solutions or RHEL for SAP with HA and Update Services.",
    };
    Some(f.fix(fix))
}
