//! Terraform's JSON syntax (`.tf.json`), read by writing the same configuration as native HCL
//! text and parsing that with the native parser; every node written keeps the line and column
//! of the JSON value it came from, so positions are the `.tf.json` file's. Strings are
//! templates (`"${var.x}"`), a variable's `type` is an expression; an object under a resource
//! is a nested block (an array of objects, several), except well-known map arguments (`tags`,
//! `labels`, `metadata`, …), as Terraform's provider schemas would say.

use serde_json::Value;

use super::files::File;
use super::position::{FileText, join};
use crate::document::{Document, parse_json};
use crate::{Error, ErrorKind, Phase};

/// Arguments whose object value is a map, not a nested block.
const MAP_ARGUMENTS: &[&str] = &[
    "tags",
    "tags_all",
    "labels",
    "metadata",
    "triggers",
    "environment",
    "variables",
    "parameters",
    "settings",
    "protected_settings",
    "annotations",
    "default_tags",
    "resource_labels",
];

/// Blocks whose content is Terraform's, not the resource's: written as they are, never read.
const SKIPPED: &[&str] = &["lifecycle", "provisioner", "connection", "depends_on", "provider"];

/// Parses a `.tf.json` file.
pub fn parse(display: &str, text: &str) -> Result<File, Error> {
    let doc = parse_json(text).map_err(|e| {
        Error::new(Phase::Parse, ErrorKind::Syntax(e.message.clone())).path(display).at(e.line, e.column)
    })?;
    let mut w = Writer { doc: &doc, out: String::new(), anchors: Vec::new(), literal: false };
    let Value::Object(top) = &doc.value else {
        let why = "a Terraform JSON file is an object of block types (`resource`, `variable`, …)";
        return Err(Error::new(Phase::Parse, ErrorKind::Shape(why.into())).path(display).at(1, 1));
    };
    for (kind, v) in top {
        let ptr = join("", kind);
        match kind.as_str() {
            "variable" | "output" | "module" => w.labelled(&ptr, kind, v, 1),
            "resource" | "data" => w.labelled(&ptr, kind, v, 2),
            "locals" => w.locals(&ptr, v),
            _ => {}
        }
    }
    let body = hcl_edit::parser::parse_body(&w.out).map_err(|e| {
        let why = format!("Terraform JSON syntax that entitle could not read: {}", e.message());
        Error::new(Phase::Parse, ErrorKind::Syntax(why)).path(display)
    })?;
    Ok(File { text: FileText::generated(display, w.out, w.anchors), body })
}

/// Parses a JSON variables file (`terraform.tfvars.json`, `--var-file x.tfvars.json`): an
/// object of values, whose strings are literal (not templates).
pub fn parse_values(display: &str, text: &str) -> Result<File, Error> {
    let doc = parse_json(text).map_err(|e| {
        Error::new(Phase::Parse, ErrorKind::Syntax(e.message.clone())).path(display).at(e.line, e.column)
    })?;
    let mut w = Writer { doc: &doc, out: String::new(), anchors: Vec::new(), literal: true };
    let Value::Object(top) = &doc.value else {
        let why = "a JSON variables file is an object of variable values";
        return Err(Error::new(Phase::Parse, ErrorKind::Shape(why.into())).path(display).at(1, 1));
    };
    for (name, v) in top {
        w.out.push_str(&format!("{name} = "));
        w.expr(&join("", name), v);
        w.out.push('\n');
    }
    let body = hcl_edit::parser::parse_body(&w.out).map_err(|e| {
        let why = format!("a JSON variables file entitle could not read: {}", e.message());
        Error::new(Phase::Parse, ErrorKind::Syntax(why)).path(display)
    })?;
    Ok(File { text: FileText::generated(display, w.out, w.anchors), body })
}

struct Writer<'d> {
    doc: &'d Document,
    out: String,
    anchors: Vec<(usize, u32, u32)>,
    /// Strings are literal values (variables files), not templates.
    literal: bool,
}

