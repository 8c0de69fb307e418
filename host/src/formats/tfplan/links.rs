//! Workloads whose image is another resource's: auto scaling groups and instances launched from
//! a launch template or launch configuration in the same plan take that template's image, OS,
//! billing and boot configuration, pointing at where the template sets them.

use entitle_sdk::Workload;
use entitle_sdk::model::Source;

use super::context::Context;
use super::entry::Entry;
use super::image::unidentified;

/// Where a resource names its template: attribute path, template type, the template's attribute
/// a literal value is compared with.
const TEMPLATE_ATTRIBUTES: [(&[&str], &str, &str); 5] = [
    (&["launch_template", "0", "id"], "aws_launch_template", "id"),
    (&["launch_template", "0", "name"], "aws_launch_template", "name"),
    (&["launch_configuration"], "aws_launch_configuration", "name"),
    (
        &[
            "mixed_instances_policy",
            "0",
            "launch_template",
            "0",
            "launch_template_specification",
            "0",
            "launch_template_id",
        ],
        "aws_launch_template",
        "id",
    ),
    (
        &[
            "mixed_instances_policy",
            "0",
            "launch_template",
            "0",
            "launch_template_specification",
            "0",
            "launch_template_name",
        ],
        "aws_launch_template",
        "name",
    ),
];

/// Workload fields that come with the image.
fn from_image(field: &str) -> bool {
    field == "image"
        || field == "addons"
        || field == "billing.model"
        || field.starts_with("image.")
        || field.starts_with("os.")
}

/// Fills every built workload that launches a template (`built` pairs entry numbers with workloads).
pub fn link(cx: &Context<'_, '_>, built: &mut [(usize, Workload)]) {
    for i in 0..built.len() {
        let entry = &cx.plan.entries[built[i].0];
        let launches = match entry.ty {
            "aws_autoscaling_group" => true,
            "aws_instance" | "aws_spot_instance_request" => {
                built[i].1.image.id.is_none() && !built[i].1.unknown.contains_key("image.id")
            }
            _ => false,
        };
        if !launches {
            continue;
        }
        let found = template_of(cx, entry);
        let template =
            found.as_ref().and_then(|(t, _, _)| built.iter().find(|(n, _)| *n == t.number)).map(|(_, w)| w.clone());
        let w = &mut built[i].1;
        match (found, template) {
            (Some((t, at, how)), Some(template)) => copy(w, &template, &t.address(), cx.at(&at), &how),
            (Some((t, _, how)), None) => {
                let reason = format!("its template {} ({how}) is not modelled", t.address());
                w.unknown.insert("image".into(), reason.clone());
                unidentified(w, &reason, &w.source.clone());
            }
            (None, _) => {
                let within = if cx.is_source() { "module" } else { "plan" };
                let reason = format!("it names no launch template or launch configuration in this {within}");
                w.unknown.insert("image".into(), reason.clone());
                unidentified(w, &reason, &w.source.clone());
            }
        }
    }
}

/// The template an entry launches, the pointer of the attribute naming it, and how it was found.
fn template_of<'e, 'a>(cx: &'e Context<'_, 'a>, entry: &Entry<'a>) -> Option<(&'e Entry<'a>, String, String)> {
    for (path, ty, key) in TEMPLATE_ATTRIBUTES {
        let field = entry.field(path);
        let attribute = path.iter().filter(|p| p.parse::<usize>().is_err()).copied().collect::<Vec<_>>().join(".");
        if let Some(target) = cx.follow(entry, path, &|data, t| !data && t == ty)
            && let Some(found) = cx.resource(entry, &target)
        {
            return Some((found, field.at, format!("{attribute} refers to {}", target.chain.join(" → "))));
        }
        let Some(value) = field.text() else { continue };
        if let Some(i) = cx.plan.first_with(false, ty, key, value, |e| e.mode == "managed") {
            return Some((&cx.plan.entries[i], field.at, format!("{attribute} {value} is its {key}")));
        }
    }
    None
}

/// Copies the template's image facts, evidence and boot configuration onto `w`.
fn copy(w: &mut Workload, template: &Workload, address: &str, at: Source, how: &str) {
    w.image = template.image.clone();
    w.os = template.os.clone();
    w.billing.model = template.billing.model;
    w.addons = template.addons.clone();
    w.evidence.push(format!("launches {address}: {how}"));
    w.evidence.extend(template.evidence.iter().skip(1).map(|e| format!("{address}: {e}")));
    for (field, reason) in template.unknown.iter().filter(|(f, _)| from_image(f)) {
        w.unknown.insert(field.clone(), reason.clone());
    }
    for (field, source) in template.provenance.iter().filter(|(f, _)| from_image(f)) {
        w.provenance.insert(field.clone(), source.clone());
        let mut trail = vec![at.clone()];
        trail.extend(template.trail.get(field).cloned().unwrap_or_default());
        w.trail.insert(field.clone(), trail);
    }
    w.boot.extend(template.boot.iter().cloned());
}
