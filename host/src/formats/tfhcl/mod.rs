//! Terraform source (`.tf`, with `.tfvars`) read without a plan: a module is a directory of
//! `.tf` files (or one named file), evaluated with its variables (`--var`, `--var-file`,
//! `*.auto.tfvars`, `terraform.tfvars`, defaults), locals, resources, data sources and local
//! module calls. Resources become workloads through the plan front-end's own extraction
//! (`bridge.rs`), so both front-ends share one "resource type → workload" implementation; every
//! source points at the `.tf` line the value was written on, the references it travelled through
//! in the trail. Values that cannot be known here are unknown with the reason; a plan, when one
//! is at hand, is the more precise input.

mod bridge;
mod budget;
mod comments;
mod data;
mod default_tags;
mod eval;
mod files;
mod funcs;
mod json_syntax;
mod locals;
mod modules;
mod ops;
mod policy_document;
mod position;
mod reads;
mod resources;
mod strings;
mod strings_parts;
mod unfetched;
mod value;
mod vars;
mod vars_alone;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_hostile;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use entitle_sdk::{Catalog, Workload};

use self::data::Identity;
use self::eval::Eval;
use self::modules::Called;
use self::resources::Instance;
use self::value::Val;
use super::{Extracted, ReadOptions};
use crate::Error;

pub use self::comments::hcl_comments;
pub use self::files::{holds_sources, is_source};

/// True when `path` is read by this front-end: a directory holding `.tf` files, or a `.tf` file.
pub fn is_input(path: &Path) -> bool {
    if path.is_dir() { holds_sources(path) } else { is_source(path) }
}

/// True when `path` is a Terraform variables file (`.tfvars`, `.tfvars.json`).
pub fn is_vars(path: &Path) -> bool {
    let name = path.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    name.ends_with(".tfvars") || name.ends_with(".tfvars.json")
}

/// True for the variables files Terraform loads by itself from a module's directory.
pub fn is_auto_vars(path: &Path) -> bool {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    ["terraform.tfvars", "terraform.tfvars.json"].contains(&name.as_str())
        || name.ends_with(".auto.tfvars")
        || name.ends_with(".auto.tfvars.json")
}

/// Reads a variables file without its module (`vars_alone.rs`), on a thread with the
/// evaluator's stack.
pub fn load_vars_alone(display: &str, path: &Path, catalog: &Catalog) -> Result<Extracted, Error> {
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .stack_size(STACK)
            .spawn_scoped(scope, || vars_alone::read(display, path, catalog));
        match worker.map(|w| w.join()) {
            Ok(Ok(result)) => result,
            _ => {
                let why = "the Terraform variables file could not be evaluated (the evaluator stopped)".to_owned();
                Err(Error::new(crate::Phase::Model, crate::ErrorKind::Shape(why)).path(display))
            }
        }
    })
}

/// Stack for evaluating a module: expressions nest, and references inside them, up to the
/// evaluator's bound; a thread of its own keeps that off the caller's (smaller) stack.
const STACK: usize = 256 << 20;

/// Reads the module at `path` (shown as `display`) into workloads.
pub fn load(display: &str, path: &Path, catalog: &Catalog, options: &ReadOptions) -> Result<Extracted, Error> {
    std::thread::scope(|scope| {
        let worker =
            std::thread::Builder::new().stack_size(STACK).spawn_scoped(scope, || read(display, path, catalog, options));
        match worker.map(|w| w.join()) {
            Ok(Ok(result)) => result,
            _ => {
                let why = "the Terraform module could not be evaluated (the evaluator stopped)".to_owned();
                Err(Error::new(crate::Phase::Model, crate::ErrorKind::Shape(why)).path(display))
            }
        }
    })
}

