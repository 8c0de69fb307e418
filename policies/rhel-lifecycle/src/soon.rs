//! What ends soon: `RHEL-LC-EXPIRES-SOON` (warning) when the support phase a workload
//! depends on ends within `--warn-within` days, and `RHEL-LC-FULL-SUPPORT-ENDS` (info)
//! when a floating image's major leaves Full Support within that window.

use entitle_sdk::catalog::DatedFact;
use entitle_sdk::{Evaluation, Finding, Workload};

use crate::streams::{end_of, locked};
use crate::text::{caveat, fact_line, release, subject, target};

/// Rule id: the phase a workload depends on ends soon.
pub const EXPIRES_SOON: &str = "RHEL-LC-EXPIRES-SOON";
/// Rule id: a floating image's major leaves Full Support soon.
pub const FULL_SUPPORT_ENDS: &str = "RHEL-LC-FULL-SUPPORT-ENDS";

/// The phase `w` depends on: (name, end, table, row label, field).
fn phase<'a>(
    eval: &'a Evaluation,
    w: &Workload,
) -> Option<(String, &'a DatedFact, &'static str, String, &'static str)> {
    let major = w.os.major?;
    let row = eval.catalog.major(major)?;
    if let Some((stream, maj, min)) = locked(eval, w)
        && let Some(minor) = eval.catalog.minor(maj, min).filter(|m| !m.last)
    {
        let (end, field, _) = end_of(minor, stream, w)?;
        let name = if field == "enhanced_eus_end" { "Enhanced EUS".to_owned() } else { stream.to_ascii_uppercase() };
        return Some((format!("RHEL {maj}.{min} {name}"), end, "minor-releases.json", format!("{maj}.{min}"), field));
    }
    if w.has_addon("els") || w.os.stream.as_deref() == Some("els") {
        let end = row.els_end.as_ref()?;
        return Some((format!("RHEL {major} ELS"), end, "lifecycle.json", major.to_string(), "els_end"));
    }
    Some((
        format!("RHEL {major} Maintenance Support"),
        &row.maintenance_end,
        "lifecycle.json",
        major.to_string(),
        "maintenance_end",
    ))
}

/// The expiring-soon findings for `w`.
pub fn check(eval: &Evaluation, w: &Workload) -> Vec<Finding> {
    let window = i64::from(eval.warn_within_days);
    let mut out = Vec::new();
    if let Some((name, end, table, label, field)) = phase(eval, w) {
        let days = eval.as_of.days_until(end.date);
        if (0..=window).contains(&days) {
            let message = format!("{name} on {} ends {}, in {days} days{}", target(w), end.date, caveat(end));
            out.push(
                Finding::new(EXPIRES_SOON, w, "os.minor", message)
                    .evidence(fact_line(table, &label, field, end))
                    .evidence(format!("warning window: {window} days from {}", eval.as_of))
                    .fix(format!(
                        "Plan the move before {}: a newer minor or major, or the add-on that extends it.",
                        end.date
                    )),
            );
        }
    }
    let floating = w.os.minor.is_none() && matches!(w.os.stream.as_deref(), None | Some("standard"));
    if let (true, Some(row)) = (floating, w.os.major.and_then(|m| eval.catalog.major(m))) {
        let end = &row.full_support_end;
        let days = eval.as_of.days_until(end.date);
        if (0..=window).contains(&days) {
            let message = format!(
                "{} follows the latest RHEL {} minor, and RHEL {} leaves Full Support on {}, in {days} days{}",
                subject(w, &release(w)),
                row.major,
                row.major,
                end.date,
                caveat(end)
            );
            out.push(
                Finding::new(FULL_SUPPORT_ENDS, w, "os.major", message)
                    .evidence(fact_line("lifecycle.json", &row.major.to_string(), "full_support_end", end))
                    .fix("Nothing breaks then: Maintenance Support continues. Plan new deployments on the next major."),
            );
        }
    }
    out
}
