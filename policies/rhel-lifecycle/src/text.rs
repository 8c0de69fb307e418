//! Wording shared by the rules: how a workload is named, how a catalog fact is
//! cited as evidence, and which releases to move to.

use entitle_sdk::catalog::{Confidence, DatedFact, MajorRelease};
use entitle_sdk::{Evaluation, Workload};

/// `RHEL 7.2 on image RedHat:RHEL:7.2:latest`, or `RHEL 6.10 on erp-batch`.
pub fn subject(w: &Workload, release: &str) -> String {
    format!("RHEL {release} on {}", target(w))
}

/// `image RedHat:RHEL:7.2:latest`, or the resource when the image is not known.
pub fn target(w: &Workload) -> String {
    match &w.image.reference {
        Some(image) => format!("image {image}"),
        None => w.resource.clone(),
    }
}

/// `major.minor` or `major`.
pub fn release(w: &Workload) -> String {
    w.release().unwrap_or_else(|| "?".to_owned())
}

/// `catalog minor-releases.json RHEL 9.4 eus_end = 2026-04-30 (verified, URL)`.
pub fn fact_line(table: &str, what: &str, field: &str, fact: &DatedFact) -> String {
    format!("catalog {table} RHEL {what} {field} = {} ({}, {})", fact.date, fact.confidence.as_str(), fact.source)
}

/// ` (this date is unverified in the catalog)` when it is.
pub fn caveat(fact: &DatedFact) -> &'static str {
    if fact.confidence == Confidence::Unverified { " (this date is unverified in the catalog)" } else { "" }
}

/// `the evaluation date` phrase: `(878 days before 2026-11-25)`.
pub fn days_ago(eval: &Evaluation, fact: &DatedFact) -> String {
    format!("({} days before {})", fact.date.days_until(eval.as_of), eval.as_of)
}

/// `Move the workload to RHEL 9 or 10 (for example Azure SKU `10-lvm-gen2`).`: majors
/// still in Full Support (else in Maintenance Support), newest last.
pub fn upgrade_hint(eval: &Evaluation, w: &Workload) -> String {
    let majors = |in_phase: &dyn Fn(&MajorRelease) -> bool| -> Vec<String> {
        eval.catalog.lifecycle.iter().filter(|r| in_phase(r)).map(|r| r.major.to_string()).collect()
    };
    let mut supported = majors(&|r| eval.as_of <= r.full_support_end.date);
    if supported.is_empty() {
        supported = majors(&|r| eval.as_of <= r.maintenance_end.date);
    }
    let targets = match supported.split_last() {
        None => "a supported release".to_owned(),
        Some((last, [])) => format!("RHEL {last}"),
        Some((last, rest)) => format!("RHEL {} or {last}", rest.join(", ")),
    };
    let example = match (w.provider.as_str(), supported.last()) {
        ("azure", Some(major)) => format!(" (for example Azure SKU `{major}-lvm-gen2`)"),
        _ => String::new(),
    };
    format!("Move the workload to {targets}{example}.")
}

/// `add-ons declared: els, ha` or `none`.
pub fn addons(w: &Workload) -> String {
    if w.addons.is_empty() {
        "add-ons declared: none".to_owned()
    } else {
        format!("add-ons declared: {}", w.addons.join(", "))
    }
}