/// [`load`] on the current thread.
fn read(display: &str, path: &Path, catalog: &Catalog, options: &ReadOptions) -> Result<Extracted, Error> {
    let module = files::load(path, display)?;
    let mut given = vars::Given { files: Vec::new(), pairs: options.vars.clone() };
    for file in &options.var_files {
        let shown = file.display().to_string();
        let text = std::fs::read_to_string(file)
            .map_err(|e| Error::new(crate::Phase::Parse, crate::ErrorKind::Io(e)).path(&shown))?;
        given.files.push(files::parse_vars(&shown, &text)?);
    }
    let values = vars::root_values(&module, &given);
    let mut out = Extracted::default();
    out.notes.extend(module.notes.iter().cloned());
    let declared: BTreeSet<&str> = module.blocks("variable").map(|(_, b)| files::label(b, 0)).collect();
    let undeclared: Vec<&str> = given
        .pairs
        .iter()
        .map(|(n, _)| n.as_str())
        .chain(given.files.iter().flat_map(|f| f.body.attributes().map(|a| a.key.as_str())))
        .filter(|n| !declared.contains(n))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let given_names: Vec<String> = given
        .pairs
        .iter()
        .map(|(n, _)| format!("--var {n}"))
        .chain(options.var_files.iter().map(|f| format!("--var-file {}", f.display())))
        .collect();
    if !given_names.is_empty() {
        out.notes.push(format!("variables given: {}", given_names.join(", ")));
    }
    if !undeclared.is_empty() {
        let more = if undeclared.len() > 8 { format!(" and {} more", undeclared.len() - 8) } else { String::new() };
        let shown = undeclared.iter().take(8).copied().collect::<Vec<_>>().join(", ");
        out.notes.push(format!(
            "variables given but not declared in {display} (still used where referred to): {shown}{more}"
        ));
    }
    let cx = Run { catalog, amis: options.amis.as_deref(), default_tags: Default::default() };
    let ev = Eval::new(&module, values, 0, String::new());
    cx.module(&ev, &mut out);
    out.errors.extend(ev.budget.take_problems());
    out.notes.sort();
    out.notes.dedup();
    Ok(out)
}

/// What every module evaluation needs.
struct Run<'c> {
    catalog: &'c Catalog,
    amis: Option<&'c crate::formats::amis::AmiCatalog>,
    /// The root module's AWS `default_tags`, inherited by every module it calls.
    default_tags: std::cell::RefCell<Option<Val>>,
}

impl Run<'_> {
    /// Evaluates one module instance (and the local modules it calls) into `out`.
    fn module(&self, ev: &Eval<'_>, out: &mut Extracted) {
        let module = ev.module;
        if ev.budget.stopped().is_some() {
            return;
        }
        // Terraform rejects a module with a cycle of locals even where nothing uses them.
        for name in ev.locals.keys() {
            ev.local(name);
        }
        let mut instances: Vec<Instance> = Vec::new();
        let mut gated = Vec::new();
        for (mode, ident) in [("managed", "resource"), ("data", "data")] {
            for (file, block) in module.blocks(ident) {
                let found = resources::instances(ev, file, block, mode);
                if found.is_empty() {
                    gated.push(format!(
                        "{}{}{}.{}",
                        ev.prefix,
                        if mode == "data" { "data." } else { "" },
                        files::label(block, 0),
                        files::label(block, 1)
                    ));
                }
                instances.extend(found);
            }
        }
        if !gated.is_empty() {
            out.notes.push(format!("count or for_each gives no instance, so not modelled: {}", gated.join(", ")));
        }
        if ev.depth == 0 {
            *self.default_tags.borrow_mut() = default_tags::of_root(ev);
        }
        if let Some(defaults) = self.default_tags.borrow().as_ref() {
            let aliased = |i: &Instance| {
                module.blocks("resource").any(|(_, b)| {
                    files::label(b, 0) == i.ty
                        && files::label(b, 1) == i.name
                        && b.body.get_attribute("provider").is_some()
                })
            };
            default_tags::apply(&mut instances, defaults, &aliased);
        }
        let (modelled, notes) = bridge::workloads(&instances, self.catalog, self.amis);
        out.notes.extend(notes);
        let mut used = BTreeSet::new();
        for m in modelled {
            let mut w = m.workload;
            let instance = &instances[m.instance];
            counted(&mut w, instance);
            let data = m.image.as_ref().and_then(|v| v.unknown_reason()).and_then(|u| u.from.clone());
            let source =
                data.as_ref().and_then(|d| instances.iter().find(|i| i.mode == "data" && bridge::address(i) == *d));
            if let (Some(data), Some(source)) = (&data, source)
                && let Some(id) = data::identity(source, self.catalog)
            {
                used.insert(plain(data));
                from_data(&mut w, data, &id, m.image.as_ref());
            }
            out.workloads.push(w);
        }
        for i in instances.iter().filter(|i| i.mode == "data") {
            let address = bridge::address(i);
            if used.contains(&plain(&address)) {
                continue;
            }
            if let Some(id) = data::identity(i, self.catalog) {
                out.workloads.push(image_workload(i, &address, &id));
            }
        }
        if out.workloads.len() > budget::MAX_WORKLOADS
            && let Some(last) = out.workloads.last()
        {
            let at = last.source.clone();
            ev.budget.stop(format!("more than {} workloads (the last: {})", budget::MAX_WORKLOADS, last.id), &at);
        }
        for (file, block) in module.blocks("module") {
            match modules::child(ev, file, block) {
                Ok(Called::Child(child)) => {
                    out.includes.push(child.module.dir.clone());
                    out.notes.extend(child.module.notes.iter().cloned());
                    if child.instances.is_empty() {
                        let call = format!("{}module.{}", ev.prefix, files::label(block, 0));
                        out.notes.push(format!("count or for_each gives no instance, so not modelled: {call}"));
                    }
                    for (_, prefix, vars) in child.instances {
                        if !ev.budget.module(&child.at, prefix.trim_end_matches('.')) {
                            break;
                        }
                        let first = out.workloads.len();
                        let inner = ev.child(&child.module, vars, prefix, child.dir.clone());
                        self.module(&inner, out);
                        if let Some((reason, at)) = &child.count_unknown {
                            for w in &mut out.workloads[first..] {
                                w.count = None;
                                w.unknown.insert(
                                    "count".into(),
                                    format!("{reason}: the module's resources are modelled as if it is called"),
                                );
                                w.provenance.insert("count".into(), at.clone());
                            }
                        }
                    }
                }
                Ok(Called::TooDeep) => {
                    out.notes.push(format!(
                        "{}module.{}: nested too deep to follow",
                        ev.prefix,
                        files::label(block, 0)
                    ));
                }
                Ok(Called::NotLocal) => out.workloads.push(unfetched::workload(ev, file, block, self.catalog)),
                Ok(Called::Outside(note)) => out.notes.push(note),
                Ok(Called::Stopped) => {}
                Err(e) => ev.budget.problem(e),
            }
        }
    }
}

