//! The `--settings` file: policy settings keyed by policy id. Each policy validates its
//! own settings and knows nothing of the file, so errors about them are placed here, at
//! the file and the line of the policy's key, where the user fixes them.

use std::collections::BTreeMap;
use std::path::Path;

use entitle::document::{Document, escape_token};
use entitle::report::ReportError;
use entitle::{Error, Phase};

/// A read settings file: what each policy is given, and where each key is written.
pub struct SettingsFile {
    path: String,
    document: Document,
    text: String,
}

impl SettingsFile {
    /// Reads `path` (one JSON or YAML object).
    pub fn read(path: &Path) -> Result<SettingsFile, Error> {
        let document = super::common::side_document(path, "settings")?;
        // Read once more for the keys' lines (the document places values, not keys).
        let text = std::fs::read(path).map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default();
        Ok(SettingsFile { path: path.display().to_string(), document, text })
    }

    /// The settings of each policy.
    pub fn by_policy(&self) -> BTreeMap<String, serde_json::Value> {
        self.document.value.as_object().map(|m| m.clone().into_iter().collect()).unwrap_or_default()
    }

    /// Gives every settings error that names no file this file, and the line of its
    /// policy's key (else the file's first line).
    pub fn place(&self, errors: &mut [ReportError]) {
        for e in errors.iter_mut().filter(|e| e.phase == Phase::Settings && e.path.is_none()) {
            let pointer = e.policy.as_deref().map(|id| format!("/{}", escape_token(id))).unwrap_or_default();
            let (line, column) = match e.policy.as_deref().and_then(|id| self.key_line(id)) {
                Some(at) => at,
                None => {
                    let at = self.document.nearest_position(&pointer);
                    (at.line, at.column)
                }
            };
            e.path = Some(self.path.clone());
            e.line = Some(line);
            e.column = Some(column);
        }
    }

    /// Line and column of the top-level key `id` (`id:`, `"id":` or `'id':`), if written so.
    fn key_line(&self, id: &str) -> Option<(u32, u32)> {
        self.text.lines().enumerate().find_map(|(i, line)| {
            let body = line.trim_start();
            let indent = line.len() - body.len();
            let key = [format!("{id}:"), format!("\"{id}\""), format!("'{id}'")];
            let top = indent == 0 || line[..indent].contains('{') || body.starts_with('"');
            (top && key.iter().any(|k| body.starts_with(k.as_str())))
                .then(|| (i as u32 + 1, line[..indent].chars().count() as u32 + 1))
        })
    }
}
