//! A fixed [`Context`] for unit tests, and shorthands to evaluate template strings.

use std::rc::Rc;

use serde_json::{Value, json};

use super::support::from_json;
use crate::formats::arm::expr::{Context, EvalError, evaluate_str};
use crate::formats::arm::value::{Kind, Val};

/// Serves fixed parameters and variables; `copyIndex()` is 2 inside loop `vms`.
pub(crate) struct TestContext;

fn object(entries: Vec<(&str, Val)>) -> Val {
    Val::new(Kind::Object(entries.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()))
}

fn lookup(kind: &str, name: &str) -> Result<Val, EvalError> {
    let val = match name.to_ascii_lowercase().as_str() {
        "name" => Val::str("vm1"),
        "count" => Val::int(3),
        "flag" => Val::bool(true),
        "empty" => Val::str(""),
        "nothing" => Val::null(),
        "obj" => object(vec![
            ("a", Val::int(1)),
            ("B", Val::str("two")),
            ("nested", object(vec![("x", from_json(json!([1, 2])))])),
        ]),
        "arr" => from_json(json!([1, 2, 3])),
        "strs" => from_json(json!(["one", "two", "three"])),
        "unk" => Val::unknown("u is unknown"),
        "mixed" => object(vec![("known", Val::str("k")), ("unknown", Val::unknown("u is unknown"))]),
        "located" => {
            let path: Rc<str> = Rc::from("t.json");
            Val::from_json(&json!({"inner": {"leaf": "L"}, "list": ["p", "q"]}), &path, "")
        }
        _ => return Err(EvalError(format!("{kind} '{name}' is not defined"))),
    };
    Ok(val)
}

impl Context for TestContext {
    fn parameter(&self, name: &str) -> Result<Val, EvalError> {
        lookup("parameter", name)
    }

    fn variable(&self, name: &str) -> Result<Val, EvalError> {
        lookup("variable", name)
    }

    fn copy_index(&self, loop_name: Option<&str>) -> Result<i64, EvalError> {
        match loop_name {
            None => Ok(2),
            Some(n) if n.eq_ignore_ascii_case("vms") => Ok(5),
            Some(n) => Err(EvalError(format!("copy loop '{n}' not found"))),
        }
    }

    fn reference(&self, target: &Val) -> Val {
        if target.as_str() == Some("nested") {
            from_json(json!({"outputs": {"y": {"type": "string", "value": "out"}}}))
        } else {
            Val::unknown("reference() to a deployed resource is only known at deployment")
        }
    }

    fn deployment(&self) -> Val {
        object(vec![("name", Val::str("dep")), ("properties", Val::unknown("deployment properties are unknown"))])
    }

    fn resource_group(&self) -> Val {
        object(vec![
            ("name", Val::str("rg")),
            ("location", Val::unknown("resourceGroup().location is only known at deployment")),
            ("id", Val::unknown("resourceGroup().id is only known at deployment")),
        ])
    }

    fn subscription(&self) -> Val {
        object(vec![("subscriptionId", Val::unknown("the subscription is only known at deployment"))])
    }
}

/// Evaluates a template string (`"[...]"`, `"[[..."` or plain).
pub(crate) fn run(text: &str) -> Result<Val, EvalError> {
    evaluate_str(text, &TestContext)
}

/// The JSON of a known result; panics on errors and unknowns.
pub(crate) fn ok(text: &str) -> Value {
    match run(text) {
        Ok(v) if v.is_unknown() => panic!("{text}: unexpectedly unknown: {v:?}"),
        Ok(v) => v.to_json(),
        Err(e) => panic!("{text}: unexpected error: {e}"),
    }
}

/// The error message without its ` (at offset N)` suffix; panics on success.
pub(crate) fn err(text: &str) -> String {
    let message = err_at(text);
    match message.rsplit_once(" (at offset ") {
        Some((head, tail)) if tail.ends_with(')') => head.to_owned(),
        _ => message,
    }
}

/// The full error message; panics on success.
pub(crate) fn err_at(text: &str) -> String {
    match run(text) {
        Ok(v) => panic!("{text}: expected an error, got {v:?}"),
        Err(e) => e.0,
    }
}

/// The reason of an unknown result; panics otherwise.
pub(crate) fn reason(text: &str) -> String {
    match run(text) {
        Ok(v) => match v.unknown_reason() {
            Some(r) => r.to_owned(),
            None => panic!("{text}: expected an unknown, got {v:?}"),
        },
        Err(e) => panic!("{text}: unexpected error: {e}"),
    }
}
