//! Rules 25 and 26: a Developer Subscription for Individuals covering more systems than its
//! terms allow or held by an organisation (`DEV-INDIVIDUAL-LIMITS`), and a Developer
//! Subscription for Teams covering workloads deployed to production
//! (`DEV-TEAMS-IN-PRODUCTION`). Limits and terms come from the catalog.

use entitle_sdk::context::{OrgContext, Subscription};
use entitle_sdk::coverage::total;
use entitle_sdk::subscription_terms::SubscriptionType;
use entitle_sdk::{Evaluation, Finding, Severity, Workload};

use crate::cover::{Cover, billing_field, describe, on_workload};
use crate::{DEV_INDIVIDUAL_LIMITS, DEV_TEAMS_IN_PRODUCTION};

fn cited(row: &SubscriptionType) -> String {
    let note = row.note.as_deref().map(|n| format!(": {n}")).unwrap_or_default();
    format!("catalog subscription-terms.json: {}{note} ({}, {})", row.name, row.source, row.confidence.as_str())
}

/// Error, or warning when another subscription may be the one that entitles the workloads.
fn level(cover: &Cover) -> Severity {
    if cover.shared_with.is_empty() { Severity::Error } else { Severity::Warning }
}

/// `DEV-INDIVIDUAL-LIMITS` for one `developer-individual` subscription.
pub fn individual(eval: &Evaluation, sub: &Subscription, cover: &Cover) -> Vec<Finding> {
    let Some(row) = eval.catalog.subscription_terms.kind("developer-individual") else { return Vec::new() };
    let mut out = Vec::new();
    let covered = cover.workloads(&cover.instances.default);
    if let (Some(owner), Some(allowed)) = (sub.owner.as_deref(), row.owner.as_deref())
        && owner != allowed
    {
        let at = format!("{}/owner", cover.at);
        let message = format!(
            "subscription {} is a {} held by an {owner}: its terms are for one {allowed} acting for themselves, not for an entity",
            sub.sku, row.name
        );
        let fix = "Entitle the organisation's RHEL systems with RHEL subscriptions (a Developer Subscription for Teams covers development only); an individual's developer subscription cannot be used for an organisation.";
        out.push(Finding::on_context(DEV_INDIVIDUAL_LIMITS, &at, message).evidence(cited(row)).fix(fix));
        for w in &covered {
            let said = format!(
                "{} is covered by {} {}, held by an {owner}, which its terms do not allow",
                w.resource, row.name, sub.sku
            );
            let f = on_workload(DEV_INDIVIDUAL_LIMITS, w, billing_field(w), &at, said).severity(level(cover));
            out.push(f.evidence(cited(row)).fix(fix));
        }
    }
    let Some(max) = row.max_systems else { return out };
    let (n, exact) = total(&cover.instances.default);
    let at_least = if exact { "" } else { "at least " };
    let fix = format!(
        "Keep at most {max} RHEL systems on {} {}: entitle the others with RHEL subscriptions or PAYG images, or give the subscription `paths` naming only the inputs it covers.",
        row.name, sub.sku
    );
    let evidence = |f: Finding| {
        let mut f = f.evidence(cited(row));
        f.evidence.extend(covered.iter().map(|w| format!("covered: {}", describe(w))));
        f.evidence.extend(cover.shared_evidence());
        f.fix(fix.clone())
    };
    if n > max {
        let message = format!(
            "{at_least}{n} RHEL systems in this run are covered by {} {}, whose terms allow at most {max}",
            row.name, sub.sku
        );
        out.push(evidence(Finding::on_context(DEV_INDIVIDUAL_LIMITS, &cover.at, message).severity(level(cover))));
        for w in &covered {
            let count = w.count.map_or_else(|| "an unknown number of".to_owned(), |c| c.to_string());
            let said = format!(
                "{} ({count} instance(s)) is among the {at_least}{n} RHEL systems covered by {} {}, whose terms allow at most {max}",
                w.resource, row.name, sub.sku
            );
            out.push(evidence(on_workload(DEV_INDIVIDUAL_LIMITS, w, "count", &cover.at, said).severity(level(cover))));
        }
        return out;
    }
    if !exact {
        let message = format!(
            "{DEV_INDIVIDUAL_LIMITS} cannot be confirmed: at least {n} RHEL systems in this run are covered by {} {} (at most {max} allowed), and some counts are unknown",
            row.name, sub.sku
        );
        out.push(evidence(Finding::on_context(DEV_INDIVIDUAL_LIMITS, &cover.at, message).severity(Severity::Info)));
    }
    for (id, count) in &cover.instances.choices {
        let with = n + count.unwrap_or(1);
        let Some(w) = cover.by_id.get(id.as_str()).copied().filter(|_| with > max) else { continue };
        let message = format!(
            "{at_least}{with} RHEL systems would be covered by {} {}, whose terms allow at most {max}",
            row.name, sub.sku
        );
        out.push(evidence(on_workload(DEV_INDIVIDUAL_LIMITS, w, "count", &cover.at, message).severity(level(cover))));
    }
    out
}

