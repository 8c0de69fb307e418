//! `Template`: one ARM template's scope — parameters (overrides, then passed or file
//! values, then `defaultValue`), lazily evaluated variables with cycle detection,
//! `copyIndex()` frames and nested deployments' outputs — and the evaluation of its
//! JSON nodes into [`Val`]s that remember where they came from.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::rc::{Rc, Weak};

use serde_json::Value;

use super::expr::{self, Context, EvalError};
use super::params::ParamValues;
use super::session::{Loaded, Session};
use super::value::{Kind, Origin, Val, source};
use crate::document::escape_token;
use crate::input_finding::InputFinding;

/// The base that stands in for `_artifactsLocation` while a linked template's URI
/// is evaluated, so that the relative path can be read off the result.
pub const ARTIFACTS_SENTINEL: &str = "entitle-artifacts://root/";

/// Where a template's parameter values come from.
#[derive(Clone)]
pub enum Params {
    /// A parameters file (or none) for the root template.
    Values(Rc<ParamValues>),
    /// `properties.parameters` of the deployment resource at `pointer` in `parent`.
    Passed { parent: Rc<Template>, pointer: String },
}

/// One `copyIndex()` frame.
struct CopyFrame {
    name: String,
    index: i64,
    resource: bool,
}

/// A template and its evaluation state.
pub struct Template {
    /// This template itself, for children that keep their parent alive.
    me: Weak<Template>,
    /// Shared evaluation state.
    pub session: Rc<Session>,
    /// The file this template is in.
    pub file: Rc<Loaded>,
    /// Pointer of the template's root object within the file.
    pub base: String,
    /// True for the template the user named (its parameters are the choices).
    pub is_root: bool,
    params: Params,
    overrides: Rc<BTreeMap<String, Val>>,
    sentinel: bool,
    memo: RefCell<HashMap<String, (Val, BTreeSet<String>)>>,
    in_progress: RefCell<Vec<String>>,
    copy: RefCell<Vec<CopyFrame>>,
    /// Nested deployments' outputs, by lower-case deployment name (see `outputs.rs`).
    pub(super) outputs: RefCell<HashMap<String, Val>>,
    /// Per section (`parameters`, `variables`), each lower-case name to the first key that spells it in some case,
    /// built on the first lookup that is not exact: a name in another case was a pass over the section.
    folded: RefCell<HashMap<String, HashMap<String, String>>>,
}

impl Template {
    /// A template at `base` in `file`.
    pub fn new(session: Rc<Session>, file: Rc<Loaded>, base: String, params: Params, is_root: bool) -> Rc<Template> {
        Self::build(session, file, base, params, is_root, Rc::new(BTreeMap::new()), false)
    }

    fn build(
        session: Rc<Session>,
        file: Rc<Loaded>,
        base: String,
        params: Params,
        is_root: bool,
        overrides: Rc<BTreeMap<String, Val>>,
        sentinel: bool,
    ) -> Rc<Template> {
        Rc::new_cyclic(|me| Template {
            me: me.clone(),
            session,
            file,
            base,
            is_root,
            params,
            overrides,
            sentinel,
            memo: RefCell::default(),
            in_progress: RefCell::default(),
            copy: RefCell::default(),
            outputs: RefCell::default(),
            folded: RefCell::default(),
        })
    }

    /// This template as an `Rc` (it always lives in one).
    pub fn rc(&self) -> Rc<Template> {
        self.me.upgrade().expect("a template lives in an Rc while it is used")
    }

    /// The same template with root parameters fixed to other values (a choice).
    pub fn with_overrides(&self, overrides: BTreeMap<String, Val>) -> Rc<Template> {
        Self::build(
            self.session.clone(),
            self.file.clone(),
            self.base.clone(),
            self.params.clone(),
            self.is_root,
            Rc::new(overrides),
            false,
        )
    }

    /// The same template where `_artifactsLocation*` parameters are the sentinel base
    /// (used only to read linked templates' relative paths; its memo is its own).
    pub fn with_sentinel(&self) -> Rc<Template> {
        let params = self.params.clone();
        Self::build(
            self.session.clone(),
            self.file.clone(),
            self.base.clone(),
            params,
            self.is_root,
            self.overrides.clone(),
            true,
        )
    }

    /// The JSON node at `pointer` (absolute within the file).
    pub fn node(&self, pointer: &str) -> Option<&Value> {
        self.file.doc.value.pointer(pointer)
    }

