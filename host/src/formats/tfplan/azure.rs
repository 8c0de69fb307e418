//! azurerm compute resources: virtual machines and scale sets (new and legacy), managed disks
//! and shared image definitions, read from the plan's nested blocks (arrays even when single).

use entitle_sdk::Workload;
use entitle_sdk::model::Plan;

use super::boot::add;
use super::context::Context;
use super::entry::Entry;
use super::image::{platform_image, unidentified};
use crate::classify::AzureImage;
use crate::formats::{apply_azure_image, apply_license_type, apply_own_azure_image};

/// `azurerm_linux_virtual_machine`, `azurerm_windows_virtual_machine`, their scale sets and
/// `azurerm_orchestrated_virtual_machine_scale_set`.
pub fn machine(cx: &Context<'_, '_>, entry: &Entry<'_>, w: &mut Workload) {
    let id = entry.field(&["source_image_id"]);
    // A whole block that is not known (a `dynamic` block read from source) is the image reference.
    let by_reference = entry.has(&["source_image_reference", "0"]) || entry.field(&["source_image_reference"]).unknown;
    if by_reference || !(id.text().is_some() || id.unknown || id.sensitive) {
        reference(cx, entry, w, "source_image_reference");
    } else {
        custom_image(cx, entry, w, &["source_image_id"]);
    }
    common(cx, entry, w, &["license_type"]);
    let size = match entry.ty {
        "azurerm_orchestrated_virtual_machine_scale_set" => "sku_name",
        t if t.ends_with("scale_set") => "sku",
        _ => "size",
    };
    cx.size(entry, w, &[size]);
    if entry.ty.ends_with("scale_set") {
        instances(cx, entry, w, &["instances"]);
    }
    add(cx, entry, w, &["custom_data"], "custom_data");
    add(cx, entry, w, &["user_data"], "user_data");
}

/// Legacy `azurerm_virtual_machine` and `azurerm_virtual_machine_scale_set`.
pub fn legacy(cx: &Context<'_, '_>, entry: &Entry<'_>, w: &mut Workload) {
    let scale_set = entry.ty.ends_with("scale_set");
    let block = if scale_set { "storage_profile_image_reference" } else { "storage_image_reference" };
    let disk = if scale_set { "storage_profile_os_disk" } else { "storage_os_disk" };
    let create = entry.field(&[disk, "0", "create_option"]);
    if let Some(os_type) = entry.field(&[disk, "0", "os_type"]).text() {
        w.evidence.push(format!("{disk} os_type {os_type}"));
    }
    if create.text().is_some_and(|c| c.eq_ignore_ascii_case("attach")) && !entry.has(&[block, "0", "publisher"]) {
        let reason = format!("the OS disk is attached ({disk} create_option Attach), so its image is not visible");
        w.unknown.insert("image".into(), reason.clone());
        w.provenance.insert("image".into(), cx.at(&create.at));
        unidentified(w, &reason, &cx.at(&create.at));
    } else if entry.field(&[block, "0", "id"]).text().is_some() {
        custom_image(cx, entry, w, &[block, "0", "id"]);
    } else {
        reference(cx, entry, w, block);
    }
    common(cx, entry, w, &["license_type"]);
    cx.size(entry, w, if scale_set { &["sku", "0", "name"] } else { &["vm_size"] });
    if scale_set {
        instances(cx, entry, w, &["sku", "0", "capacity"]);
    }
    add(cx, entry, w, &["os_profile", "0", "custom_data"], "custom_data");
}

/// `azurerm_managed_disk`: `image_reference_id` (a platform image id) or `gallery_image_reference_id`.
pub fn disk(cx: &Context<'_, '_>, entry: &Entry<'_>, w: &mut Workload) {
    let platform = entry.field(&["image_reference_id"]);
    let gallery = entry.field(&["gallery_image_reference_id"]);
    let field = if platform.value.is_some() || platform.unknown || platform.sensitive { platform } else { gallery };
    let at = cx.at(&field.at);
    w.provenance.insert("image".into(), at.clone());
    let Some(id) = cx.record(w, "image.id", &field) else {
        let create = entry.field(&["create_option"]).text().unwrap_or("not shown");
        let reason = match field.missing("the disk's image id") {
            Some(reason) => reason,
            None => format!("the disk is not created from an image (create_option {create})"),
        };
        return unidentified(w, &reason, &at);
    };
    w.image.id = Some(id.clone());
    match platform_image(&id) {
        Some([publisher, offer, sku, version]) => {
            let image =
                AzureImage { publisher: Some(publisher), offer: Some(offer), sku: Some(sku), version: Some(version) };
            apply_azure_image(w, &image, cx.catalog, at.clone(), at);
            w.image.reference = Some(format!("{publisher}:{offer}:{sku}:{version}"));
        }
        None => unidentified(w, "the disk's image id is not a platform image: its lineage is not visible", &at),
    }
}

