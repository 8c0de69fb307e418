//! String functions: `concat`, `string`, `toLower`, `toUpper`, `trim`, `split`, `join`,
//! `replace`, `substring`, `padLeft` (searches are in `search.rs`).
//!
//! Positions and lengths count characters (Unicode scalar values); `replace` is
//! case-sensitive.

use super::support::{any_text, check_items, check_len, deep_unknown, scalar_text, unknown_from};
use super::{Args, Def, eager};
use crate::formats::arm::expr::{Context, EvalError};
use crate::formats::arm::value::{Kind, Val};

pub(super) fn lookup(name: &str) -> Option<Def> {
    match name {
        "concat" => eager("concat", concat),
        "string" => eager("string", string),
        "tolower" => eager("toLower", |a, _| map_str(a, str::to_lowercase)),
        "toupper" => eager("toUpper", |a, _| map_str(a, str::to_uppercase)),
        "trim" => eager("trim", |a, _| map_str(a, |s| s.trim().to_owned())),
        "split" => eager("split", split),
        "join" => eager("join", join),
        "replace" => eager("replace", replace),
        "substring" => eager("substring", substring),
        "padleft" => eager("padLeft", pad_left),
        _ => None,
    }
}

fn map_str(args: &mut Args<'_>, f: fn(&str) -> String) -> Result<Val, EvalError> {
    args.arity(1, 1)?;
    Ok(Val::str(f(args.str(0)?)))
}

/// Arrays (elements kept unchanged) or strings (ints and bools written as text).
fn concat(args: &mut Args<'_>, _: &dyn Context) -> Result<Val, EvalError> {
    args.arity(1, usize::MAX)?;
    let arrays = args.take_all();
    let is_array =
        arrays.iter().find(|v| !matches!(v.kind, Kind::Null)).is_some_and(|v| matches!(v.kind, Kind::Array(_)));
    if is_array {
        let total = arrays.iter().map(|v| if let Kind::Array(items) = &v.kind { items.len() } else { 0 }).sum();
        check_items(args, total)?;
        let mut out = Vec::with_capacity(total);
        for (i, v) in arrays.into_iter().enumerate() {
            match v.kind {
                Kind::Array(items) => out.extend(items.iter().cloned()),
                Kind::Null => {}
                _ => return Err(args.err(format_args!("argument {} must be an Array, got {}", i + 1, v.type_name()))),
            }
        }
        return Ok(Val::new(Kind::Array(out.into())));
    }
    let mut parts = Vec::with_capacity(arrays.len());
    for (i, v) in arrays.iter().enumerate() {
        match scalar_text(v) {
            Some(text) => parts.push(text),
            None => {
                return Err(args.err(format_args!(
                    "argument {} must be a String or Int, got {}",
                    i + 1,
                    v.type_name()
                )));
            }
        }
    }
    check_len(args, parts.iter().map(String::len).sum())?;
    Ok(Val::str(parts.concat()))
}

fn string(args: &mut Args<'_>, _: &dyn Context) -> Result<Val, EvalError> {
    args.arity(1, 1)?;
    let v = args.val(0)?;
    if let Some(reason) = deep_unknown(v) {
        return Ok(unknown_from(reason));
    }
    if matches!(v.kind, Kind::Str(_)) {
        return args.take(0);
    }
    let text = any_text(v);
    check_len(args, text.len())?;
    Ok(Val::str(text))
}

/// The delimiters of `split`: one string or an array of strings.
fn delimiters(args: &Args<'_>) -> Result<Vec<String>, EvalError> {
    match &args.val(1)?.kind {
        Kind::Str(s) => Ok(vec![s.clone()]),
        Kind::Array(items) => items
            .iter()
            .map(|v| v.as_str().map(str::to_owned).ok_or_else(|| args.wrong_type(1, "a String or an Array of Strings")))
            .collect(),
        _ => Err(args.wrong_type(1, "a String or an Array of Strings")),
    }
}

