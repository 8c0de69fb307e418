//! A Bicep file compiled to the ARM template it stands for (as `bicep build` would),
//! with every JSON node placed at the Bicep text it came from: the ARM front-end then
//! evaluates it — parameters and their choices, copy loops, conditions, nested
//! deployments for modules, outputs — and every location it reports is a Bicep line.

use std::collections::HashMap;
use std::path::Path;

use serde_json::{Map, Value, json};

use super::expr::quote;
use super::syntax::{Decl, Expr, Member, Resource};
use crate::confined::Root;
use crate::document::{Document, Position, escape_token};

/// A bound on the expressions compiled for one file (inlined functions and loops over
/// many properties multiply them).
pub const MAX_WORK: usize = 2_000_000;

/// The most items of a loop that is unrolled.
const MAX_UNROLLED: usize = 64;

/// The API version given to module deployments.
pub(super) const DEPLOYMENTS_API: &str = "2022-09-01";

/// The file being compiled.
pub struct FileCtx<'a> {
    /// On disk.
    pub fs_path: &'a Path,
    /// The tree files may be loaded from.
    pub root: Option<&'a Root>,
}

/// What a name stands for.
#[derive(Clone, Debug)]
pub enum Sym {
    /// A parameter.
    Param,
    /// A variable (in a parameters file, parameters too).
    Var,
    /// A resource: its full type, API version and the ARM text of its name.
    Resource { ty: String, api: String, name: String },
    /// A module: the ARM text of its deployment's name.
    Module { name: String },
    /// A user-defined function.
    Func { params: Vec<String>, body: Expr },
}

/// The parent of a child resource.
#[derive(Clone)]
pub(super) struct ParentCtx {
    pub(super) ty: String,
    pub(super) api: String,
    pub(super) name: String,
}

/// A compiled file.
pub struct Compiled {
    /// The ARM template (or, for a parameters file, its values as variables).
    pub doc: Document,
    /// Errors in parts of the file, at their positions (the rest is compiled).
    pub problems: Vec<(Position, String)>,
    /// `using '…'` of a parameters file.
    pub using: Option<(String, Position)>,
    /// The names a parameters file gives values to, with where.
    pub params: Vec<(String, Position)>,
}

/// The compiler's state.
pub struct Compiler<'a> {
    /// The file.
    pub file: FileCtx<'a>,
    /// Loop items and function parameters in scope: name → ARM text.
    pub scope: Vec<(String, String)>,
    /// Expressions compiled so far.
    pub work: usize,
    /// Depth of user-defined function inlining.
    pub inlining: usize,
    syms: HashMap<String, Sym>,
    /// Variables that are array literals, by name: their lengths.
    arrays: HashMap<String, usize>,
    /// The loop being unrolled and the instance being compiled.
    pub(super) unrolled: Option<(String, usize)>,
    variables: Map<String, Value>,
    pub(super) positions: Vec<(String, Position)>,
    problems: Vec<(Position, String)>,
}