    /// An origin for the node at `pointer`.
    pub fn origin(&self, pointer: &str) -> Rc<Origin> {
        Rc::new(Origin { source: source(&self.file.display, pointer), via: None })
    }

    /// Evaluates a JSON node: expressions in strings, property-level `copy`, and
    /// members that evaluate to `null` through an expression (`json('null')`) removed.
    pub fn eval_node(&self, node: &Value, pointer: &str) -> Result<Val, EvalError> {
        match node {
            Value::String(s) if expr::is_expression(s) => {
                let value = expr::evaluate_str(s, self).map_err(|e| {
                    // Name the outermost expression only; inner ones are in the message already.
                    if e.0.contains("(in `") { e } else { EvalError(format!("{e} (in `{s}`)")) }
                })?;
                Ok(value.through(&self.origin(pointer)))
            }
            Value::String(s) => {
                let mut v = Val::from_json(node, &self.file.display, pointer);
                if let Some(rest) = s.strip_prefix("[[") {
                    v.kind = Kind::Str(format!("[{rest}"));
                }
                Ok(v)
            }
            Value::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    out.push(self.eval_node(item, &format!("{pointer}/{i}"))?);
                }
                Ok(Val { kind: Kind::Array(out.into()), origin: Some(self.origin(pointer)), partial: None })
            }
            Value::Object(map) => {
                let mut out = Vec::with_capacity(map.len());
                for (key, value) in map {
                    let at = format!("{pointer}/{}", escape_token(key));
                    if key.eq_ignore_ascii_case("copy") && is_property_copy(value) {
                        out.extend(self.property_copies(value, &at)?);
                        continue;
                    }
                    let v = self.eval_node(value, &at)?;
                    let removed = matches!(v.kind, Kind::Null) && value.is_string();
                    if !removed {
                        out.push((key.clone(), v));
                    }
                }
                Ok(Val { kind: Kind::Object(out.into()), origin: Some(self.origin(pointer)), partial: None })
            }
            _ => Ok(Val::from_json(node, &self.file.display, pointer)),
        }
    }

    /// Property-level (and variable-level) `copy`: `[{name, count, input}]` → arrays.
    fn property_copies(&self, value: &Value, pointer: &str) -> Result<Vec<(String, Val)>, EvalError> {
        let mut out = Vec::new();
        for (i, spec) in value.as_array().into_iter().flatten().enumerate() {
            let at = format!("{pointer}/{i}");
            let name = spec.get("name").and_then(Value::as_str).unwrap_or_default().to_owned();
            let count = self.eval_node(&spec["count"], &format!("{at}/count"))?;
            let items = match count.kind {
                Kind::Int(n) if (0..=800).contains(&n) => {
                    let mut items = Vec::new();
                    for index in 0..n {
                        self.copy.borrow_mut().push(CopyFrame { name: name.clone(), index, resource: false });
                        let item = self.eval_node(&spec["input"], &format!("{at}/input"));
                        self.copy.borrow_mut().pop();
                        items.push(item?);
                    }
                    Val { kind: Kind::Array(items.into()), origin: Some(self.origin(&at)), partial: None }
                }
                Kind::Int(n) => return Err(EvalError(format!("copy `{name}` count {n} is outside 0..800"))),
                Kind::Unknown(reason) => Val::unknown(format!("copy `{name}` count is unknown: {reason}")),
                _ => return Err(EvalError(format!("copy `{name}` count must be an integer"))),
            };
            out.push((name, items));
        }
        Ok(out)
    }

    /// Runs `f` with a resource-level `copyIndex()` of `index`.
    pub fn in_copy<T>(&self, name: &str, index: i64, f: impl FnOnce() -> T) -> T {
        self.copy.borrow_mut().push(CopyFrame { name: name.to_owned(), index, resource: true });
        let out = f();
        self.copy.borrow_mut().pop();
        out
    }

    /// The declaration of a parameter or variable, by case-insensitive name.
    fn declared<'a>(&'a self, section: &str, name: &str) -> Option<(&'a str, &'a Value)> {
        let map = self.node(&format!("{}/{section}", self.base))?.as_object()?;
        if let Some((k, v)) = map.get_key_value(name) {
            return Some((k.as_str(), v));
        }
        let mut folded = self.folded.borrow_mut();
        let keys = folded.entry(section.to_owned()).or_insert_with(|| {
            let mut keys = HashMap::with_capacity(map.len());
            for k in map.keys() {
                keys.entry(k.to_ascii_lowercase()).or_insert_with(|| k.clone());
            }
            keys
        });
        let key = keys.get(&name.to_ascii_lowercase())?;
        map.get_key_value(key).map(|(k, v)| (k.as_str(), v))
    }

    /// Memoised evaluation with dependency recording and cycle detection.
    fn memoised(&self, key: String, f: impl FnOnce() -> Result<Val, EvalError>) -> Result<Val, EvalError> {
        if let Some((value, deps)) = self.memo.borrow().get(&key) {
            self.session.record(deps.iter().cloned());
            return Ok(value.clone());
        }
        if self.in_progress.borrow().contains(&key) {
            let mut cycle: Vec<String> = self.in_progress.borrow().iter().skip_while(|k| **k != key).cloned().collect();
            cycle.push(key.clone());
            let names: Vec<&str> = cycle.iter().map(|k| k.split_once(':').map_or(k.as_str(), |(_, n)| n)).collect();
            return Err(EvalError(format!("variables form a cycle: {}", names.join(" → "))));
        }
        self.in_progress.borrow_mut().push(key.clone());
        self.session.push_deps();
        let result = f();
        let deps = self.session.pop_deps();
        self.in_progress.borrow_mut().pop();
        let value = result?;
        self.memo.borrow_mut().insert(key, (value.clone(), deps));
        Ok(value)
    }

    fn parameter_value(&self, lower: &str) -> Result<Val, EvalError> {
        let (name, decl) = self
            .declared("parameters", lower)
            .ok_or_else(|| EvalError(format!("parameter `{lower}` is not declared in the template")))?;
        let decl_at = format!("{}/parameters/{}", self.base, escape_token(name));
        let passed = match &self.params {
            Params::Values(values) => values
                .get(name)
                .cloned()
                .filter(|v| self.allowed(name, decl, v))
                .map(|v| v.through(&self.origin(&decl_at))),
            Params::Passed { parent, pointer } => passed_value(parent, pointer, name)?,
        };
        if let Some(value) = passed {
            return Ok(value);
        }
        if let Some(default) = decl.get("defaultValue") {
            return self.eval_node(default, &format!("{decl_at}/defaultValue"));
        }
        let allowed = decl.get("allowedValues").and_then(Value::as_array).map(|a| {
            let shown: Vec<String> =
                a.iter().map(|v| v.as_str().map(str::to_owned).unwrap_or_else(|| v.to_string())).collect();
            format!(" (allowed: {})", shown.join(", "))
        });
        let mut v = Val::unknown(format!("parameter {name} has no value{}", allowed.unwrap_or_default()));
        v.origin = Some(self.origin(&decl_at));
        Ok(v)
    }

    /// Whether a parameters-file value is one of the parameter's `allowedValues`. A
    /// value that is not is a problem (Azure rejects the deployment); the template's
    /// default is used instead, and the problem says so.
    fn allowed(&self, name: &str, decl: &Value, value: &Val) -> bool {
        let Some(allowed) = decl.get("allowedValues").and_then(Value::as_array) else { return true };
        let given = value.to_json();
        let same = |a: &Value| match (a, &given) {
            (Value::String(x), Value::String(y)) => x.eq_ignore_ascii_case(y),
            (x, y) => x == y,
        };
        if value.is_unknown() || allowed.iter().any(same) {
            return true;
        }
        let shown: Vec<String> =
            allowed.iter().map(|v| v.as_str().map(str::to_owned).unwrap_or_else(|| v.to_string())).collect();
        let fallback = match decl.get("defaultValue") {
            Some(d) => format!("the template is checked with its default {d} instead"),
            None => "the template is checked with the parameter unknown".to_owned(),
        };
        let at = match &value.origin {
            Some(o) => o.source.clone(),
            None => source(&self.file.display, ""),
        };
        let finding = InputFinding::param_not_allowed("Azure", name, &given.to_string(), &shown, &fallback, at);
        self.session.reject(finding);
        false
    }

    /// Root parameters with `allowedValues`: `(name as declared, values)` in
    /// declaration order.
    pub fn choices(&self) -> Vec<(String, Vec<Val>)> {
        let Some(Value::Object(map)) = self.node(&format!("{}/parameters", self.base)) else { return Vec::new() };
        map.iter()
            .filter_map(|(name, decl)| {
                let allowed = decl.get("allowedValues")?.as_array()?;
                let at = format!("{}/parameters/{}/allowedValues", self.base, escape_token(name));
                let values = allowed
                    .iter()
                    .enumerate()
                    .map(|(i, v)| Val::from_json(v, &self.file.display, &format!("{at}/{i}")));
                Some((name.clone(), values.collect()))
            })
            .collect()
    }
}

