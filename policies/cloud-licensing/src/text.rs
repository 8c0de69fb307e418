//! Wording shared by the rules: who bills and who supports a workload as deployed
//! (catalog `licensing` support rows, domain reference §7), how a workload is named,
//! and the host's billing evidence line.

use entitle_sdk::model::BillingModel;
use entitle_sdk::{Evaluation, Finding, Workload};

/// `as deployed: Microsoft bills …; supported by …` for the workload's cloud and model.
pub fn as_deployed(eval: &Evaluation, w: &Workload) -> String {
    as_billed(eval, w, w.billing.model)
}

/// The same sentence for a given model (what a fix would change it to, say).
pub fn as_billed(eval: &Evaluation, w: &Workload, model: BillingModel) -> String {
    match eval.catalog.licensing.support_for(&w.provider, model) {
        Some(row) => format!(
            "as deployed ({}): {}; supported by {} (catalog licensing.json, {})",
            name(model),
            row.bills,
            row.supports,
            row.confidence.as_str()
        ),
        None if model == BillingModel::Unknown => {
            "as deployed: who bills for RHEL is not known from the descriptor".to_owned()
        }
        None => format!("as deployed ({}) on {}: no billing and support facts in the catalog", name(model), w.provider),
    }
}

/// `PAYG`, `BYOS` or `unknown`.
pub fn name(model: BillingModel) -> &'static str {
    match model {
        BillingModel::Payg => "PAYG",
        BillingModel::Byos => "BYOS",
        BillingModel::Unknown => "billing unknown",
    }
}

/// `image RedHat:RHEL:7-RAW:latest on Microsoft.Compute/virtualMachines/vm1`, or the
/// resource alone when the image is not known.
pub fn subject(w: &Workload) -> String {
    if w.image.reference.is_none() && w.image.id.is_none() {
        return w.resource.clone();
    }
    format!("{} on {}", image(w), w.resource)
}

/// `image RedHat:RHEL:7-RAW:latest`.
pub fn image(w: &Workload) -> String {
    format!("image {}", w.image_display())
}

/// The host's `billing: … → …` evidence line, when there is one.
pub fn billing_line(w: &Workload) -> Option<String> {
    w.evidence.iter().find(|e| e.starts_with("billing: ")).cloned()
}

/// The ARM `plan` block (and the Terraform one) a BYOS image needs.
pub fn plan_block(sku: &str) -> String {
    let sku = sku.to_ascii_lowercase();
    format!(
        "\"plan\": {{\"publisher\": \"redhat\", \"product\": \"rhel-byos\", \"name\": \"{sku}\"}} (Terraform: plan {{ publisher = \"redhat\", product = \"rhel-byos\", name = \"{sku}\" }})"
    )
}

/// A finding of `rule` on `field` of `w` that already carries the billing evidence line
/// and who bills and supports the workload as deployed.
pub fn start(rule: &str, eval: &Evaluation, w: &Workload, field: &str, message: String) -> Finding {
    let mut f = Finding::new(rule, w, field, message);
    if let Some(line) = billing_line(w) {
        f = f.evidence(line);
    }
    f.evidence(as_deployed(eval, w))
}
