//! `RHEL-LC-ELS-MINOR`: ELS declared for a minor it does not cover (only the last
//! minor: 6.10, 7.9), or after ELS itself ended.

use entitle_sdk::{Evaluation, Finding, Workload};

use crate::text::{caveat, days_ago, fact_line, release, subject, upgrade_hint};

/// Rule id.
pub const ELS_MINOR: &str = "RHEL-LC-ELS-MINOR";

/// The finding for `w`, if it declares ELS where ELS does not apply.
pub fn check(eval: &Evaluation, w: &Workload) -> Option<Finding> {
    if !w.has_addon("els") && w.os.stream.as_deref() != Some("els") {
        return None;
    }
    let major = w.os.major?;
    let row = eval.catalog.major(major)?;
    let els = row.els_end.as_ref()?;
    let release = release(w);
    let cited = fact_line("lifecycle.json", &major.to_string(), "els_end", els);
    if eval.as_of > els.date {
        let message = format!(
            "{} declares ELS, but ELS for RHEL {major} ended on {} {}{}",
            subject(w, &release),
            els.date,
            days_ago(eval, els),
            caveat(els)
        );
        return Some(Finding::new(ELS_MINOR, w, "addons", message).evidence(cited).fix(upgrade_hint(eval, w)));
    }
    let (Some(minor), Some(last)) = (w.os.minor, row.last_minor) else { return None };
    if minor == last {
        return None;
    }
    let message =
        format!("{} declares ELS, but ELS covers only RHEL {major}.{last}, not {major}.{minor}", subject(w, &release));
    Some(
        Finding::new(ELS_MINOR, w, "os.minor", message)
            .evidence(cited)
            .evidence(format!("catalog lifecycle.json RHEL {major} last_minor = {last}"))
            .fix(format!(
                "Update the image to RHEL {major}.{last} (the only minor ELS covers, until {}), or {}",
                els.date,
                upgrade_hint(eval, w).replacen("Move", "move", 1)
            )),
    )
}
