//! Google Cloud compute resources: instances (`boot_disk[0].initialize_params[0].image`, or the
//! `google_compute_disk` a boot disk `source` names) and instance templates (`source_image` of
//! the boot disk), with `data "google_compute_image"` sources read during planning.

use entitle_sdk::Workload;
use serde_json::Value;

use super::boot::add;
use super::context::Context;
use super::entry::Entry;
use super::image::{apply, unidentified};
use crate::classify::{GcpImage, classify_gcp, parse_gcp_image};

/// Why a template has no count of its own.
/// How many of a boot disk reference's last path segments may name a disk of the plan (a self link has about
/// ten): each is looked up by value, so a reference of a million `/` cannot cost a million lookups.
const MAX_TAILS: usize = 32;
const TEMPLATE_COUNT: &str = "a template runs no instance itself: its instances are counted where it is used";

/// `google_compute_instance`.
pub fn instance(cx: &Context<'_, '_>, entry: &Entry<'_>, w: &mut Workload) {
    let image = ["boot_disk", "0", "initialize_params", "0", "image"];
    let source = ["boot_disk", "0", "source"];
    let field = entry.field(&image);
    if field.value.is_some()
        || field.unknown
        || field.sensitive
        || !(entry.has(&source) || entry.field(&source).unknown)
    {
        identify(cx, entry, &image, w);
    } else {
        attached(cx, entry, &source, w);
    }
    region(cx, entry, w, "zone");
    cx.size(entry, w, &["machine_type"]);
    scripts(cx, entry, w);
}

/// `google_compute_instance_template`, `google_compute_region_instance_template`.
pub fn template(cx: &Context<'_, '_>, entry: &Entry<'_>, w: &mut Workload) {
    let disks = entry.field(&["disk"]).value.and_then(Value::as_array).map_or(0, Vec::len);
    let boot = (0..disks).find(|i| entry.field(&["disk", &i.to_string(), "boot"]).value == Some(&Value::Bool(true)));
    let index = boot.unwrap_or(0).to_string();
    if boot.is_none() && disks > 1 {
        w.evidence.push("no disk is marked boot = true; the first disk boots".into());
    }
    let source = entry.field(&["disk", &index, "source"]);
    if disks > 0 && source.text().is_some() && !entry.has(&["disk", &index, "source_image"]) {
        let reason =
            format!("the boot disk is the existing disk {}, whose image is not visible", source.text().unwrap_or(""));
        w.provenance.insert("image".into(), cx.at(&source.at));
        w.unknown.insert("image".into(), reason.clone());
        unidentified(w, &reason, &cx.at(&source.at));
    } else {
        identify(cx, entry, &["disk", &index, "source_image"], w);
    }
    w.count = None;
    w.unknown.insert("count".into(), TEMPLATE_COUNT.into());
    region(cx, entry, w, "region");
    cx.size(entry, w, &["machine_type"]);
    scripts(cx, entry, w);
}

/// A boot disk that is a `google_compute_disk` of this plan: that disk's `image`.
fn attached(cx: &Context<'_, '_>, entry: &Entry<'_>, path: &[&str], w: &mut Workload) {
    let field = entry.field(path);
    let by_reference =
        cx.follow(entry, path, &|data, ty| !data && ty == "google_compute_disk").and_then(|t| cx.resource(entry, &t));
    // A disk named by its self link, name or id: the whole value, or what follows one of its last `/`.
    let by_value = || {
        let value = field.text()?;
        let tails = value.rmatch_indices('/').map(|(i, _)| &value[i + 1..]).filter(|t| !t.is_empty()).take(MAX_TAILS);
        let first = std::iter::once(value).chain(tails).flat_map(|name| {
            ["self_link", "name", "id"].into_iter().filter_map(move |key| {
                cx.plan.first_with(false, "google_compute_disk", key, name, |e| e.mode == "managed")
            })
        });
        first.min().map(|i| &cx.plan.entries[i])
    };
    match by_reference.or_else(by_value) {
        Some(disk) => {
            w.evidence.push(format!("the boot disk is {}", disk.address()));
            identify(cx, disk, &["image"], w);
        }
        None => {
            let reason = if cx.is_source() {
                "the boot disk is an existing disk whose image is not visible in the Terraform source"
            } else {
                "the boot disk is an existing disk whose image is not visible in the plan"
            };
            w.provenance.insert("image".into(), cx.at(&field.at));
            w.unknown.insert("image".into(), reason.into());
            unidentified(w, reason, &cx.at(&field.at));
        }
    }
}

