//! `Val`: a value of the ARM template language, which may be unknown (a runtime-only
//! value, with the reason) and remembers where in which file it came from.
//!
//! Unknowns propagate through functions instead of aborting, so one `listKeys()` in
//! a storage account never stops the VM's image from being resolved. Origins let the
//! host show the chain a resolved value took (resource → variable → parameter).

use std::rc::Rc;

use entitle_sdk::model::Source;
use serde_json::Value;

use crate::document::escape_token;
use crate::formats::partial::Partial;

/// Where a value came from: a JSON node in a file, and the node it was reached
/// through (a variable or parameter reference), outermost first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    /// The JSON node (path and pointer; line and column are filled in later).
    pub source: Source,
    /// The reference it was reached through, if any.
    pub via: Option<Rc<Origin>>,
}

impl Origin {
    /// The chain from the outermost reference to this node.
    pub fn chain(&self) -> Vec<Source> {
        let mut out = Vec::new();
        let mut at = Some(self);
        while let Some(o) = at {
            out.push(o.source.clone());
            at = o.via.as_deref();
        }
        out.reverse();
        out
    }
}

/// The shape of a value.
#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    /// `null` (also what `json('null')` gives: the property is removed).
    Null,
    /// A boolean.
    Bool(bool),
    /// A 64-bit integer (ARM integers).
    Int(i64),
    /// A non-integer number (only from JSON literals or `json()`).
    Float(f64),
    /// A string.
    Str(String),
    /// An array.
    Array(Rc<[Val]>),
    /// An object, keys in template order; lookups are case-insensitive as in ARM.
    Object(Rc<[(String, Val)]>),
    /// Not known before deployment; the reason says why.
    Unknown(Rc<str>),
}

/// What is known of an unknown string built from known text and unknown parts
/// (`concat('--org ', parameters('orgId'))`), and how many times it was then
/// base64-encoded. Only the string functions build one; only boot text reads one.
#[derive(Clone, Debug, PartialEq)]
pub struct PartialStr {
    /// The text with its holes.
    pub text: Partial,
    /// How many `base64()` layers wrap it.
    pub base64: u8,
}

/// A value and its origin.
#[derive(Clone, Debug, PartialEq)]
pub struct Val {
    /// The value.
    pub kind: Kind,
    /// Where it came from (`None` for computed values).
    pub origin: Option<Rc<Origin>>,
    /// For an unknown string, what is known of it; `None` otherwise. A new value
    /// never inherits it: only the string functions pass it on.
    pub partial: Option<Rc<PartialStr>>,
}

impl Val {
    /// A computed value with no origin.
    pub fn new(kind: Kind) -> Val {
        Val { kind, origin: None, partial: None }
    }

    /// An unknown string of which `text` is known; a wholly known text is a string.
    pub fn partial(text: Partial, base64: u8) -> Val {
        if text.is_known() {
            let mut s = text.text().to_owned();
            for _ in 0..base64 {
                s = crate::formats::base64::encode(s.as_bytes());
            }
            return Val::str(s);
        }
        let reason = text.reasons().first().map_or("a part of the string is not known", String::as_str);
        let mut v = Val::unknown(reason);
        if !text.is_one_hole() {
            v.partial = Some(Rc::new(PartialStr { text, base64 }));
        }
        v
    }

    /// What is known of this unknown string, if anything.
    pub fn partial_str(&self) -> Option<&PartialStr> {
        self.partial.as_deref().filter(|_| self.is_unknown())
    }

    /// An unknown value with a reason.
    pub fn unknown(reason: impl Into<String>) -> Val {
        Val::new(Kind::Unknown(Rc::from(reason.into())))
    }

    /// A string value.
    pub fn str(s: impl Into<String>) -> Val {
        Val::new(Kind::Str(s.into()))
    }

    /// A boolean value.
    pub fn bool(b: bool) -> Val {
        Val::new(Kind::Bool(b))
    }

    /// An integer value.
    pub fn int(i: i64) -> Val {
        Val::new(Kind::Int(i))
    }

