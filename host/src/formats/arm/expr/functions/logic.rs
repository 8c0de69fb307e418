//! Logical and comparison functions: `if`, `and`, `or`, `not`, `bool`, `true`,
//! `false`, `equals`, `less`, `lessOrEquals`, `greater`, `greaterOrEquals`.
//!
//! `if`, `and` and `or` are lazy: `if` evaluates only the chosen branch and returns it
//! unchanged (origin kept); `and`/`or` stop at the first known `false`/`true`.

use std::cmp::Ordering;

use super::support::{cmp_ordinal, deep_eq};
use super::{Args, Def, eager, lazy, located};
use crate::formats::arm::expr::{Context, EvalError, Expr};
use crate::formats::arm::value::{Kind, Val};

pub(super) fn lookup(name: &str) -> Option<Def> {
    match name {
        "if" => lazy("if", if_),
        "and" => lazy("and", and),
        "or" => lazy("or", or),
        "not" => eager("not", not),
        "bool" => eager("bool", bool),
        "true" => eager("true", |a, _| a.arity(0, 0).map(|()| Val::bool(true))),
        "false" => eager("false", |a, _| a.arity(0, 0).map(|()| Val::bool(false))),
        "equals" => eager("equals", equals),
        "less" => eager("less", |a, _| compare(a, Ordering::is_lt)),
        "lessorequals" => eager("lessOrEquals", |a, _| compare(a, Ordering::is_le)),
        "greater" => eager("greater", |a, _| compare(a, Ordering::is_gt)),
        "greaterorequals" => eager("greaterOrEquals", |a, _| compare(a, Ordering::is_ge)),
        _ => None,
    }
}

fn not_bool(name: &str, i: usize, v: &Val, offset: usize) -> EvalError {
    located(format_args!("{name}: argument {} must be a Bool, got {}", i + 1, v.type_name()), offset)
}

fn if_(args: &[Expr], ctx: &dyn Context, offset: usize) -> Result<Val, EvalError> {
    let [cond, yes, no] = args else {
        return Err(located(format_args!("if: expected 3 arguments, got {}", args.len()), offset));
    };
    let cond = cond.evaluate(ctx)?;
    match cond.kind {
        Kind::Bool(true) => yes.evaluate(ctx),
        Kind::Bool(false) => no.evaluate(ctx),
        Kind::Unknown(reason) => Ok(Val::unknown(format!("the condition of if() is unknown: {reason}"))),
        _ => Err(not_bool("if", 0, &cond, offset)),
    }
}

/// `and` (`stop_on` = false) or `or` (`stop_on` = true).
fn junction(name: &str, stop_on: bool, args: &[Expr], ctx: &dyn Context, offset: usize) -> Result<Val, EvalError> {
    if args.len() < 2 {
        return Err(located(format_args!("{name}: expected at least 2 arguments, got {}", args.len()), offset));
    }
    let mut unknown = None;
    for (i, arg) in args.iter().enumerate() {
        let v = arg.evaluate(ctx)?;
        match &v.kind {
            Kind::Bool(b) if *b == stop_on => return Ok(Val::bool(stop_on)),
            Kind::Bool(_) => {}
            Kind::Unknown(reason) => {
                unknown.get_or_insert_with(|| reason.clone());
            }
            _ => return Err(not_bool(name, i, &v, offset)),
        }
    }
    Ok(unknown.map_or_else(|| Val::bool(!stop_on), |r| Val::new(Kind::Unknown(r))))
}

fn and(args: &[Expr], ctx: &dyn Context, offset: usize) -> Result<Val, EvalError> {
    junction("and", false, args, ctx, offset)
}

fn or(args: &[Expr], ctx: &dyn Context, offset: usize) -> Result<Val, EvalError> {
    junction("or", true, args, ctx, offset)
}

fn not(args: &mut Args<'_>, _: &dyn Context) -> Result<Val, EvalError> {
    args.arity(1, 1)?;
    Ok(Val::bool(!args.bool(0)?))
}

fn bool(args: &mut Args<'_>, _: &dyn Context) -> Result<Val, EvalError> {
    args.arity(1, 1)?;
    match &args.val(0)?.kind {
        Kind::Bool(_) => args.take(0),
        Kind::Str(s) => Ok(Val::bool(s.trim().eq_ignore_ascii_case("true"))),
        Kind::Int(i) => Ok(Val::bool(*i != 0)),
        _ => Err(args.wrong_type(0, "a String, Int or Bool")),
    }
}

fn equals(args: &mut Args<'_>, _: &dyn Context) -> Result<Val, EvalError> {
    args.arity(2, 2)?;
    Ok(match deep_eq(args.val(0)?, args.val(1)?) {
        Ok(b) => Val::bool(b),
        Err(reason) => Val::new(Kind::Unknown(reason)),
    })
}

