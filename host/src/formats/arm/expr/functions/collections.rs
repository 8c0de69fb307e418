//! Array (and string-or-array) functions: `array`, `createArray`, `length`, `empty`,
//! `contains`, `first`, `last`, `take`, `skip`, `range`, `flatten`.
//!
//! Elements are moved into results unchanged, so they keep their origins; the new
//! array itself has none. `createArray` may hold unknown elements without being unknown.

use super::support::{check_items, contains_item, find_chars, scalar_text, unknown_from};
use super::{Args, Def, eager, find_key, sees_unknowns};
use crate::formats::arm::expr::{Context, EvalError};
use crate::formats::arm::value::{Kind, Val};

/// ARM's limit on `range()` counts.
const MAX_RANGE: i64 = 10_000;

pub(super) fn lookup(name: &str) -> Option<Def> {
    match name {
        "array" => eager("array", array),
        "createarray" => sees_unknowns("createArray", |a, _| Ok(Val::new(Kind::Array(a.take_all().into())))),
        "length" => eager("length", length),
        "empty" => eager("empty", empty),
        "contains" => eager("contains", contains),
        "first" => eager("first", |a, _| end(a, false)),
        "last" => eager("last", |a, _| end(a, true)),
        "take" => eager("take", |a, _| take_skip(a, true)),
        "skip" => eager("skip", |a, _| take_skip(a, false)),
        "range" => eager("range", range),
        "flatten" => eager("flatten", flatten),
        _ => None,
    }
}

fn array(args: &mut Args<'_>, _: &dyn Context) -> Result<Val, EvalError> {
    args.arity(1, 1)?;
    let v = args.take(0)?;
    Ok(if matches!(v.kind, Kind::Array(_)) { v } else { Val::new(Kind::Array(vec![v].into())) })
}

fn count(n: usize) -> Val {
    Val::int(i64::try_from(n).unwrap_or(i64::MAX))
}

fn length(args: &mut Args<'_>, _: &dyn Context) -> Result<Val, EvalError> {
    args.arity(1, 1)?;
    match &args.val(0)?.kind {
        Kind::Str(s) => Ok(count(s.chars().count())),
        Kind::Array(items) => Ok(count(items.len())),
        Kind::Object(entries) => Ok(count(entries.len())),
        _ => Err(args.wrong_type(0, "a String, Array or Object")),
    }
}

fn empty(args: &mut Args<'_>, _: &dyn Context) -> Result<Val, EvalError> {
    args.arity(1, 1)?;
    match &args.val(0)?.kind {
        Kind::Null => Ok(Val::bool(true)),
        Kind::Str(s) => Ok(Val::bool(s.is_empty())),
        Kind::Array(items) => Ok(Val::bool(items.is_empty())),
        Kind::Object(entries) => Ok(Val::bool(entries.is_empty())),
        _ => Err(args.wrong_type(0, "a String, Array, Object or null")),
    }
}

fn contains(args: &mut Args<'_>, _: &dyn Context) -> Result<Val, EvalError> {
    args.arity(2, 2)?;
    let item = args.val(1)?;
    match &args.val(0)?.kind {
        Kind::Str(s) => match (&item.kind, scalar_text(item)) {
            (Kind::Str(_) | Kind::Int(_), Some(needle)) => {
                let (hay, needle): (Vec<char>, Vec<char>) = (s.chars().collect(), needle.chars().collect());
                Ok(Val::bool(find_chars(&hay, &needle, false, false).is_some()))
            }
            _ => Err(args.wrong_type(1, "a String or Int when searching a String")),
        },
        Kind::Object(entries) => match item.as_str() {
            Some(key) => Ok(Val::bool(find_key(entries, key).is_some())),
            None => Err(args.wrong_type(1, "a String when searching an Object")),
        },
        Kind::Array(items) => Ok(match contains_item(items, item) {
            Ok(found) => Val::bool(found),
            Err(reason) => unknown_from(&reason),
        }),
        _ => Err(args.wrong_type(0, "a String, Array or Object")),
    }
}

