//! Locals: every `locals` block of the module, each value evaluated once when first referred
//! to; a local that refers back to itself (directly or through others) is a cycle, named.

use std::collections::BTreeMap;

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
                None => Val::error(format!("local.{name} refers to itself (a cycle of locals)"), None),
            };
        }
        let Some((file, expr, ptr)) = self.locals.get(name) else {
            return Val::unknown(
                format!("local.{name} is not defined in this module (its definition is not among the files read)"),
                None,
            );
        };
        self.memo.borrow_mut().insert(key.clone(), None);
        let v = self.eval(file, expr, ptr, &Scope::default());
        self.memo.borrow_mut().insert(key, Some(v.clone()));
        v
    }
}
