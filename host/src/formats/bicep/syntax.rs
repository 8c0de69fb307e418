//! The Bicep syntax tree: declarations and expressions, each node with the position of
//! its first character, so that every value compiled from it points back at the
//! literal in the `.bicep` file.

use crate::document::Position;

/// An expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// A string: text parts and `${…}` holes.
    Str(Vec<StrPart>, Position),
    /// An integer.
    Int(i64, Position),
    /// `true` / `false`.
    Bool(bool, Position),
    /// `null`.
    Null(Position),
    /// A name: a parameter, variable, resource, module, loop variable or function parameter.
    Ident(String, Position),
    /// `{ key: value … }` (members may declare child resources).
    Object(Vec<Member>, Position),
    /// `[ a b … ]`.
    Array(Vec<Expr>, Position),
    /// `f(…)` or `ns.f(…)`.
    Call { ns: Option<String>, name: String, args: Vec<Expr>, at: Position },
    /// `target.name` (or `target.?name`).
    Member { target: Box<Expr>, name: String, at: Position },
    /// `target[index]` (or `target[?index]`).
    Index { target: Box<Expr>, index: Box<Expr>, at: Position },
    /// `!x`, `-x`.
    Unary { op: &'static str, operand: Box<Expr>, at: Position },
    /// `a op b`.
    Binary { op: &'static str, left: Box<Expr>, right: Box<Expr>, at: Position },
    /// `c ? a : b`.
    Ternary { cond: Box<Expr>, then: Box<Expr>, other: Box<Expr>, at: Position },
    /// `[for item in source: body]` (`(item, index)` also).
    For { item: String, index: Option<String>, source: Box<Expr>, body: Box<Expr>, at: Position },
    /// `if (cond) body` (a resource's or module's body only).
    If { cond: Box<Expr>, body: Box<Expr>, at: Position },
    /// `x => body` lambdas: not evaluated.
    Lambda(Position),
}

impl Expr {
    /// Where the expression starts.
    pub fn at(&self) -> Position {
        match self {
            Expr::Str(_, at)
            | Expr::Int(_, at)
            | Expr::Bool(_, at)
            | Expr::Null(at)
            | Expr::Ident(_, at)
            | Expr::Object(_, at)
            | Expr::Array(_, at)
            | Expr::Lambda(at) => *at,
            Expr::Call { at, .. }
            | Expr::Member { at, .. }
            | Expr::Index { at, .. }
            | Expr::Unary { at, .. }
            | Expr::Binary { at, .. }
            | Expr::Ternary { at, .. }
            | Expr::For { at, .. }
            | Expr::If { at, .. } => *at,
        }
    }

    /// The text of a string without holes.
    pub fn plain_str(&self) -> Option<&str> {
        match self {
            Expr::Str(parts, _) => match parts.as_slice() {
                [StrPart::Text(t)] => Some(t),
                _ => None,
            },
            _ => None,
        }
    }

    /// An object's property by name (case-sensitive, as Bicep).
    pub fn property(&self, key: &str) -> Option<&Expr> {
        match self {
            Expr::Object(members, _) => members.iter().find_map(|m| match m {
                Member::Prop { key: k, value, .. } if k == key => Some(value),
                _ => None,
            }),
            _ => None,
        }
    }
}

/// A part of a string.
#[derive(Clone, Debug, PartialEq)]
pub enum StrPart {
    /// Literal text.
    Text(String),
    /// A `${…}` hole.
    Hole(Expr),
}

/// A member of an object literal.
#[derive(Clone, Debug, PartialEq)]
pub enum Member {
    /// `key: value`.
    Prop { key: String, at: Position, value: Expr },
    /// A child resource declared inside its parent's body.
    Resource(Box<Resource>),
}

/// A decorator: `@name(args)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Decorator {
    /// The decorator's name (without a `sys.` namespace).
    pub name: String,
    /// Its arguments.
    pub args: Vec<Expr>,
}

/// A `resource` declaration.
#[derive(Clone, Debug, PartialEq)]
pub struct Resource {
    /// The symbolic name.
    pub name: String,
    /// `Type@apiVersion` as written.
    pub ty: String,
    /// Where the type string is.
    pub ty_at: Position,
    /// Declared `existing`.
    pub existing: bool,
    /// The body: an object, `if (…) {…}` or `[for …: …]`.
    pub body: Expr,
    /// Where the declaration starts.
    pub at: Position,
}

/// A top-level declaration.
#[derive(Clone, Debug, PartialEq)]
pub enum Decl {
    /// `param name type = default`.
    Param { name: String, decorators: Vec<Decorator>, ty: String, default: Option<Expr>, at: Position },
    /// `var name = value`.
    Var { name: String, value: Expr, at: Position },
    /// `resource …`.
    Resource(Resource),
    /// `module name 'path' = body`.
    Module { name: String, path: String, path_at: Position, body: Expr, at: Position },
    /// `output name type = value`.
    Output { name: String, value: Expr, at: Position },
    /// `func name(a type, …) type => body`.
    Func { name: String, params: Vec<String>, body: Expr, at: Position },
    /// `targetScope = '…'`.
    TargetScope(Expr),
    /// `using './main.bicep'` (parameters files).
    Using { path: String, at: Position },
    /// Declarations that produce no value here (`type`, `import`, `metadata`, …).
    Other,
}
