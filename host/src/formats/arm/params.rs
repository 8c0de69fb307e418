//! Parameter values for a template: a parameters file (the deploymentParameters
//! schema, `{"parameters": {"x": {"value": …}}}`, or a plain `{"x": …}` object) read
//! with positions, so a value from the file points into the file.

use std::path::{Path, PathBuf};
use std::rc::Rc;

use serde_json::Value;

use super::value::Val;
use crate::confined::{self, Root, TEMPLATE_LIMIT};
use crate::document::{self, Document, escape_token};

/// Values from a parameters file, by lower-case name.
#[derive(Clone, Debug, Default)]
pub struct ParamValues {
    /// `(lower-case name, value)`.
    pub values: Vec<(String, Val)>,
    /// The parsed file, for locating its values.
    pub document: Option<Document>,
}

impl ParamValues {
    /// The value given for `name`, if any.
    pub fn get(&self, name: &str) -> Option<&Val> {
        let lower = name.to_ascii_lowercase();
        self.values.iter().find(|(n, _)| *n == lower).map(|(_, v)| v)
    }

    /// Reads `file` (shown as `display`), only inside `within` when given; either way a
    /// regular file of at most [`TEMPLATE_LIMIT`] bytes.
    pub fn read(file: &Path, display: &str, within: Option<&Root>) -> Result<ParamValues, String> {
        let bytes = match within {
            Some(root) => root.read(file, TEMPLATE_LIMIT),
            None => confined::read_regular(file, TEMPLATE_LIMIT),
        };
        let bytes = bytes.map_err(|e| format!("parameters file {display}: {e}"))?;
        let docs = document::parse_bytes(&bytes).map_err(|e| format!("{display}:{e}"))?;
        let Some(doc) = docs.into_iter().next() else {
            return Err(format!("{display}: the parameters file is empty"));
        };
        let path: Rc<str> = Rc::from(display);
        let (base, map) = match doc.value.get("parameters").and_then(Value::as_object) {
            Some(map) if doc.value.get("$schema").is_some() || doc.value.get("contentVersion").is_some() => {
                ("/parameters".to_owned(), map)
            }
            _ => match doc.value.as_object() {
                Some(map) => (String::new(), map),
                None => return Err(format!("{display}: a parameters file must be a JSON object")),
            },
        };
        let mut values = Vec::new();
        for (name, entry) in map {
            let at = format!("{base}/{}", escape_token(name));
            let value = if base.is_empty() {
                Val::from_json(entry, &path, &at)
            } else if let Some(v) = entry.get("value") {
                Val::from_json(v, &path, &format!("{at}/value"))
            } else if entry.get("reference").is_some() {
                let mut v = Val::unknown(format!("parameter {name} is a Key Vault reference, read at deployment"));
                v.origin = Val::from_json(entry, &path, &at).origin;
                v
            } else {
                continue;
            };
            values.push((name.to_ascii_lowercase(), value));
        }
        Ok(ParamValues { values, document: Some(doc) })
    }
}

/// The parameters file that goes with a template: `X.parameters.json` beside `X.json`
/// (also `azuredeploy.parameters.json` beside `azuredeploy.json`).
pub fn sibling_parameters_file(template: &Path) -> Option<PathBuf> {
    let stem = template.file_stem()?.to_string_lossy().into_owned();
    let ext = template.extension().map(|e| e.to_string_lossy().into_owned()).unwrap_or_else(|| "json".into());
    let candidate = template.with_file_name(format!("{stem}.parameters.{ext}"));
    candidate.is_file().then_some(candidate)
}
