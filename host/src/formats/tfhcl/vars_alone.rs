//! A variables file (`.tfvars`, `.tfvars.json`) read without its module: real repositories keep
//! whole deployments as variables files for a module that lives elsewhere (a shared module
//! repository, a framework's module fetched at apply time). The module is not at hand, so, as for
//! an unfetched module call (`unfetched.rs`), only the values are visible: every variable that
//! carries an image (an image-like name, an object with `publisher`/`offer`/`sku` or
//! `source_image_id`, an AMI id or name, a GCP image path, an Azure URN) becomes a workload of
//! kind `module` carrying that image, located at its value.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use entitle_sdk::model::Source;
use entitle_sdk::{Catalog, Workload};
use hcl_edit::Span;

use super::eval::{Eval, Scope};
use super::files::{self, Module};
use super::position::join;
use super::unfetched::{azure_part, classify, image_like};
use super::value::{Kind, Val};
use crate::formats::Extracted;
use crate::support::framework;
use crate::{Error, ErrorKind, Phase};

/// The largest variables file read.
const MAX_BYTES: u64 = 8 << 20;

/// Reads the variables file at `path` (shown as `display`) into workloads.
pub fn read(display: &str, path: &Path, catalog: &Catalog) -> Result<Extracted, Error> {
    let io = |e: std::io::Error| Error::new(Phase::Parse, ErrorKind::Io(e)).path(display);
    let size = std::fs::metadata(path).map_err(io)?.len();
    if size > MAX_BYTES {
        let why = format!("a variables file of {size} bytes is larger than the {MAX_BYTES} bytes read");
        return Err(Error::new(Phase::Parse, ErrorKind::Shape(why)).path(display));
    }
    let text = std::fs::read_to_string(path).map_err(io)?;
    let file = files::parse_vars(display, &text)?;
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let module = Module { display: display.to_owned(), dir, files: Vec::new(), tfvars: Vec::new(), notes: Vec::new() };
    let ev = Eval::new(&module, BTreeMap::new(), 0, String::new());
    let mut values: BTreeMap<String, (Val, Source)> = BTreeMap::new();
    for attr in file.body.attributes() {
        let name = attr.key.as_str();
        let ptr = join("", name);
        let v = ev.eval(&file, &attr.value, &ptr, &Scope::default());
        values.insert(name.to_owned(), (v, file.text.source(&ptr, attr.span())));
    }
    let switches: Vec<framework::Input> = values
        .iter()
        .filter(|(name, _)| framework::reads(name))
        .map(|(name, (v, at))| framework::Input { name: name.clone(), value: switch_value(v), at: at.clone() })
        .collect();
    let mut out = Extracted::default();
    let mut used = BTreeSet::new();
    for (name, (value, at)) in &values {
        if used.contains(name) || !(image_like(name) || image_shaped(value)) {
            continue;
        }
        // A `*_project` beside its image, and the parts of `<prefix>publisher`/`offer`/`sku`, go
        // with the variable they complete.
        if let Some(image) = name.strip_suffix("_project")
            && values.contains_key(image)
        {
            continue;
        }
        let mut inputs: BTreeMap<String, Val> = BTreeMap::new();
        let (label, provider) = match azure_part(name) {
            Some((prefix, _)) => {
                for part in ["publisher", "offer", "sku", "version"] {
                    let key = format!("{prefix}{part}");
                    if let Some((v, _)) = values.get(&key) {
                        inputs.insert(key.clone(), v.clone());
                        used.insert(key);
                    }
                }
                let label = prefix.trim_end_matches(['_', '-']);
                (if label.is_empty() { name.as_str() } else { label }.to_owned(), "azure")
            }
            None => {
                inputs.insert(name.clone(), value.clone());
                let project = format!("{name}_project");
                let pair = values.get(&project);
                if let Some((v, _)) = pair {
                    inputs.insert(project.clone(), v.clone());
                    used.insert(project);
                }
                let provider = if pair.is_some() {
                    "gcp"
                } else if azure_object(value) {
                    "azure"
                } else {
                    "unknown"
                };
                (name.clone(), provider)
            }
        };
        let mut w = workload(display, &label, provider, &inputs, at, catalog);
        framework::apply(&mut w, framework::tier(name), &switches, None);
        out.workloads.push(w);
    }
    if out.workloads.is_empty() {
        out.notes.push(format!(
            "{display} is a variables file read alone (its module is not at hand) and sets no image-like variable"
        ));
    }
    Ok(out)
}

/// A value as a framework switch reads it (text read from a file is never shown).
pub(super) fn switch_value(v: &Val) -> framework::Value {
    match &v.kind {
        Kind::Bool(b) => framework::Value::Bool(*b),
        Kind::Str(t) if v.read.is_none() => framework::Value::Text(t.clone()),
        _ => framework::Value::Other,
    }
}

/// An object that names an image: Azure parts or a custom image id.
fn image_shaped(v: &Val) -> bool {
    azure_object(v) || matches!(&v.kind, Kind::Map(m) if m.contains_key("source_image_id"))
}

/// An object with `publisher`, `offer` and `sku`.
fn azure_object(v: &Val) -> bool {
    matches!(&v.kind, Kind::Map(m) if ["publisher", "offer", "sku"].iter().all(|k| m.contains_key(*k)))
}

/// The workload of variable `label` (or of the variables in `inputs` that form one image).
fn workload(
    display: &str,
    label: &str,
    provider: &str,
    inputs: &BTreeMap<String, Val>,
    at: &Source,
    catalog: &Catalog,
) -> Workload {
    let address = format!("var.{label}");
    let mut w = Workload {
        id: address.clone(),
        kind: "module".into(),
        provider: provider.into(),
        resource: address.clone(),
        source: at.clone(),
        count: None,
        ..Workload::default()
    };
    w.evidence.push(format!(
        "{display} is a variables file read alone: the module it sets is not at hand, so only its values are visible"
    ));
    let shown: Vec<String> = inputs.iter().map(|(k, v)| format!("{k} = {}", v.show())).collect();
    w.evidence.push(format!("image-like variables: {}", shown.join(", ")));
    w.unknown.insert(
        "count".into(),
        format!("the variables file is read without its module: the instances that use {address} are not visible"),
    );
    w.provenance.insert("count".into(), at.clone());
    classify(&mut w, inputs, &address, "is read without its module", at, catalog);
    w
}
