//! Helpers shared by the function groups: unknowns inside containers, deep equality,
//! text conversion as ARM does it, JSON conversion and size limits.

use std::cmp::Ordering;
use std::collections::HashSet;
use std::rc::Rc;

use serde_json::Value;

use super::Args;
use crate::formats::arm::expr::EvalError;
use crate::formats::arm::value::{Kind, Val};

/// Longest string (in bytes) a function may build: far beyond any real template.
pub(super) const MAX_STRING: usize = 16 << 20;
/// Most elements a function may put in one array.
pub(super) const MAX_ITEMS: usize = 1 << 20;

/// A new unknown (no origin) with the same reason as `v`, which must be unknown.
pub(super) fn unknown_like(v: &Val) -> Val {
    match &v.kind {
        Kind::Unknown(reason) => Val::new(Kind::Unknown(reason.clone())),
        _ => Val::unknown("value is unknown"),
    }
}

/// A new unknown with `reason`.
pub(super) fn unknown_from(reason: &Rc<str>) -> Val {
    Val::new(Kind::Unknown(reason.clone()))
}

/// The reason of the first unknown anywhere inside `v` (depth first, in order).
pub(super) fn deep_unknown(v: &Val) -> Option<&Rc<str>> {
    match &v.kind {
        Kind::Unknown(reason) => Some(reason),
        Kind::Array(items) => items.iter().find_map(deep_unknown),
        Kind::Object(entries) => entries.iter().find_map(|(_, v)| deep_unknown(v)),
        _ => None,
    }
}

/// ARM equality: deep, strings case-sensitive, object keys case-insensitive, ints and
/// strings never equal. `Err(reason)` when an unknown decides the answer.
pub(super) fn deep_eq(a: &Val, b: &Val) -> Result<bool, Rc<str>> {
    match (&a.kind, &b.kind) {
        (Kind::Unknown(r), _) | (_, Kind::Unknown(r)) => Err(r.clone()),
        (Kind::Null, Kind::Null) => Ok(true),
        (Kind::Bool(x), Kind::Bool(y)) => Ok(x == y),
        (Kind::Int(x), Kind::Int(y)) => Ok(x == y),
        (Kind::Float(x), Kind::Float(y)) => Ok(x == y),
        #[allow(clippy::cast_precision_loss)]
        (Kind::Int(x), Kind::Float(y)) | (Kind::Float(y), Kind::Int(x)) => Ok(*x as f64 == *y),
        (Kind::Str(x), Kind::Str(y)) => Ok(x == y),
        (Kind::Array(x), Kind::Array(y)) => {
            if x.len() != y.len() {
                return Ok(false);
            }
            all_equal(x.iter().zip(y.iter()).map(|(p, q)| deep_eq(p, q)))
        }
        (Kind::Object(x), Kind::Object(y)) => {
            if x.len() != y.len() {
                return Ok(false);
            }
            all_equal(x.iter().map(|(k, v)| match b.get(k) {
                Some(w) => deep_eq(v, w),
                None => Ok(false),
            }))
        }
        _ => Ok(false),
    }
}

/// False if any is false, else unknown if any is unknown, else true.
fn all_equal(results: impl Iterator<Item = Result<bool, Rc<str>>>) -> Result<bool, Rc<str>> {
    let mut unknown = None;
    for r in results {
        match r {
            Ok(false) => return Ok(false),
            Ok(true) => {}
            Err(reason) => {
                unknown.get_or_insert(reason);
            }
        }
    }
    unknown.map_or(Ok(true), Err)
}

/// Whether `items` holds `item`: `Ok(true)` as soon as one is equal, unknown if an
/// unknown comparison could still make it true.
pub(super) fn contains_item(items: &[Val], item: &Val) -> Result<bool, Rc<str>> {
    let mut unknown = None;
    for v in items {
        match deep_eq(v, item) {
            Ok(true) => return Ok(true),
            Ok(false) => {}
            Err(reason) => {
                unknown.get_or_insert(reason);
            }
        }
    }
    unknown.map_or(Ok(false), Err)
}

