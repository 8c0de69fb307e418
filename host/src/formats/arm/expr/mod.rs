//! The ARM template expression language: `"[concat(parameters('a'), '-vm')]"`.
//!
//! [`evaluate_str`] takes any template string: `[...]` is an expression, `[[...` is a
//! literal starting with `[`, anything else is itself. Evaluation asks a [`Context`]
//! for parameters, variables, `copyIndex()` and deployment outputs; runtime-only
//! values come back as unknown [`Val`]s that propagate, never as errors.

mod eval;
mod functions;
mod parse;

pub use parse::{Expr, parse};

use super::value::Val;

/// What an expression can ask of the template it lives in.
pub trait Context {
    /// `parameters('name')` (names are case-insensitive).
    fn parameter(&self, name: &str) -> Result<Val, EvalError>;
    /// `variables('name')` (names are case-insensitive).
    fn variable(&self, name: &str) -> Result<Val, EvalError>;
    /// `copyIndex()` / `copyIndex('loop')` without the offset; an error outside a loop.
    fn copy_index(&self, loop_name: Option<&str>) -> Result<i64, EvalError>;
    /// `reference(target, …)`: the outputs of a nested deployment of this template
    /// (`{"outputs": {...}}`), or an unknown value for any real resource.
    fn reference(&self, target: &Val) -> Val;
    /// `deployment()`.
    fn deployment(&self) -> Val;
    /// `resourceGroup()`.
    fn resource_group(&self) -> Val;
    /// `subscription()`.
    fn subscription(&self) -> Val;
}

/// An expression that cannot be evaluated because the template itself is wrong
/// (bad syntax, unknown parameter, wrong argument type): deployment would fail too.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvalError(pub String);

impl std::fmt::Display for EvalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for EvalError {}

/// `[...]` that is not `[[...`.
pub fn is_expression(s: &str) -> bool {
    s.starts_with('[') && s.ends_with(']') && !s.starts_with("[[")
}

/// Evaluates a template string: an expression, an escaped literal or a plain string.
pub fn evaluate_str(text: &str, ctx: &dyn Context) -> Result<Val, EvalError> {
    if is_expression(text) {
        let expr = parse(&text[1..text.len() - 1])?;
        expr.evaluate(ctx)
    } else if let Some(rest) = text.strip_prefix("[[") {
        Ok(Val::str(format!("[{rest}")))
    } else {
        Ok(Val::str(text))
    }
}
