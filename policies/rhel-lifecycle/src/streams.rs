//! Locked update streams: `RHEL-LC-EUS-EXPIRED`, `RHEL-LC-EUS-NOT-OFFERED` and
//! `RHEL-LC-E4S-EXPIRED`, from the per-minor EUS / Enhanced EUS / E4S table.

use entitle_sdk::catalog::MinorRelease;
use entitle_sdk::{Evaluation, Finding, Workload};

use crate::text::{caveat, days_ago, fact_line, release, subject};

/// Rule id: EUS-locked minor past its EUS end.
pub const EUS_EXPIRED: &str = "RHEL-LC-EUS-EXPIRED";
/// Rule id: EUS or E4S lock on a minor that never had it.
pub const EUS_NOT_OFFERED: &str = "RHEL-LC-EUS-NOT-OFFERED";
/// Rule id: E4S minor past its E4S end.
pub const E4S_EXPIRED: &str = "RHEL-LC-E4S-EXPIRED";

/// The stream lock of `w` (`eus` or `e4s`) with its pinned minor, when the catalog
/// lists the minors of its major.
pub fn locked(eval: &Evaluation, w: &Workload) -> Option<(&'static str, u32, u32)> {
    let stream = match w.os.stream.as_deref()? {
        "eus" => "eus",
        "e4s" => "e4s",
        _ => return None,
    };
    let (major, minor) = (w.os.major?, w.os.minor?);
    eval.catalog.minor_release_majors.contains(&major).then_some((stream, major, minor))
}

/// Every stream finding for `w`.
pub fn check(eval: &Evaluation, w: &Workload) -> Option<Finding> {
    let (stream, major, minor) = locked(eval, w)?;
    let name = stream.to_ascii_uppercase();
    let release = release(w);
    let Some(row) = eval.catalog.minor(major, minor).filter(|r| if stream == "eus" { r.eus } else { r.e4s }) else {
        return Some(not_offered(eval, w, stream, major, minor));
    };
    if row.last {
        return None; // the final minor follows Maintenance Support (rule MAJOR-EOL)
    }
    let (end, field, rule) = end_of(row, stream, w)?;
    if eval.as_of <= end.date {
        return None;
    }
    let message = format!(
        "{} is locked to RHEL {major}.{minor} {name}, which ended on {} {}{}",
        subject(w, &release),
        end.date,
        days_ago(eval, end),
        caveat(end)
    );
    Some(
        Finding::new(rule, w, "os.minor", message)
            .evidence(format!("update stream: {stream} (minor {major}.{minor} is pinned)"))
            .evidence(fact_line("minor-releases.json", &format!("{major}.{minor}"), field, end))
            .fix(newer_minor_hint(eval, w, stream, major)),
    )
}

/// The end date that applies (Enhanced EUS when declared), its field and rule.
pub fn end_of<'a>(
    row: &'a MinorRelease,
    stream: &str,
    w: &Workload,
) -> Option<(&'a entitle_sdk::catalog::DatedFact, &'static str, &'static str)> {
    if stream == "e4s" {
        return row.e4s_end.as_ref().map(|f| (f, "e4s_end", E4S_EXPIRED));
    }
    if let Some(f) = row.enhanced_eus_end.as_ref().filter(|_| w.has_addon("enhanced-eus")) {
        return Some((f, "enhanced_eus_end", EUS_EXPIRED));
    }
    row.eus_end.as_ref().map(|f| (f, "eus_end", EUS_EXPIRED))
}

fn not_offered(eval: &Evaluation, w: &Workload, stream: &str, major: u32, minor: u32) -> Finding {
    let name = stream.to_ascii_uppercase();
    let offered = offered(eval, stream, major);
    let message = format!(
        "{} is locked to {name} for RHEL {major}.{minor}, but RHEL {major}.{minor} has no {name}",
        subject(w, &release(w))
    );
    Finding::new(EUS_NOT_OFFERED, w, "os.minor", message)
        .evidence(format!("update stream: {stream} (minor {major}.{minor} is pinned)"))
        .evidence(format!(
            "catalog minor-releases.json lists {name} for RHEL {major} minors: {}",
            if offered.is_empty() { "none".to_owned() } else { offered.join(", ") }
        ))
        .fix(newer_minor_hint(eval, w, stream, major))
}

/// Minors of `major` that have `stream`.
fn offered(eval: &Evaluation, stream: &str, major: u32) -> Vec<String> {
    eval.catalog
        .minor_releases
        .iter()
        .filter(|r| r.major == major && if stream == "eus" { r.eus } else { r.e4s })
        .map(|r| format!("{}.{}", r.major, r.minor))
        .collect()
}

/// Which locked minor to move to (one still in its stream), or the floating image.
fn newer_minor_hint(eval: &Evaluation, w: &Workload, stream: &str, major: u32) -> String {
    let name = stream.to_ascii_uppercase();
    let live: Vec<String> = eval
        .catalog
        .minor_releases
        .iter()
        .filter(|r| r.major >= major && !r.last)
        .filter_map(|r| {
            end_of(r, stream, w)
                .filter(|(end, _, _)| end.date >= eval.as_of)
                .map(|(end, _, _)| format!("{}.{} (until {})", r.major, r.minor, end.date))
        })
        .collect();
    let floating = match w.provider.as_str() {
        "azure" => format!(" or a floating SKU such as `{major}-lvm-gen2`, which follows the latest minor"),
        _ => " or an image that follows the latest minor".to_owned(),
    };
    if live.is_empty() {
        format!("No RHEL {major} minor still has {name}: move to the latest minor{floating}.")
    } else {
        format!("Move to a minor whose {name} is still running — {}{floating}.", live.join(", "))
    }
}
