//! An AWS AMI's identity. AMI ids are opaque, so the name, owner and billing codes come from the
//! `data "aws_ami"` source the attribute refers to (its values read during planning, in
//! `prior_state`), or from any data source read during planning that returned the same id;
//! otherwise the data source's filters are kept as evidence and the OS stays unknown.

use entitle_sdk::Workload;
use serde_json::Value;

use super::config::{Config, Target, describe};
use super::context::{Context, show};
use super::entry::Entry;
use super::image::{apply, unidentified};
use crate::classify::{AwsImage, classify_aws};

/// Identifies and classifies the AMI of attribute `path` (`ami`, `image_id`).
pub fn identify(cx: &Context<'_, '_>, entry: &Entry<'_>, path: &[&str], w: &mut Workload) {
    let field = entry.field(path);
    let at = cx.at(&field.at);
    let id = cx.record(w, "image.id", &field);
    w.provenance.insert("image".into(), at.clone());
    w.image.id = id.clone();
    w.image.reference = id.clone();
    if field.sensitive {
        let reason = "the AMI is marked sensitive in the plan, so it is not read or shown";
        w.unknown.insert("image".into(), reason.into());
        return unidentified(w, reason, &at);
    }
    let target = cx.follow(entry, path, &|data, ty| data && ty == "aws_ami");
    let mut pending = None;
    if let Some(target) = &target {
        match cx.data_source(entry, target) {
            Some((source, true)) => {
                let read = source.field(&["image_id"]).text().or(source.field(&["id"]).text());
                if id.is_none() || read == id.as_deref() {
                    return classify(cx, w, source, Some(target));
                }
                let (plan, read) = (id.as_deref().unwrap_or_default(), read.unwrap_or("no id"));
                w.evidence.push(format!("{} read {read} during planning, but the plan sets {plan}", source.address()));
            }
            Some((source, false)) => pending = Some(filters_of_values(source)),
            None => pending = filters_of_config(cx, target),
        }
    }
    if let Some(id) = &id {
        let first =
            ["image_id", "id"].into_iter().filter_map(|key| cx.plan.first_with(true, "aws_ami", key, id, |_| true));
        if let Some(i) = first.min() {
            return classify(cx, w, &cx.plan.read[i], None);
        }
    }
    if let Some((id, info)) = id.as_ref().and_then(|id| cx.amis.and_then(|c| c.get(id)).map(|i| (id, i))) {
        let name = info.name.as_deref().unwrap_or("no name");
        w.evidence.push(format!(
            "the AMI catalogue {} names {id}: {name}",
            cx.amis.map(|c| c.path.as_str()).unwrap_or_default()
        ));
        return apply(w, classify_aws(&info.as_aws(), cx.catalog), &at, &[]);
    }
    let via = target.as_ref().map(|t| format!(" ({})", t.chain.join(" → "))).unwrap_or_default();
    let reason = match (&id, &pending) {
        (_, Some(filters)) => {
            let name = target.as_ref().map(|t| format!("data.{}.{}", t.ty, t.name)).unwrap_or_default();
            w.evidence.push(format!("the AMI is chosen by {name}{via}, which selects {filters}"));
            match &id {
                None => format!(
                    "{name} is read only at apply, so the AMI's name, owner and billing are not in the plan; \
                     its filters are in the evidence"
                ),
                Some(id) => format!(
                    "AMI ids are opaque: the plan does not show {id}'s name, owner or billing, \
                     only the filters {name} selected it by (in the evidence)"
                ),
            }
        }
        (Some(id), None) if cx.is_source() => {
            format!("AMI ids are opaque: the Terraform source does not show {id}'s name, owner or billing")
        }
        (Some(id), None) => {
            format!(
                "AMI ids are opaque: the plan does not show {id}'s name, owner or billing \
                 (no data source read during planning returned it)"
            )
        }
        (None, None) => format!("the AMI is known only after apply{via}{}", cx.unread("names it")),
    };
    if id.is_none() {
        w.unknown.insert("image".into(), reason.clone());
    }
    unidentified(w, &reason, &at);
}

/// Classifies from a data source read during planning.
fn classify(cx: &Context<'_, '_>, w: &mut Workload, source: &Entry<'_>, target: Option<&Target>) {
    let text = |key: &str| source.field(&[key]).text();
    let owner = text("owner_id").or(text("image_owner_alias"));
    let image = AwsImage {
        name: text("name"),
        owner,
        usage_operation: text("usage_operation"),
        platform_details: text("platform_details"),
    };
    let id = text("image_id").or(text("id"));
    let mut parts = vec![format!("name {}", image.name.unwrap_or("not shown"))];
    parts.extend(owner.map(|o| format!("owner {o}")));
    parts.extend(image.platform_details.map(|p| format!("platform details {p}")));
    parts.extend(image.usage_operation.map(|u| format!("usage operation {u}")));
    let via = match target {
        None => " (the same AMI id)".to_owned(),
        Some(t) if t.chain.len() > 1 => format!(" (via {})", t.chain.join(" → ")),
        Some(_) => String::new(),
    };
    let id_text = id.map(|i| format!("AMI {i}")).unwrap_or_else(|| "the AMI".to_owned());
    let address = source.address();
    w.evidence.push(format!("{id_text} is {address}{via}, read during planning: {}", parts.join(", ")));
    if w.image.id.is_none() {
        w.image.id = id.map(str::to_owned);
        w.unknown.remove("image.id");
    }
    w.image.reference = image.name.map(str::to_owned).or(w.image.reference.take());
    let at = w.provenance.get("image").cloned().unwrap_or_else(|| w.source.clone());
    let mut trail: Vec<_> = target.map(|t| t.via.iter().map(|p| cx.at(p)).collect()).unwrap_or_default();
    trail.push(cx.at(&source.field(&["name"]).at));
    apply(w, classify_aws(&image, cx.catalog), &at, &trail);
}

/// The filters of a data source whose read is pending in the plan (its arguments are known).
fn filters_of_values(source: &Entry<'_>) -> String {
    let mut parts = Vec::new();
    for key in ["owners", "executable_users", "name_regex", "most_recent"] {
        if let Some(value) = source.field(&[key]).value {
            parts.push(format!("{key} {}", show(value)));
        }
    }
    for filter in source.field(&["filter"]).value.and_then(Value::as_array).into_iter().flatten() {
        let name = filter.get("name").map(show).unwrap_or_default();
        parts.push(format!("filter {name} = {}", filter.get("values").map(show).unwrap_or_default()));
    }
    if parts.is_empty() { "an AMI by arguments the plan does not show".to_owned() } else { parts.join(", ") }
}

/// The filters a data source's configuration block sets, when it has one.
fn filters_of_config(cx: &Context<'_, '_>, target: &Target) -> Option<String> {
    let block = cx.config.resource(&target.steps, "data", &target.ty, &target.name)?;
    let mut parts = Vec::new();
    for key in ["owners", "executable_users", "name_regex", "most_recent"] {
        if let Some((expression, _)) = Config::expression(&block, &[key]) {
            parts.push(format!("{key} {}", describe(expression)));
        }
    }
    if let Some((Value::Array(filters), _)) = Config::expression(&block, &["filter"]) {
        for filter in filters {
            let name = filter.get("name").map(describe).unwrap_or_default();
            parts.push(format!("filter {name} = {}", filter.get("values").map(describe).unwrap_or_default()));
        }
    }
    Some(if parts.is_empty() {
        "an AMI by arguments the configuration does not show".to_owned()
    } else {
        parts.join(", ")
    })
}
