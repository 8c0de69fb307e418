//! Turns a found resource into a canonical [`Workload`]: image, plan, licence type,
//! count, region and boot configuration, each field with where to edit it and the
//! trail its value took, then the OS and billing the image implies.

use std::collections::BTreeSet;

use entitle_sdk::model::{BootConfig, Plan};
use entitle_sdk::{Catalog, Workload};
use serde_json::Value;

use super::expr::EvalError;
use super::fields::{Resolved, record_str, resolve};
use super::resources::{Found, ResourceKind, display, with_frames};
use super::value::{Kind, source};
use crate::classify::AzureImage;
use crate::formats::partial::Partial;
use crate::formats::{apply_azure_image, apply_license_type, apply_own_azure_image};

/// The workload for `found` (not for extensions: see [`boot_entry`]), and the root
/// parameters its image, plan and licence type read.
pub fn build(found: &Found, catalog: &Catalog) -> Result<(Workload, BTreeSet<String>), EvalError> {
    with_frames(&found.frames, || build_inner(found, catalog))
}

fn build_inner(found: &Found, catalog: &Catalog) -> Result<(Workload, BTreeSet<String>), EvalError> {
    let t = &found.template;
    let at = found.pointer.as_str();
    let name_node = t.node(&format!("{at}/name")).cloned().unwrap_or(Value::Null);
    let name = display(&t.eval_node(&name_node, &format!("{at}/name"))?, &name_node);
    let resource = format!("{}/{name}", found.ty);
    let mut id = found.via.clone();
    id.push(resource.clone());
    let mut w = Workload {
        id: id.join(" > "),
        kind: match found.kind {
            ResourceKind::Vm => "vm",
            ResourceKind::ScaleSet => "scale_set",
            ResourceKind::GalleryImage => "gallery_image",
            ResourceKind::Disk => "disk",
            ResourceKind::Image => "image",
            _ => "external_template",
        }
        .to_owned(),
        provider: "azure".to_owned(),
        resource,
        source: source(&t.file.display, at),
        ..Workload::default()
    };
    w.evidence.extend(found.notes.iter().map(|n| format!("the resource {n}")));
    if !found.via.is_empty() {
        w.evidence.push(format!("deployed through {}", found.via.join(" > ")));
    }
    let profile: &[&str] = match found.kind {
        ResourceKind::ScaleSet => &["properties", "virtualMachineProfile"],
        _ => &["properties"],
    };
    t.session.push_deps();
    let modelled = match &found.kind {
        ResourceKind::Vm | ResourceKind::ScaleSet => compute(&mut w, found, profile, catalog),
        ResourceKind::GalleryImage => gallery_image(&mut w, found, catalog),
        ResourceKind::Disk => disk(&mut w, found, catalog),
        ResourceKind::Image => {
            w.unknown
                .insert("os.product".into(), "a managed image: the image it was captured from is not visible".into());
            Ok(())
        }
        ResourceKind::External { uri, reason } => super::external::describe(&mut w, found, uri, reason, catalog),
        ResourceKind::Extension => Ok(()),
    };
    let deps = t.session.pop_deps();
    modelled?;
    count(&mut w, found)?;
    let location = resolve(t, at, &["location"])?;
    w.region = record_str(&mut w, t, "region", &location, None);
    w.unknown.remove("region");
    Ok((w, deps))
}