fn compare(args: &mut Args<'_>, test: fn(Ordering) -> bool) -> Result<Val, EvalError> {
    args.arity(2, 2)?;
    let (a, b) = (args.val(0)?, args.val(1)?);
    #[allow(clippy::cast_precision_loss)]
    let order = match (&a.kind, &b.kind) {
        (Kind::Int(x), Kind::Int(y)) => x.cmp(y),
        (Kind::Int(x), Kind::Float(y)) => (*x as f64).total_cmp(y),
        (Kind::Float(x), Kind::Int(y)) => x.total_cmp(&(*y as f64)),
        (Kind::Float(x), Kind::Float(y)) => x.total_cmp(y),
        (Kind::Str(x), Kind::Str(y)) => cmp_ordinal(x, y),
        _ => {
            return Err(args.err(format_args!(
                "arguments must both be Int or both be String, got {} and {}",
                a.type_name(),
                b.type_name()
            )));
        }
    };
    Ok(Val::bool(test(order)))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{err, ok, reason, run};
    use serde_json::json;

    #[test]
    fn if_evaluates_only_the_chosen_branch() {
        assert_eq!(ok("[if(true, 'a', parameters('missing'))]"), json!("a"));
        assert_eq!(ok("[if(equals(1, 2), parameters('missing'), 'b')]"), json!("b"));
        assert_eq!(ok("[if(parameters('flag'), parameters('name'), 'x')]"), json!("vm1"));
        assert_eq!(ok("[if(false, parameters('unk'), 'x')]"), json!("x"));
    }

    #[test]
    fn if_keeps_the_branch_origin() {
        let v = run("[if(true, parameters('located').inner, null())]").unwrap();
        assert_eq!(v.origin.unwrap().source.pointer, "/inner");
    }

    #[test]
    fn if_with_unknown_condition() {
        assert_eq!(
            reason("[if(equals(parameters('unk'), 'a'), 'x', 'y')]"),
            "the condition of if() is unknown: u is unknown"
        );
        assert_eq!(err("[if('true', 1, 2)]"), "if: argument 1 must be a Bool, got String");
        assert_eq!(err("[if(true, 1)]"), "if: expected 3 arguments, got 2");
    }

    #[test]
    fn and_or_short_circuit() {
        assert_eq!(ok("[and(true, true, true)]"), json!(true));
        assert_eq!(ok("[and(true, false, parameters('missing'))]"), json!(false));
        assert_eq!(ok("[and(parameters('unk'), false)]"), json!(false));
        assert_eq!(reason("[and(parameters('unk'), true)]"), "u is unknown");
        assert_eq!(ok("[or(false, true, parameters('missing'))]"), json!(true));
        assert_eq!(ok("[or(false, false)]"), json!(false));
        assert_eq!(reason("[or(false, parameters('unk'))]"), "u is unknown");
        assert_eq!(err("[and(true, 1)]"), "and: argument 2 must be a Bool, got Int");
        assert_eq!(err("[or(true)]"), "or: expected at least 2 arguments, got 1");
    }

    #[test]
    fn not_and_bool() {
        assert_eq!(ok("[not(false)]"), json!(true));
        assert_eq!(err("[not('x')]"), "not: argument 1 must be a Bool, got String");
        assert_eq!(ok("[bool('TRUE')]"), json!(true));
        assert_eq!(ok("[bool('no')]"), json!(false));
        assert_eq!(ok("[bool(0)]"), json!(false));
        assert_eq!(ok("[bool(-3)]"), json!(true));
        assert_eq!(err("[bool(createArray())]"), "bool: argument 1 must be a String, Int or Bool, got Array");
        assert_eq!(ok("[and(true(), not(false()))]"), json!(true));
        assert_eq!(err("[true(1)]"), "true: expected 0 arguments, got 1");
    }

    #[test]
    fn equals_is_deep_and_case_sensitive() {
        assert_eq!(ok("[equals('a', 'A')]"), json!(false));
        assert_eq!(ok("[equals('a', 'a')]"), json!(true));
        assert_eq!(ok("[equals(1, '1')]"), json!(false));
        assert_eq!(ok("[equals(parameters('arr'), createArray(1, 2, 3))]"), json!(true));
        assert_eq!(
            ok("[equals(parameters('obj'), json('{\"A\":1,\"b\":\"two\",\"nested\":{\"x\":[1,2]}}'))]"),
            json!(true)
        );
        assert_eq!(ok("[equals(null(), null())]"), json!(true));
        assert_eq!(reason("[equals(createArray(parameters('unk')), createArray(1))]"), "u is unknown");
        assert_eq!(ok("[equals(createArray(parameters('unk')), createArray(1, 2))]"), json!(false));
    }

    #[test]
    fn ordering_comparisons() {
        assert_eq!(ok("[less(1, 2)]"), json!(true));
        assert_eq!(ok("[less('A', 'a')]"), json!(true));
        assert_eq!(ok("[lessOrEquals(2, 2)]"), json!(true));
        assert_eq!(ok("[greater('b', 'a')]"), json!(true));
        assert_eq!(ok("[greaterOrEquals(1, 2)]"), json!(false));
        assert_eq!(ok("[greater(json('1.5'), 1)]"), json!(true));
        assert_eq!(err("[less(1, 'a')]"), "less: arguments must both be Int or both be String, got Int and String");
        assert_eq!(reason("[less(parameters('unk'), 1)]"), "u is unknown");
    }
}
