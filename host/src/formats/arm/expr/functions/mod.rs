//! The built-in template functions, dispatched by case-insensitive name.
//!
//! Most functions are eager: their arguments are evaluated first and, if any argument
//! is unknown, the call is unknown with the first unknown's reason. A few see unknown
//! arguments themselves (containers such as `createArray`, id builders that keep
//! placeholders) and a few evaluate their arguments lazily (`if`, `and`, `or`,
//! `coalesce`). Unknown function names give an unknown value, not an error. The string
//! functions keep the known text of a partly known string (`partial.rs`).

mod collections;
mod deployment;
mod encoding;
mod format;
#[cfg(test)]
mod fuzz_tests;
mod logic;
mod numeric;
mod objects;
mod partial;
mod resource_ids;
mod search;
mod strings;
mod support;
#[cfg(test)]
pub(super) mod testing;

use std::fmt::Display;

use super::{Context, EvalError, Expr};
use crate::formats::arm::value::{Kind, Val};

/// An eager function: gets evaluated arguments.
type Func = fn(&mut Args<'_>, &dyn Context) -> Result<Val, EvalError>;
/// A lazy function: evaluates its own arguments; gets the call's offset for errors.
type LazyFunc = fn(&[Expr], &dyn Context, usize) -> Result<Val, EvalError>;

/// How a function is called.
#[derive(Clone, Copy)]
enum Imp {
    /// Arguments evaluated first; any unknown argument makes the call unknown.
    Eager(Func),
    /// Arguments evaluated first; the function handles unknown arguments itself.
    SeesUnknowns(Func),
    /// The function evaluates its arguments itself.
    Lazy(LazyFunc),
}

/// A function's canonical name (for error messages) and implementation.
#[derive(Clone, Copy)]
struct Def {
    name: &'static str,
    imp: Imp,
}

const fn eager(name: &'static str, f: Func) -> Option<Def> {
    Some(Def { name, imp: Imp::Eager(f) })
}

const fn sees_unknowns(name: &'static str, f: Func) -> Option<Def> {
    Some(Def { name, imp: Imp::SeesUnknowns(f) })
}

const fn lazy(name: &'static str, f: LazyFunc) -> Option<Def> {
    Some(Def { name, imp: Imp::Lazy(f) })
}

/// Lambda-taking functions: evaluating lambdas is out of scope.
const LAMBDAS: &[&str] =
    &["filter", "map", "reduce", "sort", "toobject", "groupby", "mapvalues", "lambda", "lambdavariables"];

/// Calls the function `name` (as written at character `offset`) with unevaluated `args`.
pub(super) fn call(name: &str, args: &[Expr], offset: usize, ctx: &dyn Context) -> Result<Val, EvalError> {
    // Lower-case short ASCII names on the stack: this runs for every call.
    let mut buf = [0u8; 48];
    let owned;
    let lower: &str = match buf.get_mut(..name.len()) {
        Some(slot) if name.is_ascii() => {
            slot.copy_from_slice(name.as_bytes());
            slot.make_ascii_lowercase();
            std::str::from_utf8(slot).unwrap_or_default()
        }
        _ => {
            owned = name.to_ascii_lowercase();
            &owned
        }
    };
    let found = logic::lookup(lower)
        .or_else(|| strings::lookup(lower))
        .or_else(|| format::lookup(lower))
        .or_else(|| search::lookup(lower))
        .or_else(|| encoding::lookup(lower))
        .or_else(|| collections::lookup(lower))
        .or_else(|| numeric::lookup(lower))
        .or_else(|| objects::lookup(lower))
        .or_else(|| deployment::lookup(lower))
        .or_else(|| resource_ids::lookup(lower));
    let Some(def) = found else {
        if LAMBDAS.contains(&lower) {
            return Ok(Val::unknown(format!("lambda functions are not evaluated ({name})")));
        }
        return Ok(Val::unknown(format!("function {name} is not supported")));
    };
    let (f, propagate) = match def.imp {
        Imp::Lazy(f) => return f(args, ctx, offset),
        Imp::Eager(f) => (f, true),
        Imp::SeesUnknowns(f) => (f, false),
    };
    let vals = args.iter().map(|a| a.evaluate(ctx)).collect::<Result<Vec<_>, _>>()?;
    let mut args = Args { name: def.name, written: name, vals, offset };
    if propagate && let Some(u) = args.vals.iter().find(|v| v.is_unknown()) {
        return Ok(partial::call(lower, &args).unwrap_or_else(|| support::unknown_like(u)));
    }
    f(&mut args, ctx)
}

/// An error located in the expression: `"{msg} (at offset {offset})"`.
pub(super) fn located(msg: impl Display, offset: usize) -> EvalError {
    EvalError(format!("{msg} (at offset {offset})"))
}

/// The index of `key` among object entries: exact match first, then ignoring ASCII case.
pub(super) fn find_key(entries: &[(String, Val)], key: &str) -> Option<usize> {
    entries.iter().position(|(k, _)| k == key).or_else(|| entries.iter().position(|(k, _)| k.eq_ignore_ascii_case(key)))
}

/// Evaluated arguments of one call, with typed accessors whose errors name the function.
pub(super) struct Args<'a> {
    /// The canonical function name (`substring`).
    name: &'static str,
    /// The name as written in the template.
    written: &'a str,
    /// The argument values.
    vals: Vec<Val>,
    /// Character offset of the call in the expression.
    offset: usize,
}

