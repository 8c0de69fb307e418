//! Policy `cost-center`: every RHEL workload brought under its own subscription (BYOS)
//! carries the tag `cost-center`, so that the subscription can be charged back. The example
//! of `docs/GUIDE.md`, created with `entitle new` and tested with `entitle test`.

use entitle_sdk::model::{BillingModel, Tag};
use entitle_sdk::{Evaluation, Finding, Severity};

/// The rule's id (declared in policy.json).
pub const COST_CENTER: &str = "ORG-BYOS-COST-CENTER";

/// The tag every BYOS RHEL workload must carry.
const TAG: &str = "cost-center";

/// Reports every BYOS RHEL workload without the tag (a warning when the tag is not known).
pub fn evaluate(eval: &Evaluation) -> Vec<Finding> {
    let field = format!("tags.{TAG}");
    eval.rhel_workloads()
        .filter(|w| w.billing.model == BillingModel::Byos)
        .filter_map(|w| match w.tag(TAG) {
            Tag::Present(_) => None,
            Tag::Absent => Some(
                Finding::new(COST_CENTER, w, &field, format!("{} runs BYOS RHEL without a `{TAG}` tag", w.resource))
                    .fix(format!("Add the tag `{TAG}` with the cost centre that pays for the subscription.")),
            ),
            Tag::Unknown(why) => Some(
                Finding::new(
                    COST_CENTER,
                    w,
                    &field,
                    format!("{} runs BYOS RHEL, and whether it has a `{TAG}` tag is not known: {why}", w.resource),
                )
                .severity(Severity::Warning)
                .fix(format!("Give the tag `{TAG}` a value the template shows.")),
            ),
        })
        .collect()
}

entitle_sdk::export_policy!(evaluate);

#[cfg(test)]
mod tests {
    use entitle_sdk::testing;

    use super::*;

    fn byos(id: &str, cost_center: Option<&str>) -> entitle_sdk::Workload {
        let mut w = testing::rhel(id, "9.4", &[]);
        w.billing.model = BillingModel::Byos;
        if let Some(value) = cost_center {
            w.tags.insert(TAG.into(), Some(value.into()));
        }
        w
    }

    #[test]
    fn only_the_untagged_byos_workload_is_reported() {
        let mut payg = testing::rhel("payg", "9.4", &[]);
        payg.billing.model = BillingModel::Payg;
        let workloads = vec![byos("tagged", Some("cc-17")), byos("untagged", None), payg];
        let found = testing::run(evaluate, &testing::evaluation("2026-12-01", Default::default(), workloads));
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].workload.as_str(), found[0].field.as_str()), ("untagged", "tags.cost-center"));
    }

    #[test]
    fn an_unknown_tag_is_a_warning_not_a_pass() {
        let mut w = byos("param", None);
        w.tags.insert(TAG.into(), None);
        w.unknown.insert("tags.cost-center".into(), "parameter costCenter has no value".into());
        let found = testing::run(evaluate, &testing::evaluation("2026-12-01", Default::default(), vec![w]));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Some(Severity::Warning));
        assert!(found[0].message.contains("parameter costCenter has no value"), "{}", found[0].message);
    }
}
