//! One evidence line per workload that says how its effective billing model was
//! reached, in one place for every front-end: `billing: offer rhel-byos with plan
//! redhat/rhel-byos/rhel-lvm84 → BYOS`, or `→ unknown (why)` when the descriptor does
//! not show it. The classifiers decide the model; this only states the inputs to it.

use entitle_sdk::Workload;
use entitle_sdk::model::BillingModel;

/// The prefix of the line, so it is added once.
pub const PREFIX: &str = "billing: ";

/// Adds the billing line to every workload whose image is known at all.
pub fn record(workloads: &mut [Workload]) {
    for w in workloads {
        if w.evidence.iter().any(|e| e.starts_with(PREFIX)) {
            continue;
        }
        if let Some(line) = line(w) {
            w.evidence.push(line);
        }
    }
}

/// Replaces the billing line of a workload whose image or billing changed (a parameter
/// choice's deployment, as policies see it).
pub fn refresh(w: &mut Workload) {
    w.evidence.retain(|e| !e.starts_with(PREFIX));
    if let Some(line) = line(w) {
        w.evidence.push(line);
    }
}

fn line(w: &Workload) -> Option<String> {
    let image = &w.image;
    let mut parts = Vec::new();
    // An Azure image is named by its offer; elsewhere (AMIs, GCP images, container
    // references, whose repository the model keeps as `offer`) by its reference.
    let reference = image.reference.as_deref().or(image.id.as_deref());
    match (image.offer.as_deref(), reference) {
        (Some(offer), _) if w.provider == "azure" => parts.push(format!("offer {offer}")),
        (_, Some(reference)) if w.provider == "aws" => parts.push(format!("AMI {reference}")),
        (_, Some(reference)) => parts.push(format!("image {reference}")),
        (Some(offer), None) => parts.push(format!("offer {offer}")),
        (None, None) => return None,
    }
    if w.provider == "azure" {
        parts.push(match &image.plan {
            Some(p) => format!("with plan {}/{}/{}", text(&p.publisher), text(&p.product), text(&p.name)),
            None => "without a plan".to_owned(),
        });
        parts.push(match &w.billing.license_type {
            Some(lt) => format!("and licenseType {lt}"),
            None => "and no licenseType".to_owned(),
        });
    }
    if let Some(owner) = &image.owner {
        parts.push(format!("owned by {owner}"));
    }
    if let Some(op) = &image.usage_operation {
        parts.push(format!("with usage operation {op}"));
    }
    let outcome = match w.billing.model {
        BillingModel::Payg => "PAYG".to_owned(),
        BillingModel::Byos => "BYOS".to_owned(),
        BillingModel::Unknown => match w.unknown.get("billing.model").or(w.unknown.get("os.product")) {
            Some(why) => format!("unknown ({why})"),
            None => "unknown".to_owned(),
        },
    };
    Some(format!("{PREFIX}{} → {outcome}", parts.join(" ")))
}

fn text(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("?")
}

#[cfg(test)]
mod tests {
    use entitle_sdk::model::{Image, Plan};

    use super::*;

    #[test]
    fn byos_offer_with_its_plan() {
        let mut w = Workload { provider: "azure".into(), ..Workload::default() };
        w.image = Image {
            offer: Some("rhel-byos".into()),
            plan: Some(Plan {
                name: Some("rhel-lvm84".into()),
                publisher: Some("redhat".into()),
                product: Some("rhel-byos".into()),
            }),
            ..Image::default()
        };
        w.billing.model = BillingModel::Byos;
        record(std::slice::from_mut(&mut w));
        assert_eq!(
            w.evidence,
            ["billing: offer rhel-byos with plan redhat/rhel-byos/rhel-lvm84 and no licenseType → BYOS"]
        );
    }

    #[test]
    fn a_parameter_choice_gets_its_own_line() {
        let mut w = Workload { provider: "azure".into(), ..Workload::default() };
        w.image.offer = Some("RHEL".into());
        w.billing.model = BillingModel::Payg;
        record(std::slice::from_mut(&mut w));
        w.image.offer = Some("rhel-byos".into());
        w.billing.model = BillingModel::Byos;
        refresh(&mut w);
        assert_eq!(w.evidence, ["billing: offer rhel-byos without a plan and no licenseType → BYOS"]);
    }

    #[test]
    fn unknown_says_why() {
        let mut w = Workload { provider: "aws".into(), ..Workload::default() };
        w.image.id = Some("ami-0713bfb5ea0df48be".into());
        w.unknown.insert("billing.model".into(), "AMI ids are opaque".into());
        record(std::slice::from_mut(&mut w));
        assert_eq!(w.evidence, ["billing: AMI ami-0713bfb5ea0df48be → unknown (AMI ids are opaque)"]);
    }
}
