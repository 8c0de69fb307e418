//! Object functions: `json`, `null`, `createObject`, `union`, `intersection`,
//! `coalesce`, `items`, `objectKeys`, `tryGet`, `shallowMerge`.
//!
//! Containers may hold unknown members without being unknown themselves; member
//! values are moved into results unchanged, so they keep their origins.

use std::cmp::Ordering;

use super::support::{Distinct, check_items, contains_item, deep_eq, parse_json, unknown_from};
use super::{Args, Def, eager, find_key, lazy, located, sees_unknowns};
use crate::formats::arm::expr::{Context, EvalError, Expr};
use crate::formats::arm::value::{Kind, Val};

pub(super) fn lookup(name: &str) -> Option<Def> {
    match name {
        "json" => eager("json", json),
        "null" => eager("null", |a, _| a.arity(0, 0).map(|()| Val::null())),
        "createobject" => sees_unknowns("createObject", create_object),
        "union" => eager("union", union),
        "intersection" => eager("intersection", intersection),
        "coalesce" => lazy("coalesce", coalesce),
        "items" => eager("items", items),
        "objectkeys" => eager("objectKeys", object_keys),
        "tryget" => eager("tryGet", try_get),
        "shallowmerge" => eager("shallowMerge", shallow_merge),
        _ => None,
    }
}

fn json(args: &mut Args<'_>, _: &dyn Context) -> Result<Val, EvalError> {
    args.arity(1, 1)?;
    parse_json(args, args.str(0)?)
}

fn create_object(args: &mut Args<'_>, _: &dyn Context) -> Result<Val, EvalError> {
    if !args.len().is_multiple_of(2) {
        return Err(args.err(format_args!("expected key and value pairs, got {} arguments", args.len())));
    }
    let vals = args.take_all();
    let mut entries: Vec<(String, Val)> = Vec::with_capacity(vals.len() / 2);
    let mut it = vals.into_iter().enumerate();
    while let (Some((i, key)), Some((_, value))) = (it.next(), it.next()) {
        let key = match key.kind {
            Kind::Str(s) => s,
            Kind::Unknown(reason) => return Ok(Val::new(Kind::Unknown(reason))),
            _ => return Err(args.err(format_args!("key {} must be a String, got {}", i / 2 + 1, key.type_name()))),
        };
        set(&mut entries, key, value);
    }
    Ok(Val::new(Kind::Object(entries.into())))
}

/// Sets `key` (case-insensitively), keeping the first spelling of the key.
fn set(entries: &mut Vec<(String, Val)>, key: String, value: Val) {
    match find_key(entries, &key).and_then(|i| entries.get_mut(i)) {
        Some(slot) => slot.1 = value,
        None => entries.push((key, value)),
    }
}

/// Merges `value` into `entries[key]`: objects merge recursively, anything else replaces.
fn merge_into(entries: &mut Vec<(String, Val)>, key: String, value: Val) {
    let existing = find_key(entries, &key).and_then(|i| entries.get_mut(i));
    match (existing, value.kind) {
        (Some(slot), Kind::Object(later)) if matches!(slot.1.kind, Kind::Object(_)) => {
            let mut merged = match std::mem::replace(&mut slot.1, Val::null()).kind {
                Kind::Object(earlier) => earlier.to_vec(),
                _ => Vec::new(),
            };
            for (k, v) in later.iter() {
                merge_into(&mut merged, k.clone(), v.clone());
            }
            slot.1 = Val::new(Kind::Object(merged.into()));
        }
        (_, kind) => set(entries, key, Val { kind, origin: value.origin, partial: None }),
    }
}

/// Objects: later members win, nested objects merge (as ARM documents). Arrays: distinct
/// elements in order.
fn union(args: &mut Args<'_>, _: &dyn Context) -> Result<Val, EvalError> {
    args.arity(1, usize::MAX)?;
    let all = args.take_all();
    let objects = matches!(all.first().map(|v| &v.kind), Some(Kind::Object(_)));
    let mut entries = Vec::new();
    let mut items = Distinct::default();
    for (i, v) in all.into_iter().enumerate() {
        match (objects, v.kind) {
            (true, Kind::Object(members)) => {
                for (k, member) in members.iter() {
                    merge_into(&mut entries, k.clone(), member.clone());
                }
            }
            (false, Kind::Array(elements)) => {
                check_items(args, items.len().saturating_add(elements.len()))?;
                elements.iter().for_each(|e| items.push(e.clone()));
            }
            (_, kind) => {
                let got = Val::new(kind).type_name();
                let want = if objects { "an Object" } else { "an Array" };
                return Err(args.err(format_args!("argument {} must be {want} like argument 1, got {got}", i + 1)));
            }
        }
    }
    Ok(Val::new(if objects { Kind::Object(entries.into()) } else { Kind::Array(items.into_vec().into()) }))
}

