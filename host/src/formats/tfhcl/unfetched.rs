//! A registry or git module call is not fetched: it becomes one workload of kind `module` whose
//! count and resources are unknown, carrying the image-like inputs passed to it, classified where
//! they form a known image reference (`linux_image` with `linux_image_project` on GCP; a
//! publisher/offer/sku object on Azure).

use std::collections::BTreeMap;

use entitle_sdk::model::Source;
use entitle_sdk::{Catalog, Workload};
use hcl_edit::Span;
use hcl_edit::structure::Block;

use super::eval::{Eval, Scope};
use super::files::{File, label};
use super::modules::source_of;
use super::position::join;
use super::value::{Kind, Val};
use crate::classify::AzureImage;
use crate::formats::{apply_azure_image, apply_cloud_image};
use crate::support::framework;

/// Arguments of a module block that configure Terraform, not the module.
const META: &[&str] = &["source", "version", "count", "for_each", "providers", "depends_on"];

/// The provider of a registry source (`NAMESPACE/NAME/PROVIDER[//SUBDIR]`), else `unknown`.
pub fn provider(source: &str) -> &'static str {
    let main = source.split("//").next().unwrap_or_default();
    let parts: Vec<&str> = main.split('/').collect();
    let registry = if parts.len() == 4 { &parts[1..] } else { &parts[..] };
    match registry {
        [_, _, "google" | "google-beta"] => "gcp",
        [_, _, "aws"] => "aws",
        [_, _, "azurerm"] => "azure",
        _ => "unknown",
    }
}

/// True for an input name that carries an image.
pub(super) fn image_like(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.contains("image") || n == "ami" || n.ends_with("_ami") || n.starts_with("ami_") || azure_part(&n).is_some()
}

/// `(prefix, part)` of an input named like one part of an Azure image (`vm_os_sku` → `vm_os_`, `sku`).
pub(super) fn azure_part(name: &str) -> Option<(&str, &str)> {
    ["publisher", "offer", "sku"].into_iter().find_map(|part| name.strip_suffix(part).map(|prefix| (prefix, part)))
}

/// The workload of an unfetched module call.
pub fn workload(ev: &Eval<'_>, file: &File, block: &Block, catalog: &Catalog) -> Workload {
    let name = label(block, 0);
    let ptr = join("/module", name);
    let source = source_of(block).unwrap_or_else(|| "(a computed source)".into());
    let address = format!("{}module.{name}", ev.prefix);
    let at = file.text.source(&ptr, block.span());
    let mut w = Workload {
        id: address.clone(),
        kind: "module".into(),
        provider: provider(&source).into(),
        resource: address.clone(),
        source: at.clone(),
        count: None,
        ..Workload::default()
    };
    let version = block
        .body
        .get_attribute("version")
        .and_then(|a| a.value.as_str())
        .map(|v| format!(" (version {v})"))
        .unwrap_or_default();
    w.evidence.push(format!(
        "{address} comes from {source}{version}, which is not fetched: only the inputs passed to it are visible"
    ));
    w.unknown.insert(
        "count".into(),
        format!("{address} is not fetched ({source}): the instances it creates are not visible"),
    );
    w.provenance.insert("count".into(), at.clone());
    let scope = Scope::default();
    let mut inputs: BTreeMap<String, Val> = BTreeMap::new();
    let mut switches = Vec::new();
    for attr in block.body.attributes() {
        let key = attr.key.as_str();
        if !META.contains(&key) && image_like(key) {
            inputs.insert(key.to_owned(), ev.eval(file, &attr.value, &join(&ptr, key), &scope));
        } else if framework::reads(key) {
            let at = join(&ptr, key);
            let value = super::vars_alone::switch_value(&ev.eval(file, &attr.value, &at, &scope));
            switches.push(framework::Input { name: key.to_owned(), value, at: file.text.source(&at, attr.span()) });
        }
    }
    framework::apply(&mut w, None, &switches, Some((&source, &at)));
    if inputs.is_empty() {
        let reason = format!("{address} is not fetched ({source}) and is passed no image-like input");
        unidentified(&mut w, &reason, &at);
        return w;
    }
    let shown: Vec<String> = inputs.iter().map(|(k, v)| format!("{k} = {}", v.show())).collect();
    w.evidence.push(format!("image-like inputs passed to it: {}", shown.join(", ")));
    classify(&mut w, &inputs, &address, "is not fetched", &at, catalog);
    w
}

