//! Rule 27: the provider and the instance family against the catalog's table of Red
//! Hat-certified platforms. Unknown is not a finding: a provider entitle cannot name
//! (`unknown`, `kubernetes`) and a size whose family the catalog does not know are not judged.

use entitle_sdk::context::OrgContext;
use entitle_sdk::{Evaluation, Finding, Severity, Workload};

use crate::NOT_CERTIFIED;

/// Providers that are not a cloud platform of their own (the cluster's nodes are judged where
/// they are declared).
const NOT_A_PLATFORM: [&str; 2] = ["unknown", "kubernetes"];

/// The finding for `w`, if its provider or family is not certified.
pub fn judge(eval: &Evaluation, w: &Workload) -> Option<Finding> {
    let table = &eval.catalog.certified_platforms;
    let provider = w.provider.to_ascii_lowercase();
    if NOT_A_PLATFORM.contains(&provider.as_str()) {
        return None;
    }
    let release = w.release().map_or_else(|| "RHEL".to_owned(), |r| format!("RHEL {r}"));
    let finding = match table.provider(&provider) {
        Some(p) if !p.certified => {
            let why = p.note.as_deref().unwrap_or("listed as not certified");
            Finding::new(
                NOT_CERTIFIED,
                w,
                "provider",
                format!("{release} on {provider}, a provider Red Hat has not certified: {why}"),
            )
            .evidence(format!(
                "catalog certified-platforms.json provider {provider} ({}, {})",
                p.confidence.as_str(),
                p.source
            ))
        }
        None => Finding::new(
            NOT_CERTIFIED,
            w,
            "provider",
            format!("{release} on {provider}, which is not in the catalog's list of Red Hat-certified cloud providers"),
        )
        .evidence("catalog certified-platforms.json lists no such provider"),
        Some(_) => family(eval, w, &provider, &release)?,
    };
    let required = OrgContext::from_evaluation(eval)
        .ok()
        .flatten()
        .is_some_and(|c| c.require_red_hat_support.iter().any(|p| p.eq_ignore_ascii_case(&provider)));
    let finding = if required {
        finding.severity(Severity::Error).evidence(format!("the org context requires Red Hat support on {provider}"))
    } else {
        finding
    };
    Some(finding.fix(
        "Deploy RHEL on a certified instance family of a certified cloud provider (see the Red Hat Ecosystem Catalog, catalog.redhat.com, Cloud), or accept that Red Hat may ask for the problem to be reproduced on a certified platform.",
    ))
}

/// The finding for an instance family the table does not list as certified.
fn family(eval: &Evaluation, w: &Workload, provider: &str, release: &str) -> Option<Finding> {
    let instance = w.instance.as_ref()?;
    let (size, family) = (instance.size.as_deref()?, instance.family.as_deref()?);
    let arch = instance.arch.as_deref().unwrap_or("an unknown architecture");
    match eval.catalog.certified_platforms.family(provider, family) {
        Some(row) if row.certified && instance.arch.as_ref().is_none_or(|a| row.arch.is_empty() || row.arch.contains(a)) => {
            None
        }
        Some(row) if row.certified => Some(
            Finding::new(
                NOT_CERTIFIED,
                w,
                "instance.size",
                format!("{release} on {size} ({family} on {arch}): the family is certified only on {}", row.arch.join(", ")),
            )
            .evidence(format!("catalog certified-platforms.json family {family} ({}, {})", row.confidence.as_str(), row.source)),
        ),
        Some(row) => {
            let why = row.note.as_deref().unwrap_or("listed as not certified");
            Some(
                Finding::new(
                    NOT_CERTIFIED,
                    w,
                    "instance.size",
                    format!("{release} on {size}: instance family {family} ({provider}) is not certified by Red Hat: {why}"),
                )
                .evidence(format!("catalog certified-platforms.json family {family} ({}, {})", row.confidence.as_str(), row.source)),
            )
        }
        None => Some(
            Finding::new(
                NOT_CERTIFIED,
                w,
                "instance.size",
                format!("{release} on {size}: instance family {family} ({provider}) is not in the catalog's list of Red Hat-certified instance families"),
            )
            .evidence("catalog certified-platforms.json lists no such family"),
        ),
    }
}
