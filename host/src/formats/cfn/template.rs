//! The template: its parameters (a parameters file's values over `Default`), mappings,
//! resources and metadata, as the evaluator and the resource walk read them.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::params::Given;
use super::value::{Kind, Val};
use crate::document::escape_token;
use crate::input_finding::InputFinding;

/// A declared parameter.
#[derive(Clone, Debug)]
pub struct Param {
    /// `Type` as written (`String`, `Number`, `AWS::SSM::Parameter::Value<…>`, …).
    pub ty: String,
    /// The value from the parameters file, else the `Default`; `None` when neither.
    pub value: Option<Val>,
    /// `AllowedValues`, as text.
    pub allowed: Vec<String>,
}

/// A parsed template.
pub struct Template {
    /// The file as the user named it.
    pub path: String,
    /// The whole template.
    pub root: Value,
    /// Declared parameters by name.
    pub params: BTreeMap<String, Param>,
    /// Names for opaque AMI ids (`--ami-catalog`).
    pub amis: Option<crate::formats::amis::AmiCatalog>,
    /// Parameters-file values outside their parameter's `AllowedValues` (CloudFormation
    /// rejects the stack; the `Default` is used instead).
    pub rejected: Vec<InputFinding>,
}

impl Template {
    /// The template at `root` (file `path`) with the values `given` in a parameters file.
    /// Also returns the names given in the file that the template does not declare.
    pub fn new(path: &str, root: Value, given: &Given) -> (Template, Vec<String>) {
        let mut params = BTreeMap::new();
        let mut rejected = Vec::new();
        let declared = root.get("Parameters").and_then(Value::as_object).cloned().unwrap_or_default();
        for (name, decl) in &declared {
            let at = format!("/Parameters/{}", escape_token(name));
            let ty = decl.get("Type").and_then(Value::as_str).unwrap_or("String").to_owned();
            let allowed = match decl.get("AllowedValues") {
                Some(Value::Array(items)) => items.iter().filter_map(scalar_text).collect(),
                _ => Vec::new(),
            };
            let default = decl.get("Default").map(|d| Val::from_json(d, path, &format!("{at}/Default")));
            let value = match given.get(name) {
                Some(v) => match v.text().filter(|text| !allowed.is_empty() && !allowed.contains(text)) {
                    Some(text) => {
                        let fallback = match decl.get("Default").and_then(scalar_text) {
                            Some(d) => format!("the template is checked with its Default {d} instead"),
                            None => "the template is checked with the parameter unknown".to_owned(),
                        };
                        let at = v.chain.first().cloned().unwrap_or_else(|| crate::formats::source(path, &at));
                        let finding =
                            InputFinding::param_not_allowed("CloudFormation", name, &text, &allowed, &fallback, at);
                        rejected.push(finding);
                        default
                    }
                    None => Some(v.clone()),
                },
                None => default,
            };
            let value = value.map(|v| typed(v, &ty));
            params.insert(name.clone(), Param { ty, value, allowed });
        }
        let unknown = given.names().filter(|n| !declared.contains_key(*n)).map(str::to_owned).collect();
        (Template { path: path.to_owned(), root, params, amis: None, rejected }, unknown)
    }

    /// Where `value` is written among parameter `name`'s `AllowedValues` (the declaration
    /// when it is not there): where a choice of that value is made.
    pub fn allowed_value_source(&self, name: &str, value: &str) -> entitle_sdk::model::Source {
        let at = format!("/Parameters/{}", escape_token(name));
        let index = self
            .node(&format!("{at}/AllowedValues"))
            .and_then(Value::as_array)
            .and_then(|items| items.iter().position(|i| scalar_text(i).as_deref() == Some(value)));
        let pointer = index.map_or(at.clone(), |i| format!("{at}/AllowedValues/{i}"));
        crate::formats::source(&self.path, &pointer)
    }

    /// The node at `pointer`.
    pub fn node(&self, pointer: &str) -> Option<&Value> {
        self.root.pointer(pointer)
    }

