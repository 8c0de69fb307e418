//! Built-in policy `rhel-lifecycle`: is the RHEL release still supported on the
//! evaluation date? Dates come from the catalog, never from this code.

use entitle_sdk::catalog::{Confidence, DatedFact, MajorRelease};
use entitle_sdk::{Evaluation, Finding, Workload};

/// Rule id: major release past Maintenance Support with no ELS add-on.
pub const MAJOR_EOL: &str = "RHEL-LC-MAJOR-EOL";

/// Evaluates every rule of the policy.
pub fn evaluate(eval: &Evaluation) -> Vec<Finding> {
    eval.rhel_workloads().filter_map(|w| major_eol(eval, w)).collect()
}

fn major_eol(eval: &Evaluation, w: &Workload) -> Option<Finding> {
    let major = w.os.major?;
    if w.has_addon("els") {
        return None;
    }
    let release = w.release().unwrap_or_else(|| major.to_string());
    let row = match eval.catalog.major(major) {
        Some(row) => row,
        None => return older_than_catalog(eval, w, major, &release),
    };
    let end = &row.maintenance_end;
    if eval.as_of <= end.date {
        return None;
    }
    let days = end.date.days_until(eval.as_of);
    let mut message = format!(
        "{} left Maintenance Support on {} ({days} days before {}) and no ELS add-on is declared",
        subject(w, &release),
        end.date,
        eval.as_of
    );
    if end.confidence == Confidence::Unverified {
        message.push_str(" (this date is unverified in the catalog)");
    }
    Some(
        Finding::new(MAJOR_EOL, w, "os.major", message)
            .evidence(match &w.image.reference {
                Some(image) => format!("image {image} resolves to RHEL {release}"),
                None => format!("the descriptor declares RHEL {release}"),
            })
            .evidence(fact_line(major, "maintenance_end", end))
            .evidence(format!("add-ons declared: {}", addons_display(w)))
            .fix(fix_text(eval, w, row)),
    )
}

fn older_than_catalog(eval: &Evaluation, w: &Workload, major: u32, release: &str) -> Option<Finding> {
    let oldest = eval.catalog.lifecycle.iter().min_by_key(|r| r.major)?;
    if major >= oldest.major {
        return None; // newer than anything in the catalog: nothing to say yet
    }
    let message = format!(
        "{} is older than RHEL {}, whose Maintenance Support already ended on {}",
        subject(w, release),
        oldest.major,
        oldest.maintenance_end.date
    );
    Some(
        Finding::new(MAJOR_EOL, w, "os.major", message)
            .evidence(fact_line(oldest.major, "maintenance_end", &oldest.maintenance_end))
            .fix(upgrade_hint(eval, w)),
    )
}

fn fix_text(eval: &Evaluation, w: &Workload, row: &MajorRelease) -> String {
    let upgrade = upgrade_hint(eval, w);
    match (&row.els_end, row.last_minor) {
        (Some(els), Some(last)) if eval.as_of <= els.date => {
            let minor_note = match w.os.minor {
                Some(minor) if minor != last => {
                    format!(" after updating to {}.{last} (ELS covers only the last minor)", row.major)
                }
                _ => String::new(),
            };
            format!(
                "{upgrade} Or buy the RHEL {} ELS add-on{minor_note} and declare it in the workload's add-ons; ELS for RHEL {}.{last} runs until {}.",
                row.major, row.major, els.date
            )
        }
        (Some(els), _) if eval.as_of > els.date => {
            format!("{upgrade} ELS for RHEL {} ended on {} too, so no add-on can cover it.", row.major, els.date)
        }
        _ => upgrade,
    }
}

/// `RHEL 7.2 on image RedHat:RHEL:7.2:latest`, or `RHEL 6.10 on erp-batch` when the
/// image is not known.
fn subject(w: &Workload, release: &str) -> String {
    match &w.image.reference {
        Some(image) => format!("RHEL {release} on image {image}"),
        None => format!("RHEL {release} on {}", w.resource),
    }
}

/// Majors still in Full Support (else in Maintenance Support), newest last.
fn upgrade_hint(eval: &Evaluation, w: &Workload) -> String {
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

fn fact_line(major: u32, field: &str, fact: &DatedFact) -> String {
    format!(
        "catalog lifecycle.json RHEL {major} {field} = {} ({}, {})",
        fact.date,
        fact.confidence.as_str(),
        fact.source
    )
}

fn addons_display(w: &Workload) -> String {
    if w.addons.is_empty() { "none".to_owned() } else { w.addons.join(", ") }
}

entitle_sdk::export_policy!(evaluate);

#[cfg(test)]
mod tests {
    use super::*;
    use entitle_sdk::testing::{catalog_from_dir, evaluation, rhel, run};

    fn check(as_of: &str, w: Workload) -> Vec<Finding> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../catalog");
        run(evaluate, &evaluation(as_of, catalog_from_dir(&dir), vec![w]))
    }

    #[test]
    fn rhel7_without_els_is_past_maintenance() {
        let found = check("2026-11-25", rhel("vm", "7.2", &[]));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].rule, MAJOR_EOL);
        assert_eq!(found[0].field, "os.major");
        assert!(found[0].message.contains("2024-06-30"), "{}", found[0].message);
        assert!(found[0].fix.as_deref().unwrap().contains("7.9"));
    }

    #[test]
    fn rhel79_with_els_passes_this_rule() {
        assert!(check("2026-11-25", rhel("vm", "7.9", &["els"])).is_empty());
    }

    #[test]
    fn supported_majors_pass() {
        assert!(check("2026-11-25", rhel("vm", "8.10", &[])).is_empty());
        assert!(check("2026-11-25", rhel("vm", "9", &[])).is_empty());
    }

    #[test]
    fn boundary_is_inclusive_of_the_last_day() {
        assert!(check("2024-06-30", rhel("vm", "7.9", &[])).is_empty());
        assert_eq!(check("2024-07-01", rhel("vm", "7.9", &[])).len(), 1);
    }

    #[test]
    fn rhel6_fix_says_els_is_over() {
        let found = check("2026-11-25", rhel("vm", "6.7", &[]));
        assert!(found[0].fix.as_deref().unwrap().contains("ended on 2024-06-30"));
    }

    #[test]
    fn older_than_catalog_still_fires() {
        let found = check("2026-11-25", rhel("vm", "5.11", &[]));
        assert_eq!(found.len(), 1);
    }
}