/// An address without its instance key.
fn plain(address: &str) -> String {
    address.split('[').next().unwrap_or(address).to_owned()
}

/// A workload whose instance count is not known says why.
fn counted(w: &mut Workload, i: &Instance) {
    if let Some(n) = i.count.filter(|n| *n > 1) {
        w.count = Some(n);
        w.evidence.push(format!("count = {n}: the instances are modelled as one workload"));
    }
    if let Some((reason, at)) = &i.count_unknown {
        w.count = None;
        w.unknown.insert("count".into(), reason.clone());
        w.provenance.insert("count".into(), at.clone());
    }
}

/// Fields a data source's identity replaces.
const FROM_IMAGE: [&str; 9] = [
    "image",
    "image.reference",
    "os.vendor",
    "os.product",
    "os.major",
    "os.minor",
    "os.stream",
    "billing.model",
    "addons",
];

/// A workload whose image attribute refers to an image data source takes the identity the data
/// source's arguments give; the image id itself stays unknown.
fn from_data(w: &mut Workload, data: &str, id: &Identity, image: Option<&Val>) {
    for field in FROM_IMAGE {
        w.unknown.remove(field);
    }
    let attribute = w.provenance.get("image").cloned();
    let mut trail: Vec<_> = image.map(|v| v.via.clone()).unwrap_or_default();
    trail.extend(attribute);
    trail.extend(id.trail.iter().cloned());
    trail.dedup();
    w.evidence.push(format!("the image is {data}, read only at apply (no plan here): it selects {}", id.selects));
    w.image.reference = Some(id.reference.clone());
    crate::formats::apply_classification_at(w, id.found.clone(), &id.at, &trail);
    owned_at(w, id);
}

/// The owner a data source names points at its `owners` literal.
fn owned_at(w: &mut Workload, id: &Identity) {
    if let (Some(_), Some(at)) = (&w.image.owner, &id.owner_at) {
        w.provenance.insert("image.owner".into(), at.clone());
    }
}

/// An image data source no modelled resource in the module uses: a workload of kind `image`.
fn image_workload(i: &Instance, address: &str, id: &Identity) -> Workload {
    let mut w = Workload {
        id: address.to_owned(),
        kind: "image".into(),
        provider: data::provider(&i.ty).into(),
        resource: address.to_owned(),
        source: i.at.clone(),
        count: None,
        ..Workload::default()
    };
    w.evidence.push(format!(
        "{address} selects an image ({}); no resource in this module uses it, so it is modelled as an image",
        id.selects
    ));
    let reason = match &i.count_unknown {
        Some((reason, _)) => format!("an image runs no instance itself; {reason}"),
        None => "an image runs no instance itself: its instances are counted where it is used".into(),
    };
    w.unknown.insert("count".into(), reason);
    w.provenance.insert("count".into(), i.count_unknown.as_ref().map_or_else(|| i.at.clone(), |(_, at)| at.clone()));
    w.image.reference = Some(id.reference.clone());
    w.provenance.insert("image".into(), id.at.clone());
    crate::formats::apply_classification_at(&mut w, id.found.clone(), &id.at, &id.trail);
    owned_at(&mut w, id);
    w
}

/// The directories of modules a walk met: a directory holding `.tf` files is one input.
pub fn module_dir(file: &Path) -> Option<PathBuf> {
    is_source(file).then(|| file.parent().map(Path::to_path_buf)).flatten()
}
