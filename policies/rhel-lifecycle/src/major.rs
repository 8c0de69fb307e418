//! `RHEL-LC-MAJOR-EOL`: a major past the end of Maintenance Support with no ELS.

use entitle_sdk::catalog::MajorRelease;
use entitle_sdk::{Evaluation, Finding, Workload};

use crate::text::{addons, caveat, days_ago, fact_line, release, subject, upgrade_hint};

/// Rule id.
pub const MAJOR_EOL: &str = "RHEL-LC-MAJOR-EOL";

/// The finding for `w`, if its major left Maintenance Support with no ELS declared.
pub fn check(eval: &Evaluation, w: &Workload) -> Option<Finding> {
    let major = w.os.major?;
    if w.has_addon("els") || w.os.stream.as_deref() == Some("els") {
        return None;
    }
    let release = release(w);
    let Some(row) = eval.catalog.major(major) else { return older_than_catalog(eval, w, major, &release) };
    let end = &row.maintenance_end;
    if eval.as_of <= end.date {
        return None;
    }
    let message = format!(
        "{} left Maintenance Support on {} {} and no ELS add-on is declared{}",
        subject(w, &release),
        end.date,
        days_ago(eval, end),
        caveat(end)
    );
    Some(
        Finding::new(MAJOR_EOL, w, "os.major", message)
            .evidence(match (&w.image.reference, w.unknown.get("image")) {
                (Some(image), _) => format!("image {image} resolves to RHEL {release}"),
                (None, Some(why)) => format!(
                    "the descriptor declares RHEL {release} but the image is not known ({why}): weaker evidence than an image"
                ),
                (None, None) => format!("the descriptor declares RHEL {release}"),
            })
            .evidence(fact_line("lifecycle.json", &major.to_string(), "maintenance_end", end))
            .evidence(addons(w))
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
            .evidence(fact_line(
                "lifecycle.json",
                &oldest.major.to_string(),
                "maintenance_end",
                &oldest.maintenance_end,
            ))
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