/// `first` / `last`: the element itself (origin kept), `null` for an empty array.
fn end(args: &mut Args<'_>, last: bool) -> Result<Val, EvalError> {
    args.arity(1, 1)?;
    let v = args.take(0)?;
    let type_name = v.type_name();
    match v.kind {
        Kind::Array(items) => {
            let picked = if last { items.last() } else { items.first() };
            Ok(picked.cloned().unwrap_or_else(Val::null))
        }
        Kind::Str(s) => {
            let c = if last { s.chars().next_back() } else { s.chars().next() };
            Ok(Val::str(c.map(String::from).unwrap_or_default()))
        }
        _ => Err(args.err(format_args!("argument 1 must be a String or an Array, got {type_name}"))),
    }
}

/// `take` / `skip`: counts below zero act as zero, counts past the end as the length.
fn take_skip(args: &mut Args<'_>, take: bool) -> Result<Val, EvalError> {
    args.arity(2, 2)?;
    let n = usize::try_from(args.int(1)?.max(0)).unwrap_or(usize::MAX);
    let v = args.take(0)?;
    let type_name = v.type_name();
    match v.kind {
        Kind::Array(items) => {
            let kept: Vec<Val> =
                if take { items.iter().take(n).cloned().collect() } else { items.iter().skip(n).cloned().collect() };
            Ok(Val::new(Kind::Array(kept.into())))
        }
        Kind::Str(s) => {
            let kept: String = if take { s.chars().take(n).collect() } else { s.chars().skip(n).collect() };
            Ok(Val::str(kept))
        }
        _ => Err(args.err(format_args!("argument 1 must be a String or an Array, got {type_name}"))),
    }
}

fn range(args: &mut Args<'_>, _: &dyn Context) -> Result<Val, EvalError> {
    args.arity(2, 2)?;
    let (start, n) = (args.int(0)?, args.int(1)?);
    if !(0..=MAX_RANGE).contains(&n) {
        return Err(args.err(format_args!("count {n} must be between 0 and {MAX_RANGE}")));
    }
    if start.checked_add(n).is_none_or(|end| end > i64::from(i32::MAX)) {
        return Err(args.err(format_args!("start index {start} plus count {n} must not exceed {}", i32::MAX)));
    }
    Ok(Val::new(Kind::Array((start..start + n).map(Val::int).collect())))
}

