//! A scale set's extensions live inside its model
//! (`virtualMachineProfile.extensionProfile.extensions[]`), not as child resources:
//! each becomes a boot entry of the scale set, read like an extension resource.

use entitle_sdk::Workload;
use entitle_sdk::model::BootConfig;
use serde_json::Value;

use super::expr::EvalError;
use super::fields::{record_str, resolve};
use super::resources::Found;
use super::value::source;

/// Adds a boot entry per extension of the scale set's model.
pub fn add(w: &mut Workload, found: &Found) -> Result<(), EvalError> {
    let t = &found.template;
    let at = format!("{}/properties/virtualMachineProfile/extensionProfile/extensions", found.pointer);
    let Some(Value::Array(extensions)) = t.node(&at) else { return Ok(()) };
    for i in 0..extensions.len() {
        let here = format!("{at}/{i}");
        let mut scratch = Workload::default();
        let props = resolve(t, &here, &["properties"])?;
        let publisher = record_str(&mut scratch, t, "publisher", &props, Some("publisher"));
        let extension_type = record_str(&mut scratch, t, "type", &props, Some("type"));
        let settings = resolve(t, &here, &["properties", "settings", "commandToExecute"])?;
        let protected = resolve(t, &here, &["properties", "protectedSettings", "commandToExecute"])?;
        let command = if settings.value.is_some() { settings } else { protected };
        let text = record_str(&mut scratch, t, "text", &command, None);
        let unknown = scratch.unknown.get("text").cloned();
        let source = source(&t.file.display, &here);
        w.boot.push(BootConfig { kind: "extension".into(), publisher, extension_type, text, unknown, source });
    }
    Ok(())
}
