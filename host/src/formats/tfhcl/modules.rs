//! Module calls. A local module (`source = "./…"` or `"../…"`) is read and evaluated with the
//! call's arguments as its variables; its outputs answer `module.NAME.OUTPUT`. A registry or git
//! module is not fetched: its outputs are unknown, and the call itself is reported (see
//! `unfetched.rs`) with the image-like inputs it passes.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use entitle_sdk::model::Source;
use hcl_edit::Span;
use hcl_edit::structure::Block;

use super::eval::{Eval, Scope};
use super::files::{self, File, Module, label};
use super::position::join;
use super::value::{Kind, Val};
use super::vars::child_values;
use crate::Error;

/// How deep module calls are followed.
const MAX_DEPTH: usize = 8;

/// How many instances of a module call are evaluated.
const MAX_INSTANCES: u64 = 64;

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

/// What a module call leads to.
pub enum Called {
    /// A local module, read.
    Child(Box<Child>),
    /// A registry or git module: not fetched.
    NotLocal,
    /// A local module nested deeper than calls are followed.
    TooDeep,
    /// A local module outside the input's directory: not read (the located note says so).
    Outside(String),
    /// The input's evaluation budget is spent.
    Stopped,
}

/// A called local module, read, with each instance's variables.
pub struct Child {
    /// The module's files.
    pub module: Module,
    /// Its directory, symlinks resolved.
    pub dir: PathBuf,
    /// Where the call is (its `source`).
    pub at: Source,
    /// Per instance (`count` / `for_each`): its key, address prefix (`module.app[0].`) and variables.
    pub instances: Vec<(Option<serde_json::Value>, String, BTreeMap<String, Val>)>,
    /// Why the number of instances is not known, and where it is set.
    pub count_unknown: Option<(String, Source)>,
    /// The call has `for_each` (outputs are keyed) or `count` (outputs are a list).
    pub expanded: Option<&'static str>,
}

/// Reads the local module a call names, with the call's arguments evaluated in `ev` for each of
/// its instances. A call back into a module being evaluated (a cycle, which Terraform cannot
/// load either) is an error at the call's `source`, naming the chain of calls.
pub fn child(ev: &Eval<'_>, file: &File, block: &Block) -> Result<Called, Error> {
    let Some(source) = source_of(block) else { return Ok(Called::NotLocal) };
    let Some(rel) = local_source(&source) else { return Ok(Called::NotLocal) };
    if ev.budget.stopped().is_some() {
        return Ok(Called::Stopped);
    }
    if ev.depth >= MAX_DEPTH {
        return Ok(Called::TooDeep);
    }
    let name = label(block, 0);
    let ptr = join("/module", name);
    let span = block.body.get_attribute("source").and_then(|a| a.value.span()).or_else(|| block.span());
    let at = file.text.source(&join(&ptr, "source"), span);
    let dir = normalize(&ev.module.dir.join(rel));
    let display = normalize(&Path::new(&ev.module.display_dir()).join(rel)).display().to_string();
    let real = dir.canonicalize().unwrap_or_else(|_| dir.clone());
    if let Some(root) = &ev.budget.root
        && !real.starts_with(root)
    {
        let line = at.line.unwrap_or_default();
        return Ok(Called::Outside(format!(
            "{}:{line}: {}module.{name}: not read: {source:?} is outside the input's directory",
            at.path, ev.prefix
        )));
    }
    if let Some(first) = ev.chain.iter().position(|(d, _)| *d == real) {
        let mut calls: Vec<String> = ev.chain[first..].iter().map(|(_, a)| without_keys(a)).collect();
        calls.push(without_keys(&format!("{}module.{name}", ev.prefix)));
        let why = format!(
            "module call cycle: {} is {display} again (source = {source:?}); Terraform cannot load a \
             module that calls itself, so it is not followed",
            calls.join(" → "),
        );
        return Err(super::budget::located(why, &at));
    }
    let module = files::load(&dir, &display)?;
    let (keys, count_unknown, expanded) = expansions(ev, file, block, &ptr);
    let mut instances = Vec::new();
    for (key, scope) in keys {
        let mut inputs = BTreeMap::new();
        for attr in block.body.attributes() {
            let arg = attr.key.as_str();
            if !META.contains(&arg) {
                inputs.insert(arg.to_owned(), ev.eval(file, &attr.value, &join(&ptr, arg), &scope));
            }
        }
        let index = match &key {
            Some(serde_json::Value::String(k)) => format!("[{k:?}]"),
            Some(n) => format!("[{n}]"),
            None => String::new(),
        };
        instances.push((key, format!("{}module.{name}{index}.", ev.prefix), child_values(&module, inputs)));
    }
    Ok(Called::Child(Box::new(Child { module, dir: real, at, instances, count_unknown, expanded })))
}

