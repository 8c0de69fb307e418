//! `Val`: a CloudFormation value after intrinsic functions, which may be unknown before
//! deployment (with the reason), and remembers the places it travelled through.
//!
//! Scalars are kept as text, as CloudFormation passes them (`3` and `'3'` are the same
//! parameter value); booleans only come out of conditions and literal `true`/`false`.

use std::rc::Rc;

use entitle_sdk::model::Source;
use serde_json::Value;

use crate::document::escape_token;

/// Why a value depends on the stack's region; `FindInMap` records the mapping it
/// was looking up when its key had this reason.
pub const REGION_UNKNOWN: &str = "the stack's region (AWS::Region) is chosen at deployment";

/// A mapping entry a value was read from: `Mappings.<map>.<top>.<key>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cell {
    /// The mapping's name.
    pub map: String,
    /// The top-level key (often the region).
    pub top: String,
    /// The second-level key.
    pub key: String,
}

/// The shape of a value.
#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    /// A string (also any number, as its text).
    Str(String),
    /// A boolean (conditions, literal `true`/`false`).
    Bool(bool),
    /// A list.
    List(Vec<Val>),
    /// An object, in key order.
    Map(Vec<(String, Val)>),
    /// `null`.
    Null,
    /// `Ref: AWS::NoValue`: the property is removed.
    NoValue,
    /// An image id that CloudFormation reads from this Systems Manager parameter path.
    Ssm(String),
    /// Not known before deployment; the reason says why.
    Unknown(Rc<str>),
    /// The template cannot deploy this way (a missing mapping key, a bad reference).
    Fail(Rc<str>),
}

/// A value, the places it came through (nearest the resource first, ending at the
/// literal it was read from) and the mapping entry it was read from, if any.
#[derive(Clone, Debug, PartialEq)]
pub struct Val {
    /// The value.
    pub kind: Kind,
    /// Where it came from.
    pub chain: Vec<Source>,
    /// The mapping entry, when the value is one.
    pub cell: Option<Rc<Cell>>,
}

impl Val {
    /// A computed value with no origin.
    pub fn new(kind: Kind) -> Val {
        Val { kind, chain: Vec::new(), cell: None }
    }

    /// A string.
    pub fn str(s: impl Into<String>) -> Val {
        Val::new(Kind::Str(s.into()))
    }

    /// An unknown value.
    pub fn unknown(reason: impl Into<String>) -> Val {
        Val::new(Kind::Unknown(Rc::from(reason.into())))
    }

    /// A value that makes the deployment fail.
    pub fn fail(reason: impl Into<String>) -> Val {
        Val::new(Kind::Fail(Rc::from(reason.into())))
    }

    /// A JSON node at `pointer` of `path`, every node with its own origin.
    pub fn from_json(value: &Value, path: &str, pointer: &str) -> Val {
        let kind = match value {
            Value::Null => Kind::Null,
            Value::Bool(b) => Kind::Bool(*b),
            Value::Number(n) => Kind::Str(n.to_string()),
            Value::String(s) => Kind::Str(s.clone()),
            Value::Array(items) => Kind::List(
                items.iter().enumerate().map(|(i, v)| Val::from_json(v, path, &format!("{pointer}/{i}"))).collect(),
            ),
            Value::Object(map) => Kind::Map(
                map.iter()
                    .map(|(k, v)| (k.clone(), Val::from_json(v, path, &format!("{pointer}/{}", escape_token(k)))))
                    .collect(),
            ),
        };
        Val { kind, chain: vec![source(path, pointer)], cell: None }
    }

    /// The same value, reached through `before` (places nearer the resource).
    pub fn after(mut self, before: &[Source]) -> Val {
        let mut chain = before.to_vec();
        chain.append(&mut self.chain);
        self.chain = chain;
        self
    }

    /// The reason, when unknown or failing.
    pub fn reason(&self) -> Option<&str> {
        match &self.kind {
            Kind::Unknown(r) | Kind::Fail(r) => Some(r),
            _ => None,
        }
    }

    /// True when unknown or failing: the value cannot be used.
    pub fn is_opaque(&self) -> bool {
        matches!(self.kind, Kind::Unknown(_) | Kind::Fail(_))
    }

    /// The text of a string or boolean.
    pub fn text(&self) -> Option<String> {
        match &self.kind {
            Kind::Str(s) => Some(s.clone()),
            Kind::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// A short name for the shape, for messages.
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            Kind::Str(_) => "a string",
            Kind::Bool(_) => "a boolean",
            Kind::List(_) => "a list",
            Kind::Map(_) => "an object",
            Kind::Null => "null",
            Kind::NoValue => "AWS::NoValue",
            Kind::Ssm(_) => "an SSM parameter",
            Kind::Unknown(_) => "unknown",
            Kind::Fail(_) => "invalid",
        }
    }
}

/// A `Source` with no line yet.
pub fn source(path: &str, pointer: &str) -> Source {
    Source { path: path.to_owned(), pointer: pointer.to_owned(), line: None, column: None }
}
