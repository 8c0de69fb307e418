//! Expression evaluation: literals, references (`var.`, `local.`, `module.X.Y`, resources and
//! data sources), conditionals, operators, `for` expressions, splats and string templates.
//! Whatever cannot be known here becomes an unknown value carrying the reason; nothing aborts.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::rc::Rc;

use hcl_edit::Span;
use hcl_edit::expr::{BinaryOperator, Expression, ForExpr, ObjectKey, TraversalOperator, UnaryOperator};
use hcl_edit::template::{Element, Template};

use super::budget::Budget;
use super::files::{File, Module};
use super::funcs;
use super::ops::{self, get, index, same, unknown_part};
use super::position::join;
use super::strings_parts::Parts;
use super::value::{Kind, Val};
use entitle_sdk::model::Source;

/// Names bound inside an expression (`count`, `each`, `for` variables, dynamic iterators).
#[derive(Clone, Debug, Default)]
pub struct Scope {
    names: Vec<(String, Val)>,
}

impl Scope {
    /// This scope with `name` bound to `value`.
    pub fn with(&self, name: &str, value: Val) -> Scope {
        let mut names = self.names.clone();
        names.push((name.to_owned(), value));
        Scope { names }
    }

    fn get(&self, name: &str) -> Option<&Val> {
        self.names.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v)
    }
}

/// A module being evaluated: its variables' values, and its locals, resources and module
/// calls evaluated on demand (each once; a cycle is an unknown naming it).
pub struct Eval<'m> {
    /// The module.
    pub module: &'m Module,
    /// Variable values (given, from tfvars, or defaults; unknown when none).
    pub vars: BTreeMap<String, Val>,
    /// How deep this module is below the input (module calls are followed a few levels only).
    pub depth: usize,
    /// The module's address prefix (`module.app.`), empty for the root.
    pub prefix: String,
    /// The module's locals: file, expression and pointer by name.
    pub(super) locals: BTreeMap<String, (&'m File, &'m Expression, String)>,
    /// Values of locals, resources and module calls once evaluated (`None` while evaluating).
    pub(super) memo: RefCell<BTreeMap<String, Option<Val>>>,
    /// How deep evaluation is nested now (references inside references), bounded by [`MAX_NESTING`].
    nesting: std::cell::Cell<usize>,
    /// The work left for the whole input, shared by all its module instances.
    pub budget: Rc<Budget>,
    /// The module directories from the input down to this one (symlinks resolved), each with
    /// the call that entered it: a call back into one of them is a cycle.
    pub chain: Vec<(PathBuf, String)>,
    /// The locals being evaluated now, outermost first (a cycle is named from them).
    pub(super) evaluating: RefCell<Vec<String>>,
}

/// How deep expressions and the references inside them are followed: deeper is unknown, so a
/// hostile chain of locals cannot exhaust the stack.
const MAX_NESTING: usize = 400;

