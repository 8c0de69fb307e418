//! The Kubernetes objects of one document: the document itself, the `items` of a `List` (any
//! `…List` kind), or the `objects` of an OpenShift `Template` with its parameters substituted.

use serde_json::Value;

use super::template::Params;
use crate::document::Document;

/// One object, with what every builder asks of it.
#[derive(Clone, Debug)]
pub struct Obj {
    /// The object (parameters substituted).
    pub value: Value,
    /// Its JSON pointer in the document.
    pub pointer: String,
    /// `kind`.
    pub kind: String,
    /// The API group of `apiVersion` (empty for the core group).
    pub group: String,
    /// `metadata.name` (`unnamed` when absent).
    pub name: String,
    /// `metadata.namespace`, when written.
    pub namespace: Option<String>,
}

/// The kind entitle gives an OpenShift `install-config.yaml`, which has none of its own.
pub const INSTALL_CONFIG: &str = "InstallConfig";

/// True for an OpenShift installer's `install-config.yaml`: `apiVersion: v1`, no `kind`, a
/// `baseDomain`, and a `platform` or `networking` section.
pub fn is_install_config(value: &Value) -> bool {
    let Value::Object(top) = value else { return false };
    let section = |k: &str| top.get(k).is_some_and(Value::is_object);
    top.get("apiVersion").and_then(Value::as_str) == Some("v1")
        && !top.contains_key("kind")
        && top.get("baseDomain").is_some_and(Value::is_string)
        && (section("platform") || section("networking"))
}

impl Obj {
    fn new(value: Value, pointer: String) -> Option<Obj> {
        let kind = match value.get("kind") {
            Some(kind) => kind.as_str()?.to_owned(),
            None if is_install_config(&value) => INSTALL_CONFIG.to_owned(),
            None => return None,
        };
        let api = value.get("apiVersion").and_then(Value::as_str).unwrap_or_default();
        let group = api.rsplit_once('/').map_or("", |(g, _)| g).to_owned();
        let meta = |k: &str| value.pointer(&format!("/metadata/{k}")).and_then(Value::as_str).map(str::to_owned);
        let name = meta("name").unwrap_or_else(|| "unnamed".to_owned());
        let namespace = meta("namespace");
        Some(Obj { value, pointer, kind, group, name, namespace })
    }

    /// `Kind/name`, as a reviewer knows the object.
    pub fn resource(&self) -> String {
        format!("{}/{}", self.kind, self.name)
    }

    /// The string at `pointer` below the object.
    pub fn text(&self, pointer: &str) -> Option<&str> {
        self.value.pointer(pointer).and_then(Value::as_str)
    }

    /// The absolute pointer of `pointer` below the object.
    pub fn at(&self, pointer: &str) -> String {
        format!("{}{pointer}", self.pointer)
    }

    /// A label or annotation (`which` is `labels` or `annotations`) at `meta` below the object.
    pub fn meta_entries(&self, meta: &str, which: &str) -> Vec<(String, String, String)> {
        let base = format!("{meta}/{which}");
        let Some(Value::Object(map)) = self.value.pointer(&base) else { return Vec::new() };
        map.iter()
            .filter_map(|(k, v)| {
                let at = self.at(&format!("{base}/{}", crate::document::escape_token(k)));
                v.as_str().map(|v| (k.clone(), v.to_owned(), at))
            })
            .collect()
    }
}

/// The objects of a document, and the template parameters applied to them.
pub fn objects(doc: &Document) -> (Vec<Obj>, Params) {
    let top = &doc.value;
    let kind = top.get("kind").and_then(Value::as_str).unwrap_or_default();
    let list = |key: &str| top.get(key).and_then(Value::as_array).cloned().unwrap_or_default();
    if kind == "Template" && top.get("objects").is_some() {
        let mut params = Params::of_template(top);
        let mut objects = Vec::new();
        if let Some(template) = Obj::new(top.clone(), String::new()) {
            objects.push(template);
        }
        for (i, mut object) in list("objects").into_iter().enumerate() {
            let pointer = format!("/objects/{i}");
            params.substitute(&mut object, &pointer);
            objects.extend(Obj::new(object, pointer));
        }
        return (objects, params);
    }
    if kind.ends_with("List") && top.get("items").is_some_and(Value::is_array) {
        let items = list("items").into_iter().enumerate();
        return (items.filter_map(|(i, item)| Obj::new(item, format!("/items/{i}"))).collect(), Params::default());
    }
    (Obj::new(top.clone(), String::new()).into_iter().collect(), Params::default())
}
