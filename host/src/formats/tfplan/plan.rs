//! The plan or state document as entitle reads it: its format version, its resource instances
//! (`resource_changes`, else `planned_values`, else a state's `values`), and the data sources
//! read during planning (`prior_state`) or pending in the plan.

use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;

use serde_json::Value;

use super::address::index_text;
use super::entry::Entry;
use super::named::Named;

/// Where the instances come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// `resource_changes[]`: the planned deployment.
    Changes,
    /// `planned_values.root_module` only: the planned deployment without change details.
    Planned,
    /// A state (`values.root_module`): what runs now.
    State,
    /// Terraform source evaluated without a plan (`resource_changes` built by the HCL front-end).
    Source,
}

/// Which side of each `resource_changes` element is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// `change.after`: the deployment after apply.
    After,
    /// `change.before`: what runs before apply (`null` for an instance the plan creates).
    Before,
}

/// A plan or state document.
pub struct Plan<'a> {
    /// The file as shown.
    pub path: &'a str,
    /// The whole document.
    pub root: &'a Value,
    /// Where the instances come from.
    pub shape: Shape,
    /// The resource instances, in document order.
    pub entries: Vec<Entry<'a>>,
    /// Data sources whose values were read during planning (or are in the state).
    pub read: Vec<Entry<'a>>,
    /// `entries` and `read` by name, built on the first lookup: finding a workload's image source or template was
    /// a pass over every instance of the plan per workload.
    named: OnceCell<(Named, Named)>,
    /// `entries` (`false`) or `read` (`true`) of one type by the text of one attribute, each built on its first
    /// lookup ([`Plan::first_with`]): finding a template, image or disk by value was a pass over every instance.
    by_value: RefCell<HashMap<(bool, &'static str, &'static str), Named>>,
}

/// The index of `entries` by `[module, mode, type, name]`.
fn named(entries: &[Entry<'_>]) -> Named {
    Named::of(entries.iter().map(|e| Some(name(e))))
}

fn name<'a>(e: &Entry<'a>) -> [&'a str; 4] {
    [e.module, e.mode, e.ty, e.name]
}

impl<'a> Plan<'a> {
    /// Reads the document's parts; `Err` says why it is not a plan or state entitle can read.
    pub fn new(path: &'a str, root: &'a Value) -> Result<Plan<'a>, String> {
        Plan::read(path, root, Side::After)
    }

    /// Reads the document's parts, taking `side` of each change.
    pub fn read(path: &'a str, root: &'a Value, side: Side) -> Result<Plan<'a>, String> {
        check_version(root.get("format_version"))?;
        let mut plan = Plan {
            path,
            root,
            shape: Shape::Changes,
            entries: Vec::new(),
            read: Vec::new(),
            named: OnceCell::new(),
            by_value: RefCell::default(),
        };
        if let Some(changes) = root.get("resource_changes") {
            let changes = changes.as_array().ok_or("`resource_changes` is not an array")?;
            for (i, change) in changes.iter().enumerate() {
                if let Some(mut entry) = change_entry(i, change, side) {
                    entry.number = plan.entries.len();
                    plan.entries.push(entry);
                }
            }
        } else if let Some(tree) = root.pointer("/planned_values/root_module") {
            plan.shape = Shape::Planned;
            tree_entries(tree, "/planned_values/root_module", &mut plan.entries);
        } else if let Some(tree) = root.pointer("/values/root_module") {
            plan.shape = Shape::State;
            tree_entries(tree, "/values/root_module", &mut plan.entries);
        } else if root.get("planned_values").is_none() {
            return Err("it has neither `resource_changes`, `planned_values` nor a state's `values.root_module`".into());
        }
        if plan.shape == Shape::State {
            plan.read = plan.entries.iter().filter(|e| e.mode == "data").cloned().collect();
        } else if let Some(tree) = root.pointer("/prior_state/values/root_module") {
            tree_entries(tree, "/prior_state/values/root_module", &mut plan.read);
            plan.read.retain(|e| e.mode == "data");
        }
        Ok(plan)
    }

    /// The data source `ty.name` of module `module` (narrowed by `key`, else by `like`):
    /// its values read during planning (`true`), else its pending read in the plan (`false`).
    pub fn data_source(
        &self,
        module: &str,
        ty: &str,
        name: &str,
        key: Option<&str>,
        like: Option<&Value>,
    ) -> Option<(&Entry<'a>, bool)> {
        let (entries, read) = self.named();
        if let Some(found) = pick(&self.read, read, [module, "data", ty, name], key, like) {
            return Some((found, true));
        }
        pick(&self.entries, entries, [module, "data", ty, name], key, like).map(|e| (e, false))
    }

    /// The managed resource instance `ty.name` of module `module` (narrowed by `key`, else by
    /// `like`), when that names one instance.
    pub fn resource(
        &self,
        module: &str,
        ty: &str,
        name: &str,
        key: Option<&str>,
        like: Option<&Value>,
    ) -> Option<&Entry<'a>> {
        pick(&self.entries, &self.named().0, [module, "managed", ty, name], key, like)
    }

    /// The index of the first of `entries` (`read`: of `read`) of type `ty` whose attribute `key` has the text
    /// `value` (as [`super::entry::Field::text`] reads it) and that `keep` accepts.
    pub fn first_with(
        &self,
        read: bool,
        ty: &'static str,
        key: &'static str,
        value: &str,
        keep: impl Fn(&Entry<'a>) -> bool,
    ) -> Option<usize> {
        let list = if read { &self.read } else { &self.entries };
        let mut indices = self.by_value.borrow_mut();
        let index = indices.entry((read, ty, key)).or_insert_with(|| {
            Named::of(list.iter().map(|e| (e.ty == ty).then(|| e.field(&[key]).text().map(|t| [t])).flatten()))
        });
        index.candidates([value]).find(|&i| {
            let e = &list[i];
            e.ty == ty && e.field(&[key]).text() == Some(value) && keep(e)
        })
    }

    fn named(&self) -> &(Named, Named) {
        self.named.get_or_init(|| (named(&self.entries), named(&self.read)))
    }
}