/// `azurerm_shared_image`: `identifier` is free-form; a Red Hat `purchase_plan` is evidence.
pub fn shared_image(cx: &Context<'_, '_>, entry: &Entry<'_>, w: &mut Workload) {
    let part = |key: &str| entry.field(&["identifier", "0", key]).text().unwrap_or("?").to_owned();
    w.evidence.push(format!("identifier {}/{}/{} (free-form)", part("publisher"), part("offer"), part("sku")));
    let reason = "a gallery image definition's identifier is free-form, not proof of its OS";
    w.unknown.insert("os.product".into(), reason.into());
    let plan = read_plan(cx, entry, w, "purchase_plan");
    let Some(Plan { name, publisher: Some(publisher), product: Some(product) }) = plan else { return };
    if cx.catalog.azure_offer(&publisher, &product).is_some() {
        w.unknown.remove("os.product");
        let at = w.provenance.get("image.plan").cloned().unwrap_or_else(|| w.source.clone());
        let image =
            AzureImage { publisher: Some(&publisher), offer: Some(&product), sku: name.as_deref(), version: None };
        apply_azure_image(w, &image, cx.catalog, at.clone(), at);
        let name = name.as_deref().unwrap_or("?");
        w.evidence
            .push(format!("purchase plan {publisher}/{product}/{name} is derived from a Red Hat marketplace image"));
    }
}

/// A marketplace image reference block: publisher, offer, sku, version, then classification.
fn reference(cx: &Context<'_, '_>, entry: &Entry<'_>, w: &mut Workload, block: &str) {
    let whole = entry.field(&[block]);
    w.provenance.insert("image".into(), cx.at(&whole.at));
    if let Some(reason) = whole.missing(block) {
        w.unknown.insert("image".into(), reason.clone());
        return unidentified(w, &reason, &cx.at(&whole.at));
    }
    if !entry.has(&[block, "0"]) {
        let reason = format!("the resource has no {block}");
        w.unknown.insert("image".into(), reason.clone());
        return unidentified(w, &reason, &cx.at(&whole.at));
    }
    let mut part = |key: &str| cx.record(w, &format!("image.{key}"), &entry.field(&[block, "0", key]));
    let parts = (part("publisher"), part("offer"), part("sku"), part("version"));
    (w.image.publisher, w.image.offer, w.image.sku, w.image.version) = parts;
    w.image.reference = w.image.urn();
    apply_own_azure_image(w, cx.catalog);
}

/// A custom or gallery image id.
fn custom_image(cx: &Context<'_, '_>, entry: &Entry<'_>, w: &mut Workload, path: &[&str]) {
    let field = entry.field(path);
    let at = cx.at(&field.at);
    w.provenance.insert("image".into(), at.clone());
    w.image.id = cx.record(w, "image.id", &field);
    w.image.reference = w.image.id.clone();
    unidentified(w, "a custom or gallery image: its lineage is not visible", &at);
}

/// Plan, licence type and region, shared by every VM and scale set.
fn common(cx: &Context<'_, '_>, entry: &Entry<'_>, w: &mut Workload, license: &[&str]) {
    w.image.plan = read_plan(cx, entry, w, "plan");
    let field = entry.field(license);
    if let Some(value) = field.text() {
        w.billing.license_type = Some(value.to_owned());
        w.provenance.insert("billing.license_type".into(), cx.at(&field.at));
        apply_license_type(w, value, cx.at(&field.at), cx.catalog);
    } else if let Some(reason) = field.missing("license_type") {
        // An unset license_type is computed by the provider: only a configured one can change billing.
        if field.sensitive || cx.expression(entry, license).is_some() {
            w.unknown.insert("billing.license_type".into(), reason);
            w.provenance.insert("billing.license_type".into(), cx.at(&field.at));
        }
    }
    let location = entry.field(&["location"]);
    w.region = cx.record(w, "region", &location);
}

/// A `plan` / `purchase_plan` block (`[]` when absent).
fn read_plan(cx: &Context<'_, '_>, entry: &Entry<'_>, w: &mut Workload, block: &str) -> Option<Plan> {
    let whole = entry.field(&[block, "0"]);
    if let Some(reason) = whole.missing(block) {
        w.unknown.insert("image.plan".into(), reason);
        w.provenance.insert("image.plan".into(), cx.at(&whole.at));
        return None;
    }
    whole.value?;
    w.provenance.insert("image.plan".into(), cx.at(&whole.at));
    let mut part = |key: &str| cx.record(w, &format!("image.plan.{key}"), &entry.field(&[block, "0", key]));
    Some(Plan { name: part("name"), publisher: part("publisher"), product: part("product") })
}

/// A scale set's instance count.
fn instances(cx: &Context<'_, '_>, entry: &Entry<'_>, w: &mut Workload, path: &[&str]) {
    let field = entry.field(path);
    w.provenance.insert("count".into(), cx.at(&field.at));
    w.count = field.number();
    if w.count.is_none() {
        let reason = field.missing("the instance count").unwrap_or_else(|| "the instance count is not set".into());
        w.unknown.insert("count".into(), reason);
    }
}