impl Writer<'_> {
    fn anchor(&mut self, ptr: &str) {
        let at = self.doc.nearest_position(ptr);
        self.anchors.push((self.out.len(), at.line, at.column));
    }

    /// `kind "a" "b" { … }` for `{a: {b: body}}` (`depth` labels).
    fn labelled(&mut self, ptr: &str, kind: &str, v: &Value, depth: usize) {
        self.labels(ptr, kind, v, depth, &mut Vec::new());
    }

    fn labels(&mut self, ptr: &str, kind: &str, v: &Value, depth: usize, labels: &mut Vec<String>) {
        if labels.len() == depth {
            for (i, body) in bodies(v).into_iter().enumerate() {
                let here = if v.is_array() { join(ptr, &i.to_string()) } else { ptr.to_owned() };
                self.anchor(&here);
                let quoted: Vec<String> = labels.iter().map(|l| quote(l)).collect();
                self.out.push_str(&format!("{kind} {} {{\n", quoted.join(" ")));
                self.body(&here, body, kind);
                self.out.push_str("}\n");
            }
            return;
        }
        let Value::Object(map) = v else { return };
        for (label, inner) in map.iter().filter(|(k, _)| *k != "//") {
            labels.push(label.clone());
            self.labels(&join(ptr, label), kind, inner, depth, labels);
            labels.pop();
        }
    }

    fn locals(&mut self, ptr: &str, v: &Value) {
        for (i, body) in bodies(v).into_iter().enumerate() {
            let here = if v.is_array() { join(ptr, &i.to_string()) } else { ptr.to_owned() };
            self.anchor(&here);
            self.out.push_str("locals {\n");
            self.body(&here, body, "locals");
            self.out.push_str("}\n");
        }
    }

    /// A block's content: arguments and nested blocks.
    fn body(&mut self, ptr: &str, body: &serde_json::Map<String, Value>, kind: &str) {
        let blocks_allowed = matches!(kind, "resource" | "data" | "block");
        for (key, v) in body.iter().filter(|(k, _)| *k != "//" && !SKIPPED.contains(&k.as_str())) {
            let here = join(ptr, key);
            if kind == "variable" && key == "type" {
                self.anchor(&here);
                self.out.push_str(&format!("type = {}\n", v.as_str().unwrap_or("any")));
            } else if key == "dynamic" && blocks_allowed {
                let Value::Object(map) = v else { continue };
                for (label, spec) in map {
                    let Value::Object(spec) = spec else { continue };
                    self.anchor(&join(&here, label));
                    self.out.push_str(&format!("dynamic {} {{\n", quote(label)));
                    self.body(&join(&here, label), spec, "block");
                    self.out.push_str("}\n");
                }
            } else if blocks_allowed && !MAP_ARGUMENTS.contains(&key.as_str()) && is_block(v) {
                for (i, inner) in bodies(v).into_iter().enumerate() {
                    let at = if v.is_array() { join(&here, &i.to_string()) } else { here.clone() };
                    self.anchor(&at);
                    self.out.push_str(&format!("{key} {{\n"));
                    self.body(&at, inner, "block");
                    self.out.push_str("}\n");
                }
            } else {
                self.out.push_str(&format!("{key} = "));
                self.expr(&here, v);
                self.out.push('\n');
            }
        }
    }

    fn expr(&mut self, ptr: &str, v: &Value) {
        self.anchor(ptr);
        match v {
            Value::String(s) if self.literal => {
                self.out.push_str(&template(&s.replace("${", "$${").replace("%{", "%%{")))
            }
            Value::String(s) => self.out.push_str(&template(s)),
            Value::Array(items) => {
                self.out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(", ");
                    }
                    self.expr(&join(ptr, &i.to_string()), item);
                }
                self.out.push(']');
            }
            Value::Object(map) => {
                self.out.push_str("{\n");
                for (k, item) in map.iter().filter(|(k, _)| *k != "//") {
                    self.out.push_str(&format!("{} = ", quote(k)));
                    self.expr(&join(ptr, k), item);
                    self.out.push('\n');
                }
                self.out.push('}');
            }
            other => self.out.push_str(&other.to_string()),
        }
    }
}

/// The block bodies of an object or an array of objects.
fn bodies(v: &Value) -> Vec<&serde_json::Map<String, Value>> {
    match v {
        Value::Object(map) => vec![map],
        Value::Array(items) => items.iter().filter_map(Value::as_object).collect(),
        _ => Vec::new(),
    }
}

/// An object, or a non-empty array of objects: a nested block.
fn is_block(v: &Value) -> bool {
    match v {
        Value::Object(_) => true,
        Value::Array(items) => !items.is_empty() && items.iter().all(Value::is_object),
        _ => false,
    }
}

/// A label or key as an HCL quoted string.
fn quote(s: &str) -> String {
    format!("{s:?}")
}

/// A JSON string as an HCL quoted template: escapes outside `${ … }` / `%{ … }`, the
/// interpolations kept as written.
fn template(s: &str) -> String {
    let mut out = String::from("\"");
    let chars: Vec<char> = s.chars().collect();
    let (mut i, mut depth) = (0, 0usize);
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if depth == 0 {
            if (c == '$' || c == '%') && next == Some(c) && chars.get(i + 2) == Some(&'{') {
                out.extend([c, c, '{']);
                i += 3;
                continue;
            }
            if (c == '$' || c == '%') && next == Some('{') {
                out.extend([c, '{']);
                depth = 1;
                i += 2;
                continue;
            }
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c => out.push(c),
            }
        } else {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                _ => {}
            }
            out.push(if c == '\n' { ' ' } else { c });
        }
        i += 1;
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_keep_interpolations() {
        assert_eq!(template("a\"b"), "\"a\\\"b\"");
        assert_eq!(template("${lookup(var.m, \"k\")}-x"), "\"${lookup(var.m, \"k\")}-x\"");
        assert_eq!(template("$${literal}"), "\"$${literal}\"");
    }

    #[test]
    fn reads_json_variables_files() {
        let file = parse_values("x.tfvars.json", "{\n  \"sku\": \"${not-a-template}\",\n  \"n\": [1, 2]\n}\n").unwrap();
        let sku = file.body.get_attribute("sku").unwrap();
        assert!(matches!(
            &sku.value,
            hcl_edit::expr::Expression::StringTemplate(_) | hcl_edit::expr::Expression::String(_)
        ));
        use hcl_edit::Span;
        assert_eq!(file.text.position(sku.value.span().unwrap().start), (2, 10));
    }

    #[test]
    fn reads_json_syntax_with_positions() {
        let text = "{\n  \"variable\": {\"sku\": {\"default\": \"8_6\", \"type\": \"string\"}},\n  \"resource\": {\"azurerm_linux_virtual_machine\": {\"vm\": {\n    \"tags\": {\"a\": \"b\"},\n    \"source_image_reference\": {\"publisher\": \"RedHat\", \"sku\": \"${var.sku}\"}\n  }}}\n}\n";
        let file = parse("m/main.tf.json", text).unwrap();
        let block = file.body.get_blocks("resource").next().unwrap();
        assert!(block.body.get_attribute("tags").is_some(), "tags is a map argument");
        let image = block.body.get_blocks("source_image_reference").next().unwrap();
        let sku = image.body.get_attribute("sku").unwrap();
        use hcl_edit::Span;
        assert_eq!(file.text.position(sku.value.span().unwrap().start), (5, 62));
    }
}
