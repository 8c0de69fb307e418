//! `reference('<deployment>').outputs.<name>.value`: the outputs of a nested or
//! linked deployment of the same template, evaluated in the deployment's scope.
//! Any other `reference()` reads a real resource's runtime state: unknown.

use serde_json::Value;

use super::expr::EvalError;
use super::nested::{self, Child};
use super::template::Template;
use super::value::{Kind, Val};
use crate::document::escape_token;

/// The value of `reference(target)` in `t`.
pub fn reference(t: &Template, target: &Val) -> Val {
    let text = match &target.kind {
        Kind::Str(s) => s.clone(),
        Kind::Unknown(reason) => return Val::unknown(reason.to_string()),
        _ => return Val::unknown("reference() of a value that is not a resource name or id"),
    };
    let runtime = || Val::unknown(format!("reference('{text}') reads the runtime state of that resource"));
    let Some(name) = deployment_name(&text) else { return runtime() };
    let key = name.to_ascii_lowercase();
    if let Some(found) = t.outputs.borrow().get(&key) {
        return found.clone();
    }
    // A placeholder while evaluating stops a deployment that reads its own outputs.
    t.outputs.borrow_mut().insert(key.clone(), Val::unknown(format!("deployment {name} reads its own outputs")));
    let value = match find(t, &format!("{}/resources", t.base), &name) {
        Ok(Some(pointer)) => outputs(t, &pointer)
            .unwrap_or_else(|e| Val::unknown(format!("the outputs of deployment {name} cannot be evaluated: {e}"))),
        Ok(None) => runtime(),
        Err(e) => Val::unknown(format!("deployment names cannot be evaluated: {e}")),
    };
    t.outputs.borrow_mut().insert(key, value.clone());
    value
}

/// `x` from `x`, `Microsoft.Resources/deployments/x` or a full deployment resource id.
fn deployment_name(text: &str) -> Option<String> {
    const TYPE: &str = "microsoft.resources/deployments/";
    let lower = text.to_ascii_lowercase();
    match lower.find(TYPE) {
        Some(at) => text[at + TYPE.len()..].split('/').next().map(str::to_owned),
        None if !text.contains('/') && !text.is_empty() => Some(text.to_owned()),
        None => None,
    }
}

/// The pointer of the deployment resource named `name` under `pointer`.
fn find(t: &Template, pointer: &str, name: &str) -> Result<Option<String>, EvalError> {
    let entries: Vec<(String, &Value)> = match t.node(pointer) {
        Some(Value::Array(items)) => items.iter().enumerate().map(|(i, r)| (format!("{pointer}/{i}"), r)).collect(),
        Some(Value::Object(map)) => map.iter().map(|(k, r)| (format!("{pointer}/{}", escape_token(k)), r)).collect(),
        _ => return Ok(None),
    };
    for (at, resource) in entries {
        let ty = resource.get("type").and_then(Value::as_str).unwrap_or_default();
        if ty.eq_ignore_ascii_case("Microsoft.Resources/deployments") {
            let evaluated = match resource.get("name") {
                Some(node) => {
                    let copy = resource.pointer("/copy/name").and_then(Value::as_str).unwrap_or("copy");
                    t.in_copy(copy, 0, || t.eval_node(node, &format!("{at}/name")))?
                }
                None => Val::null(),
            };
            if evaluated.as_str().is_some_and(|n| n.eq_ignore_ascii_case(name)) {
                return Ok(Some(at));
            }
        }
        if resource.get("resources").is_some()
            && let Some(found) = find(t, &format!("{at}/resources"), name)?
        {
            return Ok(Some(found));
        }
    }
    Ok(None)
}

/// `{"outputs": {name: {"type": …, "value": …}}}` of the deployment at `pointer`.
fn outputs(t: &Template, pointer: &str) -> Result<Val, EvalError> {
    let (scope, at) = match nested::child(&t.rc(), pointer)? {
        Child::Outer { template } => (t.rc(), format!("{template}/outputs")),
        Child::Scoped(child) => {
            let at = format!("{}/outputs", child.base);
            (child, at)
        }
        Child::External { uri, reason } => return Ok(Val::unknown(format!("outputs of {uri}: {reason}"))),
    };
    let mut entries = Vec::new();
    if let Some(Value::Object(map)) = scope.node(&at) {
        for (name, output) in map {
            let out_at = format!("{at}/{}", escape_token(name));
            let value = match output.get("value") {
                Some(node) => scope.eval_node(node, &format!("{out_at}/value"))?,
                None => Val::unknown(format!("output {name} has no literal value")),
            };
            let ty = output.get("type").and_then(Value::as_str).unwrap_or("object");
            let wrapped = Val::new(Kind::Object(vec![("type".into(), Val::str(ty)), ("value".into(), value)].into()));
            entries.push((name.clone(), wrapped));
        }
    }
    Ok(Val::new(Kind::Object(vec![("outputs".into(), Val::new(Kind::Object(entries.into())))].into())))
}