/// Identifies and classifies the image at `path` of `entry`.
fn identify(cx: &Context<'_, '_>, entry: &Entry<'_>, path: &[&str], w: &mut Workload) {
    let field = entry.field(path);
    let at = cx.at(&field.at);
    w.provenance.insert("image".into(), at.clone());
    let reference = cx.record(w, "image.reference", &field);
    w.image.reference = reference.clone();
    let target = cx.follow(entry, path, &|data, ty| data && ty == "google_compute_image");
    let read = target.as_ref().and_then(|t| cx.data_source(entry, t)).filter(|(_, read)| *read).map(|(e, _)| e);
    if let Some(source) = read {
        let text = |key: &str| source.field(&[key]).text();
        let link = text("self_link").map(parse_gcp_image).unwrap_or_default();
        let licenses: Vec<&str> = source
            .field(&["licenses"])
            .value
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let image = GcpImage {
            project: link.project.or(text("project")),
            family: text("family").or(link.family),
            name: text("name").or(link.name),
            licenses: &licenses,
        };
        let chain = target.as_ref().map(|t| t.chain.join(" → ")).unwrap_or_default();
        let shown = [("project", image.project), ("family", image.family), ("name", image.name)]
            .iter()
            .filter_map(|(k, v)| v.map(|v| format!("{k} {v}")))
            .collect::<Vec<_>>();
        w.evidence.push(format!(
            "the image is {} ({chain}), read during planning: {}{}",
            source.address(),
            shown.join(", "),
            if licenses.is_empty() { String::new() } else { format!(", licences {}", licenses.join(" ")) }
        ));
        if w.image.reference.is_none() {
            w.image.reference = text("self_link").or(image.name).map(str::to_owned);
            w.unknown.remove("image.reference");
        }
        let mut trail: Vec<_> = target.iter().flat_map(|t| t.via.iter().map(|p| cx.at(p))).collect();
        trail.push(cx.at(&source.field(&["self_link"]).at));
        return apply(w, classify_gcp(&image, cx.catalog), &at, &trail);
    }
    match (&reference, field.missing("the image")) {
        (Some(reference), _) => apply(w, classify_gcp(&parse_gcp_image(reference), cx.catalog), &at, &[]),
        (None, Some(reason)) => {
            let via = target.map(|t| format!(" ({})", t.chain.join(" → "))).unwrap_or_default();
            let reason = format!("{reason}{via}{}", cx.unread("names it"));
            w.unknown.insert("image".into(), reason.clone());
            unidentified(w, &reason, &at);
        }
        (None, None) => {
            let reason = "the boot disk names no image";
            w.unknown.insert("image".into(), reason.into());
            unidentified(w, reason, &at);
        }
    }
}

/// The zone or region, when literal.
fn region(cx: &Context<'_, '_>, entry: &Entry<'_>, w: &mut Workload, key: &str) {
    let field = entry.field(&[key]);
    w.region = field.text().map(str::to_owned);
    if w.region.is_some() {
        w.provenance.insert("region".into(), cx.at(&field.at));
    }
}

/// Startup scripts and cloud-init user data.
fn scripts(cx: &Context<'_, '_>, entry: &Entry<'_>, w: &mut Workload) {
    add(cx, entry, w, &["metadata_startup_script"], "startup_script");
    add(cx, entry, w, &["metadata", "startup-script"], "startup_script");
    add(cx, entry, w, &["metadata", "user-data"], "user_data");
}
