//! Module calls. A local module (`source = "./…"` or `"../…"`) is read and evaluated with the
//! call's arguments as its variables; its outputs answer `module.NAME.OUTPUT`. A registry or git
//! module is not fetched: its outputs are unknown, and the call itself is reported (see
//! `unfetched.rs`) with the image-like inputs it passes.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use entitle_sdk::model::Source;
use hcl_edit::structure::Block;

use super::eval::{Eval, Scope};
use super::files::{self, File, Module, label};
use super::position::join;
use super::value::{Kind, Val};
use super::vars::child_values;
use crate::Error;

/// How deep module calls are followed.
const MAX_DEPTH: usize = 8;

/// Arguments of a module block that configure Terraform, not the module's variables.
const META: &[&str] = &["source", "version", "count", "for_each", "providers", "depends_on"];

/// The local directory a module source names, when it is a local path.
pub fn local_source(source: &str) -> Option<&str> {
    (source.starts_with("./") || source.starts_with("../") || source == "." || source == "..").then_some(source)
}

/// The `source` of a module block, when literal.
pub fn source_of(block: &Block) -> Option<String> {
    block.body.get_attribute("source").and_then(|a| a.value.as_str()).map(str::to_owned)
}

/// A called local module, read, with its variables' values.
pub struct Child {
    /// The module's files.
    pub module: Module,
    /// Its variables.
    pub vars: BTreeMap<String, Val>,
    /// Its address prefix (`module.app.`).
    pub prefix: String,
}

/// Reads the local module a call names, with the call's arguments evaluated in `ev`.
/// `Ok(None)` for a module that is not local or is too deep.
pub fn child(ev: &Eval<'_>, file: &File, block: &Block) -> Result<Option<Child>, Error> {
    let Some(source) = source_of(block) else { return Ok(None) };
    let Some(rel) = local_source(&source) else { return Ok(None) };
    if ev.depth >= MAX_DEPTH {
        return Ok(None);
    }
    let name = label(block, 0);
    let dir = normalize(&ev.module.dir.join(rel));
    let display = normalize(&Path::new(&ev.module.display_dir()).join(rel)).display().to_string();
    let module = files::load(&dir, &display)?;
    let ptr = join("/module", name);
    let scope = Scope::default().with("count", Val::unknown("count.index of a module call is not expanded", None));
    let scope = scope.with("each", Val::unknown("each of a module call is not expanded", None));
    let mut inputs = BTreeMap::new();
    for attr in block.body.attributes() {
        let key = attr.key.as_str();
        if !META.contains(&key) {
            inputs.insert(key.to_owned(), ev.eval(file, &attr.value, &join(&ptr, key), &scope));
        }
    }
    let vars = child_values(&module, inputs);
    Ok(Some(Child { module, vars, prefix: format!("{}module.{name}.", ev.prefix) }))
}

/// `module.NAME`: the outputs of a local module call, or an unknown saying why not.
pub fn outputs(ev: &Eval<'_>, name: &str, at: Option<Source>) -> Val {
    let Some((file, block)) = ev.module.blocks("module").find(|(_, b)| label(b, 0) == name) else {
        return Val::unknown(format!("module.{name} is not called in this module"), at);
    };
    let source = source_of(block).unwrap_or_default();
    let child = match child(ev, file, block) {
        Ok(Some(child)) => child,
        Ok(None) if local_source(&source).is_some() => {
            return Val::unknown(format!("module.{name} is nested too deep to follow"), at);
        }
        Ok(None) => {
            return Val::unknown(format!("module.{name} ({source}) is not fetched: its outputs are not known"), at);
        }
        Err(e) => return Val::unknown(format!("module.{name} ({source}) could not be read: {e}"), at),
    };
    let inner = Eval::new(&child.module, child.vars.clone(), ev.depth + 1, child.prefix.clone());
    let mut map = BTreeMap::new();
    for (f, b) in child.module.blocks("output") {
        let out = label(b, 0);
        if let Some(attr) = b.body.get_attribute("value") {
            let v = inner.eval(f, &attr.value, &join(&join("/output", out), "value"), &Scope::default());
            map.insert(out.to_owned(), v);
        }
    }
    Val::new(Kind::Map(map), at)
}

/// `a/./b/../c` → `a/c`, lexically (paths stay as the user wrote them).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.components().next_back(), Some(Component::Normal(_))) => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

impl Module {
    /// The module's directory as shown (the display itself for a directory input).
    pub fn display_dir(&self) -> String {
        if self.display.ends_with(".tf") || self.display.ends_with(".tf.json") {
            Path::new(&self.display).parent().map(|p| p.display().to_string()).unwrap_or_default()
        } else {
            self.display.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_and_paths() {
        assert_eq!(local_source("./modules/vm"), Some("./modules/vm"));
        assert_eq!(local_source("terraform-google-modules/sap/google//modules/sap_hana_ha"), None);
        assert_eq!(local_source("git::https://example.com/m.git"), None);
        assert_eq!(normalize(Path::new("a/./b/../c")), PathBuf::from("a/c"));
        assert_eq!(normalize(Path::new("../x")), PathBuf::from("../x"));
    }
}