/// The instances of a module call: key and scope each, why their number is not known, and
/// whether the call uses `count` or `for_each`.
#[allow(clippy::type_complexity)]
fn expansions(
    ev: &Eval<'_>,
    file: &File,
    block: &Block,
    ptr: &str,
) -> (Vec<(Option<serde_json::Value>, Scope)>, Option<(String, Source)>, Option<&'static str>) {
    let root = Scope::default();
    let unknown = |what: &str, attr: &hcl_edit::structure::Attribute, v: &Val| {
        let why = v.unknown_reason().map_or_else(|| format!("it is a {}", v.type_name()), |u| u.reason.clone());
        let reason = format!("{what} = {} of the module call is not known ({why})", ev.text(file, &attr.value));
        (reason, file.text.source(&join(ptr, what), attr.value.span()))
    };
    if let Some(attr) = block.body.get_attribute("count") {
        let n = ev.eval(file, &attr.value, &join(ptr, "count"), &root);
        return match n.as_number().filter(|n| *n >= 0.0 && n.fract() == 0.0) {
            Some(n) => {
                let keys = (0..(n as u64).min(MAX_INSTANCES)).map(|i| {
                    let index = BTreeMap::from([("index".to_owned(), Val::new(Kind::Num(i as f64), None))]);
                    (Some(i.into()), root.with("count", Val::new(Kind::map(index), None)))
                });
                (keys.collect(), None, Some("count"))
            }
            None => {
                let index =
                    BTreeMap::from([("index".to_owned(), Val::unknown("count.index: the count is not known", None))]);
                (
                    vec![(None, root.with("count", Val::new(Kind::map(index), None)))],
                    Some(unknown("count", attr, &n)),
                    Some("count"),
                )
            }
        };
    }
    if let Some(attr) = block.body.get_attribute("for_each") {
        let each = ev.eval(file, &attr.value, &join(ptr, "for_each"), &root);
        let pairs = each.for_each_pairs();
        return match pairs {
            Some(pairs) => {
                let keys = pairs.into_iter().take(MAX_INSTANCES as usize).map(|(k, v)| {
                    let object =
                        BTreeMap::from([("key".to_owned(), Val::str(k.clone(), None)), ("value".to_owned(), v)]);
                    (Some(serde_json::Value::String(k)), root.with("each", Val::new(Kind::map(object), None)))
                });
                (keys.collect(), None, Some("for_each"))
            }
            None => {
                let scope = root.with("each", Val::unknown("each: the for_each collection is not known", None));
                (vec![(None, scope)], Some(unknown("for_each", attr, &each)), Some("for_each"))
            }
        };
    }
    (vec![(None, root)], None, None)
}

/// `module.NAME`: the outputs of a local module call, or an unknown saying why not.
pub fn outputs(ev: &Eval<'_>, name: &str, at: Option<Source>) -> Val {
    let Some((file, block)) = ev.module.blocks("module").find(|(_, b)| label(b, 0) == name) else {
        return Val::unknown(format!("module.{name} is not called in this module"), at);
    };
    let source = source_of(block).unwrap_or_default();
    let child = match child(ev, file, block) {
        Ok(Called::Child(child)) => child,
        Ok(Called::TooDeep) => return Val::unknown(format!("module.{name} is nested too deep to follow"), at),
        Ok(Called::NotLocal) => {
            return Val::unknown(format!("module.{name} ({source}) is not fetched: its outputs are not known"), at);
        }
        Ok(Called::Outside(_)) => {
            return Val::unknown(format!("module.{name}: not read: {source:?} is outside the input's directory"), at);
        }
        Ok(Called::Stopped) => return ev.spent(at),
        Err(e) => {
            let v = Val::unknown(format!("module.{name} ({source}) could not be read: {}", e.message()), at);
            ev.budget.problem(e);
            return v;
        }
    };
    if let Some((reason, _)) = &child.count_unknown {
        return Val::unknown(format!("module.{name}: {reason}"), at);
    }
    let mut each = Vec::new();
    for (key, prefix, vars) in &child.instances {
        if !ev.budget.module(&child.at, prefix.trim_end_matches('.')) {
            return ev.spent(at);
        }
        let inner = ev.child(&child.module, vars.clone(), prefix.clone(), child.dir.clone());
        let mut map = BTreeMap::new();
        for (f, b) in child.module.blocks("output") {
            let out = label(b, 0);
            if let Some(attr) = b.body.get_attribute("value") {
                let v = inner.eval(f, &attr.value, &join(&join("/output", out), "value"), &Scope::default());
                map.insert(out.to_owned(), v);
            }
        }
        each.push((key.clone(), Val::new(Kind::map(map), at.clone())));
    }
    match child.expanded {
        Some("count") => Val::new(Kind::list(each.into_iter().map(|(_, v)| v).collect()), at),
        Some(_) => {
            let keyed =
                each.into_iter().map(|(k, v)| (k.and_then(|k| k.as_str().map(str::to_owned)).unwrap_or_default(), v));
            Val::new(Kind::map(keyed.collect()), at)
        }
        None => each.pop().map(|(_, v)| v).unwrap_or_else(|| Val::new(Kind::Null, at)),
    }
}

/// A module address without its instance keys (`module.a[3].module.b` → `module.a.module.b`):
/// every instance of a call meets the same cycle.
fn without_keys(address: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in address.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
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
