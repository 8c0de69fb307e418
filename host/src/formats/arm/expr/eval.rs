//! Evaluation of a parsed [`Expr`]: literals, calls (dispatched to `functions`),
//! member access and indexing, with unknown values passing through.

use super::functions::{self, find_key, located};
use super::{Context, EvalError, Expr};
use crate::formats::arm::value::{Kind, Val};

impl Expr {
    /// Evaluates the expression. Runtime-only values come back as unknown [`Val`]s;
    /// an error means the template itself is wrong (deployment would fail too).
    pub fn evaluate(&self, ctx: &dyn Context) -> Result<Val, EvalError> {
        match self {
            Expr::Str(s) => Ok(Val::str(s.as_str())),
            Expr::Int(i) => Ok(Val::int(*i)),
            Expr::Bool(b) => Ok(Val::bool(*b)),
            Expr::Null => Ok(Val::null()),
            Expr::Call { name, args, offset } => functions::call(name, args, *offset, ctx),
            Expr::Member { target, name, offset } => member(target.evaluate(ctx)?, name, *offset),
            Expr::Index { target, index, offset } => {
                let target = target.evaluate(ctx)?;
                let index = index.evaluate(ctx)?;
                self::index(target, index, *offset)
            }
        }
    }
}

/// How many member names a "does not exist" error lists.
const MAX_LISTED: usize = 20;

/// `target.name`: the member itself (origin kept), the unknown unchanged, or an error.
pub(super) fn member(target: Val, name: &str, offset: usize) -> Result<Val, EvalError> {
    match target.kind {
        Kind::Unknown(_) => Ok(target),
        Kind::Object(entries) => match find_key(&entries, name) {
            Some(i) => Ok(take_entry(entries, i)),
            None => {
                let mut names: Vec<&str> = entries.iter().take(MAX_LISTED).map(|(k, _)| k.as_str()).collect();
                if entries.len() > MAX_LISTED {
                    names.push("…");
                }
                let listed = names.join(", ");
                Err(located(
                    format_args!("property '{name}' does not exist; available properties are '{listed}'"),
                    offset,
                ))
            }
        },
        _ => Err(located(
            format_args!("cannot read property '{name}' of a value of type {}", target.type_name()),
            offset,
        )),
    }
}

/// `target[index]`: string keys on objects, integer positions on arrays.
pub(super) fn index(target: Val, index: Val, offset: usize) -> Result<Val, EvalError> {
    if target.is_unknown() {
        return Ok(target);
    }
    if let Kind::Unknown(reason) = &index.kind {
        return Ok(Val::new(Kind::Unknown(reason.clone())));
    }
    let type_name = target.type_name();
    match (target.kind, &index.kind) {
        (Kind::Object(entries), Kind::Str(key)) => match find_key(&entries, key) {
            Some(i) => Ok(take_entry(entries, i)),
            None => member(Val::new(Kind::Object(entries)), key, offset),
        },
        (Kind::Array(items), Kind::Int(i)) => {
            let len = items.len();
            match usize::try_from(*i).ok().filter(|&i| i < len) {
                Some(at) => Ok(items.get(at).cloned().unwrap_or_else(Val::null)),
                None => Err(located(format_args!("index {i} is out of range for an array of length {len}"), offset)),
            }
        }
        _ => Err(located(
            format_args!("cannot index a value of type {type_name} with a value of type {}", index.type_name()),
            offset,
        )),
    }
}

fn take_entry(entries: std::rc::Rc<[(String, Val)]>, i: usize) -> Val {
    entries.get(i).map_or_else(Val::null, |(_, v)| v.clone())
}

#[cfg(test)]
mod tests {
    use super::super::functions::testing::{err, ok, reason, run};
    use serde_json::json;

    #[test]
    fn literals() {
        assert_eq!(ok("['a''b']"), json!("a'b"));
        assert_eq!(ok("[-5]"), json!(-5));
        assert_eq!(ok("[true]"), json!(true));
        assert_eq!(ok("[null]"), json!(null));
        assert_eq!(ok("[[not an expression]"), json!("[not an expression]"));
        assert_eq!(ok("plain"), json!("plain"));
    }

    #[test]
    fn member_access_keeps_the_member_and_its_origin() {
        assert_eq!(ok("[parameters('obj').B]"), json!("two"));
        assert_eq!(ok("[parameters('obj').b]"), json!("two"));
        assert_eq!(ok("[parameters('obj').nested.x[1]]"), json!(2));
        assert_eq!(ok("[parameters('obj')['NESTED']['x'][0]]"), json!(1));
        let v = run("[parameters('located').inner.leaf]").unwrap();
        assert_eq!(v.origin.unwrap().source.pointer, "/inner/leaf");
        assert_eq!(ok("[reference('nested').outputs.y.value]"), json!("out"));
    }

    #[test]
    fn member_access_and_unknowns() {
        assert_eq!(ok("[parameters('mixed').known]"), json!("k"));
        assert_eq!(reason("[parameters('mixed').unknown]"), "u is unknown");
        assert_eq!(reason("[parameters('unk').a.b[0]]"), "u is unknown");
        assert_eq!(reason("[parameters('arr')[parameters('unk')]]"), "u is unknown");
        assert_eq!(reason("[resourceGroup().location]"), "resourceGroup().location is only known at deployment");
        assert_eq!(ok("[resourceGroup().name]"), json!("rg"));
    }

    #[test]
    fn member_and_index_errors() {
        assert_eq!(
            err("[parameters('obj').zz]"),
            "property 'zz' does not exist; available properties are 'a, B, nested'"
        );
        assert_eq!(err("[parameters('arr')[3]]"), "index 3 is out of range for an array of length 3");
        assert_eq!(err("[parameters('arr')[-1]]"), "index -1 is out of range for an array of length 3");
        assert_eq!(err("[parameters('arr')['a']]"), "cannot index a value of type Array with a value of type String");
        assert_eq!(err("[parameters('name').length]"), "cannot read property 'length' of a value of type String");
        assert_eq!(err("[null().a]"), "cannot read property 'a' of a value of type Null");
    }
}