/// A scalar that can be hashed for [`Distinct`].
#[derive(Hash, PartialEq, Eq)]
enum ScalarKey {
    Null,
    Bool(bool),
    Int(i64),
    Str(String),
}

/// Collects distinct elements (ARM equality) in first-seen order. Scalars are found
/// through a hash set so long arrays stay linear; other elements are compared one by
/// one. Elements whose equality is unknown are kept.
#[derive(Default)]
pub(super) struct Distinct {
    items: Vec<Val>,
    seen: HashSet<ScalarKey>,
    /// Positions of elements not in `seen` (floats, containers, unknowns).
    loose: Vec<usize>,
}

impl Distinct {
    /// Adds `v` unless an equal element is already there.
    pub(super) fn push(&mut self, v: Val) {
        let key = match &v.kind {
            Kind::Null => Some(ScalarKey::Null),
            Kind::Bool(b) => Some(ScalarKey::Bool(*b)),
            Kind::Int(i) => Some(ScalarKey::Int(*i)),
            Kind::Str(s) => Some(ScalarKey::Str(s.clone())),
            _ => None,
        };
        match key {
            Some(key) => {
                // An Int may also equal a Float kept loosely.
                let equal_loose =
                    || self.loose.iter().filter_map(|&i| self.items.get(i)).any(|w| deep_eq(w, &v) == Ok(true));
                if self.seen.contains(&key) || (matches!(v.kind, Kind::Int(_)) && equal_loose()) {
                    return;
                }
                self.seen.insert(key);
            }
            None => {
                if contains_item(&self.items, &v) == Ok(true) {
                    return;
                }
                self.loose.push(self.items.len());
            }
        }
        self.items.push(v);
    }

    /// The number of elements kept.
    pub(super) fn len(&self) -> usize {
        self.items.len()
    }

    /// The elements kept, in order.
    pub(super) fn into_vec(self) -> Vec<Val> {
        self.items
    }
}

/// A scalar as text the way ARM writes it inside strings (`True`, `42`, `` for null);
/// `None` for arrays, objects and unknowns.
pub(super) fn scalar_text(v: &Val) -> Option<String> {
    match &v.kind {
        Kind::Str(s) => Some(s.clone()),
        Kind::Int(i) => Some(i.to_string()),
        Kind::Bool(true) => Some("True".into()),
        Kind::Bool(false) => Some("False".into()),
        Kind::Float(_) => Some(v.to_json().to_string()),
        Kind::Null => Some(String::new()),
        Kind::Array(_) | Kind::Object(_) | Kind::Unknown(_) => None,
    }
}

/// Any known value as text: scalars as [`scalar_text`], containers as compact JSON in
/// member order. The caller checks for unknowns inside first.
pub(super) fn any_text(v: &Val) -> String {
    scalar_text(v).unwrap_or_else(|| {
        let mut out = String::new();
        write_json(v, &mut out);
        out
    })
}

/// Compact JSON of `v`, object members in their order (unknowns written as `null`).
fn write_json(v: &Val, out: &mut String) {
    match &v.kind {
        Kind::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(item, out);
            }
            out.push(']');
        }
        Kind::Object(entries) => {
            out.push('{');
            for (i, (k, item)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                write_json(item, out);
            }
            out.push('}');
        }
        _ => out.push_str(&v.to_json().to_string()),
    }
}

/// A JSON value as a computed [`Val`] (no origins).
pub(super) fn from_json(value: Value) -> Val {
    Val::new(match value {
        Value::Null => Kind::Null,
        Value::Bool(b) => Kind::Bool(b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Kind::Int(i),
            None => Kind::Float(n.as_f64().unwrap_or(0.0)),
        },
        Value::String(s) => Kind::Str(s),
        Value::Array(items) => Kind::Array(items.into_iter().map(from_json).collect()),
        Value::Object(map) => Kind::Object(map.into_iter().map(|(k, v)| (k, from_json(v))).collect()),
    })
}