impl<'m> Eval<'m> {
    /// An evaluator for `module` with variable values `vars`, `depth` calls below the input at
    /// address `prefix`, with a budget of its own (the input's module; see [`Eval::child`]).
    pub fn new(module: &'m Module, vars: BTreeMap<String, Val>, depth: usize, prefix: String) -> Eval<'m> {
        let root = module.dir.canonicalize().ok();
        let chain = root.iter().map(|d| (d.clone(), module.display.clone())).collect();
        let budget = Rc::new(Budget::new(root));
        Eval::with(module, vars, depth, prefix, budget, chain)
    }

    /// An evaluator for a module this one calls (`prefix` its address, `dir` its directory
    /// with symlinks resolved), sharing this one's budget.
    pub fn child<'c>(&self, module: &'c Module, vars: BTreeMap<String, Val>, prefix: String, dir: PathBuf) -> Eval<'c> {
        let mut chain = self.chain.clone();
        chain.push((dir, prefix.trim_end_matches('.').to_owned()));
        Eval::with(module, vars, self.depth + 1, prefix, self.budget.clone(), chain)
    }

    fn with(
        module: &'m Module,
        vars: BTreeMap<String, Val>,
        depth: usize,
        prefix: String,
        budget: Rc<Budget>,
        chain: Vec<(PathBuf, String)>,
    ) -> Eval<'m> {
        let locals = super::locals::definitions(module);
        Eval {
            module,
            vars,
            depth,
            prefix,
            locals,
            memo: RefCell::new(BTreeMap::new()),
            nesting: Default::default(),
            budget,
            chain,
            evaluating: RefCell::new(Vec::new()),
        }
    }

    /// Evaluates `expr` of `file`, whose node is at `ptr`, in `scope`.
    pub fn eval(&self, file: &File, expr: &Expression, ptr: &str, scope: &Scope) -> Val {
        if self.nesting.get() >= MAX_NESTING {
            let why = format!("expressions and references nest deeper than {MAX_NESTING} levels here: not followed");
            return Val::unknown(why, Some(file.text.source(ptr, expr.span())));
        }
        if !self.budget.step(|| file.text.source(ptr, expr.span()), &self.prefix) {
            return self.spent(Some(file.text.source(ptr, expr.span())));
        }
        self.nesting.set(self.nesting.get() + 1);
        let v = self.eval_nested(file, expr, ptr, scope);
        self.nesting.set(self.nesting.get() - 1);
        v
    }

    fn eval_nested(&self, file: &File, expr: &Expression, ptr: &str, scope: &Scope) -> Val {
        let here = || Some(file.text.source(ptr, expr.span()));
        match expr {
            Expression::Null(_) => Val::new(Kind::Null, here()),
            Expression::Bool(b) => Val::new(Kind::Bool(*b.value()), here()),
            Expression::Number(n) => Val::new(Kind::Num(n.value().as_f64().unwrap_or(f64::NAN)), here()),
            Expression::String(s) => Val::str(s.value().as_str(), here()),
            Expression::Array(items) => {
                let items =
                    items.iter().enumerate().map(|(i, e)| self.eval(file, e, &join(ptr, &i.to_string()), scope));
                Val::new(Kind::list(items.collect()), here())
            }
            Expression::Object(object) => {
                let mut map = BTreeMap::new();
                for (key, value) in object.iter() {
                    let name = match key {
                        ObjectKey::Ident(id) => id.as_str().to_owned(),
                        ObjectKey::Expression(e) => {
                            let k = self.eval(file, e, ptr, scope);
                            match k.as_text() {
                                Some(k) => k,
                                None => return unknown_part(k, "an object key", here()),
                            }
                        }
                    };
                    let v = self.eval(file, value.expr(), &join(ptr, &name), scope);
                    map.insert(name, v);
                }
                Val::new(Kind::map(map), here())
            }
            Expression::StringTemplate(t) => self.template(file, t, ptr, scope, here()),
            Expression::HeredocTemplate(h) => self.template(file, &h.template, ptr, scope, here()),
            Expression::Parenthesis(p) => self.eval(file, p.inner(), ptr, scope),
            Expression::Variable(name) => self.root(file, name.as_str(), &[], ptr, scope, expr),
            Expression::Traversal(t) => match &t.expr {
                Expression::Variable(name) => {
                    let ops: Vec<&TraversalOperator> = t.operators.iter().map(|o| o.value()).collect();
                    self.root(file, name.as_str(), &ops, ptr, scope, expr)
                }
                inner => {
                    let base = self.eval(file, inner, ptr, scope);
                    let ops: Vec<&TraversalOperator> = t.operators.iter().map(|o| o.value()).collect();
                    self.apply(file, base, &ops, ptr, scope)
                }
            },
            Expression::FuncCall(call) => {
                let name = call.name.name.as_str();
                if call.name.is_namespaced() {
                    return Val::unknown(
                        format!("provider function {} is not evaluated", self.text(file, expr)),
                        here(),
                    );
                }
                funcs::call(self, file, name, call, ptr, scope, here())
            }
            Expression::Conditional(c) => {
                let cond = self.eval(file, &c.cond_expr, ptr, scope);
                match cond.as_bool() {
                    Some(true) => self.eval(file, &c.true_expr, ptr, scope),
                    Some(false) => self.eval(file, &c.false_expr, ptr, scope),
                    None => {
                        let (yes, no) =
                            (self.eval(file, &c.true_expr, ptr, scope), self.eval(file, &c.false_expr, ptr, scope));
                        if same(&yes, &no) {
                            return yes;
                        }
                        let what = format!("the condition `{}`", self.text(file, &c.cond_expr));
                        unknown_part(cond, &what, here())
                    }
                }
            }
            Expression::UnaryOp(op) => {
                let v = self.eval(file, &op.expr, ptr, scope);
                if v.is_unknown() {
                    return v;
                }
                match (op.operator.value(), &v.kind) {
                    (UnaryOperator::Not, _) if v.as_bool().is_some() => {
                        Val::new(Kind::Bool(!v.as_bool().unwrap_or_default()), here())
                    }
                    (UnaryOperator::Neg, _) if v.as_number().is_some() => {
                        Val::new(Kind::Num(-v.as_number().unwrap_or_default()), here())
                    }
                    _ => Val::error(format!("`{}` applies to a {}", self.text(file, expr), v.type_name()), here()),
                }
            }
            Expression::BinaryOp(op) => {
                let lhs = self.eval(file, &op.lhs_expr, ptr, scope);
                let operator = *op.operator.value();
                match (operator, lhs.as_bool()) {
                    (BinaryOperator::And, Some(false)) => return Val::new(Kind::Bool(false), here()),
                    (BinaryOperator::Or, Some(true)) => return Val::new(Kind::Bool(true), here()),
                    _ => {}
                }
                let rhs = self.eval(file, &op.rhs_expr, ptr, scope);
                // As Terraform: `unknown && false` is false, `unknown || true` is true.
                match (operator, rhs.as_bool()) {
                    (BinaryOperator::And, Some(false)) => return Val::new(Kind::Bool(false), here()),
                    (BinaryOperator::Or, Some(true)) => return Val::new(Kind::Bool(true), here()),
                    _ => {}
                }
                ops::binary(operator, lhs, rhs, here(), &self.text(file, expr))
            }
            Expression::ForExpr(f) => self.for_expr(file, f, ptr, scope, here()),
        }
    }

    /// The unknown every expression is once the input's budget is spent.
    pub fn spent(&self, at: Option<Source>) -> Val {
        let why = self.budget.stopped().unwrap_or_default();
        Val::unknown(format!("not evaluated: the input needs {why}"), at)
    }

    /// Spends the bytes of `v`'s text (built here at `at`): past the input's budget, the
    /// value is unknown saying so.
    pub fn built(&self, v: Val) -> Val {
        let len = match &v.kind {
            Kind::Str(s) => s.len(),
            Kind::Unknown(u) => u.partial.as_ref().map_or(0, |p| p.text.len()),
            _ => return v,
        };
        if self.budget.text(len, v.at.as_ref(), &self.prefix) { v } else { self.spent(v.at) }
    }

    /// The source text of an expression (for reasons).
    pub fn text(&self, file: &File, expr: &Expression) -> String {
        let text = expr.span().and_then(|s| file.text.text.get(s)).unwrap_or("?");
        let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if flat.chars().count() > 90 { format!("{}…", flat.chars().take(90).collect::<String>()) } else { flat }
    }

    /// Evaluates a string template.
    pub fn template(&self, file: &File, t: &Template, ptr: &str, scope: &Scope, at: Option<Source>) -> Val {
        let elements: Vec<&Element> = t.iter().collect();
        if let [Element::Interpolation(only)] = elements[..] {
            return self.eval(file, &only.expr, ptr, scope);
        }
        let mut out = Parts::default();
        for element in elements {
            match element {
                Element::Literal(text) => out.text(text.value()),
                Element::Interpolation(i) => {
                    let v = self.eval(file, &i.expr, ptr, scope);
                    if let Err(v) = out.value(&v) {
                        return unknown_part(v, "a string template part", at);
                    }
                }
                Element::Directive(_) => out.hole("template directives (%{ … }) are not evaluated", at.clone()),
            }
            if out.len() > self.budget.text_left() {
                break;
            }
        }
        self.built(out.finish(at))
    }

    /// A reference starting with `name`, then `ops`.
    fn root(
        &self,
        file: &File,
        name: &str,
        ops: &[&TraversalOperator],
        ptr: &str,
        scope: &Scope,
        expr: &Expression,
    ) -> Val {
        let site = file.text.source(ptr, expr.span());
        let here = Some(site.clone());
        if let Some(bound) = scope.get(name) {
            return self.apply(file, bound.clone(), ops, ptr, scope);
        }
        let attr = |i: usize| match ops.get(i) {
            Some(TraversalOperator::GetAttr(a)) => Some(a.as_str().to_owned()),
            _ => None,
        };
        let (value, used) = match (name, attr(0)) {
            ("var", Some(v)) => (self.variable(&v, here.clone()), 1),
            ("local", Some(l)) => (self.local(&l), 1),
            ("path", Some(p)) if p == "module" || p == "root" => (Val::str(self.module.display_dir(), here.clone()), 1),
            ("path", Some(_)) => (Val::str(".", here.clone()), 1),
            ("terraform", Some(w)) if w == "workspace" => (Val::str("default", here.clone()), 1),
            ("count", _) | ("each", _) | ("self", _) => {
                (Val::unknown(format!("`{name}` is not available here"), here.clone()), ops.len())
            }
            ("module", Some(m)) => (self.module_value(&m, here.clone()), 1),
            ("data", Some(ty)) => match attr(1) {
                Some(n) => (self.resource_value("data", &ty, &n, here.clone()), 2),
                None => (Val::unknown(format!("data.{ty} names no data source"), here.clone()), ops.len()),
            },
            (ty, Some(n)) if ty.contains('_') => (self.resource_value("managed", ty, &n, here.clone()), 1),
            _ => (
                Val::unknown(format!("`{}` is not a reference entitle evaluates", self.text(file, expr)), here.clone()),
                ops.len(),
            ),
        };
        self.apply(file, value.through(&site), &ops[used.min(ops.len())..], ptr, scope)
    }

    /// Applies traversal operators (attributes, indices, splats).
    pub fn apply(&self, file: &File, mut value: Val, ops: &[&TraversalOperator], ptr: &str, scope: &Scope) -> Val {
        for (i, op) in ops.iter().enumerate() {
            if value.is_unknown() {
                return value;
            }
            value = match op {
                TraversalOperator::GetAttr(a) => get(&value, a.as_str()),
                TraversalOperator::LegacyIndex(n) => index(&value, &Val::new(Kind::Num(*n.value() as f64), None)),
                TraversalOperator::Index(e) => {
                    let key = self.eval(file, e, ptr, scope);
                    index(&value, &key)
                }
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                    let items = match &value.kind {
                        Kind::List(_) => value.items().unwrap_or_default(),
                        Kind::Null => Vec::new(),
                        _ => vec![value.clone()],
                    };
                    let rest = &ops[i + 1..];
                    let out: Vec<Val> =
                        items.into_iter().map(|item| self.apply(file, item, rest, ptr, scope)).collect();
                    return Val { kind: Kind::list(out), ..value };
                }
            };
        }
        value
    }

    fn variable(&self, name: &str, at: Option<Source>) -> Val {
        match self.vars.get(name) {
            Some(v) => v.clone(),
            None => Val::unknown(
                format!("var.{name} is not declared in this module (its declaration is not among the files read)"),
                at,
            ),
        }
    }

    /// The value of resource or data source `ty.name` (instances by count or for_each).
    fn resource_value(&self, mode: &str, ty: &str, name: &str, at: Option<Source>) -> Val {
        let key = format!("{mode}.{ty}.{name}");
        if let Some(slot) = self.memo.borrow().get(&key) {
            return slot.clone().unwrap_or_else(|| Val::unknown(format!("{ty}.{name} refers to itself"), at.clone()));
        }
        self.memo.borrow_mut().insert(key.clone(), None);
        let v = super::resources::value(self, mode, ty, name).unwrap_or_else(|| {
            let what = if mode == "data" { format!("data.{ty}.{name}") } else { format!("{ty}.{name}") };
            Val::unknown(
                format!("{what} is not declared in this module (its declaration is not among the files read)"),
                at,
            )
        });
        self.memo.borrow_mut().insert(key, Some(v.clone()));
        v
    }

    fn module_value(&self, name: &str, at: Option<Source>) -> Val {
        let key = format!("module.{name}");
        if let Some(slot) = self.memo.borrow().get(&key) {
            return slot.clone().unwrap_or_else(|| Val::unknown(format!("module.{name} refers to itself"), at.clone()));
        }
        self.memo.borrow_mut().insert(key.clone(), None);
        let v = super::modules::outputs(self, name, at);
        self.memo.borrow_mut().insert(key, Some(v.clone()));
        v
    }

    fn for_expr(&self, file: &File, f: &ForExpr, ptr: &str, scope: &Scope, at: Option<Source>) -> Val {
        let collection = self.eval(file, &f.intro.collection_expr, ptr, scope);
        let pairs: Vec<(Val, Val)> = match &collection.kind {
            Kind::List(_) => pairs(&collection),
            Kind::Map(_) => pairs(&collection),
            Kind::Unknown(_) => return unknown_part(collection, "the `for` collection", at),
            Kind::Null => return Val::error("a `for` expression over null", at),
            _ => return Val::error(format!("a `for` expression over a {}", collection.type_name()), at),
        };
        let (mut list, mut map): (Vec<Val>, BTreeMap<String, Val>) = (Vec::new(), BTreeMap::new());
        for (k, v) in pairs {
            let mut inner = scope.with(f.intro.value_var.as_str(), v);
            if let Some(key_var) = &f.intro.key_var {
                inner = inner.with(key_var.as_str(), k);
            }
            if let Some(cond) = &f.cond {
                let keep = self.eval(file, &cond.expr, ptr, &inner);
                match keep.as_bool() {
                    Some(true) => {}
                    Some(false) => continue,
                    None => return unknown_part(keep, "a `for` condition", at),
                }
            }
            let value = self.eval(file, &f.value_expr, ptr, &inner);
            match &f.key_expr {
                None => list.push(value),
                Some(key_expr) => {
                    let key = self.eval(file, key_expr, ptr, &inner);
                    let Some(key) = key.as_text() else { return unknown_part(key, "a `for` key", at) };
                    if f.grouping {
                        let group = map.entry(key).or_insert_with(|| Val::new(Kind::list(Vec::new()), None));
                        if let Kind::List(items) = &mut group.kind {
                            std::rc::Rc::make_mut(items).push(value);
                        }
                    } else {
                        map.insert(key, value);
                    }
                }
            }
        }
        if f.key_expr.is_some() { Val::new(Kind::map(map), at) } else { Val::new(Kind::list(list), at) }
    }
}

/// The (key, element) pairs of a list (index keys) or map, each element as reached through it.
pub fn pairs(collection: &Val) -> Vec<(Val, Val)> {
    match (collection.items(), collection.entries()) {
        (Some(items), _) => {
            items.into_iter().enumerate().map(|(i, v)| (Val::new(Kind::Num(i as f64), None), v)).collect()
        }
        (_, Some(entries)) => entries.into_iter().map(|(k, v)| (Val::str(k, None), v)).collect(),
        _ => Vec::new(),
    }
}