fn intersection(args: &mut Args<'_>, _: &dyn Context) -> Result<Val, EvalError> {
    args.arity(2, usize::MAX)?;
    let all = args.take_all();
    let Some((first, others)) = all.split_first() else { return Ok(Val::null()) };
    let kind_ok: fn(&Kind) -> bool = match &first.kind {
        Kind::Object(_) => |k| matches!(k, Kind::Object(_)),
        Kind::Array(_) => |k| matches!(k, Kind::Array(_)),
        _ => return Err(args.err(format_args!("argument 1 must be an Array or an Object, got {}", first.type_name()))),
    };
    if let Some((i, v)) = others.iter().enumerate().find(|(_, v)| !kind_ok(&v.kind)) {
        return Err(args.err(format_args!(
            "argument {} must have the type of argument 1, got {}",
            i + 2,
            v.type_name()
        )));
    }
    let mut unknown = None;
    let mut keep = |decided: Result<bool, std::rc::Rc<str>>| match decided {
        Ok(b) => b,
        Err(reason) => {
            unknown.get_or_insert(reason);
            false
        }
    };
    let result = match &first.kind {
        Kind::Object(entries) => Kind::Object(
            entries
                .iter()
                .filter(|(k, v)| {
                    others.iter().all(|o| match o.get(k) {
                        Some(w) => keep(deep_eq(v, w)),
                        None => false,
                    })
                })
                .cloned()
                .collect(),
        ),
        Kind::Array(elements) => {
            let mut out = Distinct::default();
            for e in elements.iter() {
                let in_all = others.iter().all(|o| match &o.kind {
                    Kind::Array(items) => keep(contains_item(items, e)),
                    _ => false,
                });
                if in_all {
                    out.push(e.clone());
                }
            }
            Kind::Array(out.into_vec().into())
        }
        _ => Kind::Null,
    };
    Ok(match unknown {
        Some(reason) => unknown_from(&reason),
        None => Val::new(result),
    })
}

/// The first argument that is not null, unchanged; an unknown before it wins.
fn coalesce(args: &[Expr], ctx: &dyn Context, offset: usize) -> Result<Val, EvalError> {
    if args.is_empty() {
        return Err(located("coalesce: expected at least 1 argument, got 0", offset));
    }
    for arg in args {
        let v = arg.evaluate(ctx)?;
        if !matches!(v.kind, Kind::Null) {
            return Ok(v);
        }
    }
    Ok(Val::null())
}

/// `[{key, value}, …]` sorted by key, values unchanged.
fn items(args: &mut Args<'_>, _: &dyn Context) -> Result<Val, EvalError> {
    args.arity(1, 1)?;
    args.object(0)?;
    let Kind::Object(entries) = args.take(0)?.kind else { return Ok(Val::null()) };
    let mut entries = entries.to_vec();
    entries.sort_by(|(a, _), (b, _)| {
        let folded = a.chars().map(|c| c.to_ascii_lowercase()).cmp(b.chars().map(|c| c.to_ascii_lowercase()));
        if folded == Ordering::Equal { a.cmp(b) } else { folded }
    });
    let out = entries
        .into_iter()
        .map(|(k, v)| Val::new(Kind::Object(vec![("key".to_owned(), Val::str(k)), ("value".to_owned(), v)].into())))
        .collect();
    Ok(Val::new(Kind::Array(out)))
}

fn object_keys(args: &mut Args<'_>, _: &dyn Context) -> Result<Val, EvalError> {
    args.arity(1, 1)?;
    let keys = args.object(0)?.iter().map(|(k, _)| Val::str(k.as_str())).collect();
    Ok(Val::new(Kind::Array(keys)))
}

/// `tryGet(value, key, …)`: the member or element (origin kept), or null when absent.
fn try_get(args: &mut Args<'_>, _: &dyn Context) -> Result<Val, EvalError> {
    args.arity(2, usize::MAX)?;
    let mut all = args.take_all().into_iter();
    let mut at = all.next().unwrap_or_else(Val::null);
    for (i, key) in all.enumerate() {
        let next = match (at.kind, &key.kind) {
            (Kind::Unknown(reason), _) => return Ok(Val::new(Kind::Unknown(reason))),
            (Kind::Null, _) => return Ok(Val::null()),
            (Kind::Object(entries), Kind::Str(k)) => {
                find_key(&entries, k).and_then(|j| entries.get(j)).map(|e| e.1.clone())
            }
            (Kind::Array(items), Kind::Int(n)) => usize::try_from(*n).ok().and_then(|j| items.get(j).cloned()),
            (Kind::Object(_) | Kind::Array(_), _) => {
                return Err(args.err(format_args!("key {} must be a String for objects or an Int for arrays", i + 1)));
            }
            (kind, _) => {
                let got = Val::new(kind).type_name();
                return Err(args.err(format_args!("cannot look up key {} in a value of type {got}", i + 1)));
            }
        };
        at = next.unwrap_or_else(Val::null);
    }
    Ok(at)
}

fn shallow_merge(args: &mut Args<'_>, _: &dyn Context) -> Result<Val, EvalError> {
    args.arity(1, 1)?;
    if let Some(reason) = args.array(0)?.iter().find_map(Val::unknown_reason) {
        return Ok(Val::unknown(reason));
    }
    let mut entries = Vec::new();
    if let Kind::Array(objects) = args.take(0)?.kind {
        for o in objects.iter() {
            match &o.kind {
                Kind::Object(members) => members.iter().for_each(|(k, v)| set(&mut entries, k.clone(), v.clone())),
                Kind::Null => {}
                _ => return Err(args.err(format_args!("elements must be Objects, found {}", o.type_name()))),
            }
        }
    }
    Ok(Val::new(Kind::Object(entries.into())))
}

#[cfg(test)]
#[path = "objects_tests.rs"]
mod tests;
