//! Which workloads the org context's subscriptions entitle: the BYOS RHEL instances of a
//! run, as deployed by default and under each parameter choice that would make a workload
//! BYOS, with their counts. `BYOS-SUBSCRIPTION-COUNT` weighs them against what the
//! subscriptions cover, and the subscription-terms rules judge the terms of the
//! subscriptions that cover them: one definition, so both count the same instances.

use crate::context::Subscription;
use crate::model::BillingModel;
use crate::{Evaluation, Workload};

/// Kinds that describe an image or a disk, not running instances.
pub const NOT_INSTANCES: [&str; 3] = ["gallery_image", "image", "disk"];

/// Whether `w` is a BYOS RHEL instance (not an image or a disk).
pub fn byos_rhel(w: &Workload) -> bool {
    w.is_rhel() && w.billing.model == BillingModel::Byos && !NOT_INSTANCES.contains(&w.kind.as_str())
}

/// The default workload an alternative's id belongs to.
pub fn default_id(id: &str) -> &str {
    id.split_once("#alternative-").map_or(id, |(base, _)| base)
}

/// The BYOS RHEL instances of a run (or of the inputs one subscription covers).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Instances {
    /// Workload ids (as deployed by default) that are BYOS RHEL, with their counts.
    pub default: Vec<(String, Option<u64>)>,
    /// Alternatives that are BYOS RHEL while their default is not: (alternative id, count).
    pub choices: Vec<(String, Option<u64>)>,
}

impl Instances {
    /// The BYOS RHEL instances of every workload of the evaluation.
    pub fn of(eval: &Evaluation) -> Instances {
        Instances::where_(eval, |_| true)
    }

    /// Those of the inputs `sub` covers ([`Subscription::covers_path`], by the file each
    /// workload is written in).
    pub fn covered_by(eval: &Evaluation, sub: &Subscription) -> Instances {
        Instances::where_(eval, |w| sub.covers_path(&w.source.path))
    }

    fn where_(eval: &Evaluation, keep: impl Fn(&Workload) -> bool) -> Instances {
        let ws = &eval.deployment.workloads;
        // Indexed once, so a run of many alternatives costs linear time.
        let byos: std::collections::HashSet<&str> = ws.iter().filter(|w| byos_rhel(w)).map(|w| w.id.as_str()).collect();
        let is_byos = |id: &str| byos.contains(id);
        let default = ws
            .iter()
            .filter(|w| !w.id.contains("#alternative-") && byos_rhel(w) && keep(w))
            .map(|w| (w.id.clone(), w.count))
            .collect();
        let choices = ws
            .iter()
            .filter(|w| w.id.contains("#alternative-") && byos_rhel(w) && keep(w) && !is_byos(default_id(&w.id)))
            .map(|w| (w.id.clone(), w.count))
            .collect();
        Instances { default, choices }
    }

    /// True when there is no BYOS RHEL instance, by default or under a choice.
    pub fn is_empty(&self) -> bool {
        self.default.is_empty() && self.choices.is_empty()
    }

    /// The first workload that any count rests on (where a notice goes).
    pub fn first_workload<'a>(&self, eval: &'a Evaluation) -> Option<&'a Workload> {
        let id = self.default.first().or(self.choices.first())?.0.clone();
        eval.deployment.workloads.iter().find(|w| w.id == id)
    }

    /// `5 as deployed by default, 2 more under parameter choices` (`at least` where a count is unknown).
    pub fn text(&self) -> String {
        let show = |items: &[(String, Option<u64>)]| {
            let (n, exact) = total(items);
            if exact { n.to_string() } else { format!("at least {n}") }
        };
        let mut text = format!("{} as deployed by default", show(&self.default));
        if !self.choices.is_empty() {
            text.push_str(&format!(", {} more under parameter choices", show(&self.choices)));
        }
        text
    }
}

/// The sum of counts, an unknown count counted as 1; and whether every count was known.
pub fn total(items: &[(String, Option<u64>)]) -> (u64, bool) {
    items.iter().fold((0, true), |(n, exact), (_, c)| (n + c.unwrap_or(1), exact && c.is_some()))
}