fn split(args: &mut Args<'_>, _: &dyn Context) -> Result<Val, EvalError> {
    args.arity(2, 2)?;
    if let Some(reason) = deep_unknown(args.val(1)?) {
        return Ok(unknown_from(reason));
    }
    let text = args.str(0)?;
    let seps: Vec<String> = delimiters(args)?.into_iter().filter(|s| !s.is_empty()).collect();
    let mut parts = Vec::new();
    let mut start = 0;
    let mut at = 0;
    while let Some(rest) = text.get(at..) {
        let Some(c) = rest.chars().next() else { break };
        if let Some(sep) = seps.iter().find(|sep| rest.starts_with(sep.as_str())) {
            parts.push(Val::str(text.get(start..at).unwrap_or_default()));
            at += sep.len();
            start = at;
            check_items(args, parts.len())?;
        } else {
            at += c.len_utf8();
        }
    }
    parts.push(Val::str(text.get(start..).unwrap_or_default()));
    Ok(Val::new(Kind::Array(parts.into())))
}

fn join(args: &mut Args<'_>, _: &dyn Context) -> Result<Val, EvalError> {
    args.arity(2, 2)?;
    if let Some(reason) = deep_unknown(args.val(0)?) {
        return Ok(unknown_from(reason));
    }
    let sep = args.str(1)?;
    let mut parts = Vec::new();
    for v in args.array(0)? {
        match (&v.kind, scalar_text(v)) {
            (Kind::Null, _) | (_, None) => {
                return Err(args.err(format_args!("elements must be Strings, Ints or Bools, found {}", v.type_name())));
            }
            (_, Some(text)) => parts.push(text),
        }
    }
    let seps = sep.len().saturating_mul(parts.len().saturating_sub(1));
    check_len(args, parts.iter().map(String::len).sum::<usize>().saturating_add(seps))?;
    Ok(Val::str(parts.join(sep)))
}

fn replace(args: &mut Args<'_>, _: &dyn Context) -> Result<Val, EvalError> {
    args.arity(3, 3)?;
    let (text, old, new) = (args.str(0)?, args.str(1)?, args.str(2)?);
    if old.is_empty() {
        return Err(args.err("the string to replace cannot be empty"));
    }
    let count = text.matches(old).count();
    let grown = count.saturating_mul(new.len().saturating_sub(old.len()));
    check_len(args, text.len().saturating_add(grown))?;
    Ok(Val::str(text.replace(old, new)))
}

fn substring(args: &mut Args<'_>, _: &dyn Context) -> Result<Val, EvalError> {
    args.arity(2, 3)?;
    let text = args.str(0)?;
    let start = args.int(1)?;
    let len = text.chars().count();
    let start_at = usize::try_from(start).map_err(|_| args.err(format_args!("start index {start} is negative")))?;
    if start_at > len {
        return Err(args.err(format_args!("start index {start} is beyond the string of length {len}")));
    }
    let take = if args.len() == 3 {
        let n = args.int(2)?;
        let n_at = usize::try_from(n).map_err(|_| args.err(format_args!("length {n} is negative")))?;
        if n_at > len - start_at {
            return Err(
                args.err(format_args!("start index {start} plus length {n} is beyond the string of length {len}"))
            );
        }
        n_at
    } else {
        len - start_at
    };
    Ok(Val::str(text.chars().skip(start_at).take(take).collect::<String>()))
}