/// Accepts format versions 0.x and 1.x (hashicorp/terraform-json reads `>= 0.1, < 2.0`).
fn check_version(version: Option<&Value>) -> Result<(), String> {
    let text = match version {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => return Err("it has no `format_version`".into()),
    };
    match text.split('.').next().map(str::trim) {
        Some("0" | "1") => Ok(()),
        _ => Err(format!("format_version {text} is not one entitle reads (0.1 to 1.x); this may be a newer Terraform")),
    }
}

/// The instance a `resource_changes` element describes (its `after`, or its `before`), or
/// `None` when malformed. Before apply nothing is planned: its actions are none.
fn change_entry(i: usize, change: &Value, side: Side) -> Option<Entry<'_>> {
    if side == Side::Before {
        let at = format!("/resource_changes/{i}");
        let text = |key: &str| change.get(key).and_then(Value::as_str);
        return Some(Entry {
            number: i,
            module: text("module_address").unwrap_or(""),
            mode: text("mode").unwrap_or("managed"),
            ty: text("type")?,
            name: text("name")?,
            index: change.get("index"),
            values: change.pointer("/change/before").unwrap_or(&Value::Null),
            values_at: format!("{at}/change/before"),
            unknown: None,
            sensitive: change.pointer("/change/before_sensitive"),
            at,
            actions: Vec::new(),
            reasons: None,
        });
    }
    let text = |key: &str| change.get(key).and_then(Value::as_str);
    let at = format!("/resource_changes/{i}");
    let actions = change
        .pointer("/change/actions")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    Some(Entry {
        number: i,
        module: text("module_address").unwrap_or(""),
        mode: text("mode").unwrap_or("managed"),
        ty: text("type")?,
        name: text("name")?,
        index: change.get("index"),
        values: change.pointer("/change/after").unwrap_or(&Value::Null),
        values_at: format!("{at}/change/after"),
        unknown: change.pointer("/change/after_unknown"),
        sensitive: change.pointer("/change/after_sensitive"),
        at,
        actions,
        reasons: None,
    })
}

/// The resources of a module tree (`root_module` with `resources` and `child_modules`), recursively.
fn tree_entries<'a>(module: &'a Value, at: &str, out: &mut Vec<Entry<'a>>) {
    let address = module.get("address").and_then(Value::as_str).unwrap_or("");
    for (i, resource) in module.get("resources").and_then(Value::as_array).into_iter().flatten().enumerate() {
        let text = |key: &str| resource.get(key).and_then(Value::as_str);
        let (Some(ty), Some(name)) = (text("type"), text("name")) else { continue };
        let here = format!("{at}/resources/{i}");
        out.push(Entry {
            number: out.len(),
            module: address,
            mode: text("mode").unwrap_or("managed"),
            ty,
            name,
            index: resource.get("index"),
            values: resource.get("values").unwrap_or(&Value::Null),
            values_at: format!("{here}/values"),
            unknown: None,
            sensitive: resource.get("sensitive_values"),
            at: here,
            actions: Vec::new(),
            reasons: None,
        });
    }
    for (i, child) in module.get("child_modules").and_then(Value::as_array).into_iter().flatten().enumerate() {
        tree_entries(child, &format!("{at}/child_modules/{i}"), out);
    }
}

