//! AWS compute resources: instances and spot instance requests (`ami`), launch templates and
//! launch configurations (`image_id`), and auto scaling groups (their counts; their image comes
//! from the template they launch, see `links.rs`).

use entitle_sdk::Workload;

use super::ami::identify;
use super::boot::add;
use super::context::Context;
use super::entry::Entry;

/// Why a template has no count of its own.
const TEMPLATE_COUNT: &str = "a template runs no instance itself: its instances are counted where it is used";

/// `aws_instance`, `aws_spot_instance_request`.
pub fn instance(cx: &Context<'_, '_>, entry: &Entry<'_>, w: &mut Workload) {
    let ami = entry.field(&["ami"]);
    if ami.text().is_none() && !ami.sensitive && entry.has(&["launch_template", "0"]) {
        // The image comes from the launch template; `links.rs` fills it in.
        w.provenance.insert("image".into(), cx.at(&entry.field(&["launch_template", "0"]).at));
    } else {
        identify(cx, entry, &["ami"], w);
    }
    cx.size(entry, w, &["instance_type"]);
    let zone = entry.field(&["availability_zone"]);
    w.region = zone.text().map(str::to_owned);
    if w.region.is_some() {
        w.provenance.insert("region".into(), cx.at(&zone.at));
    }
    add(cx, entry, w, &["user_data"], "user_data");
    add(cx, entry, w, &["user_data_base64"], "user_data");
}

/// `aws_launch_template`, `aws_launch_configuration`.
pub fn template(cx: &Context<'_, '_>, entry: &Entry<'_>, w: &mut Workload) {
    identify(cx, entry, &["image_id"], w);
    cx.size(entry, w, &["instance_type"]);
    w.count = None;
    w.unknown.insert("count".into(), TEMPLATE_COUNT.into());
    add(cx, entry, w, &["user_data"], "user_data");
    add(cx, entry, w, &["user_data_base64"], "user_data");
}

/// `aws_autoscaling_group`: `desired_capacity`, else `min_size` when it equals `max_size`;
/// otherwise the count is unknown and the bounds are evidence.
pub fn autoscaling_group(cx: &Context<'_, '_>, entry: &Entry<'_>, w: &mut Workload) {
    let desired = entry.field(&["desired_capacity"]);
    let (min, max) = (entry.field(&["min_size"]), entry.field(&["max_size"]));
    let bounds = match (min.number(), max.number()) {
        (Some(lo), Some(hi)) => Some((lo, hi)),
        _ => None,
    };
    if let Some((lo, hi)) = bounds {
        w.evidence.push(format!("the group scales between min_size {lo} and max_size {hi}"));
    }
    match (desired.number(), bounds) {
        (Some(n), _) => {
            w.count = Some(n);
            w.provenance.insert("count".into(), cx.at(&desired.at));
        }
        (None, Some((lo, hi))) if lo == hi => {
            w.count = Some(lo);
            w.provenance.insert("count".into(), cx.at(&min.at));
            w.evidence.push(format!("desired_capacity is not set; min_size and max_size are both {lo}"));
        }
        (None, bounds) => {
            w.count = None;
            w.provenance.insert("count".into(), cx.at(&desired.at));
            let range = bounds.map(|(lo, hi)| format!(" (between {lo} and {hi})")).unwrap_or_default();
            let why = desired.missing("desired_capacity").unwrap_or_else(|| "desired_capacity is not set".into());
            w.unknown.insert("count".into(), format!("{why}: the group runs as many instances as it scales to{range}"));
        }
    }
}
