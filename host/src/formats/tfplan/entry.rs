//! One resource instance of a plan or state: a `resource_changes[]` element (its `change.after`)
//! or a `values.root_module` resource, with its unknown and sensitive marks and the JSON pointer of
//! every attribute read from it.

use std::collections::BTreeMap;

use serde_json::Value;

use super::address::{Step, address, module_steps};
use crate::document::escape_token;

/// A resource instance.
#[derive(Clone, Debug)]
pub struct Entry<'a> {
    /// Position in the plan's list of entries.
    pub number: usize,
    /// `module_address` (empty for the root module).
    pub module: &'a str,
    /// `managed` or `data`.
    pub mode: &'a str,
    /// Resource type.
    pub ty: &'a str,
    /// Resource name.
    pub name: &'a str,
    /// `index`: an int for `count`, a string for `for_each`.
    pub index: Option<&'a Value>,
    /// Pointer of the entry (`/resource_changes/3`).
    pub at: String,
    /// The attributes (`change.after`, or a state resource's `values`).
    pub values: &'a Value,
    /// Pointer of `values`.
    pub values_at: String,
    /// `after_unknown`: attributes only known after apply.
    pub unknown: Option<&'a Value>,
    /// `after_sensitive` / `sensitive_values`: attributes never to print.
    pub sensitive: Option<&'a Value>,
    /// The planned actions (`create`, `no-op`, …), empty for a state resource.
    pub actions: Vec<&'a str>,
    /// Why unknown values are unknown, by pointer (Terraform source evaluated without a plan);
    /// `None` in a plan, where an unknown value is known only after apply.
    pub reasons: Option<&'a BTreeMap<String, String>>,
}

/// One attribute read from an entry.
#[derive(Clone, Debug)]
pub struct Field<'a> {
    /// The value; `None` when absent, null, unknown or sensitive.
    pub value: Option<&'a Value>,
    /// Pointer of the attribute.
    pub at: String,
    /// Only known after apply.
    pub unknown: bool,
    /// Marked sensitive: present, never to be printed.
    pub sensitive: bool,
    /// Why it is unknown, when the document says (Terraform source evaluated without a plan).
    pub reason: Option<String>,
}

impl<'a> Field<'a> {
    /// The value as a non-empty string (providers write `""` for unset attributes).
    pub fn text(&self) -> Option<&'a str> {
        self.value.and_then(Value::as_str).filter(|s| !s.trim().is_empty())
    }

    /// The value as a non-negative integer.
    pub fn number(&self) -> Option<u64> {
        self.value.and_then(|v| v.as_u64().or_else(|| v.as_str().and_then(|s| s.trim().parse().ok())))
    }

    /// Why the value is not known, when it is not.
    pub fn missing(&self, what: &str) -> Option<String> {
        if self.sensitive {
            Some(format!("{what} is marked sensitive in the plan, so it is not read or shown"))
        } else if let (true, Some(reason)) = (self.unknown, &self.reason) {
            Some(format!("{what}: {reason}"))
        } else if self.unknown {
            Some(format!("{what} is known only after apply"))
        } else {
            None
        }
    }
}

impl<'a> Entry<'a> {
    /// The address built from the parts.
    pub fn address(&self) -> String {
        address(self.module, self.mode, self.ty, self.name, self.index)
    }

    /// The module path (`None` when `module_address` is not a module address).
    pub fn steps(&self) -> Option<Vec<Step>> {
        module_steps(self.module)
    }

    /// The attribute at `path` (object keys, or array indices as digits).
    pub fn field(&self, path: &[&str]) -> Field<'a> {
        let at = pointer(&self.values_at, path);
        let sensitive = self.sensitive.is_some_and(|s| marked(s, path) || walk(s, path).is_some_and(holds_true));
        let unknown = self.unknown.is_some_and(|u| marked(u, path));
        let value = if sensitive { None } else { walk(self.values, path).filter(|v| !v.is_null()) };
        let reason = self.reasons.and_then(|r| nearest(r, &at)).cloned();
        Field { value, at, unknown: unknown && value.is_none(), sensitive, reason }
    }

    /// True when `path` holds a non-null value (sensitive or not).
    pub fn has(&self, path: &[&str]) -> bool {
        walk(self.values, path).is_some_and(|v| !v.is_null())
    }
}

/// The node at `path` below `value`.
pub fn walk<'a>(value: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(value, |node, key| match node {
        Value::Object(map) => map.get(*key),
        Value::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get(i)),
        _ => None,
    })
}

/// The entry of `pointer`, else of its nearest ancestor.
fn nearest<'r>(reasons: &'r BTreeMap<String, String>, pointer: &str) -> Option<&'r String> {
    let mut at = pointer;
    loop {
        if let Some(found) = reasons.get(at) {
            return Some(found);
        }
        at = &at[..at.rfind('/')?];
    }
}

/// True when a mark tree (`after_unknown`, `after_sensitive`) marks `path` or an ancestor.
pub fn marked(tree: &Value, path: &[&str]) -> bool {
    let mut node = tree;
    for key in path {
        if node.as_bool() == Some(true) {
            return true;
        }
        match walk(node, &[key]) {
            Some(next) => node = next,
            None => return false,
        }
    }
    node.as_bool() == Some(true)
}

/// True when a mark tree marks anything inside it.
fn holds_true(tree: &Value) -> bool {
    match tree {
        Value::Bool(b) => *b,
        Value::Array(items) => items.iter().any(holds_true),
        Value::Object(map) => map.values().any(holds_true),
        _ => false,
    }
}

/// `base` extended by the escaped tokens of `path`.
pub fn pointer(base: &str, path: &[&str]) -> String {
    let mut out = base.to_owned();
    for key in path {
        out.push('/');
        out.push_str(&escape_token(key));
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn reads_fields_with_marks() {
        let values = json!({"ami": null, "tags": {"a/b": "x"}, "user_data": "secret", "disk": [{"image": "i"}]});
        let unknown = json!({"ami": true, "disk": [{}]});
        let sensitive = json!({"user_data": true});
        let entry = Entry {
            number: 0,
            module: "",
            mode: "managed",
            ty: "aws_instance",
            name: "web",
            index: None,
            at: "/resource_changes/0".into(),
            values: &values,
            values_at: "/resource_changes/0/change/after".into(),
            unknown: Some(&unknown),
            sensitive: Some(&sensitive),
            actions: vec!["create"],
            reasons: None,
        };
        let ami = entry.field(&["ami"]);
        assert!(ami.unknown && ami.value.is_none() && ami.missing("ami").unwrap().contains("after apply"));
        let secret = entry.field(&["user_data"]);
        assert!(secret.sensitive && secret.value.is_none());
        assert_eq!(entry.field(&["tags", "a/b"]).at, "/resource_changes/0/change/after/tags/a~1b");
        assert_eq!(entry.field(&["disk", "0", "image"]).text(), Some("i"));
        assert!(!entry.field(&["disk", "0", "image"]).unknown);
        assert!(entry.field(&[]).sensitive, "a value holding a sensitive part is not read whole");
        assert!(marked(&json!({"a": true}), &["a", "0", "b"]));
        assert!(!marked(&json!({"a": [{}]}), &["a", "0", "b"]));
    }
}