impl Args<'_> {
    /// The number of arguments.
    fn len(&self) -> usize {
        self.vals.len()
    }

    /// An error naming the function and where it is called.
    fn err(&self, msg: impl Display) -> EvalError {
        located(format_args!("{}: {msg}", self.name), self.offset)
    }

    /// Checks the argument count.
    fn arity(&self, min: usize, max: usize) -> Result<(), EvalError> {
        let n = self.len();
        if n >= min && n <= max {
            return Ok(());
        }
        let plural = |k: usize| if k == 1 { "argument" } else { "arguments" };
        let want = if min == max {
            format!("{min} {}", plural(min))
        } else if max == usize::MAX {
            format!("at least {min} {}", plural(min))
        } else if max == min + 1 {
            format!("{min} or {max} arguments")
        } else {
            format!("{min} to {max} arguments")
        };
        Err(self.err(format_args!("expected {want}, got {n}")))
    }

    /// Argument `i` (0-based).
    fn val(&self, i: usize) -> Result<&Val, EvalError> {
        self.vals.get(i).ok_or_else(|| self.err(format_args!("argument {} is missing", i + 1)))
    }

    /// Argument `i`, moved out (a `null` is left behind).
    fn take(&mut self, i: usize) -> Result<Val, EvalError> {
        match self.vals.get_mut(i) {
            Some(v) => Ok(std::mem::replace(v, Val::null())),
            None => Err(self.err(format_args!("argument {} is missing", i + 1))),
        }
    }

    /// All arguments, moved out.
    fn take_all(&mut self) -> Vec<Val> {
        std::mem::take(&mut self.vals)
    }

    /// "argument 2 must be an Int, got String".
    fn wrong_type(&self, i: usize, expected: &str) -> EvalError {
        let got = self.vals.get(i).map_or("nothing", Val::type_name);
        self.err(format_args!("argument {} must be {expected}, got {got}", i + 1))
    }

    /// Argument `i` as a string.
    fn str(&self, i: usize) -> Result<&str, EvalError> {
        match &self.val(i)?.kind {
            Kind::Str(s) => Ok(s),
            _ => Err(self.wrong_type(i, "a String")),
        }
    }

    /// Argument `i` as an integer.
    fn int(&self, i: usize) -> Result<i64, EvalError> {
        match self.val(i)?.kind {
            Kind::Int(n) => Ok(n),
            _ => Err(self.wrong_type(i, "an Int")),
        }
    }

    /// Argument `i` as a boolean.
    fn bool(&self, i: usize) -> Result<bool, EvalError> {
        match self.val(i)?.kind {
            Kind::Bool(b) => Ok(b),
            _ => Err(self.wrong_type(i, "a Bool")),
        }
    }

    /// Argument `i` as an array.
    fn array(&self, i: usize) -> Result<&[Val], EvalError> {
        match &self.val(i)?.kind {
            Kind::Array(items) => Ok(items),
            _ => Err(self.wrong_type(i, "an Array")),
        }
    }

    /// Argument `i` as an object.
    fn object(&self, i: usize) -> Result<&[(String, Val)], EvalError> {
        match &self.val(i)?.kind {
            Kind::Object(entries) => Ok(entries),
            _ => Err(self.wrong_type(i, "an Object")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{err, err_at, ok, reason};
    use serde_json::json;

    #[test]
    fn names_are_case_insensitive() {
        assert_eq!(ok("[CONCAT('a', ToUpper('b'))]"), json!("aB"));
    }

    #[test]
    fn unknown_functions_and_lambdas_are_unknown() {
        assert_eq!(reason("[myNs.myFunc(1)]"), "function myNs.myFunc is not supported");
        assert_eq!(reason("[frobnicate()]"), "function frobnicate is not supported");
        assert_eq!(reason("[fünktion()]"), "function fünktion is not supported");
        let long = "x".repeat(60);
        assert_eq!(reason(&format!("[{long}()]")), format!("function {long} is not supported"));
        assert_eq!(
            reason("[filter(parameters('arr'), lambda('x', greater(lambdaVariables('x'), 1)))]"),
            "lambda functions are not evaluated (filter)"
        );
        assert_eq!(reason("[map(createArray(1), lambda('x', 1))]"), "lambda functions are not evaluated (map)");
    }

    #[test]
    fn first_unknown_argument_wins() {
        assert_eq!(reason("[concat(parameters('unk'), resourceGroup().location)]"), "u is unknown");
        assert_eq!(
            reason("[concat(resourceGroup().location, parameters('unk'))]"),
            "resourceGroup().location is only known at deployment"
        );
    }

    #[test]
    fn errors_in_later_arguments_still_surface() {
        assert_eq!(err("[concat(parameters('unk'), parameters('missing'))]"), "parameter 'missing' is not defined");
    }

    #[test]
    fn arity_errors() {
        assert_eq!(err("[substring('a')]"), "substring: expected 2 or 3 arguments, got 1");
        assert_eq!(err("[toLower()]"), "toLower: expected 1 argument, got 0");
        assert_eq!(err("[concat()]"), "concat: expected at least 1 argument, got 0");
    }

    #[test]
    fn errors_say_where_in_the_expression() {
        assert_eq!(
            err_at("[concat('a', substring('hello', 9))]"),
            "substring: start index 9 is beyond the string of length 5 (at offset 12)"
        );
        assert_eq!(err_at("[if(true, and(true, 1), 0)]"), "and: argument 2 must be a Bool, got Int (at offset 9)");
        assert_eq!(
            err_at("[parameters('obj').zz]"),
            "property 'zz' does not exist; available properties are 'a, B, nested' (at offset 17)"
        );
        assert_eq!(err_at("[parameters('arr')[5]]"), "index 5 is out of range for an array of length 3 (at offset 17)");
        // Errors from the context are passed on as they are.
        assert_eq!(err_at("[parameters('missing')]"), "parameter 'missing' is not defined");
    }
}
