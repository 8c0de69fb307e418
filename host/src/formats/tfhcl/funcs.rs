//! The built-in functions real image code uses (`lookup`, `split`, `join`, `format`, `try`, …,
//! and the `list()` / `map()` removed in Terraform 0.15). Results keep where their data was
//! written: `lookup` gives the element itself, `split` parts point at the string split. Any other
//! function is an unknown naming it.

use std::collections::BTreeMap;

use entitle_sdk::model::Source;
use hcl_edit::expr::FuncCall;

use super::eval::{Eval, Scope};
use super::files::File;
use super::ops::same;
use super::strings;
use super::value::{Kind, Val};

/// Calls function `name` (arguments evaluated here; `try` and `can` lazily).
pub fn call(
    ev: &Eval<'_>,
    file: &File,
    name: &str,
    call: &FuncCall,
    ptr: &str,
    scope: &Scope,
    at: Option<Source>,
) -> Val {
    match name {
        "try" => {
            let mut last = Val::error("try() has no arguments", at.clone());
            for arg in call.args.iter() {
                let v = ev.eval(file, arg, ptr, scope);
                if !v.is_error() {
                    return v;
                }
                last = v;
            }
            return last;
        }
        "can" => {
            let Some(arg) = call.args.iter().next() else { return Val::error("can() needs an argument", at) };
            let v = ev.eval(file, arg, ptr, scope);
            return match &v.kind {
                Kind::Unknown(u) if u.error => Val::new(Kind::Bool(false), at),
                Kind::Unknown(_) => v,
                _ => Val::new(Kind::Bool(true), at),
            };
        }
        _ => {}
    }
    let mut args: Vec<Val> = call.args.iter().map(|a| ev.eval(file, a, ptr, scope)).collect();
    if call.args.expand_final() {
        match args.pop().map(|v| (v.kind.clone(), v)) {
            Some((Kind::List(_), v)) => args.extend(v.items().unwrap_or_default()),
            Some((_, v)) => return v,
            None => {}
        }
    }
    if matches!(name, "file" | "templatefile" | "fileexists") {
        if let Some(u) = args.iter().find(|a| a.is_unknown()) {
            return u.clone();
        }
        return super::reads::call(ev, name, &args, at);
    }
    ev.built(apply(name, args, at))
}