/// Compiles a parsed file (`params_file`: a `.bicepparam` file).
pub fn compile(decls: &[Decl], file: FileCtx<'_>, params_file: bool) -> Compiled {
    let mut c = Compiler {
        file,
        scope: Vec::new(),
        work: 0,
        inlining: 0,
        syms: HashMap::new(),
        arrays: HashMap::new(),
        unrolled: None,
        variables: Map::new(),
        positions: vec![(String::new(), Position { line: 1, column: 1 })],
        problems: Vec::new(),
    };
    c.declare(decls, params_file);
    let mut parameters = Map::new();
    let mut resources = Vec::new();
    let mut outputs = Map::new();
    let (mut using, mut given) = (None, Vec::new());
    for decl in decls {
        match decl {
            Decl::Param { name, default: Some(value), at, .. } if params_file => {
                let v = c.value(value, &format!("/variables/{}", escape_token(name)));
                c.variables.insert(name.clone(), v);
                given.push((name.clone(), *at));
            }
            Decl::Param { .. } => {
                if let Some((name, p)) = c.param(decl) {
                    parameters.insert(name, p);
                }
            }
            Decl::Var { name, value, .. } => {
                let at = format!("/variables/{}", escape_token(name));
                if let Expr::For { .. } = value {
                    let entry = c.copy_entry(name, value, "/variables/copy", "input");
                    c.variables.entry("copy").or_insert_with(|| Value::Array(Vec::new()));
                    if let Some(Value::Array(list)) = c.variables.get_mut("copy") {
                        list.push(entry);
                    }
                } else {
                    let v = c.value(value, &at);
                    c.variables.insert(name.clone(), v);
                }
            }
            Decl::Resource(r) => c.resource(r, None, &mut resources),
            Decl::Module { name, path, path_at, body, at } => {
                for instance in c.instances(body) {
                    c.unrolled = instance.map(|k| (name.clone(), k));
                    let i = resources.len();
                    let m = c.module(name, path, *path_at, body, *at, i);
                    resources.push(m);
                }
                c.unrolled = None;
            }
            Decl::Output { name, value, at } => {
                let ptr = format!("/outputs/{}", escape_token(name));
                c.positions.push((ptr.clone(), *at));
                let v = match value {
                    Expr::For { .. } => {
                        Value::String(format!("[{}]", c.unknown(value, "output loops are not evaluated")))
                    }
                    _ => c.value(value, &format!("{ptr}/value")),
                };
                outputs.insert(name.clone(), json!({"type": "object", "value": v}));
            }
            Decl::Using { path, at } => using = Some((path.clone(), *at)),
            Decl::TargetScope(_) | Decl::Func { .. } | Decl::Other => {}
        }
    }
    let mut root = Map::new();
    root.insert(
        "$schema".into(),
        json!("https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"),
    );
    root.insert("contentVersion".into(), json!("1.0.0.0"));
    root.insert("parameters".into(), Value::Object(parameters));
    root.insert("variables".into(), Value::Object(std::mem::take(&mut c.variables)));
    root.insert("resources".into(), Value::Array(resources));
    root.insert("outputs".into(), Value::Object(outputs));
    let mut problems = std::mem::take(&mut c.problems);
    problems.sort();
    problems.dedup();
    for (i, (at, _)) in problems.iter().enumerate() {
        c.positions.push((problem_pointer(i), *at));
    }
    Compiled { doc: Document::with_positions(Value::Object(root), c.positions), problems, using, params: given }
}

