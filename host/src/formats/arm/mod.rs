//! Azure Resource Manager templates (and Bicep output): a real evaluator of the
//! template language, with parameters (a parameters file over `defaultValue`),
//! variables, copy loops, conditions, nested and linked deployments, and the choices
//! `allowedValues` offer. Every workload field points at the JSON value it came from,
//! in whichever file that is.

mod bicep;
mod body;
mod choices;
mod expr;
mod external;
mod fields;
mod nested;
pub(crate) use nested::normalise;
mod outputs;
mod params;
mod prep;
mod profile_extensions;
mod resources;
mod session;
mod template;
mod value;
mod workload;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use entitle_sdk::{Catalog, Workload};

use super::Extracted;
use crate::confined::Root;
use crate::document::Document;
use crate::{Error, ErrorKind, Phase};
use choices::Item;
use params::ParamValues;
use resources::ResourceKind;
use session::Session;
use template::{Params, Template};

pub use bicep::{CompiledParams, Given, workloads_compiled};

/// Models the template in `doc` (the file `path`, on disk at `fs_path`), with the
/// parameters file `params` or else the one beside the template. Linked templates and
/// the parameters file beside it are read only inside `confine` (default: the
/// template's own directory).
pub fn workloads(
    path: &str,
    fs_path: &Path,
    doc: Rc<Document>,
    catalog: &Catalog,
    params: Option<&Path>,
    confine: Option<&Root>,
) -> Result<Extracted, Error> {
    let confine = confine.cloned().or_else(|| Root::of_file(fs_path).ok());
    let session = Rc::new(Session::new(confine.clone()));
    let root_file = session.add(path, fs_path, doc);
    let sibling = || params::sibling_parameters_file(fs_path).map(|f| (f, confine.as_ref()));
    // `--params` is named by the user: read wherever it is (still a regular file, bounded).
    let params_file = params.map(|p| (p.to_path_buf(), None)).or_else(sibling);
    let values = match &params_file {
        Some((file, within)) => {
            let display = sibling_display(path, fs_path, file);
            let read = ParamValues::read(file, &display, *within)
                .map_err(|m| Error::new(Phase::Parse, ErrorKind::Shape(m)).path(&display))?;
            if let Some(doc) = read.document.clone() {
                session.add(&display, file, Rc::new(doc));
            }
            read
        }
        None => ParamValues::default(),
    };
    model(path, fs_path, &session, root_file, values, catalog)
}

/// Models the root template `root_file` of `session` with the parameter `values`.
fn model(
    path: &str,
    fs_path: &Path,
    session: &Rc<Session>,
    root_file: Rc<session::Loaded>,
    values: ParamValues,
    catalog: &Catalog,
) -> Result<Extracted, Error> {
    let model_error = |message: String| Error::new(Phase::Model, ErrorKind::Shape(message)).path(path);
    let given = values.clone();
    let root_doc = root_file.doc.clone();
    let root = Template::new(session.clone(), root_file, String::new(), Params::Values(Rc::new(values)), true);
    let found = resources::collect(&root).map_err(|e| model_error(e.0))?;
    let mut items = Vec::new();
    let mut errors = Vec::new();
    for f in found.iter().filter(|f| f.kind != ResourceKind::Extension) {
        match workload::build(f, catalog) {
            Ok((mut workload, deps)) => {
                body::record(&mut workload, f);
                items.push(Item { workload, found: f.clone(), deps })
            }
            Err(e) => errors.push(resource_error(f, &e)),
        }
    }
    let index = VmIndex::new(&items);
    for f in found.iter().filter(|f| f.kind == ResourceKind::Extension) {
        match workload::boot_entry(f) {
            Ok(entry) => {
                if let Some(i) = index.find(f) {
                    items[i].workload.boot.push(entry);
                }
            }
            Err(e) => errors.push(resource_error(f, &e)),
        }
    }
    choices::enumerate(&root, &mut items, catalog).map_err(|e| model_error(e.0))?;
    prep::attach(&mut items);
    // A linked template that is not here and is passed no image is most likely
    // networking or storage: say so once, without inventing a workload.
    let (items, plain): (Vec<Item>, Vec<Item>) =
        items.into_iter().partition(|i| i.workload.kind != "external_template_without_image");
    for item in plain {
        let uri =
            item.workload.evidence.iter().find_map(|e| e.strip_prefix("template: ")).unwrap_or("(no uri)").to_owned();
        session.note(format!(
            "{} deploys {uri}, which is not available here and is passed no image parameters; its resources are not checked",
            item.workload.resource
        ));
    }
    let mut workloads: Vec<Workload> = items.into_iter().map(|i| i.workload).collect();
    dedupe_ids(&mut workloads);
    product_parameters(path, &root_doc, &given, &mut workloads);
    let files = session.files();
    let docs: Vec<(String, &Document)> = files.iter().map(|f| (f.display.to_string(), &*f.doc)).collect();
    super::locate(&mut workloads, &docs);
    for e in &mut errors {
        if let (Some(pointer), Some(file)) = (&e.pointer, files.iter().find(|f| Some(&*f.display) == e.path.as_deref()))
        {
            let at = file.doc.nearest_position(pointer);
            (e.line, e.column) = (Some(at.line), Some(at.column));
        }
    }
    for problem in session.problems() {
        let file = files.iter().find(|f| *f.display == problem.path);
        let mut error =
            Error::new(Phase::Model, ErrorKind::Shape(problem.message)).path(&problem.path).pointer(&problem.pointer);
        if let Some(file) = file {
            let at = file.doc.nearest_position(&problem.pointer);
            error = error.at(at.line, at.column);
        }
        errors.push(error);
    }
    let mut findings = session.rejected();
    for f in &mut findings {
        if let Some(file) = files.iter().find(|file| *file.display == f.source.path) {
            let at = file.doc.nearest_position(&f.source.pointer);
            (f.source.line, f.source.column) = (Some(at.line), Some(at.column));
        }
    }
    let includes: Vec<PathBuf> = files.iter().filter(|f| f.fs_path != fs_path).map(|f| f.fs_path.clone()).collect();
    Ok(Extracted { workloads, errors, includes, notes: session.notes(), findings, ..Extracted::default() })
}

