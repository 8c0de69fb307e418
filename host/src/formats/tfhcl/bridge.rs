//! Feeds evaluated resources to the Terraform plan front-end's per-type extraction (one
//! implementation of "azurerm_linux_virtual_machine → workload" for both front-ends): each
//! instance becomes a `resource_changes[]` element whose `after` is its evaluated body and whose
//! `after_unknown` marks what is not known, with the reasons by pointer. Every source the
//! extraction records is then mapped back to the `.tf` line the value was written on, and the
//! references it travelled through become the field's trail.

use std::collections::BTreeMap;

use entitle_sdk::Workload;
use entitle_sdk::model::Source;
use serde_json::{Map, Value, json};

use super::resources::Instance;
use super::value::{Kind, Val, number_text};

/// The name the built document goes by until its sources are mapped back.
const BUILT: &str = "(terraform source)";

/// Where a built pointer's value was written, and the references it came through.
#[derive(Clone, Debug)]
pub struct Origin {
    /// Where the value was written.
    pub at: Option<Source>,
    /// The references, outermost first.
    pub via: Vec<Source>,
}

/// The built document's origins by pointer, and the unknown values' reasons.
#[derive(Debug, Default)]
pub struct Built {
    /// Origins by pointer.
    pub origins: BTreeMap<String, Origin>,
    /// Reasons by pointer.
    pub reasons: BTreeMap<String, String>,
    /// The evaluated value by pointer (for the data sources behind image attributes).
    pub values: BTreeMap<String, Val>,
    /// Pointers of unknown values, with the managed resource they are computed from (if one).
    pub unknown: BTreeMap<String, Option<String>>,
    /// Boot text that is partly known, by pointer: why its holes are unknown.
    pub partial: BTreeMap<String, String>,
}

/// Attributes holding boot text: the only ones that take text read from a file by function, or
/// a partly known string (the registration scanner reads them and redacts what it shows).
const BOOT: &[&str] =
    &["custom_data", "user_data", "user_data_base64", "metadata_startup_script", "startup-script", "user-data"];

/// True when the value at `ptr` is boot text.
fn is_boot(ptr: &str) -> bool {
    ptr.rsplit('/').next().is_some_and(|last| BOOT.contains(&last))
}

/// The workloads of `instances` (managed ones of the types the plan front-end models), with
/// every source in the `.tf` files, and the extraction's notes.
pub fn workloads(
    instances: &[Instance],
    catalog: &entitle_sdk::Catalog,
    amis: Option<&crate::formats::amis::AmiCatalog>,
) -> (Vec<Modelled>, Vec<String>) {
    let mut built = Built::default();
    let mut changes = Vec::new();
    let mut numbers = Vec::new();
    for (n, i) in instances.iter().enumerate().filter(|(_, i)| i.mode == "managed") {
        let at = format!("/resource_changes/{}", changes.len());
        built.origins.insert(at.clone(), Origin { at: Some(i.at.clone()), via: Vec::new() });
        let (after, unknown) = to_json(&i.body, &format!("{at}/change/after"), &mut built);
        changes.push(json!({
            "address": address(i),
            "module_address": if i.module.is_empty() { Value::Null } else { json!(i.module) },
            "mode": "managed",
            "type": i.ty,
            "name": i.name,
            "index": i.index,
            "change": {"actions": ["create"], "after": after, "after_unknown": unknown},
        }));
        numbers.push(n);
    }
    let configuration = configuration(instances, &numbers, &built);
    let document = json!({"format_version": "1.2", "resource_changes": changes, "configuration": configuration});
    let mut found =
        crate::formats::tfplan::from_source(BUILT, &document, &built.reasons, catalog, amis).unwrap_or_default();
    // Fence policies, roles and instance profiles are resources of the module too.
    let format = Some(crate::formats::Format::TerraformPlan);
    crate::support::detect(&mut found.workloads, format, Some(&document), BUILT, &|_, _| None);
    let mut out = Vec::new();
    for mut w in found.workloads {
        let instance = numbers.get(source_number(&w.source.pointer)).copied().unwrap_or_default();
        let image = w.provenance.get("image").and_then(|s| built.values.get(&s.pointer)).cloned();
        for boot in &mut w.boot {
            if let Some(why) = built.partial.get(&boot.source.pointer) {
                boot.unknown = Some(format!("partly known: {why}"));
            }
        }
        map_back(&mut w, &built);
        out.push(Modelled { instance, workload: w, image });
    }
    (out, found.notes)
}