    /// `null`.
    pub fn null() -> Val {
        Val::new(Kind::Null)
    }

    /// Converts a JSON node at `pointer` of `path`, giving every node its own origin.
    /// Strings are taken literally (expressions inside are evaluated by the caller).
    pub fn from_json(value: &Value, path: &Rc<str>, pointer: &str) -> Val {
        let kind = match value {
            Value::Null => Kind::Null,
            Value::Bool(b) => Kind::Bool(*b),
            Value::Number(n) => match n.as_i64() {
                Some(i) => Kind::Int(i),
                None => Kind::Float(n.as_f64().unwrap_or(0.0)),
            },
            Value::String(s) => Kind::Str(s.clone()),
            Value::Array(items) => Kind::Array(
                items.iter().enumerate().map(|(i, v)| Val::from_json(v, path, &format!("{pointer}/{i}"))).collect(),
            ),
            Value::Object(map) => Kind::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), Val::from_json(v, path, &format!("{pointer}/{}", escape_token(k)))))
                    .collect(),
            ),
        };
        Val { kind, origin: Some(Rc::new(Origin { source: source(path, pointer), via: None })), partial: None }
    }

    /// The same value, recorded as reached through `via` (a variable or parameter).
    pub fn through(mut self, via: &Rc<Origin>) -> Val {
        self.origin = Some(match self.origin.take() {
            Some(inner) => Rc::new(Origin { source: inner.source.clone(), via: Some(chain_onto(&inner, via)) }),
            None => via.clone(),
        });
        self
    }

    /// True when the value (or anything inside it) is unknown.
    pub fn is_unknown(&self) -> bool {
        matches!(self.kind, Kind::Unknown(_))
    }

    /// The reason, when the value itself is unknown.
    pub fn unknown_reason(&self) -> Option<&str> {
        match &self.kind {
            Kind::Unknown(r) => Some(r),
            _ => None,
        }
    }

    /// The string, when the value is a known string.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Str(s) => Some(s),
            _ => None,
        }
    }

    /// An object member by name, case-insensitively (exact match first).
    pub fn get(&self, key: &str) -> Option<&Val> {
        match &self.kind {
            Kind::Object(entries) => entries
                .iter()
                .find(|(k, _)| k == key)
                .or_else(|| entries.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// Back to plain JSON; unknowns become `null`.
    pub fn to_json(&self) -> Value {
        match &self.kind {
            Kind::Null | Kind::Unknown(_) => Value::Null,
            Kind::Bool(b) => Value::Bool(*b),
            Kind::Int(i) => Value::from(*i),
            Kind::Float(f) => serde_json::Number::from_f64(*f).map(Value::Number).unwrap_or(Value::Null),
            Kind::Str(s) => Value::String(s.clone()),
            Kind::Array(items) => Value::Array(items.iter().map(Val::to_json).collect()),
            Kind::Object(entries) => Value::Object(entries.iter().map(|(k, v)| (k.clone(), v.to_json())).collect()),
        }
    }

    /// The ARM type name used in error messages (`String`, `Int`, `Object`, …).
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            Kind::Null => "Null",
            Kind::Bool(_) => "Bool",
            Kind::Int(_) => "Int",
            Kind::Float(_) => "Float",
            Kind::Str(_) => "String",
            Kind::Array(_) => "Array",
            Kind::Object(_) => "Object",
            Kind::Unknown(_) => "Unknown",
        }
    }
}

/// `inner`'s own chain with `via` appended at its far end (the outermost reference).
fn chain_onto(inner: &Rc<Origin>, via: &Rc<Origin>) -> Rc<Origin> {
    match &inner.via {
        None => via.clone(),
        Some(next) => Rc::new(Origin { source: next.source.clone(), via: Some(chain_onto(next, via)) }),
    }
}

/// A `Source` with no line yet.
pub fn source(path: &Rc<str>, pointer: &str) -> Source {
    Source { path: path.to_string(), pointer: pointer.to_owned(), line: None, column: None }
}