fn compute(w: &mut Workload, found: &Found, profile: &[&str], catalog: &Catalog) -> Result<(), EvalError> {
    let t = &found.template;
    let image_keys = [profile, &["storageProfile", "imageReference"]].concat();
    let image = resolve(t, &found.pointer, &image_keys)?;
    match &image.value {
        None => {
            let create =
                resolve(t, &found.pointer, &[profile, &["storageProfile", "osDisk", "createOption"]].concat())?;
            let attached =
                create.value.as_ref().and_then(|v| v.as_str()).is_some_and(|c| c.eq_ignore_ascii_case("attach"));
            let reason = if attached {
                "the OS disk is attached (createOption Attach), so its image is not visible"
            } else {
                "the resource has no imageReference"
            };
            w.unknown.insert("image".into(), reason.into());
            w.provenance.insert("image".into(), source(&t.file.display, &image.edit));
        }
        Some(v) if v.is_unknown() => {
            w.unknown.insert("image".into(), v.unknown_reason().unwrap_or_default().to_owned());
            w.provenance.insert("image".into(), source(&t.file.display, &image.edit));
        }
        Some(_) => image_fields(w, t, &image, catalog),
    }
    plan(w, found)?;
    let license = resolve(t, &found.pointer, &[profile, &["licenseType"]].concat())?;
    if let Some(value) = record_str(w, t, "billing.license_type", &license, None) {
        w.billing.license_type = Some(value.clone());
        apply_license_type(w, &value, source(&t.file.display, &license.edit), catalog);
    }
    let size_keys = match found.kind {
        ResourceKind::ScaleSet => vec!["sku", "name"],
        _ => [profile, &["hardwareProfile", "vmSize"]].concat(),
    };
    let size = resolve(t, &found.pointer, &size_keys)?;
    if let Some(value) = record_str(w, t, "instance.size", &size, None) {
        crate::support::instance::set_size(w, &value, None);
    }
    let custom = resolve(t, &found.pointer, &[profile, &["osProfile", "customData"]].concat())?;
    if let Some(value) = &custom.value {
        let (text, unknown) = match (&value.kind, value.partial_str()) {
            (Kind::Str(s), _) => {
                Partial::known(&crate::formats::base64::decode_text(s).unwrap_or_else(|| s.clone())).into_boot()
            }
            // Azure decodes custom data once; a partly known script read as is stays so.
            (Kind::Unknown(_), Some(p)) if p.base64 <= 1 => p.text.clone().into_boot(),
            (Kind::Unknown(r), _) => (None, Some(r.to_string())),
            _ => (None, Some("customData is not a string".into())),
        };
        let source = source(&t.file.display, &custom.edit);
        w.boot.push(BootConfig { kind: "custom_data".into(), text, unknown, source, ..BootConfig::default() });
    }
    if found.kind == ResourceKind::ScaleSet {
        super::profile_extensions::add(w, found)?;
    }
    Ok(())
}

/// Publisher, offer, sku, version and id of an evaluated `imageReference`.
fn image_fields(w: &mut Workload, t: &super::template::Template, image: &Resolved, catalog: &Catalog) {
    w.image.publisher = record_str(w, t, "image.publisher", image, Some("publisher"));
    w.image.offer = record_str(w, t, "image.offer", image, Some("offer"));
    w.image.sku = record_str(w, t, "image.sku", image, Some("sku"));
    w.image.version = record_str(w, t, "image.version", image, Some("version"));
    for key in ["id", "sharedGalleryImageId", "communityGalleryImageId"] {
        if let Some(id) = record_str(w, t, "image.id", image, Some(key)) {
            w.image.id = Some(id);
            w.unknown
                .entry("os.product".into())
                .or_insert_with(|| "a custom or gallery image: its lineage is not visible".into());
        }
    }
    w.image.reference = w.image.urn();
    if w.image.publisher.is_some() || w.image.offer.is_some() || w.image.sku.is_some() {
        apply_own_azure_image(w, catalog);
        for (from, to) in [
            ("image.sku", ["os.major", "os.minor", "os.stream"].as_slice()),
            ("image.offer", &["os.product", "billing.model"]),
        ] {
            if let Some(trail) = w.trail.get(from).cloned() {
                for field in to {
                    w.trail.insert((*field).to_owned(), trail.clone());
                }
            }
        }
    }
}

fn plan(w: &mut Workload, found: &Found) -> Result<(), EvalError> {
    let t = &found.template;
    let plan = resolve(t, &found.pointer, &["plan"])?;
    match &plan.value {
        None => {}
        Some(v) if v.is_unknown() => {
            w.unknown.insert("image.plan".into(), v.unknown_reason().unwrap_or_default().to_owned());
            w.provenance.insert("image.plan".into(), source(&t.file.display, &plan.edit));
        }
        Some(_) => {
            let mut scratch = Workload::default();
            let name = record_str(&mut scratch, t, "image.plan.name", &plan, Some("name"));
            let publisher = record_str(&mut scratch, t, "image.plan.publisher", &plan, Some("publisher"));
            let product = record_str(&mut scratch, t, "image.plan.product", &plan, Some("product"));
            w.provenance.extend(scratch.provenance);
            w.trail.extend(scratch.trail);
            w.unknown.extend(scratch.unknown);
            w.provenance.insert("image.plan".into(), source(&t.file.display, &plan.edit));
            w.image.plan = Some(Plan { name, publisher, product });
        }
    }
    Ok(())
}