/// A workload the plan front-end's extraction built, with the instance it came from and the
/// evaluated value of its image attribute.
pub struct Modelled {
    /// Index into the instances given.
    pub instance: usize,
    /// The workload, its sources in the `.tf` files.
    pub workload: Workload,
    /// The image attribute's value (an unknown one may name the data source behind it).
    pub image: Option<Val>,
}

/// A `configuration` naming, for every value that is not known, its expression: the plan
/// front-end then tells a configured attribute from one the provider computes, and follows a
/// reference to another resource of the module (a launch template, a boot disk).
fn configuration(instances: &[Instance], numbers: &[usize], built: &Built) -> Value {
    let mut root = json!({});
    let mut seen = std::collections::BTreeSet::new();
    for (n, number) in numbers.iter().enumerate() {
        let i = &instances[*number];
        if !seen.insert((i.module.as_str(), i.ty.as_str(), i.name.as_str())) {
            continue;
        }
        let base = format!("/resource_changes/{n}/change/after/");
        let mut expressions = json!({});
        for (ptr, from) in built.unknown.range(base.clone()..).take_while(|(p, _)| p.starts_with(&base)) {
            let path: Vec<String> = ptr[base.len()..].split('/').map(unescape).collect();
            let prefix = if i.module.is_empty() { String::new() } else { format!("{}.", i.module) };
            let local = from.as_deref().and_then(|f| f.strip_prefix(&prefix)).filter(|f| !f.starts_with("module."));
            let references: Vec<String> = local.map(|f| vec![f.to_owned()]).unwrap_or_default();
            insert(&mut expressions, &path, json!({ "references": references }));
        }
        let mut module = &mut root;
        for call in i.module.split("module.").map(|c| c.trim_end_matches('.')).filter(|c| !c.is_empty()) {
            let call = call.split('[').next().unwrap_or(call);
            module = module
                .as_object_mut()
                .map(|m| m.entry("module_calls").or_insert_with(|| json!({})))
                .and_then(|c| c.as_object_mut())
                .map(|c| c.entry(call.to_owned()).or_insert_with(|| json!({"module": {}})))
                .and_then(|c| c.get_mut("module"))
                .expect("built as objects");
        }
        let resources = module
            .as_object_mut()
            .map(|m| m.entry("resources").or_insert_with(|| json!([])))
            .and_then(Value::as_array_mut)
            .expect("built as an array");
        resources.push(json!({"mode": "managed", "type": i.ty, "name": i.name, "expressions": expressions}));
    }
    json!({ "root_module": root })
}

/// Puts `value` at `path` in nested objects.
fn insert(tree: &mut Value, path: &[String], value: Value) {
    let Some((last, parents)) = path.split_last() else { return };
    let mut node = tree;
    for key in parents {
        let Some(map) = node.as_object_mut() else { return };
        node = map.entry(key.clone()).or_insert_with(|| json!({}));
    }
    if let Some(map) = node.as_object_mut() {
        map.insert(last.clone(), value);
    }
}

/// An RFC 6901 token's text.
fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// The `resource_changes` index a built source names.
fn source_number(pointer: &str) -> usize {
    pointer.split('/').nth(2).and_then(|n| n.parse().ok()).unwrap_or_default()
}

/// The address of an instance (`module.app.aws_instance.web[0]`).
pub fn address(i: &Instance) -> String {
    let data = if i.mode == "data" { "data." } else { "" };
    let module = if i.module.is_empty() { String::new() } else { format!("{}.", i.module) };
    let index = match &i.index {
        Some(Value::Number(n)) => format!("[{n}]"),
        Some(Value::String(s)) => format!("[{s:?}]"),
        _ => String::new(),
    };
    format!("{module}{data}{}.{}{index}", i.ty, i.name)
}

