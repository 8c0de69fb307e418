//! Parameter values for a stack, read with positions so a value points into its file:
//! the CLI's `[{"ParameterKey": …, "ParameterValue": …}]`, CodePipeline's
//! `{"Parameters": {…}}`, or `--parameter-overrides`-style `["Key=Value", …]`.

use std::path::Path;

use serde_json::Value;

use super::template::scalar_text;
use super::value::Val;
use crate::document::{self, Document, escape_token};

/// Values from a parameters file.
#[derive(Debug, Default)]
pub struct Given {
    /// `(name, value)` in file order.
    values: Vec<(String, Val)>,
    /// The parsed file, for locating its values.
    pub document: Option<Document>,
}

impl Given {
    /// The value given for `name` (names are case-sensitive in CloudFormation).
    pub fn get(&self, name: &str) -> Option<&Val> {
        self.values.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// The names given.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.values.iter().map(|(n, _)| n.as_str())
    }

    /// Reads `file`, shown as `display`.
    pub fn read(file: &Path, display: &str) -> Result<Given, String> {
        let bytes = std::fs::read(file).map_err(|e| format!("cannot read parameters file {display}: {e}"))?;
        let docs = document::parse_bytes(&bytes).map_err(|e| format!("{display}:{e}"))?;
        let Some(doc) = docs.into_iter().next() else {
            return Err(format!("{display}: the parameters file is empty"));
        };
        let values = parse(&doc.value, display)?;
        Ok(Given { values, document: Some(doc) })
    }
}

/// The `(name, value)` pairs of a parameters document.
fn parse(value: &Value, display: &str) -> Result<Vec<(String, Val)>, String> {
    let shape = || {
        format!(
            "{display}: not a CloudFormation parameters file: expected [{{\"ParameterKey\": …, \"ParameterValue\": …}}], \
             {{\"Parameters\": {{…}}}} or [\"Key=Value\", …]"
        )
    };
    let mut out = Vec::new();
    match value {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                match item {
                    Value::Object(entry) => {
                        let key = entry.get("ParameterKey").and_then(Value::as_str).ok_or_else(shape)?;
                        if entry.get("UsePreviousValue").and_then(Value::as_bool) == Some(true) {
                            let reason =
                                format!("parameter {key} keeps the value of the running stack (UsePreviousValue)");
                            out.push((key.to_owned(), Val::unknown(reason)));
                            continue;
                        }
                        let Some(v) = entry.get("ParameterValue") else { continue };
                        let v = scalar_text(v).map_or_else(
                            || Val::from_json(v, display, &format!("/{i}/ParameterValue")),
                            |text| Val {
                                kind: Val::str(text).kind,
                                ..Val::from_json(v, display, &format!("/{i}/ParameterValue"))
                            },
                        );
                        out.push((key.to_owned(), v));
                    }
                    Value::String(pair) => {
                        let (key, v) = pair.split_once('=').ok_or_else(shape)?;
                        let at = Val::from_json(item, display, &format!("/{i}"));
                        out.push((key.to_owned(), Val { kind: Val::str(v).kind, ..at }));
                    }
                    _ => return Err(shape()),
                }
            }
        }
        Value::Object(top) => {
            let map = top.get("Parameters").and_then(Value::as_object).ok_or_else(shape)?;
            for (key, v) in map {
                let at = format!("/Parameters/{}", escape_token(key));
                let text = scalar_text(v).ok_or_else(shape)?;
                out.push((key.clone(), Val { kind: Val::str(text).kind, ..Val::from_json(v, display, &at) }));
            }
        }
        _ => return Err(shape()),
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_the_three_forms() {
        let cli = json!([{"ParameterKey": "MyOS", "ParameterValue": "RedHatLinux79ForSAP-With-HA-US"},
            {"ParameterKey": "Count", "ParameterValue": 3}, {"ParameterKey": "Old", "UsePreviousValue": true}]);
        let values = parse(&cli, "p.json").expect("cli form");
        assert_eq!(values[0].1.text().as_deref(), Some("RedHatLinux79ForSAP-With-HA-US"));
        assert_eq!(values[0].1.chain[0].pointer, "/0/ParameterValue");
        assert_eq!(values[1].1.text().as_deref(), Some("3"));
        assert!(values[2].1.is_opaque());
        let pipeline = parse(&json!({"Parameters": {"A": "x"}}), "p.json").expect("pipeline form");
        assert_eq!((pipeline[0].0.as_str(), pipeline[0].1.chain[0].pointer.as_str()), ("A", "/Parameters/A"));
        let overrides = parse(&json!(["A=x=y"]), "p.json").expect("overrides form");
        assert_eq!(overrides[0].1.text().as_deref(), Some("x=y"));
        assert!(parse(&json!({"parameters": {}}), "p.json").expect_err("arm").contains("not a CloudFormation"));
    }
}
