//! `AZ-BYOS-PLAN-MISSING`: a Red Hat BYOS gold image (catalog offer with billing
//! `byos`, such as `rhel-byos`) needs a `plan` block redhat / <offer> / <sku>, lowercase.

use entitle_sdk::model::BillingModel;
use entitle_sdk::{Evaluation, Finding, Workload};

use crate::text::{plan_block, start, subject};

/// Rule id (domain reference rule 11).
pub const PLAN_MISSING: &str = "AZ-BYOS-PLAN-MISSING";

/// The finding for `w`, if it boots a Red Hat BYOS image without the plan it needs.
pub fn check(eval: &Evaluation, w: &Workload) -> Option<Finding> {
    let (publisher, offer) = (w.image.publisher.as_deref()?, w.image.offer.as_deref()?);
    let row = eval.catalog.azure_offer(publisher, offer)?;
    if row.billing != BillingModel::Byos || row.vendor != "redhat" {
        return None;
    }
    let sku = w.image.sku.as_deref();
    let want = [
        ("publisher", Some("redhat".to_owned())),
        ("product", Some(offer.to_ascii_lowercase())),
        ("name", sku.map(str::to_ascii_lowercase)),
    ];
    let problem = match &w.image.plan {
        None => "has no `plan` block".to_owned(),
        Some(plan) => {
            let have = [("publisher", &plan.publisher), ("product", &plan.product), ("name", &plan.name)];
            let wrong: Vec<String> = want
                .iter()
                .zip(have)
                .filter_map(|((key, want), (_, have))| {
                    let want = want.as_deref()?;
                    (have.as_deref() != Some(want))
                        .then(|| format!("{key} is {} (needs {want})", have.as_deref().unwrap_or("missing")))
                })
                .collect();
            if wrong.is_empty() {
                return None;
            }
            format!("has a `plan` block whose {}", wrong.join(", "))
        }
    };
    let message = format!(
        "{} is a private BYOS marketplace image and {} {problem}: the deployment is refused",
        subject(w),
        w.resource
    );
    let sku_text = sku.unwrap_or("<sku>");
    Some(
        start(PLAN_MISSING, eval, w, "image.plan", message)
            .evidence(format!("catalog azure-images.json {}:{}: {} ({})", row.publisher, row.offer, row.note.as_deref().unwrap_or("BYOS"), row.confidence.as_str()))
            .fix(format!("Add to {} (beside `properties`): {}. Accept the terms once per Azure subscription (`az vm image terms accept --publisher redhat --offer {} --plan {}`).", w.resource, plan_block(sku_text), offer.to_ascii_lowercase(), sku_text.to_ascii_lowercase())),
    )
}