/// A value as plan JSON plus its `after_unknown` marks, recording origins and reasons.
fn to_json(v: &Val, ptr: &str, built: &mut Built) -> (Value, Value) {
    built.origins.insert(ptr.to_owned(), Origin { at: v.at.clone(), via: v.via.clone() });
    built.values.insert(ptr.to_owned(), v.clone());
    match &v.kind {
        Kind::Null => (Value::Null, Value::Bool(false)),
        Kind::Bool(b) => (json!(b), Value::Bool(false)),
        Kind::Num(n) => (number_text(*n).parse::<Value>().unwrap_or(Value::Null), Value::Bool(false)),
        Kind::Str(_) if v.read.is_some() && !is_boot(ptr) => {
            let call = v.read.as_deref().unwrap_or_default();
            let why = format!(
                "the value is text read by {call}: text read from a file is used only as boot text, never shown"
            );
            built.reasons.insert(ptr.to_owned(), why);
            built.unknown.insert(ptr.to_owned(), None);
            (Value::Null, Value::Bool(true))
        }
        Kind::Str(s) => (json!(s), Value::Bool(false)),
        Kind::Unknown(u) if is_boot(ptr) && u.partial.is_some() => {
            let partial = u.partial.as_ref().expect("checked");
            if let Some(at) = &partial.at {
                built.origins.insert(ptr.to_owned(), Origin { at: Some(at.clone()), via: Vec::new() });
            }
            built.partial.insert(ptr.to_owned(), u.reason.clone());
            (json!(&*partial.text), Value::Bool(false))
        }
        Kind::List(_) => {
            let items = v.items().unwrap_or_default();
            let (values, marks): (Vec<Value>, Vec<Value>) =
                items.iter().enumerate().map(|(i, item)| to_json(item, &format!("{ptr}/{i}"), built)).unzip();
            (Value::Array(values), Value::Array(marks))
        }
        Kind::Map(_) | Kind::Resource(..) => {
            let (mut values, mut marks) = (Map::new(), Map::new());
            for (k, item) in v.entries().unwrap_or_default() {
                let (value, mark) = to_json(&item, &crate::formats::tfhcl::position::join(ptr, &k), built);
                values.insert(k.clone(), value);
                if mark != Value::Bool(false) {
                    marks.insert(k.clone(), mark);
                }
            }
            (Value::Object(values), Value::Object(marks))
        }
        Kind::Unknown(u) => {
            built.reasons.insert(ptr.to_owned(), u.reason.clone());
            let managed = u.from.clone().filter(|f| !f.starts_with("data.") && !f.contains(".data."));
            built.unknown.insert(ptr.to_owned(), managed);
            (Value::Null, Value::Bool(true))
        }
    }
}

/// Replaces every built source of a workload by where the value was written; the references
/// become the field's trail.
fn map_back(w: &mut Workload, built: &Built) {
    let origin = |s: &Source| -> Option<Origin> {
        let mut at = s.pointer.as_str();
        let mut via = None;
        loop {
            if let Some(o) = built.origins.get(at) {
                via.get_or_insert_with(|| o.via.clone());
                if let Some(found) = &o.at {
                    return Some(Origin { at: Some(found.clone()), via: via.unwrap_or_default() });
                }
            }
            at = &at[..at.rfind('/')?];
        }
    };
    let fix = |s: &mut Source| {
        if s.path == BUILT
            && let Some(Origin { at: Some(at), .. }) = origin(s)
        {
            *s = at;
        }
    };
    for (field, source) in w.provenance.iter_mut() {
        if source.path != BUILT {
            continue;
        }
        if let Some(o) = origin(source) {
            let via: Vec<Source> = o.via.into_iter().filter(|v| Some(v) != o.at.as_ref()).collect();
            if !via.is_empty() && !w.trail.contains_key(field) {
                w.trail.insert(field.clone(), via);
            }
        }
        fix(source);
    }
    fix(&mut w.source);
    w.trail.values_mut().flatten().for_each(fix);
    w.boot.iter_mut().for_each(|b| fix(&mut b.source));
    w.registration.iter_mut().for_each(|r| fix(&mut r.source));
    w.ha.iter_mut().flat_map(|h| h.evidence.iter_mut()).for_each(|e| fix(&mut e.source));
    w.sap.iter_mut().flat_map(|s| s.evidence.iter_mut()).for_each(|e| fix(&mut e.source));
}