/// Classifies the inputs that form a known image reference.
pub(super) fn classify(
    w: &mut Workload,
    inputs: &BTreeMap<String, Val>,
    address: &str,
    context: &str,
    at: &Source,
    catalog: &Catalog,
) {
    let text = |k: &str| inputs.get(k).and_then(Val::as_text);
    let place = |v: &Val| v.at.clone().unwrap_or_else(|| at.clone());
    for (key, value) in inputs {
        if key.ends_with("_project") {
            continue;
        }
        if let (Some(image), Some(project)) = (value.as_text(), text(&format!("{key}_project"))) {
            let reference = format!("{project}/{image}");
            w.image.reference = Some(reference.clone());
            w.provenance.insert("image".into(), place(value));
            w.evidence.push(format!("{key} with {key}_project is the image {reference}"));
            apply_cloud_image(w, &reference, place(value), catalog);
            if let Some(project_at) = inputs.get(&format!("{key}_project")).and_then(|v| v.at.clone()) {
                for field in ["os.vendor", "os.product", "billing.model"] {
                    w.trail.insert(field.into(), vec![project_at.clone()]);
                }
            }
            return;
        }
        if let Kind::Map(parts) = &value.kind {
            let part = |k: &str| parts.get(k).and_then(Val::as_text);
            // A custom image's id wins over the marketplace parts beside it (SDAF's `*_image` objects).
            if let Some(id) = part("source_image_id").filter(|id| !id.trim().is_empty()) {
                let id_at = parts.get("source_image_id").map(place).unwrap_or_else(|| place(value));
                w.image.id = Some(id.clone());
                w.image.reference = Some(id.clone());
                w.provenance.insert("image".into(), id_at.clone());
                let reason =
                    format!("{key}.source_image_id is a custom image ({id}): its OS and billing are not in its id");
                return unidentified(w, &reason, &id_at);
            }
            if let (Some(publisher), Some(offer), Some(sku)) = (part("publisher"), part("offer"), part("sku")) {
                let version = part("version");
                let image = AzureImage {
                    publisher: Some(&publisher),
                    offer: Some(&offer),
                    sku: Some(&sku),
                    version: version.as_deref(),
                };
                w.image.reference =
                    Some(format!("{publisher}:{offer}:{sku}:{}", version.as_deref().unwrap_or("latest")));
                let sku_at = parts.get("sku").map(place).unwrap_or_else(|| place(value));
                let offer_at = parts.get("offer").map(place).unwrap_or_else(|| place(value));
                w.provenance.insert("image".into(), place(value));
                apply_azure_image(w, &image, catalog, sku_at, offer_at);
                return;
            }
        }
    }
    for (key, value) in inputs {
        let Some((prefix, "publisher")) = azure_part(key) else { continue };
        let get = |part: &str| inputs.get(&format!("{prefix}{part}"));
        let (Some(offer), Some(sku)) = (get("offer"), get("sku")) else { continue };
        let (Some(p), Some(o), Some(k)) = (value.as_text(), offer.as_text(), sku.as_text()) else { continue };
        let image = AzureImage { publisher: Some(&p), offer: Some(&o), sku: Some(&k), version: None };
        w.image.reference = Some(format!("{p}:{o}:{k}:latest"));
        w.provenance.insert("image".into(), place(value));
        w.evidence.push(format!("{prefix}publisher, {prefix}offer and {prefix}sku are the image {p}:{o}:{k}"));
        apply_azure_image(w, &image, catalog, place(sku), place(offer));
        return;
    }
    for (key, value) in inputs {
        if image_text(w, key, value, place(value), catalog) {
            return;
        }
    }
    let reason = format!("{address} {context}, and its image-like inputs do not form an image reference entitle reads");
    let first = inputs.values().next().map(place).unwrap_or_else(|| at.clone());
    w.provenance.insert("image".into(), first.clone());
    unidentified(w, &reason, &first);
}

/// Classifies an image reference written as one string, by its shape: an Azure URN
/// (`RedHat:RHEL:9-lvm-gen2:latest`), a GCP image path (`projects/rhel-cloud/global/images/…`),
/// an AMI id (opaque), or an AMI name (Red Hat's grammar, or any name under an `ami` key).
/// False when the text has none of these shapes.
fn image_text(w: &mut Workload, key: &str, value: &Val, at: Source, catalog: &Catalog) -> bool {
    let Some(text) = value.as_text() else { return false };
    let text = text.trim();
    let parts: Vec<&str> = text.split(':').collect();
    if let [publisher, offer, sku, version] = parts[..]
        && parts.iter().all(|p| !p.is_empty() && !p.contains([' ', '/']))
    {
        let image = AzureImage {
            publisher: Some(publisher),
            offer: Some(offer),
            sku: Some(sku),
            version: Some(version).filter(|v| *v != "latest"),
        };
        w.provider = "azure".into();
        (w.image.reference, w.image.publisher, w.image.offer, w.image.sku) =
            (Some(text.to_owned()), Some(publisher.into()), Some(offer.into()), Some(sku.into()));
        w.image.version = Some(version.into());
        w.provenance.insert("image".into(), at.clone());
        apply_azure_image(w, &image, catalog, at.clone(), at);
        return true;
    }
    let gcp = text.contains("/global/images/") || text.starts_with("projects/");
    let id = text.strip_prefix("ami-").is_some_and(|h| h.len() >= 8 && h.bytes().all(|b| b.is_ascii_hexdigit()));
    let lower = key.to_ascii_lowercase();
    let ami_key = lower == "ami" || lower.ends_with("_ami") || lower.starts_with("ami_") || lower.contains("_ami_");
    let red_hat_name = text.starts_with("RHEL") && text.contains("_HVM");
    if !(gcp || id || ami_key || red_hat_name) {
        return false;
    }
    w.provider = if gcp { "gcp" } else { "aws" }.into();
    w.image.reference = Some(text.to_owned());
    w.provenance.insert("image".into(), at.clone());
    if id {
        w.image.id = Some(text.to_owned());
        let reason = format!("AMI ids are opaque: {key} = {text} does not show the AMI's name, owner or billing");
        unidentified(w, &reason, &at);
    } else {
        apply_cloud_image(w, text, at, catalog);
    }
    true
}

/// The OS and billing stay unknown for `reason`.
fn unidentified(w: &mut Workload, reason: &str, at: &Source) {
    for field in ["image", "os.product", "billing.model"] {
        w.unknown.entry(field.to_owned()).or_insert_with(|| reason.to_owned());
        w.provenance.entry(field.to_owned()).or_insert_with(|| at.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn providers_of_registry_sources() {
        assert_eq!(provider("terraform-google-modules/sap/google//modules/sap_hana_ha"), "gcp");
        assert_eq!(provider("Azure/compute/azurerm"), "azure");
        assert_eq!(provider("app.terraform.io/acme/vm/aws"), "aws");
        assert_eq!(provider("git::https://example.com/m.git"), "unknown");
        assert!(image_like("linux_image") && image_like("ami") && !image_like("machine_type"));
    }
}
