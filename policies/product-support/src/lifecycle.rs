//! `RH-PRODUCT-EOL`: each Red Hat product other than RHEL that the input deploys, against the
//! catalog's `product-lifecycle` rows on the evaluation date. A product named once for a whole
//! deployment (a template parameter) is reported once, at the first workload that carries it.

use std::collections::BTreeSet;

use entitle_sdk::catalog::{Confidence, ProductRelease};
use entitle_sdk::model::Product;
use entitle_sdk::{Evaluation, Finding, Severity, Workload};

use crate::PRODUCT_EOL;

/// The findings for the input.
pub fn check(eval: &Evaluation) -> Vec<Finding> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for w in &eval.deployment.workloads {
        for p in &w.products {
            let Some(version) = p.version.as_deref() else { continue };
            let place = w.provenance.get(&format!("products.{}", p.name)).map(|s| (s.path.clone(), s.pointer.clone()));
            if !seen.insert((p.name.clone(), version.to_owned(), place)) {
                continue;
            }
            let Some(row) = release(eval, &p.name, version) else { continue };
            out.extend(judge(eval, w, p, version, row));
        }
    }
    out
}

/// The longest catalog release that covers `version`.
fn release<'a>(eval: &'a Evaluation, product: &str, version: &str) -> Option<&'a ProductRelease> {
    eval.catalog
        .product_lifecycle
        .iter()
        .filter(|r| r.product == product && r.covers(version))
        .max_by_key(|r| r.version.len())
}

fn judge(eval: &Evaluation, w: &Workload, p: &Product, version: &str, row: &ProductRelease) -> Option<Finding> {
    let field = format!("products.{}", p.name);
    let name = format!("{} {version}", row.title);
    let base = |message: String| {
        let mut f = Finding::new(PRODUCT_EOL, w, &field, message).evidence(p.evidence.clone()).evidence(format!(
            "catalog product-lifecycle.json: {} {} ({}, {}){}",
            row.product,
            row.version,
            row.confidence.as_str(),
            row.source,
            row.note.as_ref().map(|n| format!("; {n}")).unwrap_or_default()
        ));
        for fact in row.end.iter().chain(&row.extended_end) {
            f = f.evidence(format!(
                "{}: {} ({}, {}){}",
                if Some(fact) == row.end.as_ref() { "end of support" } else { "end of the extension" },
                fact.date,
                fact.confidence.as_str(),
                fact.source,
                fact.note.as_ref().map(|n| format!("; {n}")).unwrap_or_default()
            ));
        }
        f
    };
    let Some(end) = &row.end else {
        let message =
            format!("{name} is deployed; the catalog has no end-of-support date for it, so its support is not checked");
        return Some(base(message).severity(Severity::Info));
    };
    let unverified = end.confidence == Confidence::Unverified || row.confidence == Confidence::Unverified;
    let as_of = eval.as_of;
    let extended = row.extended_end.as_ref().filter(|_| row.extended_name.is_some());
    let ext_name = row.extended_name.clone().unwrap_or_default();
    let (message, severity) = if as_of > end.date {
        match extended {
            Some(ext) if as_of <= ext.date => (
                format!(
                    "{name} left maintenance support on {}: on {as_of} it is supported only with the {ext_name}, until {}",
                    end.date, ext.date
                ),
                Severity::Warning,
            ),
            Some(ext) => (
                format!(
                    "{name} is past the end of its support: maintenance support ended on {} and the {ext_name} on {}",
                    end.date, ext.date
                ),
                Severity::Error,
            ),
            None => (
                format!("{name} is past the end of its support: maintenance support ended on {}", end.date),
                Severity::Error,
            ),
        }
    } else if as_of.days_until(end.date) <= i64::from(eval.warn_within_days) {
        let days = as_of.days_until(end.date);
        (format!("{name} leaves maintenance support on {} ({days} days after {as_of})", end.date), Severity::Warning)
    } else {
        return None;
    };
    let (message, severity) = if unverified {
        (format!("{message} (the catalog's date is unverified)"), Severity::Info)
    } else {
        (message, severity)
    };
    let fix = match p.name.as_str() {
        "openshift" => "Deploy a supported OpenShift 4 minor (see access.redhat.com/support/policy/updates/openshift).",
        "jboss-eap" => "Move to a supported JBoss EAP release image, or buy the ELS add-on where it still applies.",
        _ => "Move to a supported release of the product.",
    };
    Some(base(message).severity(severity).fix(fix))
}