/// The value a parent deployment passes for `name` (`{"value": …}` or a Key Vault
/// `{"reference": …}`), evaluated in the parent's scope.
fn passed_value(parent: &Rc<Template>, pointer: &str, name: &str) -> Result<Option<Val>, EvalError> {
    let Some(Value::Object(map)) = parent.node(pointer) else { return Ok(None) };
    let Some((key, entry)) = map.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)) else { return Ok(None) };
    let at = format!("{pointer}/{}", escape_token(key));
    if let Some(value) = entry.get("value") {
        return parent.eval_node(value, &format!("{at}/value")).map(Some);
    }
    if entry.get("reference").is_some() {
        return Ok(Some(Val::unknown(format!("parameter {name} is a Key Vault reference, read at deployment"))));
    }
    Ok(None)
}

fn is_property_copy(value: &Value) -> bool {
    value.as_array().is_some_and(|a| a.iter().all(|s| s.get("name").is_some() && s.get("input").is_some()))
}

impl Context for Template {
    fn parameter(&self, name: &str) -> Result<Val, EvalError> {
        let lower = name.to_ascii_lowercase();
        if self.sentinel && lower.starts_with("_artifactslocation") {
            return Ok(Val::str(if lower == "_artifactslocation" { ARTIFACTS_SENTINEL } else { "" }));
        }
        if self.is_root {
            self.session.record([lower.clone()]);
        }
        if let Some(value) = self.overrides.get(&lower) {
            return Ok(value.clone());
        }
        self.memoised(format!("p:{lower}"), || self.parameter_value(&lower))
    }

