//! What one subscription covers: the BYOS RHEL instances of the run in the inputs it
//! names, where it is written in the context, and which other subscriptions cover the same
//! workloads (the context then does not say which of them entitles which workload).

use std::collections::HashMap;

use entitle_sdk::context::OrgContext;
use entitle_sdk::coverage::Instances;
use entitle_sdk::{Evaluation, Finding, Workload};

/// One subscription and the workloads it covers.
pub struct Cover<'a> {
    /// Its JSON pointer in the context (`/subscriptions/0`).
    pub at: String,
    /// The BYOS RHEL instances it covers.
    pub instances: Instances,
    /// SKUs of the other subscriptions that cover some of the same workloads.
    pub shared_with: Vec<&'a str>,
    /// The run's workloads by id.
    pub by_id: &'a Index<'a>,
}

/// The run's workloads by id (the first of each id), built once per evaluation.
pub type Index<'e> = HashMap<&'e str, &'e Workload>;

/// Indexes the evaluation's workloads by id.
pub fn index(eval: &Evaluation) -> Index<'_> {
    let mut by_id = HashMap::with_capacity(eval.deployment.workloads.len());
    for w in &eval.deployment.workloads {
        by_id.entry(w.id.as_str()).or_insert(w);
    }
    by_id
}

impl<'a> Cover<'a> {
    /// The cover of subscription `index` of `ctx`: work linear in the covered workloads
    /// for each other subscription.
    pub fn of(eval: &Evaluation, by_id: &'a Index<'a>, ctx: &'a OrgContext, index: usize) -> Cover<'a> {
        let sub = &ctx.subscriptions[index];
        let instances = Instances::covered_by(eval, sub);
        let covered: Vec<&Workload> = instances
            .default
            .iter()
            .chain(&instances.choices)
            .filter_map(|(id, _)| by_id.get(id.as_str()).copied())
            .collect();
        let shared_with = ctx
            .subscriptions
            .iter()
            .enumerate()
            .filter(|(j, other)| *j != index && covered.iter().any(|w| other.covers_path(&w.source.path)))
            .map(|(_, other)| other.sku.as_str())
            .collect();
        Cover { at: format!("/subscriptions/{index}"), instances, shared_with, by_id }
    }

    /// The workloads of `items`, in order.
    pub fn workloads(&self, items: &[(String, Option<u64>)]) -> Vec<&'a Workload> {
        items.iter().filter_map(|(id, _)| self.by_id.get(id.as_str()).copied()).collect()
    }

    /// The evidence line that says the coverage is shared, and how to say which is which.
    pub fn shared_evidence(&self) -> Option<String> {
        (!self.shared_with.is_empty()).then(|| {
            format!(
                "subscription(s) {} cover some of the same inputs: the org context does not say which subscription entitles which workload (give each subscription `paths`)",
                self.shared_with.join(", ")
            )
        })
    }
}

/// `path: resource × count (image)` for evidence.
pub fn describe(w: &Workload) -> String {
    let n = w.count.map_or_else(|| "an unknown number (counted as 1)".to_owned(), |c| c.to_string());
    format!("{}: {} × {n} ({})", w.source.path, w.resource, w.image_display())
}

/// The field a workload's finding rests on: the licence type that makes it BYOS when
/// there is one, else its billing (the host falls back to the resource where no literal
/// states it).
pub fn billing_field(w: &Workload) -> &'static str {
    if w.billing.license_type.is_some() { "billing.license_type" } else { "billing.model" }
}

/// A finding on a covered workload that cites the subscription's entry.
pub fn on_workload(rule: &str, w: &Workload, field: &str, at: &str, message: String) -> Finding {
    Finding::new(rule, w, field, message).rests_on_context(at)
}
