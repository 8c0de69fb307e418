//! A linked template that is not available here but runs a script on machines this
//! template creates (the OpenShift template's `NodePrep01`, which `dependsOn` the
//! deployment of `node01` and is passed `nodePrepScriptUrl`, `rhsmPoolId`, …): its
//! parameters are that machine's boot command line, so they become a boot entry of
//! each workload it depends on, one `name=value` line per parameter, values as
//! resolved or, when not known, as written.

use entitle_sdk::model::BootConfig;
use serde_json::Value;

use super::choices::Item;
use super::resources::{display, with_frames};
use crate::document::escape_token;
use crate::formats::source;

/// Adds the parameters of every script-running external deployment (`items` of kind
/// `external_template_without_image`) as a `linked_template` boot entry of the
/// workloads it depends on.
pub fn attach(items: &mut [Item]) {
    let mut entries: Vec<(usize, BootConfig)> = Vec::new();
    for prep in items.iter().filter(|i| i.workload.kind == "external_template_without_image") {
        let Some((lines, targets)) = with_frames(&prep.found.frames, || read(prep)) else { continue };
        let uri = prep.workload.evidence.iter().find_map(|e| e.strip_prefix("template: ")).unwrap_or("(no uri)");
        let text = format!("{} runs {uri} with parameters:\n{}", prep.workload.resource, lines.join("\n"));
        let params_at = format!("{}/properties/parameters", prep.found.pointer);
        let boot = BootConfig {
            kind: "linked_template".into(),
            text: Some(text),
            source: source(&prep.found.template.file.display, &params_at),
            ..BootConfig::default()
        };
        for (i, item) in items.iter().enumerate() {
            if item.workload.kind != "external_template_without_image" && depends_on(item, &targets) {
                entries.push((i, boot.clone()));
            }
        }
    }
    for (i, boot) in entries {
        items[i].workload.boot.push(boot);
    }
}

/// The `name=value` lines of a deployment that runs a script (a parameter name says
/// `script`), and the names it depends on; `None` for any other deployment.
fn read(prep: &Item) -> Option<(Vec<String>, Vec<String>)> {
    let t = &prep.found.template;
    let params_at = format!("{}/properties/parameters", prep.found.pointer);
    let Some(Value::Object(params)) = t.node(&params_at) else { return None };
    if !params.keys().any(|k| k.to_ascii_lowercase().contains("script")) {
        return None;
    }
    let mut lines = Vec::new();
    for (name, entry) in params {
        let value = match (entry.get("value"), entry.get("reference")) {
            (Some(node), _) => {
                let at = format!("{params_at}/{}/value", escape_token(name));
                match t.eval_node(node, &at) {
                    Ok(v) if matches!(node, Value::String(_)) => display(&v, node),
                    _ => node.to_string(),
                }
            }
            (None, Some(reference)) => {
                let secret = reference.get("secretName").and_then(Value::as_str).unwrap_or("?");
                format!("<key vault secret {secret}>")
            }
            _ => continue,
        };
        lines.push(format!("{name}={value}"));
    }
    let depends_at = format!("{}/dependsOn", prep.found.pointer);
    let mut targets = Vec::new();
    if let Some(Value::Array(deps)) = t.node(&depends_at) {
        for (i, node) in deps.iter().enumerate() {
            if let Ok(v) = t.eval_node(node, &format!("{depends_at}/{i}")) {
                let name = display(&v, node);
                targets.push(name.rsplit('/').next().unwrap_or_default().to_owned());
            }
        }
    }
    Some((lines, targets))
}

/// True when `item` is, or is deployed through, a resource named in `targets`.
fn depends_on(item: &Item, targets: &[String]) -> bool {
    let names = item.found.via.iter().chain(std::iter::once(&item.workload.resource));
    names.into_iter().any(|n| {
        let last = n.rsplit('/').next().unwrap_or_default();
        targets.iter().any(|t| !t.is_empty() && t.eq_ignore_ascii_case(last))
    })
}