    fn variable(&self, name: &str) -> Result<Val, EvalError> {
        let lower = name.to_ascii_lowercase();
        self.memoised(format!("v:{lower}"), || {
            if let Some((key, node)) =
                self.declared("variables", &lower).filter(|(k, _)| !k.eq_ignore_ascii_case("copy"))
            {
                return self.eval_node(node, &format!("{}/variables/{}", self.base, escape_token(key)));
            }
            let copies_at = format!("{}/variables/copy", self.base);
            if let Some(copies) = self.node(&copies_at).filter(|v| is_property_copy(v)) {
                let found = self.property_copies(copies, &copies_at)?;
                if let Some((_, v)) = found.into_iter().find(|(n, _)| n.eq_ignore_ascii_case(&lower)) {
                    return Ok(v);
                }
            }
            Err(EvalError(format!("variable `{name}` is not declared in the template")))
        })
    }

    fn copy_index(&self, loop_name: Option<&str>) -> Result<i64, EvalError> {
        let frames = self.copy.borrow();
        let frame = match loop_name {
            Some(n) => frames.iter().rev().find(|f| f.name.eq_ignore_ascii_case(n)),
            None => frames.iter().rev().find(|f| f.resource).or(frames.last()),
        };
        frame.map(|f| f.index).ok_or_else(|| match loop_name {
            Some(n) => EvalError(format!("copyIndex('{n}') is used outside the copy loop `{n}`")),
            None => EvalError("copyIndex() is used outside a copy loop".into()),
        })
    }

    fn reference(&self, target: &Val) -> Val {
        super::outputs::reference(self, target)
    }

    fn deployment(&self) -> Val {
        runtime_object("deployment()", &["name", "properties"])
    }

    fn resource_group(&self) -> Val {
        runtime_object("resourceGroup()", &["id", "name", "location", "type", "tags", "properties"])
    }

    fn subscription(&self) -> Val {
        runtime_object("subscription()", &["id", "subscriptionId", "tenantId", "displayName"])
    }
}

/// An object of values only known at deployment (`resourceGroup().location`, …).
fn runtime_object(function: &str, members: &[&str]) -> Val {
    let entries = members
        .iter()
        .map(|m| (m.to_string(), Val::unknown(format!("{function}.{m} is only known at deployment"))))
        .collect();
    Val::new(Kind::Object(entries))
}
