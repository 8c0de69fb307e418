//! Rule 24, `SUB-ADDON-ON-SELFSUPPORT`: an add-on on a Self-support subscription (only Smart
//! Management / Red Hat Satellite is supported there), or an add-on bought with a unit or a
//! support level other than those of the subscription under it.

use entitle_sdk::context::{SUPPORT_LEVELS, Subscription};
use entitle_sdk::subscription_terms::AddOnTerms;
use entitle_sdk::{Evaluation, Finding, Severity, Workload};

use crate::ADDON_ON_SELFSUPPORT;
use crate::cover::{Cover, on_workload};

/// The subscription's support level and where it is said: its `support_level`, else a
/// level its product name spells (`…, Self-support (1-2 sockets)`).
fn level(sub: &Subscription) -> Option<(&str, &'static str)> {
    if let Some(level) = sub.support_level.as_deref() {
        return Some((level, "its support_level"));
    }
    let product = sub.product.to_ascii_lowercase();
    SUPPORT_LEVELS.iter().find(|l| product.contains(*l)).map(|l| (*l, "its product name"))
}

/// Whether two units name the same unit of measure (catalog spellings, else the text).
fn same_unit(eval: &Evaluation, a: &str, b: &str) -> bool {
    let table = &eval.catalog.licensing;
    match (table.unit(a), table.unit(b)) {
        (Some(x), Some(y)) => x.unit == y.unit,
        _ => a.trim().eq_ignore_ascii_case(b.trim()),
    }
}

/// Whether workload `w` uses the add-on (its name, the catalog's name or an alias).
fn uses(w: &Workload, name: &str, row: Option<&AddOnTerms>) -> bool {
    w.has_addon(name) || row.is_some_and(|r| w.has_addon(&r.addon) || r.aliases.iter().any(|a| w.has_addon(a)))
}

/// The findings for every add-on of `sub`.
pub fn judge(eval: &Evaluation, sub: &Subscription, cover: &Cover) -> Vec<Finding> {
    let terms = &eval.catalog.subscription_terms;
    let level = level(sub);
    let mut out = Vec::new();
    for (j, name) in sub.addons.iter().enumerate() {
        let at = format!("{}/addons/{j}", cover.at);
        let row = terms.addon(name);
        let shown = row.map_or_else(|| format!("`{name}`"), |r| format!("{} (`{name}`)", r.name));
        let mut problems = Vec::new();
        let mut severity = Severity::Error;
        let mut evidence = Vec::new();
        if let Some((l, how)) = level {
            evidence.push(format!("subscription {} ({}): support level {l}, from {how}", sub.sku, sub.product));
        }
        if level.is_some_and(|(l, _)| l == "self-support") && !row.is_some_and(|r| r.self_support) {
            match row {
                Some(r) => {
                    problems.push("add-ons are not supported on a Self-support RHEL subscription, except Smart Management (Red Hat Satellite)".to_owned());
                    evidence.push(format!(
                        "catalog subscription-terms.json: {} is not allowed on Self-support ({}, {})",
                        r.name,
                        r.source,
                        r.confidence.as_str()
                    ));
                }
                None => {
                    severity = Severity::Warning;
                    problems.push("the catalog does not know this add-on, and on a Self-support RHEL subscription only Smart Management (Red Hat Satellite) is supported".to_owned());
                }
            }
            if let Some(allowed) = terms.addons.iter().find(|r| r.self_support) {
                evidence.push(format!(
                    "allowed on Self-support: {} ({}, {})",
                    allowed.name,
                    allowed.source,
                    allowed.confidence.as_str()
                ));
            }
        }
        if let Some(t) = sub.terms_of(name) {
            if let Some(unit) = t.unit.as_deref().filter(|u| !same_unit(eval, u, &sub.unit)) {
                problems.push(format!("its unit `{unit}` differs from the subscription's `{}` (each add-on unit must match the unit under it)", sub.unit));
                severity = Severity::Error;
            }
            if let (Some(own), Some((base, _))) = (t.support_level.as_deref(), level)
                && own != base
            {
                problems.push(format!("its support level {own} differs from the subscription's {base} (an add-on inherits the level of the unit under it)"));
                severity = Severity::Error;
            }
        }
        if problems.is_empty() {
            continue;
        }
        let message = format!("add-on {shown} on subscription {}: {}", sub.sku, problems.join("; "));
        let fix = format!(
            "Buy {} only on a Standard or Premium subscription in the same unit ({}) and move the workloads that need it there, or remove it from subscription {}; only Smart Management (Red Hat Satellite) may sit on Self-support.",
            row.map_or(name.as_str(), |r| r.name.as_str()),
            sub.unit,
            sub.sku
        );
        let mut on_context =
            Finding::on_context(ADDON_ON_SELFSUPPORT, &at, message.clone()).severity(severity).fix(fix.clone());
        on_context.evidence.extend(evidence.iter().cloned());
        let users: Vec<&Workload> = cover
            .workloads(&cover.instances.default)
            .into_iter()
            .chain(cover.workloads(&cover.instances.choices))
            .filter(|w| uses(w, name, row))
            .collect();
        for w in &users {
            on_context = on_context.evidence(format!("used by {}", crate::cover::describe(w)));
            let said = format!(
                "{} uses add-on {shown} of subscription {}, against its terms: {}",
                w.resource,
                sub.sku,
                problems.join("; ")
            );
            // Another subscription may be the one that entitles this workload: not confirmed.
            let level = if cover.shared_with.is_empty() { severity } else { severity.min(Severity::Warning) };
            let mut f = on_workload(ADDON_ON_SELFSUPPORT, w, "addons", &at, said).severity(level).fix(fix.clone());
            f.evidence.extend(evidence.iter().cloned());
            f.evidence.extend(cover.shared_evidence());
            out.push(f);
        }
        out.push(on_context);
    }
    out
}