impl Compiler<'_> {
    /// What `name` stands for.
    pub fn symbol(&self, name: &str) -> Option<Sym> {
        self.syms.get(name).cloned()
    }

    /// Records an error at `at`.
    pub fn problem(&mut self, at: Position, message: String) {
        self.problems.push((at, message));
    }

    /// Declares every top-level name (Bicep declarations may be used before they are
    /// written), then works out resources' and modules' names (twice, so that a child
    /// declared before its `parent:` still gets the parent's name).
    fn declare(&mut self, decls: &[Decl], params_file: bool) {
        for decl in decls {
            match decl {
                Decl::Param { name, .. } => {
                    self.syms.insert(name.clone(), if params_file { Sym::Var } else { Sym::Param });
                }
                Decl::Var { name, value, .. } => {
                    self.syms.insert(name.clone(), Sym::Var);
                    if let Expr::Array(items, _) = value {
                        self.arrays.insert(name.clone(), items.len());
                    }
                }
                Decl::Func { name, params, body, .. } => {
                    self.syms.insert(name.clone(), Sym::Func { params: params.clone(), body: body.clone() });
                }
                _ => {}
            }
        }
        for _ in 0..2 {
            for decl in decls {
                match decl {
                    Decl::Resource(r) => self.name_resource(r, None),
                    Decl::Module { name, body, .. } => {
                        let text = match inner_body(body).0.property("name") {
                            Some(e) => self.looped(body, name, |c| c.arm(e)),
                            None => quote(name),
                        };
                        self.syms.insert(name.clone(), Sym::Module { name: text });
                    }
                    _ => {}
                }
            }
        }
    }

    fn name_resource(&mut self, r: &Resource, parent: Option<&ParentCtx>) {
        let (ty, api) = full_type(&r.ty, parent);
        let body = inner_body(&r.body).0;
        let own = match body.property("name") {
            Some(e) => self.looped(&r.body, &r.name, |c| c.arm(e)),
            None => quote(&r.name),
        };
        let parent = match body.property("parent") {
            Some(Expr::Ident(p, _)) => match self.symbol(p) {
                Some(Sym::Resource { ty, api, name }) => Some(ParentCtx { ty, api, name }),
                _ => parent.cloned(),
            },
            _ => parent.cloned(),
        };
        let name = match &parent {
            Some(p) => format!("format('{{0}}/{{1}}', {}, {own})", p.name),
            None => own,
        };
        self.syms.insert(r.name.clone(), Sym::Resource { ty: ty.clone(), api: api.clone(), name: name.clone() });
        let me = ParentCtx { ty, api, name };
        for m in members(body) {
            if let Member::Resource(child) = m {
                self.name_resource(child, Some(&me));
            }
        }
    }

    /// Runs `f` with the loop item of `body` (when it is a loop) bound to copy `name`.
    pub(super) fn looped<T>(&mut self, body: &Expr, name: &str, f: impl FnOnce(&mut Self) -> T) -> T {
        let Expr::For { item, index, source, .. } = body else { return f(self) };
        let bound = self.bindings(item, index.as_deref(), source, name);
        let depth = self.scope.len();
        self.scope.extend(bound);
        let out = f(self);
        self.scope.truncate(depth);
        out
    }

    /// The instances a resource or module loop is compiled as: a loop over an array
    /// written in the file (a literal, or a variable that is one) of at most
    /// [`MAX_UNROLLED`] items is unrolled, one resource per item, since its items differ
    /// (the ARM evaluator models a `copy` by its first instance); any other loop is one
    /// `copy`, and a resource without a loop one instance.
    pub(super) fn instances(&self, body: &Expr) -> Vec<Option<usize>> {
        let Expr::For { source, .. } = body else { return vec![None] };
        let n = match &**source {
            Expr::Array(items, _) => Some(items.len()),
            Expr::Ident(name, _) if self.scope.iter().all(|(n, _)| n != name) => self.arrays.get(name).copied(),
            _ => None,
        };
        match n {
            Some(n) if n <= MAX_UNROLLED => (0..n).map(Some).collect(),
            _ => vec![None],
        }
    }

    /// What a loop's item and index stand for inside copy loop `name` (or in the
    /// instance of it being unrolled).
    fn bindings(&mut self, item: &str, index: Option<&str>, source: &Expr, name: &str) -> Vec<(String, String)> {
        let i = match &self.unrolled {
            Some((n, k)) if n == name => k.to_string(),
            _ => format!("copyIndex({})", quote(name)),
        };
        let item_text = match range_of(source) {
            Some((start, _)) => format!("add({}, {i})", self.arm(start)),
            None => format!("{}[{i}]", self.arm(source)),
        };
        let mut out = vec![(item.to_owned(), item_text)];
        if let Some(index) = index {
            out.push((index.to_owned(), i));
        }
        out
    }

    /// A `copy` entry (`{name, count, <body_key>}`) for a loop, placed at `ptr`.
    fn copy_entry(&mut self, name: &str, e: &Expr, list_ptr: &str, body_key: &str) -> Value {
        let Expr::For { item, index, source, body, at } = e else { return Value::Null };
        let n = self.copy_count(list_ptr);
        let ptr = format!("{list_ptr}/{n}");
        self.positions.push((ptr.clone(), *at));
        let count = self.count(source, &format!("{ptr}/count"));
        let bound = self.bindings(item, index.as_deref(), source, name);
        let depth = self.scope.len();
        self.scope.extend(bound);
        let input = self.value(body, &format!("{ptr}/{body_key}"));
        self.scope.truncate(depth);
        json!({"name": name, "count": count, body_key: input})
    }

    fn copy_count(&self, list_ptr: &str) -> usize {
        let prefix = format!("{list_ptr}/");
        self.positions.iter().filter_map(|(p, _)| p.strip_prefix(&prefix)).filter(|rest| !rest.contains('/')).count()
    }

    /// A loop's count: `range(start, n)` counts `n` (placed at `n`), anything else its length.
    pub(super) fn count(&mut self, source: &Expr, ptr: &str) -> Value {
        match range_of(source) {
            Some((_, n)) => self.value(n, ptr),
            None => {
                self.positions.push((ptr.to_owned(), source.at()));
                Value::String(format!("[length({})]", self.arm(source)))
            }
        }
    }

    /// A value at `ptr` of the compiled template, placed at `e`: literals stay JSON
    /// literals, objects and arrays stay JSON (their members placed one by one), loops
    /// in a property become property copies, anything else an expression string.
    pub fn value(&mut self, e: &Expr, ptr: &str) -> Value {
        self.positions.push((ptr.to_owned(), e.at()));
        match e {
            Expr::Str(..) if e.plain_str().is_some() => {
                let text = e.plain_str().unwrap_or_default();
                Value::String(if text.starts_with('[') { format!("[{text}") } else { text.to_owned() })
            }
            Expr::Int(i, _) => json!(i),
            Expr::Bool(b, _) => json!(b),
            Expr::Null(_) => Value::Null,
            Expr::Object(members, _) => {
                let mut out = Map::new();
                for m in members {
                    let Member::Prop { key, value, .. } = m else { continue };
                    if let Expr::For { .. } = value {
                        let entry = self.copy_entry(key, value, &format!("{ptr}/copy"), "input");
                        if let Value::Array(list) = out.entry("copy").or_insert_with(|| Value::Array(Vec::new())) {
                            list.push(entry);
                        }
                        continue;
                    }
                    let v = self.value(value, &format!("{ptr}/{}", escape_token(key)));
                    out.insert(key.clone(), v);
                }
                Value::Object(out)
            }
            Expr::Array(items, _) => Value::Array(
                items.iter().enumerate().map(|(i, item)| self.value(item, &format!("{ptr}/{i}"))).collect(),
            ),
            _ => Value::String(format!("[{}]", self.arm(e))),
        }
    }

    /// A hoisted literal's variable.
    pub fn set_variable(&mut self, name: &str, value: Value) {
        self.variables.insert(name.to_owned(), value);
    }

    /// A template parameter: type, default, and what the decorators say.
    fn param(&mut self, decl: &Decl) -> Option<(String, Value)> {
        let Decl::Param { name, decorators, ty, default, at } = decl else { return None };
        let ptr = format!("/parameters/{}", escape_token(name));
        self.positions.push((ptr.clone(), *at));
        let secure = decorators.iter().any(|d| d.name == "secure");
        let ty = match (ty.as_str(), secure) {
            ("string", true) => "securestring",
            ("object", true) => "secureObject",
            ("string" | "int" | "bool" | "array" | "object", _) => ty.as_str(),
            _ => "object",
        };
        let mut out = Map::new();
        out.insert("type".into(), json!(ty));
        for d in decorators {
            let key = match d.name.as_str() {
                "allowed" => "allowedValues",
                "minValue" | "maxValue" | "minLength" | "maxLength" => d.name.as_str(),
                "description" => {
                    if let Some(text) = d.args.first().and_then(Expr::plain_str) {
                        out.insert("metadata".into(), json!({"description": text}));
                    }
                    continue;
                }
                _ => continue,
            };
            if let Some(arg) = d.args.first() {
                let v = self.value(arg, &format!("{ptr}/{key}"));
                out.insert(key.into(), v);
            }
        }
        if let Some(default) = default {
            let v = self.value(default, &format!("{ptr}/defaultValue"));
            out.insert("defaultValue".into(), v);
        }
        Some((name.clone(), Value::Object(out)))
    }
}