fn flatten(args: &mut Args<'_>, _: &dyn Context) -> Result<Val, EvalError> {
    args.arity(1, 1)?;
    let inner = args.array(0)?;
    if let Some(reason) = inner.iter().find_map(Val::unknown_reason) {
        return Ok(Val::unknown(reason));
    }
    let total = inner.iter().map(|v| if let Kind::Array(items) = &v.kind { items.len() } else { 0 }).sum();
    check_items(args, total)?;
    let mut out = Vec::with_capacity(total);
    let v = args.take(0)?;
    if let Kind::Array(items) = v.kind {
        for item in items.iter() {
            match &item.kind {
                Kind::Array(elements) => out.extend(elements.iter().cloned()),
                Kind::Null => {}
                _ => return Err(args.err(format_args!("elements must be Arrays, found {}", item.type_name()))),
            }
        }
    }
    Ok(Val::new(Kind::Array(out.into())))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{err, ok, reason, run};
    use crate::formats::arm::value::Kind;
    use serde_json::json;

    #[test]
    fn array_and_create_array() {
        assert_eq!(ok("[array('a')]"), json!(["a"]));
        assert_eq!(ok("[array(parameters('arr'))]"), json!([1, 2, 3]));
        assert_eq!(ok("[createArray()]"), json!([]));
        let v = run("[createArray(1, parameters('unk'))]").unwrap();
        let Kind::Array(items) = v.kind else { panic!("not an array") };
        assert_eq!(items[1].unknown_reason(), Some("u is unknown"));
        assert_eq!(reason("[array(parameters('unk'))]"), "u is unknown");
    }

    #[test]
    fn length_and_empty() {
        assert_eq!(ok("[length('héllo')]"), json!(5));
        assert_eq!(ok("[length(parameters('arr'))]"), json!(3));
        assert_eq!(ok("[length(parameters('obj'))]"), json!(3));
        assert_eq!(ok("[length(createArray(parameters('unk')))]"), json!(1));
        assert_eq!(err("[length(1)]"), "length: argument 1 must be a String, Array or Object, got Int");
        assert_eq!(ok("[empty('')]"), json!(true));
        assert_eq!(ok("[empty(null())]"), json!(true));
        assert_eq!(ok("[empty(parameters('obj'))]"), json!(false));
        assert_eq!(ok("[empty(createArray())]"), json!(true));
        assert_eq!(err("[empty(1)]"), "empty: argument 1 must be a String, Array, Object or null, got Int");
    }

    #[test]
    fn contains_per_type() {
        assert_eq!(ok("[contains('OneTwoThree', 'e')]"), json!(true));
        assert_eq!(ok("[contains('OneTwoThree', 'one')]"), json!(false));
        assert_eq!(ok("[contains('a1', 1)]"), json!(true));
        assert_eq!(ok("[contains(parameters('obj'), 'NESTED')]"), json!(true));
        assert_eq!(ok("[contains(parameters('obj'), 'two')]"), json!(false));
        assert_eq!(ok("[contains(parameters('strs'), 'three')]"), json!(true));
        assert_eq!(ok("[contains(parameters('strs'), 'Three')]"), json!(false));
        assert_eq!(ok("[contains(createArray(parameters('unk'), 'x'), 'x')]"), json!(true));
        assert_eq!(reason("[contains(createArray(parameters('unk'), 'x'), 'y')]"), "u is unknown");
        assert_eq!(err("[contains(1, 1)]"), "contains: argument 1 must be a String, Array or Object, got Int");
    }

    #[test]
    fn first_and_last_keep_origins() {
        assert_eq!(ok("[first(parameters('strs'))]"), json!("one"));
        assert_eq!(ok("[last(parameters('strs'))]"), json!("three"));
        assert_eq!(ok("[first('abc')]"), json!("a"));
        assert_eq!(ok("[last('abc')]"), json!("c"));
        assert_eq!(ok("[first(createArray())]"), json!(null));
        assert_eq!(ok("[last('')]"), json!(""));
        let v = run("[last(parameters('located').list)]").unwrap();
        assert_eq!(v.origin.unwrap().source.pointer, "/list/1");
        assert_eq!(err("[first(1)]"), "first: argument 1 must be a String or an Array, got Int");
    }

    #[test]
    fn take_and_skip() {
        assert_eq!(ok("[take(parameters('arr'), 2)]"), json!([1, 2]));
        assert_eq!(ok("[take(parameters('arr'), 9)]"), json!([1, 2, 3]));
        assert_eq!(ok("[take(parameters('arr'), -1)]"), json!([]));
        assert_eq!(ok("[skip(parameters('arr'), 2)]"), json!([3]));
        assert_eq!(ok("[skip('abcdef', 4)]"), json!("ef"));
        assert_eq!(ok("[take('abcdef', 2)]"), json!("ab"));
        let v = run("[skip(parameters('located').list, 1)]").unwrap();
        let Kind::Array(items) = v.kind else { panic!("not an array") };
        assert_eq!(items[0].origin.as_ref().unwrap().source.pointer, "/list/1");
        assert_eq!(err("[take(1, 1)]"), "take: argument 1 must be a String or an Array, got Int");
    }

    #[test]
    fn range_limits() {
        assert_eq!(ok("[range(1, 3)]"), json!([1, 2, 3]));
        assert_eq!(ok("[range(-2, 2)]"), json!([-2, -1]));
        assert_eq!(ok("[range(5, 0)]"), json!([]));
        assert_eq!(err("[range(0, 10001)]"), "range: count 10001 must be between 0 and 10000");
        assert_eq!(err("[range(0, -1)]"), "range: count -1 must be between 0 and 10000");
        assert_eq!(
            err("[range(9223372036854775807, 1)]"),
            "range: start index 9223372036854775807 plus count 1 must not exceed 2147483647"
        );
    }

    #[test]
    fn flatten_arrays() {
        assert_eq!(ok("[flatten(createArray(createArray(1, 2), createArray(3)))]"), json!([1, 2, 3]));
        assert_eq!(err("[flatten(createArray(1))]"), "flatten: elements must be Arrays, found Int");
        assert_eq!(reason("[flatten(createArray(parameters('unk')))]"), "u is unknown");
    }
}