fn gallery_image(w: &mut Workload, found: &Found, catalog: &Catalog) -> Result<(), EvalError> {
    let t = &found.template;
    let plan = resolve(t, &found.pointer, &["properties", "purchasePlan"])?;
    let name = record_str(w, t, "image.plan.name", &plan, Some("name"));
    let publisher = record_str(w, t, "image.plan.publisher", &plan, Some("publisher"));
    let product = record_str(w, t, "image.plan.product", &plan, Some("product"));
    w.unknown.insert(
        "os.product".into(),
        "a gallery image definition's identifier is free-form, not proof of its OS".into(),
    );
    if let (Some(p), Some(o)) = (&publisher, &product)
        && catalog.azure_offer(p, o).is_some()
    {
        w.unknown.remove("os.product");
        let azure = AzureImage { publisher: Some(p), offer: Some(o), sku: name.as_deref(), version: None };
        let at = source(&t.file.display, &plan.edit);
        apply_azure_image(w, &azure, catalog, at.clone(), at);
        w.evidence.push(format!(
            "purchase plan {p}/{o}/{} is derived from a Red Hat marketplace image",
            name.as_deref().unwrap_or("?")
        ));
    }
    w.image.plan = Some(Plan { name, publisher, product });
    Ok(())
}

fn disk(w: &mut Workload, found: &Found, catalog: &Catalog) -> Result<(), EvalError> {
    let t = &found.template;
    let image = resolve(t, &found.pointer, &["properties", "creationData", "imageReference"])?;
    let Some(id) = record_str(w, t, "image.id", &image, Some("id")) else {
        w.unknown.entry("os.product".into()).or_insert_with(|| "the disk is not created from an image".into());
        return Ok(());
    };
    w.image.id = Some(id.clone());
    let parts = platform_image(&id);
    match parts {
        Some([publisher, offer, sku, version]) => {
            let azure =
                AzureImage { publisher: Some(publisher), offer: Some(offer), sku: Some(sku), version: Some(version) };
            let at = w.provenance.get("image.id").cloned().unwrap_or_default();
            apply_azure_image(w, &azure, catalog, at.clone(), at);
            w.image.reference = Some(format!("{publisher}:{offer}:{sku}:{version}"));
        }
        None => {
            w.unknown.insert("os.product".into(), "the disk's image id is not a platform image".into());
        }
    }
    Ok(())
}

/// `[publisher, offer, sku, version]` of `/Subscriptions/…/Publishers/P/ArtifactTypes/VMImage/Offers/O/Skus/S/Versions/V`.
fn platform_image(id: &str) -> Option<[&str; 4]> {
    let parts: Vec<&str> = id.split('/').collect();
    let after =
        |key: &str| parts.iter().position(|p| p.eq_ignore_ascii_case(key)).and_then(|i| parts.get(i + 1)).copied();
    Some([after("Publishers")?, after("Offers")?, after("Skus")?, after("Versions")?])
}

fn count(w: &mut Workload, found: &Found) -> Result<(), EvalError> {
    let t = &found.template;
    let mut total = found.multiplier.clone();
    if let Ok(copy) = resolve(t, &found.pointer, &["copy", "count"])
        && total.is_ok()
        && copy.value.is_some()
    {
        w.provenance.insert("count".into(), source(&t.file.display, &copy.edit));
    }
    if found.kind == ResourceKind::ScaleSet {
        let capacity = resolve(t, &found.pointer, &["sku", "capacity"])?;
        w.provenance.insert("count".into(), source(&t.file.display, &capacity.edit));
        total = match (&capacity.value.as_ref().map(|v| &v.kind), total) {
            (Some(Kind::Int(n)), Ok(m)) => Ok(m.saturating_mul((*n).max(0) as u64)),
            (Some(Kind::Unknown(r)), _) => Err(format!("the scale set capacity is not known before deployment ({r})")),
            (_, other) => other,
        };
    }
    match total {
        Ok(n) => w.count = Some(n),
        Err(reason) => {
            w.count = None;
            w.unknown.insert("count".into(), reason);
        }
    }
    Ok(())
}

/// The boot entry of an extension resource.
pub fn boot_entry(found: &Found) -> Result<BootConfig, EvalError> {
    with_frames(&found.frames, || super::profile_extensions::read(&found.template, &found.pointer))
}