/// Where the `i`th problem of a file is placed in its compiled document (a pointer to
/// no value, so that the ARM layer can report it at its line).
pub fn problem_pointer(i: usize) -> String {
    format!("/bicep-problem/{i}")
}

/// The object of a resource's or module's body, and its `if` condition.
pub(super) fn inner_body(body: &Expr) -> (&Expr, Option<&Expr>) {
    match body {
        Expr::For { body, .. } => inner_body(body),
        Expr::If { cond, body, .. } => (body, Some(cond)),
        other => (other, None),
    }
}

pub(super) fn members(body: &Expr) -> impl Iterator<Item = &Member> {
    match body {
        Expr::Object(members, _) => members.iter(),
        _ => [].iter(),
    }
}

/// `Type@version`, under a parent for a child declared inside it (`'extensions@…'`).
pub(super) fn full_type(written: &str, parent: Option<&ParentCtx>) -> (String, String) {
    let (ty, api) = written.split_once('@').unwrap_or((written, ""));
    match parent {
        Some(p) if !ty.contains('.') => {
            (format!("{}/{ty}", p.ty), if api.is_empty() { p.api.clone() } else { api.to_owned() })
        }
        _ => (ty.to_owned(), api.to_owned()),
    }
}

/// `range(start, count)`.
pub(super) fn range_of(source: &Expr) -> Option<(&Expr, &Expr)> {
    match source {
        Expr::Call { ns: None, name, args, .. } if name == "range" && args.len() == 2 => Some((&args[0], &args[1])),
        _ => None,
    }
}