/// An error in one resource: the template is broken there (deployment would fail).
fn resource_error(f: &resources::Found, e: &expr::EvalError) -> Error {
    let shown = f.template.file.display.to_string();
    Error::new(Phase::Model, ErrorKind::Shape(format!("{} cannot be evaluated: {e}", f.ty)))
        .path(shown)
        .pointer(&f.pointer)
}

/// Finds an extension's VM: its parent resource, or the VM whose name is the
/// extension name's prefix (`vm1/installer`).
struct VmIndex {
    by_pointer: HashMap<(String, String), usize>,
    by_name: HashMap<String, usize>,
}

impl VmIndex {
    fn new(items: &[Item]) -> VmIndex {
        let mut index = VmIndex { by_pointer: HashMap::new(), by_name: HashMap::new() };
        for (i, item) in items.iter().enumerate() {
            let key = (item.found.template.file.display.to_string(), item.found.pointer.clone());
            index.by_pointer.insert(key, i);
            if let Some(name) = item.workload.resource.rsplit('/').next() {
                index.by_name.entry(name.to_owned()).or_insert(i);
            }
        }
        index
    }

    fn find(&self, ext: &resources::Found) -> Option<usize> {
        let by_parent =
            ext.parent.as_ref().and_then(|p| self.by_pointer.get(&(ext.template.file.display.to_string(), p.clone())));
        by_parent.copied().or_else(|| {
            let name = ext.template.node(&format!("{}/name", ext.pointer)).and_then(|n| n.as_str()).unwrap_or_default();
            self.by_name.get(name.split('/').next().unwrap_or_default()).copied()
        })
    }
}

/// The parameters file as the user would name it: beside the template's shown path.
fn sibling_display(path: &str, fs_path: &Path, file: &Path) -> String {
    match (file.parent() == fs_path.parent(), file.file_name(), Path::new(path).parent()) {
        (true, Some(name), Some(dir)) => dir.join(name).display().to_string(),
        _ => file.display().to_string(),
    }
}

/// Ids must be unique within an input: repeats get their position.
fn dedupe_ids(workloads: &mut [Workload]) {
    let mut seen = std::collections::BTreeMap::<String, usize>::new();
    for w in workloads.iter() {
        *seen.entry(w.id.clone()).or_default() += 1;
    }
    for w in workloads.iter_mut() {
        if seen[&w.id] > 1 {
            w.id = format!("{}@{}{}", w.id, w.source.path, w.source.pointer);
        }
    }
}

/// Red Hat products a top-level parameter names (`minorVersion`, "Minor version of OpenShift
/// 3.11 to deploy"): every workload of the deployment deploys part of them, placed at the
/// value in effect (the parameters file's, else the `defaultValue`).
fn product_parameters(path: &str, doc: &Document, given: &ParamValues, workloads: &mut [Workload]) {
    let Some(declared) = doc.value.get("parameters").and_then(serde_json::Value::as_object) else { return };
    for (name, decl) in declared {
        let description = decl.pointer("/metadata/description").and_then(serde_json::Value::as_str);
        let at_default = format!("/parameters/{}/defaultValue", crate::document::escape_token(name));
        let (text, at) = match given.get(name) {
            Some(v) => match (v.as_str(), v.origin.as_ref()) {
                (Some(t), Some(origin)) => (t.to_owned(), origin.source.clone()),
                _ => continue,
            },
            None => match decl.get("defaultValue").and_then(serde_json::Value::as_str) {
                Some(t) => (t.to_owned(), crate::formats::source(path, &at_default)),
                None => continue,
            },
        };
        if let Some(product) = crate::formats::products::from_parameter(name, description, &text) {
            crate::formats::products::attach(workloads, &product, &at, &[]);
        }
    }
}
