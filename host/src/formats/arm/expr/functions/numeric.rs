//! Numeric functions: `add`, `sub`, `mul`, `div`, `mod`, `min`, `max`, `int`, `float`.
//!
//! ARM integers are 64-bit; overflow and division by zero are errors, never wraps or
//! panics. Division truncates toward zero and `mod` takes the dividend's sign (.NET).

use super::support::unknown_from;
use super::{Args, Def, eager};
use crate::formats::arm::expr::{Context, EvalError};
use crate::formats::arm::value::{Kind, Val};

pub(super) fn lookup(name: &str) -> Option<Def> {
    match name {
        "add" => eager("add", |a, _| arith(a, "+", i64::checked_add)),
        "sub" => eager("sub", |a, _| arith(a, "-", i64::checked_sub)),
        "mul" => eager("mul", |a, _| arith(a, "*", i64::checked_mul)),
        "div" => eager("div", |a, _| arith(a, "/", i64::checked_div)),
        "mod" => eager("mod", |a, _| arith(a, "%", i64::checked_rem)),
        "min" => eager("min", |a, _| extreme(a, false)),
        "max" => eager("max", |a, _| extreme(a, true)),
        "int" => eager("int", int),
        "float" => eager("float", float),
        _ => None,
    }
}

fn arith(args: &mut Args<'_>, op: &str, f: fn(i64, i64) -> Option<i64>) -> Result<Val, EvalError> {
    args.arity(2, 2)?;
    let (a, b) = (args.int(0)?, args.int(1)?);
    if b == 0 && matches!(op, "/" | "%") {
        return Err(args.err("division by zero"));
    }
    f(a, b).map(Val::int).ok_or_else(|| args.err(format_args!("{a} {op} {b} overflows a 64-bit integer")))
}

/// `min` / `max` over integer arguments or over one array of integers.
fn extreme(args: &mut Args<'_>, max: bool) -> Result<Val, EvalError> {
    args.arity(1, usize::MAX)?;
    let values: &[Val] = match &args.val(0)?.kind {
        Kind::Array(items) if args.len() == 1 => items,
        _ => &args.vals,
    };
    if let Some(reason) = values.iter().find_map(|v| match &v.kind {
        Kind::Unknown(r) => Some(r),
        _ => None,
    }) {
        return Ok(unknown_from(reason));
    }
    let mut best: Option<i64> = None;
    for v in values {
        let Kind::Int(i) = v.kind else {
            return Err(args.err(format_args!("values must be Ints, found {}", v.type_name())));
        };
        best = Some(match best {
            Some(b) if max => b.max(i),
            Some(b) => b.min(i),
            None => i,
        });
    }
    best.map(Val::int).ok_or_else(|| args.err("the array is empty"))
}

fn int(args: &mut Args<'_>, _: &dyn Context) -> Result<Val, EvalError> {
    args.arity(1, 1)?;
    match &args.val(0)?.kind {
        Kind::Int(_) => args.take(0),
        Kind::Str(s) => {
            s.trim().parse::<i64>().map(Val::int).map_err(|_| args.err(format_args!("'{s}' is not a valid integer")))
        }
        Kind::Float(f) => {
            let r = f.round_ties_even();
            // i64::MAX as f64 rounds up to 2^63, so the upper bound is exclusive.
            #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
            if r.is_finite() && r >= i64::MIN as f64 && r < i64::MAX as f64 {
                Ok(Val::int(r as i64))
            } else {
                Err(args.err(format_args!("{f:?} does not fit in a 64-bit integer")))
            }
        }
        _ => Err(args.wrong_type(0, "a String, Int or Float")),
    }
}

fn float(args: &mut Args<'_>, _: &dyn Context) -> Result<Val, EvalError> {
    args.arity(1, 1)?;
    #[allow(clippy::cast_precision_loss)]
    match &args.val(0)?.kind {
        Kind::Float(_) => args.take(0),
        Kind::Int(i) => Ok(Val::new(Kind::Float(*i as f64))),
        Kind::Str(s) => match s.trim().parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(Val::new(Kind::Float(f))),
            _ => Err(args.err(format_args!("'{s}' is not a valid number"))),
        },
        _ => Err(args.wrong_type(0, "a String, Int or Float")),
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{err, ok, reason};
    use serde_json::json;

    #[test]
    fn arithmetic() {
        assert_eq!(ok("[add(parameters('count'), 2)]"), json!(5));
        assert_eq!(ok("[sub(1, 3)]"), json!(-2));
        assert_eq!(ok("[mul(4, -3)]"), json!(-12));
        assert_eq!(ok("[div(7, 2)]"), json!(3));
        assert_eq!(ok("[div(-7, 2)]"), json!(-3));
        assert_eq!(ok("[mod(7, 3)]"), json!(1));
        assert_eq!(ok("[mod(-7, 3)]"), json!(-1));
        assert_eq!(reason("[add(parameters('unk'), 1)]"), "u is unknown");
    }

    #[test]
    fn arithmetic_errors() {
        assert_eq!(err("[div(1, 0)]"), "div: division by zero");
        assert_eq!(err("[mod(1, 0)]"), "mod: division by zero");
        assert_eq!(err("[add(9223372036854775807, 1)]"), "add: 9223372036854775807 + 1 overflows a 64-bit integer");
        assert_eq!(err("[div(-9223372036854775808, -1)]"), "div: -9223372036854775808 / -1 overflows a 64-bit integer");
        assert_eq!(err("[mod(-9223372036854775808, -1)]"), "mod: -9223372036854775808 % -1 overflows a 64-bit integer");
        assert_eq!(err("[mul(9223372036854775807, 2)]"), "mul: 9223372036854775807 * 2 overflows a 64-bit integer");
        assert_eq!(err("[sub('1', 1)]"), "sub: argument 1 must be an Int, got String");
        assert_eq!(err("[add(1)]"), "add: expected 2 arguments, got 1");
    }

    #[test]
    fn min_and_max() {
        assert_eq!(ok("[min(3, 1, 2)]"), json!(1));
        assert_eq!(ok("[max(parameters('arr'))]"), json!(3));
        assert_eq!(ok("[min(5)]"), json!(5));
        assert_eq!(err("[max(createArray())]"), "max: the array is empty");
        assert_eq!(err("[max(1, 'a')]"), "max: values must be Ints, found String");
        assert_eq!(reason("[min(createArray(1, parameters('unk')))]"), "u is unknown");
    }

    #[test]
    fn conversions() {
        assert_eq!(ok("[int('42')]"), json!(42));
        assert_eq!(ok("[int(' -7 ')]"), json!(-7));
        assert_eq!(ok("[int(json('2.5'))]"), json!(2));
        assert_eq!(ok("[int(7)]"), json!(7));
        assert_eq!(err("[int('4x')]"), "int: '4x' is not a valid integer");
        assert_eq!(err("[int(json('1e300'))]"), "int: 1e300 does not fit in a 64-bit integer");
        assert_eq!(err("[int(true)]"), "int: argument 1 must be a String, Int or Float, got Bool");
        assert_eq!(ok("[float('1.5')]"), json!(1.5));
        assert_eq!(ok("[float(2)]"), json!(2.0));
        assert_eq!(err("[float('x')]"), "float: 'x' is not a valid number");
    }
}
