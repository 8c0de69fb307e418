//! Locals: every `locals` block of the module, each value evaluated once when first referred
//! to; a local that refers back to itself (directly or through others) is a cycle, named.

use std::collections::BTreeMap;

use hcl_edit::Span;
use hcl_edit::expr::Expression;

use super::eval::{Eval, Scope};
use super::files::{File, Module};
use super::position::join;
use super::value::Val;

/// The locals of a module: file, expression and pointer by name.
pub fn definitions(module: &Module) -> BTreeMap<String, (&File, &Expression, String)> {
    let mut locals = BTreeMap::new();
    for (file, block) in module.blocks("locals") {
        for attr in block.body.attributes() {
            let name = attr.key.as_str().to_owned();
            locals.insert(name.clone(), (file, &attr.value, join("/locals", &name)));
        }
    }
    locals
}

impl Eval<'_> {
    /// The value of `local.NAME`.
    pub fn local(&self, name: &str) -> Val {
        let key = format!("local.{name}");
        if let Some(slot) = self.memo.borrow().get(&key) {
            return match slot {
                Some(v) => v.clone(),
                None => self.cycle(name),
            };
        }
        let Some((file, expr, ptr)) = self.locals.get(name) else {
            return Val::unknown(
                format!("local.{name} is not defined in this module (its definition is not among the files read)"),
                None,
            );
        };
        self.memo.borrow_mut().insert(key.clone(), None);
        self.evaluating.borrow_mut().push(name.to_owned());
        let v = self.eval(file, expr, ptr, &Scope::default());
        self.evaluating.borrow_mut().pop();
        self.memo.borrow_mut().insert(key, Some(v.clone()));
        v
    }

    /// `local.NAME` met again while it is being evaluated: Terraform rejects the module, so
    /// the cycle is an error at the local's definition, naming every local in it, and the
    /// value is unknown.
    fn cycle(&self, name: &str) -> Val {
        let stack = self.evaluating.borrow();
        let from = stack.iter().rposition(|n| n == name).unwrap_or_default();
        let names: Vec<String> = stack[from..].iter().chain([&name.to_owned()]).map(|n| format!("local.{n}")).collect();
        let why = format!("a cycle of locals: {}", names.join(" → "));
        if let Some((file, expr, ptr)) = self.locals.get(name) {
            let at = file.text.source(ptr, expr.span());
            self.budget.problem(super::budget::located(format!("{why} (Terraform rejects the module)"), &at));
        }
        Val::error(format!("local.{name} refers to itself ({why})"), None)
    }
}