fn pad_left(args: &mut Args<'_>, _: &dyn Context) -> Result<Val, EvalError> {
    args.arity(2, 3)?;
    let text = match &args.val(0)?.kind {
        Kind::Str(s) => s.clone(),
        Kind::Int(i) => i.to_string(),
        _ => return Err(args.wrong_type(0, "a String or Int")),
    };
    let total = args.int(1)?;
    let total = usize::try_from(total).map_err(|_| args.err(format_args!("total length {total} is negative")))?;
    let pad = if args.len() == 3 {
        let s = args.str(2)?;
        let mut chars = s.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) => c,
            _ => return Err(args.err(format_args!("the padding must be a single character, got '{s}'"))),
        }
    } else {
        ' '
    };
    let len = text.chars().count();
    if total <= len {
        return Ok(Val::str(text));
    }
    check_len(args, (total - len).saturating_mul(pad.len_utf8()).saturating_add(text.len()))?;
    let mut out: String = std::iter::repeat_n(pad, total - len).collect();
    out.push_str(&text);
    Ok(Val::str(out))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{err, ok, reason, run};
    use serde_json::json;

    #[test]
    fn concat_strings_and_arrays() {
        assert_eq!(ok("[concat('vm-', parameters('count'), '-', true)]"), json!("vm-3-True"));
        assert_eq!(ok("[concat(parameters('arr'), createArray('x'), null())]"), json!([1, 2, 3, "x"]));
        assert_eq!(err("[concat('a', createArray())]"), "concat: argument 2 must be a String or Int, got Array");
        assert_eq!(err("[concat(createArray(), 'a')]"), "concat: argument 2 must be an Array, got String");
        assert_eq!(reason("[concat('a', parameters('unk'))]"), "u is unknown");
        assert_eq!(ok("[length(concat(createArray(parameters('unk')), parameters('arr')))]"), json!(4));
        assert_eq!(reason("[concat(parameters('arr'), parameters('unk'))]"), "u is unknown");
        let v = run("[concat(parameters('located').list, createArray('r'))]").unwrap();
        let crate::formats::arm::value::Kind::Array(items) = v.kind else { panic!() };
        assert_eq!(items[1].origin.as_ref().unwrap().source.pointer, "/list/1");
        assert!(items[2].origin.is_none() && v.origin.is_none());
    }

    #[test]
    fn string_conversion() {
        assert_eq!(ok("[string(5)]"), json!("5"));
        assert_eq!(ok("[string(false)]"), json!("False"));
        assert_eq!(ok("[string(parameters('obj'))]"), json!(r#"{"a":1,"B":"two","nested":{"x":[1,2]}}"#));
        assert_eq!(ok("[string(createArray('a', 1))]"), json!(r#"["a",1]"#));
        assert_eq!(reason("[string(parameters('mixed'))]"), "u is unknown");
        let v = run("[string(parameters('located').inner.leaf)]").unwrap();
        assert!(v.origin.is_some(), "a string passed through keeps its origin");
    }

    #[test]
    fn case_and_trim() {
        assert_eq!(ok("[toLower('AbC')]"), json!("abc"));
        assert_eq!(ok("[toUpper('AbC')]"), json!("ABC"));
        assert_eq!(ok("[trim('  x y \t')]"), json!("x y"));
        assert_eq!(err("[toLower(1)]"), "toLower: argument 1 must be a String, got Int");
    }

    #[test]
    fn split_and_join() {
        assert_eq!(ok("[split('a,b,,c', ',')]"), json!(["a", "b", "", "c"]));
        assert_eq!(ok("[split('a;b,c', createArray(',', ';'))]"), json!(["a", "b", "c"]));
        assert_eq!(ok("[split('abc', '')]"), json!(["abc"]));
        assert_eq!(ok("[split('é–ü', '–')]"), json!(["é", "ü"]));
        assert_eq!(err("[split('a', 1)]"), "split: argument 2 must be a String or an Array of Strings, got Int");
        assert_eq!(ok("[join(createArray('a', 1, true), '-')]"), json!("a-1-True"));
        assert_eq!(
            err("[join(createArray(createArray()), '-')]"),
            "join: elements must be Strings, Ints or Bools, found Array"
        );
    }

    #[test]
    fn replace_is_case_sensitive() {
        assert_eq!(ok("[replace('aAa', 'a', 'b')]"), json!("bAb"));
        assert_eq!(err("[replace('a', '', 'b')]"), "replace: the string to replace cannot be empty");
    }

    #[test]
    fn substring_bounds() {
        assert_eq!(ok("[substring('hello', 1, 3)]"), json!("ell"));
        assert_eq!(ok("[substring('hello', 2)]"), json!("llo"));
        assert_eq!(ok("[substring('hello', 5)]"), json!(""));
        assert_eq!(ok("[substring('héllo', 1, 1)]"), json!("é"));
        assert_eq!(err("[substring('hello', 9)]"), "substring: start index 9 is beyond the string of length 5");
        assert_eq!(err("[substring('hello', -1)]"), "substring: start index -1 is negative");
        assert_eq!(
            err("[substring('hello', 2, 9)]"),
            "substring: start index 2 plus length 9 is beyond the string of length 5"
        );
        assert_eq!(err("[substring('hello', 2, -1)]"), "substring: length -1 is negative");
    }

    #[test]
    fn pad_left() {
        assert_eq!(ok("[padLeft('7', 3, '0')]"), json!("007"));
        assert_eq!(ok("[padLeft(42, 4)]"), json!("  42"));
        assert_eq!(ok("[padLeft('long', 2, '0')]"), json!("long"));
        assert_eq!(err("[padLeft('7', 3, '00')]"), "padLeft: the padding must be a single character, got '00'");
        assert_eq!(err("[padLeft('7', -3)]"), "padLeft: total length -3 is negative");
        assert!(err("[padLeft('7', 999999999999)]").contains("longer than"));
    }
}
