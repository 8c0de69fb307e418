//! A scale set's extensions live inside its model
//! (`virtualMachineProfile.extensionProfile.extensions[]`), not as child resources:
//! each becomes a boot entry of the scale set, read like an extension resource.

use entitle_sdk::Workload;
use entitle_sdk::model::BootConfig;
use serde_json::Value;

use super::expr::EvalError;
use super::fields::{record_str, resolve};
use super::resources::Found;
use super::template::Template;
use super::value::source;
use crate::formats::partial::Partial;

/// Adds a boot entry per extension of the scale set's model.
pub fn add(w: &mut Workload, found: &Found) -> Result<(), EvalError> {
    let t = &found.template;
    let at = format!("{}/properties/virtualMachineProfile/extensionProfile/extensions", found.pointer);
    let Some(Value::Array(extensions)) = t.node(&at) else { return Ok(()) };
    for i in 0..extensions.len() {
        w.boot.push(read(t, &format!("{at}/{i}"))?);
    }
    Ok(())
}

/// The boot entry of the extension at `at` (a child resource or a model entry):
/// publisher, type and `commandToExecute` (public settings, else protected ones),
/// partly known when it is built around values that are not known.
pub fn read(t: &Template, at: &str) -> Result<BootConfig, EvalError> {
    let mut scratch = Workload::default();
    let props = resolve(t, at, &["properties"])?;
    let publisher = record_str(&mut scratch, t, "publisher", &props, Some("publisher"));
    let extension_type = record_str(&mut scratch, t, "type", &props, Some("type"));
    let settings = resolve(t, at, &["properties", "settings", "commandToExecute"])?;
    let protected = resolve(t, at, &["properties", "protectedSettings", "commandToExecute"])?;
    let command = if settings.value.is_some() { settings } else { protected };
    let text = record_str(&mut scratch, t, "text", &command, None);
    let (text, unknown) = match command.value.as_ref().and_then(|v| v.partial_str()) {
        Some(p) if p.base64 == 0 => p.text.clone().into_boot(),
        _ => match text {
            Some(known) => Partial::known(&known).into_boot(),
            None => (None, scratch.unknown.get("text").cloned()),
        },
    };
    let source = source(&t.file.display, at);
    Ok(BootConfig { kind: "extension".into(), publisher, extension_type, text, unknown, source })
}
