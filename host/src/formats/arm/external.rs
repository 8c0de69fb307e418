//! A deployment of a template that is not available locally: an unknown workload that
//! names the URI and carries the image parameters passed to it (`…ImagePublisher`,
//! `…Offer`, `…Sku`, or an `imageReference`-like object), resolved like any value.

use entitle_sdk::{Catalog, Workload};
use serde_json::Value;

use super::expr::EvalError;
use super::fields::{Resolved, record_str};
use super::resources::Found;
use super::value::Kind;
use crate::document::escape_token;
use crate::formats::apply_own_azure_image;

/// Fills in what can be seen of a deployment of an external template.
pub fn describe(w: &mut Workload, found: &Found, uri: &str, reason: &str, catalog: &Catalog) -> Result<(), EvalError> {
    let t = &found.template;
    w.evidence.push(format!("the workloads are in a template that is not available here: {reason}"));
    w.unknown.insert("count".into(), "the linked template that creates the machines is not available".into());
    let params_at = format!("{}/properties/parameters", found.pointer);
    let mut passed = Vec::new();
    if let Some(Value::Object(map)) = t.node(&params_at) {
        for (name, entry) in map {
            let Some(node) = entry.get("value") else { continue };
            let at = format!("{params_at}/{}/value", escape_token(name));
            let lower = name.to_ascii_lowercase();
            let value = t.eval_node(node, &at)?;
            let resolved = Resolved { value: Some(value.clone()), edit: at };
            let slot = ["publisher", "offer", "sku", "version"]
                .into_iter()
                .find(|k| lower.ends_with(k) && lower.contains("image"));
            if let Some(key) = slot {
                if let Some(text) = record_str(w, t, &format!("image.{key}"), &resolved, None) {
                    passed.push(format!("{name} = {text}"));
                    set(w, key, text);
                }
            } else if matches!(value.kind, Kind::Object(_))
                && value.get("offer").is_some()
                && value.get("sku").is_some()
            {
                for key in ["publisher", "offer", "sku", "version"] {
                    if let Some(text) = record_str(w, t, &format!("image.{key}"), &resolved, Some(key)) {
                        passed.push(format!("{name}.{key} = {text}"));
                        set(w, key, text);
                    }
                }
            }
        }
    }
    w.evidence.push(format!("template: {}", if uri.is_empty() { "(no uri)" } else { uri }));
    if passed.is_empty() {
        w.unknown.insert("image".into(), "no image parameters are passed to the external template".into());
        w.kind = "external_template_without_image".into();
        return Ok(());
    }
    w.evidence.push(format!("image parameters passed to it: {}", passed.join(", ")));
    w.image.reference = w.image.urn();
    apply_own_azure_image(w, catalog);
    Ok(())
}

fn set(w: &mut Workload, key: &str, text: String) {
    match key {
        "publisher" => w.image.publisher = Some(text),
        "offer" => w.image.offer = Some(text),
        "sku" => w.image.sku = Some(text),
        _ => w.image.version = Some(text),
    }
}