/// `DEV-TEAMS-IN-PRODUCTION` for one `developer-teams` subscription.
pub fn teams(eval: &Evaluation, ctx: &OrgContext, sub: &Subscription, cover: &Cover) -> Vec<Finding> {
    let Some(row) = eval.catalog.subscription_terms.kind("developer-teams").filter(|r| !r.production) else {
        return Vec::new();
    };
    let at = format!("{}/type", cover.at);
    let items: Vec<(String, Option<u64>)> =
        cover.instances.default.iter().chain(&cover.instances.choices).cloned().collect();
    let (mut production, mut unknown): (Vec<(&Workload, String)>, Vec<&Workload>) = (Vec::new(), Vec::new());
    for w in cover.workloads(&items) {
        match ctx.environment_for(&w.provider, &w.source.path) {
            Some(("production", said)) => production.push((w, said)),
            Some(_) => {}
            None => unknown.push(w),
        }
    }
    let fix = format!(
        "Entitle production workloads with RHEL subscriptions (or PAYG images); keep {} {} for development, build and test, and give it `paths` naming only those inputs.",
        row.name, sub.sku
    );
    let mut out = Vec::new();
    if !production.is_empty() {
        let message = format!(
            "{} {} covers {} RHEL workload(s) deployed to production: its terms allow development activities only",
            row.name,
            sub.sku,
            production.len()
        );
        let mut f =
            Finding::on_context(DEV_TEAMS_IN_PRODUCTION, &at, message).severity(level(cover)).evidence(cited(row));
        for (w, said) in &production {
            f = f.evidence(format!("production (per {said}): {}", describe(w)));
            let message = format!(
                "{} is deployed to production (per {said}) and covered by {} {}, whose terms allow development activities only",
                w.resource, row.name, sub.sku
            );
            let mut wf = on_workload(DEV_TEAMS_IN_PRODUCTION, w, billing_field(w), &at, message).severity(level(cover));
            wf = wf.evidence(cited(row)).fix(fix.clone());
            wf.evidence.extend(cover.shared_evidence());
            out.push(wf);
        }
        f.evidence.extend(cover.shared_evidence());
        out.push(f.fix(fix.clone()));
    }
    if !unknown.is_empty() {
        let message = format!(
            "{DEV_TEAMS_IN_PRODUCTION} cannot be judged for {} RHEL workload(s) covered by {} {}: the org context declares no environment for them",
            unknown.len(),
            row.name,
            sub.sku
        );
        let mut f =
            Finding::on_context(DEV_TEAMS_IN_PRODUCTION, &at, message).severity(Severity::Info).evidence(cited(row));
        f.evidence.extend(unknown.iter().map(|w| format!("environment not declared: {}", describe(w))));
        out.push(f.fix("Declare `environment: production` or `non-production` in the org context, or on the accounts these inputs deploy into."));
    }
    out
}