    /// A top-level section as an object (empty when absent).
    pub fn section(&self, name: &str) -> &Map<String, Value> {
        static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
        self.root.get(name).and_then(Value::as_object).unwrap_or_else(|| EMPTY.get_or_init(Map::new))
    }

    /// `Mappings.<map>.<top>.<key>` and its pointer.
    pub fn mapping(&self, map: &str, top: &str, key: &str) -> Option<(&Value, String)> {
        let value = self.section("Mappings").get(map)?.get(top)?.get(key)?;
        let pointer = format!("/Mappings/{}/{}/{}", escape_token(map), escape_token(top), escape_token(key));
        Some((value, pointer))
    }

    /// The regions a mapping is keyed by: its region-named top-level keys, else its
    /// region-named second-level keys.
    pub fn regions_of(&self, map: &str) -> Vec<String> {
        let Some(Value::Object(rows)) = self.section("Mappings").get(map) else { return Vec::new() };
        let top: Vec<String> = rows.keys().filter(|k| is_region(k)).cloned().collect();
        if !top.is_empty() {
            return top;
        }
        let mut inner: Vec<String> = rows
            .values()
            .filter_map(Value::as_object)
            .flat_map(|r| r.keys())
            .filter(|k| is_region(k))
            .cloned()
            .collect();
        inner.sort();
        inner.dedup();
        inner
    }

    /// The `Type` of resource `id`.
    pub fn resource_type(&self, id: &str) -> Option<&str> {
        self.section("Resources").get(id)?.get("Type")?.as_str()
    }
}

/// A parameter value as CloudFormation passes it by type: lists split on commas, an
/// SSM parameter type names a parameter path, anything else is text.
pub fn typed(value: Val, ty: &str) -> Val {
    let Some(text) = value.text() else { return value };
    let kind =
        if ty.starts_with("AWS::SSM::Parameter::Value<List<") || ty.starts_with("AWS::SSM::Parameter::Value<Comma") {
            Kind::Unknown(format!("a list read from SSM parameter {text} at deployment").into())
        } else if ty.starts_with("AWS::SSM::Parameter::Value<") {
            Kind::Ssm(text)
        } else if ty == "CommaDelimitedList" || ty.starts_with("List<") {
            let parts = text.split(',').map(|p| Val { chain: value.chain.clone(), ..Val::str(p.trim()) });
            Kind::List(parts.collect())
        } else {
            Kind::Str(text)
        };
    Val { kind, ..value }
}

/// `us-east-1`, `eu-central-2`, `us-gov-west-1`, `cn-north-1`, `ap-southeast-4`, …
pub fn is_region(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let (first, last) = (parts.first().copied().unwrap_or(""), parts.last().copied().unwrap_or(""));
    (3..=4).contains(&parts.len())
        && first.len() == 2
        && first.chars().all(|c| c.is_ascii_lowercase())
        && parts[1..parts.len() - 1].iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase()))
        && !last.is_empty()
        && last.chars().all(|c| c.is_ascii_digit())
}

/// A scalar's text as CloudFormation passes it.
pub fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_regions() {
        for r in ["us-east-1", "eu-central-2", "us-gov-west-1", "cn-northwest-1", "ap-southeast-4", "il-central-1"] {
            assert!(is_region(r), "{r}");
        }
        for r in ["AMI", "us-east", "RHEL9", "us-east-1a", "US-EAST-1", "x-y-1", "us--1"] {
            assert!(!is_region(r), "{r}");
        }
    }

    #[test]
    fn types_parameter_values() {
        let list = typed(Val::str("a, b"), "List<AWS::EC2::Subnet::Id>");
        assert!(matches!(&list.kind, Kind::List(items) if items.len() == 2 && items[1].text().as_deref() == Some("b")));
        let ssm = typed(Val::str("/aws/service/x"), "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>");
        assert_eq!(ssm.kind, Kind::Ssm("/aws/service/x".into()));
        assert_eq!(typed(Val::new(Kind::Bool(true)), "String").kind, Kind::Str("true".into()));
    }
}
