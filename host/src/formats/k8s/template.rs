//! OpenShift `Template` parameters: `${X}` (text) and `${{X}}` (a whole value, read as JSON)
//! substituted into the template's objects from each parameter's `value`; a parameter without
//! one (asked for or generated at instantiation) stays unknown, and every substitution remembers
//! the parameter it came from, so a field's trail leads to it.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::document::escape_token;

/// The parameters of one template, and where each was substituted.
#[derive(Debug, Default)]
pub struct Params {
    /// Name → (value, pointer of the parameter).
    values: BTreeMap<String, (Option<String>, String)>,
    /// Pointer of a substituted value → pointers of the parameters it used.
    used: BTreeMap<String, Vec<String>>,
}

impl Params {
    /// The parameters of a template document (`/parameters`).
    pub fn of_template(template: &Value) -> Params {
        let mut params = Params::default();
        let list = template.get("parameters").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
        for (i, p) in list.iter().enumerate() {
            let Some(name) = p.get("name").and_then(Value::as_str) else { continue };
            let value = p.get("value").and_then(|v| match v {
                Value::String(s) => Some(s.clone()),
                Value::Null => None,
                other => Some(other.to_string()),
            });
            let pointer = if value.is_some() { format!("/parameters/{i}/value") } else { format!("/parameters/{i}") };
            params.values.insert(name.to_owned(), (value, pointer));
        }
        params
    }

    /// Substitutes the parameters into `value`, which sits at `pointer`.
    pub fn substitute(&mut self, value: &mut Value, pointer: &str) {
        match value {
            Value::String(text) if text.contains("${") => {
                let (new, used) = self.expand(text);
                if !used.is_empty() {
                    self.used.insert(pointer.to_owned(), used);
                }
                *value = new;
            }
            Value::Array(items) => {
                for (i, item) in items.iter_mut().enumerate() {
                    self.substitute(item, &format!("{pointer}/{i}"));
                }
            }
            Value::Object(map) => {
                for (key, item) in map.iter_mut() {
                    self.substitute(item, &format!("{pointer}/{}", escape_token(key)));
                }
            }
            _ => {}
        }
    }

    /// The value of a string with its known parameters replaced, and the parameters used.
    fn expand(&self, text: &str) -> (Value, Vec<String>) {
        let mut used = Vec::new();
        let whole = text.strip_prefix("${{").and_then(|t| t.strip_suffix("}}")).filter(|n| is_name(n));
        if let Some((Some(value), at)) = whole.and_then(|name| self.values.get(name)) {
            used.push(at.clone());
            return (serde_json::from_str(value).unwrap_or_else(|_| Value::String(value.clone())), used);
        }
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let (name, close) = match after.strip_prefix('{') {
                Some(inner) => (inner.split("}}").next().unwrap_or(""), "}}"),
                None => (after.split('}').next().unwrap_or(""), "}"),
            };
            let open = if close == "}}" { 3 } else { 2 };
            let whole = &rest[start..(start + open + name.len() + close.len()).min(rest.len())];
            match self.values.get(name).filter(|_| is_name(name) && whole.ends_with(close)) {
                Some((Some(value), at)) => {
                    out.push_str(value);
                    used.push(at.clone());
                }
                _ => out.push_str(whole),
            }
            rest = &rest[start + whole.len()..];
        }
        out.push_str(rest);
        (Value::String(out), used)
    }

    /// Pointers of the parameters substituted into the value at `pointer`.
    pub fn used_at(&self, pointer: &str) -> Vec<String> {
        self.used.get(pointer).cloned().unwrap_or_default()
    }

    /// Why a string that still holds `${X}` is not known, or `None` when it holds none.
    pub fn unresolved(&self, text: &str) -> Option<String> {
        let start = text.find("${")?;
        let name: String = text[start + 2..].trim_start_matches('{').chars().take_while(|c| *c != '}').collect();
        Some(match self.values.get(&name) {
            Some(_) => format!(
                "template parameter {name} has no value or default: it is given (or generated) when the template is instantiated"
            ),
            None => format!("`${{{name}}}` names no parameter of a template"),
        })
    }
}

/// A parameter name: letters, digits and `_`.
fn is_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn params() -> Params {
        Params::of_template(&json!({"parameters": [
            {"name": "NAME"},
            {"name": "CPU", "value": "4"},
            {"name": "VERSION", "value": "15-el8"},
            {"name": "USER", "generate": "expression", "from": "user[A-Z0-9]{3}"}
        ]}))
    }

    #[test]
    fn substitutes_text_and_whole_values() {
        let mut p = params();
        let mut v =
            json!({"a": "postgresql:${VERSION}", "b": "${{CPU}}", "c": "vm-${NAME}", "d": "${CPU}-${VERSION}", "e": 3});
        p.substitute(&mut v, "/objects/0");
        assert_eq!(v, json!({"a": "postgresql:15-el8", "b": 4, "c": "vm-${NAME}", "d": "4-15-el8", "e": 3}));
        assert_eq!(p.used_at("/objects/0/a"), ["/parameters/2/value"]);
        assert_eq!(p.used_at("/objects/0/b"), ["/parameters/1/value"]);
        assert!(p.used_at("/objects/0/c").is_empty());
        assert!(p.unresolved("vm-${NAME}").unwrap().contains("template parameter NAME has no value"));
        assert!(p.unresolved("${USER}").unwrap().contains("USER"));
        assert!(p.unresolved("${OTHER}").unwrap().contains("names no parameter"));
        assert_eq!(p.unresolved("plain"), None);
    }

    #[test]
    fn odd_text_is_kept() {
        let mut p = params();
        let mut v = json!(["${", "${CPU", "$${CPU}", "${{CPU}}x", "${ CPU }"]);
        p.substitute(&mut v, "");
        assert_eq!(v, json!(["${", "${CPU", "$4", "4x", "${ CPU }"]));
    }
}