/// Parses JSON text (`json()`, `base64ToJson()`).
pub(super) fn parse_json(args: &Args<'_>, text: &str) -> Result<Val, EvalError> {
    serde_json::from_str::<Value>(text.trim()).map(from_json).map_err(|e| args.err(format_args!("invalid JSON: {e}")))
}

/// Errors when a string about to be built would exceed [`MAX_STRING`] bytes.
pub(super) fn check_len(args: &Args<'_>, len: usize) -> Result<(), EvalError> {
    if len > MAX_STRING {
        Err(args.err(format_args!("the result would be longer than {MAX_STRING} bytes")))
    } else {
        Ok(())
    }
}

/// Errors when an array about to be built would exceed [`MAX_ITEMS`] elements.
pub(super) fn check_items(args: &Args<'_>, len: usize) -> Result<(), EvalError> {
    if len > MAX_ITEMS {
        Err(args.err(format_args!("the result would have more than {MAX_ITEMS} elements")))
    } else {
        Ok(())
    }
}

/// A character folded for case-insensitive comparison (one char in, one char out,
/// so positions stay aligned).
pub(super) fn fold(c: char) -> char {
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// Ordinal comparison as .NET does it (UTF-16 code units).
pub(super) fn cmp_ordinal(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// Character positions of every match of `needle` in `hay` (non-overlapping is not
/// required; callers take the first or last), optionally ignoring case.
pub(super) fn find_chars(hay: &[char], needle: &[char], ignore_case: bool, last: bool) -> Option<usize> {
    if needle.len() > hay.len() {
        return None;
    }
    let eq = |a: char, b: char| if ignore_case { fold(a) == fold(b) } else { a == b };
    let at = |i: usize| hay.get(i..i + needle.len()).is_some_and(|w| w.iter().zip(needle).all(|(&a, &b)| eq(a, b)));
    let starts = 0..=hay.len() - needle.len();
    if last { starts.rev().find(|&i| at(i)) } else { starts.into_iter().find(|&i| at(i)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_equality_is_tri_state() {
        let a = from_json(serde_json::json!({"a": [1, "x"], "b": null}));
        let b = from_json(serde_json::json!({"B": null, "A": [1, "x"]}));
        assert_eq!(deep_eq(&a, &b), Ok(true));
        assert_eq!(deep_eq(&Val::int(1), &Val::str("1")), Ok(false));
        let u = Val::new(Kind::Array(vec![Val::unknown("why"), Val::int(1)].into()));
        let v = Val::new(Kind::Array(vec![Val::int(1), Val::int(2)].into()));
        assert_eq!(deep_eq(&u, &v), Ok(false));
        let w = Val::new(Kind::Array(vec![Val::int(0), Val::int(1)].into()));
        assert_eq!(deep_eq(&u, &w), Err(Rc::from("why")));
    }

    #[test]
    fn finds_chars_case_insensitively() {
        let hay: Vec<char> = "abcABC".chars().collect();
        let needle: Vec<char> = "bc".chars().collect();
        assert_eq!(find_chars(&hay, &needle, true, false), Some(1));
        assert_eq!(find_chars(&hay, &needle, true, true), Some(4));
        assert_eq!(find_chars(&hay, &needle, false, true), Some(1));
        assert_eq!(find_chars(&hay, &[], false, true), Some(6));
    }

    #[test]
    fn distinct_treats_equal_ints_and_floats_as_one() {
        let mut d = Distinct::default();
        for v in [Val::new(Kind::Float(1.0)), Val::int(1), Val::str("1"), Val::int(2), Val::int(2), Val::unknown("u")] {
            d.push(v);
        }
        let kinds: Vec<&str> = d.into_vec().iter().map(Val::type_name).collect();
        assert_eq!(kinds, ["Float", "String", "Int", "Unknown"]);
    }

    #[test]
    fn ordinal_order_puts_upper_case_first() {
        assert_eq!(cmp_ordinal("A", "a"), Ordering::Less);
    }
}