/// The one instance of `mode ty.name` in `module` that `key` (else `like`, else uniqueness) names.
fn pick<'e, 'a>(
    entries: &'e [Entry<'a>],
    named: &Named,
    wanted: [&str; 4],
    key: Option<&str>,
    like: Option<&Value>,
) -> Option<&'e Entry<'a>> {
    let all: Vec<&Entry> = named.candidates(wanted).map(|i| &entries[i]).filter(|e| name(e) == wanted).collect();
    if let Some(key) = key {
        return all.into_iter().find(|e| index_text(e.index) == key);
    }
    if let [only] = all[..] {
        return Some(only);
    }
    let like = like?;
    all.into_iter().find(|e| e.index == Some(like))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn checks_format_versions() {
        for ok in ["0.1", "0.2", "1.0", "1.2", "1.10"] {
            assert!(check_version(Some(&json!(ok))).is_ok(), "{ok}");
        }
        assert!(check_version(Some(&json!("2.0"))).unwrap_err().contains("2.0"));
        assert!(check_version(None).is_err());
    }

    #[test]
    fn finds_the_first_instance_of_a_type_by_an_attribute_s_text() {
        let state = json!({"format_version": "1.0", "values": {"root_module": {"resources": [
            {"mode": "managed", "type": "aws_launch_template", "name": "a", "values": {"id": "lt-1"}},
            {"mode": "managed", "type": "aws_instance", "name": "b", "values": {"id": "lt-2"}},
            {"mode": "data", "type": "aws_launch_template", "name": "c", "values": {"id": "lt-2"}},
            {"mode": "managed", "type": "aws_launch_template", "name": "d", "values": {"id": "lt-2"}},
            {"mode": "managed", "type": "aws_launch_template", "name": "e", "values": {"id": "lt-2"}},
            {"mode": "managed", "type": "aws_launch_template", "name": "f", "values": {"id": 7}}
        ]}}});
        let plan = Plan::new("s.json", &state).unwrap();
        let find = |value, keep: fn(&Entry) -> bool| plan.first_with(false, "aws_launch_template", "id", value, keep);
        assert_eq!(find("lt-1", |_| true), Some(0));
        assert_eq!(find("lt-2", |_| true), Some(2), "the first of the type, in order");
        assert_eq!(find("lt-2", |e| e.mode == "managed"), Some(3), "the first that `keep` accepts");
        assert_eq!(find("lt-3", |_| true), None);
        assert_eq!(find("7", |_| true), None, "a number is not the text");
        assert_eq!(plan.first_with(false, "aws_instance", "id", "lt-2", |_| true), Some(1));
    }

    #[test]
    fn reads_state_documents() {
        let state = json!({"format_version": "1.0", "values": {"root_module": {
            "resources": [{"address": "data.aws_ami.a", "mode": "data", "type": "aws_ami", "name": "a", "values": {}}],
            "child_modules": [{"address": "module.m[0]", "resources": [
                {"mode": "managed", "type": "aws_instance", "name": "i", "values": {"ami": "ami-1"}}
            ]}]
        }}});
        let plan = Plan::new("s.json", &state).unwrap();
        assert_eq!(plan.shape, Shape::State);
        assert_eq!(plan.entries.len(), 2);
        assert_eq!(plan.entries[1].address(), "module.m[0].aws_instance.i");
        assert_eq!(plan.entries[1].values_at, "/values/root_module/child_modules/0/resources/0/values");
        assert!(plan.data_source("", "aws_ami", "a", None, None).is_some_and(|(_, read)| read));
    }

    #[test]
    fn finds_instances_by_name_key_or_likeness() {
        let change = |module: &str, mode: &str, name: &str, index: serde_json::Value| {
            json!({"module_address": module, "mode": mode, "type": "aws_instance", "name": name, "index": index,
                   "change": {"actions": ["create"], "after": {}}})
        };
        let doc = json!({"format_version": "1.2", "resource_changes": [
            change("", "managed", "web", json!(0)),
            change("", "managed", "web", json!(1)),
            change("", "managed", "db", json!(null)),
            change("module.m", "managed", "db", json!(null)),
            change("", "data", "db", json!(null)),
        ]});
        let plan = Plan::new("p.json", &doc).unwrap();
        let number = |e: Option<&Entry<'_>>| e.map(|e| e.number);
        assert_eq!(number(plan.resource("", "aws_instance", "web", Some("[1]"), None)), Some(1));
        assert_eq!(number(plan.resource("", "aws_instance", "web", None, Some(&json!(0)))), Some(0));
        assert_eq!(number(plan.resource("", "aws_instance", "web", None, None)), None, "two instances, neither named");
        assert_eq!(number(plan.resource("", "aws_instance", "db", None, None)), Some(2));
        assert_eq!(number(plan.resource("module.m", "aws_instance", "db", None, None)), Some(3));
        assert_eq!(number(plan.resource("module.n", "aws_instance", "db", None, None)), None);
        let data = plan.data_source("", "aws_instance", "db", None, None);
        assert_eq!(data.map(|(e, read)| (e.number, read)), Some((4, false)));
    }
}