/// Applies function `name` to evaluated arguments.
pub fn apply(name: &str, args: Vec<Val>, at: Option<Source>) -> Val {
    // `coalesce` skips unknowns only when a known non-empty value comes first.
    if let Some(u) = args.iter().find(|a| a.is_unknown())
        && !matches!(name, "coalesce" | "list" | "map" | "tolist" | "toset" | "concat" | "merge" | "join" | "format")
    {
        return u.clone();
    }
    let bad = |why: &str| Val::error(format!("{name}(): {why}"), at.clone());
    let text = |i: usize| args.get(i).and_then(Val::as_text);
    let list = |i: usize| args.get(i).and_then(Val::items);
    let new = |kind: Kind| Val::new(kind, at.clone());
    match name {
        "lookup" => match (args.first(), text(1)) {
            (Some(map), Some(key)) if matches!(map.kind, Kind::Map(_) | Kind::Resource(..)) => match map.member(&key) {
                Some(v) => v,
                None if args[1].read.is_some() => {
                    args.get(2).cloned().unwrap_or_else(|| bad("no such key and no default"))
                }
                None => args.get(2).cloned().unwrap_or_else(|| bad(&format!("no key {key:?} and no default"))),
            },
            _ => bad("needs a map and a string key"),
        },
        "element" => match (list(0), args.get(1).and_then(Val::as_number)) {
            (Some(items), Some(i)) if !items.is_empty() && i >= 0.0 => items[(i as usize) % items.len()].clone(),
            _ => bad("needs a non-empty list and an index"),
        },
        "coalesce" => {
            for a in &args {
                if a.is_unknown() {
                    return a.clone();
                }
                if !matches!(&a.kind, Kind::Null) && a.as_text().as_deref() != Some("") {
                    return a.clone();
                }
            }
            bad("no non-null, non-empty argument")
        }
        "merge" => {
            let mut out = BTreeMap::new();
            for a in &args {
                match &a.kind {
                    Kind::Map(_) => out.extend(a.entries().unwrap_or_default()),
                    Kind::Null => {}
                    Kind::Unknown(_) => return a.clone(),
                    _ => return bad("needs maps"),
                }
            }
            new(Kind::map(out))
        }
        "concat" => {
            let mut out = Vec::new();
            for a in &args {
                match &a.kind {
                    Kind::List(_) => out.extend(a.items().unwrap_or_default()),
                    Kind::Unknown(_) => return a.clone(),
                    _ => return bad("needs lists"),
                }
            }
            new(Kind::list(out))
        }
        "length" => match args.first().map(|a| &a.kind) {
            Some(Kind::List(items)) => new(Kind::Num(items.len() as f64)),
            Some(Kind::Map(m)) => new(Kind::Num(m.len() as f64)),
            Some(Kind::Str(s)) => new(Kind::Num(s.chars().count() as f64)),
            _ => bad("needs a list, map or string"),
        },
        "contains" => match (list(0), args.get(1)) {
            (Some(items), Some(v)) => new(Kind::Bool(items.iter().any(|i| same(i, v)))),
            _ => bad("needs a list and a value"),
        },
        "keys" | "values" => match args.first().map(|a| &a.kind) {
            Some(Kind::Map(m)) if name == "keys" => {
                new(Kind::list(m.keys().map(|k| Val::str(k.clone(), at.clone())).collect()))
            }
            Some(Kind::Map(_)) => {
                new(Kind::list(args[0].entries().unwrap_or_default().into_iter().map(|(_, v)| v).collect()))
            }
            _ => bad("needs a map"),
        },
        "tomap" => match args.first() {
            Some(a) if matches!(a.kind, Kind::Map(_) | Kind::Unknown(_) | Kind::Null) => a.clone(),
            _ => bad("needs a map"),
        },
        "tolist" | "toset" => match args.first() {
            Some(a) if matches!(a.kind, Kind::Unknown(_) | Kind::Null) => a.clone(),
            Some(list @ Val { kind: Kind::List(items), .. }) => {
                if name != "toset" {
                    return list.clone();
                }
                let mut unique: Vec<Val> = Vec::new();
                for i in items.iter() {
                    if !unique.iter().any(|u| same(u, i)) {
                        unique.push(i.clone());
                    }
                }
                Val { kind: Kind::list(unique), ..list.clone() }
            }
            _ => bad("needs a list"),
        },
        "list" => new(Kind::list(args)),
        "map" => {
            if !args.len().is_multiple_of(2) {
                return bad("needs key, value pairs");
            }
            let mut out = BTreeMap::new();
            for pair in args.chunks(2) {
                match pair[0].as_text() {
                    Some(k) => out.insert(k, pair[1].clone()),
                    None => return bad("needs string keys"),
                };
            }
            new(Kind::map(out))
        }
        "range" => {
            let n: Option<Vec<f64>> = args.iter().map(Val::as_number).collect();
            let (start, end, step) = match n.as_deref() {
                Some([end]) => (0.0, *end, 1.0),
                Some([start, end]) => (*start, *end, if end >= start { 1.0 } else { -1.0 }),
                Some([start, end, step]) if *step != 0.0 => (*start, *end, *step),
                _ => return bad("needs one to three numbers"),
            };
            let mut out = Vec::new();
            let mut i = start;
            while (step > 0.0 && i < end) || (step < 0.0 && i > end) {
                out.push(Val::new(Kind::Num(i), at.clone()));
                i += step;
                if out.len() > 1024 {
                    return Val::unknown("range() of more than 1024 elements is not expanded", at);
                }
            }
            new(Kind::list(out))
        }
        "one" => match list(0) {
            Some(items) if items.is_empty() => new(Kind::Null),
            Some(items) if items.len() == 1 => items[0].clone(),
            _ => bad("needs a list of at most one element"),
        },
        "flatten" => match args.first() {
            Some(a) => {
                let mut out = Vec::new();
                if let Some(u) = flatten(a, &mut out) {
                    return u;
                }
                new(Kind::list(out))
            }
            None => bad("needs a list"),
        },
        "base64encode" => match args.first().and_then(|a| a.as_text().map(|t| (a, t))) {
            Some((a, t)) => Val { kind: Kind::Str(crate::formats::base64::encode(t.as_bytes())), ..a.clone() },
            None => bad("needs a string"),
        },
        "base64decode" => match args.first().and_then(|a| a.as_text().map(|t| (a, t))) {
            Some((a, t)) => match crate::formats::base64::decode_text(&t) {
                Some(text) => Val { kind: Kind::Str(text), ..a.clone() },
                None => bad("not base64 of UTF-8 text"),
            },
            None => bad("needs a string"),
        },
        // Text read from a file stays marked as read (it is used only as boot text).
        "jsonencode" => match args.first().map(known_json) {
            Some(Ok(json)) => Val { read: args.first().and_then(read_in), ..new(Kind::Str(json.to_string())) },
            Some(Err(unknown)) => unknown,
            None => bad("needs a value"),
        },
        "tostring" => match args.first() {
            Some(a) if a.as_text().is_some() => Val { kind: Kind::Str(a.as_text().unwrap_or_default()), ..a.clone() },
            Some(a) if matches!(a.kind, Kind::Null) => a.clone(),
            _ => bad("needs a primitive value"),
        },
        "tonumber" => match args.first().and_then(|a| a.as_number().map(|n| (a, n))) {
            Some((a, n)) => Val { kind: Kind::Num(n), ..a.clone() },
            None => bad("needs a number"),
        },
        "max" | "min" => {
            let n: Option<Vec<f64>> = args.iter().map(Val::as_number).collect();
            match n {
                Some(n) if !n.is_empty() => {
                    let pick = if name == "max" {
                        n.iter().copied().fold(f64::MIN, f64::max)
                    } else {
                        n.iter().copied().fold(f64::MAX, f64::min)
                    };
                    new(Kind::Num(pick))
                }
                _ => bad("needs numbers"),
            }
        }
        _ => strings::apply(name, &args, at),
    }
}

/// Flattens nested lists into `out`; returns an unknown element when one is met.
fn flatten(v: &Val, out: &mut Vec<Val>) -> Option<Val> {
    match &v.kind {
        Kind::List(_) => v.items().unwrap_or_default().iter().find_map(|i| flatten(i, out)),
        Kind::Unknown(_) => Some(v.clone()),
        _ => {
            out.push(v.clone());
            None
        }
    }
}

/// A fully known value as JSON (`jsonencode`), or the first unknown part inside it.
pub(super) fn known_json(v: &Val) -> Result<serde_json::Value, Val> {
    use serde_json::Value;
    Ok(match &v.kind {
        Kind::Null => Value::Null,
        Kind::Bool(b) => Value::Bool(*b),
        Kind::Num(n) => super::value::number_text(*n).parse::<Value>().unwrap_or(Value::Null),
        Kind::Str(s) => Value::String(s.clone()),
        Kind::List(items) => Value::Array(items.iter().map(known_json).collect::<Result<_, _>>()?),
        Kind::Map(map) | Kind::Resource(_, map) => {
            Value::Object(map.iter().map(|(k, v)| Ok((k.clone(), known_json(v)?))).collect::<Result<_, Val>>()?)
        }
        Kind::Unknown(_) => return Err(v.clone()),
    })
}

/// The read marker of the value or of any part of it.
pub(super) fn read_in(v: &Val) -> Option<std::rc::Rc<str>> {
    v.read.clone().or_else(|| match &v.kind {
        Kind::List(items) => items.iter().find_map(read_in),
        Kind::Map(map) | Kind::Resource(_, map) => map.values().find_map(read_in),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::tfhcl::value::samples::{list, s, text};

    fn map(pairs: &[(&str, Val)]) -> Val {
        Val::new(Kind::map(pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect()), None)
    }

    #[test]
    fn collection_functions() {
        let m = map(&[("rhel_sku", s("7.2")), ("centos_sku", s("7.3"))]);
        assert_eq!(text(apply("lookup", vec![m.clone(), s("rhel_sku")], None)), "7.2");
        assert_eq!(text(apply("lookup", vec![m.clone(), s("x"), s("d")], None)), "d");
        assert!(apply("lookup", vec![m.clone(), s("x")], None).is_error());
        assert_eq!(text(apply("length", vec![apply("keys", vec![m.clone()], None)], None)), "2");
        let merged = apply("merge", vec![m, map(&[("rhel_sku", s("8"))])], None);
        assert_eq!(text(merged.member("rhel_sku").unwrap()), "8");
        let r = apply("range", vec![Val::new(Kind::Num(2.0), None)], None);
        assert_eq!(r.show(), "[0, 1]");
        assert_eq!(apply("range", vec![Val::new(Kind::Num(0.0), None)], None).show(), "[]");
        assert_eq!(apply("concat", vec![list(vec![s("a")]), list(vec![s("b")])], None).show(), "[\"a\", \"b\"]");
        assert_eq!(apply("toset", vec![list(vec![s("a"), s("a")])], None).show(), "[\"a\"]");
        assert_eq!(text(apply("contains", vec![list(vec![s("a")]), s("a")], None)), "true");
        assert_eq!(apply("map", vec![s("k"), s("v")], None).show(), "{k = \"v\"}");
        assert_eq!(apply("list", vec![s("k")], None).show(), "[\"k\"]");
        assert_eq!(apply("one", vec![list(vec![])], None).show(), "null");
        assert_eq!(apply("flatten", vec![list(vec![list(vec![s("a")]), s("b")])], None).show(), "[\"a\", \"b\"]");
    }

    #[test]
    fn unknowns_propagate_with_their_reason() {
        let u = Val::unknown("var.os has no value", None);
        let out = apply("lookup", vec![map(&[]), u.clone()], None);
        assert_eq!(out.unknown_reason().unwrap().reason, "var.os has no value");
        assert_eq!(
            apply("join", vec![s(","), list(vec![u.clone()])], None).unknown_reason().unwrap().reason,
            "var.os has no value"
        );
        assert!(
            apply("coalesce", vec![u, s("x")], None).is_unknown(),
            "an unknown first argument may be the chosen one"
        );
        let other = apply("sha256", vec![s("x")], None);
        assert!(other.unknown_reason().unwrap().reason.contains("sha256"));
    }
}
